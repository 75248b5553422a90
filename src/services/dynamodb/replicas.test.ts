import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { openMemoryEnvironment } from "../../storage/memory-kv.js";
import { itemKey } from "./keys.js";
import { replicaRecord } from "./replicas.js";
import { DynamoStore } from "./store.js";
import type { Item } from "./values.js";
import { tableRecord } from "../../../test/support/dynamodb.js";

const NOW = 1_800_000_000_000;

describe("DynamoDB global table replicas in the store", () => {
  it("finishes at start a replica's copy that a stop cut short", async () => {
    const store = new DynamoStore(openMemoryEnvironment());
    const source = tableRecord("t", "source-id");
    await store.createTable(source);
    await store.write(NOW, (w) => {
      for (let i = 0; i < 3; i++) {
        const item: Item = { id: { S: `i${i}` } };
        w.put(source, itemKey(source, item), item, undefined);
      }
    });
    // The replica is made, and the process stops before its items are copied.
    const added = await store.addReplica(source, NOW, (t) => t, (t) => replicaRecord(t, { RegionName: "us-west-2" }, NOW, 0));
    assert.ok(added && added !== "taken");
    const replica = added.replica;
    assert.equal(store.tableStats(replica).count, 0);
    assert.equal(store.table("000000000000", "us-west-2", "t")!.replicas!.find((r) => r.tableId === replica.id)!.seeding, true);

    await store.resumeSeeding(NOW);
    assert.equal(store.tableStats(replica).count, 3);
    for (const region of ["us-east-1", "us-west-2"]) {
      const group = store.table("000000000000", region, "t")!.replicas!;
      assert.deepEqual(group.map((r) => [r.region, r.seeding]), [["us-east-1", undefined], ["us-west-2", undefined]]);
    }
  });
});
