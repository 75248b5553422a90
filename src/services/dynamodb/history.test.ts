import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { openMemoryEnvironment } from "../../storage/memory-kv.js";
import { itemKey } from "./keys.js";
import { DynamoStore } from "./store.js";
import type { Item } from "./values.js";
import { tableRecord } from "../../../test/support/dynamodb.js";

const NOW = 1_800_000_000_000;
const DAY = 24 * 60 * 60 * 1000;

const item = (id: string, v: string): Item => ({ id: { S: id }, v: { N: v } });

describe("DynamoDB point-in-time history", () => {
  it("keeps each change of a table under recovery, and only for its window", async () => {
    const store = new DynamoStore(openMemoryEnvironment());
    const table = tableRecord("t", "table-id", { pitr: { recoveryPeriodInDays: 2, since: NOW, historySince: NOW } });
    const untracked = tableRecord("u", "other-id");
    await store.createTable(table);
    await store.createTable(untracked);
    const put = (at: number, t = table, it = item("a", String(at))) => store.write(at, (w) => w.put(t, itemKey(t, it), it, w.get(itemKey(t, it))));
    // A change whose request began before the last one committed is kept after it, at that one's time.
    const late = tableRecord("late", "late-id", { pitr: { recoveryPeriodInDays: 2, since: NOW, historySince: NOW } });
    await store.createTable(late);
    await put(NOW + 10, late, item("x", "B"));
    await put(NOW + 5, late, item("x", "C"));
    assert.deepEqual([...store.changesAfter(late, NOW + 7).values()].map((u) => u.old), [undefined]);
    assert.deepEqual(store.changesWithin(late, NOW, NOW + 11).map((c) => [c.old, c.new, c.at]), [[undefined, item("x", "C"), NOW + 10]]);
    await store.dropHistory(late);
    await put(NOW + 1);
    await put(NOW + DAY);
    await put(NOW + 2 * DAY);
    await put(NOW + 1, untracked);
    assert.equal([...store.history.range()].length, 3, "a table without recovery keeps none");

    const undo = [...store.changesAfter(table, NOW + DAY).values()];
    assert.deepEqual(undo.map((u) => u.old), [item("a", String(NOW + DAY))]);
    assert.deepEqual(store.changesWithin(table, NOW, NOW + DAY + 1).map((c) => [c.old, c.new, c.at]), [[undefined, item("a", String(NOW + DAY)), NOW + DAY]]);

    await store.trimHistory(NOW + 3 * DAY + 10);
    assert.deepEqual([...store.history.range()].map((e) => e.value.at), [NOW + 2 * DAY], "changes older than two days go");
    // Turning recovery off drops only that period's history.
    await store.dropHistory(table, NOW - 1);
    assert.equal([...store.history.range()].length, 1);
    await store.dropHistory(table, NOW);
    assert.equal([...store.history.range()].length, 0);
  });
});
