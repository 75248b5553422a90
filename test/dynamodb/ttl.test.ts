/**
 * DynamoDB time to live through the AWS SDK, with an injected clock:
 * expired items read as absent, then disappear with their index entries,
 * counters and a REMOVE stream record by the service.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, type _Record } from "@aws-sdk/client-dynamodb-streams";
import { startCloud, type TestCloud } from "../support/nimbus.js";

describe("DynamoDB time to live", () => {
  let t: TestCloud;
  let ddb: DynamoDBClient;
  let streams: DynamoDBStreamsClient;
  let streamArn: string;
  // Signatures allow 15 minutes of skew: the clock moves by minutes.
  let offset = 0;
  const clock = () => Date.now() + offset;
  const seconds = () => Math.floor(clock() / 1000);

  before(async () => {
    t = await startCloud({ inMemory: true, clock });
    ddb = new DynamoDBClient(t.cloud.clientConfig);
    streams = new DynamoDBStreamsClient(t.cloud.clientConfig);
    const { TableDescription } = await ddb.send(
      new CreateTableCommand({
        TableName: "sessions",
        AttributeDefinitions: [
          { AttributeName: "id", AttributeType: "S" },
          { AttributeName: "user", AttributeType: "S" },
        ],
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        GlobalSecondaryIndexes: [
          { IndexName: "by-user", KeySchema: [{ AttributeName: "user", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" } },
          { IndexName: "user-keys", KeySchema: [{ AttributeName: "user", KeyType: "HASH" }], Projection: { ProjectionType: "KEYS_ONLY" } },
        ],
        BillingMode: "PAY_PER_REQUEST",
        StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
      }),
    );
    streamArn = TableDescription!.LatestStreamArn!;
    await ddb.send(new UpdateTimeToLiveCommand({ TableName: "sessions", TimeToLiveSpecification: { Enabled: true, AttributeName: "expires" } }));
  });
  after(async () => {
    ddb.destroy();
    streams.destroy();
    await t.stop();
  });

  async function records(): Promise<_Record[]> {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    const shardId = StreamDescription!.Shards![0]!.ShardId!;
    const { ShardIterator } = await streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: "TRIM_HORIZON" }));
    return (await streams.send(new GetRecordsCommand({ ShardIterator: ShardIterator! }))).Records ?? [];
  }

  async function itemCounts(): Promise<{ table: number; index: number }> {
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName: "sessions" }));
    return { table: Table!.ItemCount!, index: Table!.GlobalSecondaryIndexes![0]!.ItemCount! };
  }

  /** The sweep runs right after the read that met the expired item; a few turns of the loop suffice. */
  async function eventually(check: () => Promise<boolean>): Promise<void> {
    for (let i = 0; i < 100; i++) {
      if (await check()) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.fail("condition not reached");
  }

  it("deletes an expired item with its index entry and a REMOVE record by the service", async () => {
    await ddb.send(new PutItemCommand({ TableName: "sessions", Item: { id: { S: "a" }, user: { S: "u1" }, expires: { N: String(seconds() + 60) } } }));
    await ddb.send(new PutItemCommand({ TableName: "sessions", Item: { id: { S: "b" }, user: { S: "u1" } } }));
    assert.ok((await ddb.send(new GetItemCommand({ TableName: "sessions", Key: { id: { S: "a" } } }))).Item);
    assert.deepEqual(await itemCounts(), { table: 2, index: 2 });

    offset += 120_000;
    assert.equal((await ddb.send(new GetItemCommand({ TableName: "sessions", Key: { id: { S: "a" } } }))).Item, undefined);
    await eventually(async () => (await itemCounts()).table === 1);
    assert.deepEqual(await itemCounts(), { table: 1, index: 1 });
    const byUser = await ddb.send(new QueryCommand({ TableName: "sessions", IndexName: "by-user", KeyConditionExpression: "#u = :u", ExpressionAttributeNames: { "#u": "user" }, ExpressionAttributeValues: { ":u": { S: "u1" } } }));
    assert.deepEqual(byUser.Items?.map((i) => i.id?.S), ["b"]);
    assert.equal(byUser.ScannedCount, 1);

    const removed = (await records()).filter((r) => r.eventName === "REMOVE");
    assert.equal(removed.length, 1);
    assert.deepEqual(removed[0]!.dynamodb?.Keys, { id: { S: "a" } });
    assert.equal(removed[0]!.dynamodb?.OldImage?.user?.S, "u1");
    assert.deepEqual(removed[0]!.userIdentity, { PrincipalId: "dynamodb.amazonaws.com", Type: "Service" });
  });

  it("hides an expired item from an index whose projection leaves its expiry out, read before the table", async () => {
    await ddb.send(new PutItemCommand({ TableName: "sessions", Item: { id: { S: "k1" }, user: { S: "keys-only" }, expires: { N: String(seconds() + 60) } } }));
    await ddb.send(new PutItemCommand({ TableName: "sessions", Item: { id: { S: "k2" }, user: { S: "keys-only" } } }));
    const query = () => ddb.send(new QueryCommand({ TableName: "sessions", IndexName: "user-keys", KeyConditionExpression: "#u = :u", ExpressionAttributeNames: { "#u": "user" }, ExpressionAttributeValues: { ":u": { S: "keys-only" } } }));
    assert.deepEqual((await query()).Items?.map((i) => i.id?.S).sort(), ["k1", "k2"]);
    offset += 120_000;
    assert.deepEqual((await query()).Items?.map((i) => i.id?.S), ["k2"]);
  });

  it("deletes an expired item a write reaches first, then writes a new one", async () => {
    await ddb.send(new PutItemCommand({ TableName: "sessions", Item: { id: { S: "c" }, v: { N: "1" }, expires: { N: String(seconds() + 60) } } }));
    offset += 120_000;
    const put = await ddb.send(new PutItemCommand({ TableName: "sessions", Item: { id: { S: "c" }, v: { N: "2" } }, ReturnValues: "ALL_OLD", ConditionExpression: "attribute_not_exists(id)" }));
    assert.equal(put.Attributes, undefined);
    const forC = (await records()).filter((r) => r.dynamodb?.Keys?.id?.S === "c").map((r) => [r.eventName, r.userIdentity?.Type]);
    assert.deepEqual(forC, [
      ["INSERT", undefined],
      ["REMOVE", "Service"],
      ["INSERT", undefined],
    ]);
  });

  it("keeps items whose expiry is in the future, not a number, or more than five years past", async () => {
    const fiveYearsAgo = seconds() - 6 * 365 * 24 * 3600;
    await ddb.send(new PutItemCommand({ TableName: "sessions", Item: { id: { S: "future" }, expires: { N: String(seconds() + 3600) } } }));
    await ddb.send(new PutItemCommand({ TableName: "sessions", Item: { id: { S: "text" }, expires: { S: "1" } } }));
    await ddb.send(new PutItemCommand({ TableName: "sessions", Item: { id: { S: "ancient" }, expires: { N: String(fiveYearsAgo) } } }));
    for (const id of ["future", "text", "ancient"]) {
      assert.ok((await ddb.send(new GetItemCommand({ TableName: "sessions", Key: { id: { S: id } } }))).Item, id);
    }
  });
});
