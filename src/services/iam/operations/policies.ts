/**
 * Managed and inline policies: CreatePolicy, GetPolicy, GetPolicyVersion,
 * CreatePolicyVersion (at most five, one default), ListPolicies,
 * DeletePolicy; Attach/Detach/ListAttachedUserPolicies; Put/Get/Delete/
 * ListUserPolicies. Documents are checked as IAM checks them and answered
 * URL-encoded, as IAM answers them.
 */
import { parsePolicy } from "../../../policy/document.js";
import type { RequestContext } from "../../../server/context.js";
import { defineOperation, type OperationTable } from "../../../server/service.js";
import { iamErrors } from "../errors.js";
import { newPolicyId } from "../ids.js";
import { awsManagedPolicies, awsManagedPolicy } from "../managed-policies.js";
import {
  type IamStore,
  type InlinePolicyRecord,
  type ManagedPolicyRecord,
  POLICIES_STORE,
  type Tag,
  type UserRecord,
  userArn,
  userKey,
  USER_POLICIES_STORE,
  USERS_STORE,
} from "../store.js";
import { pageOf, type Paging } from "./paging.js";
import { wholeSeconds } from "./users.js";

/** IAM keeps at most five versions of a managed policy. */
const MAX_VERSIONS = 5;
/** And at most ten managed policies attached to a user. */
const MAX_ATTACHED = 10;

interface CreatePolicyInput {
  PolicyName: string;
  Path?: string;
  PolicyDocument: string;
  Description?: string;
  Tags?: Tag[];
}

interface PolicyArnInput {
  PolicyArn: string;
}

interface ListPoliciesInput extends Paging {
  Scope?: "All" | "AWS" | "Local";
  OnlyAttached?: boolean;
  PathPrefix?: string;
}

interface UserPolicyInput {
  UserName: string;
  PolicyName: string;
}

const encodeDocument = (document: string) => encodeURIComponent(document);

export function policyOperations(store: IamStore): OperationTable {
  /** A policy this account can see: its own, or an AWS managed one. */
  const findPolicy = (ctx: RequestContext, arn: string): ManagedPolicyRecord => {
    const policy = awsManagedPolicy(arn) ?? store.policies.get(arn);
    if (!policy || (policy.accountId !== "aws" && policy.accountId !== ctx.accountId)) throw iamErrors.noSuchPolicy(arn);
    return policy;
  };
  const requireUser = (ctx: RequestContext, name: string): UserRecord => {
    const user = store.user(ctx.accountId, name);
    if (!user) throw iamErrors.noSuchEntity("user", name);
    return user;
  };
  const userResource = (ctx: RequestContext, name: string) => userArn({ accountId: ctx.accountId, path: "/", userName: name });
  /** How many users of the account have the policy attached. */
  const attachments = (ctx: RequestContext, policy: ManagedPolicyRecord): number =>
    policy.accountId === "aws" ? [...store.usersOf(ctx.accountId)].filter((u) => u.attachedPolicies?.includes(policy.arn)).length : policy.attachmentCount;

  const policyOutput = (ctx: RequestContext, policy: ManagedPolicyRecord) => ({
    PolicyName: policy.policyName,
    PolicyId: policy.policyId,
    Arn: policy.arn,
    Path: policy.path,
    DefaultVersionId: policy.defaultVersionId,
    AttachmentCount: attachments(ctx, policy),
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    Description: policy.description,
    CreateDate: new Date(policy.createdAt),
    UpdateDate: new Date(policy.updatedAt),
  });

  return {
    CreatePolicy: defineOperation<CreatePolicyInput>({
      authorize: (i, ctx) => [{ action: "iam:CreatePolicy", resource: `arn:aws:iam::${ctx.accountId}:policy${i.Path ?? "/"}${i.PolicyName}` }],
      async handle(input, ctx) {
        parsePolicy(input.PolicyDocument, "identity");
        const now = wholeSeconds(ctx.now());
        const path = input.Path ?? "/";
        const policy: ManagedPolicyRecord = {
          arn: `arn:aws:iam::${ctx.accountId}:policy${path}${input.PolicyName}`,
          accountId: ctx.accountId,
          policyName: input.PolicyName,
          policyId: newPolicyId(),
          path,
          description: input.Description,
          createdAt: now,
          updatedAt: now,
          defaultVersionId: "v1",
          versions: [{ versionId: "v1", document: input.PolicyDocument, createdAt: now }],
          nextVersion: 2,
          attachmentCount: 0,
          tags: input.Tags ?? [],
        };
        await store.policies.transaction((tx) => {
          // Names are unique per account, whatever the path.
          for (const { value } of store.policies.range()) {
            if (value.accountId === ctx.accountId && value.policyName.toLowerCase() === input.PolicyName.toLowerCase()) {
              throw iamErrors.entityAlreadyExists(input.PolicyName, "A policy called");
            }
          }
          tx.put(policy.arn, policy);
        });
        return { Policy: { ...policyOutput(ctx, policy), Tags: policy.tags.length ? policy.tags : undefined } };
      },
    }),

    GetPolicy: defineOperation<PolicyArnInput>({
      authorize: (i) => [{ action: "iam:GetPolicy", resource: i.PolicyArn }],
      handle: (input, ctx) => ({ Policy: policyOutput(ctx, findPolicy(ctx, input.PolicyArn)) }),
    }),

    GetPolicyVersion: defineOperation<PolicyArnInput & { VersionId: string }>({
      authorize: (i) => [{ action: "iam:GetPolicyVersion", resource: i.PolicyArn }],
      handle(input, ctx) {
        const policy = findPolicy(ctx, input.PolicyArn);
        const version = policy.versions.find((v) => v.versionId === input.VersionId);
        if (!version) throw iamErrors.noSuchPolicyVersion(input.PolicyArn, input.VersionId);
        return { PolicyVersion: versionOutput(policy, version.versionId, version.document, version.createdAt) };
      },
    }),

    ListPolicyVersions: defineOperation<PolicyArnInput & Paging>({
      authorize: (i) => [{ action: "iam:ListPolicyVersions", resource: i.PolicyArn }],
      handle(input, ctx) {
        const policy = findPolicy(ctx, input.PolicyArn);
        const { items, marker } = pageOf([...policy.versions].reverse(), input, (v) => String(1e9 - Number(v.versionId.slice(1))).padStart(10, "0"));
        return {
          Versions: items.map((v) => ({ VersionId: v.versionId, IsDefaultVersion: v.versionId === policy.defaultVersionId, CreateDate: new Date(v.createdAt) })),
          IsTruncated: marker !== undefined,
          Marker: marker,
        };
      },
    }),

    CreatePolicyVersion: defineOperation<PolicyArnInput & { PolicyDocument: string; SetAsDefault?: boolean }>({
      authorize: (i) => [{ action: "iam:CreatePolicyVersion", resource: i.PolicyArn }],
      async handle(input, ctx) {
        parsePolicy(input.PolicyDocument, "identity");
        const now = wholeSeconds(ctx.now());
        const created = await store.policies.transaction((tx) => {
          const policy = tx.get(input.PolicyArn);
          if (!policy || policy.accountId !== ctx.accountId) throw iamErrors.noSuchPolicy(input.PolicyArn);
          if (policy.versions.length >= MAX_VERSIONS) throw iamErrors.limitExceeded("PolicyVersionsPerPolicy", MAX_VERSIONS);
          const versionId = `v${policy.nextVersion}`;
          tx.put(policy.arn, {
            ...policy,
            versions: [...policy.versions, { versionId, document: input.PolicyDocument, createdAt: now }],
            nextVersion: policy.nextVersion + 1,
            defaultVersionId: input.SetAsDefault ? versionId : policy.defaultVersionId,
            updatedAt: now,
          });
          return { versionId, isDefault: input.SetAsDefault === true };
        });
        return { PolicyVersion: { VersionId: created.versionId, IsDefaultVersion: created.isDefault, CreateDate: new Date(now) } };
      },
    }),

    SetDefaultPolicyVersion: defineOperation<PolicyArnInput & { VersionId: string }>({
      authorize: (i) => [{ action: "iam:SetDefaultPolicyVersion", resource: i.PolicyArn }],
      async handle(input, ctx) {
        await store.policies.transaction((tx) => {
          const policy = tx.get(input.PolicyArn);
          if (!policy || policy.accountId !== ctx.accountId) throw iamErrors.noSuchPolicy(input.PolicyArn);
          if (!policy.versions.some((v) => v.versionId === input.VersionId)) throw iamErrors.noSuchPolicyVersion(input.PolicyArn, input.VersionId);
          tx.put(policy.arn, { ...policy, defaultVersionId: input.VersionId });
        });
        return {};
      },
    }),

    DeletePolicyVersion: defineOperation<PolicyArnInput & { VersionId: string }>({
      authorize: (i) => [{ action: "iam:DeletePolicyVersion", resource: i.PolicyArn }],
      async handle(input, ctx) {
        await store.policies.transaction((tx) => {
          const policy = tx.get(input.PolicyArn);
          if (!policy || policy.accountId !== ctx.accountId) throw iamErrors.noSuchPolicy(input.PolicyArn);
          if (!policy.versions.some((v) => v.versionId === input.VersionId)) throw iamErrors.noSuchPolicyVersion(input.PolicyArn, input.VersionId);
          if (policy.defaultVersionId === input.VersionId) throw iamErrors.deleteConflict("set another version as the default");
          tx.put(policy.arn, { ...policy, versions: policy.versions.filter((v) => v.versionId !== input.VersionId) });
        });
        return {};
      },
    }),

    ListPolicies: defineOperation<ListPoliciesInput>({
      authorize: (_i, ctx) => [{ action: "iam:ListPolicies", resource: `arn:aws:iam::${ctx.accountId}:policy/` }],
      handle(input, ctx) {
        const scope = input.Scope ?? "All";
        const prefix = input.PathPrefix ?? "/";
        const local = [...store.policies.range()].map((e) => e.value).filter((p) => p.accountId === ctx.accountId);
        const candidates = [...(scope === "Local" ? [] : awsManagedPolicies()), ...(scope === "AWS" ? [] : local)]
          .filter((p) => p.path.startsWith(prefix))
          .filter((p) => !input.OnlyAttached || attachments(ctx, p) > 0)
          .sort((a, b) => (a.policyName.toLowerCase() < b.policyName.toLowerCase() ? -1 : 1));
        const { items, marker } = pageOf(candidates, input, (p) => p.policyName.toLowerCase());
        return { Policies: items.map((p) => policyOutput(ctx, p)), IsTruncated: marker !== undefined, Marker: marker };
      },
    }),

    DeletePolicy: defineOperation<PolicyArnInput>({
      authorize: (i) => [{ action: "iam:DeletePolicy", resource: i.PolicyArn }],
      async handle(input, ctx) {
        await store.policies.transaction((tx) => {
          const policy = tx.get(input.PolicyArn);
          if (!policy || policy.accountId !== ctx.accountId) throw iamErrors.noSuchPolicy(input.PolicyArn);
          if (policy.attachmentCount > 0) throw iamErrors.deleteConflict("detach all policies");
          if (policy.versions.length > 1) throw iamErrors.deleteConflict("delete all non-default policy versions");
          tx.remove(policy.arn);
        });
        return {};
      },
    }),

    AttachUserPolicy: defineOperation<PolicyArnInput & { UserName: string }>({
      authorize: (i, ctx) => [{ action: "iam:AttachUserPolicy", resource: userResource(ctx, i.UserName) }],
      async handle(input, ctx) {
        await setAttachment(store, ctx, input.UserName, input.PolicyArn, true, () => findPolicy(ctx, input.PolicyArn));
        return {};
      },
    }),

    DetachUserPolicy: defineOperation<PolicyArnInput & { UserName: string }>({
      authorize: (i, ctx) => [{ action: "iam:DetachUserPolicy", resource: userResource(ctx, i.UserName) }],
      async handle(input, ctx) {
        await setAttachment(store, ctx, input.UserName, input.PolicyArn, false, () => findPolicy(ctx, input.PolicyArn));
        return {};
      },
    }),

    ListAttachedUserPolicies: defineOperation<{ UserName: string; PathPrefix?: string } & Paging>({
      authorize: (i, ctx) => [{ action: "iam:ListAttachedUserPolicies", resource: userResource(ctx, i.UserName) }],
      handle(input, ctx) {
        const user = requireUser(ctx, input.UserName);
        const attached = (user.attachedPolicies ?? []).map((arn) => ({ PolicyArn: arn, PolicyName: arn.slice(arn.lastIndexOf("/") + 1) }));
        const { items, marker } = pageOf(attached, input, (p) => p.PolicyArn);
        return { AttachedPolicies: items, IsTruncated: marker !== undefined, Marker: marker };
      },
    }),

    PutUserPolicy: defineOperation<UserPolicyInput & { PolicyDocument: string }>({
      authorize: (i, ctx) => [{ action: "iam:PutUserPolicy", resource: userResource(ctx, i.UserName) }],
      async handle(input, ctx) {
        parsePolicy(input.PolicyDocument, "identity");
        const user = requireUser(ctx, input.UserName);
        await store.userPolicies.transaction((tx) =>
          tx.put([ctx.accountId, user.userName.toLowerCase(), input.PolicyName], { policyName: input.PolicyName, document: input.PolicyDocument }),
        );
        return {};
      },
    }),

    GetUserPolicy: defineOperation<UserPolicyInput>({
      authorize: (i, ctx) => [{ action: "iam:GetUserPolicy", resource: userResource(ctx, i.UserName) }],
      handle(input, ctx) {
        const user = requireUser(ctx, input.UserName);
        const policy = store.userPolicies.get([ctx.accountId, user.userName.toLowerCase(), input.PolicyName]);
        if (!policy) throw iamErrors.noSuchUserPolicy(input.UserName, input.PolicyName);
        return { UserName: user.userName, PolicyName: policy.policyName, PolicyDocument: encodeDocument(policy.document) };
      },
    }),

    DeleteUserPolicy: defineOperation<UserPolicyInput>({
      authorize: (i, ctx) => [{ action: "iam:DeleteUserPolicy", resource: userResource(ctx, i.UserName) }],
      async handle(input, ctx) {
        const user = requireUser(ctx, input.UserName);
        await store.kv.transaction((tx) => {
          const policies = tx.store<InlinePolicyRecord>(USER_POLICIES_STORE);
          const key = [ctx.accountId, user.userName.toLowerCase(), input.PolicyName];
          if (!policies.get(key)) throw iamErrors.noSuchUserPolicy(input.UserName, input.PolicyName);
          policies.remove(key);
        });
        return {};
      },
    }),

    ListUserPolicies: defineOperation<{ UserName: string } & Paging>({
      authorize: (i, ctx) => [{ action: "iam:ListUserPolicies", resource: userResource(ctx, i.UserName) }],
      handle(input, ctx) {
        const user = requireUser(ctx, input.UserName);
        const names = store.inlinePoliciesOf(ctx.accountId, user.userName).map((p) => p.policyName);
        const { items, marker } = pageOf(names, input, (n) => n);
        return { PolicyNames: items, IsTruncated: marker !== undefined, Marker: marker };
      },
    }),
  };
}

function versionOutput(policy: ManagedPolicyRecord, versionId: string, document: string, createdAt: number) {
  return { Document: encodeDocument(document), VersionId: versionId, IsDefaultVersion: versionId === policy.defaultVersionId, CreateDate: new Date(createdAt) };
}

/** Attaches or detaches a managed policy, keeping the policy's attachment count in step. */
async function setAttachment(
  store: IamStore,
  ctx: RequestContext,
  userName: string,
  arn: string,
  attach: boolean,
  find: () => ManagedPolicyRecord,
): Promise<void> {
  const policy = find();
  await store.kv.transaction((tx) => {
    const users = tx.store<UserRecord>(USERS_STORE);
    const user = users.get([ctx.accountId, userName.toLowerCase()]);
    if (!user) throw iamErrors.noSuchEntity("user", userName);
    const attached = user.attachedPolicies ?? [];
    const has = attached.includes(arn);
    if (attach === has) {
      // Attaching twice changes nothing; detaching what is not attached is an error.
      if (!attach) throw iamErrors.notAttached(arn);
      return;
    }
    if (attach && attached.length >= MAX_ATTACHED) throw iamErrors.limitExceeded("PoliciesPerUser", MAX_ATTACHED);
    users.put(userKey(user), { ...user, attachedPolicies: attach ? [...attached, arn] : attached.filter((a) => a !== arn) });
    if (policy.accountId !== "aws") {
      const policies = tx.store<ManagedPolicyRecord>(POLICIES_STORE);
      const current = policies.get(arn);
      if (current) policies.put(arn, { ...current, attachmentCount: current.attachmentCount + (attach ? 1 : -1) });
    }
  });
}
