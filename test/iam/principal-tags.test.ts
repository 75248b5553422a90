/**
 * aws:PrincipalTag in strict mode: a user's tags, and a role session's
 * role's tags under its session tags, as condition keys and as policy
 * variables, as the IAM User Guide's ABAC examples use them.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, IAMClient, PutRolePolicyCommand, PutUserPolicyCommand, TagUserCommand } from "@aws-sdk/client-iam";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";

const policy = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });

/** Reads the objects under the caller's team folder, and only with a team tag of 'blue' or 'green'. */
const TEAM_FOLDER = policy({
  Effect: "Allow",
  Action: "s3:GetObject",
  Resource: "arn:aws:s3:::abac/${aws:PrincipalTag/team}/*",
  Condition: { StringEquals: { "aws:PrincipalTag/Team": ["blue", "green"] } },
});

describe("strict mode: aws:PrincipalTag", () => {
  let t: TestCloud;
  let iam: IAMClient;
  const clients: { destroy(): void }[] = [];
  const keysOf = async (userName: string) => {
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: userName }))).AccessKey!;
    return { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
  };
  before(async () => {
    t = await startCloud({ auth: "strict", inMemory: true });
    iam = new IAMClient(t.cloud.clientConfig);
    clients.push(iam);
    await t.s3().send(new CreateBucketCommand({ Bucket: "abac" }));
    for (const key of ["blue/a.txt", "green/a.txt", "red/a.txt"]) await t.s3().send(new PutObjectCommand({ Bucket: "abac", Key: key, Body: key }));
  });
  after(async () => {
    for (const c of clients) c.destroy();
    await t.stop();
  });

  it("gives a user's tags as aws:PrincipalTag, keys without regard to case", async () => {
    await iam.send(new CreateUserCommand({ UserName: "bluey", Tags: [{ Key: "team", Value: "blue" }] }));
    await iam.send(new PutUserPolicyCommand({ UserName: "bluey", PolicyName: "team-folder", PolicyDocument: TEAM_FOLDER }));
    const s3 = t.s3({ credentials: await keysOf("bluey") });
    assert.equal(await (await s3.send(new GetObjectCommand({ Bucket: "abac", Key: "blue/a.txt" }))).Body?.transformToString(), "blue/a.txt");
    await rejectsWith(s3.send(new GetObjectCommand({ Bucket: "abac", Key: "green/a.txt" })), "AccessDenied", 403);
    // Retagged, the user reads the other folder at once; an untagged user matches nothing.
    await iam.send(new TagUserCommand({ UserName: "bluey", Tags: [{ Key: "team", Value: "green" }] }));
    await s3.send(new GetObjectCommand({ Bucket: "abac", Key: "green/a.txt" }));
    await iam.send(new CreateUserCommand({ UserName: "untagged" }));
    await iam.send(new PutUserPolicyCommand({ UserName: "untagged", PolicyName: "team-folder", PolicyDocument: TEAM_FOLDER }));
    await rejectsWith(t.s3({ credentials: await keysOf("untagged") }).send(new GetObjectCommand({ Bucket: "abac", Key: "blue/a.txt" })), "AccessDenied", 403);
  });

  it("gives a role session its role's tags, a session tag overriding the role's of the same key", async () => {
    await iam.send(new CreateUserCommand({ UserName: "assumer" }));
    await iam.send(new PutUserPolicyCommand({ UserName: "assumer", PolicyName: "assume", PolicyDocument: policy({ Effect: "Allow", Action: ["sts:AssumeRole", "sts:TagSession"], Resource: "*" }) }));
    const trust = policy({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::000000000000:root" }, Action: ["sts:AssumeRole", "sts:TagSession"] });
    await iam.send(new CreateRoleCommand({ RoleName: "team-reader", AssumeRolePolicyDocument: trust, Tags: [{ Key: "Team", Value: "blue" }] }));
    await iam.send(new PutRolePolicyCommand({ RoleName: "team-reader", PolicyName: "team-folder", PolicyDocument: TEAM_FOLDER }));
    const sts = new STSClient({ ...t.cloud.clientConfig, credentials: await keysOf("assumer") });
    clients.push(sts);
    const session = async (tags?: { Key: string; Value: string }[]) => {
      const { Credentials } = await sts.send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::000000000000:role/team-reader", RoleSessionName: "reader", Tags: tags }));
      return t.s3({ credentials: { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! } });
    };
    const asRole = await session();
    await asRole.send(new GetObjectCommand({ Bucket: "abac", Key: "blue/a.txt" }));
    await rejectsWith(asRole.send(new GetObjectCommand({ Bucket: "abac", Key: "green/a.txt" })), "AccessDenied", 403);
    const asGreen = await session([{ Key: "team", Value: "green" }]);
    await asGreen.send(new GetObjectCommand({ Bucket: "abac", Key: "green/a.txt" }));
    await rejectsWith(asGreen.send(new GetObjectCommand({ Bucket: "abac", Key: "blue/a.txt" })), "AccessDenied", 403);
    const asRed = await session([{ Key: "TEAM", Value: "red" }]);
    await rejectsWith(asRed.send(new GetObjectCommand({ Bucket: "abac", Key: "red/a.txt" })), "AccessDenied", 403);
  });

  it("gives the caller's tags to the trust policy of the role it assumes", async () => {
    await iam.send(new CreateUserCommand({ UserName: "ops", Tags: [{ Key: "dept", Value: "ops" }] }));
    await iam.send(new CreateUserCommand({ UserName: "dev", Tags: [{ Key: "dept", Value: "dev" }] }));
    const trust = policy({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::000000000000:root" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:PrincipalTag/dept": "ops" } } });
    await iam.send(new CreateRoleCommand({ RoleName: "ops-only", AssumeRolePolicyDocument: trust }));
    const assume = async (userName: string) => {
      await iam.send(new PutUserPolicyCommand({ UserName: userName, PolicyName: "assume", PolicyDocument: policy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }) }));
      const sts = new STSClient({ ...t.cloud.clientConfig, credentials: await keysOf(userName) });
      clients.push(sts);
      return sts.send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::000000000000:role/ops-only", RoleSessionName: userName }));
    };
    await assume("ops");
    await rejectsWith(assume("dev"), "AccessDenied", 403);
  });
});
