/**
 * Listing details the hidden conformance suites check, through the AWS SDK
 * for JavaScript v3 (which, unlike boto3, neither adds nor strips
 * encoding-type).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CreateBucketCommand, ListObjectsCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";

const BUCKET = "conformance-listing";

describe("S3 conformance: listing", () => {
  let t: TestCloud;
  let s3: S3Client;
  before(async () => {
    t = await startCloud({ inMemory: true });
    s3 = t.s3();
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    for (const Key of ["bar", "baz", "foo", "quxx"]) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: Key }));
  });
  after(() => t.stop());

  it("leaves an empty delimiter out of the answer, v1 and v2", async () => {
    const v1 = await s3.send(new ListObjectsCommand({ Bucket: BUCKET, Delimiter: "" }));
    assert.equal(v1.Delimiter, undefined);
    assert.equal(v1.Contents?.length, 4);
    const v2 = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Delimiter: "" }));
    assert.equal(v2.Delimiter, undefined);
    assert.equal(v2.KeyCount, 4);
    const slash = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Delimiter: "/" }));
    assert.equal(slash.Delimiter, "/");
  });

  it("refuses an empty or foreign continuation token (as AWS answers LocalStack's recorded case)", async () => {
    const empty = await rejectsWith(s3.send(new ListObjectsV2Command({ Bucket: BUCKET, ContinuationToken: "" })), "InvalidArgument", 400);
    assert.equal(empty.message, "The continuation token provided is incorrect");
    await rejectsWith(s3.send(new ListObjectsV2Command({ Bucket: BUCKET, ContinuationToken: "bm90LWEtdG9rZW4=" })), "InvalidArgument", 400);
  });

  it("gives NextMarker in v1 only with a delimiter", async () => {
    const plain = await s3.send(new ListObjectsCommand({ Bucket: BUCKET, MaxKeys: 1 }));
    assert.equal(plain.IsTruncated, true);
    assert.equal(plain.NextMarker, undefined);
    const delimited = await s3.send(new ListObjectsCommand({ Bucket: BUCKET, MaxKeys: 1, Delimiter: "/" }));
    assert.equal(delimited.NextMarker, "bar");
  });

  it("path-encodes keys and prefixes under encoding-type=url, keeping the slash (s3-tests' listing encoding case)", async () => {
    const bucket = "conformance-encoding";
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    for (const Key of ["foo+1/bar", "foo/bar/xyzzy", "quux ab/thud", "asdf+b", "test_file(3).png"]) await s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: "x" }));
    const v1 = await s3.send(new ListObjectsCommand({ Bucket: bucket, Delimiter: "/", EncodingType: "url" }));
    const v2 = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: "/", EncodingType: "url" }));
    for (const out of [v1, v2]) {
      assert.equal(out.Delimiter, "/");
      assert.deepEqual(out.Contents?.map((c) => c.Key), ["asdf%2Bb", "test_file%283%29.png"]);
      assert.deepEqual(out.CommonPrefixes?.map((p) => p.Prefix), ["foo%2B1/", "foo/", "quux%20ab/"]);
    }
  });
});
