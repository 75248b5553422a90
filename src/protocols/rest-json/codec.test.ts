/** rest-json over the real Lambda model: JSON bodies, blob payloads, status codes, error bodies. */
import assert from "node:assert/strict";
import type { IncomingHttpHeaders } from "node:http";
import { Readable } from "node:stream";
import { describe, it } from "node:test";
import { AwsError } from "../../server/errors.js";
import { loadModel } from "../model.js";
import type { Structure, WireRequest, WireResponse } from "../types.js";
import { createRestJsonCodec } from "./codec.js";

const lambda = loadModel("lambda");
const codec = createRestJsonCodec(lambda);
const ctx = { requestId: "R1", method: "POST" };

function request(method: string, target: string, headers: IncomingHttpHeaders = {}, body: string | Buffer = ""): WireRequest {
  const q = target.indexOf("?");
  const rawQuery = q < 0 ? "" : target.slice(q + 1);
  const bytes = Buffer.from(body);
  return { method, path: q < 0 ? target : target.slice(0, q), rawQuery, query: new URLSearchParams(rawQuery), headers, body: Readable.from(bytes.length ? [bytes] : []), contentLength: bytes.length };
}

async function parse(req: WireRequest, expectedOp: string): Promise<Structure> {
  const op = codec.resolve(req);
  assert.equal(op?.name, expectedOp);
  return codec.parseInput(op!, req);
}

function json(response: WireResponse): unknown {
  return JSON.parse(Buffer.isBuffer(response.body) ? response.body.toString("utf8") : String(response.body));
}

describe("rest-json input (Lambda)", () => {
  it("CreateFunction: a JSON body with nested structures, maps, lists, base64 blobs", async () => {
    const body = JSON.stringify({
      FunctionName: "fn",
      Runtime: "nodejs20.x",
      Role: "arn:aws:iam::000000000000:role/r",
      Handler: "index.handler",
      Code: { ZipFile: Buffer.from("zip bytes").toString("base64") },
      Environment: { Variables: { A: "1", "B C": "é" } },
      Layers: ["arn:1", "arn:2"],
      Timeout: 30,
      Publish: true,
      Unknown: "ignored",
      Description: null,
    });
    const input = await parse(request("POST", "/2015-03-31/functions", { "content-type": "application/json" }, body), "CreateFunction");
    assert.equal(input.FunctionName, "fn");
    assert.equal(input.Timeout, 30);
    assert.equal(input.Publish, true);
    assert.deepEqual(input.Layers, ["arn:1", "arn:2"]);
    assert.deepEqual(input.Environment, { Variables: { A: "1", "B C": "é" } });
    assert.deepEqual((input.Code as Structure).ZipFile, Buffer.from("zip bytes"));
    assert.equal("Unknown" in input, false);
    assert.equal("Description" in input, false, "null is absent");
  });

  it("query members, labels with ARNs, and an empty body", async () => {
    assert.deepEqual(await parse(request("GET", "/2015-03-31/functions?MaxItems=5&Marker=abc"), "ListFunctions"), { MaxItems: 5, Marker: "abc" });
    const arn = "arn:aws:lambda:us-east-1:000000000000:function:fn";
    assert.deepEqual(await parse(request("GET", `/2015-03-31/functions/${encodeURIComponent(arn)}?Qualifier=%24LATEST`), "GetFunction"), { FunctionName: arn, Qualifier: "$LATEST" });
    assert.deepEqual(await parse(request("DELETE", `/2017-03-31/tags/${encodeURIComponent(arn)}?tagKeys=a&tagKeys=b%20c`), "UntagResource"), { Resource: arn, TagKeys: ["a", "b c"] });
  });

  it("Invoke: the blob payload is the raw body (never parsed), headers bound", async () => {
    const req = request("POST", "/2015-03-31/functions/fn/invocations?Qualifier=1", { "x-amz-invocation-type": "Event", "x-amz-log-type": "Tail", "x-amz-client-context": "eyJ9" }, "{not even json");
    const input = await parse(req, "Invoke");
    assert.equal(input.FunctionName, "fn");
    assert.equal(input.Qualifier, "1");
    assert.equal(input.InvocationType, "Event");
    assert.equal(input.LogType, "Tail");
    assert.equal(input.ClientContext, "eyJ9");
    assert.deepEqual(input.Payload, Buffer.from("{not even json"));
    const empty = await parse(request("POST", "/2015-03-31/functions/fn/invocations"), "Invoke");
    assert.deepEqual(empty, { FunctionName: "fn" });
  });

  it("TagResource: a body map beside a label", async () => {
    const input = await parse(request("POST", "/2017-03-31/tags/arn%3Ax", {}, '{"Tags":{"k":"v"}}'), "TagResource");
    assert.deepEqual(input, { Resource: "arn:x", Tags: { k: "v" } });
  });

  it("malformed JSON and wrong types: SerializationException, or the service's own error", async () => {
    const bodies = ["{not json", "[1,2]", '"text"', JSON.stringify({ FunctionName: "f", Timeout: "thirty" }), JSON.stringify({ FunctionName: "f", Timeout: 1.5 }), JSON.stringify({ FunctionName: 3 }), JSON.stringify({ Code: { ZipFile: 5 } })];
    for (const body of bodies) {
      const req = request("POST", "/2015-03-31/functions", {}, body);
      await assert.rejects(async () => codec.parseInput(codec.resolve(req)!, req), (e: AwsError) => e.code === "SerializationException" && e.status === 400, body);
    }
    const custom = createRestJsonCodec(lambda, { malformedError: (detail) => new AwsError("InvalidRequestContentException", `Could not parse request body into json: ${detail}`, 400) });
    const req = request("POST", "/2015-03-31/functions", {}, "{");
    await assert.rejects(async () => custom.parseInput(custom.resolve(req)!, req), (e: AwsError) => e.code === "InvalidRequestContentException");
  });

  it("a JSON null body is an empty input", async () => {
    assert.deepEqual(await parse(request("POST", "/2017-03-31/tags/arn", {}, "null"), "TagResource"), { Resource: "arn" });
  });
});

describe("rest-json output (Lambda)", () => {
  it("the model's status code and a JSON body of the non-located members", () => {
    const created = codec.serializeOutput(lambda.operations.CreateFunction!, {
      FunctionName: "fn",
      Timeout: 3,
      LastModified: "2026-11-22T10:00:00.000+0000",
      Environment: { Variables: { A: "1" } },
      Layers: [{ Arn: "arn:l", CodeSize: 10 }],
      MemorySize: undefined,
    }, ctx);
    assert.equal(created.status, 201);
    assert.equal(created.headers["content-type"], "application/json");
    assert.deepEqual(json(created), {
      FunctionName: "fn",
      Timeout: 3,
      LastModified: "2026-11-22T10:00:00.000+0000",
      Environment: { Variables: { A: "1" } },
      Layers: [{ Arn: "arn:l", CodeSize: 10 }],
    });
    assert.equal(created.headers["content-length"], String(Buffer.byteLength(String(created.body))));
  });

  it("Invoke: statusCode member, header members, the blob payload as the body", () => {
    const invoked = codec.serializeOutput(lambda.operations.Invoke!, { StatusCode: 200, FunctionError: "Unhandled", ExecutedVersion: "$LATEST", Payload: Buffer.from('{"ok":true}') }, ctx);
    assert.equal(invoked.status, 200);
    assert.equal(invoked.headers["x-amz-function-error"], "Unhandled");
    assert.equal(invoked.headers["x-amz-executed-version"], "$LATEST");
    assert.deepEqual(invoked.body, Buffer.from('{"ok":true}'));
    assert.equal(invoked.headers["content-length"], "11");
    const queued = codec.serializeOutput(lambda.operations.Invoke!, { StatusCode: 202 }, ctx);
    assert.equal(queued.status, 202);
    assert.equal(queued.body, undefined);
  });

  it("an output with nothing to say: the model's 204 and no body", () => {
    const response = codec.serializeOutput(lambda.operations.TagResource!, {}, ctx);
    assert.equal(response.status, 204);
    assert.equal(response.body, undefined);
    assert.equal(response.headers["content-type"], undefined);
  });
});

describe("rest-json errors", () => {
  const arn = "arn:aws:lambda:us-east-1:000000000000:function:fn";

  it("names the error in x-amzn-ErrorType and shapes the body after the model's error", () => {
    const notFound = codec.serializeError(new AwsError("ResourceNotFoundException", `Function not found: ${arn}`, 404), ctx);
    assert.equal(notFound.status, 404);
    assert.equal(notFound.headers["x-amzn-errortype"], "ResourceNotFoundException");
    assert.equal(notFound.headers["x-amzn-requestid"], "R1");
    assert.equal(notFound.headers["content-type"], "application/json");
    assert.deepEqual(json(notFound), { Type: "User", Message: `Function not found: ${arn}` });

    const invalid = codec.serializeError(new AwsError("InvalidParameterValueException", "bad", 400), ctx);
    assert.deepEqual(json(invalid), { Type: "User", message: "bad" }, "this shape declares a lower-case message");

    const internal = codec.serializeError(new AwsError("ServiceException", "oops", 500), ctx);
    assert.deepEqual(json(internal), { Type: "Service", Message: "oops" });
  });

  it("errors outside the model get a bare message, with extra fields", () => {
    const response = codec.serializeError(new AwsError("SerializationException", "bad body", 400, { Reason: "x" }), ctx);
    assert.deepEqual(json(response), { message: "bad body", Reason: "x" });
  });

  it("HEAD errors have no body", () => {
    const response = codec.serializeError(new AwsError("ResourceNotFoundException", "nope", 404), { ...ctx, method: "HEAD" });
    assert.equal(response.body, undefined);
    assert.equal(response.headers["x-amzn-errortype"], "ResourceNotFoundException");
  });
});
