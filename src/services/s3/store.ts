/**
 * S3's metadata over the shared ordered store. Bucket names are global (one
 * namespace per partition, as on AWS); objects are keyed [bucket, key] so a
 * range scan is a listing in UTF-8 binary order.
 */
import { Readable } from "node:stream";
import type { BlobStore, Key, KeyPart, KvEnvironment, KvStore, KvTransaction, KvWriter } from "../../storage/types.js";
import { prefixRange } from "../../storage/index.js";
import { isDeleteMarker, versionIdOf, type BucketRecord, type DeleteMarker, type ObjectRecord, type PartRecord, type UploadRecord, type Versioning, type VersionRecord } from "./records.js";
import { compareUtf8 } from "./keys.js";
import { MAX_KEY_BYTES } from "./names.js";
import { newVersionId, versionOrder } from "./version-ids.js";
import { destinationsOf } from "./replication.js";
import { s3Errors } from "./errors.js";

export const BUCKETS_STORE = "s3.buckets";
const UPLOADS_STORE = "s3.uploads";
const PARTS_STORE = "s3.parts";
export const OBJECTS_STORE = "s3.objects";
const BODIES = "s3.bodies";
/**
 * Every version of every key of a bucket that has had versioning, keyed
 * [bucket, key, order] with `order` falling as versions are added, so a
 * key's versions list newest first. `s3.objects` keeps, beside it, each
 * key's latest version unless that is a delete marker: reads and listings
 * of current objects never look here.
 */
export const VERSIONS_STORE = "s3.versions";
/** Hot objects kept in memory: records, and bodies of at most 16 KiB (so at most 16 MiB of them). */
const OBJECT_CACHE_ENTRIES = 1024;

export class S3Store {
  private readonly buckets: KvStore<BucketRecord>;
  private readonly objects: KvStore<ObjectRecord>;
  private readonly uploads: KvStore<UploadRecord>;
  private readonly parts: KvStore<PartRecord>;
  /** Small object bodies, keyed by the record's `blob`. */
  private readonly bodies: KvStore<Buffer>;
  private readonly versions: KvStore<VersionRecord>;

  constructor(
    private readonly kv: KvEnvironment,
    readonly blobs: BlobStore,
  ) {
    this.bodies = kv.store<Buffer>(BODIES);
    this.buckets = kv.store<BucketRecord>(BUCKETS_STORE);
    this.objects = kv.store<ObjectRecord>(OBJECTS_STORE);
    this.uploads = kv.store<UploadRecord>(UPLOADS_STORE);
    this.parts = kv.store<PartRecord>(PARTS_STORE);
    this.versions = kv.store<VersionRecord>(VERSIONS_STORE);
  }

  /**
   * Frees blobs no record points to: bodies whose PUT was cut off by a
   * crash after the bytes landed but before the record committed. Runs
   * when the service loads, before any request can be writing a blob.
   */
  async collectOrphanBlobs(): Promise<number> {
    const live = new Set<string>();
    for (const { value } of this.objects.range()) if (!value.inline) live.add(value.blob);
    // Uploads of a deleted bucket, and parts of an ended upload, that older versions could leave after a crash go too.
    const buckets = new Set(this.allBuckets().map((b) => b.name));
    const uploadIds = new Set<string>();
    const stray: { store: string; key: Key }[] = [];
    for (const { key, value } of this.uploads.range()) {
      if (buckets.has(value.bucket)) uploadIds.add(value.uploadId);
      else stray.push({ store: UPLOADS_STORE, key });
    }
    for (const { key, value } of this.parts.range()) {
      if (uploadIds.has(String((key as readonly KeyPart[])[0]))) live.add(value.blob);
      else stray.push({ store: PARTS_STORE, key });
    }
    if (stray.length > 0) await this.kv.transaction((tx) => stray.forEach(({ store, key }) => tx.store(store).remove(key)));
    for (const { key, value } of this.versions.range()) {
      if (isDeleteMarker(value)) continue;
      if (!value.inline) live.add(value.blob);
      // Replication a shutdown interrupted is taken up again.
      if (value.replicationStatus === "PENDING" && value.versionId !== undefined) this.unreplicated.push({ bucket: bucketOf(key), key: keyOf(key), versionId: value.versionId });
    }
    const orphans = (await this.blobs.list()).filter((id) => !live.has(id));
    await Promise.all(orphans.map((id) => this.blobs.delete(id)));
    return orphans.length;
  }

  // ── buckets ─────────────────────────────────────────────────────────

  /** Bucket records are read on every request and change rarely: kept in memory. */
  private bucketCache = new Map<string, BucketRecord | null>();

  bucket(name: string): BucketRecord | undefined {
    let record = this.bucketCache.get(name);
    if (record === undefined) {
      const stored = this.buckets.get(name);
      record = stored ? Object.freeze(stored) : null;
      if (this.bucketCache.size >= 10_000) this.bucketCache.clear();
      this.bucketCache.set(name, record);
    }
    return record ?? undefined;
  }

  /** Forgets cached state (after the storage was cleared). */
  forgetCaches(): void {
    this.bucketCache.clear();
    this.objectCache.clear();
  }

  /** Creates the bucket unless the name is taken; returns the existing record if it is. */
  async createBucket(record: BucketRecord): Promise<BucketRecord | undefined> {
    const existing = await this.buckets.transaction((tx) => {
      const old = tx.get(record.name);
      if (old) return old;
      tx.put(record.name, record);
      return undefined;
    });
    this.bucketCache.delete(record.name);
    return existing;
  }

  /** Rewrites a bucket's record (its policy); false when the bucket is gone. */
  async updateBucket(name: string, change: (bucket: BucketRecord) => BucketRecord): Promise<boolean> {
    const done = await this.buckets.transaction((tx) => {
      const bucket = tx.get(name);
      if (!bucket) return false;
      tx.put(name, change(bucket));
      return true;
    });
    this.bucketCache.delete(name);
    return done;
  }

  /**
   * Deletes an empty bucket and its abandoned uploads; answers false when
   * objects remain. The check and the removal are one transaction, which
   * writes into the bucket (each checks the bucket in its own) come before
   * or after: a PutObject racing the delete either lands and keeps the
   * bucket, or finds it gone. Uploads and their parts go in the same
   * transaction, so a crash never leaves them to a bucket of that name
   * created later; their part blobs are freed after it (or, cut short, at
   * the next start, no record naming them).
   */
  async deleteBucket(name: string): Promise<boolean> {
    const freed = await this.kv.transaction((tx) => {
      if (this.hasObjects(name)) return undefined;
      tx.store<BucketRecord>(BUCKETS_STORE).remove(name);
      const uploads = tx.store<UploadRecord>(UPLOADS_STORE);
      const parts = tx.store<PartRecord>(PARTS_STORE);
      const blobs: string[] = [];
      for (const upload of [...this.scanUploads(name)]) {
        uploads.remove([upload.bucket, upload.key, upload.uploadId]);
        for (const part of this.partsOf(upload.uploadId)) {
          parts.remove([upload.uploadId, part.partNumber]);
          blobs.push(part.blob);
        }
      }
      return blobs;
    });
    this.bucketCache.delete(name);
    if (freed === undefined) return false;
    await Promise.all(freed.map((blob) => this.blobs.delete(blob)));
    return true;
  }

  allBuckets(): BucketRecord[] {
    return [...this.buckets.range()].map((e) => e.value);
  }

  /** Whether any object, version or delete marker is left in the bucket. */
  hasObjects(bucket: string): boolean {
    for (const _ of this.objects.range({ ...prefixRange([bucket]), limit: 1 })) return true;
    for (const _ of this.versions.range({ ...prefixRange([bucket]), limit: 1 })) return true;
    return false;
  }

  /**
   * Sets a bucket's versioning. The first time, every object the bucket
   * holds becomes its key's `null` version, in the same transaction.
   */
  async setVersioning(name: string, status: Versioning): Promise<boolean> {
    const done = await this.kv.transaction((tx) => {
      const buckets = tx.store<BucketRecord>(BUCKETS_STORE);
      const bucket = buckets.get(name);
      if (!bucket) return false;
      if (bucket.versioning === undefined) {
        const versions = tx.store<VersionRecord>(VERSIONS_STORE);
        for (const { key, value } of this.objects.range(prefixRange([name]))) versions.put([name, keyOf(key), this.nextOrder()], value);
      }
      buckets.put(name, { ...bucket, versioning: status });
      return true;
    });
    this.bucketCache.delete(name);
    return done;
  }

  // ── objects ─────────────────────────────────────────────────────────

  /**
   * Recently read objects' records (frozen) and small bodies: a hot
   * object's GET then costs no store read. Every write to an object drops
   * its entry after the write commits, so a read racing the write cannot
   * leave the old record behind.
   */
  private objectCache = new Map<string, ObjectRecord>();
  /** Small bodies of cached records, by record: a newer record of the key has its own. */
  private cachedBodies = new WeakMap<ObjectRecord, Buffer>();

  object(bucket: string, key: string): ObjectRecord | undefined {
    const id = cacheId(bucket, key);
    const hit = this.objectCache.get(id);
    if (hit) return hit;
    const stored = this.objects.get([bucket, key]);
    if (!stored) return undefined;
    const record = Object.freeze(stored);
    const body = record.inline ? this.bodies.get(record.blob) : undefined;
    if (body) this.cachedBodies.set(record, body);
    if (this.objectCache.size >= OBJECT_CACHE_ENTRIES) this.objectCache.clear();
    this.objectCache.set(id, record);
    return record;
  }

  private forgetObject(bucket: string, key: string): void {
    this.objectCache.delete(cacheId(bucket, key));
  }

  /**
   * Stores an object record (and an inline body) in one transaction, then
   * frees the body it replaced, once the new record is durable.
   */
  async putObject(
    bucket: string,
    key: string,
    record: ObjectRecord,
    inlineBody: Buffer | undefined,
    check?: (previous: ObjectRecord | undefined) => void,
  ): Promise<string | undefined> {
    const outcome = await this.kv
      .transaction((tx) => {
        const objects = tx.store<ObjectRecord>(OBJECTS_STORE);
        const old = objects.get([bucket, key]);
        check?.(old);
        if (inlineBody) tx.store<Buffer>(BODIES).put(record.blob, inlineBody);
        const bucketRecord = tx.store<BucketRecord>(BUCKETS_STORE).get(bucket);
        // The bucket may have been deleted while the body was read: nothing is stored then.
        if (!bucketRecord) throw s3Errors.noSuchBucket(bucket);
        const versioning = bucketRecord.versioning;
        if (versioning !== undefined) {
          // A version some replication rule covers waits to be replicated.
          const replicated = record.replicationStatus === undefined && destinationsOf(bucketRecord.replication, key, record).length > 0;
          const outcome = new VersionEdit(this, tx, bucket).put(key, replicated ? { ...record, replicationStatus: "PENDING" } : record, versioning);
          return { ...outcome, replicated };
        }
        objects.put([bucket, key], record);
        if (old?.inline && old.blob !== record.blob) tx.store<Buffer>(BODIES).remove(old.blob);
        return { versionId: undefined, freed: old && !old.inline && old.blob !== record.blob ? [old.blob] : [], replicated: false };
      })
      .finally(() => this.forgetObject(bucket, key));
    await this.free(outcome.freed);
    if (outcome.replicated && outcome.versionId !== undefined) this.onReplicable?.(bucket, key, outcome.versionId);
    return outcome.versionId;
  }

  /** Versions found PENDING when the service loaded (collectOrphanBlobs): their replication was cut short. */
  readonly unreplicated: { bucket: string; key: string; versionId: string }[] = [];

  /** Told of each new version (or delete marker) of a bucket with replication, once committed. */
  onReplicable?: (bucket: string, key: string, versionId: string) => void;

  /**
   * Stores a replica as the version it copies (same id, so the same place
   * among the key's versions); false where the bucket is gone or does not
   * keep versions.
   */
  async putReplica(bucket: string, key: string, replica: VersionRecord, inlineBody?: Buffer): Promise<boolean> {
    const outcome = await this.kv
      .transaction((tx) => {
        if (tx.store<BucketRecord>(BUCKETS_STORE).get(bucket)?.versioning !== "Enabled" || replica.versionId === undefined) return undefined;
        if (inlineBody && !isDeleteMarker(replica)) tx.store<Buffer>(BODIES).put(replica.blob, inlineBody);
        const edit = new VersionEdit(this, tx, bucket);
        edit.insert(key, replica);
        return edit.finish();
      })
      .finally(() => this.forgetObject(bucket, key));
    if (outcome) await this.free(outcome);
    return outcome !== undefined;
  }

  private async free(blobs: readonly string[]): Promise<void> {
    await Promise.all(blobs.map((blob) => this.blobs.delete(blob)));
  }

  /** Position of a new version: below (newer than) every version made before, here or before a restart. */
  private lastStamp = 0;
  nextOrder(newest?: number): number {
    this.lastStamp = Math.max(Date.now() * 1000, this.lastStamp + 1);
    const order = Number.MAX_SAFE_INTEGER - this.lastStamp;
    return newest !== undefined && order >= newest ? newest - 1 : order;
  }

  /** A key's versions, newest first, as committed. */
  keyVersions(bucket: string, key: string): { order: number; version: VersionRecord }[] {
    return [...this.versions.range(prefixRange([bucket, key]))].map((e) => ({ order: orderOf(e.key), version: e.value }));
  }

  /** One version of a key, by id (`null` for the null version). */
  version(bucket: string, key: string, versionId: string): VersionRecord | undefined {
    return this.keyVersions(bucket, key).find((v) => versionIdOf(v.version) === versionId)?.version;
  }

  /** The newest version of a key, a delete marker or not. */
  latestVersion(bucket: string, key: string): VersionRecord | undefined {
    for (const entry of this.versions.range({ ...prefixRange([bucket, key]), limit: 1 })) return entry.value;
    return undefined;
  }

  /** Versions of a bucket in key order, each key's newest first, from key `from` (inclusive) on. */
  *scanVersions(bucket: string, from = ""): Iterable<{ key: string; order: number; version: VersionRecord; latest: boolean }> {
    const { end } = prefixRange([bucket]);
    const [start, skip] = keyBound(from);
    let previous: string | undefined;
    for (const entry of this.versions.range({ start: [bucket, start], end })) {
      const key = keyOf(entry.key);
      if (skip && compareUtf8(key, from) < 0) continue;
      yield { key, order: orderOf(entry.key), version: entry.value, latest: key !== previous };
      previous = key;
    }
  }

  /** Uploads a Complete is assembling: the lifecycle sweep leaves them be. */
  readonly completing = new Set<string>();

  /**
   * Deletes keys, or single versions of them (`null` names the null
   * version), in one transaction. In a versioned bucket a delete without
   * a version adds a delete marker; naming a version removes it for good.
   */
  async deleteKeys(
    bucket: string,
    targets: readonly { key: string; versionId?: string; current?: string }[],
    now: number,
    accountId: string,
    locked?: (version: ObjectRecord) => boolean,
    /** Delete markers made here may be replicated; a lifecycle rule's never are. */
    replicate = true,
  ): Promise<DeleteOutcome[]> {
    const { outcomes, freed, replicated } = await this.kv
      .transaction((tx) => {
        const versioning = tx.store<BucketRecord>(BUCKETS_STORE).get(bucket)?.versioning;
        if (versioning !== undefined) {
          const edit = new VersionEdit(this, tx, bucket);
          const marker = { deleteMarker: true as const, lastModified: now, ownerAccountId: accountId };
          const outcomes = targets.map((t) => {
            if (t.current !== undefined && tx.store<ObjectRecord>(OBJECTS_STORE).get([bucket, t.key])?.blob !== t.current) return {};
            return t.versionId === undefined ? edit.markDeleted(t.key, marker, versioning) : edit.removeVersion(t.key, t.versionId, locked);
          });
          const replicated = tx.store<BucketRecord>(BUCKETS_STORE).get(bucket)?.replication !== undefined;
          return { outcomes, freed: edit.finish(), replicated };
        }
        const objects = tx.store<ObjectRecord>(OBJECTS_STORE);
        const freed: string[] = [];
        for (const { key, current } of targets) {
          const old = objects.get([bucket, key]);
          // A target naming the object it expects is removed only while that object is current.
          if (!old || (current !== undefined && old.blob !== current)) continue;
          objects.remove([bucket, key]);
          if (old.inline) tx.store<Buffer>(BODIES).remove(old.blob);
          else freed.push(old.blob);
        }
        return { outcomes: targets.map((t): DeleteOutcome => ({ versionId: t.versionId })), freed, replicated: false };
      })
      .finally(() => {
        for (const { key } of targets) this.forgetObject(bucket, key);
      });
    await this.free(freed);
    // Delete markers made without a version id may be replicated (by rules that say so).
    if (replicated && replicate) {
      outcomes.forEach((outcome, i) => {
        const target = targets[i]!;
        if (outcome.deleteMarker && target.versionId === undefined && outcome.versionId !== undefined) this.onReplicable?.(bucket, target.key, outcome.versionId);
      });
    }
    return outcomes;
  }

  /** Frees the body of a record that was never stored. */
  async discardBody(record: ObjectRecord): Promise<void> {
    if (!record.inline) await this.blobs.delete(record.blob);
  }

  /**
   * Updates an object's record in place (tags): the current one, or the
   * version named. Answers the record updated, the delete marker found
   * instead, or undefined when there is neither.
   */
  async updateObject(
    bucket: string,
    key: string,
    versionId: string | undefined,
    update: (record: ObjectRecord) => ObjectRecord,
  ): Promise<VersionRecord | undefined> {
    let replicable: string | undefined;
    const updated = await this.kv
      .transaction((tx) => {
        const bucketRecord = tx.store<BucketRecord>(BUCKETS_STORE).get(bucket);
        if (bucketRecord?.versioning !== undefined) {
          // A replicated version whose tags or ACL change is replicated again, as S3 carries such changes to replicas.
          const carried = (record: ObjectRecord): ObjectRecord => {
            const changed = update(record);
            const metadataChanged = changed.tags !== record.tags || changed.acl !== record.acl;
            if (!metadataChanged || !bucketRecord.replication || (record.replicationStatus !== "COMPLETED" && record.replicationStatus !== "FAILED")) return changed;
            replicable = changed.versionId;
            return { ...changed, replicationStatus: "PENDING" };
          };
          return new VersionEdit(this, tx, bucket).update(key, versionId, carried);
        }
        const objects = tx.store<ObjectRecord>(OBJECTS_STORE);
        const old = objects.get([bucket, key]);
        if (!old) return undefined;
        const record = update(old);
        objects.put([bucket, key], record);
        return record;
      })
      .finally(() => this.forgetObject(bucket, key));
    if (replicable !== undefined) this.onReplicable?.(bucket, key, replicable);
    return updated;
  }

  /** Objects of a bucket in key order, from `from` (inclusive) on. */
  *scanObjects(bucket: string, from = ""): Iterable<[string, ObjectRecord]> {
    const { end } = prefixRange([bucket]);
    const [start, skip] = keyBound(from);
    for (const entry of this.objects.range({ start: [bucket, start], end })) {
      const key = keyOf(entry.key);
      if (skip && compareUtf8(key, from) < 0) continue;
      yield [key, entry.value];
    }
  }

  /** The body (or one inclusive range of it) as a stream. */
  readBody(record: ObjectRecord, range?: { start: number; end: number }): Readable {
    const small = this.inlineBody(record, range);
    if (small) return Readable.from(small.length ? [small] : []);
    if (record.size === 0) return Readable.from([]);
    return this.blobs.read(record.blob, range ?? { start: 0, end: record.size - 1 });
  }

  /** What a GET answers with: bytes in hand for a small body, a stream otherwise. */
  responseBody(record: ObjectRecord, range?: { start: number; end: number }): Buffer | Readable {
    return this.inlineBody(record, range) ?? this.readBody(record, range);
  }

  private inlineBody(record: ObjectRecord, range?: { start: number; end: number }): Buffer | undefined {
    if (!record.inline) return undefined;
    const body = this.cachedBodies.get(record) ?? this.bodies.get(record.blob);
    if (!body) throw new Error(`s3: inline body ${record.blob} is missing`);
    return range ? body.subarray(range.start, range.end + 1) : body;
  }

  // ── multipart uploads ───────────────────────────────────────────────

  upload(bucket: string, key: string, uploadId: string): UploadRecord | undefined {
    return this.uploads.get([bucket, key, uploadId]);
  }

  /** Records a new upload; false when its bucket has been deleted meanwhile. */
  async createUpload(record: UploadRecord): Promise<boolean> {
    return this.kv.transaction((tx) => {
      if (!tx.store<BucketRecord>(BUCKETS_STORE).get(record.bucket)) return false;
      tx.store<UploadRecord>(UPLOADS_STORE).put([record.bucket, record.key, record.uploadId], record);
      return true;
    });
  }

  /** Uploads of a bucket ordered by key, then by initiation (upload ids sort by time). */
  *scanUploads(bucket: string, from: readonly [string, string] = ["", ""]): Iterable<UploadRecord> {
    const { end } = prefixRange([bucket]);
    const [start, skip] = keyBound(from[0]);
    for (const entry of this.uploads.range({ start: [bucket, start, skip ? "" : from[1]], end })) {
      if (skip && compareUtf8(entry.value.key, from[0]) < 0) continue;
      yield entry.value;
    }
  }

  private readonly uploadQueues = new Map<string, Promise<void>>();

  /**
   * Runs `fn` alone among the calls that name the same upload. A Complete
   * reads its parts' blobs while it joins them: an Abort, or a part sent
   * again, frees blobs, so they wait for it to end (and then find the
   * upload gone, or their part recorded after it).
   */
  async exclusive<T>(uploadId: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.uploadQueues.get(uploadId) ?? Promise.resolve();
    const run = previous.then(fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.uploadQueues.set(uploadId, tail);
    try {
      return await run;
    } finally {
      if (this.uploadQueues.get(uploadId) === tail) this.uploadQueues.delete(uploadId);
    }
  }

  /** Records a part, freeing the blob of a part it replaces; false when the upload has ended. */
  putPart(upload: UploadRecord, part: PartRecord): Promise<boolean> {
    return this.exclusive(upload.uploadId, () => this.recordPart(upload, part));
  }

  private async recordPart(upload: UploadRecord, part: PartRecord): Promise<boolean> {
    const result = await this.parts.transaction((tx) => {
      // The upload may have been completed or aborted while the part streamed.
      if (!this.uploads.get([upload.bucket, upload.key, upload.uploadId])) return { ok: false as const };
      const old = tx.get([upload.uploadId, part.partNumber]);
      tx.put([upload.uploadId, part.partNumber], part);
      return { ok: true as const, old };
    });
    if (!result.ok) {
      await this.blobs.delete(part.blob);
      return false;
    }
    if (result.old) await this.blobs.delete(result.old.blob);
    return true;
  }

  partsOf(uploadId: string, afterPartNumber = 0): PartRecord[] {
    const { end } = prefixRange([uploadId]);
    return [...this.parts.range({ start: [uploadId, afterPartNumber + 1], end })].map((e) => e.value);
  }

  /** Ends an upload (completed or aborted): forgets it and its parts, frees part blobs not kept. */
  async endUpload(upload: UploadRecord, keepBlobs: ReadonlySet<string> = new Set()): Promise<void> {
    // One transaction: a crash never leaves parts without their upload, whose blobs nothing would free.
    const parts = await this.kv.transaction((tx) => {
      const parts = this.partsOf(upload.uploadId);
      tx.store<UploadRecord>(UPLOADS_STORE).remove([upload.bucket, upload.key, upload.uploadId]);
      const partsTx = tx.store<PartRecord>(PARTS_STORE);
      for (const p of parts) partsTx.remove([upload.uploadId, p.partNumber]);
      return parts;
    });
    await Promise.all(parts.filter((p) => !keepBlobs.has(p.blob)).map((p) => this.blobs.delete(p.blob)));
  }
}

/** What a delete did. */
export interface DeleteOutcome {
  /** The version removed, or the delete marker made; in an unversioned bucket, the version named. */
  versionId?: string;
  /** A delete marker was made, or the version removed was one. */
  deleteMarker?: boolean;
  /** The version named is under Object Lock: nothing was removed. */
  locked?: boolean;
}

type VersionList = { order: number; version: VersionRecord }[];

/**
 * One transaction's changes to the versions of a versioned bucket's keys:
 * each key's versions are read once, edited as a list (newest first), and
 * written back with the key's current object, which is the newest version
 * unless that is a delete marker.
 */
class VersionEdit {
  private readonly lists = new Map<string, VersionList>();
  private readonly versions: KvWriter<VersionRecord>;
  private readonly freed: string[] = [];

  constructor(
    private readonly store: S3Store,
    private readonly tx: KvTransaction,
    private readonly bucket: string,
  ) {
    this.versions = tx.store<VersionRecord>(VERSIONS_STORE);
  }

  private list(key: string): VersionList {
    let list = this.lists.get(key);
    if (!list) {
      list = this.store.keyVersions(this.bucket, key);
      this.lists.set(key, list);
    }
    return list;
  }

  /**
   * Puts a replica in its place among the key's versions, by the order its
   * id carries, replacing an earlier copy of it: a tag or ACL change copied
   * again. The earlier copy's own retention and legal hold stay with it
   * (a replica's lock is the destination's to set, and is never lifted by
   * the source).
   */
  insert(key: string, replica: VersionRecord): void {
    const list = this.list(key);
    const order = versionOrder(replica.versionId!) ?? this.store.nextOrder(list[0]?.order);
    const existing = list.findIndex((entry) => entry.order === order);
    if (existing >= 0) {
      const earlier = list[existing]!.version;
      if (!isDeleteMarker(earlier) && !isDeleteMarker(replica)) {
        replica = { ...replica, lockMode: earlier.lockMode, retainUntil: earlier.retainUntil, legalHold: earlier.legalHold };
      }
      this.drop(key, list, (v) => v === earlier);
    }
    const at = list.findIndex((entry) => entry.order > order);
    list.splice(at < 0 ? list.length : at, 0, { order, version: replica });
    this.versions.put([this.bucket, key, order], replica);
  }

  /** Adds a version on top: a new id while versioning is enabled, else the null version, which it replaces. */
  private add(key: string, version: VersionRecord, versioning: Versioning): string {
    const list = this.list(key);
    if (versioning === "Suspended") this.drop(key, list, (v) => v.versionId === undefined);
    const order = this.store.nextOrder(list[0]?.order);
    const added = { ...version, versionId: versioning === "Enabled" ? newVersionId(order) : undefined };
    list.unshift({ order, version: added });
    this.versions.put([this.bucket, key, order], added);
    return versionIdOf(added);
  }

  private drop(key: string, list: VersionList, which: (v: VersionRecord) => boolean): VersionRecord | undefined {
    const at = list.findIndex((entry) => which(entry.version));
    const entry = list[at];
    if (!entry) return undefined;
    list.splice(at, 1);
    this.versions.remove([this.bucket, key, entry.order]);
    const { version } = entry;
    if (!isDeleteMarker(version)) {
      if (version.inline) this.tx.store<Buffer>(BODIES).remove(version.blob);
      else this.freed.push(version.blob);
    }
    return version;
  }

  /** Writes a new version; answers its id while versioning is enabled (a suspended bucket's writes answer none). */
  put(key: string, record: ObjectRecord, versioning: Versioning): { versionId: string | undefined; freed: string[] } {
    const versionId = this.add(key, record, versioning);
    return { versionId: versioning === "Enabled" ? versionId : undefined, freed: this.finish() };
  }

  markDeleted(key: string, marker: DeleteMarker, versioning: Versioning): DeleteOutcome {
    return { versionId: this.add(key, marker, versioning), deleteMarker: true };
  }

  removeVersion(key: string, versionId: string, locked?: (version: ObjectRecord) => boolean): DeleteOutcome {
    const list = this.list(key);
    const named = list.find((entry) => versionIdOf(entry.version) === versionId)?.version;
    if (named && !isDeleteMarker(named) && locked?.(named)) return { versionId, locked: true };
    const removed = this.drop(key, list, (v) => versionIdOf(v) === versionId);
    return { versionId, deleteMarker: removed && isDeleteMarker(removed) ? true : undefined };
  }

  update(key: string, versionId: string | undefined, change: (record: ObjectRecord) => ObjectRecord): VersionRecord | undefined {
    const list = this.list(key);
    const entry = versionId === undefined ? list[0] : list.find((e) => versionIdOf(e.version) === versionId);
    if (entry && !isDeleteMarker(entry.version)) {
      entry.version = change(entry.version);
      this.versions.put([this.bucket, key, entry.order], entry.version);
    }
    this.finish();
    return entry?.version;
  }

  /** Writes each edited key's current object; answers the blobs to free once committed. */
  finish(): string[] {
    const objects = this.tx.store<ObjectRecord>(OBJECTS_STORE);
    for (const [key, list] of this.lists) {
      const latest = list[0]?.version;
      if (latest && !isDeleteMarker(latest)) objects.put([this.bucket, key], latest);
      else objects.remove([this.bucket, key]);
    }
    return this.freed;
  }
}

function orderOf(key: unknown): number {
  if (Array.isArray(key) && typeof key[2] === "number") return key[2];
  throw new Error("s3.versions: malformed store key");
}

function cacheId(bucket: string, key: string): string {
  return `${bucket}/${key}`;
}

function bucketOf(key: unknown): string {
  if (Array.isArray(key) && typeof key[0] === "string") return key[0];
  throw new Error("s3: malformed store key");
}

function keyOf(key: unknown): string {
  if (Array.isArray(key) && typeof key[1] === "string") return key[1];
  throw new Error("s3.objects: malformed store key");
}

/**
 * Where a scan from `from` starts in the store. No key is longer than 1024
 * bytes, and the store cannot take a much longer one: a longer bound (a
 * client's marker) starts at its longest head of whole characters within
 * that, and the scan skips what sorts before the bound itself.
 */
function keyBound(from: string): [start: string, skip: boolean] {
  if (from.length <= MAX_KEY_BYTES / 3 || Buffer.byteLength(from) <= MAX_KEY_BYTES) return [from, false];
  let head = "";
  let bytes = 0;
  for (const char of from) {
    bytes += Buffer.byteLength(char);
    if (bytes > MAX_KEY_BYTES) break;
    head += char;
  }
  return [head, true];
}
