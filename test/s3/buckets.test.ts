import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  CreateSessionCommand,
  DeleteBucketCommand,
  GetObjectCommand,
  GetBucketLocationCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  ListDirectoryBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";
import { rawRequest } from "../support/raw.js";

describe("S3 buckets", () => {
  let t: TestCloud;
  let s3: S3Client;
  before(async () => {
    t = await startCloud();
    s3 = t.s3();
  });
  after(() => t.stop());

  it("creates, heads, lists and deletes a bucket", async () => {
    const created = await s3.send(new CreateBucketCommand({ Bucket: "alpha-bucket" }));
    assert.equal(created.Location, "/alpha-bucket");
    const head = await s3.send(new HeadBucketCommand({ Bucket: "alpha-bucket" }));
    assert.equal(head.BucketRegion, "us-east-1");
    const list = await s3.send(new ListBucketsCommand({}));
    assert.ok(list.Buckets?.some((b) => b.Name === "alpha-bucket" && b.CreationDate instanceof Date));
    assert.match(list.Owner?.ID ?? "", /^[0-9a-f]{64}$/);
    await s3.send(new DeleteBucketCommand({ Bucket: "alpha-bucket" }));
    await rejectsWith(s3.send(new HeadBucketCommand({ Bucket: "alpha-bucket" })), "NotFound", 404);
  });

  it("rejects invalid bucket names", async () => {
    for (const name of ["ab", "UPPER-case", "-leading", "trailing-", "a..b", "192.168.1.1", "xn--bucket", "x".repeat(64), "bad_underscore"]) {
      await rejectsWith(s3.send(new CreateBucketCommand({ Bucket: name })), "InvalidBucketName", 400);
    }
  });

  it("answers 200 when the owner re-creates a bucket in us-east-1, 409 elsewhere", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "again-bucket" }));
    await s3.send(new CreateBucketCommand({ Bucket: "again-bucket" }));
    const west = t.s3({ region: "eu-west-1" });
    await west.send(new CreateBucketCommand({ Bucket: "west-bucket", CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } }));
    await rejectsWith(
      west.send(new CreateBucketCommand({ Bucket: "west-bucket", CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } })),
      "BucketAlreadyOwnedByYou",
      409,
    );
  });

  it("refuses a bucket name another account owns", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "taken-bucket" }));
    const other = t.s3({ credentials: { accessKeyId: "111122223333", secretAccessKey: "whatever" } });
    await rejectsWith(other.send(new CreateBucketCommand({ Bucket: "taken-bucket" })), "BucketAlreadyExists", 409);
    const theirs = await other.send(new ListBucketsCommand({}));
    assert.deepEqual(theirs.Buckets ?? [], []);
  });

  it("reports the location constraint", async () => {
    const west = t.s3({ region: "eu-central-1" });
    const created = await west.send(new CreateBucketCommand({ Bucket: "located-bucket", CreateBucketConfiguration: { LocationConstraint: "eu-central-1" } }));
    // Outside us-east-1 the Location is the bucket's virtual-host address, as AWS's http://<bucket>.s3.amazonaws.com/.
    assert.equal(created.Location, `http://located-bucket.s3.localhost:${new URL(t.cloud.endpoint).port}/`);
    const location = await west.send(new GetBucketLocationCommand({ Bucket: "located-bucket" }));
    assert.equal(location.LocationConstraint, "eu-central-1");
    assert.equal((await s3.send(new CreateBucketCommand({ Bucket: "east-bucket" }))).Location, "/east-bucket");
    const east = await s3.send(new GetBucketLocationCommand({ Bucket: "east-bucket" }));
    assert.equal(east.LocationConstraint ?? undefined, undefined);
  });

  it("needs a matching location constraint outside us-east-1", async () => {
    // The SDK fills in the constraint from its region; a raw request need not.
    const west = t.s3({ region: "eu-west-1" });
    await west.send(new CreateBucketCommand({ Bucket: "implied-west" }));
    assert.equal((await west.send(new GetBucketLocationCommand({ Bucket: "implied-west" }))).LocationConstraint, "eu-west-1");
    const bare = await rawRequest(t.cloud.endpoint, { method: "PUT", path: "/no-constraint", region: "eu-west-1" });
    assert.equal(bare.status, 400);
    assert.match(bare.body, /<Code>IllegalLocationConstraintException<\/Code>/);
    await rejectsWith(
      s3.send(new CreateBucketCommand({ Bucket: "explicit-east", CreateBucketConfiguration: { LocationConstraint: "us-east-1" as never } })),
      "InvalidLocationConstraint",
      400,
    );
    // Sent to another region's endpoint, us-east-1 is first of all the wrong region.
    const misplaced = await rejectsWith(
      west.send(new CreateBucketCommand({ Bucket: "explicit-east", CreateBucketConfiguration: { LocationConstraint: "us-east-1" as never } })),
      "IllegalLocationConstraintException",
      400,
    );
    assert.equal(misplaced.message, "The us-east-1 location constraint is incompatible for the region specific endpoint this request was sent to.");
  });

  it("refuses to delete a bucket that is not empty, or that does not exist", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "full-bucket" }));
    await s3.send(new PutObjectCommand({ Bucket: "full-bucket", Key: "k", Body: "x" }));
    await rejectsWith(s3.send(new DeleteBucketCommand({ Bucket: "full-bucket" })), "BucketNotEmpty", 409);
    await rejectsWith(s3.send(new DeleteBucketCommand({ Bucket: "never-made" })), "NoSuchBucket", 404);
  });

  it("orders a DeleteBucket and the writes racing it: a bucket made again under the name is empty", async () => {
    const outcome = (p: Promise<unknown>) =>
      p.then(
        () => "ok",
        (error: Error) => error.name,
      );
    for (let round = 0; round < 20; round++) {
      const Bucket = `racing-${round}`;
      await s3.send(new CreateBucketCommand({ Bucket }));
      // The delete follows the writes by a little more each round, to land among them.
      const writes = [outcome(s3.send(new PutObjectCommand({ Bucket, Key: "k", Body: "x" }))), outcome(s3.send(new CreateMultipartUploadCommand({ Bucket, Key: "m" })))];
      await new Promise((resolve) => setTimeout(resolve, round % 10));
      const [deleted, put, upload] = await Promise.all([outcome(s3.send(new DeleteBucketCommand({ Bucket }))), ...writes]);
      if (deleted === "ok") {
        // The object came after the delete, or the delete would have found it; an upload begun before goes with the bucket.
        assert.equal(put, "NoSuchBucket", `round ${round}`);
        assert.ok(upload === "ok" || upload === "NoSuchBucket", `round ${round}: ${upload}`);
        await s3.send(new CreateBucketCommand({ Bucket }));
        assert.equal((await s3.send(new ListObjectsV2Command({ Bucket }))).KeyCount, 0, `round ${round}`);
        assert.equal((await s3.send(new ListMultipartUploadsCommand({ Bucket }))).Uploads, undefined, `round ${round}`);
      } else {
        assert.equal(deleted, "BucketNotEmpty", `round ${round}`);
        assert.equal(put, "ok", `round ${round}`);
      }
    }
  });

  it("pages ListBuckets", async () => {
    const client = t.s3({ credentials: { accessKeyId: "444455556666", secretAccessKey: "x" } });
    for (const name of ["page-a", "page-b", "page-c"]) await client.send(new CreateBucketCommand({ Bucket: name }));
    const first = await client.send(new ListBucketsCommand({ MaxBuckets: 2 }));
    assert.deepEqual(first.Buckets?.map((b) => b.Name), ["page-a", "page-b"]);
    assert.ok(first.ContinuationToken);
    const second = await client.send(new ListBucketsCommand({ MaxBuckets: 2, ContinuationToken: first.ContinuationToken }));
    assert.deepEqual(second.Buckets?.map((b) => b.Name), ["page-c"]);
    assert.equal(second.ContinuationToken, undefined);
  });

  it("has no directory buckets, and says so when asked to make or use one", async () => {
    // ListDirectoryBuckets is signed for s3express and must not list general purpose buckets.
    await s3.send(new CreateBucketCommand({ Bucket: "general-purpose-one" }));
    const listed = await s3.send(new ListDirectoryBucketsCommand({}));
    assert.equal(listed.$metadata.httpStatusCode, 200);
    assert.deepEqual(listed.Buckets ?? [], []);
    const directory = { Location: { Type: "AvailabilityZone" as const, Name: "use1-az4" }, Bucket: { Type: "Directory" as const, DataRedundancy: "SingleAvailabilityZone" as const } };
    const refused = await rejectsWith(s3.send(new CreateBucketCommand({ Bucket: "plain-name-dir", CreateBucketConfiguration: { Bucket: directory.Bucket } })), "NotImplemented", 501);
    assert.match(refused.message, /^Directory buckets .* are not supported by Nimbus yet\.$/);
    // A directory bucket's name sends the SDK to CreateSession first (signed for s3express): a 501 in S3's XML, which the SDK reads.
    const viaSession = await rejectsWith(s3.send(new CreateBucketCommand({ Bucket: "express--use1-az4--x-s3", CreateBucketConfiguration: directory })), "NotImplemented", 501);
    assert.equal(viaSession.message, "The CreateSession operation of s3 is not supported by Nimbus yet.");
    await rejectsWith(s3.send(new CreateSessionCommand({ Bucket: "express--use1-az4--x-s3" })), "NotImplemented", 501);
    const buckets = await s3.send(new ListBucketsCommand({}));
    assert.ok(!buckets.Buckets?.some((b) => b.Name === "plain-name-dir" || b.Name === "express--use1-az4--x-s3"));
  });

  it("sends a request signed for another region than its bucket's there, as a region's endpoint does", async () => {
    const west = t.s3({ region: "eu-west-1" });
    await west.send(new CreateBucketCommand({ Bucket: "west-only-bucket", CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } }));
    await west.send(new PutObjectCommand({ Bucket: "west-only-bucket", Key: "k", Body: "west" }));
    const port = new URL(t.cloud.endpoint).port;
    for (const call of [
      () => s3.send(new GetObjectCommand({ Bucket: "west-only-bucket", Key: "k" })),
      () => s3.send(new PutObjectCommand({ Bucket: "west-only-bucket", Key: "k", Body: "east" })),
      () => s3.send(new ListObjectsV2Command({ Bucket: "west-only-bucket" })),
      () => s3.send(new DeleteBucketCommand({ Bucket: "west-only-bucket" })),
    ]) {
      const error = (await rejectsWith(call(), "PermanentRedirect", 301)) as Error & { Endpoint?: string; Bucket?: string; $response?: { headers: Record<string, string> } };
      assert.equal(error.message, "The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.");
      assert.deepEqual([error.Endpoint, error.Bucket], [`west-only-bucket.s3.localhost:${port}`, "west-only-bucket"]);
      assert.equal(error.$response?.headers["x-amz-bucket-region"], "eu-west-1");
    }
    // HEAD answers without a body; its header names the region.
    const head = (await s3.send(new HeadBucketCommand({ Bucket: "west-only-bucket" })).catch((e: unknown) => e)) as {
      $metadata?: { httpStatusCode?: number };
      $response?: { headers: Record<string, string> };
    };
    assert.equal(head.$metadata?.httpStatusCode, 301);
    assert.equal(head.$response?.headers["x-amz-bucket-region"], "eu-west-1");
    // GetBucketLocation finds the region from anywhere, and CreateBucket answers for the name.
    assert.equal((await s3.send(new GetBucketLocationCommand({ Bucket: "west-only-bucket" }))).LocationConstraint, "eu-west-1");
    await rejectsWith(s3.send(new CreateBucketCommand({ Bucket: "west-only-bucket" })), "BucketAlreadyOwnedByYou", 409);
    // An SDK that follows redirects gets its answer; so does a presigned URL signed for the bucket's region.
    const following = t.s3({ followRegionRedirects: true });
    const got = await following.send(new GetObjectCommand({ Bucket: "west-only-bucket", Key: "k" }));
    assert.equal(await got.Body?.transformToString(), "west");
    const wrong = await fetch(await getSignedUrl(s3, new GetObjectCommand({ Bucket: "west-only-bucket", Key: "k" }), { expiresIn: 60 }), { redirect: "manual" });
    assert.equal(wrong.status, 301);
    assert.match(await wrong.text(), /<Code>PermanentRedirect<\/Code>/);
    const right = await fetch(await getSignedUrl(west, new GetObjectCommand({ Bucket: "west-only-bucket", Key: "k" }), { expiresIn: 60 }));
    assert.equal(await right.text(), "west");
  });
});
