/**
 * An object version's Object Lock: PutObjectRetention, GetObjectRetention,
 * PutObjectLegalHold, GetObjectLegalHold. Each needs a bucket with Object
 * Lock; a retention is lengthened freely and weakened only by bypassing
 * GOVERNANCE.
 */
import { AwsError } from "../../../server/errors.js";
import type { OperationTable } from "../../../server/service.js";
import { s3Errors } from "../errors.js";
import { objectArn } from "../names.js";
import { checkRetentionChange, missingLockConfiguration, type LockMode } from "../object-lock.js";
import { operation, requireBucket, requireIntegrityHeader, requireVersion, type S3Deps } from "../operation.js";
import type { BucketRecord } from "../records.js";

interface VersionInput {
  Bucket: string;
  Key: string;
  VersionId?: string;
}

const noLockOnObject = () => new AwsError("NoSuchObjectLockConfiguration", "The specified object does not have a ObjectLock configuration", 404);

export function objectLockOperations({ store }: S3Deps): OperationTable {
  /** The bucket, which must have Object Lock, and the version named. */
  const locked = (input: VersionInput, method: string) => {
    const bucket: BucketRecord = requireBucket(store, input.Bucket);
    if (!bucket.objectLock) throw missingLockConfiguration();
    return { bucket, record: requireVersion(store, bucket, input.Key, input.VersionId, method) };
  };
  const update = async (input: VersionInput, change: Parameters<typeof store.updateObject>[3]) => {
    const found = await store.updateObject(input.Bucket, input.Key, input.VersionId, change);
    if (!found) throw s3Errors.noSuchKey(input.Key);
  };
  return {
    GetObjectRetention: operation<VersionInput>({
      authorize: (i) => [{ action: "s3:GetObjectRetention", resource: objectArn(i.Bucket, i.Key) }],
      handle(input) {
        const { record } = locked(input, "GET");
        if (record.lockMode === undefined) throw noLockOnObject();
        return { Retention: { Mode: record.lockMode, RetainUntilDate: new Date(record.retainUntil ?? 0) } };
      },
    }),

    PutObjectRetention: operation<VersionInput & { Retention?: { Mode?: string; RetainUntilDate?: Date }; BypassGovernanceRetention?: boolean }>({
      authorize: (i) => [
        { action: "s3:PutObjectRetention", resource: objectArn(i.Bucket, i.Key) },
        ...(i.BypassGovernanceRetention ? [{ action: "s3:BypassGovernanceRetention", resource: objectArn(i.Bucket, i.Key) }] : []),
      ],
      async handle(input, ctx) {
        requireIntegrityHeader(ctx);
        if (input.Retention === undefined) throw s3Errors.malformedXml();
        locked(input, "PUT");
        const next = { mode: input.Retention.Mode, until: input.Retention.RetainUntilDate };
        const now = ctx.now().getTime();
        // Judged against the version as the write finds it, so two changes at once cannot weaken it together.
        await update(input, (r) => {
          checkRetentionChange(r, next, input.BypassGovernanceRetention === true, now);
          return { ...r, lockMode: next.mode as LockMode | undefined, retainUntil: next.until?.getTime() };
        });
        return {};
      },
    }),

    GetObjectLegalHold: operation<VersionInput>({
      authorize: (i) => [{ action: "s3:GetObjectLegalHold", resource: objectArn(i.Bucket, i.Key) }],
      handle(input) {
        const { record } = locked(input, "GET");
        if (record.legalHold === undefined) throw noLockOnObject();
        return { LegalHold: { Status: record.legalHold ? "ON" : "OFF" } };
      },
    }),

    PutObjectLegalHold: operation<VersionInput & { LegalHold?: { Status?: string } }>({
      authorize: (i) => [{ action: "s3:PutObjectLegalHold", resource: objectArn(i.Bucket, i.Key) }],
      async handle(input, ctx) {
        requireIntegrityHeader(ctx);
        // The document is judged first, even where the bucket has no Object Lock.
        const status = input.LegalHold?.Status;
        if (status !== "ON" && status !== "OFF") throw s3Errors.malformedXml();
        locked(input, "PUT");
        await update(input, (r) => ({ ...r, legalHold: status === "ON" }));
        return {};
      },
    }),
  };
}
