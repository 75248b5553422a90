import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { openMemoryEnvironment } from "../../storage/memory-kv.js";
import { prefixRange } from "../../storage/index.js";
import { BackupStore, parseBackupArn } from "./backup-store.js";
import { itemKey } from "./keys.js";
import { DynamoStore } from "./store.js";
import { tableRecord } from "../../../test/support/dynamodb.js";

const count = (entries: Iterable<unknown>) => [...entries].length;

describe("BackupStore", () => {
  it("parses backup ARNs, and nothing else", () => {
    assert.deepEqual(parseBackupArn("arn:aws:dynamodb:eu-west-1:123456789012:table/t.1/backup/01576616366715-b4e58d3a"), {
      region: "eu-west-1",
      accountId: "123456789012",
      tableName: "t.1",
    });
    assert.equal(parseBackupArn("arn:aws:dynamodb:eu-west-1:123456789012:table/t.1"), undefined);
    assert.equal(parseBackupArn("arn:aws:dynamodb:eu-west-1:123456789012:table/t/stream/2024"), undefined);
  });

  it("drops what an interrupted backup and an interrupted restore left behind, and keeps finished ones", async () => {
    const kv = openMemoryEnvironment();
    const store = new DynamoStore(kv);
    const source = tableRecord("source", "source-id");
    await store.createTable(source);
    await store.write(1, (w) => {
      for (const id of ["a", "b", "c"]) w.put(source, itemKey(source, { id: { S: id } }), { id: { S: id } }, undefined);
    });
    const backups = new BackupStore(store);
    const finished = await backups.createBackup({
      arn: "arn:aws:dynamodb:us-east-1:000000000000:table/source/backup/00000000000002-00000000",
      id: "finished-backup",
      name: "finished",
      accountId: "000000000000",
      region: "us-east-1",
      createdAt: 2,
      table: source,
    });
    assert.equal(finished.itemCount, 3);

    // A stop in the middle of a backup and of a restore: their marks and partial copies stay.
    const unfinished = kv.store<{ kind: string; id: string }>("dynamodb.unfinished-copies");
    const backupItems = kv.store<unknown>("dynamodb.backup-items");
    await kv.transaction((tx) => {
      tx.store("dynamodb.unfinished-copies").put("cut-backup", { kind: "backup", id: "cut-backup" });
      tx.store("dynamodb.backup-items").put(["cut-backup", "x"], { id: { S: "x" } });
      tx.store("dynamodb.unfinished-copies").put("cut-table", { kind: "table", id: "cut-table" });
    });
    const cut = tableRecord("never-published", "cut-table");
    await store.fill(cut, 3, (w) => w.put(cut, itemKey(cut, { id: { S: "y" } }), { id: { S: "y" } }, undefined));
    assert.equal(store.stats.get("cut-table")?.count, 1);

    await new BackupStore(store).dropUnfinished();
    assert.equal(count(unfinished.range()), 0);
    assert.equal(count(backupItems.range(prefixRange(["cut-backup"]))), 0);
    assert.equal(count(store.items.range(prefixRange(["cut-table"]))), 0);
    assert.equal(store.stats.get("cut-table"), undefined);
    assert.equal(count(backupItems.range(prefixRange(["finished-backup"]))), 3);
    assert.equal(backups.backup("000000000000", "us-east-1", finished.arn)?.name, "finished");
    assert.equal(backups.backup("000000000000", "eu-west-1", finished.arn), undefined);
  });
});

describe("DynamoDB restores that fail part way", () => {
  it("drop what they copied at once, and let go of the table's name", async () => {
    const store = new DynamoStore(openMemoryEnvironment());
    const source = tableRecord("source", "source-id");
    await store.createTable(source);
    await store.write(1, (w) => {
      for (let i = 0; i < 1200; i++) w.put(source, itemKey(source, { id: { S: `i${i}` } }), { id: { S: `i${i}` } }, undefined);
    });
    // The second batch's transaction fails, as a full disk would make it.
    const fill = store.fill.bind(store);
    let batches = 0;
    store.fill = (table, now, fn) => (++batches === 2 ? Promise.reject(new Error("disk full")) : fill(table, now, fn));
    const target = tableRecord("target", "target-id");
    await assert.rejects(new BackupStore(store).restoreTable(target, { table: source, asOf: 1 }, 2), /disk full/);
    assert.equal([...store.items.range(prefixRange([target.id]))].length, 0);
    assert.equal(store.stats.get(target.id), undefined);
    assert.equal(await store.createTable(tableRecord("target", "another-id")), true);
  });
});
