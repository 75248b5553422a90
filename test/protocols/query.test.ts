/** The query protocol over the real IAM and STS models. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createCodec } from "../../src/protocols/index.js";
import { loadModel } from "../../src/protocols/model.js";
import { AwsError } from "../../src/server/errors.js";
import { bodyText, ctx, wire } from "./wire.js";

const iam = createCodec(loadModel("iam"));
const sts = createCodec(loadModel("sts"));
const form = (body: string) => wire("POST", "/", { "content-type": "application/x-www-form-urlencoded; charset=utf-8" }, body);

describe("query (IAM, STS)", () => {
  it("finds the action in a form body, after prepare", async () => {
    const req = form("Action=CreateUser&Version=2010-05-08&UserName=alice&Path=%2Fteam%2F&Tags.member.1.Key=team&Tags.member.1.Value=blue&Tags.member.2.Key=env&Tags.member.2.Value=");
    await iam.prepare!(req);
    const op = iam.resolve(req);
    assert.equal(op?.name, "CreateUser");
    assert.deepEqual(await iam.parseInput(op!, req), {
      UserName: "alice",
      Path: "/team/",
      Tags: [{ Key: "team", Value: "blue" }, { Key: "env", Value: "" }],
    });
  });

  it("reads GET query strings, integers and booleans", async () => {
    const req = wire("GET", "/?Action=ListUsers&Version=2010-05-08&MaxItems=2&PathPrefix=%2F");
    await iam.prepare?.(req);
    const op = iam.resolve(req)!;
    assert.deepEqual(await iam.parseInput(op, req), { MaxItems: 2, PathPrefix: "/" });
    // The codec knows the action a form names: an unknown one is refused in the service's words.
    const unknown = wire("GET", "/?Action=DoSomethingElse");
    assert.throws(() => iam.resolve(unknown), { code: "InvalidAction", message: "The action DoSomethingElse is not valid for this web service." });
  });

  it("refuses values that do not fit their shape", async () => {
    for (const bad of ["MaxItems=many", "MaxItems=2147483648"]) {
      const req = form(`Action=ListUsers&Version=2010-05-08&${bad}`);
      await iam.prepare!(req);
      await assert.rejects(async () => iam.parseInput(iam.resolve(req)!, req), (e: AwsError) => e.code === "MalformedInput", bad);
    }
  });

  it("reads an item of a structure list that names none of its members as an empty structure", async () => {
    const req = form("Action=CreateUser&Version=2010-05-08&UserName=alice&Tags.member.1=x");
    await iam.prepare!(req);
    assert.deepEqual(await iam.parseInput(iam.resolve(req)!, req), { UserName: "alice", Tags: [{}] });
  });

  it("reads a form of tens of thousands of list items in one pass, and names no prototype", { timeout: 10_000 }, async () => {
    // A scan of every name per item took over a minute on this 1 MB form, blocking the server (STS reads it unsigned).
    const items = 30_000;
    let body = "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A000000000000%3Arole%2Fr&RoleSessionName=s";
    for (let i = 1; i <= items; i++) body += `&PolicyArns.member.${i}.arn=x`;
    const req = form(body);
    await sts.prepare!(req);
    const input = (await sts.parseInput(sts.resolve(req)!, req)) as { PolicyArns: unknown[] };
    assert.equal(input.PolicyArns.length, items);
    assert.deepEqual(input.PolicyArns[items - 1], { arn: "x" });
  });

  it("wraps results in <XResponse><XResult> with wrapped lists and metadata", async () => {
    const response = iam.serializeOutput(iam.model.operations.ListUsers!, {
      Users: [{ UserName: "alice", UserId: "AIDAEXAMPLE", Arn: "arn:aws:iam::000000000000:user/alice", Path: "/", CreateDate: new Date(Date.UTC(2026, 10, 22)) }],
      IsTruncated: false,
    }, ctx);
    const xml = await bodyText(response);
    assert.equal(response.headers["content-type"], "text/xml");
    assert.match(xml, /^<\?xml[^>]*>\n<ListUsersResponse xmlns="https:\/\/iam\.amazonaws\.com\/doc\/2010-05-08\/"><ListUsersResult><Users><member><Path>\/<\/Path><UserName>alice<\/UserName>/);
    assert.match(xml, /<CreateDate>2026-11-22T00:00:00\.000Z<\/CreateDate>/);
    assert.match(xml, /<IsTruncated>false<\/IsTruncated><\/ListUsersResult><ResponseMetadata><RequestId>REQ123<\/RequestId><\/ResponseMetadata><\/ListUsersResponse>$/);

    const identity = await bodyText(sts.serializeOutput(sts.model.operations.GetCallerIdentity!, { UserId: "000000000000", Account: "000000000000", Arn: "arn:aws:iam::000000000000:root" }, ctx));
    assert.match(identity, /<GetCallerIdentityResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><GetCallerIdentityResult><UserId>000000000000<\/UserId><Account>000000000000<\/Account><Arn>arn:aws:iam::000000000000:root<\/Arn><\/GetCallerIdentityResult>/);
  });

  it("writes <ErrorResponse> errors", async () => {
    const response = iam.serializeError(new AwsError("NoSuchEntity", "The user with name bob cannot be found.", 404), ctx);
    assert.equal(response.status, 404);
    assert.equal(
      await bodyText(response),
      '<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>The user with name bob cannot be found.</Message></Error><RequestId>REQ123</RequestId></ErrorResponse>',
    );
  });
});
