/**
 * Presigned URLs made by the AWS SDK for JavaScript v3's presigner, sent as
 * a browser or curl would: headers the presigner moved into the query are
 * the request's own, headers sent beside the URL must have been signed,
 * and every refusal carries the members S3 gives it.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { startCloud, type TestCloud } from "../support/nimbus.js";

/** The text of one element of an S3 error document. */
const member = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

describe("S3 presigned URLs from the JavaScript SDK", () => {
  let t: TestCloud;
  let s3: S3Client;
  const Bucket = "presigned";
  before(async () => {
    t = await startCloud({ inMemory: true, auth: "strict" });
    s3 = t.s3();
    await s3.send(new CreateBucketCommand({ Bucket }));
  });
  after(() => t.stop());

  it("stores the metadata and storage class the presigner carried in the query", async () => {
    const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket, Key: "carried", Metadata: { colour: "blue" }, StorageClass: "STANDARD_IA" }), { expiresIn: 60 });
    assert.match(url, /x-amz-meta-colour=blue/);
    const put = await fetch(url, { method: "PUT", body: "payload" });
    assert.equal(put.status, 200, await put.text());
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: "carried" }));
    assert.deepEqual([head.Metadata, head.StorageClass], [{ colour: "blue" }, "STANDARD_IA"]);
  });

  it("refuses x-amz-* headers the URL did not sign, naming them, and writes nothing", async () => {
    const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket, Key: "guarded" }), { expiresIn: 60 });
    const answer = await fetch(url, { method: "PUT", body: "payload", headers: { "x-amz-acl": "public-read", "x-amz-meta-extra": "1" } });
    const body = await answer.text();
    assert.equal(answer.status, 403);
    assert.deepEqual(
      [member(body, "Code"), member(body, "Message"), member(body, "HeadersNotSigned")],
      ["AccessDenied", "There were headers present in the request which were not signed", "x-amz-acl, x-amz-meta-extra"],
    );
    await assert.rejects(s3.send(new HeadObjectCommand({ Bucket, Key: "guarded" })), { name: "NotFound" });
  });

  it("refuses a query header no request could send as a header, and a URL without X-Amz-Expires", async () => {
    const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket, Key: "odd-names", Metadata: { "a b": "1" } }), { expiresIn: 60 });
    const odd = await fetch(url, { method: "PUT", body: "payload" });
    const oddBody = await odd.text();
    assert.equal(odd.status, 400);
    assert.equal(member(oddBody, "Code"), "InvalidArgument");
    await assert.rejects(s3.send(new HeadObjectCommand({ Bucket, Key: "odd-names" })), { name: "NotFound" });
    const forever = (await getSignedUrl(s3, new GetObjectCommand({ Bucket, Key: "odd-names" }), { expiresIn: 60 })).replace(/&?X-Amz-Expires=\d+/, "");
    const refused = await fetch(forever);
    assert.equal(refused.status, 400);
    assert.equal(member(await refused.text(), "Code"), "AuthorizationQueryParametersError");
  });

  it("answers a URL signed for the future, or with an unknown key, as S3 does", async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: "timed", Body: "x" }));
    const future = await getSignedUrl(s3, new GetObjectCommand({ Bucket, Key: "timed" }), { expiresIn: 60, signingDate: new Date(Date.now() + 3_600_000) });
    const early = await fetch(future);
    const earlyBody = await early.text();
    assert.equal(early.status, 403);
    assert.deepEqual([member(earlyBody, "Code"), member(earlyBody, "Message")], ["AccessDenied", "Request is not valid yet"]);

    const stranger = new S3Client({ ...t.cloud.clientConfig, credentials: { accessKeyId: "AKIANOBODYKNOWS00000", secretAccessKey: "x" } });
    const unknown = await fetch(await getSignedUrl(stranger, new GetObjectCommand({ Bucket, Key: "timed" }), { expiresIn: 60 }));
    const unknownBody = await unknown.text();
    assert.equal(unknown.status, 403);
    assert.deepEqual([member(unknownBody, "Code"), member(unknownBody, "AWSAccessKeyId")], ["InvalidAccessKeyId", "AKIANOBODYKNOWS00000"]);
    stranger.destroy();

    const malformed = await fetch(`${t.cloud.endpoint}/${Bucket}/timed?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=test%252F20261129&X-Amz-Date=20261129T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=00`);
    const malformedBody = await malformed.text();
    assert.equal(malformed.status, 400);
    assert.equal(
      member(malformedBody, "Message"),
      "Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting &quot;&lt;YOUR-AKID&gt;/YYYYMMDD/REGION/SERVICE/aws4_request&quot;.",
    );
  });
});
