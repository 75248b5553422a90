/** Managed policies and their versions, inline policies, and IAM's document checks, through the SDK. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  type CreatePolicyVersionCommandOutput,
  CreateRoleCommand,
  CreateUserCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DeleteUserPolicyCommand,
  DetachUserPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAttachedUserPoliciesCommand,
  ListEntitiesForPolicyCommand,
  ListPoliciesCommand,
  ListPolicyVersionsCommand,
  ListUserPoliciesCommand,
  PutUserPolicyCommand,
  SetDefaultPolicyVersionCommand,
} from "@aws-sdk/client-iam";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";

const doc = (action: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: action, Resource: "*" }] });

describe("IAM policies", () => {
  let t: TestCloud;
  let iam: IAMClient;
  before(async () => {
    t = await startCloud();
    iam = new IAMClient(t.cloud.clientConfig);
    await iam.send(new CreateUserCommand({ UserName: "pat" }));
  });
  after(async () => {
    iam.destroy();
    await t.stop();
  });

  it("creates a managed policy and keeps up to five versions, one default", async () => {
    const created = await iam.send(new CreatePolicyCommand({ PolicyName: "Reader", Path: "/app/", PolicyDocument: doc("s3:Get*"), Description: "reads" }));
    const arn = created.Policy!.Arn!;
    assert.equal(arn, "arn:aws:iam::000000000000:policy/app/Reader");
    assert.match(created.Policy!.PolicyId!, /^ANPA/);
    assert.equal(created.Policy!.DefaultVersionId, "v1");
    // Only GetPolicy tells the description.
    assert.equal(created.Policy!.Description, undefined);
    assert.equal((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.Description, "reads");
    const listed = (await iam.send(new ListPoliciesCommand({ Scope: "Local", PathPrefix: "/app/" }))).Policies ?? [];
    assert.deepEqual([listed.length, listed[0]?.Description], [1, undefined]);
    const duplicate = await rejectsWith(iam.send(new CreatePolicyCommand({ PolicyName: "reader", PolicyDocument: doc("s3:Get*") })), "EntityAlreadyExistsException", 409);
    assert.equal(duplicate.message, "A policy called reader already exists. Duplicate names are not allowed.");
    // A managed policy is written in the 2012-10-17 language.
    for (const legacy of [{}, { Version: "2008-10-17" }]) {
      const document = JSON.stringify({ ...legacy, Statement: [{ Effect: "Allow", Action: "s3:Get*", Resource: "*" }] });
      const refused = await rejectsWith(iam.send(new CreatePolicyCommand({ PolicyName: "Old", PolicyDocument: document })), "MalformedPolicyDocumentException", 400);
      assert.equal(refused.message, "Policy document must be version 2012-10-17 or greater.");
    }
    const tagged = await iam.send(new CreatePolicyCommand({ PolicyName: "Tagged", PolicyDocument: doc("s3:Get*"), Tags: [{ Key: "team", Value: "blue" }] }));
    assert.deepEqual((await iam.send(new GetPolicyCommand({ PolicyArn: tagged.Policy!.Arn! }))).Policy?.Tags, [{ Key: "team", Value: "blue" }]);
    await iam.send(new DeletePolicyCommand({ PolicyArn: tagged.Policy!.Arn! }));

    const v1 = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: "v1" }));
    assert.equal(decodeURIComponent(v1.PolicyVersion!.Document!), doc("s3:Get*"));
    for (const n of [2, 3, 4, 5]) {
      const v: CreatePolicyVersionCommandOutput = await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: doc(`s3:Get${n}*`), SetAsDefault: n === 3 }));
      assert.equal(v.PolicyVersion?.VersionId, `v${n}`);
    }
    const sixth = await rejectsWith(iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: doc("s3:*") })), "LimitExceededException", 409);
    assert.equal(sixth.message, "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.");
    assert.equal((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.DefaultVersionId, "v3");
    const deleteDefault = await rejectsWith(iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: "v3" })), "DeleteConflictException", 409);
    assert.equal(deleteDefault.message, "Cannot delete the default version of a policy.");
    const withVersions = await rejectsWith(iam.send(new DeletePolicyCommand({ PolicyArn: arn })), "DeleteConflictException", 409);
    assert.equal(withVersions.message, "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.");
    await iam.send(new SetDefaultPolicyVersionCommand({ PolicyArn: arn, VersionId: "v5" }));
    for (const v of ["v1", "v2", "v3", "v4"]) await iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: v }));
    const versions = await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }));
    assert.deepEqual(versions.Versions?.map((v) => [v.VersionId, v.IsDefaultVersion]), [["v5", true]]);
  });

  it("attaches policies, counts attachments and refuses to delete attached ones", async () => {
    const arn = "arn:aws:iam::000000000000:policy/app/Reader";
    await iam.send(new AttachUserPolicyCommand({ UserName: "pat", PolicyArn: arn }));
    await iam.send(new AttachUserPolicyCommand({ UserName: "pat", PolicyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }));
    assert.equal((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.AttachmentCount, 1);
    const attached = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: "pat" }));
    assert.deepEqual(attached.AttachedPolicies?.map((p) => p.PolicyName), ["Reader", "ReadOnlyAccess"]);
    // Listed in the order attached, not by name (as AWS lists an eksctl node role's policies), and paged in that order.
    const admin = "arn:aws:iam::aws:policy/AdministratorAccess";
    await iam.send(new AttachUserPolicyCommand({ UserName: "pat", PolicyArn: admin }));
    const first = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: "pat", MaxItems: 2 }));
    assert.deepEqual([first.AttachedPolicies?.map((p) => p.PolicyName), first.IsTruncated], [["Reader", "ReadOnlyAccess"], true]);
    const rest = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: "pat", MaxItems: 2, Marker: first.Marker }));
    assert.deepEqual([rest.AttachedPolicies?.map((p) => p.PolicyName), rest.IsTruncated], [["AdministratorAccess"], false]);
    // A cleanup that detaches each page before asking for the next still reaches every policy.
    const readOnly = "arn:aws:iam::aws:policy/ReadOnlyAccess";
    await iam.send(new DetachUserPolicyCommand({ UserName: "pat", PolicyArn: readOnly }));
    const afterDetach = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: "pat", MaxItems: 2, Marker: first.Marker }));
    assert.deepEqual(afterDetach.AttachedPolicies?.map((p) => p.PolicyName), ["Reader", "AdministratorAccess"]);
    await iam.send(new AttachUserPolicyCommand({ UserName: "pat", PolicyArn: readOnly }));
    await iam.send(new DetachUserPolicyCommand({ UserName: "pat", PolicyArn: admin }));
    const onlyAttached = await iam.send(new ListPoliciesCommand({ OnlyAttached: true }));
    assert.deepEqual(onlyAttached.Policies?.map((p) => p.PolicyName).sort(), ["ReadOnlyAccess", "Reader"]);
    const local = await iam.send(new ListPoliciesCommand({ Scope: "Local" }));
    assert.deepEqual(local.Policies?.map((p) => p.PolicyName), ["Reader"]);
    const aws = await iam.send(new ListPoliciesCommand({ Scope: "AWS" }));
    assert.ok(aws.Policies?.some((p) => p.Arn === "arn:aws:iam::aws:policy/AdministratorAccess"));
    const attachedConflict = await rejectsWith(iam.send(new DeletePolicyCommand({ PolicyArn: arn })), "DeleteConflictException", 409);
    assert.equal(attachedConflict.message, "Cannot delete a policy attached to entities.");
    // PathPrefix filters by the policies' own paths.
    const underApp = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: "pat", PathPrefix: "/app/" }));
    assert.deepEqual(underApp.AttachedPolicies?.map((p) => p.PolicyName), ["Reader"]);
    assert.deepEqual((await iam.send(new ListAttachedUserPoliciesCommand({ UserName: "pat", PathPrefix: "/nothing/" }))).AttachedPolicies, []);
    await iam.send(new DetachUserPolicyCommand({ UserName: "pat", PolicyArn: arn }));
    await rejectsWith(iam.send(new DetachUserPolicyCommand({ UserName: "pat", PolicyArn: arn })), "NoSuchEntityException", 404);
    // A policy that does not exist is worded as one not attached (LocalStack's AWS-recorded detach-nonexistent-policy-error).
    const absent = "arn:aws:iam::aws:policy/Nonexistent";
    const detached = await rejectsWith(iam.send(new DetachUserPolicyCommand({ UserName: "pat", PolicyArn: absent })), "NoSuchEntityException", 404);
    assert.equal(detached.message, `Policy ${absent} was not found.`);
    await iam.send(new DeletePolicyCommand({ PolicyArn: arn }));
    await rejectsWith(iam.send(new GetPolicyCommand({ PolicyArn: arn })), "NoSuchEntityException", 404);
    await rejectsWith(iam.send(new AttachUserPolicyCommand({ UserName: "pat", PolicyArn: "arn:aws:iam::aws:policy/NoSuchPolicy" })), "NoSuchEntityException", 404);
    const malformed = await rejectsWith(iam.send(new AttachUserPolicyCommand({ UserName: "pat", PolicyArn: "arn:aws:iam::000000000000:notapolicy" })), "InvalidInputException", 400);
    assert.equal(malformed.message, "ARN arn:aws:iam::000000000000:notapolicy is not valid.");
  });

  it("lists the users, groups and roles a policy is attached to, paged across all three", async () => {
    const { Policy } = await iam.send(new CreatePolicyCommand({ PolicyName: "Shared", PolicyDocument: doc("s3:List*") }));
    const arn = Policy!.Arn!;
    // A policy attached to nothing answers three empty lists (as prowler's capture of the AWS CLI shows them).
    const none = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn }));
    assert.deepEqual([none.PolicyGroups, none.PolicyUsers, none.PolicyRoles, none.IsTruncated], [[], [], [], false]);
    for (const name of ["zoe", "amy"]) {
      await iam.send(new CreateUserCommand({ UserName: name }));
      await iam.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: arn }));
    }
    await iam.send(new CreateGroupCommand({ GroupName: "readers" }));
    await iam.send(new AttachGroupPolicyCommand({ GroupName: "readers", PolicyArn: arn }));
    const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] });
    const role = await iam.send(new CreateRoleCommand({ RoleName: "worker", Path: "/svc/", AssumeRolePolicyDocument: trust }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: "worker", PolicyArn: arn }));

    const all = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn }));
    assert.deepEqual(all.PolicyGroups?.map((g) => g.GroupName), ["readers"]);
    assert.deepEqual(all.PolicyUsers?.map((u) => u.UserName), ["amy", "zoe"]);
    assert.deepEqual(all.PolicyRoles, [{ RoleName: "worker", RoleId: role.Role!.RoleId }]);
    // MaxItems counts the three lists together.
    const first = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn, MaxItems: 2 }));
    assert.deepEqual([first.PolicyGroups?.length, first.PolicyUsers?.map((u) => u.UserName), first.PolicyRoles, first.IsTruncated], [1, ["amy"], [], true]);
    const rest = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn, MaxItems: 2, Marker: first.Marker }));
    assert.deepEqual([rest.PolicyGroups, rest.PolicyUsers?.map((u) => u.UserName), rest.PolicyRoles?.map((r) => r.RoleName), rest.IsTruncated], [[], ["zoe"], ["worker"], false]);
    const roles = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn, EntityFilter: "Role" }));
    assert.deepEqual([roles.PolicyGroups, roles.PolicyUsers, roles.PolicyRoles?.map((r) => r.RoleName)], [[], [], ["worker"]]);
    const underSvc = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn, PathPrefix: "/svc/" }));
    assert.deepEqual([underSvc.PolicyUsers, underSvc.PolicyRoles?.map((r) => r.RoleName)], [[], ["worker"]]);
    const boundaries = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn, PolicyUsageFilter: "PermissionsBoundary" }));
    assert.deepEqual([boundaries.PolicyGroups, boundaries.PolicyUsers, boundaries.PolicyRoles], [[], [], []]);

    const missing = "arn:aws:iam::000000000000:policy/Missing";
    await rejectsWith(iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: missing })), "NoSuchEntityException", 404);
  });

  it("stores inline policies and answers them URL-encoded", async () => {
    await iam.send(new PutUserPolicyCommand({ UserName: "pat", PolicyName: "inline-1", PolicyDocument: doc("sqs:*") }));
    assert.deepEqual((await iam.send(new ListUserPoliciesCommand({ UserName: "pat" }))).PolicyNames, ["inline-1"]);
    const got = await iam.send(new GetUserPolicyCommand({ UserName: "pat", PolicyName: "inline-1" }));
    assert.equal(got.PolicyDocument, encodeURIComponent(doc("sqs:*")));
    await iam.send(new DeleteUserPolicyCommand({ UserName: "pat", PolicyName: "inline-1" }));
    await rejectsWith(iam.send(new GetUserPolicyCommand({ UserName: "pat", PolicyName: "inline-1" })), "NoSuchEntityException", 404);
  });

  it("holds policies to IAM's size quotas, white space not counted", async () => {
    const sized = (statements: number) =>
      JSON.stringify({ Version: "2012-10-17", Statement: Array.from({ length: statements }, (_, i) => ({ Effect: "Allow", Action: `s3:GetObject${i}`, Resource: "*" })) }, null, 8);
    // Each statement is ~60 characters without white space; the indentation would not fit if counted.
    await iam.send(new PutUserPolicyCommand({ UserName: "pat", PolicyName: "a", PolicyDocument: sized(15) }));
    const over = await rejectsWith(iam.send(new PutUserPolicyCommand({ UserName: "pat", PolicyName: "b", PolicyDocument: sized(25) })), "LimitExceededException", 409);
    assert.equal(over.message, "Maximum policy size of 2048 bytes exceeded for user pat");
    await iam.send(new DeleteUserPolicyCommand({ UserName: "pat", PolicyName: "a" }));
    const big = await rejectsWith(iam.send(new CreatePolicyCommand({ PolicyName: "Big", PolicyDocument: sized(120) })), "LimitExceededException", 409);
    assert.equal(big.message, "Cannot exceed quota for PolicySize: 6144");
  });

  it("refuses malformed documents with IAM's messages", async () => {
    const error = await rejectsWith(
      iam.send(new PutUserPolicyCommand({ UserName: "pat", PolicyName: "bad", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*" }] }) })),
      "MalformedPolicyDocumentException",
      400,
    );
    assert.equal(error.message, "Policy statement must contain resources.");
  });
});
