/**
 * DynamoDB's validation layer on the wire, case by case as dynalite's suite
 * (run against DynamoDB itself) records it: error `__type` namespaces,
 * aggregated "N validation errors detected" messages in DynamoDB's order
 * and enum order, control-plane TableName checks, attribute value checks
 * and the order of the checks of a PutItem.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { rawRequest } from "../support/raw.js";
import { startCloud, type TestCloud } from "../support/nimbus.js";

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

const VALIDATION = "com.amazon.coral.validate#ValidationException";
const SERIALIZATION = "com.amazon.coral.service#SerializationException";

describe("DynamoDB validation conformance", () => {
  let t: TestCloud;
  const call = async (operation: string, body: unknown): Promise<Answer> => {
    const answer = await rawRequest(t.cloud.endpoint, {
      method: "POST",
      path: "/",
      service: "dynamodb",
      headers: { "x-amz-target": `DynamoDB_20120810.${operation}`, "content-type": "application/x-amz-json-1.0" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    return { status: answer.status, body: JSON.parse(answer.body) as Record<string, unknown> };
  };
  /** Asserts DynamoDB's exact ValidationException body. */
  const validation = async (operation: string, body: unknown, message: string) => {
    const answer = await call(operation, body);
    assert.equal(answer.status, 400, JSON.stringify(body));
    assert.deepEqual(answer.body, { __type: VALIDATION, message }, JSON.stringify(body));
  };

  before(async () => {
    t = await startCloud({ inMemory: true });
    const tables = [
      {
        TableName: "hash",
        AttributeDefinitions: [{ AttributeName: "a", AttributeType: "S" }],
        KeySchema: [{ KeyType: "HASH", AttributeName: "a" }],
        ProvisionedThroughput: { ReadCapacityUnits: 10, WriteCapacityUnits: 5 },
      },
      {
        TableName: "rangeB",
        AttributeDefinitions: [{ AttributeName: "a", AttributeType: "S" }, { AttributeName: "b", AttributeType: "B" }],
        KeySchema: [{ KeyType: "HASH", AttributeName: "a" }, { KeyType: "RANGE", AttributeName: "b" }],
        BillingMode: "PAY_PER_REQUEST",
      },
    ];
    for (const table of tables) assert.equal((await call("CreateTable", table)).status, 200);
  });
  after(async () => {
    await t.stop();
  });

  it("holds key condition values and starting keys to the key size limits", async () => {
    const big = Buffer.alloc(1025, 1).toString("base64");
    const huge = Buffer.alloc(100_000, 1).toString("base64");
    const range = "One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes";
    for (const value of [big, huge]) {
      await validation("Query", { TableName: "rangeB", KeyConditionExpression: "a = :a AND b > :b", ExpressionAttributeValues: { ":a": { S: "x" }, ":b": { B: value } } }, range);
      await validation("Query", { TableName: "rangeB", KeyConditionExpression: "a = :a", ExpressionAttributeValues: { ":a": { S: "x" } }, ExclusiveStartKey: { a: { S: "x" }, b: { B: value } } }, `The provided starting key is invalid: ${range}`);
    }
    await validation("Query", { TableName: "hash", KeyConditionExpression: "a = :a", ExpressionAttributeValues: { ":a": { S: "h".repeat(100_000) } } }, "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes");
    // An index's key attributes are held to the same limits when an item is written.
    const created = await call("CreateTable", {
      TableName: "index-limits",
      AttributeDefinitions: [{ AttributeName: "a", AttributeType: "S" }, { AttributeName: "g", AttributeType: "S" }, { AttributeName: "r", AttributeType: "S" }],
      KeySchema: [{ KeyType: "HASH", AttributeName: "a" }],
      GlobalSecondaryIndexes: [{ IndexName: "by-g", KeySchema: [{ AttributeName: "g", KeyType: "HASH" }, { AttributeName: "r", KeyType: "RANGE" }], Projection: { ProjectionType: "ALL" } }],
      BillingMode: "PAY_PER_REQUEST",
    });
    assert.equal(created.status, 200);
    await validation("PutItem", { TableName: "index-limits", Item: { a: { S: "1" }, g: { S: "x" }, r: { S: "r".repeat(1025) } } }, range);
    await validation("PutItem", { TableName: "index-limits", Item: { a: { S: "1" }, g: { S: "g".repeat(2049) }, r: { S: "r" } } }, "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes");
    // The table's partition key as an index's sort key: within the partition key limit, over the sort key one (moto's test_key_length_exceptions).
    const swapped = await call("CreateTable", {
      TableName: "swapped-keys",
      AttributeDefinitions: [{ AttributeName: "a", AttributeType: "S" }, { AttributeName: "s", AttributeType: "S" }],
      KeySchema: [{ KeyType: "HASH", AttributeName: "a" }, { KeyType: "RANGE", AttributeName: "s" }],
      GlobalSecondaryIndexes: [{ IndexName: "by-s", KeySchema: [{ AttributeName: "s", KeyType: "HASH" }, { AttributeName: "a", KeyType: "RANGE" }], Projection: { ProjectionType: "ALL" } }],
      BillingMode: "PAY_PER_REQUEST",
    });
    assert.equal(swapped.status, 200);
    await validation("PutItem", { TableName: "swapped-keys", Item: { a: { S: "y".repeat(1025) }, s: { S: "sk" } } }, range);
    assert.equal((await call("PutItem", { TableName: "swapped-keys", Item: { a: { S: "y".repeat(1024) }, s: { S: "sk" } } })).status, 200);
  });

  it("refuses a null list element by its place, before writing anything", async () => {
    const nullAt = (place: string) => `1 validation error detected: Value null at '${place}' failed to satisfy constraint: Member must not be null`;
    await validation("TransactWriteItems", { TransactItems: [null] }, nullAt("transactItems.1.member"));
    await validation("TransactGetItems", { TransactItems: [null] }, nullAt("transactItems.1.member"));
    await validation("BatchWriteItem", { RequestItems: { hash: [null] } }, nullAt("requestItems.hash.1.member"));
    await validation("CreateTable", { TableName: "nulls", KeySchema: [null], AttributeDefinitions: [{ AttributeName: "a", AttributeType: "S" }], BillingMode: "PAY_PER_REQUEST" }, nullAt("keySchema.1.member"));
    const batch = await call("BatchExecuteStatement", { Statements: [{ Statement: "INSERT INTO hash VALUE {'a':'written-before-null'}" }, null] });
    assert.equal(batch.status, 400);
    const get = await call("GetItem", { TableName: "hash", Key: { a: { S: "written-before-null" } } });
    assert.deepEqual(get.body, {});
  });

  it("refuses __proto__ as a map key or attribute name, clearly, where it cannot keep it", async () => {
    const refused = "One or more parameter values were invalid: Nimbus does not support the map key __proto__";
    await validation("PutItem", JSON.parse('{"TableName":"hash","Item":{"a":{"S":"p"},"__proto__":{"S":"x"}}}'), refused);
    await validation("PutItem", JSON.parse('{"TableName":"hash","Item":{"a":{"S":"p"},"m":{"M":{"__proto__":{"N":"1"}}}}}'), refused);
    await validation("GetItem", JSON.parse('{"TableName":"hash","Key":{"__proto__":{"S":"x"}}}'), refused);
    const name = "One or more parameter values were invalid: Nimbus does not support the attribute name __proto__";
    await validation("UpdateItem", { TableName: "hash", Key: { a: { S: "p" } }, UpdateExpression: "SET #n = :v", ExpressionAttributeNames: { "#n": "__proto__" }, ExpressionAttributeValues: { ":v": { S: "y" } } }, name);
    await validation("ExecuteStatement", { Statement: "INSERT INTO hash VALUE {'a':'p','__proto__':1}" }, name);
  });

  it("refuses strings holding an unpaired surrogate, which would be one key with U+FFFD and each other", async () => {
    const refused = "One or more parameter values were invalid: Nimbus does not support strings holding an unpaired UTF-16 surrogate";
    await validation("PutItem", '{"TableName":"hash","Item":{"a":{"S":"k\\ud800"}}}', refused);
    await validation("PutItem", '{"TableName":"hash","Item":{"a":{"S":"k"},"v":{"SS":["\\uDC00x"]}}}', refused);
    await validation("PutItem", '{"TableName":"hash","Item":{"a":{"S":"k"},"\\ud83d":{"S":"v"}}}', refused);
    await validation("GetItem", '{"TableName":"hash","Key":{"a":{"S":"k\\udc00\\ud800"}}}', refused);
    // A pair, a literal FFFD and an escaped backslash before "u" are all fine, and stay three items.
    for (const key of ["k\\ud83d\\ude00", "k\\ufffd", "k\\\\ud800"]) {
      assert.equal((await call("PutItem", `{"TableName":"hash","Item":{"a":{"S":"${key}"},"v":{"S":"${key}"}}}`)).status, 200, key);
    }
    for (const key of ["k\\ud83d\\ude00", "k\\ufffd", "k\\\\ud800"]) {
      const got = await call("GetItem", `{"TableName":"hash","Key":{"a":{"S":"${key}"}},"ConsistentRead":true}`);
      assert.deepEqual(got.body.Item, { a: { S: JSON.parse(`"${key}"`) }, v: { S: JSON.parse(`"${key}"`) } }, key);
    }
  });

  it("names front-end errors in Coral's namespaces", async () => {
    for (const operation of ["NoSuchOperation", "toString", "hasOwnProperty", "__proto__"]) {
      assert.deepEqual(await call(operation, {}), { status: 400, body: { __type: "com.amazon.coral.service#UnknownOperationException" } }, operation);
    }
    assert.deepEqual(await call("GetItem", "hi"), { status: 400, body: { __type: SERIALIZATION } });
    assert.deepEqual(await call("PutItem", { TableName: 5 }), { status: 400, body: { __type: SERIALIZATION, Message: "NUMBER_VALUE cannot be converted to String" } });
    const missing = await call("GetItem", { TableName: "nothere", Key: { a: { S: "a" } } });
    assert.deepEqual(missing.body, { __type: "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException", message: "Requested resource not found" });
  });

  it("refuses an integer member past Java's int as no Integer (Limit, Segment), the last int taken", async () => {
    const notInteger = { status: 400, body: { __type: SERIALIZATION, Message: "NUMBER_VALUE cannot be converted to Integer" } };
    assert.deepEqual(await call("Scan", { TableName: "hash", Limit: 2 ** 31 }), notInteger);
    assert.deepEqual(await call("Query", '{"TableName":"hash","Limit":99999999999999999999999}'), notInteger);
    assert.deepEqual(await call("Scan", { TableName: "hash", Segment: -(2 ** 31) - 1, TotalSegments: 2 }), notInteger);
    assert.deepEqual(await call("ListTables", { Limit: 2 ** 31 }), notInteger);
    const last = await call("Scan", { TableName: "hash", Limit: 2 ** 31 - 1 });
    assert.equal(last.status, 200);
  });

  it("lists data-plane problems in DynamoDB's member and enum order", async () => {
    await validation(
      "PutItem",
      { TableName: "abc;", ReturnConsumedCapacity: "hi", ReturnItemCollectionMetrics: "hi", ReturnValues: "hi" },
      "5 validation errors detected: " +
        "Value 'hi' at 'returnConsumedCapacity' failed to satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]; " +
        "Value 'abc;' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
        "Value null at 'item' failed to satisfy constraint: Member must not be null; " +
        "Value 'hi' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]; " +
        "Value 'hi' at 'returnItemCollectionMetrics' failed to satisfy constraint: Member must satisfy enum value set: [SIZE, NONE]",
    );
    // A data-plane TableName may be a name or an ARN: an empty one fails the model's minimum of 1 alone,
    // and a short one the name's length before its characters (AWS, as moto's AWS-verified tests and nubo's 2026 capture record).
    await validation(
      "PutItem",
      { TableName: "" },
      "2 validation errors detected: " +
        "Value '' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        "Value null at 'item' failed to satisfy constraint: Member must not be null",
    );
    await validation(
      "UpdateItem",
      { TableName: "x!", Key: { a: { S: "a" } } },
      "2 validation errors detected: " +
        "Value 'x!' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3; " +
        "Value 'x!' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
    );
    await validation(
      "ListTables",
      { ExclusiveStartTableName: "a;", Limit: 500 },
      "3 validation errors detected: " +
        "Value '500' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100; " +
        "Value 'a;' at 'exclusiveStartTableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
        "Value 'a;' at 'exclusiveStartTableName' failed to satisfy constraint: Member must have length greater than or equal to 3",
    );
    await validation(
      "Query",
      { TableName: "abc", Select: "hi", Limit: 0 },
      "2 validation errors detected: " +
        "Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
        "Value 'hi' at 'select' failed to satisfy constraint: Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]",
    );
    await validation(
      "Scan",
      { TableName: "abc", ScanFilter: { a: { ComparisonOperator: "hi" } }, ConditionalOperator: "hi" },
      "2 validation errors detected: " +
        "Value 'hi' at 'scanFilter.a.member.comparisonOperator' failed to satisfy constraint: Member must satisfy enum value set: [IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]; " +
        "Value 'hi' at 'conditionalOperator' failed to satisfy constraint: Member must satisfy enum value set: [OR, AND]",
    );
  });

  it("checks control-plane table names up front", async () => {
    for (const operation of ["CreateTable", "DescribeTable", "DeleteTable", "UpdateTable"]) {
      await validation(operation, {}, "The parameter 'TableName' is required but was not present in the request");
      for (const name of ["", "a;", "a".repeat(256)]) {
        await validation(operation, { TableName: name }, "TableName must be at least 3 characters long and at most 255 characters long");
      }
      if (operation !== "CreateTable") await validation(operation, { TableName: "abc;" }, "1 validation error detected: Value 'abc;' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
    }
    await validation("DescribeTable", { TableName: "" }, "TableName must be at least 3 characters long and at most 255 characters long");
  });

  it("requires CreateTable's key schema and lists its problems as DynamoDB does", async () => {
    await validation(
      "CreateTable",
      { TableName: "abc;" },
      "3 validation errors detected: " +
        "Value null at 'attributeDefinitions' failed to satisfy constraint: Member must not be null; " +
        "Value 'abc;' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
        "Value null at 'keySchema' failed to satisfy constraint: Member must not be null",
    );
    await validation("CreateTable", { TableName: "abc", AttributeDefinitions: [] }, "1 validation error detected: Value null at 'keySchema' failed to satisfy constraint: Member must not be null");
    await validation(
      "CreateTable",
      { TableName: "abc", AttributeDefinitions: [], ProvisionedThroughput: {} },
      "3 validation errors detected: " +
        "Value null at 'provisionedThroughput.writeCapacityUnits' failed to satisfy constraint: Member must not be null; " +
        "Value null at 'provisionedThroughput.readCapacityUnits' failed to satisfy constraint: Member must not be null; " +
        "Value null at 'keySchema' failed to satisfy constraint: Member must not be null",
    );
    await validation(
      "CreateTable",
      { TableName: "abc", AttributeDefinitions: [], KeySchema: [], ProvisionedThroughput: { ReadCapacityUnits: -1, WriteCapacityUnits: -1 } },
      "3 validation errors detected: " +
        "Value '-1' at 'provisionedThroughput.writeCapacityUnits' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
        "Value '-1' at 'provisionedThroughput.readCapacityUnits' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
        "Value '[]' at 'keySchema' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
    const keys = [{ KeyType: "HASH", AttributeName: "a" }];
    await validation(
      "CreateTable",
      { TableName: "abc", AttributeDefinitions: [{ AttributeName: "b", AttributeType: "SS" }], KeySchema: keys, ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } },
      "1 validation error detected: Value 'SS' at 'attributeDefinitions.1.member.attributeType' failed to satisfy constraint: Member must satisfy enum value set: [B, N, S]",
    );
    const definitions = [{ AttributeName: "a", AttributeType: "S" }, { AttributeName: "b", AttributeType: "S" }];
    const rangeKeys = [{ KeyType: "HASH", AttributeName: "a" }, { KeyType: "RANGE", AttributeName: "b" }];
    await validation(
      "CreateTable",
      {
        TableName: "abc",
        AttributeDefinitions: definitions,
        KeySchema: rangeKeys,
        LocalSecondaryIndexes: [{ IndexName: "h;", KeySchema: rangeKeys, Projection: { NonKeyAttributes: [], ProjectionType: "abc" } }],
        ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
      },
      "4 validation errors detected: " +
        "Value 'h;' at 'localSecondaryIndexes.1.member.indexName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
        "Value 'h;' at 'localSecondaryIndexes.1.member.indexName' failed to satisfy constraint: Member must have length greater than or equal to 3; " +
        "Value 'abc' at 'localSecondaryIndexes.1.member.projection.projectionType' failed to satisfy constraint: Member must satisfy enum value set: [ALL, INCLUDE, KEYS_ONLY]; " +
        "Value '[]' at 'localSecondaryIndexes.1.member.projection.nonKeyAttributes' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  });

  it("checks attribute values before it counts their types, nested ones too", async () => {
    const cases: [unknown, string][] = [
      [{ S: "", N: "" }, "The parameter cannot be converted to a numeric value"],
      [{ S: "a", N: "" }, "The parameter cannot be converted to a numeric value"],
      [{ S: "a", N: "b" }, "The parameter cannot be converted to a numeric value: b"],
      [{ S: "a", N: "1" }, "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"],
      [{ M: { a: {} } }, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"],
      [{ L: [{}] }, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"],
      [{ L: [{ a: {} }] }, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"],
      [{ M: { b: { S: "a", BOOL: true } } }, "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"],
      [{ L: [{ NS: ["1", "1"] }] }, "Input collection contains duplicates"],
    ];
    for (const [value, message] of cases) {
      // The item's values are checked before Expected's rules.
      await validation("PutItem", { TableName: "abc", Item: { a: value }, Expected: { a: {} } }, message);
    }
  });

  it("refuses binary values that are not canonical base64, as Coral's decoder does", async () => {
    const cases: [string, string][] = [
      ["23456", "Base64 encoded length is expected a multiple of 4 bytes but found: 5"],
      ["=+/=", "Invalid last non-pad Base64 character dectected"],
      ["+/+=", "Invalid last non-pad Base64 character dectected"],
      ["!!!!", "Invalid last non-pad Base64 character dectected"],
      ["YQ", "Base64 encoded length is expected a multiple of 4 bytes but found: 2"],
    ];
    for (const [text, message] of cases) {
      const answer = await call("PutItem", { TableName: "hash", Item: { a: { S: "blob" }, b: { B: text } } });
      assert.equal(answer.status, 400, text);
      assert.deepEqual(answer.body, { __type: SERIALIZATION, Message: message }, text);
    }
    assert.equal((await call("PutItem", { TableName: "hash", Item: { a: { S: "blob" }, b: { B: "YQ==" }, s: { BS: ["AAE=", "/w=="] } } })).status, 200);
    assert.deepEqual((await call("GetItem", { TableName: "hash", Key: { a: { S: "blob" } } })).body, { Item: { a: { S: "blob" }, b: { B: "YQ==" }, s: { BS: ["AAE=", "/w=="] } } });
  });

  it("checks a PutItem in DynamoDB's order: parameters, item, size, placeholders, table", async () => {
    await validation(
      "PutItem",
      { TableName: "abc", Item: { a: {} }, Expected: { a: {} }, ExpressionAttributeNames: {}, ExpressionAttributeValues: {}, ConditionExpression: "" },
      "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}",
    );
    await validation(
      "PutItem",
      { TableName: "abc", Item: { a: {} }, Expected: { a: {} }, ExpressionAttributeNames: {}, ExpressionAttributeValues: {} },
      "ExpressionAttributeNames can only be specified when using expressions",
    );
    await validation(
      "PutItem",
      { TableName: "abc", Item: { a: { SS: [] } }, ExpressionAttributeNames: {}, ExpressionAttributeValues: {}, ConditionExpression: "" },
      "One or more parameter values were invalid: An string set  may not be empty",
    );
    const placeholders: [Record<string, unknown>, string][] = [
      [{ ExpressionAttributeNames: {}, ExpressionAttributeValues: {} }, "ExpressionAttributeNames must not be empty"],
      [{ ExpressionAttributeNames: { a: "a" }, ExpressionAttributeValues: {} }, 'ExpressionAttributeNames contains invalid key: Syntax error; key: "a"'],
      [{ ExpressionAttributeValues: {} }, "ExpressionAttributeValues must not be empty"],
      [{ ExpressionAttributeValues: { a: { S: "a" } } }, 'ExpressionAttributeValues contains invalid key: Syntax error; key: "a"'],
      [{ ExpressionAttributeValues: { ":a": { NS: [] } } }, "ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: An number set  may not be empty for key :a"],
      [{}, "Invalid ConditionExpression: The expression can not be empty;"],
    ];
    for (const [extra, message] of placeholders) await validation("PutItem", { TableName: "abc", Item: {}, ConditionExpression: "", ...extra }, message);

    // The item's size is checked before the table is looked up: 400 KB counts names and values.
    const key = "abcdefghij";
    const tooBig = { a: { S: key }, b: { S: "a".repeat(409600 - key.length - 2 + 1) } };
    await validation("PutItem", { TableName: "nothere", Item: tooBig, Expected: { a: {} } }, "Item size has exceeded the maximum allowed size");
    const justFits = { a: { S: key }, b: { S: "a".repeat(409600 - key.length - 2) } };
    const fits = await call("PutItem", { TableName: "nothere", Item: justFits });
    assert.equal(fits.body.__type, "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException");
  });

  it("refuses names that start with an underscore in expressions", async () => {
    for (const [expression, near] of [
      ["attribute_not_exists(_c)", "(_c"],
      ["attribute_not_exists(c._d)", "._d"],
    ]) {
      await validation("PutItem", { TableName: "hash", Item: { a: { S: "a" } }, ConditionExpression: expression }, `Invalid ConditionExpression: Syntax error; token: "_", near: "${near}"`);
    }
    await validation(
      "Query",
      { TableName: "hash", KeyConditionExpression: "a = :a AND __typename = :b", ExpressionAttributeValues: { ":a": { S: "a" }, ":b": { S: "b" } } },
      'Invalid KeyConditionExpression: Syntax error; token: "_", near: "AND __"',
    );
  });

  it("checks key values against the table", async () => {
    await validation("PutItem", { TableName: "hash", Item: { a: { S: "" } } }, "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: a");
    await validation("PutItem", { TableName: "rangeB", Item: { a: { S: "a" }, b: { B: "" } } }, "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty binary value. Key: b");
    await validation("PutItem", { TableName: "hash", Item: { a: { N: "1" } } }, "One or more parameter values were invalid: Type mismatch for key a expected: S actual: N");
    await validation("PutItem", { TableName: "hash", Item: { b: { S: "a" } } }, "One or more parameter values were invalid: Missing the key a in the item");
  });
  it("checks a Query or Scan on its own before it looks for the table, in DynamoDB's order", async () => {
    // "nothere" does not exist: every answer below comes before the table is looked up.
    const query = (body: Record<string, unknown>, message: string) => validation("Query", { TableName: "nothere", ...body }, message);
    const scan = (body: Record<string, unknown>, message: string) => validation("Scan", { TableName: "nothere", ...body }, message);
    await query({ KeyConditionExpression: "a <> b" }, "Invalid operator used in KeyConditionExpression: <>");
    await query({ KeyConditionExpression: "a.d > c" }, "KeyConditionExpressions cannot have conditions on nested attributes");
    await query({ KeyConditionExpression: ":a = a and b = :a and :a = c", ExpressionAttributeValues: { ":a": { S: "a" } } }, "Conditions can be of length 1 or 2 only");
    await query({ KeyConditionExpression: ":a between size(b) and size(a) and b > :b", ExpressionAttributeValues: { ":a": { S: "1" }, ":b": { S: "1" } } }, "Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first operand");
    // Every expression is parsed before the key condition is taken apart.
    await query({ KeyConditionExpression: "attribute_type(a, :a)", FilterExpression: "", ExpressionAttributeValues: { ":a": { S: "N" } } }, "Invalid FilterExpression: The expression can not be empty;");
    await query({ KeyConditions: { a: { ComparisonOperator: "EQ" } } }, "One or more parameter values were invalid: Invalid number of argument(s) for the EQ ComparisonOperator");
    await query({ KeyConditions: { a: { ComparisonOperator: "LT", AttributeValueList: [{ BOOL: true }] } } }, "One or more parameter values were invalid: ComparisonOperator LT is not valid for BOOL AttributeValue type");
    await query({ KeyConditions: { a: { ComparisonOperator: "BETWEEN", AttributeValueList: [{ S: "b" }, { S: "a" }] } } }, "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound");
    await query({ ExclusiveStartKey: { a: {} }, KeyConditions: { a: { ComparisonOperator: "EQ" } } }, "The provided starting key is invalid: Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
    await query({ ExclusiveStartKey: { a: { SS: ["a", "a"] } }, KeyConditions: { a: { ComparisonOperator: "EQ" } } }, "One or more parameter values were invalid: Input collection [a, a] contains duplicates.");
    await query({ QueryFilter: { a: { ComparisonOperator: "EQ", AttributeValueList: [{ S: "a" }] } }, FilterExpression: "b = :b", ConditionalOperator: "OR", KeyConditionExpression: "a = :a" }, "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {QueryFilter, ConditionalOperator} Expression parameters: {FilterExpression, KeyConditionExpression}");
    await query({ ProjectionExpression: "a", ExpressionAttributeValues: { ":a": { S: "a" } }, KeyConditions: { a: { ComparisonOperator: "EQ", AttributeValueList: [{ S: "a" }] } } }, "ExpressionAttributeValues can only be specified when using expressions: FilterExpression and KeyConditionExpression are null");
    await scan({ ExpressionAttributeValues: { ":a": { S: "a" } } }, "ExpressionAttributeValues can only be specified when using expressions: FilterExpression is null");
    await scan({ Segment: 1, AttributesToGet: ["a", "a"] }, "One or more parameter values were invalid: Duplicate value in attribute name: a");
    await scan({ Segment: 1, ScanFilter: { a: { ComparisonOperator: "EQ", AttributeValueList: [{}] } } }, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
    await scan({ FilterExpression: "", ProjectionExpression: "", ExpressionAttributeValues: { ":0": { S: "b" } } }, "Invalid FilterExpression: The expression can not be empty;");
  });

  it("checks a Query against the table's keys in DynamoDB's order", async () => {
    const query = (body: Record<string, unknown>, message: string) => validation("Query", { TableName: "rangeB", ...body }, message);
    const eq = (value: unknown) => ({ ComparisonOperator: "EQ", AttributeValueList: [value] });
    await query({ KeyConditions: { z: { ComparisonOperator: "NULL" } } }, "Query condition missed key schema element: a");
    await query({ KeyConditions: { a: eq({ S: "a" }), c: { ComparisonOperator: "NULL" } } }, "Query condition missed key schema element: b");
    await query({ KeyConditions: { a: { ComparisonOperator: "NE", AttributeValueList: [{ S: "a" }] } } }, "Attempted conditional constraint is not an indexable operation");
    await query({ KeyConditionExpression: ":a > a", ExpressionAttributeValues: { ":a": { N: "1" } } }, "One or more parameter values were invalid: Condition parameter type does not match schema type");
    await query({ KeyConditionExpression: "a > :a", ExpressionAttributeValues: { ":a": { S: "1" } } }, "Query key condition not supported");
    await query({ KeyConditions: { a: eq({ S: "a" }) }, ExclusiveStartKey: { a: { S: "a" } } }, "The provided starting key is invalid");
    await query({ KeyConditions: { a: eq({ S: "a" }) }, ExclusiveStartKey: { a: { S: "a" }, b: { S: "x" } } }, "The provided key element does not match the schema");
    await query({ KeyConditions: { a: eq({ S: "a" }) }, QueryFilter: { a: eq({ S: "a" }) } }, "QueryFilter can only contain non-primary key attributes: Primary key attribute: a");
    await validation("Query", { TableName: "hash", KeyConditionExpression: "y = :a and z = :a", ExpressionAttributeValues: { ":a": { S: "1" } } }, "Query key condition not supported");
    await validation("Scan", { TableName: "hash", ExclusiveStartKey: { a: { N: "1" } } }, "The provided starting key is invalid: The provided key element does not match the schema");
  });

  it("refuses paths into key attributes in projections and filters", async () => {
    const scalar = "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: Key: a";
    await validation("GetItem", { TableName: "hash", Key: { a: { S: "x" } }, ProjectionExpression: "#a.b.c", ExpressionAttributeNames: { "#a": "a" } }, scalar);
    await validation("GetItem", { TableName: "hash", Key: { a: { S: "x" } }, ProjectionExpression: "a[0]" }, scalar);
    await validation("Scan", { TableName: "hash", FilterExpression: "attribute_exists(a.b)" }, scalar);
    // The batched and transactional reads check their projections alike.
    await validation("BatchGetItem", { RequestItems: { hash: { Keys: [{ a: { S: "x" } }], ProjectionExpression: "a.b" } } }, scalar);
    await validation("TransactGetItems", { TransactItems: [{ Get: { TableName: "hash", Key: { a: { S: "x" } }, ProjectionExpression: "a[0]" } }] }, scalar);
    // A Query's filter may not name the key at all, and says so first.
    await validation(
      "Query",
      { TableName: "hash", KeyConditionExpression: "a = :a", FilterExpression: "a[1] = :b", ExpressionAttributeValues: { ":a": { S: "1" }, ":b": { N: "1" } } },
      "Filter Expression can only contain non-primary key attributes: Primary key attribute: a",
    );
    // How the parameters combine is checked before the key's values.
    await validation("GetItem", { TableName: "hash", Key: { a: {} }, AttributesToGet: ["a"], ProjectionExpression: "a" }, "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}");
  });
  it("quotes a batch over 25 writes at 'requestItems', as a map value out of bounds", async () => {
    const bounds = "Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]";
    await validation("BatchWriteItem", { RequestItems: { hash: [] } }, `1 validation error detected: Value '{hash=[]}' at 'requestItems' failed to satisfy constraint: ${bounds}`);
    const writes = Array.from({ length: 26 }, (_, i) => ({ PutRequest: { Item: { a: { S: String(i) } } } }));
    const answer = await call("BatchWriteItem", { RequestItems: { hash: writes } });
    assert.equal(answer.status, 400);
    assert.match(String(answer.body.message), /^1 validation error detected: Value '\{hash=\[(com\.amazonaws\.dynamodb\.v20120810\.WriteRequest@[0-9a-f]+(, )?){26}\]\}' at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: \[/);
  });
  it("refuses an empty WriteRequest in any table's list before it looks for a table", async () => {
    const message = "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes";
    await validation("BatchWriteItem", { RequestItems: { abc: [{}] } }, message);
    await validation("BatchWriteItem", { RequestItems: { nothere: [{ PutRequest: { Item: { a: { S: "x" } } } }], hash: [{ PutRequest: { Item: { a: { S: "y" } } } }, {}] } }, message);
  });
  it("checks an update against the table's index keys", async () => {
    const created = await call("CreateTable", {
      TableName: "indexed",
      AttributeDefinitions: [{ AttributeName: "a", AttributeType: "S" }, { AttributeName: "c", AttributeType: "S" }],
      KeySchema: [{ KeyType: "HASH", AttributeName: "a" }],
      GlobalSecondaryIndexes: [{ IndexName: "byC", KeySchema: [{ KeyType: "HASH", AttributeName: "c" }], Projection: { ProjectionType: "ALL" } }],
      BillingMode: "PAY_PER_REQUEST",
    });
    assert.equal(created.status, 200);
    assert.equal((await call("PutItem", { TableName: "indexed", Item: { a: { S: "k" }, e: { N: "1" } } })).status, 200);
    const update = (body: Record<string, unknown>, message: string) => validation("UpdateItem", { TableName: "indexed", Key: { a: { S: "k" } }, ...body }, message);
    await update({ UpdateExpression: "SET c[1] = :a", ExpressionAttributeValues: { ":a": { S: "x" } } }, "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: IndexKey: c");
    await update({ UpdateExpression: "SET x = c.y" }, "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: IndexKey: c");
    await update({ UpdateExpression: "SET x.y = a ADD c :a", ExpressionAttributeValues: { ":a": { N: "1" } } }, "One or more parameter values were invalid: Type mismatch for Index Key c Expected: S Actual: N IndexName: byC");
    await update({ UpdateExpression: "SET c = e" }, "The update expression attempted to update the secondary index key to unsupported type");
    await update({ AttributeUpdates: { c: { Value: { N: "1" } } } }, "One or more parameter values were invalid: Type mismatch for Index Key c Expected: S Actual: N IndexName: byC");
  });
  it("refuses repeated BatchGetItem keys before it looks for the table", async () => {
    const keys = [{ a: { S: "x" }, b: { N: "12" } }, { b: { N: "12.0" }, a: { S: "x" } }];
    await validation("BatchGetItem", { RequestItems: { nothere: { Keys: keys } } }, "Provided list of item keys contains duplicates");
    await validation("BatchGetItem", { RequestItems: { nothere: { Keys: keys, AttributesToGet: ["a", "a"] } } }, "One or more parameter values were invalid: Duplicate value in attribute name: a");
  });
});
