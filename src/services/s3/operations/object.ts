/**
 * Object operations: PutObject, GetObject, HeadObject, DeleteObject,
 * DeleteObjects.
 */
import type { RequestBody } from "../../../protocols/shared/body.js";
import type { AuthorizationRequirement, OperationTable } from "../../../server/service.js";
import type { RequestContext } from "../../../server/context.js";
import { AwsError } from "../../../server/errors.js";
import { declaredDigests, ingestBody, INLINE_BODY_BYTES, MAX_PUT_BYTES, type IngestedBody } from "../body.js";
import { checkReadConditions, checkWriteConditionHeaders, checkWriteConditions, etagMatches, parseRange, type ReadConditions } from "../conditions.js";
import { s3Errors } from "../errors.js";
import { assertValidKey, bucketArn, objectArn } from "../names.js";
import {
  checksumOutput,
  headersFromInput,
  headersToOutput,
  newObjectRecord,
  parseTaggingHeader,
  type ObjectHeaderInput,
} from "../object-headers.js";
import {
  checkEncryption,
  objectWriteAcl,
  aclRequirements,
  type ObjectWriteAcl,
  checkVersionId,
  isVersionId,
  operation,
  refuseEncryptionHeader,
  refuseGovernanceBypass,
  requireBucket,
  requireIntegrityHeader,
  requireVersion,
  versionHeader,
  type AclInput,
  type EncryptionInput,
  type S3Deps,
  objectKeySources,
  objectRequirement,
  storedVersion,
  writeKeys,
} from "../operation.js";
import type { BucketRecord, Encryption, ObjectHeaders, ObjectRecord, StoredChecksum, Tag } from "../records.js";
import { checkPresentedKey, encryptionOutput, etagOf, presentedKey, type CustomerKeyInput } from "../sse-c.js";
import { requireSigV4 } from "../sse-kms.js";
import type { S3Store } from "../store.js";
import { dueDate, expirationHeader } from "../lifecycle.js";
import { lockedReason, lockedVersion, lockOutput, newVersionLock, type LockHeadersInput, type VersionLock } from "../object-lock.js";

interface ObjectInput {
  Bucket: string;
  Key: string;
}

interface PutObjectInput extends ObjectInput, ObjectHeaderInput, AclInput, EncryptionInput, LockHeadersInput {
  /** The payload: a stream, or its bytes when authentication read a small one whole. */
  Body: RequestBody;
  ContentLength?: number;
  ContentMD5?: string;
  IfMatch?: string;
  IfNoneMatch?: string;
  Tagging?: string;
}

interface GetObjectInput extends ObjectInput, ReadConditions, CustomerKeyInput {
  Range?: string;
  PartNumber?: number;
  VersionId?: string;
  ChecksumMode?: string;
  ResponseCacheControl?: string;
  ResponseContentDisposition?: string;
  ResponseContentEncoding?: string;
  ResponseContentLanguage?: string;
  ResponseContentType?: string;
  ResponseExpires?: Date;
}

interface GetObjectAttributesInput extends ObjectInput, CustomerKeyInput {
  VersionId?: string;
  ObjectAttributes?: string[];
  MaxParts?: number;
  PartNumberMarker?: number;
}

/** What GetObjectAttributes can be asked for. */
const OBJECT_ATTRIBUTES: ReadonlySet<string> = new Set(["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"]);

interface DeleteObjectInput extends ObjectInput {
  VersionId?: string;
  BypassGovernanceRetention?: boolean;
  IfMatch?: string;
}

interface DeleteObjectsInput {
  Bucket: string;
  Delete: { Objects?: { Key: string; VersionId?: string; ETag?: string }[]; Quiet?: boolean };
  BypassGovernanceRetention?: boolean;
}

export function objectOperations({ store }: S3Deps): OperationTable {
  return {
    PutObject: operation<PutObjectInput>({
      authorize(i, ctx) {
        const keys = writeKeys(ctx);
        return [{ action: "s3:PutObject", resource: objectArn(i.Bucket, i.Key), keys }, ...aclRequirements(i, "s3:PutObjectAcl", objectArn(i.Bucket, i.Key), keys)];
      },
      async handle(input, ctx) {
        const bucket = requireBucket(store, input.Bucket);
        const acl = objectWriteAcl(bucket, input, ctx);
        assertValidKey(input.Key);
        const encryption = checkEncryption(input, bucket, ctx);
        checkWriteConditionHeaders(input);
        requireContentLength(ctx, input.ContentLength);
        const headers = headersFromInput(input);
        const tags = parseTaggingHeader(input.Tagging);
        const lock = newVersionLock(bucket, input, ctx.now().getTime());
        const declared = declaredDigests(input as unknown as Record<string, unknown>, ctx.headers);
        // A write that will be locked (by its headers or the bucket's default retention) must be checksummed.
        if (lock.lockMode !== undefined || lock.legalHold !== undefined) {
          if (declared.contentMd5 === undefined && declared.checksum === undefined && ctx.headers["x-amz-trailer"] === undefined) {
            throw s3Errors.invalidRequest("Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters");
          }
        }
        const body = await ingestBody(store.blobs, input.Body, declared, ctx.trailers, INLINE_BODY_BYTES);
        const record = writtenRecord(headers, body, tags, ctx, { lock, acl, encryption });
        const versionId = await storeNewObject(store, input, record, body.inline);
        return {
          ETag: record.etag,
          VersionId: versionId,
          Expiration: expirationHeader(bucket.lifecycle, input.Key, record),
          ...(declared.algorithm ? checksumOutput(record) : {}),
          ...encryptionOutput(encryption),
          ...(encryption.kms ? { SSEKMSEncryptionContext: input.SSEKMSEncryptionContext } : {}),
        };
      },
    }),

    GetObject: operation<GetObjectInput>({
      authorize: (i, ctx) => [readRequirement(store, i, ctx)],
      handle(input, ctx) {
        const { record, output, range } = readObject(store, input, ctx, "GET");
        // An archived object's body must be restored first; HeadObject still describes it.
        if (!readable(record, ctx.now().getTime())) {
          throw new AwsError("InvalidObjectState", "The operation is not valid for the object's storage class", 403, { StorageClass: record.storageClass });
        }
        output.Body = store.responseBody(record, range);
        return output;
      },
    }),

    HeadObject: operation<GetObjectInput>({
      authorize: (i, ctx) => [readRequirement(store, i, ctx)],
      handle(input, ctx) {
        return readObject(store, input, ctx, "HEAD").output;
      },
    }),

    GetObjectAttributes: operation<GetObjectAttributesInput>({
      authorize: (i) => [
        objectRequirement("s3:GetObject", i.Bucket, i.Key, i.VersionId),
        objectRequirement("s3:GetObjectAttributes", i.Bucket, i.Key, i.VersionId),
      ],
      handle(input, ctx) {
        if (input.MaxParts !== undefined && input.MaxParts < 0) {
          throw s3Errors.invalidArgument("Argument max-parts must be an integer between 0 and 2147483647", "max-parts", String(input.MaxParts));
        }
        if (input.PartNumberMarker !== undefined && input.PartNumberMarker < 0) {
          throw s3Errors.invalidArgument("Argument part-number-marker must be an integer between 0 and 2147483647", "part-number-marker", String(input.PartNumberMarker));
        }
        const asked = new Set(input.ObjectAttributes ?? []);
        if (asked.size === 0) throw s3Errors.invalidRequest("The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty");
        for (const name of asked) {
          if (!OBJECT_ATTRIBUTES.has(name)) throw s3Errors.invalidArgument("Invalid attribute name specified.", "x-amz-object-attributes", name);
        }
        const bucket = requireBucket(store, input.Bucket);
        const record = requireVersion(store, bucket, input.Key, input.VersionId, "GET");
        checkPresentedKey(record.sseCustomerKeyMd5, presentedKey(input), "GET");
        if (record.kms !== undefined) requireSigV4(ctx);
        return objectAttributes(record, asked, input, versionHeader(bucket, record));
      },
    }),

    /**
     * Restores an archived object's copy for the days asked. Nimbus has no
     * archive to wait for: the copy is ready at once (202 the first time,
     * 200 while a copy is already there, its expiry moved).
     */
    RestoreObject: operation<ObjectInput & { VersionId?: string; RestoreRequest?: { Days?: number; Type?: string; Tier?: string; GlacierJobParameters?: { Tier?: string } } }>({
      authorize: (i) => [{ action: "s3:RestoreObject", resource: objectArn(i.Bucket, i.Key) }],
      async handle(input, ctx) {
        const bucket = requireBucket(store, input.Bucket);
        const record = requireVersion(store, bucket, input.Key, input.VersionId, "POST");
        if (input.RestoreRequest?.Type !== undefined) throw new AwsError("NotImplemented", "Restores of type SELECT are not supported by Nimbus yet.", 501);
        if (!ARCHIVED.has(record.storageClass ?? "")) {
          throw new AwsError("InvalidObjectState", "Restore is not allowed for the object's current storage class", 403, { StorageClass: record.storageClass ?? "STANDARD" });
        }
        const days = input.RestoreRequest?.Days;
        const tiers = [input.RestoreRequest?.Tier, input.RestoreRequest?.GlacierJobParameters?.Tier].filter((t) => t !== undefined);
        if (days === undefined || days < 1 || days > 36500 || tiers.some((t) => !RESTORE_TIERS.has(t!))) throw s3Errors.malformedXml();
        const now = ctx.now().getTime();
        const restored = (record.restoredUntil ?? 0) > now;
        const restoredUntil = dueDate(now, days);
        await store.updateObject(input.Bucket, input.Key, input.VersionId, (r) => ({ ...r, restoredUntil }));
        return { Accepted: !restored };
      },
    }),

    DeleteObject: operation<DeleteObjectInput>({
      // A delete conditional on an ETag reads the object too (S3's conditional deletes need s3:GetObject).
      authorize: (i) => [
        objectRequirement("s3:DeleteObject", i.Bucket, i.Key, i.VersionId),
        ...(i.IfMatch !== undefined && i.IfMatch.trim() !== "*" ? [objectRequirement("s3:GetObject", i.Bucket, i.Key, undefined)] : []),
        // Asking to bypass GOVERNANCE takes the permission to ("To use this header, you must have the s3:BypassGovernanceRetention permission");
        // on a bucket without Object Lock the header is refused as such, whoever asks.
        ...(i.BypassGovernanceRetention && store.bucket(i.Bucket)?.objectLock ? [{ action: "s3:BypassGovernanceRetention", resource: objectArn(i.Bucket, i.Key) }] : []),
      ],
      async handle(input, ctx) {
        const bucket = requireBucket(store, input.Bucket);
        refuseGovernanceBypass(bucket, input.BypassGovernanceRetention);
        checkVersionId(bucket, input.VersionId);
        // If-Match is judged against the current version (S3: "conditional delete evaluations only apply to the
        // current version"): 412 when its ETag differs, NoSuchKey when there is none; the delete then applies only
        // while that version is still current.
        let current: string | undefined;
        if (input.IfMatch !== undefined) {
          const object = store.object(input.Bucket, input.Key);
          checkWriteConditions({ IfMatch: input.IfMatch }, input.Key, object);
          current = object?.blob;
        }
        const guard = lockGuard(bucket, input.BypassGovernanceRetention, ctx.now().getTime());
        const target = { key: input.Key, versionId: input.VersionId, ...(current !== undefined ? { current } : {}) };
        const [outcome] = await store.deleteKeys(input.Bucket, [target], wholeSeconds(ctx.now()), ctx.accountId, guard);
        if (outcome?.locked) throw lockedVersion();
        return { DeleteMarker: outcome?.deleteMarker, VersionId: outcome?.versionId };
      },
    }),

    DeleteObjects: operation<DeleteObjectsInput>({
      // A signed caller's keys are authorized each on its own (s3:DeleteObject, or s3:DeleteObjectVersion for a
      // version), a refusal answered in the key's entry; an unsigned caller needs the grant on the whole bucket.
      authorize: (i, ctx) => (ctx.accountId === "" ? [{ action: "s3:DeleteObject", resource: `${bucketArn(i.Bucket)}/*` }] : []),
      async handle(input, ctx) {
        const bucket = requireBucket(store, input.Bucket);
        const objects = input.Delete.Objects ?? [];
        if (objects.length === 0 || objects.length > 1000) throw s3Errors.malformedXml();
        requireIntegrityHeader(ctx);
        refuseGovernanceBypass(bucket, input.BypassGovernanceRetention);
        const errors: { Key: string; VersionId?: string; Code: string; Message: string }[] = [];
        const targets: { key: string; versionId?: string; current?: string }[] = [];
        if (objects.some((o) => o.Key === undefined)) throw s3Errors.malformedXml();
        // A key named twice (with the same version, or none) is deleted, and answered, once.
        const named = new Set<string>();
        for (const { Key, VersionId, ETag } of objects) {
          const id = `${VersionId ?? ""}/${Key}`;
          if (named.has(id)) continue;
          named.add(id);
          if (Buffer.byteLength(Key) > 1024) errors.push({ Key, Code: "KeyTooLongError", Message: "Your key is too long" });
          else if (VersionId !== undefined && !isVersionId(bucket, VersionId)) errors.push({ Key, VersionId, Code: "NoSuchVersion", Message: "The specified version does not exist." });
          else if (
            ctx.permits &&
            (!ctx.permits(objectRequirement("s3:DeleteObject", input.Bucket, Key, VersionId)) ||
              (input.BypassGovernanceRetention === true && !ctx.permits({ action: "s3:BypassGovernanceRetention", resource: objectArn(input.Bucket, Key) })))
          ) {
            errors.push({ Key, ...(VersionId !== undefined ? { VersionId } : {}), Code: "AccessDenied", Message: "Access Denied" });
          } else if (ETag !== undefined) {
            // A conditional delete, as DeleteObject's If-Match: of the current version, while it stays current.
            const current = store.object(input.Bucket, Key);
            const entry = { Key, ...(VersionId !== undefined ? { VersionId } : {}) };
            if (ctx.permits && !ctx.permits(objectRequirement("s3:GetObject", input.Bucket, Key, undefined))) errors.push({ ...entry, Code: "AccessDenied", Message: "Access Denied" });
            else if (!current) errors.push({ ...entry, Code: "NoSuchKey", Message: "The specified key does not exist." });
            else if (!etagMatches(ETag, current.etag)) errors.push({ ...entry, Code: "PreconditionFailed", Message: "At least one of the pre-conditions you specified did not hold" });
            else targets.push({ key: Key, versionId: VersionId, current: current.blob });
          } else targets.push({ key: Key, versionId: VersionId });
        }
        const guard = lockGuard(bucket, input.BypassGovernanceRetention, ctx.now().getTime());
        const outcomes = await store.deleteKeys(input.Bucket, targets, wholeSeconds(ctx.now()), ctx.accountId, guard);
        for (const [i, outcome] of outcomes.entries()) {
          const target = targets[i]!;
          if (outcome.locked) errors.push({ Key: target.key, VersionId: target.versionId, Code: "AccessDenied", Message: "Access Denied because object protected by object lock." });
        }
        const deleted = targets.flatMap(({ key, versionId }, i) => {
          const outcome = outcomes[i] ?? {};
          if (outcome.locked) return [];
          // A marker made answers its id apart; a version removed answers its own id (and, for a marker, both).
          return outcome.deleteMarker
            ? { Key: key, VersionId: versionId, DeleteMarker: true, DeleteMarkerVersionId: outcome.versionId }
            : { Key: key, VersionId: versionId };
        });
        return {
          Deleted: input.Delete.Quiet ? undefined : deleted,
          Errors: errors.length > 0 ? errors : undefined,
        };
      },
    }),
  };
}

/**
 * A PUT must say how long its body is (chunked uploads give the decoded length).
 * HTTP chunked framing is taken only around an aws-chunked body, which
 * names its length in `x-amz-decoded-content-length`
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html); S3
 * answers any other 501 naming the header (captured in Automattic/knox#43,
 * chilts/awssum#30 for UploadPart, aws/aws-sdk-js-v3#3383).
 */
export function requireContentLength(ctx: RequestContext, declared: number | undefined): void {
  const decoded = ctx.headers["x-amz-decoded-content-length"];
  const framing = ctx.headers["transfer-encoding"];
  if (framing !== undefined && framing.toLowerCase() !== "identity" && decoded === undefined) throw s3Errors.headerNotImplemented("Transfer-Encoding");
  if (ctx.headers["content-length"] === undefined && decoded === undefined) throw s3Errors.missingContentLength();
  const size = decoded !== undefined ? Number(decoded) : (declared ?? 0);
  if (size > MAX_PUT_BYTES) throw s3Errors.entityTooLarge(size, MAX_PUT_BYTES);
}

/**
 * Stores a freshly written object, honouring conditional-write headers
 * (then `checkAfter`, given the object it would replace); frees the blob
 * if refused.
 */
export async function storeNewObject(
  store: S3Store,
  input: ObjectInput & { IfMatch?: string; IfNoneMatch?: string },
  record: ObjectRecord,
  inlineBody: Buffer | undefined,
  checkAfter?: (previous: ObjectRecord | undefined) => void,
): Promise<string | undefined> {
  try {
    return await store.putObject(input.Bucket, input.Key, record, inlineBody, (previous) => {
      checkWriteConditions(input, input.Key, previous);
      checkAfter?.(previous);
    });
  } catch (error) {
    await store.discardBody(record);
    throw error;
  }
}

/**
 * A read of an object needs s3:GetObject; a read of a key (or version)
 * that is not there needs s3:ListBucket instead, so that only who may list
 * the bucket learns the key is missing (404); anyone else gets 403
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html, Permissions).
 */
function readRequirement(store: S3Store, input: GetObjectInput, ctx: RequestContext): AuthorizationRequirement {
  const requirement = objectRequirement("s3:GetObject", input.Bucket, input.Key, input.VersionId, objectKeySources(store, ctx, input.Bucket, input.Key, input.VersionId));
  requirement.ifMissing = {
    missing: () => store.bucket(input.Bucket) !== undefined && storedVersion(store, input.Bucket, input.Key, input.VersionId) === undefined,
    requirement: { action: "s3:ListBucket", resource: bucketArn(input.Bucket) },
  };
  return requirement;
}

function readObject(store: S3Store, input: GetObjectInput, ctx: RequestContext, method: "GET" | "HEAD") {
  refuseEncryptionHeader(ctx);
  refuseAnonymousOverrides(input, ctx);
  const checksumMode = checksumModeOf(input.ChecksumMode);
  const bucket = requireBucket(store, input.Bucket);
  const record = requireVersion(store, bucket, input.Key, input.VersionId, method);
  checkPresentedKey(record.sseCustomerKeyMd5, presentedKey(input), method);
  if (record.kms !== undefined) requireSigV4(ctx);
  checkReadConditions(input, record, ctx.now().getTime());
  let range = parseRange(input.Range, record.size);
  if (input.PartNumber !== undefined) {
    if (range !== undefined) throw s3Errors.invalidRequest("Cannot specify both Range header and partNumber query parameter");
    range = partRange(record, input.PartNumber);
  }
  const output = headersToOutput(record);
  // A restored copy is told of until it expires.
  if (record.restoredUntil !== undefined && record.restoredUntil > ctx.now().getTime()) {
    output.Restore = `ongoing-request="false", expiry-date="${new Date(record.restoredUntil).toUTCString()}"`;
  }
  const versionId = versionHeader(bucket, record);
  if (versionId !== undefined) output.VersionId = versionId;
  if (record.lockMode !== undefined || record.legalHold !== undefined) {
    Object.assign(output, lockOutput(record, (action) => ctx.permits?.({ action, resource: objectArn(input.Bucket, input.Key) }) ?? true));
  }
  // Lifecycle expiry is told of the current version, read as such.
  if (bucket.lifecycle && input.VersionId === undefined) output.Expiration = expirationHeader(bucket.lifecycle, input.Key, record);
  // The part count is told to who asks for a part.
  if (input.PartNumber !== undefined && record.partsCount !== undefined) output.PartsCount = record.partsCount;
  output.ContentLength = range ? range.end - range.start + 1 : record.size;
  // A HEAD of a multipart object's part gives its part count and length, no Content-Range (still a 206).
  if (range && !(method === "HEAD" && output.PartsCount !== undefined)) output.ContentRange = `bytes ${range.start}-${range.end}/${record.size}`;
  const checksum = checksumMode ? readChecksum(record, range, input.PartNumber) : undefined;
  if (checksum) {
    output[`Checksum${checksum.algorithm}`] = checksum.value;
    output.ChecksumType = checksum.type;
  }
  applyResponseOverrides(output, input);
  return { record, output, range };
}

/**
 * Whether x-amz-checksum-mode asks for the checksum. ENABLED is its one
 * value (taken in any case); any other is refused, which HEAD answers as a
 * bare 400 (openstack/swift test_object_checksums.py, run against AWS:
 * test_full_content_with_checksum_checksum_mode_invalid).
 */
function checksumModeOf(mode: string | undefined): boolean {
  if (mode === undefined || mode === "") return false;
  if (mode.toUpperCase() !== "ENABLED") throw s3Errors.invalidRequest("Value for x-amz-checksum-mode header is invalid.");
  return true;
}

/**
 * The checksum a read with checksum mode carries. A part of a COMPOSITE
 * object is answered with that part's own checksum (openstack/swift
 * test_object_checksums.py test_get_part; localstack/localstack#12842);
 * otherwise a checksum describes the whole object, so only a read of all
 * of it carries one (a FULL_OBJECT object's part 1 of 1 does, a part of
 * several does not).
 */
function readChecksum(record: ObjectRecord, range: { start: number; end: number } | undefined, partNumber: number | undefined): StoredChecksum | undefined {
  const checksum = record.checksum;
  if (!checksum) return undefined;
  if (partNumber !== undefined && checksum.type === "COMPOSITE" && record.partsCount !== undefined) {
    const value = record.partChecksums?.[partNumber - 1];
    return value === undefined ? undefined : { ...checksum, value };
  }
  const whole = !range || (range.start === 0 && range.end === record.size - 1);
  return whole ? checksum : undefined;
}

/**
 * The attributes asked for. A COMPOSITE checksum is given without its
 * part count; the parts of a multipart object are counted, and listed
 * with their checksums only where the object's checksum is made of them.
 */
function objectAttributes(record: ObjectRecord, asked: ReadonlySet<string>, input: GetObjectAttributesInput, versionId: string | undefined) {
  const output: Record<string, unknown> = { LastModified: new Date(record.lastModified), VersionId: versionId };
  if (asked.has("ETag")) output.ETag = record.etag.slice(1, -1);
  if (asked.has("Checksum") && record.checksum) {
    const { algorithm, value, type } = record.checksum;
    output.Checksum = { [`Checksum${algorithm}`]: type === "COMPOSITE" ? value.replace(/-\d+$/, "") : value, ChecksumType: type };
  }
  if (asked.has("ObjectParts") && record.partsCount !== undefined) {
    const parts: Record<string, unknown> = { TotalPartsCount: record.partsCount };
    const checksums = record.partChecksums;
    if (checksums && record.checksum?.type === "COMPOSITE") {
      const marker = input.PartNumberMarker ?? 0;
      const max = input.MaxParts ?? 1000;
      const end = Math.min(marker + max, checksums.length);
      parts.PartNumberMarker = marker;
      parts.MaxParts = max;
      parts.NextPartNumberMarker = max > 0 && marker < checksums.length ? end : 0;
      parts.IsTruncated = max > 0 && end < checksums.length;
      parts.Parts = checksums.slice(marker, end).map((checksum, i) => ({
        PartNumber: marker + i + 1,
        Size: record.partSizes?.[marker + i],
        [`Checksum${record.checksum?.algorithm}`]: checksum,
      }));
    }
    output.ObjectParts = parts;
  }
  if (asked.has("StorageClass")) output.StorageClass = record.storageClass ?? "STANDARD";
  if (asked.has("ObjectSize")) output.ObjectSize = record.size;
  return output;
}

/** Storage classes whose objects must be restored before they can be read. */
export const ARCHIVED: ReadonlySet<string> = new Set(["GLACIER", "DEEP_ARCHIVE"]);
const RESTORE_TIERS: ReadonlySet<string> = new Set(["Standard", "Bulk", "Expedited"]);

/** Whether an object's bytes can be read now: not archived, or restored and not yet expired. */
export function readable(record: ObjectRecord, now: number): boolean {
  return !ARCHIVED.has(record.storageClass ?? "") || (record.restoredUntil ?? 0) > now;
}

function partRange(record: ObjectRecord, partNumber: number): { start: number; end: number } | undefined {
  const parts = record.partsCount ?? 1;
  if (partNumber < 1 || partNumber > parts) {
    throw new AwsError("InvalidPartNumber", "The requested partnumber is not satisfiable", 416, { PartNumberRequested: partNumber, ActualPartCount: parts });
  }
  // An object uploaded whole is its own part 1.
  if (record.partsCount === undefined) return record.size > 0 ? { start: 0, end: record.size - 1 } : undefined;
  const sizes = record.partSizes ?? [];
  const start = sizes.slice(0, partNumber - 1).reduce((a, b) => a + b, 0);
  return { start, end: start + (sizes[partNumber - 1] ?? 0) - 1 };
}

/**
 * The `response-*` overrides are for signed requests (an Authorization
 * header or a presigned URL) alone: an anonymous read naming one is refused
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html,
 * "Overriding response header values through the request"; S3's message as
 * fake-s3 and seaweedfs give it, HEAD refused too as in versity/versitygw#2001).
 */
function refuseAnonymousOverrides(input: GetObjectInput, ctx: RequestContext): void {
  if (ctx.signedWith !== "none") return;
  if (
    input.ResponseCacheControl !== undefined ||
    input.ResponseContentDisposition !== undefined ||
    input.ResponseContentEncoding !== undefined ||
    input.ResponseContentLanguage !== undefined ||
    input.ResponseContentType !== undefined ||
    input.ResponseExpires !== undefined
  ) {
    throw s3Errors.invalidRequest("Request specific response headers cannot be used for anonymous GET requests.");
  }
}

function applyResponseOverrides(output: Record<string, unknown>, input: GetObjectInput): void {
  if (input.ResponseCacheControl !== undefined) output.CacheControl = input.ResponseCacheControl;
  if (input.ResponseContentDisposition !== undefined) output.ContentDisposition = input.ResponseContentDisposition;
  if (input.ResponseContentEncoding !== undefined) output.ContentEncoding = input.ResponseContentEncoding;
  if (input.ResponseContentLanguage !== undefined) output.ContentLanguage = input.ResponseContentLanguage;
  if (input.ResponseContentType !== undefined) output.ContentType = input.ResponseContentType;
  if (input.ResponseExpires !== undefined) output.Expires = input.ResponseExpires.toUTCString();
}

/** The record of an object written whole (PutObject, CopyObject, PostObject): its body as ingested, by the caller. */
/** What a write decided beside its body: the object's lock, ACL, owner and encryption. */
export interface WrittenProperties {
  lock?: VersionLock;
  acl?: ObjectWriteAcl;
  encryption: Encryption;
}

export function writtenRecord(headers: ObjectHeaders, body: IngestedBody, tags: Tag[], ctx: RequestContext, { lock = NO_LOCK, acl, encryption }: WrittenProperties): ObjectRecord {
  return newObjectRecord(headers, {
    blob: body.blob,
    inline: body.inline ? true : undefined,
    size: body.size,
    etag: etagOf(body.md5Hex, encryption),
    lastModified: wholeSeconds(ctx.now()),
    ownerAccountId: acl?.owner ?? ctx.accountId,
    checksum: { algorithm: body.checksum.algorithm, value: body.checksum.value, type: "FULL_OBJECT" },
    tags,
    lockMode: lock.lockMode,
    retainUntil: lock.retainUntil,
    legalHold: lock.legalHold,
    acl: acl?.grants,
    sseCustomerKeyMd5: encryption.sseCustomerKeyMd5,
    kms: encryption.kms,
  });
}

const NO_LOCK: VersionLock = {};

/** What stops a version's removal in a bucket with Object Lock: its retention (unless bypassed) or legal hold. */
function lockGuard(bucket: BucketRecord, bypass: boolean | undefined, now: number): ((version: ObjectRecord) => boolean) | undefined {
  if (!bucket.objectLock) return undefined;
  return (version) => lockedReason(version, bypass === true, now) !== undefined;
}

export function wholeSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000) * 1000;
}
