/**
 * Bucket policies, and the statements ACLs stand for, as resource
 * policies for the authorizer, read straight from the bucket and object
 * records.
 */
import type { NamedPolicy } from "../../policy/evaluate.js";
import type { PolicyDocument } from "../../policy/document.js";
import { parseStored } from "../../policy/source.js";
import type { KvEnvironment, KvStore } from "../../storage/types.js";
import type { BucketRecord, ObjectRecord } from "./records.js";
import { BUCKETS_STORE, OBJECTS_STORE } from "./store.js";
import { aclsEnabled, aclStatements } from "./acl.js";

export class BucketPolicySource {
  private readonly buckets: KvStore<BucketRecord>;
  private readonly objects: KvStore<ObjectRecord>;

  constructor(kv: KvEnvironment) {
    this.buckets = kv.store<BucketRecord>(BUCKETS_STORE);
    this.objects = kv.store<ObjectRecord>(OBJECTS_STORE);
  }

  /** Each bucket's policies as last read, valid while the buckets store keeps its generation. */
  private cached = new Map<string, { policies: readonly NamedPolicy[]; aclBucket: BucketRecord | undefined }>();
  private cachedGeneration = -1;

  /**
   * The policy of the bucket an `arn:aws:s3:::bucket[/key]` names, if any,
   * with its ACL's statements and, for an object, the object's ACL's.
   */
  resourcePolicies(resource: string): readonly NamedPolicy[] {
    if (!resource.startsWith("arn:aws:s3:::")) return [];
    const rest = resource.slice("arn:aws:s3:::".length);
    const slash = rest.indexOf("/");
    const bucket = slash < 0 ? rest : rest.slice(0, slash);
    if (this.cachedGeneration !== this.buckets.generation || this.cached.size >= 1000) {
      this.cached = new Map();
      this.cachedGeneration = this.buckets.generation;
    }
    let cached = this.cached.get(bucket);
    if (!cached) {
      const record = this.buckets.get(bucket);
      cached = { policies: this.bucketPolicies(record), aclBucket: record && aclsEnabled(record) ? record : undefined };
      this.cached.set(bucket, cached);
    }
    const { policies, aclBucket: record } = cached;
    if (slash < 0 || !record) return policies;
    // An object's own ACL, where the bucket lets ACLs apply: its record is read each time (objects change often).
    const key = rest.slice(slash + 1);
    const statements = aclStatements(record, this.objects.get([bucket, key])?.acl, { key });
    return statements.length === 0 ? policies : [...policies, { name: `ACL of ${resource}`, document: { version: "2012-10-17", statements } }];
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
