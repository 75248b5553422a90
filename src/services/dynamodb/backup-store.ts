/**
 * On-demand backups and restores over the ordered store.
 *
 * A backup is its record (the source table's record and counts as they
 * were) and a copy of the table's items under the backup's own id. A
 * restore writes a new table's items, index entries and counters under
 * the new table's id first and stores its record last, so the table
 * appears whole; it holds the table's name from the start (see
 * `DynamoStore.reserveName`), and the backup it reads from cannot be
 * deleted meanwhile (BackupInUseException).
 *
 * A copy reads one snapshot of its source, the source as it stood when the
 * request was taken (see `Snapshot`), and writes it in batches, each its
 * own transaction; a copy under way is marked, a copy that fails drops what
 * it wrote at once, and what a copy interrupted by a stop left behind is
 * dropped when the service loads again (`dropUnfinished`).
 */
import { prefixRange, compareKeys } from "../../storage/index.js";
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
  /** Set on the backup DynamoDB itself keeps of a table deleted under point-in-time recovery, with when it goes. */
  system?: { expiresAt: number };
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
  /** Restores under way, by the id of the backup each reads: such a backup is not deleted under them. */
  private readonly readers = new Map<string, number>();
  /** Copies under way: each reads an open snapshot, which must not outlive the store (see close). */
  private readonly copies = new Set<Promise<unknown>>();
  private closing = false;

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
   * Copies the table's items, as they stand when this is called, into a
   * new backup and stores its record, AVAILABLE, once all are copied.
   * Items already expired by TTL are left out: Nimbus reads them as
   * absent, and a restored table has no TTL to keep hiding them.
   */
  createBackup(draft: Omit<BackupRecord, "sizeBytes" | "itemCount">): Promise<BackupRecord> {
    return this.tracked(this.copyToBackup(draft));
  }

  private async copyToBackup(draft: Omit<BackupRecord, "sizeBytes" | "itemCount">): Promise<BackupRecord> {
    // Before any await: the backup is the table as it stood at the request,
    // whatever writes, or a DeleteTable, land while it is copied.
    const snapshot = new Snapshot(this.store.items, [draft.table.id], () => this.closing);
    try {
      await this.unfinished.transaction((tx) => tx.put(draft.id, { kind: "backup", id: draft.id }));
      let sizeBytes = 0;
      let itemCount = 0;
      for (const batch of snapshot.batches()) {
        await this.backupItems.transaction((tx) => {
          for (const { key, value } of batch) {
            if (isExpired(draft.table, value, draft.createdAt)) continue;
            tx.put([draft.id, ...(key as StorageKey).slice(1)], value);
            sizeBytes += itemSize(value);
            itemCount += 1;
          }
        });
      }
      const backup: BackupRecord = { ...draft, sizeBytes, itemCount };
      await this.store.kv.transaction((tx) => {
        tx.store<BackupRecord>(BACKUPS).put(backupKey(backup), backup);
        tx.store<UnfinishedCopy>(UNFINISHED).remove(backup.id);
      });
      return backup;
    } catch (error) {
      snapshot.close();
      await this.dropCopy({ kind: "backup", id: draft.id });
      throw error;
    } finally {
      snapshot.close();
    }
  }

  /**
   * Removes a backup's record, then its items: "in use" while a restore
   * reads it, as DynamoDB refuses then (BackupInUseException), "missing"
   * if it was already gone.
   */
  async deleteBackup(backup: BackupRecord): Promise<"deleted" | "in use" | "missing"> {
    const outcome = await this.store.kv.transaction((tx) => {
      const backups = tx.store<BackupRecord>(BACKUPS);
      if (!backups.get(backupKey(backup))) return "missing";
      // Read inside the transaction: a restore's own first transaction sees this one's removal, or this sees its mark.
      if (this.readers.has(backup.id)) return "in use";
      backups.remove(backupKey(backup));
      tx.store<UnfinishedCopy>(UNFINISHED).put(backup.id, { kind: "backup", id: backup.id });
      return "deleted";
    });
    if (outcome === "deleted") await this.dropCopy({ kind: "backup", id: backup.id });
    return outcome;
  }

  /**
   * Makes `table`, a new record not yet stored, from a backup's items or
   * from a live table's items as they stand when this is called (those not
   * expired at `asOf`), building its index entries and counters as they
   * land, then stores the record. "name taken", leaving nothing behind, if
   * a table or another restore has the name; "backup gone" if the backup
   * was deleted before the restore could hold it.
   *
   * A point-in-time restore's caller checks the source's last change in
   * the same synchronous turn as this call: the snapshot taken here, before
   * any await, is then the state that check saw.
   */
  restoreTable(
    table: TableRecord,
    source: { backup: BackupRecord } | { table: TableRecord; asOf: number },
    now: number,
  ): Promise<"restored" | "name taken" | "backup gone"> {
    return this.tracked(this.copyToTable(table, source, now));
  }

  private async copyToTable(
    table: TableRecord,
    source: { backup: BackupRecord } | { table: TableRecord; asOf: number },
    now: number,
  ): Promise<"restored" | "name taken" | "backup gone"> {
    const backup = "backup" in source ? source.backup : undefined;
    if (backup) this.readers.set(backup.id, (this.readers.get(backup.id) ?? 0) + 1);
    const stopping = () => this.closing;
    const snapshot =
      "backup" in source
        ? new Snapshot(this.backupItems, [source.backup.id], stopping)
        : pastTime(this.store, source.table, source.asOf)
          ? new PastSnapshot(this.store, source.table, source.asOf, stopping)
          : new Snapshot(this.store.items, [source.table.id], stopping);
    let held = false;
    try {
      const start = await this.store.kv.transaction((tx) => {
        if (backup && !tx.store<BackupRecord>(BACKUPS).get(backupKey(backup))) return "backup gone";
        if (!this.store.reserveName(tx, table)) return "name taken";
        held = true;
        tx.store<UnfinishedCopy>(UNFINISHED).put(table.id, { kind: "table", id: table.id });
        return "held";
      });
      if (start !== "held") return start;
      try {
        for (const batch of snapshot.batches()) {
          await this.store.fill(table, now, (writer) => {
            for (const { key, value } of batch) {
              if ("asOf" in source && isExpired(source.table, value, source.asOf)) continue;
              // The key schema is the source's: every part of the storage key but the table's id carries over.
              writer.put(table, [table.id, ...(key as StorageKey).slice(1)], value, undefined);
            }
          });
        }
        if (await this.store.publishTable(table, (tx) => tx.store<UnfinishedCopy>(UNFINISHED).remove(table.id))) return "restored";
        // Only a table stored around the held name gets here.
        await this.dropCopy({ kind: "table", id: table.id });
        return "name taken";
      } catch (error) {
        snapshot.close();
        await this.dropCopy({ kind: "table", id: table.id });
        throw error;
      }
    } finally {
      snapshot.close();
      if (held) this.store.releaseName(table);
      if (backup) {
        const left = (this.readers.get(backup.id) ?? 1) - 1;
        if (left > 0) this.readers.set(backup.id, left);
        else this.readers.delete(backup.id);
      }
    }
  }

  /** Deletes the SYSTEM backups past their expiry. */
  async dropExpired(now: number): Promise<void> {
    for (const { value } of [...this.backups.range()]) {
      if (this.closing) return;
      if (value.system && value.system.expiresAt <= now) await this.deleteBackup(value);
    }
  }

  /** Drops what copies interrupted by a stop left behind; called once, as the service loads. */
  dropUnfinished(): Promise<void> {
    // Read before any await: copies begun after this call are not this call's to drop.
    const copies = [...this.unfinished.range()].map((entry) => entry.value);
    return this.tracked(
      (async () => {
        for (const copy of copies) if (!this.closing) await this.dropCopy(copy);
      })(),
    );
  }

  /**
   * Stops the copies under way and waits for them: each drops what it
   * wrote (the next start would too) and lets go of its snapshot while the
   * store is still open. An LMDB iterator read after its environment closed
   * takes the process down with it.
   */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([...this.copies]);
  }

  private tracked<T>(copy: Promise<T>): Promise<T> {
    this.copies.add(copy);
    const forget = () => this.copies.delete(copy);
    copy.then(forget, forget);
    return copy;
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

/**
 * One consistent snapshot of the entries under a prefix, handed out a batch
 * at a time, so a copy never holds more than a batch in memory and writes
 * each batch in its own transaction (no write waits on a whole copy).
 *
 * It rests on one range iteration being a snapshot from its first entry to
 * its last, on both stores (the KvStore contract suite holds them to it):
 * LMDB's cursor keeps the read transaction it started in, and the memory
 * store's range keeps the arrays it started on, which writes copy before
 * changing. So the first entry is read here, at once: whatever commits
 * land while the batches are written (a DeleteTable, later writes, one half
 * of a TransactWriteItems) is not seen, and a transaction's writes are all
 * in the copy or none. Reading batch after batch with fresh range calls
 * would instead see each commit made between them.
 *
 * LMDB keeps the pages the snapshot reads until it is closed, so the file
 * may grow while a long copy runs; `close` must be called (it is
 * idempotent), or the read transaction stays open.
 */
export class Snapshot<V> {
  private readonly entries: Iterator<Entry<V>>;
  private next: IteratorResult<Entry<V>>;

  constructor(
    store: KvStore<V>,
    prefix: readonly KeyPart[],
    private readonly stopping: () => boolean,
  ) {
    this.entries = store.range(prefixRange(prefix))[Symbol.iterator]();
    this.next = this.entries.next();
  }

  *batches(): Iterable<Entry<V>[]> {
    while (!this.next.done) {
      if (this.stopping()) throw new Error("the service is stopping: copy abandoned");
      const batch: Entry<V>[] = [];
      while (!this.next.done && batch.length < BATCH) {
        batch.push(this.next.value);
        this.next = this.entries.next();
      }
      yield batch;
    }
  }

  close(): void {
    if (this.next.done) return;
    this.next = { done: true, value: undefined };
    this.entries.return?.();
  }
}

/**
 * A table's items as they were at a past time `at`: a snapshot of them
 * now, with each change made since undone from the history point-in-time
 * recovery keeps (DynamoStore.changesAfter). Both are read when it is
 * made, in one synchronous turn, so they are one moment's.
 */
export class PastSnapshot {
  private readonly present: Snapshot<Item>;
  private readonly undo: Map<string, { key: StorageKey; old: Item | undefined }>;

  constructor(store: DynamoStore, table: TableRecord, at: number, stopping: () => boolean) {
    this.present = new Snapshot(store.items, [table.id], stopping);
    this.undo = store.changesAfter(table, at);
  }

  *batches(): Iterable<Entry<Item>[]> {
    for (const batch of this.present.batches()) {
      const past: Entry<Item>[] = [];
      for (const entry of batch) {
        const id = JSON.stringify(entry.key);
        const undone = this.undo.get(id);
        if (!undone) {
          past.push(entry);
          continue;
        }
        this.undo.delete(id);
        if (undone.old) past.push({ key: entry.key, value: undone.old });
      }
      yield past;
    }
    // The items that were there then and have been deleted since.
    let gone: Entry<Item>[] = [];
    for (const { key, old } of this.undo.values()) {
      if (!old) continue;
      gone.push({ key, value: old });
      if (gone.length === BATCH) {
        yield gone;
        gone = [];
      }
    }
    if (gone.length > 0) yield gone;
  }

  close(): void {
    this.present.close();
  }
}

/** Whether a table's items have changed since `at`, so that reading them as of then takes its history. */
export function pastTime(store: DynamoStore, table: TableRecord, at: number): boolean {
  const changedAt = store.tableStats(table).changedAt;
  return changedAt !== undefined && changedAt > at;
}
