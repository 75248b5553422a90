/**
 * IAM state survives a restart on the same data dir: users, keys, groups,
 * managed and inline policies and their attachments, roles, instance
 * profiles, key last use; and the user's key still authenticates and is
 * still authorized in strict mode.
 */
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import {
  AddRoleToInstanceProfileCommand,
  AddUserToGroupCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateInstanceProfileCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetAccessKeyLastUsedCommand,
  GetGroupCommand,
  GetInstanceProfileCommand,
  GetRoleCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListPoliciesCommand,
  ListUsersCommand,
  PutUserPolicyCommand,
} from "@aws-sdk/client-iam";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { start, type Nimbus } from "../../src/index.js";
import { rejectsWith, tempDir } from "../support/nimbus.js";

const ACCOUNT = "000000000000";
const doc = (statement: unknown) => JSON.stringify({ Version: "2012-10-17", Statement: [statement] });
const BUCKET_POLICY = doc({ Effect: "Allow", Action: ["s3:PutObject", "s3:GetObject"], Resource: "arn:aws:s3:::mybucket1/*" });
const TRUST = doc({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/ops/keeper` }, Action: "sts:AssumeRole" });

describe("IAM state across a restart (strict mode)", () => {
  let dataDir: string;
  let key: { accessKeyId: string; secretAccessKey: string };
  let policyArn: string;
  let profileId: string;

  before(async () => {
    dataDir = await tempDir();
    const cloud = await start({ dataDir, auth: "strict" });
    const iam = new IAMClient(cloud.clientConfig);
    const s3 = new S3Client(cloud.clientConfig);
    try {
      await s3.send(new CreateBucketCommand({ Bucket: "mybucket1" }));
      await s3.send(new CreateBucketCommand({ Bucket: "otherbucket" }));
      await iam.send(new CreateUserCommand({ UserName: "keeper", Path: "/ops/" }));
      policyArn = (await iam.send(new CreatePolicyCommand({ PolicyName: "OneBucket", PolicyDocument: BUCKET_POLICY }))).Policy!.Arn!;
      await iam.send(new AttachUserPolicyCommand({ UserName: "keeper", PolicyArn: policyArn }));
      await iam.send(new PutUserPolicyCommand({ UserName: "keeper", PolicyName: "inline", PolicyDocument: doc({ Effect: "Deny", Action: "s3:GetObject", Resource: "arn:aws:s3:::mybucket1/private/*" }) }));
      await iam.send(new CreateGroupCommand({ GroupName: "crew" }));
      await iam.send(new AddUserToGroupCommand({ GroupName: "crew", UserName: "keeper" }));
      await iam.send(new CreateRoleCommand({ RoleName: "reader", AssumeRolePolicyDocument: TRUST }));
      await iam.send(new AttachRolePolicyCommand({ RoleName: "reader", PolicyArn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" }));
      profileId = (await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: "reader-profile" }))).InstanceProfile!.InstanceProfileId!;
      await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: "reader-profile", RoleName: "reader" }));
      const made = await iam.send(new CreateAccessKeyCommand({ UserName: "keeper" }));
      key = { accessKeyId: made.AccessKey!.AccessKeyId!, secretAccessKey: made.AccessKey!.SecretAccessKey! };
      await new S3Client({ ...cloud.clientConfig, credentials: key }).send(new PutObjectCommand({ Bucket: "mybucket1", Key: "before", Body: "kept" }));
    } finally {
      iam.destroy();
      s3.destroy();
      await cloud.stop();
    }
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("finds everything again, and the key still authenticates and is authorized", async () => {
    const cloud: Nimbus = await start({ dataDir, auth: "strict" });
    const iam = new IAMClient(cloud.clientConfig);
    const user = new S3Client({ ...cloud.clientConfig, credentials: key });
    const userSts = new STSClient({ ...cloud.clientConfig, credentials: key });
    try {
      assert.deepEqual((await iam.send(new ListUsersCommand({}))).Users?.map((u) => u.Arn), [`arn:aws:iam::${ACCOUNT}:user/ops/keeper`]);
      assert.deepEqual((await iam.send(new ListAccessKeysCommand({ UserName: "keeper" }))).AccessKeyMetadata?.map((k) => [k.AccessKeyId, k.Status]), [[key.accessKeyId, "Active"]]);
      assert.deepEqual((await iam.send(new ListAttachedUserPoliciesCommand({ UserName: "keeper" }))).AttachedPolicies?.map((p) => p.PolicyArn), [policyArn]);
      assert.equal(decodeURIComponent((await iam.send(new GetUserPolicyCommand({ UserName: "keeper", PolicyName: "inline" }))).PolicyDocument!), doc({ Effect: "Deny", Action: "s3:GetObject", Resource: "arn:aws:s3:::mybucket1/private/*" }));
      assert.deepEqual((await iam.send(new ListPoliciesCommand({ Scope: "Local" }))).Policies?.map((p) => [p.PolicyName, p.AttachmentCount]), [["OneBucket", 1]]);
      assert.deepEqual((await iam.send(new GetGroupCommand({ GroupName: "crew" }))).Users?.map((u) => u.UserName), ["keeper"]);
      assert.equal(decodeURIComponent((await iam.send(new GetRoleCommand({ RoleName: "reader" }))).Role!.AssumeRolePolicyDocument!), TRUST);
      assert.deepEqual((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: "reader" }))).AttachedPolicies?.map((p) => p.PolicyName), ["AmazonS3ReadOnlyAccess"]);
      const profile = (await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: "reader-profile" }))).InstanceProfile!;
      assert.equal(profile.InstanceProfileId, profileId);
      assert.deepEqual(profile.Roles?.map((r) => r.RoleName), ["reader"]);
      const used = (await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.accessKeyId }))).AccessKeyLastUsed!;
      assert.deepEqual([used.ServiceName, used.Region], ["s3", "us-east-1"]);

      // The key signs, and the policies still decide.
      assert.equal(await (await user.send(new GetObjectCommand({ Bucket: "mybucket1", Key: "before" }))).Body?.transformToString(), "kept");
      await user.send(new PutObjectCommand({ Bucket: "mybucket1", Key: "after", Body: "new" }));
      await rejectsWith(user.send(new PutObjectCommand({ Bucket: "otherbucket", Key: "x", Body: "x" })), "AccessDenied", 403);
      await rejectsWith(user.send(new GetObjectCommand({ Bucket: "mybucket1", Key: "private/x" })), "AccessDenied", 403);
      const assumed = await userSts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/reader`, RoleSessionName: "after-restart" }));
      assert.equal(assumed.AssumedRoleUser?.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/reader/after-restart`);
    } finally {
      for (const c of [iam, user, userSts]) c.destroy();
      await cloud.stop();
    }
  });
});
