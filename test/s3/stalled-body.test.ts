/**
 * An upload whose body stops arriving: S3 answers 400 RequestTimeout and
 * closes the connection; nothing is stored, and the server keeps serving.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CreateBucketCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { rawSocket, signRequest } from "../support/raw.js";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";

const Bucket = "stalled-bucket";

describe("S3 uploads whose body stalls", () => {
  let t: TestCloud;
  let s3: S3Client;
  before(async () => {
    t = await startCloud({ inMemory: true, requestIdleSeconds: 0.3 });
    s3 = t.s3();
    await s3.send(new CreateBucketCommand({ Bucket }));
  });
  after(() => t.stop());

  it("answers RequestTimeout once no byte has come for the idle time, and stores nothing", async () => {
    const signed = await signRequest(t.cloud.endpoint, {
      method: "PUT",
      path: `/${Bucket}/stalled`,
      headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD", "content-length": "100" },
    });
    const head = `PUT /${Bucket}/stalled HTTP/1.1\r\n${Object.entries(signed.headers).map(([name, value]) => `${name}: ${value}`).join("\r\n")}\r\n\r\n`;
    const started = Date.now();
    // Ten of the hundred bytes promised, then nothing.
    const answer = await rawSocket(t.cloud.endpoint, `${head}0123456789`, 5000);
    assert.ok(Date.now() - started < 4000, "answered before the client gave up");
    assert.match(answer, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.match(answer, /\r\nConnection: close\r\n/i);
    assert.match(answer, /<Code>RequestTimeout<\/Code><Message>Your socket connection to the server was not read from or written to within the timeout period\. Idle connections will be closed\.<\/Message>/);
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket, Key: "stalled" })), "NotFound", 404);
  });

  it("answers a stalled form-encoded upload (curl -d) as any other upload", async () => {
    const signed = await signRequest(t.cloud.endpoint, {
      method: "PUT",
      path: `/${Bucket}/form`,
      headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD", "content-length": "100", "content-type": "application/x-www-form-urlencoded" },
    });
    const head = `PUT /${Bucket}/form HTTP/1.1\r\n${Object.entries(signed.headers).map(([name, value]) => `${name}: ${value}`).join("\r\n")}\r\n\r\n`;
    const answer = await rawSocket(t.cloud.endpoint, `${head}a=1&b=2`, 5000);
    assert.match(answer, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.match(answer, /<Code>RequestTimeout<\/Code>/);
  });

  it("leaves uploads that keep coming, and other requests, alone", async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket, Key: "whole", Body: Buffer.alloc(1024 * 1024, 1) }));
    assert.equal(put.$metadata.httpStatusCode, 200);
    // An idle keep-alive connection between requests is not a stalled body.
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket, Key: "whole" }))).ContentLength, 1024 * 1024);
  });
});
