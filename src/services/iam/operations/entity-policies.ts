/**
 * The policies of users, groups and roles, one set of operations for each
 * kind: Put/Get/Delete/List{Kind}Policy (inline) and Attach/Detach/
 * ListAttached{Kind}Policies (managed).
 */
import { parsePolicy, policySize } from "../../../policy/document.js";
import type { RequestContext } from "../../../server/context.js";
import { defineOperation, type OperationDefinition, type OperationTable } from "../../../server/service.js";
import { iamErrors } from "../errors.js";
import {
  ENTITY_STORES,
  type EntityKind,
  type IamStore,
  INLINE_POLICIES_STORE,
  type InlinePolicyRecord,
  type ManagedPolicyRecord,
  POLICIES_STORE,
} from "../store.js";
import { pageAfter, pageOf, type Paging } from "./paging.js";
import { encodeDocument, findPolicyIn } from "./policies.js";

/** IAM's quota of managed policies attached to one identity. */
const MAX_ATTACHED = 10;

interface Kind {
  kind: EntityKind;
  /** `User`, `Group`, `Role`: as in operation names. */
  label: string;
  /** The input member naming the entity: `UserName`… */
  member: string;
}

const KINDS: Kind[] = [
  { kind: "user", label: "User", member: "UserName" },
  { kind: "group", label: "Group", member: "GroupName" },
  { kind: "role", label: "Role", member: "RoleName" },
];

/** Any of the three records: each keeps attached policy ARNs and its own name field. */
type Entity = { attachedPolicies?: string[] } & Record<string, unknown>;

type Input = Record<string, unknown> & Paging & { PolicyName?: string; PolicyDocument?: string; PolicyArn?: string; PathPrefix?: string };

/** The size quota of an entity's inline policies together. */
const INLINE_QUOTA: Record<EntityKind, number> = { user: 2048, group: 5120, role: 10240 };

/** A managed policy's ARN: the account's own, or AWS's. */
const POLICY_ARN = /^arn:aws[a-z-]*:iam::(\d{12}|aws):policy\//;

/** A managed policy's path, from its ARN: `arn:aws:iam::aws:policy/service-role/Name` → `/service-role/`. */
function policyPath(arn: string): string {
  const rest = arn.slice(arn.indexOf(":policy/") + ":policy".length);
  return rest.slice(0, rest.lastIndexOf("/") + 1);
}

export function entityPolicyOperations(store: IamStore): OperationTable {
  const table: Record<string, OperationDefinition> = {};
  for (const kind of KINDS) Object.assign(table, operationsFor(store, kind));
  return table;
}

function operationsFor(store: IamStore, { kind, label, member }: Kind): OperationTable {
  const nameOf = (input: Input) => String(input[member]);
  const entityKey = (ctx: RequestContext, name: string) => [ctx.accountId, name.toLowerCase()];
  /** The entity's ARN as policies name it: its stored name and path (names are found without regard to case). */
  const resource = (ctx: RequestContext, name: string) => {
    const entity = store.kv.store<Entity>(ENTITY_STORES[kind]).get(entityKey(ctx, name));
    const path = typeof entity?.path === "string" ? entity.path : "/";
    const stored = entity?.[`${kind}Name`];
    return `arn:aws:iam::${ctx.accountId}:${kind}${path}${typeof stored === "string" ? stored : name}`;
  };
  const requireEntity = (ctx: RequestContext, name: string): Entity => {
    const entity = store.kv.store<Entity>(ENTITY_STORES[kind]).get(entityKey(ctx, name));
    if (!entity) throw iamErrors.noSuchNamedEntity(kind, name);
    return entity;
  };
  const requires = (action: string) => (input: Input, ctx: RequestContext) => [{ action: `iam:${action}`, resource: resource(ctx, nameOf(input)) }];
  const inlineKey = (ctx: RequestContext, name: string, policyName: string) => [ctx.accountId, kind, name.toLowerCase(), policyName];

  return {
    [`Put${label}Policy`]: defineOperation<Input>({
      authorize: requires(`Put${label}Policy`),
      async handle(input, ctx) {
        parsePolicy(input.PolicyDocument!, "identity");
        const entity = requireEntity(ctx, nameOf(input));
        // A user's, group's or role's inline policies share one size quota.
        const others = store.inlinePoliciesOf(ctx.accountId, kind, nameOf(input)).filter((p) => p.policyName !== input.PolicyName);
        const total = others.reduce((n, p) => n + policySize(p.document), policySize(input.PolicyDocument!));
        if (total > INLINE_QUOTA[kind]) {
          throw iamErrors.quotaExceeded(`Maximum policy size of ${INLINE_QUOTA[kind]} bytes exceeded for ${kind} ${String(entity[`${kind}Name`])}`);
        }
        await store.inlinePolicies.transaction((tx) =>
          tx.put(inlineKey(ctx, nameOf(input), input.PolicyName!), { policyName: input.PolicyName!, document: input.PolicyDocument! }),
        );
        return {};
      },
    }),

    [`Get${label}Policy`]: defineOperation<Input>({
      authorize: requires(`Get${label}Policy`),
      handle(input, ctx) {
        const entity = requireEntity(ctx, nameOf(input));
        const policy = store.inlinePolicies.get(inlineKey(ctx, nameOf(input), input.PolicyName!));
        if (!policy) throw iamErrors.noSuchInlinePolicy(kind, input.PolicyName!);
        return { [member]: entity[`${kind}Name`], PolicyName: policy.policyName, PolicyDocument: encodeDocument(policy.document) };
      },
    }),

    [`Delete${label}Policy`]: defineOperation<Input>({
      authorize: requires(`Delete${label}Policy`),
      async handle(input, ctx) {
        requireEntity(ctx, nameOf(input));
        await store.kv.transaction((tx) => {
          const policies = tx.store<InlinePolicyRecord>(INLINE_POLICIES_STORE);
          const key = inlineKey(ctx, nameOf(input), input.PolicyName!);
          if (!policies.get(key)) throw iamErrors.noSuchInlinePolicy(kind, input.PolicyName!);
          policies.remove(key);
        });
        return {};
      },
    }),

    [`List${label}Policies`]: defineOperation<Input>({
      authorize: requires(`List${label}Policies`),
      handle(input, ctx) {
        requireEntity(ctx, nameOf(input));
        const names = store.inlinePoliciesOf(ctx.accountId, kind, nameOf(input)).map((p) => p.policyName);
        const { items, marker } = pageOf(names, input, (n) => n);
        return { PolicyNames: items, IsTruncated: marker !== undefined, Marker: marker };
      },
    }),

    [`Attach${label}Policy`]: defineOperation<Input>({
      authorize: requires(`Attach${label}Policy`),
      async handle(input, ctx) {
        await setAttachment(ctx, nameOf(input), input.PolicyArn!, true);
        return {};
      },
    }),

    [`Detach${label}Policy`]: defineOperation<Input>({
      authorize: requires(`Detach${label}Policy`),
      async handle(input, ctx) {
        await setAttachment(ctx, nameOf(input), input.PolicyArn!, false);
        return {};
      },
    }),

    [`ListAttached${label}Policies`]: defineOperation<Input>({
      authorize: requires(`ListAttached${label}Policies`),
      handle(input, ctx) {
        const entity = requireEntity(ctx, nameOf(input));
        const prefix = input.PathPrefix ?? "/";
        // Listed in the order attached, as IAM lists them (not by name).
        const attached = (entity.attachedPolicies ?? []).filter((arn) => policyPath(arn).startsWith(prefix));
        const { items, marker } = pageAfter(attached, input, (arn) => arn);
        const policies = items.map((arn) => ({ PolicyArn: arn, PolicyName: arn.slice(arn.lastIndexOf("/") + 1) }));
        return { AttachedPolicies: policies, IsTruncated: marker !== undefined, Marker: marker };
      },
    }),
  };

  /** Attaches or detaches a managed policy, keeping the policy's attachment count in step. */
  async function setAttachment(ctx: RequestContext, name: string, arn: string, attach: boolean): Promise<void> {
    if (!POLICY_ARN.test(arn)) {
      // Text that is no ARN at all fails validation; an ARN of something other than a policy is invalid input.
      const isArn = arn.startsWith("arn:") && arn.split(":").length >= 6;
      throw isArn ? iamErrors.invalidInput(`ARN ${arn} is not valid.`) : iamErrors.validation(`ARN ${arn} is not valid.`);
    }
    // Detaching a policy that does not exist is worded as detaching one that is not attached.
    const policy = findPolicyIn(store, ctx, arn, attach ? undefined : () => iamErrors.notAttached(arn));
    await store.kv.transaction((tx) => {
      const entities = tx.store<Entity>(ENTITY_STORES[kind]);
      const entity = entities.get(entityKey(ctx, name));
      if (!entity) throw iamErrors.noSuchNamedEntity(kind, name);
      const attached = entity.attachedPolicies ?? [];
      if (attach === attached.includes(arn)) {
        // Attaching twice changes nothing; detaching what is not attached is an error.
        if (!attach) throw iamErrors.notAttached(arn);
        return;
      }
      if (attach && attached.length >= MAX_ATTACHED) throw iamErrors.limitExceeded(`PoliciesPer${label}`, MAX_ATTACHED);
      entities.put(entityKey(ctx, name), { ...entity, attachedPolicies: attach ? [...attached, arn] : attached.filter((a) => a !== arn) });
      if (policy.accountId !== "aws") {
        const policies = tx.store<ManagedPolicyRecord>(POLICIES_STORE);
        const current = policies.get(arn);
        if (current) policies.put(arn, { ...current, attachmentCount: current.attachmentCount + (attach ? 1 : -1) });
      }
    });
  }
}
