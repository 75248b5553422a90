/**
 * Server-side encryption with customer-provided keys (SSE-C): a write's key
 * is checked and its MD5 kept; reads, HEADs, copies, part uploads and
 * GetObjectAttributes must present the same key, and only for an object
 * stored with one.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketEncryptionCommand,
  GetBucketEncryptionCommand,
  PutBucketEncryptionCommand,
  PutBucketPolicyCommand,
  PutBucketWebsiteCommand,
  PutPublicAccessBlockCommand,
  GetObjectAttributesCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { rawRequest } from "../support/raw.js";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";

const Bucket = "ssec-bucket";
const SSE_S3 = { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" as const } };

/** A key as the SDK takes it, and the MD5 S3 answers for it. */
function customerKey() {
  const key = randomBytes(32);
  return { key, md5: createHash("md5").update(key).digest("base64"), headers: { SSECustomerAlgorithm: "AES256", SSECustomerKey: key.toString("base64") } };
}

describe("S3 SSE-C", () => {
  let t: TestCloud;
  let s3: S3Client;
  before(async () => {
    t = await startCloud();
    s3 = t.s3();
    await s3.send(new CreateBucketCommand({ Bucket }));
    await s3.send(new PutBucketEncryptionCommand({ Bucket, ServerSideEncryptionConfiguration: { Rules: [{ ...SSE_S3, BlockedEncryptionTypes: { EncryptionType: ["NONE"] } }] } }));
  });
  after(() => t.stop());

  it("blocks SSE-C writes on a new bucket until its encryption configuration allows them, and again once deleted", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "ssec-blocked" }));
    const { headers } = customerKey();
    await rejectsWith(s3.send(new PutObjectCommand({ Bucket: "ssec-blocked", Key: "k", Body: "x", ...headers })), "AccessDenied", 403);
    await rejectsWith(s3.send(new CreateMultipartUploadCommand({ Bucket: "ssec-blocked", Key: "k", ...headers })), "AccessDenied", 403);
    const rules = (await s3.send(new GetBucketEncryptionCommand({ Bucket: "ssec-blocked" }))).ServerSideEncryptionConfiguration?.Rules;
    assert.deepEqual(rules?.[0]?.BlockedEncryptionTypes, { EncryptionType: ["SSE-C"] });
    await s3.send(new PutBucketEncryptionCommand({ Bucket: "ssec-blocked", ServerSideEncryptionConfiguration: { Rules: [{ ...SSE_S3, BlockedEncryptionTypes: { EncryptionType: ["NONE"] } }] } }));
    await s3.send(new PutObjectCommand({ Bucket: "ssec-blocked", Key: "k", Body: "x", ...headers }));
    // A configuration that does not name the setting leaves it; deleting the configuration blocks SSE-C again, and what was written stays readable.
    await s3.send(new PutBucketEncryptionCommand({ Bucket: "ssec-blocked", ServerSideEncryptionConfiguration: { Rules: [{ ...SSE_S3, BucketKeyEnabled: true }] } }));
    await s3.send(new PutObjectCommand({ Bucket: "ssec-blocked", Key: "k2", Body: "x", ...headers }));
    await s3.send(new DeleteBucketEncryptionCommand({ Bucket: "ssec-blocked" }));
    await rejectsWith(s3.send(new PutObjectCommand({ Bucket: "ssec-blocked", Key: "k3", Body: "x", ...headers })), "AccessDenied", 403);
    assert.equal(await (await s3.send(new GetObjectCommand({ Bucket: "ssec-blocked", Key: "k", ...headers }))).Body?.transformToString(), "x");
  });

  it("keeps a write's key and reads the object only with it", async () => {
    const { md5, headers } = customerKey();
    const put = await s3.send(new PutObjectCommand({ Bucket, Key: "secret", Body: "hello", ...headers }));
    assert.equal(put.SSECustomerAlgorithm, "AES256");
    assert.equal(put.SSECustomerKeyMD5, md5);
    assert.equal(put.ServerSideEncryption, undefined);

    const got = await s3.send(new GetObjectCommand({ Bucket, Key: "secret", Range: "bytes=1-3", ...headers }));
    assert.equal(await got.Body?.transformToString(), "ell");
    assert.equal(got.SSECustomerKeyMD5, md5);
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: "secret", ...headers }));
    assert.equal(head.SSECustomerAlgorithm, "AES256");
    assert.equal(head.ContentLength, 5);

    const missing = await rejectsWith(s3.send(new GetObjectCommand({ Bucket, Key: "secret" })), "InvalidRequest", 400);
    assert.equal(missing.message, "The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.");
    await rejectsWith(s3.send(new GetObjectCommand({ Bucket, Key: "secret", ...customerKey().headers })), "AccessDenied", 403);
    const headWrong = await s3.send(new HeadObjectCommand({ Bucket, Key: "secret", ...customerKey().headers })).catch((error: { $metadata?: { httpStatusCode?: number } }) => error);
    assert.equal((headWrong as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode, 403);
    await rejectsWith(s3.send(new GetObjectAttributesCommand({ Bucket, Key: "secret", ObjectAttributes: ["ObjectSize"] })), "InvalidRequest", 400);
    const attributes = await s3.send(new GetObjectAttributesCommand({ Bucket, Key: "secret", ObjectAttributes: ["ObjectSize"], ...headers }));
    assert.equal(attributes.ObjectSize, 5);

    // A website cannot present the key: it never serves the object.
    await s3.send(new PutBucketWebsiteCommand({ Bucket, WebsiteConfiguration: { IndexDocument: { Suffix: "index.html" } } }));
    await s3.send(new PutPublicAccessBlockCommand({ Bucket, PublicAccessBlockConfiguration: { BlockPublicPolicy: false, RestrictPublicBuckets: false } }));
    const publicRead = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${Bucket}/*` }] };
    await s3.send(new PutBucketPolicyCommand({ Bucket, Policy: JSON.stringify(publicRead) }));
    const site = await rawRequest(t.cloud.endpoint, { method: "GET", path: "/secret", anonymous: true, headers: { host: `${Bucket}.s3-website.localhost:${new URL(t.cloud.endpoint).port}` } });
    assert.equal(site.status, 400);
    assert.doesNotMatch(site.body, /hello/);

    await s3.send(new PutObjectCommand({ Bucket, Key: "plain", Body: "x" }));
    const notApplicable = await rejectsWith(s3.send(new GetObjectCommand({ Bucket, Key: "plain", ...headers })), "InvalidRequest", 400);
    assert.equal(notApplicable.message, "The encryption parameters are not applicable to this object.");
  });

  it("refuses a key that is incomplete, of the wrong size, with the wrong MD5 or beside another method", async () => {
    const { key, md5 } = customerKey();
    const write = (headers: Record<string, string>) => rawRequest(t.cloud.endpoint, { method: "PUT", path: `/${Bucket}/bad`, body: "x", headers });
    const cases: [Record<string, string>, string][] = [
      [{ "x-amz-server-side-encryption-customer-key": key.toString("base64"), "x-amz-server-side-encryption-customer-key-md5": md5 }, "InvalidArgument"],
      [{ "x-amz-server-side-encryption-customer-algorithm": "AES256" }, "InvalidArgument"],
      [{ "x-amz-server-side-encryption-customer-algorithm": "AES128", "x-amz-server-side-encryption-customer-key": key.toString("base64") }, "InvalidEncryptionAlgorithmError"],
      [{ "x-amz-server-side-encryption-customer-algorithm": "AES256", "x-amz-server-side-encryption-customer-key": key.subarray(0, 16).toString("base64") }, "InvalidArgument"],
      [{ "x-amz-server-side-encryption-customer-algorithm": "AES256", "x-amz-server-side-encryption-customer-key": key.toString("base64"), "x-amz-server-side-encryption-customer-key-md5": "AAAAAAAAAAAAAAAAAAAAAA==" }, "InvalidArgument"],
      [{ "x-amz-server-side-encryption-customer-algorithm": "AES256", "x-amz-server-side-encryption-customer-key": key.toString("base64"), "x-amz-server-side-encryption-customer-key-md5": md5, "x-amz-server-side-encryption": "AES256" }, "InvalidArgument"],
    ];
    for (const [headers, code] of cases) {
      const answer = await write(headers);
      assert.equal(answer.status, 400, JSON.stringify(headers));
      assert.match(answer.body, new RegExp(`<Code>${code}</Code>`));
    }
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket, Key: "bad" })), "NotFound", 404);
  });

  it("asks a copy for its source's key, and encrypts the copy with the key it names", async () => {
    const source = customerKey();
    const target = customerKey();
    await s3.send(new PutObjectCommand({ Bucket, Key: "copy-source", Body: "copied", ...source.headers }));
    await rejectsWith(s3.send(new CopyObjectCommand({ Bucket, Key: "copy", CopySource: `${Bucket}/copy-source` })), "InvalidRequest", 400);
    const copySource = { CopySourceSSECustomerAlgorithm: "AES256", CopySourceSSECustomerKey: source.key.toString("base64") };
    const copied = await s3.send(new CopyObjectCommand({ Bucket, Key: "copy", CopySource: `${Bucket}/copy-source`, ...copySource, ...target.headers }));
    assert.equal(copied.SSECustomerKeyMD5, target.md5);
    assert.equal(await (await s3.send(new GetObjectCommand({ Bucket, Key: "copy", ...target.headers }))).Body?.transformToString(), "copied");
    // The key rotated in place, and then taken off.
    await s3.send(new CopyObjectCommand({ Bucket, Key: "copy-source", CopySource: `${Bucket}/copy-source`, ...copySource, ...target.headers }));
    await s3.send(new CopyObjectCommand({ Bucket, Key: "copy-source", CopySource: `${Bucket}/copy-source`, CopySourceSSECustomerAlgorithm: "AES256", CopySourceSSECustomerKey: target.key.toString("base64") }));
    assert.equal(await (await s3.send(new GetObjectCommand({ Bucket, Key: "copy-source" }))).Body?.transformToString(), "copied");
  });

  it("asks every part of an upload begun with a key for that key", async () => {
    const { md5, headers } = customerKey();
    const created = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: "mp", ...headers }));
    assert.equal(created.SSECustomerKeyMD5, md5);
    const UploadId = created.UploadId;
    const first = Buffer.alloc(5 * 1024 * 1024, "p");
    await rejectsWith(s3.send(new UploadPartCommand({ Bucket, Key: "mp", UploadId, PartNumber: 1, Body: first })), "InvalidRequest", 400);
    await rejectsWith(s3.send(new UploadPartCommand({ Bucket, Key: "mp", UploadId, PartNumber: 1, Body: first, ...customerKey().headers })), "InvalidRequest", 400);
    const part = await s3.send(new UploadPartCommand({ Bucket, Key: "mp", UploadId, PartNumber: 1, Body: first, ...headers }));
    assert.equal(part.SSECustomerKeyMD5, md5);
    await s3.send(new PutObjectCommand({ Bucket, Key: "plain-part", Body: "-copy" }));
    const copied = await s3.send(new UploadPartCopyCommand({ Bucket, Key: "mp", UploadId, PartNumber: 2, CopySource: `${Bucket}/plain-part`, ...headers }));
    // A part under a customer key, like the object, has an ETag that is not its bytes' MD5.
    assert.notEqual(copied.CopyPartResult?.ETag, `"${createHash("md5").update("-copy").digest("hex")}"`);
    const done = await s3.send(
      new CompleteMultipartUploadCommand({ Bucket, Key: "mp", UploadId, MultipartUpload: { Parts: [{ ETag: part.ETag, PartNumber: 1 }, { ETag: copied.CopyPartResult?.ETag, PartNumber: 2 }] } }),
    );
    assert.equal(done.ServerSideEncryption, undefined);
    const whole = await s3.send(new GetObjectCommand({ Bucket, Key: "mp", Range: `bytes=${first.length - 1}-`, ...headers }));
    assert.equal(await whole.Body?.transformToString(), "p-copy");
    await rejectsWith(s3.send(new GetObjectCommand({ Bucket, Key: "mp" })), "InvalidRequest", 400);
  });
});
