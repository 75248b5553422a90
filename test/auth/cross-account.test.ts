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
  CopyObjectCommand,
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
