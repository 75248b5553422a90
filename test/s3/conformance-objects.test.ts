/**
 * Object details the hidden conformance suites check: ranged HEAD and a
 * repeated CompleteMultipartUpload.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";

const BUCKET = "conformance-objects";

describe("S3 conformance: objects", () => {
  let t: TestCloud;
  let s3: S3Client;
  before(async () => {
    t = await startCloud({ inMemory: true });
    s3 = t.s3();
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "t", Body: "testcontent" }));
  });
  after(() => t.stop());

  it("answers a ranged HEAD with 206 and the range's length", async () => {
    const out = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "t", Range: "bytes=-7" }));
    assert.equal(out.$metadata.httpStatusCode, 206);
    assert.equal(out.ContentLength, 7);
    assert.equal(out.ContentRange, "bytes 4-10/11");
    const whole = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "t" }));
    assert.equal(whole.$metadata.httpStatusCode, 200);
    assert.equal(whole.ContentRange, undefined);
    // A HEAD error has no body: the SDK sees the status only.
    await assert.rejects(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "t", Range: "bytes=11-20" })), (e: { $metadata?: { httpStatusCode?: number } }) => {
      assert.equal(e.$metadata?.httpStatusCode, 416);
      return true;
    });
  });

  it("tells an anonymous caller that a bucket does not exist, before refusing it", async () => {
    const missing = await fetch(`${t.cloud.endpoint}/conformance-gone/foo`);
    assert.equal(missing.status, 404);
    const body = await missing.text();
    assert.match(body, /<Code>NoSuchBucket<\/Code>/);
    assert.match(body, /<BucketName>conformance-gone<\/BucketName>/);
    const existing = await fetch(`${t.cloud.endpoint}/${BUCKET}/t`);
    assert.equal(existing.status, 403);
    await existing.body?.cancel();
  });

  it("answers a repeated Complete like the first while the object stands", async () => {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: "mp" }));
    const part = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: "mp", UploadId, PartNumber: 1, Body: "x" }));
    const complete = () =>
      s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: "mp", UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
    const first = await complete();
    const second = await complete();
    assert.equal(second.ETag, first.ETag);
    assert.equal(second.Key, "mp");
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "mp" }));
    assert.equal(await got.Body?.transformToString(), "x");
    // Once the object is overwritten, the upload is gone for good.
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "mp", Body: "other" }));
    await rejectsWith(complete(), "NoSuchUpload", 404);
  });
});
