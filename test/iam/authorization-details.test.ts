/**
 * GetAccountAuthorizationDetails through the AWS SDK: the account's users,
 * groups, roles and managed policies with their policies, filtered and paged.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import {
  AddRoleToInstanceProfileCommand,
  AddUserToGroupCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreateInstanceProfileCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetAccountAuthorizationDetailsCommand,
  IAMClient,
  PutGroupPolicyCommand,
  PutUserPolicyCommand,
} from "@aws-sdk/client-iam";
import { cloudFor, rejectsWith } from "../support/nimbus.js";

const READ = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] });
const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] });

describe("IAM GetAccountAuthorizationDetails", () => {
  const cloud = cloudFor((config) => new IAMClient(config));
  let localArn: string;
  before(async () => {
    const iam = cloud.client;
    await iam.send(new CreateUserCommand({ UserName: "auditor" }));
    await iam.send(new PutUserPolicyCommand({ UserName: "auditor", PolicyName: "read", PolicyDocument: READ }));
    await iam.send(new CreateGroupCommand({ GroupName: "staff" }));
    await iam.send(new PutGroupPolicyCommand({ GroupName: "staff", PolicyName: "group-read", PolicyDocument: READ }));
    await iam.send(new AddUserToGroupCommand({ GroupName: "staff", UserName: "auditor" }));
    localArn = (await iam.send(new CreatePolicyCommand({ PolicyName: "local-read", PolicyDocument: READ }))).Policy!.Arn!;
    await iam.send(new AttachUserPolicyCommand({ UserName: "auditor", PolicyArn: localArn }));
    await iam.send(new CreateRoleCommand({ RoleName: "web", AssumeRolePolicyDocument: TRUST }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: "web", PolicyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }));
    await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: "web-profile" }));
    await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: "web-profile", RoleName: "web" }));
  });

  it("lists every entity with its policies", async () => {
    const details = await cloud.client.send(new GetAccountAuthorizationDetailsCommand({}));
    assert.equal(details.IsTruncated, false);
    const [user] = details.UserDetailList!;
    assert.equal(user?.UserName, "auditor");
    assert.deepEqual(user?.UserPolicyList?.map((p) => [p.PolicyName, decodeURIComponent(p.PolicyDocument!)]), [["read", READ]]);
    assert.deepEqual(user?.GroupList, ["staff"]);
    assert.deepEqual(user?.AttachedManagedPolicies, [{ PolicyName: "local-read", PolicyArn: localArn }]);
    assert.deepEqual(details.GroupDetailList?.map((g) => [g.GroupName, g.GroupPolicyList?.map((p) => p.PolicyName)]), [["staff", ["group-read"]]]);
    const [role] = details.RoleDetailList!;
    assert.equal(role?.RoleName, "web");
    assert.equal(decodeURIComponent(role?.AssumeRolePolicyDocument ?? ""), TRUST);
    assert.deepEqual(role?.InstanceProfileList?.map((p) => [p.InstanceProfileName, p.Roles?.map((r) => r.RoleName)]), [["web-profile", ["web"]]]);
    assert.deepEqual(role?.AttachedManagedPolicies, [{ PolicyName: "ReadOnlyAccess", PolicyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }]);
    assert.deepEqual(
      details.Policies?.map((p) => [p.PolicyName, p.AttachmentCount, p.PolicyVersionList?.map((v) => [v.VersionId, v.IsDefaultVersion])]),
      [
        ["local-read", 1, [["v1", true]]],
        ["ReadOnlyAccess", 1, [[details.Policies?.[1]?.DefaultVersionId, true]]],
      ],
    );
  });

  it("filters by entity type and pages", async () => {
    const roles = await cloud.client.send(new GetAccountAuthorizationDetailsCommand({ Filter: ["Role", "LocalManagedPolicy"] }));
    assert.deepEqual([roles.UserDetailList, roles.GroupDetailList, roles.RoleDetailList?.length, roles.Policies?.map((p) => p.PolicyName)], [[], [], 1, ["local-read"]]);
    const first = await cloud.client.send(new GetAccountAuthorizationDetailsCommand({ MaxItems: 2 }));
    assert.deepEqual([first.UserDetailList?.length, first.GroupDetailList?.length, first.RoleDetailList?.length, first.IsTruncated], [1, 1, 0, true]);
    const rest = await cloud.client.send(new GetAccountAuthorizationDetailsCommand({ MaxItems: 10, Marker: first.Marker }));
    assert.deepEqual([rest.UserDetailList?.length, rest.RoleDetailList?.length, rest.Policies?.length, rest.IsTruncated], [0, 1, 2, false]);
    await rejectsWith(cloud.client.send(new GetAccountAuthorizationDetailsCommand({ Marker: "bogus" })), "InvalidInputException", 400);
  });
});
