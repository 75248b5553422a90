/**
 * DynamoDB write and expression details that ScyllaDB's alternator suite
 * (written against DynamoDB itself) pins down, on the wire: constants an
 * ordering cannot compare, functions out of place, updates that only
 * remove from a missing item, legacy AttributeUpdates values, nesting
 * limits, a ConditionalOperator with nothing to join, the empty body of
 * TagResource, and arithmetic beyond 38 digits.
 */
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { after, before, describe, it } from "node:test";
import { rawRequest } from "../support/raw.js";
import { startCloud, type TestCloud } from "../support/nimbus.js";

const TABLE = "writes";

describe("DynamoDB write conformance", () => {
  let t: TestCloud;
  const send = (operation: string, body: unknown) =>
    rawRequest(t.cloud.endpoint, {
      method: "POST",
      path: "/",
      service: "dynamodb",
      headers: { "x-amz-target": `DynamoDB_20120810.${operation}`, "content-type": "application/x-amz-json-1.0" },
      body: JSON.stringify(body),
    });
  const call = async (operation: string, body: Record<string, unknown>) => {
    const answer = await send(operation, { TableName: TABLE, ...body });
    return { status: answer.status, body: answer.body === "" ? {} : (JSON.parse(answer.body) as Record<string, unknown>) };
  };
  const refused = async (operation: string, body: Record<string, unknown>, message: string) => {
    const answer = await call(operation, body);
    assert.equal(answer.status, 400, JSON.stringify(body));
    assert.equal(answer.body.message, message, JSON.stringify(body));
  };
  const item = async (p: string) => (await call("GetItem", { Key: { p: { S: p } }, ConsistentRead: true })).body.Item;

  before(async () => {
    t = await startCloud({ inMemory: true });
    const created = await send("CreateTable", {
      TableName: TABLE,
      AttributeDefinitions: [{ AttributeName: "p", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "p", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    });
    assert.equal(created.status, 200);
  });
  after(() => t.stop());

  it("refuses a constant an ordering cannot compare, in conditions and filters", async () => {
    await call("PutItem", { Item: { p: { S: "ordered" }, a: { N: "1" } } });
    const list = { L: [{ N: "1" }, { N: "2" }] };
    for (const expression of ["a < :v", ":v >= a", "a BETWEEN :v AND :v"]) {
      await refused(
        "UpdateItem",
        { Key: { p: { S: "ordered" } }, UpdateExpression: "SET z = :n", ConditionExpression: expression, ExpressionAttributeValues: { ":v": list, ":n": { N: "1" } } },
        `Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: ${expression.includes("BETWEEN") ? "BETWEEN" : expression.includes("<") ? "<" : ">="}, operand type: L`,
      );
    }
    await refused("Scan", { FilterExpression: "a > :v", ExpressionAttributeValues: { ":v": { M: {} } } }, "Invalid FilterExpression: Incorrect operand type for operator or function; operator or function: >, operand type: M");
    // What an attribute holds is only known at evaluation: there a list just fails the comparison.
    await call("PutItem", { Item: { p: { S: "listed" }, a: list } });
    const failed = await call("PutItem", { Item: { p: { S: "listed" } }, ConditionExpression: ":one < a", ExpressionAttributeValues: { ":one": { N: "1" } } });
    assert.equal(failed.body.__type, "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException");
  });

  it("measures a string's size() in UTF-16 code units, as DynamoDB does", async () => {
    await call("PutItem", { Item: { p: { S: "sized" }, s: { S: "é𝄞" } } });
    const touch = (n: string) => call("UpdateItem", { Key: { p: { S: "sized" } }, UpdateExpression: "SET touched = :n", ConditionExpression: "size(s) = :n", ExpressionAttributeValues: { ":n": { N: n } } });
    assert.equal((await touch("6")).status, 400);
    assert.equal((await touch("3")).status, 200);
  });

  it("refuses a projection a global index cannot answer, naming what it lacks", async () => {
    const created = await send("CreateTable", {
      TableName: "projected",
      AttributeDefinitions: [{ AttributeName: "p", AttributeType: "S" }, { AttributeName: "g", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "p", KeyType: "HASH" }],
      GlobalSecondaryIndexes: [{ IndexName: "gkx", KeySchema: [{ AttributeName: "g", KeyType: "HASH" }], Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: ["i"] } }],
      BillingMode: "PAY_PER_REQUEST",
    });
    assert.equal(created.status, 200, created.body);
    await send("PutItem", { TableName: "projected", Item: { p: { S: "1" }, g: { S: "x" }, i: { N: "1" }, x: { N: "2" } } });
    const query = async (projection: string) => {
      const answer = await send("Query", {
        TableName: "projected",
        IndexName: "gkx",
        KeyConditionExpression: "g = :g",
        ProjectionExpression: projection,
        ExpressionAttributeValues: { ":g": { S: "x" } },
      });
      return { status: answer.status, body: JSON.parse(answer.body) as Record<string, unknown> };
    };
    assert.deepEqual((await query("p, g, i")).body.Items, [{ p: { S: "1" }, g: { S: "x" }, i: { N: "1" } }]);
    const refusedQuery = await query("i, x, y.z");
    assert.equal(refusedQuery.status, 400);
    assert.equal(refusedQuery.body.message, "One or more parameter values were invalid: Global secondary index gkx does not project [x, y]");
    const scan = await send("Scan", { TableName: "projected", IndexName: "gkx", ProjectionExpression: "x" });
    assert.equal((JSON.parse(scan.body) as { message: string }).message, "One or more parameter values were invalid: Global secondary index gkx does not project [x]");
  });

  it("lets attribute_type test a constant, and refuses update functions in conditions and nested list_append", async () => {
    const typed = await call("PutItem", {
      Item: { p: { S: "typed" } },
      ConditionExpression: "attribute_type(:v, :t)",
      ExpressionAttributeValues: { ":v": { N: "0" }, ":t": { S: "N" } },
    });
    assert.equal(typed.status, 200);
    await refused(
      "PutItem",
      { Item: { p: { S: "typed" } }, ConditionExpression: "if_not_exists(a, a) = :v", ExpressionAttributeValues: { ":v": { N: "0" } } },
      "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: if_not_exists",
    );
    const list = (n: string) => ({ L: [{ N: n }] });
    await refused(
      "UpdateItem",
      { Key: { p: { S: "typed" } }, UpdateExpression: "SET a = list_append(list_append(:a, :b), :c)", ExpressionAttributeValues: { ":a": list("1"), ":b": list("2"), ":c": list("3") } },
      "Invalid UpdateExpression: The function is not allowed to be used this way in an expression; function: list_append",
    );
  });

  it("makes no item of an update that only removes from a missing one", async () => {
    const removed = await call("UpdateItem", { Key: { p: { S: "ghost" } }, UpdateExpression: "REMOVE a, x.y, z[0]", ReturnValues: "ALL_NEW" });
    assert.deepEqual([removed.status, removed.body.Attributes], [200, undefined]);
    await call("UpdateItem", { Key: { p: { S: "ghost" } }, AttributeUpdates: { a: { Action: "DELETE" } } });
    assert.equal(await item("ghost"), undefined);
    // An update with nothing to do but the key still makes the item, as DynamoDB does.
    await call("UpdateItem", { Key: { p: { S: "bare" } } });
    assert.deepEqual(await item("bare"), { p: { S: "bare" } });
  });

  it("checks AttributeUpdates values as an item's, and refuses a ConditionalOperator with nothing to join", async () => {
    await refused("UpdateItem", { Key: { p: { S: "legacy" } }, AttributeUpdates: { c: { Action: "PUT", Value: { NS: [] } } } }, "One or more parameter values were invalid: An number set  may not be empty");
    await call("UpdateItem", { Key: { p: { S: "legacy" } }, AttributeUpdates: { n: { Action: "PUT", Value: { N: "1.50" } } } });
    assert.deepEqual(await item("legacy"), { p: { S: "legacy" }, n: { N: "1.5" } });
    for (const body of [{ Expected: {} }, {}]) {
      await refused("UpdateItem", { Key: { p: { S: "legacy" } }, AttributeUpdates: { z: { Value: { N: "4" } } }, ConditionalOperator: "OR", ...body }, "ConditionalOperator cannot be used without Filter or Expected");
    }
    await refused("Scan", { ConditionalOperator: "AND" }, "ConditionalOperator cannot be used without Filter or Expected");
  });

  it("holds maps and lists 32 levels deep, counting the item, and paths as deep", async () => {
    const nested = (wraps: number) => {
      let value: Record<string, unknown> = { S: "leaf" };
      for (let i = 0; i < wraps; i++) value = i % 2 ? { L: [value] } : { M: { a: value } };
      return value;
    };
    assert.equal((await call("PutItem", { Item: { p: { S: "deep" }, v: nested(31) } })).status, 200);
    await refused("PutItem", { Item: { p: { S: "deep" }, v: nested(32) } }, "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit");
    assert.equal((await call("GetItem", { Key: { p: { S: "deep" } }, ProjectionExpression: "a" + ".b".repeat(31) })).status, 200);
    await refused("GetItem", { Key: { p: { S: "deep" } }, ProjectionExpression: "a" + ".b".repeat(32) }, "Invalid ProjectionExpression: The document path has too many nesting levels; nesting levels: 33");
    // An update that nests a value inside a deep one is held to the same limit.
    const maps = (wraps: number) => {
      let value: Record<string, unknown> = { S: "leaf" };
      for (let i = 0; i < wraps; i++) value = { M: { a: value } };
      return value;
    };
    assert.equal((await call("PutItem", { Item: { p: { S: "deeper" }, m: maps(20) } })).status, 200);
    const setAt = (levels: number, wraps: number) =>
      call("UpdateItem", { Key: { p: { S: "deeper" } }, UpdateExpression: `SET m${".a".repeat(levels)} = :v`, ExpressionAttributeValues: { ":v": maps(wraps) } });
    assert.equal((await setAt(19, 12)).status, 200);
    const tooDeep = await setAt(19, 13);
    assert.equal(tooDeep.status, 400);
    assert.equal(tooDeep.body.message, "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit");
  });

  it("answers TagResource and UntagResource with an empty body", async () => {
    const arn = ((await call("DescribeTable", {})).body.Table as { TableArn: string }).TableArn;
    for (const [operation, body] of [
      ["TagResource", { ResourceArn: arn, Tags: [{ Key: "k", Value: "v" }] }],
      ["UntagResource", { ResourceArn: arn, TagKeys: ["k"] }],
    ] as const) {
      const answer = await send(operation, body);
      assert.deepEqual([answer.status, answer.body, answer.headers["x-amz-crc32"]], [200, "", "0"]);
    }
  });

  it("lets a browser on any origin call it: preflights answered, answers readable", async () => {
    // DynamoDB's CORS (ScyllaDB's AWS-verified test_cors.py): every origin, the request's method and headers allowed.
    const requested = "amz-sdk-invocation-id,authorization,content-type,x-amz-date,x-amz-target,x-amz-user-agent";
    const preflight = await rawRequest(t.cloud.endpoint, {
      method: "OPTIONS",
      path: "/",
      anonymous: true,
      headers: { origin: "http://localhost:3000", "access-control-request-method": "POST", "access-control-request-headers": requested },
    });
    assert.equal(preflight.status, 200);
    assert.deepEqual(
      Object.fromEntries(Object.entries(preflight.headers).filter(([name]) => name.startsWith("access-control-"))),
      {
        "access-control-allow-origin": "*",
        "access-control-expose-headers": "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date",
        "access-control-max-age": "172800",
        "access-control-allow-methods": "POST",
        "access-control-allow-headers": requested,
      },
    );
    const fromPage = (operation: string, body: unknown) =>
      rawRequest(t.cloud.endpoint, {
        method: "POST",
        path: "/",
        service: "dynamodb",
        headers: { origin: "http://localhost:3000", "x-amz-target": `DynamoDB_20120810.${operation}`, "content-type": "application/x-amz-json-1.0" },
        body: JSON.stringify(body),
      });
    for (const answer of [await fromPage("ListTables", {}), await fromPage("DescribeTable", { TableName: "absent-table" })]) {
      assert.equal(answer.headers["access-control-allow-origin"], "*");
      assert.equal(answer.headers["access-control-max-age"], undefined);
    }
    assert.equal((await send("ListTables", {})).headers["access-control-allow-origin"], undefined, "no origin, no CORS");
  });

  it("reads a gzip-compressed request, and fails one whose bytes are not what its Content-Encoding says", async () => {
    // ScyllaDB's AWS-verified test_compressed_request.py: gzip (several members too) is read; anything else is a 500.
    const compressed = (encoding: string, body: Buffer) =>
      rawRequest(t.cloud.endpoint, {
        method: "POST",
        path: "/",
        service: "dynamodb",
        headers: { "x-amz-target": "DynamoDB_20120810.PutItem", "content-type": "application/x-amz-json-1.0", "content-encoding": encoding },
        body,
      });
    const document = JSON.stringify({ TableName: TABLE, Item: { p: { S: "zipped" }, v: { S: "x".repeat(1000) } } });
    const half = document.length >> 1;
    const members = Buffer.concat([gzipSync(document.slice(0, half)), gzipSync(document.slice(half))]);
    assert.equal((await compressed("gzip", members)).status, 200);
    assert.equal(((await item("zipped")) as { v?: { S?: string } } | undefined)?.v?.S?.length, 1000);
    assert.equal((await compressed("gzip", Buffer.from(document))).status, 500);
    assert.equal((await compressed("garbage", gzipSync(document))).status, 500);
  });

  it("says `Server: Server` on answers and errors alike, as DynamoDB does", async () => {
    assert.equal((await send("DescribeTable", { TableName: "absent-table" })).headers.server, "Server");
    assert.equal((await send("ListTables", {})).headers.server, "Server");
  });

  it("compares any type for equality in legacy conditions", async () => {
    await call("PutItem", { Item: { p: { S: "legacy-eq" }, l: { L: [{ N: "1" }] }, b: { BOOL: true } } });
    const scanned = await call("Scan", {
      ScanFilter: { l: { ComparisonOperator: "EQ", AttributeValueList: [{ L: [{ N: "1" }] }] }, b: { ComparisonOperator: "NE", AttributeValueList: [{ BOOL: false }] } },
    });
    assert.deepEqual((scanned.body.Items as { p: { S: string } }[]).map((i) => i.p.S), ["legacy-eq"]);
  });

  it("cancels a transaction at an item whose key is of the wrong type, naming the reason there", async () => {
    const answer = await call("TransactWriteItems", {
      TableName: undefined,
      TransactItems: [
        { Put: { TableName: TABLE, Item: { p: { N: "7" } } } },
        { Put: { TableName: TABLE, Item: { p: { N: "8" } } } },
        { Put: { TableName: TABLE, Item: { p: { S: "fine" } }, ConditionExpression: "attribute_exists(p)" } },
      ],
    });
    assert.equal(answer.body.__type, "com.amazonaws.dynamodb.v20120810#TransactionCanceledException");
    assert.deepEqual(answer.body.CancellationReasons, [
      { Code: "ValidationError", Message: "One or more parameter values were invalid: Type mismatch for key p expected: S actual: N" },
      { Code: "None" },
      { Code: "None" },
    ]);
  });

  it("tells a transaction's item faults (cancelled there) from request faults (refused outright)", async () => {
    const cancelled = async (item: unknown, message: string) => {
      const answer = JSON.parse((await send("TransactWriteItems", { TransactItems: [item] })).body);
      assert.equal(answer.__type, "com.amazonaws.dynamodb.v20120810#TransactionCanceledException", JSON.stringify(item));
      assert.deepEqual(answer.CancellationReasons, [{ Code: "ValidationError", Message: message }]);
    };
    await cancelled({ Delete: { TableName: TABLE, Key: { p: { N: "5" } } } }, "The provided key element does not match the schema");
    await cancelled({ ConditionCheck: { TableName: TABLE, Key: { p: { L: [] } }, ConditionExpression: "attribute_exists(p)" } }, "The provided key element does not match the schema");
    const empty = JSON.parse((await send("TransactWriteItems", { TransactItems: [{ Delete: { TableName: TABLE, Key: { p: { S: "" } } } }] })).body);
    assert.equal(empty.message, "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: p");
    const noTables = JSON.parse((await send("BatchWriteItem", { RequestItems: {} })).body);
    assert.equal(noTables.message, "The requestItems parameter is required for BatchWriteItem");
  });

  it("refuses an empty index key in a transaction as a request fault, not a cancellation", async () => {
    await send("CreateTable", {
      TableName: "unique-ids",
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, { AttributeName: "unique_id", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      GlobalSecondaryIndexes: [{ IndexName: "gsi_index", KeySchema: [{ AttributeName: "unique_id", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" } }],
      BillingMode: "PAY_PER_REQUEST",
    });
    const answer = await send("TransactWriteItems", { TransactItems: [{ Put: { TableName: "unique-ids", Item: { pk: { S: "c" }, unique_id: { S: "" } } } }] });
    assert.deepEqual(JSON.parse(answer.body), {
      __type: "com.amazon.coral.validate#ValidationException",
      message:
        "One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: gsi_index, IndexKey: unique_id",
    });
  });

  it("keeps tags to 50 in the allowed characters, at creation as later", async () => {
    const tags = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: "v" }));
    const many = await send("CreateTable", {
      TableName: "tagged-too-much",
      AttributeDefinitions: [{ AttributeName: "p", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "p", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
      Tags: tags,
    });
    // AWS's words for the 50-tag limit, at CreateTable as at TagResource and UntagResource (AWS probes, 2026).
    assert.equal(JSON.parse(many.body).message, "Number of Tags exceed the current limit for the provided ResourceArn");
    assert.equal(JSON.parse((await send("DescribeTable", { TableName: "tagged-too-much" })).body).__type, "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException");
    const arn = ((await call("DescribeTable", {})).body.Table as { TableArn: string }).TableArn;
    const odd = await send("TagResource", { ResourceArn: arn, Tags: [{ Key: "ok", Value: "#!%^&" }] });
    assert.equal(JSON.parse(odd.body).__type, "com.amazon.coral.validate#ValidationException");
    assert.equal((await send("TagResource", { ResourceArn: arn, Tags: [{ Key: "законные буквы", Value: "ѮѮ" }] })).status, 200);
  });

  it("refuses attribute names over 65535 bytes, and transactions carrying over 4 MB", async () => {
    const long = "n".repeat(65536);
    await refused("PutItem", { Item: { p: { S: "named" }, [long]: { N: "1" } } }, "One or more parameter values were invalid: Attribute name exceeds the maximum size of 65535 bytes");
    await refused("UpdateItem", { Key: { p: { S: "named" } }, AttributeUpdates: { [long]: { Value: { N: "1" } } } }, "One or more parameter values were invalid: Attribute name exceeds the maximum size of 65535 bytes");
    assert.equal((await call("PutItem", { Item: { p: { S: "named" }, ["n".repeat(65535)]: { N: "1" } } })).status, 200);
    const big = { S: "x".repeat(100_000) };
    const puts = Array.from({ length: 50 }, (_, i) => ({ Put: { TableName: TABLE, Item: { p: { S: `big-${i}` }, x: big } } }));
    const answer = await send("TransactWriteItems", { TransactItems: puts });
    assert.deepEqual([answer.status, JSON.parse(answer.body).message], [400, "Transaction payload size cannot exceed 4 MB"]);
  });

  it("refuses a TransactGetItems whose items come to over 4 MB, whatever its projection keeps", async () => {
    const large = { S: "x".repeat(390_000) };
    for (let i = 0; i < 11; i++) assert.equal((await call("PutItem", { Item: { p: { S: `read-${i}` }, x: large } })).status, 200);
    const gets = (n: number, projection?: string) =>
      Array.from({ length: n }, (_, i) => ({ Get: { TableName: TABLE, Key: { p: { S: `read-${i}` } }, ...(projection ? { ProjectionExpression: projection } : {}) } }));
    const over = await send("TransactGetItems", { TransactItems: gets(11, "p") });
    assert.deepEqual([over.status, JSON.parse(over.body).message], [400, "Transaction payload size cannot exceed 4 MB"]);
    const under = await send("TransactGetItems", { TransactItems: gets(10) });
    assert.equal(under.status, 200);
    assert.equal((JSON.parse(under.body) as { Responses: unknown[] }).Responses.length, 10);
  });

  it("checks a table's key schema and global index changes as DynamoDB does", async () => {
    const three = await send("CreateTable", {
      TableName: "three-keys",
      AttributeDefinitions: ["c", "p", "z"].map((AttributeName) => ({ AttributeName, AttributeType: "S" })),
      KeySchema: [{ AttributeName: "c", KeyType: "HASH" }, { AttributeName: "p", KeyType: "RANGE" }, { AttributeName: "z", KeyType: "RANGE" }],
      BillingMode: "PAY_PER_REQUEST",
    });
    // Coral quotes a list of structures member by member (nubo-db's 2026 capture).
    assert.equal(
      JSON.parse(three.body).message,
      "1 validation error detected: Value '[KeySchemaElement(attributeName=c, keyType=HASH), KeySchemaElement(attributeName=p, keyType=RANGE), KeySchemaElement(attributeName=z, keyType=RANGE)]' at 'keySchema' failed to satisfy constraint: Member must have length less than or equal to 2",
    );
    await call("PutItem", { Item: { p: { S: "blank" }, x: { S: "" } } });
    await call("PutItem", { Item: { p: { S: "filled" }, x: { S: "hello" } } });
    const index = { IndexName: "by-x", KeySchema: [{ AttributeName: "x", KeyType: "HASH" }], Projection: { ProjectionType: "KEYS_ONLY" } };
    const both = await call("UpdateTable", { AttributeDefinitions: [{ AttributeName: "x", AttributeType: "S" }], GlobalSecondaryIndexUpdates: [{ Create: index, Delete: { IndexName: "by-x" } }] });
    assert.equal(both.body.message, "One or more parameter values were invalid: Only one of Create, Update or Delete can be specified in a GlobalSecondaryIndexUpdate");
    const undefinedKey = await call("UpdateTable", { GlobalSecondaryIndexUpdates: [{ Create: index }] });
    assert.match(String(undefinedKey.body.message), /AttributeDefinitions/);
    assert.equal((await call("UpdateTable", { AttributeDefinitions: [{ AttributeName: "x", AttributeType: "S" }], GlobalSecondaryIndexUpdates: [{ Create: index }] })).status, 200);
    // An item whose key would be empty is left out of the index the table builds.
    const indexed = await call("Scan", { IndexName: "by-x" });
    assert.deepEqual((indexed.body.Items as { p: { S: string } }[]).map((i) => i.p.S), ["filled"]);
  });

  it("charges an index only for the entry a write changed", async () => {
    const created = await send("CreateTable", {
      TableName: "charged",
      AttributeDefinitions: [{ AttributeName: "p", AttributeType: "S" }, { AttributeName: "g", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "p", KeyType: "HASH" }],
      GlobalSecondaryIndexes: [{ IndexName: "by-g", KeySchema: [{ AttributeName: "g", KeyType: "HASH" }], Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: ["shown"] } }],
      BillingMode: "PAY_PER_REQUEST",
      OnDemandThroughput: { MaxReadRequestUnits: 10, MaxWriteRequestUnits: 5 },
    });
    assert.equal(created.status, 200);
    const put = async (item: Record<string, unknown>) => {
      const answer = await send("PutItem", { TableName: "charged", Item: { p: { S: "one" }, ...item }, ReturnConsumedCapacity: "INDEXES" });
      const consumed = JSON.parse(answer.body).ConsumedCapacity as { CapacityUnits: number; GlobalSecondaryIndexes?: Record<string, unknown> };
      return [consumed.CapacityUnits, consumed.GlobalSecondaryIndexes?.["by-g"]];
    };
    assert.deepEqual(await put({ g: { S: "a" }, shown: { S: "1" } }), [2, { CapacityUnits: 1 }], "an entry added");
    assert.deepEqual(await put({ g: { S: "a" }, shown: { S: "1" } }), [1, undefined], "nothing changed");
    assert.deepEqual(await put({ g: { S: "a" }, shown: { S: "1" }, hidden: { S: "x" } }), [1, undefined], "a change the index does not hold");
    assert.deepEqual(await put({ g: { S: "a" }, shown: { S: "2" } }), [2, { CapacityUnits: 1 }], "the entry rewritten");
    assert.deepEqual(await put({ g: { S: "b" }, shown: { S: "2" } }), [3, { CapacityUnits: 2 }], "the entry moved");
    assert.deepEqual(await put({ shown: { S: "2" } }), [2, { CapacityUnits: 1 }], "the entry removed");
    const described = JSON.parse((await send("DescribeTable", { TableName: "charged" })).body).Table;
    assert.deepEqual(described.OnDemandThroughput, { MaxReadRequestUnits: 10, MaxWriteRequestUnits: 5 });
    await send("UpdateTable", { TableName: "charged", OnDemandThroughput: { MaxReadRequestUnits: 20 } });
    assert.equal(JSON.parse((await send("DescribeTable", { TableName: "charged" })).body).Table.OnDemandThroughput.MaxReadRequestUnits, 20);
    const include = await send("UpdateTable", {
      TableName: "charged",
      AttributeDefinitions: [{ AttributeName: "h", AttributeType: "S" }],
      GlobalSecondaryIndexUpdates: [{ Create: { IndexName: "by-h", KeySchema: [{ AttributeName: "h", KeyType: "HASH" }], Projection: { ProjectionType: "INCLUDE" } } }],
    });
    assert.equal(JSON.parse(include.body).message, "One or more parameter values were invalid: ProjectionType is INCLUDE, but NonKeyAttributes is not specified");
    const twice = await send("UpdateTable", {
      TableName: "charged",
      AttributeDefinitions: [{ AttributeName: "h", AttributeType: "S" }],
      GlobalSecondaryIndexUpdates: [{ Create: { IndexName: "by-h", KeySchema: [{ AttributeName: "h", KeyType: "HASH" }], Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: ["a", "b", "a"] } } }],
    });
    assert.equal(twice.status, 400);
    assert.equal(JSON.parse(twice.body).message, "One or more parameter values were invalid: Duplicate element in NonKeyAttributes: a");
  });

  it("takes NULL false as NULL true, as DynamoDB does since mid-2026", async () => {
    await call("PutItem", { Item: { p: { S: "nothing" }, n: { NULL: false } } });
    assert.deepEqual(await item("nothing"), { p: { S: "nothing" }, n: { NULL: true } });
  });

  it("calls an arithmetic result beyond 38 digits an overflow", async () => {
    await refused(
      "UpdateItem",
      { Key: { p: { S: "sum" } }, UpdateExpression: "SET b = :big - :one", ExpressionAttributeValues: { ":big": { N: "1e50" }, ":one": { N: "1" } } },
      "Number overflow. Attempting to store a number with magnitude larger than supported range",
    );
  });
  it("refuses a BatchGetItem that projects one table with an expression and another with AttributesToGet", async () => {
    const second = await send("CreateTable", {
      TableName: "writes-second",
      AttributeDefinitions: [{ AttributeName: "p", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "p", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    });
    assert.equal(second.status, 200);
    const answer = await send("BatchGetItem", {
      RequestItems: {
        [TABLE]: { Keys: [{ p: { S: "a" } }], ProjectionExpression: "p" },
        "writes-second": { Keys: [{ p: { S: "a" } }], AttributesToGet: ["p"] },
      },
    });
    assert.equal(answer.status, 400);
    assert.equal(
      JSON.parse(answer.body).message,
      "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}",
    );
  });
  it("names the message Message when a failed condition hands back the old item, and message otherwise", async () => {
    await call("PutItem", { Item: { p: { S: "guarded" }, bar: { S: "quux" } } });
    const condition = { Item: { p: { S: "guarded" } }, ConditionExpression: "attribute_not_exists(p)" };
    const withItem = await call("PutItem", { ...condition, ReturnValuesOnConditionCheckFailure: "ALL_OLD" });
    assert.deepEqual(withItem.body, {
      __type: "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
      Message: "The conditional request failed",
      Item: { p: { S: "guarded" }, bar: { S: "quux" } },
    });
    const plain = await call("PutItem", condition);
    assert.deepEqual(plain.body, { __type: "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException", message: "The conditional request failed" });
  });

  it("writes whole capacity units as doubles (1.0), as DynamoDB does, so Python reads floats", async () => {
    const answer = await send("PutItem", { TableName: TABLE, Item: { p: { S: "doubles" } }, ReturnConsumedCapacity: "TOTAL" });
    assert.equal(answer.status, 200);
    assert.match(answer.body, /"CapacityUnits":1\.0[,}]/);
    const indexes = await send("GetItem", { TableName: TABLE, Key: { p: { S: "doubles" } }, ReturnConsumedCapacity: "INDEXES" });
    assert.match(indexes.body, /"Table":\{"CapacityUnits":0\.5\}/);
    const table = await send("DescribeTable", { TableName: TABLE });
    // Integers stay integers: ItemCount is a long.
    assert.match(table.body, /"ItemCount":\d+,/);
  });
});
