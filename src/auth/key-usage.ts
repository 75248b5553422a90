/**
 * When each IAM user access key was last used, for GetAccessKeyLastUsed.
 *
 * Authentication notes every successful use, so this is on the hot path:
 * the latest use of each key is kept in memory (a map lookup and three
 * field writes per request) and written to storage lazily — at most once
 * per key per minute, and on close. AWS itself records last use coarsely
 * (https://docs.aws.amazon.com/IAM/latest/APIReference/API_AccessKeyLastUsed.html).
 */
import type { KvEnvironment } from "../storage/types.js";
import { ACCESS_KEYS_STORE, type AccessKeyRecord } from "./stored-keys.js";

/** Persisted last uses, keyed by access key id. */
export const ACCESS_KEY_USAGE_STORE = "iam.access-key-usage";

/** How often, at most, one key's last use is written. */
export const PERSIST_INTERVAL_MS = 60_000;

export interface KeyUseRecord {
  /** Epoch ms. */
  lastUsedAt: number;
  /** The signing service, e.g. `s3`, `iam`. */
  serviceName: string;
  region: string;
}

interface Entry {
  use: KeyUseRecord;
  /** Bumped on every use, so a write that raced a use knows it is stale. */
  seq: number;
  writtenSeq: number;
  /** Clock time of the last write (-Infinity: never written). */
  persistedAt: number;
}

/** IAM user keys (AKIA…) are the only ones whose use IAM reports. */
const isUserKey = (accessKeyId: string) => accessKeyId.startsWith("AKIA");

/**
 * The region a use is reported in: IAM is global and AWS reports its calls
 * in us-east-1, as it does calls signed with no region (botocore signs
 * global services so when its region is empty).
 */
function reportedRegion(service: string, region: string): string {
  return service === "iam" || region === "" ? "us-east-1" : region;
}

export class KeyUsage {
  private readonly entries = new Map<string, Entry>();
  private timer: NodeJS.Timeout | undefined;
  /** The pending timer writes at once (rather than in up to a minute). */
  private timerImmediate = false;
  private flushing: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly kv: KvEnvironment,
    private readonly now: () => number,
  ) {}

  /** Records a successful authentication with `accessKeyId`; cheap, never waits. */
  note(accessKeyId: string, service: string, region: string, when: number): void {
    if (this.closed || !isUserKey(accessKeyId)) return;
    let entry = this.entries.get(accessKeyId);
    if (!entry) {
      entry = { use: { lastUsedAt: when, serviceName: service, region: reportedRegion(service, region) }, seq: 1, writtenSeq: 0, persistedAt: -Infinity };
      this.entries.set(accessKeyId, entry);
    } else if (when >= entry.use.lastUsedAt) {
      entry.use.lastUsedAt = when;
      entry.use.serviceName = service;
      entry.use.region = reportedRegion(service, region);
      entry.seq++;
    } else {
      return;
    }
    this.schedule(Math.max(0, entry.persistedAt + PERSIST_INTERVAL_MS - when));
  }

  /** The latest use of a key: the one in memory, else the one stored. */
  lastUsed(accessKeyId: string): KeyUseRecord | undefined {
    const entry = this.entries.get(accessKeyId);
    if (entry) return { ...entry.use };
    return this.kv.store<KeyUseRecord>(ACCESS_KEY_USAGE_STORE).get(accessKeyId);
  }

  /** Drops a deleted key's use from memory (its stored record goes with the key). */
  forget(accessKeyId: string): void {
    this.entries.delete(accessKeyId);
  }

  /** Writes every use not yet stored (or, unless `all`, those whose minute has passed). */
  async flush(all = true): Promise<void> {
    while (this.flushing) await this.flushing;
    this.flushing = this.write(all).finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  /** Forgets everything in memory (the store was cleared). */
  async clear(): Promise<void> {
    this.cancelTimer();
    while (this.flushing) await this.flushing;
    this.entries.clear();
  }

  /** Writes what is pending; later uses are ignored. */
  async close(): Promise<void> {
    this.cancelTimer();
    await this.flush(true);
    this.closed = true;
  }

  private async write(all: boolean): Promise<void> {
    const now = this.now();
    const due: [string, Entry, number][] = [];
    for (const [id, entry] of this.entries) {
      if (entry.seq === entry.writtenSeq) continue;
      if (all || now - entry.persistedAt >= PERSIST_INTERVAL_MS) due.push([id, entry, entry.seq]);
    }
    if (due.length > 0) {
      await this.kv.transaction((tx) => {
        const keys = tx.store<AccessKeyRecord>(ACCESS_KEYS_STORE);
        const usage = tx.store<KeyUseRecord>(ACCESS_KEY_USAGE_STORE);
        // A key deleted since its use leaves no record behind.
        for (const [id, entry] of due) if (keys.get(id)) usage.put(id, { ...entry.use });
      });
      for (const [, entry, seq] of due) {
        entry.writtenSeq = seq;
        entry.persistedAt = now;
      }
    }
    // Uses that came in meanwhile, or whose minute has not passed, wait for the next round.
    let next = Infinity;
    for (const entry of this.entries.values()) {
      if (entry.seq !== entry.writtenSeq) next = Math.min(next, Math.max(0, entry.persistedAt + PERSIST_INTERVAL_MS - now));
    }
    if (next !== Infinity) this.schedule(next);
  }

  /** A pending timer fires within a minute anyway, so only a due write replaces it. */
  private schedule(delay: number): void {
    if (this.closed || (this.timer && (delay > 0 || this.timerImmediate))) return;
    this.cancelTimer();
    this.timerImmediate = delay === 0;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerImmediate = false;
      this.flush(false).catch(() => {
        // Storage closed or failing: the use stays in memory and is retried on the next use or at close.
      });
    }, delay);
    this.timer.unref();
  }

  private cancelTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerImmediate = false;
  }
}
