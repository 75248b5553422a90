/**
 * A request signed for a service Nimbus does not have gets 501
 * NotImplemented naming the service and operation, in the caller's
 * protocol (json, query or REST), never an answer from S3, the default
 * route.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { S3Client, WriteGetObjectResponseCommand } from "@aws-sdk/client-s3";
import { rawRequest, rawSocket } from "../support/raw.js";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";

describe("services Nimbus does not have", () => {
  let t: TestCloud;
  before(async () => {
    t = await startCloud({ inMemory: true });
  });
  after(() => t.stop());

  it("answers a json-protocol call with a json NotImplemented naming the operation", async () => {
    const answer = await rawRequest(t.cloud.endpoint, {
      method: "POST",
      path: "/",
      service: "sqs",
      headers: { "x-amz-target": "AmazonSQS.ListQueues", "content-type": "application/x-amz-json-1.0" },
      body: "{}",
    });
    assert.equal(answer.status, 501);
    assert.equal(answer.headers["content-type"], "application/x-amz-json-1.0");
    assert.deepEqual(JSON.parse(answer.body), { __type: "NotImplemented", message: "The ListQueues operation of sqs is not supported by Nimbus yet." });
  });

  it("answers a query-protocol call with an XML ErrorResponse naming its Action", async () => {
    const answer = await rawRequest(t.cloud.endpoint, {
      method: "POST",
      path: "/",
      service: "cloudformation",
      headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
      body: "Action=ListStacks&Version=2010-05-15",
    });
    assert.equal(answer.status, 501);
    assert.match(answer.body, /<ErrorResponse><Error><Type>Sender<\/Type><Code>NotImplemented<\/Code><Message>The ListStacks operation of cloudformation is not supported by Nimbus yet.<\/Message><\/Error>/);
  });

  it("answers a REST call with the error type in its header and the request in its message", async () => {
    const answer = await rawRequest(t.cloud.endpoint, { method: "GET", path: "/2015-03-31/functions/", service: "lambda" });
    assert.equal(answer.status, 501);
    assert.equal(answer.headers["x-amzn-errortype"], "NotImplemented");
    assert.deepEqual(JSON.parse(answer.body), { message: "The lambda service is not supported by Nimbus yet (GET /2015-03-31/functions/)." });
    // The connection stays usable, and S3 still answers as S3.
    const s3 = await rawRequest(t.cloud.endpoint, { method: "GET", path: "/" });
    assert.equal(s3.status, 200);
  });

  it("answers a REST service whose SDK reads XML errors with an XML ErrorResponse", async () => {
    const answer = await rawRequest(t.cloud.endpoint, { method: "GET", path: "/2013-04-01/hostedzone", service: "route53" });
    assert.equal(answer.status, 501);
    assert.match(answer.body, /<ErrorResponse><Error><Type>Sender<\/Type><Code>NotImplemented<\/Code><Message>The route53 service is not supported by Nimbus yet \(GET \/2013-04-01\/hostedzone\)\.<\/Message>/);
  });

  it("answers S3's WriteGetObjectResponse, signed for S3 Object Lambda, with an error S3's SDK reads", async () => {
    const s3 = new S3Client({ ...t.cloud.clientConfig, forcePathStyle: true, disableHostPrefix: true });
    try {
      const refused = await rejectsWith(s3.send(new WriteGetObjectResponseCommand({ RequestRoute: "route", RequestToken: "token", Body: "hi" })), "NotImplemented", 501);
      assert.equal(refused.message, "The s3-object-lambda service is not supported by Nimbus yet (POST /WriteGetObjectResponse).");
    } finally {
      s3.destroy();
    }
  });

  it("leaves a credential scope without a service element, or not UTF-8, to S3's authentication", async () => {
    // SigV4a's scope, AKID/date/service/aws4_request, names no region.
    const sigv4a = await rawRequest(t.cloud.endpoint, {
      method: "GET",
      path: "/",
      anonymous: true,
      headers: {
        authorization: "AWS4-ECDSA-P256-SHA256 Credential=test/20261129/s3/aws4_request, SignedHeaders=host, Signature=00",
        "x-amz-date": "20261129T000000Z",
      },
    });
    assert.notEqual(sigv4a.status, 501);
    assert.match(sigv4a.body, /<Error><Code>/);
    const garbled = await rawRequest(t.cloud.endpoint, { method: "GET", path: "/", anonymous: true, query: { "X-Amz-Credential": "\uFFFD" } });
    assert.notEqual(garbled.status, 500);
    const raw = await rawSocket(t.cloud.endpoint, "GET /?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=%E0%A4 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    assert.match(raw, /^HTTP\/1\.1 4\d\d /);
  });
});
