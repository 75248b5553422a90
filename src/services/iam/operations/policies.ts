/**
 * Managed and inline policies: CreatePolicy, GetPolicy, GetPolicyVersion,
 * CreatePolicyVersion (at most five, one default), ListPolicies,
 * ListEntitiesForPolicy,
 * DeletePolicy; Attach/Detach/ListAttachedUserPolicies; Put/Get/Delete/
 * ListUserPolicies; Tag/Untag/ListPolicyTags. Documents are checked as
 * IAM checks them and answered URL-encoded, as IAM answers them.
 */
import { MAX_MANAGED_POLICY_BYTES, parsePolicy, policySize } from "../../../policy/document.js";
import type { RequestContext } from "../../../server/context.js";
import { defineOperation, type OperationTable } from "../../../server/service.js";
import { AwsError } from "../../../server/errors.js";
import { iamErrors } from "../errors.js";
import { newPolicyId } from "../ids.js";
import { awsManagedPolicies, awsManagedPolicy } from "../managed-policies.js";
import { type IamStore, type ManagedPolicyRecord, type Tag } from "../store.js";
import { pageOf, type Paging } from "./paging.js";
import { checkTags, mergeTags, tagPage, withoutTags } from "./tags.js";
import { wholeSeconds } from "./users.js";

/** IAM keeps at most five versions of a managed policy. */
const MAX_VERSIONS = 5;

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

interface ListEntitiesForPolicyInput extends PolicyArnInput, Paging {
  EntityFilter?: "User" | "Role" | "Group" | "LocalManagedPolicy" | "AWSManagedPolicy";
  PathPrefix?: string;
  PolicyUsageFilter?: "PermissionsPolicy" | "PermissionsBoundary";
}

interface ListPoliciesInput extends Paging {
  Scope?: "All" | "AWS" | "Local";
  OnlyAttached?: boolean;
  PathPrefix?: string;
}

export const encodeDocument = (document: string) => encodeURIComponent(document);

/** A policy this account can see: its own, or an AWS managed one. */
/** A managed policy's document: an identity policy in the 2012-10-17 language. */
function parseManagedPolicy(text: string): void {
  if (policySize(text) > MAX_MANAGED_POLICY_BYTES) throw iamErrors.limitExceeded("PolicySize", MAX_MANAGED_POLICY_BYTES);
  parsePolicy(text, "identity", { managed: true });
}

export function findPolicyIn(store: IamStore, ctx: RequestContext, arn: string, missing = () => iamErrors.noSuchPolicy(arn)): ManagedPolicyRecord {
  const policy = awsManagedPolicy(arn) ?? store.policies.get(arn);
  if (!policy || (policy.accountId !== "aws" && policy.accountId !== ctx.accountId)) throw missing();
  return policy;
}

/** How many identities of the account have the policy attached (AWS's own policies are counted per account). */
export function attachmentsIn(store: IamStore, accountId: string, policy: ManagedPolicyRecord): number {
  if (policy.accountId !== "aws") return policy.attachmentCount;
  const entities = [...store.usersOf(accountId), ...store.groupsOf(accountId), ...store.rolesOf(accountId)];
  return entities.filter((e) => e.attachedPolicies?.includes(policy.arn)).length;
}

/** A managed policy as GetPolicy and ListPolicies answer it (without description and tags). */
export function managedPolicyOutput(store: IamStore, accountId: string, policy: ManagedPolicyRecord) {
  return {
    PolicyName: policy.policyName,
    PolicyId: policy.policyId,
    Arn: policy.arn,
    Path: policy.path,
    DefaultVersionId: policy.defaultVersionId,
    AttachmentCount: attachmentsIn(store, accountId, policy),
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    CreateDate: new Date(policy.createdAt),
    UpdateDate: new Date(policy.updatedAt),
  };
}

export function policyOperations(store: IamStore): OperationTable {
  const findPolicy = (ctx: RequestContext, arn: string, missing?: () => AwsError) => findPolicyIn(store, ctx, arn, missing);
  return {
    CreatePolicy: defineOperation<CreatePolicyInput>({
      authorize: (i, ctx) => [{ action: "iam:CreatePolicy", resource: `arn:aws:iam::${ctx.accountId}:policy${i.Path ?? "/"}${i.PolicyName}` }],
      async handle(input, ctx) {
        parseManagedPolicy(input.PolicyDocument);
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
          tags: checkTags(input.Tags ?? [], "TagsPerPolicy"),
        };
        await store.policies.transaction((tx) => {
          // Names are unique per account, whatever the path.
          for (const { value } of store.policies.range()) {
            if (value.accountId === ctx.accountId && value.policyName.toLowerCase() === input.PolicyName.toLowerCase()) {
              throw iamErrors.policyExists(input.PolicyName);
            }
          }
          tx.put(policy.arn, policy);
        });
        // CreatePolicy answers neither the description nor an empty tag list.
        return { Policy: { ...managedPolicyOutput(store, ctx.accountId, policy), Tags: policy.tags.length ? policy.tags : undefined } };
      },
    }),

    GetPolicy: defineOperation<PolicyArnInput>({
      authorize: (i) => [{ action: "iam:GetPolicy", resource: i.PolicyArn }],
      handle(input, ctx) {
        // GetPolicy answers a policy's tags, maybe none; ListPolicies does not.
        const policy = findPolicy(ctx, input.PolicyArn, () => iamErrors.policyNotFound(input.PolicyArn));
        // Only GetPolicy tells the description: CreatePolicy and ListPolicies leave it out.
        return { Policy: { ...managedPolicyOutput(store, ctx.accountId, policy), Description: policy.description, Tags: policy.tags } };
      },
    }),

    GetPolicyVersion: defineOperation<PolicyArnInput & { VersionId: string }>({
      authorize: (i) => [{ action: "iam:GetPolicyVersion", resource: i.PolicyArn }],
      handle(input, ctx) {
        const policy = findPolicy(ctx, input.PolicyArn, () => iamErrors.noSuchPolicyVersion(input.PolicyArn, input.VersionId));
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
        parseManagedPolicy(input.PolicyDocument);
        const now = wholeSeconds(ctx.now());
        const created = await store.policies.transaction((tx) => {
          const policy = tx.get(input.PolicyArn);
          if (!policy || policy.accountId !== ctx.accountId) throw iamErrors.noSuchPolicy(input.PolicyArn);
          if (policy.versions.length >= MAX_VERSIONS) throw iamErrors.policyVersionLimit(MAX_VERSIONS);
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
          if (!policy || policy.accountId !== ctx.accountId || !policy.versions.some((v) => v.versionId === input.VersionId)) {
            throw iamErrors.noSuchPolicyVersion(input.PolicyArn, input.VersionId);
          }
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
          if (policy.defaultVersionId === input.VersionId) throw iamErrors.policyConflict("Cannot delete the default version of a policy.");
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
          .filter((p) => !input.OnlyAttached || attachmentsIn(store, ctx.accountId, p) > 0)
          .sort((a, b) => (a.policyName.toLowerCase() < b.policyName.toLowerCase() ? -1 : 1));
        const { items, marker } = pageOf(candidates, input, (p) => p.policyName.toLowerCase());
        return { Policies: items.map((p) => managedPolicyOutput(store, ctx.accountId, p)), IsTruncated: marker !== undefined, Marker: marker };
      },
    }),

    ListEntitiesForPolicy: defineOperation<ListEntitiesForPolicyInput>({
      authorize: (i) => [{ action: "iam:ListEntitiesForPolicy", resource: i.PolicyArn }],
      handle(input, ctx) {
        const policy = findPolicy(ctx, input.PolicyArn, () => iamErrors.policyNotFound(input.PolicyArn));
        const prefix = input.PathPrefix ?? "/";
        const wanted = (kind: "Group" | "User" | "Role") => input.EntityFilter === undefined || input.EntityFilter === kind;
        // Nimbus keeps no permissions boundaries: a policy is never used as one.
        const usage = input.PolicyUsageFilter !== "PermissionsBoundary";
        const attached = (e: { path: string; attachedPolicies?: string[] }) => usage && e.path.startsWith(prefix) && e.attachedPolicies?.includes(policy.arn) === true;
        // One page over the three lists together (MaxItems counts them all), groups, users, then roles, each by name.
        const entities = [
          ...(wanted("Group") ? store.groupsOf(ctx.accountId).filter(attached).map((g) => ({ key: `0${g.groupName.toLowerCase()}`, group: { GroupName: g.groupName, GroupId: g.groupId } })) : []),
          ...(wanted("User") ? [...store.usersOf(ctx.accountId)].filter(attached).map((u) => ({ key: `1${u.userName.toLowerCase()}`, user: { UserName: u.userName, UserId: u.userId } })) : []),
          ...(wanted("Role") ? store.rolesOf(ctx.accountId).filter(attached).map((r) => ({ key: `2${r.roleName.toLowerCase()}`, role: { RoleName: r.roleName, RoleId: r.roleId } })) : []),
        ];
        const { items, marker } = pageOf(entities, input, (e) => e.key);
        return {
          PolicyGroups: items.flatMap((e) => ("group" in e ? [e.group] : [])),
          PolicyUsers: items.flatMap((e) => ("user" in e ? [e.user] : [])),
          PolicyRoles: items.flatMap((e) => ("role" in e ? [e.role] : [])),
          IsTruncated: marker !== undefined,
          Marker: marker,
        };
      },
    }),

    DeletePolicy: defineOperation<PolicyArnInput>({
      authorize: (i) => [{ action: "iam:DeletePolicy", resource: i.PolicyArn }],
      async handle(input, ctx) {
        await store.policies.transaction((tx) => {
          const policy = tx.get(input.PolicyArn);
          if (!policy || policy.accountId !== ctx.accountId) throw iamErrors.policyNotFound(input.PolicyArn);
          if (policy.attachmentCount > 0) throw iamErrors.policyConflict("Cannot delete a policy attached to entities.");
          if (policy.versions.length > 1) {
            throw iamErrors.policyConflict(
              "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
            );
          }
          tx.remove(policy.arn);
        });
        return {};
      },
    }),

    TagPolicy: defineOperation<PolicyArnInput & { Tags: Tag[] }>({
      authorize: (i) => [{ action: "iam:TagPolicy", resource: i.PolicyArn }],
      async handle(input, ctx) {
        await updatePolicyTags(ctx, input.PolicyArn, (p) => ({ ...p, tags: mergeTags(p.tags, input.Tags, "TagsPerPolicy") }));
        return {};
      },
    }),

    UntagPolicy: defineOperation<PolicyArnInput & { TagKeys: string[] }>({
      authorize: (i) => [{ action: "iam:UntagPolicy", resource: i.PolicyArn }],
      async handle(input, ctx) {
        await updatePolicyTags(ctx, input.PolicyArn, (p) => ({ ...p, tags: withoutTags(p.tags, input.TagKeys, "TagsPerPolicy") }));
        return {};
      },
    }),

    ListPolicyTags: defineOperation<PolicyArnInput & Paging>({
      authorize: (i) => [{ action: "iam:ListPolicyTags", resource: i.PolicyArn }],
      handle: (input, ctx) => tagPage(findPolicy(ctx, input.PolicyArn, () => iamErrors.policyNotFound(input.PolicyArn)).tags, input),
    }),
  };

  /** Changes the tags of one of the account's own policies (AWS managed ones cannot be changed). */
  async function updatePolicyTags(ctx: RequestContext, arn: string, change: (policy: ManagedPolicyRecord) => ManagedPolicyRecord): Promise<void> {
    await store.policies.transaction((tx) => {
      const policy = tx.get(arn);
      if (!policy || policy.accountId !== ctx.accountId) throw iamErrors.policyNotFound(arn);
      tx.put(arn, change(policy));
    });
  }
}

export function versionOutput(policy: ManagedPolicyRecord, versionId: string, document: string, createdAt: number) {
  return { Document: encodeDocument(document), VersionId: versionId, IsDefaultVersion: versionId === policy.defaultVersionId, CreateDate: new Date(createdAt) };
}
