/**
 * Multipart uploads: CreateMultipartUpload, UploadPart, UploadPartCopy,
 * CompleteMultipartUpload, AbortMultipartUpload, ListParts,
 * ListMultipartUploads.
 */
import { checkPartKey, encryptionOutput, etagOf, presentedKey, type CopySourceKeyInput, type CustomerKeyInput } from "../sse-c.js";
import { requireSigV4 } from "../sse-kms.js";
import { createHash, randomBytes } from "node:crypto";
import type { RequestBody } from "../../../protocols/shared/body.js";
import { AwsError, isAwsError } from "../../../server/errors.js";
import type { RequestContext } from "../../../server/context.js";
import type { AuthorizationRequirement, OperationTable } from "../../../server/service.js";
import { declaredDigests, ingestBody } from "../body.js";
import { checkWriteConditionHeaders, unquote, type CopySourceConditions } from "../conditions.js";
import { s3Errors } from "../errors.js";
import { compareUtf8, successor, urlEncodeKey } from "../keys.js";
import { assertValidKey, bucketArn, objectArn } from "../names.js";
import { headersFromInput, newObjectRecord, parseTaggingHeader, type ObjectHeaderInput } from "../object-headers.js";
import { aclRequirements, objectKeySources, objectRequirement, checkEncryption, objectWriteAcl, operation, owner, refuseEncryptionHeader, writeKeys, requireBucket, type AclInput, type EncryptionInput, type S3Deps } from "../operation.js";
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm, type ObjectRecord, type PartRecord, type UploadRecord } from "../records.js";
import {
  checkNamedComposite,
  checkPartChecksum,
  checkPartChecksumsWellFormed,
  compositeOf,
  declaredChecksumMatches,
  declaredObjectChecksum,
  type CompletedPart,
} from "../complete-checksums.js";
import type { S3Store } from "../store.js";
import { virtualHostUrl } from "./bucket.js";
import { parseCopySource, resolveCopySource } from "./copy.js";
import { encoder } from "./listing.js";
import { readable, requireContentLength, storeNewObject, wholeSeconds } from "./object.js";
import { abortOf, expirationHeader } from "../lifecycle.js";
import { newVersionLock, type LockHeadersInput } from "../object-lock.js";
import { createChecksum } from "../../../util/checksums.js";

const MIN_PART_BYTES = 5 * 1024 * 1024;

/**
 * Every part of an upload begun with a customer key presents that key, and
 * no part of another upload does; a part of an upload under a KMS key is
 * signed with Signature Version 4.
 */
function checkUploadKey(upload: UploadRecord, input: CustomerKeyInput, ctx: RequestContext): void {
  checkPartKey(upload.sseCustomerKeyMd5, presentedKey(input));
  if (upload.kms !== undefined) requireSigV4(ctx);
}

/** A part's ETag, which for an upload under a customer or KMS key is not its bytes' MD5. */
function partEtag(upload: UploadRecord, md5Hex: string): string {
  return etagOf(md5Hex, upload);
}
const MAX_PARTS = 10000;
/** How many finished uploads a repeated Complete or Abort can still find. */
const MAX_REMEMBERED_UPLOADS = 1000;

interface UploadInput {
  Bucket: string;
  Key: string;
  UploadId: string;
}

interface CreateMultipartUploadInput extends ObjectHeaderInput, AclInput, EncryptionInput, LockHeadersInput {
  Bucket: string;
  Key: string;
  Tagging?: string;
  ChecksumAlgorithm?: string;
  ChecksumType?: string;
}

interface UploadPartInput extends UploadInput, CustomerKeyInput {
  PartNumber: number;
  /** The payload: a stream, or its bytes when authentication read a small one whole. */
  Body: RequestBody;
  ContentLength?: number;
  ContentMD5?: string;
}

interface UploadPartCopyInput extends UploadInput, CopySourceConditions, CopySourceKeyInput, CustomerKeyInput {
  PartNumber: number;
  CopySource: string;
  CopySourceRange?: string;
}

type CompleteInput = UploadInput &
  Partial<Record<`Checksum${ChecksumAlgorithm}`, string>> & {
    MultipartUpload?: { Parts?: CompletedPart[] };
    IfMatch?: string;
    IfNoneMatch?: string;
    ChecksumType?: string;
    MpuObjectSize?: number;
  };

interface ListPartsInput extends UploadInput {
  MaxParts?: number;
  PartNumberMarker?: number;
}

interface ListUploadsInput {
  Bucket: string;
  Prefix?: string;
  Delimiter?: string;
  KeyMarker?: string;
  UploadIdMarker?: string;
  MaxUploads?: number;
  EncodingType?: string;
}

export function multipartOperations({ store }: S3Deps): OperationTable {
  /**
   * An upload's initiator may abort it and list its parts, whoever owns the
   * bucket: the bucket's owner need not grant it, though its denials stand.
   */
  const initiated = (input: UploadInput, ctx: RequestContext, requirement: AuthorizationRequirement): AuthorizationRequirement => {
    const upload = typeof input.UploadId === "string" ? store.upload(input.Bucket, input.Key, input.UploadId) : undefined;
    return upload !== undefined && ctx.accountId !== "" && upload.ownerAccountId === ctx.accountId ? { ...requirement, actsAsOwner: true } : requirement;
  };
  const requireUpload = (input: UploadInput): UploadRecord => {
    requireBucket(store, input.Bucket);
    const upload = store.upload(input.Bucket, input.Key, input.UploadId);
    if (!upload) throw s3Errors.noSuchUpload(input.UploadId);
    return upload;
  };
  /**
   * Answers to recent Completes, by upload id: S3 answers a repeated
   * Complete of a finished upload like the first one while the object it
   * made is still in place (s3-tests completes twice), and an Abort of it
   * with 204.
   */
  const completed = new Map<string, { bucket: string; key: string; output: Record<string, unknown> }>();
  const isCompleted = (input: UploadInput): boolean => {
    const done = completed.get(input.UploadId);
    return done !== undefined && done.bucket === input.Bucket && done.key === input.Key;
  };
  /**
   * Uploads recently aborted, by upload id: S3 answers an Abort repeated
   * with 204, though the upload is gone for everything else
   * (openstack/swift test/s3api/test_mpu.py test_create_upload_abort_abort,
   * run against AWS).
   */
  const aborted = new Map<string, { bucket: string; key: string }>();
  const isAborted = (input: UploadInput): boolean => {
    const done = aborted.get(input.UploadId);
    return done !== undefined && done.bucket === input.Bucket && done.key === input.Key;
  };
  const repeatedComplete = (input: UploadInput): Record<string, unknown> | undefined => {
    if (!isCompleted(input)) return undefined;
    const done = completed.get(input.UploadId)!;
    return store.object(input.Bucket, input.Key)?.etag === done.output.ETag ? done.output : undefined;
  };

  /** CompleteMultipartUpload's work: the parts joined, checked and stored as the object. */
  async function completeUpload(input: CompleteInput, ctx: RequestContext): Promise<Record<string, unknown>> {
    refuseEncryptionHeader(ctx);
    checkWriteConditionHeaders(input);
    // As captured from S3 in versity/versitygw#1398 and #1400.
    if (input.MpuObjectSize !== undefined && input.MpuObjectSize < 0) {
      throw s3Errors.invalidRequest(`Value for x-amz-mp-object-size header is less than zero: '${input.MpuObjectSize}'`);
    }
    if (store.bucket(input.Bucket) && !store.upload(input.Bucket, input.Key, input.UploadId)) {
      const repeated = repeatedComplete(input);
      if (repeated) return repeated;
    }
    const upload = requireUpload(input);
    const requested = input.MultipartUpload?.Parts ?? [];
    // No document at all is InvalidRequest (LocalStack's AWS-validated snapshot); a document without a Part
    // breaks S3's schema (apache/arrow-rs#5404 captured from S3; versity/versitygw#1328).
    if (input.MultipartUpload === undefined) throw s3Errors.invalidRequest("You must specify at least one part");
    if (requested.length === 0) throw s3Errors.malformedXml();
    const declared = declaredObjectChecksum(input, upload);
    checkPartChecksumsWellFormed(requested);
    checkNamedComposite(upload, requested, declared);
    const stored = new Map(store.partsOf(upload.uploadId).map((p) => [p.partNumber, p]));
    const chosen = chooseParts(upload, requested, stored);
    const size = chosen.reduce((sum, part) => sum + part.size, 0);
    if (input.MpuObjectSize !== undefined && input.MpuObjectSize !== size) {
      throw s3Errors.invalidRequest(`The provided 'x-amz-mp-object-size' header value ${input.MpuObjectSize} does not match what was computed: ${size}`);
    }
    const record = await assemble(store, upload, chosen);
    if (declared !== undefined && !declaredChecksumMatches(declared.value, record.checksum)) {
      await store.discardBody(record);
      throw s3Errors.checksumMismatch(declared.algorithm.toLowerCase());
    }
    let versionId: string | undefined;
    try {
      // The condition is judged first (412, or NoSuchKey for If-Match, leaves the upload to try again); one that
      // holds of a key written since the upload began is a conflict.
      versionId = await storeNewObject(store, input, record, undefined, (previous) => checkNoConflict(input, upload, previous));
    } catch (error) {
      // After a conflict the upload is over: S3 wants it started again, every part re-sent.
      if (isAwsError(error) && error.code === "ConditionalRequestConflict") await store.endUpload(upload);
      throw error;
    }
    await store.endUpload(upload);
    const output = {
      // The object's URL, as AWS answers `https://<bucket>.s3.amazonaws.com/<key>`.
      Location: `${virtualHostUrl(input.Bucket, ctx.headers.host)}${urlEncodeKey(input.Key)}`,
      Bucket: input.Bucket,
      Key: input.Key,
      ETag: record.etag,
      ...(record.checksum ? { [`Checksum${record.checksum.algorithm}`]: record.checksum.value, ChecksumType: record.checksum.type } : {}),
      VersionId: versionId,
      Expiration: expirationHeader(store.bucket(input.Bucket)?.lifecycle, input.Key, record),
      ...encryptionOutput(upload),
    };
    completed.set(upload.uploadId, { bucket: input.Bucket, key: input.Key, output });
    if (completed.size > MAX_REMEMBERED_UPLOADS) completed.delete(completed.keys().next().value ?? "");
    return output;
  }

  return {
    CreateMultipartUpload: operation<CreateMultipartUploadInput>({
      authorize(i, ctx) {
        const keys = writeKeys(ctx);
        return [{ action: "s3:PutObject", resource: objectArn(i.Bucket, i.Key), keys }, ...aclRequirements(i, "s3:PutObjectAcl", objectArn(i.Bucket, i.Key), keys)];
      },
      async handle(input, ctx) {
        const bucket = requireBucket(store, input.Bucket);
        const acl = objectWriteAcl(bucket, input, ctx);
        assertValidKey(input.Key);
        const encryption = checkEncryption(input, bucket, ctx);
        const checksumAlgorithm = input.ChecksumAlgorithm === undefined ? undefined : checksumAlgorithmOf(input.ChecksumAlgorithm);
        const checksumType = uploadChecksumType(checksumAlgorithm, input.ChecksumType);
        const upload: UploadRecord = {
          ...headersFromInput(input),
          uploadId: newUploadId(ctx.now()),
          bucket: input.Bucket,
          key: input.Key,
          initiated: ctx.now().getTime(),
          ownerAccountId: ctx.accountId,
          tags: parseTaggingHeader(input.Tagging),
          checksumAlgorithm,
          baseline: store.object(input.Bucket, input.Key)?.blob ?? null,
          checksumType,
          lock: newVersionLock(bucket, input, ctx.now().getTime()),
        };
        if (acl.grants) upload.acl = acl.grants;
        if (acl.owner !== upload.ownerAccountId) upload.objectOwnerAccountId = acl.owner;
        if (encryption.sseCustomerKeyMd5 !== undefined) upload.sseCustomerKeyMd5 = encryption.sseCustomerKeyMd5;
        if (encryption.kms !== undefined) upload.kms = encryption.kms;
        if (!(await store.createUpload(upload))) throw s3Errors.noSuchBucket(input.Bucket);
        const abort = abortOf(bucket.lifecycle, input.Key, upload.initiated);
        return {
          AbortDate: abort && new Date(abort.at),
          AbortRuleId: abort?.ruleId,
          Bucket: input.Bucket,
          Key: input.Key,
          UploadId: upload.uploadId,
          ChecksumAlgorithm: upload.checksumAlgorithm,
          ChecksumType: upload.checksumType,
          ...encryptionOutput(encryption),
          ...(encryption.kms ? { SSEKMSEncryptionContext: input.SSEKMSEncryptionContext } : {}),
        };
      },
    }),

    UploadPart: operation<UploadPartInput>({
      authorize: (i) => [{ action: "s3:PutObject", resource: objectArn(i.Bucket, i.Key) }],
      async handle(input, ctx) {
        refuseEncryptionHeader(ctx);
        checkPartNumber(input.PartNumber);
        const upload = requireUpload(input);
        checkUploadKey(upload, input, ctx);
        requireContentLength(ctx, input.ContentLength);
        let declared = declaredDigests(input as unknown as Record<string, unknown>, ctx.headers);
        // A full-object upload's part sent without a checksum gets one computed here, as S3 computes it.
        if (upload.checksumAlgorithm && upload.checksumType === "FULL_OBJECT" && declared.algorithm === undefined) {
          declared = { ...declared, algorithm: upload.checksumAlgorithm };
        }
        // An upload created with a checksum algorithm takes parts checksummed with it, and only those.
        if (upload.checksumAlgorithm && declared.algorithm !== upload.checksumAlgorithm) {
          throw s3Errors.invalidRequest(
            `Checksum Type mismatch occurred, expected checksum Type: ${upload.checksumAlgorithm.toLowerCase()}, actual checksum Type: ${declared.algorithm?.toLowerCase() ?? "null"}`,
          );
        }
        const body = await ingestBody(store.blobs, input.Body, declared, ctx.trailers);
        const part: PartRecord = {
          partNumber: input.PartNumber,
          blob: body.blob,
          size: body.size,
          etag: partEtag(upload, body.md5Hex),
          lastModified: wholeSeconds(ctx.now()),
          ...partChecksum(upload, body.checksum),
        };
        if (!(await store.putPart(upload, part))) throw s3Errors.noSuchUpload(input.UploadId);
        return {
          ETag: part.etag,
          ...(part.checksum && upload.checksumAlgorithm ? { [`Checksum${upload.checksumAlgorithm}`]: part.checksum } : {}),
          // An upload created without an algorithm still answers the checksum a part was sent with, once checked
          // (SDKs send one by default); ListParts does not show it.
          ...(!upload.checksumAlgorithm && declared.algorithm ? { [`Checksum${declared.algorithm}`]: body.checksum.value } : {}),
          ...encryptionOutput(upload),
        };
      },
    }),

    UploadPartCopy: operation<UploadPartCopyInput>({
      authorize(i, ctx) {
        const source = parseCopySource(i.CopySource);
        return [
          objectRequirement("s3:GetObject", source.bucket, source.key, source.versionId, objectKeySources(store, ctx, source.bucket, source.key, source.versionId)),
          { action: "s3:PutObject", resource: objectArn(i.Bucket, i.Key), keys: writeKeys(ctx) },
        ];
      },
      async handle(input, ctx) {
        checkPartNumber(input.PartNumber);
        const upload = requireUpload(input);
        checkUploadKey(upload, input, ctx);
        const { record: from, sourceVersionId } = resolveCopySource(store, input.CopySource, input, ctx.now().getTime(), "UploadPartCopy");
        if (from.kms !== undefined) requireSigV4(ctx);
        const range = copyRange(input.CopySourceRange, from.size);
        if (!readable(from, ctx.now().getTime())) {
          throw new AwsError("InvalidObjectState", "Operation is not valid for the source object's storage class", 403);
        }
        const body = await ingestBody(store.blobs, store.readBody(from, range), { algorithm: upload.checksumAlgorithm }, new Map());
        const part: PartRecord = {
          partNumber: input.PartNumber,
          blob: body.blob,
          size: body.size,
          etag: partEtag(upload, body.md5Hex),
          lastModified: wholeSeconds(ctx.now()),
          ...partChecksum(upload, body.checksum),
        };
        if (!(await store.putPart(upload, part))) throw s3Errors.noSuchUpload(input.UploadId);
        return {
          CopySourceVersionId: sourceVersionId,
          CopyPartResult: {
            ETag: part.etag,
            LastModified: new Date(part.lastModified),
            ...(part.checksum && upload.checksumAlgorithm ? { [`Checksum${upload.checksumAlgorithm}`]: part.checksum } : {}),
          },
          ...encryptionOutput(upload),
        };
      },
    }),

    CompleteMultipartUpload: operation<CompleteInput>({
      authorize: (i) => [{ action: "s3:PutObject", resource: objectArn(i.Bucket, i.Key) }],
      async handle(input, ctx) {
        // The lifecycle sweep leaves an upload being completed alone.
        store.completing.add(input.UploadId);
        try {
          return await store.exclusive(input.UploadId, () => completeUpload(input, ctx));
        } finally {
          store.completing.delete(input.UploadId);
        }
      },
    }),

    AbortMultipartUpload: operation<UploadInput>({
      authorize: (i, ctx) => [initiated(i, ctx, { action: "s3:AbortMultipartUpload", resource: objectArn(i.Bucket, i.Key) })],
      async handle(input) {
        requireBucket(store, input.Bucket);
        return store.exclusive(input.UploadId, async () => {
          const upload = store.upload(input.Bucket, input.Key, input.UploadId);
          // Aborting an upload completed a while ago changes nothing and answers 204, as S3 does (SDKs' tests
          // abort in their cleanup); its object stays, even if deleted or replaced since.
          if (!upload && (isCompleted(input) || isAborted(input))) return {};
          if (!upload) throw s3Errors.noSuchUpload(input.UploadId);
          await store.endUpload(upload);
          aborted.set(upload.uploadId, { bucket: input.Bucket, key: input.Key });
          if (aborted.size > MAX_REMEMBERED_UPLOADS) aborted.delete(aborted.keys().next().value ?? "");
          return {};
        });
      },
    }),

    ListParts: operation<ListPartsInput>({
      authorize: (i, ctx) => [initiated(i, ctx, { action: "s3:ListMultipartUploadParts", resource: objectArn(i.Bucket, i.Key) })],
      handle(input) {
        const upload = requireUpload(input);
        const max = Math.min(nonNegative(input.MaxParts, "max-parts") ?? 1000, 1000);
        const after = nonNegative(input.PartNumberMarker, "part-number-marker") ?? 0;
        const all = store.partsOf(upload.uploadId, after);
        const page = all.slice(0, max);
        const truncated = all.length > page.length;
        const algorithm = upload.checksumAlgorithm;
        return {
          Bucket: input.Bucket,
          Key: input.Key,
          UploadId: upload.uploadId,
          PartNumberMarker: after,
          NextPartNumberMarker: page[page.length - 1]?.partNumber ?? 0,
          MaxParts: max,
          IsTruncated: truncated,
          Parts: page.map((p) => ({
            PartNumber: p.partNumber,
            LastModified: new Date(p.lastModified),
            ETag: p.etag,
            Size: p.size,
            ...(p.checksum && algorithm ? { [`Checksum${algorithm}`]: p.checksum } : {}),
          })),
          Initiator: { ID: owner(upload.ownerAccountId).ID },
          Owner: owner(upload.ownerAccountId),
          StorageClass: upload.storageClass ?? "STANDARD",
          ChecksumAlgorithm: algorithm,
          ChecksumType: upload.checksumType,
        };
      },
    }),

    ListMultipartUploads: operation<ListUploadsInput>({
      authorize: (i) => [{ action: "s3:ListBucketMultipartUploads", resource: bucketArn(i.Bucket) }],
      handle(input) {
        requireBucket(store, input.Bucket);
        return listUploads(store, input);
      },
    }),
  };
}

/**
 * A conditional Complete fails with 409 when the key was written or
 * deleted since the upload began: its condition was meant for what it saw.
 */
function checkNoConflict(input: CompleteInput, upload: UploadRecord, previous: ObjectRecord | undefined): void {
  const condition = input.IfMatch !== undefined ? "If-Match" : input.IfNoneMatch !== undefined ? "If-None-Match" : undefined;
  if (condition === undefined || upload.baseline === undefined || (previous?.blob ?? null) === upload.baseline) return;
  throw new AwsError("ConditionalRequestConflict", "The conditional request cannot succeed due to a conflicting operation against this resource.", 409, {
    Condition: condition,
    Key: input.Key,
  });
}

/** Paging arguments: integers from 0 up. */
function nonNegative(value: number | undefined, name: string): number | undefined {
  if (value !== undefined && value < 0) {
    throw s3Errors.invalidArgument(`Argument ${name} must be an integer between 0 and 2147483647`, name, String(value));
  }
  return value;
}

function checkPartNumber(partNumber: number): void {
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PARTS) {
    throw s3Errors.invalidArgument("Part number must be an integer between 1 and 10000, inclusive", "partNumber", String(partNumber));
  }
}

/**
 * The checksum type of a new upload. CRC64NVME has only a full-object form,
 * the SHAs only a composite one; the CRCs default to composite.
 */
function uploadChecksumType(algorithm: ChecksumAlgorithm | undefined, type: string | undefined): UploadRecord["checksumType"] {
  if (type !== undefined && type !== "FULL_OBJECT" && type !== "COMPOSITE") throw s3Errors.invalidRequest("Value for x-amz-checksum-type header is invalid.");
  if (!algorithm) {
    if (type !== undefined) throw s3Errors.invalidRequest("The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.");
    return undefined;
  }
  const chosen = type ?? (algorithm === "CRC64NVME" ? "FULL_OBJECT" : "COMPOSITE");
  if ((chosen === "FULL_OBJECT" && algorithm.startsWith("SHA")) || (chosen === "COMPOSITE" && algorithm === "CRC64NVME")) {
    throw s3Errors.invalidRequest(`The ${chosen} checksum type cannot be used with the ${algorithm.toLowerCase()} checksum algorithm.`);
  }
  return chosen;
}

/**
 * The algorithm x-amz-checksum-algorithm names. A list of several is
 * refused in its own words (openstack/swift test_object_checksums.py
 * test_mpu_create_multiple_checksum_algorithms).
 */
export function checksumAlgorithmOf(name: string): ChecksumAlgorithm {
  if (name.includes(",")) throw s3Errors.invalidRequest("Invalid types are specified in x-amz-checksum-algorithm header.");
  const algorithm = CHECKSUM_ALGORITHMS.find((a) => a === name.toUpperCase());
  if (!algorithm) throw s3Errors.invalidRequest("Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]");
  return algorithm;
}

/** Upload ids sort by creation time, so uploads of one key list oldest first. */
function newUploadId(now: Date): string {
  const time = now.getTime().toString(36).padStart(9, "0");
  return `${time}${randomBytes(24).toString("base64url")}`;
}

/** `bytes=first-last`, both required, in order and inside the source. */
function copyRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d+)-(\d+)$/.exec(header.trim());
  const start = Number(match?.[1]);
  const end = Number(match?.[2]);
  if (!match || start > end) {
    throw s3Errors.invalidArgument(
      "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy",
      "x-amz-copy-source-range",
      header,
    );
  }
  if (start >= size) throw s3Errors.invalidRequest("The specified copy range is invalid for the source object size");
  if (end >= size) {
    throw s3Errors.invalidArgument(`Range specified is not valid for source object of size: ${size}`, "x-amz-copy-source-range", header);
  }
  return { start, end };
}

/**
 * The checksum a part keeps: in its upload's algorithm (UploadPart takes
 * no other), or, in an upload without one, the part's own with its
 * algorithm, which a Complete naming a part checksum is held to.
 */
function partChecksum(upload: UploadRecord, checksum: { algorithm: ChecksumAlgorithm; value: string }): Pick<PartRecord, "checksum" | "checksumAlgorithm"> {
  if (upload.checksumAlgorithm === undefined) return { checksum: checksum.value, checksumAlgorithm: checksum.algorithm };
  return { checksum: checksum.algorithm === upload.checksumAlgorithm ? checksum.value : undefined };
}

/** The parts a Complete request names, checked as S3 checks them. */
function chooseParts(upload: UploadRecord, requested: CompletedPart[], stored: Map<number, PartRecord>): PartRecord[] {
  const chosen: PartRecord[] = [];
  let previous = 0;
  for (const named of requested) {
    const { PartNumber, ETag } = named;
    if (PartNumber === undefined || ETag === undefined) throw s3Errors.malformedXml();
    // As S3 answers it (versity/versitygw#1072), before looking for the part.
    if (PartNumber < 1) throw s3Errors.invalidArgument("PartNumber must be >= 1");
    if (PartNumber <= previous) throw s3Errors.invalidPartOrder(upload.uploadId);
    previous = PartNumber;
    const part = stored.get(PartNumber);
    if (!part || unquote(part.etag) !== unquote(ETag)) throw s3Errors.invalidPart(upload.uploadId, PartNumber, ETag);
    checkPartChecksum(upload, named, part);
    chosen.push(part);
  }
  chosen.forEach((part, i) => {
    if (i < chosen.length - 1 && part.size < MIN_PART_BYTES) throw s3Errors.entityTooSmall(part.size, MIN_PART_BYTES, part.partNumber, part.etag);
  });
  return chosen;
}

/**
 * Concatenates the chosen parts into one new blob and describes the object,
 * dated when its upload began, as S3 dates it (openstack/swift
 * test/s3api/test_mpu.py test_basic_upload, run against AWS: the object's
 * Last-Modified is the upload's Initiated, not the Complete's time).
 */
async function assemble(store: S3Store, upload: UploadRecord, parts: PartRecord[]): Promise<ObjectRecord> {
  // A full-object checksum is taken as the parts are joined: the algorithm
  // asked for, or S3's default CRC64NVME for an upload that named none.
  const fullAlgorithm = upload.checksumType === "COMPOSITE" ? undefined : (upload.checksumAlgorithm ?? "CRC64NVME");
  const full = fullAlgorithm && createChecksum(fullAlgorithm);
  async function* bytes(): AsyncGenerator<Buffer> {
    for (const part of parts) {
      for await (const chunk of store.blobs.read(part.blob) as AsyncIterable<Buffer>) {
        full?.update(chunk);
        yield chunk;
      }
    }
  }
  const info = await store.blobs.write(bytes());
  const md5s = Buffer.concat(parts.map((p) => Buffer.from(unquote(p.etag), "hex")));
  const etag = `"${createHash("md5").update(md5s).digest("hex")}-${parts.length}"`;
  return newObjectRecord(upload, {
    blob: info.id,
    inline: undefined,
    size: info.size,
    etag,
    lastModified: wholeSeconds(new Date(upload.initiated)),
    ownerAccountId: upload.objectOwnerAccountId ?? upload.ownerAccountId,
    checksum: full ? { algorithm: fullAlgorithm, value: full.digest(), type: "FULL_OBJECT" } : compositeChecksum(upload, parts),
    tags: upload.tags,
    partsCount: parts.length,
    partSizes: parts.map((p) => p.size),
    partChecksums: upload.checksumType === "COMPOSITE" && parts.every((p) => p.checksum !== undefined) ? parts.map((p) => p.checksum ?? "") : undefined,
    lockMode: upload.lock?.lockMode,
    retainUntil: upload.lock?.retainUntil,
    legalHold: upload.lock?.legalHold,
    acl: upload.acl,
    sseCustomerKeyMd5: upload.sseCustomerKeyMd5,
    kms: upload.kms,
  });
}

/** COMPOSITE: the checksum of the parts' checksums, suffixed with the part count. */
function compositeChecksum(upload: UploadRecord, parts: PartRecord[]): ObjectRecord["checksum"] {
  const algorithm = upload.checksumAlgorithm;
  if (!algorithm || upload.checksumType !== "COMPOSITE" || parts.some((p) => p.checksum === undefined)) return undefined;
  return { algorithm, value: compositeOf(algorithm, parts.map((p) => p.checksum ?? "")), type: "COMPOSITE" };
}

function listUploads(store: S3Store, input: ListUploadsInput) {
  const max = Math.min(nonNegative(input.MaxUploads, "max-uploads") ?? 1000, 1000);
  const encode = encoder(input.EncodingType);
  const prefix = input.Prefix ?? "";
  const delimiter = input.Delimiter === "" ? undefined : input.Delimiter;
  const keyMarker = input.KeyMarker === "" ? undefined : input.KeyMarker;
  // An upload-id marker counts only beside a key marker, and must name one of that key's uploads.
  const uploadIdMarker = keyMarker === undefined || input.UploadIdMarker === "" ? undefined : input.UploadIdMarker;
  if (keyMarker !== undefined && uploadIdMarker !== undefined && !store.upload(input.Bucket, keyMarker, uploadIdMarker)) {
    throw s3Errors.invalidArgument("Invalid uploadId marker", "upload-id-marker", uploadIdMarker);
  }
  const uploads: UploadRecord[] = [];
  const prefixes: string[] = [];
  let truncated = false;
  let skipUntil: string | undefined;
  const from = keyMarker !== undefined && compareUtf8(keyMarker, prefix) > 0 ? keyMarker : prefix;
  for (const upload of store.scanUploads(input.Bucket, [from, ""])) {
    // After the key marker: later keys, or the same key past the upload-id marker.
    if (upload.key === keyMarker && (uploadIdMarker === undefined || upload.uploadId <= uploadIdMarker)) continue;
    if (!upload.key.startsWith(prefix)) {
      if (compareUtf8(upload.key, prefix) > 0) break;
      continue;
    }
    if (skipUntil !== undefined && compareUtf8(upload.key, skipUntil) < 0) continue;
    const cut = delimiter === undefined ? -1 : upload.key.indexOf(delimiter, prefix.length);
    if (cut >= 0 && delimiter !== undefined) {
      const common = upload.key.slice(0, cut + delimiter.length);
      skipUntil = successor(common);
      // A key marker at or inside a common prefix means that prefix was already listed.
      if (keyMarker?.startsWith(common)) continue;
      if (uploads.length + prefixes.length >= max) {
        truncated = true;
        break;
      }
      prefixes.push(common);
      continue;
    }
    if (uploads.length + prefixes.length >= max) {
      truncated = true;
      break;
    }
    uploads.push(upload);
  }
  // The next markers name the page's last upload (common prefixes aside), even when nothing follows.
  const last = uploads[uploads.length - 1];
  return {
    Bucket: input.Bucket,
    KeyMarker: encode(input.KeyMarker ?? ""),
    UploadIdMarker: uploadIdMarker ?? "",
    NextKeyMarker: encode(last?.key ?? ""),
    NextUploadIdMarker: last?.uploadId ?? "",
    Prefix: encode(input.Prefix),
    Delimiter: encode(input.Delimiter),
    MaxUploads: max,
    IsTruncated: truncated,
    EncodingType: input.EncodingType,
    Uploads: uploads.map((u) => ({
      UploadId: u.uploadId,
      Key: encode(u.key),
      Initiated: new Date(wholeSeconds(new Date(u.initiated))),
      StorageClass: u.storageClass ?? "STANDARD",
      Owner: owner(u.ownerAccountId),
      Initiator: { ID: owner(u.ownerAccountId).ID },
      ChecksumAlgorithm: u.checksumAlgorithm,
      ChecksumType: u.checksumType,
    })),
    CommonPrefixes: prefixes.map((p) => ({ Prefix: encode(p) })),
  };
}

