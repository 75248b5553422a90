/**
 * CopyObject, and the copy-source handling UploadPartCopy shares with it.
 */
import { checkPresentedKey, encryptionOutput, presentedSourceKey, type CopySourceKeyInput } from "../sse-c.js";
import { requireSigV4 } from "../sse-kms.js";
import { AwsError } from "../../../server/errors.js";
import type { OperationTable } from "../../../server/service.js";
import { ingestBody, INLINE_BODY_BYTES } from "../body.js";
import { checkCopySourceConditions, checkWriteConditionHeaders, type CopySourceConditions } from "../conditions.js";
import { s3Errors } from "../errors.js";
import { assertValidKey, objectArn } from "../names.js";
import { checksumValue, headersFromInput, parseTaggingHeader, storageClassOf, websiteRedirectOf, type ObjectHeaderInput } from "../object-headers.js";
import { checksumAlgorithmOf } from "./multipart.js";
import { aclRequirements, objectKeySources, objectRequirement, checkEncryption, emptyVersionId, objectWriteAcl, operation, isVersionId, writeKeys, requireBucket, requireVersion, versionHeader, type AclInput, type EncryptionInput, type S3Deps } from "../operation.js";
import { isDeleteMarker, type ObjectRecord } from "../records.js";
import type { S3Store } from "../store.js";
import { expirationHeader } from "../lifecycle.js";
import { newVersionLock, type LockHeadersInput } from "../object-lock.js";
import { readable, storeNewObject, writtenRecord } from "./object.js";

export interface CopySource {
  bucket: string;
  key: string;
  versionId?: string;
}

interface CopyObjectInput extends ObjectHeaderInput, CopySourceConditions, CopySourceKeyInput, AclInput, EncryptionInput, LockHeadersInput {
  Bucket: string;
  Key: string;
  CopySource: string;
  MetadataDirective?: string;
  TaggingDirective?: string;
  Tagging?: string;
  IfMatch?: string;
  IfNoneMatch?: string;
  ChecksumAlgorithm?: string;
}

/** `x-amz-copy-source`: `[/]bucket/key[?versionId=id]`, URL-encoded (form-encoded: `+` for a space). */
export function parseCopySource(header: string): CopySource {
  let value = header;
  let versionId: string | undefined;
  const q = value.indexOf("?versionId=");
  let decoded: string;
  try {
    if (q >= 0) {
      versionId = decodeURIComponent(value.slice(q + 11));
      value = value.slice(0, q);
    }
    // S3 reads the source form-encoded: `+` is a space (a plus is sent as %2B).
    decoded = decodeURIComponent(value.replaceAll("+", " "));
  } catch {
    throw s3Errors.invalidArgument("Invalid copy source encoding", "x-amz-copy-source", header);
  }
  if (decoded.startsWith("/")) decoded = decoded.slice(1);
  const slash = decoded.indexOf("/");
  if (slash <= 0 || slash === decoded.length - 1) {
    // S3 names the header, not its value, as the argument's value here.
    throw s3Errors.invalidArgument("Invalid copy source object key", "x-amz-copy-source", "x-amz-copy-source");
  }
  const key = decoded.slice(slash + 1);
  assertValidKey(key);
  return { bucket: decoded.slice(0, slash), key, versionId };
}

/**
 * The source object of a copy (the version named, else the current one),
 * after its conditions hold; with the version id the answer names it by
 * (`CopySourceVersionId`) when its bucket has had versioning.
 */
export function resolveCopySource(
  store: S3Store,
  header: string,
  conditions: CopySourceConditions & CopySourceKeyInput,
  now: number,
  operation: "CopyObject" | "UploadPartCopy",
): { source: CopySource; record: ObjectRecord; sourceVersionId: string | undefined } {
  const source = parseCopySource(header);
  const bucket = requireBucket(store, source.bucket);
  const { versionId } = source;
  if (versionId !== undefined) {
    if (versionId === "") throw emptyVersionId("x-amz-copy-source");
    if (!isVersionId(bucket, versionId)) {
      // CopyObject alone answers this without naming the argument.
      throw operation === "CopyObject" ? s3Errors.invalidRequest("Invalid Request") : s3Errors.invalidArgument("Invalid version id specified", "x-amz-copy-source", header);
    }
    const version = bucket.versioning === undefined ? undefined : store.version(source.bucket, source.key, versionId);
    if (version && isDeleteMarker(version)) {
      throw s3Errors.invalidRequest("The source of a copy request may not specifically refer to a delete marker by version id.");
    }
  }
  const record = requireVersion(store, bucket, source.key, versionId, "GET");
  // A source stored with a customer key is read with it.
  checkPresentedKey(record.sseCustomerKeyMd5, presentedSourceKey(conditions), "GET");
  checkCopySourceConditions(conditions, record, now);
  return { source, record, sourceVersionId: versionHeader(bucket, record) };
}

export function copyOperations({ store }: S3Deps): OperationTable {
  return {
    CopyObject: operation<CopyObjectInput>({
      authorize(i, ctx) {
        const source = parseCopySource(i.CopySource);
        const keys = writeKeys(ctx);
        return [
          objectRequirement("s3:GetObject", source.bucket, source.key, source.versionId, objectKeySources(store, ctx, source.bucket, source.key, source.versionId)),
          { action: "s3:PutObject", resource: objectArn(i.Bucket, i.Key), keys },
          ...aclRequirements(i, "s3:PutObjectAcl", objectArn(i.Bucket, i.Key), keys),
        ];
      },
      async handle(input, ctx) {
        const bucket = requireBucket(store, input.Bucket);
        const acl = objectWriteAcl(bucket, input, ctx);
        assertValidKey(input.Key);
        const encryption = checkEncryption(input, bucket, ctx);
        checkWriteConditionHeaders(input);
        const { source, record: from, sourceVersionId } = resolveCopySource(store, input.CopySource, input, ctx.now().getTime(), "CopyObject");
        if (from.kms !== undefined) requireSigV4(ctx);
        const metadataDirective = directive(input.MetadataDirective, "metadata");
        const taggingDirective = directive(input.TaggingDirective, "tagging");
        // Copying a version (a previous one, to restore it) onto its own key makes a new version.
        const sameObject = source.bucket === input.Bucket && source.key === input.Key && source.versionId === undefined;
        // Naming a storage class or checksum counts as a change, even the object's own (S3 does not compare).
        const changesSomething =
          metadataDirective === "REPLACE" ||
          input.StorageClass !== undefined ||
          input.ChecksumAlgorithm !== undefined ||
          input.WebsiteRedirectLocation !== undefined ||
          input.ServerSideEncryption !== undefined ||
          encryption.sseCustomerKeyMd5 !== undefined ||
          // A copy without encryption headers turns an object under a customer or KMS key into an SSE-S3 one.
          from.sseCustomerKeyMd5 !== undefined ||
          from.kms !== undefined ||
          // A default encryption the bucket was given (even SSE-S3, S3's own) re-encrypts in place (LocalStack's AWS-recorded test_copy_in_place_with_bucket_encryption).
          bucket.encryptionConfigured === true ||
          // Buckets recorded before the flag: a KMS default or a bucket key tells of a configuration.
          bucket.kmsDefault !== undefined ||
          bucket.bucketKeyEnabled === true;
        if (sameObject && !changesSomething) {
          throw s3Errors.invalidRequest(
            "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
          );
        }
        // A copy lands in the storage class asked for, else STANDARD, whatever the source's.
        // The redirect location is each object's own: never copied, taken from this request whatever the directive.
        const headers =
          metadataDirective === "REPLACE"
            ? headersFromInput(input)
            : { ...copiedHeaders(from), websiteRedirectLocation: websiteRedirectOf(input.WebsiteRedirectLocation), storageClass: storageClassOf(input.StorageClass) };
        const tags = taggingDirective === "REPLACE" ? parseTaggingHeader(input.Tagging) : from.tags;
        const algorithm = input.ChecksumAlgorithm !== undefined ? checksumAlgorithmOf(input.ChecksumAlgorithm) : from.checksum?.algorithm;
        if (!readable(from, ctx.now().getTime())) {
          throw new AwsError("InvalidObjectState", "Operation is not valid for the source object's storage class", 403);
        }
        const body = await ingestBody(store.blobs, store.readBody(from), { algorithm }, new Map(), INLINE_BODY_BYTES);
        // A copy gets the ACL its request names, never its source's.
        const record = writtenRecord(headers, body, tags, ctx, { lock: newVersionLock(bucket, input, ctx.now().getTime()), acl, encryption });
        const versionId = await storeNewObject(store, input, record, body.inline);
        return {
          VersionId: versionId,
          Expiration: expirationHeader(bucket.lifecycle, input.Key, record),
          CopySourceVersionId: sourceVersionId,
          // The copy's checksum, without its type (S3 leaves ChecksumType out here).
          CopyObjectResult: { ETag: record.etag, LastModified: new Date(record.lastModified), ...checksumValue(record) },
          ...encryptionOutput(encryption),
          ...(encryption.kms ? { SSEKMSEncryptionContext: input.SSEKMSEncryptionContext } : {}),
        };
      },
    }),
  };
}

function copiedHeaders(from: ObjectRecord) {
  return {
    contentType: from.contentType,
    contentEncoding: from.contentEncoding,
    contentDisposition: from.contentDisposition,
    contentLanguage: from.contentLanguage,
    cacheControl: from.cacheControl,
    expires: from.expires,
    metadata: from.metadata,
  };
}

function directive(value: string | undefined, kind: "metadata" | "tagging"): "COPY" | "REPLACE" {
  if (value === undefined || value === "COPY") return "COPY";
  if (value === "REPLACE") return "REPLACE";
  throw s3Errors.invalidArgument(`Unknown ${kind} directive.`, `x-amz-${kind}-directive`, value);
}
