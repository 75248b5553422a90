import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { openMemoryEnvironment } from "../../storage/memory-kv.js";
import { itemKey } from "./keys.js";
import { DynamoStore } from "./store.js";
import { emptyStats, type TableRecord } from "./tables.js";
import { isExpired, TtlSweeper } from "./ttl.js";
import type { Item } from "./values.js";
import { tableRecord } from "../../../test/support/dynamodb.js";

const NOW = 1_800_000_000_000;

const ttlTable = (ttl = true): TableRecord => tableRecord("t", "table-id", { createdAt: NOW, ttl: { attributeName: "exp", enabled: ttl } });

const item = (id: string, exp?: number): Item => ({ id: { S: id }, ...(exp === undefined ? {} : { exp: { N: String(exp) } }) });

describe("DynamoDB TTL", () => {
  it("expires items whose TTL attribute is a past epoch second within five years", () => {
    const table = ttlTable();
    assert.equal(isExpired(table, item("a", NOW / 1000 - 1), NOW), true);
    assert.equal(isExpired(table, item("a", NOW / 1000), NOW), true);
    assert.equal(isExpired(table, item("a", NOW / 1000 + 1), NOW), false);
    assert.equal(isExpired(table, item("a", NOW / 1000 - 6 * 365 * 86400), NOW), false);
    assert.equal(isExpired(table, item("a"), NOW), false);
    assert.equal(isExpired(table, { id: { S: "a" }, exp: { S: "1" } }, NOW), false);
    assert.equal(isExpired(ttlTable(false), item("a", NOW / 1000 - 1), NOW), false);
  });

  it("sweeps every TTL table a slice at a time, keeping counters right", async () => {
    const store = new DynamoStore(openMemoryEnvironment());
    const table = ttlTable();
    await store.createTable(table);
    await store.write(NOW, (w) => {
      for (let i = 0; i < 7; i++) {
        const it = item(`i${i}`, i % 2 === 0 ? NOW / 1000 + 10 : undefined);
        w.put(table, itemKey(table, it), it, undefined);
      }
    });
    let now = NOW;
    const sweeper = new TtlSweeper(store, () => now, { sliceSize: 3 });
    await sweeper.sweep();
    assert.equal(store.tableStats(table).count, 7);
    now += 60_000;
    // 7 items in slices of 3: three sweeps walk the table once.
    await sweeper.sweep();
    assert.ok(store.tableStats(table).count > 3);
    await sweeper.sweep();
    await sweeper.sweep();
    assert.equal(store.tableStats(table).count, 3);
    assert.deepEqual([...store.items.range()].map((e) => e.value.id).sort((a, b) => ("S" in a && "S" in b ? a.S.localeCompare(b.S) : 0)), [{ S: "i1" }, { S: "i3" }, { S: "i5" }]);
    await sweeper.stop();
  });

  it("leaves items alone once TTL is turned off", async () => {
    const store = new DynamoStore(openMemoryEnvironment());
    const table = ttlTable();
    await store.createTable(table);
    const it = item("a", NOW / 1000 - 10);
    await store.write(NOW - 60_000, (w) => w.put(table, itemKey(table, it), it, undefined));
    await store.updateTable(table, NOW, (t) => ({ ...t, ttl: { attributeName: "exp", enabled: false } }));
    assert.equal(await store.expireItems(table, [itemKey(table, it)], NOW), 0);
    // Nothing changed since the put (a point-in-time restore relies on changedAt).
    assert.deepEqual(store.tableStats(table), { ...emptyStats(), count: 1, bytes: store.tableStats(table).bytes, changedAt: NOW - 60_000 });
  });
});
