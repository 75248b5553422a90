/**
 * Step 4 of the pipeline: may this principal do what the operation
 * declares? Every operation lists the IAM actions and resources it needs;
 * here they meet the policy engine.
 *
 * - Lenient mode (the default) allows every signed request in the
 *   caller's own account that no resource policy explicitly denies:
 *   identities are real, identity policies are not enforced. Another
 *   account's resource (an S3 bucket it owns, a DynamoDB table it names by
 *   ARN) needs, as on AWS, a grant from that account: its resource policy
 *   or ACL.
 * - Strict mode evaluates the caller's identity policies for each
 *   requirement (and, for another account's resource, that account's
 *   resource policy as well), and refuses with the service's AccessDenied error in
 *   AWS's current message form.
 * - Unsigned (anonymous) requests, in both modes, pass only where a
 *   resource policy (an S3 bucket policy) grants them.
 */
import type { AuthDialect, AuthMode } from "../auth/types.js";
import type { ContextKeys } from "../policy/conditions.js";
import { evaluate, globalContextKeys, limitBySession, type Decision, type NamedPolicy } from "../policy/evaluate.js";
import { denialsOf, type PolicySource } from "../policy/source.js";
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
  // documents are immutable. A decision reached without looking at any
  // context key (no condition or policy variable had to be resolved) is a
  // function of the principal, action and resource over those two sets,
  // and is remembered; one that looked is worked out every time.
  const remembered = new WeakMap<readonly NamedPolicy[], WeakMap<readonly NamedPolicy[], Map<string, Decision>>>();
  const memoFor = (identity: readonly NamedPolicy[], resourcePolicies: readonly NamedPolicy[]): Map<string, Decision> => {
    let byResourceSet = remembered.get(identity);
    if (!byResourceSet) remembered.set(identity, (byResourceSet = new WeakMap()));
    let memo = byResourceSet.get(resourcePolicies);
    if (!memo || memo.size >= MAX_REMEMBERED) byResourceSet.set(resourcePolicies, (memo = new Map()));
    return memo;
  };

  return {
    authorize(ctx, requirements, dialect) {
      if (requirements.length === 0) return;
      const anonymous = ctx.principal.type === "anonymous";
      const lenient = mode === "lenient";
      // Lenient mode does not enforce identity policies: its signed callers are refused only another account's
      // resources, and what a resource policy denies.
      let identity: readonly NamedPolicy[] | undefined;
      let session: readonly NamedPolicy[] | undefined;
      // Context keys are built on the first look, and the look is noted; most requests never need them.
      let built: ContextKeys | undefined;
      let consulted = false;
      let requested: AuthorizationRequirement["keys"];
      let keys: ContextKeys | undefined;
      const contextKeys = (): ContextKeys => ({
        get(key) {
          consulted = true;
          const own = requested?.get(key);
          if (own !== undefined) return own;
          built ??= globalContextKeys(ctx.principal, {
            now: ctx.now(),
            sourceIp: ctx.sourceIp,
            secure: secureTransport(ctx.sourceIp),
            region: ctx.region,
            referer: singleHeader(ctx.headers.referer),
            userAgent: singleHeader(ctx.headers["user-agent"]),
            principalTags: anonymous ? undefined : policies.principalTags(ctx.principal),
          });
          return built.get(key);
        },
      });
      /**
       * Throws the refusal, if any; answers TRUSTED where nothing could refuse
       * it (lenient, own account, no resource policy). With `deferred`, a
       * refusal for want of a grant is answered rather than thrown, for the
       * caller to weigh against a missing resource's fallback.
       */
      const check = (required: AuthorizationRequirement, deferred: boolean): typeof TRUSTED | AwsError | undefined => {
        const owner = anonymous ? undefined : policies.resourceAccount(required.resource, required.action, required.keys);
        const foreign = owner !== undefined && owner !== ctx.principal.accountId;
        // A call judged as on the caller's own resource leaves out the policies of the account that holds it
        // (CreateBucket of a taken name: the operation answers), or keeps only their denials (an upload's initiator).
        const unowned = foreign && (required.ownAccount === true || required.actsAsOwner === true);
        const crossAccount = foreign && !unowned;
        // Lenient mode trusts the caller's own account, up to a resource policy's explicit deny.
        const trusted = lenient && !anonymous && !crossAccount;
        const ungrantable = (unowned && required.ownAccount === true) || (crossAccount && required.sameAccountOnly === true);
        let resourcePolicies = ungrantable ? NO_POLICIES : policies.resourcePolicies(required.resource, required.keys, required.action);
        if (unowned && required.actsAsOwner === true) resourcePolicies = denialsOf(resourcePolicies);
        if (trusted && resourcePolicies.length === 0) return TRUSTED;
        const { action, resource, keys: requestKeys } = required;
        requested = requestKeys;
        identity ??= anonymous || lenient ? NO_POLICIES : policies.identityPolicies(ctx.principal);
        // Anonymous callers share one (empty) identity set: their decisions are not remembered.
        const memo = anonymous ? undefined : memoFor(identity, resourcePolicies);
        const memoKey = `${ctx.principal.arn}\n${action}\n${resource}\n${crossAccount}`;
        let decision = memo?.get(memoKey);
        if (!decision) {
          consulted = false;
          keys ??= contextKeys();
          decision = evaluate({ principal: ctx.principal, action, resource, keys }, identity, resourcePolicies, { crossAccount, identityTrusted: lenient });
          if (!consulted) memo?.set(memoKey, decision);
        }
        // A role session given session policies may do only what they allow as well (strict mode).
        if (!lenient && !anonymous) {
          session ??= policies.sessionPolicies(ctx.principal);
          if (session.length > 0) decision = limitBySession(decision, { principal: ctx.principal, action, resource, keys: (keys ??= contextKeys()) }, session, resourcePolicies, crossAccount);
        }
        if (decision.kind === "allow" || (trusted && decision.kind !== "explicit-deny")) return undefined;
        // An account's root keeps the right to read and replace the policy that denies it.
        if (ctx.principal.type === "root" && !crossAccount && ROOT_KEEPS.has(action)) return undefined;
        logDenials?.(`denied ${anonymous ? "anonymous" : ctx.principal.arn} ${action} on ${resource}: ${explain(decision)}`);
        // Another account is told less: S3 says no more than Access Denied, STS gives no reason.
        const refusal =
          anonymous || (crossAccount && dialect === "s3")
            ? accessDenied(dialect, "Access Denied")
            : accessDenied(dialect, deniedMessage(ctx.principal.arn, action, resource, crossAccount && dialect === "query" ? undefined : decision));
        if (deferred && decision.kind === "implicit-deny") return refusal;
        throw refusal;
      };
      for (const declared of requirements) {
        const outcome = check(declared, declared.ifMissing !== undefined);
        if (outcome === TRUSTED) continue;
        // A missing resource is answered as such (S3's 404) only to who may also do what its fallback names
        // (s3:ListBucket), which alone suffices where nothing denies the declared action.
        if (declared.ifMissing?.missing()) check(declared.ifMissing.requirement, false);
        else if (outcome) throw outcome;
      }
    },
  };
}

const NO_POLICIES: readonly NamedPolicy[] = [];
const TRUSTED = Symbol("trusted");

/**
 * `aws:SecureTransport`. Nimbus listens on plain HTTP only; a request from
 * this machine's loopback never crosses a network, so it counts as secure,
 * and the common policy that denies requests without TLS (CDK's
 * `enforceSSL`) does not shut out a local client that on AWS would have
 * used HTTPS. A request from another machine does not.
 */
export function secureTransport(sourceIp: string | undefined): boolean {
  return sourceIp === "127.0.0.1" || sourceIp === "::1" || sourceIp?.startsWith("127.") === true;
}

/**
 * What an account's root may do on its own resources whatever their
 * policies deny: S3's bucket policy calls, as S3 documents, and DynamoDB's
 * resource policy calls, so a policy cannot shut a table to its account
 * for good.
 */
const ROOT_KEEPS: ReadonlySet<string> = new Set([
  "s3:GetBucketPolicy",
  "s3:PutBucketPolicy",
  "s3:DeleteBucketPolicy",
  "dynamodb:GetResourcePolicy",
  "dynamodb:PutResourcePolicy",
  "dynamodb:DeleteResourcePolicy",
]);

function singleHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function deniedMessage(arn: string, action: string, resource: string, decision: Decision | undefined): string {
  const refused = `User: ${arn} is not authorized to perform: ${action} on resource: ${resource}`;
  if (!decision) return refused;
  const why =
    decision.kind === "explicit-deny"
      ? `with an explicit deny in ${decision.source === "resource" ? "a resource-based" : decision.source === "session" ? "a session" : "an identity-based"} policy`
      : `because no ${decision.missing === "resource" ? "resource-based" : decision.missing === "session" ? "session" : "identity-based"} policy allows the ${action} action`;
  return `${refused} ${why}`;
}

function explain(decision: Decision): string {
  if (decision.kind === "implicit-deny") {
    if (decision.missing === "resource") return "another account's resource, and no resource-based policy allows it";
    if (decision.missing === "session") return "no session policy allows it";
    return decision.missing === "identity" ? "another account's resource, and no identity-based policy of the caller's allows it" : "no statement allows it";
  }
  return `explicit deny by ${decision.policy}${decision.sid ? ` (statement ${decision.sid})` : ""}`;
}

/** Each protocol family's AccessDenied. */
function accessDenied(dialect: AuthDialect, message: string): AwsError {
  return dialect === "json" ? new AwsError("AccessDeniedException", message, 400) : new AwsError("AccessDenied", message, 403);
}
