/**
 * Objects S3 writes on its own account or another service's: server access
 * logs, and DynamoDB's table exports. Each is one whole body, stored as a
 * PUT of its writer would store it, with S3's default checksum.
 */
import { HeldBody } from "../../protocols/shared/body.js";
import type { ObjectWriter } from "../../server/service.js";
import { ingestBody, INLINE_BODY_BYTES } from "./body.js";
import { s3Errors } from "./errors.js";
import { newObjectRecord } from "./object-headers.js";
import { newVersionLock } from "./object-lock.js";
import type { S3Store } from "./store.js";

/** Stores `bytes` under `key` of bucket `bucket`, written by `accountId` at `now`; answers the quoted ETag. */
export async function storeWholeObject(store: S3Store, bucket: string, key: string, bytes: Buffer, contentType: string, accountId: string, now: number): Promise<string> {
  const record = store.bucket(bucket);
  if (!record) throw s3Errors.noSuchBucket(bucket);
  const body = await ingestBody(store.blobs, new HeldBody(bytes), {}, new Map(), INLINE_BODY_BYTES);
  const lock = newVersionLock(record, {}, now);
  const object = newObjectRecord(
    { contentType, metadata: {} },
    {
      blob: body.blob,
      inline: body.inline ? true : undefined,
      size: body.size,
      etag: `"${body.md5Hex}"`,
      lastModified: Math.floor(now / 1000) * 1000,
      ownerAccountId: accountId,
      checksum: { algorithm: body.checksum.algorithm, value: body.checksum.value, type: "FULL_OBJECT" },
      tags: [],
      lockMode: lock.lockMode,
      retainUntil: lock.retainUntil,
      legalHold: lock.legalHold,
    },
  );
  try {
    await store.putObject(bucket, key, object, body.inline);
  } catch (error) {
    await store.discardBody(object);
    throw error;
  }
  return object.etag;
}

/** S3's writer for other services. */
export function objectWriter(store: S3Store, now: () => number): ObjectWriter {
  return {
    bucket(name) {
      const record = store.bucket(name);
      return record && { accountId: record.accountId, region: record.region };
    },
    put: (accountId, bucket, key, body, contentType) => storeWholeObject(store, bucket, key, body, contentType, accountId, now()),
  };
}
