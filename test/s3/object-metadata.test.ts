/**
 * What S3 keeps with an object and answers about it: user metadata as it
 * arrives on the wire, and the response header overrides of a read.
 */
import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, describe, it } from "node:test";
import { CreateBucketCommand, DeletePublicAccessBlockCommand, GetObjectCommand, HeadObjectCommand, PutBucketPolicyCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { rawRequest, signRequest } from "../support/raw.js";
import { startCloud, type TestCloud } from "../support/nimbus.js";

/**
 * A signed PUT whose `repeated` headers go on the wire once per value, the
 * signature made over their SigV4 form (the values joined by commas).
 */
async function putWithRepeatedHeaders(endpoint: string, path: string, repeated: Record<string, string[]>): Promise<number> {
  const joined = Object.fromEntries(Object.entries(repeated).map(([name, values]) => [name, values.join(",")]));
  const signed = await signRequest(endpoint, { method: "PUT", path, headers: joined, body: "x" });
  const headers: Record<string, string | string[]> = { ...(signed.headers as Record<string, string>), ...repeated };
  return new Promise((resolve, reject) => {
    const req = request({ host: signed.hostname, port: signed.port, method: "PUT", path, headers }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end("x");
  });
}

/** The text of one element of an S3 error document. */
const member = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

describe("S3 object metadata and response overrides", () => {
  let t: TestCloud;
  let s3: S3Client;
  const Bucket = "metadata";
  before(async () => {
    t = await startCloud({ inMemory: true });
    s3 = t.s3();
    await s3.send(new CreateBucketCommand({ Bucket }));
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket }));
    const policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${Bucket}/*` }] };
    await s3.send(new PutBucketPolicyCommand({ Bucket, Policy: JSON.stringify(policy) }));
    await s3.send(new PutObjectCommand({ Bucket, Key: "public", Body: "hello", ContentType: "text/plain" }));
  });
  after(() => t.stop());

  it("refuses response-* overrides on an anonymous GET or HEAD, and honours them signed or presigned", async () => {
    const plain = await rawRequest(t.cloud.endpoint, { method: "GET", path: `/${Bucket}/public`, anonymous: true });
    assert.equal(plain.status, 200, "the object is public");
    for (const [name, value] of [
      ["response-content-type", "text/html"],
      ["response-content-disposition", "attachment"],
      ["response-cache-control", "no-cache"],
      ["response-expires", "Thu, 01 Dec 1994 16:00:00 GMT"],
    ]) {
      const refused = await rawRequest(t.cloud.endpoint, { method: "GET", path: `/${Bucket}/public`, query: { [name]: value }, anonymous: true });
      assert.equal(refused.status, 400, name);
      assert.equal(member(refused.body, "Code"), "InvalidRequest");
      assert.equal(member(refused.body, "Message"), "Request specific response headers cannot be used for anonymous GET requests.");
    }
    const head = await rawRequest(t.cloud.endpoint, { method: "HEAD", path: `/${Bucket}/public`, query: { "response-content-type": "text/html" }, anonymous: true });
    assert.equal(head.status, 400);

    const signed = await s3.send(new GetObjectCommand({ Bucket, Key: "public", ResponseContentType: "text/html" }));
    assert.equal(signed.ContentType, "text/html");
    await signed.Body?.transformToString();
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket, Key: "public", ResponseContentDisposition: "attachment" }), { expiresIn: 60 });
    const presigned = await fetch(url);
    assert.equal(presigned.status, 200);
    assert.equal(presigned.headers.get("content-disposition"), "attachment");
    await presigned.text();
  });

  it("keeps a metadata header sent twice as one comma-separated value, and checks its signature in SigV4's form", async () => {
    const status = await putWithRepeatedHeaders(t.cloud.endpoint, `/${Bucket}/repeated`, { "x-amz-meta-colour": ["red", "blue"] });
    assert.equal(status, 200);
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: "repeated" }));
    assert.deepEqual(head.Metadata, { colour: "red,blue" });
  });

  it("takes 2 KB of metadata names and values as UTF-8, and refuses more with MetadataTooLarge in S3's words", async () => {
    // "a" and 2047 bytes: exactly 2 KB (the x-amz-meta- prefix is not counted).
    await s3.send(new PutObjectCommand({ Bucket, Key: "full", Body: "x", Metadata: { a: "v".repeat(2047) } }));
    const refused = await rawRequest(t.cloud.endpoint, { method: "PUT", path: `/${Bucket}/over`, headers: { "x-amz-meta-a": "v".repeat(2048) }, body: "x" });
    assert.equal(refused.status, 400);
    assert.equal(member(refused.body, "Code"), "MetadataTooLarge");
    assert.equal(member(refused.body, "Message"), "Your metadata headers exceed the maximum allowed metadata size");
    assert.deepEqual([member(refused.body, "Size"), member(refused.body, "MaxSizeAllowed")], ["2049", "2048"]);
  });
});
