/**
 * The REST HTTP bindings on a small synthetic rest-json model, for the
 * traits the real models use rarely: query maps and lists, header lists,
 * jsonvalue headers, member timestamp formats, status-code members.
 */
import assert from "node:assert/strict";
import type { IncomingHttpHeaders } from "node:http";
import { Readable } from "node:stream";
import { describe, it } from "node:test";
import { AwsError } from "../../server/errors.js";
import type { ServiceModel } from "../model.js";
import { createRestJsonCodec } from "../rest-json/codec.js";
import type { WireRequest } from "../types.js";

const model: ServiceModel = {
  metadata: { apiVersion: "2024-01-01", endpointPrefix: "demo", protocol: "rest-json", serviceId: "Demo" },
  operations: {
    Search: {
      name: "Search",
      http: { method: "GET", requestUri: "/things/{Group}/{Path+}" },
      input: { shape: "SearchInput" },
      output: { shape: "SearchOutput" },
    },
    PutNote: {
      name: "PutNote",
      http: { method: "PUT", requestUri: "/notes/{Id}", responseCode: 201 },
      input: { shape: "PutNoteInput" },
      output: { shape: "PutNoteOutput" },
    },
  },
  shapes: {
    SearchInput: {
      type: "structure",
      required: ["Group"],
      members: {
        Group: { shape: "String", location: "uri", locationName: "Group" },
        Path: { shape: "String", location: "uri", locationName: "Path" },
        Limit: { shape: "Integer", location: "querystring", locationName: "limit" },
        Tags: { shape: "StringList", location: "querystring", locationName: "tag" },
        Extra: { shape: "StringMap", location: "querystring" },
        Since: { shape: "Timestamp", location: "header", locationName: "X-Since" },
        Ids: { shape: "IntegerList", location: "header", locationName: "X-Ids" },
        Context: { shape: "String", location: "header", locationName: "X-Context", jsonvalue: true },
        Flag: { shape: "Boolean", location: "header", locationName: "X-Flag" },
        Labels: { shape: "StringMap", location: "headers", locationName: "x-label-" },
      },
    },
    SearchOutput: {
      type: "structure",
      members: {
        Status: { shape: "Integer", location: "statusCode" },
        Updated: { shape: "Timestamp", location: "header", locationName: "X-Updated" },
        UpdatedEpoch: { shape: "Timestamp", location: "header", locationName: "X-Updated-Epoch", timestampFormat: "unixTimestamp" },
        Names: { shape: "StringList", location: "header", locationName: "X-Names" },
        Context: { shape: "String", location: "header", locationName: "X-Context", jsonvalue: true },
        Labels: { shape: "StringMap", location: "headers", locationName: "x-label-" },
        Items: { shape: "ItemList" },
        When: { shape: "Timestamp" },
        WhenIso: { shape: "Timestamp", timestampFormat: "iso8601" },
        Data: { shape: "Blob" },
      },
    },
    PutNoteInput: {
      type: "structure",
      required: ["Id"],
      members: {
        Id: { shape: "String", location: "uri", locationName: "Id" },
        Text: { shape: "String" },
      },
      payload: "Text",
    },
    PutNoteOutput: { type: "structure", members: { Id: { shape: "String", location: "header", locationName: "X-Id" } } },
    Item: { type: "structure", members: { Name: { shape: "String", locationName: "name" }, Size: { shape: "Long" } } },
    ItemList: { type: "list", member: { shape: "Item" } },
    StringList: { type: "list", member: { shape: "String" } },
    IntegerList: { type: "list", member: { shape: "Integer" } },
    StringMap: { type: "map", key: { shape: "String" }, value: { shape: "String" } },
    String: { type: "string" },
    Integer: { type: "integer" },
    Long: { type: "long" },
    Boolean: { type: "boolean" },
    Timestamp: { type: "timestamp" },
    Blob: { type: "blob" },
  },
};

const codec = createRestJsonCodec(model);
const ctx = { requestId: "R1", method: "GET" };

function request(method: string, target: string, headers: IncomingHttpHeaders = {}, body = ""): WireRequest {
  const q = target.indexOf("?");
  const rawQuery = q < 0 ? "" : target.slice(q + 1);
  const bytes = Buffer.from(body);
  return { method, path: q < 0 ? target : target.slice(0, q), rawQuery, query: new URLSearchParams(rawQuery), headers, body: Readable.from(bytes.length ? [bytes] : []), contentLength: bytes.length };
}

async function parse(req: WireRequest) {
  const op = codec.resolve(req);
  assert.ok(op);
  return codec.parseInput(op, req);
}

describe("REST bindings (synthetic model)", () => {
  it("binds labels, query scalars, repeated keys, the remaining-parameters map, header lists, jsonvalue and prefix maps", async () => {
    const context = Buffer.from(JSON.stringify({ a: [1, "x"] })).toString("base64");
    const input = await parse(request("GET", "/things/g%201/a/b%2Fc?limit=5&tag=x&tag=y&other=1&more=two", {
      "x-since": "Sun, 22 Nov 2026 10:00:00 GMT",
      "x-ids": "1, 2,3",
      "x-context": context,
      "x-flag": "false",
      "x-label-color": "red",
      "x-label-size": "L",
    }));
    assert.deepEqual(input, {
      Group: "g 1",
      Path: "a/b/c",
      Limit: 5,
      Tags: ["x", "y"],
      Extra: { other: "1", more: "two" },
      Since: new Date(Date.UTC(2026, 10, 22, 10)),
      Ids: [1, 2, 3],
      Context: { a: [1, "x"] },
      Flag: false,
      Labels: { color: "red", size: "L" },
    });
  });

  it("accepts any timestamp format in a header", async () => {
    for (const since of ["2026-11-22T10:00:00Z", "1795341600", "Sun, 22 Nov 2026 10:00:00 GMT"]) {
      const input = await parse(request("GET", "/things/g/p", { "x-since": since }));
      assert.deepEqual(input.Since, new Date(Date.UTC(2026, 10, 22, 10)), since);
    }
  });

  it("refuses bad scalars and bad jsonvalue headers with 400s", async () => {
    for (const [target, headers] of [
      ["/things/g/p?limit=ten", {}],
      ["/things/g/p", { "x-flag": "maybe" }],
      ["/things/g/p", { "x-ids": "1,two" }],
      ["/things/g/p", { "x-since": "yesterday" }],
      ["/things/g/p", { "x-context": Buffer.from("{nope").toString("base64") }],
    ] as const) {
      await assert.rejects(parse(request("GET", target, headers)), (e: AwsError) => e instanceof AwsError && e.status === 400, `${target} ${JSON.stringify(headers)}`);
    }
  });

  it("a string payload takes the body as text; an empty body leaves it absent", async () => {
    assert.deepEqual(await parse(request("PUT", "/notes/n1", {}, "hello {not json}")), { Id: "n1", Text: "hello {not json}" });
    assert.deepEqual(await parse(request("PUT", "/notes/n1")), { Id: "n1" });
  });

  it("writes the status-code member, header timestamps (rfc822 or the member's format), lists, jsonvalue, prefix maps", () => {
    const when = new Date(Date.UTC(2026, 10, 22, 10, 0, 0, 500));
    const response = codec.serializeOutput(model.operations.Search!, {
      Status: 202,
      Updated: when,
      UpdatedEpoch: when,
      Names: ["a", "b"],
      Context: { k: "v" },
      Labels: { color: "red" },
      Items: [{ Name: "n", Size: 3 }],
      When: when,
      WhenIso: when,
      Data: Buffer.from("bytes"),
    }, ctx);
    assert.equal(response.status, 202);
    assert.equal(response.headers["x-updated"], "Sun, 22 Nov 2026 10:00:00 GMT");
    assert.equal(response.headers["x-updated-epoch"], "1795341600.5");
    assert.equal(response.headers["x-names"], "a, b");
    assert.equal(response.headers["x-context"], Buffer.from('{"k":"v"}').toString("base64"));
    assert.equal(response.headers["x-label-color"], "red");
    assert.equal(response.headers["content-type"], "application/json");
    assert.deepEqual(JSON.parse(String(response.body)), {
      Items: [{ name: "n", Size: 3 }],
      When: 1795341600.5,
      WhenIso: "2026-11-22T10:00:00.500Z",
      Data: Buffer.from("bytes").toString("base64"),
    });
  });

  it("uses the model's response code and writes no body for header-only outputs", () => {
    const response = codec.serializeOutput(model.operations.PutNote!, { Id: "n1" }, ctx);
    assert.equal(response.status, 201);
    assert.equal(response.headers["x-id"], "n1");
    assert.equal(response.body, undefined);
    assert.equal(response.headers["content-type"], undefined);
  });
});
