/**
 * A DynamoDB or query-protocol request whose body stops arriving: those
 * services have no answer for it, so the connection is closed once no
 * byte has come for the idle time, rather than held open for good. (S3's
 * uploads are answered 400 RequestTimeout: test/s3/stalled-body.test.ts.)
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { rawSocket, signRequest } from "../support/raw.js";
import { startCloud, type TestCloud } from "../support/nimbus.js";

describe("JSON and query requests whose body stalls", () => {
  let t: TestCloud;
  before(async () => {
    t = await startCloud({ inMemory: true, requestIdleSeconds: 0.3 });
  });
  after(() => t.stop());

  async function stall(path: string, headers: Record<string, string>, service: string, body: string): Promise<{ answer: string; ms: number }> {
    const signed = await signRequest(t.cloud.endpoint, { method: "POST", path, service, headers: { ...headers, "content-length": String(body.length) }, body });
    const head = `POST ${path} HTTP/1.1\r\n${Object.entries(signed.headers).map(([name, value]) => `${name}: ${value}`).join("\r\n")}\r\n\r\n`;
    const started = Date.now();
    // Half the promised body, then nothing.
    const answer = await rawSocket(t.cloud.endpoint, head + body.slice(0, body.length / 2), 5000);
    return { answer, ms: Date.now() - started };
  }

  it("closes a DynamoDB request's connection without an answer", async () => {
    const { answer, ms } = await stall(
      "/",
      { "content-type": "application/x-amz-json-1.0", "x-amz-target": "DynamoDB_20120810.ListTables" },
      "dynamodb",
      JSON.stringify({ Limit: 10, ExclusiveStartTableName: "a-table-name-to-pad-the-body" }),
    );
    assert.equal(answer, "");
    assert.ok(ms < 4000, `closed after ${ms} ms, before the client gave up`);
    const dynamodb = new DynamoDBClient(t.cloud.clientConfig);
    assert.equal((await dynamodb.send(new ListTablesCommand({}))).$metadata.httpStatusCode, 200);
    dynamodb.destroy();
  });

  it("closes a query-protocol request's connection without an answer", async () => {
    const { answer, ms } = await stall(
      "/",
      { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
      "sts",
      "Action=GetCallerIdentity&Version=2011-06-15",
    );
    assert.equal(answer, "");
    assert.ok(ms < 4000, `closed after ${ms} ms, before the client gave up`);
    const sts = new STSClient(t.cloud.clientConfig);
    assert.match((await sts.send(new GetCallerIdentityCommand({}))).Account ?? "", /^\d{12}$/);
    sts.destroy();
  });
});
