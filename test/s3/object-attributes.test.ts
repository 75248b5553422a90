import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectAttributesCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type ObjectAttributes,
} from "@aws-sdk/client-s3";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";

const BUCKET = "attributes-bucket";
const ALL: ObjectAttributes[] = ["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"];

describe("S3 GetObjectAttributes", () => {
  let t: TestCloud;
  let s3: S3Client;
  before(async () => {
    t = await startCloud();
    s3 = t.s3();
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  });
  after(() => t.stop());

  it("answers what is asked of an object: its ETag unquoted, checksum, class and size", async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "one", Body: "hello", ChecksumAlgorithm: "SHA256" }));
    const got = await s3.send(new GetObjectAttributesCommand({ Bucket: BUCKET, Key: "one", ObjectAttributes: ALL }));
    assert.equal(got.ETag, put.ETag?.slice(1, -1));
    assert.deepEqual(got.Checksum, { ChecksumSHA256: put.ChecksumSHA256, ChecksumType: "FULL_OBJECT" });
    assert.deepEqual([got.StorageClass, got.ObjectSize, got.ObjectParts], ["STANDARD", 5, undefined]);
    assert.ok(got.LastModified instanceof Date);

    const size = await s3.send(new GetObjectAttributesCommand({ Bucket: BUCKET, Key: "one", ObjectAttributes: ["ObjectSize"] }));
    assert.deepEqual([size.ObjectSize, size.ETag, size.Checksum], [5, undefined, undefined]);
  });

  it("pages through the parts of a composite multipart object", async () => {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: "mp", ChecksumAlgorithm: "CRC32", ChecksumType: "COMPOSITE" }));
    const bodies = [Buffer.alloc(5 * 1024 * 1024, 1), Buffer.alloc(5 * 1024 * 1024, 2), Buffer.from("tail")];
    const parts = [];
    for (const [i, Body] of bodies.entries()) {
      const part = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: "mp", UploadId, PartNumber: i + 1, Body, ChecksumAlgorithm: "CRC32" }));
      parts.push({ PartNumber: i + 1, ETag: part.ETag, ChecksumCRC32: part.ChecksumCRC32 });
    }
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: "mp", UploadId, MultipartUpload: { Parts: parts } }));

    const first = await s3.send(new GetObjectAttributesCommand({ Bucket: BUCKET, Key: "mp", ObjectAttributes: ["ObjectParts", "Checksum"], MaxParts: 2 }));
    assert.equal(first.Checksum?.ChecksumType, "COMPOSITE");
    assert.doesNotMatch(first.Checksum?.ChecksumCRC32 ?? "", /-\d+$/);
    assert.deepEqual(
      [first.ObjectParts?.TotalPartsCount, first.ObjectParts?.IsTruncated, first.ObjectParts?.NextPartNumberMarker],
      [3, true, "2"],
    );
    assert.deepEqual(first.ObjectParts?.Parts?.map((p) => [p.PartNumber, p.Size, p.ChecksumCRC32]), [
      [1, bodies[0]!.length, parts[0]!.ChecksumCRC32],
      [2, bodies[1]!.length, parts[1]!.ChecksumCRC32],
    ]);
    const rest = await s3.send(new GetObjectAttributesCommand({ Bucket: BUCKET, Key: "mp", ObjectAttributes: ["ObjectParts"], MaxParts: 2, PartNumberMarker: "2" }));
    assert.deepEqual(rest.ObjectParts?.Parts?.map((p) => p.PartNumber), [3]);
    assert.equal(rest.ObjectParts?.IsTruncated, false);
  });

  it("refuses a request naming no attribute or an unknown one, and answers a delete marker as reads do", async () => {
    const empty = await rejectsWith(s3.send(new GetObjectAttributesCommand({ Bucket: BUCKET, Key: "one", ObjectAttributes: [] })), "InvalidRequest", 400);
    assert.equal(empty.message, "The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty");
    const unknown = await rejectsWith(s3.send(new GetObjectAttributesCommand({ Bucket: BUCKET, Key: "one", ObjectAttributes: ["Owner" as ObjectAttributes] })), "InvalidArgument", 400);
    assert.equal(unknown.message, "Invalid attribute name specified.");
    await rejectsWith(s3.send(new GetObjectAttributesCommand({ Bucket: BUCKET, Key: "missing", ObjectAttributes: ALL })), "NoSuchKey", 404);
    await rejectsWith(s3.send(new GetObjectAttributesCommand({ Bucket: BUCKET, Key: "one", ObjectAttributes: ALL, MaxParts: -1 })), "InvalidArgument", 400);

    await s3.send(new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: "Enabled" } }));
    const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "versioned", Body: "v1" }));
    const byVersion = await s3.send(new GetObjectAttributesCommand({ Bucket: BUCKET, Key: "versioned", VersionId: put.VersionId, ObjectAttributes: ["ObjectSize"] }));
    assert.deepEqual([byVersion.VersionId, byVersion.ObjectSize], [put.VersionId, 2]);
    const marker = await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: "versioned" }));
    await rejectsWith(s3.send(new GetObjectAttributesCommand({ Bucket: BUCKET, Key: "versioned", ObjectAttributes: ALL })), "NoSuchKey", 404);
    await rejectsWith(s3.send(new GetObjectAttributesCommand({ Bucket: BUCKET, Key: "versioned", VersionId: marker.VersionId, ObjectAttributes: ALL })), "MethodNotAllowed", 405);
  });
});
