/**
 * ReturnConsumedCapacity on the reading side: how each read is charged and
 * how its ConsumedCapacity names the table and the indexes it read.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TransactGetItemsCommand,
  TransactWriteItemsCommand,
} from "@aws-sdk/client-dynamodb";
import { cloudFor } from "../support/nimbus.js";

describe("DynamoDB consumed capacity of reads", () => {
  const cloud = cloudFor((config) => new DynamoDBClient(config));
  let arn = "";
  before(async () => {
    const ddb = cloud.client;
    await ddb.send(
      new CreateTableCommand({
        TableName: "charged",
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    arn = (await ddb.send(new DescribeTableCommand({ TableName: "charged" }))).Table!.TableArn!;
    await ddb.send(new PutItemCommand({ TableName: "charged", Item: { pk: { S: "a" } } }));
    await ddb.send(
      new CreateTableCommand({
        TableName: "local",
        AttributeDefinitions: [
          { AttributeName: "pk", AttributeType: "S" },
          { AttributeName: "sk", AttributeType: "S" },
          { AttributeName: "lsk", AttributeType: "S" },
        ],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }],
        LocalSecondaryIndexes: [{ IndexName: "by-lsk", KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "lsk", KeyType: "RANGE" }], Projection: { ProjectionType: "KEYS_ONLY" } }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    // Three items of about 5 KB: two 4 KB units each read whole, all three index entries under one.
    for (const n of ["1", "2", "3"]) {
      await ddb.send(new PutItemCommand({ TableName: "local", Item: { pk: { S: "p" }, sk: { S: `s${n}` }, lsk: { S: `l${n}` }, body: { S: "x".repeat(5000) } } }));
    }
  });

  // https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ConsumedCapacity.html: "If you had
  // specified the Amazon Resource Name (ARN) of a table in the input, you'll see the table ARN in the response."
  it("names a table given by its ARN by that ARN", async () => {
    const ddb = cloud.client;
    const key = { pk: { S: "a" } };
    const names = [
      (await ddb.send(new GetItemCommand({ TableName: arn, Key: key, ReturnConsumedCapacity: "TOTAL" }))).ConsumedCapacity?.TableName,
      (await ddb.send(new QueryCommand({ TableName: arn, KeyConditionExpression: "pk = :a", ExpressionAttributeValues: { ":a": key.pk }, ReturnConsumedCapacity: "INDEXES" }))).ConsumedCapacity?.TableName,
      (await ddb.send(new ScanCommand({ TableName: arn, ReturnConsumedCapacity: "TOTAL" }))).ConsumedCapacity?.TableName,
      (await ddb.send(new BatchGetItemCommand({ RequestItems: { [arn]: { Keys: [key] } }, ReturnConsumedCapacity: "TOTAL" }))).ConsumedCapacity?.[0]?.TableName,
      (await ddb.send(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: arn, Key: key } }], ReturnConsumedCapacity: "TOTAL" }))).ConsumedCapacity?.[0]?.TableName,
      (await ddb.send(new PutItemCommand({ TableName: arn, Item: { pk: { S: "b" } }, ReturnConsumedCapacity: "TOTAL" }))).ConsumedCapacity?.TableName,
      (await ddb.send(new BatchWriteItemCommand({ RequestItems: { [arn]: [{ PutRequest: { Item: { pk: { S: "c" } } } }] }, ReturnConsumedCapacity: "TOTAL" }))).ConsumedCapacity?.[0]
        ?.TableName,
      (await ddb.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: arn, Item: { pk: { S: "d" } } } }], ReturnConsumedCapacity: "TOTAL" }))).ConsumedCapacity?.[0]
        ?.TableName,
    ];
    assert.deepEqual(names, Array(names.length).fill(arn));
    // Named by its name, it is answered by its name.
    const plain = await ddb.send(new GetItemCommand({ TableName: "charged", Key: key, ReturnConsumedCapacity: "TOTAL" }));
    assert.equal(plain.ConsumedCapacity?.TableName, "charged");
  });

  // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/LSI.html#LSI.ThroughputConsiderations: reading what a
  // local index does not project fetches each item from the table, charged for the entire item, on top of the index's read.
  it("charges the table for each item a local index reads back from it, whole, and only then", async () => {
    const ddb = cloud.client;
    const charge = async (input: { Select?: "ALL_ATTRIBUTES" | "COUNT" | "ALL_PROJECTED_ATTRIBUTES"; ProjectionExpression?: string; ConsistentRead?: boolean; Limit?: number }, scan = false) => {
      const common = { TableName: "local", IndexName: "by-lsk", ReturnConsumedCapacity: "INDEXES" as const, ...input };
      const out = scan
        ? await ddb.send(new ScanCommand(common))
        : await ddb.send(new QueryCommand({ ...common, KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": { S: "p" } } }));
      const c = out.ConsumedCapacity;
      return [c?.CapacityUnits, c?.Table?.CapacityUnits, c?.LocalSecondaryIndexes?.["by-lsk"]?.CapacityUnits];
    };
    assert.deepEqual(await charge({ Select: "ALL_ATTRIBUTES" }), [3.5, 3, 0.5]);
    assert.deepEqual(await charge({ Select: "ALL_ATTRIBUTES", ConsistentRead: true }), [7, 6, 1]);
    assert.deepEqual(await charge({ ProjectionExpression: "body" }), [3.5, 3, 0.5]);
    assert.deepEqual(await charge({ ProjectionExpression: "body", Limit: 1 }), [1.5, 1, 0.5]);
    assert.deepEqual(await charge({ Select: "ALL_ATTRIBUTES" }, true), [3.5, 3, 0.5]);
    // What the index holds is read from the index alone.
    assert.deepEqual(await charge({}), [0.5, 0, 0.5]);
    assert.deepEqual(await charge({ Select: "ALL_PROJECTED_ATTRIBUTES" }), [0.5, 0, 0.5]);
    assert.deepEqual(await charge({ ProjectionExpression: "lsk, sk" }), [0.5, 0, 0.5]);
    assert.deepEqual(await charge({ Select: "COUNT" }), [0.5, 0, 0.5]);
  });
});
