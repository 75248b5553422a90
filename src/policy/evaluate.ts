/**
 * Policy evaluation as AWS documents it for one account: an explicit Deny
 * in any applicable policy wins; otherwise an Allow from an identity-based
 * or a resource-based policy allows; otherwise the request is implicitly
 * denied. The root of an account needs no identity policy.
 */
import type { Principal } from "../auth/types.js";
import { conditionsHold, type ContextKeys } from "./conditions.js";
import type { PolicyDocument, PrincipalSpec, Statement } from "./document.js";
import { substituteVariables, wildcardMatch } from "./match.js";

export interface NamedPolicy {
  /** Where the policy came from, for explanations: a policy ARN, or `user/alice inline MyPolicy`. */
  name: string;
  document: PolicyDocument;
}

export interface RequestFacts {
  principal: Principal;
  /** e.g. `s3:GetObject`. */
  action: string;
  /** e.g. `arn:aws:s3:::bucket/key`. */
  resource: string;
  keys: ContextKeys;
}

export type DecisionKind = "allow" | "explicit-deny" | "implicit-deny";

export interface Decision {
  kind: DecisionKind;
  /** Which kind of policy decided (absent for an implicit deny). */
  source?: "identity" | "resource" | "root";
  /** The policy and statement that decided. */
  policy?: string;
  sid?: string;
}

export interface EvaluateOptions {
  /** The account root is allowed without an identity policy (true, except for trust policies, which must name the caller). */
  rootAllowed?: boolean;
}

export function evaluate(
  facts: RequestFacts,
  identity: readonly NamedPolicy[],
  resource: readonly NamedPolicy[] = [],
  { rootAllowed = true }: EvaluateOptions = {},
): Decision {
  let allow: Decision | undefined;
  for (const [source, policies] of [["identity", identity], ["resource", resource]] as const) {
    for (const policy of policies) {
      for (const statement of policy.document.statements) {
        if (!applies(statement, facts, source === "resource")) continue;
        const decided = { source, policy: policy.name, sid: statement.sid };
        if (statement.effect === "Deny") return { kind: "explicit-deny", ...decided };
        allow ??= { kind: "allow", ...decided };
      }
    }
  }
  if (allow) return allow;
  if (rootAllowed && facts.principal.type === "root") return { kind: "allow", source: "root" };
  return { kind: "implicit-deny" };
}

function applies(statement: Statement, facts: RequestFacts, resourcePolicy: boolean): boolean {
  if (statement.action && !statement.action.some((a) => wildcardMatch(a, facts.action, true))) return false;
  if (statement.notAction && statement.notAction.some((a) => wildcardMatch(a, facts.action, true))) return false;
  const variable = (key: string) => {
    const value = facts.keys.get(key.toLowerCase());
    return typeof value === "string" ? value : value?.[0];
  };
  const resourceMatches = (pattern: string) => {
    const resolved = substituteVariables(pattern, variable);
    return resolved !== undefined && wildcardMatch(resolved, facts.resource, false);
  };
  if (statement.resource && !statement.resource.some(resourceMatches)) return false;
  if (statement.notResource && statement.notResource.some(resourceMatches)) return false;
  if (resourcePolicy) {
    if (statement.principal && !principalMatches(statement.principal, facts.principal)) return false;
    if (statement.notPrincipal && principalMatches(statement.notPrincipal, facts.principal)) return false;
  }
  return conditionsHold(statement.condition, facts.keys);
}

/** Does a Principal element name this caller? `*` names everyone, anonymous callers too. */
export function principalMatches(spec: PrincipalSpec, principal: Principal): boolean {
  if (spec === "*") return true;
  for (const id of spec.AWS ?? []) {
    if (id === "*") return true;
    if (principal.type === "anonymous") continue;
    // An account id or its root ARN names every identity of that account.
    if (id === principal.accountId || id === `arn:aws:iam::${principal.accountId}:root`) return true;
    if (wildcardMatch(id, principal.arn, false)) return true;
  }
  return false;
}

/** The condition keys every request has, from the caller and the request. */
export function globalContextKeys(principal: Principal, request: { now: Date; sourceIp?: string; secure: boolean; region: string }): Map<string, string | string[]> {
  const keys = new Map<string, string | string[]>();
  keys.set("aws:currenttime", request.now.toISOString().replace(/\.\d{3}Z$/, "Z"));
  keys.set("aws:epochtime", String(Math.floor(request.now.getTime() / 1000)));
  keys.set("aws:securetransport", String(request.secure));
  keys.set("aws:requestedregion", request.region);
  if (request.sourceIp) keys.set("aws:sourceip", request.sourceIp);
  if (principal.type === "anonymous") return keys;
  keys.set("aws:principalarn", principal.arn);
  keys.set("aws:principalaccount", principal.accountId);
  keys.set("aws:userid", principal.userId);
  keys.set("aws:principaltype", principal.type === "root" ? "Account" : principal.type === "user" ? "User" : "AssumedRole");
  if (principal.type === "user") keys.set("aws:username", principal.arn.slice(principal.arn.lastIndexOf("/") + 1));
  return keys;
}
