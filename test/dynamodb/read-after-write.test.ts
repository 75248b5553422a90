/**
 * Reads see every acknowledged write. GetItem answers recently read items
 * from a cache shared between requests; these tests read an item (twice,
 * so it is cached) before each kind of write, then read it again, on disk
 * and in memory.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DynamoDBClient,
  ExecuteStatementCommand,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type AttributeValue,
} from "@aws-sdk/client-dynamodb";
import { stringKeyedTable } from "../support/dynamodb.js";
import { startCloud, type TestCloud } from "../support/nimbus.js";

for (const inMemory of [false, true]) {
  describe(`DynamoDB reads after writes (${inMemory ? "in memory" : "on disk"})`, () => {
    let t: TestCloud;
    let ddb: DynamoDBClient;
    before(async () => {
      t = await startCloud({ inMemory });
      ddb = new DynamoDBClient(t.cloud.clientConfig);
      await ddb.send(new CreateTableCommand(stringKeyedTable("raw", "pk")));
    });
    after(async () => {
      ddb.destroy();
      await t.stop();
    });

    const key = { pk: { S: "k" } };
    async function read(): Promise<Record<string, AttributeValue> | undefined> {
      const first = await ddb.send(new GetItemCommand({ TableName: "raw", Key: key }));
      const second = await ddb.send(new GetItemCommand({ TableName: "raw", Key: key }));
      assert.deepEqual(second.Item, first.Item);
      return second.Item;
    }

    it("sees puts, updates, deletes, batch writes, transactions and PartiQL", async () => {
      assert.equal(await read(), undefined);
      await ddb.send(new PutItemCommand({ TableName: "raw", Item: { ...key, v: { N: "1" } } }));
      assert.deepEqual(await read(), { ...key, v: { N: "1" } });
      await ddb.send(new UpdateItemCommand({ TableName: "raw", Key: key, UpdateExpression: "SET v = v + :one", ExpressionAttributeValues: { ":one": { N: "1" } } }));
      assert.deepEqual(await read(), { ...key, v: { N: "2" } });
      await ddb.send(new BatchWriteItemCommand({ RequestItems: { raw: [{ PutRequest: { Item: { ...key, v: { N: "3" } } } }] } }));
      assert.deepEqual(await read(), { ...key, v: { N: "3" } });
      await ddb.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: "raw", Item: { ...key, v: { N: "4" } } } }] }));
      assert.deepEqual(await read(), { ...key, v: { N: "4" } });
      await ddb.send(new ExecuteStatementCommand({ Statement: `UPDATE raw SET v = 5 WHERE pk = 'k'` }));
      assert.deepEqual(await read(), { ...key, v: { N: "5" } });
      await ddb.send(new DeleteItemCommand({ TableName: "raw", Key: key }));
      assert.equal(await read(), undefined);
    });

    it("answers a cached item whole, projected, and with binary values", async () => {
      const item = { ...key, b: { B: new Uint8Array([0, 1, 255]) }, m: { M: { a: { L: [{ S: "x" }, { N: "7" }] } } } };
      await ddb.send(new PutItemCommand({ TableName: "raw", Item: item }));
      assert.deepEqual(await read(), item);
      const projected = await ddb.send(new GetItemCommand({ TableName: "raw", Key: key, ProjectionExpression: "m.a[1], pk" }));
      assert.deepEqual(projected.Item, { pk: { S: "k" }, m: { M: { a: { L: [{ N: "7" }] } } } });
      const withCapacity = await ddb.send(new GetItemCommand({ TableName: "raw", Key: key, ReturnConsumedCapacity: "TOTAL" }));
      assert.deepEqual(withCapacity.Item, item);
      assert.deepEqual(withCapacity.ConsumedCapacity, { TableName: "raw", CapacityUnits: 0.5 });
    });

    it("never answers a value older than the last acknowledged write under concurrent load", async () => {
      await ddb.send(new PutItemCommand({ TableName: "raw", Item: { ...key, v: { N: "0" } } }));
      const readers = Array.from({ length: 8 }, async () => {
        for (let i = 0; i < 20; i++) await ddb.send(new GetItemCommand({ TableName: "raw", Key: key }));
      });
      for (let v = 1; v <= 20; v++) {
        await ddb.send(new PutItemCommand({ TableName: "raw", Item: { ...key, v: { N: String(v) } } }));
        const got = await ddb.send(new GetItemCommand({ TableName: "raw", Key: key }));
        assert.equal(got.Item?.v?.N, String(v));
      }
      await Promise.all(readers);
    });
  });
}
