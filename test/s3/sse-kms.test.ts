import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { after, before, describe, it } from "node:test";
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketEncryptionCommand,
  GetBucketEncryptionCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketEncryptionCommand,
  PutBucketReplicationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";
import { rawRequest } from "../support/raw.js";

const BUCKET = "kms-bucket";
const KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab";
const KEY_ARN = `arn:aws:kms:us-east-1:000000000000:key/${KEY_ID}`;
const MANAGED_KEY = /^arn:aws:kms:us-east-1:000000000000:key\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/;
const md5 = (text: string) => `"${createHash("md5").update(text).digest("hex")}"`;

describe("S3 server-side encryption with KMS keys", () => {
  let t: TestCloud;
  let s3: S3Client;
  before(async () => {
    t = await startCloud();
    s3 = t.s3();
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  });
  after(() => t.stop());

  it("encrypts under the AWS-managed key when none is named, and reads answer the key's ARN", async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "managed", Body: "secret", ServerSideEncryption: "aws:kms" }));
    assert.equal(put.ServerSideEncryption, "aws:kms");
    assert.match(put.SSEKMSKeyId ?? "", MANAGED_KEY);
    assert.equal(put.BucketKeyEnabled, undefined);
    // Not the MD5 of the bytes, and new with every write.
    assert.match(put.ETag ?? "", /^"[0-9a-f]{32}"$/);
    assert.notEqual(put.ETag, md5("secret"));
    const again = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "managed-2", Body: "secret", ServerSideEncryption: "aws:kms" }));
    assert.notEqual(again.ETag, put.ETag);
    assert.equal(again.SSEKMSKeyId, put.SSEKMSKeyId);

    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "managed" }));
    assert.equal(await got.Body?.transformToString(), "secret");
    assert.deepEqual([got.ServerSideEncryption, got.SSEKMSKeyId, got.ETag], ["aws:kms", put.SSEKMSKeyId, put.ETag]);
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "managed" }));
    assert.deepEqual([head.ServerSideEncryption, head.SSEKMSKeyId, head.ETag], ["aws:kms", put.SSEKMSKeyId, put.ETag]);
  });

  it("answers a named key as its ARN, and refuses a name no key could have or a key of another region", async () => {
    const byId = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "by-id", Body: "x", ServerSideEncryption: "aws:kms", SSEKMSKeyId: KEY_ID, BucketKeyEnabled: true }));
    assert.deepEqual([byId.SSEKMSKeyId, byId.BucketKeyEnabled], [KEY_ARN, true]);
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "by-id" }));
    assert.deepEqual([head.SSEKMSKeyId, head.BucketKeyEnabled], [KEY_ARN, true]);
    const byArn = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "by-arn", Body: "x", ServerSideEncryption: "aws:kms", SSEKMSKeyId: KEY_ARN }));
    assert.equal(byArn.SSEKMSKeyId, KEY_ARN);
    // An alias is answered as the key it names; DSSE-KMS uses no bucket key.
    const byAlias = await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: "by-alias", Body: "x", ServerSideEncryption: "aws:kms:dsse", SSEKMSKeyId: "alias/app-data", BucketKeyEnabled: true }),
    );
    assert.deepEqual([byAlias.ServerSideEncryption, byAlias.BucketKeyEnabled], ["aws:kms:dsse", undefined]);
    assert.match(byAlias.SSEKMSKeyId ?? "", /^arn:aws:kms:us-east-1:000000000000:key\/[0-9a-f-]{36}$/);
    const aliasArn = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "by-alias", Body: "x", ServerSideEncryption: "aws:kms", SSEKMSKeyId: "arn:aws:kms:us-east-1:000000000000:alias/app-data" }));
    assert.equal(aliasArn.SSEKMSKeyId, byAlias.SSEKMSKeyId);
    const managed = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "by-alias", Body: "x", ServerSideEncryption: "aws:kms" }));
    const managedAlias = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "by-alias", Body: "x", ServerSideEncryption: "aws:kms", SSEKMSKeyId: "alias/aws/s3" }));
    assert.equal(managedAlias.SSEKMSKeyId, managed.SSEKMSKeyId);

    const invalid = await rejectsWith(
      s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "bad-key", Body: "x", ServerSideEncryption: "aws:kms", SSEKMSKeyId: "testkey-1" })),
      "KMS.NotFoundException",
      400,
    );
    assert.equal(invalid.message, "Invalid keyId 'testkey-1'");
    const elsewhere = await rejectsWith(
      s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: "bad-key", ServerSideEncryption: "aws:kms", SSEKMSKeyId: KEY_ARN.replace("us-east-1", "eu-west-1") })),
      "KMS.NotFoundException",
      400,
    );
    assert.equal(elsewhere.message, "Invalid arn eu-west-1");
  });

  it("checks and echoes an encryption context", async () => {
    const context = Buffer.from(JSON.stringify({ project: "nimbus" })).toString("base64");
    const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "context", Body: "x", ServerSideEncryption: "aws:kms", SSEKMSEncryptionContext: context }));
    assert.equal(put.SSEKMSEncryptionContext, context);
    for (const bad of [Buffer.from("[1]").toString("base64"), Buffer.from('{"n":1}').toString("base64"), "not base64!"]) {
      const refused = await rejectsWith(
        s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "context", Body: "x", ServerSideEncryption: "aws:kms", SSEKMSEncryptionContext: bad })),
        "InvalidArgument",
        400,
      );
      assert.equal(refused.message, "The header 'x-amz-server-side-encryption-context' shall be Base64-encoded UTF-8 string holding JSON which represents a string-string map");
    }
  });

  it("applies a bucket's default KMS encryption, answering its configuration as it was set", async () => {
    const bucket = "kms-default-bucket";
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: bucket,
        ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: KEY_ID }, BucketKeyEnabled: true }] },
      }),
    );
    const config = await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
    const rule = config.ServerSideEncryptionConfiguration?.Rules?.[0];
    assert.deepEqual(rule?.ApplyServerSideEncryptionByDefault, { SSEAlgorithm: "aws:kms", KMSMasterKeyID: KEY_ID });
    assert.equal(rule?.BucketKeyEnabled, true);

    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "plain", Body: "x" }));
    assert.deepEqual([put.ServerSideEncryption, put.SSEKMSKeyId, put.BucketKeyEnabled], ["aws:kms", KEY_ARN, true]);
    // A context sent with a write the default puts under a KMS key is checked as a named one is.
    await rejectsWith(s3.send(new PutObjectCommand({ Bucket: bucket, Key: "plain", Body: "x", SSEKMSEncryptionContext: "!!garbage!!" })), "InvalidArgument", 400);
    // A write naming SSE-S3 keeps it.
    const aes = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "aes", Body: "x", ServerSideEncryption: "AES256" }));
    assert.deepEqual([aes.ServerSideEncryption, aes.SSEKMSKeyId, aes.ETag], ["AES256", undefined, md5("x")]);

    // Without a key the AWS-managed one is used, and GetBucketEncryption names none.
    await s3.send(new PutBucketEncryptionCommand({ Bucket: bucket, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms" } }] } }));
    const managed = await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
    assert.deepEqual(managed.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault, { SSEAlgorithm: "aws:kms" });
    const managedPut = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "managed", Body: "x" }));
    assert.match(managedPut.SSEKMSKeyId ?? "", MANAGED_KEY);
    assert.equal(managedPut.BucketKeyEnabled, undefined);

    await s3.send(new DeleteBucketEncryptionCommand({ Bucket: bucket }));
    const reset = await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
    assert.deepEqual(reset.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault, { SSEAlgorithm: "AES256" });
    const after = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "after", Body: "x" }));
    assert.equal(after.ServerSideEncryption, "AES256");
  });

  it("copies an object under a KMS key in place to SSE-S3, and into a KMS key when asked", async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "copied", Body: "test", ServerSideEncryption: "aws:kms", SSEKMSKeyId: KEY_ID }));
    const inPlace = await s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: "copied", CopySource: `${BUCKET}/copied` }));
    assert.deepEqual([inPlace.ServerSideEncryption, inPlace.SSEKMSKeyId, inPlace.CopyObjectResult?.ETag], ["AES256", undefined, md5("test")]);
    const toKms = await s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: "copied-kms", CopySource: `${BUCKET}/copied`, ServerSideEncryption: "aws:kms" }));
    assert.equal(toKms.ServerSideEncryption, "aws:kms");
    assert.match(toKms.SSEKMSKeyId ?? "", MANAGED_KEY);
    assert.notEqual(toKms.CopyObjectResult?.ETag, md5("test"));
  });

  it("encrypts a multipart upload's parts and object under the upload's key", async () => {
    const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: "multi", ServerSideEncryption: "aws:kms", SSEKMSKeyId: KEY_ID, BucketKeyEnabled: true }));
    assert.deepEqual([created.ServerSideEncryption, created.SSEKMSKeyId, created.BucketKeyEnabled], ["aws:kms", KEY_ARN, true]);
    const part = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: "multi", UploadId: created.UploadId, PartNumber: 1, Body: "part one" }));
    assert.deepEqual([part.ServerSideEncryption, part.SSEKMSKeyId, part.BucketKeyEnabled], ["aws:kms", KEY_ARN, true]);
    assert.notEqual(part.ETag, md5("part one"));
    const done = await s3.send(
      new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: "multi", UploadId: created.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }),
    );
    assert.deepEqual([done.ServerSideEncryption, done.SSEKMSKeyId, done.BucketKeyEnabled], ["aws:kms", KEY_ARN, true]);
    // The object's ETag is still the MD5 of its parts' ETags.
    const partDigest = Buffer.from((part.ETag ?? "").replaceAll('"', ""), "hex");
    assert.equal(done.ETag, `"${createHash("md5").update(partDigest).digest("hex")}-1"`);
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "multi" }));
    assert.deepEqual([head.ServerSideEncryption, head.SSEKMSKeyId, head.BucketKeyEnabled], ["aws:kms", KEY_ARN, true]);
  });

  it("refuses a read or a write signed with Signature Version 2", async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "v2-read", Body: "x", ServerSideEncryption: "aws:kms" }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "v2-plain", Body: "x" }));
    const date = new Date().toUTCString();
    const v2 = (key: string) => {
      const signature = createHmac("sha1", "test").update(`GET\n\n\n${date}\n/${BUCKET}/${key}`).digest("base64");
      return rawRequest(t.cloud.endpoint, { method: "GET", path: `/${BUCKET}/${key}`, anonymous: true, headers: { date, authorization: `AWS test:${signature}` } });
    };
    assert.equal((await v2("v2-plain")).status, 200);
    const refused = await v2("v2-read");
    assert.equal(refused.status, 400);
    assert.match(refused.body, /<Code>InvalidArgument<\/Code>/);
    assert.match(refused.body, /<Message>Requests specifying Server Side Encryption with AWS KMS managed keys require AWS Signature Version 4.<\/Message>/);
    assert.match(refused.body, /<ArgumentName>Authorization<\/ArgumentName>/);
    const putSignature = createHmac("sha1", "test").update(`PUT\n\n\n${date}\nx-amz-server-side-encryption:aws:kms\n/${BUCKET}/v2-write`).digest("base64");
    const write = await rawRequest(t.cloud.endpoint, {
      method: "PUT",
      path: `/${BUCKET}/v2-write`,
      anonymous: true,
      headers: { date, authorization: `AWS test:${putSignature}`, "x-amz-server-side-encryption": "aws:kms", "content-length": "1" },
      body: "x",
    });
    assert.equal(write.status, 400);
    assert.match(write.body, /require AWS Signature Version 4/);
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "v2-write" })), "NotFound", 404);
  });

  it("replicates an object under a KMS key only where the rule opts in", async () => {
    for (const bucket of ["kms-source", "kms-replica", "kms-replica-opted"]) {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }));
    }
    const replicaKey = `arn:aws:kms:us-east-1:000000000000:key/${"0".repeat(8)}-0000-0000-0000-${"0".repeat(12)}`;
    await s3.send(
      new PutBucketReplicationCommand({
        Bucket: "kms-source",
        ReplicationConfiguration: {
          Role: "arn:aws:iam::000000000000:role/replication",
          Rules: [
            { ID: "plain", Priority: 1, Status: "Enabled", Filter: {}, DeleteMarkerReplication: { Status: "Disabled" }, Destination: { Bucket: "arn:aws:s3:::kms-replica" } },
            {
              ID: "opted",
              Priority: 2,
              Status: "Enabled",
              Filter: {},
              DeleteMarkerReplication: { Status: "Disabled" },
              SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: "Enabled" } },
              Destination: { Bucket: "arn:aws:s3:::kms-replica-opted", EncryptionConfiguration: { ReplicaKmsKeyID: replicaKey } },
            },
          ],
        },
      }),
    );
    // Opting in takes a key for the replicas.
    const unkeyed = await rejectsWith(
      s3.send(
        new PutBucketReplicationCommand({
          Bucket: "kms-source",
          ReplicationConfiguration: {
            Role: "arn:aws:iam::000000000000:role/replication",
            Rules: [
              {
                ID: "unkeyed",
                Priority: 1,
                Status: "Enabled",
                Filter: {},
                DeleteMarkerReplication: { Status: "Disabled" },
                SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: "Enabled" } },
                Destination: { Bucket: "arn:aws:s3:::kms-replica-opted" },
              },
            ],
          },
        }),
      ),
      "InvalidRequest",
      400,
    );
    assert.equal(unkeyed.message, "ReplicaKmsKeyID must be specified if SseKmsEncryptedObjects tag is present.");
    await s3.send(new PutObjectCommand({ Bucket: "kms-source", Key: "doc", Body: "x", ServerSideEncryption: "aws:kms" }));
    let source = await s3.send(new HeadObjectCommand({ Bucket: "kms-source", Key: "doc" }));
    for (let i = 0; i < 50 && source.ReplicationStatus === "PENDING"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      source = await s3.send(new HeadObjectCommand({ Bucket: "kms-source", Key: "doc" }));
    }
    assert.equal(source.ReplicationStatus, "COMPLETED");
    const replica = await s3.send(new HeadObjectCommand({ Bucket: "kms-replica-opted", Key: "doc" }));
    assert.deepEqual([replica.ReplicationStatus, replica.ServerSideEncryption, replica.SSEKMSKeyId], ["REPLICA", "aws:kms", replicaKey]);
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: "kms-replica", Key: "doc" })), "NotFound", 404);
  });
});
