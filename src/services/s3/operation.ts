/**
 * What S3's operations share: typed definitions, the bucket lookup and
 * canonical owner ids.
 */
import type { RequestContext } from "../../server/context.js";
import { defineOperation } from "../../server/service.js";
import type { S3Store } from "./store.js";
import { AwsError } from "../../server/errors.js";
import { s3Errors } from "./errors.js";
import { isDeleteMarker, versionIdOf, type BucketRecord, type DeleteMarker, type ObjectRecord } from "./records.js";
import { versionOrder } from "./version-ids.js";

export interface S3Deps {
  store: S3Store;
}

/** S3's operations are typed views of their model inputs. */
export const operation = defineOperation;

/** The bucket, or NoSuchBucket. */
export function requireBucket(store: S3Store, name: string): BucketRecord {
  const bucket = store.bucket(name);
  if (!bucket) throw s3Errors.noSuchBucket(name);
  return bucket;
}

/** The ACL headers of a write: a canned ACL and the grants. */
export interface AclInput {
  ACL?: string;
  GrantFullControl?: string;
  GrantRead?: string;
  GrantReadACP?: string;
  GrantWrite?: string;
  GrantWriteACP?: string;
}

function namesAcl(input: AclInput, allowed: ReadonlySet<string>): boolean {
  const grants = [input.GrantFullControl, input.GrantRead, input.GrantReadACP, input.GrantWrite, input.GrantWriteACP];
  return (input.ACL !== undefined && !allowed.has(input.ACL)) || grants.some((g) => g !== undefined);
}

/** What a bucket with ACLs disabled still takes: no ACL, the default one, or the owner's full control. */
const OWNER_ONLY_ACLS: ReadonlySet<string> = new Set(["private", "bucket-owner-full-control"]);

/**
 * An object write naming an ACL. Buckets have ACLs disabled (bucket owner
 * enforced) unless created with another object ownership: they refuse
 * any ACL but the owner's. Where ACLs are enabled they are accepted, not
 * modelled (every object reads back as its owner's).
 */
export function checkObjectAcl(bucket: BucketRecord, input: AclInput): void {
  const enforced = bucket.objectOwnership === undefined || bucket.objectOwnership === "BucketOwnerEnforced";
  if (enforced && namesAcl(input, OWNER_ONLY_ACLS)) {
    throw new AwsError("AccessControlListNotSupported", "The bucket does not allow ACLs", 400);
  }
}

/**
 * PutBucketAcl and PutObjectAcl: an ACL given one way (a canned ACL, grant
 * headers or a document). With ACLs disabled only the owner's full control
 * is taken, and changes nothing; where ACLs are enabled they are not
 * modelled, which is said (501) rather than silently ignored.
 */
export function checkAclChange(bucket: BucketRecord, input: AclInput & { AccessControlPolicy?: unknown }): void {
  const grants = [input.GrantFullControl, input.GrantRead, input.GrantReadACP, input.GrantWrite, input.GrantWriteACP].some((g) => g !== undefined);
  if (input.ACL !== undefined && grants) throw s3Errors.invalidRequest("Specifying both Canned ACLs and Header Grants is not allowed");
  if (input.ACL === undefined && !grants && input.AccessControlPolicy === undefined) {
    throw new AwsError("MissingSecurityHeader", "Your request was missing a required header", 400, { MissingHeaderName: "x-amz-acl" });
  }
  const enforced = bucket.objectOwnership === undefined || bucket.objectOwnership === "BucketOwnerEnforced";
  if (!enforced) throw new AwsError("NotImplemented", "Nimbus does not model ACLs: only buckets with ACLs disabled (bucket owner enforced) are supported.", 501);
  if (input.AccessControlPolicy !== undefined || namesAcl(input, OWNER_ONLY_ACLS)) {
    throw new AwsError("AccessControlListNotSupported", "The bucket does not allow ACLs", 400);
  }
}

/** CreateBucket naming an ACL while its object ownership disables ACLs. */
export function checkNewBucketAcl(ownership: string, input: AclInput): void {
  if (ownership === "BucketOwnerEnforced" && namesAcl(input, new Set(["private"]))) {
    throw new AwsError("InvalidBucketAclWithObjectOwnership", "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting", 400);
  }
}

/** The encryption headers of a write. */
export interface EncryptionInput {
  ServerSideEncryption?: string;
  SSECustomerAlgorithm?: string;
  SSECustomerKey?: string;
  SSECustomerKeyMD5?: string;
}

/**
 * Objects are encrypted with S3-managed keys (SSE-S3), which is all Nimbus
 * does: KMS and customer-provided keys are refused as not implemented
 * rather than reported as AES256, and an unknown method as S3 refuses it.
 */
export function checkEncryption(input: EncryptionInput): void {
  const method = input.ServerSideEncryption;
  if (method !== undefined && method !== "AES256") {
    if (method === "aws:kms" || method === "aws:kms:dsse") {
      throw new AwsError("NotImplemented", `Server-side encryption with KMS keys (${method}) is not supported by Nimbus yet.`, 501, { Header: "x-amz-server-side-encryption" });
    }
    throw s3Errors.invalidArgument("The encryption method specified is not supported", "x-amz-server-side-encryption", method);
  }
  if (input.SSECustomerAlgorithm !== undefined || input.SSECustomerKey !== undefined || input.SSECustomerKeyMD5 !== undefined) {
    throw new AwsError("NotImplemented", "Server-side encryption with customer-provided keys (SSE-C) is not supported by Nimbus yet.", 501, {
      Header: "x-amz-server-side-encryption-customer-algorithm",
    });
  }
}

/**
 * A version id as S3 takes it: `null`, or, in a bucket that has had
 * versioning, an id of the form S3 gives (any other names no version).
 */
export function checkVersionId(bucket: BucketRecord, versionId: string | undefined): void {
  if (versionId !== undefined && !isVersionId(bucket, versionId)) throw s3Errors.invalidArgument("Invalid version id specified", "versionId", versionId);
}

export function isVersionId(bucket: BucketRecord, versionId: string): boolean {
  return versionId === "null" || (bucket.versioning !== undefined && versionOrder(versionId) !== undefined);
}

/**
 * The version a request names (or the current object): NoSuchVersion or
 * NoSuchKey when there is none, and S3's answers for a delete marker —
 * 405 when named by id, 404 as the current version — with its headers.
 */
export function requireVersion(store: S3Store, bucket: BucketRecord, key: string, versionId: string | undefined, method: string): ObjectRecord {
  checkVersionId(bucket, versionId);
  if (versionId === undefined) {
    const current = store.object(bucket.name, key);
    if (current) return current;
    const latest = bucket.versioning === undefined ? undefined : store.latestVersion(bucket.name, key);
    if (latest && isDeleteMarker(latest)) {
      throw new AwsError("NoSuchKey", "The specified key does not exist.", 404, { Key: key }, { "x-amz-delete-marker": "true", "x-amz-version-id": versionIdOf(latest) });
    }
    throw s3Errors.noSuchKey(key);
  }
  const version = bucket.versioning === undefined ? store.object(bucket.name, key) : store.version(bucket.name, key, versionId);
  if (!version) throw new AwsError("NoSuchVersion", "The specified version does not exist.", 404, { Key: key, VersionId: versionId });
  if (isDeleteMarker(version)) throw notAllowedOnDeleteMarker(version, method);
  return version;
}

/** What S3 answers a read or write of a delete marker: only DELETE applies to one. */
export function notAllowedOnDeleteMarker(marker: DeleteMarker, method: string): AwsError {
  return new AwsError("MethodNotAllowed", "The specified method is not allowed against this resource.", 405, { Method: method, ResourceType: "DeleteMarker" }, {
    "x-amz-delete-marker": "true",
    "x-amz-version-id": versionIdOf(marker),
    "last-modified": new Date(marker.lastModified).toUTCString(),
    allow: "DELETE",
  });
}

/** The version id an answer carries: every object of a bucket that has had versioning has one. */
export function versionHeader(bucket: BucketRecord, record: ObjectRecord): string | undefined {
  return bucket.versioning === undefined ? undefined : versionIdOf(record);
}

/**
 * The IAM action of an object operation: naming a version asks for its
 * version action (s3:GetObject → s3:GetObjectVersion, s3:PutObjectTagging
 * → s3:PutObjectVersionTagging), as on AWS.
 */
export function objectAction(action: string, versionId: string | undefined): string {
  return versionId === undefined ? action : action.replace("Object", "ObjectVersion");
}

/** Requests S3 wants protected end to end (DeleteObjects, PutBucketCors) need Content-MD5 or a flexible checksum. */
export function requireIntegrityHeader(ctx: RequestContext): void {
  const h = ctx.headers;
  const present =
    h["content-md5"] !== undefined ||
    h["x-amz-sdk-checksum-algorithm"] !== undefined ||
    h["x-amz-trailer"] !== undefined ||
    Object.keys(h).some((name) => name.startsWith("x-amz-checksum-"));
  if (!present) throw s3Errors.invalidRequest("Missing required header for this request: Content-MD5");
}

/** The governance bypass header means something only where the bucket has Object Lock. */
export function refuseGovernanceBypass(bucket: BucketRecord, bypass: boolean | undefined): void {
  if (bypass !== undefined && !bucket.objectLock) {
    throw s3Errors.invalidArgument("x-amz-bypass-governance-retention is only applicable to Object Lock enabled buckets.", "x-amz-bypass-governance-retention");
  }
}

/** Canonical user id of an account: 64 hex characters, as S3 shows owners. */
export function canonicalUserId(accountId: string): string {
  let id = "";
  // Deterministic and stable across restarts; not secret.
  for (let i = 0; id.length < 64; i++) id += hash32(`${accountId}:${i}`).toString(16).padStart(8, "0");
  return id.slice(0, 64);
}

function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export function owner(accountId: string): { ID: string } {
  return { ID: canonicalUserId(accountId) };
}
