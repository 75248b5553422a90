/** rest-json over the real Lambda model (no Lambda service yet: the codec stands alone). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createCodec } from "../../src/protocols/index.js";
import { loadModel } from "../../src/protocols/model.js";
import { AwsError } from "../../src/server/errors.js";
import { bodyText, ctx, wire } from "./wire.js";

const codec = createCodec(loadModel("lambda"));

describe("rest-json (Lambda)", () => {
  it("routes by literal segments and labels", () => {
    assert.equal(codec.resolve(wire("GET", "/2015-03-31/functions"))?.name, "ListFunctions");
    assert.equal(codec.resolve(wire("GET", "/2015-03-31/functions/"))?.name, "ListFunctions");
    assert.equal(codec.resolve(wire("GET", "/2015-03-31/functions/my-fn"))?.name, "GetFunction");
    assert.equal(codec.resolve(wire("POST", "/2015-03-31/functions/my-fn/invocations"))?.name, "Invoke");
    assert.equal(codec.resolve(wire("POST", "/2015-03-31/functions"))?.name, "CreateFunction");
    assert.equal(codec.resolve(wire("GET", "/2015-03-31/nothing-here")), undefined);
  });

  it("decodes a JSON body with nested structures, maps and query members", async () => {
    const body = JSON.stringify({
      FunctionName: "fn",
      Runtime: "nodejs20.x",
      Role: "arn:aws:iam::000000000000:role/r",
      Handler: "index.handler",
      Code: { ZipFile: Buffer.from("zip bytes").toString("base64") },
      Environment: { Variables: { A: "1" } },
      Timeout: 30,
    });
    const req = wire("POST", "/2015-03-31/functions", { "content-type": "application/json" }, body);
    const input = await codec.parseInput(codec.resolve(req)!, req);
    assert.equal(input.FunctionName, "fn");
    assert.equal(input.Timeout, 30);
    assert.deepEqual(input.Environment, { Variables: { A: "1" } });
    assert.ok(Buffer.isBuffer((input.Code as { ZipFile: Buffer }).ZipFile));
    assert.equal((input.Code as { ZipFile: Buffer }).ZipFile.toString(), "zip bytes");

    const list = wire("GET", "/2015-03-31/functions?MaxItems=5&Marker=abc");
    assert.deepEqual(await codec.parseInput(codec.resolve(list)!, list), { MaxItems: 5, Marker: "abc" });
  });

  it("takes a blob payload as raw bytes, and headers", async () => {
    const req = wire("POST", "/2015-03-31/functions/fn/invocations?Qualifier=1", { "x-amz-invocation-type": "Event" }, '{"hello":1}');
    const input = await codec.parseInput(codec.resolve(req)!, req);
    assert.equal(input.FunctionName, "fn");
    assert.equal(input.Qualifier, "1");
    assert.equal(input.InvocationType, "Event");
    assert.equal((input.Payload as Buffer).toString(), '{"hello":1}');
  });

  it("refuses malformed JSON and wrong types with SerializationException", async () => {
    for (const body of ["{not json", JSON.stringify({ FunctionName: "f", Timeout: "thirty", Role: "r", Code: {} })]) {
      const req = wire("POST", "/2015-03-31/functions", {}, body);
      await assert.rejects(async () => codec.parseInput(codec.resolve(req)!, req), (e: AwsError) => e.code === "SerializationException" && e.status === 400);
    }
  });

  it("writes the model's status code, header members, a status-code member and epoch timestamps", async () => {
    const created = codec.serializeOutput(codec.model.operations.CreateFunction!, { FunctionName: "fn", Timeout: 3, LastModified: "2026-11-22T10:00:00.000+0000" }, ctx);
    assert.equal(created.status, 201);
    assert.equal(created.headers["content-type"], "application/json");
    assert.deepEqual(JSON.parse(await bodyText(created)), { FunctionName: "fn", Timeout: 3, LastModified: "2026-11-22T10:00:00.000+0000" });

    const invoked = codec.serializeOutput(codec.model.operations.Invoke!, { StatusCode: 202, FunctionError: "Unhandled", Payload: Buffer.from("{}") }, ctx);
    assert.equal(invoked.status, 202);
    assert.equal(invoked.headers["x-amz-function-error"], "Unhandled");
    assert.equal(await bodyText(invoked), "{}");

    const tagged = codec.serializeOutput(codec.model.operations.TagResource!, {}, ctx);
    assert.equal(tagged.status, 204);
    assert.equal(tagged.body, undefined);
  });

  it("names errors in x-amzn-ErrorType", async () => {
    const response = codec.serializeError(new AwsError("ResourceNotFoundException", "Function not found: arn:aws:lambda:us-east-1:000000000000:function:fn", 404), ctx);
    assert.equal(response.status, 404);
    assert.equal(response.headers["x-amzn-errortype"], "ResourceNotFoundException");
    assert.deepEqual(JSON.parse(await bodyText(response)), { Type: "User", Message: "Function not found: arn:aws:lambda:us-east-1:000000000000:function:fn" });
  });
});
