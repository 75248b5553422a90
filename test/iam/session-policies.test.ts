/**
 * Session policies in strict mode: a role session made with AssumeRole's
 * `Policy` or `PolicyArns` may do only what the role's policies and the
 * session policies both allow, as IAM documents.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { AttachRolePolicyCommand, AttachUserPolicyCommand, CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, IAMClient } from "@aws-sdk/client-iam";
import { CreateBucketCommand, GetObjectCommand, PutBucketPolicyCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";

const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::000000000000:root" }, Action: "sts:AssumeRole" }] });

describe("strict mode: session policies", () => {
  let t: TestCloud;
  let sts: STSClient;
  const clients: { destroy(): void }[] = [];
  before(async () => {
    t = await startCloud({ auth: "strict", inMemory: true });
    const iam = new IAMClient(t.cloud.clientConfig);
    clients.push(iam);
    await t.s3().send(new CreateBucketCommand({ Bucket: "sessions" }));
    await t.s3().send(new PutObjectCommand({ Bucket: "sessions", Key: "a.txt", Body: "a" }));
    await iam.send(new CreateRoleCommand({ RoleName: "s3-admin", AssumeRolePolicyDocument: TRUST }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: "s3-admin", PolicyArn: "arn:aws:iam::aws:policy/AmazonS3FullAccess" }));
    await iam.send(new CreateUserCommand({ UserName: "caller" }));
    await iam.send(new AttachUserPolicyCommand({ UserName: "caller", PolicyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: "caller" }))).AccessKey!;
    sts = new STSClient({ ...t.cloud.clientConfig, credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! } });
    clients.push(sts);
  });
  after(async () => {
    for (const c of clients) c.destroy();
    await t.stop();
  });

  const sessionS3 = async (input: { Policy?: string; PolicyArns?: { arn: string }[] }): Promise<S3Client> => {
    const { Credentials } = await sts.send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::000000000000:role/s3-admin", RoleSessionName: "limited", ...input }));
    return t.s3({ credentials: { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! } });
  };

  it("lets a session do only what its inline session policy allows too", async () => {
    const s3 = await sessionS3({ Policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::sessions/*" }] }) });
    assert.equal(await (await s3.send(new GetObjectCommand({ Bucket: "sessions", Key: "a.txt" }))).Body?.transformToString(), "a");
    const refused = await rejectsWith(s3.send(new PutObjectCommand({ Bucket: "sessions", Key: "b.txt", Body: "b" })), "AccessDenied", 403);
    assert.match(refused.message, /because no session policy allows the s3:PutObject action$/);
  });

  it("limits a session by the managed policies named, and denies what a session policy denies", async () => {
    const readOnly = await sessionS3({ PolicyArns: [{ arn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" }] });
    await readOnly.send(new GetObjectCommand({ Bucket: "sessions", Key: "a.txt" }));
    await rejectsWith(readOnly.send(new PutObjectCommand({ Bucket: "sessions", Key: "c.txt", Body: "c" })), "AccessDenied", 403);
    const denying = await sessionS3({
      Policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }, { Effect: "Deny", Action: "s3:GetObject", Resource: "*" }] }),
    });
    await denying.send(new PutObjectCommand({ Bucket: "sessions", Key: "d.txt", Body: "d" }));
    const denied = await rejectsWith(denying.send(new GetObjectCommand({ Bucket: "sessions", Key: "a.txt" })), "AccessDenied", 403);
    assert.match(denied.message, /with an explicit deny in a session policy$/);
    const unlimited = await sessionS3({});
    await unlimited.send(new PutObjectCommand({ Bucket: "sessions", Key: "e.txt", Body: "e" }));
  });

  it("leaves a grant to the session itself in a resource policy unlimited", async () => {
    await t.s3().send(new CreateBucketCommand({ Bucket: "drop-box" }));
    const grant = (principal: string) =>
      JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: principal }, Action: "s3:PutObject", Resource: "arn:aws:s3:::drop-box/*" }] });
    const getOnly = { Policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] }) };
    await t.s3().send(new PutBucketPolicyCommand({ Bucket: "drop-box", Policy: grant("arn:aws:sts::000000000000:assumed-role/s3-admin/limited") }));
    await (await sessionS3(getOnly)).send(new PutObjectCommand({ Bucket: "drop-box", Key: "in.txt", Body: "in" }));
    // Naming the role, not the session, grants what the session policies also allow, no more.
    await t.s3().send(new PutBucketPolicyCommand({ Bucket: "drop-box", Policy: grant("arn:aws:iam::000000000000:role/s3-admin") }));
    await rejectsWith((await sessionS3(getOnly)).send(new PutObjectCommand({ Bucket: "drop-box", Key: "in2.txt", Body: "in" })), "AccessDenied", 403);
  });

  it("lets a policy that names a role reach the role's sessions, and gives them the role as aws:PrincipalArn", async () => {
    const iam = new IAMClient(t.cloud.clientConfig);
    clients.push(iam);
    await iam.send(new CreateRoleCommand({ RoleName: "reader", Path: "/apps/", AssumeRolePolicyDocument: TRUST }));
    await t.s3().send(new CreateBucketCommand({ Bucket: "shared" }));
    await t.s3().send(new PutObjectCommand({ Bucket: "shared", Key: "doc.txt", Body: "doc" }));
    const roleArn = "arn:aws:iam::000000000000:role/apps/reader";
    const statements = [
      { Effect: "Allow", Principal: { AWS: roleArn }, Action: ["s3:GetObject", "s3:PutObject"], Resource: "arn:aws:s3:::shared/*" },
      { Effect: "Deny", Principal: "*", Action: "s3:PutObject", Resource: "arn:aws:s3:::shared/*", Condition: { ArnEquals: { "aws:PrincipalArn": roleArn } } },
    ];
    await t.s3().send(new PutBucketPolicyCommand({ Bucket: "shared", Policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) }));
    const { Credentials } = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "app" }));
    const s3 = t.s3({ credentials: { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! } });
    assert.equal(await (await s3.send(new GetObjectCommand({ Bucket: "shared", Key: "doc.txt" }))).Body?.transformToString(), "doc");
    await rejectsWith(s3.send(new PutObjectCommand({ Bucket: "shared", Key: "new.txt", Body: "n" })), "AccessDenied", 403);
  });

  it("refuses a session policy IAM would not take", async () => {
    await rejectsWith(sts.send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::000000000000:role/s3-admin", RoleSessionName: "bad", Policy: "{not json" })), "MalformedPolicyDocumentException", 400);
  });
});
