/**
 * Roles: CreateRole (the trust policy is checked), GetRole, ListRoles,
 * UpdateAssumeRolePolicy, UpdateRole, UpdateRoleDescription, DeleteRole, and their tags. STS's AssumeRole
 * reads them.
 */
import { parsePolicy, policySize } from "../../../policy/document.js";
import type { RequestContext } from "../../../server/context.js";
import { AwsError } from "../../../server/errors.js";
import { defineOperation, type OperationTable } from "../../../server/service.js";
import { iamErrors } from "../errors.js";
import { newRoleId } from "../ids.js";
import { type IamStore, principalDirectory, type RoleRecord, ROLES_STORE, type Tag } from "../store.js";
import { unknownPrincipal, type PrincipalDirectory } from "../../../policy/principals.js";
import { pageOf, type Paging } from "./paging.js";
import { encodeDocument } from "./policies.js";
import { checkTags, mergeTags, tagPage, withoutTags } from "./tags.js";
import { wholeSeconds } from "./users.js";

interface RoleInput {
  RoleName: string;
}

interface CreateRoleInput extends RoleInput {
  Path?: string;
  AssumeRolePolicyDocument: string;
  Description?: string;
  MaxSessionDuration?: number;
  Tags?: Tag[];
  PermissionsBoundary?: string;
}

export function roleArn(role: Pick<RoleRecord, "accountId" | "path" | "roleName">): string {
  return `arn:aws:iam::${role.accountId}:role${role.path}${role.roleName}`;
}

/**
 * A role's trust policy: 2,048 characters at most, white space not counted;
 * JSON, worded as IAM words trust policies; granting only the actions of
 * assuming a role (and what goes with it: session tags, source identity).
 */
function parseTrustPolicy(text: string, directory: PrincipalDirectory): void {
  if (policySize(text) > MAX_TRUST_POLICY_SIZE) throw iamErrors.limitExceeded("ACLSizePerRole", MAX_TRUST_POLICY_SIZE);
  try {
    JSON.parse(text);
  } catch {
    throw new AwsError("MalformedPolicyDocument", "This policy contains invalid Json", 400);
  }
  const document = parsePolicy(text, "trust");
  const unknown = unknownPrincipal(document, directory);
  if (unknown !== undefined) throw new AwsError("MalformedPolicyDocument", `Invalid principal in policy: "AWS":"${unknown}"`, 400);
  for (const statement of document.statements) {
    for (const action of statement.action ?? []) {
      if (!TRUST_ACTION.test(action)) throw new AwsError("MalformedPolicyDocument", "AssumeRole policy may only specify STS AssumeRole actions.", 400);
    }
  }
}

/** What a trust policy may grant: `sts:AssumeRole…`, `sts:TagSession`, `sts:SetSourceIdentity`, `sts:SetContext`, or wildcards over them. */
const TRUST_ACTION = /^(\*|sts:(\*|AssumeRole\w*\*?|TagSession|SetSourceIdentity|SetContext))$/i;

const MAX_TRUST_POLICY_SIZE = 2048;

/**
 * How a role is described depends on where: CreateRole and instance
 * profiles give the bare role (CreateRole with its tags), ListRoles adds
 * its description and session length, GetRole everything it knows, and
 * UpdateRoleDescription the description without session length or last use.
 */
export type RoleView = "created" | "profile" | "listed" | "full" | "described";

export function roleOutput(role: RoleRecord, view: RoleView) {
  const output: Record<string, unknown> = {
    Path: role.path,
    RoleName: role.roleName,
    RoleId: role.roleId,
    Arn: roleArn(role),
    CreateDate: new Date(role.createdAt),
    AssumeRolePolicyDocument: encodeDocument(role.assumeRolePolicy),
  };
  if (view === "listed" || view === "full" || view === "described") output.Description = role.description;
  if (view === "listed" || view === "full") output.MaxSessionDuration = role.maxSessionDuration;
  if ((view === "created" || view === "full" || view === "described") && role.tags.length > 0) output.Tags = role.tags;
  // GetRole always answers when the role was last used; Nimbus does not track it, as for a role never used.
  if (view === "full") output.RoleLastUsed = {};
  return output;
}

export function roleOperations(store: IamStore): OperationTable {
  /** A role's ARN as policies name it: the stored role's (names are found without regard to case), or with the path given for one to be made. */
  const resource = (ctx: RequestContext, name: string, path?: string) => {
    const stored = path === undefined ? store.role(ctx.accountId, name) : undefined;
    return roleArn(stored ?? { accountId: ctx.accountId, path: path ?? "/", roleName: name });
  };
  const key = (ctx: RequestContext, name: string) => [ctx.accountId, name.toLowerCase()];
  /** Changes a role in one transaction; answers the role as changed. */
  const changeRole = (ctx: RequestContext, name: string, change: (role: RoleRecord) => RoleRecord) =>
    store.roles.transaction((tx) => {
      const role = tx.get(key(ctx, name));
      if (!role) throw iamErrors.noSuchNamedEntity("role", name);
      const changed = change(role);
      tx.put(key(ctx, name), changed);
      return changed;
    });
  const requireRole = (ctx: RequestContext, name: string) => {
    const role = store.role(ctx.accountId, name);
    if (!role) throw iamErrors.noSuchNamedEntity("role", name);
    return role;
  };
  const updateRole = async (ctx: RequestContext, name: string, change: (role: RoleRecord) => RoleRecord) => {
    await store.roles.transaction((tx) => {
      const role = tx.get(key(ctx, name));
      if (!role) throw iamErrors.noSuchNamedEntity("role", name);
      tx.put(key(ctx, name), change(role));
    });
  };

  return {
    CreateRole: defineOperation<CreateRoleInput>({
      authorize: (i, ctx) => [{ action: "iam:CreateRole", resource: resource(ctx, i.RoleName, i.Path) }],
      async handle(input, ctx) {
        if (input.PermissionsBoundary !== undefined) throw iamErrors.boundaryUnsupported("CreateRole");
        parseTrustPolicy(input.AssumeRolePolicyDocument, principalDirectory(store));
        const role: RoleRecord = {
          accountId: ctx.accountId,
          roleName: input.RoleName,
          roleId: newRoleId(),
          path: input.Path ?? "/",
          createdAt: wholeSeconds(ctx.now()),
          assumeRolePolicy: input.AssumeRolePolicyDocument,
          description: input.Description,
          maxSessionDuration: input.MaxSessionDuration ?? 3600,
          tags: checkTags(input.Tags ?? [], "TagsPerRole"),
        };
        await store.roles.transaction((tx) => {
          if (tx.get(key(ctx, input.RoleName))) throw iamErrors.entityAlreadyExists(input.RoleName, "Role");
          tx.put(key(ctx, input.RoleName), role);
        });
        return { Role: roleOutput(role, "created") };
      },
    }),

    GetRole: defineOperation<RoleInput>({
      authorize: (i, ctx) => [{ action: "iam:GetRole", resource: resource(ctx, i.RoleName) }],
      handle: (input, ctx) => ({ Role: roleOutput(requireRole(ctx, input.RoleName), "full") }),
    }),

    ListRoles: defineOperation<Paging & { PathPrefix?: string }>({
      authorize: (_i, ctx) => [{ action: "iam:ListRoles", resource: `arn:aws:iam::${ctx.accountId}:role/` }],
      handle(input, ctx) {
        const roles = store.rolesOf(ctx.accountId).filter((r) => r.path.startsWith(input.PathPrefix ?? "/"));
        const { items, marker } = pageOf(roles, input, (r) => r.roleName.toLowerCase());
        return { Roles: items.map((r) => roleOutput(r, "listed")), IsTruncated: marker !== undefined, Marker: marker };
      },
    }),

    UpdateAssumeRolePolicy: defineOperation<RoleInput & { PolicyDocument: string }>({
      authorize: (i, ctx) => [{ action: "iam:UpdateAssumeRolePolicy", resource: resource(ctx, i.RoleName) }],
      async handle(input, ctx) {
        parseTrustPolicy(input.PolicyDocument, principalDirectory(store));
        await changeRole(ctx, input.RoleName, (role) => ({ ...role, assumeRolePolicy: input.PolicyDocument }));
        return {};
      },
    }),

    UpdateRole: defineOperation<RoleInput & { Description?: string; MaxSessionDuration?: number }>({
      authorize: (i, ctx) => [{ action: "iam:UpdateRole", resource: resource(ctx, i.RoleName) }],
      async handle(input, ctx) {
        await changeRole(ctx, input.RoleName, (role) => ({
          ...role,
          ...(input.Description !== undefined ? { description: input.Description } : {}),
          ...(input.MaxSessionDuration !== undefined ? { maxSessionDuration: input.MaxSessionDuration } : {}),
        }));
        return {};
      },
    }),

    UpdateRoleDescription: defineOperation<RoleInput & { Description: string }>({
      authorize: (i, ctx) => [{ action: "iam:UpdateRoleDescription", resource: resource(ctx, i.RoleName) }],
      async handle(input, ctx) {
        return { Role: roleOutput(await changeRole(ctx, input.RoleName, (role) => ({ ...role, description: input.Description })), "described") };
      },
    }),

    DeleteRole: defineOperation<RoleInput>({
      authorize: (i, ctx) => [{ action: "iam:DeleteRole", resource: resource(ctx, i.RoleName) }],
      async handle(input, ctx) {
        await store.kv.transaction((tx) => {
          const roles = tx.store<RoleRecord>(ROLES_STORE);
          const role = roles.get(key(ctx, input.RoleName));
          if (!role) throw iamErrors.noSuchNamedEntity("role", input.RoleName);
          const name = role.roleName.toLowerCase();
          if (store.instanceProfilesOf(ctx.accountId).some((p) => p.roles.includes(name))) {
            throw iamErrors.deleteConflict("remove roles from instance profile");
          }
          if ((role.attachedPolicies ?? []).length > 0) throw iamErrors.deleteConflict("detach all policies");
          if (store.inlinePoliciesOf(ctx.accountId, "role", role.roleName).length > 0) throw iamErrors.deleteConflict("delete policies");
          roles.remove(key(ctx, input.RoleName));
        });
        return {};
      },
    }),

    TagRole: defineOperation<RoleInput & { Tags: Tag[] }>({
      authorize: (i, ctx) => [{ action: "iam:TagRole", resource: resource(ctx, i.RoleName) }],
      async handle(input, ctx) {
        await updateRole(ctx, input.RoleName, (role) => ({ ...role, tags: mergeTags(role.tags, input.Tags, "TagsPerRole") }));
        return {};
      },
    }),

    UntagRole: defineOperation<RoleInput & { TagKeys: string[] }>({
      authorize: (i, ctx) => [{ action: "iam:UntagRole", resource: resource(ctx, i.RoleName) }],
      async handle(input, ctx) {
        await updateRole(ctx, input.RoleName, (role) => ({ ...role, tags: withoutTags(role.tags, input.TagKeys, "TagsPerRole") }));
        return {};
      },
    }),

    ListRoleTags: defineOperation<RoleInput & Paging>({
      authorize: (i, ctx) => [{ action: "iam:ListRoleTags", resource: resource(ctx, i.RoleName) }],
      handle: (input, ctx) => tagPage(requireRole(ctx, input.RoleName).tags, input),
    }),
  };
}
