/** Where the authorizer finds the policies that apply to a request. */
import type { RequestKeys } from "../server/service.js";
import type { Principal } from "../auth/types.js";
import { parsePolicy, type PolicyDocument, type PolicyKind } from "./document.js";
import type { NamedPolicy } from "./evaluate.js";

export interface PolicySource {
  /** Identity-based policies of the caller (inline and attached, its groups', its role's). */
  identityPolicies(principal: Principal): readonly NamedPolicy[];
  /** A role session's session policies (none for other callers). */
  sessionPolicies(principal: Principal): readonly NamedPolicy[];
  /** The caller's tags, its `aws:PrincipalTag/…` keys: a user's, or a role session's role's under its session tags. */
  principalTags(principal: Principal): readonly { Key: string; Value: string }[];
  /**
   * Resource-based policies of the resource (an S3 bucket's policy), given
   * the request's own condition keys (`s3:versionid` names an object's
   * version) and the action asked.
   */
  resourcePolicies(resource: string, keys?: RequestKeys, action?: string): readonly NamedPolicy[];
  /**
   * The account a request for `action` on a resource is judged against (an
   * S3 bucket's or object's owner; the account in other ARNs), if the
   * resource exists and names one.
   */
  resourceAccount(resource: string, action: string, keys?: RequestKeys): string | undefined;
}

/** The account field of an ARN (`arn:aws:iam::123456789012:role/x`), if it has one; read on every request, so without a regex. */
export function arnAccount(arn: string): string | undefined {
  if (!arn.startsWith("arn:")) return undefined;
  let at = 4;
  // Past the partition, the service and the region.
  for (let field = 0; field < 3; field++) {
    at = arn.indexOf(":", at) + 1;
    if (at === 0) return undefined;
  }
  const end = arn.indexOf(":", at);
  if (end - at !== 12) return undefined;
  for (let i = at; i < end; i++) {
    const c = arn.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  return arn.slice(at, end);
}

/** Policies with their Allow statements left out: what a policy may refuse where it cannot grant. */
export function denialsOf(policies: readonly NamedPolicy[]): readonly NamedPolicy[] {
  return policies.map((p) => ({ ...p, document: { ...p.document, statements: p.document.statements.filter((s) => s.effect === "Deny") } }));
}

const parsed = new Map<string, PolicyDocument>();

/**
 * A stored document, parsed once: stored documents were checked when they
 * were written, and requests evaluate the same few over and over.
 */
export function parseStored(text: string, kind: PolicyKind): PolicyDocument {
  const id = `${kind}\n${text}`;
  let document = parsed.get(id);
  if (!document) {
    document = parsePolicy(text, kind);
    if (parsed.size >= 1000) parsed.clear();
    parsed.set(id, document);
  }
  return document;
}
