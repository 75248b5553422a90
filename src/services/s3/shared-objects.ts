/**
 * Objects S3 writes on its own account or another service's: server access
 * logs, and DynamoDB's table exports. Each is one whole body, stored as a
 * PUT of its writer would store it, with S3's default checksum.
 */
import { HeldBody } from "../../protocols/shared/body.js";
import type { SharedObjects } from "../../server/service.js";
import { aclsEnabled } from "./acl.js";
import { ingestBody, INLINE_BODY_BYTES } from "./body.js";
import { s3Errors } from "./errors.js";
import { newObjectRecord } from "./object-headers.js";
import { newVersionLock } from "./object-lock.js";
import type { S3Store } from "./store.js";
import { etagOf } from "./sse-c.js";
import { kmsEncryption } from "./sse-kms.js";

/** S3's longest key, in UTF-8 bytes. */
const MAX_KEY_BYTES = 1024;

/** Stores `bytes` under `key` of bucket `bucket`, written by `accountId` at `now`; answers the quoted ETag. */
export async function storeWholeObject(
  store: S3Store,
  bucket: string,
  key: string,
  bytes: Buffer,
  contentType: string,
  accountId: string,
  now: number,
  kmsKey?: { keyId?: string },
): Promise<string> {
  const record = store.bucket(bucket);
  if (!record) throw s3Errors.noSuchBucket(bucket);
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw s3Errors.keyTooLong();
  const kms = kmsEncryption(kmsKey ? { ServerSideEncryption: "aws:kms", SSEKMSKeyId: kmsKey.keyId } : {}, record);
  const body = await ingestBody(store.blobs, new HeldBody(bytes), {}, new Map(), INLINE_BODY_BYTES);
  const lock = newVersionLock(record, {}, now);
  const object = newObjectRecord(
    { contentType, metadata: {} },
    {
      blob: body.blob,
      inline: body.inline ? true : undefined,
      size: body.size,
      etag: etagOf(body.md5Hex, { kms }),
      lastModified: Math.floor(now / 1000) * 1000,
      // With ACLs disabled (bucket owner enforced), the bucket's owner owns every object written to it.
      ownerAccountId: aclsEnabled(record) ? accountId : record.accountId,
      checksum: { algorithm: body.checksum.algorithm, value: body.checksum.value, type: "FULL_OBJECT" },
      tags: [],
      lockMode: lock.lockMode,
      retainUntil: lock.retainUntil,
      legalHold: lock.legalHold,
      kms,
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

/** S3's objects as other services see them. */
export function sharedObjects(store: S3Store, now: () => number): SharedObjects {
  return {
    bucket(name) {
      const record = store.bucket(name);
      return record && { accountId: record.accountId, region: record.region };
    },
    *keys(bucket, prefix) {
      for (const [key] of store.scanObjects(bucket, prefix)) {
        if (!key.startsWith(prefix)) return;
        yield key;
      }
    },
    async read(bucket, key) {
      const record = store.object(bucket, key);
      if (!record) return undefined;
      const body = store.responseBody(record);
      if (Buffer.isBuffer(body)) return body;
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
    put: (accountId, bucket, key, body, contentType, kms) => storeWholeObject(store, bucket, key, body, contentType, accountId, now(), kms),
  };
}
