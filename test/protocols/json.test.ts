/** The json protocol over the real DynamoDB model. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as zlib from "node:zlib";
import { createCodec } from "../../src/protocols/index.js";
import { loadModel } from "../../src/protocols/model.js";
import { AwsError } from "../../src/server/errors.js";
import { bodyText, ctx, wire } from "./wire.js";

const codec = createCodec(loadModel("dynamodb"));
const target = (op: string) => ({ "x-amz-target": `DynamoDB_20120810.${op}`, "content-type": "application/x-amz-json-1.0" });

describe("json 1.0 (DynamoDB)", () => {
  it("routes by X-Amz-Target", () => {
    assert.equal(codec.resolve(wire("POST", "/", target("PutItem")))?.name, "PutItem");
    assert.equal(codec.resolve(wire("POST", "/", target("NoSuchThing"))), undefined);
    assert.equal(codec.resolve(wire("POST", "/", { "x-amz-target": "Kinesis_20131202.PutRecord" })), undefined);
    assert.equal(codec.resolve(wire("GET", "/", target("PutItem"))), undefined);
  });

  it("decodes nested attribute values, binary as Buffers", async () => {
    const item = { pk: { S: "user#1" }, n: { N: "42" }, bin: { B: Buffer.from([0, 1, 255]).toString("base64") }, tags: { SS: ["a", "b"] }, nested: { M: { ok: { BOOL: true }, nil: { NULL: true } } }, list: { L: [{ S: "x" }] } };
    const req = wire("POST", "/", target("PutItem"), JSON.stringify({ TableName: "t", Item: item, ReturnValues: "ALL_OLD" }));
    const input = await codec.parseInput(codec.resolve(req)!, req);
    const decoded = input.Item as Record<string, Record<string, unknown>>;
    assert.equal(input.TableName, "t");
    assert.deepEqual(decoded.pk, { S: "user#1" });
    assert.deepEqual(decoded.bin!.B, Buffer.from([0, 1, 255]));
    assert.deepEqual(decoded.nested, { M: { ok: { BOOL: true }, nil: { NULL: true } } });
    assert.deepEqual(decoded.list, { L: [{ S: "x" }] });
  });

  it("answers SerializationException for malformed documents and wrong types", async () => {
    for (const body of ["{", "[]", JSON.stringify({ TableName: 5 })]) {
      const req = wire("POST", "/", target("DescribeTable"), body);
      await assert.rejects(async () => codec.parseInput(codec.resolve(req)!, req), (e: AwsError) => e.code === "SerializationException" && e.status === 400);
    }
  });

  it("writes timestamps as epoch seconds, with a CRC32 of the body", async () => {
    const response = codec.serializeOutput(codec.model.operations.DescribeTable!, {
      Table: { TableName: "t", CreationDateTime: new Date(1_700_000_000_500), ItemCount: 0, TableStatus: "ACTIVE" },
    }, ctx);
    const body = await bodyText(response);
    assert.equal(response.headers["content-type"], "application/x-amz-json-1.0");
    assert.deepEqual(JSON.parse(body), { Table: { TableName: "t", CreationDateTime: 1_700_000_000.5, ItemCount: 0, TableStatus: "ACTIVE" } });
    assert.equal(response.headers["x-amz-crc32"], String(zlib.crc32(Buffer.from(body))));
  });

  it("writes errors with the namespaced __type", async () => {
    const response = codec.serializeError(new AwsError("ResourceNotFoundException", "Requested resource not found", 400), ctx);
    assert.deepEqual(JSON.parse(await bodyText(response)), {
      __type: "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
      message: "Requested resource not found",
    });
    assert.equal(response.headers["x-amzn-requestid"], "REQ123");
  });
});

describe("json shapes: compiled readers and writers", () => {
  const model = loadModel("dynamodb");
  const getItem = model.operations.GetItem!;
  const putItem = model.operations.PutItem!;

  it("keeps values that decode to themselves, copies the rest", async () => {
    const input = await codec.parseInput(putItem, wire("POST", "/", target("PutItem"), JSON.stringify({
      TableName: "t",
      Item: { a: { S: "x" }, gone: null, b: { B: "AAE=" }, c: { S: "y", junk: 1 }, d: { L: [{ N: "1" }] } },
    })));
    assert.deepEqual(input.Item, { a: { S: "x" }, b: { B: Buffer.from([0, 1]) }, c: { S: "y" }, d: { L: [{ N: "1" }] } });
  });

  it("refuses a null list element by its place, as Coral's validator does", async () => {
    const req = wire("POST", "/", target("PutItem"), JSON.stringify({ TableName: "t", Item: { d: { L: [{ N: "1" }, null] } } }));
    await assert.rejects(async () => codec.parseInput(putItem, req), {
      code: "ValidationException",
      message: "1 validation error detected: Value null at 'item.d.l.2.member' failed to satisfy constraint: Member must not be null",
    });
  });

  it("reports the first mismatch in model order, with AWS's words", async () => {
    const req = wire("POST", "/", target("PutItem"), JSON.stringify({ TableName: "t", Item: { a: { S: 5 } } }));
    await assert.rejects(async () => codec.parseInput(putItem, req), (e: AwsError) => e.code === "SerializationException" && e.message === "NUMBER_VALUE cannot be converted to String");
  });

  it("writes items as they are, blobs as base64, nulls in maps as null", async () => {
    const item = { a: { S: "x" }, b: { B: Buffer.from([0, 1]) }, n: { N: "1" } };
    const response = codec.serializeOutput(getItem, { Item: item, Unknown: 1 }, ctx);
    assert.equal(await bodyText(response), '{"Item":{"a":{"S":"x"},"b":{"B":"AAE="},"n":{"N":"1"}}}');
    assert.deepEqual(item.b.B, Buffer.from([0, 1]));
  });
});
