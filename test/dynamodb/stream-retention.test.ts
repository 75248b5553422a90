/**
 * DynamoDB Streams' limits over time and size, through the AWS SDK with an
 * injected clock: records live 24 hours, a disabled stream 24 hours after
 * it ends, reading trimmed data answers TrimmedDataAccessException, and a
 * GetRecords page holds 1 MB at most.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CreateTableCommand, DynamoDBClient, PutItemCommand, UpdateTableCommand } from "@aws-sdk/client-dynamodb";
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
  type ShardIteratorType,
} from "@aws-sdk/client-dynamodb-streams";
import { startCloud, type TestCloud } from "../support/nimbus.js";

const HOUR = 60 * 60 * 1000;

describe("DynamoDB Streams retention and page size", () => {
  let t: TestCloud;
  let ddb: DynamoDBClient;
  let streams: DynamoDBStreamsClient;
  let offset = 0;
  /** Clients that sign by the server's clock. */
  const connect = () => {
    ddb?.destroy();
    streams?.destroy();
    ddb = new DynamoDBClient({ ...t.cloud.clientConfig, systemClockOffset: offset });
    streams = new DynamoDBStreamsClient({ ...t.cloud.clientConfig, systemClockOffset: offset });
  };
  /** Moves the server's clock, and the clients' with it. */
  const advance = (ms: number) => {
    offset += ms;
    connect();
  };

  before(async () => {
    t = await startCloud({ inMemory: true, clock: () => Date.now() + offset });
    connect();
  });
  after(async () => {
    ddb.destroy();
    streams.destroy();
    await t.stop();
  });

  async function createTable(name: string, viewType: "NEW_IMAGE" | "KEYS_ONLY"): Promise<string> {
    const { TableDescription } = await ddb.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
        StreamSpecification: { StreamEnabled: true, StreamViewType: viewType },
      }),
    );
    return TableDescription!.LatestStreamArn!;
  }

  async function iterator(streamArn: string, type: ShardIteratorType, sequenceNumber?: string): Promise<string> {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    const ShardId = StreamDescription!.Shards![0]!.ShardId!;
    const { ShardIterator } = await streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId, ShardIteratorType: type, SequenceNumber: sequenceNumber }));
    return ShardIterator!;
  }

  const put = (table: string, id: string, extra: Record<string, { S: string }> = {}) =>
    ddb.send(new PutItemCommand({ TableName: table, Item: { id: { S: id }, ...extra } }));

  async function rejection(promise: Promise<unknown>): Promise<{ name: string; status?: number; message: string }> {
    try {
      await promise;
    } catch (error) {
      const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
      return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
    }
    return assert.fail("expected a rejection");
  }

  it("trims records older than 24 hours, and refuses iterators into trimmed data", async () => {
    const arn = await createTable("retention", "KEYS_ONLY");
    await put("retention", "old");
    const first = (await streams.send(new GetRecordsCommand({ ShardIterator: await iterator(arn, "TRIM_HORIZON") }))).Records!;
    const oldSeq = first[0]!.dynamodb!.SequenceNumber!;

    advance(23 * HOUR);
    await put("retention", "new");
    advance(HOUR - 60_000);
    // Made a minute before the old record turns 24 hours old, used two minutes later.
    const stale = await iterator(arn, "TRIM_HORIZON");
    advance(2 * 60_000);

    const left = (await streams.send(new GetRecordsCommand({ ShardIterator: await iterator(arn, "TRIM_HORIZON") }))).Records!;
    assert.deepEqual(left.map((r) => r.dynamodb?.Keys?.id?.S), ["new"]);

    const trimmedRead = await rejection(streams.send(new GetRecordsCommand({ ShardIterator: stale })));
    assert.deepEqual(trimmedRead, { name: "TrimmedDataAccessException", status: 400, message: "The operation attempted to read past the oldest stream record in a shard." });
    const trimmedAt = await rejection(iterator(arn, "AT_SEQUENCE_NUMBER", oldSeq));
    assert.equal(trimmedAt.name, "TrimmedDataAccessException");

    // The shard's advertised start, just before the first record kept, still starts a read.
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
    const start = StreamDescription!.Shards![0]!.SequenceNumberRange!.StartingSequenceNumber!;
    const fromStart = (await streams.send(new GetRecordsCommand({ ShardIterator: await iterator(arn, "AT_SEQUENCE_NUMBER", start) }))).Records!;
    assert.deepEqual(fromStart.map((r) => r.dynamodb?.Keys?.id?.S), ["new"]);

    // After the trimmed record: the first record kept.
    const after = (await streams.send(new GetRecordsCommand({ ShardIterator: await iterator(arn, "AFTER_SEQUENCE_NUMBER", oldSeq) }))).Records!;
    assert.deepEqual(after.map((r) => r.dynamodb?.Keys?.id?.S), ["new"]);

    // Once every record is trimmed, LATEST still reads what comes next.
    advance(24 * HOUR);
    const latest = await iterator(arn, "LATEST");
    assert.deepEqual((await streams.send(new GetRecordsCommand({ ShardIterator: await iterator(arn, "TRIM_HORIZON") }))).Records, []);
    await put("retention", "later");
    const next = (await streams.send(new GetRecordsCommand({ ShardIterator: latest }))).Records!;
    assert.deepEqual(next.map((r) => r.dynamodb?.Keys?.id?.S), ["later"]);
    assert.ok(BigInt(next[0]!.dynamodb!.SequenceNumber!) > BigInt(oldSeq));
  });

  it("keeps a disabled stream readable for 24 hours, then forgets it", async () => {
    const arn = await createTable("ended", "KEYS_ONLY");
    await put("ended", "a");
    await ddb.send(new UpdateTableCommand({ TableName: "ended", StreamSpecification: { StreamEnabled: false } }));
    advance(23 * HOUR);
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
    assert.equal(StreamDescription!.StreamStatus, "DISABLED");
    assert.ok((await streams.send(new ListStreamsCommand({ TableName: "ended" }))).Streams!.some((s) => s.StreamArn === arn));

    advance(2 * HOUR);
    assert.deepEqual((await streams.send(new ListStreamsCommand({ TableName: "ended" }))).Streams, []);
    const gone = await rejection(streams.send(new DescribeStreamCommand({ StreamArn: arn })));
    assert.deepEqual(gone, { name: "ResourceNotFoundException", status: 400, message: `Requested resource not found: Stream: ${arn} not found` });
  });

  it("answers at most 1 MB of records a page", async () => {
    const arn = await createTable("pages", "NEW_IMAGE");
    const shardStart = await iterator(arn, "TRIM_HORIZON");
    for (let i = 0; i < 5; i++) await put("pages", `item-${i}`, { data: { S: "x".repeat(300 * 1024) } });
    const firstPage = await streams.send(new GetRecordsCommand({ ShardIterator: shardStart }));
    assert.deepEqual(firstPage.Records!.map((r) => r.dynamodb?.Keys?.id?.S), ["item-0", "item-1", "item-2"]);
    const secondPage = await streams.send(new GetRecordsCommand({ ShardIterator: firstPage.NextShardIterator! }));
    assert.deepEqual(secondPage.Records!.map((r) => r.dynamodb?.Keys?.id?.S), ["item-3", "item-4"]);
  });
});
