/**
 * DynamoDB batch and paging limits through the AWS SDK: BatchGetItem's
 * 16 MB answers with UnprocessedKeys, BatchWriteItem's validations, and
 * ExclusiveStartKey checks of Query and Scan; an expression's 300
 * operators and what deep nesting answers.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  BatchGetItemCommand,
  UpdateItemCommand,
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
} from "@aws-sdk/client-dynamodb";
import { stringKeyedTable } from "../support/dynamodb.js";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";

describe("DynamoDB limits", () => {
  let t: TestCloud;
  let ddb: DynamoDBClient;
  before(async () => {
    t = await startCloud({ inMemory: true });
    ddb = new DynamoDBClient(t.cloud.clientConfig);
    await ddb.send(new CreateTableCommand(stringKeyedTable("big")));
    await ddb.send(
      new CreateTableCommand({
        TableName: "ranged",
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, { AttributeName: "sk", AttributeType: "N" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
  });
  after(async () => {
    ddb.destroy();
    await t.stop();
  });

  async function message(promise: Promise<unknown>): Promise<string> {
    return (await rejectsWith(promise, "ValidationException", 400)).message;
  }

  it("indexes items whose keys reach DynamoDB's limits, in a local and a global index, and unindexes them", async () => {
    await ddb.send(
      new CreateTableCommand({
        TableName: "long-keys",
        AttributeDefinitions: ["p", "c", "l", "g"].map((AttributeName) => ({ AttributeName, AttributeType: "S" as const })),
        KeySchema: [{ AttributeName: "p", KeyType: "HASH" }, { AttributeName: "c", KeyType: "RANGE" }],
        LocalSecondaryIndexes: [{ IndexName: "by-l", KeySchema: [{ AttributeName: "p", KeyType: "HASH" }, { AttributeName: "l", KeyType: "RANGE" }], Projection: { ProjectionType: "ALL" } }],
        GlobalSecondaryIndexes: [{ IndexName: "by-g", KeySchema: [{ AttributeName: "g", KeyType: "HASH" }, { AttributeName: "l", KeyType: "RANGE" }], Projection: { ProjectionType: "KEYS_ONLY" } }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    const item = { p: { S: "p".repeat(2048) }, c: { S: "c".repeat(1024) }, l: { S: "l".repeat(1024) }, g: { S: "g".repeat(2048) } };
    await ddb.send(new PutItemCommand({ TableName: "long-keys", Item: item }));
    const local = await ddb.send(new QueryCommand({ TableName: "long-keys", IndexName: "by-l", KeyConditionExpression: "p = :p AND l = :l", ExpressionAttributeValues: { ":p": item.p, ":l": item.l } }));
    assert.equal(local.Count, 1);
    const global = await ddb.send(new QueryCommand({ TableName: "long-keys", IndexName: "by-g", KeyConditionExpression: "g = :g", ExpressionAttributeValues: { ":g": item.g } }));
    assert.equal(global.Items?.[0]?.c?.S, item.c.S);
    await ddb.send(new DeleteItemCommand({ TableName: "long-keys", Key: { p: item.p, c: item.c } }));
    assert.equal((await ddb.send(new ScanCommand({ TableName: "long-keys", IndexName: "by-g" }))).Count, 0);
    assert.equal((await ddb.send(new ScanCommand({ TableName: "long-keys", IndexName: "by-l" }))).Count, 0);
  });

  it("answers BatchGetItem up to 16 MB and hands the other keys back as UnprocessedKeys", async () => {
    const body = "x".repeat(390 * 1024);
    const ids = Array.from({ length: 45 }, (_, i) => `item-${String(i).padStart(2, "0")}`);
    for (let i = 0; i < ids.length; i += 15) {
      const chunk = ids.slice(i, i + 15).map((id) => ({ PutRequest: { Item: { id: { S: id }, body: { S: body } } } }));
      await ddb.send(new BatchWriteItemCommand({ RequestItems: { big: chunk } }));
    }
    const keys = ids.map((id) => ({ id: { S: id } }));
    const first = await ddb.send(new BatchGetItemCommand({ RequestItems: { big: { Keys: keys, ConsistentRead: true } }, ReturnConsumedCapacity: "TOTAL" }));
    const got = first.Responses?.big?.length ?? 0;
    assert.ok(got > 0 && got < 45, `got ${got}`);
    // Only what was read is charged: 390 KB strongly consistent is 98 units an item.
    assert.equal(first.ConsumedCapacity?.[0]?.CapacityUnits, got * 98);
    assert.ok(got * 390 * 1024 <= 16 * 1024 * 1024);
    const left = first.UnprocessedKeys?.big;
    assert.equal(left?.Keys?.length, 45 - got);
    assert.equal(left?.ConsistentRead, true);
    const second = await ddb.send(new BatchGetItemCommand({ RequestItems: first.UnprocessedKeys! }));
    assert.equal(second.Responses?.big?.length, 45 - got);
    assert.deepEqual(second.UnprocessedKeys, {});
    const all = [...first.Responses!.big!, ...second.Responses!.big!].map((i) => i.id!.S!).sort();
    assert.deepEqual(all, ids);
  });

  it("validates BatchWriteItem requests", async () => {
    assert.equal(
      await message(
        ddb.send(
          new BatchWriteItemCommand({
            RequestItems: { big: [{ PutRequest: { Item: { id: { S: "dup" } } } }, { DeleteRequest: { Key: { id: { S: "dup" } } } }] },
          }),
        ),
      ),
      "Provided list of item keys contains duplicates",
    );
    assert.equal(
      // In a batch DynamoDB words a missing or mistyped key attribute as a schema mismatch, unlike PutItem.
      await message(ddb.send(new BatchWriteItemCommand({ RequestItems: { big: [{ PutRequest: { Item: { id: { N: "5" } } } }] } }))),
      "The provided key element does not match the schema",
    );
    assert.equal(
      await message(ddb.send(new BatchWriteItemCommand({ RequestItems: { big: [{ PutRequest: { Item: { other: { S: "5" } } } }] } }))),
      "The provided key element does not match the schema",
    );
    assert.equal(
      await message(ddb.send(new BatchWriteItemCommand({ RequestItems: { big: [{ DeleteRequest: { Key: { other: { S: "x" } } } }] } }))),
      "The provided key element does not match the schema",
    );
    assert.equal(
      await message(ddb.send(new BatchWriteItemCommand({ RequestItems: { big: [{ PutRequest: { Item: { id: { S: "" } } } }] } }))),
      "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: id",
    );
    const tooMany = (table: string, from: number) => Array.from({ length: 13 }, (_, i) => ({ PutRequest: { Item: { id: { S: `m${from + i}` } } } })).map((r) => (table === "ranged" ? { PutRequest: { Item: { pk: r.PutRequest.Item.id, sk: { N: "1" } } } } : r));
    assert.equal(
      await message(ddb.send(new BatchWriteItemCommand({ RequestItems: { big: tooMany("big", 0), ranged: tooMany("ranged", 100) } }))),
      "Too many items requested for the BatchWriteItem call",
    );
  });

  it("refuses a Query ExclusiveStartKey outside the partition or range it reads", async () => {
    await ddb.send(
      new BatchWriteItemCommand({
        RequestItems: { ranged: [1, 2, 3].map((n) => ({ PutRequest: { Item: { pk: { S: "p" }, sk: { N: String(n) } } } })) },
      }),
    );
    const query = (condition: string, values: Record<string, { S: string } | { N: string }>, start: Record<string, { S: string } | { N: string }>) =>
      ddb.send(new QueryCommand({ TableName: "ranged", KeyConditionExpression: condition, ExpressionAttributeValues: values, ExclusiveStartKey: start }));
    const page = await query("pk = :p", { ":p": { S: "p" } }, { pk: { S: "p" }, sk: { N: "1" } });
    assert.deepEqual(page.Items?.map((i) => i.sk?.N), ["2", "3"]);
    assert.equal(
      await message(query("pk = :p", { ":p": { S: "p" } }, { pk: { S: "other" }, sk: { N: "1" } })),
      "The provided starting key is outside query boundaries based on provided conditions",
    );
    assert.equal(
      await message(query("pk = :p AND sk > :s", { ":p": { S: "p" }, ":s": { N: "2" } }, { pk: { S: "p" }, sk: { N: "1" } })),
      "The provided starting key does not match the range key predicate",
    );
    assert.equal(await message(query("pk = :p", { ":p": { S: "p" } }, { pk: { S: "p" } })), "The provided starting key is invalid");
    assert.equal(
      await message(query("pk = :p", { ":p": { S: "p" } }, { pk: { S: "p" }, sk: { S: "1" } })),
      "The provided key element does not match the schema",
    );
  });

  it("refuses a Scan ExclusiveStartKey of another segment", async () => {
    const whole = await ddb.send(new ScanCommand({ TableName: "ranged", Segment: 0, TotalSegments: 2 }));
    const other = await ddb.send(new ScanCommand({ TableName: "ranged", Segment: 1, TotalSegments: 2 }));
    const [inFirst] = whole.Items ?? [];
    const [inSecond] = other.Items ?? [];
    const start = inFirst ?? inSecond;
    assert.ok(start);
    const wrongSegment = inFirst ? 1 : 0;
    assert.equal(
      await message(ddb.send(new ScanCommand({ TableName: "ranged", Segment: wrongSegment, TotalSegments: 2, ExclusiveStartKey: { pk: start.pk!, sk: start.sk! } }))),
      `The provided starting key is invalid: Invalid ExclusiveStartKey. Please use ExclusiveStartKey with correct Segment. TotalSegments: 2 Segment: ${wrongSegment}`,
    );
    assert.equal(
      await message(ddb.send(new ScanCommand({ TableName: "ranged", ExclusiveStartKey: { pk: { S: "p" } } }))),
      "The provided starting key is invalid: The provided key element does not match the schema",
    );
  });

  it("limits a condition to 300 operators and answers deep nesting with the parser's own errors", async () => {
    // The expressions of ScyllaDB's AWS-verified test_deeply_nested_expression_* tests, with AWS's answers.
    await ddb.send(new PutItemCommand({ TableName: "big", Item: { id: { S: "nested" }, a: { N: "1" }, b: { N: "2" } } }));
    const update = (ConditionExpression: string) =>
      ddb.send(new UpdateItemCommand({ TableName: "big", Key: { id: { S: "nested" } }, UpdateExpression: "SET z = :v", ConditionExpression, ExpressionAttributeValues: { ":v": { N: "1" } } }));
    // 150 comparisons and 149 ORs: 299 operators.
    await update("a<b " + "or (a<b ".repeat(149) + ")".repeat(149));
    const tooMany = "Invalid ConditionExpression: The expression contains too many operators; operator count: 301";
    assert.equal(await message(update("a<b " + "or (a<b ".repeat(150) + ")".repeat(150))), tooMany);
    assert.equal(await message(update("a<b " + "or a<b ".repeat(584))), tooMany);
    assert.equal(await message(update("not ".repeat(1000) + "a<b")), tooMany);
    assert.equal(await message(update("a < " + "size(".repeat(680) + "b" + ")".repeat(680))), tooMany);
    assert.equal(
      await message(ddb.send(new ScanCommand({ TableName: "big", FilterExpression: "a<b " + "or a<b ".repeat(300) }))),
      "Invalid FilterExpression: The expression contains too many operators; operator count: 301",
    );
    // Nesting as deep as 4096 bytes allow reaches the checks after parsing; deeper can never close.
    assert.equal(await message(update("(".repeat(2046) + "a<b" + ")".repeat(2046))), "Invalid ConditionExpression: The expression has redundant parentheses;");
    assert.equal(await message(update("a < " + "f(".repeat(1355) + "b" + ")".repeat(1355))), "Invalid ConditionExpression: Invalid function name; function: f");
    assert.equal(await message(update("(".repeat(4096))), 'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "("');
  });
});
