/**
 * S3's flexible checksums as AWS answers them, mostly from openstack/swift's
 * test/s3api/test_object_checksums.py and test_input_errors.py (suites run
 * against AWS): a part's own checksum on GET/HEAD ?partNumber=, the
 * checksum mode header, x-amz-sdk-checksum-algorithm against the checksum
 * sent, trailing checksums of aws-chunked bodies, checksum values written
 * with stray bits, and the checksums CompleteMultipartUpload names.
 * Through the AWS SDK for JavaScript v3, and raw signed requests where the
 * SDK would not send the request.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Readable } from "node:stream";
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  type ChecksumAlgorithm,
  type ChecksumType,
  type CompletedPart,
  type S3Client,
} from "@aws-sdk/client-s3";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";
import { rawRequest, type RawResponse } from "../support/raw.js";

/** The fixtures of test_object_checksums.py: the CRCs' check input and its digests. */
const BODY = "123456789";
const CRC32 = "y/Q5Jg==";
/** CRC32 with stray low bits: decodes to the same four bytes, but is not how they are written. */
const CRC32_STRAY = "y/Q5Jh==";
const CRC32C = "4waSgw==";
const SHA1 = "98O8HYCOBHMq32eZZczDTKeuNEE=";
const SHA256 = "FeKw08M4keuw8e9gnsQZQgwg4yDOlMZfvIwzEkSOsiU=";
/** The COMPOSITE CRC32 of a one-part upload of BODY, without its `-1`. */
const CRC32_COMPOSITE_1 = "7kxlUA==";
const MiB = 1024 * 1024;

const code = (xml: string) => /<Code>([^<]*)<\/Code>/.exec(xml)?.[1];
const message = (xml: string) => /<Message>([^<]*)<\/Message>/.exec(xml)?.[1];

describe("S3 flexible checksums", () => {
  let t: TestCloud;
  let s3: S3Client;
  const Bucket = "checksums";
  before(async () => {
    t = await startCloud({ inMemory: true });
    s3 = t.s3();
    await s3.send(new CreateBucketCommand({ Bucket }));
  });
  after(() => t.stop());

  const fields = (error: Error) => error as Error & Record<string, unknown>;
  const absent = async (Key: string) => rejectsWith(s3.send(new HeadObjectCommand({ Bucket, Key })), "NotFound", 404);

  /** An upload of the given checksum algorithm and type, with parts of the given bodies uploaded; returns what Complete needs. */
  const upload = async (Key: string, bodies: (string | Buffer)[], algorithm?: ChecksumAlgorithm, type?: ChecksumType) => {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key, ChecksumAlgorithm: algorithm, ChecksumType: type }));
    const parts: CompletedPart[] = [];
    for (const [i, Body] of bodies.entries()) {
      const part = await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: i + 1, Body, ChecksumAlgorithm: algorithm }));
      parts.push({ PartNumber: i + 1, ETag: part.ETag, ...(algorithm ? { [`Checksum${algorithm}`]: part[`Checksum${algorithm}`] } : {}) });
    }
    const complete = (named: CompletedPart[] = parts, extra: Record<string, string> = {}) =>
      s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: named }, ...extra }));
    return { UploadId, parts, complete };
  };

  /** A raw PUT of BODY under `headers` (an aws-chunked one when `chunked` is the framed body). */
  const put = (path: string, headers: Record<string, string>, body: string = BODY, query?: Record<string, string>): Promise<RawResponse> =>
    rawRequest(t.cloud.endpoint, { method: "PUT", path: `/${Bucket}/${path}`, headers, body, query });

  /** BODY as an unsigned aws-chunked body, its trailer lines after the last chunk. */
  const chunked = (...trailers: string[]) => `${BODY.length.toString(16)}\r\n${BODY}\r\n0\r\n${trailers.map((line) => `${line}\r\n`).join("")}\r\n`;
  const STREAMING = { "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "content-encoding": "aws-chunked", "x-amz-decoded-content-length": String(BODY.length) };

  describe("GET and HEAD of a part with checksum mode", () => {
    it("answer a COMPOSITE object's part with that part's own checksum and type, of one part or several", async () => {
      const one = await upload("composite-one", [BODY], "CRC32");
      assert.equal((await one.complete()).ChecksumCRC32, `${CRC32_COMPOSITE_1}-1`);
      for (const read of [
        (Key: string, PartNumber: number) => s3.send(new HeadObjectCommand({ Bucket, Key, PartNumber, ChecksumMode: "ENABLED" })),
        (Key: string, PartNumber: number) => s3.send(new GetObjectCommand({ Bucket, Key, PartNumber, ChecksumMode: "ENABLED" })),
      ]) {
        const part = await read("composite-one", 1);
        assert.deepEqual([part.ChecksumCRC32, part.ChecksumType], [CRC32, "COMPOSITE"]);
      }
      // The whole object still answers its composite.
      assert.equal((await s3.send(new HeadObjectCommand({ Bucket, Key: "composite-one", ChecksumMode: "ENABLED" }))).ChecksumCRC32, `${CRC32_COMPOSITE_1}-1`);

      const first = Buffer.alloc(5 * MiB, "a");
      const two = await upload("composite-two", [first, BODY], "CRC32");
      await two.complete();
      const heads = await Promise.all([1, 2].map((PartNumber) => s3.send(new HeadObjectCommand({ Bucket, Key: "composite-two", PartNumber, ChecksumMode: "ENABLED" }))));
      assert.deepEqual(
        heads.map((h) => [h.ChecksumCRC32, h.ChecksumType, h.PartsCount]),
        [
          [two.parts[0]?.ChecksumCRC32, "COMPOSITE", 2],
          [CRC32, "COMPOSITE", 2],
        ],
      );
      // Without checksum mode, no checksum.
      const plain = await s3.send(new HeadObjectCommand({ Bucket, Key: "composite-two", PartNumber: 2 }));
      assert.deepEqual([plain.ChecksumCRC32, plain.ChecksumType], [undefined, undefined]);
    });

    it("answer a FULL_OBJECT object's part only when the part is the whole object", async () => {
      const one = await upload("full-one", [BODY], "CRC32", "FULL_OBJECT");
      await one.complete();
      const whole = await s3.send(new HeadObjectCommand({ Bucket, Key: "full-one", PartNumber: 1, ChecksumMode: "ENABLED" }));
      assert.deepEqual([whole.ChecksumCRC32, whole.ChecksumType], [CRC32, "FULL_OBJECT"]);

      const two = await upload("full-two", [Buffer.alloc(5 * MiB, "a"), BODY], "CRC32", "FULL_OBJECT");
      await two.complete();
      for (const PartNumber of [1, 2]) {
        const part = await s3.send(new GetObjectCommand({ Bucket, Key: "full-two", PartNumber, ChecksumMode: "ENABLED" }));
        await part.Body?.transformToByteArray();
        assert.deepEqual([part.ChecksumCRC32, part.ChecksumType], [undefined, undefined], `part ${PartNumber}`);
      }
    });

    it("refuses a checksum mode other than ENABLED: InvalidRequest on GET, a bare 400 on HEAD", async () => {
      await s3.send(new PutObjectCommand({ Bucket, Key: "moded", Body: BODY, ChecksumCRC32: CRC32 }));
      const get = await rawRequest(t.cloud.endpoint, { method: "GET", path: `/${Bucket}/moded`, headers: { "x-amz-checksum-mode": "INVALID" } });
      assert.equal(get.status, 400);
      assert.deepEqual([code(get.body), message(get.body)], ["InvalidRequest", "Value for x-amz-checksum-mode header is invalid."]);
      const head = await rawRequest(t.cloud.endpoint, { method: "HEAD", path: `/${Bucket}/moded`, headers: { "x-amz-checksum-mode": "INVALID" } });
      assert.deepEqual([head.status, head.body], [400, ""]);
    });
  });

  describe("x-amz-sdk-checksum-algorithm", () => {
    it("must name the algorithm of the checksum sent, and a known one, on PutObject", async () => {
      for (const algorithm of ["CRC32C", "INVALIDALGO"]) {
        const answer = await put("named-other", { "x-amz-sdk-checksum-algorithm": algorithm, "x-amz-checksum-crc32": CRC32 });
        assert.equal(answer.status, 400, algorithm);
        assert.deepEqual([code(answer.body), message(answer.body)], ["InvalidRequest", "Value for x-amz-sdk-checksum-algorithm header is invalid."], algorithm);
      }
      // Several checksums are refused first, whatever the algorithm header says.
      const several = await put("named-other", { "x-amz-sdk-checksum-algorithm": "SHA256", "x-amz-checksum-crc32": CRC32, "x-amz-checksum-crc32c": CRC32C });
      assert.equal(message(several.body), "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
      await absent("named-other");
      const right = await put("named-same", { "x-amz-sdk-checksum-algorithm": "CRC32", "x-amz-checksum-crc32": CRC32 });
      assert.equal(right.status, 200);
    });

    it("must name the algorithm of the checksum sent on UploadPart too", async () => {
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: "part-named", ChecksumAlgorithm: "CRC32" }));
      const query = { partNumber: "1", uploadId: UploadId ?? "" };
      const refused = await put("part-named", { "x-amz-sdk-checksum-algorithm": "CRC32C", "x-amz-checksum-crc32": CRC32 }, BODY, query);
      assert.deepEqual([refused.status, message(refused.body)], [400, "Value for x-amz-sdk-checksum-algorithm header is invalid."]);
      // The upload's own algorithm mismatch is named after it.
      const other = await put("part-named", { "x-amz-sdk-checksum-algorithm": "CRC32C", "x-amz-checksum-crc32c": CRC32C }, BODY, query);
      assert.equal(message(other.body), "Checksum Type mismatch occurred, expected checksum Type: crc32, actual checksum Type: crc32c");
    });
  });

  describe("checksum values", () => {
    it("refuses a checksum header written with stray bits as invalid, on PutObject and UploadPart", async () => {
      const refused = fields(await rejectsWith(s3.send(new PutObjectCommand({ Bucket, Key: "stray", Body: BODY, ChecksumCRC32: CRC32_STRAY })), "InvalidRequest", 400));
      assert.equal(refused.message, "Value for x-amz-checksum-crc32 header is invalid.");
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: "stray", ChecksumAlgorithm: "CRC32" }));
      const part = await rejectsWith(s3.send(new UploadPartCommand({ Bucket, Key: "stray", UploadId, PartNumber: 1, Body: BODY, ChecksumCRC32: CRC32_STRAY })), "InvalidRequest", 400);
      assert.equal(part.message, "Value for x-amz-checksum-crc32 header is invalid.");
      await absent("stray");
      // A well-formed wrong one is compared, and is a BadDigest.
      const wrong = await rejectsWith(s3.send(new PutObjectCommand({ Bucket, Key: "stray", Body: BODY, ChecksumCRC32: "z/Q5Jg==" })), "BadDigest", 400);
      assert.equal(wrong.message, "The CRC32 you specified did not match the calculated checksum.");
    });

    it("refuses CreateMultipartUpload naming several algorithms in its own words", async () => {
      const refused = await rejectsWith(s3.send(new CreateMultipartUploadCommand({ Bucket, Key: "two-algorithms", ChecksumAlgorithm: "CRC32,CRC32C" as ChecksumAlgorithm })), "InvalidRequest", 400);
      assert.equal(refused.message, "Invalid types are specified in x-amz-checksum-algorithm header.");
    });
  });

  describe("trailing checksums", () => {
    it("takes the SDK's own streaming uploads, their checksum sent as a trailer", async () => {
      const stream = () => Readable.from([Buffer.from(BODY)]);
      const crc32 = await s3.send(new PutObjectCommand({ Bucket, Key: "sdk-crc32", Body: stream(), ContentLength: BODY.length }));
      assert.equal(crc32.ChecksumCRC32, CRC32);
      const nvme = await s3.send(new PutObjectCommand({ Bucket, Key: "sdk-crc64nvme", Body: stream(), ContentLength: BODY.length, ChecksumAlgorithm: "CRC64NVME" }));
      assert.equal(nvme.ChecksumCRC64NVME, "rosUhgp5mIg=");
      const head = await s3.send(new HeadObjectCommand({ Bucket, Key: "sdk-crc64nvme", ChecksumMode: "ENABLED" }));
      assert.equal(head.ChecksumCRC64NVME, "rosUhgp5mIg=");
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: "sdk-part", ChecksumAlgorithm: "CRC32" }));
      const part = await s3.send(new UploadPartCommand({ Bucket, Key: "sdk-part", UploadId, PartNumber: 1, Body: stream(), ContentLength: BODY.length }));
      assert.equal(part.ChecksumCRC32, CRC32);
    });

    it("takes a trailer x-amz-trailer announced, trailing commas and all", async () => {
      for (const announced of ["x-amz-checksum-crc32", "x-amz-checksum-crc32,", "x-amz-checksum-crc32,,"]) {
        const answer = await put("trailed", { ...STREAMING, "x-amz-trailer": announced }, chunked(`x-amz-checksum-crc32:${CRC32}`));
        assert.equal(answer.status, 200, `${announced}: ${answer.body}`);
        assert.equal(answer.headers["x-amz-checksum-crc32"], CRC32);
      }
    });

    it("refuses trailing data x-amz-trailer did not announce as malformed, and stores nothing", async () => {
      const cases: [string, Record<string, string>, string][] = [
        ["a trailer nothing announced", STREAMING, chunked(`x-amz-checksum-crc32:${CRC32}`)],
        ["an announced trailer never sent", { ...STREAMING, "x-amz-trailer": "x-amz-checksum-crc32" }, chunked()],
        ["a trailer of another algorithm", { ...STREAMING, "x-amz-trailer": "x-amz-checksum-crc32c" }, chunked(`x-amz-checksum-crc32:${CRC32}`)],
        ["a trailer beside the announced one", { ...STREAMING, "x-amz-trailer": "x-amz-checksum-crc32" }, chunked(`x-amz-checksum-crc32:${CRC32}`, "bonus:trailer")],
        ["a trailer announced on a body that is not aws-chunked", { "x-amz-sdk-checksum-algorithm": "CRC32", "x-amz-trailer": "x-amz-checksum-crc32" }, BODY],
      ];
      for (const [what, headers, body] of cases) {
        const answer = await put("malformed-trailer", headers, body);
        assert.equal(answer.status, 400, what);
        assert.equal(code(answer.body), "MalformedTrailerError", `${what}: ${answer.body}`);
        assert.equal(message(answer.body), "The request contained trailing data that was not well-formed or did not conform to our published schema.", what);
      }
      await absent("malformed-trailer");
      // The same on UploadPart.
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: "malformed-trailer", ChecksumAlgorithm: "CRC32" }));
      const part = await put("malformed-trailer", { ...STREAMING, "x-amz-trailer": "x-amz-checksum-crc32" }, chunked(), { partNumber: "1", uploadId: UploadId ?? "" });
      assert.deepEqual([part.status, code(part.body)], [400, "MalformedTrailerError"]);
    });

    it("refuses a trailer value that is no checksum, and compares a well-formed one", async () => {
      const headers = { ...STREAMING, "x-amz-trailer": "x-amz-checksum-crc32" };
      for (const value of ["not=base-64", CRC32_STRAY]) {
        const invalid = await put("trailer-value", headers, chunked(`x-amz-checksum-crc32:${value}`));
        assert.deepEqual([invalid.status, code(invalid.body), message(invalid.body)], [400, "InvalidRequest", "Value for x-amz-checksum-crc32 trailing header is invalid."], value);
      }
      const wrong = await put("trailer-value", headers, chunked("x-amz-checksum-crc32:z/Q5Jg=="));
      assert.deepEqual([wrong.status, code(wrong.body), message(wrong.body)], [400, "BadDigest", "The CRC32 you specified did not match the calculated checksum."]);
      await absent("trailer-value");
    });

    it("refuses an x-amz-trailer naming anything but one checksum", async () => {
      for (const announced of ["foo", "x-amz-content-sha256", ", x-amz-checksum-crc32", "x-amz-checksum-crc32, x-amz-foo"]) {
        const answer = await put("announced", { ...STREAMING, "x-amz-trailer": announced }, chunked(`x-amz-checksum-crc32:${CRC32}`));
        assert.deepEqual([answer.status, message(answer.body)], [400, "The value specified in the x-amz-trailer header is not supported"], announced);
      }
      const two = await put("announced", { ...STREAMING, "x-amz-trailer": "x-amz-checksum-crc32, x-amz-checksum-crc32c" }, chunked(`x-amz-checksum-crc32:${CRC32}`));
      assert.equal(message(two.body), "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
      await absent("announced");
    });
  });

  describe("CompleteMultipartUpload's checksums", () => {
    const ARGUMENT = "Invalid Base64 or multiple checksums present in request";

    it("refuses a part checksum that is no digest, or several on one part, listing what the part named", async () => {
      const { parts, complete } = await upload("part-invalid", [BODY], "CRC32");
      const invalid = fields(await rejectsWith(complete([{ ...parts[0], ChecksumCRC32: CRC32_STRAY }]), "InvalidArgument", 400));
      assert.deepEqual([invalid.message, invalid.ArgumentName, invalid.ArgumentValue], [ARGUMENT, "Checksum", `CRC32:${CRC32_STRAY};`]);
      const several = fields(await rejectsWith(complete([{ ...parts[0], ChecksumCRC32C: CRC32C, ChecksumSHA1: SHA1, ChecksumSHA256: SHA256 }]), "InvalidArgument", 400));
      assert.deepEqual([several.message, several.ArgumentValue], [ARGUMENT, `CRC32:${CRC32};CRC32C:${CRC32C};SHA1:${SHA1};SHA256:${SHA256};`]);
      await absent("part-invalid");
      assert.equal((await complete()).ChecksumCRC32, `${CRC32_COMPOSITE_1}-1`);
    });

    it("refuses a part named with another algorithm than its upload's as a BadDigest naming the part", async () => {
      for (const type of ["COMPOSITE", "FULL_OBJECT"] as const) {
        const Key = `mixed-${type}`;
        const { parts, complete } = await upload(Key, [Buffer.alloc(5 * MiB, "a"), BODY], "CRC32C", type);
        const mixed = [parts[0] ?? {}, { PartNumber: 2, ETag: parts[1]?.ETag, ChecksumCRC32: CRC32 }];
        const refused = await rejectsWith(complete(mixed), "BadDigest", 400);
        assert.equal(refused.message, "The crc32 you specified for part 2 did not match what we received.", type);
        await absent(Key);
      }
    });

    it("holds part checksums named for an upload without an algorithm to the parts' own", async () => {
      // The SDK sends each part with its CRC32: a right CRC32C of the same bytes is still not the part's.
      const { parts, complete } = await upload("no-algorithm", [BODY]);
      const part = { PartNumber: 1, ETag: parts[0]?.ETag };
      const other = fields(await rejectsWith(complete([{ ...part, ChecksumCRC32C: CRC32C }]), "InvalidPart", 400));
      assert.deepEqual([other.PartNumber, other.ETag], ["1", parts[0]?.ETag?.slice(1, -1)]);
      await rejectsWith(complete([{ ...part, ChecksumCRC32: "z/Q5Jg==" }]), "InvalidPart", 400);
      const invalid = fields(await rejectsWith(complete([{ ...part, ChecksumCRC32C: "4waSgx==" }]), "InvalidArgument", 400));
      assert.deepEqual([invalid.message, invalid.ArgumentValue], [ARGUMENT, "CRC32C:4waSgx==;"]);
      const done = await complete([{ ...part, ChecksumCRC32: CRC32 }]);
      assert.deepEqual([done.ChecksumCRC64NVME, done.ChecksumType], ["rosUhgp5mIg=", "FULL_OBJECT"]);
    });

    it("refuses an object checksum written with stray bits or a part count that is no number, and compares any other", async () => {
      const { complete } = await upload("object-checksum", [BODY], "CRC32");
      for (const value of [CRC32_STRAY, `${CRC32_COMPOSITE_1}-a`, "not_base64"]) {
        const invalid = await rejectsWith(complete(undefined, { ChecksumCRC32: value }), "InvalidRequest", 400);
        assert.equal(invalid.message, "Value for x-amz-checksum-crc32 header is invalid.", value);
      }
      // ceph/s3-tests' `bad` (no digest's size), a wrong digest or a wrong part count: compared, and wrong.
      for (const value of ["bad", "z/Q5Jg==", `${CRC32_COMPOSITE_1}-2`]) {
        const wrong = await rejectsWith(complete(undefined, { ChecksumCRC32: value }), "BadDigest", 400);
        assert.equal(wrong.message, "The crc32 you specified did not match the calculated checksum.", value);
      }
      await absent("object-checksum");
      assert.equal((await complete(undefined, { ChecksumCRC32: CRC32_COMPOSITE_1 })).ChecksumCRC32, `${CRC32_COMPOSITE_1}-1`);
    });

    it("holds a COMPOSITE object checksum to the part checksums named before the parts themselves", async () => {
      const composite = await upload("bad-part-composite", [BODY], "CRC32");
      const wrongPart = [{ ...composite.parts[0], ChecksumCRC32: "z/Q5Jg==" }];
      // Beside the right object checksum: a BadDigest; alone, the part is not found.
      await rejectsWith(composite.complete(wrongPart, { ChecksumCRC32: CRC32_COMPOSITE_1 }), "BadDigest", 400);
      await rejectsWith(composite.complete(wrongPart), "InvalidPart", 400);
      // A FULL_OBJECT upload has no composite to make: the part is not found.
      const full = await upload("bad-part-full", [BODY], "CRC32", "FULL_OBJECT");
      await rejectsWith(full.complete([{ ...full.parts[0], ChecksumCRC32: "z/Q5Jg==" }], { ChecksumCRC32: CRC32 }), "InvalidPart", 400);
    });

    it("reads its checksum headers as any request's first: one checksum at most and a known checksum type, whatever the upload's mode", async () => {
      // versity/versitygw CompleteMultipartUpload_multiple_final_checksums and _invalid_checksum_type, as S3 answers them.
      for (const algorithm of ["CRC32", undefined] as const) {
        const Key = `final-headers-${algorithm ?? "none"}`;
        const { complete } = await upload(Key, [BODY], algorithm, algorithm && "FULL_OBJECT");
        const several = await rejectsWith(complete(undefined, { ChecksumCRC32: CRC32, ChecksumCRC32C: CRC32C, ChecksumType: "FULL_OBJECT" }), "InvalidRequest", 400);
        assert.equal(several.message, "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.", Key);
        const type = await rejectsWith(complete(undefined, { ChecksumType: "invalid_type" }), "InvalidRequest", 400);
        assert.equal(type.message, "Value for x-amz-checksum-type header is invalid.", Key);
        await absent(Key);
      }
    });
  });

  it("computes a full-object upload's part checksum when the part names none, and refuses that in a composite upload", async () => {
    const bare = t.s3({ requestChecksumCalculation: "WHEN_REQUIRED" });
    const start = async (Key: string, ChecksumType: ChecksumType) =>
      (await s3.send(new CreateMultipartUploadCommand({ Bucket, Key, ChecksumAlgorithm: "CRC32", ChecksumType }))).UploadId!;
    const fullId = await start("bare-full", "FULL_OBJECT");
    const part = await bare.send(new UploadPartCommand({ Bucket, Key: "bare-full", UploadId: fullId, PartNumber: 1, Body: BODY }));
    assert.equal(part.ChecksumCRC32, CRC32);
    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key: "bare-full", UploadId: fullId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
    assert.deepEqual([done.ChecksumCRC32, done.ChecksumType], [CRC32, "FULL_OBJECT"]);
    const compositeId = await start("bare-composite", "COMPOSITE");
    const refused = await rejectsWith(bare.send(new UploadPartCommand({ Bucket, Key: "bare-composite", UploadId: compositeId, PartNumber: 1, Body: BODY })), "InvalidRequest", 400);
    assert.equal(refused.message, "Checksum Type mismatch occurred, expected checksum Type: crc32, actual checksum Type: null");
  });
});
