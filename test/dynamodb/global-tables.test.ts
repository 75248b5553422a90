/**
 * Global tables, version 2019.11.21, through the AWS SDK: UpdateTable's
 * ReplicaUpdates adds a replica in another region, writes in any region
 * reach every replica (and each replica's stream), settings shared by the
 * group follow, and a replica leaves by ReplicaUpdates Delete or by
 * DeleteTable in its region. Messages are DynamoDB's, as recorded against
 * AWS (ScyllaDB's test_global_tables.py, AWS errors quoted by Terraform
 * and CDK users).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTableReplicaAutoScalingCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
} from "@aws-sdk/client-dynamodb";
import { DynamoDBStreamsClient, DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand } from "@aws-sdk/client-dynamodb-streams";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";

const table = (name: string, extra: Partial<CreateTableCommandInput> = {}): CreateTableCommandInput => ({
  TableName: name,
  AttributeDefinitions: [{ AttributeName: "p", AttributeType: "S" }],
  KeySchema: [{ AttributeName: "p", KeyType: "HASH" }],
  BillingMode: "PAY_PER_REQUEST",
  ...extra,
});

describe("DynamoDB global tables (version 2019.11.21)", () => {
  let t: TestCloud;
  let east: DynamoDBClient;
  let west: DynamoDBClient;
  let europe: DynamoDBClient;
  let westStreams: DynamoDBStreamsClient;
  before(async () => {
    t = await startCloud({ inMemory: true });
    east = new DynamoDBClient({ ...t.cloud.clientConfig, region: "us-east-1" });
    west = new DynamoDBClient({ ...t.cloud.clientConfig, region: "us-west-2" });
    europe = new DynamoDBClient({ ...t.cloud.clientConfig, region: "eu-west-1" });
    westStreams = new DynamoDBStreamsClient({ ...t.cloud.clientConfig, region: "us-west-2" });
  });
  after(async () => {
    for (const client of [east, west, europe, westStreams]) client.destroy();
    await t.stop();
  });

  const addReplica = (client: DynamoDBClient, name: string, region: string, extra = {}) =>
    client.send(new UpdateTableCommand({ TableName: name, ReplicaUpdates: [{ Create: { RegionName: region, ...extra } }] }));
  const removeReplica = (client: DynamoDBClient, name: string, region: string) =>
    client.send(new UpdateTableCommand({ TableName: name, ReplicaUpdates: [{ Delete: { RegionName: region } }] }));
  const describeIn = async (client: DynamoDBClient, name: string) => (await client.send(new DescribeTableCommand({ TableName: name }))).Table!;
  const validation = async (promise: Promise<unknown>) => (await rejectsWith(promise, "ValidationException", 400)).message;

  it("adds a replica with its items, turns the stream on, and lists the other regions", async () => {
    await east.send(new CreateTableCommand(table("music")));
    await east.send(new PutItemCommand({ TableName: "music", Item: { p: { S: "before" }, n: { N: "1" } } }));
    const answer = (await addReplica(east, "music", "us-west-2")).TableDescription!;
    assert.equal(answer.TableStatus, "UPDATING");
    assert.equal(answer.GlobalTableVersion, "2019.11.21");
    assert.deepEqual(answer.Replicas, [{ RegionName: "us-west-2", ReplicaStatus: "CREATING" }]);
    assert.deepEqual(answer.StreamSpecification, { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" });

    const here = await describeIn(east, "music");
    assert.equal(here.TableStatus, "ACTIVE");
    assert.deepEqual(here.Replicas, [{ RegionName: "us-west-2", ReplicaStatus: "ACTIVE" }]);
    const there = await describeIn(west, "music");
    assert.equal(there.TableArn, "arn:aws:dynamodb:us-west-2:000000000000:table/music");
    assert.notEqual(there.TableId, here.TableId);
    assert.equal(there.GlobalTableVersion, "2019.11.21");
    assert.deepEqual(there.Replicas, [{ RegionName: "us-east-1", ReplicaStatus: "ACTIVE" }]);
    assert.deepEqual(there.StreamSpecification, { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" });
    assert.match(there.LatestStreamArn!, /^arn:aws:dynamodb:us-west-2:000000000000:table\/music\/stream\//);
    assert.equal(there.ItemCount, 1);
    assert.ok((await west.send(new ListTablesCommand({}))).TableNames!.includes("music"));
    assert.ok(!(await europe.send(new ListTablesCommand({}))).TableNames!.includes("music"));
    assert.deepEqual((await west.send(new GetItemCommand({ TableName: "music", Key: { p: { S: "before" } } }))).Item, { p: { S: "before" }, n: { N: "1" } });
    // On demand, the replicas have nothing to scale.
    assert.deepEqual((await west.send(new DescribeTableReplicaAutoScalingCommand({ TableName: "music" }))).TableAutoScalingDescription, {
      TableName: "music",
      TableStatus: "ACTIVE",
      Replicas: [
        { RegionName: "us-west-2", ReplicaStatus: "ACTIVE" },
        { RegionName: "us-east-1", ReplicaStatus: "ACTIVE" },
      ],
    });
  });

  it("replicates every kind of write both ways, onto each replica's stream", async () => {
    const { LatestStreamArn } = await describeIn(west, "music");
    const shard = (await westStreams.send(new DescribeStreamCommand({ StreamArn: LatestStreamArn! }))).StreamDescription!.Shards![0]!;
    const iterator = (await westStreams.send(new GetShardIteratorCommand({ StreamArn: LatestStreamArn!, ShardId: shard.ShardId!, ShardIteratorType: "TRIM_HORIZON" }))).ShardIterator!;

    await east.send(new PutItemCommand({ TableName: "music", Item: { p: { S: "a" }, n: { N: "1" } } }));
    await east.send(new UpdateItemCommand({ TableName: "music", Key: { p: { S: "a" } }, UpdateExpression: "SET n = n + :one", ExpressionAttributeValues: { ":one": { N: "1" } } }));
    await west.send(new PutItemCommand({ TableName: "music", Item: { p: { S: "b" }, from: { S: "west" } } }));
    await east.send(
      new TransactWriteItemsCommand({
        TransactItems: [{ Put: { TableName: "music", Item: { p: { S: "c" } } } }, { Delete: { TableName: "music", Key: { p: { S: "before" } } } }],
      }),
    );
    assert.deepEqual((await west.send(new GetItemCommand({ TableName: "music", Key: { p: { S: "a" } } }))).Item, { p: { S: "a" }, n: { N: "2" } });
    assert.deepEqual((await east.send(new GetItemCommand({ TableName: "music", Key: { p: { S: "b" } } }))).Item, { p: { S: "b" }, from: { S: "west" } });
    assert.equal((await west.send(new GetItemCommand({ TableName: "music", Key: { p: { S: "before" } } }))).Item, undefined);
    await west.send(new DeleteItemCommand({ TableName: "music", Key: { p: { S: "c" } } }));
    assert.equal((await east.send(new GetItemCommand({ TableName: "music", Key: { p: { S: "c" } } }))).Item, undefined);
    assert.equal((await describeIn(east, "music")).ItemCount, 2);
    assert.equal((await describeIn(west, "music")).ItemCount, 2);

    const records = (await westStreams.send(new GetRecordsCommand({ ShardIterator: iterator }))).Records!;
    assert.deepEqual(
      records.map((r) => [r.eventName, r.dynamodb!.Keys!.p!.S]),
      [["INSERT", "a"], ["MODIFY", "a"], ["INSERT", "b"], ["INSERT", "c"], ["REMOVE", "before"], ["REMOVE", "c"]],
    );
    const modify = records[1]!.dynamodb!;
    assert.deepEqual([modify.OldImage!.n, modify.NewImage!.n], [{ N: "1" }, { N: "2" }]);
  });

  it("keeps a KEYS_ONLY stream, and gives each replica its own KMS key and table class", async () => {
    await east.send(new CreateTableCommand(table("keys", { StreamSpecification: { StreamEnabled: true, StreamViewType: "KEYS_ONLY" } })));
    const answer = (await addReplica(east, "keys", "eu-west-1", { KMSMasterKeyId: "alias/replica", TableClassOverride: "STANDARD_INFREQUENT_ACCESS" })).TableDescription!;
    assert.deepEqual(answer.StreamSpecification, { StreamEnabled: true, StreamViewType: "KEYS_ONLY" });
    assert.deepEqual((await describeIn(east, "keys")).Replicas, [
      {
        RegionName: "eu-west-1",
        ReplicaStatus: "ACTIVE",
        KMSMasterKeyId: "arn:aws:kms:eu-west-1:000000000000:alias/replica",
        ReplicaTableClassSummary: { TableClass: "STANDARD_INFREQUENT_ACCESS" },
      },
    ]);
    const replica = await describeIn(europe, "keys");
    assert.deepEqual(replica.StreamSpecification, { StreamEnabled: true, StreamViewType: "KEYS_ONLY" });
    assert.equal(replica.SSEDescription!.KMSMasterKeyArn, "arn:aws:kms:eu-west-1:000000000000:alias/replica");
    assert.equal(replica.TableClassSummary!.TableClass, "STANDARD_INFREQUENT_ACCESS");
    assert.equal((await describeIn(east, "keys")).TableClassSummary, undefined);
  });

  it("shares indexes and time to live across the group, and keeps the stream on", async () => {
    await west.send(
      new UpdateTableCommand({
        TableName: "music",
        AttributeDefinitions: [{ AttributeName: "from", AttributeType: "S" }],
        GlobalSecondaryIndexUpdates: [{ Create: { IndexName: "by-from", KeySchema: [{ AttributeName: "from", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" } } }],
      }),
    );
    const query = { TableName: "music", IndexName: "by-from", KeyConditionExpression: "#f = :w", ExpressionAttributeNames: { "#f": "from" }, ExpressionAttributeValues: { ":w": { S: "west" } } };
    assert.equal((await east.send(new QueryCommand(query))).Count, 1);
    assert.equal((await west.send(new QueryCommand(query))).Count, 1);
    assert.deepEqual((await describeIn(east, "music")).Replicas, [{ RegionName: "us-west-2", ReplicaStatus: "ACTIVE", GlobalSecondaryIndexes: [{ IndexName: "by-from" }] }]);

    await east.send(new UpdateTimeToLiveCommand({ TableName: "music", TimeToLiveSpecification: { Enabled: true, AttributeName: "expires" } }));
    assert.deepEqual((await west.send(new DescribeTimeToLiveCommand({ TableName: "music" }))).TimeToLiveDescription, { TimeToLiveStatus: "ENABLED", AttributeName: "expires" });

    assert.equal(
      await validation(east.send(new UpdateTableCommand({ TableName: "music", StreamSpecification: { StreamEnabled: false } }))),
      "One or more parameter values were invalid: Disabling Stream is not allowed for a Global Table replica.",
    );
    assert.equal(
      await validation(west.send(new UpdateTableCommand({ TableName: "music", StreamSpecification: { StreamEnabled: true, StreamViewType: "KEYS_ONLY" } }))),
      "Table already has an enabled stream: TableName: music",
    );
    assert.equal(
      await validation(east.send(new UpdateTableCommand({ TableName: "music", BillingMode: "PROVISIONED", ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } }))),
      "Table write capacity should either be Pay-Per-Request or AutoScaled.",
    );
  });

  it("answers DynamoDB's errors for replica updates it refuses", async () => {
    await east.send(new CreateTableCommand(table("checks")));
    const update = (ReplicaUpdates: object[], extra = {}) => east.send(new UpdateTableCommand({ TableName: "checks", ReplicaUpdates, ...extra } as never));
    assert.equal(
      await validation(update([{ Create: { RegionName: "us-west-2" } }], { DeletionProtectionEnabled: true })),
      "One or more parameter values were invalid: Replica modification must be the only operation in the request",
    );
    assert.equal(
      await validation(update([{ Create: { RegionName: "us-west-2" }, Delete: { RegionName: "us-west-2" } }])),
      "Update table operation with more than one type of replica actions not allowed.",
    );
    assert.equal(
      await validation(update([{ Create: { RegionName: "us-west-2" } }, { Create: { RegionName: "eu-west-1" } }])),
      "Update table operation with more than one create or delete replica actions not allowed",
    );
    assert.equal(await validation(update([{ Update: { RegionName: "us-west-2" } }])), "There are no actions specified in the Replica Update Action of the request.");
    assert.match(
      await validation(update([{ Create: { RegionName: "us-fake-1" } }])),
      /^Region us-fake-1 is not supported\. The latest version of global tables are only supported in the following regions: \[af-south-1, .*us-west-2\]\.$/,
    );
    assert.equal(
      await validation(update([{ Delete: { RegionName: "ca-central-1" } }])),
      "Update global table operation failed because one or more replicas were not part of the global table. Please retry the request without these replicas: [ca-central-1].",
    );
    // A table that is no global table has no replica to change, not even its own region's.
    assert.equal(
      await validation(update([{ Update: { RegionName: "us-east-1", TableClassOverride: "STANDARD_INFREQUENT_ACCESS" } }])),
      "Update global table operation failed because one or more replicas were not part of the global table. Please retry the request without these replicas: [us-east-1].",
    );
    assert.equal((await describeIn(east, "checks")).TableClassSummary, undefined);
    // A region with a table of that name already.
    await europe.send(new CreateTableCommand(table("checks")));
    assert.equal(
      await validation(update([{ Create: { RegionName: "eu-west-1" } }])),
      "Failed to create a the new replica of table with name: 'checks' because one or more replicas already existed as tables.",
    );
    // A provisioned table replicates only with its writes auto scaled.
    await east.send(new CreateTableCommand(table("provisioned", { BillingMode: "PROVISIONED", ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } })));
    assert.equal(
      await validation(east.send(new UpdateTableCommand({ TableName: "provisioned", ReplicaUpdates: [{ Create: { RegionName: "us-west-2" } }] }))),
      "Table write capacity should either be Pay-Per-Request or AutoScaled.",
    );
    // Nothing was changed by any of them.
    const checks = await describeIn(east, "checks");
    assert.equal(checks.Replicas, undefined);
    assert.equal(checks.StreamSpecification, undefined);
    await rejectsWith(west.send(new DescribeTableCommand({ TableName: "checks" })), "ResourceNotFoundException", 400);
  });

  it("answers 501 for a replica of another account's table, rather than a table of its own", async () => {
    const refused = await rejectsWith(
      east.send(new CreateTableCommand({ TableName: "borrowed", GlobalTableSourceArn: "arn:aws:dynamodb:us-west-2:111111111111:table/borrowed" })),
      "NotImplemented",
      501,
    );
    assert.equal(refused.message, "CreateTable with GlobalTableSourceArn (a multi-account global table replica) is not supported by Nimbus yet.");
    await rejectsWith(east.send(new DescribeTableCommand({ TableName: "borrowed" })), "ResourceNotFoundException", 400);
  });

  it("removes a replica, and reverts to a regional table with its stream when the last one goes", async () => {
    await addReplica(east, "music", "eu-west-1");
    assert.equal((await describeIn(europe, "music")).ItemCount, 2);
    assert.deepEqual(new Set((await describeIn(west, "music")).Replicas!.map((r) => r.RegionName)), new Set(["us-east-1", "eu-west-1"]));
    await west.send(new PutItemCommand({ TableName: "music", Item: { p: { S: "three-way" } } }));
    assert.ok((await europe.send(new GetItemCommand({ TableName: "music", Key: { p: { S: "three-way" } } }))).Item);

    // The table replicas were copied from cannot leave for 24 hours; a replica may, by DeleteTable in its region.
    assert.equal(
      await validation(east.send(new DeleteTableCommand({ TableName: "music" }))),
      "Replica cannot be deleted because it has acted as a source region for new replica(s) being added to the table in the last 24 hours.",
    );
    await europe.send(new DeleteTableCommand({ TableName: "music" }));
    await rejectsWith(europe.send(new GetItemCommand({ TableName: "music", Key: { p: { S: "a" } } })), "ResourceNotFoundException", 400);
    assert.deepEqual((await describeIn(east, "music")).Replicas!.map((r) => r.RegionName), ["us-west-2"]);

    const answer = (await removeReplica(east, "music", "us-west-2")).TableDescription!;
    assert.equal(answer.TableStatus, "UPDATING");
    await rejectsWith(west.send(new DescribeTableCommand({ TableName: "music" })), "ResourceNotFoundException", 400);
    const alone = await describeIn(east, "music");
    assert.equal(alone.Replicas, undefined);
    assert.equal(alone.GlobalTableVersion, undefined);
    assert.deepEqual(alone.StreamSpecification, { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" });
    // Writes stay home now, and the stream may be turned off again.
    await east.send(new PutItemCommand({ TableName: "music", Item: { p: { S: "local" } } }));
    await east.send(new UpdateTableCommand({ TableName: "music", StreamSpecification: { StreamEnabled: false } }));
    await east.send(new DeleteTableCommand({ TableName: "music" }));
  });

  it("refuses to remove a replica protected against deletion", async () => {
    await addReplica(east, "keys", "us-west-2");
    await west.send(new UpdateTableCommand({ TableName: "keys", DeletionProtectionEnabled: true }));
    assert.equal(
      await validation(removeReplica(east, "keys", "us-west-2")),
      "Cannot delete table keys in region us-west-2 because it has deletion protection enabled. Disable deletion protection first.",
    );
    // Deletion protection is each region's own.
    assert.equal((await describeIn(east, "keys")).DeletionProtectionEnabled, false);
  });
});
