/**
 * GetAccountAuthorizationDetails: every user, group and role of the
 * account with its inline and attached policies, and every managed policy
 * with all its versions, in one paged listing (what auditing tools read).
 */
import type { RequestContext } from "../../../server/context.js";
import { defineOperation, type OperationTable } from "../../../server/service.js";
import { awsManagedPolicies } from "../managed-policies.js";
import type { EntityKind, IamStore, ManagedPolicyRecord } from "../store.js";
import { userArn } from "../store.js";
import { groupArn, groupsOfUser } from "./groups.js";
import { instanceProfileOutput } from "./instance-profiles.js";
import { attachmentsIn, encodeDocument, managedPolicyOutput, versionOutput } from "./policies.js";
import { pageAt, type Paging } from "./paging.js";
import { roleOutput } from "./roles.js";

type EntityFilter = "User" | "Role" | "Group" | "LocalManagedPolicy" | "AWSManagedPolicy";

interface DetailsInput extends Paging {
  Filter?: EntityFilter[];
}

type Detail = { list: "UserDetailList" | "GroupDetailList" | "RoleDetailList" | "Policies"; value: Record<string, unknown> };

export function authorizationDetailOperations(store: IamStore): OperationTable {
  const inline = (accountId: string, kind: EntityKind, name: string) =>
    store.inlinePoliciesOf(accountId, kind, name).map((p) => ({ PolicyName: p.policyName, PolicyDocument: encodeDocument(p.document) }));
  const attached = (arns: readonly string[] = []) => arns.map((arn) => ({ PolicyName: arn.slice(arn.lastIndexOf("/") + 1), PolicyArn: arn }));

  const details = (ctx: RequestContext, wanted: ReadonlySet<EntityFilter>): Detail[] => {
    const { accountId } = ctx;
    const out: Detail[] = [];
    if (wanted.has("User")) {
      for (const user of store.usersOf(accountId)) {
        out.push({
          list: "UserDetailList",
          value: {
            Path: user.path,
            UserName: user.userName,
            UserId: user.userId,
            Arn: userArn(user),
            CreateDate: new Date(user.createdAt),
            UserPolicyList: inline(accountId, "user", user.userName),
            GroupList: groupsOfUser(store, accountId, user.userName).map((g) => g.groupName),
            AttachedManagedPolicies: attached(user.attachedPolicies),
            Tags: user.tags,
          },
        });
      }
    }
    if (wanted.has("Group")) {
      for (const group of store.groupsOf(accountId)) {
        out.push({
          list: "GroupDetailList",
          value: {
            Path: group.path,
            GroupName: group.groupName,
            GroupId: group.groupId,
            Arn: groupArn(group),
            CreateDate: new Date(group.createdAt),
            GroupPolicyList: inline(accountId, "group", group.groupName),
            AttachedManagedPolicies: attached(group.attachedPolicies),
          },
        });
      }
    }
    if (wanted.has("Role")) {
      const profiles = store.instanceProfilesOf(accountId);
      for (const role of store.rolesOf(accountId)) {
        const key = role.roleName.toLowerCase();
        out.push({
          list: "RoleDetailList",
          value: {
            ...roleOutput(role, "profile"),
            InstanceProfileList: profiles.filter((p) => p.roles.includes(key)).map((p) => instanceProfileOutput(store, p, "never")),
            RolePolicyList: inline(accountId, "role", role.roleName),
            AttachedManagedPolicies: attached(role.attachedPolicies),
            Tags: role.tags,
            RoleLastUsed: {},
          },
        });
      }
    }
    const policies: ManagedPolicyRecord[] = [];
    if (wanted.has("LocalManagedPolicy")) policies.push(...[...store.policies.range()].map((e) => e.value).filter((p) => p.accountId === accountId));
    // AWS's own policies are listed where the account uses them.
    if (wanted.has("AWSManagedPolicy")) policies.push(...awsManagedPolicies().filter((p) => attachmentsIn(store, accountId, p) > 0));
    for (const policy of policies) {
      out.push({
        list: "Policies",
        value: {
          ...managedPolicyOutput(store, accountId, policy),
          Description: policy.description,
          PolicyVersionList: policy.versions.map((v) => versionOutput(policy, v.versionId, v.document, v.createdAt)),
        },
      });
    }
    return out;
  };

  return {
    GetAccountAuthorizationDetails: defineOperation<DetailsInput>({
      authorize: () => [{ action: "iam:GetAccountAuthorizationDetails", resource: "*" }],
      handle(input, ctx) {
        const wanted = new Set<EntityFilter>(input.Filter?.length ? input.Filter : ["User", "Group", "Role", "LocalManagedPolicy", "AWSManagedPolicy"]);
        const { items, marker } = pageAt(details(ctx, wanted), input);
        const output: Record<string, unknown> = { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] };
        for (const { list, value } of items) (output[list] as unknown[]).push(value);
        return { ...output, IsTruncated: marker !== undefined, Marker: marker };
      },
    }),
  };
}
