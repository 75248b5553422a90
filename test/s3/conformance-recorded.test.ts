/**
 * S3 answers that AWS recordings pin down (LocalStack's AWS-validated
 * snapshots of listing, bucket and precondition cases), through the AWS SDK
 * for JavaScript v3: multipart-upload listing markers, ListParts and
 * ListObjectsV2 paging details, ListBuckets' region check, SSE-S3 on every
 * object, a copy condition dated in the future, and (from test_s3.py's
 * snapshots) the listings' element order and region header, copies in
 * place and replication refusals.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutBucketEncryptionCommand,
  PutBucketReplicationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";
import { rawRequest } from "../support/raw.js";

describe("S3 conformance: recorded AWS answers", () => {
  let t: TestCloud;
  let s3: S3Client;
  before(async () => {
    t = await startCloud({ inMemory: true });
    s3 = t.s3();
  });
  after(() => t.stop());

  async function bucket(name: string): Promise<string> {
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    return name;
  }

  async function upload(Bucket: string, Key: string): Promise<string> {
    return (await s3.send(new CreateMultipartUploadCommand({ Bucket, Key }))).UploadId!;
  }

  it("names the last upload in NextKeyMarker and NextUploadIdMarker, truncated or not", async () => {
    const Bucket = await bucket("uploads-markers");
    const empty = await s3.send(new ListMultipartUploadsCommand({ Bucket }));
    assert.equal(empty.NextKeyMarker, "");
    assert.equal(empty.NextUploadIdMarker, "");
    const a = await upload(Bucket, "a");
    const b = await upload(Bucket, "b");
    const all = await s3.send(new ListMultipartUploadsCommand({ Bucket }));
    assert.equal(all.IsTruncated, false);
    assert.equal(all.NextKeyMarker, "b");
    assert.equal(all.NextUploadIdMarker, b);
    const first = await s3.send(new ListMultipartUploadsCommand({ Bucket, MaxUploads: 1 }));
    assert.deepEqual([first.IsTruncated, first.NextKeyMarker, first.NextUploadIdMarker], [true, "a", a]);
    // An upload-id marker alone is ignored, and not echoed.
    const idOnly = await s3.send(new ListMultipartUploadsCommand({ Bucket, UploadIdMarker: a }));
    assert.equal(idOnly.UploadIdMarker, "");
    assert.deepEqual(idOnly.Uploads?.map((u) => u.Key), ["a", "b"]);
    // Beside a key marker it must name one of that key's uploads.
    const wrong = await rejectsWith(s3.send(new ListMultipartUploadsCommand({ Bucket, KeyMarker: "b", UploadIdMarker: a })), "InvalidArgument", 400);
    assert.equal(wrong.message, "Invalid uploadId marker");
    const next = await s3.send(new ListMultipartUploadsCommand({ Bucket, KeyMarker: "a", UploadIdMarker: a }));
    assert.deepEqual(next.Uploads?.map((u) => u.Key), ["b"]);
    await rejectsWith(s3.send(new ListMultipartUploadsCommand({ Bucket, EncodingType: "value" as "url" })), "InvalidArgument", 400);
    // Initiated has whole seconds, as every S3 listing timestamp.
    assert.equal(all.Uploads![0]!.Initiated!.getMilliseconds(), 0);
  });

  it("moves past a common prefix that the key marker names or falls inside", async () => {
    const Bucket = await bucket("uploads-prefixes");
    await upload(Bucket, "folder/aSubfolder/subFile1");
    const file1 = await upload(Bucket, "folder/file1");
    await upload(Bucket, "folder/file2");
    const page = { Bucket, Prefix: "folder/", Delimiter: "/", MaxUploads: 1 };
    const start = await s3.send(new ListMultipartUploadsCommand(page));
    assert.deepEqual(start.CommonPrefixes?.map((p) => p.Prefix), ["folder/aSubfolder/"]);
    assert.deepEqual([start.IsTruncated, start.NextKeyMarker, start.NextUploadIdMarker], [true, "", ""]);
    for (const KeyMarker of ["folder/aSubfolder/", "folder/aSubfolder/subFile1"]) {
      const next = await s3.send(new ListMultipartUploadsCommand({ ...page, KeyMarker }));
      assert.equal(next.CommonPrefixes, undefined);
      assert.deepEqual(next.Uploads?.map((u) => u.Key), ["folder/file1"]);
      assert.deepEqual([next.IsTruncated, next.NextKeyMarker, next.NextUploadIdMarker], [true, "folder/file1", file1]);
    }
  });

  it("gives ListParts a NextPartNumberMarker of 0 on an empty page, and takes empty numbers as absent", async () => {
    const Bucket = await bucket("parts-markers");
    const UploadId = await upload(Bucket, "k");
    const none = await s3.send(new ListPartsCommand({ Bucket, Key: "k", UploadId }));
    assert.equal(none.NextPartNumberMarker, "0");
    await s3.send(new UploadPartCommand({ Bucket, Key: "k", UploadId, PartNumber: 1, Body: "data" }));
    const past = await s3.send(new ListPartsCommand({ Bucket, Key: "k", UploadId, MaxParts: 1, PartNumberMarker: "10" }));
    assert.equal(past.NextPartNumberMarker, "0");
    // `part-number-marker=` and `max-parts=`: the defaults.
    const raw = await rawRequest(t.cloud.endpoint, {
      method: "GET",
      path: `/${Bucket}/k`,
      query: { uploadId: UploadId, "part-number-marker": "", "max-parts": "" },
      headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
    });
    assert.equal(raw.status, 200, raw.body);
    assert.match(raw.body, /<MaxParts>1000<\/MaxParts>/);
    assert.match(raw.body, /<PartNumberMarker>0<\/PartNumberMarker>/);
  });

  it("leaves StartAfter out when a continuation token is given", async () => {
    const Bucket = await bucket("v2-start-after");
    for (const Key of ["k1", "k2", "k3"]) await s3.send(new PutObjectCommand({ Bucket, Key, Body: Key }));
    const first = await s3.send(new ListObjectsV2Command({ Bucket, MaxKeys: 1 }));
    const rest = await s3.send(new ListObjectsV2Command({ Bucket, StartAfter: "k2", ContinuationToken: first.NextContinuationToken }));
    assert.equal(rest.StartAfter, undefined);
    assert.deepEqual(rest.Contents?.map((c) => c.Key), ["k2", "k3"]);
  });

  it("refuses an unknown region in ListBuckets and names no ARN for general purpose buckets", async () => {
    await bucket("region-listed");
    const error = await rejectsWith(s3.send(new ListBucketsCommand({ BucketRegion: "eu-east-1" })), "InvalidArgument", 400);
    assert.equal(error.message, "Argument value eu-east-1 is not a valid AWS Region");
    const listed = await s3.send(new ListBucketsCommand({ BucketRegion: "us-east-1" }));
    assert.ok(listed.Buckets?.some((b) => b.Name === "region-listed"));
    assert.ok(listed.Buckets?.every((b) => b.BucketArn === undefined));
  });

  it("reports SSE-S3 on every object written or read", async () => {
    const Bucket = await bucket("sse-default");
    const put = await s3.send(new PutObjectCommand({ Bucket, Key: "k", Body: "data" }));
    assert.equal(put.ServerSideEncryption, "AES256");
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket, Key: "k" }))).ServerSideEncryption, "AES256");
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: "k" }));
    await got.Body?.transformToString();
    assert.equal(got.ServerSideEncryption, "AES256");
    const copy = await s3.send(new CopyObjectCommand({ Bucket, Key: "copy", CopySource: `${Bucket}/k` }));
    assert.equal(copy.ServerSideEncryption, "AES256");
    assert.equal(copy.CopyObjectResult?.ChecksumType, undefined);
    const UploadId = await upload(Bucket, "multi");
    assert.equal((await s3.send(new UploadPartCommand({ Bucket, Key: "multi", UploadId, PartNumber: 1, Body: "x" }))).ServerSideEncryption, "AES256");
  });

  it("refuses a checksum that is no digest of its algorithm, and reads ChecksumMode in any case", async () => {
    const Bucket = await bucket("checksums-recorded");
    const bad = await rejectsWith(s3.send(new PutObjectCommand({ Bucket, Key: "k", Body: "data", ChecksumAlgorithm: "CRC32", ChecksumCRC32: "abcdef12" })), "InvalidRequest", 400);
    assert.equal(bad.message, "Value for x-amz-checksum-crc32 header is invalid.");
    await s3.send(new PutObjectCommand({ Bucket, Key: "k", Body: "data", ChecksumAlgorithm: "SHA256" }));
    const got = await s3.send(new HeadObjectCommand({ Bucket, Key: "k", ChecksumMode: "enabled" as "ENABLED" }));
    assert.ok(got.ChecksumSHA256);
  });

  it("copies into the storage class asked for, in place too, and computes the checksum asked for", async () => {
    const Bucket = await bucket("copy-classes");
    await s3.send(new PutObjectCommand({ Bucket, Key: "ia", Body: "data", StorageClass: "STANDARD_IA" }));
    await s3.send(new CopyObjectCommand({ Bucket, Key: "copied", CopySource: `${Bucket}/ia` }));
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket, Key: "copied" }))).StorageClass, undefined);
    const inPlace = await s3.send(new CopyObjectCommand({ Bucket, Key: "ia", CopySource: `${Bucket}/ia`, StorageClass: "STANDARD_IA" }));
    assert.equal(inPlace.$metadata.httpStatusCode, 200);
    const summed = await s3.send(new CopyObjectCommand({ Bucket, Key: "ia", CopySource: `${Bucket}/ia`, ChecksumAlgorithm: "SHA256" }));
    assert.ok(summed.CopyObjectResult?.ChecksumSHA256);
    const outposts = await rejectsWith(s3.send(new PutObjectCommand({ Bucket, Key: "o", Body: "x", StorageClass: "OUTPOSTS" })), "InvalidStorageClass", 400);
    assert.equal(outposts.message, "The storage class you specified is not valid");
    await s3.send(new PutObjectCommand({ Bucket, Key: "cold", Body: "x", StorageClass: "GLACIER" }));
    await rejectsWith(s3.send(new GetObjectCommand({ Bucket, Key: "cold" })), "InvalidObjectState", 403);
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket, Key: "cold" }))).StorageClass, "GLACIER");
  });

  it("tells the part count only to who asks for a part, and serves part 1 of an object uploaded whole", async () => {
    const Bucket = await bucket("parts-told");
    await s3.send(new PutObjectCommand({ Bucket, Key: "whole", Body: "12345678" }));
    const part = await s3.send(new GetObjectCommand({ Bucket, Key: "whole", PartNumber: 1 }));
    assert.deepEqual([part.$metadata.httpStatusCode, part.ContentRange, await part.Body?.transformToString()], [206, "bytes 0-7/8", "12345678"]);
    const UploadId = await upload(Bucket, "multi");
    const { ETag } = await s3.send(new UploadPartCommand({ Bucket, Key: "multi", UploadId, PartNumber: 1, Body: "abc" }));
    await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key: "multi", UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] } }));
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket, Key: "multi" }))).PartsCount, undefined);
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket, Key: "multi", PartNumber: 1 }))).PartsCount, 1);
    const again = await upload(Bucket, "none");
    const none = await rejectsWith(s3.send(new CompleteMultipartUploadCommand({ Bucket, Key: "none", UploadId: again })), "InvalidRequest", 400);
    assert.equal(none.message, "You must specify at least one part");
  });

  it("lists in S3's element order, naming the bucket's region (test_response_structure, test_region_header_exists)", async () => {
    const Bucket = await bucket("wire-order");
    await s3.send(new PutObjectCommand({ Bucket, Key: "k", Body: "x" }));
    const elements = (xml: string, root: string) => [...xml.slice(xml.indexOf(`<${root}`)).matchAll(/<([A-Za-z]+)>/g)].map((m) => m[1]);
    const top = (xml: string, root: string, children: string[]) => elements(xml, root).filter((name) => children.includes(name));
    const v1 = await rawRequest(t.cloud.endpoint, { method: "GET", path: `/${Bucket}` });
    assert.deepEqual(top(v1.body, "ListBucketResult", ["Name", "Prefix", "Marker", "MaxKeys", "IsTruncated", "Contents"]), ["Name", "Prefix", "Marker", "MaxKeys", "IsTruncated", "Contents"]);
    const v2 = await rawRequest(t.cloud.endpoint, { method: "GET", path: `/${Bucket}`, query: { "list-type": "2", "start-after": "a" } });
    assert.deepEqual(top(v2.body, "ListBucketResult", ["Name", "Prefix", "StartAfter", "KeyCount", "MaxKeys", "IsTruncated", "Contents"]), [
      "Name",
      "Prefix",
      "StartAfter",
      "KeyCount",
      "MaxKeys",
      "IsTruncated",
      "Contents",
    ]);
    const versions = await rawRequest(t.cloud.endpoint, { method: "GET", path: `/${Bucket}`, query: { versions: "" } });
    assert.deepEqual(top(versions.body, "ListVersionsResult", ["Name", "Prefix", "KeyMarker", "VersionIdMarker", "MaxKeys", "IsTruncated", "Version"]), [
      "Name",
      "Prefix",
      "KeyMarker",
      "VersionIdMarker",
      "MaxKeys",
      "IsTruncated",
      "Version",
    ]);
    for (const answer of [v1, v2, versions]) assert.equal(answer.headers["x-amz-bucket-region"], "us-east-1");
    const UploadId = await upload(Bucket, "up");
    await s3.send(new UploadPartCommand({ Bucket, Key: "up", UploadId, PartNumber: 1, Body: "p" }));
    const uploads = await rawRequest(t.cloud.endpoint, { method: "GET", path: `/${Bucket}`, query: { uploads: "" } });
    assert.deepEqual(top(uploads.body, "ListMultipartUploadsResult", ["Bucket", "KeyMarker", "UploadIdMarker", "MaxUploads", "IsTruncated", "Upload"]), [
      "Bucket",
      "KeyMarker",
      "UploadIdMarker",
      "MaxUploads",
      "IsTruncated",
      "Upload",
    ]);
    const entry = uploads.body.slice(uploads.body.indexOf("<Upload>"));
    assert.deepEqual(top(entry, "Upload", ["Key", "UploadId", "Initiator", "Owner", "StorageClass", "Initiated"]).slice(0, 6), ["Key", "UploadId", "Initiator", "Owner", "StorageClass", "Initiated"]);
    const parts = await rawRequest(t.cloud.endpoint, { method: "GET", path: `/${Bucket}/up`, query: { uploadId: UploadId } });
    assert.deepEqual(top(parts.body, "ListPartsResult", ["Bucket", "Key", "UploadId", "Initiator", "Owner", "StorageClass", "PartNumberMarker", "MaxParts", "IsTruncated", "Part"]), [
      "Bucket",
      "Key",
      "UploadId",
      "Initiator",
      "Owner",
      "StorageClass",
      "PartNumberMarker",
      "MaxParts",
      "IsTruncated",
      "Part",
    ]);
    const buckets = await rawRequest(t.cloud.endpoint, { method: "GET", path: "/" });
    assert.deepEqual(top(buckets.body, "ListAllMyBucketsResult", ["Owner", "Buckets", "ID", "DisplayName"]).slice(0, 2), ["Owner", "ID"]);
    assert.deepEqual(top(buckets.body, "ListAllMyBucketsResult", ["Owner", "Buckets"]), ["Owner", "Buckets"]);
    const copied = await rawRequest(t.cloud.endpoint, { method: "PUT", path: `/${Bucket}/copy`, headers: { "x-amz-copy-source": `/${Bucket}/k` } });
    assert.deepEqual(top(copied.body, "CopyObjectResult", ["LastModified", "ETag"]), ["LastModified", "ETag"]);
    assert.deepEqual(top(versions.body, "Version", ["Key", "VersionId", "IsLatest", "LastModified", "ETag", "Size", "StorageClass", "Owner"]), [
      "Key",
      "VersionId",
      "IsLatest",
      "LastModified",
      "ETag",
      "Size",
      "StorageClass",
      "Owner",
    ]);
    // Creation times are kept to the second (test_s3_timestamp_precision).
    assert.match(buckets.body, /<CreationDate>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z<\/CreationDate>/);
  });

  it("copies in place under a bucket's own default encryption, and reads + in a copy source as a space", async () => {
    const Bucket = await bucket("copy-in-place");
    await s3.send(new PutObjectCommand({ Bucket, Key: "test key.txt", Body: "spaced" }));
    // test_copy_object_special_character_plus_for_space
    await s3.send(new CopyObjectCommand({ Bucket, Key: "plus", CopySource: `${Bucket}/test+key.txt` }));
    assert.equal(await (await s3.send(new GetObjectCommand({ Bucket, Key: "plus" }))).Body?.transformToString(), "spaced");
    const self = { Bucket, Key: "plus", CopySource: `${Bucket}/plus` };
    await rejectsWith(s3.send(new CopyObjectCommand(self)), "InvalidRequest", 400);
    // test_copy_in_place_with_bucket_encryption: a default encryption the bucket was given counts as a change, even SSE-S3.
    await s3.send(new PutBucketEncryptionCommand({ Bucket, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" }, BucketKeyEnabled: false }] } }));
    assert.equal((await s3.send(new CopyObjectCommand(self))).$metadata.httpStatusCode, 200);
  });

  it("heads a part without a Content-Range (test_get_object_part)", async () => {
    const Bucket = await bucket("head-part");
    const UploadId = await upload(Bucket, "multi");
    const parts = [];
    for (const [PartNumber, Body] of [[1, Buffer.alloc(5 * 1024 * 1024, 1)], [2, Buffer.from("tail")]] as const) {
      parts.push({ PartNumber, ETag: (await s3.send(new UploadPartCommand({ Bucket, Key: "multi", UploadId, PartNumber, Body }))).ETag });
    }
    await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key: "multi", UploadId, MultipartUpload: { Parts: parts } }));
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: "multi", PartNumber: 2 }));
    assert.deepEqual([head.$metadata.httpStatusCode, head.PartsCount, head.ContentLength, head.ContentRange], [206, 2, 4, undefined]);
    const get = await s3.send(new GetObjectCommand({ Bucket, Key: "multi", PartNumber: 2 }));
    assert.deepEqual([get.$metadata.httpStatusCode, get.ContentRange], [206, `bytes ${5 * 1024 * 1024}-${5 * 1024 * 1024 + 3}/${5 * 1024 * 1024 + 4}`]);
    await get.Body?.transformToString();
  });

  it("refuses replication in S3's words (test_replication_config, test_replication_config_without_filter)", async () => {
    const Bucket = await bucket("repl-source");
    const rule = (destination: string) => ({
      Role: "arn:aws:iam::000000000000:role/replication",
      Rules: [{ ID: "r", Priority: 1, Status: "Enabled" as const, Filter: {}, DeleteMarkerReplication: { Status: "Disabled" as const }, Destination: { Bucket: `arn:aws:s3:::${destination}` } }],
    });
    const unversioned = await rejectsWith(s3.send(new PutBucketReplicationCommand({ Bucket, ReplicationConfiguration: rule("repl-missing") })), "InvalidRequest", 400);
    assert.equal(unversioned.message, "Versioning must be 'Enabled' on the bucket to apply a replication configuration");
    assert.equal((unversioned as Error & { BucketName?: string }).BucketName, undefined);
    await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: "Enabled" } }));
    const missing = await rejectsWith(s3.send(new PutBucketReplicationCommand({ Bucket, ReplicationConfiguration: rule("repl-missing") })), "InvalidRequest", 400);
    assert.equal(missing.message, "Destination bucket must have versioning enabled.");
  });

  it("ignores a copy-source modified-since date still to come", async () => {
    const Bucket = await bucket("copy-future");
    await s3.send(new PutObjectCommand({ Bucket, Key: "source", Body: "data" }));
    const future = new Date(Date.now() + 86_400_000);
    const copied = await s3.send(new CopyObjectCommand({ Bucket, Key: "dest", CopySource: `${Bucket}/source`, CopySourceIfModifiedSince: future }));
    assert.equal(copied.$metadata.httpStatusCode, 200);
    const { LastModified } = await s3.send(new HeadObjectCommand({ Bucket, Key: "source" }));
    const error = await rejectsWith(
      s3.send(new CopyObjectCommand({ Bucket, Key: "dest", CopySource: `${Bucket}/source`, CopySourceIfModifiedSince: LastModified })),
      "PreconditionFailed",
      412,
    );
    assert.equal((error as Error & { Condition?: string }).Condition, "x-amz-copy-source-If-Modified-Since");
  });
});
