import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, it } from "node:test";
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectLegalHoldCommand,
  GetObjectLockConfigurationCommand,
  GetObjectRetentionCommand,
  HeadObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectLegalHoldCommand,
  PutObjectLockConfigurationCommand,
  PutObjectRetentionCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from "@aws-sdk/client-iam";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";
import { rawRequest } from "../support/raw.js";

const LOCKED = "locked-bucket";
const DAY = 86_400_000;

describe("S3 Object Lock", () => {
  let t: TestCloud;
  let s3: S3Client;
  const inDays = (days: number) => new Date(Date.now() + days * DAY);

  before(async () => {
    t = await startCloud({ inMemory: true });
    s3 = t.s3();
    await s3.send(new CreateBucketCommand({ Bucket: LOCKED, ObjectLockEnabledForBucket: true }));
  });
  after(() => t.stop());

  it("creates a bucket that keeps versions, and keeps its default retention", async () => {
    assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: LOCKED }))).Status, "Enabled");
    const plain = await s3.send(new GetObjectLockConfigurationCommand({ Bucket: LOCKED }));
    assert.deepEqual(plain.ObjectLockConfiguration, { ObjectLockEnabled: "Enabled" });
    await s3.send(
      new PutObjectLockConfigurationCommand({ Bucket: LOCKED, ObjectLockConfiguration: { ObjectLockEnabled: "Enabled", Rule: { DefaultRetention: { Mode: "GOVERNANCE", Days: 1 } } } }),
    );
    const set = await s3.send(new GetObjectLockConfigurationCommand({ Bucket: LOCKED }));
    assert.deepEqual(set.ObjectLockConfiguration?.Rule, { DefaultRetention: { Mode: "GOVERNANCE", Days: 1 } });
    const locked = await rejectsWith(s3.send(new PutBucketVersioningCommand({ Bucket: LOCKED, VersioningConfiguration: { Status: "Suspended" } })), "InvalidBucketState", 409);
    // Code and message only, as AWS answers (LocalStack's AWS-recorded snapshots).
    assert.equal((locked as Error & { BucketName?: string }).BucketName, undefined);
    // At most 100 years, and never a date no client could read back.
    await rejectsWith(
      s3.send(new PutObjectLockConfigurationCommand({ Bucket: LOCKED, ObjectLockConfiguration: { ObjectLockEnabled: "Enabled", Rule: { DefaultRetention: { Mode: "GOVERNANCE", Days: 40_000 } } } })),
      "InvalidRetentionPeriod",
      400,
    );
    await rejectsWith(
      s3.send(new PutObjectCommand({ Bucket: LOCKED, Key: "far", Body: "x", ObjectLockMode: "GOVERNANCE", ObjectLockRetainUntilDate: new Date(Date.UTC(20000, 0, 1)), ChecksumAlgorithm: "CRC32" })),
      "InvalidArgument",
      400,
    );
    // A time no date can hold is no time at all: refused, not kept as a lock that reads back as a 500 and protects nothing.
    const headers = { "x-amz-object-lock-mode": "GOVERNANCE", "x-amz-object-lock-retain-until-date": "99999999999999999999", "content-md5": createHash("md5").update("x").digest("base64") };
    const refused = await rawRequest(t.cloud.endpoint, { method: "PUT", path: `/${LOCKED}/epoch-far`, headers, body: "x" });
    assert.match(refused.body, /<Code>InvalidArgument<\/Code>.*ObjectLockRetainUntilDate/);
    const retention = `<Retention xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Mode>GOVERNANCE</Mode><RetainUntilDate>99999999999999999999</RetainUntilDate></Retention>`;
    await s3.send(new PutObjectCommand({ Bucket: LOCKED, Key: "epoch-far", Body: "x", ChecksumAlgorithm: "CRC32" }));
    const put = await rawRequest(t.cloud.endpoint, { method: "PUT", path: `/${LOCKED}/epoch-far`, query: { retention: "" }, headers: { "content-md5": createHash("md5").update(retention).digest("base64") }, body: retention });
    assert.equal(put.status, 400);
    assert.match(put.body, /<Code>MalformedXML<\/Code>/);

    await s3.send(new CreateBucketCommand({ Bucket: "unlocked-bucket" }));
    await rejectsWith(s3.send(new GetObjectLockConfigurationCommand({ Bucket: "unlocked-bucket" })), "ObjectLockConfigurationNotFoundError", 404);
    await rejectsWith(
      s3.send(new PutObjectLockConfigurationCommand({ Bucket: "unlocked-bucket", ObjectLockConfiguration: { ObjectLockEnabled: "Enabled" } })),
      "InvalidBucketState",
      409,
    );
    await rejectsWith(
      s3.send(new PutObjectCommand({ Bucket: "unlocked-bucket", Key: "k", Body: "x", ObjectLockMode: "GOVERNANCE", ObjectLockRetainUntilDate: inDays(1) })),
      "InvalidRequest",
      400,
    );
  });

  it("keeps a retained version from deletion unless GOVERNANCE is bypassed", async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: LOCKED, Key: "retained", Body: "keep me" }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: LOCKED, Key: "retained" }));
    assert.equal(head.ObjectLockMode, "GOVERNANCE");
    assert.ok(head.ObjectLockRetainUntilDate && head.ObjectLockRetainUntilDate.getTime() > Date.now());
    const retention = await s3.send(new GetObjectRetentionCommand({ Bucket: LOCKED, Key: "retained", VersionId: put.VersionId }));
    assert.equal(retention.Retention?.Mode, "GOVERNANCE");

    await rejectsWith(s3.send(new DeleteObjectCommand({ Bucket: LOCKED, Key: "retained", VersionId: put.VersionId })), "AccessDenied", 403);
    const batch = await s3.send(new DeleteObjectsCommand({ Bucket: LOCKED, Delete: { Objects: [{ Key: "retained", VersionId: put.VersionId }] } }));
    assert.deepEqual(batch.Errors?.map((e) => [e.Key, e.Code]), [["retained", "AccessDenied"]]);
    // A delete without a version only hides it behind a marker.
    assert.equal((await s3.send(new DeleteObjectCommand({ Bucket: LOCKED, Key: "retained" }))).DeleteMarker, true);

    // Shortening needs the bypass; lengthening does not.
    await rejectsWith(
      s3.send(new PutObjectRetentionCommand({ Bucket: LOCKED, Key: "retained", VersionId: put.VersionId, Retention: { Mode: "GOVERNANCE", RetainUntilDate: new Date(Date.now() + 60_000) } })),
      "AccessDenied",
      403,
    );
    await s3.send(new PutObjectRetentionCommand({ Bucket: LOCKED, Key: "retained", VersionId: put.VersionId, Retention: { Mode: "GOVERNANCE", RetainUntilDate: inDays(10) } }));
    await s3.send(new DeleteObjectCommand({ Bucket: LOCKED, Key: "retained", VersionId: put.VersionId, BypassGovernanceRetention: true }));
  });

  it("holds a version under a legal hold whatever is bypassed, until the hold is lifted", async () => {
    const put = await s3.send(
      new PutObjectCommand({ Bucket: LOCKED, Key: "held", Body: "evidence", ObjectLockLegalHoldStatus: "ON", ObjectLockMode: "GOVERNANCE", ObjectLockRetainUntilDate: inDays(1), ChecksumAlgorithm: "CRC32" }),
    );
    assert.equal((await s3.send(new GetObjectLegalHoldCommand({ Bucket: LOCKED, Key: "held" }))).LegalHold?.Status, "ON");
    await rejectsWith(s3.send(new DeleteObjectCommand({ Bucket: LOCKED, Key: "held", VersionId: put.VersionId, BypassGovernanceRetention: true })), "AccessDenied", 403);
    await s3.send(new PutObjectLegalHoldCommand({ Bucket: LOCKED, Key: "held", VersionId: put.VersionId, LegalHold: { Status: "OFF" } }));
    await s3.send(new DeleteObjectCommand({ Bucket: LOCKED, Key: "held", VersionId: put.VersionId, BypassGovernanceRetention: true }));

    await s3.send(
      new PutObjectLockConfigurationCommand({ Bucket: LOCKED, ObjectLockConfiguration: { ObjectLockEnabled: "Enabled" } }),
    );
    const plain = await s3.send(new PutObjectCommand({ Bucket: LOCKED, Key: "plain", Body: "x" }));
    await rejectsWith(s3.send(new GetObjectRetentionCommand({ Bucket: LOCKED, Key: "plain", VersionId: plain.VersionId })), "NoSuchObjectLockConfiguration", 404);
    await rejectsWith(s3.send(new GetObjectLegalHoldCommand({ Bucket: LOCKED, Key: "plain" })), "NoSuchObjectLockConfiguration", 404);
    await s3.send(new DeleteObjectCommand({ Bucket: LOCKED, Key: "plain", VersionId: plain.VersionId }));
  });

  it("locks a version uploaded with a browser form as its fields say", async () => {
    const { url, fields } = await createPresignedPost(s3, { Bucket: LOCKED, Key: "form.txt", Fields: { "x-amz-object-lock-legal-hold": "ON" }, Expires: 300 });
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    form.append("file", new Blob(["held"]), "form.txt");
    assert.equal((await fetch(url, { method: "POST", body: form })).status, 204);
    const head = await s3.send(new HeadObjectCommand({ Bucket: LOCKED, Key: "form.txt" }));
    assert.equal(head.ObjectLockLegalHoldStatus, "ON");
    await rejectsWith(s3.send(new DeleteObjectCommand({ Bucket: LOCKED, Key: "form.txt", VersionId: head.VersionId, BypassGovernanceRetention: true })), "AccessDenied", 403);
    await s3.send(new PutObjectLegalHoldCommand({ Bucket: LOCKED, Key: "form.txt", LegalHold: { Status: "OFF" } }));
  });
});

describe("S3 Object Lock in strict mode", () => {
  let t: TestCloud;
  let owner: S3Client;
  let iam: IAMClient;
  let user: S3Client;
  const Bucket = "strict-locked";
  /** Replaces the user's one policy with one allowing these actions on the bucket's objects. */
  const allow = (...actions: string[]) =>
    iam.send(
      new PutUserPolicyCommand({
        UserName: "clerk",
        PolicyName: "objects",
        PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: `arn:aws:s3:::${Bucket}/*` }] }),
      }),
    );

  before(async () => {
    t = await startCloud({ inMemory: true, auth: "strict" });
    owner = t.s3();
    iam = new IAMClient(t.cloud.clientConfig);
    await iam.send(new CreateUserCommand({ UserName: "clerk" }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: "clerk" }))).AccessKey;
    user = t.s3({ credentials: { accessKeyId: key?.AccessKeyId ?? "", secretAccessKey: key?.SecretAccessKey ?? "" } });
    await owner.send(new CreateBucketCommand({ Bucket, ObjectLockEnabledForBucket: true }));
  });
  after(async () => {
    iam.destroy();
    await t.stop();
  });

  it("tells a version's retention and legal hold only to who may read them", async () => {
    const until = new Date(Date.now() + DAY);
    await owner.send(new PutObjectCommand({ Bucket, Key: "k", Body: "x", ObjectLockMode: "GOVERNANCE", ObjectLockRetainUntilDate: until, ObjectLockLegalHoldStatus: "ON", ChecksumAlgorithm: "CRC32" }));
    const lock = (head: { ObjectLockMode?: string; ObjectLockRetainUntilDate?: Date; ObjectLockLegalHoldStatus?: string }) => [
      head.ObjectLockMode,
      head.ObjectLockRetainUntilDate?.getTime(),
      head.ObjectLockLegalHoldStatus,
    ];
    const whole = lock(await owner.send(new HeadObjectCommand({ Bucket, Key: "k" })));
    assert.deepEqual(whole, ["GOVERNANCE", whole[1], "ON"]);
    assert.ok(typeof whole[1] === "number");

    await allow("s3:GetObject");
    assert.deepEqual(lock(await user.send(new HeadObjectCommand({ Bucket, Key: "k" }))), [undefined, undefined, undefined]);
    const read = await user.send(new GetObjectCommand({ Bucket, Key: "k" }));
    assert.deepEqual(lock(read), [undefined, undefined, undefined]);
    await read.Body?.transformToString();
    await allow("s3:GetObject", "s3:GetObjectRetention");
    assert.deepEqual(lock(await user.send(new HeadObjectCommand({ Bucket, Key: "k" }))), [whole[0], whole[1], undefined]);
    await allow("s3:GetObject", "s3:GetObjectLegalHold");
    assert.deepEqual(lock(await user.send(new HeadObjectCommand({ Bucket, Key: "k" }))), [undefined, undefined, "ON"]);
  });

  it("takes the bypass of GOVERNANCE only from who may bypass it", async () => {
    const put = await owner.send(new PutObjectCommand({ Bucket, Key: "g", Body: "x", ObjectLockMode: "GOVERNANCE", ObjectLockRetainUntilDate: new Date(Date.now() + DAY), ChecksumAlgorithm: "CRC32" }));
    const VersionId = put.VersionId;
    await allow("s3:DeleteObject", "s3:DeleteObjectVersion");
    await rejectsWith(user.send(new DeleteObjectCommand({ Bucket, Key: "g", VersionId, BypassGovernanceRetention: true })), "AccessDenied", 403);
    const batch = await user.send(new DeleteObjectsCommand({ Bucket, BypassGovernanceRetention: true, Delete: { Objects: [{ Key: "g", VersionId }] } }));
    assert.deepEqual(batch.Errors?.map((e) => [e.Key, e.VersionId, e.Code, e.Message]), [["g", VersionId, "AccessDenied", "Access Denied"]]);
    assert.equal(batch.Deleted, undefined);

    await allow("s3:DeleteObject", "s3:DeleteObjectVersion", "s3:BypassGovernanceRetention");
    const bypassed = await user.send(new DeleteObjectsCommand({ Bucket, BypassGovernanceRetention: true, Delete: { Objects: [{ Key: "g", VersionId }] } }));
    assert.deepEqual(bypassed.Deleted, [{ Key: "g", VersionId }]);
  });

  it("refuses the bypass on a bucket without Object Lock as such, before asking who may bypass", async () => {
    await owner.send(new CreateBucketCommand({ Bucket: "strict-unlocked" }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: "clerk",
        PolicyName: "objects",
        PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:DeleteObject", Resource: "arn:aws:s3:::strict-unlocked/*" }] }),
      }),
    );
    const refused = await rejectsWith(user.send(new DeleteObjectCommand({ Bucket: "strict-unlocked", Key: "k", BypassGovernanceRetention: true })), "InvalidArgument", 400);
    assert.equal(refused.message, "x-amz-bypass-governance-retention is only applicable to Object Lock enabled buckets.");
  });
});
