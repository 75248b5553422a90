/**
 * Groups, roles and STS AssumeRole through the SDK: group policies reach
 * their members, a role's trust policy decides who may assume it, and the
 * temporary credentials sign as the assumed role until they expire.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteGroupCommand,
  DeleteRoleCommand,
  DeleteUserPolicyCommand,
  DeleteUserCommand,
  DetachRolePolicyCommand,
  GetGroupCommand,
  GetGroupPolicyCommand,
  ListAccessKeysCommand,
  PutGroupPolicyCommand,
  UpdateGroupCommand,
  UpdateRoleCommand,
  UpdateRoleDescriptionCommand,
  type GetGroupCommandOutput,
  type ListAccessKeysCommandOutput,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListGroupsForUserCommand,
  ListRolesCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  RemoveUserFromGroupCommand,
  UpdateAssumeRolePolicyCommand,
} from "@aws-sdk/client-iam";
import { CreateBucketCommand, ListBucketsCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { AssumeRoleCommand, GetAccessKeyInfoCommand, GetCallerIdentityCommand, GetSessionTokenCommand, STSClient } from "@aws-sdk/client-sts";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";

const trust = (principal: unknown) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: principal, Action: "sts:AssumeRole" }] });

describe("IAM groups, roles and STS AssumeRole (strict mode)", () => {
  let t: TestCloud;
  let iam: IAMClient;
  const clients: { destroy(): void }[] = [];
  const track = <C extends { destroy(): void }>(c: C) => (clients.push(c), c);
  let dev: { accessKeyId: string; secretAccessKey: string };

  before(async () => {
    t = await startCloud({ auth: "strict" });
    iam = track(new IAMClient(t.cloud.clientConfig));
    await t.s3().send(new CreateBucketCommand({ Bucket: "team-bucket" }));
    await iam.send(new CreateUserCommand({ UserName: "dev" }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: "dev" }));
    dev = { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! };
  });
  after(async () => {
    for (const c of clients) c.destroy();
    await t.stop();
  });

  it("gives group members the group's policies", async () => {
    const devS3 = t.s3({ credentials: dev });
    await rejectsWith(devS3.send(new ListBucketsCommand({})), "AccessDenied", 403);
    await iam.send(new CreateGroupCommand({ GroupName: "readers" }));
    await iam.send(new AttachGroupPolicyCommand({ GroupName: "readers", PolicyArn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" }));
    await iam.send(new AddUserToGroupCommand({ GroupName: "readers", UserName: "dev" }));
    const group = await iam.send(new GetGroupCommand({ GroupName: "readers" }));
    assert.deepEqual(group.Users?.map((u) => u.UserName), ["dev"]);
    assert.deepEqual((await iam.send(new ListGroupsForUserCommand({ UserName: "dev" }))).Groups?.map((g) => g.GroupName), ["readers"]);
    assert.ok((await devS3.send(new ListBucketsCommand({}))).Buckets?.some((b) => b.Name === "team-bucket"));
    await rejectsWith(devS3.send(new PutObjectCommand({ Bucket: "team-bucket", Key: "k", Body: "x" })), "AccessDenied", 403);
    await rejectsWith(iam.send(new DeleteUserCommand({ UserName: "dev" })), "DeleteConflictException", 409);
    await rejectsWith(iam.send(new DeleteGroupCommand({ GroupName: "readers" })), "DeleteConflictException", 409);
    await iam.send(new RemoveUserFromGroupCommand({ GroupName: "readers", UserName: "dev" }));
    await rejectsWith(devS3.send(new ListBucketsCommand({})), "AccessDenied", 403);
  });

  it("renames a group with its members and inline policies, pages its members in name order, and updates roles", async () => {
    // ceph s3-tests' test_account_group_update, test_account_role_update and test_account_user_access_key_list.
    await iam.send(new CreateGroupCommand({ GroupName: "before" }));
    for (const name of ["zed", "amy", "bob"]) {
      await iam.send(new CreateUserCommand({ UserName: name }));
      await iam.send(new AddUserToGroupCommand({ GroupName: "before", UserName: name }));
    }
    await iam.send(new PutGroupPolicyCommand({ GroupName: "before", PolicyName: "list", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:ListAllMyBuckets", Resource: "arn:aws:s3:::*" }] }) }));
    const { GroupId } = (await iam.send(new GetGroupCommand({ GroupName: "before" }))).Group!;
    await iam.send(new UpdateGroupCommand({ GroupName: "before", NewGroupName: "after", NewPath: "/team/" }));
    await rejectsWith(iam.send(new GetGroupCommand({ GroupName: "before" })), "NoSuchEntityException", 404);
    const renamed = await iam.send(new GetGroupCommand({ GroupName: "after" }));
    assert.deepEqual([renamed.Group!.GroupId, renamed.Group!.Path], [GroupId, "/team/"]);
    assert.equal((await iam.send(new GetGroupPolicyCommand({ GroupName: "after", PolicyName: "list" }))).PolicyName, "list");
    const members: string[] = [];
    let Marker: string | undefined;
    do {
      const page: GetGroupCommandOutput = await iam.send(new GetGroupCommand({ GroupName: "after", MaxItems: 1, Marker }));
      members.push(...page.Users!.map((u) => u.UserName!));
      Marker = page.Marker;
    } while (Marker);
    assert.deepEqual(members, ["amy", "bob", "zed"]);
    // The renamed group's policy still reaches its members; `arn:aws:s3:::*` names every bucket for ListAllMyBuckets.
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: "amy" }))).AccessKey!;
    const amyS3 = t.s3({ credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! } });
    assert.ok((await amyS3.send(new ListBucketsCommand({}))).Buckets);
    await iam.send(new CreateAccessKeyCommand({ UserName: "amy" }));
    const keys: string[] = [];
    Marker = undefined;
    do {
      const listed: ListAccessKeysCommandOutput = await iam.send(new ListAccessKeysCommand({ UserName: "amy", MaxItems: 1, Marker }));
      keys.push(...listed.AccessKeyMetadata!.map((k) => k.AccessKeyId!));
      Marker = listed.Marker;
    } while (Marker);
    assert.equal(keys.length, 2);

    await iam.send(new CreateRoleCommand({ RoleName: "updated", AssumeRolePolicyDocument: trust({ AWS: "arn:aws:iam::000000000000:root" }) }));
    await iam.send(new UpdateRoleCommand({ RoleName: "updated", Description: "for tests", MaxSessionDuration: 43200 }));
    const role = (await iam.send(new GetRoleCommand({ RoleName: "updated" }))).Role!;
    assert.deepEqual([role.Description, role.MaxSessionDuration], ["for tests", 43200]);
    const described = await iam.send(new UpdateRoleDescriptionCommand({ RoleName: "updated", Description: "again" }));
    // UpdateRoleDescription answers the role without its session length or last use (LocalStack's AWS-recorded test_update_role).
    assert.deepEqual(Object.keys(described.Role!).sort(), ["Arn", "AssumeRolePolicyDocument", "CreateDate", "Description", "Path", "RoleId", "RoleName"]);
    assert.equal(described.Role!.Description, "again");
    await rejectsWith(iam.send(new UpdateRoleCommand({ RoleName: "absent-role", Description: "x" })), "NoSuchEntityException", 404);
    await iam.send(new DeleteRoleCommand({ RoleName: "updated" }));
  });

  it("checks trust policies, and signs as the assumed role", async () => {
    await rejectsWith(iam.send(new CreateRoleCommand({ RoleName: "bad", AssumeRolePolicyDocument: "{" })), "MalformedPolicyDocumentException", 400);
    // IAM resolves each principal when the policy is saved: one that names no identity is refused.
    for (const principal of ["arn:aws:iam::000000000000:user/nobody", "arn:aws:iam:::user/dev", "dev", "arn:aws:sts::000000000000:assumed-role/writer/*"]) {
      const refused = await rejectsWith(iam.send(new CreateRoleCommand({ RoleName: "bad", AssumeRolePolicyDocument: trust({ AWS: principal }) })), "MalformedPolicyDocumentException", 400);
      assert.equal(refused.message, `Invalid principal in policy: "AWS":"${principal}"`);
    }
    const created = await iam.send(
      new CreateRoleCommand({ RoleName: "writer", AssumeRolePolicyDocument: trust({ AWS: "arn:aws:iam::000000000000:user/dev" }), Description: "writes" }),
    );
    assert.match(created.Role?.RoleId ?? "", /^AROA/);
    assert.equal(decodeURIComponent((await iam.send(new GetRoleCommand({ RoleName: "writer" }))).Role!.AssumeRolePolicyDocument!), trust({ AWS: "arn:aws:iam::000000000000:user/dev" }));
    assert.deepEqual((await iam.send(new ListRolesCommand({}))).Roles?.map((r) => r.RoleName), ["writer"]);
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: "writer",
        PolicyName: "write-team-bucket",
        PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::team-bucket/*" }] }),
      }),
    );
    assert.match(decodeURIComponent((await iam.send(new GetRolePolicyCommand({ RoleName: "writer", PolicyName: "write-team-bucket" }))).PolicyDocument!), /team-bucket/);

    // A trust policy naming the account delegates to the account's identity
    // policies: dev needs sts:AssumeRole of its own.
    const devSts = track(new STSClient({ ...t.cloud.clientConfig, credentials: dev }));
    const roleArn = "arn:aws:iam::000000000000:role/writer";
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: "writer", PolicyDocument: trust({ AWS: "arn:aws:iam::000000000000:root" }) }));
    const refused = await rejectsWith(devSts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "s1" })), "AccessDenied", 403);
    assert.equal(
      refused.message,
      `User: arn:aws:iam::000000000000:user/dev is not authorized to perform: sts:AssumeRole on resource: ${roleArn} because no identity-based policy allows the sts:AssumeRole action`,
    );
    await iam.send(new AttachRolePolicyCommand({ RoleName: "writer", PolicyArn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" }));
    await iam.send(new PutUserPolicyCommand({ UserName: "dev", PolicyName: "assume", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: roleArn }] }) }));
    await devSts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "s0", DurationSeconds: 900 }));
    // A trust policy naming dev's own ARN grants by itself, in the same account.
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: "writer", PolicyDocument: trust({ AWS: "arn:aws:iam::000000000000:user/dev" }) }));
    await iam.send(new DeleteUserPolicyCommand({ UserName: "dev", PolicyName: "assume" }));
    const assumed = await devSts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "s1", DurationSeconds: 900 }));
    assert.equal(assumed.AssumedRoleUser?.Arn, "arn:aws:sts::000000000000:assumed-role/writer/s1");
    // PackedPolicySize comes only with session policies or tags.
    assert.equal(assumed.PackedPolicySize, undefined);
    const badName = await rejectsWith(devSts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "bad name" })), "ValidationError", 400);
    assert.equal(badName.message, "1 validation error detected: Value 'bad name' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*");
    assert.match(assumed.AssumedRoleUser?.AssumedRoleId ?? "", /^AROA[A-Z2-7]+:s1$/);
    const creds = assumed.Credentials!;
    assert.match(creds.AccessKeyId ?? "", /^ASIA/);
    assert.ok(creds.Expiration instanceof Date && creds.Expiration.getTime() > Date.now() + 800_000);
    const temporary = { accessKeyId: creds.AccessKeyId!, secretAccessKey: creds.SecretAccessKey!, sessionToken: creds.SessionToken! };

    const asRole = track(new STSClient({ ...t.cloud.clientConfig, credentials: temporary }));
    assert.equal((await asRole.send(new GetCallerIdentityCommand({}))).Arn, "arn:aws:sts::000000000000:assumed-role/writer/s1");
    // Role chaining: a role session gets an hour at most, whatever the role allows.
    await iam.send(new UpdateRoleCommand({ RoleName: "writer", MaxSessionDuration: 7200 }));
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: "writer", PolicyDocument: trust({ AWS: ["arn:aws:iam::000000000000:user/dev", roleArn] }) }));
    const chained = await rejectsWith(asRole.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "s2", DurationSeconds: 3601 })), "ValidationError", 400);
    assert.equal(chained.message, "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.");
    assert.equal((await asRole.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "s2", DurationSeconds: 3600 }))).AssumedRoleUser?.Arn, "arn:aws:sts::000000000000:assumed-role/writer/s2");
    assert.ok((await devSts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "s3", DurationSeconds: 7200 }))).Credentials);
    const roleS3 = t.s3({ credentials: temporary });
    await roleS3.send(new PutObjectCommand({ Bucket: "team-bucket", Key: "from-role", Body: "hi" }));
    // Without the session token the temporary key is refused.
    const tokenless = track(new STSClient({ ...t.cloud.clientConfig, credentials: { accessKeyId: temporary.accessKeyId, secretAccessKey: temporary.secretAccessKey } }));
    await rejectsWith(tokenless.send(new GetCallerIdentityCommand({})), "InvalidClientTokenId", 403);

    // Root credentials never assume a role, whatever the trust policy says.
    const asRoot = await rejectsWith(track(new STSClient(t.cloud.clientConfig)).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "rr" })), "AccessDenied", 403);
    assert.equal(asRoot.message, "Roles may not be assumed by root accounts.");
    await rejectsWith(devSts.send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::000000000000:role/nope", RoleSessionName: "ss" })), "AccessDenied", 403);

    await rejectsWith(iam.send(new DeleteRoleCommand({ RoleName: "writer" })), "DeleteConflictException", 409);
    await iam.send(new DetachRolePolicyCommand({ RoleName: "writer", PolicyArn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" }));
  });

  it("gives a trust policy the request's condition keys: an external id, the session name and tags", async () => {
    const roleArn = "arn:aws:iam::000000000000:role/partner";
    await iam.send(
      new CreateRoleCommand({
        RoleName: "partner",
        AssumeRolePolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { AWS: "arn:aws:iam::000000000000:user/dev" },
              Action: ["sts:AssumeRole", "sts:TagSession"],
              Condition: { StringEquals: { "sts:ExternalId": "secret123", "aws:RequestTag/Team": "blue" }, StringLike: { "sts:RoleSessionName": "ci-*" } },
            },
          ],
        }),
      }),
    );
    const devSts = track(new STSClient({ ...t.cloud.clientConfig, credentials: dev }));
    const assume = (ExternalId: string | undefined, RoleSessionName = "ci-1", team = "blue") =>
      devSts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName, ExternalId, Tags: [{ Key: "Team", Value: team }] }));
    await rejectsWith(assume(undefined), "AccessDenied", 403);
    await rejectsWith(assume("wrong-id"), "AccessDenied", 403);
    await rejectsWith(assume("secret123", "laptop"), "AccessDenied", 403);
    await rejectsWith(assume("secret123", "ci-1", "red"), "AccessDenied", 403);
    const assumed = await assume("secret123");
    assert.equal(assumed.AssumedRoleUser?.Arn, "arn:aws:sts::000000000000:assumed-role/partner/ci-1");
  });

  it("keeps a user in ten groups at most", async () => {
    await iam.send(new CreateUserCommand({ UserName: "joiner" }));
    for (let i = 0; i < 10; i++) {
      await iam.send(new CreateGroupCommand({ GroupName: `g${i}` }));
      await iam.send(new AddUserToGroupCommand({ GroupName: `g${i}`, UserName: "joiner" }));
    }
    await iam.send(new AddUserToGroupCommand({ GroupName: "g0", UserName: "joiner" }));
    await iam.send(new CreateGroupCommand({ GroupName: "g10" }));
    const eleventh = await rejectsWith(iam.send(new AddUserToGroupCommand({ GroupName: "g10", UserName: "joiner" })), "LimitExceededException", 409);
    assert.equal(eleventh.message, "Cannot exceed quota for GroupsPerUser: 10");
  });

  it("answers GetRole with RoleLastUsed, and caps a root session at an hour", async () => {
    assert.deepEqual((await iam.send(new GetRoleCommand({ RoleName: "writer" }))).Role?.RoleLastUsed, {});
    const root = await track(new STSClient(t.cloud.clientConfig)).send(new GetSessionTokenCommand({ DurationSeconds: 7200 }));
    assert.ok(root.Credentials!.Expiration!.getTime() <= Date.now() + 3_600_000 + 5_000);
  });

  it("hands out session tokens that sign as the caller", async () => {
    const session = await track(new STSClient({ ...t.cloud.clientConfig, credentials: dev })).send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
    const creds = session.Credentials!;
    const client = track(new STSClient({ ...t.cloud.clientConfig, credentials: { accessKeyId: creds.AccessKeyId!, secretAccessKey: creds.SecretAccessKey!, sessionToken: creds.SessionToken! } }));
    assert.equal((await client.send(new GetCallerIdentityCommand({}))).Arn, "arn:aws:iam::000000000000:user/dev");
  });

  it("tells the account an access key belongs to", async () => {
    const sts = track(new STSClient(t.cloud.clientConfig));
    assert.equal((await sts.send(new GetAccessKeyInfoCommand({ AccessKeyId: dev.accessKeyId }))).Account, "000000000000");
    assert.equal((await sts.send(new GetAccessKeyInfoCommand({ AccessKeyId: "123456789012345678" }))).Account, "000000000000", "an unknown key: the default account");
    await rejectsWith(sts.send(new GetAccessKeyInfoCommand({ AccessKeyId: "short" })), "ValidationError", 400);
  });
});
