import assert from "node:assert/strict";
import { crc32 } from "node:zlib";
import { createHash } from "node:crypto";
import { after, before, describe, it } from "node:test";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from "@aws-sdk/client-s3";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";
import { rawRequest } from "../support/raw.js";

const BUCKET = "multipart-bucket";
const MiB = 1024 * 1024;

describe("S3 multipart uploads", () => {
  let t: TestCloud;
  let s3: S3Client;
  before(async () => {
    t = await startCloud();
    s3 = t.s3();
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  });
  after(() => t.stop());

  const create = async (Key: string) => {
    const out = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key, ContentType: "application/x-test", Metadata: { m: "1" } }));
    assert.ok(out.UploadId);
    return out.UploadId;
  };

  it("uploads, lists and completes parts with S3's ETag", async () => {
    const UploadId = await create("assembled");
    const part1 = Buffer.alloc(5 * MiB, "a");
    const part2 = Buffer.from("tail");
    const p1 = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: "assembled", UploadId, PartNumber: 1, Body: part1 }));
    const p2 = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: "assembled", UploadId, PartNumber: 2, Body: part2 }));
    const parts = await s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: "assembled", UploadId }));
    assert.deepEqual(parts.Parts?.map((p) => [p.PartNumber, p.Size, p.ETag]), [[1, part1.length, p1.ETag], [2, 4, p2.ETag]]);
    const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }));
    assert.ok(uploads.Uploads?.some((u) => u.UploadId === UploadId && u.Key === "assembled"));

    const done = await s3.send(
      new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: "assembled", UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag }, { PartNumber: 2, ETag: p2.ETag }] } }),
    );
    const md5s = Buffer.concat([createHash("md5").update(part1).digest(), createHash("md5").update(part2).digest()]);
    assert.equal(done.ETag, `"${createHash("md5").update(md5s).digest("hex")}-2"`);
    // The object's URL, as AWS gives its virtual-host address.
    assert.equal(done.Location, `http://${BUCKET}.s3.localhost:${new URL(t.cloud.endpoint).port}/assembled`);
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "assembled" }));
    assert.equal(got.ContentLength, part1.length + 4);
    assert.equal(got.ContentType, "application/x-test");
    assert.deepEqual(got.Metadata, { m: "1" });
    const bytes = Buffer.from((await got.Body?.transformToByteArray()) ?? []);
    assert.ok(bytes.equals(Buffer.concat([part1, part2])));
    await rejectsWith(s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: "assembled", UploadId })), "NoSuchUpload", 404);
  });

  it("refuses small parts, wrong order and unknown parts", async () => {
    const UploadId = await create("refused");
    const a = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: "refused", UploadId, PartNumber: 1, Body: "small" }));
    const b = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: "refused", UploadId, PartNumber: 2, Body: "small" }));
    const complete = (Parts: { PartNumber: number; ETag?: string }[]) =>
      s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: "refused", UploadId, MultipartUpload: { Parts } }));
    await rejectsWith(complete([{ PartNumber: 1, ETag: a.ETag }, { PartNumber: 2, ETag: b.ETag }]), "EntityTooSmall", 400);
    await rejectsWith(complete([{ PartNumber: 2, ETag: b.ETag }, { PartNumber: 1, ETag: a.ETag }]), "InvalidPartOrder", 400);
    await rejectsWith(complete([{ PartNumber: 3, ETag: a.ETag }]), "InvalidPart", 400);
    await rejectsWith(complete([{ PartNumber: 1, ETag: '"0000"' }]), "InvalidPart", 400);
    await rejectsWith(s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: "refused", UploadId, PartNumber: 10001, Body: "x" })), "InvalidArgument", 400);
  });

  it("refuses a part list without a part as malformed, and a part number below 1 before looking for the part", async () => {
    const UploadId = await create("listless");
    const complete = (body: string) => rawRequest(t.cloud.endpoint, { method: "POST", path: `/${BUCKET}/listless`, query: { uploadId: UploadId }, body });
    // No document at all is still InvalidRequest (LocalStack's AWS-validated snapshot).
    assert.match((await complete("")).body, /<Code>InvalidRequest<\/Code><Message>You must specify at least one part<\/Message>/);
    // A document without a Part breaks S3's schema (apache/arrow-rs#5404, captured from S3; versity/versitygw#1328).
    await rejectsWith(s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: "listless", UploadId, MultipartUpload: { Parts: [] } })), "MalformedXML", 400);
    const empty = await complete('<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></CompleteMultipartUpload>');
    assert.equal(empty.status, 400);
    assert.match(empty.body, /<Code>MalformedXML<\/Code>/);
    // versity/versitygw#1072: S3's words for a part number below 1, though no such part was ever uploaded.
    for (const PartNumber of [0, -1]) {
      const refused = await rejectsWith(
        s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: "listless", UploadId, MultipartUpload: { Parts: [{ PartNumber, ETag: '"e868e0f4719e394144ef36531ee6824c"' }] } })),
        "InvalidArgument",
        400,
      );
      assert.equal(refused.message, "PartNumber must be >= 1", String(PartNumber));
    }
  });

  it("aborts an upload", async () => {
    const UploadId = await create("aborted");
    await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: "aborted", UploadId, PartNumber: 1, Body: "x" }));
    const out = await s3.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: "aborted", UploadId }));
    assert.equal(out.$metadata.httpStatusCode, 204);
    await rejectsWith(s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: "aborted", UploadId, PartNumber: 2, Body: "x" })), "NoSuchUpload", 404);
    await rejectsWith(s3.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: "aborted", UploadId: "nope" })), "NoSuchUpload", 404);
  });

  it("answers 204 to an abort repeated, though the aborted upload is gone for everything else", async () => {
    // openstack/swift test/s3api/test_mpu.py test_create_upload_abort_abort and _abort_complete, run against AWS.
    const UploadId = await create("aborted-twice");
    const part = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: "aborted-twice", UploadId, PartNumber: 1, Body: "x" }));
    for (let attempt = 0; attempt < 2; attempt++) {
      const out = await s3.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: "aborted-twice", UploadId }));
      assert.equal(out.$metadata.httpStatusCode, 204);
    }
    await rejectsWith(s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: "aborted-twice", UploadId })), "NoSuchUpload", 404);
    const complete = new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: "aborted-twice", UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } });
    await rejectsWith(s3.send(complete), "NoSuchUpload", 404);
    // The id names that upload of that key only.
    await rejectsWith(s3.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: "other-key", UploadId })), "NoSuchUpload", 404);
  });

  it("answers 204 to an abort of an upload already completed, and keeps its object", async () => {
    const UploadId = await create("finished");
    const part = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: "finished", UploadId, PartNumber: 1, Body: "only part" }));
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: "finished", UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
    for (let attempt = 0; attempt < 2; attempt++) {
      const out = await s3.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: "finished", UploadId }));
      assert.equal(out.$metadata.httpStatusCode, 204);
    }
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "finished" }));
    assert.equal(await got.Body?.transformToString(), "only part");
    // The id names that upload of that key only.
    await rejectsWith(s3.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: "other-key", UploadId })), "NoSuchUpload", 404);
  });

  it("lets an Abort or a part sent again race a Complete: one wins, the other answers as after it, never a 500", async () => {
    const outcome = (p: Promise<{ $metadata: { httpStatusCode?: number } }>) =>
      p.then(
        (out) => String(out.$metadata.httpStatusCode),
        (error: Error & { $metadata?: { httpStatusCode?: number } }) => `${error.name} ${error.$metadata?.httpStatusCode}`,
      );
    const body = Buffer.alloc(5 * MiB, 7);
    const tail = Buffer.alloc(1000, 8);
    for (const rival of ["abort", "part"] as const) {
      for (const delayMs of [50, 70, 90, 110]) {
        const Key = `race-${rival}-${delayMs}`;
        const UploadId = await create(Key);
        const parts = [];
        for (const PartNumber of [1, 2, 3, 4, 5]) {
          parts.push({ PartNumber, ETag: (await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key, UploadId, PartNumber, Body: PartNumber === 5 ? tail : body }))).ETag });
        }
        // The Complete joins the parts in order: the rival lands while it is still reading the first ones.
        const complete = outcome(s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key, UploadId, MultipartUpload: { Parts: parts } })));
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        const other = await outcome(
          rival === "abort"
            ? s3.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key, UploadId }))
            : s3.send(new UploadPartCommand({ Bucket: BUCKET, Key, UploadId, PartNumber: 5, Body: tail.subarray(0, 999) })),
        );
        const completed = await complete;
        const where = `${rival} after ${delayMs} ms`;
        if (completed === "200") {
          // After a Complete an abort changes nothing (204), and a part has no upload to join.
          assert.equal(other, rival === "abort" ? "204" : "NoSuchUpload 404", where);
          const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key }));
          assert.equal(head.ContentLength, 4 * 5 * MiB + 1000, where);
        } else {
          // The rival went first: the upload is gone, or part 5 is another part now.
          assert.equal(completed, rival === "abort" ? "NoSuchUpload 404" : "InvalidPart 400", where);
          assert.equal(other, rival === "abort" ? "204" : "200", where);
        }
      }
    }
  });

  it("answers the checksum a part was sent with when its upload names no algorithm", async () => {
    const UploadId = await create("unnamed-algorithm");
    const body = "part body";
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.from(body)));
    // The SDK sends a CRC32 of every part by default.
    const part = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: "unnamed-algorithm", UploadId, PartNumber: 1, Body: body }));
    assert.equal(part.ChecksumCRC32, crc.toString("base64"));
    const parts = await s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: "unnamed-algorithm", UploadId }));
    assert.equal(parts.Parts?.[0]?.ChecksumCRC32, undefined);
  });

  it("copies a byte range of an object into a part", async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "source", Body: "0123456789" }));
    const UploadId = await create("copied");
    const copy = await s3.send(
      new UploadPartCopyCommand({ Bucket: BUCKET, Key: "copied", UploadId, PartNumber: 1, CopySource: `${BUCKET}/source`, CopySourceRange: "bytes=2-5" }),
    );
    assert.equal(copy.CopyPartResult?.ETag, `"${createHash("md5").update("2345").digest("hex")}"`);
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: "copied", UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: copy.CopyPartResult?.ETag }] } }));
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "copied" }));
    assert.equal(await got.Body?.transformToString(), "2345");
    await rejectsWith(
      s3.send(new UploadPartCopyCommand({ Bucket: BUCKET, Key: "copied", UploadId: await create("copied"), PartNumber: 1, CopySource: `${BUCKET}/source`, CopySourceRange: "bytes=5-50" })),
      "InvalidArgument",
      400,
    );
  });

  it("compares a COMPOSITE checksum named on Complete, well formed or not, and completes nothing on a mismatch", async () => {
    const body = Buffer.alloc(1024, "A");
    const partSum = createHash("sha256").update(body).digest("base64");
    const composite = createHash("sha256").update(Buffer.from(partSum, "base64")).digest("base64");
    const upload = async (Key: string) => {
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key, ChecksumAlgorithm: "SHA256" }));
      const part = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key, UploadId, PartNumber: 1, Body: body, ChecksumSHA256: partSum }));
      const Parts = [{ PartNumber: 1, ETag: part.ETag, ChecksumSHA256: partSum }];
      return (ChecksumSHA256: string) => s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key, UploadId, ChecksumSHA256, MultipartUpload: { Parts } }));
    };
    const complete = await upload("composite");
    for (const wrong of [`${partSum}-1`, partSum, `${composite}-2`, "bad"]) {
      const e = await rejectsWith(complete(wrong), "BadDigest", 400);
      assert.equal(e.message, "The sha256 you specified did not match the calculated checksum.", wrong);
    }
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "composite" })), "NotFound", 404);
    const done = await complete(`${composite}-1`);
    assert.deepEqual([done.ChecksumSHA256, done.ChecksumType], [`${composite}-1`, "COMPOSITE"]);
    // The digest alone names the same object.
    const bare = await (await upload("composite-bare"))(composite);
    assert.equal(bare.ChecksumSHA256, `${composite}-1`);
  });

  it("refuses x-amz-server-side-encryption on a part or a Complete: an upload's encryption is chosen when it is created", async () => {
    const UploadId = await create("sse-parts");
    const part = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: "sse-parts", UploadId, PartNumber: 1, Body: "x" }));
    const headers = { "x-amz-server-side-encryption": "AES256" };
    const refusal =
      /<Code>InvalidArgument<\/Code><Message>x-amz-server-side-encryption header is not supported for this operation.<\/Message><ArgumentName>x-amz-server-side-encryption<\/ArgumentName><ArgumentValue>AES256<\/ArgumentValue>/;
    const put = await rawRequest(t.cloud.endpoint, { method: "PUT", path: `/${BUCKET}/sse-parts`, query: { partNumber: "2", uploadId: UploadId }, headers, body: "y" });
    assert.equal(put.status, 400);
    assert.match(put.body, refusal);
    const document = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${part.ETag}</ETag></Part></CompleteMultipartUpload>`;
    const complete = await rawRequest(t.cloud.endpoint, { method: "POST", path: `/${BUCKET}/sse-parts`, query: { uploadId: UploadId }, headers, body: document });
    assert.equal(complete.status, 400);
    assert.match(complete.body, refusal);
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "sse-parts" })), "NotFound", 404);
  });

  it("refuses an x-amz-mp-object-size that is no number or is negative in S3's words, and completes nothing", async () => {
    // As captured from S3 in versity/versitygw#1398 and #1400.
    const UploadId = await create("sized");
    const part = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: "sized", UploadId, PartNumber: 1, Body: "12345" }));
    const document = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${part.ETag}</ETag></Part></CompleteMultipartUpload>`;
    const refusals: [string, string][] = [
      ["size", "Value for x-amz-mp-object-size header is invalid: 'size'"],
      ["-1", "Value for x-amz-mp-object-size header is less than zero: '-1'"],
    ];
    for (const [value, message] of refusals) {
      const complete = await rawRequest(t.cloud.endpoint, { method: "POST", path: `/${BUCKET}/sized`, query: { uploadId: UploadId }, headers: { "x-amz-mp-object-size": value }, body: document });
      assert.equal(complete.status, 400, value);
      assert.match(complete.body, new RegExp(`<Code>InvalidRequest</Code><Message>${message.replace(/'/g, "&apos;")}</Message>`), value);
    }
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "sized" })), "NotFound", 404);
    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: "sized", UploadId, MpuObjectSize: 5, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
    assert.ok(done.ETag);
  });

  it("refuses UploadPartCopy whose source bucket is not the expected source owner's", async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "owned-source", Body: "0123456789" }));
    const UploadId = await create("owned-copy");
    const copy = (ExpectedSourceBucketOwner: string) =>
      s3.send(new UploadPartCopyCommand({ Bucket: BUCKET, Key: "owned-copy", UploadId, PartNumber: 1, CopySource: `${BUCKET}/owned-source`, ExpectedSourceBucketOwner }));
    const e = await rejectsWith(copy("999988887777"), "AccessDenied", 403);
    assert.equal(e.message, "Access Denied");
    assert.ok((await copy("000000000000")).CopyPartResult?.ETag);
  });
});


describe("S3 multipart uploads over time", () => {
  let t: TestCloud;
  let offset = 0;
  const clock = () => Date.now() + offset;
  before(async () => {
    t = await startCloud({ inMemory: true, clock });
  });
  after(() => t.stop());

  it("dates the object when its upload began, not when it was completed", async () => {
    // openstack/swift test/s3api/test_mpu.py test_basic_upload, run against AWS: Last-Modified is the upload's Initiated.
    const s3 = t.s3();
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: "dated" }));
    const initiated = (await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }))).Uploads?.[0]?.Initiated;
    offset += 60 * 60 * 1000;
    const later = t.s3({ systemClockOffset: offset });
    const part = await later.send(new UploadPartCommand({ Bucket: BUCKET, Key: "dated", UploadId, PartNumber: 1, Body: "late part" }));
    await later.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: "dated", UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
    const head = await later.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "dated" }));
    assert.ok(initiated);
    assert.equal(head.LastModified?.getTime(), initiated.getTime());
  });
});
