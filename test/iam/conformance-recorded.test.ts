/**
 * IAM and STS answers that AWS recordings pin down (LocalStack's
 * AWS-validated snapshots), through the AWS SDK: what each call says about
 * a role, when tags are listed, policy tag keys by case, IAM's unquoted
 * validation values, NoSuchEntity wordings, and malformed ARNs.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  AddRoleToInstanceProfileCommand,
  AddUserToGroupCommand,
  AttachRolePolicyCommand,
  CreateGroupCommand,
  CreateInstanceProfileCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeletePolicyCommand,
  GetInstanceProfileCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  IAMClient,
  ListPolicyTagsCommand,
  ListRolesCommand,
  RemoveRoleFromInstanceProfileCommand,
  RemoveUserFromGroupCommand,
  SetDefaultPolicyVersionCommand,
  TagPolicyCommand,
  TagRoleCommand,
  UntagPolicyCommand,
  UntagRoleCommand,
  UpdateAssumeRolePolicyCommand,
} from "@aws-sdk/client-iam";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";

const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "000000000000" }, Action: "sts:AssumeRole" }] });
const DOCUMENT = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] });

describe("IAM conformance: recorded AWS answers", () => {
  let t: TestCloud;
  let iam: IAMClient;
  let sts: STSClient;
  before(async () => {
    t = await startCloud({ inMemory: true });
    iam = new IAMClient(t.cloud.clientConfig);
    sts = new STSClient(t.cloud.clientConfig);
  });
  after(async () => {
    iam.destroy();
    sts.destroy();
    await t.stop();
  });

  it("describes a role bare on creation and inside instance profiles, in full on GetRole", async () => {
    const created = (await iam.send(new CreateRoleCommand({ RoleName: "shapes", AssumeRolePolicyDocument: TRUST, Description: "a role" }))).Role!;
    assert.equal(created.Description, undefined);
    assert.equal(created.MaxSessionDuration, undefined);
    assert.equal(created.RoleLastUsed, undefined);
    const got = (await iam.send(new GetRoleCommand({ RoleName: "shapes" }))).Role!;
    assert.deepEqual([got.Description, got.MaxSessionDuration, got.RoleLastUsed], ["a role", 3600, {}]);
    const listed = (await iam.send(new ListRolesCommand({}))).Roles!.find((r) => r.RoleName === "shapes")!;
    assert.deepEqual([listed.Description, listed.MaxSessionDuration], ["a role", 3600]);

    const profile = (await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: "shapes-profile" }))).InstanceProfile!;
    assert.equal(profile.Tags, undefined);
    await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: "shapes-profile", RoleName: "shapes" }));
    const held = (await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: "shapes-profile" }))).InstanceProfile!;
    assert.deepEqual(held.Tags, []);
    assert.equal(held.Roles![0]!.MaxSessionDuration, undefined);
    await iam.send(new CreateRoleCommand({ RoleName: "elsewhere", AssumeRolePolicyDocument: TRUST }));
    const notIn = await rejectsWith(iam.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: "shapes-profile", RoleName: "elsewhere" })), "NoSuchEntityException", 404);
    assert.equal(notIn.message, "Role elsewhere in Instance Profile shapes-profile cannot be found.");
  });

  it("words trust policies as IAM does: invalid JSON, and only role-assuming actions", async () => {
    const json = await rejectsWith(iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: "shapes", PolicyDocument: "not valid json" })), "MalformedPolicyDocumentException", 400);
    assert.equal(json.message, "This policy contains invalid Json");
    const other = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "000000000000" }, Action: "sts:InvalidAction" }] });
    const action = await rejectsWith(iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: "shapes", PolicyDocument: other })), "MalformedPolicyDocumentException", 400);
    assert.equal(action.message, "AssumeRole policy may only specify STS AssumeRole actions.");
    const tagged = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "000000000000" }, Action: ["sts:AssumeRole", "sts:TagSession"] }] });
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: "shapes", PolicyDocument: tagged }));
  });

  it("gives GetPolicy its tags, maybe none, and CreatePolicy no description", async () => {
    const created = (await iam.send(new CreatePolicyCommand({ PolicyName: "described", PolicyDocument: DOCUMENT, Description: "testing" }))).Policy!;
    assert.equal(created.Description, undefined);
    assert.equal(created.Tags, undefined);
    const got = (await iam.send(new GetPolicyCommand({ PolicyArn: created.Arn! }))).Policy!;
    assert.equal(got.Description, "testing");
    assert.deepEqual(got.Tags, []);
  });

  it("describes AWS managed policies with AWS's description, version and (no) tags", async () => {
    const policy = (await iam.send(new GetPolicyCommand({ PolicyArn: "arn:aws:iam::aws:policy/IAMUserChangePassword" }))).Policy!;
    assert.deepEqual([policy.DefaultVersionId, policy.Description, policy.Tags], ["v5", "Provides the ability for an IAM user to change their own password.", []]);
    await iam.send(new AttachRolePolicyCommand({ RoleName: "shapes", PolicyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole" }));
  });

  it("tells policy tag keys apart by case, role tag keys not", async () => {
    const arn = (await iam.send(new CreatePolicyCommand({ PolicyName: "cased", PolicyDocument: DOCUMENT, Tags: [{ Key: "a", Value: "lower" }, { Key: "A", Value: "upper" }] }))).Policy!.Arn!;
    await iam.send(new UntagPolicyCommand({ PolicyArn: arn, TagKeys: ["a"] }));
    assert.deepEqual((await iam.send(new ListPolicyTagsCommand({ PolicyArn: arn }))).Tags, [{ Key: "A", Value: "upper" }]);
    const twice = await rejectsWith(iam.send(new TagPolicyCommand({ PolicyArn: arn, Tags: [{ Key: "0", Value: "" }, { Key: "0", Value: "" }] })), "InvalidInputException", 400);
    assert.equal(twice.message, "Duplicate tag keys found.");
    const roleCase = await rejectsWith(iam.send(new TagRoleCommand({ RoleName: "shapes", Tags: [{ Key: "a", Value: "1" }, { Key: "A", Value: "2" }] })), "InvalidInputException", 400);
    assert.equal(roleCase.message, "Duplicate tag keys found. Please note that Tag keys are case insensitive.");
  });

  it("leaves tag lists and version ids out of its validation messages", async () => {
    const tags = Array.from({ length: 51 }, (_, i) => ({ Key: String(i), Value: String(i) }));
    const many = await rejectsWith(iam.send(new TagRoleCommand({ RoleName: "shapes", Tags: tags })), "ValidationError", 400);
    assert.equal(many.message, "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50");
    const long = await rejectsWith(iam.send(new TagRoleCommand({ RoleName: "shapes", Tags: [{ Key: "0".repeat(129), Value: "v" }] })), "ValidationError", 400);
    assert.equal(long.message, "1 validation error detected: Value at 'tags.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 128");
    const untag = await rejectsWith(iam.send(new UntagRoleCommand({ RoleName: "shapes", TagKeys: ["NOWAY!"] })), "ValidationError", 400);
    assert.match(untag.message, /^1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: \[Member must have length less than or equal to 128, /);
    const arn = "arn:aws:iam::000000000000:policy/described";
    const version = await rejectsWith(iam.send(new SetDefaultPolicyVersionCommand({ PolicyArn: arn, VersionId: "wrong_version_id" })), "ValidationError", 400);
    assert.equal(version.message, "1 validation error detected: Value at 'versionId' failed to satisfy constraint: Member must satisfy regular expression pattern: v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?");
  });

  it("words a missing policy as each call does", async () => {
    const arn = "arn:aws:iam::000000000000:policy/NotAPolicy";
    const version = await rejectsWith(iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: "v1" })), "NoSuchEntityException", 404);
    assert.equal(version.message, `Policy ${arn} version v1 does not exist or is not attachable.`);
    const setDefault = await rejectsWith(iam.send(new SetDefaultPolicyVersionCommand({ PolicyArn: arn, VersionId: "v1" })), "NoSuchEntityException", 404);
    assert.equal(setDefault.message, `Policy ${arn} version v1 does not exist or is not attachable.`);
    const tag = await rejectsWith(iam.send(new TagPolicyCommand({ PolicyArn: arn, Tags: [{ Key: "k", Value: "v" }] })), "NoSuchEntityException", 404);
    assert.equal(tag.message, `Policy ${arn} was not found.`);
    // As AWS answers GetPolicy and DeletePolicy (CLI captures in localstack/localstack#4298 and in EKS setup logs).
    const got = await rejectsWith(iam.send(new GetPolicyCommand({ PolicyArn: arn })), "NoSuchEntityException", 404);
    assert.equal(got.message, `Policy ${arn} was not found.`);
    const deleted = await rejectsWith(iam.send(new DeletePolicyCommand({ PolicyArn: arn })), "NoSuchEntityException", 404);
    assert.equal(deleted.message, `Policy ${arn} was not found.`);
  });

  it("removes a user who is no longer in a group without complaint", async () => {
    await iam.send(new CreateUserCommand({ UserName: "member" }));
    await iam.send(new CreateGroupCommand({ GroupName: "team" }));
    await iam.send(new AddUserToGroupCommand({ GroupName: "team", UserName: "member" }));
    await iam.send(new RemoveUserFromGroupCommand({ GroupName: "team", UserName: "member" }));
    const again = await iam.send(new RemoveUserFromGroupCommand({ GroupName: "team", UserName: "member" }));
    assert.equal(again.$metadata.httpStatusCode, 200);
  });

  it("refuses a permissions boundary, which Nimbus does not model, rather than drop it", async () => {
    const boundary = "arn:aws:iam::aws:policy/ReadOnlyAccess";
    const role = await rejectsWith(iam.send(new CreateRoleCommand({ RoleName: "bounded", AssumeRolePolicyDocument: TRUST, PermissionsBoundary: boundary })), "NotImplemented", 501);
    assert.equal(role.message, "The PermissionsBoundary parameter of CreateRole is not supported by Nimbus yet.");
    await rejectsWith(iam.send(new CreateUserCommand({ UserName: "bounded", PermissionsBoundary: boundary })), "NotImplemented", 501);
    await rejectsWith(iam.send(new GetRoleCommand({ RoleName: "bounded" })), "NoSuchEntityException", 404);
  });

  it("checks session tags: keys unique whatever their case, transitive keys among them", async () => {
    const RoleArn = "arn:aws:iam::000000000000:role/shapes";
    const duplicate = await rejectsWith(
      sts.send(new AssumeRoleCommand({ RoleArn, RoleSessionName: "tagged", Tags: [{ Key: "Tag1", Value: "a" }, { Key: "tag1", Value: "b" }] })),
      "InvalidParameterValue",
      400,
    );
    assert.equal(duplicate.message, "Duplicate tag keys found. Please note that Tag keys are case insensitive.");
    const transitive = await rejectsWith(
      sts.send(new AssumeRoleCommand({ RoleArn, RoleSessionName: "tagged", Tags: [{ Key: "Tag1", Value: "a" }], TransitiveTagKeys: ["Tag2"] })),
      "InvalidParameterValue",
      400,
    );
    assert.equal(transitive.message, "The specified transitive tag key must be included in the requested tags.");
  });

  it("passes transitive session tags down a role chain, where no session may set them again", async () => {
    const RoleArn = "arn:aws:iam::000000000000:role/shapes";
    const chained = (credentials: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string }) =>
      new STSClient({ ...t.cloud.clientConfig, credentials: { accessKeyId: credentials.AccessKeyId!, secretAccessKey: credentials.SecretAccessKey!, sessionToken: credentials.SessionToken! } });
    const first = await sts.send(
      new AssumeRoleCommand({ RoleArn, RoleSessionName: "Session1", Tags: [{ Key: "SessionTag1", Value: "SessionValue1" }], TransitiveTagKeys: ["SessionTag1"] }),
    );
    const second = chained(first.Credentials!);
    for (const Key of ["SessionTag1", "sessiontag1"]) {
      const conflict = await rejectsWith(second.send(new AssumeRoleCommand({ RoleArn, RoleSessionName: "Session2", Tags: [{ Key, Value: "SessionValue2" }] })), "InvalidParameterValue", 400);
      assert.equal(conflict.message, "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.");
    }
    const next = await second.send(new AssumeRoleCommand({ RoleArn, RoleSessionName: "Session2", Tags: [{ Key: "Other", Value: "v" }] }));
    // The inherited tag goes on down the chain.
    const third = chained(next.Credentials!);
    await rejectsWith(third.send(new AssumeRoleCommand({ RoleArn, RoleSessionName: "Session3", Tags: [{ Key: "SessionTag1", Value: "x" }] })), "InvalidParameterValue", 400);
    assert.ok((await third.send(new AssumeRoleCommand({ RoleArn, RoleSessionName: "Session3", Tags: [{ Key: "Other", Value: "x" }] }))).Credentials);
    second.destroy();
    third.destroy();
  });

  it("refuses what is no ARN at all as invalid", async () => {
    const policy = await rejectsWith(iam.send(new AttachRolePolicyCommand({ RoleName: "shapes", PolicyArn: "longpolicynamebutnoarn" })), "ValidationError", 400);
    assert.equal(policy.message, "ARN longpolicynamebutnoarn is not valid.");
    for (const RoleArn of ["nothing-valid-in-here", "arn:a::::something/test-role", "arn:a:a::aaaaaaaaaa:"]) {
      const role = await rejectsWith(sts.send(new AssumeRoleCommand({ RoleArn, RoleSessionName: "session" })), "ValidationError", 400);
      assert.equal(role.message, `${RoleArn} is invalid`);
    }
  });
});
