/**
 * DynamoDB settings for services Nimbus does not run, through the AWS SDK:
 * Contributor Insights (with an injected clock, so ENABLING settles to
 * ENABLED), Kinesis streaming destinations and replica auto scaling.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CreateTableCommand,
  DescribeContributorInsightsCommand,
  DescribeKinesisStreamingDestinationCommand,
  DescribeTableReplicaAutoScalingCommand,
  DynamoDBClient,
  ListContributorInsightsCommand,
  UpdateContributorInsightsCommand,
  UpdateTableCommand,
} from "@aws-sdk/client-dynamodb";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";

describe("DynamoDB Contributor Insights and other settings", () => {
  let t: TestCloud;
  let ddb: DynamoDBClient;
  let offset = 0;
  const clock = () => Date.now() + offset;
  const later = (ms: number) => (offset += ms);

  before(async () => {
    t = await startCloud({ inMemory: true, clock });
    ddb = new DynamoDBClient(t.cloud.clientConfig);
    await ddb.send(
      new CreateTableCommand({
        TableName: "music",
        AttributeDefinitions: [
          { AttributeName: "artist", AttributeType: "S" },
          { AttributeName: "song", AttributeType: "S" },
          { AttributeName: "album", AttributeType: "S" },
        ],
        KeySchema: [
          { AttributeName: "artist", KeyType: "HASH" },
          { AttributeName: "song", KeyType: "RANGE" },
        ],
        GlobalSecondaryIndexes: [{ IndexName: "by-album", KeySchema: [{ AttributeName: "album", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" } }],
        LocalSecondaryIndexes: [
          {
            IndexName: "by-artist-album",
            KeySchema: [
              { AttributeName: "artist", KeyType: "HASH" },
              { AttributeName: "album", KeyType: "RANGE" },
            ],
            Projection: { ProjectionType: "KEYS_ONLY" },
          },
        ],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
  });
  after(async () => {
    ddb.destroy();
    await t.stop();
  });

  it("turns Contributor Insights on and off for a table and its global indexes, as DynamoDB reports it", async () => {
    assert.deepEqual(strip(await ddb.send(new DescribeContributorInsightsCommand({ TableName: "music" }))), { TableName: "music", ContributorInsightsStatus: "DISABLED" });
    assert.deepEqual((await ddb.send(new ListContributorInsightsCommand({}))).ContributorInsightsSummaries, []);

    const enabled = await ddb.send(new UpdateContributorInsightsCommand({ TableName: "music", ContributorInsightsAction: "ENABLE" }));
    assert.deepEqual(strip(enabled), { TableName: "music", ContributorInsightsStatus: "ENABLING", ContributorInsightsMode: "ACCESSED_AND_THROTTLED_KEYS" });
    const index = await ddb.send(
      new UpdateContributorInsightsCommand({ TableName: "music", IndexName: "by-album", ContributorInsightsAction: "ENABLE", ContributorInsightsMode: "THROTTLED_KEYS" }),
    );
    assert.deepEqual([index.IndexName, index.ContributorInsightsStatus], ["by-album", "ENABLING"]);
    later(5_000);

    const table = await ddb.send(new DescribeContributorInsightsCommand({ TableName: "music" }));
    assert.equal(table.ContributorInsightsStatus, "ENABLED");
    const stamp = table.LastUpdateDateTime!.getTime();
    assert.deepEqual(
      table.ContributorInsightsRuleList,
      ["PKC", "SKC", "PKT", "SKT"].map((kind) => `DynamoDBContributorInsights-${kind}-music-${stamp}`),
    );
    const described = await ddb.send(new DescribeContributorInsightsCommand({ TableName: "music", IndexName: "by-album" }));
    assert.deepEqual(described.ContributorInsightsRuleList, [`DynamoDBContributorInsights-PKT-music-by-album-${described.LastUpdateDateTime!.getTime()}`]);

    // Asking again for what is already so changes nothing.
    const again = await ddb.send(new UpdateContributorInsightsCommand({ TableName: "music", ContributorInsightsAction: "ENABLE" }));
    assert.equal(again.ContributorInsightsStatus, "ENABLED");
    const listed = await ddb.send(new ListContributorInsightsCommand({ TableName: "music" }));
    assert.deepEqual(listed.ContributorInsightsSummaries, [
      { TableName: "music", ContributorInsightsStatus: "ENABLED", ContributorInsightsMode: "ACCESSED_AND_THROTTLED_KEYS" },
      { TableName: "music", IndexName: "by-album", ContributorInsightsStatus: "ENABLED", ContributorInsightsMode: "THROTTLED_KEYS" },
    ]);
    const paged = await ddb.send(new ListContributorInsightsCommand({ MaxResults: 1 }));
    assert.equal(paged.ContributorInsightsSummaries?.length, 1);
    const rest = await ddb.send(new ListContributorInsightsCommand({ MaxResults: 1, NextToken: paged.NextToken }));
    assert.deepEqual([rest.ContributorInsightsSummaries?.[0]?.IndexName, rest.NextToken], ["by-album", undefined]);

    const disabled = await ddb.send(new UpdateContributorInsightsCommand({ TableName: "music", ContributorInsightsAction: "DISABLE" }));
    assert.equal(disabled.ContributorInsightsStatus, "DISABLING");
    later(5_000);
    const off = strip(await ddb.send(new DescribeContributorInsightsCommand({ TableName: "music" })));
    assert.deepEqual([off.ContributorInsightsStatus, off.ContributorInsightsRuleList, off.ContributorInsightsMode], ["DISABLED", undefined, "ACCESSED_AND_THROTTLED_KEYS"]);
    assert.deepEqual(
      (await ddb.send(new ListContributorInsightsCommand({}))).ContributorInsightsSummaries?.map((s) => s.IndexName),
      ["by-album"],
    );
  });

  it("forgets an index's Contributor Insights with the index", async () => {
    assert.equal((await ddb.send(new DescribeContributorInsightsCommand({ TableName: "music", IndexName: "by-album" }))).ContributorInsightsStatus, "ENABLED");
    await ddb.send(new UpdateTableCommand({ TableName: "music", GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: "by-album" } }] }));
    later(60_000);
    await ddb.send(
      new UpdateTableCommand({
        TableName: "music",
        AttributeDefinitions: [{ AttributeName: "album", AttributeType: "S" }],
        GlobalSecondaryIndexUpdates: [{ Create: { IndexName: "by-album", KeySchema: [{ AttributeName: "album", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" } } }],
      }),
    );
    const recreated = await ddb.send(new DescribeContributorInsightsCommand({ TableName: "music", IndexName: "by-album" }));
    assert.deepEqual([recreated.ContributorInsightsStatus, recreated.LastUpdateDateTime], ["DISABLED", undefined]);
    assert.deepEqual((await ddb.send(new ListContributorInsightsCommand({}))).ContributorInsightsSummaries, []);
  });

  it("names a missing table or index, local indexes included, as DynamoDB does", async () => {
    const table = await rejectsWith(ddb.send(new DescribeContributorInsightsCommand({ TableName: "absent" })), "ResourceNotFoundException", 400);
    assert.equal(table.message, "Requested resource not found: Table: absent not found");
    for (const name of ["absent", "by-artist-album"]) {
      const index = await rejectsWith(
        ddb.send(new UpdateContributorInsightsCommand({ TableName: "music", IndexName: name, ContributorInsightsAction: "ENABLE" })),
        "ResourceNotFoundException",
        400,
      );
      assert.equal(index.message, `Requested resource not found: Index: ${name} not found for table: music`);
    }
    const page = await rejectsWith(ddb.send(new ListContributorInsightsCommand({ MaxResults: 101 })), "ValidationException", 400);
    assert.match(page.message, /Member must have value less than or equal to 100/);
  });

  it("reports no Kinesis streaming destinations and no replica auto scaling", async () => {
    const kinesis = await ddb.send(new DescribeKinesisStreamingDestinationCommand({ TableName: "music" }));
    assert.deepEqual([kinesis.TableName, kinesis.KinesisDataStreamDestinations], ["music", []]);
    await rejectsWith(ddb.send(new DescribeKinesisStreamingDestinationCommand({ TableName: "absent" })), "ResourceNotFoundException", 400);
    const scaling = await rejectsWith(ddb.send(new DescribeTableReplicaAutoScalingCommand({ TableName: "music" })), "ResourceNotFoundException", 400);
    assert.equal(scaling.message, "Global table with name: 'music' does not exist.");
  });
});

/** An answer without the SDK's metadata. */
function strip<T extends { $metadata?: unknown }>(output: T): Omit<T, "$metadata"> {
  const { $metadata: _, ...rest } = output;
  return rest;
}
