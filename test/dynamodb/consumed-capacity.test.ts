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
});
