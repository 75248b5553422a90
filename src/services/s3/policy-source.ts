/**
 * Bucket policies, and the statements ACLs stand for, as resource
 * policies for the authorizer, read straight from the bucket and object
 * records.
 */
import type { RequestKeys } from "../../server/service.js";
import type { NamedPolicy } from "../../policy/evaluate.js";
import type { ConditionBlock, PolicyDocument } from "../../policy/document.js";
import { denialsOf, parseStored } from "../../policy/source.js";
import type { KvEnvironment, KvStore } from "../../storage/types.js";
import { isDeleteMarker, versionIdOf, type BucketRecord, type ObjectRecord, type VersionRecord } from "./records.js";
import { BUCKETS_STORE, OBJECTS_STORE, VERSIONS_STORE } from "./store.js";
import { prefixRange } from "../../storage/index.js";
import { aclsEnabled, aclStatements } from "./acl.js";

/** What a bucket's owner does to any object in it, whoever owns the object. */
const BUCKET_OWNER_ACTIONS: ReadonlySet<string> = new Set(["s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"]);

interface CachedBucket {
  policies: readonly NamedPolicy[];
  /** The policies' denials alone, made when first needed. */
  denials?: readonly NamedPolicy[];
  /** The bucket, where ACLs apply to its objects. */
  aclBucket: BucketRecord | undefined;
  owner: string | undefined;
}

export class BucketPolicySource {
  private readonly buckets: KvStore<BucketRecord>;
  private readonly objects: KvStore<ObjectRecord>;
  private readonly versions: KvStore<VersionRecord>;

  constructor(kv: KvEnvironment) {
    this.buckets = kv.store<BucketRecord>(BUCKETS_STORE);
    this.objects = kv.store<ObjectRecord>(OBJECTS_STORE);
    this.versions = kv.store<VersionRecord>(VERSIONS_STORE);
  }

  /** Each bucket's policies as last read, valid while the buckets store keeps its generation. */
  private cached = new Map<string, CachedBucket>();
  private cachedGeneration = -1;

  /**
   * The policy of the bucket an `arn:aws:s3:::bucket[/key]` names, if any,
   * with its ACL's statements and, for an object, the object's ACL's. An
   * object another account owns (where ACLs apply) is that account's to
   * grant: for what is not its bucket owner's to do to any object, the
   * bucket's policy keeps only its denials, and the object's ACL grants.
   */
  resourcePolicies(resource: string, keys?: RequestKeys, action?: string): readonly NamedPolicy[] {
    if (!resource.startsWith("arn:aws:s3:::")) return [];
    const rest = resource.slice("arn:aws:s3:::".length);
    const slash = rest.indexOf("/");
    const cached = this.bucket(slash < 0 ? rest : rest.slice(0, slash));
    const record = cached.aclBucket;
    if (slash < 0 || !record) return cached.policies;
    const key = rest.slice(slash + 1);
    const object = this.object(record.name, key, keys);
    const owner = object?.ownerAccountId ?? record.accountId;
    const foreign = owner !== record.accountId && (action === undefined || !BUCKET_OWNER_ACTIONS.has(action));
    const policies = foreign ? (cached.denials ??= denialsOf(cached.policies)) : cached.policies;
    const statements = aclStatements(record, object?.acl, { key, owner });
    return statements.length === 0 ? policies : [...policies, { name: `ACL of ${resource}`, document: { version: "2012-10-17", statements } }];
  }

  /**
   * The account a request on an `arn:aws:s3:::bucket[/key]` is judged
   * against: the bucket's owner, if the bucket exists, but for an object
   * (or the version a request names) another account wrote where ACLs
   * apply, which that account owns (its bucket's owner keeps only writing
   * over it and deleting it).
   */
  resourceAccount(resource: string, action: string, keys?: RequestKeys): string | undefined {
    if (!resource.startsWith("arn:aws:s3:::")) return undefined;
    const rest = resource.slice("arn:aws:s3:::".length);
    const slash = rest.indexOf("/");
    const { owner, aclBucket } = this.bucket(slash < 0 ? rest : rest.slice(0, slash));
    if (slash < 0 || !aclBucket || BUCKET_OWNER_ACTIONS.has(action)) return owner;
    return this.object(aclBucket.name, rest.slice(slash + 1), keys)?.ownerAccountId ?? owner;
  }

  /** Objects (or versions) as last read, valid while neither store changes: a request asks twice. */
  private objectCache = new Map<string, ObjectRecord | undefined>();
  private objectGeneration = -1;

  /** The object, or the version the request names. */
  private object(bucket: string, key: string, keys: RequestKeys | undefined): ObjectRecord | undefined {
    const generation = this.objects.generation + this.versions.generation;
    if (this.objectGeneration !== generation || this.objectCache.size >= 1000) {
      this.objectCache = new Map();
      this.objectGeneration = generation;
    }
    const versionId = keys?.get("s3:versionid");
    // A key may hold any character, and an empty version id is not the absence of one: the id cannot run them together.
    const id = JSON.stringify([bucket, key, typeof versionId === "string" ? versionId : null]);
    if (this.objectCache.has(id)) return this.objectCache.get(id);
    const object = typeof versionId === "string" ? this.version(bucket, key, versionId) : this.objects.get([bucket, key]);
    this.objectCache.set(id, object);
    return object;
  }

  private bucket(name: string): CachedBucket {
    if (this.cachedGeneration !== this.buckets.generation || this.cached.size >= 1000) {
      this.cached = new Map();
      this.cachedGeneration = this.buckets.generation;
    }
    let cached = this.cached.get(name);
    if (!cached) {
      const record = this.buckets.get(name);
      cached = { policies: this.bucketPolicies(record), aclBucket: record && aclsEnabled(record) ? record : undefined, owner: record?.accountId };
      this.cached.set(name, cached);
    }
    return cached;
  }

  private version(bucket: string, key: string, versionId: string): ObjectRecord | undefined {
    for (const { value } of this.versions.range(prefixRange([bucket, key]))) {
      if (versionIdOf(value) === versionId) return isDeleteMarker(value) ? undefined : value;
    }
    // A bucket that never had versioning keeps its one (null) version with the objects.
    return versionId === "null" ? this.objects.get([bucket, key]) : undefined;
  }

  /** A bucket's policy, less its public grants under RestrictPublicBuckets, and its ACL's statements. */
  private bucketPolicies(record: BucketRecord | undefined): readonly NamedPolicy[] {
    if (!record) return [];
    const policies: NamedPolicy[] = [];
    const document = record.policy ? parseStored(record.policy, "resource") : undefined;
    if (document) {
      // RestrictPublicBuckets: a public policy's grants reach no one outside the account (anonymous callers above
      // all); its denials still stand.
      const restricted = isPublic(document) && (record.publicAccessBlock === undefined || record.publicAccessBlock?.RestrictPublicBuckets === true);
      const applied = restricted ? { ...document, statements: document.statements.filter((s) => s.effect !== "Allow") } : document;
      policies.push({ name: `bucket policy of ${record.name}`, document: applied });
    }
    const acl = aclStatements(record, record.acl, undefined);
    if (acl.length > 0) policies.push({ name: `ACL of ${record.name}`, document: { version: "2012-10-17", statements: acl } });
    return policies;
  }
}

/**
 * Public, as S3 means it: some statement allows everyone (Principal "*"),
 * or everyone but some (NotPrincipal), unless its condition pins one of the
 * keys that tie a request to known callers to fixed values (The meaning of
 * "public", S3 User Guide). A condition on anything else, such as
 * aws:Referer, leaves the policy public.
 */
export function isPublic(document: PolicyDocument): boolean {
  return document.statements.some(
    (s) =>
      s.effect === "Allow" &&
      !narrowedToKnownCallers(s.condition) &&
      (s.principal === "*" || (s.principal !== undefined && s.principal.AWS?.includes("*")) || s.notPrincipal !== undefined),
  );
}

/** The keys whose fixed values make a grant to everyone non-public (lower case: condition keys ignore case). */
const NARROWING_KEYS: ReadonlySet<string> = new Set([
  "aws:sourcearn",
  "aws:sourcevpc",
  "aws:sourcevpce",
  "aws:sourceowner",
  "aws:sourceaccount",
  "aws:userid",
  "s3:x-amz-server-side-encryption-aws-kms-key-id",
]);
/** Operators that hold a key to the values given (their IfExists forms let a request without the key through). */
const FIXING_OPERATORS: ReadonlySet<string> = new Set(["stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike"]);

function narrowedToKnownCallers(condition: ConditionBlock | undefined): boolean {
  if (condition === undefined) return false;
  for (const [operator, keys] of Object.entries(condition)) {
    const op = operator.toLowerCase();
    for (const [key, values] of Object.entries(keys)) {
      const name = key.toLowerCase();
      if (name === "aws:sourceip" && op === "ipaddress" && values.length > 0 && values.every((cidr) => !/^(0\.0\.0\.0|::)\/0$/.test(cidr))) return true;
      if (!NARROWING_KEYS.has(name) || !FIXING_OPERATORS.has(op) || values.length === 0) continue;
      // Fixed: no wildcard (so no aws:userid of a role's every session, `AROLEID:*`), no policy variable.
      if (values.every((value) => !/[*?]|\$\{/.test(value))) return true;
    }
  }
  return false;
}
