/**
 * Login profiles, the account password policy and alias, the account
 * summary, empty credential listings and the credential report, through
 * the AWS SDK, in IAM's words.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CreateAccountAliasCommand,
  CreateAccessKeyCommand,
  CreateLoginProfileCommand,
  CreateUserCommand,
  DeleteAccountAliasCommand,
  DeleteAccountPasswordPolicyCommand,
  DeleteLoginProfileCommand,
  DeleteUserCommand,
  GenerateCredentialReportCommand,
  GetCredentialReportCommand,
  GetAccountPasswordPolicyCommand,
  GetAccountSummaryCommand,
  GetLoginProfileCommand,
  IAMClient,
  ListAccountAliasesCommand,
  ListMFADevicesCommand,
  ListSAMLProvidersCommand,
  ListServiceSpecificCredentialsCommand,
  ListSSHPublicKeysCommand,
  ListVirtualMFADevicesCommand,
  UpdateAccountPasswordPolicyCommand,
  UpdateLoginProfileCommand,
} from "@aws-sdk/client-iam";
import { cloudFor, rejectsWith } from "../support/nimbus.js";

describe("IAM account settings: login profiles, password policy, alias, summary, credential report", () => {
  const cloud = cloudFor((config) => new IAMClient(config));

  it("creates, reads, updates and deletes a user's login profile", async () => {
    await cloud.client.send(new CreateUserCommand({ UserName: "console" }));
    const { LoginProfile } = await cloud.client.send(new CreateLoginProfileCommand({ UserName: "console", Password: "Str0ng!pass", PasswordResetRequired: true }));
    assert.equal(LoginProfile?.UserName, "console");
    assert.equal(LoginProfile?.PasswordResetRequired, true);
    assert.ok(LoginProfile?.CreateDate instanceof Date);
    const again = await rejectsWith(cloud.client.send(new CreateLoginProfileCommand({ UserName: "console", Password: "x" })), "EntityAlreadyExistsException", 409);
    assert.equal(again.message, "Login Profile for user console already exists.");

    await cloud.client.send(new UpdateLoginProfileCommand({ UserName: "console", PasswordResetRequired: false }));
    const got = await cloud.client.send(new GetLoginProfileCommand({ UserName: "console" }));
    assert.equal(got.LoginProfile?.PasswordResetRequired, false);

    const conflict = await rejectsWith(cloud.client.send(new DeleteUserCommand({ UserName: "console" })), "DeleteConflictException", 409);
    assert.equal(conflict.message, "Cannot delete entity, must delete login profile first.");
    await cloud.client.send(new DeleteLoginProfileCommand({ UserName: "console" }));
    const gone = await rejectsWith(cloud.client.send(new GetLoginProfileCommand({ UserName: "console" })), "NoSuchEntityException", 404);
    assert.equal(gone.message, "Login Profile for User console cannot be found.");
    await rejectsWith(cloud.client.send(new DeleteLoginProfileCommand({ UserName: "console" })), "NoSuchEntityException", 404);
    await cloud.client.send(new DeleteUserCommand({ UserName: "console" }));
    const noUser = await rejectsWith(cloud.client.send(new CreateLoginProfileCommand({ UserName: "console", Password: "x" })), "NoSuchEntityException", 404);
    assert.equal(noUser.message, "The user with name console cannot be found.");
  });

  it("keeps a password policy, and holds login passwords to it", async () => {
    const missing = await rejectsWith(cloud.client.send(new GetAccountPasswordPolicyCommand({})), "NoSuchEntityException", 404);
    assert.equal(missing.message, "The Password Policy with domain name 000000000000 cannot be found.");
    await cloud.client.send(new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 12, RequireNumbers: true, RequireSymbols: true, MaxPasswordAge: 90 }));
    const { PasswordPolicy } = await cloud.client.send(new GetAccountPasswordPolicyCommand({}));
    assert.deepEqual(PasswordPolicy, {
      MinimumPasswordLength: 12,
      RequireSymbols: true,
      RequireNumbers: true,
      RequireUppercaseCharacters: false,
      RequireLowercaseCharacters: false,
      AllowUsersToChangePassword: false,
      ExpirePasswords: true,
      MaxPasswordAge: 90,
    });

    await cloud.client.send(new CreateUserCommand({ UserName: "weak" }));
    const cases: [string, string][] = [
      ["short1!", "Password should have a minimum length of 12"],
      ["longenough123", "Password should have at least one symbol"],
      ["longenough!!!", "Password should have at least one number"],
    ];
    for (const [Password, message] of cases) {
      const refused = await rejectsWith(cloud.client.send(new CreateLoginProfileCommand({ UserName: "weak", Password })), "PasswordPolicyViolationException", 400);
      assert.equal(refused.message, message);
    }
    await cloud.client.send(new CreateLoginProfileCommand({ UserName: "weak", Password: "longenough1!" }));
    await rejectsWith(cloud.client.send(new UpdateLoginProfileCommand({ UserName: "weak", Password: "short" })), "PasswordPolicyViolationException", 400);
    const tooLong = await rejectsWith(cloud.client.send(new UpdateLoginProfileCommand({ UserName: "weak", Password: "x".repeat(129) })), "ValidationError", 400);
    assert.equal(tooLong.message, "1 validation error detected: Value at 'password' failed to satisfy constraint: Member must have length less than or equal to 128", "a password is never quoted");

    await rejectsWith(cloud.client.send(new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 5 })), "ValidationError", 400);
    await cloud.client.send(new DeleteAccountPasswordPolicyCommand({}));
    await rejectsWith(cloud.client.send(new DeleteAccountPasswordPolicyCommand({})), "NoSuchEntityException", 404);
  });

  it("sets, lists and deletes the account alias, unique across accounts", async () => {
    assert.deepEqual((await cloud.client.send(new ListAccountAliasesCommand({}))).AccountAliases, []);
    await cloud.client.send(new CreateAccountAliasCommand({ AccountAlias: "my-course-account" }));
    await cloud.client.send(new CreateAccountAliasCommand({ AccountAlias: "my-lab-account" }));
    assert.deepEqual((await cloud.client.send(new ListAccountAliasesCommand({}))).AccountAliases, ["my-lab-account"]);

    const other = new IAMClient({ ...cloud.t.cloud.clientConfig, credentials: { accessKeyId: "111111111111", secretAccessKey: "x" } });
    try {
      const taken = await rejectsWith(other.send(new CreateAccountAliasCommand({ AccountAlias: "my-lab-account" })), "EntityAlreadyExistsException", 409);
      assert.equal(taken.message, "The account alias my-lab-account already exists.");
    } finally {
      other.destroy();
    }
    await rejectsWith(cloud.client.send(new CreateAccountAliasCommand({ AccountAlias: "Bad--Alias" })), "ValidationError", 400);
    const wrong = await rejectsWith(cloud.client.send(new DeleteAccountAliasCommand({ AccountAlias: "my-course-account" })), "NoSuchEntityException", 404);
    assert.equal(wrong.message, "The account alias my-course-account cannot be found.");
    await cloud.client.send(new DeleteAccountAliasCommand({ AccountAlias: "my-lab-account" }));
    assert.deepEqual((await cloud.client.send(new ListAccountAliasesCommand({}))).AccountAliases, []);
  });

  it("summarises the account: counts and quotas", async () => {
    const before = (await cloud.client.send(new GetAccountSummaryCommand({}))).SummaryMap!;
    await cloud.client.send(new CreateUserCommand({ UserName: "counted" }));
    const after = (await cloud.client.send(new GetAccountSummaryCommand({}))).SummaryMap!;
    assert.equal(after.Users, before.Users! + 1);
    assert.deepEqual([after.UsersQuota, after.AccessKeysPerUserQuota, after.PolicySizeQuota, after.AccountMFAEnabled], [5000, 2, 6144, 0]);
    assert.equal(typeof after.Groups, "number");
  });

  it("lists no MFA devices, SAML providers, SSH keys or service credentials (none can be made), for users that exist", async () => {
    await cloud.client.send(new CreateUserCommand({ UserName: "bare" }));
    assert.deepEqual((await cloud.client.send(new ListMFADevicesCommand({ UserName: "bare" }))).MFADevices, []);
    assert.deepEqual((await cloud.client.send(new ListMFADevicesCommand({}))).MFADevices, [], "the root's own");
    assert.deepEqual((await cloud.client.send(new ListVirtualMFADevicesCommand({}))).VirtualMFADevices, []);
    assert.deepEqual((await cloud.client.send(new ListSAMLProvidersCommand({}))).SAMLProviderList, []);
    assert.deepEqual((await cloud.client.send(new ListSSHPublicKeysCommand({ UserName: "bare" }))).SSHPublicKeys, []);
    assert.deepEqual((await cloud.client.send(new ListServiceSpecificCredentialsCommand({ UserName: "bare" }))).ServiceSpecificCredentials, []);
    for (const call of [
      cloud.client.send(new ListMFADevicesCommand({ UserName: "ghost" })),
      cloud.client.send(new ListSSHPublicKeysCommand({ UserName: "ghost" })),
      cloud.client.send(new ListServiceSpecificCredentialsCommand({ UserName: "ghost" })),
    ]) {
      assert.equal((await rejectsWith(call, "NoSuchEntityException", 404)).message, "The user with name ghost cannot be found.");
    }
  });

  it("generates a credential report in IAM's columns", async () => {
    await rejectsWith(cloud.client.send(new GetCredentialReportCommand({})), "CredentialReportNotPresentException", 410);
    await cloud.client.send(new CreateUserCommand({ UserName: "reported" }));
    await cloud.client.send(new CreateLoginProfileCommand({ UserName: "reported", Password: "Str0ng!pass1" }));
    await cloud.client.send(new CreateAccessKeyCommand({ UserName: "reported" }));
    assert.equal((await cloud.client.send(new GenerateCredentialReportCommand({}))).State, "STARTED");
    assert.equal((await cloud.client.send(new GenerateCredentialReportCommand({}))).State, "COMPLETE");
    const report = await cloud.client.send(new GetCredentialReportCommand({}));
    assert.equal(report.ReportFormat, "text/csv");
    assert.ok(report.GeneratedTime instanceof Date);
    const [header, root, ...users] = Buffer.from(report.Content!).toString("utf8").split("\n").map((line) => line.split(","));
    assert.equal(header?.length, 22);
    assert.deepEqual(header?.slice(0, 4), ["user", "arn", "user_creation_time", "password_enabled"]);
    assert.deepEqual(root?.slice(0, 2), ["<root_account>", "arn:aws:iam::000000000000:root"]);
    const row = Object.fromEntries(header!.map((name, i) => [name, users.find((u) => u[0] === "reported")![i]]));
    assert.equal(row.password_enabled, "true");
    assert.equal(row.access_key_1_active, "true");
    assert.match(row.access_key_1_last_rotated!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    assert.deepEqual([row.access_key_2_active, row.cert_1_active, row.mfa_active], ["false", "false", "false"]);
  });
});
