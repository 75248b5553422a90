/**
 * Query and Scan through the AWS SDK: key conditions in DynamoDB's sort
 * order, filters, projections, paging, COUNT, indexes and parallel scans.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  type AttributeValue,
  type QueryCommandInput,
} from "@aws-sdk/client-dynamodb";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";

describe("DynamoDB Query and Scan", () => {
  let t: TestCloud;
  let ddb: DynamoDBClient;
  before(async () => {
    t = await startCloud({ inMemory: true });
    ddb = new DynamoDBClient(t.cloud.clientConfig);
    await ddb.send(
      new CreateTableCommand({
        TableName: "events",
        AttributeDefinitions: [
          { AttributeName: "user", AttributeType: "S" },
          { AttributeName: "at", AttributeType: "N" },
          { AttributeName: "kind", AttributeType: "S" },
          { AttributeName: "name", AttributeType: "S" },
        ],
        KeySchema: [{ AttributeName: "user", KeyType: "HASH" }, { AttributeName: "at", KeyType: "RANGE" }],
        GlobalSecondaryIndexes: [
          { IndexName: "by-kind", KeySchema: [{ AttributeName: "kind", KeyType: "HASH" }, { AttributeName: "at", KeyType: "RANGE" }], Projection: { ProjectionType: "KEYS_ONLY" } },
        ],
        LocalSecondaryIndexes: [
          { IndexName: "by-name", KeySchema: [{ AttributeName: "user", KeyType: "HASH" }, { AttributeName: "name", KeyType: "RANGE" }], Projection: { ProjectionType: "KEYS_ONLY" } },
        ],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    // Sort keys chosen to catch string ordering of numbers: -10 < -1.5 < 0 < 2 < 10 < 100.
    const ats = ["-10", "-1.5", "0", "2", "10", "100"];
    const puts = ats.map((at, i) => ({
      PutRequest: { Item: { user: { S: "ann" }, at: { N: at }, kind: { S: i % 2 ? "click" : "view" }, name: { S: `n${5 - i}` }, size: { N: String(i) } } },
    }));
    await ddb.send(new BatchWriteItemCommand({ RequestItems: { events: puts } }));
    await ddb.send(new BatchWriteItemCommand({ RequestItems: { events: [{ PutRequest: { Item: { user: { S: "bob" }, at: { N: "1" }, kind: { S: "view" } } } }] } }));
  });
  after(async () => {
    ddb.destroy();
    await t.stop();
  });

  const ats = (items: Record<string, AttributeValue>[] | undefined): string[] => (items ?? []).map((i) => i.at!.N ?? "");
  const query = (input: Omit<QueryCommandInput, "TableName">) => ddb.send(new QueryCommand({ TableName: "events", ...input }));

  it("orders numbers numerically, forward and backward", async () => {
    const forward = await query({ KeyConditionExpression: "#u = :u", ExpressionAttributeNames: { "#u": "user" }, ExpressionAttributeValues: { ":u": { S: "ann" } } });
    assert.deepEqual(ats(forward.Items), ["-10", "-1.5", "0", "2", "10", "100"]);
    assert.equal(forward.Count, 6);
    assert.equal(forward.ScannedCount, 6);
    const backward = await query({ KeyConditionExpression: "#u = :u", ExpressionAttributeNames: { "#u": "user" }, ExpressionAttributeValues: { ":u": { S: "ann" } }, ScanIndexForward: false });
    assert.deepEqual(ats(backward.Items), ["100", "10", "2", "0", "-1.5", "-10"]);
  });

  it("applies every sort key operator", async () => {
    const cases: [string, Record<string, AttributeValue>, string[]][] = [
      ["#a = :x", { ":x": { N: "2" } }, ["2"]],
      ["#a < :x", { ":x": { N: "2" } }, ["-10", "-1.5", "0"]],
      ["#a <= :x", { ":x": { N: "2" } }, ["-10", "-1.5", "0", "2"]],
      ["#a > :x", { ":x": { N: "2" } }, ["10", "100"]],
      ["#a >= :x", { ":x": { N: "2" } }, ["2", "10", "100"]],
      ["#a BETWEEN :x AND :y", { ":x": { N: "-1.5" }, ":y": { N: "10" } }, ["-1.5", "0", "2", "10"]],
    ];
    for (const [condition, values, expected] of cases) {
      const result = await query({
        KeyConditionExpression: `#u = :u AND ${condition}`,
        ExpressionAttributeNames: { "#u": "user", "#a": "at" },
        ExpressionAttributeValues: { ":u": { S: "ann" }, ...values },
      });
      assert.deepEqual(ats(result.Items), expected, condition);
    }
  });

  it("filters after reading, pages with Limit and LastEvaluatedKey, counts", async () => {
    const filtered = await query({
      KeyConditionExpression: "#u = :u",
      FilterExpression: "#s > :two",
      ExpressionAttributeNames: { "#u": "user", "#s": "size" },
      ExpressionAttributeValues: { ":u": { S: "ann" }, ":two": { N: "2" } },
    });
    assert.deepEqual(ats(filtered.Items), ["2", "10", "100"]);
    assert.equal(filtered.ScannedCount, 6);

    const seen: string[] = [];
    let start: Record<string, AttributeValue> | undefined;
    let pages = 0;
    do {
      const page = await query({ KeyConditionExpression: "#u = :u", ExpressionAttributeNames: { "#u": "user" }, ExpressionAttributeValues: { ":u": { S: "ann" } }, Limit: 4, ExclusiveStartKey: start });
      seen.push(...ats(page.Items));
      start = page.LastEvaluatedKey;
      pages++;
    } while (start);
    assert.deepEqual(seen, ["-10", "-1.5", "0", "2", "10", "100"]);
    assert.equal(pages, 2);

    const counted = await query({ KeyConditionExpression: "#u = :u", ExpressionAttributeNames: { "#u": "user" }, ExpressionAttributeValues: { ":u": { S: "ann" } }, Select: "COUNT" });
    assert.equal(counted.Count, 6);
    assert.equal(counted.Items, undefined);

    const projected = await query({ KeyConditionExpression: "#u = :u AND #a = :a", ProjectionExpression: "#s", ExpressionAttributeNames: { "#u": "user", "#a": "at", "#s": "size" }, ExpressionAttributeValues: { ":u": { S: "ann" }, ":a": { N: "0" } } });
    assert.deepEqual(projected.Items, [{ size: { N: "2" } }]);
  });

  it("accepts the legacy KeyConditions and QueryFilter", async () => {
    const result = await query({
      KeyConditions: { user: { ComparisonOperator: "EQ", AttributeValueList: [{ S: "ann" }] }, at: { ComparisonOperator: "GT", AttributeValueList: [{ N: "0" }] } },
      QueryFilter: { kind: { ComparisonOperator: "EQ", AttributeValueList: [{ S: "click" }] } },
    });
    assert.deepEqual(ats(result.Items), ["2", "100"]);
  });

  it("queries global and local secondary indexes", async () => {
    const clicks = await query({ IndexName: "by-kind", KeyConditionExpression: "kind = :k", ExpressionAttributeValues: { ":k": { S: "view" } } });
    assert.deepEqual(clicks.Items?.map((i) => `${i.user!.S}:${i.at!.N}`), ["ann:-10", "ann:0", "bob:1", "ann:10"]);
    assert.deepEqual(Object.keys(clicks.Items![0]!).sort(), ["at", "kind", "user"]);
    const byName = await query({ IndexName: "by-name", KeyConditionExpression: "#u = :u AND begins_with(#n, :p)", ExpressionAttributeNames: { "#u": "user", "#n": "name" }, ExpressionAttributeValues: { ":u": { S: "ann" }, ":p": { S: "n" } } });
    assert.deepEqual(byName.Items?.map((i) => i.name!.S), ["n0", "n1", "n2", "n3", "n4", "n5"]);
    const full = await query({ IndexName: "by-name", KeyConditionExpression: "#u = :u AND #n = :n", Select: "ALL_ATTRIBUTES", ExpressionAttributeNames: { "#u": "user", "#n": "name" }, ExpressionAttributeValues: { ":u": { S: "ann" }, ":n": { S: "n5" } } });
    assert.equal(full.Items?.[0]?.size?.N, "0", "an LSI fetches unprojected attributes from the table");
    const paged = await query({ IndexName: "by-kind", KeyConditionExpression: "kind = :k", ExpressionAttributeValues: { ":k": { S: "view" } }, Limit: 2 });
    assert.deepEqual(Object.keys(paged.LastEvaluatedKey!).sort(), ["at", "kind", "user"]);
    const rest = await query({ IndexName: "by-kind", KeyConditionExpression: "kind = :k", ExpressionAttributeValues: { ":k": { S: "view" } }, ExclusiveStartKey: paged.LastEvaluatedKey });
    assert.deepEqual(rest.Items?.map((i) => i.at!.N), ["1", "10"]);
  });

  it("filters an index's reads on the table's own key, and refuses a filter on what the index does not project", async () => {
    // On a global index the table's key attributes are attributes like any other.
    const anns = await query({ IndexName: "by-kind", KeyConditionExpression: "kind = :k", FilterExpression: "#u = :u", ExpressionAttributeNames: { "#u": "user" }, ExpressionAttributeValues: { ":k": { S: "view" }, ":u": { S: "ann" } } });
    assert.deepEqual(anns.Items?.map((i) => i.at!.N), ["-10", "0", "10"]);
    assert.equal(anns.ScannedCount, 4);
    // A local index keyed on user and name may filter on the table's sort key, which every index holds.
    const names = await query({
      IndexName: "by-name",
      KeyConditionExpression: "#u = :u",
      FilterExpression: "#at > :zero",
      ExpressionAttributeNames: { "#u": "user", "#at": "at" },
      ExpressionAttributeValues: { ":u": { S: "ann" }, ":zero": { N: "0" } },
    });
    assert.deepEqual(names.Items?.map((i) => i.name!.S), ["n0", "n1", "n2"]);
    assert.deepEqual(Object.keys(names.Items![0]!).sort(), ["at", "name", "user"]);
    // Not on what it does not project, though a local index could read it from the table, whatever the Select
    // (ScyllaDB's AWS-verified test_lsi_keys_only_filter_on_non_projected_attribute).
    for (const select of [{}, { Select: "ALL_ATTRIBUTES" as const }]) {
      const refused = await rejectsWith(
        query({ IndexName: "by-name", KeyConditionExpression: "#u = :u", FilterExpression: "#size >= :three AND #z = :three", ExpressionAttributeNames: { "#u": "user", "#size": "size", "#z": "zeta" }, ExpressionAttributeValues: { ":u": { S: "ann" }, ":three": { N: "3" } }, ...select }),
        "ValidationException",
        400,
      );
      assert.equal(refused.message, "One or more parameter values were invalid: Secondary index by-name does not project one or more filter attributes: [size, zeta]");
    }
    await rejectsWith(
      query({ IndexName: "by-name", KeyConditionExpression: "#u = :u", FilterExpression: "#n = :n", ExpressionAttributeNames: { "#u": "user", "#n": "name" }, ExpressionAttributeValues: { ":u": { S: "ann" }, ":n": { S: "n1" } } }),
      "ValidationException",
      400,
    );
  });

  it("orders long string sort keys holding control characters by their bytes", async () => {
    await ddb.send(
      new CreateTableCommand({
        TableName: "names",
        AttributeDefinitions: [{ AttributeName: "user", AttributeType: "S" }, { AttributeName: "name", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "user", KeyType: "HASH" }, { AttributeName: "name", KeyType: "RANGE" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    const long = "A".repeat(70);
    const names = [long, `${long}\u0000b`, `${long}\u0001`, `${long}b`];
    await ddb.send(
      new BatchWriteItemCommand({
        RequestItems: { names: names.map((name, i) => ({ PutRequest: { Item: { user: { S: "cat" }, at: { N: String(i) }, name: { S: name } } } })) },
      }),
    );
    const byDan = async (condition: string, values: Record<string, AttributeValue>) =>
      (
        await ddb.send(
          new QueryCommand({
            TableName: "names",
            KeyConditionExpression: `#u = :u AND ${condition}`,
            ExpressionAttributeNames: { "#u": "user", "#n": "name" },
            ExpressionAttributeValues: { ":u": { S: "dan" }, ...values },
          }),
        )
      ).Items;
    const byName = (condition: string, values: Record<string, AttributeValue>, limit?: number, start?: Record<string, AttributeValue>) =>
      ddb.send(new QueryCommand({
        TableName: "names",
        KeyConditionExpression: `#u = :u AND ${condition}`,
        ExpressionAttributeNames: { "#u": "user", "#n": "name" },
        ExpressionAttributeValues: { ":u": { S: "cat" }, ...values },
        Limit: limit,
        ExclusiveStartKey: start,
      }));
    assert.deepEqual(ats((await byName("#n = :n", { ":n": { S: long } })).Items), ["0"]);
    assert.deepEqual(ats((await byName("#n > :n", { ":n": { S: long } })).Items), ["1", "2", "3"]);
    assert.deepEqual(ats((await byName("begins_with(#n, :n)", { ":n": { S: `${long}\u0000` } })).Items), ["1"]);
    const seen: string[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await byName("#n >= :n", { ":n": { S: long } }, 1, start);
      seen.push(...ats(page.Items));
      start = page.LastEvaluatedKey;
    } while (start);
    assert.deepEqual(seen, ["0", "1", "2", "3"]);

    // A 1 KB key of control characters, which the store escapes past its own key limit, is kept and found.
    const control = "\u0001".repeat(1024);
    await ddb.send(new PutItemCommand({ TableName: "names", Item: { user: { S: "dan" }, name: { S: control }, at: { N: "1" } } }));
    await ddb.send(new PutItemCommand({ TableName: "names", Item: { user: { S: "dan" }, name: { S: `${"\u0001".repeat(1023)}\u0002` }, at: { N: "2" } } }));
    const got = await ddb.send(new GetItemCommand({ TableName: "names", Key: { user: { S: "dan" }, name: { S: control } } }));
    assert.equal(got.Item?.at?.N, "1");
    assert.deepEqual(ats((await byDan("#n = :n", { ":n": { S: control } }))), ["1"]);
  });

  it("answers DynamoDB's errors for bad queries", async () => {
    const e1 = await rejectsWith(query({ IndexName: "nope", KeyConditionExpression: "kind = :k", ExpressionAttributeValues: { ":k": { S: "x" } } }), "ValidationException", 400);
    assert.equal(e1.message, "The table does not have the specified index: nope");
    const e2 = await rejectsWith(query({}), "ValidationException", 400);
    assert.equal(e2.message, "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.");
    const e3 = await rejectsWith(
      query({ KeyConditionExpression: "#u = :u", FilterExpression: "#a > :a", ExpressionAttributeNames: { "#u": "user", "#a": "at" }, ExpressionAttributeValues: { ":u": { S: "ann" }, ":a": { N: "1" } } }),
      "ValidationException",
      400,
    );
    assert.equal(e3.message, "Filter Expression can only contain non-primary key attributes: Primary key attribute: at");
    // An empty key value is refused as a write's would be: a table's key by name, an index's own key with the index.
    const empty = "The AttributeValue for a key attribute cannot contain an empty string value.";
    const e4 = await rejectsWith(query({ KeyConditionExpression: "#u = :u", ExpressionAttributeNames: { "#u": "user" }, ExpressionAttributeValues: { ":u": { S: "" } } }), "ValidationException", 400);
    assert.equal(e4.message, `One or more parameter values are not valid. ${empty} Key: user`);
    const e5 = await rejectsWith(query({ IndexName: "by-kind", KeyConditionExpression: "kind = :k", ExpressionAttributeValues: { ":k": { S: "" } } }), "ValidationException", 400);
    assert.equal(e5.message, `One or more parameter values are not valid. A value specified for a secondary index key is not supported. ${empty} IndexName: by-kind, IndexKey: kind`);
    await rejectsWith(ddb.send(new QueryCommand({ TableName: "ghost", KeyConditionExpression: "a = :a", ExpressionAttributeValues: { ":a": { S: "x" } } })), "ResourceNotFoundException", 400);
  });

  it("scans whole tables, in segments, with filters and paging", async () => {
    const all = await ddb.send(new ScanCommand({ TableName: "events" }));
    assert.equal(all.Count, 7);
    const segments = await Promise.all([0, 1, 2].map((Segment) => ddb.send(new ScanCommand({ TableName: "events", Segment, TotalSegments: 3 }))));
    assert.equal(segments.reduce((n, s) => n + (s.Count ?? 0), 0), 7);
    const filtered = await ddb.send(new ScanCommand({ TableName: "events", FilterExpression: "kind = :k", ExpressionAttributeValues: { ":k": { S: "click" } } }));
    assert.equal(filtered.Count, 3);
    assert.equal(filtered.ScannedCount, 7);
    const legacy = await ddb.send(new ScanCommand({ TableName: "events", ScanFilter: { kind: { ComparisonOperator: "EQ", AttributeValueList: [{ S: "click" }] } } }));
    assert.equal(legacy.Count, 3);
    let count = 0;
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await ddb.send(new ScanCommand({ TableName: "events", Limit: 3, ExclusiveStartKey: start }));
      count += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    assert.equal(count, 7);
    const index = await ddb.send(new ScanCommand({ TableName: "events", IndexName: "by-kind" }));
    assert.equal(index.Count, 7);
    const e = await rejectsWith(ddb.send(new ScanCommand({ TableName: "events", Segment: 3, TotalSegments: 2 })), "ValidationException", 400);
    assert.equal(e.message, "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 3 is not less than TotalSegments: 2");
  });
});
