/**
 * On-demand backups and restores over the ordered store.
 *
 * A backup is its record (the source table's record and counts as they
 * were) and a copy of the table's items under the backup's own id. A
 * restore writes a new table's items, index entries and counters under
 * the new table's id first and stores its record last, so the table
 * appears whole. Copies go in batches, each its own transaction; a copy
 * under way is marked, and what a copy interrupted by a stop left behind
 * is dropped when Nimbus starts again (`dropUnfinished`).
 */
import { compareKeys, prefixRange } from "../../storage/index.js";
import type { Entry, KeyBound, KeyPart, KvStore } from "../../storage/types.js";
import type { StorageKey } from "./keys.js";
import type { DynamoStore } from "./store.js";
import type { TableRecord } from "./tables.js";
import { isExpired } from "./ttl.js";
import { itemSize, type Item } from "./values.js";

const BACKUPS = "dynamodb.backups";
const BACKUP_ITEMS = "dynamodb.backup-items";
const UNFINISHED = "dynamodb.unfinished-copies";

/** Items read, and written, per transaction. */
const BATCH = 500;

export interface BackupRecord {
  arn: string;
  /** A UUID: the prefix of the backup's items in storage. */
  id: string;
  name: string;
  accountId: string;
  region: string;
  createdAt: number;
  sizeBytes: number;
  itemCount: number;
  /** The source table's record when the backup was taken. */
  table: TableRecord;
}

/** A copy under way, and where its data goes: a backup's items, or a restored table's items and indexes. */
interface UnfinishedCopy {
  kind: "backup" | "table";
  id: string;
}

const BACKUP_ARN = /^arn:aws[a-z-]*:dynamodb:([a-z0-9-]+):(\d{12}):table\/([^/]+)\/backup\/[^/]+$/;

/** The account, region and table a backup ARN names, or undefined if it is not one. */
export function parseBackupArn(arn: string): { region: string; accountId: string; tableName: string } | undefined {
  const match = BACKUP_ARN.exec(arn);
  if (!match) return undefined;
  const [, region = "", accountId = "", tableName = ""] = match;
  return { region, accountId, tableName };
}

/** Backups are listed by account, region and table name, then ARN (whose time part is zero-padded, so they go oldest first). */
function backupKey(b: { accountId: string; region: string; table: { name: string }; arn: string }): KeyPart[] {
  return [b.accountId, b.region, b.table.name, b.arn];
}

export class BackupStore {
  private readonly backups: KvStore<BackupRecord>;
  private readonly backupItems: KvStore<Item>;
  private readonly unfinished: KvStore<UnfinishedCopy>;

  constructor(private readonly store: DynamoStore) {
    this.backups = store.kv.store<BackupRecord>(BACKUPS);
    this.backupItems = store.kv.store<Item>(BACKUP_ITEMS);
    this.unfinished = store.kv.store<UnfinishedCopy>(UNFINISHED);
  }

  /** The backup an ARN names, if it is one of this account's in this region (backups are regional, as tables are). */
  backup(accountId: string, region: string, arn: string): BackupRecord | undefined {
    const named = parseBackupArn(arn);
    if (!named || named.accountId !== accountId || named.region !== region) return undefined;
    return this.backups.get([accountId, region, named.tableName, arn]);
  }

  /** Backups of an account and region (of one table name, if given) in listing order, after the ARN `after`. */
  *list(accountId: string, region: string, tableName: string | undefined, after: string | undefined): Iterable<BackupRecord> {
    const range = prefixRange(tableName === undefined ? [accountId, region] : [accountId, region, tableName]);
    let start: KeyBound = range.start;
    const named = after === undefined ? undefined : parseBackupArn(after);
    if (named && after !== undefined) {
      const past = prefixRange([named.accountId, named.region, named.tableName, after]).end;
      if (compareKeys(past, start) > 0) start = past;
    }
    for (const { value } of this.backups.range({ start, end: range.end })) yield value;
  }

  /**
   * Copies the table's items into a new backup and stores its record,
   * AVAILABLE, once all are copied. Items already expired by TTL are
   * left out: Nimbus reads them as absent, and a restored table has no
   * TTL to keep hiding them.
   */
  async createBackup(draft: Omit<BackupRecord, "sizeBytes" | "itemCount">): Promise<BackupRecord> {
    await this.unfinished.transaction((tx) => tx.put(draft.id, { kind: "backup", id: draft.id }));
    let sizeBytes = 0;
    let itemCount = 0;
    await eachBatch(this.store.items, [draft.table.id], async (batch) => {
      await this.backupItems.transaction((tx) => {
        for (const { key, value } of batch) {
          if (isExpired(draft.table, value, draft.createdAt)) continue;
          tx.put([draft.id, ...(key as StorageKey).slice(1)], value);
          sizeBytes += itemSize(value);
          itemCount += 1;
        }
      });
    });
    const backup: BackupRecord = { ...draft, sizeBytes, itemCount };
    await this.store.kv.transaction((tx) => {
      tx.store<BackupRecord>(BACKUPS).put(backupKey(backup), backup);
      tx.store<UnfinishedCopy>(UNFINISHED).remove(backup.id);
    });
    return backup;
  }

  /** Removes a backup's record, then its items; false if it was already gone. */
  async deleteBackup(backup: BackupRecord): Promise<boolean> {
    const removed = await this.store.kv.transaction((tx) => {
      const backups = tx.store<BackupRecord>(BACKUPS);
      if (!backups.get(backupKey(backup))) return false;
      backups.remove(backupKey(backup));
      tx.store<UnfinishedCopy>(UNFINISHED).put(backup.id, { kind: "backup", id: backup.id });
      return true;
    });
    if (removed) await this.dropCopy({ kind: "backup", id: backup.id });
    return removed;
  }

  /**
   * Makes `table`, a new record not yet stored, from a backup's items or
   * from a live table's items as they stand (those not expired at
   * `asOf`), building its index entries and counters as they land, then
   * stores the record. False, leaving nothing behind, if the table's name
   * was taken meanwhile.
   */
  async restoreTable(table: TableRecord, source: { backup: BackupRecord } | { table: TableRecord; asOf: number }, now: number): Promise<boolean> {
    await this.unfinished.transaction((tx) => tx.put(table.id, { kind: "table", id: table.id }));
    const copy = async (batch: Entry<Item>[]) => {
      await this.store.write(now, (writer) => {
        for (const { key, value } of batch) {
          if ("asOf" in source && isExpired(source.table, value, source.asOf)) continue;
          // The key schema is the source's: every part of the storage key but the table's id carries over.
          writer.put(table, [table.id, ...(key as StorageKey).slice(1)], value, undefined);
        }
      });
    };
    if ("backup" in source) await eachBatch(this.backupItems, [source.backup.id], copy);
    else await eachBatch(this.store.items, [source.table.id], copy);
    const stored = await this.store.publishTable(table, (tx) => tx.store<UnfinishedCopy>(UNFINISHED).remove(table.id));
    if (!stored) await this.dropCopy({ kind: "table", id: table.id });
    return stored;
  }

  /** Drops what copies interrupted by a stop left behind; called once, as the service loads. */
  async dropUnfinished(): Promise<void> {
    // Read before any await: copies begun after this call are not this call's to drop.
    const copies = [...this.unfinished.range()].map((entry) => entry.value);
    for (const copy of copies) await this.dropCopy(copy);
  }

  private async dropCopy(copy: UnfinishedCopy): Promise<void> {
    if (copy.kind === "backup") {
      await this.store.removeRange(this.backupItems, prefixRange([copy.id]));
    } else {
      await this.store.removeRange(this.store.items, prefixRange([copy.id]));
      await this.store.removeRange(this.store.indexes, prefixRange([copy.id]));
      await this.store.stats.transaction((tx) => tx.remove(copy.id));
    }
    await this.unfinished.transaction((tx) => tx.remove(copy.id));
  }
}

/** Hands every entry under `prefix` to `fn`, a batch at a time; each batch is read after the previous one was handled. */
async function eachBatch<V>(store: KvStore<V>, prefix: readonly KeyPart[], fn: (batch: Entry<V>[]) => Promise<void>): Promise<void> {
  const range = prefixRange(prefix);
  let start: KeyBound = range.start;
  for (;;) {
    const batch = [...store.range({ start, end: range.end, limit: BATCH })];
    const last = batch[batch.length - 1];
    if (!last) return;
    await fn(batch);
    start = prefixRange(last.key as StorageKey).end;
  }
}
