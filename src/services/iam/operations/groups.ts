/**
 * Groups: CreateGroup, GetGroup (with its members), ListGroups,
 * AddUserToGroup, RemoveUserFromGroup, ListGroupsForUser, UpdateGroup, DeleteGroup.
 */
import type { RequestContext } from "../../../server/context.js";
import { defineOperation, type OperationTable } from "../../../server/service.js";
import { iamErrors } from "../errors.js";
import { newGroupId } from "../ids.js";
import { GROUPS_STORE, INLINE_POLICIES_STORE, type GroupRecord, type IamStore, type InlinePolicyRecord, userArn } from "../store.js";
import { pageOf, type Paging } from "./paging.js";
import { userResourceIn, wholeSeconds } from "./users.js";

/** IAM's quota of groups a user can be in. */
const GROUPS_PER_USER = 10;

interface GroupInput {
  GroupName: string;
}

export function groupArn(group: Pick<GroupRecord, "accountId" | "path" | "groupName">): string {
  return `arn:aws:iam::${group.accountId}:group${group.path}${group.groupName}`;
}

const groupOutput = (g: GroupRecord) => ({ Path: g.path, GroupName: g.groupName, GroupId: g.groupId, Arn: groupArn(g), CreateDate: new Date(g.createdAt) });

export function groupOperations(store: IamStore): OperationTable {
  /**
   * A group's ARN as policies name it: the stored group's (names are found
   * without regard to case), or with the path given for a group to be made
   * or moved (`/` for one that does not exist).
   */
  const resource = (ctx: RequestContext, name: string, path?: string) => {
    const stored = path === undefined ? store.group(ctx.accountId, name) : undefined;
    return groupArn(stored ?? { accountId: ctx.accountId, path: path ?? "/", groupName: name });
  };
  const key = (ctx: RequestContext, name: string) => [ctx.accountId, name.toLowerCase()];
  const requireGroup = (ctx: RequestContext, name: string) => {
    const group = store.group(ctx.accountId, name);
    if (!group) throw iamErrors.noSuchNamedEntity("group", name);
    return group;
  };
  /** Changes membership in one transaction; the user must exist. */
  const membership = async (ctx: RequestContext, groupName: string, userName: string, add: boolean) => {
    if (!store.user(ctx.accountId, userName)) throw iamErrors.noSuchEntity("user", userName);
    await store.groups.transaction((tx) => {
      const group = tx.get(key(ctx, groupName));
      if (!group) throw iamErrors.noSuchNamedEntity("group", groupName);
      const member = userName.toLowerCase();
      if (add && !group.members.includes(member) && groupsOfUser(store, ctx.accountId, userName).length >= GROUPS_PER_USER) {
        throw iamErrors.limitExceeded("GroupsPerUser", GROUPS_PER_USER);
      }
      // Adding a member twice, or removing one who is not in the group, changes nothing.
      const members = add ? [...new Set([...group.members, member])] : group.members.filter((m) => m !== member);
      tx.put(key(ctx, groupName), { ...group, members });
    });
  };

  return {
    CreateGroup: defineOperation<GroupInput & { Path?: string }>({
      authorize: (i, ctx) => [{ action: "iam:CreateGroup", resource: resource(ctx, i.GroupName, i.Path) }],
      async handle(input, ctx) {
        const group: GroupRecord = {
          accountId: ctx.accountId,
          groupName: input.GroupName,
          groupId: newGroupId(),
          path: input.Path ?? "/",
          createdAt: wholeSeconds(ctx.now()),
          members: [],
        };
        await store.groups.transaction((tx) => {
          if (tx.get(key(ctx, input.GroupName))) throw iamErrors.entityAlreadyExists(input.GroupName, "Group");
          tx.put(key(ctx, input.GroupName), group);
        });
        return { Group: groupOutput(group) };
      },
    }),

    GetGroup: defineOperation<GroupInput & Paging>({
      authorize: (i, ctx) => [{ action: "iam:GetGroup", resource: resource(ctx, i.GroupName) }],
      handle(input, ctx) {
        const group = requireGroup(ctx, input.GroupName);
        // In name order, as the marker resumes after a name.
        const users = group.members
          .map((m) => store.user(ctx.accountId, m))
          .filter((u) => u !== undefined)
          .sort((a, b) => (a.userName.toLowerCase() < b.userName.toLowerCase() ? -1 : a.userName.toLowerCase() > b.userName.toLowerCase() ? 1 : 0));
        const { items, marker } = pageOf(users, input, (u) => u.userName.toLowerCase());
        return {
          Group: groupOutput(group),
          Users: items.map((u) => ({ Path: u.path, UserName: u.userName, UserId: u.userId, Arn: userArn(u), CreateDate: new Date(u.createdAt) })),
          IsTruncated: marker !== undefined,
          Marker: marker,
        };
      },
    }),

    ListGroups: defineOperation<Paging & { PathPrefix?: string }>({
      authorize: (_i, ctx) => [{ action: "iam:ListGroups", resource: `arn:aws:iam::${ctx.accountId}:group/` }],
      handle(input, ctx) {
        const groups = store.groupsOf(ctx.accountId).filter((g) => g.path.startsWith(input.PathPrefix ?? "/"));
        const { items, marker } = pageOf(groups, input, (g) => g.groupName.toLowerCase());
        return { Groups: items.map(groupOutput), IsTruncated: marker !== undefined, Marker: marker };
      },
    }),

    AddUserToGroup: defineOperation<GroupInput & { UserName: string }>({
      authorize: (i, ctx) => [{ action: "iam:AddUserToGroup", resource: resource(ctx, i.GroupName) }],
      async handle(input, ctx) {
        await membership(ctx, input.GroupName, input.UserName, true);
        return {};
      },
    }),

    RemoveUserFromGroup: defineOperation<GroupInput & { UserName: string }>({
      authorize: (i, ctx) => [{ action: "iam:RemoveUserFromGroup", resource: resource(ctx, i.GroupName) }],
      async handle(input, ctx) {
        await membership(ctx, input.GroupName, input.UserName, false);
        return {};
      },
    }),

    ListGroupsForUser: defineOperation<{ UserName: string } & Paging>({
      authorize: (i, ctx) => [{ action: "iam:ListGroupsForUser", resource: userResourceIn(store, ctx, i.UserName) }],
      handle(input, ctx) {
        if (!store.user(ctx.accountId, input.UserName)) throw iamErrors.noSuchEntity("user", input.UserName);
        const groups = groupsOfUser(store, ctx.accountId, input.UserName);
        const { items, marker } = pageOf(groups, input, (g) => g.groupName.toLowerCase());
        return { Groups: items.map(groupOutput), IsTruncated: marker !== undefined, Marker: marker };
      },
    }),

    UpdateGroup: defineOperation<GroupInput & { NewGroupName?: string; NewPath?: string }>({
      // Renaming takes the action on both the group as it is and as it will be.
      authorize: (i, ctx) => [
        { action: "iam:UpdateGroup", resource: resource(ctx, i.GroupName) },
        ...(i.NewGroupName !== undefined || i.NewPath !== undefined ? [{ action: "iam:UpdateGroup", resource: resource(ctx, i.NewGroupName ?? i.GroupName, i.NewPath ?? store.group(ctx.accountId, i.GroupName)?.path) }] : []),
      ],
      async handle(input, ctx) {
        await store.kv.transaction((tx) => {
          const groups = tx.store<GroupRecord>(GROUPS_STORE);
          const group = groups.get(key(ctx, input.GroupName));
          if (!group) throw iamErrors.noSuchNamedEntity("group", input.GroupName);
          const name = input.NewGroupName ?? group.groupName;
          const renamed = name.toLowerCase() !== group.groupName.toLowerCase();
          if (renamed && groups.get(key(ctx, name))) throw iamErrors.entityAlreadyExists(name, "Group");
          groups.remove(key(ctx, group.groupName));
          groups.put(key(ctx, name), { ...group, groupName: name, path: input.NewPath ?? group.path });
          if (!renamed) return;
          // The group's inline policies go with it.
          const inline = tx.store<InlinePolicyRecord>(INLINE_POLICIES_STORE);
          for (const policy of store.inlinePoliciesOf(ctx.accountId, "group", group.groupName)) {
            inline.remove([ctx.accountId, "group", group.groupName.toLowerCase(), policy.policyName]);
            inline.put([ctx.accountId, "group", name.toLowerCase(), policy.policyName], policy);
          }
        });
        return {};
      },
    }),

    DeleteGroup: defineOperation<GroupInput>({
      authorize: (i, ctx) => [{ action: "iam:DeleteGroup", resource: resource(ctx, i.GroupName) }],
      async handle(input, ctx) {
        await store.groups.transaction((tx) => {
          const group = tx.get(key(ctx, input.GroupName));
          if (!group) throw iamErrors.noSuchNamedEntity("group", input.GroupName);
          if (group.members.length > 0) throw iamErrors.deleteConflict("remove users from group");
          if ((group.attachedPolicies ?? []).length > 0) throw iamErrors.deleteConflict("detach all policies");
          if (store.inlinePoliciesOf(ctx.accountId, "group", group.groupName).length > 0) throw iamErrors.deleteConflict("delete policies");
          tx.remove(key(ctx, input.GroupName));
        });
        return {};
      },
    }),
  };
}

export function groupsOfUser(store: IamStore, accountId: string, userName: string): GroupRecord[] {
  const member = userName.toLowerCase();
  return store.groupsOf(accountId).filter((g) => g.members.includes(member));
}
