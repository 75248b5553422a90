import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { openMemoryEnvironment } from "../../storage/memory-kv.js";
import { DynamoStore } from "./store.js";
import { itemKey } from "./keys.js";
import { prefixRange } from "../../storage/index.js";
import type { AwsError } from "../../server/errors.js";
import { tableRecord } from "../../../test/support/dynamodb.js";

describe("DynamoStore table records", () => {
  it("answers from its cache until a table write commits", async () => {
    const store = new DynamoStore(openMemoryEnvironment());
    assert.equal(store.table("000000000000", "us-east-1", "t"), undefined);
    await store.createTable(tableRecord("t", "id-1"));
    const first = store.table("000000000000", "us-east-1", "t");
    assert.equal(first?.id, "id-1");
    assert.equal(store.table("000000000000", "us-east-1", "t"), first);
    assert.ok(Object.isFrozen(first) && Object.isFrozen(first.keySchema[0]));

    await store.updateTable(first, 1, (current) => ({ ...current, deletionProtection: true }));
    assert.equal(store.table("000000000000", "us-east-1", "t")?.deletionProtection, true);
    assert.equal(store.table("000000000000", "eu-west-1", "t"), undefined);

    const updated = store.table("000000000000", "us-east-1", "t");
    assert.ok(updated);
    await store.deleteTable(updated, 2);
    assert.equal(store.table("000000000000", "us-east-1", "t"), undefined);
    await store.createTable(tableRecord("t", "id-2"));
    assert.equal(store.table("000000000000", "us-east-1", "t")?.id, "id-2");
  });
});

describe("DynamoStore writes", () => {
  it("refuse a table deleted since the caller read it, leaving no counters or items behind", async () => {
    const store = new DynamoStore(openMemoryEnvironment());
    const table = tableRecord("t", "id-1");
    await store.createTable(table);
    // A PutItem prepared against the table's record, committing after its DeleteTable.
    await store.deleteTable(table, 1);
    await assert.rejects(
      store.write(2, (w) => w.put(table, itemKey(table, { id: { S: "late" } }), { id: { S: "late" } }, undefined)),
      (error: AwsError) => error.code === "ResourceNotFoundException",
    );
    assert.equal(store.stats.get("id-1"), undefined);
    assert.equal([...store.items.range(prefixRange(["id-1"]))].length, 0);
  });
});
