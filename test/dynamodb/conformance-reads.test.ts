/**
 * Query and Scan's Select / projection rules and AttributesToGet, worded as
 * DynamoDB words them (moto's AWS-verified tests and dynalite's suite):
 * Query wraps these as one model-validation problem, Scan answers them
 * bare, and COUNT reads "only the Count".
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  ScanCommand,
  type QueryCommandInput,
  type ScanCommandInput,
} from "@aws-sdk/client-dynamodb";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";

describe("DynamoDB read conformance", () => {
  let t: TestCloud;
  let ddb: DynamoDBClient;
  before(async () => {
    t = await startCloud({ inMemory: true });
    ddb = new DynamoDBClient(t.cloud.clientConfig);
    await ddb.send(
      new CreateTableCommand({
        TableName: "reads",
        AttributeDefinitions: [
          { AttributeName: "pk", AttributeType: "S" },
          { AttributeName: "gsi_pk", AttributeType: "S" },
        ],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        GlobalSecondaryIndexes: [{ IndexName: "test_gsi", KeySchema: [{ AttributeName: "gsi_pk", KeyType: "HASH" }], Projection: { ProjectionType: "KEYS_ONLY" } }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
  });
  after(async () => {
    ddb.destroy();
    await t.stop();
  });

  const message = async (promise: Promise<unknown>) => (await rejectsWith(promise, "ValidationException", 400)).message;
  const query = (extra: Partial<QueryCommandInput>, index?: string) =>
    ddb.send(
      new QueryCommand({
        TableName: "reads",
        ...(index ? { IndexName: index } : {}),
        KeyConditionExpression: `${index ? "gsi_pk" : "pk"} = :key`,
        ExpressionAttributeValues: { ":key": { S: "value" } },
        ...extra,
      }),
    );
  const scan = (extra: Partial<ScanCommandInput>, index?: string) => ddb.send(new ScanCommand({ TableName: "reads", ...(index ? { IndexName: index } : {}), ...extra }));

  it("prefixes Query's Select problems and leaves Scan's bare", async () => {
    const prefix = "1 validation error detected: ";
    assert.equal(await message(query({ Select: "ALL_PROJECTED_ATTRIBUTES" })), `${prefix}ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName`);
    assert.equal(await message(scan({ Select: "ALL_PROJECTED_ATTRIBUTES" })), "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName");
    assert.equal(await message(query({ Select: "SPECIFIC_ATTRIBUTES" })), `${prefix}Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES`);
    assert.equal(await message(scan({ Select: "SPECIFIC_ATTRIBUTES" })), "Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES");
    for (const [select, description] of [
      ["ALL_ATTRIBUTES", "ALL_ATTRIBUTES"],
      ["ALL_PROJECTED_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES"],
      ["COUNT", "only the Count"],
    ] as const) {
      assert.equal(await message(query({ Select: select, ProjectionExpression: "gsi_pk" }, "test_gsi")), `${prefix}Cannot specify the ProjectionExpression when choosing to get ${description}`);
      assert.equal(await message(scan({ Select: select, ProjectionExpression: "gsi_pk" }, "test_gsi")), `Cannot specify the ProjectionExpression when choosing to get ${description}`);
      assert.equal(await message(scan({ Select: select, AttributesToGet: ["gsi_pk"] }, "test_gsi")), `Cannot specify the AttributesToGet when choosing to get ${description}`);
    }
    assert.equal(
      await message(scan({ Select: "ALL_ATTRIBUTES" }, "test_gsi")),
      "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index test_gsi because its projection type is not ALL",
    );
    const counted = await scan({ Select: "COUNT", Limit: 1 });
    assert.equal(counted.Count, 0);
    assert.equal(counted.Items, undefined);
  });

  it("refuses duplicate AttributesToGet", async () => {
    const duplicate = "One or more parameter values were invalid: Duplicate value in attribute name: a";
    assert.equal(await message(ddb.send(new GetItemCommand({ TableName: "reads", Key: { pk: { S: "x" } }, AttributesToGet: ["a", "b", "a"] }))), duplicate);
    assert.equal(await message(scan({ AttributesToGet: ["a", "a"] })), duplicate);
  });
});
