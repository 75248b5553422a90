/**
 * Applies buckets' lifecycle rules, as S3's daily run does: current
 * objects past their expiry are deleted (a delete marker where the bucket
 * keeps versions), move to the storage class a due transition names;
 * noncurrent versions past their days, beyond the newer ones kept, are
 * removed; a delete marker left alone is removed where a rule says so;
 * uploads left incomplete are aborted. It runs at most once a minute by
 * Nimbus's clock: on a timer, and when a request finds a minute has passed
 * (so a test that moves the clock sees it at once).
 */
import { dueDate, expiryOf, ruleApplies, type LifecycleRule } from "./lifecycle.js";
import { isDeleteMarker, type BucketRecord, type ObjectRecord, type VersionRecord } from "./records.js";
import type { S3Store } from "./store.js";
import { lockedReason } from "./object-lock.js";

const SWEEP_INTERVAL_MS = 60_000;

export class LifecycleSweeper {
  private last = Number.NEGATIVE_INFINITY;
  private running: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly store: S3Store,
    private readonly now: () => number,
    private readonly log: (error: unknown) => void,
  ) {
    this.timer = setInterval(() => this.poke(), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  /** Starts a sweep when a minute has passed since the last one began; never waits for it. */
  poke(): void {
    const now = this.now();
    if (this.running || now - this.last < SWEEP_INTERVAL_MS) return;
    this.last = now;
    this.running = this.sweep(now)
      .catch(this.log)
      .finally(() => (this.running = undefined));
  }

  /** Waits for a sweep under way (tests, shutdown). */
  async settled(): Promise<void> {
    await this.running;
  }

  close(): Promise<void> {
    clearInterval(this.timer);
    return this.settled();
  }

  private async sweep(now: number): Promise<void> {
    for (const bucket of this.store.allBuckets()) {
      const rules = bucket.lifecycle?.rules.filter((rule) => rule.Status === "Enabled");
      if (!rules?.length) continue;
      await this.currentObjects(bucket, rules, now);
      if (bucket.versioning !== undefined) await this.versions(bucket, rules, now);
      await this.uploads(bucket, rules, now);
    }
  }

  private async currentObjects(bucket: BucketRecord, rules: readonly LifecycleRule[], now: number): Promise<void> {
    // Each change names the object it was decided on: a write since then is left alone.
    const expired: { key: string; current: string }[] = [];
    const moves: [string, string, string][] = [];
    for (const [key, record] of this.store.scanObjects(bucket.name)) {
      const subject = { key, size: record.size, tags: record.tags };
      const expiry = expiryOf(rules, subject, record.lastModified);
      if (expiry && expiry.at <= now) {
        expired.push({ key, current: record.blob });
        continue;
      }
      const storageClass = dueTransition(rules, subject, record, now, minimumSize(bucket));
      if (storageClass && storageClass !== (record.storageClass ?? "STANDARD")) moves.push([key, record.blob, storageClass]);
    }
    if (expired.length > 0) {
      await this.store.deleteKeys(bucket.name, expired, now, bucket.accountId, undefined, false);
    }
    for (const [key, blob, storageClass] of moves) {
      await this.store.updateObject(bucket.name, key, undefined, (record) => (record.blob === blob ? { ...record, storageClass } : record));
    }
  }

  /** Noncurrent versions and lone delete markers of a bucket that keeps versions. */
  private async versions(bucket: BucketRecord, rules: readonly LifecycleRule[], now: number): Promise<void> {
    const removals: { key: string; versionId: string }[] = [];
    let key: string | undefined;
    let versions: VersionRecord[] = [];
    const flush = () => {
      if (key !== undefined) removals.push(...dueVersions(key, versions, rules, now));
    };
    for (const entry of this.store.scanVersions(bucket.name)) {
      if (entry.key !== key) {
        flush();
        key = entry.key;
        versions = [];
      }
      versions.push(entry.version);
    }
    flush();
    // A version under Object Lock outlives its lifecycle rules.
    const locked = (version: ObjectRecord) => lockedReason(version, false, now) !== undefined;
    if (removals.length > 0) await this.store.deleteKeys(bucket.name, removals, now, bucket.accountId, locked, false);
  }

  private async uploads(bucket: BucketRecord, rules: readonly LifecycleRule[], now: number): Promise<void> {
    for (const upload of [...this.store.scanUploads(bucket.name)]) {
      const due = rules.some((rule) => {
        const days = rule.AbortIncompleteMultipartUpload?.DaysAfterInitiation;
        return days !== undefined && ruleApplies(rule, { key: upload.key, size: 0, tags: [] }) && dueDate(upload.initiated, days) <= now;
      });
      if (due && !this.store.completing.has(upload.uploadId)) await this.store.endUpload(upload);
    }
  }
}

/** Classes that take no object under 128 KB where the minimum size varies by class. */
const SMALL_OBJECTS_REFUSED: ReadonlySet<string> = new Set(["STANDARD_IA", "ONEZONE_IA", "GLACIER_IR", "INTELLIGENT_TIERING"]);
const SMALL_OBJECT_BYTES = 128 * 1024;

/** The smallest object each class takes, by the bucket's x-amz-transition-default-minimum-object-size. */
function minimumSize(bucket: BucketRecord): (storageClass: string) => number {
  const all = bucket.lifecycle?.minimumObjectSize !== "varies_by_storage_class";
  return (storageClass) => (all || SMALL_OBJECTS_REFUSED.has(storageClass) ? SMALL_OBJECT_BYTES : 0);
}

/** The storage class the latest due transition names for a current object, if any. */
function dueTransition(
  rules: readonly LifecycleRule[],
  subject: { key: string; size: number; tags: ObjectRecord["tags"] },
  record: ObjectRecord,
  now: number,
  minimum: (storageClass: string) => number,
): string | undefined {
  let latest: { at: number; storageClass: string } | undefined;
  for (const rule of rules) {
    if (!rule.Transitions?.length || !ruleApplies(rule, subject)) continue;
    for (const t of rule.Transitions) {
      // Objects under the minimum size stay where they are.
      if (t.StorageClass && record.size < minimum(t.StorageClass)) continue;
      const at = t.Date !== undefined ? Date.parse(t.Date) : dueDate(record.lastModified, t.Days ?? 0);
      if (at <= now && t.StorageClass && (!latest || at >= latest.at)) latest = { at, storageClass: t.StorageClass };
    }
  }
  return latest?.storageClass;
}

/**
 * The versions of one key (newest first) its rules remove now: noncurrent
 * ones past their days (counted from when the next version replaced them)
 * beyond the newer ones a rule keeps, and a delete marker left alone.
 */
function dueVersions(key: string, versions: readonly VersionRecord[], rules: readonly LifecycleRule[], now: number): { key: string; versionId: string }[] {
  const due: { key: string; versionId: string }[] = [];
  const [latest] = versions;
  if (versions.length === 1 && latest && isDeleteMarker(latest)) {
    const subject = { key, size: 0, tags: [] };
    if (rules.some((rule) => rule.Expiration?.ExpiredObjectDeleteMarker === true && ruleApplies(rule, subject))) {
      due.push({ key, versionId: latest.versionId ?? "null" });
    }
    return due;
  }
  for (let i = 1; i < versions.length; i++) {
    const version = versions[i]!;
    // Replaced when the next version came; a completed multipart upload is dated when it began, which may be before this version was written.
    const noncurrentSince = Math.max(versions[i - 1]!.lastModified, version.lastModified);
    const subject = isDeleteMarker(version) ? { key, size: 0, tags: [] } : { key, size: version.size, tags: version.tags };
    const expire = rules.some((rule) => {
      const noncurrent = rule.NoncurrentVersionExpiration;
      if (!noncurrent || !ruleApplies(rule, subject)) return false;
      if (noncurrent.NewerNoncurrentVersions !== undefined && i <= noncurrent.NewerNoncurrentVersions) return false;
      return noncurrent.NoncurrentDays === undefined || dueDate(noncurrentSince, noncurrent.NoncurrentDays) <= now;
    });
    if (expire) due.push({ key, versionId: version.versionId ?? "null" });
  }
  return due;
}
