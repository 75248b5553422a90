/**
 * S3 replication: a versioned bucket's rules copy each new version that
 * matches them, shortly after it is written, to the destination bucket
 * named by ARN, as a replica with the same version id, bytes, metadata,
 * tags and times. The source version reads `x-amz-replication-status:
 * PENDING`, then `COMPLETED` (or `FAILED` where the destination is gone
 * or unversioned); the replica reads `REPLICA` and is not replicated again.
 * With DeleteMarkerReplication enabled, a delete marker made without a
 * version id is replicated too; deletes of a version never are. Versions
 * written before the configuration are left alone, as on AWS.
 */
import { AwsError } from "../../server/errors.js";
import { s3Errors } from "./errors.js";
import { isDeleteMarker, type BucketRecord, type DeleteMarker, type ObjectRecord, type Tag } from "./records.js";
import { aclsEnabled } from "./acl.js";
import { parseStored } from "../../policy/source.js";
import { principalMatches } from "../../policy/evaluate.js";
import type { Principal } from "../../auth/types.js";
import { randomHex } from "../../util/ids.js";
import { wildcardMatch } from "../../policy/match.js";
import { storageClassOf } from "./object-headers.js";
import { newVersionLock } from "./object-lock.js";
import type { S3Store } from "./store.js";
import { kmsKeyArn } from "./sse-kms.js";

export interface ReplicationRule {
  ID?: string;
  Priority?: number;
  /** V1: the rule's own prefix. */
  Prefix?: string;
  /** V2: a prefix, a tag, or both with tags. */
  Filter?: { Prefix?: string; Tag?: Tag; And?: { Prefix?: string; Tags?: Tag[] } };
  Status: string;
  Destination: { Bucket: string; StorageClass?: string; Account?: string; EncryptionConfiguration?: { ReplicaKmsKeyID?: string }; [other: string]: unknown };
  DeleteMarkerReplication?: { Status?: string };
  SourceSelectionCriteria?: { SseKmsEncryptedObjects?: { Status?: string }; [other: string]: unknown };
  [other: string]: unknown;
}

export interface ReplicationConfiguration {
  Role: string;
  Rules: ReplicationRule[];
}

const MAX_RULES = 1000;
const NO_TAGS: Replicable = { tags: [] };
const BUCKET_ARN = /^arn:aws:s3:::([^/]+)$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/;

const invalidRequest = (message: string) => s3Errors.invalidRequest(message);
const schemaError = (message: string) => invalidRequest(`${message} Please refer to S3 Developer Guide for more information.`);

/** A configuration as PutBucketReplication takes it, checked as S3 checks it, its rules given ids. */
export function validateReplication(config: ReplicationConfiguration, source: BucketRecord, store: S3Store): ReplicationConfiguration {
  if (source.versioning !== "Enabled") throw invalidRequest("Versioning must be 'Enabled' on the bucket to apply a replication configuration");
  const rules = config.Rules ?? [];
  if (rules.length === 0 || rules.length > MAX_RULES || typeof config.Role !== "string" || config.Role === "") throw s3Errors.malformedXml();
  if (!ROLE_ARN.test(config.Role)) throw s3Errors.invalidArgument("Invalid ReplicationConfiguration Role: " + config.Role, "Role", config.Role);
  const ids = new Set<string>();
  const priorities = new Set<number>();
  const checked = rules.map((rule) => {
    if (rule.Status !== "Enabled" && rule.Status !== "Disabled") throw s3Errors.malformedXml();
    // A rule is V1 (its own Prefix) or V2 (a Filter), never both or neither; existing objects are not replicated here.
    const v2 = rule.Filter !== undefined;
    if ((v2 && rule.Prefix !== undefined) || (!v2 && rule.Prefix === undefined)) throw s3Errors.malformedXml();
    if ((rule.ExistingObjectReplication as { Status?: string } | undefined)?.Status === "Enabled") throw s3Errors.malformedXml();
    if (!v2 && rule.DeleteMarkerReplication !== undefined) throw schemaError("DeleteMarkerReplication cannot be used for this version of Cross Region Replication configuration schema.");
    if (v2 && rule.Priority === undefined) throw schemaError("Priority must be specified for this version of Cross Region Replication configuration schema.");
    if (v2 && rule.DeleteMarkerReplication === undefined) {
      throw schemaError("DeleteMarkerReplication must be specified for this version of Cross Region Replication configuration schema.");
    }
    const tagged = rule.Filter?.Tag !== undefined || (rule.Filter?.And?.Tags ?? []).length > 0;
    if (tagged && rule.DeleteMarkerReplication?.Status === "Enabled") throw schemaError("Delete marker replication is not supported if any Tag filter is specified.");
    if (rule.Priority !== undefined) {
      if (priorities.has(rule.Priority)) throw invalidRequest(`Found duplicate priority ${rule.Priority} in replication configuration. Priorities must be unique.`);
      priorities.add(rule.Priority);
    }
    const id = rule.ID ?? randomRuleId();
    if (ids.has(id)) throw invalidRequest("Rule Id must be unique.");
    ids.add(id);
    const target = BUCKET_ARN.exec(rule.Destination?.Bucket ?? "")?.[1];
    if (target === undefined) throw s3Errors.invalidArgument("Invalid bucket ARN.", "Destination.Bucket", rule.Destination?.Bucket);
    if (target === source.name) throw invalidRequest("Destination bucket cannot be the same as the source bucket.");
    const destination = store.bucket(target);
    storageClassOf(rule.Destination.StorageClass);
    // A destination that does not exist is refused in the same words as one unversioned (LocalStack's AWS-recorded snapshots).
    if (destination?.versioning !== "Enabled") throw invalidRequest("Destination bucket must have versioning enabled.");
    if (rule.SourceSelectionCriteria?.SseKmsEncryptedObjects?.Status === "Enabled" && rule.Destination.EncryptionConfiguration?.ReplicaKmsKeyID === undefined) {
      throw invalidRequest("ReplicaKmsKeyID must be specified if SseKmsEncryptedObjects tag is present.");
    }
    return { ...rule, ID: id };
  });
  return { Role: config.Role, Rules: checked };
}

/** S3 names a rule given without an id with 48 random characters. */
function randomRuleId(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  let id = "";
  for (let i = 0; i < 48; i++) id += alphabet[Math.floor(Math.random() * alphabet.length)];
  return id;
}

function hasTags(wanted: readonly Tag[], tags: readonly Tag[]): boolean {
  return wanted.every((w) => tags.some((t) => t.Key === w.Key && t.Value === w.Value));
}

/** What of a version decides which rules cover it. */
type Replicable = Pick<ObjectRecord, "tags" | "kms">;

/**
 * Whether an enabled rule covers a key with these tags; an object under a
 * KMS key only where the rule opts in to those
 * (`SourceSelectionCriteria/SseKmsEncryptedObjects`), as S3 replicates them.
 */
function covers(rule: ReplicationRule, key: string, { tags, kms }: Replicable): boolean {
  if (rule.Status !== "Enabled") return false;
  if (kms !== undefined && rule.SourceSelectionCriteria?.SseKmsEncryptedObjects?.Status !== "Enabled") return false;
  const filter = rule.Filter;
  if (filter === undefined) return key.startsWith(rule.Prefix ?? "");
  if (filter.And) return key.startsWith(filter.And.Prefix ?? "") && hasTags(filter.And.Tags ?? [], tags);
  if (filter.Tag) return hasTags([filter.Tag], tags);
  return key.startsWith(filter.Prefix ?? "");
}

/**
 * The destinations a new version goes to: for each destination bucket,
 * the covering rule of highest priority.
 */
export function destinationsOf(config: ReplicationConfiguration | undefined, key: string, version: Replicable): ReplicationRule[] {
  if (!config) return [];
  const chosen = new Map<string, ReplicationRule>();
  for (const rule of config.Rules) {
    if (!covers(rule, key, version)) continue;
    const current = chosen.get(rule.Destination.Bucket);
    if (!current || (rule.Priority ?? 0) > (current.Priority ?? 0)) chosen.set(rule.Destination.Bucket, rule);
  }
  return [...chosen.values()];
}

const bucketOfArn = (arn: string): string => BUCKET_ARN.exec(arn)?.[1] ?? "";

/**
 * Whether the replication role may write into a destination of another
 * account: that bucket's policy must allow the role (or its account)
 * `s3:ReplicateObject` there. Same-account destinations need nothing
 * more than the role PutBucketReplication was allowed to pass.
 */
function destinationAllows(destination: BucketRecord, source: BucketRecord, role: string, key: string): boolean {
  if (destination.accountId === source.accountId) return true;
  if (!destination.policy) return false;
  const roleAccount = role.split(":")[4] ?? "";
  const principal = { type: "assumed-role", accountId: roleAccount, arn: role, userId: role } as unknown as Principal;
  const resource = `arn:aws:s3:::${destination.name}/${key}`;
  let allowed = false;
  for (const statement of parseStored(destination.policy, "resource").statements) {
    if (statement.principal === undefined || !principalMatches(statement.principal, principal)) continue;
    if (!statement.action?.some((action) => wildcardMatch(action, "s3:ReplicateObject", true))) continue;
    if (!statement.resource?.some((pattern) => wildcardMatch(pattern, resource, false))) continue;
    if (statement.effect === "Deny") return false;
    allowed = true;
  }
  return allowed;
}

/** Replicates versions in the background, one at a time, in the order they were written. */
export class Replicator {
  private readonly queue: { bucket: string; key: string; versionId: string }[] = [];
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: S3Store,
    private readonly now: () => number,
    private readonly log: (error: unknown) => void,
  ) {}

  /** A version was written (or a delete marker made) that some rule may cover. */
  enqueue(bucket: string, key: string, versionId: string): void {
    this.queue.push({ bucket, key, versionId });
    this.running ??= this.run();
  }

  private async run(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      for (let task = this.queue.shift(); task; task = this.queue.shift()) await this.replicateOrFail(task.bucket, task.key, task.versionId);
    } finally {
      // A task queued while the last one finished is taken up rather than left waiting for the next write.
      this.running = this.queue.length > 0 ? this.run() : undefined;
    }
  }

  /** Waits for the queue to empty (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  clear(): void {
    this.queue.length = 0;
  }

  private async replicateOrFail(bucket: string, key: string, versionId: string): Promise<void> {
    try {
      await this.replicate(bucket, key, versionId);
    } catch (error) {
      this.log(error);
      await this.store.updateObject(bucket, key, versionId, (record) => ({ ...record, replicationStatus: "FAILED" })).catch(this.log);
    }
  }

  private async replicate(bucketName: string, key: string, versionId: string): Promise<void> {
    const source = this.store.bucket(bucketName);
    const version = source && this.store.version(bucketName, key, versionId);
    const config = source?.replication;
    if (!source || !version || !config) return;
    if (isDeleteMarker(version)) {
      for (const rule of destinationsOf(config, key, NO_TAGS)) {
        // V1 rules replicate the markers of deletes; V2 rules only where they say so.
        if (rule.Filter !== undefined && rule.DeleteMarkerReplication?.Status !== "Enabled") continue;
        const destination = this.store.bucket(bucketOfArn(rule.Destination.Bucket));
        if (destination && destinationAllows(destination, source, config.Role, key)) {
          await this.store.putReplica(destination.name, key, { ...version, ownerAccountId: destination.accountId } satisfies DeleteMarker);
        }
      }
      return;
    }
    const rules = destinationsOf(config, key, version);
    let failed = rules.length === 0;
    for (const rule of rules) {
      const destination = this.store.bucket(bucketOfArn(rule.Destination.Bucket));
      if (!destination || !this.deliverable(version, destination, source, config.Role, key)) {
        failed = true;
        continue;
      }
      // An object under a KMS key is encrypted at the destination under the key the rule names (a key no KMS could have fails it).
      let kms = version.kms;
      if (kms !== undefined) {
        try {
          kms = { ...kms, keyArn: kmsKeyArn(rule.Destination.EncryptionConfiguration?.ReplicaKmsKeyID, destination) };
        } catch {
          failed = true;
          continue;
        }
      }
      // The bytes are copied, never shared: either copy can be deleted alone.
      const inline = version.inline ? await bytesOf(this.store, version) : undefined;
      const blob = inline ? randomHex(16) : (await this.store.blobs.write(this.store.readBody(version))).id;
      const lock = destination.objectLock && !this.locked(version) ? newVersionLock(destination, {}, this.now()) : {};
      const replica: ObjectRecord = {
        ...version,
        ...lock,
        blob,
        inline: inline ? true : undefined,
        replicationStatus: "REPLICA",
        // With ACLs disabled the destination's owner owns every object, replicas included.
        ownerAccountId: aclsEnabled(destination) ? version.ownerAccountId : destination.accountId,
        ...(rule.Destination.StorageClass ? { storageClass: storageClassOf(rule.Destination.StorageClass) } : {}),
        ...(kms ? { kms } : {}),
      };
      if (!(await this.store.putReplica(destination.name, key, replica, inline))) {
        await this.store.discardBody(replica);
        failed = true;
      }
    }
    // Tags or an ACL changed while the copy was made are carried by one more replication.
    let changedMeanwhile = false;
    await this.store.updateObject(bucketName, key, versionId, (record) => {
      changedMeanwhile = !failed && (JSON.stringify(record.tags) !== JSON.stringify(version.tags) || JSON.stringify(record.acl) !== JSON.stringify(version.acl));
      return { ...record, replicationStatus: failed ? "FAILED" : changedMeanwhile ? "PENDING" : "COMPLETED" };
    });
    if (changedMeanwhile) this.enqueue(bucketName, key, versionId);
  }

  /**
   * Whether a version may land in a destination: one the role may write
   * to, that takes SSE-C objects if this is one, and keeps Object Lock if
   * this version is locked.
   */
  private deliverable(version: ObjectRecord, destination: BucketRecord, source: BucketRecord, role: string, key: string): boolean {
    if (!destinationAllows(destination, source, role, key)) return false;
    if (version.sseCustomerKeyMd5 !== undefined && destination.sseCustomerKeys === "blocked") return false;
    if (this.locked(version) && !destination.objectLock) return false;
    return true;
  }

  /** Under a legal hold, or a retention not yet run out. */
  private locked(version: ObjectRecord): boolean {
    return version.legalHold === true || (version.lockMode !== undefined && (version.retainUntil ?? 0) > this.now());
  }
}

async function bytesOf(store: S3Store, record: ObjectRecord): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of store.readBody(record)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Suspending versioning is refused while replication is configured. */
export function refuseVersioningChange(bucket: BucketRecord): void {
  if (bucket.replication) {
    throw new AwsError(
      "InvalidBucketState",
      "A replication configuration is present on this bucket, so you cannot change the versioning state. To change the versioning state, first delete the replication configuration.",
      409,
      { BucketName: bucket.name },
    );
  }
}
