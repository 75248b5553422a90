import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, it } from "node:test";
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketTaggingCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";
import { rawRequest } from "../support/raw.js";

const BUCKET = "objects-bucket";

describe("S3 objects", () => {
  let t: TestCloud;
  let s3: S3Client;
  before(async () => {
    t = await startCloud();
    s3 = t.s3();
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  });
  after(() => t.stop());

  it("puts and gets an object with its headers and metadata", async () => {
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: "docs/hello.txt",
        Body: "hello world",
        ContentType: "text/plain",
        ContentDisposition: "attachment",
        ContentLanguage: "en",
        CacheControl: "max-age=60",
        Metadata: { color: "blue", "Mixed-Case": "Value" },
      }),
    );
    assert.equal(put.ETag, `"${createHash("md5").update("hello world").digest("hex")}"`);
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "docs/hello.txt" }));
    assert.equal(await got.Body?.transformToString(), "hello world");
    assert.equal(got.ContentType, "text/plain");
    assert.equal(got.ContentLength, 11);
    assert.equal(got.ContentDisposition, "attachment");
    assert.equal(got.ContentLanguage, "en");
    assert.equal(got.CacheControl, "max-age=60");
    assert.equal(got.ETag, put.ETag);
    assert.deepEqual(got.Metadata, { color: "blue", "mixed-case": "Value" });
    assert.ok(got.LastModified instanceof Date);
    assert.equal(got.AcceptRanges, "bytes");
  });

  it("answers NoSuchKey and NoSuchBucket", async () => {
    const e = await rejectsWith(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "missing" })), "NoSuchKey", 404);
    assert.equal(e.message, "The specified key does not exist.");
    await rejectsWith(s3.send(new GetObjectCommand({ Bucket: "no-such-bucket-x", Key: "k" })), "NoSuchBucket", 404);
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "missing" })), "NotFound", 404);
    await rejectsWith(s3.send(new PutObjectCommand({ Bucket: "no-such-bucket-x", Key: "k", Body: "x" })), "NoSuchBucket", 404);
  });

  it("stores unusual keys exactly", async () => {
    const keys = ["../x", "a b c", "ünïcødé/日本語", "trailing/", "100%", "a+b", "emoji 😀", "x//y", "?query#hash", "tab\there", "&amp;<>\"'"];
    for (const key of keys) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `odd/${key}`, Body: key }));
    for (const key of keys) {
      const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `odd/${key}` }));
      assert.equal(await got.Body?.transformToString(), key);
    }
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "odd/" }));
    const expected = keys.map((k) => `odd/${k}`).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    assert.deepEqual(listed.Contents?.map((c) => c.Key), expected);
  });

  it("accepts a 1024-byte key and refuses a longer one", async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "k".repeat(1024), Body: "x" }));
    await rejectsWith(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "k".repeat(1025), Body: "x" })), "KeyTooLongError", 400);
    // Control characters are stored escaped, two bytes each: a key of hundreds of them is kept and read back;
    // one the store cannot hold escaped is refused as too long, never a 500.
    const controls = `c/${"\u0001".repeat(600)}`;
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: controls, Body: "y" }));
    assert.equal(await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: controls }))).Body?.transformToString(), "y");
    // Listed as S3 lists them, each a reference (`&#x1;`), which the SDK reads back as the character.
    const listed = await rawRequest(t.cloud.endpoint, { method: "GET", path: `/${BUCKET}`, query: { "list-type": "2", prefix: "c/" } });
    assert.match(listed.body, new RegExp(`<Key>c/(&#x1;){600}</Key>`));
    assert.deepEqual((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "c/" }))).Contents?.map((o) => o.Key), [controls]);
    await rejectsWith(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "\u0001".repeat(1000), Body: "x" })), "KeyTooLongError", 400);
  });

  it("serves single ranges with 206 and refuses unsatisfiable ones with 416", async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "range", Body: "0123456789" }));
    const mid = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "range", Range: "bytes=2-5" }));
    assert.equal(mid.$metadata.httpStatusCode, 206);
    assert.equal(mid.ContentRange, "bytes 2-5/10");
    assert.equal(await mid.Body?.transformToString(), "2345");
    const tail = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "range", Range: "bytes=-3" }));
    assert.equal(await tail.Body?.transformToString(), "789");
    const open = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "range", Range: "bytes=7-" }));
    assert.equal(await open.Body?.transformToString(), "789");
    const beyond = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "range", Range: "bytes=5-100" }));
    assert.equal(await beyond.Body?.transformToString(), "56789");
    await rejectsWith(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "range", Range: "bytes=10-20" })), "InvalidRange", 416);
  });

  it("evaluates conditional GETs", async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "cond", Body: "c" }));
    const etag = put.ETag ?? "";
    const ok = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "cond", IfMatch: etag }));
    assert.equal(ok.$metadata.httpStatusCode, 200);
    await rejectsWith(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "cond", IfMatch: '"nope"' })), "PreconditionFailed", 412);
    await rejectsWith(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "cond", IfNoneMatch: etag })), "Unknown", 304);
    const future = new Date(Date.now() + 3600_000);
    const past = new Date(Date.now() - 3600_000);
    const { LastModified } = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "cond" }));
    await rejectsWith(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "cond", IfModifiedSince: LastModified })), "Unknown", 304);
    const modified = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "cond", IfModifiedSince: past }));
    assert.equal(modified.$metadata.httpStatusCode, 200);
    // A date still to come is no valid condition: S3 ignores it.
    const ignored = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "cond", IfModifiedSince: future }));
    assert.equal(ignored.$metadata.httpStatusCode, 200);
    await rejectsWith(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "cond", IfUnmodifiedSince: past })), "PreconditionFailed", 412);
    // If-Match holding wins over a failing If-Unmodified-Since.
    const both = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "cond", IfMatch: etag, IfUnmodifiedSince: past }));
    assert.equal(both.$metadata.httpStatusCode, 200);
  });

  it("ignores a date precondition that is no date, as HTTP has it", async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "cond-garbage", Body: "g" }));
    for (const header of ["if-modified-since", "if-unmodified-since"]) {
      for (const method of ["GET", "HEAD"]) {
        const answer = await rawRequest(t.cloud.endpoint, { method, path: `/${BUCKET}/cond-garbage`, headers: { [header]: "garbage" } });
        assert.equal(answer.status, 200, `${method} with ${header}: ${answer.body}`);
      }
    }
    for (const header of ["x-amz-copy-source-if-modified-since", "x-amz-copy-source-if-unmodified-since"]) {
      const copied = await rawRequest(t.cloud.endpoint, {
        method: "PUT",
        path: `/${BUCKET}/cond-garbage-copy`,
        headers: { "x-amz-copy-source": `/${BUCKET}/cond-garbage`, [header]: "not a date" },
      });
      assert.equal(copied.status, 200, `copy with ${header}: ${copied.body}`);
    }
  });

  it("applies response-* overrides", async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "override", Body: "o", ContentType: "text/plain" }));
    const got = await s3.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: "override", ResponseContentType: "application/json", ResponseContentDisposition: "inline", ResponseCacheControl: "no-cache" }),
    );
    assert.equal(got.ContentType, "application/json");
    assert.equal(got.ContentDisposition, "inline");
    assert.equal(got.CacheControl, "no-cache");
    // A non-ASCII override goes out as its UTF-8 bytes, which the SDK reads back as sent.
    const disposition = 'attachment; filename="é.txt"';
    for (const Command of [GetObjectCommand, HeadObjectCommand]) {
      const named = await s3.send(new Command({ Bucket: BUCKET, Key: "override", ResponseContentDisposition: disposition }));
      assert.equal(named.ContentDisposition, disposition);
    }
  });

  it("verifies Content-MD5", async () => {
    const good = createHash("md5").update("payload").digest("base64");
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "md5", Body: "payload", ContentMD5: good }));
    const bad = createHash("md5").update("other").digest("base64");
    await rejectsWith(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "md5-bad", Body: "payload", ContentMD5: bad })), "BadDigest", 400);
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "md5-bad" })), "NotFound", 404);
  });

  it("refuses a checksum of an algorithm it does not compute, naming its header, rather than drop it unchecked", async () => {
    for (const header of ["x-amz-checksum-md5", "x-amz-checksum-sha512", "x-amz-checksum-xxhash64", "x-amz-checksum-xxhash3", "x-amz-checksum-xxhash128"]) {
      const answer = await rawRequest(t.cloud.endpoint, { method: "PUT", path: `/${BUCKET}/new-checksum`, headers: { [header]: "AAAAAAAAAAA=" }, body: "x" });
      assert.equal(answer.status, 501, header);
      assert.match(answer.body, /<Code>NotImplemented<\/Code><Message>A header you provided implies functionality that is not implemented<\/Message><Header>([^<]+)<\/Header>/);
      assert.equal(/<Header>([^<]+)<\/Header>/.exec(answer.body)?.[1], header);
    }
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "new-checksum" })), "NotFound", 404);
  });

  it("verifies, stores and returns flexible checksums", async () => {
    for (const algorithm of ["CRC32", "CRC32C", "SHA1", "SHA256"] as const) {
      const key = `sum-${algorithm}`;
      const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: "checksummed body", ChecksumAlgorithm: algorithm }));
      const field = `Checksum${algorithm}` as const;
      assert.ok(put[field], `${algorithm} returned on PUT`);
      const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key, ChecksumMode: "ENABLED" }));
      assert.equal(head[field], put[field]);
      const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key, ChecksumMode: "ENABLED" }));
      assert.equal(await got.Body?.transformToString(), "checksummed body");
    }
    const sha = createHash("sha256").update("wrong").digest("base64");
    await rejectsWith(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "sum-bad", Body: "checksummed body", ChecksumSHA256: sha })), "BadDigest", 400);
  });

  it("deletes one object idempotently", async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "del", Body: "d" }));
    const first = await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: "del" }));
    assert.equal(first.$metadata.httpStatusCode, 204);
    const again = await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: "del" }));
    assert.equal(again.$metadata.httpStatusCode, 204);
    await rejectsWith(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "del" })), "NoSuchKey", 404);
  });

  it("deletes an object only while it matches the If-Match it is given", async () => {
    const { ETag } = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "cond-del", Body: "one" }));
    const refused = await rejectsWith(s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: "cond-del", IfMatch: '"00000000000000000000000000000000"' })), "PreconditionFailed", 412);
    assert.equal((refused as Error & { Condition?: string }).Condition, "If-Match");
    assert.equal(await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "cond-del" }))).Body?.transformToString(), "one");
    assert.equal((await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: "cond-del", IfMatch: ETag }))).$metadata.httpStatusCode, 204);
    await rejectsWith(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "cond-del" })), "NoSuchKey", 404);
    // `*` asks that it exist.
    await rejectsWith(s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: "cond-del", IfMatch: "*" })), "NoSuchKey", 404);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "cond-del", Body: "two" }));
    assert.equal((await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: "cond-del", IfMatch: "*" }))).$metadata.httpStatusCode, 204);
  });

  it("deletes the current version named by id under an If-Match of its own ETag, bringing back the one before", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "cond-versions" }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: "cond-versions", VersioningConfiguration: { Status: "Enabled" } }));
    const v1 = await s3.send(new PutObjectCommand({ Bucket: "cond-versions", Key: "k", Body: "1" }));
    const v2 = await s3.send(new PutObjectCommand({ Bucket: "cond-versions", Key: "k", Body: "2" }));
    const out = await s3.send(new DeleteObjectCommand({ Bucket: "cond-versions", Key: "k", VersionId: v2.VersionId, IfMatch: v2.ETag }));
    assert.equal(out.$metadata.httpStatusCode, 204);
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: "cond-versions" }));
    assert.deepEqual(versions.Versions?.map((v) => v.VersionId), [v1.VersionId]);
  });

  it("deletes each of many objects only while it matches the ETag named with it", async () => {
    const kept = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "etag-kept", Body: "kept" }));
    const gone = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "etag-gone", Body: "gone" }));
    const out = await s3.send(
      new DeleteObjectsCommand({
        Bucket: BUCKET,
        Delete: { Objects: [{ Key: "etag-gone", ETag: gone.ETag }, { Key: "etag-kept", ETag: '"0123456789abcdef0123456789abcdef"' }, { Key: "etag-never", ETag: kept.ETag }] },
      }),
    );
    assert.deepEqual(out.Deleted?.map((d) => d.Key), ["etag-gone"]);
    assert.deepEqual(
      out.Errors?.map((e) => [e.Key, e.Code]),
      [["etag-kept", "PreconditionFailed"], ["etag-never", "NoSuchKey"]],
    );
    assert.equal(await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "etag-kept" }))).Body?.transformToString(), "kept");
    await rejectsWith(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "etag-gone" })), "NoSuchKey", 404);
  });

  it("deletes many objects, verbose and quiet", async () => {
    for (const k of ["m1", "m2", "m3"]) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: k, Body: k }));
    const verbose = await s3.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: "m1" }, { Key: "m2" }, { Key: "never" }] } }));
    assert.deepEqual(verbose.Deleted?.map((d) => d.Key).sort(), ["m1", "m2", "never"]);
    const quiet = await s3.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: "m3" }], Quiet: true } }));
    assert.equal(quiet.Deleted, undefined);
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "m3" })), "NotFound", 404);
  });

  it("answers every read after a write with what the write left (hot objects are cached)", async () => {
    const read = async () => {
      const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "hot" }));
      return { body: await got.Body?.transformToString(), tags: got.TagCount, type: got.ContentType };
    };
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "hot", Body: "first", ContentType: "text/plain" }));
    assert.deepEqual(await read(), { body: "first", tags: undefined, type: "text/plain" });
    // The SDK sends its own default type for a string body.
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "hot", Body: "second, larger than the first" }));
    assert.deepEqual(await read(), { body: "second, larger than the first", tags: undefined, type: "application/octet-stream" });
    await s3.send(new PutObjectTaggingCommand({ Bucket: BUCKET, Key: "hot", Tagging: { TagSet: [{ Key: "k", Value: "v" }] } }));
    assert.equal((await read()).tags, 1);
    await s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: "hot", CopySource: `${BUCKET}/docs/hello.txt` }));
    assert.equal((await read()).body, "hello world");
    await s3.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: "hot" }] } }));
    await rejectsWith(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "hot" })), "NoSuchKey", 404);
  });

  it("honours conditional writes", async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "once", Body: "1", IfNoneMatch: "*" }));
    await rejectsWith(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "once", Body: "2", IfNoneMatch: "*" })), "PreconditionFailed", 412);
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "once" }));
    assert.equal(await got.Body?.transformToString(), "1");
  });

  it("keeps a Content-Encoding as sent, less its aws-chunked token", async () => {
    for (const [sent, kept] of [
      ["gzip", "gzip"],
      ["deflate, gzip", "deflate, gzip"],
      ["gzip, aws-chunked", "gzip"],
      ["aws-chunked, gzip", "gzip"],
      ["deflate, aws-chunked, gzip", "deflate, gzip"],
      ["aws-chunked", undefined],
    ] as const) {
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "encoded", Body: "x", ContentEncoding: sent }));
      const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "encoded" }));
      assert.equal(head.ContentEncoding, kept, sent);
    }
  });

  it("refuses a GET or HEAD that names SSE-S3 or SSE-KMS, as S3 does", async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "sse-read", Body: "A".repeat(100), ServerSideEncryption: "AES256" }));
    for (const method of ["aws:kms", "AES256"]) {
      const headers = { "x-amz-server-side-encryption": method, "x-amz-server-side-encryption-aws-kms-key-id": "testkey-1" };
      const get = await rawRequest(t.cloud.endpoint, { method: "GET", path: `/${BUCKET}/sse-read`, headers });
      assert.equal(get.status, 400);
      assert.match(
        get.body,
        new RegExp(
          `<Code>InvalidArgument</Code><Message>x-amz-server-side-encryption header is not supported for this operation.</Message><ArgumentName>x-amz-server-side-encryption</ArgumentName><ArgumentValue>${method}</ArgumentValue>`,
        ),
      );
      const head = await rawRequest(t.cloud.endpoint, { method: "HEAD", path: `/${BUCKET}/sse-read`, headers: { "x-amz-server-side-encryption": method } });
      assert.equal(head.status, 400);
    }
    const plain = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "sse-read" }));
    assert.equal(plain.ServerSideEncryption, "AES256");
  });

  it("refuses a write naming a KMS key without KMS encryption", async () => {
    // LocalStack's AWS-validated test_s3_sse_validate_kms_key; ceph s3-tests' test_put_obj_enc_conflict_s3_kms.
    for (const method of [undefined, "AES256" as const]) {
      const refused = await rejectsWith(
        s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "kms-keyed", Body: "x", ServerSideEncryption: method, SSEKMSKeyId: "testkey-1" })),
        "InvalidArgument",
        400,
      );
      assert.equal(refused.message, "Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms");
    }
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "kms-keyed" })), "NotFound", 404);
  });

  it("refuses a request whose expected bucket owner, or copy source owner, is another account", async () => {
    const owner = "000000000000";
    const other = "999988887777";
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "owned", Body: "mine" }));
    const listed = await s3.send(new ListObjectsCommand({ Bucket: BUCKET, Prefix: "owned", ExpectedBucketOwner: owner }));
    assert.deepEqual(listed.Contents?.map((o) => o.Key), ["owned"]);
    const denied = [
      () => s3.send(new ListObjectsCommand({ Bucket: BUCKET, ExpectedBucketOwner: other })),
      () => s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "owned", ExpectedBucketOwner: other })),
      () => s3.send(new GetBucketTaggingCommand({ Bucket: BUCKET, ExpectedBucketOwner: other })),
      () => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "refused-owner", Body: "x", ExpectedBucketOwner: other })),
      () => s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: "refused-copy", CopySource: `${BUCKET}/owned`, ExpectedSourceBucketOwner: other })),
      () => s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: "refused-copy", CopySource: `${BUCKET}/owned`, ExpectedBucketOwner: other, ExpectedSourceBucketOwner: owner })),
    ];
    for (const call of denied) {
      const e = await rejectsWith(call(), "AccessDenied", 403);
      assert.equal(e.message, "Access Denied");
    }
    for (const key of ["refused-owner", "refused-copy"]) await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key })), "NotFound", 404);
    await s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: "copied-owner", CopySource: `${BUCKET}/owned`, ExpectedBucketOwner: owner, ExpectedSourceBucketOwner: owner }));
    // A bucket that does not exist is still NoSuchBucket.
    await rejectsWith(s3.send(new ListObjectsCommand({ Bucket: "no-such-owned-bucket", ExpectedBucketOwner: other })), "NoSuchBucket", 404);
  });

  it("round-trips a 20 MiB body", async () => {
    const body = Buffer.alloc(20 * 1024 * 1024, 7);
    body.write("start", 0);
    body.write("end", body.length - 3);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "big", Body: body }));
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "big" }));
    const bytes = Buffer.from((await got.Body?.transformToByteArray()) ?? []);
    assert.equal(bytes.length, body.length);
    assert.ok(bytes.equals(body));
  });
});
