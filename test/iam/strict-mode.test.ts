/**
 * The least-privilege story in strict mode: a user allowed s3:PutObject and
 * s3:GetObject on one bucket can use it, is refused elsewhere and on IAM,
 * and loses access when the key is deactivated or the policy detached.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  DetachUserPolicyCommand,
  IAMClient,
  ListUsersCommand,
  PutUserPolicyCommand,
  UpdateAccessKeyCommand,
} from "@aws-sdk/client-iam";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
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
  before(async () => {
    t = await startCloud({ auth: "strict" });
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
    await rejectsWith(userIam.send(new ListUsersCommand({})), "AccessDenied", 403);
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
    await rejectsWith(user.send(new GetObjectCommand({ Bucket: "mybucket1", Key: "notes.txt" })), "InvalidAccessKeyId", 403);
    await iam.send(new UpdateAccessKeyCommand({ UserName: "writer", AccessKeyId: keyId, Status: "Active" }));
    await user.send(new GetObjectCommand({ Bucket: "mybucket1", Key: "notes.txt" }));
    await iam.send(new DetachUserPolicyCommand({ UserName: "writer", PolicyArn: policyArn }));
    await rejectsWith(user.send(new GetObjectCommand({ Bucket: "mybucket1", Key: "notes.txt" })), "AccessDenied", 403);
  });

  it("refuses unknown keys outright", async () => {
    const stranger = t.s3({ credentials: { accessKeyId: "AKIAUNKNOWNKEY000000", secretAccessKey: "x" } });
    await rejectsWith(stranger.send(new GetObjectCommand({ Bucket: "mybucket1", Key: "notes.txt" })), "InvalidAccessKeyId", 403);
  });
});
