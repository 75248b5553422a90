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

  it("reports IAM errors by code", async () => {
    const result = await runTool("aws", ["--endpoint-url", t.cloud.endpoint, "iam", "get-user", "--user-name", "ghost"], awsEnv());
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /\(NoSuchEntity\) when calling the GetUser operation: The user with name ghost cannot be found\./);
  });
});
