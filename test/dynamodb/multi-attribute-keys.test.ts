/**
 * Global secondary indexes keyed by several attributes (DynamoDB's
 * multi-attribute keys, November 2025), through the AWS SDK: only items
 * with every key attribute are indexed, entries sort by each sort key
 * attribute in turn, and a Query names every partition key attribute and a
 * leading run of sort key attributes, with KeyConditionExpression, legacy
 * KeyConditions and PartiQL alike.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DynamoDBClient,
  ExecuteStatementCommand,
  QueryCommand,
  UpdateTableCommand,
  type QueryCommandInput,
} from "@aws-sdk/client-dynamodb";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";

describe("DynamoDB multi-attribute index keys", () => {
  let t: TestCloud;
  let ddb: DynamoDBClient;
  const TableName = "orders";
  const IndexName = "by-region-status";
  before(async () => {
    t = await startCloud({ inMemory: true });
    ddb = new DynamoDBClient(t.cloud.clientConfig);
    await ddb.send(
      new CreateTableCommand({
        TableName,
        AttributeDefinitions: [
          { AttributeName: "id", AttributeType: "S" },
          { AttributeName: "region", AttributeType: "S" },
          { AttributeName: "shop", AttributeType: "S" },
          { AttributeName: "status", AttributeType: "S" },
          { AttributeName: "total", AttributeType: "N" },
        ],
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        GlobalSecondaryIndexes: [
          {
            IndexName,
            KeySchema: [
              { AttributeName: "region", KeyType: "HASH" },
              { AttributeName: "shop", KeyType: "HASH" },
              { AttributeName: "status", KeyType: "RANGE" },
              { AttributeName: "total", KeyType: "RANGE" },
            ],
            Projection: { ProjectionType: "ALL" },
          },
        ],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    const order = (id: string, status: string | undefined, total: string | undefined, shop = "north") => ({
      PutRequest: {
        Item: {
          id: { S: id },
          region: { S: "eu" },
          shop: { S: shop },
          ...(status ? { status: { S: status } } : {}),
          ...(total ? { total: { N: total } } : {}),
        },
      },
    });
    await ddb.send(
      new BatchWriteItemCommand({
        RequestItems: {
          [TableName]: [
            order("o1", "open", "300"),
            order("o2", "open", "100"),
            order("o3", "open", "200"),
            order("o4", "closed", "150"),
            order("o5", "open", undefined),
            order("o6", undefined, "50"),
            order("o7", "open", "100", "south"),
          ],
        },
      }),
    );
  });
  after(() => t.stop());

  const ids = async (input: Omit<QueryCommandInput, "TableName" | "IndexName">) =>
    ((await ddb.send(new QueryCommand({ TableName, IndexName, ...input }))).Items ?? []).map((item) => item.id!.S);
  const values = { ":r": { S: "eu" }, ":s": { S: "north" } };

  it("indexes only items with every key attribute, sorted by each sort key attribute in turn", async () => {
    assert.deepEqual(await ids({ KeyConditionExpression: "#r = :r AND shop = :s", ExpressionAttributeNames: { "#r": "region" }, ExpressionAttributeValues: values }), [
      "o4",
      "o2",
      "o3",
      "o1",
    ]);
    assert.deepEqual(
      await ids({ KeyConditionExpression: "#r = :r AND shop = :s", ExpressionAttributeNames: { "#r": "region" }, ExpressionAttributeValues: values, ScanIndexForward: false }),
      ["o1", "o3", "o2", "o4"],
    );
  });

  it("narrows by equality on leading sort key attributes and a range on the next", async () => {
    const query = (condition: string, more: Record<string, { S: string } | { N: string }> = {}) =>
      ids({
        KeyConditionExpression: `#r = :r AND shop = :s AND ${condition}`,
        ExpressionAttributeNames: { "#r": "region", "#st": "status", ...(condition.includes("#tt") ? { "#tt": "total" } : {}) },
        ExpressionAttributeValues: { ...values, ...more },
      });
    assert.deepEqual(await query("#st = :open", { ":open": { S: "open" } }), ["o2", "o3", "o1"]);
    assert.deepEqual(await query("#st = :open AND #tt = :t", { ":open": { S: "open" }, ":t": { N: "200" } }), ["o3"]);
    assert.deepEqual(await query("#st = :open AND #tt > :t", { ":open": { S: "open" }, ":t": { N: "100" } }), ["o3", "o1"]);
    assert.deepEqual(await query("#st = :open AND #tt BETWEEN :lo AND :hi", { ":open": { S: "open" }, ":lo": { N: "150" }, ":hi": { N: "250" } }), ["o3"]);
    assert.deepEqual(await query("begins_with(#st, :c)", { ":c": { S: "clo" } }), ["o4"]);
    // Legacy KeyConditions reach the same entries.
    const legacy = await ddb.send(
      new QueryCommand({
        TableName,
        IndexName,
        KeyConditions: {
          region: { ComparisonOperator: "EQ", AttributeValueList: [{ S: "eu" }] },
          shop: { ComparisonOperator: "EQ", AttributeValueList: [{ S: "north" }] },
          status: { ComparisonOperator: "EQ", AttributeValueList: [{ S: "open" }] },
          total: { ComparisonOperator: "GT", AttributeValueList: [{ N: "100" }] },
        },
      }),
    );
    assert.equal(legacy.Count, 2);
  });

  it("pages through a multi-attribute partition with the index's full key", async () => {
    const seen: string[] = [];
    let ExclusiveStartKey: QueryCommandInput["ExclusiveStartKey"];
    do {
      const page = await ddb.send(
        new QueryCommand({ TableName, IndexName, KeyConditionExpression: "#r = :r AND shop = :s", ExpressionAttributeNames: { "#r": "region" }, ExpressionAttributeValues: values, Limit: 3, ExclusiveStartKey }),
      );
      seen.push(...(page.Items ?? []).map((item) => item.id!.S!));
      ExclusiveStartKey = page.LastEvaluatedKey;
      if (ExclusiveStartKey) assert.deepEqual(Object.keys(ExclusiveStartKey).sort(), ["id", "region", "shop", "status", "total"]);
    } while (ExclusiveStartKey);
    assert.deepEqual(seen, ["o4", "o2", "o3", "o1"]);
  });

  it("needs every partition key attribute and no gap in the sort key attributes", async () => {
    const used = <V>(condition: string, all: Record<string, V>) => Object.fromEntries(Object.entries(all).filter(([name]) => new RegExp(`${name}\\b`).test(condition)));
    const refused = async (condition: string, message: string) => {
      const error = await rejectsWith(
        ddb.send(new QueryCommand({ TableName, IndexName, KeyConditionExpression: condition, ExpressionAttributeNames: used(condition, { "#r": "region", "#st": "status", "#tt": "total" }), ExpressionAttributeValues: used(condition, { ...values, ":t": { N: "1" }, ":open": { S: "open" } }) })),
        "ValidationException",
        400,
      );
      assert.equal(error.message, message);
    };
    await refused("#r = :r AND #tt = :t AND shop = :s AND #st = :open AND :s = shop", "KeyConditionExpressions must only contain one condition per key");
    // DynamoDB's words for a sort key attribute, as recorded from AWS (and asserted by ScyllaDB's AWS-run tests).
    const needs = (before: string, after: string) => `RANGE key attributes ${before} must have equality conditions specified in the query because a condition is present on key attribute ${after}`;
    await refused("#r = :r AND shop = :s AND #tt = :t", needs("status", "total"));
    await refused("#r = :r AND shop = :s AND #st > :open AND #tt = :t", needs("status", "total"));
    await refused("#r = :r AND #st = :open AND #tt = :t", "HASH key attributes shop must have equality conditions specified in the query");
    await refused("#r = :r AND shop > :s", "HASH key attributes shop must have equality conditions specified in the query");
  });

  it("reads a multi-attribute partition with PartiQL once every partition key attribute is pinned", async () => {
    const rows = await ddb.send(
      new ExecuteStatementCommand({ Statement: `SELECT id FROM "${TableName}"."${IndexName}" WHERE region = 'eu' AND shop = 'south'` }),
    );
    assert.deepEqual(rows.Items, [{ id: { S: "o7" } }]);
  });

  it("keeps multi-attribute keys to global indexes of at most four HASH then four RANGE attributes", async () => {
    const definitions = ["a", "b", "c", "d", "e"].map((AttributeName) => ({ AttributeName, AttributeType: "S" as const }));
    const create = (KeySchema: { AttributeName: string; KeyType: "HASH" | "RANGE" }[]) =>
      ddb.send(
        new UpdateTableCommand({
          TableName,
          AttributeDefinitions: definitions.filter((d) => KeySchema.some((k) => k.AttributeName === d.AttributeName)),
          GlobalSecondaryIndexUpdates: [{ Create: { IndexName: "wide", KeySchema, Projection: { ProjectionType: "KEYS_ONLY" } } }],
        }),
      );
    const hashes = (n: number) => ["a", "b", "c", "d", "e"].slice(0, n).map((AttributeName) => ({ AttributeName, KeyType: "HASH" as const }));
    const tooMany = await rejectsWith(create(hashes(5)), "ValidationException", 400);
    // AWS's words, as a 2026 probe of DynamoDB recorded them.
    assert.equal(tooMany.message, "One or more parameter values were invalid: The KeySchema exceeds the maximum allowed number of HASH key attributes");
    const order = await rejectsWith(create([...hashes(1), { AttributeName: "b", KeyType: "RANGE" }, { AttributeName: "c", KeyType: "HASH" }]), "ValidationException", 400);
    assert.equal(order.message, "One or more parameter values were invalid: All HASH key attributes must precede RANGE key attributes in the KeySchema");
    const repeated = await rejectsWith(create([...hashes(2), { AttributeName: "a", KeyType: "RANGE" }]), "ValidationException", 400);
    assert.equal(repeated.message, "The KeySchema contains multiple key attributes with the same name");
  });

  it("takes a global index keyed by two partition key attributes and no sort key", async () => {
    const updated = await ddb.send(
      new UpdateTableCommand({
        TableName,
        AttributeDefinitions: [
          { AttributeName: "region", AttributeType: "S" },
          { AttributeName: "shop", AttributeType: "S" },
        ],
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              IndexName: "by-region-shop",
              KeySchema: [
                { AttributeName: "region", KeyType: "HASH" },
                { AttributeName: "shop", KeyType: "HASH" },
              ],
              Projection: { ProjectionType: "KEYS_ONLY" },
            },
          },
        ],
      }),
    );
    const index = updated.TableDescription?.GlobalSecondaryIndexes?.find((i) => i.IndexName === "by-region-shop");
    assert.deepEqual(index?.KeySchema, [
      { AttributeName: "region", KeyType: "HASH" },
      { AttributeName: "shop", KeyType: "HASH" },
    ]);
  });
});
