/**
 * Server-side encryption with KMS keys (SSE-KMS and DSSE-KMS). A write
 * names `aws:kms` (or `aws:kms:dsse`) and, optionally, a key; without one
 * the account's AWS-managed `aws/s3` key is used, as S3 uses it. Nimbus
 * has no KMS: any well-formed key of the bucket's region is taken as
 * existing, and answered as S3 answers it (always as a key ARN). The bytes
 * on disk are not themselves encrypted; what is kept is the contract:
 * the headers every write and read answers, ETags that are not the MD5 of
 * the data, and reads that must be signed with Signature Version 4.
 */
import { AwsError } from "../../server/errors.js";
import type { RequestContext } from "../../server/context.js";
import { managedKeyId, randomHex } from "../../util/ids.js";
import { s3Errors } from "./errors.js";

export type KmsMethod = "aws:kms" | "aws:kms:dsse";

/** How an object (or an upload's object) is encrypted under a KMS key. */
export interface KmsEncryption {
  method: KmsMethod;
  /** The key's ARN, as S3 answers it. */
  keyArn: string;
  /** An S3 Bucket Key is used. */
  bucketKey?: true;
}

/** A bucket's default encryption with a KMS key, as PutBucketEncryption set it. */
export interface KmsDefault {
  method: KmsMethod;
  /** KMSMasterKeyID as given (GetBucketEncryption answers it unchanged); absent is the AWS-managed key. */
  keyId?: string;
}

/** What a write asks for (its headers, or a POST form's fields). */
export interface KmsInput {
  ServerSideEncryption?: string;
  SSEKMSKeyId?: string;
  SSEKMSEncryptionContext?: string;
  BucketKeyEnabled?: boolean;
}

/** Where a key is looked for: the bucket's region and account. */
export interface KeyScope {
  region: string;
  accountId: string;
  /** PutBucketEncryption's bucket key setting. */
  bucketKeyEnabled?: boolean;
  kmsDefault?: KmsDefault;
}

export function isKmsMethod(method: string | undefined): method is KmsMethod {
  return method === "aws:kms" || method === "aws:kms:dsse";
}

const KEY_ID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;
const ALIAS_NAME = /^alias\/[a-zA-Z0-9/_-]{1,250}$/;
const KMS_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):(key\/.+|alias\/.+)$/;

/**
 * The ARN S3 answers for a key named the way a request may name it (a key
 * id, an alias, or the ARN of either), in the bucket's region; absent, the
 * AWS-managed key. A name no KMS key could have, or a key of another
 * region, is refused as S3 refuses it (`KMS.NotFoundException`).
 */
export function kmsKeyArn(keyId: string | undefined, scope: KeyScope): string {
  const prefix = `arn:aws:kms:${scope.region}:${scope.accountId}:`;
  if (keyId === undefined) return `${prefix}key/${managedKeyId("aws/s3", scope.accountId, scope.region)}`;
  if (KEY_ID.test(keyId)) return `${prefix}key/${keyId}`;
  if (ALIAS_NAME.test(keyId)) return `${prefix}key/${aliasedKeyId(keyId, scope)}`;
  const arn = KMS_ARN.exec(keyId);
  // KMS names the region of the ARN it could not use.
  if (arn && arn[1] !== scope.region) throw notFound(`Invalid arn ${arn[1]}`);
  const resource = arn?.[3];
  if (resource !== undefined && ALIAS_NAME.test(resource)) return `arn:aws:kms:${arn![1]}:${arn![2]}:key/${aliasedKeyId(resource, { region: arn![1]!, accountId: arn![2]! })}`;
  if (resource !== undefined && KEY_ID.test(resource.slice("key/".length))) return keyId;
  throw notFound(`Invalid keyId '${keyId}'`);
}

/**
 * The key an alias names. S3 answers the key's ARN, never the alias; with
 * no KMS to look it up, each alias stands for a key of its own, stable,
 * and `alias/aws/s3` for the AWS-managed key it names on AWS.
 */
function aliasedKeyId(alias: string, scope: Pick<KeyScope, "region" | "accountId">): string {
  return managedKeyId(alias === "alias/aws/s3" ? "aws/s3" : alias, scope.accountId, scope.region);
}

const notFound = (message: string) => new AwsError("KMS.NotFoundException", message, 400);


/**
 * A write's KMS encryption: the one its request names, else the bucket's
 * default where that is a KMS key; undefined for SSE-S3. The request's
 * bucket key setting wins over the bucket's. The method is known to be
 * KMS or absent (the caller refused any other).
 */
export function kmsEncryption(input: KmsInput, scope: KeyScope): KmsEncryption | undefined {
  const method = input.ServerSideEncryption;
  let encryption: KmsEncryption;
  if (isKmsMethod(method)) {
    encryption = { method, keyArn: kmsKeyArn(input.SSEKMSKeyId, scope) };
  } else if (method === undefined && scope.kmsDefault !== undefined) {
    encryption = { method: scope.kmsDefault.method, keyArn: kmsKeyArn(scope.kmsDefault.keyId, scope) };
  } else {
    return undefined;
  }
  if (input.SSEKMSEncryptionContext !== undefined) checkEncryptionContext(input.SSEKMSEncryptionContext);
  // S3 Bucket Keys are not used with DSSE-KMS.
  if (encryption.method !== "aws:kms:dsse" && (input.BucketKeyEnabled ?? scope.bucketKeyEnabled)) encryption.bucketKey = true;
  return encryption;
}

/** `x-amz-server-side-encryption-context`: base64 of a JSON object of strings. */
function checkEncryptionContext(value: string): void {
  let context: unknown;
  try {
    const bytes = Buffer.from(value, "base64");
    if (bytes.toString("base64").replace(/=+$/, "") !== value.replace(/=+$/, "")) throw new Error("not base64");
    context = JSON.parse(bytes.toString("utf8"));
  } catch {
    context = undefined;
  }
  const valid = typeof context === "object" && context !== null && !Array.isArray(context) && Object.values(context).every((v) => typeof v === "string");
  if (!valid) {
    throw s3Errors.invalidArgument(
      "The header 'x-amz-server-side-encryption-context' shall be Base64-encoded UTF-8 string holding JSON which represents a string-string map",
      "x-amz-server-side-encryption-context",
      value,
    );
  }
}

/** The answer's members for an object under a KMS key (GET, HEAD, and every write). */
export function kmsOutput(encryption: KmsEncryption): Record<string, unknown> {
  const output: Record<string, unknown> = { ServerSideEncryption: encryption.method, SSEKMSKeyId: encryption.keyArn };
  if (encryption.bucketKey) output.BucketKeyEnabled = true;
  return output;
}

/**
 * An ETag S3 gives an object or part stored under a KMS key: not the MD5
 * of its bytes (it is taken over what is stored, encrypted), and new with
 * every write.
 */
export function kmsEtag(): string {
  return randomHex(16);
}

/**
 * Reading an object under a KMS key takes a Signature Version 4 request:
 * an anonymous one, or one signed with version 2, is refused as S3 refuses it.
 */
export function requireSigV4(ctx: RequestContext): void {
  if (!ctx.signedWith.startsWith("v4-")) {
    throw s3Errors.invalidArgument("Requests specifying Server Side Encryption with AWS KMS managed keys require AWS Signature Version 4.", "Authorization", "null");
  }
}
