import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  GetObjectAclCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";
import { rawRequest } from "../support/raw.js";

/** S3's version ids: 32 characters of letters, digits, `.` and `_`. */
const VERSION_ID = /^[A-Za-z0-9._]{32}$/;

describe("S3 bucket versioning", () => {
  let t: TestCloud;
  let s3: S3Client;
  let n = 0;
  /** A fresh bucket, its versioning set as asked. */
  const bucket = async (status?: "Enabled" | "Suspended") => {
    const Bucket = `versioned-${++n}`;
    await s3.send(new CreateBucketCommand({ Bucket }));
    if (status) await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: status } }));
    return Bucket;
  };
  const text = async (Bucket: string, Key: string, VersionId?: string) => (await s3.send(new GetObjectCommand({ Bucket, Key, VersionId }))).Body?.transformToString();
  const headers = (error: Error) => (error as Error & { $response?: { headers: Record<string, string> } }).$response?.headers ?? {};

  before(async () => {
    t = await startCloud();
    s3 = t.s3();
  });
  after(() => t.stop());

  it("reports the status set, and nothing before it is set", async () => {
    const Bucket = await bucket();
    const before = await s3.send(new GetBucketVersioningCommand({ Bucket }));
    assert.equal(before.Status, undefined);
    await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: "Enabled" } }));
    assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket }))).Status, "Enabled");
    await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: "Suspended" } }));
    assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket }))).Status, "Suspended");
    await rejectsWith(s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: "On" as "Enabled" } })), "MalformedXML", 400);
    await rejectsWith(s3.send(new PutBucketVersioningCommand({ Bucket: "no-such-versioned", VersioningConfiguration: { Status: "Enabled" } })), "NoSuchBucket", 404);
  });

  it("keeps every version written, each readable by its id, the newest current", async () => {
    const Bucket = await bucket();
    await s3.send(new PutObjectCommand({ Bucket, Key: "k", Body: "before versioning" }));
    await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: "Enabled" } }));
    const first = await s3.send(new PutObjectCommand({ Bucket, Key: "k", Body: "one" }));
    const second = await s3.send(new PutObjectCommand({ Bucket, Key: "k", Body: "two" }));
    assert.match(first.VersionId ?? "", VERSION_ID);
    assert.notEqual(first.VersionId, second.VersionId);

    const current = await s3.send(new GetObjectCommand({ Bucket, Key: "k" }));
    assert.equal(await current.Body?.transformToString(), "two");
    assert.equal(current.VersionId, second.VersionId);
    assert.equal(await text(Bucket, "k", first.VersionId), "one");
    // What the key held before versioning is its null version.
    assert.equal(await text(Bucket, "k", "null"), "before versioning");
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket, Key: "k", VersionId: first.VersionId }))).VersionId, first.VersionId);

    // An id S3 could have given but names no version of the key, and one it never gives.
    const other = await s3.send(new PutObjectCommand({ Bucket, Key: "other", Body: "x" }));
    const missing = await rejectsWith(s3.send(new GetObjectCommand({ Bucket, Key: "k", VersionId: other.VersionId })), "NoSuchVersion", 404);
    assert.deepEqual([(missing as Error & { Key?: string }).Key, (missing as Error & { VersionId?: string }).VersionId], ["k", other.VersionId]);
    for (const VersionId of ["A".repeat(32), `${first.VersionId?.slice(0, 28)}ABCD`, "not-a-version"]) {
      await rejectsWith(s3.send(new GetObjectCommand({ Bucket, Key: "k", VersionId })), "InvalidArgument", 400);
    }
    await s3.send(new DeleteObjectCommand({ Bucket, Key: "other", VersionId: other.VersionId }));

    const listed = await s3.send(new ListObjectVersionsCommand({ Bucket }));
    assert.deepEqual(
      listed.Versions?.map((v) => [v.Key, v.VersionId, v.IsLatest, v.Size]),
      [
        ["k", second.VersionId, true, 3],
        ["k", first.VersionId, false, 3],
        ["k", "null", false, 17],
      ],
    );
  });

  it("hides a key behind a delete marker, which a delete by id removes again", async () => {
    const Bucket = await bucket("Enabled");
    const put = await s3.send(new PutObjectCommand({ Bucket, Key: "gone", Body: "data" }));
    const marker = await s3.send(new DeleteObjectCommand({ Bucket, Key: "gone" }));
    assert.equal(marker.DeleteMarker, true);
    assert.match(marker.VersionId ?? "", VERSION_ID);

    const hidden = await rejectsWith(s3.send(new GetObjectCommand({ Bucket, Key: "gone" })), "NoSuchKey", 404);
    assert.equal(headers(hidden)["x-amz-delete-marker"], "true");
    assert.equal(headers(hidden)["x-amz-version-id"], marker.VersionId);
    const named = await rejectsWith(s3.send(new GetObjectCommand({ Bucket, Key: "gone", VersionId: marker.VersionId })), "MethodNotAllowed", 405);
    assert.equal(headers(named)["x-amz-delete-marker"], "true");
    assert.equal(headers(named).allow, "DELETE");
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket, Key: "gone" })), "NotFound", 404);
    assert.equal((await s3.send(new ListObjectsV2Command({ Bucket }))).KeyCount, 0);
    assert.equal(await text(Bucket, "gone", put.VersionId), "data");

    const markers = (await s3.send(new ListObjectVersionsCommand({ Bucket }))).DeleteMarkers ?? [];
    assert.deepEqual(markers.map((m) => [m.Key, m.VersionId, m.IsLatest]), [["gone", marker.VersionId, true]]);

    const undone = await s3.send(new DeleteObjectCommand({ Bucket, Key: "gone", VersionId: marker.VersionId }));
    assert.deepEqual([undone.DeleteMarker, undone.VersionId], [true, marker.VersionId]);
    assert.equal(await text(Bucket, "gone"), "data");
  });

  it("answers the ACL calls on a delete marker as S3 does", async () => {
    const Bucket = await bucket("Enabled");
    await s3.send(new PutObjectCommand({ Bucket, Key: "m", Body: "data" }));
    const marker = await s3.send(new DeleteObjectCommand({ Bucket, Key: "m" }));
    // Captured from S3: no Last-Modified on either; PutObjectAcl refuses the current marker without naming it.
    const brief = (error: Error) => {
      const h = headers(error);
      return [h.allow, h["x-amz-delete-marker"], h["x-amz-version-id"], h["last-modified"]];
    };
    const current = await rejectsWith(s3.send(new PutObjectAclCommand({ Bucket, Key: "m", ACL: "private" })), "MethodNotAllowed", 405);
    assert.deepEqual(brief(current), ["DELETE", undefined, undefined, undefined]);
    const named = await rejectsWith(s3.send(new PutObjectAclCommand({ Bucket, Key: "m", VersionId: marker.VersionId, ACL: "private" })), "MethodNotAllowed", 405);
    assert.deepEqual(brief(named), ["DELETE", "true", marker.VersionId, undefined]);
    const read = await rejectsWith(s3.send(new GetObjectAclCommand({ Bucket, Key: "m", VersionId: marker.VersionId })), "MethodNotAllowed", 405);
    assert.deepEqual(brief(read), ["DELETE", "true", marker.VersionId, undefined]);
    const hidden = await rejectsWith(s3.send(new GetObjectAclCommand({ Bucket, Key: "m" })), "NoSuchKey", 404);
    assert.deepEqual(brief(hidden), [undefined, "true", marker.VersionId, undefined]);
    // A read of the marker by its id gives its Last-Modified, as GetObject's reference says.
    const got = await rejectsWith(s3.send(new GetObjectCommand({ Bucket, Key: "m", VersionId: marker.VersionId })), "MethodNotAllowed", 405);
    assert.ok(headers(got)["last-modified"]);
  });

  it("deletes versions for good, and the bucket only once none is left", async () => {
    const Bucket = await bucket("Enabled");
    const a = await s3.send(new PutObjectCommand({ Bucket, Key: "a", Body: "1" }));
    const b = await s3.send(new PutObjectCommand({ Bucket, Key: "a", Body: "2" }));
    const removed = await s3.send(new DeleteObjectCommand({ Bucket, Key: "a", VersionId: b.VersionId }));
    assert.deepEqual([removed.DeleteMarker, removed.VersionId], [undefined, b.VersionId]);
    // The version below becomes current.
    assert.equal(await text(Bucket, "a"), "1");
    const marker = await s3.send(new DeleteObjectCommand({ Bucket, Key: "a" }));
    await rejectsWith(s3.send(new DeleteBucketCommand({ Bucket })), "BucketNotEmpty", 409);

    const batch = await s3.send(
      new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: "a", VersionId: a.VersionId }, { Key: "a", VersionId: marker.VersionId }, { Key: "b" }] } }),
    );
    assert.deepEqual(batch.Deleted, [
      { Key: "a", VersionId: a.VersionId },
      { Key: "a", VersionId: marker.VersionId, DeleteMarker: true, DeleteMarkerVersionId: marker.VersionId },
      { Key: "b", DeleteMarker: true, DeleteMarkerVersionId: batch.Deleted?.[2]?.DeleteMarkerVersionId },
    ]);
    assert.match(batch.Deleted?.[2]?.DeleteMarkerVersionId ?? "", VERSION_ID);
    await s3.send(new DeleteObjectCommand({ Bucket, Key: "b", VersionId: batch.Deleted?.[2]?.DeleteMarkerVersionId }));
    await s3.send(new DeleteBucketCommand({ Bucket }));
  });

  it("refuses an empty version id in S3's words, where it names a version and in a copy's source", async () => {
    const Bucket = await bucket("Enabled");
    await s3.send(new PutObjectCommand({ Bucket, Key: "e", Body: "data" }));
    // S3's answers, captured on GetObject, GetObjectAcl, PutObjectAcl, CopyObject and UploadPartCopy.
    const argument = (error: Error) => [(error as Error & { ArgumentName?: string }).ArgumentName, (error as Error & { ArgumentValue?: string }).ArgumentValue];
    for (const send of [
      () => s3.send(new GetObjectCommand({ Bucket, Key: "e", VersionId: "" })),
      () => s3.send(new DeleteObjectCommand({ Bucket, Key: "e", VersionId: "" })),
      () => s3.send(new GetObjectTaggingCommand({ Bucket, Key: "e", VersionId: "" })),
    ]) {
      const error = await rejectsWith(send(), "InvalidArgument", 400);
      assert.equal(error.message, "Version id cannot be the empty string");
      assert.deepEqual(argument(error), ["versionId", ""]);
    }
    const copy = await rejectsWith(s3.send(new CopyObjectCommand({ Bucket, Key: "c", CopySource: `${Bucket}/e?versionId=` })), "InvalidArgument", 400);
    assert.equal(copy.message, "Version id cannot be the empty string");
    assert.deepEqual(argument(copy), ["x-amz-copy-source", ""]);
    assert.equal(await text(Bucket, "e"), "data");
  });

  it("refuses a version id on a part's upload, whatever its value", async () => {
    const Bucket = await bucket("Enabled");
    const written = await s3.send(new PutObjectCommand({ Bucket, Key: "mp", Body: "v1" }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: "mp" }));
    // S3's answer, captured for an empty id, a malformed one and a real one alike.
    for (const versionId of ["", "abc", written.VersionId ?? ""]) {
      const response = await rawRequest(t.cloud.endpoint, { method: "PUT", path: `/${Bucket}/mp`, query: { partNumber: "1", uploadId: UploadId ?? "", versionId }, body: "part" });
      assert.equal(response.status, 400);
      assert.match(response.body, /<Code>InvalidArgument<\/Code><Message>This operation does not accept a version-id\.<\/Message><ArgumentName>versionId<\/ArgumentName>/);
      assert.ok(response.body.includes(`<ArgumentValue>${versionId}</ArgumentValue>`), response.body);
    }
    assert.equal((await s3.send(new ListPartsCommand({ Bucket, Key: "mp", UploadId }))).Parts, undefined);
  });

  it("while suspended, writes and deletes replace the null version", async () => {
    const Bucket = await bucket("Enabled");
    const kept = await s3.send(new PutObjectCommand({ Bucket, Key: "s", Body: "kept" }));
    await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: "Suspended" } }));
    // A suspended bucket's writes answer no version id, though they make the null version.
    assert.equal((await s3.send(new PutObjectCommand({ Bucket, Key: "s", Body: "null 1" }))).VersionId, undefined);
    await s3.send(new PutObjectCommand({ Bucket, Key: "s", Body: "null 2" }));
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket }));
    assert.deepEqual(versions.Versions?.map((v) => [v.VersionId, v.IsLatest]), [["null", true], [kept.VersionId, false]]);
    assert.equal(await text(Bucket, "s", "null"), "null 2");

    const marker = await s3.send(new DeleteObjectCommand({ Bucket, Key: "s" }));
    assert.deepEqual([marker.DeleteMarker, marker.VersionId], [true, "null"]);
    const after = await s3.send(new ListObjectVersionsCommand({ Bucket }));
    assert.deepEqual(after.Versions?.map((v) => v.VersionId), [kept.VersionId]);
    assert.deepEqual(after.DeleteMarkers?.map((m) => [m.VersionId, m.IsLatest]), [["null", true]]);
  });

  it("pages through versions with key and version-id markers", async () => {
    const Bucket = await bucket("Enabled");
    const written: [string, string][] = [];
    for (const key of ["p/1", "p/1", "p/2", "q", "q", "q"]) {
      const put = await s3.send(new PutObjectCommand({ Bucket, Key: key, Body: key }));
      written.push([key, put.VersionId ?? ""]);
    }
    // Keys in order, each key's newest first.
    const expected = [...written].sort((x, y) => (x[0] === y[0] ? written.indexOf(y) - written.indexOf(x) : x[0] < y[0] ? -1 : 1));
    const seen: [string, string][] = [];
    let KeyMarker: string | undefined;
    let VersionIdMarker: string | undefined;
    for (let page = 0; page < 10; page++) {
      const out = await s3.send(new ListObjectVersionsCommand({ Bucket, MaxKeys: 4, KeyMarker, VersionIdMarker }));
      seen.push(...(out.Versions ?? []).map((v): [string, string] => [v.Key ?? "", v.VersionId ?? ""]));
      if (!out.IsTruncated) break;
      KeyMarker = out.NextKeyMarker;
      VersionIdMarker = out.NextVersionIdMarker;
    }
    assert.deepEqual(seen, expected);

    const rolled = await s3.send(new ListObjectVersionsCommand({ Bucket, Delimiter: "/" }));
    assert.deepEqual(rolled.CommonPrefixes, [{ Prefix: "p/" }]);
    assert.deepEqual(rolled.Versions?.map((v) => v.Key), ["q", "q", "q"]);
    await rejectsWith(s3.send(new ListObjectVersionsCommand({ Bucket, KeyMarker: "q", VersionIdMarker: "bad" })), "InvalidArgument", 400);
  });

  it("copies, tags and completes uploads by version", async () => {
    const Bucket = await bucket("Enabled");
    const v1 = await s3.send(new PutObjectCommand({ Bucket, Key: "src", Body: "first" }));
    await s3.send(new PutObjectCommand({ Bucket, Key: "src", Body: "second" }));

    // A previous version copied onto its own key is restored as the current one.
    const restored = await s3.send(new CopyObjectCommand({ Bucket, Key: "src", CopySource: `${Bucket}/src?versionId=${v1.VersionId}` }));
    assert.equal(restored.CopySourceVersionId, v1.VersionId);
    assert.equal(await text(Bucket, "src"), "first");
    const copy = await s3.send(new CopyObjectCommand({ Bucket, Key: "dst", CopySource: `${Bucket}/src?versionId=${v1.VersionId}` }));
    assert.equal(copy.CopySourceVersionId, v1.VersionId);
    assert.match(copy.VersionId ?? "", VERSION_ID);
    assert.equal(await text(Bucket, "dst"), "first");

    const marker = await s3.send(new DeleteObjectCommand({ Bucket, Key: "src" }));
    await rejectsWith(s3.send(new CopyObjectCommand({ Bucket, Key: "x", CopySource: `${Bucket}/src` })), "NoSuchKey", 404);
    await rejectsWith(s3.send(new CopyObjectCommand({ Bucket, Key: "x", CopySource: `${Bucket}/src?versionId=${marker.VersionId}` })), "InvalidRequest", 400);

    const tagged = await s3.send(new PutObjectTaggingCommand({ Bucket, Key: "src", VersionId: v1.VersionId, Tagging: { TagSet: [{ Key: "v", Value: "1" }] } }));
    assert.equal(tagged.VersionId, v1.VersionId);
    const tags = await s3.send(new GetObjectTaggingCommand({ Bucket, Key: "src", VersionId: v1.VersionId }));
    assert.deepEqual([tags.VersionId, tags.TagSet], [v1.VersionId, [{ Key: "v", Value: "1" }]]);
    await rejectsWith(s3.send(new GetObjectTaggingCommand({ Bucket, Key: "src", VersionId: marker.VersionId })), "MethodNotAllowed", 405);

    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: "mp" }));
    const part = await s3.send(new UploadPartCommand({ Bucket, Key: "mp", UploadId, PartNumber: 1, Body: "only part" }));
    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key: "mp", UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
    assert.match(done.VersionId ?? "", VERSION_ID);
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket, Key: "mp" }))).VersionId, done.VersionId);
  });
});
