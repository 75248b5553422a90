/**
 * DynamoDB single-item operations through the AWS SDK: writes with
 * conditions and ReturnValues, reads with projections, key validation,
 * limits and consumed capacity.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactGetItemsCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";

describe("DynamoDB items", () => {
  let t: TestCloud;
  let ddb: DynamoDBClient;
  before(async () => {
    t = await startCloud({ inMemory: true });
    ddb = new DynamoDBClient(t.cloud.clientConfig);
    await ddb.send(
      new CreateTableCommand({
        TableName: "things",
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

  const key = (pk: string, sk: number) => ({ pk: { S: pk }, sk: { N: String(sk) } });
  async function message(promise: Promise<unknown>, code = "ValidationException"): Promise<string> {
    return (await rejectsWith(promise, code, 400)).message;
  }

  it("puts and gets every attribute type, numbers normalised", async () => {
    const item = {
      ...key("types", 1),
      s: { S: "text" },
      n: { N: "1.50" },
      b: { B: new Uint8Array([0, 1, 255]) },
      bool: { BOOL: false },
      nul: { NULL: true },
      m: { M: { inner: { S: "x" } } },
      l: { L: [{ N: "1" }, { S: "two" }] },
      ss: { SS: ["a", "b"] },
      ns: { NS: ["1", "2.0"] },
      bs: { BS: [new Uint8Array([1]), new Uint8Array([2])] },
      empty: { S: "" },
    };
    await ddb.send(new PutItemCommand({ TableName: "things", Item: item }));
    const { Item } = await ddb.send(new GetItemCommand({ TableName: "things", Key: key("types", 1), ConsistentRead: true }));
    assert.equal(Item!.n!.N, "1.5");
    assert.deepEqual(Item!.b!.B, new Uint8Array([0, 1, 255]));
    assert.deepEqual(Item!.m, { M: { inner: { S: "x" } } });
    assert.deepEqual(Item!.ns!.NS!.sort(), ["1", "2"]);
    assert.deepEqual(Item!.empty, { S: "" });
    assert.equal(Item!.nul!.NULL, true);
  });

  it("projects with ProjectionExpression and AttributesToGet", async () => {
    await ddb.send(new PutItemCommand({ TableName: "things", Item: { ...key("proj", 1), a: { S: "1" }, b: { M: { c: { N: "2" }, d: { N: "3" } } } } }));
    const byExpression = await ddb.send(
      new GetItemCommand({ TableName: "things", Key: key("proj", 1), ProjectionExpression: "#a, b.c", ExpressionAttributeNames: { "#a": "a" } }),
    );
    assert.deepEqual(byExpression.Item, { a: { S: "1" }, b: { M: { c: { N: "2" } } } });
    const legacy = await ddb.send(new GetItemCommand({ TableName: "things", Key: key("proj", 1), AttributesToGet: ["pk"] }));
    assert.deepEqual(legacy.Item, { pk: { S: "proj" } });
    const missing = await ddb.send(new GetItemCommand({ TableName: "things", Key: key("nothing", 1) }));
    assert.equal(missing.Item, undefined);
  });

  it("checks conditions, answering ConditionalCheckFailedException with the item when asked", async () => {
    await ddb.send(new PutItemCommand({ TableName: "things", Item: { ...key("cond", 1), v: { N: "1" } }, ConditionExpression: "attribute_not_exists(pk)" }));
    const error = await rejectsWith(
      ddb.send(
        new PutItemCommand({
          TableName: "things",
          Item: { ...key("cond", 1), v: { N: "2" } },
          ConditionExpression: "attribute_not_exists(pk)",
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      ),
      "ConditionalCheckFailedException",
      400,
    );
    assert.ok(error instanceof ConditionalCheckFailedException);
    assert.equal(error.message, "The conditional request failed");
    assert.deepEqual(error.Item, { ...key("cond", 1), v: { N: "1" } });
    const legacy = await message(
      ddb.send(new DeleteItemCommand({ TableName: "things", Key: key("cond", 1), Expected: { v: { Value: { N: "5" } } } })),
      "ConditionalCheckFailedException",
    );
    assert.equal(legacy, "The conditional request failed");
    const old = await ddb.send(
      new DeleteItemCommand({ TableName: "things", Key: key("cond", 1), ConditionExpression: "v = :one", ExpressionAttributeValues: { ":one": { N: "1" } }, ReturnValues: "ALL_OLD" }),
    );
    assert.deepEqual(old.Attributes, { ...key("cond", 1), v: { N: "1" } });
  });

  it("updates with SET, REMOVE, ADD and DELETE and answers every ReturnValues", async () => {
    await ddb.send(new PutItemCommand({ TableName: "things", Item: { ...key("upd", 1), count: { N: "1" }, tags: { SS: ["a", "b"] }, gone: { S: "x" } } }));
    const updatedNew = await ddb.send(
      new UpdateItemCommand({
        TableName: "things",
        Key: key("upd", 1),
        UpdateExpression: "SET #c = #c + :inc, created = if_not_exists(created, :now), #i = list_append(if_not_exists(#i, :empty), :more) REMOVE gone ADD visits :inc DELETE tags :a",
        ExpressionAttributeNames: { "#c": "count", "#i": "items" },
        ExpressionAttributeValues: { ":inc": { N: "2" }, ":now": { S: "today" }, ":empty": { L: [] }, ":more": { L: [{ S: "i" }] }, ":a": { SS: ["a"] } },
        ReturnValues: "UPDATED_NEW",
      }),
    );
    assert.deepEqual(updatedNew.Attributes, {
      count: { N: "3" },
      created: { S: "today" },
      items: { L: [{ S: "i" }] },
      visits: { N: "2" },
      tags: { SS: ["b"] },
    });
    const allOld = await ddb.send(
      new UpdateItemCommand({ TableName: "things", Key: key("upd", 1), UpdateExpression: "SET #c = :v", ExpressionAttributeNames: { "#c": "count" }, ExpressionAttributeValues: { ":v": { N: "10" } }, ReturnValues: "UPDATED_OLD" }),
    );
    assert.deepEqual(allOld.Attributes, { count: { N: "3" } });
    const allNew = await ddb.send(new UpdateItemCommand({ TableName: "things", Key: key("upd", 2), UpdateExpression: "SET a = :v", ExpressionAttributeValues: { ":v": { S: "new" } }, ReturnValues: "ALL_NEW" }));
    assert.deepEqual(allNew.Attributes, { ...key("upd", 2), a: { S: "new" } });
    const legacy = await ddb.send(
      new UpdateItemCommand({ TableName: "things", Key: key("upd", 2), AttributeUpdates: { a: { Action: "PUT", Value: { S: "legacy" } } }, ReturnValues: "ALL_OLD" }),
    );
    assert.deepEqual(legacy.Attributes, { ...key("upd", 2), a: { S: "new" } });
    assert.equal(
      await message(ddb.send(new UpdateItemCommand({ TableName: "things", Key: key("upd", 2), UpdateExpression: "SET pk = :v", ExpressionAttributeValues: { ":v": { S: "x" } } }))),
      "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key",
    );
  });

  it("validates keys as DynamoDB does", async () => {
    assert.equal(await message(ddb.send(new GetItemCommand({ TableName: "things", Key: { pk: { S: "a" } } }))), "The provided key element does not match the schema");
    assert.equal(await message(ddb.send(new GetItemCommand({ TableName: "things", Key: { pk: { S: "a" }, sk: { S: "1" } } }))), "The provided key element does not match the schema");
    assert.equal(await message(ddb.send(new PutItemCommand({ TableName: "things", Item: { pk: { S: "a" } } }))), "One or more parameter values were invalid: Missing the key sk in the item");
    assert.equal(
      await message(ddb.send(new PutItemCommand({ TableName: "things", Item: { pk: { S: "a" }, sk: { S: "x" } } }))),
      "One or more parameter values were invalid: Type mismatch for key sk expected: N actual: S",
    );
    assert.equal(
      await message(ddb.send(new PutItemCommand({ TableName: "things", Item: { pk: { S: "" }, sk: { N: "1" } } }))),
      "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk",
    );
    assert.equal(
      await message(ddb.send(new PutItemCommand({ TableName: "things", Item: { pk: { S: "x".repeat(2049) }, sk: { N: "1" } } }))),
      "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes",
    );
    assert.equal(await message(ddb.send(new GetItemCommand({ TableName: "missing", Key: key("a", 1) })), "ResourceNotFoundException"), "Requested resource not found");
    assert.equal(
      await message(ddb.send(new PutItemCommand({ TableName: "things", Item: key("a", 1), ReturnValues: "ALL_NEW" }))),
      // DynamoDB's words, quoted from an AmazonServiceException in taoensso/faraday#64.
      "Return values set to invalid value",
    );
  });

  it("refuses items over 400 KB", async () => {
    await ddb.send(new PutItemCommand({ TableName: "things", Item: { ...key("big", 1), data: { S: "x".repeat(390_000) } } }));
    assert.equal(
      await message(ddb.send(new PutItemCommand({ TableName: "things", Item: { ...key("big", 2), data: { S: "x".repeat(410_000) } } }))),
      "Item size has exceeded the maximum allowed size",
    );
    const grow = { TableName: "things", Key: key("big", 1), UpdateExpression: "SET more = :more", ExpressionAttributeValues: { ":more": { S: "y".repeat(20_000) } } };
    assert.equal(await message(ddb.send(new UpdateItemCommand(grow))), "Item size to update has exceeded the maximum allowed size");
  });

  it("answers consumed capacity", async () => {
    const put = await ddb.send(new PutItemCommand({ TableName: "things", Item: { ...key("cap", 1), data: { S: "x".repeat(1500) } }, ReturnConsumedCapacity: "TOTAL" }));
    // Outside transactions DynamoDB gives CapacityUnits alone, not split into read and write units.
    assert.deepEqual(put.ConsumedCapacity, { TableName: "things", CapacityUnits: 2 });
    const get = await ddb.send(new GetItemCommand({ TableName: "things", Key: key("cap", 1), ReturnConsumedCapacity: "INDEXES" }));
    assert.deepEqual(get.ConsumedCapacity, { TableName: "things", CapacityUnits: 0.5, Table: { CapacityUnits: 0.5 } });
    const transacted = await ddb.send(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: "things", Key: key("cap", 1) } }], ReturnConsumedCapacity: "TOTAL" }));
    assert.deepEqual(transacted.ConsumedCapacity, [{ TableName: "things", CapacityUnits: 2, ReadCapacityUnits: 2 }]);
  });

  it("answers ItemCollectionMetrics for tables with local indexes", async () => {
    await ddb.send(
      new CreateTableCommand({
        TableName: "collections",
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, { AttributeName: "sk", AttributeType: "N" }, { AttributeName: "at", AttributeType: "N" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }],
        LocalSecondaryIndexes: [{ IndexName: "by-at", KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "at", KeyType: "RANGE" }], Projection: { ProjectionType: "KEYS_ONLY" } }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    const put = await ddb.send(new PutItemCommand({ TableName: "collections", Item: { ...key("c", 1), at: { N: "5" } }, ReturnItemCollectionMetrics: "SIZE" }));
    assert.deepEqual(put.ItemCollectionMetrics, { ItemCollectionKey: { pk: { S: "c" } }, SizeEstimateRangeGB: [0, 1] });
    const plain = await ddb.send(new PutItemCommand({ TableName: "things", Item: key("c", 1), ReturnItemCollectionMetrics: "SIZE" }));
    assert.equal(plain.ItemCollectionMetrics, undefined, "a table without local indexes has no item collections");
    const batch = await ddb.send(
      new BatchWriteItemCommand({
        RequestItems: { collections: [{ PutRequest: { Item: { ...key("c", 2), at: { N: "6" } } } }, { PutRequest: { Item: { ...key("d", 1), at: { N: "7" } } } }] },
        ReturnItemCollectionMetrics: "SIZE",
      }),
    );
    assert.deepEqual(batch.ItemCollectionMetrics, {
      collections: [
        { ItemCollectionKey: { pk: { S: "c" } }, SizeEstimateRangeGB: [0, 1] },
        { ItemCollectionKey: { pk: { S: "d" } }, SizeEstimateRangeGB: [0, 1] },
      ],
    });
    const transaction = await ddb.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: "collections", Item: { ...key("e", 1), at: { N: "8" } } } },
          // A condition check writes nothing: its collection is not among those affected.
          { ConditionCheck: { TableName: "collections", Key: key("d", 1), ConditionExpression: "attribute_exists(pk)" } },
        ],
        ReturnItemCollectionMetrics: "SIZE",
      }),
    );
    assert.deepEqual(transaction.ItemCollectionMetrics, { collections: [{ ItemCollectionKey: { pk: { S: "e" } }, SizeEstimateRangeGB: [0, 1] }] });
  });

  it("hides items whose time to live has passed", async () => {
    await ddb.send(new UpdateTimeToLiveCommand({ TableName: "things", TimeToLiveSpecification: { Enabled: true, AttributeName: "expires" } }));
    const past = Math.floor(Date.now() / 1000) - 60;
    const future = past + 3600;
    await ddb.send(new PutItemCommand({ TableName: "things", Item: { ...key("ttl", 1), expires: { N: String(past) } } }));
    await ddb.send(new PutItemCommand({ TableName: "things", Item: { ...key("ttl", 2), expires: { N: String(future) } } }));
    assert.equal((await ddb.send(new GetItemCommand({ TableName: "things", Key: key("ttl", 1) }))).Item, undefined);
    assert.ok((await ddb.send(new GetItemCommand({ TableName: "things", Key: key("ttl", 2) }))).Item);
  });

  it("refuses mixing expressions with legacy parameters and unused placeholders", async () => {
    assert.equal(
      await message(ddb.send(new PutItemCommand({ TableName: "things", Item: key("mix", 1), ConditionExpression: "attribute_exists(pk)", Expected: { pk: { Exists: false } } }))),
      "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}",
    );
    assert.equal(
      await message(ddb.send(new PutItemCommand({ TableName: "things", Item: key("mix", 1), ExpressionAttributeNames: { "#a": "a" } }))),
      "ExpressionAttributeNames can only be specified when using expressions",
    );
    await rejectsWith(
      ddb.send(new PutItemCommand({ TableName: "things", Item: key("mix", 1), ConditionExpression: "attribute_not_exists(pk)", ExpressionAttributeValues: { ":unused": { S: "x" } } })),
      "ValidationException",
      400,
    );
  });
});
