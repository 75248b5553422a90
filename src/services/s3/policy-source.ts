/**
 * Bucket policies, and the statements ACLs stand for, as resource
 * policies for the authorizer, read straight from the bucket and object
 * records.
 */
import type { RequestKeys } from "../../server/service.js";
import type { NamedPolicy } from "../../policy/evaluate.js";
import type { PolicyDocument } from "../../policy/document.js";
import { parseStored } from "../../policy/source.js";
import type { KvEnvironment, KvStore } from "../../storage/types.js";
import { isDeleteMarker, versionIdOf, type BucketRecord, type ObjectRecord, type VersionRecord } from "./records.js";
import { BUCKETS_STORE, OBJECTS_STORE, VERSIONS_STORE } from "./store.js";
import { prefixRange } from "../../storage/index.js";
import { aclsEnabled, aclStatements } from "./acl.js";

/** What a bucket's owner does to any object in it, whoever owns the object. */
const BUCKET_OWNER_ACTIONS: ReadonlySet<string> = new Set(["s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"]);

interface CachedBucket {
  policies: readonly NamedPolicy[];
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
   * with its ACL's statements and, for an object, the object's ACL's.
   */
  resourcePolicies(resource: string, keys?: RequestKeys): readonly NamedPolicy[] {
    if (!resource.startsWith("arn:aws:s3:::")) return [];
    const rest = resource.slice("arn:aws:s3:::".length);
    const slash = rest.indexOf("/");
    const { policies, aclBucket: record } = this.bucket(slash < 0 ? rest : rest.slice(0, slash));
    if (slash < 0 || !record) return policies;
    // An object's own ACL (the version's a request names), where the bucket lets ACLs apply: read each time, as objects change often.
    const key = rest.slice(slash + 1);
    const bucket = record.name;
    const versionId = keys?.get("s3:versionid");
    const object = typeof versionId === "string" ? this.version(bucket, key, versionId) : this.objects.get([bucket, key]);
    const statements = aclStatements(record, object?.acl, { key, owner: object?.ownerAccountId ?? record.accountId });
    return statements.length === 0 ? policies : [...policies, { name: `ACL of ${resource}`, document: { version: "2012-10-17", statements } }];
  }

  /**
   * The account a request on an `arn:aws:s3:::bucket[/key]` is judged
   * against: the bucket's owner, if the bucket exists, but for an object
   * another account wrote where ACLs apply, which that account owns (its
   * bucket's owner keeps only writing over it and deleting it).
   */
  resourceAccount(resource: string, action: string): string | undefined {
    if (!resource.startsWith("arn:aws:s3:::")) return undefined;
    const rest = resource.slice("arn:aws:s3:::".length);
    const slash = rest.indexOf("/");
    const { owner, aclBucket } = this.bucket(slash < 0 ? rest : rest.slice(0, slash));
    if (slash < 0 || !aclBucket || BUCKET_OWNER_ACTIONS.has(action)) return owner;
    return this.objects.get([aclBucket.name, rest.slice(slash + 1)])?.ownerAccountId ?? owner;
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
 * Public: some statement allows everyone (Principal "*"), or everyone but
 * some (NotPrincipal), with no condition narrowing it.
 */
export function isPublic(document: PolicyDocument): boolean {
  return document.statements.some(
    (s) =>
      s.effect === "Allow" &&
      !s.condition &&
      (s.principal === "*" || (s.principal !== undefined && s.principal.AWS?.includes("*")) || s.notPrincipal !== undefined),
  );
}
