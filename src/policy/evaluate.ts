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
  /**
   * An Allow naming an account as principal delegates to that account's
   * identity policies rather than granting by itself (a role's trust
   * policy: a user of the account needs an identity policy allowing
   * sts:AssumeRole unless the trust policy names the user's own ARN).
   */
  accountDelegates?: boolean;
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
  source?: "identity" | "resource" | "root" | "session";
  /** The policy and statement that decided. */
  policy?: string;
  sid?: string;
  /** For an implicit deny of another account's resource, or by a session policy: whose allow is missing. */
  missing?: "resource" | "identity" | "session";
}

export interface EvaluateOptions {
  /** The account root is allowed without an identity policy (true, except for trust policies, which must name the caller). */
  rootAllowed?: boolean;
  /**
   * The resource belongs to another account than the caller's: both
   * accounts must allow the request, the resource's by its resource policy
   * naming the caller (or the caller's account), the caller's by an
   * identity policy (or the caller being its root).
   */
  crossAccount?: boolean;
  /** The caller's own account is taken to allow it (lenient mode, which does not enforce identity policies). */
  identityTrusted?: boolean;
}

export function evaluate(
  facts: RequestFacts,
  identity: readonly NamedPolicy[],
  resource: readonly NamedPolicy[] = [],
  { rootAllowed = true, crossAccount = false, identityTrusted = false }: EvaluateOptions = {},
): Decision {
  const action = facts.action.toLowerCase();
  const fromIdentity = scan(identity, "identity", facts, action, false);
  if (fromIdentity?.kind === "explicit-deny") return fromIdentity;
  const fromResource = resource.length > 0 ? scan(resource, "resource", facts, action, crossAccount) : undefined;
  if (fromResource?.kind === "explicit-deny") return fromResource;
  if (crossAccount) {
    if (!fromResource) return { kind: "implicit-deny", missing: "resource" };
    const ownAccountAllows = fromIdentity !== undefined || identityTrusted || (rootAllowed && facts.principal.type === "root");
    return ownAccountAllows ? fromResource : { kind: "implicit-deny", missing: "identity" };
  }
  const allow = fromIdentity ?? fromResource;
  if (allow) return allow;
  if (rootAllowed && facts.principal.type === "root") return { kind: "allow", source: "root" };
  return { kind: "implicit-deny" };
}

/**
 * A role session's decision under its session policies: an allow stands
 * only where they allow it too, or where a resource policy of the same
 * account grants it to the session itself (naming the session's ARN: a
 * grant the session policies do not limit); a deny in them denies.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session
 */
export function limitBySession(decision: Decision, facts: RequestFacts, session: readonly NamedPolicy[], resource: readonly NamedPolicy[], crossAccount: boolean): Decision {
  if (decision.kind === "explicit-deny") return decision;
  const action = facts.action.toLowerCase();
  const bySession = scan(session, "identity", facts, action, false);
  if (bySession?.kind === "explicit-deny") return { ...bySession, source: "session" };
  if (decision.kind !== "allow" || bySession) return decision;
  const toSession = crossAccount ? undefined : scan(resource, "resource", facts, action, false, (c) => namesExactly(c.principal, facts.principal.arn));
  return toSession ?? { kind: "implicit-deny", missing: "session" };
}

/** Whether a principal element names this ARN itself (not its account, role or a wildcard). */
function namesExactly(spec: PrincipalSpec | undefined, arn: string): boolean {
  return spec !== undefined && spec !== "*" && Object.values(spec).some((values) => values.includes(arn));
}

/**
 * The first explicit deny among the policies, else the first allow, else
 * undefined. A trust policy naming an account delegates to that account's
 * identity policies (`accountDelegates`) only within the account: from
 * another account, naming the account is its half of the grant.
 */
function scan(
  policies: readonly NamedPolicy[],
  source: "identity" | "resource",
  facts: RequestFacts,
  action: string,
  crossAccount: boolean,
  only?: (statement: CompiledStatement) => boolean,
): Decision | undefined {
  let allow: Decision | undefined;
  const service = action.slice(0, action.indexOf(":") + 1);
  for (const policy of policies) {
    const statements = statementsFor(policy.document, service);
    for (let i = 0; i < statements.length; i++) {
      const statement = statements[i]!;
      if (only && !only(statement)) continue;
      if (!applies(statement, facts, action, source === "resource", !crossAccount && policy.accountDelegates === true && statement.effect === "Allow")) continue;
      if (statement.effect === "Deny") return { kind: "explicit-deny", source, policy: policy.name, sid: statement.sid };
      allow ??= { kind: "allow", source, policy: policy.name, sid: statement.sid };
    }
  }
  return allow;
}

/**
 * A statement with its patterns compiled, every field present (undefined
 * when the statement lacks it): evaluation runs per request over many
 * statements, and objects of one shape keep V8's property reads fast.
 */
interface CompiledStatement {
  effect: Statement["effect"];
  sid: string | undefined;
  actions: Matcher[] | undefined;
  notActions: Matcher[] | undefined;
  resources: Matcher[] | undefined;
  notResources: Matcher[] | undefined;
  principal: PrincipalSpec | undefined;
  notPrincipal: PrincipalSpec | undefined;
  condition: Statement["condition"];
}

type Matcher = (value: string, facts: RequestFacts) => boolean;

function compile(statement: Statement): CompiledStatement {
  return {
    effect: statement.effect,
    sid: statement.sid,
    actions: statement.action?.map((a) => matcher(a, true)),
    notActions: statement.notAction?.map((a) => matcher(a, true)),
    resources: statement.resource?.map((r) => matcher(r, false)),
    notResources: statement.notResource?.map((r) => matcher(r, false)),
    principal: statement.principal,
    notPrincipal: statement.notPrincipal,
    condition: statement.condition,
  };
}

const byService = new WeakMap<PolicyDocument, Map<string, CompiledStatement[]>>();

/**
 * The statements of a document that can apply to an action of `service`
 * (`s3:`), compiled, in document order: an action's service part has no
 * wildcards (IAM refuses them), so a statement listing only other
 * services' actions is skipped without a look. Worked out once per
 * document and service (documents are immutable once parsed).
 */
function statementsFor(document: PolicyDocument, service: string): readonly CompiledStatement[] {
  let index = byService.get(document);
  if (!index) {
    index = new Map();
    byService.set(document, index);
  }
  let statements = index.get(service);
  if (!statements) {
    statements = document.statements
      .filter((st) => !st.action || st.action.some((a) => a === "*" || a.toLowerCase().startsWith(service)))
      .map(compile);
    index.set(service, statements);
  }
  return statements;
}

function anyMatch(matchers: Matcher[], value: string, facts: RequestFacts): boolean {
  for (let i = 0; i < matchers.length; i++) if (matchers[i]!(value, facts)) return true;
  return false;
}

/** Actions match without regard to case (the value comes lower-cased); resources exactly. */
function matcher(pattern: string, ignoreCase: boolean): Matcher {
  if (pattern === "*") return () => true;
  const text = ignoreCase ? pattern.toLowerCase() : pattern;
  if (!text.includes("${")) return literalMatcher(text);
  // Policy variables: resolved per request from its context keys. The
  // literal text before the first variable or wildcard must start the value,
  // which rules out most statements without resolving anything.
  const startsWithPrefix = prefixTest(text.slice(0, firstSpecial(text)));
  return (value, facts) => {
    if (!startsWithPrefix(value)) return false;
    const resolved = substituteVariables(text, (key) => {
      const v = facts.keys.get(key.toLowerCase());
      return typeof v === "string" ? v : v?.[0];
    });
    return resolved !== undefined && wildcardMatch(resolved, value, ignoreCase);
  };
}

/** Exact text, a prefix (`s3:Get*`), or a general wildcard pattern. */
function literalMatcher(text: string): (value: string) => boolean {
  const special = firstSpecial(text);
  if (special === text.length) return (value) => value === text;
  const startsWithPrefix = prefixTest(text.slice(0, special));
  if (special === text.length - 1 && text[special] === "*") return startsWithPrefix;
  return (value) => startsWithPrefix(value) && wildcardMatch(text, value, false);
}

/**
 * `value.startsWith(prefix)`, with a cheap first look: ARNs share their
 * first dozen characters, so the prefix's last character rules out most
 * values before a full comparison.
 */
function prefixTest(prefix: string): (value: string) => boolean {
  if (prefix.length === 0) return () => true;
  const last = prefix.length - 1;
  const lastCode = prefix.charCodeAt(last);
  return (value) => value.charCodeAt(last) === lastCode && value.startsWith(prefix);
}

/** Index of the first wildcard or policy variable (the text's length when there is none). */
function firstSpecial(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "*" || c === "?" || (c === "$" && text[i + 1] === "{")) return i;
  }
  return text.length;
}

function applies(c: CompiledStatement, facts: RequestFacts, action: string, resourcePolicy: boolean, accountDelegates: boolean): boolean {
  if (c.actions && !anyMatch(c.actions, action, facts)) return false;
  if (c.notActions && anyMatch(c.notActions, action, facts)) return false;
  if (c.resources && !anyMatch(c.resources, facts.resource, facts)) return false;
  if (c.notResources && anyMatch(c.notResources, facts.resource, facts)) return false;
  if (resourcePolicy) {
    if (c.principal && !principalMatches(c.principal, facts.principal, accountDelegates)) return false;
    // NotPrincipal spares a role session only where it names the session itself (IAM asks for both ARNs).
    if (c.notPrincipal && principalMatches(c.notPrincipal, facts.principal, false, false)) return false;
  }
  return c.condition === undefined || conditionsHold(c.condition, facts.keys);
}

/**
 * Does a Principal element name this caller? `*` names everyone, anonymous
 * callers too. An account id or its root ARN names every identity of that
 * account, or, when `accountDelegates`, only the account's root.
 */
export function principalMatches(spec: PrincipalSpec, principal: Principal, accountDelegates = false, roleReachesSessions = true): boolean {
  if (spec === "*") return true;
  if (principal.federated !== undefined && (spec.Federated ?? []).includes(principal.federated)) return true;
  for (const id of spec.AWS ?? []) {
    if (id === "*") return true;
    if (principal.type === "anonymous") continue;
    if (id === principal.accountId || id === `arn:aws:iam::${principal.accountId}:root`) {
      if (!accountDelegates || principal.type === "root") return true;
      continue;
    }
    if (wildcardMatch(id, principal.arn, false)) return true;
    // A policy naming a role reaches every session of it.
    if (roleReachesSessions && principal.type === "assumed-role" && wildcardMatch(id, roleArnOf(principal), false)) return true;
  }
  return false;
}

/** A role session's role ARN: kept with the session, or (a session made before it was kept) read off the session's ARN, path `/`. */
export function roleArnOf(principal: Principal): string {
  if (principal.roleArn !== undefined) return principal.roleArn;
  const match = /^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\//.exec(principal.arn);
  return match ? `arn:aws:iam::${match[1]}:role/${match[2]}` : principal.arn;
}

/** The condition keys every request has, from the caller and the request. */
export function globalContextKeys(
  principal: Principal,
  request: { now: Date; sourceIp?: string; secure: boolean; region: string; referer?: string; userAgent?: string; principalTags?: readonly { Key: string; Value: string }[] },
): Map<string, string | string[]> {
  const keys = new Map<string, string | string[]>();
  keys.set("aws:currenttime", request.now.toISOString().replace(/\.\d{3}Z$/, "Z"));
  keys.set("aws:epochtime", String(Math.floor(request.now.getTime() / 1000)));
  keys.set("aws:securetransport", String(request.secure));
  keys.set("aws:requestedregion", request.region);
  if (request.sourceIp) keys.set("aws:sourceip", request.sourceIp);
  if (request.referer !== undefined) keys.set("aws:referer", request.referer);
  if (request.userAgent !== undefined) keys.set("aws:useragent", request.userAgent);
  if (principal.type === "anonymous") return keys;
  // Present in every signed request; no request reaches Nimbus from or through an AWS service.
  keys.set("aws:principalisawsservice", "false");
  keys.set("aws:viaawsservice", "false");
  keys.set("aws:principalarn", principal.type === "assumed-role" ? roleArnOf(principal) : principal.arn);
  keys.set("aws:principalaccount", principal.accountId);
  keys.set("aws:userid", principal.userId);
  keys.set("aws:principaltype", principal.type === "root" ? "Account" : principal.type === "user" ? "User" : "AssumedRole");
  if (principal.type === "user") keys.set("aws:username", principal.arn.slice(principal.arn.lastIndexOf("/") + 1));
  for (const { Key, Value } of request.principalTags ?? []) keys.set(`aws:principaltag/${Key.toLowerCase()}`, Value);
  return keys;
}
