/**
 * S3 answers that LocalStack's AWS-validated API snapshots pin down, through
 * the AWS SDK for JavaScript v3 and raw signed requests: version ids and the
 * governance bypass on deletes (which must never delete), tag rules on
 * objects and buckets, and the bucket tag set's lifecycle.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketTaggingCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutBucketTaggingCommand,
  PutObjectCommand,
  PutBucketPolicyCommand,
  PutObjectTaggingCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
  type S3Client,
  type Tag,
} from "@aws-sdk/client-s3";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";
import { rawRequest } from "../support/raw.js";

const BOGUS_VERSION = "HPniJFCxqTsMuIH9KX8K8wEjNUgmABCD";

describe("S3 conformance: recorded API answers", () => {
  let t: TestCloud;
  let s3: S3Client;
  const Bucket = "api-recorded";
  before(async () => {
    t = await startCloud({ inMemory: true });
    s3 = t.s3();
    await s3.send(new CreateBucketCommand({ Bucket }));
  });
  after(() => t.stop());

  const exists = async (Key: string) => (await s3.send(new HeadObjectCommand({ Bucket, Key }))).$metadata.httpStatusCode === 200;
  const fields = (error: Error) => error as Error & Record<string, unknown>;

  it("refuses a version id on an unversioned bucket's deletes and keeps the object", async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: "kept", Body: "data" }));
    const refused = fields(await rejectsWith(s3.send(new DeleteObjectCommand({ Bucket, Key: "kept", VersionId: BOGUS_VERSION })), "InvalidArgument", 400));
    assert.equal(refused.message, "Invalid version id specified");
    assert.deepEqual([refused.ArgumentName, refused.ArgumentValue], ["versionId", BOGUS_VERSION]);
    assert.ok(await exists("kept"));

    const batch = await s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: "kept", VersionId: BOGUS_VERSION }] } }));
    assert.deepEqual(batch.Errors, [{ Key: "kept", VersionId: BOGUS_VERSION, Code: "NoSuchVersion", Message: "The specified version does not exist." }]);
    assert.equal(batch.Deleted, undefined);
    assert.ok(await exists("kept"));
    await rejectsWith(s3.send(new GetObjectTaggingCommand({ Bucket, Key: "kept", VersionId: BOGUS_VERSION })), "InvalidArgument", 400);

    // The null version is the object itself.
    await s3.send(new DeleteObjectCommand({ Bucket, Key: "kept", VersionId: "null" }));
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket, Key: "kept" })), "NotFound", 404);
  });

  it("refuses the governance bypass on a bucket without Object Lock, whatever its value, and keeps the object", async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: "locked-out", Body: "data" }));
    for (const BypassGovernanceRetention of [true, false]) {
      const refused = fields(await rejectsWith(s3.send(new DeleteObjectCommand({ Bucket, Key: "locked-out", BypassGovernanceRetention })), "InvalidArgument", 400));
      assert.equal(refused.message, "x-amz-bypass-governance-retention is only applicable to Object Lock enabled buckets.");
      assert.equal(refused.ArgumentName, "x-amz-bypass-governance-retention");
    }
    await rejectsWith(
      s3.send(new DeleteObjectsCommand({ Bucket, BypassGovernanceRetention: true, Delete: { Objects: [{ Key: "locked-out" }] } })),
      "InvalidArgument",
      400,
    );
    assert.ok(await exists("locked-out"));
  });

  it("holds object and bucket tags to S3's characters, keeps aws: keys for the system, and names the offending tag", async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: "tagged", Body: "data" }));
    const putObjectTags = (TagSet: Tag[]) => s3.send(new PutObjectTaggingCommand({ Bucket, Key: "tagged", Tagging: { TagSet } }));
    const putBucketTags = (TagSet: Tag[]) => s3.send(new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet } }));
    const cases: [() => Promise<unknown>, string, Record<string, string>][] = [
      [() => putObjectTags([{ Key: "Key1,Key2", Value: "v" }]), "The TagKey you have provided is invalid", { TagKey: "Key1,Key2" }],
      [() => putBucketTags([{ Key: "Key1", Value: "Val1,Val2" }]), "The TagValue you have provided is invalid", { TagKey: "Key1", TagValue: "Val1,Val2" }],
      [() => putObjectTags([{ Key: "aws:prefixed", Value: "v" }]), "Your TagKey cannot be prefixed with aws:", { TagKey: "aws:prefixed" }],
      [() => putBucketTags([{ Key: "aws:prefixed", Value: "v" }]), "System tags cannot be added/updated by requester", { TagKey: "aws:prefixed" }],
      [() => putObjectTags([{ Key: "Key1", Value: "a" }, { Key: "Key1", Value: "b" }]), "Cannot provide multiple Tags with the same key", { TagKey: "Key1" }],
    ];
    for (const [call, message, extra] of cases) {
      const refused = fields(await rejectsWith(call(), "InvalidTag", 400));
      assert.equal(refused.message, message);
      for (const [name, value] of Object.entries(extra)) assert.equal(refused[name], value, `${message}: ${name}`);
    }
    // Letters of any script, digits, spaces and + - = . _ : / @ are all fine.
    await putObjectTags([{ Key: "clé projet", Value: "a+b=c.d_e:f/g@h-1" }]);
  });

  it("answers a tag without a key or value as malformed XML, not as a fault", async () => {
    for (const tag of ["<Value>Val1</Value>", "<Key>key1</Key>"]) {
      const body = `<Tagging><TagSet><Tag>${tag}</Tag></TagSet></Tagging>`;
      for (const path of [`/${Bucket}/tagged`, `/${Bucket}`]) {
        const answer = await rawRequest(t.cloud.endpoint, { method: "PUT", path, query: { tagging: "" }, body, headers: { "content-md5": "" } });
        assert.equal(answer.status, 400, `${path} ${tag}: ${answer.body}`);
        assert.match(answer.body, /<Code>MalformedXML<\/Code>/);
      }
    }
  });

  it("refuses an x-amz-tagging header that is no query string of distinct keys", async () => {
    for (const Tagging of ["key1=val1&key1=val2", "key1=val1,key2=val2"]) {
      const refused = fields(await rejectsWith(s3.send(new PutObjectCommand({ Bucket, Key: "header-tagged", Body: "x", Tagging })), "InvalidArgument", 400));
      assert.equal(refused.message, "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.");
      assert.deepEqual([refused.ArgumentName, refused.ArgumentValue], ["x-amz-tagging", Tagging]);
    }
    await rejectsWith(s3.send(new PutObjectCommand({ Bucket, Key: "header-tagged", Body: "x", Tagging: "a=%E0%A4" })), "InvalidArgument", 400);
    // A bare "?" names a tag key S3's characters do not allow; it is no fault.
    await rejectsWith(s3.send(new PutObjectCommand({ Bucket, Key: "header-tagged", Body: "x", Tagging: "?" })), "InvalidTag", 400);
    await s3.send(new PutObjectCommand({ Bucket, Key: "header-tagged", Body: "x", Tagging: "a=1&b=2&c=x+y%2Bz&d" }));
    assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket, Key: "header-tagged" }))).TagSet, [
      { Key: "a", Value: "1" },
      { Key: "b", Value: "2" },
      { Key: "c", Value: "x y+z" },
      { Key: "d", Value: "" },
    ]);
  });

  it("stores a bucket tag set with 204, takes an empty one as none, and names a missing object's bucket when reading its tags", async () => {
    const put = await s3.send(new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet: [{ Key: "team", Value: "blue" }] } }));
    assert.equal(put.$metadata.httpStatusCode, 204);
    assert.deepEqual((await s3.send(new GetBucketTaggingCommand({ Bucket }))).TagSet, [{ Key: "team", Value: "blue" }]);
    await s3.send(new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet: [] } }));
    await rejectsWith(s3.send(new GetBucketTaggingCommand({ Bucket })), "NoSuchTagSet", 404);

    const missing = fields(await rejectsWith(s3.send(new GetObjectTaggingCommand({ Bucket, Key: "fake-key" })), "NoSuchKey", 404));
    assert.equal(missing.Key, `${Bucket}/fake-key`);
  });

  it("checks CreateBucket's object ownership and names a bucket policy's missing Statement", async () => {
    for (const ObjectOwnership of ["RandomValue", ""]) {
      const refused = fields(await rejectsWith(s3.send(new CreateBucketCommand({ Bucket: "owned-oddly", ObjectOwnership: ObjectOwnership as never })), "InvalidArgument", 400));
      assert.equal(refused.message, `Invalid x-amz-object-ownership header: ${ObjectOwnership}`);
      assert.equal(refused.ArgumentName, "x-amz-object-ownership");
    }
    const policy = await rejectsWith(s3.send(new PutBucketPolicyCommand({ Bucket, Policy: "{}" })), "MalformedPolicy", 400);
    assert.equal(policy.message, "Missing required field Statement");
  });

  it("tells a reversed copy range from one that starts past the source", async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: "ten-bytes", Body: "0123456789" }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: "ranged" }));
    const copy = (CopySourceRange: string) => s3.send(new UploadPartCopyCommand({ Bucket, Key: "ranged", UploadId, PartNumber: 1, CopySource: `${Bucket}/ten-bytes`, CopySourceRange }));
    const reversed = fields(await rejectsWith(copy("bytes=1-0"), "InvalidArgument", 400));
    assert.match(reversed.message, /^The x-amz-copy-source-range value must be of the form bytes=first-last/);
    assert.equal(reversed.ArgumentValue, "bytes=1-0");
    const past = fields(await rejectsWith(copy("bytes=100-200"), "InvalidRequest", 400));
    assert.equal(past.message, "The specified copy range is invalid for the source object size");
    assert.equal(past.ArgumentName, undefined);
    await rejectsWith(copy("bytes=0-100"), "InvalidArgument", 400);
  });

  it("answers conditional-write headers S3 does not implement with 501, before anything else", async () => {
    const cases: [Record<string, string>, string, string][] = [
      [{ IfNoneMatch: '"d41d8cd98f00b204e9800998ecf8427e"' }, "If-None-Match", "We don't accept the provided value of If-None-Match header for this API"],
      [{ IfMatch: "*" }, "If-Match", "We don't accept the provided value of If-Match header for this API"],
      [{ IfNoneMatch: "*", IfMatch: "abcdef" }, "If-Match,If-None-Match", "Multiple conditional request headers present in the request"],
    ];
    for (const [conditions, header, detail] of cases) {
      const refused = fields(await rejectsWith(s3.send(new PutObjectCommand({ Bucket, Key: "never-written", Body: "x", ...conditions })), "NotImplemented", 501));
      assert.equal(refused.message, "A header you provided implies functionality that is not implemented");
      assert.deepEqual([refused.Header, refused.additionalMessage], [header, detail]);
    }
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: "never-completed" }));
    await rejectsWith(s3.send(new CompleteMultipartUploadCommand({ Bucket, Key: "never-completed", UploadId, IfMatch: "*", MultipartUpload: { Parts: [] } })), "NotImplemented", 501);
    // CopyObject too: its destination stays as it was.
    await s3.send(new PutObjectCommand({ Bucket, Key: "copy-target", Body: "before" }));
    for (const [conditions] of cases) {
      await rejectsWith(s3.send(new CopyObjectCommand({ Bucket, Key: "copy-target", CopySource: `${Bucket}/header-tagged`, ...conditions })), "NotImplemented", 501);
    }
    assert.equal(await (await s3.send(new GetObjectCommand({ Bucket, Key: "copy-target" }))).Body?.transformToString(), "before");
  });

  it("takes one x-amz-checksum header at most", async () => {
    const answer = await rawRequest(t.cloud.endpoint, {
      method: "PUT",
      path: `/${Bucket}/two-checksums`,
      body: "test data..",
      headers: { "x-amz-checksum-sha256": "vJfG7ZqHhb5qFwJzNXZPL8QRvdXLnTXuhqxWt0qJ0O0=", "x-amz-checksum-crc32": "AAAAAA==" },
    });
    assert.equal(answer.status, 400);
    assert.match(answer.body, /<Code>InvalidRequest<\/Code><Message>Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.<\/Message>/);
  });

  it("gives a joined multipart object a full-object checksum: CRC64NVME by default, or the full-object algorithm asked for", async () => {
    // "123456789" is the check input of every CRC: CRC64NVME ae8b14860a799888, CRC32 cbf43926.
    const expected = { CRC64NVME: Buffer.from("ae8b14860a799888", "hex").toString("base64"), CRC32: Buffer.from("cbf43926", "hex").toString("base64") };
    for (const [Key, create] of [
      ["joined-default", {}],
      ["joined-crc32", { ChecksumAlgorithm: "CRC32", ChecksumType: "FULL_OBJECT" }],
    ] as const) {
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key, ...create }));
      const part = await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body: "123456789" }));
      const done = await s3.send(
        new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag, ChecksumCRC32: part.ChecksumCRC32 }] } }),
      );
      const algorithm = "ChecksumAlgorithm" in create ? "CRC32" : "CRC64NVME";
      assert.equal(done[`Checksum${algorithm}`], expected[algorithm], Key);
      assert.equal(done.ChecksumType, "FULL_OBJECT");
      const head = await s3.send(new HeadObjectCommand({ Bucket, Key, ChecksumMode: "ENABLED" }));
      assert.equal(head[`Checksum${algorithm}`], expected[algorithm], Key);
      // A range that covers the whole object still reads all of it; a smaller one carries no checksum.
      const all = await s3.send(new GetObjectCommand({ Bucket, Key, ChecksumMode: "ENABLED", Range: "bytes=-15" }));
      assert.deepEqual([all.ContentRange, all[`Checksum${algorithm}`]], ["bytes 0-8/9", expected[algorithm]]);
      await all.Body?.transformToString();
      const some = await s3.send(new GetObjectCommand({ Bucket, Key, ChecksumMode: "ENABLED", Range: "bytes=0-3" }));
      assert.equal(some[`Checksum${algorithm}`], undefined);
      await some.Body?.transformToString();
    }
  });

  /** Starts a one-part upload of `Key`; the function it answers completes it under the conditions given. */
  const beginUpload = async (Key: string) => {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key }));
    const part = await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body: "joined" }));
    const parts = { Parts: [{ PartNumber: 1, ETag: part.ETag }] };
    return (conditions: { IfMatch?: string; IfNoneMatch?: string }) =>
      s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: parts, ...conditions }));
  };

  it("refuses a conditional Complete with 409, ending the upload, when the key was written or deleted since the upload began", async () => {
    const Key = "contended";
    const begin = () => beginUpload(Key);
    const conflict = async (call: Promise<unknown>, condition: string) => {
      const refused = fields(await rejectsWith(call, "ConditionalRequestConflict", 409));
      assert.equal(refused.message, "The conditional request cannot succeed due to a conflicting operation against this resource.");
      assert.deepEqual([refused.Condition, refused.Key], [condition, Key]);
    };

    await s3.send(new PutObjectCommand({ Bucket, Key, Body: "first" }));
    const afterDelete = await begin();
    await s3.send(new DeleteObjectCommand({ Bucket, Key }));
    await conflict(afterDelete({ IfNoneMatch: "*" }), "If-None-Match");
    // The conflict ended the upload: it must be started again.
    await rejectsWith(afterDelete({}), "NoSuchUpload", 404);

    const { ETag } = await s3.send(new PutObjectCommand({ Bucket, Key, Body: "same" }));
    const afterPut = await begin();
    const again = await s3.send(new PutObjectCommand({ Bucket, Key, Body: "same" }));
    assert.equal(again.ETag, ETag);
    await conflict(afterPut({ IfMatch: again.ETag }), "If-Match");

    // Nothing in between: the condition is judged as usual.
    const untouched = await begin();
    const done = await untouched({ IfMatch: again.ETag });
    assert.equal(done.$metadata.httpStatusCode, 200);
  });

  it("judges a conditional Complete's condition before a conflict: 412 or NoSuchKey leave the upload open", async () => {
    const Key = "judged-first";
    const begin = () => beginUpload(Key);
    const failed = async (call: Promise<unknown>, condition: string) => {
      const refused = fields(await rejectsWith(call, "PreconditionFailed", 412));
      assert.equal(refused.Condition, condition);
    };

    // Written since the upload began, under an If-Match naming the old object: the condition fails first.
    const old = await s3.send(new PutObjectCommand({ Bucket, Key, Body: "old" }));
    const overwritten = await begin();
    await s3.send(new PutObjectCommand({ Bucket, Key, Body: "new" }));
    await failed(overwritten({ IfMatch: old.ETag }), "If-Match");
    assert.equal((await overwritten({})).$metadata.httpStatusCode, 200);

    // Created since the upload began, under If-None-Match: *.
    await s3.send(new DeleteObjectCommand({ Bucket, Key }));
    const created = await begin();
    await s3.send(new PutObjectCommand({ Bucket, Key, Body: "now here" }));
    await failed(created({ IfNoneMatch: "*" }), "If-None-Match");

    // Deleted since: If-Match finds no object (NoSuchKey); once it is back, the condition holds and the conflict shows.
    const current = await s3.send(new PutObjectCommand({ Bucket, Key, Body: "current" }));
    const deleted = await begin();
    await s3.send(new DeleteObjectCommand({ Bucket, Key }));
    await rejectsWith(deleted({ IfMatch: current.ETag }), "NoSuchKey", 404);
    const back = await s3.send(new PutObjectCommand({ Bucket, Key, Body: "back" }));
    await rejectsWith(deleted({ IfMatch: back.ETag }), "ConditionalRequestConflict", 409);
  });

  it("applies the tags CreateBucket is given", async () => {
    const tagged = "born-tagged";
    await s3.send(new CreateBucketCommand({ Bucket: tagged, CreateBucketConfiguration: { Tags: [{ Key: "team", Value: "blue" }] } }));
    assert.deepEqual((await s3.send(new GetBucketTaggingCommand({ Bucket: tagged }))).TagSet, [{ Key: "team", Value: "blue" }]);
    await rejectsWith(s3.send(new CreateBucketCommand({ Bucket: "born-badly", CreateBucketConfiguration: { Tags: [{ Key: "aws:x", Value: "v" }] } })), "InvalidTag", 400);
  });

  it("refuses a copy source without a bucket and key as an invalid copy source object key", async () => {
    for (const CopySource of ["wrongformat", `${Bucket}/`]) {
      const refused = fields(await rejectsWith(s3.send(new CopyObjectCommand({ Bucket, Key: "destination", CopySource })), "InvalidArgument", 400));
      assert.equal(refused.message, "Invalid copy source object key");
      assert.deepEqual([refused.ArgumentName, refused.ArgumentValue], ["x-amz-copy-source", "x-amz-copy-source"]);
    }
  });

  it("takes an If-Match ETag quoted, bare or missing its opening quote", async () => {
    const { ETag } = await s3.send(new PutObjectCommand({ Bucket, Key: "quoted", Body: "v1" }));
    const bare = ETag!.slice(1, -1);
    for (const IfMatch of [ETag!, bare, `${bare}"`]) {
      const put = await s3.send(new PutObjectCommand({ Bucket, Key: "quoted", Body: "v1", IfMatch }));
      assert.equal(put.ETag, ETag, IfMatch);
    }
  });

  it("holds an upload created with a checksum algorithm to it, in every part and in Complete", async () => {
    const Key = "sha-parts";
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key, ChecksumAlgorithm: "SHA256" }));
    // The SDK checksums a part with CRC32 unless told otherwise.
    const mismatch = await rejectsWith(s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body: "part" })), "InvalidRequest", 400);
    assert.equal(mismatch.message, "Checksum Type mismatch occurred, expected checksum Type: sha256, actual checksum Type: crc32");
    const part = await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body: "part", ChecksumAlgorithm: "SHA256" }));
    const complete = (named: Record<string, string>) =>
      s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag, ...named }] } }));
    const missing = await rejectsWith(complete({}), "InvalidRequest", 400);
    assert.equal(missing.message, "The upload was created using a sha256 checksum. The complete request must include the checksum for each part. It was missing for part 1 in the request.");
    const wrong = fields(await rejectsWith(complete({ ChecksumSHA256: Buffer.alloc(32).toString("base64") }), "InvalidPart", 400));
    assert.deepEqual([wrong.PartNumber, wrong.ETag], ["1", part.ETag!.slice(1, -1)]);
    const done = await complete({ ChecksumSHA256: part.ChecksumSHA256! });
    assert.match(done.ChecksumSHA256 ?? "", /-1$/);
  });

  it("pairs an upload's checksum type with its algorithm as S3 does", async () => {
    const refused: [Record<string, string>, string][] = [
      [{ ChecksumAlgorithm: "SHA256", ChecksumType: "FULL_OBJECT" }, "The FULL_OBJECT checksum type cannot be used with the sha256 checksum algorithm."],
      [{ ChecksumAlgorithm: "SHA1", ChecksumType: "FULL_OBJECT" }, "The FULL_OBJECT checksum type cannot be used with the sha1 checksum algorithm."],
      [{ ChecksumAlgorithm: "CRC64NVME", ChecksumType: "COMPOSITE" }, "The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm."],
      [{ ChecksumType: "FULL_OBJECT" }, "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header."],
    ];
    for (const [create, message] of refused) {
      const error = await rejectsWith(s3.send(new CreateMultipartUploadCommand({ Bucket, Key: "paired", ...create })), "InvalidRequest", 400);
      assert.equal(error.message, message);
    }
  });

  it("checks the whole object's checksum, checksum mode and size a Complete names against what it joins", async () => {
    const Key = "declared-whole";
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key, ChecksumAlgorithm: "CRC32", ChecksumType: "FULL_OBJECT" }));
    const part = await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body: "123456789", ChecksumAlgorithm: "CRC32" }));
    const MultipartUpload = { Parts: [{ PartNumber: 1, ETag: part.ETag }] };
    const complete = (extra: Record<string, string | number>) => s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload, ...extra }));
    const crc32 = Buffer.from("cbf43926", "hex").toString("base64");
    const cases: [Record<string, string | number>, string, string][] = [
      [{ ChecksumType: "COMPOSITE" }, "InvalidRequest", "The upload was created using the FULL_OBJECT checksum mode. The complete request must use the same checksum mode."],
      [{ ChecksumSHA256: Buffer.alloc(32).toString("base64") }, "InvalidRequest", "Checksum Type mismatch occurred, expected checksum Type: crc32, actual checksum Type: sha256"],
      [{ ChecksumCRC32: "AAAAAA==" }, "BadDigest", "The crc32 you specified did not match the calculated checksum."],
      [{ MpuObjectSize: 99 }, "InvalidRequest", "The provided 'x-amz-mp-object-size' header value 99 does not match what was computed: 9"],
    ];
    for (const [extra, code, message] of cases) {
      const error = await rejectsWith(complete(extra), code, 400);
      assert.equal(error.message, message);
    }
    const wrongPart = await rejectsWith(
      s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag, ChecksumCRC32: "AAAAAA==" }] } })),
      "InvalidPart",
      400,
    );
    assert.equal(fields(wrongPart).PartNumber, "1");
    // Each refusal left the upload whole; the right answers complete it.
    const done = await complete({ ChecksumCRC32: crc32, ChecksumType: "FULL_OBJECT", MpuObjectSize: 9 });
    assert.deepEqual([done.ChecksumCRC32, done.ChecksumType], [crc32, "FULL_OBJECT"]);
  });
});
