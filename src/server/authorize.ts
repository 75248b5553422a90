/**
 * Step 4 of the pipeline: may this principal do what the operation
 * declares? Every operation lists the IAM actions and resources it needs;
 * here they meet the policy engine.
 *
 * - Lenient mode (the default) allows every signed request: identities are
 *   real, policies are not enforced.
 * - Strict mode evaluates the caller's identity policies for each
 *   requirement, and refuses with the service's AccessDenied error in
 *   AWS's current message form.
 * - Unsigned (anonymous) requests, in both modes, pass only where a
 *   resource policy (an S3 bucket policy) grants them.
 */
import type { AuthDialect, AuthMode } from "../auth/types.js";
import { lazyContextKeys } from "../policy/conditions.js";
import { evaluate, globalContextKeys, isContextFree, type Decision, type NamedPolicy } from "../policy/evaluate.js";
import type { PolicySource } from "../policy/source.js";
import type { RequestContext } from "./context.js";
import { AwsError } from "./errors.js";
import type { AuthorizationRequirement } from "./service.js";

export interface Authorizer {
  /** Throws the service's AccessDenied error when a requirement is not met. */
  authorize(ctx: RequestContext, requirements: readonly AuthorizationRequirement[], dialect: AuthDialect): void;
}

export interface AuthorizerOptions {
  mode: AuthMode;
  policies: PolicySource;
  /** Log every denial with the statement that decided it (`--log-auth`). */
  logDenials?: (line: string) => void;
}

/** How many decisions are remembered per pair of policy sets before they are forgotten together. */
const MAX_REMEMBERED = 1024;

export function createAuthorizer({ mode, policies, logDenials }: AuthorizerOptions): Authorizer {
  // The policy sources hand out the same arrays while nothing changes, and
  // documents are immutable: a decision over context-free policies is a
  // function of (identity set, resource set, action, resource) alone.
  const identitySets = new WeakMap<readonly NamedPolicy[], { free: boolean; byResourceSet: WeakMap<readonly NamedPolicy[], Map<string, Decision>> }>();
  const freeResourceSets = new WeakMap<readonly NamedPolicy[], boolean>();
  const memoFor = (identity: readonly NamedPolicy[], resourcePolicies: readonly NamedPolicy[]): Map<string, Decision> | undefined => {
    let set = identitySets.get(identity);
    if (!set) identitySets.set(identity, (set = { free: identity.every((p) => isContextFree(p.document)), byResourceSet: new WeakMap() }));
    if (!set.free) return undefined;
    let free = freeResourceSets.get(resourcePolicies);
    if (free === undefined) freeResourceSets.set(resourcePolicies, (free = resourcePolicies.every((p) => isContextFree(p.document))));
    if (!free) return undefined;
    let memo = set.byResourceSet.get(resourcePolicies);
    if (!memo || memo.size >= MAX_REMEMBERED) set.byResourceSet.set(resourcePolicies, (memo = new Map()));
    return memo;
  };

  return {
    authorize(ctx, requirements, dialect) {
      if (requirements.length === 0) return;
      const anonymous = ctx.principal.type === "anonymous";
      // Lenient mode trusts every signed caller; unsigned ones need a grant.
      if (mode === "lenient" && !anonymous) return;
      const identity = anonymous ? NO_POLICIES : policies.identityPolicies(ctx.principal);
      const keys = lazyContextKeys(() => globalContextKeys(ctx.principal, { now: ctx.now(), sourceIp: ctx.sourceIp, secure: false, region: ctx.region }));
      for (const { action, resource } of requirements) {
        const resourcePolicies = policies.resourcePolicies(resource);
        // Anonymous callers share one identity set: their decisions are not remembered.
        const memo = anonymous ? undefined : memoFor(identity, resourcePolicies);
        const memoKey = `${ctx.principal.arn}\n${action}\n${resource}`;
        let decision = memo?.get(memoKey);
        if (!decision) {
          decision = evaluate({ principal: ctx.principal, action, resource, keys }, identity, resourcePolicies);
          memo?.set(memoKey, decision);
        }
        if (decision.kind === "allow") continue;
        logDenials?.(`denied ${anonymous ? "anonymous" : ctx.principal.arn} ${action} on ${resource}: ${explain(decision)}`);
        throw accessDenied(dialect, anonymous ? "Access Denied" : deniedMessage(ctx.principal.arn, action, resource, decision));
      }
    },
  };
}

const NO_POLICIES: readonly NamedPolicy[] = [];

function deniedMessage(arn: string, action: string, resource: string, decision: Decision): string {
  const why =
    decision.kind === "explicit-deny"
      ? `with an explicit deny in ${decision.source === "resource" ? "a resource-based" : "an identity-based"} policy`
      : `because no identity-based policy allows the ${action} action`;
  return `User: ${arn} is not authorized to perform: ${action} on resource: ${resource} ${why}`;
}

function explain(decision: Decision): string {
  if (decision.kind === "implicit-deny") return "no statement allows it";
  return `explicit deny by ${decision.policy}${decision.sid ? ` (statement ${decision.sid})` : ""}`;
}

/** Each protocol family's AccessDenied. */
function accessDenied(dialect: AuthDialect, message: string): AwsError {
  return dialect === "json" ? new AwsError("AccessDeniedException", message, 400) : new AwsError("AccessDenied", message, 403);
}
