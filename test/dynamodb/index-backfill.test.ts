/**
 * A global secondary index added or dropped while writes go on: once the
 * dust settles the index holds exactly the table's current items, each
 * once, and counts them right; items whose values cannot be its keys are
 * left out of it.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
  PutItemCommand,
  ScanCommand,
  UpdateTableCommand,
  type AttributeValue,
} from "@aws-sdk/client-dynamodb";
import { startCloud, type TestCloud } from "../support/nimbus.js";

const ITEMS = 600;

describe("DynamoDB index changes under concurrent writes", () => {
  let t: TestCloud;
  let ddb: DynamoDBClient;
  before(async () => {
    // On disk: LMDB batches transactions, so writes and the index's filling interleave as they do in use.
    t = await startCloud();
    ddb = new DynamoDBClient(t.cloud.clientConfig);
  });
  after(async () => {
    ddb.destroy();
    await t.stop();
  });

  const key = (i: number) => ({ pk: { S: `i${String(i).padStart(4, "0")}` } });

  /** Puts (a new index value each time) and deletes at random until `done` resolves. */
  async function churn(table: string, done: Promise<void>): Promise<void> {
    let stop = false;
    void done.then(() => (stop = true));
    let seed = 7;
    const random = (n: number) => (seed = (seed * 48271) % 2147483647) % n;
    const worker = async () => {
      while (!stop) {
        const i = random(ITEMS);
        if (random(10) === 0) await ddb.send(new DeleteItemCommand({ TableName: table, Key: key(i) }));
        else await ddb.send(new PutItemCommand({ TableName: table, Item: { ...key(i), g: { S: `v${random(50)}` } } }));
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
  }

  async function scan(table: string, indexName?: string): Promise<Record<string, AttributeValue>[]> {
    const items: Record<string, AttributeValue>[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await ddb.send(new ScanCommand({ TableName: table, IndexName: indexName, ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  async function assertIndexMatchesTable(table: string): Promise<void> {
    const rows = (items: Record<string, AttributeValue>[]) => items.map((item) => `${item.pk!.S}=${item.g?.S}`).sort();
    const inTable = rows((await scan(table)).filter((item) => item.g));
    const inIndex = rows(await scan(table, "by-g"));
    assert.deepEqual(inIndex, inTable);
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName: table }));
    assert.equal(Table!.GlobalSecondaryIndexes![0]!.ItemCount, inTable.length);
  }

  const createIndex = (table: string) =>
    ddb.send(
      new UpdateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: "g", AttributeType: "S" }],
        GlobalSecondaryIndexUpdates: [{ Create: { IndexName: "by-g", KeySchema: [{ AttributeName: "g", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" } } }],
      }),
    );

  it("fills a new index with exactly the current items, and drops and refills it", async () => {
    await ddb.send(
      new CreateTableCommand({
        TableName: "churned",
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    for (let i = 0; i < ITEMS; i += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, j) => ddb.send(new PutItemCommand({ TableName: "churned", Item: { ...key(i + j), g: { S: "v0" } } }))));
    }

    const created = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      await createIndex("churned");
      await new Promise((resolve) => setTimeout(resolve, 100));
    })();
    await churn("churned", created);
    await assertIndexMatchesTable("churned");

    const recreated = (async () => {
      await ddb.send(new UpdateTableCommand({ TableName: "churned", GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: "by-g" } }] }));
      await createIndex("churned");
      await new Promise((resolve) => setTimeout(resolve, 100));
    })();
    await churn("churned", recreated);
    await assertIndexMatchesTable("churned");
  });

  it("leaves out of a new index the items whose values are too long to be its keys", async () => {
    // ScyllaDB's AWS-verified test_gsi_backfill_key_limits: a partition key keeps 2048 bytes, a sort key 1024.
    await ddb.send(
      new CreateTableCommand({
        TableName: "long-values",
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    const lengths = [1024, 1025, 2048, 2049, 66_500];
    for (const length of lengths) {
      await ddb.send(new PutItemCommand({ TableName: "long-values", Item: { pk: { S: `len${length}` }, x: { S: "é".repeat(length / 2) + "x".repeat(length % 2) } } }));
    }
    await ddb.send(
      new UpdateTableCommand({
        TableName: "long-values",
        AttributeDefinitions: [{ AttributeName: "x", AttributeType: "S" }, { AttributeName: "pk", AttributeType: "S" }],
        GlobalSecondaryIndexUpdates: [
          { Create: { IndexName: "by-x", KeySchema: [{ AttributeName: "x", KeyType: "HASH" }], Projection: { ProjectionType: "KEYS_ONLY" } } },
        ],
      }),
    );
    await ddb.send(
      new UpdateTableCommand({
        TableName: "long-values",
        AttributeDefinitions: [{ AttributeName: "x", AttributeType: "S" }, { AttributeName: "pk", AttributeType: "S" }],
        GlobalSecondaryIndexUpdates: [
          { Create: { IndexName: "pk-x", KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "x", KeyType: "RANGE" }], Projection: { ProjectionType: "KEYS_ONLY" } } },
        ],
      }),
    );
    const indexed = async (indexName: string) => (await scan("long-values", indexName)).map((item) => item.pk!.S).sort();
    assert.deepEqual(await indexed("by-x"), ["len1024", "len1025", "len2048"]);
    assert.deepEqual(await indexed("pk-x"), ["len1024"]);
  });
});
