import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CreateBucketCommand, ListObjectsCommand, ListObjectsV2Command, ListObjectVersionsCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";
import { rawRequest } from "../support/raw.js";

const BUCKET = "listing-bucket";
const KEYS = ["a.txt", "b/1.txt", "b/2.txt", "b/c/3.txt", "d/4.txt", "e.txt", "é.txt", "z😀", "z\uffff"];

describe("S3 listing", () => {
  let t: TestCloud;
  let s3: S3Client;
  before(async () => {
    t = await startCloud();
    s3 = t.s3();
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    for (const Key of KEYS) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: Key }));
  });
  after(() => t.stop());

  it("lists every key in UTF-8 binary order", async () => {
    const out = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    const sorted = [...KEYS].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    assert.deepEqual(out.Contents?.map((c) => c.Key), sorted);
    assert.equal(out.KeyCount, KEYS.length);
    assert.equal(out.IsTruncated, false);
    assert.equal(out.Contents?.[0]?.StorageClass, "STANDARD");
    assert.equal(out.Contents?.[0]?.Owner, undefined);
  });

  it("rolls keys up into common prefixes", async () => {
    const out = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Delimiter: "/" }));
    assert.deepEqual(out.CommonPrefixes?.map((p) => p.Prefix), ["b/", "d/"]);
    // UTF-8 byte order: "z" (7A) before "é" (C3 A9); U+FFFF (EF BF BF) before an emoji (F0 …).
    assert.deepEqual(out.Contents?.map((c) => c.Key), ["a.txt", "e.txt", "z\uffff", "z😀", "é.txt"]);
    const nested = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "b/", Delimiter: "/" }));
    assert.deepEqual(nested.CommonPrefixes?.map((p) => p.Prefix), ["b/c/"]);
    assert.deepEqual(nested.Contents?.map((c) => c.Key), ["b/1.txt", "b/2.txt"]);
  });

  it("pages with continuation tokens, counting common prefixes", async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const out = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Delimiter: "/", MaxKeys: 2, ContinuationToken: token }));
      seen.push(...(out.CommonPrefixes ?? []).map((p) => p.Prefix ?? ""), ...(out.Contents ?? []).map((c) => c.Key ?? ""));
      assert.ok((out.KeyCount ?? 0) <= 2);
      token = out.NextContinuationToken;
      pages++;
    } while (token);
    assert.equal(pages, 4);
    assert.deepEqual(seen.sort(), ["a.txt", "b/", "d/", "e.txt", "é.txt", "z\uffff", "z😀"].sort());
  });

  it("starts after a key", async () => {
    const out = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, StartAfter: "b/2.txt" }));
    assert.equal(out.Contents?.[0]?.Key, "b/c/3.txt");
    assert.equal(out.StartAfter, "b/2.txt");
  });

  it("fetches owners on request", async () => {
    const out = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, FetchOwner: true, MaxKeys: 1 }));
    assert.match(out.Contents?.[0]?.Owner?.ID ?? "", /^[0-9a-f]{64}$/);
    assert.equal(out.IsTruncated, true);
  });

  it("url-encodes keys when asked", async () => {
    const out = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "é", EncodingType: "url" }));
    assert.equal(out.EncodingType, "url");
    assert.deepEqual(out.Contents?.map((c) => c.Key), ["%C3%A9.txt"]);
  });

  it("pages ListObjects (v1) with markers", async () => {
    const first = await s3.send(new ListObjectsCommand({ Bucket: BUCKET, MaxKeys: 3 }));
    assert.equal(first.IsTruncated, true);
    assert.equal(first.NextMarker, undefined);
    assert.match(first.Contents?.[0]?.Owner?.ID ?? "", /^[0-9a-f]{64}$/);
    const last = first.Contents?.[2]?.Key;
    const second = await s3.send(new ListObjectsCommand({ Bucket: BUCKET, Marker: last }));
    assert.equal(second.Contents?.length, KEYS.length - 3);
    const delimited = await s3.send(new ListObjectsCommand({ Bucket: BUCKET, Delimiter: "/", MaxKeys: 2 }));
    assert.equal(delimited.NextMarker, "b/");
    const next = await s3.send(new ListObjectsCommand({ Bucket: BUCKET, Delimiter: "/", Marker: delimited.NextMarker }));
    assert.deepEqual(next.CommonPrefixes?.map((p) => p.Prefix), ["d/"]);
  });

  it("answers max-keys=0 with an empty page and refuses bad tokens", async () => {
    const out = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, MaxKeys: 0 }));
    assert.equal(out.KeyCount, 0);
    assert.equal(out.IsTruncated, false);
    await rejectsWith(s3.send(new ListObjectsV2Command({ Bucket: BUCKET, ContinuationToken: "garbage" })), "InvalidArgument", 400);
    await rejectsWith(s3.send(new ListObjectsV2Command({ Bucket: "no-such-listing" })), "NoSuchBucket", 404);
  });

  it("lists every object of a never-versioned bucket as its one version, null, the latest, paging by key marker", async () => {
    const sorted = [...KEYS].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    const seen: string[] = [];
    let KeyMarker: string | undefined;
    let VersionIdMarker: string | undefined;
    for (let page = 0; page < KEYS.length; page++) {
      const out = await s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET, MaxKeys: 4, KeyMarker, VersionIdMarker }));
      for (const v of out.Versions ?? []) {
        assert.deepEqual([v.VersionId, v.IsLatest, v.StorageClass], ["null", true, "STANDARD"]);
        seen.push(v.Key!);
      }
      assert.equal(out.DeleteMarkers, undefined);
      if (!out.IsTruncated) break;
      assert.equal(out.NextVersionIdMarker, "null");
      KeyMarker = out.NextKeyMarker;
      VersionIdMarker = out.NextVersionIdMarker;
    }
    assert.deepEqual(seen, sorted);
    const rolled = await s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Delimiter: "/", Prefix: "b/" }));
    assert.deepEqual(rolled.Versions?.map((v) => v.Key), ["b/1.txt", "b/2.txt"]);
    assert.deepEqual(rolled.CommonPrefixes, [{ Prefix: "b/c/" }]);
    const raw = await rawRequest(t.cloud.endpoint, { method: "GET", path: `/${BUCKET}`, query: { versions: "", "max-keys": "1" } });
    assert.match(raw.body, /^<\?xml[^>]*>\s*<ListVersionsResult[ >]/);
    const lone = await rejectsWith(s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET, VersionIdMarker: "null" })), "InvalidArgument", 400);
    assert.equal(lone.message, "A version-id marker cannot be specified without a key marker.");
    await rejectsWith(s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET, KeyMarker: "a.txt", VersionIdMarker: "3sL4kqtJlcpXroDTDmJ-rmSpXd3dIbrHY" })), "InvalidArgument", 400);
  });
});
