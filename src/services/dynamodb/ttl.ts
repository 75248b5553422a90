/**
 * Time to live. An item whose TTL attribute holds epoch seconds in the
 * past has expired; DynamoDB deletes it in the background, with a REMOVE
 * stream record whose identity is the service itself.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TTL.html
 *
 * Nimbus reads expired items as absent at once (code that relies on TTL
 * expects them gone) and deletes them soon after: reads hand the expired
 * items they met to the sweeper, which deletes them right after the read
 * answers, and a periodic sweep walks every TTL table a slice at a time.
 */
import { prefixRange } from "../../storage/index.js";
import { itemKey, type StorageKey } from "./keys.js";
import type { DynamoStore } from "./store.js";
import type { TableRecord } from "./tables.js";
import type { Item } from "./values.js";

/** TTL ignores expiry times more than five years in the past. */
const IGNORED_AFTER_MS = 5 * 365.25 * 24 * 3600 * 1000;

/** Whether `item` has expired at `now` under its table's TTL setting. */
export function isExpired(table: TableRecord, item: Item, now: number): boolean {
  if (!table.ttl?.enabled) return false;
  const value = item[table.ttl.attributeName];
  if (!value || !("N" in value)) return false;
  const at = Number(value.N) * 1000;
  return Number.isFinite(at) && at > 0 && at <= now && now - at <= IGNORED_AFTER_MS;
}

export interface SweeperOptions {
  /** How often the periodic sweep runs (ms). */
  intervalMs: number;
  /** Items examined per table and sweep. */
  sliceSize: number;
}

const DEFAULTS: SweeperOptions = { intervalMs: 5_000, sliceSize: 1_000 };

export class TtlSweeper {
  private timer: NodeJS.Timeout | undefined;
  private scheduled = false;
  private closed = false;
  /** The sweeps, one after another. */
  private queue: Promise<void> = Promise.resolve();
  /** Expired items reads met, by table id. */
  private readonly pending = new Map<string, { table: TableRecord; keys: Map<string, StorageKey> }>();
  /** Where the periodic sweep resumes in each table. */
  private readonly cursors = new Map<string, StorageKey>();
  private readonly options: SweeperOptions;

  constructor(
    private readonly store: DynamoStore,
    private readonly now: () => number,
    options: Partial<SweeperOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  start(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => void this.sweep(), this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    this.timer = undefined;
    this.pending.clear();
    await this.queue;
  }

  /**
   * `item` as a read sees it: undefined once expired, in which case its
   * deletion is queued.
   */
  visible(table: TableRecord, item: Item | undefined, now: number): Item | undefined {
    if (!item || !isExpired(table, item, now)) return item;
    this.found(table, itemKey(table, item));
    return undefined;
  }

  private found(table: TableRecord, key: StorageKey): void {
    if (this.closed) return;
    const entry = this.pending.get(table.id) ?? { table, keys: new Map<string, StorageKey>() };
    entry.keys.set(JSON.stringify(key), key);
    this.pending.set(table.id, entry);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.enqueue(() => this.deletePending());
    });
  }

  /** Deletes every expired item reads met, walks each TTL table a slice further, trims streams past their 24 hours and recovery history past its window. */
  sweep(): Promise<void> {
    return this.enqueue(async () => {
      await this.deletePending();
      await this.sweepTables();
      await this.store.trimStreams(this.now());
      await this.store.trimHistory(this.now());
    });
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    // A failed sweep (storage closing under it) leaves the items for the next one.
    this.queue = this.queue.then(() => (this.closed ? undefined : work())).catch(() => {});
    return this.queue;
  }

  private async deletePending(): Promise<void> {
    const batches = [...this.pending.values()];
    this.pending.clear();
    for (const { table, keys } of batches) await this.store.expireItems(table, [...keys.values()], this.now());
  }

  private async sweepTables(): Promise<void> {
    for (const { value: table } of this.store.tables.range()) {
      if (this.closed) return;
      if (!table.ttl?.enabled) {
        this.cursors.delete(table.id);
        continue;
      }
      const whole = prefixRange([table.id]);
      const after = this.cursors.get(table.id);
      const slice = [...this.store.items.range({ start: after ? prefixRange(after).end : whole.start, end: whole.end, limit: this.options.sliceSize })];
      const last = slice[slice.length - 1];
      if (slice.length < this.options.sliceSize || !last) this.cursors.delete(table.id);
      else this.cursors.set(table.id, last.key as StorageKey);
      const now = this.now();
      const expired = slice.filter((e) => isExpired(table, e.value, now)).map((e) => e.key as StorageKey);
      if (expired.length > 0) await this.store.expireItems(table, expired, now);
    }
  }
}
