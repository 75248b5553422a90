/**
 * Instance profiles through the SDK: made with AIPA ids and instance-profile
 * ARNs, listed by path and page, holding one role at most; a profile with a
 * role cannot be deleted, nor a role in a profile. Role and policy tags too.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  AddRoleToInstanceProfileCommand,
  CreateInstanceProfileCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  DeleteInstanceProfileCommand,
  DeleteRoleCommand,
  GetInstanceProfileCommand,
  IAMClient,
  ListInstanceProfilesCommand,
  ListInstanceProfilesForRoleCommand,
  ListInstanceProfileTagsCommand,
  ListPolicyTagsCommand,
  ListRoleTagsCommand,
  RemoveRoleFromInstanceProfileCommand,
  TagInstanceProfileCommand,
  TagPolicyCommand,
  TagRoleCommand,
  UntagInstanceProfileCommand,
  UntagPolicyCommand,
  UntagRoleCommand,
} from "@aws-sdk/client-iam";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";

const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] });

describe("IAM instance profiles", () => {
  let t: TestCloud;
  let iam: IAMClient;
  before(async () => {
    t = await startCloud();
    iam = new IAMClient(t.cloud.clientConfig);
    await iam.send(new CreateRoleCommand({ RoleName: "web", Path: "/app/", AssumeRolePolicyDocument: TRUST }));
    await iam.send(new CreateRoleCommand({ RoleName: "batch", AssumeRolePolicyDocument: TRUST }));
  });
  after(async () => {
    iam.destroy();
    await t.stop();
  });

  it("creates and gets profiles, as IAM names them", async () => {
    const created = await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: "web-profile", Path: "/app/", Tags: [{ Key: "tier", Value: "web" }] }));
    const profile = created.InstanceProfile!;
    assert.equal(profile.Arn, "arn:aws:iam::000000000000:instance-profile/app/web-profile");
    assert.match(profile.InstanceProfileId ?? "", /^AIPA[A-Z2-7]{17}$/);
    assert.equal(profile.Path, "/app/");
    assert.deepEqual(profile.Roles, []);
    assert.ok(profile.CreateDate instanceof Date);

    const dup = await rejectsWith(iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: "WEB-PROFILE" })), "EntityAlreadyExistsException", 409);
    assert.equal(dup.message, "Instance Profile WEB-PROFILE already exists.");
    const missing = await rejectsWith(iam.send(new GetInstanceProfileCommand({ InstanceProfileName: "nope" })), "NoSuchEntityException", 404);
    assert.equal(missing.message, "Instance Profile nope cannot be found.");
    await rejectsWith(iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: "bad name!" })), "ValidationError", 400);

    const got = (await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: "web-profile" }))).InstanceProfile!;
    assert.equal(got.InstanceProfileId, profile.InstanceProfileId);
    assert.deepEqual(got.Tags, [{ Key: "tier", Value: "web" }]);
  });

  it("holds one role at most, answered in full", async () => {
    await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: "web-profile", RoleName: "web" }));
    const roles = (await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: "web-profile" }))).InstanceProfile!.Roles!;
    assert.deepEqual(roles.map((r) => [r.RoleName, r.Arn, r.Path]), [["web", "arn:aws:iam::000000000000:role/app/web", "/app/"]]);
    assert.match(roles[0]!.RoleId ?? "", /^AROA/);
    assert.equal(decodeURIComponent(roles[0]!.AssumeRolePolicyDocument ?? ""), TRUST);

    // The SDKs retry LimitExceeded as throttling: ask once.
    const once = new IAMClient({ ...t.cloud.clientConfig, maxAttempts: 1 });
    for (const role of ["batch", "web"]) {
      const full = await rejectsWith(once.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: "web-profile", RoleName: role })), "LimitExceededException", 409);
      assert.equal(full.message, "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1");
    }
    once.destroy();
    const noRole = await rejectsWith(iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: "web-profile", RoleName: "ghost" })), "NoSuchEntityException", 404);
    assert.equal(noRole.message, "The role with name ghost cannot be found.");
    await rejectsWith(iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: "ghost", RoleName: "web" })), "NoSuchEntityException", 404);

    const forRole = await iam.send(new ListInstanceProfilesForRoleCommand({ RoleName: "web" }));
    assert.deepEqual(forRole.InstanceProfiles?.map((p) => p.InstanceProfileName), ["web-profile"]);
    assert.equal(forRole.IsTruncated, false);
    assert.deepEqual((await iam.send(new ListInstanceProfilesForRoleCommand({ RoleName: "batch" }))).InstanceProfiles, []);
    await rejectsWith(iam.send(new ListInstanceProfilesForRoleCommand({ RoleName: "ghost" })), "NoSuchEntityException", 404);
  });

  it("refuses to delete a profile with a role, or a role in a profile", async () => {
    const profileConflict = await rejectsWith(iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: "web-profile" })), "DeleteConflictException", 409);
    assert.equal(profileConflict.message, "Cannot delete entity, must remove roles from instance profile first.");
    const roleConflict = await rejectsWith(iam.send(new DeleteRoleCommand({ RoleName: "web" })), "DeleteConflictException", 409);
    assert.equal(roleConflict.message, "Cannot delete entity, must remove roles from instance profile first.");

    await rejectsWith(iam.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: "web-profile", RoleName: "batch" })), "NoSuchEntityException", 404);
    await iam.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: "web-profile", RoleName: "web" }));
    assert.deepEqual((await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: "web-profile" }))).InstanceProfile?.Roles, []);
    await iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: "web-profile" }));
    await rejectsWith(iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: "web-profile" })), "NoSuchEntityException", 404);
    await iam.send(new DeleteRoleCommand({ RoleName: "web" }));
  });

  it("lists profiles by path prefix, a page at a time", async () => {
    for (const name of ["p1", "p2", "p3", "p4"]) await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: name, Path: name === "p4" ? "/other/" : "/" }));
    const names: string[] = [];
    let marker: string | undefined;
    do {
      const page = await iam.send(new ListInstanceProfilesCommand({ MaxItems: 3, Marker: marker }));
      names.push(...(page.InstanceProfiles ?? []).map((p) => p.InstanceProfileName ?? ""));
      marker = page.IsTruncated ? page.Marker : undefined;
    } while (marker);
    assert.deepEqual(names, ["p1", "p2", "p3", "p4"]);
    const other = await iam.send(new ListInstanceProfilesCommand({ PathPrefix: "/other/" }));
    assert.deepEqual(other.InstanceProfiles?.map((p) => p.Arn), ["arn:aws:iam::000000000000:instance-profile/other/p4"]);
  });

  it("tags profiles, roles and policies", async () => {
    await iam.send(new TagInstanceProfileCommand({ InstanceProfileName: "p1", Tags: [{ Key: "b", Value: "2" }, { Key: "a", Value: "1" }] }));
    await iam.send(new UntagInstanceProfileCommand({ InstanceProfileName: "p1", TagKeys: ["b"] }));
    assert.deepEqual((await iam.send(new ListInstanceProfileTagsCommand({ InstanceProfileName: "p1" }))).Tags, [{ Key: "a", Value: "1" }]);

    await iam.send(new TagRoleCommand({ RoleName: "batch", Tags: [{ Key: "team", Value: "data" }, { Key: "cost", Value: "42" }] }));
    await iam.send(new TagRoleCommand({ RoleName: "batch", Tags: [{ Key: "team", Value: "ml" }] }));
    await iam.send(new UntagRoleCommand({ RoleName: "batch", TagKeys: ["cost"] }));
    assert.deepEqual((await iam.send(new ListRoleTagsCommand({ RoleName: "batch" }))).Tags, [{ Key: "team", Value: "ml" }]);
    await rejectsWith(iam.send(new ListRoleTagsCommand({ RoleName: "ghost" })), "NoSuchEntityException", 404);
    const dupKeys = await rejectsWith(iam.send(new TagRoleCommand({ RoleName: "batch", Tags: [{ Key: "x", Value: "1" }, { Key: "X", Value: "2" }] })), "InvalidInputException", 400);
    assert.equal(dupKeys.message, "Duplicate tag keys found. Please note that Tag keys are case insensitive.");

    const policy = await iam.send(
      new CreatePolicyCommand({ PolicyName: "tagged", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] }) }),
    );
    const arn = policy.Policy!.Arn!;
    await iam.send(new TagPolicyCommand({ PolicyArn: arn, Tags: [{ Key: "owner", Value: "me" }, { Key: "tmp", Value: "y" }] }));
    await iam.send(new UntagPolicyCommand({ PolicyArn: arn, TagKeys: ["tmp"] }));
    assert.deepEqual((await iam.send(new ListPolicyTagsCommand({ PolicyArn: arn }))).Tags, [{ Key: "owner", Value: "me" }]);
    await rejectsWith(iam.send(new TagPolicyCommand({ PolicyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess", Tags: [{ Key: "a", Value: "b" }] })), "NoSuchEntityException", 404);
  });
});
