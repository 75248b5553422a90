/**
 * Strict mode names users, groups and roles by their ARNs with their
 * paths, as policies do: a grant on `user/eng/*` covers a user made under
 * `/eng/`, and a grant on `user/name` (no path) does not.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CreateAccessKeyCommand,
  CreateGroupCommand,
  AttachRolePolicyCommand,
  CreateLoginProfileCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetGroupCommand,
  IAMClient,
  ListAccessKeysCommand,
  PutUserPolicyCommand,
  TagUserCommand,
  UpdateUserCommand,
} from "@aws-sdk/client-iam";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";

describe("strict mode: IAM resources carry their paths", () => {
  let t: TestCloud;
  let root: IAMClient;
  let admin: IAMClient;
  before(async () => {
    t = await startCloud({ auth: "strict", inMemory: true });
    root = new IAMClient(t.cloud.clientConfig);
    await root.send(new CreateUserCommand({ UserName: "target", Path: "/eng/" }));
    await root.send(new CreateGroupCommand({ GroupName: "builders", Path: "/eng/" }));
    await root.send(new CreateUserCommand({ UserName: "admin" }));
    await root.send(new CreateRoleCommand({ RoleName: "Prot", Path: "/sec/", AssumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] }) }));
    const grants = [
      { Effect: "Allow", Action: ["iam:CreateLoginProfile", "iam:ListAccessKeys", "iam:GetGroup"], Resource: ["arn:aws:iam::000000000000:user/eng/*", "arn:aws:iam::000000000000:group/eng/*"] },
      { Effect: "Allow", Action: "iam:TagUser", Resource: "arn:aws:iam::000000000000:user/target" },
      { Effect: "Allow", Action: ["iam:AttachRolePolicy", "iam:UpdateUser"], Resource: "*" },
      { Effect: "Deny", Action: "iam:*", Resource: ["arn:aws:iam::000000000000:role/sec/Prot", "arn:aws:iam::000000000000:user/admins/*"] },
    ];
    await root.send(new PutUserPolicyCommand({ UserName: "admin", PolicyName: "eng-admin", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: grants }) }));
    const key = (await root.send(new CreateAccessKeyCommand({ UserName: "admin" }))).AccessKey!;
    admin = new IAMClient({ ...t.cloud.clientConfig, credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! } });
  });
  after(async () => {
    root.destroy();
    admin.destroy();
    await t.stop();
  });

  it("allows what a grant on the path covers, and refuses a grant that leaves the path out", async () => {
    await admin.send(new CreateLoginProfileCommand({ UserName: "target", Password: "Str0ng!pass" }));
    assert.deepEqual((await admin.send(new ListAccessKeysCommand({ UserName: "target" }))).AccessKeyMetadata, []);
    assert.equal((await admin.send(new GetGroupCommand({ GroupName: "builders" }))).Group?.Arn, "arn:aws:iam::000000000000:group/eng/builders");
    const denied = await rejectsWith(admin.send(new TagUserCommand({ UserName: "target", Tags: [{ Key: "k", Value: "v" }] })), "AccessDenied", 403);
    assert.match(denied.message, /on resource: arn:aws:iam::000000000000:user\/eng\/target/);
  });

  it("judges an entity named in another case by its own ARN", async () => {
    for (const RoleName of ["Prot", "prot", "PROT"]) {
      await rejectsWith(admin.send(new AttachRolePolicyCommand({ RoleName, PolicyArn: "arn:aws:iam::aws:policy/AdministratorAccess" })), "AccessDenied", 403);
    }
  });

  it("takes the permission on a user's new ARN to move it", async () => {
    const refused = await rejectsWith(admin.send(new UpdateUserCommand({ UserName: "target", NewPath: "/admins/" })), "AccessDenied", 403);
    assert.match(refused.message, /on resource: arn:aws:iam::000000000000:user\/admins\/target/);
    await admin.send(new UpdateUserCommand({ UserName: "target", NewPath: "/ops/" }));
  });
});
