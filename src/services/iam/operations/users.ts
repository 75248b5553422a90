/**
 * Users: CreateUser, GetUser, ListUsers, UpdateUser, DeleteUser and their
 * tags.
 */
import type { RequestContext } from "../../../server/context.js";
import { defineOperation, type OperationTable } from "../../../server/service.js";
import { iamErrors } from "../errors.js";
import { newUserId } from "../ids.js";
import {
  GROUPS_STORE,
  type GroupRecord,
  type IamStore,
  INLINE_POLICIES_STORE,
  type InlinePolicyRecord,
  type Tag,
  type UserRecord,
  userArn,
  userKey,
  USERS_STORE,
} from "../store.js";
import { ACCESS_KEYS_STORE, type AccessKeyRecord } from "../../../auth/stored-keys.js";
import type { KvTransaction } from "../../../storage/types.js";
import { groupsOfUser } from "./groups.js";
import { pageOf, type Paging } from "./paging.js";
import { checkTags as checkTagsOf, mergeTags, tagPage, withoutTags } from "./tags.js";
import { hasLoginProfile } from "./account-settings.js";
import { holdsSigningCertificates } from "./signing-certificates.js";

const checkTags = (tags: Tag[]) => checkTagsOf(tags, "TagsPerUser");

interface CreateUserInput {
  UserName: string;
  Path?: string;
  Tags?: Tag[];
  PermissionsBoundary?: string;
}

interface UserNameInput {
  UserName: string;
}

interface ListUsersInput extends Paging {
  PathPrefix?: string;
}

interface UpdateUserInput {
  UserName: string;
  NewUserName?: string;
  NewPath?: string;
}

interface TagUserInput {
  UserName: string;
  Tags: Tag[];
}

interface UntagUserInput {
  UserName: string;
  TagKeys: string[];
}

const userResource = (ctx: RequestContext, name: string, path = "/") => userArn({ accountId: ctx.accountId, path, userName: name });

/** The user a call about a user's credentials is about: the one it names, or else the calling user. */
export function targetUserName(ctx: RequestContext, name: string | undefined): string {
  if (name !== undefined) return name;
  if (ctx.principal.type === "user") return ctx.principal.arn.slice(ctx.principal.arn.lastIndexOf("/") + 1);
  throw iamErrors.validation("Must specify userName when calling with non-User credentials");
}

/** A user's ARN as policies name it: with the user's path (`/` for a user that does not exist). */
export function userResourceIn(store: IamStore, ctx: RequestContext, name: string): string {
  const user = store.user(ctx.accountId, name);
  return user ? userArn(user) : userResource(ctx, name);
}

/** What a call about a user's credentials authorizes against: the user named, or the caller. */
export function targetUserResource(store: IamStore, ctx: RequestContext, name: string | undefined): string {
  return name === undefined ? ctx.principal.arn : userResourceIn(store, ctx, name);
}

export function userOperations(store: IamStore): OperationTable {
  const requireUser = (ctx: RequestContext, name: string): UserRecord => {
    const user = store.user(ctx.accountId, name);
    if (!user) throw iamErrors.noSuchEntity("user", name);
    return user;
  };

  return {
    CreateUser: defineOperation<CreateUserInput>({
      authorize: (i, ctx) => [{ action: "iam:CreateUser", resource: userResource(ctx, i.UserName, i.Path) }],
      async handle(input, ctx) {
        if (input.PermissionsBoundary !== undefined) throw iamErrors.boundaryUnsupported("CreateUser");
        const tags = checkTags(input.Tags ?? []);
        const user: UserRecord = {
          accountId: ctx.accountId,
          userName: input.UserName,
          userId: newUserId(),
          path: input.Path ?? "/",
          createdAt: wholeSeconds(ctx.now()),
          tags,
          accessKeyIds: [],
        };
        await store.users.transaction((tx) => {
          if (tx.get(userKey(user))) throw iamErrors.entityAlreadyExists(input.UserName);
          tx.put(userKey(user), user);
        });
        return { User: userOutput(user, true) };
      },
    }),

    GetUser: defineOperation<Partial<UserNameInput>>({
      authorize: (i, ctx) => [{ action: "iam:GetUser", resource: i.UserName ? userResourceIn(store, ctx, i.UserName) : ctx.principal.arn }],
      handle(input, ctx) {
        // Without a name, GetUser describes the caller.
        const name = input.UserName ?? (ctx.principal.type === "user" ? ctx.principal.arn.slice(ctx.principal.arn.lastIndexOf("/") + 1) : undefined);
        if (name === undefined) {
          if (ctx.principal.type !== "root") throw iamErrors.validation("Must specify userName when calling with non-User credentials");
          return { User: { UserId: ctx.accountId, Arn: ctx.principal.arn, Path: "/", CreateDate: new Date(0) } };
        }
        return { User: userOutput(requireUser(ctx, name), true) };
      },
    }),

    ListUsers: defineOperation<ListUsersInput>({
      authorize: (_i, ctx) => [{ action: "iam:ListUsers", resource: `arn:aws:iam::${ctx.accountId}:user/` }],
      handle(input, ctx) {
        const prefix = input.PathPrefix ?? "/";
        const users = [...store.usersOf(ctx.accountId)].filter((u) => u.path.startsWith(prefix));
        const { items, marker } = pageOf(users, input, (u) => u.userName.toLowerCase());
        return { Users: items.map((u) => userOutput(u, false)), IsTruncated: marker !== undefined, Marker: marker };
      },
    }),

    UpdateUser: defineOperation<UpdateUserInput>({
      // Renaming or moving takes the permission on the user's new ARN as well as on its old one.
      authorize: (i, ctx) => {
        const user = store.user(ctx.accountId, i.UserName);
        const moved = i.NewUserName !== undefined || i.NewPath !== undefined;
        const target = userArn({ accountId: ctx.accountId, path: i.NewPath ?? user?.path ?? "/", userName: i.NewUserName ?? user?.userName ?? i.UserName });
        return [{ action: "iam:UpdateUser", resource: userResourceIn(store, ctx, i.UserName) }, ...(moved ? [{ action: "iam:UpdateUser", resource: target }] : [])];
      },
      async handle(input, ctx) {
        await store.kv.transaction((tx) => {
          const users = tx.store<UserRecord>(USERS_STORE);
          const user = users.get([ctx.accountId, input.UserName.toLowerCase()]);
          if (!user) throw iamErrors.noSuchEntity("user", input.UserName);
          const renamed: UserRecord = { ...user, userName: input.NewUserName ?? user.userName, path: input.NewPath ?? user.path };
          if (input.NewUserName !== undefined && input.NewUserName.toLowerCase() !== user.userName.toLowerCase()) {
            if (users.get(userKey(renamed))) throw iamErrors.entityAlreadyExists(input.NewUserName);
            users.remove(userKey(user));
          }
          moveUserBelongings(tx, store, ctx.accountId, user.userName, renamed.userName);
          users.put(userKey(renamed), renamed);
          // Keys sign as the user's new ARN from now on.
          const keys = tx.store<AccessKeyRecord>(ACCESS_KEYS_STORE);
          for (const id of user.accessKeyIds) {
            const key = keys.get(id);
            if (key) keys.put(id, { ...key, userName: renamed.userName, principal: { ...key.principal, arn: userArn(renamed) } });
          }
        });
        return {};
      },
    }),

    DeleteUser: defineOperation<UserNameInput>({
      authorize: (i, ctx) => [{ action: "iam:DeleteUser", resource: userResourceIn(store, ctx, i.UserName) }],
      async handle(input, ctx) {
        await store.users.transaction((tx) => {
          const user = tx.get([ctx.accountId, input.UserName.toLowerCase()]);
          if (!user) throw iamErrors.noSuchEntity("user", input.UserName);
          if (hasLoginProfile(store, ctx.accountId, user.userId)) throw iamErrors.deleteConflict("delete login profile");
          if (user.accessKeyIds.length > 0) throw iamErrors.deleteConflict("delete access keys");
          if (holdsSigningCertificates(store, ctx.accountId, user.userId)) throw iamErrors.deleteConflict("delete signing certificates");
          if ((user.attachedPolicies ?? []).length > 0) throw iamErrors.deleteConflict("detach all policies");
          if (groupsOfUser(store, ctx.accountId, user.userName).length > 0) throw iamErrors.deleteConflict("remove users from group");
          if (store.inlinePoliciesOf(ctx.accountId, "user", user.userName).length > 0) throw iamErrors.deleteConflict("delete policies");
          tx.remove(userKey(user));
        });
        return {};
      },
    }),

    TagUser: defineOperation<TagUserInput>({
      authorize: (i, ctx) => [{ action: "iam:TagUser", resource: userResourceIn(store, ctx, i.UserName) }],
      async handle(input, ctx) {
        await updateUser(store, ctx, input.UserName, (user) => ({ ...user, tags: mergeTags(user.tags, input.Tags, "TagsPerUser") }));
        return {};
      },
    }),

    UntagUser: defineOperation<UntagUserInput>({
      authorize: (i, ctx) => [{ action: "iam:UntagUser", resource: userResourceIn(store, ctx, i.UserName) }],
      async handle(input, ctx) {
        await updateUser(store, ctx, input.UserName, (user) => ({ ...user, tags: withoutTags(user.tags, input.TagKeys, "TagsPerUser") }));
        return {};
      },
    }),

    ListUserTags: defineOperation<UserNameInput & Paging>({
      authorize: (i, ctx) => [{ action: "iam:ListUserTags", resource: userResourceIn(store, ctx, i.UserName) }],
      handle(input, ctx) {
        return tagPage(requireUser(ctx, input.UserName).tags, input);
      },
    }),
  };
}

async function updateUser(store: IamStore, ctx: RequestContext, name: string, change: (user: UserRecord) => UserRecord): Promise<void> {
  await store.users.transaction((tx) => {
    const user = tx.get([ctx.accountId, name.toLowerCase()]);
    if (!user) throw iamErrors.noSuchEntity("user", name);
    tx.put(userKey(user), change(user));
  });
}

/** A user as IAM answers it; GetUser and CreateUser include tags, ListUsers does not. */
function userOutput(user: UserRecord, withTags: boolean) {
  return {
    Path: user.path,
    UserName: user.userName,
    UserId: user.userId,
    Arn: userArn(user),
    CreateDate: new Date(user.createdAt),
    Tags: withTags && user.tags.length > 0 ? user.tags : undefined,
  };
}

export function wholeSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000) * 1000;
}

/**
 * A renamed user keeps its group memberships and inline policies, which
 * are filed under its name; a later user of the old name starts bare.
 */
function moveUserBelongings(tx: KvTransaction, store: IamStore, accountId: string, from: string, to: string): void {
  const [oldName, newName] = [from.toLowerCase(), to.toLowerCase()];
  if (oldName === newName) return;
  const groups = tx.store<GroupRecord>(GROUPS_STORE);
  for (const group of groupsOfUser(store, accountId, from)) {
    groups.put([accountId, group.groupName.toLowerCase()], { ...group, members: group.members.map((m) => (m === oldName ? newName : m)) });
  }
  const policies = tx.store<InlinePolicyRecord>(INLINE_POLICIES_STORE);
  for (const policy of store.inlinePoliciesOf(accountId, "user", from)) {
    policies.remove([accountId, "user", oldName, policy.policyName]);
    policies.put([accountId, "user", newName, policy.policyName], policy);
  }
}
