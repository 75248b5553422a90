/**
 * DynamoDB's state over the shared ordered store. Tables are scoped by
 * account and region; items, index entries, counters and stream records
 * of one write land in one transaction, so an acknowledged write is
 * durable with its indexes and its stream record.
 */
import { TABLES_STORE } from "./store-names.js";
import { ddbErrors } from "./errors.js";
import { randomUUID } from "node:crypto";
import { shareJson } from "../../protocols/shared/json-shared.js";
import { deepFreeze } from "../../util/frozen.js";
import { compareKeys, prefixRange } from "../../storage/index.js";
import type { Entry, Key, KeyBound, KvEnvironment, KvStore, KvTransaction, KvWriter } from "../../storage/types.js";
import { indexEntryKey, itemKey, keyOf, type StorageKey } from "./keys.js";
import { isExpired } from "./ttl.js";
import { allIndexes, emptyStats, type IndexRecord, type ReplicaRecord, type StreamViewType, type TableRecord, type TableStats } from "./tables.js";
import { itemSize, valuesEqual, type Item } from "./values.js";

const TABLES = TABLES_STORE;
const ITEMS = "dynamodb.items";
const INDEXES = "dynamodb.indexes";
const STATS = "dynamodb.stats";
const STREAMS = "dynamodb.streams";
const STREAM_RECORDS = "dynamodb.stream-records";
const TOKENS = "dynamodb.tokens";
const HISTORY = "dynamodb.history";
const DELETED = "dynamodb.deleted-tables";

/** A table whose record is deleted and whose items are not all gone yet; `kept` once onDeleted has run. */
interface DeletedTable {
  table: TableRecord;
  at: number;
  kept?: boolean;
}

/** DynamoDB Streams keeps a record 24 hours, and a stream 24 hours after it ends. */
export const STREAM_RETENTION_MS = 24 * 60 * 60 * 1000;

/** A stream's lasting record: it outlives its table's stream setting, and its table, for 24 hours. */
export interface StreamMeta {
  arn: string;
  accountId: string;
  region: string;
  tableName: string;
  tableId: string;
  label: string;
  viewType: StreamViewType;
  keySchema: TableRecord["keySchema"];
  createdAt: number;
  /** Set when the stream was disabled (or its table deleted). */
  endedAt?: number;
  /** The sequence number of the last record trimmed for its age: iterators before it read trimmed data. */
  trimmedThrough?: number;
  /** The shard's StartingSequenceNumber, kept from the first trim on (until then, just before the first record). */
  startSeq?: number;
}

export interface StreamRecordStored {
  eventID: string;
  eventName: "INSERT" | "MODIFY" | "REMOVE";
  at: number;
  seq: number;
  keys: Item;
  newImage?: Item;
  oldImage?: Item;
  sizeBytes: number;
  /** Set for TTL deletions: the service itself removed the item. */
  ttl?: boolean;
}

/**
 * One change to an item of a table under point-in-time recovery, kept for
 * the recovery window under [table id, when recovery was turned on, the
 * table's change count]: in the order changes commit, each recovery
 * period apart. When it was made (never before the change before it), the
 * item's storage key without the table's id, and the item before and
 * after (absent: there was none).
 */
export interface ChangeRecord {
  at: number;
  key: (string | number)[];
  old?: Item;
  new?: Item;
}

/** An item's change over a period: before, after (either may be absent, not both) and when it last changed. */
export interface ItemChange {
  key: StorageKey;
  old?: Item;
  new?: Item;
  at: number;
}

export interface TokenRecord {
  hash: string;
  at: number;
}

export class DynamoStore {
  readonly tables: KvStore<TableRecord>;
  readonly items: KvStore<Item>;
  readonly indexes: KvStore<Item>;
  readonly stats: KvStore<TableStats>;
  readonly streams: KvStore<StreamMeta>;
  readonly streamRecords: KvStore<StreamRecordStored>;
  readonly tokens: KvStore<TokenRecord>;
  readonly history: KvStore<ChangeRecord>;
  private readonly deleted: KvStore<DeletedTable>;

  constructor(readonly kv: KvEnvironment) {
    this.tables = kv.store<TableRecord>(TABLES);
    this.tableReads = new TableReads(this.tables);
    this.items = kv.store<Item>(ITEMS);
    this.indexes = kv.store<Item>(INDEXES);
    this.stats = kv.store<TableStats>(STATS);
    this.streams = kv.store<StreamMeta>(STREAMS);
    this.streamRecords = kv.store<StreamRecordStored>(STREAM_RECORDS);
    this.tokens = kv.store<TokenRecord>(TOKENS);
    this.history = kv.store<ChangeRecord>(HISTORY);
    this.deleted = kv.store<DeletedTable>(DELETED);
  }

  // ── tables ──────────────────────────────────────────────────────────

  /**
   * Table records as last read, valid while the tables store's generation
   * stands (every committed write to it moves the generation on). Every
   * data-plane call reads its table: this saves an LMDB read and a decode.
   * Records are frozen: callers derive new records, never edit one.
   */
  private readonly tableCache = new Map<string, TableRecord | undefined>();
  private tableCacheGeneration = -1;

  table(accountId: string, region: string, name: string): TableRecord | undefined {
    if (this.tableCacheGeneration !== this.tables.generation || this.tableCache.size >= MAX_CACHED_TABLES) {
      this.tableCache.clear();
      this.tableCacheGeneration = this.tables.generation;
    }
    // Account ids and regions hold no NUL, so the joined key is unambiguous.
    const cacheKey = `${accountId}\0${region}\0${name}`;
    const cached = this.tableCache.get(cacheKey);
    if (cached !== undefined || this.tableCache.has(cacheKey)) return cached;
    // A record read between a commit and its generation bump is dropped at the bump.
    const table = this.tables.get([accountId, region, name]);
    this.tableCache.set(cacheKey, table && deepFreeze(table));
    return table;
  }

  tableStats(table: TableRecord): TableStats {
    return this.stats.get(table.id) ?? emptyStats();
  }

  /** Table names of an account and region in name order, after `after`. */
  *tableNames(accountId: string, region: string, after?: string): Iterable<string> {
    const range = prefixRange([accountId, region]);
    const start = after === undefined ? range.start : prefixRange([accountId, region, after]).end;
    for (const { value } of this.tables.range({ start, end: range.end })) yield value.name;
  }

  /**
   * Names held by restores under way, by account, region and name, to the
   * id of the table each restore makes. A restore stores its table's record
   * only when its copy is done, and holds the name meanwhile, so CreateTable
   * and other restores find it taken at once. Kept in memory: a restore does
   * not outlive its process (what it left behind is dropped at start).
   */
  private readonly reservedNames = new Map<string, string>();

  /**
   * Inside a transaction: holds `table`'s name for a restore unless a table
   * or another restore has it; true if held (again, when the transaction
   * function runs twice).
   */
  reserveName(tx: KvTransaction, table: TableRecord): boolean {
    const name = nameKey(table);
    const holder = this.reservedNames.get(name);
    if (holder !== undefined) return holder === table.id;
    if (tx.store<TableRecord>(TABLES).get([table.accountId, table.region, table.name])) return false;
    this.reservedNames.set(name, table.id);
    return true;
  }

  /** Lets go of a name `reserveName` held for `table`. */
  releaseName(table: TableRecord): void {
    if (this.reservedNames.get(nameKey(table)) === table.id) this.reservedNames.delete(nameKey(table));
  }

  /** Stores a new table unless the name is taken (by a table, or a restore under way); returns false if it is. */
  async createTable(table: TableRecord): Promise<boolean> {
    return this.kv.transaction((tx) => {
      const tables = tx.store<TableRecord>(TABLES);
      const key = [table.accountId, table.region, table.name];
      if (tables.get(key) || this.reservedNames.has(nameKey(table))) return false;
      tables.put(key, table);
      tx.store<TableStats>(STATS).put(table.id, emptyStats());
      if (table.stream) this.putStreamMeta(tx, table);
      return true;
    });
  }

  /**
   * Stores a table whose items, index entries and counters were written
   * beforehand under its id (a restore, which holds its name through
   * `reserveName`), with `also`'s writes in the same transaction; returns
   * false, writing nothing, if the name is taken.
   */
  async publishTable(table: TableRecord, also: (tx: KvTransaction) => void): Promise<boolean> {
    return this.kv.transaction((tx) => {
      const tables = tx.store<TableRecord>(TABLES);
      const key = [table.accountId, table.region, table.name];
      if (tables.get(key)) return false;
      tables.put(key, table);
      const stats = tx.store<TableStats>(STATS);
      if (!stats.get(table.id)) stats.put(table.id, emptyStats());
      also(tx);
      return true;
    });
  }

  /** Rewrites a table's record; the change sees the latest committed record. */
  async updateTable(table: TableRecord, now: number, change: (t: TableRecord) => TableRecord): Promise<TableRecord | undefined> {
    return this.kv.transaction((tx) => {
      const tables = tx.store<TableRecord>(TABLES);
      const key = [table.accountId, table.region, table.name];
      const current = tables.get(key);
      if (!current || current.id !== table.id) return undefined;
      const next = change(current);
      this.rewrite(tx, current, next, now);
      return next;
    });
  }

  /** Stores a table's new record over `current`, starting and ending streams as it changes them. */
  private rewrite(tx: KvTransaction, current: TableRecord, next: TableRecord, now: number): void {
    tx.store<TableRecord>(TABLES).put([next.accountId, next.region, next.name], next);
    if (next.stream && next.stream.arn !== current.stream?.arn) this.putStreamMeta(tx, next);
    if (current.stream && (current.stream.arn !== next.stream?.arn || (current.stream.enabled && !next.stream?.enabled))) {
      this.endStream(tx, current, now);
    }
  }

  // ── global tables ───────────────────────────────────────────────────

  /** A global table's members in other regions, as committed (those still standing). */
  replicasOf(table: TableRecord): TableRecord[] {
    const members: TableRecord[] = [];
    for (const member of table.replicas ?? []) {
      if (member.tableId === table.id) continue;
      const record = this.table(table.accountId, member.region, table.name);
      if (record?.id === member.tableId) members.push(record);
    }
    return members;
  }

  /**
   * Makes `replica`, a new table of the same name in another region, a
   * replica of `table`: stores it, `change`s the table's record, and gives
   * every member the grown group. Answers the table's new record; "taken"
   * when the region already has a table of that name; undefined when the
   * table is gone. The items are copied next, by `seedReplica`.
   */
  async addReplica(
    table: TableRecord,
    now: number,
    change: (t: TableRecord) => TableRecord,
    replicaOf: (t: TableRecord) => TableRecord,
  ): Promise<{ table: TableRecord; replica: TableRecord } | "taken" | undefined> {
    return this.kv.transaction((tx) => {
      const tables = tx.store<TableRecord>(TABLES);
      const current = tables.get([table.accountId, table.region, table.name]);
      if (!current || current.id !== table.id) return undefined;
      const next = change(current);
      const replica = replicaOf(next);
      if (tables.get([replica.accountId, replica.region, replica.name]) || this.reservedNames.has(nameKey(replica))) return "taken";
      const added: ReplicaRecord = { region: replica.region, tableId: replica.id, source: { region: current.region, at: now }, seeding: true };
      if (replica.busyUntil !== undefined) added.creatingUntil = replica.busyUntil;
      const group = [...(current.replicas ?? [{ region: current.region, tableId: current.id }]), added];
      const members = this.membersOf(tx, current);
      this.rewrite(tx, current, { ...next, replicas: group }, now);
      for (const member of members) tables.put([member.accountId, member.region, member.name], { ...member, replicas: group });
      const stored = { ...replica, replicas: group };
      tables.put([replica.accountId, replica.region, replica.name], stored);
      tx.store<TableStats>(STATS).put(replica.id, emptyStats());
      this.putStreamMeta(tx, stored);
      return { table: { ...next, replicas: group }, replica: stored };
    });
  }

  /**
   * Copies a global table's items into its new replica, 500 to a
   * transaction, each item as it stands when its batch is copied (writes
   * made meanwhile reach the replica themselves). Stops if either table
   * goes.
   */
  async seedReplica(source: TableRecord, replica: TableRecord, now: number): Promise<void> {
    const range = prefixRange([source.id]);
    let after: Key | undefined;
    for (;;) {
      const batch = [...this.items.range({ start: after === undefined ? range.start : prefixRange(after as StorageKey).end, end: range.end, limit: 500 })];
      if (batch.length === 0) return;
      const copied = await this.kv.transaction((tx) => {
        const tables = tx.store<TableRecord>(TABLES);
        const target = tables.get([replica.accountId, replica.region, replica.name]);
        if (target?.id !== replica.id || tables.get([source.accountId, source.region, source.name])?.id !== source.id) return false;
        const writer = this.writer(tx, now);
        for (const { key } of batch) {
          const item = writer.get(key as StorageKey);
          if (item) writer.seed(target, [replica.id, ...(key as StorageKey).slice(1)], item);
        }
        return true;
      });
      if (!copied) return;
      after = batch[batch.length - 1]!.key;
    }
  }

  /** Fills a new replica from its source (see seedReplica), then marks it filled. */
  async fillReplica(source: TableRecord, replica: TableRecord, now: number): Promise<void> {
    await this.seedReplica(source, replica, now);
    await this.finishSeeding(replica);
  }

  /**
   * Removes the replica in `region` from `table`'s global table, and the
   * replica table with it; the members left keep the smaller group, or,
   * when one is left, are a table of their own again. `check` sees the
   * leaving member's record first and may refuse by throwing. Answers the
   * table's new record; "absent" when the region holds no replica of it;
   * undefined when the table is gone.
   */
  async removeReplica(table: TableRecord, region: string, now: number, check?: (member: TableRecord) => void): Promise<TableRecord | "absent" | undefined> {
    let removed: TableRecord | undefined;
    const result = await this.kv.transaction((tx): TableRecord | "absent" | undefined => {
      const current = tx.store<TableRecord>(TABLES).get([table.accountId, table.region, table.name]);
      if (!current || current.id !== table.id) return undefined;
      if (!current.replicas?.some((r) => r.region === region)) return "absent";
      removed = this.leaveGroup(tx, current, region, now, check);
      return tx.store<TableRecord>(TABLES).get([table.accountId, table.region, table.name]);
    });
    if (removed) await this.dropData(removed);
    return result;
  }

  /**
   * Inside a transaction: takes the member in `region` out of `current`'s
   * group and deletes its table record, rewriting the others' group.
   * Answers the record removed.
   */
  private leaveGroup(tx: KvTransaction, current: TableRecord, region: string, now: number, check?: (member: TableRecord) => void): TableRecord | undefined {
    const tables = tx.store<TableRecord>(TABLES);
    const group = (current.replicas ?? []).filter((r) => r.region !== region);
    const members = [current, ...this.membersOf(tx, current)];
    const removed = members.find((record) => record.region === region);
    if (removed) check?.(removed);
    for (const record of members) {
      if (record === removed) continue;
      const { replicas: _replicas, ...rest } = record;
      tables.put([record.accountId, record.region, record.name], group.length > 1 ? { ...rest, replicas: group } : rest);
    }
    if (removed) this.removeRecord(tx, removed, now);
    return removed;
  }

  /**
   * Applies `change` to a table and, in the same transaction, to every
   * other member of its global table as they stand then: settings the
   * group shares. Answers the new records, the table's first; undefined
   * when the table is gone.
   */
  async updateGroup(table: TableRecord, now: number, change: (t: TableRecord) => TableRecord): Promise<TableRecord[] | undefined> {
    return this.kv.transaction((tx) => {
      const current = tx.store<TableRecord>(TABLES).get([table.accountId, table.region, table.name]);
      if (!current || current.id !== table.id) return undefined;
      return [current, ...this.membersOf(tx, current)].map((record) => {
        const next = change(record);
        this.rewrite(tx, record, next, now);
        return next;
      });
    });
  }

  /** A new replica's copy is done: the group stops listing it as being filled. */
  private async finishSeeding(replica: TableRecord): Promise<void> {
    await this.kv.transaction((tx) => {
      const tables = tx.store<TableRecord>(TABLES);
      const current = tables.get([replica.accountId, replica.region, replica.name]);
      if (!current || current.id !== replica.id || !current.replicas) return;
      const group = current.replicas.map((r) => {
        if (r.tableId !== replica.id) return r;
        const { seeding: _seeding, ...filled } = r;
        return filled;
      });
      for (const record of [current, ...this.membersOf(tx, current)]) tables.put([record.accountId, record.region, record.name], { ...record, replicas: group });
    });
  }

  /**
   * Finishes the copies into new replicas that a stop cut short: each is
   * filled again from its source (a copy is idempotent), then marked done.
   */
  async resumeSeeding(now: number): Promise<void> {
    for (const { value: replica } of [...this.tables.range()]) {
      const own = replica.replicas?.find((r) => r.tableId === replica.id);
      if (!own?.seeding) continue;
      const sourceId = replica.replicas!.find((r) => r.region === own.source?.region)?.tableId;
      const source = own.source && this.tables.get([replica.accountId, own.source.region, replica.name]);
      if (source && source.id === sourceId) await this.seedReplica(source, replica, now);
      await this.finishSeeding(replica);
    }
  }

  /** The records of a global table's other members that still stand. */
  private membersOf(tx: KvTransaction, table: TableRecord): TableRecord[] {
    const tables = tx.store<TableRecord>(TABLES);
    const members: TableRecord[] = [];
    for (const member of table.replicas ?? []) {
      if (member.tableId === table.id) continue;
      const record = tables.get([table.accountId, member.region, table.name]);
      if (record?.id === member.tableId) members.push(record);
    }
    return members;
  }

  private putStreamMeta(tx: KvTransaction, table: TableRecord): void {
    const stream = table.stream;
    if (!stream) return;
    const meta: StreamMeta = {
      arn: stream.arn,
      accountId: table.accountId,
      region: table.region,
      tableName: table.name,
      tableId: table.id,
      label: stream.label,
      viewType: stream.viewType,
      keySchema: table.keySchema,
      createdAt: Date.parse(`${stream.label}Z`) || table.createdAt,
    };
    tx.store<StreamMeta>(STREAMS).put([table.accountId, table.region, stream.arn], meta);
  }

  private endStream(tx: KvTransaction, table: TableRecord, at: number): void {
    if (!table.stream) return;
    const streams = tx.store<StreamMeta>(STREAMS);
    const key = [table.accountId, table.region, table.stream.arn];
    const meta = streams.get(key);
    if (meta && meta.endedAt === undefined) streams.put(key, { ...meta, endedAt: at });
  }

  /** Removes a table's record, then its items and index entries in batches. */
  async deleteTable(table: TableRecord, now: number, check?: (current: TableRecord) => void): Promise<void> {
    let removed: TableRecord | undefined;
    await this.kv.transaction((tx) => {
      const current = tx.store<TableRecord>(TABLES).get([table.accountId, table.region, table.name]);
      removed = undefined;
      if (!current || current.id !== table.id) return;
      // A member of a global table, even one that became so since the caller looked, leaves its group.
      if (current.replicas) {
        removed = this.leaveGroup(tx, current, current.region, now, check);
      } else {
        check?.(current);
        this.removeRecord(tx, current, now);
        removed = current;
      }
    });
    if (removed) await this.dropData(removed);
  }

  /** Inside a transaction: removes a table's record and counters, and ends its stream. */
  private removeRecord(tx: KvTransaction, table: TableRecord, now: number): void {
    tx.store<TableRecord>(TABLES).remove([table.accountId, table.region, table.name]);
    tx.store<TableStats>(STATS).remove(table.id);
    this.endStream(tx, table, now);
    // Its items go after the commit: the mark has them finished after a stop.
    tx.store<DeletedTable>(DELETED).put(table.id, { table, at: now });
  }

  /**
   * What is done with a deleted table's items before they go, once its
   * record has: the SYSTEM backup of a table under point-in-time recovery
   * (set by the runtime). The items are then as they stood at the delete.
   */
  onDeleted?: (table: TableRecord, at: number) => Promise<void>;

  /** Keeps what `onDeleted` keeps of a deleted table (once), then removes its items, index entries and kept changes. */
  private async dropData(table: TableRecord): Promise<void> {
    const mark = this.deleted.get(table.id);
    if (mark && !mark.kept) {
      await this.onDeleted?.(table, mark.at);
      await this.deleted.transaction((tx) => tx.put(table.id, { ...mark, kept: true }));
    }
    await this.removeRange(this.items, prefixRange([table.id]));
    await this.removeRange(this.indexes, prefixRange([table.id]));
    await this.dropHistory(table);
    await this.deleted.transaction((tx) => tx.remove(table.id));
  }

  /** Finishes the deletes a stop cut short: what is kept of each, then its items. */
  async finishDeletes(): Promise<void> {
    for (const { value } of [...this.deleted.range()]) await this.dropData(value.table);
  }

  /** Removes every entry of a range, a thousand per transaction. */
  async removeRange<V>(store: KvStore<V>, range: { start: Key; end: KeyBound }): Promise<void> {
    for (;;) {
      const keys = [...store.range({ ...range, limit: 1000 })].map((e) => e.key);
      if (keys.length === 0) return;
      await store.transaction((tx) => {
        for (const key of keys) tx.remove(key);
      });
    }
  }

  streamMeta(accountId: string, region: string, arn: string): StreamMeta | undefined {
    return this.streams.get([accountId, region, arn]);
  }

  *streamsOf(accountId: string, region: string): Iterable<StreamMeta> {
    for (const { value } of this.streams.range(prefixRange([accountId, region]))) yield value;
  }

  /**
   * Trims a stream to what DynamoDB Streams still holds at `now`: records
   * older than 24 hours go, oldest first; a stream ended more than 24 hours
   * ago goes with all its records. Answers the stream as it stands after,
   * or undefined once it is gone. Costs one range read when nothing is due.
   */
  async trimStream(meta: StreamMeta, now: number): Promise<StreamMeta | undefined> {
    const cutoff = now - STREAM_RETENTION_MS;
    const key = [meta.accountId, meta.region, meta.arn];
    if (meta.endedAt !== undefined && meta.endedAt < cutoff) {
      // Records first: a crash between the two leaves the stream to be trimmed again, never records nothing reaches.
      await this.removeRange(this.streamRecords, prefixRange([meta.arn]));
      await this.streams.transaction((tx) => tx.remove(key));
      return undefined;
    }
    let current = meta;
    for (;;) {
      const due: Entry<StreamRecordStored>[] = [];
      for (const entry of this.streamRecords.range({ ...prefixRange([meta.arn]), limit: 1000 })) {
        if (entry.value.at >= cutoff) break;
        due.push(entry);
      }
      const last = due[due.length - 1];
      if (!last) return current;
      current = await this.kv.transaction((tx) => {
        const records = tx.store<StreamRecordStored>(STREAM_RECORDS);
        for (const entry of due) records.remove(entry.key);
        const streams = tx.store<StreamMeta>(STREAMS);
        const stored = streams.get(key) ?? current;
        const next = { ...stored, startSeq: stored.startSeq ?? due[0]!.value.seq - 1, trimmedThrough: Math.max(stored.trimmedThrough ?? 0, last.value.seq) };
        streams.put(key, next);
        return next;
      });
    }
  }

  /** Trims every stream of every account (see trimStream). */
  async trimStreams(now: number): Promise<void> {
    for (const { value } of [...this.streams.range()]) await this.trimStream(value, now);
  }

  // ── point-in-time history ───────────────────────────────────────────

  /**
   * A table's kept changes in the order they committed, newest first, from
   * the current recovery period's history only (see ChangeRecord).
   */
  private *newestChanges(table: TableRecord): Iterable<ChangeRecord> {
    const epoch = table.pitr?.historySince;
    if (epoch === undefined) return;
    for (const { value } of this.history.range({ ...prefixRange([table.id, epoch]), reverse: true })) yield value;
  }

  /**
   * The items of `table` that changed after `at`, each with what it was at
   * `at` (undefined: it did not exist), by storage key (JSON). Read at once:
   * taken in the same synchronous turn as a snapshot of the items, the two
   * are the same moment's.
   */
  changesAfter(table: TableRecord, at: number): Map<string, { key: StorageKey; old: Item | undefined }> {
    const undo = new Map<string, { key: StorageKey; old: Item | undefined }>();
    // Newest first: an item's earliest change after `at` is the last met, and its old image wins.
    for (const change of this.newestChanges(table)) {
      if (change.at <= at) break;
      const key: StorageKey = [table.id, ...change.key];
      undo.set(JSON.stringify(key), { key, old: change.old });
    }
    return undo;
  }

  /**
   * The items of `table` that changed in [from, to), one entry each, as
   * incremental exports give them: what the item was at `from`, what it
   * became by `to`, and when it last changed. An item made and removed
   * within the period is left out.
   */
  changesWithin(table: TableRecord, from: number, to: number): ItemChange[] {
    const changes = new Map<string, ItemChange>();
    // Newest first: an item's first entry met is its last change, and each older one brings the image before it.
    for (const change of this.newestChanges(table)) {
      if (change.at >= to) continue;
      if (change.at < from) break;
      const id = JSON.stringify(change.key);
      const seen = changes.get(id);
      if (seen) seen.old = change.old;
      else changes.set(id, { key: [table.id, ...change.key], old: change.old, new: change.new, at: change.at });
    }
    return [...changes.values()].filter((change) => change.old !== undefined || change.new !== undefined).reverse();
  }

  private historyTrimmedAt = 0;

  /** Drops a table's kept changes: all of them (it is gone), or one recovery period's (turned off). */
  async dropHistory(table: TableRecord, epoch?: number): Promise<void> {
    await this.removeRange(this.history, prefixRange(epoch === undefined ? [table.id] : [table.id, epoch]));
  }

  /** Drops the changes each table under point-in-time recovery keeps past its window. */
  async trimHistory(now: number): Promise<void> {
    // Windows are days long: once a minute is often enough.
    if (now - this.historyTrimmedAt < 60_000) return;
    this.historyTrimmedAt = now;
    for (const { value: table } of [...this.tables.range()]) {
      const epoch = table.pitr?.historySince;
      if (epoch === undefined) continue;
      const cutoff = now - table.pitr!.recoveryPeriodInDays * 24 * 60 * 60 * 1000;
      // Oldest first, a thousand at a time, until a change inside the window.
      for (;;) {
        const due: Key[] = [];
        for (const { key, value } of this.history.range({ ...prefixRange([table.id, epoch]), limit: 1000 })) {
          if (value.at >= cutoff) break;
          due.push(key);
        }
        if (due.length === 0) break;
        await this.history.transaction((tx) => {
          for (const key of due) tx.remove(key);
        });
        if (due.length < 1000) break;
      }
    }
  }

  // ── items ───────────────────────────────────────────────────────────

  item(table: TableRecord, key: StorageKey): Item | undefined {
    return this.items.get(key);
  }

  /**
   * Items as last read, valid while the items store's generation stands
   * (any committed write to any item moves it on and drops them all).
   * They are shared: deep-frozen, and encoded to JSON once for every
   * GetItem that answers them whole. Callers never edit one.
   */
  private readonly sharedItems = new Map<string, Item | null>();
  private sharedItemsGeneration = -1;
  private sharedItemsBytes = 0;

  sharedItem(table: TableRecord, key: StorageKey): Item | undefined {
    if (this.sharedItemsGeneration !== this.items.generation || this.sharedItemsBytes > MAX_SHARED_ITEM_BYTES) {
      this.sharedItems.clear();
      this.sharedItemsBytes = 0;
      this.sharedItemsGeneration = this.items.generation;
    }
    // Storage keys are [tableId, hash digest, range?]: only the last part may hold a NUL.
    const cacheKey = key.join("\0");
    const cached = this.sharedItems.get(cacheKey);
    if (cached !== undefined) return cached ?? undefined;
    // An item read between a commit and its generation bump is dropped at the bump.
    const item = this.items.get(key);
    const size = item ? itemSize(item) : 0;
    if (size <= MAX_SHARED_ITEM_SIZE) {
      this.sharedItems.set(cacheKey, item ? shareJson(item) : null);
      this.sharedItemsBytes += size + cacheKey.length;
    }
    return item;
  }

  /** Table records as write transactions last read them (see TableReads). */
  private readonly tableReads: TableReads;

  private writer(tx: KvTransaction, now: number, filling?: string): ItemWriter {
    return new ItemWriter(tx, now, this.tableReads, filling);
  }

  /** Runs `fn` atomically over items of any tables; see ItemWriter. */
  write<T>(now: number, fn: (w: ItemWriter) => T): Promise<T> {
    return this.kv.transaction((tx) => fn(this.writer(tx, now)));
  }

  /** As `write`, into `table` before it is published (a restore or an import fills it first). */
  fill<T>(table: TableRecord, now: number, fn: (w: ItemWriter) => T): Promise<T> {
    return this.kv.transaction((tx) => fn(this.writer(tx, now, table.id)));
  }

  /**
   * TTL: deletes the items at `keys` that are still expired, each with its
   * index entries, counters and a REMOVE stream record by the service.
   * The table's latest record decides (TTL may have been turned off).
   */
  async expireItems(table: TableRecord, keys: readonly StorageKey[], now: number): Promise<number> {
    return this.kv.transaction((tx) => {
      const current = tx.store<TableRecord>(TABLES).get([table.accountId, table.region, table.name]);
      if (!current || current.id !== table.id) return 0;
      const writer = this.writer(tx, now);
      let deleted = 0;
      for (const key of keys) {
        const stored = writer.get(key);
        if (!stored || !isExpired(current, stored, now)) continue;
        writer.delete(current, key, stored, { byTtl: true });
        deleted += 1;
      }
      return deleted;
    });
  }

  /** Fills a new GSI from the table's items (UpdateTable Create). */
  async backfillIndex(table: TableRecord, index: IndexRecord, now: number): Promise<void> {
    let after: Key | undefined;
    for (;;) {
      const range = prefixRange([table.id]);
      const batch = [...this.items.range({ start: after === undefined ? range.start : prefixRange(after as StorageKey).end, end: range.end, limit: 500 })];
      if (batch.length === 0) return;
      await this.kv.transaction((tx) => {
        const writer = this.writer(tx, now);
        // The batch was read outside the transaction: each item is indexed as it stands now
        // (a write since may have changed or deleted it, and then indexed it itself).
        for (const { key } of batch) {
          const current = writer.get(key as StorageKey);
          if (current) writer.addIndexEntry(table, index, current);
        }
      });
      after = batch[batch.length - 1]!.key;
    }
  }

  /** Drops a deleted GSI's entries and counters. */
  async dropIndex(table: TableRecord, name: string): Promise<void> {
    await this.removeRange(this.indexes, prefixRange([table.id, name]));
    await this.kv.transaction((tx) => {
      const stats = tx.store<TableStats>(STATS);
      const current = stats.get(table.id);
      if (current?.indexes[name]) {
        const { [name]: _dropped, ...rest } = current.indexes;
        stats.put(table.id, { ...current, indexes: rest });
      }
    });
  }
}

/**
 * Table records as write transactions read them, by table id. Every item
 * write reads its table's record inside its transaction (see
 * ItemWriter.latestOf), and most commits hold many writes to one table:
 * they read it once. A record stands while the tables store's `writes`
 * does; a transaction that writes one moves that on inside itself, before
 * any later transaction reads. Records are frozen, as the table cache's are.
 */
class TableReads {
  private readonly records = new Map<string, TableRecord>();
  private readAt = -1;

  constructor(private readonly tables: KvStore<TableRecord>) {}

  /** The table's record as `tx` sees it, if it is still that table. */
  read(tx: KvWriter<TableRecord>, table: TableRecord): TableRecord | undefined {
    // A transaction's own table writes are not applied yet: it reads through them.
    if (tx.size > 0) return sameTable(tx.get([table.accountId, table.region, table.name]), table);
    if (this.readAt !== this.tables.writes || this.records.size >= MAX_CACHED_TABLES) {
      this.records.clear();
      this.readAt = this.tables.writes;
    }
    const known = this.records.get(table.id);
    if (known) return known;
    const stored = sameTable(tx.get([table.accountId, table.region, table.name]), table);
    if (stored) this.records.set(table.id, deepFreeze(stored));
    return stored;
  }
}

function sameTable(stored: TableRecord | undefined, table: TableRecord): TableRecord | undefined {
  return stored && stored.id === table.id ? stored : undefined;
}

/** A table's account, region and name as one string (account ids and regions hold no NUL). */
function nameKey(table: TableRecord): string {
  return `${table.accountId}\0${table.region}\0${table.name}`;
}

/** Bounds the table cache (names that do not exist are cached too). */
const MAX_CACHED_TABLES = 10_000;

/** Bounds the shared item cache: its items' sizes summed, and the size of any one item in it. */
const MAX_SHARED_ITEM_BYTES = 8 * 1024 * 1024;
const MAX_SHARED_ITEM_SIZE = 64 * 1024;

/** Orders two storage keys (or bounds). */
export function compareStorageKeys(a: KeyBound, b: KeyBound): number {
  return compareKeys(a, b);
}

/** The projection of an item kept in an index entry. */
export function projectForIndex(table: TableRecord, index: IndexRecord, item: Item): Item {
  const type = index.projection.ProjectionType ?? "ALL";
  if (type === "ALL") return item;
  const projected = keyOf(item, table.keySchema, index.keySchema);
  if (type === "INCLUDE") {
    for (const name of index.projection.NonKeyAttributes ?? []) {
      const value = item[name];
      if (value !== undefined) projected[name] = value;
    }
  }
  return projected;
}

/**
 * The writes of one transaction: items with their index entries, table
 * counters and stream records. Reads see earlier writes of the same
 * transaction.
 */
export class ItemWriter {
  private readonly itemsTx;
  private readonly statsTx;
  /** Each table's record as this transaction reads it, by table id. */
  private readonly latest = new Map<string, TableRecord>();

  constructor(
    private readonly tx: KvTransaction,
    readonly now: number,
    private readonly tableReads: TableReads,
    /** The id of a table being filled before it is published (a restore, an import): written to without a record. */
    private readonly filling?: string,
  ) {
    this.itemsTx = tx.store<Item>(ITEMS);
    this.statsTx = tx.store<TableStats>(STATS);
  }

  // Most writes touch no index, stream or history: those stores are taken up on first use.
  private get indexesTx() {
    return this.tx.store<Item>(INDEXES);
  }

  private get recordsTx() {
    return this.tx.store<StreamRecordStored>(STREAM_RECORDS);
  }

  private get tablesTx() {
    return this.tx.store<TableRecord>(TABLES);
  }

  private get historyTx() {
    return this.tx.store<ChangeRecord>(HISTORY);
  }

  /**
   * The table's record as this transaction sees it. Callers read theirs
   * before the transaction began; an UpdateTable committed in between (an
   * index added or dropped, a stream turned on or off) must still shape
   * this write, or the index would miss it or keep a stale entry. A
   * table deleted in between takes no write: its items, counters and
   * index entries are being removed, and one landing after would stay.
   */
  private latestOf(table: TableRecord): TableRecord {
    let latest = this.latest.get(table.id);
    if (!latest) {
      latest = this.stored(table);
      if (!latest) {
        if (table.id !== this.filling) throw ddbErrors.resourceNotFound();
        latest = table;
      }
      this.latest.set(table.id, latest);
    }
    return latest;
  }

  /** The table's record as stored now, if it is still that table. */
  private stored(table: TableRecord): TableRecord | undefined {
    return this.tableReads.read(this.tablesTx, table);
  }

  get(key: StorageKey): Item | undefined {
    return this.itemsTx.get(key);
  }

  tokens() {
    return this.tx.store<TokenRecord>(TOKENS);
  }

  /** Writes `item` (replacing `old`, which the caller read through `get`), and into every replica of a global table. */
  put(table: TableRecord, key: StorageKey, item: Item, old: Item | undefined): void {
    this.itemsTx.put(key, item);
    const latest = this.change(table, key, old, item);
    if (latest.replicas) this.replicate(latest, key, item);
  }

  /** Deletes the item at `key`, here and in every replica; `byTtl` when the service itself removes it (TTL). */
  delete(table: TableRecord, key: StorageKey, old: Item | undefined, options: { byTtl?: boolean } = {}): void {
    if (!old) return;
    this.itemsTx.remove(key);
    const latest = this.change(table, key, old, undefined, options.byTtl ?? false);
    if (latest.replicas) this.replicate(latest, key, undefined);
  }

  /** Copies an item of a global table into its new replica, at the replica's `key`: counted and indexed, not streamed. */
  seed(replica: TableRecord, key: StorageKey, item: Item): void {
    const old = this.itemsTx.get(key);
    this.itemsTx.put(key, item);
    this.change(replica, key, old, item, false, false);
  }

  /**
   * A global table's write lands in each of its other replicas in the same
   * transaction, as the replica's own change: counted, indexed, and on the
   * replica's stream. DynamoDB replicates within about a second; here it
   * is at once, so replicas never conflict.
   */
  private replicate(table: TableRecord, key: StorageKey, item: Item | undefined): void {
    for (const member of table.replicas ?? []) {
      if (member.tableId === table.id) continue;
      const replica = this.memberOf(table, member);
      if (!replica) continue;
      const replicaKey: StorageKey = [member.tableId, ...key.slice(1)];
      const old = this.itemsTx.get(replicaKey);
      if (item) this.itemsTx.put(replicaKey, item);
      else if (old) this.itemsTx.remove(replicaKey);
      else continue;
      this.change(replica, replicaKey, old, item);
    }
  }

  /** The record of a replica in another region, if it still stands. */
  private memberOf(table: TableRecord, member: ReplicaRecord): TableRecord | undefined {
    let latest = this.latest.get(member.tableId);
    if (!latest) {
      const stored = this.tablesTx.get([table.accountId, member.region, table.name]);
      if (!stored || stored.id !== member.tableId) return undefined;
      latest = stored;
      this.latest.set(member.tableId, latest);
    }
    return latest;
  }

  addIndexEntry(table: TableRecord, index: IndexRecord, item: Item): void {
    // A backfill racing its table's delete leaves nothing behind.
    if (!this.stored(table)) return;
    const stats = this.statsTx.get(table.id) ?? emptyStats();
    const key = indexEntryKey(table, index, item);
    if (!key || this.indexesTx.get(key)) return;
    const projected = projectForIndex(table, index, item);
    this.indexesTx.put(key, projected);
    const s = stats.indexes[index.name] ?? { count: 0, bytes: 0 };
    stats.indexes[index.name] = { count: s.count + 1, bytes: s.bytes + itemSize(projected) };
    this.statsTx.put(table.id, stats);
  }

  /** Counts, indexes and streams one item's change; answers the table's record as this transaction sees it. */
  private change(caller: TableRecord, key: StorageKey, old: Item | undefined, item: Item | undefined, byTtl = false, streamed = true): TableRecord {
    const table = this.latestOf(caller);
    const stats = this.statsTx.get(table.id) ?? emptyStats();
    stats.count += (item ? 1 : 0) - (old ? 1 : 0);
    stats.bytes += (item ? itemSize(item) : 0) - (old ? itemSize(old) : 0);
    // Never earlier than the last change: the history's times follow the order changes commit in.
    const at = Math.max(this.now, stats.changedAt ?? 0);
    stats.changedAt = at;
    for (const { index } of allIndexes(table)) {
      const s = stats.indexes[index.name] ?? { count: 0, bytes: 0 };
      const oldKey = old ? indexEntryKey(table, index, old) : undefined;
      const newKey = item ? indexEntryKey(table, index, item) : undefined;
      // An index still being filled may not hold the old item yet: only an entry that is there is counted out.
      if (oldKey && this.indexesTx.get(oldKey) !== undefined) {
        this.indexesTx.remove(oldKey);
        s.count -= 1;
        s.bytes -= itemSize(projectForIndex(table, index, old!));
      }
      if (newKey) {
        const projected = projectForIndex(table, index, item!);
        this.indexesTx.put(newKey, projected);
        s.count += 1;
        s.bytes += itemSize(projected);
      }
      stats.indexes[index.name] = s;
    }
    if (streamed && table.stream?.enabled && !(old && item && sameItem(old, item))) {
      stats.seq += 1;
      const keys = keyOf((item ?? old)!, table.keySchema);
      const view = table.stream.viewType;
      const record: StreamRecordStored = {
        eventID: randomUUID().replace(/-/g, ""),
        eventName: !old ? "INSERT" : !item ? "REMOVE" : "MODIFY",
        at: this.now,
        seq: stats.seq,
        keys,
        sizeBytes: 0,
      };
      if (byTtl) record.ttl = true;
      if (item && (view === "NEW_IMAGE" || view === "NEW_AND_OLD_IMAGES")) record.newImage = item;
      if (old && (view === "OLD_IMAGE" || view === "NEW_AND_OLD_IMAGES")) record.oldImage = old;
      record.sizeBytes = itemSize(keys) + (record.newImage ? itemSize(record.newImage) : 0) + (record.oldImage ? itemSize(record.oldImage) : 0);
      this.recordsTx.put([table.stream.arn, stats.seq], record);
    }
    // Point-in-time recovery keeps every change for its window: restores and exports of a past time undo what came after.
    if (table.pitr?.historySince !== undefined && streamed) {
      stats.changes = (stats.changes ?? 0) + 1;
      const change: ChangeRecord = { at, key: key.slice(1) };
      if (old) change.old = old;
      if (item) change.new = item;
      this.historyTx.put([table.id, table.pitr.historySince, stats.changes], change);
    }
    this.statsTx.put(table.id, stats);
    return table;
  }
}

function sameItem(a: Item, b: Item): boolean {
  return valuesEqual({ M: a }, { M: b });
}
