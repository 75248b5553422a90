/**
 * The least-privilege story in strict mode: a user allowed s3:PutObject and
 * s3:GetObject on one bucket can use it, is refused elsewhere and on IAM,
 * loses access when the key is deactivated or the policy detached, and
 * regains it through a role it assumes, until the session expires. The
 * tests run in order, as one story.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DetachUserPolicyCommand,
  IAMClient,
  ListUsersCommand,
  PutUserPolicyCommand,
  UpdateAccessKeyCommand,
} from "@aws-sdk/client-iam";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";

const POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Sid: "OneBucket", Effect: "Allow", Action: ["s3:PutObject", "s3:GetObject"], Resource: "arn:aws:s3:::mybucket1/*" }],
});

describe("strict mode: least privilege", () => {
  let t: TestCloud;
  let iam: IAMClient;
  let root: S3Client;
  let user: S3Client;
  let userIam: IAMClient;
  let keyId: string;
  let policyArn: string;
  /** How far the server's clock runs ahead of the real one (sessions expire without sleeping). */
  let ahead = 0;
  before(async () => {
    t = await startCloud({ auth: "strict", clock: () => Date.now() + ahead });
    iam = new IAMClient(t.cloud.clientConfig);
    root = t.s3();
    await root.send(new CreateBucketCommand({ Bucket: "mybucket1" }));
    await root.send(new CreateBucketCommand({ Bucket: "otherbucket" }));
    await iam.send(new CreateUserCommand({ UserName: "writer" }));
    const policy = await iam.send(new CreatePolicyCommand({ PolicyName: "OneBucketReadWrite", PolicyDocument: POLICY }));
    policyArn = policy.Policy!.Arn!;
    await iam.send(new AttachUserPolicyCommand({ UserName: "writer", PolicyArn: policyArn }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: "writer" }));
    keyId = key.AccessKey!.AccessKeyId!;
    const credentials = { accessKeyId: keyId, secretAccessKey: key.AccessKey!.SecretAccessKey! };
    user = t.s3({ credentials });
    userIam = new IAMClient({ ...t.cloud.clientConfig, credentials });
  });
  after(async () => {
    iam.destroy();
    userIam.destroy();
    await t.stop();
  });

  it("lets the user put and get in the allowed bucket", async () => {
    await user.send(new PutObjectCommand({ Bucket: "mybucket1", Key: "notes.txt", Body: "mine" }));
    const got = await user.send(new GetObjectCommand({ Bucket: "mybucket1", Key: "notes.txt" }));
    assert.equal(await got.Body?.transformToString(), "mine");
  });

  it("refuses other buckets and IAM, in AWS's words", async () => {
    const denied = await rejectsWith(user.send(new PutObjectCommand({ Bucket: "otherbucket", Key: "x", Body: "x" })), "AccessDenied", 403);
    assert.equal(
      denied.message,
      "User: arn:aws:iam::000000000000:user/writer is not authorized to perform: s3:PutObject on resource: arn:aws:s3:::otherbucket/x because no identity-based policy allows the s3:PutObject action",
    );
    const iamDenied = await rejectsWith(userIam.send(new ListUsersCommand({})), "AccessDenied", 403);
    assert.equal(
      iamDenied.message,
      "User: arn:aws:iam::000000000000:user/writer is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::000000000000:user/ because no identity-based policy allows the iam:ListUsers action",
    );
    await rejectsWith(userIam.send(new CreateUserCommand({ UserName: "escalate" })), "AccessDenied", 403);
    await rejectsWith(user.send(new GetObjectCommand({ Bucket: "otherbucket", Key: "x" })), "AccessDenied", 403);
    // Who am I needs no permission.
    const sts = new STSClient({ ...t.cloud.clientConfig, credentials: await user.config.credentials() });
    assert.equal((await sts.send(new GetCallerIdentityCommand({}))).Arn, "arn:aws:iam::000000000000:user/writer");
    sts.destroy();
  });

  it("honours an explicit deny over an allow", async () => {
    await iam.send(
      new PutUserPolicyCommand({
        UserName: "writer",
        PolicyName: "NoSecrets",
        PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: "s3:GetObject", Resource: "arn:aws:s3:::mybucket1/secret*" }] }),
      }),
    );
    await user.send(new PutObjectCommand({ Bucket: "mybucket1", Key: "secret.txt", Body: "s" }));
    const denied = await rejectsWith(user.send(new GetObjectCommand({ Bucket: "mybucket1", Key: "secret.txt" })), "AccessDenied", 403);
    assert.match(denied.message, /with an explicit deny in an identity-based policy$/);
  });

  it("refuses a deactivated key, and everything once the policy is detached", async () => {
    await iam.send(new UpdateAccessKeyCommand({ UserName: "writer", AccessKeyId: keyId, Status: "Inactive" }));
    const inactive = await rejectsWith(user.send(new GetObjectCommand({ Bucket: "mybucket1", Key: "notes.txt" })), "InvalidAccessKeyId", 403);
    assert.equal(inactive.message, "The AWS Access Key Id you provided does not exist in our records.");
    await iam.send(new UpdateAccessKeyCommand({ UserName: "writer", AccessKeyId: keyId, Status: "Active" }));
    await user.send(new GetObjectCommand({ Bucket: "mybucket1", Key: "notes.txt" }));
    await iam.send(new DetachUserPolicyCommand({ UserName: "writer", PolicyArn: policyArn }));
    const detached = await rejectsWith(user.send(new GetObjectCommand({ Bucket: "mybucket1", Key: "notes.txt" })), "AccessDenied", 403);
    assert.equal(
      detached.message,
      "User: arn:aws:iam::000000000000:user/writer is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::mybucket1/notes.txt because no identity-based policy allows the s3:GetObject action",
    );
    await rejectsWith(user.send(new PutObjectCommand({ Bucket: "mybucket1", Key: "notes.txt", Body: "x" })), "AccessDenied", 403);
  });

  it("regains access through an assumed role, until the session expires", async () => {
    const roleArn = "arn:aws:iam::000000000000:role/bucket-writer";
    // The role trusts the account: the account's identity policies decide who may assume it.
    await iam.send(
      new CreateRoleCommand({
        RoleName: "bucket-writer",
        AssumeRolePolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::000000000000:root" }, Action: "sts:AssumeRole" }],
        }),
      }),
    );
    await iam.send(new AttachRolePolicyCommand({ RoleName: "bucket-writer", PolicyArn: policyArn }));
    const userSts = new STSClient({ ...t.cloud.clientConfig, credentials: await user.config.credentials() });
    try {
      const refused = await rejectsWith(userSts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "story" })), "AccessDenied", 403);
      assert.equal(
        refused.message,
        `User: arn:aws:iam::000000000000:user/writer is not authorized to perform: sts:AssumeRole on resource: ${roleArn} because no identity-based policy allows the sts:AssumeRole action`,
      );
      await iam.send(
        new PutUserPolicyCommand({
          UserName: "writer",
          PolicyName: "MayAssumeBucketWriter",
          PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: roleArn }] }),
        }),
      );
      const assumed = await userSts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "story", DurationSeconds: 900 }));
      assert.equal(assumed.AssumedRoleUser?.Arn, "arn:aws:sts::000000000000:assumed-role/bucket-writer/story");
      const c = assumed.Credentials!;
      const session = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };

      const asRole = t.s3({ credentials: session });
      await asRole.send(new PutObjectCommand({ Bucket: "mybucket1", Key: "via-role.txt", Body: "role" }));
      assert.equal(await (await asRole.send(new GetObjectCommand({ Bucket: "mybucket1", Key: "via-role.txt" }))).Body?.transformToString(), "role");
      const elsewhere = await rejectsWith(asRole.send(new PutObjectCommand({ Bucket: "otherbucket", Key: "x", Body: "x" })), "AccessDenied", 403);
      assert.equal(
        elsewhere.message,
        "User: arn:aws:sts::000000000000:assumed-role/bucket-writer/story is not authorized to perform: s3:PutObject on resource: arn:aws:s3:::otherbucket/x because no identity-based policy allows the s3:PutObject action",
      );
      // The user's own key still cannot.
      await rejectsWith(user.send(new GetObjectCommand({ Bucket: "mybucket1", Key: "via-role.txt" })), "AccessDenied", 403);

      // Fifteen minutes later the session has expired (the clients keep time with the server).
      ahead = 901_000;
      const late = t.s3({ credentials: session, systemClockOffset: ahead });
      const expired = await rejectsWith(late.send(new GetObjectCommand({ Bucket: "mybucket1", Key: "via-role.txt" })), "ExpiredToken", 400);
      assert.equal(expired.message, "The provided token has expired.");
      const lateSts = new STSClient({ ...t.cloud.clientConfig, credentials: session, systemClockOffset: ahead });
      await rejectsWith(lateSts.send(new GetCallerIdentityCommand({})), "ExpiredToken", 403);
      lateSts.destroy();
    } finally {
      userSts.destroy();
      ahead = 0;
    }
  });

  it("refuses unknown keys outright", async () => {
    const stranger = t.s3({ credentials: { accessKeyId: "AKIAUNKNOWNKEY000000", secretAccessKey: "x" } });
    await rejectsWith(stranger.send(new GetObjectCommand({ Bucket: "mybucket1", Key: "notes.txt" })), "InvalidAccessKeyId", 403);
  });
});

describe("strict mode: a decision that depends on the request is taken afresh each time", () => {
  let t: TestCloud;
  let ahead = 0;
  after(() => t.stop());

  it("follows aws:CurrentTime across requests alike in principal, action and resource", async () => {
    t = await startCloud({ auth: "strict", clock: () => Date.now() + ahead });
    const iam = new IAMClient(t.cloud.clientConfig);
    await t.s3().send(new CreateBucketCommand({ Bucket: "timed" }));
    await t.s3().send(new PutObjectCommand({ Bucket: "timed", Key: "k", Body: "v" }));
    await iam.send(new CreateUserCommand({ UserName: "timed-reader" }));
    const until = new Date(Date.now() + 5 * 60 * 1000).toISOString();
    await iam.send(
      new PutUserPolicyCommand({
        UserName: "timed-reader",
        PolicyName: "ForFiveMinutes",
        PolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::timed/*", Condition: { DateLessThan: { "aws:CurrentTime": until } } },
            // Context-free, so remembered: it must not stand in for the timed one.
            { Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::timed/*" },
          ],
        }),
      }),
    );
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: "timed-reader" }));
    iam.destroy();
    const reader = t.s3({ credentials: { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! } });
    for (let i = 0; i < 3; i++) await reader.send(new GetObjectCommand({ Bucket: "timed", Key: "k" }));
    await reader.send(new PutObjectCommand({ Bucket: "timed", Key: "k2", Body: "w" }));
    // Ten minutes on: past the condition, within the 15 minutes of clock skew signatures may have.
    ahead = 10 * 60 * 1000;
    await rejectsWith(reader.send(new GetObjectCommand({ Bucket: "timed", Key: "k" })), "AccessDenied", 403);
    await reader.send(new PutObjectCommand({ Bucket: "timed", Key: "k3", Body: "w" }));
    ahead = 0;
    await reader.send(new GetObjectCommand({ Bucket: "timed", Key: "k" }));
  });
});
