/**
 * DynamoDB expression edges beyond what ScyllaDB's alternator suite pins
 * down, with the messages DynamoDB itself answers (captured against AWS by
 * ExtendDB's dual-target suite, tests/test_expression_attribute_map_validation.py
 * and test_expression_size_limit.py): placeholder maps' keys and values,
 * the wording of the 4 KB limit per expression kind; and sets of
 * thousands of members, which ADD, DELETE and comparisons match in linear
 * time; REMOVE of list elements by their original indexes.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { rawRequest } from "../support/raw.js";
import { startCloud, type TestCloud } from "../support/nimbus.js";

const TABLE = "edges";

describe("DynamoDB expression edges", () => {
  let t: TestCloud;
  const call = async (operation: string, body: Record<string, unknown>) => {
    const answer = await rawRequest(t.cloud.endpoint, {
      method: "POST",
      path: "/",
      service: "dynamodb",
      headers: { "x-amz-target": `DynamoDB_20120810.${operation}`, "content-type": "application/x-amz-json-1.0" },
      body: JSON.stringify({ TableName: TABLE, ...body }),
    });
    return { status: answer.status, body: answer.body === "" ? {} : (JSON.parse(answer.body) as Record<string, unknown>) };
  };
  const refused = async (operation: string, body: Record<string, unknown>, message: string) => {
    const answer = await call(operation, body);
    assert.equal(answer.status, 400, JSON.stringify(body).slice(0, 200));
    assert.equal(answer.body.message, message, JSON.stringify(body).slice(0, 200));
  };

  before(async () => {
    t = await startCloud({ inMemory: true });
    const created = await call("CreateTable", {
      AttributeDefinitions: [{ AttributeName: "p", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "p", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    });
    assert.equal(created.status, 200);
    assert.equal((await call("PutItem", { Item: { p: { S: "k" }, foo: { S: "a" } } })).status, 200);
  });
  after(() => t.stop());

  it("refuses a name placeholder standing for the empty name", async () => {
    const key = { p: { S: "k" } };
    await refused("GetItem", { Key: key, ProjectionExpression: "#a", ExpressionAttributeNames: { "#a": "" } }, "ExpressionAttributeNames contains invalid value: Empty attribute name for key #a");
    await refused(
      "UpdateItem",
      { Key: key, UpdateExpression: "SET #a = :v", ExpressionAttributeNames: { "#a": "" }, ExpressionAttributeValues: { ":v": { N: "1" } } },
      "ExpressionAttributeNames contains invalid value: Empty attribute name for key #a",
    );
    // Nothing was written under the empty name.
    assert.deepEqual((await call("GetItem", { Key: key, ConsistentRead: true })).body.Item, { p: { S: "k" }, foo: { S: "a" } });
  });

  it("refuses placeholders longer than 255 bytes, before their syntax", async () => {
    const key = { p: { S: "k" } };
    const long = "#" + "a".repeat(255);
    await refused(
      "GetItem",
      { Key: key, ProjectionExpression: "#a", ExpressionAttributeNames: { [long]: "foo" } },
      "ExpressionAttributeNames contains invalid key: The expression attribute map contains a key that is too long; size of key: 256",
    );
    await refused(
      "GetItem",
      { Key: key, ProjectionExpression: "#a", ExpressionAttributeNames: { [long + "-x"]: "foo" } },
      "ExpressionAttributeNames contains invalid key: The expression attribute map contains a key that is too long; size of key: 258",
    );
    await refused(
      "Scan",
      { FilterExpression: "foo = :v", ExpressionAttributeValues: { [":" + "a".repeat(255)]: { S: "x" } } },
      "ExpressionAttributeValues contains invalid key: The expression attribute map contains a key that is too long;",
    );
    // 255 bytes is allowed.
    const longest = "#" + "a".repeat(254);
    const fits = await call("GetItem", { Key: key, ProjectionExpression: longest, ExpressionAttributeNames: { [longest]: "foo" } });
    assert.deepEqual(fits.body, { Item: { foo: { S: "a" } } });
  });

  it("gives an oversized expression's size only for conditions and filters", async () => {
    const name = "a" + "z".repeat(4096);
    const prefix = "Expression size has exceeded the maximum allowed size;";
    const key = { p: { S: "k" } };
    await refused("GetItem", { Key: key, ProjectionExpression: name }, `Invalid ProjectionExpression: ${prefix}`);
    await refused("UpdateItem", { Key: key, UpdateExpression: `SET ${name} = :v`, ExpressionAttributeValues: { ":v": { S: "x" } } }, `Invalid UpdateExpression: ${prefix}`);
    await refused(
      "Query",
      { KeyConditionExpression: `p = :p AND ${name} = :q`, ExpressionAttributeValues: { ":p": { S: "k" }, ":q": { S: "x" } } },
      `Invalid KeyConditionExpression: ${prefix}`,
    );
    const filter = `${name} = :v`;
    await refused("Scan", { FilterExpression: filter, ExpressionAttributeValues: { ":v": { S: "x" } } }, `Invalid FilterExpression: ${prefix} expression size: ${filter.length}`);
    const condition = `attribute_not_exists(${name})`;
    await refused("PutItem", { Item: key, ConditionExpression: condition }, `Invalid ConditionExpression: ${prefix} expression size: ${condition.length}`);
    // 4096 bytes is allowed.
    assert.equal((await call("GetItem", { Key: key, ProjectionExpression: name.slice(1) })).status, 200);
  });

  it("adds, deletes and compares sets of thousands of members at once (matched pairwise, these took half a minute)", { timeout: 10_000 }, async () => {
    // Pairwise matching took ~30 s here, the whole server blocked meanwhile.
    const count = 10_000;
    const numbers = (from: number) => Array.from({ length: count }, (_, i) => String(from + i));
    const key = { p: { S: "big" } };
    assert.equal((await call("PutItem", { Item: { ...key, s: { NS: numbers(0) }, t: { SS: numbers(0) } } })).status, 200);
    const added = await call("UpdateItem", {
      Key: key,
      UpdateExpression: "ADD s :more, t :strings",
      ExpressionAttributeValues: { ":more": { NS: numbers(count / 2) }, ":strings": { SS: numbers(count / 2) } },
      ReturnValues: "UPDATED_NEW",
    });
    assert.equal(added.status, 200);
    const attributes = added.body.Attributes as { s: { NS: string[] }; t: { SS: string[] } };
    assert.equal(attributes.s.NS.length, count * 1.5);
    assert.equal(attributes.t.SS.length, count * 1.5);
    const deleted = await call("UpdateItem", { Key: key, UpdateExpression: "DELETE s :gone", ExpressionAttributeValues: { ":gone": { NS: numbers(0) } }, ReturnValues: "UPDATED_NEW" });
    assert.deepEqual(new Set((deleted.body.Attributes as { s: { NS: string[] } }).s.NS), new Set(numbers(count).slice(0, count / 2)));
    const compared = await call("PutItem", { Item: key, ConditionExpression: "s = :same", ExpressionAttributeValues: { ":same": { NS: numbers(count).slice(0, count / 2).reverse() } } });
    assert.equal(compared.status, 200);
  });

  it("removes list elements by their original indexes, whatever paths come between", async () => {
    // alternator's test_update_expression_nested_remove_list_item_original_number: indexes name the elements as they were.
    const numbers = (n: number) => ({ L: Array.from({ length: n }, (_, i) => ({ N: String(i) })) });
    const key = { p: { S: "lists" } };
    assert.equal((await call("PutItem", { Item: { ...key, l: numbers(6), m: numbers(6) } })).status, 200);
    const removed = await call("UpdateItem", { Key: key, UpdateExpression: "REMOVE l[0], m[1], l[3], m[4], l[5]", ReturnValues: "ALL_NEW" });
    assert.equal(removed.status, 200);
    const attributes = removed.body.Attributes as Record<string, { L: { N: string }[] }>;
    assert.deepEqual(attributes.l.L.map((e) => e.N), ["1", "2", "4"]);
    assert.deepEqual(attributes.m.L.map((e) => e.N), ["0", "2", "3", "5"]);
  });
});
