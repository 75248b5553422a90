/**
 * Instance profiles: CreateInstanceProfile, GetInstanceProfile,
 * ListInstanceProfiles, AddRoleToInstanceProfile (one role at most),
 * RemoveRoleFromInstanceProfile, ListInstanceProfilesForRole,
 * DeleteInstanceProfile, and their tags. A profile names its role; the
 * role is answered as it is now.
 */
import type { RequestContext } from "../../../server/context.js";
import { defineOperation, type OperationTable } from "../../../server/service.js";
import { iamErrors } from "../errors.js";
import { newInstanceProfileId } from "../ids.js";
import { type IamStore, type InstanceProfileRecord, INSTANCE_PROFILES_STORE, type RoleRecord, ROLES_STORE, type Tag } from "../store.js";
import { pageOf, type Paging } from "./paging.js";
import { roleArn, roleOutput } from "./roles.js";
import { checkTags, mergeTags, tagPage, withoutTags } from "./tags.js";
import { wholeSeconds } from "./users.js";

/** IAM's quota: one role per instance profile. */
const ROLES_PER_PROFILE = 1;

interface ProfileInput {
  InstanceProfileName: string;
}

interface ProfileRoleInput extends ProfileInput {
  RoleName: string;
}

export function instanceProfileArn(profile: Pick<InstanceProfileRecord, "accountId" | "path" | "instanceProfileName">): string {
  return `arn:aws:iam::${profile.accountId}:instance-profile${profile.path}${profile.instanceProfileName}`;
}

type ProfileTags = "always" | "given" | "never";

/**
 * A profile as IAM answers it, with its role as the role is now. Tags:
 * GetInstanceProfile always lists them (maybe none), CreateInstanceProfile
 * only those given, the listings never.
 */
export function instanceProfileOutput(store: IamStore, profile: InstanceProfileRecord, tags: ProfileTags) {
  return {
    Path: profile.path,
    InstanceProfileName: profile.instanceProfileName,
    InstanceProfileId: profile.instanceProfileId,
    Arn: instanceProfileArn(profile),
    CreateDate: new Date(profile.createdAt),
    Roles: profile.roles.map((name) => store.role(profile.accountId, name)).filter((r): r is RoleRecord => r !== undefined).map((r) => roleOutput(r, "profile")),
    Tags: tags === "always" || (tags === "given" && profile.tags.length > 0) ? profile.tags : undefined,
  };
}

export function instanceProfileOperations(store: IamStore): OperationTable {
  // Names are found without regard to case; policies name the stored ARN.
  const resource = (ctx: RequestContext, name: string, path?: string) => {
    const stored = path === undefined ? store.instanceProfiles.get(key(ctx, name)) : undefined;
    return instanceProfileArn(stored ?? { accountId: ctx.accountId, path: path ?? "/", instanceProfileName: name });
  };
  const roleResource = (ctx: RequestContext, name: string) => roleArn(store.role(ctx.accountId, name) ?? { accountId: ctx.accountId, path: "/", roleName: name });
  const key = (ctx: RequestContext, name: string) => [ctx.accountId, name.toLowerCase()];
  const notFound = (name: string) => iamErrors.noSuchInstanceProfile(name);
  const requireProfile = (ctx: RequestContext, name: string) => {
    const profile = store.instanceProfiles.get(key(ctx, name));
    if (!profile) throw notFound(name);
    return profile;
  };

  const output = (profile: InstanceProfileRecord, tags: ProfileTags) => instanceProfileOutput(store, profile, tags);

  const page = (profiles: InstanceProfileRecord[], paging: Paging) => {
    const { items, marker } = pageOf(profiles, paging, (p) => p.instanceProfileName.toLowerCase());
    return { InstanceProfiles: items.map((p) => output(p, "never")), IsTruncated: marker !== undefined, Marker: marker };
  };

  /** Changes a profile in one transaction with a look at the role store. */
  const update = async (ctx: RequestContext, name: string, change: (profile: InstanceProfileRecord, role: (roleName: string) => RoleRecord | undefined) => InstanceProfileRecord) => {
    await store.kv.transaction((tx) => {
      const profiles = tx.store<InstanceProfileRecord>(INSTANCE_PROFILES_STORE);
      const profile = profiles.get(key(ctx, name));
      if (!profile) throw notFound(name);
      const roles = tx.store<RoleRecord>(ROLES_STORE);
      profiles.put(key(ctx, name), change(profile, (roleName) => roles.get(key(ctx, roleName))));
    });
  };

  return {
    CreateInstanceProfile: defineOperation<ProfileInput & { Path?: string; Tags?: Tag[] }>({
      authorize: (i, ctx) => [{ action: "iam:CreateInstanceProfile", resource: resource(ctx, i.InstanceProfileName, i.Path ?? "/") }],
      async handle(input, ctx) {
        const profile: InstanceProfileRecord = {
          accountId: ctx.accountId,
          instanceProfileName: input.InstanceProfileName,
          instanceProfileId: newInstanceProfileId(),
          path: input.Path ?? "/",
          createdAt: wholeSeconds(ctx.now()),
          roles: [],
          tags: checkTags(input.Tags ?? [], "TagsPerInstanceProfile"),
        };
        await store.instanceProfiles.transaction((tx) => {
          if (tx.get(key(ctx, input.InstanceProfileName))) throw iamErrors.instanceProfileExists(input.InstanceProfileName);
          tx.put(key(ctx, input.InstanceProfileName), profile);
        });
        return { InstanceProfile: output(profile, "given") };
      },
    }),

    GetInstanceProfile: defineOperation<ProfileInput>({
      authorize: (i, ctx) => [{ action: "iam:GetInstanceProfile", resource: resource(ctx, i.InstanceProfileName) }],
      handle: (input, ctx) => ({ InstanceProfile: output(requireProfile(ctx, input.InstanceProfileName), "always") }),
    }),

    ListInstanceProfiles: defineOperation<Paging & { PathPrefix?: string }>({
      authorize: (_i, ctx) => [{ action: "iam:ListInstanceProfiles", resource: `arn:aws:iam::${ctx.accountId}:instance-profile/` }],
      handle: (input, ctx) => page(store.instanceProfilesOf(ctx.accountId).filter((p) => p.path.startsWith(input.PathPrefix ?? "/")), input),
    }),

    ListInstanceProfilesForRole: defineOperation<Paging & { RoleName: string }>({
      authorize: (i, ctx) => [{ action: "iam:ListInstanceProfilesForRole", resource: roleResource(ctx, i.RoleName) }],
      handle(input, ctx) {
        if (!store.role(ctx.accountId, input.RoleName)) throw iamErrors.noSuchNamedEntity("role", input.RoleName);
        const name = input.RoleName.toLowerCase();
        return page(store.instanceProfilesOf(ctx.accountId).filter((p) => p.roles.includes(name)), input);
      },
    }),

    AddRoleToInstanceProfile: defineOperation<ProfileRoleInput>({
      // AWS also requires iam:PassRole on the role.
      authorize: (i, ctx) => [
        { action: "iam:AddRoleToInstanceProfile", resource: resource(ctx, i.InstanceProfileName) },
        { action: "iam:PassRole", resource: roleResource(ctx, i.RoleName) },
      ],
      async handle(input, ctx) {
        await update(ctx, input.InstanceProfileName, (profile, role) => {
          if (!role(input.RoleName)) throw iamErrors.noSuchNamedEntity("role", input.RoleName);
          if (profile.roles.length >= ROLES_PER_PROFILE) throw iamErrors.limitExceeded("InstanceSessionsPerInstanceProfile", ROLES_PER_PROFILE);
          return { ...profile, roles: [...profile.roles, input.RoleName.toLowerCase()] };
        });
        return {};
      },
    }),

    RemoveRoleFromInstanceProfile: defineOperation<ProfileRoleInput>({
      authorize: (i, ctx) => [{ action: "iam:RemoveRoleFromInstanceProfile", resource: resource(ctx, i.InstanceProfileName) }],
      async handle(input, ctx) {
        await update(ctx, input.InstanceProfileName, (profile, role) => {
          const name = input.RoleName.toLowerCase();
          if (!role(input.RoleName)) throw iamErrors.noSuchNamedEntity("role", input.RoleName);
          if (!profile.roles.includes(name)) {
            throw iamErrors.roleNotInProfile(input.RoleName, input.InstanceProfileName);
          }
          return { ...profile, roles: profile.roles.filter((r) => r !== name) };
        });
        return {};
      },
    }),

    DeleteInstanceProfile: defineOperation<ProfileInput>({
      authorize: (i, ctx) => [{ action: "iam:DeleteInstanceProfile", resource: resource(ctx, i.InstanceProfileName) }],
      async handle(input, ctx) {
        await store.instanceProfiles.transaction((tx) => {
          const profile = tx.get(key(ctx, input.InstanceProfileName));
          if (!profile) throw notFound(input.InstanceProfileName);
          if (profile.roles.length > 0) throw iamErrors.deleteConflict("remove roles from instance profile");
          tx.remove(key(ctx, input.InstanceProfileName));
        });
        return {};
      },
    }),

    TagInstanceProfile: defineOperation<ProfileInput & { Tags: Tag[] }>({
      authorize: (i, ctx) => [{ action: "iam:TagInstanceProfile", resource: resource(ctx, i.InstanceProfileName) }],
      async handle(input, ctx) {
        await update(ctx, input.InstanceProfileName, (p) => ({ ...p, tags: mergeTags(p.tags, input.Tags, "TagsPerInstanceProfile") }));
        return {};
      },
    }),

    UntagInstanceProfile: defineOperation<ProfileInput & { TagKeys: string[] }>({
      authorize: (i, ctx) => [{ action: "iam:UntagInstanceProfile", resource: resource(ctx, i.InstanceProfileName) }],
      async handle(input, ctx) {
        await update(ctx, input.InstanceProfileName, (p) => ({ ...p, tags: withoutTags(p.tags, input.TagKeys, "TagsPerInstanceProfile") }));
        return {};
      },
    }),

    ListInstanceProfileTags: defineOperation<ProfileInput & Paging>({
      authorize: (i, ctx) => [{ action: "iam:ListInstanceProfileTags", resource: resource(ctx, i.InstanceProfileName) }],
      handle: (input, ctx) => tagPage(requireProfile(ctx, input.InstanceProfileName).tags, input),
    }),
  };
}
