/**
 * Bucket owner conditions: `x-amz-expected-bucket-owner` on every bucket
 * and object operation that takes it, and a copy's
 * `x-amz-source-expected-bucket-owner` for its source bucket
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-owner-condition.html).
 * A bucket another account owns answers 403 AccessDenied, whoever asks.
 */
import type { Structure } from "../../protocols/types.js";
import { s3Errors } from "./errors.js";
import { parseCopySource } from "./operations/copy.js";
import type { S3Store } from "./store.js";

/** Checks the owner conditions an operation's input names, before the operation looks at its bucket. */
export function checkExpectedOwners(store: S3Store, input: Structure): void {
  if (typeof input.Bucket === "string") expectOwner(store, input.Bucket, input.ExpectedBucketOwner);
  // Only a copy names a source owner, and it names its source in CopySource.
  if (input.ExpectedSourceBucketOwner !== undefined && typeof input.CopySource === "string") {
    expectOwner(store, parseCopySource(input.CopySource).bucket, input.ExpectedSourceBucketOwner);
  }
}

/**
 * A bucket that does not exist is left for the operation to answer
 * NoSuchBucket; one that does must be the named account's.
 */
function expectOwner(store: S3Store, bucketName: string, expected: unknown): void {
  if (typeof expected !== "string") return;
  const bucket = store.bucket(bucketName);
  if (bucket && bucket.accountId !== expected) throw s3Errors.accessDenied();
}
