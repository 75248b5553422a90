/**
 * The AWS CLI (v1) against Nimbus's IAM and STS: `aws iam …` and
 * `aws sts get-caller-identity`, with the keys IAM hands out.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startCloud, type TestCloud } from "../support/nimbus.js";
import { awsEnv, runTool, toolMissing } from "../support/tools.js";

const skip = await toolMissing("aws", ["--version"]);

describe("AWS CLI: iam and sts", { skip }, () => {
  let t: TestCloud;
  const aws = async (args: string[], env: NodeJS.ProcessEnv = {}): Promise<unknown> => {
    const result = await runTool("aws", ["--endpoint-url", t.cloud.endpoint, "--output", "json", ...args], awsEnv(env));
    assert.equal(result.code, 0, `aws ${args.join(" ")}:\n${result.stderr}`);
    return result.stdout.trim() ? JSON.parse(result.stdout) : undefined;
  };
  before(async () => {
    t = await startCloud();
  });
  after(() => t.stop());

  it("creates a user and a key, and the key identifies the user", async () => {
    const created = (await aws(["iam", "create-user", "--user-name", "cli-user"])) as { User: { Arn: string } };
    assert.equal(created.User.Arn, "arn:aws:iam::000000000000:user/cli-user");
    const users = (await aws(["iam", "list-users"])) as { Users: { UserName: string }[] };
    assert.deepEqual(users.Users.map((u) => u.UserName), ["cli-user"]);
    const key = (await aws(["iam", "create-access-key", "--user-name", "cli-user"])) as { AccessKey: { AccessKeyId: string; SecretAccessKey: string } };
    const me = (await aws(["sts", "get-caller-identity"], {
      AWS_ACCESS_KEY_ID: key.AccessKey.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: key.AccessKey.SecretAccessKey,
    })) as { Arn: string; Account: string };
    assert.deepEqual([me.Account, me.Arn], ["000000000000", "arn:aws:iam::000000000000:user/cli-user"]);
    const root = (await aws(["sts", "get-caller-identity"])) as { Arn: string };
    assert.equal(root.Arn, "arn:aws:iam::000000000000:root");
  });

  it("manages instance profiles, and reports a key's last use", async () => {
    const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] });
    await aws(["iam", "create-role", "--role-name", "cli-role", "--assume-role-policy-document", trust]);
    const created = (await aws(["iam", "create-instance-profile", "--instance-profile-name", "cli-profile", "--path", "/cli/"])) as { InstanceProfile: { Arn: string; InstanceProfileId: string } };
    assert.equal(created.InstanceProfile.Arn, "arn:aws:iam::000000000000:instance-profile/cli/cli-profile");
    assert.match(created.InstanceProfile.InstanceProfileId, /^AIPA/);
    await aws(["iam", "add-role-to-instance-profile", "--instance-profile-name", "cli-profile", "--role-name", "cli-role"]);
    const got = (await aws(["iam", "get-instance-profile", "--instance-profile-name", "cli-profile"])) as { InstanceProfile: { Roles: { RoleName: string }[] } };
    assert.deepEqual(got.InstanceProfile.Roles.map((r) => r.RoleName), ["cli-role"]);
    const forRole = (await aws(["iam", "list-instance-profiles-for-role", "--role-name", "cli-role"])) as { InstanceProfiles: { InstanceProfileName: string }[] };
    assert.deepEqual(forRole.InstanceProfiles.map((p) => p.InstanceProfileName), ["cli-profile"]);
    const conflict = await runTool("aws", ["--endpoint-url", t.cloud.endpoint, "iam", "delete-role", "--role-name", "cli-role"], awsEnv());
    assert.match(conflict.stderr, /\(DeleteConflict\) when calling the DeleteRole operation: Cannot delete entity, must remove roles from instance profile first\./);
    await aws(["iam", "remove-role-from-instance-profile", "--instance-profile-name", "cli-profile", "--role-name", "cli-role"]);
    await aws(["iam", "delete-instance-profile", "--instance-profile-name", "cli-profile"]);
    const listed = (await aws(["iam", "list-instance-profiles"])) as { InstanceProfiles: unknown[] };
    assert.deepEqual(listed.InstanceProfiles, []);
    await aws(["iam", "delete-role", "--role-name", "cli-role"]);

    await aws(["iam", "create-user", "--user-name", "cli-used"]);
    const key = (await aws(["iam", "create-access-key", "--user-name", "cli-used"])) as { AccessKey: { AccessKeyId: string; SecretAccessKey: string } };
    const unused = (await aws(["iam", "get-access-key-last-used", "--access-key-id", key.AccessKey.AccessKeyId])) as { AccessKeyLastUsed: Record<string, string> };
    assert.deepEqual(unused.AccessKeyLastUsed, { ServiceName: "N/A", Region: "N/A" });
    await aws(["s3api", "list-buckets", "--region", "eu-west-1"], { AWS_ACCESS_KEY_ID: key.AccessKey.AccessKeyId, AWS_SECRET_ACCESS_KEY: key.AccessKey.SecretAccessKey });
    const used = (await aws(["iam", "get-access-key-last-used", "--access-key-id", key.AccessKey.AccessKeyId])) as { AccessKeyLastUsed: Record<string, string> };
    assert.equal(used.AccessKeyLastUsed.ServiceName, "s3");
    assert.equal(used.AccessKeyLastUsed.Region, "eu-west-1");
    assert.ok(!Number.isNaN(Date.parse(used.AccessKeyLastUsed.LastUsedDate ?? "")));
  });

  it("lists the entities a policy is attached to, as a cleanup before delete-policy does", async () => {
    const doc = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:ListBucket", Resource: "*" }] });
    const created = (await aws(["iam", "create-policy", "--policy-name", "cli-lister", "--policy-document", doc])) as { Policy: { Arn: string } };
    const arn = created.Policy.Arn;
    await aws(["iam", "create-user", "--user-name", "cli-attached"]);
    await aws(["iam", "attach-user-policy", "--user-name", "cli-attached", "--policy-arn", arn]);
    const listed = (await aws(["iam", "list-entities-for-policy", "--policy-arn", arn, "--page-size", "1"])) as Record<string, { UserName?: string }[]>;
    assert.deepEqual([listed.PolicyGroups, listed.PolicyUsers?.map((u) => u.UserName), listed.PolicyRoles], [[], ["cli-attached"], []]);
    await aws(["iam", "detach-user-policy", "--user-name", "cli-attached", "--policy-arn", arn]);
    await aws(["iam", "delete-policy", "--policy-arn", arn]);
  });

  it("reports IAM errors by code", async () => {
    const result = await runTool("aws", ["--endpoint-url", t.cloud.endpoint, "iam", "get-user", "--user-name", "ghost"], awsEnv());
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /\(NoSuchEntity\) when calling the GetUser operation: The user with name ghost cannot be found\./);
  });
});
