/**
 * BatchGetItem / BatchWriteItem, TransactWriteItems / TransactGetItems,
 * DynamoDB Streams, the DocumentClient (lib-dynamodb), routing details,
 * and durability across a restart.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  TransactGetItemsCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  DeleteItemCommand,
} from "@aws-sdk/client-dynamodb";
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, ListStreamsCommand } from "@aws-sdk/client-dynamodb-streams";
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { rm } from "node:fs/promises";
import { crc32 } from "node:zlib";
import { stringKeyedTable } from "../support/dynamodb.js";
import { rejectsWith, spawnCloud, startCloud, tempDir, type TestCloud } from "../support/nimbus.js";
import { rawRequest } from "../support/raw.js";

const table = (name: string, stream?: "NEW_AND_OLD_IMAGES" | "KEYS_ONLY") =>
  new CreateTableCommand({
    ...stringKeyedTable(name),
    ...(stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: stream } } : {}),
  });

describe("DynamoDB batches, transactions and streams", () => {
  let t: TestCloud;
  let ddb: DynamoDBClient;
  before(async () => {
    t = await startCloud({ inMemory: true });
    ddb = new DynamoDBClient(t.cloud.clientConfig);
    await ddb.send(table("batch"));
    await ddb.send(table("accounts"));
  });
  after(async () => {
    ddb.destroy();
    await t.stop();
  });

  it("batch-writes and batch-gets, with empty unprocessed maps", async () => {
    const written = await ddb.send(
      new BatchWriteItemCommand({
        RequestItems: { batch: [1, 2, 3].map((n) => ({ PutRequest: { Item: { id: { S: `k${n}` }, n: { N: String(n) } } } })) },
      }),
    );
    assert.deepEqual(written.UnprocessedItems, {});
    await ddb.send(new BatchWriteItemCommand({ RequestItems: { batch: [{ DeleteRequest: { Key: { id: { S: "k3" } } } }] } }));
    const read = await ddb.send(
      new BatchGetItemCommand({ RequestItems: { batch: { Keys: [{ id: { S: "k1" } }, { id: { S: "k2" } }, { id: { S: "k3" } }], ProjectionExpression: "n" } } }),
    );
    assert.deepEqual(read.UnprocessedKeys, {});
    assert.deepEqual(read.Responses!.batch!.map((i) => i.n!.N).sort(), ["1", "2"]);
    const tooMany = Array.from({ length: 26 }, (_, i) => ({ PutRequest: { Item: { id: { S: `x${i}` } } } }));
    await rejectsWith(ddb.send(new BatchWriteItemCommand({ RequestItems: { batch: tooMany } })), "ValidationException", 400);
    const e = await rejectsWith(
      ddb.send(new BatchGetItemCommand({ RequestItems: { batch: { Keys: [{ id: { S: "k1" } }, { id: { S: "k1" } }] } } })),
      "ValidationException",
      400,
    );
    assert.equal(e.message, "Provided list of item keys contains duplicates");
    await rejectsWith(ddb.send(new BatchGetItemCommand({ RequestItems: { ghost: { Keys: [{ id: { S: "a" } }] } } })), "ResourceNotFoundException", 400);
  });

  it("commits transactions all or nothing, with cancellation reasons", async () => {
    await ddb.send(new PutItemCommand({ TableName: "accounts", Item: { id: { S: "alice" }, balance: { N: "100" } } }));
    await ddb.send(new PutItemCommand({ TableName: "accounts", Item: { id: { S: "bob" }, balance: { N: "0" } } }));
    const transfer = (amount: number) =>
      new TransactWriteItemsCommand({
        TransactItems: [
          {
            Update: {
              TableName: "accounts",
              Key: { id: { S: "alice" } },
              UpdateExpression: "SET balance = balance - :a",
              ConditionExpression: "balance >= :a",
              ExpressionAttributeValues: { ":a": { N: String(amount) } },
              ReturnValuesOnConditionCheckFailure: "ALL_OLD",
            },
          },
          { Update: { TableName: "accounts", Key: { id: { S: "bob" } }, UpdateExpression: "SET balance = balance + :a", ExpressionAttributeValues: { ":a": { N: String(amount) } } } },
        ],
      });
    await ddb.send(transfer(60));
    const error = await rejectsWith(ddb.send(transfer(60)), "TransactionCanceledException", 400);
    assert.ok(error instanceof TransactionCanceledException);
    assert.equal(error.message, "Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None]");
    assert.deepEqual(error.CancellationReasons, [
      { Code: "ConditionalCheckFailed", Message: "The conditional request failed", Item: { id: { S: "alice" }, balance: { N: "40" } } },
      { Code: "None" },
    ]);
    const got = await ddb.send(
      new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: "accounts", Key: { id: { S: "alice" } } } }, { Get: { TableName: "accounts", Key: { id: { S: "bob" } } } }] }),
    );
    assert.deepEqual(got.Responses?.map((r) => r.Item?.balance?.N), ["40", "60"]);
    const twice = new TransactWriteItemsCommand({
      TransactItems: [
        { Put: { TableName: "accounts", Item: { id: { S: "carol" } } } },
        { ConditionCheck: { TableName: "accounts", Key: { id: { S: "carol" } }, ConditionExpression: "attribute_exists(id)" } },
      ],
    });
    const e2 = await rejectsWith(ddb.send(twice), "ValidationException", 400);
    assert.equal(e2.message, "Transaction request cannot include multiple operations on one item");
    const readTwice = new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: "accounts", Key: { id: { S: "bob" } } } }, { Get: { TableName: "accounts", Key: { id: { S: "bob" } } } }] });
    const e3 = await rejectsWith(ddb.send(readTwice), "ValidationException", 400);
    assert.equal(e3.message, "Transaction request cannot include multiple operations on one item");
  });

  // DynamoDB's answers as nubo-db's dynamodb-conformance captured them (us-east-1).
  it("checks a transaction's actions, and the tables they name, before it looks a table up", async () => {
    const refused = async (command: TransactWriteItemsCommand | TransactGetItemsCommand, message: string) => {
      const e = await rejectsWith(ddb.send(command as TransactWriteItemsCommand), "ValidationException", 400);
      assert.equal(e.message, message);
    };
    const put = { Put: { TableName: "ghost", Item: { id: { S: "a" } } } };
    await refused(new TransactWriteItemsCommand({ TransactItems: [{}] }), "Invalid Request: TransactWriteRequest should contain Delete or Put or Update request");
    await refused(new TransactWriteItemsCommand({ TransactItems: [put, {}] }), "Invalid Request: TransactWriteRequest should contain Delete or Put or Update request");
    await refused(
      new TransactWriteItemsCommand({ TransactItems: [put, { ...put, Delete: { TableName: "accounts", Key: { id: { S: "a" } } } }] }),
      "TransactItems can only contain one of Check, Put, Update or Delete",
    );
    const badName = (path: string) =>
      `1 validation error detected: Value 'bad!name' at 'transactItems.${path}.tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+`;
    await refused(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: "bad!name", Item: { id: { S: "a" } } } }] }), badName("1.member.put"));
    await refused(
      new TransactWriteItemsCommand({
        TransactItems: [put, { Update: { TableName: "bad!name", Key: { id: { S: "a" } }, UpdateExpression: "SET a = :a", ExpressionAttributeValues: { ":a": { S: "x" } } } }],
      }),
      badName("2.member.update"),
    );
    await refused(
      new TransactWriteItemsCommand({ TransactItems: [{ ConditionCheck: { TableName: "bad!name", Key: { id: { S: "a" } }, ConditionExpression: "attribute_exists(id)" } }] }),
      badName("1.member.conditionCheck"),
    );
    await refused(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: "bad!name", Key: { id: { S: "a" } } } }] }), badName("1.member.get"));
  });

  it("honours ClientRequestToken idempotency", async () => {
    const send = (value: string) =>
      ddb.send(
        new TransactWriteItemsCommand({
          ClientRequestToken: "token-1",
          TransactItems: [{ Update: { TableName: "accounts", Key: { id: { S: "idem" } }, UpdateExpression: "ADD n :one", ExpressionAttributeValues: { ":one": { N: value } } } }],
        }),
      );
    await send("1");
    await send("1");
    // The same request with its maps' keys in another order is the same request.
    await ddb.send(
      new TransactWriteItemsCommand({
        ClientRequestToken: "token-1",
        TransactItems: [{ Update: { ExpressionAttributeValues: { ":one": { N: "1" } }, UpdateExpression: "ADD n :one", Key: { id: { S: "idem" } }, TableName: "accounts" } }],
      }),
    );
    const { Item } = await ddb.send(new GetItemCommand({ TableName: "accounts", Key: { id: { S: "idem" } } }));
    assert.equal(Item?.n?.N, "1", "the retry did not apply twice");
    await rejectsWith(send("2"), "IdempotentParameterMismatchException", 400);
  });

  it("charges a write for a transaction, and a transactional read for its idempotent replay", async () => {
    const send = () =>
      ddb.send(
        new TransactWriteItemsCommand({
          ClientRequestToken: "token-charged",
          ReturnConsumedCapacity: "TOTAL",
          TransactItems: [{ Put: { TableName: "accounts", Item: { id: { S: "charged" } } } }],
        }),
      );
    assert.deepEqual((await send()).ConsumedCapacity, [{ TableName: "accounts", CapacityUnits: 2, WriteCapacityUnits: 2 }]);
    assert.deepEqual((await send()).ConsumedCapacity, [{ TableName: "accounts", CapacityUnits: 2, ReadCapacityUnits: 2 }]);
  });

  it("records every change on the stream, in order, with the view's images", async () => {
    const { TableDescription } = await ddb.send(table("watched", "NEW_AND_OLD_IMAGES"));
    await ddb.send(new PutItemCommand({ TableName: "watched", Item: { id: { S: "a" }, v: { N: "1" } } }));
    await ddb.send(new UpdateItemCommand({ TableName: "watched", Key: { id: { S: "a" } }, UpdateExpression: "SET v = :v", ExpressionAttributeValues: { ":v": { N: "2" } } }));
    await ddb.send(new PutItemCommand({ TableName: "watched", Item: { id: { S: "a" }, v: { N: "2" } } }));
    await ddb.send(new DeleteItemCommand({ TableName: "watched", Key: { id: { S: "a" } } }));

    const streams = new DynamoDBStreamsClient(t.cloud.clientConfig);
    try {
      const listed = await streams.send(new ListStreamsCommand({ TableName: "watched" }));
      assert.equal(listed.Streams?.[0]?.StreamArn, TableDescription!.LatestStreamArn);
      const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: TableDescription!.LatestStreamArn! }));
      assert.equal(StreamDescription!.StreamStatus, "ENABLED");
      assert.equal(StreamDescription!.StreamViewType, "NEW_AND_OLD_IMAGES");
      const shardId = StreamDescription!.Shards![0]!.ShardId!;
      const { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({ StreamArn: TableDescription!.LatestStreamArn!, ShardId: shardId, ShardIteratorType: "TRIM_HORIZON" }),
      );
      const { Records, NextShardIterator } = await streams.send(new GetRecordsCommand({ ShardIterator: ShardIterator! }));
      assert.deepEqual(Records?.map((r) => r.eventName), ["INSERT", "MODIFY", "REMOVE"], "an unchanged put writes no record");
      assert.deepEqual(Records?.[1]?.dynamodb?.OldImage, { id: { S: "a" }, v: { N: "1" } });
      assert.deepEqual(Records?.[1]?.dynamodb?.NewImage, { id: { S: "a" }, v: { N: "2" } });
      assert.deepEqual(Records?.[2]?.dynamodb?.Keys, { id: { S: "a" } });
      assert.equal(Records?.[0]?.eventSource, "aws:dynamodb");
      const seqs = Records!.map((r) => BigInt(r.dynamodb!.SequenceNumber!));
      assert.ok(seqs[0]! < seqs[1]! && seqs[1]! < seqs[2]!);
      // The shard starts before its first record; iterators read `<stream ARN>|1|…`.
      assert.ok(BigInt(StreamDescription!.Shards![0]!.SequenceNumberRange!.StartingSequenceNumber!) < seqs[0]!);
      assert.ok(ShardIterator!.startsWith(`${TableDescription!.LatestStreamArn!}|1|`));
      await rejectsWith(streams.send(new GetRecordsCommand({ ShardIterator: ShardIterator!, Limit: 1001 })), "ValidationException", 400);
      const more = await streams.send(new GetRecordsCommand({ ShardIterator: NextShardIterator! }));
      assert.deepEqual(more.Records, []);
      // An iterator's opaque part is the client's to alter: a state no GetShardIterator made is invalid.
      const [arn, , opaque] = ShardIterator!.split("|");
      const state = JSON.parse(Buffer.from(opaque!, "base64url").toString()) as Record<string, unknown>;
      for (const forged of [{ at: -1e20 }, { at: 1.5 }, { next: -1 }, { next: 1e308 }, { shard: "shardId-00000000000000000000-00000000" }]) {
        const iterator = `${arn}|1|${Buffer.from(JSON.stringify({ ...state, ...forged })).toString("base64url")}`;
        const refused = await rejectsWith(streams.send(new GetRecordsCommand({ ShardIterator: iterator })), "ValidationException", 400);
        assert.equal(refused.message, "Invalid ShardIterator", JSON.stringify(forged));
      }
      await rejectsWith(streams.send(new DescribeStreamCommand({ StreamArn: `${TableDescription!.TableArn}/stream/2000-01-01T00:00:00.000` })), "ResourceNotFoundException", 400);
      // The shard's starting number is itself a place to start reading from.
      const start = StreamDescription!.Shards![0]!.SequenceNumberRange!.StartingSequenceNumber!;
      const at = await streams.send(
        new GetShardIteratorCommand({ StreamArn: TableDescription!.LatestStreamArn!, ShardId: shardId, ShardIteratorType: "AT_SEQUENCE_NUMBER", SequenceNumber: start }),
      );
      assert.equal((await streams.send(new GetRecordsCommand({ ShardIterator: at.ShardIterator! }))).Records?.length, 3);
      // What is no stream ARN is invalid; a shard id past the last gives an empty page.
      await rejectsWith(streams.send(new DescribeStreamCommand({ StreamArn: "sdfadfsdfnlfkajakfgjalksfgklasjklasdjfklasdfasdfgasf" })), "ValidationException", 400);
      await rejectsWith(streams.send(new ListStreamsCommand({ ExclusiveStartStreamArn: "kossaapaaasdafsdaasdasdasdasasdasfadfadfasdasdas" })), "ValidationException", 400);
      // ListStreams pages at most 100 streams, refused beyond as GetRecords' Limit is.
      const tooMany = await rejectsWith(streams.send(new ListStreamsCommand({ Limit: 101 })), "ValidationException", 400);
      assert.equal(tooMany.message, "1 validation error detected: Value '101' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100");
      const past = await streams.send(new DescribeStreamCommand({ StreamArn: TableDescription!.LatestStreamArn!, ExclusiveStartShardId: "z".repeat(40) }));
      assert.deepEqual(past.StreamDescription!.Shards, []);
      // The one shard has no children: a CHILD_SHARDS filter on it answers none, not the shard itself.
      const children = await streams.send(new DescribeStreamCommand({ StreamArn: TableDescription!.LatestStreamArn!, ShardFilter: { Type: "CHILD_SHARDS", ShardId: shardId } }));
      assert.deepEqual(children.StreamDescription!.Shards, []);
      assert.equal(children.StreamDescription!.StreamStatus, "ENABLED");
    } finally {
      streams.destroy();
    }
  });

  it("works with the DocumentClient", async () => {
    const doc = DynamoDBDocumentClient.from(ddb);
    await doc.send(new PutCommand({ TableName: "batch", Item: { id: "doc", tags: new Set(["a"]), nested: { list: [1, "two", { deep: true }] }, n: 1.5 } }));
    const { Item } = await doc.send(new GetCommand({ TableName: "batch", Key: { id: "doc" } }));
    assert.deepEqual(Item, { id: "doc", tags: new Set(["a"]), nested: { list: [1, "two", { deep: true }] }, n: 1.5 });
    const updated = await doc.send(new UpdateCommand({ TableName: "batch", Key: { id: "doc" }, UpdateExpression: "SET n = n + :d", ExpressionAttributeValues: { ":d": 1 }, ReturnValues: "ALL_NEW" }));
    assert.equal(updated.Attributes?.n, 2.5);
    const queried = await doc.send(new QueryCommand({ TableName: "batch", KeyConditionExpression: "id = :id", ExpressionAttributeValues: { ":id": "doc" } }));
    assert.equal(queried.Count, 1);
  });

  it("answers UnknownOperationException, SerializationException and crc32 on the wire", async () => {
    const post = (target: string, body: string) =>
      rawRequest(t.cloud.endpoint, {
        method: "POST",
        path: "/",
        service: "dynamodb",
        headers: { "x-amz-target": target, "content-type": "application/x-amz-json-1.0" },
        body,
      });
    const unknown = await post("DynamoDB_20120810.NoSuchOperation", "{}");
    assert.equal(unknown.status, 400);
    assert.match((JSON.parse(unknown.body) as { __type: string }).__type, /#UnknownOperationException$/);
    const malformed = await post("DynamoDB_20120810.GetItem", "{not json");
    assert.equal(malformed.status, 400);
    assert.match((JSON.parse(malformed.body) as { __type: string }).__type, /#SerializationException$/);
    const wrongTypes: [string, unknown, string][] = [
      ["DescribeTable", { TableName: 5 }, "NUMBER_VALUE cannot be converted to String"],
      ["DescribeTable", { TableName: true }, "TRUE_VALUE cannot be converted to String"],
      ["DescribeTable", { TableName: ["a"] }, "Unrecognized collection type class java.lang.String"],
      ["DescribeTable", { TableName: { a: 1 } }, "Start of structure or map found where not expected"],
      ["Scan", { TableName: "batch", Limit: "x" }, "STRING_VALUE cannot be converted to Integer"],
      ["GetItem", { TableName: "batch", Key: { id: { S: "x" } }, ConsistentRead: 1 }, "NUMBER_VALUE cannot be converted to Boolean"],
      ["GetItem", { TableName: "batch", Key: { id: "x" } }, "Unexpected value type in payload"],
      ["GetItem", { TableName: "batch", Key: [] }, "Unrecognized collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>"],
      ["BatchWriteItem", { RequestItems: { batch: "x" } }, "Unexpected field type"],
      ["GetItem", { TableName: "batch", Key: { id: { B: 5 } } }, "only base-64-encoded strings are convertible to bytes"],
    ];
    for (const [operation, body, message] of wrongTypes) {
      const answer = await post(`DynamoDB_20120810.${operation}`, JSON.stringify(body));
      assert.equal(answer.status, 400, operation);
      const parsed = JSON.parse(answer.body) as { __type: string; message?: string; Message?: string };
      assert.match(parsed.__type, /#SerializationException$/);
      assert.equal(parsed.message ?? parsed.Message, message, JSON.stringify(body));
    }
    // A document nested deeper than any walk over it can follow (JSON.parse takes it): refused, as DynamoDB's parser refuses it.
    for (const depth of [3000, 20_000]) {
      const deep = `{"TableName":"batch","Item":{"id":{"S":"deep"},"v":${'{"L":['.repeat(depth)}{"S":"x"}${"]}".repeat(depth)}}}`;
      const answer = await post("DynamoDB_20120810.PutItem", deep);
      assert.equal(answer.status, 400, String(depth));
      assert.match((JSON.parse(answer.body) as { __type: string }).__type, /#SerializationException$/);
    }
    const listed = await post("DynamoDB_20120810.ListTables", "{}");
    assert.equal(listed.status, 200);
    assert.equal(listed.headers["x-amz-crc32"], String(crc32(Buffer.from(listed.body))));
    // DynamoDB's request ids: 52 base32hex digits.
    assert.match(String(listed.headers["x-amzn-requestid"]), /^[0-9A-V]{52}$/);
    assert.match(String(unknown.headers["x-amzn-requestid"]), /^[0-9A-V]{52}$/);
  });
});

describe("DynamoDB durability", () => {
  it("keeps tables, items and indexes across a restart", async () => {
    const first = await startCloud();
    const dataDir = first.dataDir;
    const c1 = new DynamoDBClient(first.cloud.clientConfig);
    await c1.send(table("durable"));
    await c1.send(new PutItemCommand({ TableName: "durable", Item: { id: { S: "kept" }, v: { N: "42" } } }));
    c1.destroy();
    await first.cloud.stop();

    const second = await startCloud({ dataDir });
    const c2 = new DynamoDBClient(second.cloud.clientConfig);
    try {
      const { Item } = await c2.send(new GetItemCommand({ TableName: "durable", Key: { id: { S: "kept" } } }));
      assert.equal(Item?.v?.N, "42");
    } finally {
      c2.destroy();
      await second.stop();
      await first.stop().catch(() => {});
    }
  });

  it("keeps acknowledged writes after kill -9", async () => {
    const dataDir = await tempDir();
    const child = await spawnCloud(["--data-dir", dataDir]);
    const c1 = new DynamoDBClient({ endpoint: child.endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
    try {
      await c1.send(table("crashy"));
      for (let i = 0; i < 20; i++) await c1.send(new PutItemCommand({ TableName: "crashy", Item: { id: { S: `k${i}` }, v: { N: String(i) } } }));
      // A burst, killed as soon as its last answer is in: its final batches are committed, their sync likely still running.
      await Promise.all(Array.from({ length: 100 }, (_, i) => c1.send(new PutItemCommand({ TableName: "crashy", Item: { id: { S: `burst${i}` }, v: { N: String(i) } } }))));
    } finally {
      c1.destroy();
      const exited = new Promise((resolve) => child.process.once("exit", resolve));
      child.process.kill("SIGKILL");
      await exited;
    }
    const again = await startCloud({ dataDir });
    const c2 = new DynamoDBClient(again.cloud.clientConfig);
    try {
      const { Item } = await c2.send(new GetItemCommand({ TableName: "crashy", Key: { id: { S: "k19" } } }));
      assert.equal(Item?.v?.N, "19");
      const { Count } = await c2.send(new ScanCommand({ TableName: "crashy", Select: "COUNT" }));
      assert.equal(Count, 120);
    } finally {
      c2.destroy();
      await again.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
