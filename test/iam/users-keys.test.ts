/**
 * IAM users and access keys, and STS GetCallerIdentity, through the AWS SDK:
 * keys IAM makes sign real requests, stop working when deactivated, and
 * survive a restart.
 */
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import {
  AddUserToGroupCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  GetAccessKeyLastUsedCommand,
  GetUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListGroupsForUserCommand,
  ListUserPoliciesCommand,
  ListUsersCommand,
  ListUserTagsCommand,
  PutUserPolicyCommand,
  RemoveUserFromGroupCommand,
  TagUserCommand,
  UntagUserCommand,
  UpdateAccessKeyCommand,
  UpdateUserCommand,
} from "@aws-sdk/client-iam";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { start } from "../../src/index.js";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";
import { rawRequest } from "../support/raw.js";

interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

describe("IAM users and access keys", () => {
  let t: TestCloud;
  const clients: { destroy(): void }[] = [];
  const iam = (credentials?: Keys) => track(new IAMClient({ ...t.cloud.clientConfig, ...(credentials ? { credentials } : {}) }));
  const sts = (credentials?: Keys) => track(new STSClient({ ...t.cloud.clientConfig, ...(credentials ? { credentials } : {}) }));
  const s3 = (credentials: Keys) => track(new S3Client({ ...t.cloud.clientConfig, credentials }));
  function track<C extends { destroy(): void }>(client: C): C {
    clients.push(client);
    return client;
  }
  before(async () => {
    t = await startCloud();
  });
  after(async () => {
    for (const c of clients) c.destroy();
    await t.stop();
  });

  it("answers an Action named like an object's built-in method as any unknown action", async () => {
    for (const [service, action] of [["iam", "toString"], ["iam", "hasOwnProperty"], ["sts", "valueOf"]]) {
      const answer = await rawRequest(t.cloud.endpoint, {
        method: "POST",
        path: "/",
        service,
        headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
        body: `Action=${action}&Version=${service === "iam" ? "2010-05-08" : "2011-06-15"}`,
      });
      assert.equal(answer.status, 400, `${service} ${action}`);
      assert.match(answer.body, new RegExp(`<Code>InvalidAction</Code><Message>The action ${action} is not valid for this web service.</Message>`));
    }
  });

  it("answers GetCallerIdentity for the root and for a 12-digit key's account", async () => {
    assert.deepEqual(pick(await sts().send(new GetCallerIdentityCommand({}))), { Account: "000000000000", Arn: "arn:aws:iam::000000000000:root", UserId: "000000000000" });
    const other = await sts({ accessKeyId: "111122223333", secretAccessKey: "x" }).send(new GetCallerIdentityCommand({}));
    assert.equal(other.Arn, "arn:aws:iam::111122223333:root");
    // IAM and STS request ids are UUIDs.
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    assert.match(other.$metadata.requestId ?? "", uuid);
    assert.match((await iam().send(new ListUsersCommand({}))).$metadata.requestId ?? "", uuid);
  });

  it("refuses a session token sent with a long-term key, in each service's words (botocore's test_bad_request_on_invalid_credentials)", async () => {
    const forged = { accessKeyId: "test", secretAccessKey: "test", sessionToken: "bad-token-causes-400" };
    await rejectsWith(sts(forged).send(new GetCallerIdentityCommand({})), "InvalidClientTokenId", 403);
    const bucket = await rejectsWith(s3(forged).send(new ListBucketsCommand({})), "InvalidToken", 400);
    assert.equal(bucket.message, "The provided token is malformed or otherwise invalid.");
    const table = await rejectsWith(track(new DynamoDBClient({ ...t.cloud.clientConfig, credentials: forged })).send(new ListTablesCommand({})), "UnrecognizedClientException", 400);
    assert.equal(table.message, "The security token included in the request is invalid.");
    // A key Nimbus does not know is taken as it comes in lenient mode, token and all.
    const unknown = await sts({ accessKeyId: "444455556666", secretAccessKey: "x", sessionToken: "anything" }).send(new GetCallerIdentityCommand({}));
    assert.equal(unknown.Account, "444455556666");
  });

  it("creates, reads, renames, tags and deletes users", async () => {
    const created = await iam().send(new CreateUserCommand({ UserName: "alice", Path: "/team/", Tags: [{ Key: "team", Value: "blue" }] }));
    assert.equal(created.User?.Arn, "arn:aws:iam::000000000000:user/team/alice");
    assert.match(created.User?.UserId ?? "", /^AIDA[A-Z2-7]{17}$/);
    assert.ok(created.User?.CreateDate instanceof Date);
    await rejectsWith(iam().send(new CreateUserCommand({ UserName: "ALICE" })), "EntityAlreadyExistsException", 409);
    await rejectsWith(iam().send(new CreateUserCommand({ UserName: "bad name!" })), "ValidationError", 400);

    const got = await iam().send(new GetUserCommand({ UserName: "alice" }));
    assert.deepEqual(got.User?.Tags, [{ Key: "team", Value: "blue" }]);
    await rejectsWith(iam().send(new GetUserCommand({ UserName: "nobody" })), "NoSuchEntityException", 404);

    await iam().send(new TagUserCommand({ UserName: "alice", Tags: [{ Key: "env", Value: "dev" }, { Key: "team", Value: "red" }] }));
    await iam().send(new UntagUserCommand({ UserName: "alice", TagKeys: ["env"] }));
    assert.deepEqual((await iam().send(new ListUserTagsCommand({ UserName: "alice" }))).Tags, [{ Key: "team", Value: "red" }]);

    await iam().send(new UpdateUserCommand({ UserName: "alice", NewUserName: "alicia", NewPath: "/ops/" }));
    assert.equal((await iam().send(new GetUserCommand({ UserName: "alicia" }))).User?.Arn, "arn:aws:iam::000000000000:user/ops/alicia");
    await iam().send(new DeleteUserCommand({ UserName: "alicia" }));
    await rejectsWith(iam().send(new DeleteUserCommand({ UserName: "alicia" })), "NoSuchEntityException", 404);
  });

  it("moves a renamed user's groups and inline policies with it; a new user of the old name starts bare", async () => {
    await iam().send(new CreateUserCommand({ UserName: "renamer" }));
    await iam().send(new CreateGroupCommand({ GroupName: "renamers" }));
    await iam().send(new AddUserToGroupCommand({ GroupName: "renamers", UserName: "renamer" }));
    const document = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:ListBucket", Resource: "*" }] });
    await iam().send(new PutUserPolicyCommand({ UserName: "renamer", PolicyName: "kept", PolicyDocument: document }));
    await iam().send(new UpdateUserCommand({ UserName: "renamer", NewUserName: "renamed" }));

    assert.deepEqual((await iam().send(new ListGroupsForUserCommand({ UserName: "renamed" }))).Groups?.map((g) => g.GroupName), ["renamers"]);
    assert.deepEqual((await iam().send(new ListUserPoliciesCommand({ UserName: "renamed" }))).PolicyNames, ["kept"]);
    await rejectsWith(iam().send(new DeleteUserCommand({ UserName: "renamed" })), "DeleteConflictException", 409);

    await iam().send(new CreateUserCommand({ UserName: "renamer" }));
    assert.deepEqual((await iam().send(new ListGroupsForUserCommand({ UserName: "renamer" }))).Groups, []);
    assert.deepEqual((await iam().send(new ListUserPoliciesCommand({ UserName: "renamer" }))).PolicyNames, []);
    await iam().send(new DeleteUserCommand({ UserName: "renamer" }));
    await iam().send(new RemoveUserFromGroupCommand({ GroupName: "renamers", UserName: "renamed" }));
    await iam().send(new DeleteUserPolicyCommand({ UserName: "renamed", PolicyName: "kept" }));
    await iam().send(new DeleteUserCommand({ UserName: "renamed" }));
  });

  it("lets the root manage its own access keys, which sign as the root (ceph s3-tests' test_account_current_user_access_key_*)", async () => {
    const root = iam();
    await rejectsWith(root.send(new UpdateAccessKeyCommand({ AccessKeyId: "AKIAUNKNOWNKEY000000", Status: "Active" })), "NoSuchEntityException", 404);
    const created = (await root.send(new CreateAccessKeyCommand({}))).AccessKey!;
    assert.equal(created.Status, "Active");
    const own = { accessKeyId: created.AccessKeyId!, secretAccessKey: created.SecretAccessKey! };
    assert.equal((await sts(own).send(new GetCallerIdentityCommand({}))).Arn, "arn:aws:iam::000000000000:root");
    await root.send(new UpdateAccessKeyCommand({ AccessKeyId: own.accessKeyId, Status: "Inactive" }));
    assert.deepEqual((await root.send(new ListAccessKeysCommand({}))).AccessKeyMetadata?.map((k) => [k.AccessKeyId, k.Status]), [[own.accessKeyId, "Inactive"]]);
    await root.send(new CreateAccessKeyCommand({}));
    await rejectsWith(root.send(new CreateAccessKeyCommand({})), "LimitExceededException", 409);
    for (const key of (await root.send(new ListAccessKeysCommand({}))).AccessKeyMetadata!) await root.send(new DeleteAccessKeyCommand({ AccessKeyId: key.AccessKeyId! }));
    await rejectsWith(root.send(new DeleteAccessKeyCommand({ AccessKeyId: own.accessKeyId })), "NoSuchEntityException", 404);
    assert.deepEqual((await root.send(new ListAccessKeysCommand({}))).AccessKeyMetadata, []);
  });

  it("answers GetUser without a name for the root, and refuses it for a role session", async () => {
    assert.equal((await iam().send(new GetUserCommand({}))).User?.Arn, "arn:aws:iam::000000000000:root");
    const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::000000000000:root" }, Action: "sts:AssumeRole" }] });
    const role = await iam().send(new CreateRoleCommand({ RoleName: "no-user", AssumeRolePolicyDocument: trust }));
    const session = await sts().send(new AssumeRoleCommand({ RoleArn: role.Role!.Arn!, RoleSessionName: "session" }));
    const credentials = session.Credentials!;
    const asRole = iam({ accessKeyId: credentials.AccessKeyId!, secretAccessKey: credentials.SecretAccessKey!, sessionToken: credentials.SessionToken! });
    const refused = await rejectsWith(asRole.send(new GetUserCommand({})), "ValidationError", 400);
    assert.equal(refused.message, "Must specify userName when calling with non-User credentials");
  });

  it("pages ListUsers and filters by path", async () => {
    for (const name of ["u1", "u2", "u3", "u4", "u5"]) await iam().send(new CreateUserCommand({ UserName: name, Path: name === "u5" ? "/other/" : "/" }));
    const names: string[] = [];
    let marker: string | undefined;
    do {
      const page = await iam().send(new ListUsersCommand({ MaxItems: 2, Marker: marker }));
      names.push(...(page.Users ?? []).map((u) => u.UserName ?? ""));
      marker = page.IsTruncated ? page.Marker : undefined;
    } while (marker);
    assert.deepEqual(names, ["u1", "u2", "u3", "u4", "u5"]);
    const other = await iam().send(new ListUsersCommand({ PathPrefix: "/other/" }));
    assert.deepEqual(other.Users?.map((u) => u.UserName), ["u5"]);
  });

  it("makes keys that sign requests as the user, until deactivated or deleted", async () => {
    await iam().send(new CreateUserCommand({ UserName: "bob" }));
    const made = await iam().send(new CreateAccessKeyCommand({ UserName: "bob" }));
    const key = { accessKeyId: made.AccessKey!.AccessKeyId!, secretAccessKey: made.AccessKey!.SecretAccessKey! };
    assert.match(key.accessKeyId, /^AKIA[A-Z2-7]{16}$/);
    assert.equal(key.secretAccessKey.length, 40);

    const identity = await sts(key).send(new GetCallerIdentityCommand({}));
    assert.equal(identity.Arn, "arn:aws:iam::000000000000:user/bob");
    assert.match(identity.UserId ?? "", /^AIDA/);
    await s3(key).send(new ListBucketsCommand({}));
    assert.equal((await iam(key).send(new GetUserCommand({}))).User?.UserName, "bob");
    await rejectsWith(sts({ ...key, secretAccessKey: "wrong" }).send(new GetCallerIdentityCommand({})), "SignatureDoesNotMatch", 403);

    const listed = await iam().send(new ListAccessKeysCommand({ UserName: "bob" }));
    assert.deepEqual(listed.AccessKeyMetadata?.map((k) => [k.AccessKeyId, k.Status]), [[key.accessKeyId, "Active"]]);
    assert.equal((await iam().send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.accessKeyId }))).UserName, "bob");

    await iam().send(new UpdateAccessKeyCommand({ UserName: "bob", AccessKeyId: key.accessKeyId, Status: "Inactive" }));
    await rejectsWith(sts(key).send(new GetCallerIdentityCommand({})), "InvalidClientTokenId", 403);
    await rejectsWith(s3(key).send(new ListBucketsCommand({})), "InvalidAccessKeyId", 403);
    await iam().send(new UpdateAccessKeyCommand({ UserName: "bob", AccessKeyId: key.accessKeyId, Status: "Active" }));
    assert.equal((await sts(key).send(new GetCallerIdentityCommand({}))).Arn, "arn:aws:iam::000000000000:user/bob");

    await iam().send(new CreateAccessKeyCommand({ UserName: "bob" }));
    await rejectsWith(iam().send(new CreateAccessKeyCommand({ UserName: "bob" })), "LimitExceededException", 409);
    await rejectsWith(iam().send(new DeleteUserCommand({ UserName: "bob" })), "DeleteConflictException", 409);
    await rejectsWith(iam().send(new DeleteAccessKeyCommand({ UserName: "bob", AccessKeyId: "AKIANOTAREALKEY12345" })), "NoSuchEntityException", 404);
    await iam().send(new DeleteAccessKeyCommand({ UserName: "bob", AccessKeyId: key.accessKeyId }));
    // Deleted, the key is unknown again: lenient mode takes it as the default root.
    assert.equal((await sts(key).send(new GetCallerIdentityCommand({}))).Arn, "arn:aws:iam::000000000000:root");
  });

  it("keeps users and keys across a restart", async () => {
    const dataDir = t.dataDir + "-restart";
    let cloud = await start({ dataDir });
    const admin = new IAMClient(cloud.clientConfig);
    await admin.send(new CreateUserCommand({ UserName: "carol" }));
    const made = await admin.send(new CreateAccessKeyCommand({ UserName: "carol" }));
    admin.destroy();
    await cloud.stop();
    cloud = await start({ dataDir });
    try {
      const client = new STSClient({ ...cloud.clientConfig, credentials: { accessKeyId: made.AccessKey!.AccessKeyId!, secretAccessKey: made.AccessKey!.SecretAccessKey! } });
      assert.equal((await client.send(new GetCallerIdentityCommand({}))).Arn, "arn:aws:iam::000000000000:user/carol");
      client.destroy();
    } finally {
      await cloud.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

function pick(identity: { Account?: string; Arn?: string; UserId?: string }) {
  return { Account: identity.Account, Arn: identity.Arn, UserId: identity.UserId };
}
