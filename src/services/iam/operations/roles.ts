/**
 * Roles: CreateRole (the trust policy is checked), GetRole, ListRoles,
 * UpdateAssumeRolePolicy, DeleteRole. STS's AssumeRole reads them.
 */
import { parsePolicy } from "../../../policy/document.js";
import type { RequestContext } from "../../../server/context.js";
import { defineOperation, type OperationTable } from "../../../server/service.js";
import { iamErrors } from "../errors.js";
import { newRoleId } from "../ids.js";
import { type IamStore, type RoleRecord, type Tag } from "../store.js";
import { pageOf, type Paging } from "./paging.js";
import { encodeDocument } from "./policies.js";
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
}

export function roleArn(role: Pick<RoleRecord, "accountId" | "path" | "roleName">): string {
  return `arn:aws:iam::${role.accountId}:role${role.path}${role.roleName}`;
}

function roleOutput(role: RoleRecord, full: boolean) {
  return {
    Path: role.path,
    RoleName: role.roleName,
    RoleId: role.roleId,
    Arn: roleArn(role),
    CreateDate: new Date(role.createdAt),
    AssumeRolePolicyDocument: encodeDocument(role.assumeRolePolicy),
    Description: role.description,
    MaxSessionDuration: role.maxSessionDuration,
    Tags: full && role.tags.length > 0 ? role.tags : undefined,
  };
}

export function roleOperations(store: IamStore): OperationTable {
  const resource = (ctx: RequestContext, name: string, path = "/") => roleArn({ accountId: ctx.accountId, path, roleName: name });
  const key = (ctx: RequestContext, name: string) => [ctx.accountId, name.toLowerCase()];
  const requireRole = (ctx: RequestContext, name: string) => {
    const role = store.role(ctx.accountId, name);
    if (!role) throw iamErrors.noSuchNamedEntity("role", name);
    return role;
  };

  return {
    CreateRole: defineOperation<CreateRoleInput>({
      authorize: (i, ctx) => [{ action: "iam:CreateRole", resource: resource(ctx, i.RoleName, i.Path) }],
      async handle(input, ctx) {
        parsePolicy(input.AssumeRolePolicyDocument, "trust");
        const role: RoleRecord = {
          accountId: ctx.accountId,
          roleName: input.RoleName,
          roleId: newRoleId(),
          path: input.Path ?? "/",
          createdAt: wholeSeconds(ctx.now()),
          assumeRolePolicy: input.AssumeRolePolicyDocument,
          description: input.Description,
          maxSessionDuration: input.MaxSessionDuration ?? 3600,
          tags: input.Tags ?? [],
        };
        await store.roles.transaction((tx) => {
          if (tx.get(key(ctx, input.RoleName))) throw iamErrors.entityAlreadyExists(input.RoleName, "Role");
          tx.put(key(ctx, input.RoleName), role);
        });
        return { Role: roleOutput(role, true) };
      },
    }),

    GetRole: defineOperation<RoleInput>({
      authorize: (i, ctx) => [{ action: "iam:GetRole", resource: resource(ctx, i.RoleName) }],
      handle: (input, ctx) => ({ Role: roleOutput(requireRole(ctx, input.RoleName), true) }),
    }),

    ListRoles: defineOperation<Paging & { PathPrefix?: string }>({
      authorize: (_i, ctx) => [{ action: "iam:ListRoles", resource: `arn:aws:iam::${ctx.accountId}:role/` }],
      handle(input, ctx) {
        const roles = store.rolesOf(ctx.accountId).filter((r) => r.path.startsWith(input.PathPrefix ?? "/"));
        const { items, marker } = pageOf(roles, input, (r) => r.roleName.toLowerCase());
        return { Roles: items.map((r) => roleOutput(r, false)), IsTruncated: marker !== undefined, Marker: marker };
      },
    }),

    UpdateAssumeRolePolicy: defineOperation<RoleInput & { PolicyDocument: string }>({
      authorize: (i, ctx) => [{ action: "iam:UpdateAssumeRolePolicy", resource: resource(ctx, i.RoleName) }],
      async handle(input, ctx) {
        parsePolicy(input.PolicyDocument, "trust");
        await store.roles.transaction((tx) => {
          const role = tx.get(key(ctx, input.RoleName));
          if (!role) throw iamErrors.noSuchNamedEntity("role", input.RoleName);
          tx.put(key(ctx, input.RoleName), { ...role, assumeRolePolicy: input.PolicyDocument });
        });
        return {};
      },
    }),

    DeleteRole: defineOperation<RoleInput>({
      authorize: (i, ctx) => [{ action: "iam:DeleteRole", resource: resource(ctx, i.RoleName) }],
      async handle(input, ctx) {
        await store.roles.transaction((tx) => {
          const role = tx.get(key(ctx, input.RoleName));
          if (!role) throw iamErrors.noSuchNamedEntity("role", input.RoleName);
          if ((role.attachedPolicies ?? []).length > 0) throw iamErrors.deleteConflict("detach all policies");
          if (store.inlinePoliciesOf(ctx.accountId, "role", role.roleName).length > 0) throw iamErrors.deleteConflict("delete policies");
          tx.remove(key(ctx, input.RoleName));
        });
        return {};
      },
    }),
  };
}
