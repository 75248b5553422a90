/**
 * A global index's own on-demand limits and warm throughput, set by
 * CreateTable and UpdateTable and shown by DescribeTable, in DynamoDB's
 * words (AWS captures: ack-api-quirks DDB-TABLE-128, 456, 457); and
 * UpdateTable's AttributeDefinitions, read only by an index being created
 * (DDB-TABLE-358).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, UpdateTableCommand, type CreateTableCommandInput } from "@aws-sdk/client-dynamodb";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";

const INVALID = "One or more parameter values were invalid: ";

/** An on-demand table with one global index, gsi1 on `g`. */
const withIndex = (name: string, index: Record<string, unknown> = {}): CreateTableCommandInput => ({
  TableName: name,
  AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }, { AttributeName: "g", AttributeType: "S" }],
  KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
  BillingMode: "PAY_PER_REQUEST",
  GlobalSecondaryIndexes: [{ IndexName: "gsi1", KeySchema: [{ AttributeName: "g", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" }, ...index }],
});

describe("DynamoDB global index capacity", () => {
  let t: TestCloud;
  let ddb: DynamoDBClient;
  before(async () => {
    t = await startCloud({ inMemory: true });
    ddb = new DynamoDBClient(t.cloud.clientConfig);
  });
  after(async () => {
    ddb.destroy();
    await t.stop();
  });

  const message = async (promise: Promise<unknown>, code = "ValidationException") => (await rejectsWith(promise, code, 400)).message;
  const gsi1 = async (table: string) => (await ddb.send(new DescribeTableCommand({ TableName: table }))).Table!.GlobalSecondaryIndexes![0]!;
  const update = (table: string, change: Record<string, unknown>) =>
    ddb.send(new UpdateTableCommand({ TableName: table, GlobalSecondaryIndexUpdates: [{ Update: { IndexName: "gsi1", ...change } }] }));

  it("CreateTable keeps an index's on-demand limits, on demand only and at least 1", async () => {
    assert.equal(
      await message(
        ddb.send(
          new CreateTableCommand({
            ...withIndex("limited-index", { OnDemandThroughput: { MaxReadRequestUnits: 10 }, ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } }),
            BillingMode: "PROVISIONED",
            ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
          }),
        ),
      ),
      `${INVALID}MaxReadRequestUnits for OnDemandThroughput for index: gsi1 cannot be specified when table BillingMode is PROVISIONED.`,
    );
    for (const units of [0, -1]) {
      assert.equal(
        await message(ddb.send(new CreateTableCommand(withIndex("limited-index", { OnDemandThroughput: { MaxWriteRequestUnits: units } })))),
        `${INVALID}Requested MaxWriteRequestUnits for OnDemandThroughput for index : gsi1 is outside of valid range`,
      );
    }
    await ddb.send(new CreateTableCommand(withIndex("limited-index", { OnDemandThroughput: { MaxReadRequestUnits: 100, MaxWriteRequestUnits: 50 } })));
    assert.deepEqual((await gsi1("limited-index")).OnDemandThroughput, { MaxReadRequestUnits: 100, MaxWriteRequestUnits: 50 });
    // An empty one is accepted and sets nothing.
    await ddb.send(new CreateTableCommand(withIndex("empty-limits", { OnDemandThroughput: {}, WarmThroughput: {} })));
    const index = await gsi1("empty-limits");
    assert.equal(index.OnDemandThroughput, undefined);
    assert.deepEqual(index.WarmThroughput, { ReadUnitsPerSecond: 12000, WriteUnitsPerSecond: 4000, Status: "ACTIVE" });
  });

  it("UpdateTable changes an on-demand index's limits or warm throughput, and nothing else", async () => {
    await ddb.send(new CreateTableCommand(withIndex("index-updates")));
    const onlyUpdates = `${INVALID}The only Updates for index: gsi1 when TableThroughputMode is PAY_PER_REQUEST can be to OnDemandThroughput, WarmThroughput`;
    assert.equal(await message(update("index-updates", {})), onlyUpdates);
    assert.equal(await message(update("index-updates", { OnDemandThroughput: {} })), onlyUpdates);
    const noUnits = `${INVALID}WarmThroughput must have at least one of ReadUnitsPerSecond or WriteUnitsPerSecond specified for index: gsi1`;
    assert.equal(await message(update("index-updates", { WarmThroughput: {} })), noUnits);
    // Checked before the table is looked for, and beside a change that should go alone.
    assert.equal(await message(update("no-such-table", { WarmThroughput: {} })), noUnits);
    assert.equal(
      await message(ddb.send(new UpdateTableCommand({ TableName: "index-updates", TableClass: "STANDARD", GlobalSecondaryIndexUpdates: [{ Update: { IndexName: "gsi1", WarmThroughput: {} } }] }))),
      noUnits,
    );
    assert.equal(
      await message(
        ddb.send(new UpdateTableCommand({ TableName: "index-updates", GlobalSecondaryIndexUpdates: [{ Update: { IndexName: "ghost", OnDemandThroughput: {} } }] })),
        "ResourceNotFoundException",
      ),
      "Requested resource not found: Index ghost for table index-updates",
    );
    assert.equal(
      await message(update("index-updates", { OnDemandThroughput: { MaxReadRequestUnits: 0 } })),
      `${INVALID}Requested MaxReadRequestUnits for OnDemandThroughput for index : gsi1 is outside of valid range`,
    );

    await update("index-updates", { OnDemandThroughput: { MaxReadRequestUnits: 300, MaxWriteRequestUnits: 200 } });
    assert.deepEqual((await gsi1("index-updates")).OnDemandThroughput, { MaxReadRequestUnits: 300, MaxWriteRequestUnits: 200 });
    await update("index-updates", { OnDemandThroughput: { MaxReadRequestUnits: -1 } });
    assert.deepEqual((await gsi1("index-updates")).OnDemandThroughput, { MaxWriteRequestUnits: 200 });

    assert.equal(
      await message(update("index-updates", { WarmThroughput: { ReadUnitsPerSecond: 11000 } })),
      `${INVALID}Requested ReadUnitsPerSecond for WarmThroughput for index gsi1 is lower than current WarmThroughput, decreasing WarmThroughput is not supported`,
    );
    await update("index-updates", { WarmThroughput: { ReadUnitsPerSecond: 15000 } });
    const warm = (await gsi1("index-updates")).WarmThroughput;
    assert.deepEqual([warm?.ReadUnitsPerSecond, warm?.WriteUnitsPerSecond], [15000, 4000]);

    // Leaving on-demand drops the index's limits with the table's.
    await ddb.send(
      new UpdateTableCommand({
        TableName: "index-updates",
        BillingMode: "PROVISIONED",
        ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
        GlobalSecondaryIndexUpdates: [{ Update: { IndexName: "gsi1", ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } } }],
      }),
    );
    assert.equal((await gsi1("index-updates")).OnDemandThroughput, undefined);
    assert.equal(
      await message(update("index-updates", { OnDemandThroughput: { MaxWriteRequestUnits: 10 } })),
      `${INVALID}MaxWriteRequestUnits for OnDemandThroughput for index : gsi1 cannot be specified when the table BillingMode is PROVISIONED`,
    );
  });

  it("UpdateTable ignores AttributeDefinitions unless an index is created, a re-typed key included", async () => {
    await ddb.send(new CreateTableCommand(withIndex("retyped")));
    const { TableDescription } = await ddb.send(
      new UpdateTableCommand({
        TableName: "retyped",
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "N" }, { AttributeName: "unused", AttributeType: "B" }],
        DeletionProtectionEnabled: false,
      }),
    );
    assert.equal(TableDescription?.TableStatus, "ACTIVE");
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName: "retyped" }));
    assert.deepEqual(Table?.AttributeDefinitions, [{ AttributeName: "id", AttributeType: "S" }, { AttributeName: "g", AttributeType: "S" }]);
  });
});
