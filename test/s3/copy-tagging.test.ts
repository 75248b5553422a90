import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectTaggingCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";

const BUCKET = "copy-bucket";

describe("S3 copy and tagging", () => {
  let t: TestCloud;
  let s3: S3Client;
  before(async () => {
    t = await startCloud();
    s3 = t.s3();
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "src key", Body: "copy me", ContentType: "text/plain", Metadata: { a: "1" }, Tagging: "t1=v1" }));
  });
  after(() => t.stop());

  it("copies with metadata copied or replaced", async () => {
    const copied = await s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: "copy1", CopySource: `${BUCKET}/src%20key` }));
    assert.ok(copied.CopyObjectResult?.ETag);
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "copy1" }));
    assert.equal(head.ContentType, "text/plain");
    assert.deepEqual(head.Metadata, { a: "1" });
    await s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: "copy2", CopySource: `/${BUCKET}/src%20key`, MetadataDirective: "REPLACE", Metadata: { b: "2" }, ContentType: "text/x" }));
    const replaced = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "copy2" }));
    assert.deepEqual(replaced.Metadata, { b: "2" });
    assert.equal(replaced.ContentType, "text/x");
    assert.equal(await replaced.Body?.transformToString(), "copy me");
  });

  it("gives a copy the website redirect location its request names, never its source's (moto's AWS-verified test_copy_key_boto3_with_args)", async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "redirecting", Body: "r", WebsiteRedirectLocation: "/elsewhere.html" }));
    await s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: "redirect-copy", CopySource: `${BUCKET}/redirecting` }));
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "redirect-copy" }))).WebsiteRedirectLocation, undefined);
    await s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: "redirect-new", CopySource: `${BUCKET}/src%20key`, WebsiteRedirectLocation: "http://example.com/" }));
    const copied = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "redirect-new" }));
    assert.equal(copied.WebsiteRedirectLocation, "http://example.com/");
    assert.deepEqual(copied.Metadata, { a: "1" }, "the rest copied");
  });

  it("checks the website redirect location a copy names as a write's, whatever the metadata directive", async () => {
    for (const MetadataDirective of ["COPY", "REPLACE"] as const) {
      const copy = s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: "bad-redirect", CopySource: `${BUCKET}/src%20key`, MetadataDirective, WebsiteRedirectLocation: "elsewhere.html" }));
      const error = await rejectsWith(copy, "InvalidRedirectLocation", 400);
      assert.equal(error.message, "The website redirect location must have a prefix of 'http://' or 'https://' or '/'.");
    }
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "bad-redirect" })), "NotFound", 404);
  });

  it("refuses a copy onto itself that changes nothing, and missing sources", async () => {
    await rejectsWith(s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: "src key", CopySource: `${BUCKET}/src%20key` })), "InvalidRequest", 400);
    await s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: "src key", CopySource: `${BUCKET}/src%20key`, MetadataDirective: "REPLACE", Metadata: { a: "1" }, ContentType: "text/plain" }));
    await rejectsWith(s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: "x", CopySource: `${BUCKET}/missing` })), "NoSuchKey", 404);
    await rejectsWith(s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: "x", CopySource: `no-such-source-bucket/missing` })), "NoSuchBucket", 404);
  });

  it("checks copy-source conditions", async () => {
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "src key" }));
    await s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: "c3", CopySource: `${BUCKET}/src%20key`, CopySourceIfMatch: head.ETag }));
    await rejectsWith(s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: "c4", CopySource: `${BUCKET}/src%20key`, CopySourceIfMatch: '"other"' })), "PreconditionFailed", 412);
    await rejectsWith(s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: "c5", CopySource: `${BUCKET}/src%20key`, CopySourceIfNoneMatch: head.ETag })), "PreconditionFailed", 412);
  });

  it("puts, gets and deletes tags", async () => {
    const initial = await s3.send(new GetObjectTaggingCommand({ Bucket: BUCKET, Key: "src key" }));
    assert.deepEqual(initial.TagSet, [{ Key: "t1", Value: "v1" }]);
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "src key" }));
    assert.equal(got.TagCount, 1);
    await s3.send(new PutObjectTaggingCommand({ Bucket: BUCKET, Key: "src key", Tagging: { TagSet: [{ Key: "env", Value: "dev" }, { Key: "team", Value: "a b" }] } }));
    const after2 = await s3.send(new GetObjectTaggingCommand({ Bucket: BUCKET, Key: "src key" }));
    assert.deepEqual(after2.TagSet, [{ Key: "env", Value: "dev" }, { Key: "team", Value: "a b" }]);
    await s3.send(new DeleteObjectTaggingCommand({ Bucket: BUCKET, Key: "src key" }));
    const none = await s3.send(new GetObjectTaggingCommand({ Bucket: BUCKET, Key: "src key" }));
    assert.deepEqual(none.TagSet ?? [], []);
    const tooMany = Array.from({ length: 11 }, (_, i) => ({ Key: `k${i}`, Value: "v" }));
    // AWS words too many object tags as a bad request (moto's AWS-verified test_put_object_tagging).
    await rejectsWith(s3.send(new PutObjectTaggingCommand({ Bucket: BUCKET, Key: "src key", Tagging: { TagSet: tooMany } })), "BadRequest", 400);
    await rejectsWith(s3.send(new GetObjectTaggingCommand({ Bucket: BUCKET, Key: "nope" })), "NoSuchKey", 404);
  });
});
