/**
 * IAM policy documents: parsed once into a normal form (every list a list)
 * and checked the way IAM checks them, with IAM's MalformedPolicyDocument
 * messages. Identity policies have their own reader (identity-policy.ts).
 */
import { AwsError } from "../server/errors.js";
import { isConditionOperator, isScalar, readIdentityPolicy, setOwn, type IdentityPolicyOptions } from "./identity-policy.js";

export type Effect = "Allow" | "Deny";

/** `{ "AWS": [...] }`, `{ "Service": ... }`, or `*` (everyone, anonymous included). */
export type PrincipalSpec = "*" | Record<string, string[]>;

/** Condition block: operator → context key → values. */
export type ConditionBlock = Record<string, Record<string, string[]>>;

export interface Statement {
  sid?: string;
  effect: Effect;
  action?: string[];
  notAction?: string[];
  resource?: string[];
  notResource?: string[];
  principal?: PrincipalSpec;
  notPrincipal?: PrincipalSpec;
  condition?: ConditionBlock;
}

export interface PolicyDocument {
  version: "2008-10-17" | "2012-10-17";
  statements: Statement[];
}

export type PolicyKind = "identity" | "resource" | "trust";

export const MAX_MANAGED_POLICY_BYTES = 6144;

/** A policy's size as IAM counts it against its quotas: characters, white space not counted. */
export function policySize(text: string): number {
  let size = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) size++;
  }
  return size;
}

function malformed(message: string): AwsError {
  return new AwsError("MalformedPolicyDocument", message, 400);
}

/**
 * Parses and checks a policy document; throws MalformedPolicyDocument as IAM
 * does. The options apply to identity policies.
 */
export function parsePolicy(text: string, kind: PolicyKind, options: IdentityPolicyOptions = {}): PolicyDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw malformed("Syntax errors in policy.");
  }
  if (kind === "identity") return readIdentityPolicy(raw, options);
  if (!isObject(raw)) throw malformed("Syntax errors in policy.");
  const version = raw.Version ?? "2008-10-17";
  if (version !== "2008-10-17" && version !== "2012-10-17") throw malformed("The policy failed legacy parsing");
  if (raw.Statement === undefined) throw malformed(kind === "resource" ? "Missing required field Statement" : "Syntax errors in policy.");
  const list = Array.isArray(raw.Statement) ? raw.Statement : [raw.Statement];
  if (list.length === 0) throw malformed("Syntax errors in policy.");
  const statements = list.map((s) => parseStatement(s, kind));
  return { version, statements };
}

/** A statement of a resource or trust policy. */
function parseStatement(raw: unknown, kind: Exclude<PolicyKind, "identity">): Statement {
  if (!isObject(raw)) throw malformed("Syntax errors in policy.");
  const known = new Set(["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition"]);
  for (const field of Object.keys(raw)) if (!known.has(field)) throw malformed(`Syntax errors in policy.`);
  if (raw.Effect === undefined) throw malformed("Missing required field Effect");
  if (raw.Effect !== "Allow" && raw.Effect !== "Deny") throw malformed(`Invalid effect: ${String(raw.Effect)}`);
  const statement: Statement = { effect: raw.Effect };
  if (raw.Sid !== undefined) {
    if (typeof raw.Sid !== "string") throw malformed("Syntax errors in policy.");
    statement.sid = raw.Sid;
  }
  statement.action = stringList(raw.Action);
  statement.notAction = stringList(raw.NotAction);
  if (!statement.action && !statement.notAction) throw malformed("Policy statement must contain actions.");
  if (statement.action && statement.notAction) throw malformed("Syntax errors in policy.");
  for (const action of [...(statement.action ?? []), ...(statement.notAction ?? [])]) {
    if (action === "*") continue;
    if (/^[a-zA-Z0-9-]+:[^:]*:/.test(action)) throw malformed("Actions/Condition can contain only one colon.");
    if (!/^[a-zA-Z0-9-]+:[^:]*$/.test(action)) throw malformed("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
  }
  // A trust policy names who may assume the role, never what it acts on.
  if (kind === "trust" && raw.Resource !== undefined) throw malformed("Has prohibited field Resource");
  if (kind === "trust" && raw.NotResource !== undefined) throw malformed("Has prohibited field NotResource");
  statement.resource = stringList(raw.Resource);
  statement.notResource = stringList(raw.NotResource);
  if (kind !== "trust" && !statement.resource && !statement.notResource) throw malformed("Policy statement must contain resources.");
  if (statement.resource && statement.notResource) throw malformed("Syntax errors in policy.");
  for (const resource of [...(statement.resource ?? []), ...(statement.notResource ?? [])]) {
    if (resource !== "*" && !resource.startsWith("arn:")) throw malformed(`Resource ${resource} must be in ARN format or "*".`);
  }
  if (raw.Principal !== undefined) statement.principal = principalSpec(raw.Principal);
  if (raw.NotPrincipal !== undefined) statement.notPrincipal = principalSpec(raw.NotPrincipal);
  if (!statement.principal && !statement.notPrincipal) throw malformed("Missing required field Principal");
  if (raw.Condition !== undefined) statement.condition = conditionBlock(raw.Condition, kind);
  return statement;
}

function stringList(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((v) => typeof v === "string")) throw malformed("Syntax errors in policy.");
  return list as string[];
}

function principalSpec(value: unknown): PrincipalSpec {
  if (value === "*") return "*";
  if (!isObject(value)) throw malformed("Invalid principal in policy");
  const spec: Record<string, string[]> = {};
  for (const [type, ids] of Object.entries(value)) {
    if (!["AWS", "Service", "Federated", "CanonicalUser"].includes(type)) throw malformed("Invalid principal in policy");
    spec[type] = stringList(ids) ?? [];
  }
  return spec;
}

/**
 * A statement's conditions: operators of the grammar, each over keys whose
 * values are text, numbers or booleans (one, or a list). An unknown operator
 * is refused as the policy's service refuses it: IAM (a trust policy) as a
 * syntax error, S3 and the other resource policies by name.
 */
function conditionBlock(value: unknown, kind: Exclude<PolicyKind, "identity">): ConditionBlock {
  if (!isObject(value)) throw malformed("Syntax errors in policy.");
  const block: ConditionBlock = {};
  for (const [operator, keys] of Object.entries(value)) {
    if (!isObject(keys)) throw malformed("Syntax errors in policy.");
    if (!isConditionOperator(operator)) throw malformed(kind === "trust" ? "Syntax errors in policy." : `Invalid Condition type : ${operator}`);
    const entries: Record<string, string[]> = {};
    for (const [key, values] of Object.entries(keys)) {
      const list = Array.isArray(values) ? values : [values];
      if (!list.every(isScalar)) throw malformed("Syntax errors in policy.");
      setOwn(entries, key, list.map((v) => String(v)));
    }
    setOwn(block, operator, entries);
  }
  return block;
}


function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
