/**
 * Bucket policies as resource policies for the authorizer, read straight
 * from the bucket records.
 */
import type { NamedPolicy } from "../../policy/evaluate.js";
import type { PolicyDocument } from "../../policy/document.js";
import { parseStored } from "../../policy/source.js";
import type { KvEnvironment, KvStore } from "../../storage/types.js";
import type { BucketRecord } from "./records.js";
import { BUCKETS_STORE } from "./store.js";

export class BucketPolicySource {
  private readonly buckets: KvStore<BucketRecord>;

  constructor(kv: KvEnvironment) {
    this.buckets = kv.store<BucketRecord>(BUCKETS_STORE);
  }

  /** Each bucket's policies as last read, valid while the buckets store keeps its generation. */
  private cached = new Map<string, readonly NamedPolicy[]>();
  private cachedGeneration = -1;

  /** The policy of the bucket an `arn:aws:s3:::bucket[/key]` names, if any. */
  resourcePolicies(resource: string): readonly NamedPolicy[] {
    if (!resource.startsWith("arn:aws:s3:::")) return [];
    const rest = resource.slice("arn:aws:s3:::".length);
    const slash = rest.indexOf("/");
    const bucket = slash < 0 ? rest : rest.slice(0, slash);
    if (this.cachedGeneration !== this.buckets.generation || this.cached.size >= 1000) {
      this.cached = new Map();
      this.cachedGeneration = this.buckets.generation;
    }
    let policies = this.cached.get(bucket);
    if (!policies) {
      const record = this.buckets.get(bucket);
      const document = record?.policy ? parseStored(record.policy, "resource") : undefined;
      // RestrictPublicBuckets: a public policy's grants reach no one outside the account (anonymous callers above
      // all); its denials still stand.
      const restricted = document !== undefined && isPublic(document) && (record?.publicAccessBlock === undefined || record.publicAccessBlock?.RestrictPublicBuckets === true);
      const applied = restricted && document ? { ...document, statements: document.statements.filter((s) => s.effect !== "Allow") } : document;
      policies = applied ? [{ name: `bucket policy of ${bucket}`, document: applied }] : [];
      this.cached.set(bucket, policies);
    }
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
