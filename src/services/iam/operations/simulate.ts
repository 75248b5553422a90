/**
 * The policy simulator: SimulateCustomPolicy evaluates policies given as
 * text, SimulatePrincipalPolicy those of a user (with its groups'), group
 * or role, each with optional extra policies, a permissions boundary and a
 * resource policy, for every action on every resource asked; the
 * GetContextKeysFor… calls list the condition keys a simulation may need. The decisions
 * come from the engine that enforces strict mode (src/policy/evaluate.ts),
 * so a simulation answers what Nimbus itself would decide.
 */
import type { Principal } from "../../../auth/types.js";
import type { ContextKeys } from "../../../policy/conditions.js";
import { parsePolicy, type PolicyDocument, type PolicyKind, type Statement } from "../../../policy/document.js";
import { evaluate, type Decision, type NamedPolicy, type RequestFacts } from "../../../policy/evaluate.js";
import type { RequestContext } from "../../../server/context.js";
import { AwsError, isAwsError } from "../../../server/errors.js";
import { defineOperation, type OperationTable } from "../../../server/service.js";
import { iamErrors } from "../errors.js";
import { awsManagedPolicy } from "../managed-policies.js";
import { type EntityKind, type IamStore, userArn } from "../store.js";
import { groupArn, groupsOfUser } from "./groups.js";
import { pageAt, type Paging } from "./paging.js";
import { roleArn } from "./roles.js";

interface ContextEntry {
  ContextKeyName?: string;
  ContextKeyValues?: string[];
  ContextKeyType?: string;
}

interface SimulateInput extends Paging {
  PolicyInputList?: string[];
  PermissionsBoundaryPolicyInputList?: string[];
  ActionNames: string[];
  ResourceArns?: string[];
  ResourcePolicy?: string;
  ResourceOwner?: string;
  CallerArn?: string;
  ContextEntries?: ContextEntry[];
}

interface PrincipalInput extends SimulateInput {
  PolicySourceArn: string;
}

/** A policy as the simulator reports it: who it is, what kind, and where its statements are in its text. */
interface SourcedPolicy {
  id: string;
  type: string;
  document: PolicyDocument;
  spans: readonly Span[];
}

interface Position {
  Line: number;
  Column: number;
}

interface Span {
  start: Position;
  end: Position;
}

export function simulateOperations(store: IamStore): OperationTable {
  /** The identity policies of the entity an ARN names, with the principal it acts as. */
  const entityPolicies = (ctx: RequestContext, arn: string): { principal: Principal; policies: SourcedPolicy[] } => {
    const match = /^arn:aws:iam::(\d{12}):(user|group|role)(\/(?:.*\/)?)([^/]+)$/.exec(arn);
    if (!match) throw iamErrors.invalidInput(`Invalid ARN: Could not be parsed!`);
    const kind = match[2] as EntityKind;
    const name = match[4]!;
    // Another account's entity is one this account cannot see.
    if (match[1] !== ctx.accountId) throw kind === "user" ? iamErrors.noSuchEntity("user", name) : iamErrors.noSuchNamedEntity(kind, name);
    if (kind === "user") {
      const user = store.user(ctx.accountId, name);
      if (!user || userArn(user) !== arn) throw iamErrors.noSuchEntity("user", name);
      const policies = policiesOf(ctx.accountId, "user", user.userName, user.attachedPolicies);
      for (const group of groupsOfUser(store, ctx.accountId, user.userName)) policies.push(...policiesOf(ctx.accountId, "group", group.groupName, group.attachedPolicies));
      return { principal: { type: "user", accountId: ctx.accountId, arn, userId: user.userId }, policies };
    }
    if (kind === "group") {
      const group = store.group(ctx.accountId, name);
      if (!group || groupArn(group) !== arn) throw iamErrors.noSuchNamedEntity("group", name);
      return { principal: { type: "user", accountId: ctx.accountId, arn, userId: group.groupId }, policies: policiesOf(ctx.accountId, "group", group.groupName, group.attachedPolicies) };
    }
    const role = store.role(ctx.accountId, name);
    if (!role || roleArn(role) !== arn) throw iamErrors.noSuchNamedEntity("role", name);
    return {
      principal: { type: "assumed-role", accountId: ctx.accountId, arn: `arn:aws:sts::${ctx.accountId}:assumed-role/${role.roleName}/simulation`, userId: `${role.roleId}:simulation` },
      policies: policiesOf(ctx.accountId, "role", role.roleName, role.attachedPolicies),
    };
  };

  /** An identity's inline policies (named by their names) and the default versions of its attached ones. */
  const policiesOf = (accountId: string, kind: EntityKind, name: string, attached: readonly string[] = []): SourcedPolicy[] => {
    const policies = store.inlinePoliciesOf(accountId, kind, name).map((p) => sourced(p.policyName, kind, p.document, "identity"));
    for (const arn of attached) {
      const managed = awsManagedPolicy(arn);
      const policy = managed ?? store.policies.get(arn);
      const version = policy?.versions.find((v) => v.versionId === policy.defaultVersionId);
      if (policy && version) policies.push(sourced(policy.policyName, managed ? "aws-managed" : "user-managed", version.document, "identity"));
    }
    return policies;
  };

  /** `source`: the kind of entity simulated (a custom simulation has none). */
  const run = (input: SimulateInput, principal: Principal, identity: SourcedPolicy[], source?: EntityKind) => {
    checkInput(input, source);
    identity.push(...(input.PolicyInputList ?? []).map((text, i) => given(`PolicyInputList.${i + 1}`, "IAM Policy", text, "identity")));
    const boundary = input.PermissionsBoundaryPolicyInputList?.map((text, i) => given(`PermissionsBoundaryPolicyInputList.${i + 1}`, "IAM Policy", text, "identity"));
    const resource = input.ResourcePolicy === undefined ? [] : [given("ResourcePolicy", "Resource Policy", input.ResourcePolicy, "resource")];
    const caller: Principal = input.CallerArn === undefined ? principal : { ...principal, arn: input.CallerArn };
    const keys = contextKeys(input.ContextEntries ?? []);
    const results = [];
    for (const action of input.ActionNames) {
      for (const resourceArn of input.ResourceArns ?? ["*"]) {
        const result = evaluation({ principal: caller, action, resource: resourceArn, keys }, identity, boundary, resource, input.ContextEntries ?? []);
        results.push(input.ResourceArns === undefined ? result : perResource(result));
      }
    }
    const { items, marker } = pageAt(results, input);
    return { EvaluationResults: items, IsTruncated: marker !== undefined, Marker: marker };
  };

  return {
    SimulateCustomPolicy: defineOperation<SimulateInput>({
      authorize: () => [{ action: "iam:SimulateCustomPolicy", resource: "*" }],
      handle(input, ctx) {
        const principal: Principal = { type: "user", accountId: ctx.accountId, arn: input.CallerArn ?? `arn:aws:iam::${ctx.accountId}:user/simulation`, userId: "simulation" };
        return run(input, principal, []);
      },
    }),

    GetContextKeysForCustomPolicy: defineOperation<{ PolicyInputList: string[] }>({
      authorize: () => [{ action: "iam:GetContextKeysForCustomPolicy", resource: "*" }],
      handle(input) {
        const policies = input.PolicyInputList.map((text, i) => given(`PolicyInputList.${i + 1}`, "IAM Policy", text, "identity"));
        return { ContextKeyNames: conditionKeys(policies) };
      },
    }),

    GetContextKeysForPrincipalPolicy: defineOperation<{ PolicySourceArn: string; PolicyInputList?: string[] }>({
      authorize: (i) => [{ action: "iam:GetContextKeysForPrincipalPolicy", resource: i.PolicySourceArn }],
      handle(input, ctx) {
        const { policies } = entityPolicies(ctx, input.PolicySourceArn);
        policies.push(...(input.PolicyInputList ?? []).map((text, i) => given(`PolicyInputList.${i + 1}`, "IAM Policy", text, "identity")));
        return { ContextKeyNames: conditionKeys(policies) };
      },
    }),

    SimulatePrincipalPolicy: defineOperation<PrincipalInput>({
      authorize: (i) => [{ action: "iam:SimulatePrincipalPolicy", resource: i.PolicySourceArn }],
      handle(input, ctx) {
        const { principal, policies } = entityPolicies(ctx, input.PolicySourceArn);
        return run(input, principal, policies, entityKindOf(input.PolicySourceArn));
      },
    }),
  };
}

/** One action on one resource: the decision, the statements that made it, and the context keys they wanted but were not given. */
function evaluation(facts: RequestFacts, identity: readonly SourcedPolicy[], boundary: readonly SourcedPolicy[] | undefined, resource: readonly SourcedPolicy[], entries: readonly ContextEntry[]) {
  const named = (p: SourcedPolicy): NamedPolicy => ({ name: p.id, document: p.document });
  let decision: Decision = evaluate(facts, identity.map(named), resource.map(named), { rootAllowed: false });
  let boundaryDetail: { AllowedByPermissionsBoundary: boolean } | undefined;
  if (boundary) {
    // A boundary caps what identity policies grant; it grants nothing itself, and a Deny in it denies.
    const capped = evaluate(facts, boundary.map(named), [], { rootAllowed: false });
    boundaryDetail = { AllowedByPermissionsBoundary: capped.kind === "allow" };
    if (capped.kind === "explicit-deny") decision = capped;
    else if (capped.kind === "implicit-deny" && decision.kind === "allow" && decision.source === "identity") {
      // A boundary does not cap what a resource policy grants (PutUserPermissionsBoundary's reference): that grant stands.
      const granted = resource.length > 0 ? evaluate(facts, [], resource.map(named), { rootAllowed: false }) : undefined;
      decision = granted?.kind === "allow" ? granted : { kind: "implicit-deny" };
    }
  }
  const effect = decision.kind === "allow" ? "Allow" : decision.kind === "explicit-deny" ? "Deny" : undefined;
  const matched: { SourcePolicyId: string; SourcePolicyType: string; StartPosition?: Position; EndPosition?: Position }[] = [];
  const missing = new Set<string>();
  const given = new Set(entries.map((e) => (e.ContextKeyName ?? "").toLowerCase()));
  for (const [policies, asResource] of [[identity, false], [resource, true], [boundary ?? [], false]] as const) {
    for (const policy of policies) {
      policy.document.statements.forEach((statement, i) => {
        // The statement's action and resource (and principal) match, whatever its conditions say.
        if (!applies(facts, policy, { ...statement, effect: "Allow", condition: undefined }, asResource)) return;
        for (const keysOfOperator of Object.values(statement.condition ?? {})) {
          for (const key of Object.keys(keysOfOperator)) if (!given.has(key.toLowerCase())) missing.add(key);
        }
        if (effect !== undefined && statement.effect === effect && applies(facts, policy, statement, asResource)) {
          const span = policy.spans[i];
          matched.push({ SourcePolicyId: policy.id, SourcePolicyType: policy.type, StartPosition: span?.start, EndPosition: span?.end });
        }
      });
    }
  }
  return {
    EvalActionName: facts.action,
    EvalResourceName: facts.resource,
    EvalDecision: decision.kind === "allow" ? "allowed" : decision.kind === "explicit-deny" ? "explicitDeny" : "implicitDeny",
    MatchedStatements: matched,
    MissingContextValues: [...missing],
    PermissionsBoundaryDecisionDetail: boundaryDetail,
  };
}

/** Refuses what the simulator's reference rules out. */
function checkInput(input: SimulateInput, source: EntityKind | undefined): void {
  if ((input.PermissionsBoundaryPolicyInputList?.length ?? 0) > 1) throw iamErrors.invalidInput("Only one permissions boundary policy can be simulated.");
  if (input.CallerArn !== undefined && !/^arn:aws:iam::\d{12}:user\//.test(input.CallerArn)) throw iamErrors.invalidInput("CallerArn must be the ARN of an IAM user.");
  if (input.ResourcePolicy === undefined) return;
  if (source === "role") throw iamErrors.invalidInput("Simulation of resource-based policies isn't supported for IAM roles.");
  if (source !== "user" && input.CallerArn === undefined) throw iamErrors.invalidInput("CallerArn is required to simulate a resource policy for a caller that is not an IAM user.");
}

function entityKindOf(arn: string): EntityKind | undefined {
  return /^arn:aws:iam::\d{12}:(user|group|role)\//.exec(arn)?.[1] as EntityKind | undefined;
}

/**
 * A result about named resources: what it says of its resource is also told
 * per resource, where its missing context keys go (IAM's shape when
 * ResourceArns is given; decision details are present and empty within an account).
 */
function perResource(result: ReturnType<typeof evaluation>) {
  return {
    ...result,
    MissingContextValues: [],
    EvalDecisionDetails: {},
    ResourceSpecificResults: [
      {
        EvalResourceName: result.EvalResourceName,
        EvalResourceDecision: result.EvalDecision,
        MatchedStatements: result.MatchedStatements,
        MissingContextValues: result.MissingContextValues,
        EvalDecisionDetails: {},
        PermissionsBoundaryDecisionDetail: result.PermissionsBoundaryDecisionDetail,
      },
    ],
  };
}

/** The condition keys the policies' statements use, each once (as first written), in the order they appear. */
function conditionKeys(policies: readonly SourcedPolicy[]): string[] {
  const keys = new Map<string, string>();
  for (const policy of policies) {
    for (const statement of policy.document.statements) {
      for (const byKey of Object.values(statement.condition ?? {})) for (const key of Object.keys(byKey)) if (!keys.has(key.toLowerCase())) keys.set(key.toLowerCase(), key);
    }
  }
  return [...keys.values()];
}

/** Whether one statement, alone, decides the request (an Allow allows, a Deny denies). */
function applies(facts: RequestFacts, policy: SourcedPolicy, statement: Statement, asResource: boolean): boolean {
  const alone: NamedPolicy[] = [{ name: policy.id, document: { ...policy.document, statements: [statement] } }];
  const decision = asResource ? evaluate(facts, [], alone, { rootAllowed: false }) : evaluate(facts, alone, [], { rootAllowed: false });
  return decision.kind !== "implicit-deny";
}

/** The context entries as condition keys (names without regard to case). */
function contextKeys(entries: readonly ContextEntry[]): ContextKeys {
  const values = new Map<string, readonly string[]>();
  for (const entry of entries) if (entry.ContextKeyName) values.set(entry.ContextKeyName.toLowerCase(), entry.ContextKeyValues ?? []);
  return {
    get(key: string) {
      const found = values.get(key.toLowerCase());
      return found && found.length === 1 ? found[0] : found;
    },
  };
}

/** A stored policy: checked when it was saved. */
function sourced(id: string, type: string, text: string, kind: PolicyKind): SourcedPolicy {
  return { id, type, document: parsePolicy(text, kind), spans: statementSpans(text) };
}

/** A policy given to the simulation: IAM refuses one it cannot read as input, in the parser's words. */
function given(id: string, type: string, text: string, kind: PolicyKind): SourcedPolicy {
  try {
    return sourced(id, type, text, kind);
  } catch (error) {
    if (isAwsError(error)) throw new AwsError("InvalidInput", `${id}: ${error.message}`, 400);
    throw error;
  }
}

/**
 * Where each element of a policy's Statement sits in its text: lines from
 * 1, columns from 1, the end just past the closing brace (IAM's answers
 * place a statement opening at `[{` on line 3 at Line 3, Column 19).
 */
export function statementSpans(text: string): Span[] {
  let line = 1;
  let lineStart = 0;
  const position = (at: number): Position => ({ Line: line, Column: at - lineStart + 1 });
  const spans: Span[] = [];
  let depth = 0;
  let key: string | undefined;
  let inStatement = false;
  let statementDepth = 0;
  let open: Position | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") {
      line++;
      lineStart = i + 1;
    } else if (c === '"') {
      const end = stringEnd(text, i);
      if (end < 0) return [];
      // A top-level member name: the one before a colon at depth 1.
      if (depth === 1 && text[nextNonSpace(text, end + 1)] === ":") {
        key = JSON.parse(text.slice(i, end + 1)) as string;
        // JSON.parse keeps the last of repeated members: so do the spans.
        if (key === "Statement") spans.length = 0;
      }
      i = end;
    } else if (c === "{" || c === "[") {
      depth++;
      if (depth === 2 && key === "Statement") {
        inStatement = true;
        statementDepth = c === "[" ? 3 : 2;
      }
      if (inStatement && c === "{" && depth === statementDepth) open = position(i);
    } else if (c === "}" || c === "]") {
      if (inStatement && c === "}" && depth === statementDepth && open) {
        spans.push({ start: open, end: position(i + 1) });
        open = undefined;
      }
      if (depth === 2 && inStatement) inStatement = false;
      depth--;
    }
  }
  return spans;
}

function nextNonSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
  return i;
}

/** The index of the quote closing the string that opens at `start`, or -1. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}
