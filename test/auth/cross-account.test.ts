/**
 * Another account's resources, in the default (lenient) mode: a caller
 * signing as account 222233334444 reaches a bucket of the default account
 * only where that bucket's policy grants it, as on AWS, and learns no more
 * than "Access Denied" (a name the other account holds is
 * BucketAlreadyExists); it assumes a role of the default account where the
 * role's trust policy names it or its account.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  AbortMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  ListPartsCommand,
  PutBucketVersioningCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetBucketPolicyCommand,
  GetObjectAclCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutBucketPolicyCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, IAMClient } from "@aws-sdk/client-iam";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";
import { rawRequest } from "../support/raw.js";

const OTHER = "222233334444";

describe("S3 buckets of another account", () => {
  let t: TestCloud;
  let owner: S3Client;
  let other: S3Client;
  before(async () => {
    t = await startCloud({ inMemory: true });
    owner = t.s3();
    other = t.s3({ credentials: { accessKeyId: OTHER, secretAccessKey: "test" } });
    await owner.send(new CreateBucketCommand({ Bucket: "owned" }));
    await owner.send(new PutObjectCommand({ Bucket: "owned", Key: "shared/report.csv", Body: "a,b" }));
    await owner.send(new PutObjectCommand({ Bucket: "owned", Key: "private/secret", Body: "no" }));
    await other.send(new CreateBucketCommand({ Bucket: "others-own" }));
  });
  after(() => t.stop());

  it("refuses every request on a bucket that grants the account nothing, saying only Access Denied", async () => {
    const refused = [
      () => other.send(new GetObjectCommand({ Bucket: "owned", Key: "private/secret" })),
      () => other.send(new ListObjectsV2Command({ Bucket: "owned" })),
      () => other.send(new PutObjectCommand({ Bucket: "owned", Key: "private/secret", Body: "overwritten" })),
      () => other.send(new DeleteObjectCommand({ Bucket: "owned", Key: "private/secret" })),
      () => other.send(new GetBucketPolicyCommand({ Bucket: "owned" })),
      () => other.send(new DeleteBucketCommand({ Bucket: "owned" })),
    ];
    for (const attempt of refused) assert.equal((await rejectsWith(attempt(), "AccessDenied", 403)).message, "Access Denied");
    // A HEAD answer has no body: the SDK sees the status alone.
    await rejectsWith(other.send(new HeadObjectCommand({ Bucket: "owned", Key: "private/secret" })), "Unknown", 403);
    const { Body } = await owner.send(new GetObjectCommand({ Bucket: "owned", Key: "private/secret" }));
    assert.equal(await Body!.transformToString(), "no", "nothing refused changed the object");
    await rejectsWith(other.send(new CreateBucketCommand({ Bucket: "owned" })), "BucketAlreadyExists", 409);
    assert.deepEqual((await other.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name), ["others-own"]);
  });

  it("lets the account do what the bucket policy grants it, and nothing more", async () => {
    const Policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OTHER}:root` }, Action: "s3:GetObject", Resource: "arn:aws:s3:::owned/shared/*" }],
    });
    await owner.send(new PutBucketPolicyCommand({ Bucket: "owned", Policy }));
    const { Body } = await other.send(new GetObjectCommand({ Bucket: "owned", Key: "shared/report.csv" }));
    assert.equal(await Body!.transformToString(), "a,b");
    await other.send(new CopyObjectCommand({ Bucket: "others-own", Key: "copy.csv", CopySource: "owned/shared/report.csv" }));
    await rejectsWith(other.send(new CopyObjectCommand({ Bucket: "others-own", Key: "copy", CopySource: "owned/private/secret" })), "AccessDenied", 403);
    await rejectsWith(other.send(new GetObjectCommand({ Bucket: "owned", Key: "private/secret" })), "AccessDenied", 403);
    // A missing key answers 404 only to who may list the bucket.
    await rejectsWith(other.send(new GetObjectCommand({ Bucket: "owned", Key: "shared/missing" })), "AccessDenied", 403);
    await rejectsWith(other.send(new ListObjectsV2Command({ Bucket: "owned", Prefix: "shared/" })), "AccessDenied", 403);
  });
});

describe("objects another account writes where ACLs apply", () => {
  let t: TestCloud;
  before(async () => {
    t = await startCloud({ inMemory: true });
  });
  after(() => t.stop());

  it("belong to the writer: the bucket's owner reads them only where their ACL grants it, and the writer deletes them only where the bucket allows it", async () => {
    const owner = t.s3();
    const other = t.s3({ credentials: { accessKeyId: OTHER, secretAccessKey: "test" } });
    await owner.send(new CreateBucketCommand({ Bucket: "drop-box", ObjectOwnership: "ObjectWriter" }));
    const Policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { AWS: OTHER }, Action: ["s3:PutObject", "s3:PutObjectAcl"], Resource: "arn:aws:s3:::drop-box/*" }],
    });
    await owner.send(new PutBucketPolicyCommand({ Bucket: "drop-box", Policy }));
    await other.send(new PutObjectCommand({ Bucket: "drop-box", Key: "private", Body: "theirs" }));
    await other.send(new PutObjectCommand({ Bucket: "drop-box", Key: "shared", Body: "for the owner", ACL: "bucket-owner-full-control" }));

    const { Body } = await other.send(new GetObjectCommand({ Bucket: "drop-box", Key: "private" }));
    assert.equal(await Body!.transformToString(), "theirs");
    assert.equal((await other.send(new GetObjectAclCommand({ Bucket: "drop-box", Key: "private" }))).Grants?.length, 1);
    await rejectsWith(owner.send(new GetObjectCommand({ Bucket: "drop-box", Key: "private" })), "AccessDenied", 403);
    await rejectsWith(owner.send(new PutObjectAclCommand({ Bucket: "drop-box", Key: "private", ACL: "public-read" })), "AccessDenied", 403);
    const shared = await owner.send(new GetObjectCommand({ Bucket: "drop-box", Key: "shared" }));
    assert.equal(await shared.Body!.transformToString(), "for the owner");

    await rejectsWith(other.send(new DeleteObjectCommand({ Bucket: "drop-box", Key: "private" })), "AccessDenied", 403);
    await owner.send(new DeleteObjectCommand({ Bucket: "drop-box", Key: "private" }));
  });
});

describe("what each account may do, decided request by request", () => {
  let t: TestCloud;
  let owner: S3Client;
  let other: S3Client;
  let third: S3Client;
  const policy = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });
  before(async () => {
    t = await startCloud({ inMemory: true });
    owner = t.s3();
    other = t.s3({ credentials: { accessKeyId: OTHER, secretAccessKey: "test" } });
    third = t.s3({ credentials: { accessKeyId: "333344445555", secretAccessKey: "test" } });
  });
  after(() => t.stop());

  it("authorizes each key of a DeleteObjects, a version's delete as s3:DeleteObjectVersion", async () => {
    await owner.send(new CreateBucketCommand({ Bucket: "multi-delete" }));
    await owner.send(new PutBucketVersioningCommand({ Bucket: "multi-delete", VersioningConfiguration: { Status: "Enabled" } }));
    const written = await owner.send(new PutObjectCommand({ Bucket: "multi-delete", Key: "open/versioned", Body: "x" }));
    for (const Key of ["open/a", "protected/b"]) await owner.send(new PutObjectCommand({ Bucket: "multi-delete", Key, Body: "x" }));
    await owner.send(new PutBucketPolicyCommand({
      Bucket: "multi-delete",
      Policy: policy(
        { Effect: "Allow", Principal: { AWS: OTHER }, Action: "s3:DeleteObject", Resource: "arn:aws:s3:::multi-delete/*" },
        { Effect: "Deny", Principal: "*", Action: "s3:DeleteObject", Resource: "arn:aws:s3:::multi-delete/protected/*" },
      ),
    }));
    const objects = [{ Key: "open/a" }, { Key: "protected/b" }, { Key: "open/versioned", VersionId: written.VersionId }];
    const answer = await other.send(new DeleteObjectsCommand({ Bucket: "multi-delete", Delete: { Objects: objects } }));
    assert.deepEqual(answer.Deleted?.map((d) => d.Key), ["open/a"]);
    assert.deepEqual(answer.Errors?.map((e) => [e.Key, e.Code]).sort(), [["open/versioned", "AccessDenied"], ["protected/b", "AccessDenied"]]);
    // The bucket's own account is held to the deny too, one key as many.
    const own = await owner.send(new DeleteObjectsCommand({ Bucket: "multi-delete", Delete: { Objects: [{ Key: "protected/b" }] } }));
    assert.deepEqual(own.Errors?.map((e) => e.Code), ["AccessDenied"]);
    await owner.send(new HeadObjectCommand({ Bucket: "multi-delete", Key: "protected/b" }));
  });

  it("lets an object's own ACL, not the bucket's policy, grant what another account wrote, version by version", async () => {
    await owner.send(new CreateBucketCommand({ Bucket: "writers", ObjectOwnership: "ObjectWriter" }));
    await owner.send(new PutBucketVersioningCommand({ Bucket: "writers", VersioningConfiguration: { Status: "Enabled" } }));
    const readers = ["000000000000", OTHER, "333344445555"];
    await owner.send(new PutBucketPolicyCommand({
      Bucket: "writers",
      Policy: policy(
        { Effect: "Allow", Principal: { AWS: OTHER }, Action: "s3:PutObject", Resource: "arn:aws:s3:::writers/*" },
        { Effect: "Allow", Principal: { AWS: readers }, Action: ["s3:GetObject", "s3:GetObjectVersion"], Resource: "arn:aws:s3:::writers/*" },
      ),
    }));
    const mine = await other.send(new PutObjectCommand({ Bucket: "writers", Key: "doc", Body: "other's" }));
    await rejectsWith(third.send(new GetObjectCommand({ Bucket: "writers", Key: "doc" })), "AccessDenied", 403);
    await rejectsWith(owner.send(new GetObjectCommand({ Bucket: "writers", Key: "doc" })), "AccessDenied", 403);
    // An empty version id is not the current version: asking for it first (after a write) changes nothing.
    await owner.send(new PutObjectCommand({ Bucket: "writers", Key: "unrelated", Body: "x" }));
    const emptyVersion = await rawRequest(t.cloud.endpoint, { method: "GET", path: "/writers/doc", query: { versionId: "" } });
    assert.equal(emptyVersion.status, 400);
    await rejectsWith(owner.send(new GetObjectCommand({ Bucket: "writers", Key: "doc" })), "AccessDenied", 403);
    const ownersVersion = await owner.send(new PutObjectCommand({ Bucket: "writers", Key: "doc", Body: "owner's" }));
    // Each version is its writer's.
    await rejectsWith(owner.send(new GetObjectCommand({ Bucket: "writers", Key: "doc", VersionId: mine.VersionId })), "AccessDenied", 403);
    const back = await other.send(new GetObjectCommand({ Bucket: "writers", Key: "doc", VersionId: mine.VersionId }));
    assert.equal(await back.Body!.transformToString(), "other's");
    const current = await third.send(new GetObjectCommand({ Bucket: "writers", Key: "doc", VersionId: ownersVersion.VersionId }));
    assert.equal(await current.Body!.transformToString(), "owner's");
  });

  it("lets an upload's initiator list and abort it in another account's bucket", async () => {
    await owner.send(new CreateBucketCommand({ Bucket: "uploads-in" }));
    await owner.send(new PutBucketPolicyCommand({
      Bucket: "uploads-in",
      Policy: policy(
        { Effect: "Allow", Principal: { AWS: OTHER }, Action: "s3:PutObject", Resource: "arn:aws:s3:::uploads-in/*" },
        { Effect: "Deny", Principal: "*", Action: ["s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"], Resource: "arn:aws:s3:::uploads-in/locked/*" },
      ),
    }));
    const locked = await other.send(new CreateMultipartUploadCommand({ Bucket: "uploads-in", Key: "locked/big" }));
    await rejectsWith(other.send(new AbortMultipartUploadCommand({ Bucket: "uploads-in", Key: "locked/big", UploadId: locked.UploadId })), "AccessDenied", 403);
    const { UploadId } = await other.send(new CreateMultipartUploadCommand({ Bucket: "uploads-in", Key: "big" }));
    assert.deepEqual((await other.send(new ListPartsCommand({ Bucket: "uploads-in", Key: "big", UploadId }))).Parts ?? [], []);
    await rejectsWith(third.send(new AbortMultipartUploadCommand({ Bucket: "uploads-in", Key: "big", UploadId })), "AccessDenied", 403);
    await other.send(new AbortMultipartUploadCommand({ Bucket: "uploads-in", Key: "big", UploadId }));
  });

  it("leaves a taken name's policy out of CreateBucket, and holds a missing key's 404 to s3:ListBucket", async () => {
    await owner.send(new CreateBucketCommand({ Bucket: "fenced" }));
    await owner.send(new PutBucketPolicyCommand({
      Bucket: "fenced",
      Policy: policy(
        { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: ["arn:aws:s3:::fenced", "arn:aws:s3:::fenced/*"], Condition: { StringNotEquals: { "aws:PrincipalAccount": "000000000000" } } },
        { Effect: "Deny", Principal: "*", Action: "s3:ListBucket", Resource: "arn:aws:s3:::fenced" },
        // The policy that refuses requests without TLS: a client on this machine is not shut out by it.
        { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: ["arn:aws:s3:::fenced", "arn:aws:s3:::fenced/*"], Condition: { Bool: { "aws:SecureTransport": "false" } } },
      ),
    }));
    await rejectsWith(other.send(new CreateBucketCommand({ Bucket: "fenced" })), "BucketAlreadyExists", 409);
    await rejectsWith(owner.send(new GetObjectCommand({ Bucket: "fenced", Key: "missing" })), "AccessDenied", 403);
    // Nor does s3:ListBucket reveal a missing key under a denied s3:GetObject.
    await owner.send(new CreateBucketCommand({ Bucket: "half-open" }));
    await owner.send(new PutBucketPolicyCommand({ Bucket: "half-open", Policy: policy({ Effect: "Deny", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::half-open/secret/*" }) }));
    await rejectsWith(owner.send(new GetObjectCommand({ Bucket: "half-open", Key: "secret/missing" })), "AccessDenied", 403);
    await rejectsWith(owner.send(new GetObjectCommand({ Bucket: "half-open", Key: "open/missing" })), "NoSuchKey", 404);
    await owner.send(new PutObjectCommand({ Bucket: "fenced", Key: "present", Body: "x" }));
    await owner.send(new GetObjectCommand({ Bucket: "fenced", Key: "present" }));
  });
});

describe("roles of another account", () => {
  let t: TestCloud;
  before(async () => {
    t = await startCloud({ inMemory: true });
  });
  after(() => t.stop());

  it("are assumed by the accounts and callers their trust policy names", async () => {
    const config = (accessKeyId: string, secretAccessKey = "test") => ({ ...t.cloud.clientConfig, credentials: { accessKeyId, secretAccessKey } });
    const iam = new IAMClient(t.cloud.clientConfig);
    const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OTHER}:root` }, Action: "sts:AssumeRole" }] });
    const { Role } = await iam.send(new CreateRoleCommand({ RoleName: "shared-deploy", AssumeRolePolicyDocument: trust }));
    const assume = (accessKeyId: string, secretAccessKey?: string) =>
      new STSClient(config(accessKeyId, secretAccessKey)).send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: "ci" }));

    assert.equal((await assume(OTHER)).AssumedRoleUser?.Arn, "arn:aws:sts::000000000000:assumed-role/shared-deploy/ci");
    // Naming the account admits its users too (their own policies are lenient mode's to trust).
    const otherIam = new IAMClient(config(OTHER));
    await otherIam.send(new CreateUserCommand({ UserName: "builder" }));
    const { AccessKey } = await otherIam.send(new CreateAccessKeyCommand({ UserName: "builder" }));
    await assume(AccessKey!.AccessKeyId!, AccessKey!.SecretAccessKey!);
    const refused = await rejectsWith(assume("333344445555"), "AccessDenied", 403);
    assert.equal(refused.message, `User: arn:aws:iam::333344445555:root is not authorized to perform: sts:AssumeRole on resource: ${Role!.Arn}`);
  });
});
