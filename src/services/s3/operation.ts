/**
 * What S3's operations share: typed definitions, the bucket lookup and
 * canonical owner ids.
 */
import type { PrincipalDirectory } from "../../policy/principals.js";
import type { RequestContext } from "../../server/context.js";
import { defineOperation, type AuthorizationRequirement, type RequestKeys } from "../../server/service.js";
import { S3ConditionKeys, type S3KeySources } from "./condition-keys.js";
import { parseTaggingHeader } from "./object-headers.js";
import { objectArn } from "./names.js";
import type { S3Store } from "./store.js";
import { AwsError } from "../../server/errors.js";
import { s3Errors } from "./errors.js";
import { isDeleteMarker, versionIdOf, type BucketRecord, type DeleteMarker, type Encryption, type ObjectRecord, type Tag, type VersionRecord } from "./records.js";
import { versionOrder } from "./version-ids.js";
import { aclsEnabled, checkCannedAcl, isPublicAcl, refusePublicAcl, requestedGrants, type AccessControlPolicy, type AclInput, type AclParties, type Grant } from "./acl.js";
import { presentedKey } from "./sse-c.js";
import { isKmsMethod, kmsEncryption, requireSigV4, type KmsInput } from "./sse-kms.js";

export type { AclInput };

export interface S3Deps {
  store: S3Store;
  /** The users and roles a bucket policy may name. */
  principals?: PrincipalDirectory;
}

/** S3's operations are typed views of their model inputs. */
export const operation = defineOperation;

/** The bucket, or NoSuchBucket. */
export function requireBucket(store: S3Store, name: string): BucketRecord {
  const bucket = store.bucket(name);
  if (!bucket) throw s3Errors.noSuchBucket(name);
  return bucket;
}

/** PutBucketAcl's and PutObjectAcl's ACL: a canned ACL, grant headers or a document. */
export type AclChangeInput = AclInput & { AccessControlPolicy?: AccessControlPolicy };

/** The parties of an ACL: the resource's owner and its bucket's; a canonical user id names any account. */
export function aclParties(owner: string, bucketOwner: string): AclParties {
  return { owner, bucketOwner, accountOf: accountOfCanonicalId };
}

const aclsNotSupported = () => new AwsError("AccessControlListNotSupported", "The bucket does not allow ACLs", 400);

/**
 * Whether every grant is full control for the resource's owner or the
 * bucket's: all a bucket with ACLs disabled takes (`private`,
 * `bucket-owner-full-control` or a document saying the same).
 */
function ownersOnly(grants: readonly Grant[] | undefined, parties: AclParties): boolean {
  // An ACL of no grants at all would take the owner's full control away: it is no owner's ACL either.
  return (
    grants === undefined ||
    (grants.length > 0 &&
      grants.every(({ grantee, permission }) => permission === "FULL_CONTROL" && (grantee.account === parties.owner || grantee.account === parties.bucketOwner)))
  );
}

/** A write's ACL and the object's owner. */
export interface ObjectWriteAcl {
  /** Undefined where the write names none (the owner's full control). */
  grants?: Grant[];
  owner: string;
}

/**
 * An object write's ACL. With ACLs disabled (bucket owner enforced, the
 * default) any ACL but the owners' is refused, and the bucket owner owns
 * the object; otherwise Block Public Access may refuse a public one, and
 * the writer owns it, unless BucketOwnerPreferred hands an object written
 * with `bucket-owner-full-control` to the bucket owner. An anonymous
 * writer's object is the bucket owner's.
 */
export function objectWriteAcl(bucket: BucketRecord, input: AclInput, ctx: RequestContext): ObjectWriteAcl {
  checkCannedAcl(input.ACL);
  const writer = ctx.accountId === "" ? bucket.accountId : ctx.accountId;
  const parties = aclParties(writer, bucket.accountId);
  const grants = requestedGrants(input, parties, "object");
  if (!aclsEnabled(bucket)) {
    if (!ownersOnly(grants, parties)) throw aclsNotSupported();
    return { owner: bucket.accountId };
  }
  refusePublicAcl(bucket, grants);
  const handedOver = bucket.objectOwnership === "BucketOwnerPreferred" && input.ACL === "bucket-owner-full-control";
  return { grants, owner: handedOver ? bucket.accountId : writer };
}

/** Canned ACLs any write may name without the permission to set an ACL: the default, and the bucket owner's full control. */
const UNPRIVILEGED_ACLS: ReadonlySet<string> = new Set(["private", "bucket-owner-full-control"]);

/**
 * A write that sets an ACL needs the permission to set it (`s3:PutObjectAcl`,
 * `s3:PutBucketAcl`) beside its own.
 */
export function aclRequirements(input: AclInput, action: "s3:PutObjectAcl" | "s3:PutBucketAcl", resource: string, keys?: RequestKeys): AuthorizationRequirement[] {
  const grants = [input.GrantFullControl, input.GrantRead, input.GrantReadACP, input.GrantWrite, input.GrantWriteACP].some((g) => g !== undefined);
  return grants || (input.ACL !== undefined && !UNPRIVILEGED_ACLS.has(input.ACL)) ? [{ action, resource, keys }] : [];
}

/**
 * PutBucketAcl and PutObjectAcl: the ACL given one way (a canned ACL,
 * grant headers or a document). With ACLs disabled only the owner's full
 * control is taken, and changes nothing (undefined).
 */
export function changedGrants(bucket: BucketRecord, input: AclChangeInput, parties: AclParties, target: "bucket" | "object"): Grant[] | undefined {
  checkCannedAcl(input.ACL);
  const headerGrants = [input.GrantFullControl, input.GrantRead, input.GrantReadACP, input.GrantWrite, input.GrantWriteACP].some((g) => g !== undefined);
  if (input.ACL !== undefined && headerGrants) throw s3Errors.invalidRequest("Specifying both Canned ACLs and Header Grants is not allowed");
  if (input.ACL === undefined && !headerGrants && input.AccessControlPolicy === undefined) {
    throw new AwsError("MissingSecurityHeader", "Your request was missing a required header", 400, { MissingHeaderName: "x-amz-acl" });
  }
  const grants = requestedGrants(input, parties, target);
  if (!aclsEnabled(bucket)) {
    if (!ownersOnly(grants, parties)) throw aclsNotSupported();
    return undefined;
  }
  refusePublicAcl(bucket, grants);
  return grants;
}

/** CreateBucket's ACL: refused by an object ownership that disables ACLs, unless it is the default one. */
export function newBucketAcl(ownership: string, input: AclInput, ctx: RequestContext): Grant[] | undefined {
  checkCannedAcl(input.ACL);
  const parties = aclParties(ctx.accountId, ctx.accountId);
  const grants = requestedGrants(input, parties, "bucket");
  if (ownership === "BucketOwnerEnforced" && (input.ACL ?? "private") !== "private") {
    throw new AwsError("InvalidBucketAclWithObjectOwnership", "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting", 400);
  }
  if (ownership === "BucketOwnerEnforced" && !ownersOnly(grants, parties)) {
    throw new AwsError("InvalidBucketAclWithObjectOwnership", "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting", 400);
  }
  if (ownership === "BucketOwnerEnforced") return undefined;
  // A new bucket blocks public access, so it cannot start out public.
  if (isPublicAcl(grants)) {
    throw new AwsError("InvalidBucketAclWithBlockPublicAccessError", "Bucket cannot have public ACLs set with BlockPublicAccess enabled", 400);
  }
  return grants;
}

/** The encryption headers of a write. */
export interface EncryptionInput extends KmsInput {
  SSECustomerAlgorithm?: string;
  SSECustomerKey?: string;
  SSECustomerKeyMD5?: string;
}

/**
 * A write's encryption: S3-managed keys (SSE-S3, neither member), a
 * customer-provided key (SSE-C), whose MD5 is kept for the record, or a
 * KMS key, named or the bucket's default. An unknown method is refused as
 * S3 refuses it.
 */
export function checkEncryption(input: EncryptionInput, bucket: BucketRecord, ctx: RequestContext): Encryption {
  const method = input.ServerSideEncryption;
  const customer = input.SSECustomerAlgorithm !== undefined || input.SSECustomerKey !== undefined || input.SSECustomerKeyMD5 !== undefined;
  if (customer && method !== undefined) {
    throw s3Errors.invalidArgument("Server Side Encryption with Customer provided key is incompatible with the encryption method specified", "x-amz-server-side-encryption", method);
  }
  // A KMS key belongs to KMS encryption only.
  if (input.SSEKMSKeyId !== undefined && !isKmsMethod(method)) {
    throw s3Errors.invalidArgument(
      "Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms",
      "x-amz-server-side-encryption-aws-kms-key-id",
      input.SSEKMSKeyId,
    );
  }
  if (method !== undefined && method !== "AES256" && !isKmsMethod(method)) {
    throw s3Errors.invalidArgument("The encryption method specified is not supported", "x-amz-server-side-encryption", method);
  }
  const customerKey = presentedKey(input);
  if (customerKey !== undefined) {
    // Buckets block SSE-C writes unless their encryption configuration allows them.
    if (bucket.sseCustomerKeys === "blocked") throw s3Errors.accessDenied();
    return { sseCustomerKeyMd5: customerKey };
  }
  const kms = kmsEncryption(input, { region: bucket.region, accountId: bucket.accountId, bucketKeyEnabled: bucket.bucketKeyEnabled, kmsDefault: bucket.kmsDefault });
  if (kms === undefined) return SSE_S3_WRITE;
  // Writing under a KMS key takes Signature Version 4, as reading does.
  requireSigV4(ctx);
  return { kms };
}

const SSE_S3_WRITE: Encryption = Object.freeze({});

/**
 * SSE-S3 and SSE-KMS are chosen when an object is written (PutObject,
 * CopyObject, CreateMultipartUpload); a read or a part that names one is
 * refused: "Encryption request headers should not be sent for GET requests
 * and HEAD requests ... or you'll get an HTTP 400 BadRequest error"
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/specifying-s3-encryption.html),
 * in S3's words below (captured from S3 on CompleteMultipartUpload, ClickHouse/ClickHouse#64570).
 */
export function refuseEncryptionHeader(ctx: RequestContext): void {
  const method = ctx.headers["x-amz-server-side-encryption"];
  if (typeof method === "string") {
    throw s3Errors.invalidArgument("x-amz-server-side-encryption header is not supported for this operation.", "x-amz-server-side-encryption", method);
  }
}

/**
 * A version id as S3 takes it: `null`, or, in a bucket that has had
 * versioning, an id of the form S3 gives (any other names no version).
 * An empty one is refused in words of its own (captured from S3 on
 * GetObject, GetObjectAcl and PutObjectAcl).
 */
export function checkVersionId(bucket: BucketRecord, versionId: string | undefined): void {
  if (versionId === "") throw emptyVersionId("versionId");
  if (versionId !== undefined && !isVersionId(bucket, versionId)) throw s3Errors.invalidArgument("Invalid version id specified", "versionId", versionId);
}

/** What S3 answers a version id given empty, naming where it was given (`versionId`, or `x-amz-copy-source`). */
export const emptyVersionId = (argument: string) => s3Errors.invalidArgument("Version id cannot be the empty string", argument, "");

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

/**
 * What S3 answers a read or write of a delete marker: only DELETE applies to
 * one. The marker is named in the headers unless `named` is false, and its
 * Last-Modified given unless `lastModified` is false (the ACL calls, below).
 */
export function notAllowedOnDeleteMarker(marker: DeleteMarker, method: string, { named = true, lastModified = true } = {}): AwsError {
  return new AwsError("MethodNotAllowed", "The specified method is not allowed against this resource.", 405, { Method: method, ResourceType: "DeleteMarker" }, {
    ...(named ? { "x-amz-delete-marker": "true", "x-amz-version-id": versionIdOf(marker) } : {}),
    ...(lastModified ? { "last-modified": new Date(marker.lastModified).toUTCString() } : {}),
    allow: "DELETE",
  });
}

/**
 * GetObjectAcl and PutObjectAcl on a delete marker, as captured from S3:
 * 405 without the marker's Last-Modified; PutObjectAcl refuses a current
 * marker too, without naming it (GetObjectAcl answers that NoSuchKey, as a
 * read does).
 */
export function refuseAclOfDeleteMarker(store: S3Store, bucket: BucketRecord, key: string, versionId: string | undefined, method: "GET" | "PUT"): void {
  checkVersionId(bucket, versionId);
  if (bucket.versioning === undefined) return;
  if (versionId !== undefined) {
    const version = store.version(bucket.name, key, versionId);
    if (version && isDeleteMarker(version)) throw notAllowedOnDeleteMarker(version, method, { lastModified: false });
  } else if (method === "PUT" && !store.object(bucket.name, key)) {
    const latest = store.latestVersion(bucket.name, key);
    if (latest && isDeleteMarker(latest)) throw notAllowedOnDeleteMarker(latest, method, { named: false, lastModified: false });
  }
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

/**
 * What an object operation needs: its action (the version action where a
 * version is named) on the object, with the version as `s3:versionid`, so
 * that the version's own ACL decides.
 */
export function objectRequirement(action: string, bucket: string, key: string, versionId: string | undefined, sources?: S3KeySources): AuthorizationRequirement {
  return {
    action: objectAction(action, versionId),
    resource: objectArn(bucket, key),
    keys: sources ? new S3ConditionKeys({ ...sources, versionId }) : versionId === undefined ? undefined : new Map([["s3:versionid", versionId]]),
  };
}

/** The version a request names (the current one if none), if the bucket and it exist. */
export function storedVersion(store: S3Store, bucketName: string, key: string, versionId: string | undefined): ObjectRecord | VersionRecord | undefined {
  const bucket = store.bucket(bucketName);
  if (!bucket) return undefined;
  if (versionId === undefined || bucket.versioning === undefined) return store.object(bucket.name, key);
  return store.version(bucket.name, key, versionId);
}

/** A request header by lower-case name, several values joined as Node joins them. */
export function headerOf(ctx: RequestContext, name: string): string | undefined {
  const value = ctx.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

/** An object request's condition keys: its headers, and the object's tags should a policy ask for them. */
export function objectKeySources(store: S3Store, ctx: RequestContext, bucket: string, key: string, versionId: string | undefined): S3KeySources {
  return {
    header: (name) => headerOf(ctx, name),
    existingTags: () => {
      const record = storedVersion(store, bucket, key, versionId);
      return record && "tags" in record ? record.tags : undefined;
    },
  };
}

/** A write's condition keys: its headers and the tags its `x-amz-tagging` asks for. */
export function writeKeys(ctx: RequestContext): S3ConditionKeys {
  return new S3ConditionKeys({ header: (name) => headerOf(ctx, name), requestTags: () => taggingHeaderTags(headerOf(ctx, "x-amz-tagging")) });
}

/** The tags of an `x-amz-tagging` header, or none where it is malformed (the write refuses it later). */
function taggingHeaderTags(header: string | undefined): Tag[] | undefined {
  try {
    return parseTaggingHeader(header);
  } catch {
    return undefined;
  }
}

/**
 * Requests S3 wants protected end to end (DeleteObjects, PutBucketCors,
 * PutBucketTagging...) need Content-MD5 or a flexible checksum. S3 names
 * both in its refusal (as captured for PutBucketTagging and
 * PutObjectLockConfiguration, versity/versitygw#1521 and #1301); lifecycle
 * rules still name Content-MD5 alone.
 */
export function requireIntegrityHeader(ctx: RequestContext, missing = "Content-MD5 OR x-amz-checksum-*"): void {
  const h = ctx.headers;
  const present =
    h["content-md5"] !== undefined ||
    h["x-amz-sdk-checksum-algorithm"] !== undefined ||
    h["x-amz-trailer"] !== undefined ||
    Object.keys(h).some((name) => name.startsWith("x-amz-checksum-"));
  if (!present) throw s3Errors.invalidRequest(`Missing required header for this request: ${missing}`);
}

/** The governance bypass header means something only where the bucket has Object Lock. */
export function refuseGovernanceBypass(bucket: BucketRecord, bypass: boolean | undefined): void {
  if (bypass !== undefined && !bucket.objectLock) {
    throw s3Errors.invalidArgument("x-amz-bypass-governance-retention is only applicable to Object Lock enabled buckets.", "x-amz-bypass-governance-retention");
  }
}

/**
 * Canonical user id of an account: 64 hex characters, as S3 shows owners.
 * Deterministic, not secret, and read back by accountOfCanonicalId: its
 * last 24 characters spell the 12-digit account id (in hex), the first 40
 * are a hash of it.
 */
export function canonicalUserId(accountId: string): string {
  let id = "";
  for (let i = 0; id.length < 40; i++) id += hash32(`${accountId}:${i}`).toString(16).padStart(8, "0");
  return `${id.slice(0, 40)}${Buffer.from(accountId.padStart(12, "0").slice(-12), "latin1").toString("hex")}`;
}

/** The account a canonical user id was made for, when it is one of Nimbus's. */
export function accountOfCanonicalId(id: string): string | undefined {
  if (!/^[0-9a-f]{64}$/.test(id)) return undefined;
  const account = Buffer.from(id.slice(40), "hex").toString("latin1");
  return /^\d{12}$/.test(account) && canonicalUserId(account) === id ? account : undefined;
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
