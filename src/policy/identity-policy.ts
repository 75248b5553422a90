/**
 * IAM's checks of an identity-based policy (CreatePolicy, CreatePolicyVersion,
 * Put{User,Group,Role}Policy), made in IAM's order, each fault answered with
 * IAM's MalformedPolicyDocument message:
 *
 * 1. the grammar: shapes, element names, Version, Effect in any case, known
 *    condition operators ("Syntax errors in policy.");
 * 2. a managed policy's language version;
 * 3. legacy parsing, which IAM still runs and which refuses an Effect not
 *    spelled exactly, an unreadable Date condition value, or a resource ARN
 *    its older parser could not read ("The policy failed legacy parsing");
 * 4. unique statement ids, then actions in every statement, then resources;
 * 5. the first fault in a resource's ARN (format, partition, region, IAM path);
 * 6. the vendor of every action.
 *
 * Order and messages are AWS's answers as LocalStack's AWS-validated snapshots
 * record them (tests/aws/services/iam/test_iam_policies.py).
 */
import { AwsError } from "../server/errors.js";
import type { ConditionBlock, PolicyDocument, Statement } from "./document.js";

export interface IdentityPolicyOptions {
  /** Managed policies must be written in the 2012-10-17 language; inline ones may still use 2008-10-17. */
  managed?: boolean;
}

type Scalar = string | number | boolean;

/** A document that the grammar allows (step 1); its Effect's case is checked by legacy parsing. */
interface PolicyJson {
  Version?: "2008-10-17" | "2012-10-17";
  Id?: string;
  Statement: StatementJson | StatementJson[];
}

interface StatementJson {
  Sid?: string;
  Effect: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: unknown;
  NotPrincipal?: unknown;
  Condition?: Record<string, Record<string, Scalar | Scalar[]>>;
}

const TOP_LEVEL_ELEMENTS = new Set(["Version", "Id", "Statement"]);
const STATEMENT_ELEMENTS = new Set(["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition"]);

/** The condition operators of the IAM policy grammar, without `ForAnyValue:`/`ForAllValues:` and `IfExists`. */
const CONDITION_OPERATORS = new Set([
  ...["StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike"],
  ...["NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals"],
  ...["DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals"],
  ...["Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "Null"],
]);

/** The partitions an ARN may name; `*` stands for any. */
const PARTITIONS = new Set(["*", "aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"]);

const IAM_RESOURCE_TYPES = [
  "user/",
  "federated-user/",
  "role/",
  "group/",
  "instance-profile/",
  "mfa/",
  "server-certificate/",
  "policy/",
  "sms-mfa/",
  "saml-provider/",
  "oidc-provider/",
  "report/",
  "access-report/",
];

const SYNTAX_ERROR = "Syntax errors in policy.";
const LEGACY_PARSING = "The policy failed legacy parsing";

function malformed(message: string): AwsError {
  return new AwsError("MalformedPolicyDocument", message, 400);
}

/** Checks an identity policy (parsed JSON) as IAM does and reads it into the normal form. */
export function readIdentityPolicy(raw: unknown, options: IdentityPolicyOptions = {}): PolicyDocument {
  if (!isPolicy(raw)) throw malformed(SYNTAX_ERROR);
  if (options.managed && raw.Version !== "2012-10-17") throw malformed("Policy document must be version 2012-10-17 or greater.");
  const statements = Array.isArray(raw.Statement) ? raw.Statement : [raw.Statement];
  const resourceFault = legacyParse(statements);
  const sids = statements.flatMap((s) => (s.Sid ? [s.Sid] : []));
  if (new Set(sids).size !== sids.length) throw malformed("Statement IDs (SID) in a single policy must be unique.");
  if (!statements.every((s) => hasEntries(s.Action ?? s.NotAction))) throw malformed("Policy statement must contain actions.");
  if (!statements.every((s) => hasEntries(s.Resource ?? s.NotResource))) throw malformed("Policy statement must contain resources.");
  if (resourceFault) throw malformed(resourceFault);
  for (const element of ["Action", "NotAction"] as const) {
    for (const statement of statements) {
      for (const action of listOf(statement[element]) ?? []) {
        const fault = actionFault(action);
        if (fault) throw malformed(fault);
      }
    }
  }
  // Only resource-based policies name principals.
  if (statements.some((s) => s.Principal !== undefined || s.NotPrincipal !== undefined)) throw malformed("Policy document should not specify a principal.");
  return { version: raw.Version ?? "2008-10-17", statements: statements.map(toStatement) };
}

// Step 1: the grammar.

function isPolicy(raw: unknown): raw is PolicyJson {
  if (!isObject(raw) || !Object.keys(raw).every((key) => TOP_LEVEL_ELEMENTS.has(key))) return false;
  if (raw.Version !== undefined && raw.Version !== "2008-10-17" && raw.Version !== "2012-10-17") return false;
  if (raw.Id !== undefined && typeof raw.Id !== "string") return false;
  const statements = Array.isArray(raw.Statement) ? raw.Statement : [raw.Statement];
  return statements.length > 0 && statements.every(isStatement);
}

function isStatement(raw: unknown): raw is StatementJson {
  if (!isObject(raw) || !Object.keys(raw).every((key) => STATEMENT_ELEMENTS.has(key))) return false;
  if (raw.Action !== undefined && raw.NotAction !== undefined) return false;
  if (raw.Resource !== undefined && raw.NotResource !== undefined) return false;
  if (typeof raw.Effect !== "string" || !["allow", "deny"].includes(raw.Effect.toLowerCase())) return false;
  if (raw.Sid !== undefined && typeof raw.Sid !== "string") return false;
  if (![raw.Action, raw.NotAction, raw.Resource, raw.NotResource].every((value) => value === undefined || isStringOrStrings(value))) return false;
  return raw.Condition === undefined || isCondition(raw.Condition);
}

function isCondition(raw: unknown): boolean {
  if (!isObject(raw)) return false;
  return Object.entries(raw).every(
    ([operator, entries]) =>
      isObject(entries) &&
      Object.values(entries).every((value) => isScalar(value) || (Array.isArray(value) && value.every(isScalar))) &&
      // An operator outside the grammar passes only with nothing under it.
      (isConditionOperator(operator) || Object.keys(entries).length === 0),
  );
}

/** Whether `name` is an operator of the policy grammar (`ForAnyValue:StringEqualsIfExists` is). */
export function isConditionOperator(name: string): boolean {
  return CONDITION_OPERATORS.has(baseOperator(name));
}

/** The operator without one set qualifier and one `IfExists`: `ForAnyValue:StringEqualsIfExists` is StringEquals. */
function baseOperator(name: string): string {
  const operator = name.replace(/^For(AnyValue|AllValues):/, "");
  return operator.endsWith("IfExists") ? operator.slice(0, -"IfExists".length) : operator;
}

// Step 3: legacy parsing.

/**
 * Throws where legacy parsing fails. Resources are read Resource first, then
 * NotResource, statement by statement, each statement's as a sorted set; the
 * first resource fault met is returned, to be reported after the action and
 * resource checks, and from then on legacy parsing reads no more resources.
 */
function legacyParse(statements: readonly StatementJson[]): string | undefined {
  for (const statement of statements) {
    if (statement.Effect !== "Allow" && statement.Effect !== "Deny") throw malformed(LEGACY_PARSING);
    for (const [operator, entries] of Object.entries(statement.Condition ?? {})) {
      if (!baseOperator(operator).startsWith("Date")) continue;
      for (const value of Object.values(entries).flat()) if (!isLegacyDate(String(value))) throw malformed(LEGACY_PARSING);
    }
  }
  let fault: string | undefined;
  for (const element of ["Resource", "NotResource"] as const) {
    for (const statement of statements) {
      const resources = listOf(statement[element])?.sort();
      if (!resources) continue;
      fault ??= resources.map(resourceFault).find((f) => f !== undefined);
      if (fault === undefined && resources.some(failsLegacyParsing)) throw malformed(LEGACY_PARSING);
    }
  }
  return fault;
}

/** Whether the legacy parser could read the ARN: an empty field needs all six fields present, and a service is required. */
function failsLegacyParsing(resource: string): boolean {
  if (resource === "*") return false;
  const fields = resource.split(":");
  return (fields.length < 6 && resource.includes("::")) || !fields[2];
}

/**
 * A Date condition value as the legacy parser reads it: epoch seconds, or an
 * ISO 8601 date and time (Java's range of years, at most nine fractional
 * digits, "Z" or a "+hh[:mm]" offset), in any case.
 */
function isLegacyDate(value: string): boolean {
  const text = value.toLowerCase();
  if (!text.includes("t") && !text.includes("-")) return isIntegerIn(text, 0n, 2n ** 63n - 1n);
  const [date, time = ""] = cut(text, "t");
  const negative = date.startsWith("-");
  const [year = "", month, day, ...more] = (negative ? date.slice(1) : date).split("-");
  if (more.length > 0 || !isIntegerIn(negative ? `-${year}` : year, -292275054n, 292278993n)) return false;
  if ((month !== undefined && !isIntegerIn(month, 1n, 12n)) || (day !== undefined && !isIntegerIn(day, 1n, 31n))) return false;
  const [hours = "", minutes, ...rest] = time.split(":");
  if ((hours !== "" && !isIntegerIn(hours, 0n, 23n)) || (minutes !== undefined && !isIntegerIn(minutes, 0n, 59n))) return false;
  return rest.length === 0 || isLegacySeconds(rest.join(":"));
}

/** `ss[.fraction]`, then `z` or `+hh[:mm]`. */
function isLegacySeconds(text: string): boolean {
  let seconds = text;
  if (text.includes("z")) {
    const [before, after] = cut(text, "z");
    if (after !== "") return false;
    seconds = before;
  } else if (text.includes("+")) {
    const [before, zone = ""] = cut(text, "+");
    const [zoneHours, zoneMinutes] = cut(zone, ":");
    if (!isTwoDigitsTo(zoneHours, 23n) || (zoneMinutes !== undefined && !isTwoDigitsTo(zoneMinutes, 59n))) return false;
    seconds = before;
  }
  const [whole, fraction] = cut(seconds, ".");
  return isIntegerIn(whole, 0n, 59n) && (fraction === undefined || isIntegerIn(fraction, 0n, 999_999_999n));
}

// Step 5: resource ARNs.

/** What IAM says of a resource that is no usable ARN, if anything. */
function resourceFault(resource: string): string | undefined {
  if (resource === "*") return undefined;
  // The first field (arn) is not itself read.
  const [, partition, ...rest] = resource.split(":");
  if (partition === undefined) return `Resource ${resource} must be in ARN format or "*".`;
  if (!PARTITIONS.has(partition)) return `Partition "${partition}" is not valid for resource "${arnAsWritten(partition, rest)}".`;
  if (rest.length === 0) return "Resource vendor must be fully qualified and cannot contain regexes.";
  const [service, region, , ...path] = rest;
  const resourceId = path.join(":");
  // Global services name no region; an S3 access point does.
  if (service === "iam" && region !== "") return `IAM resource ${resource} cannot contain region information.`;
  if (service === "s3" && region !== "" && !resourceId.startsWith("accesspoint/")) return `Resource ${resource} can not contain region information.`;
  if (service === "iam" && resourceId !== "*" && resourceId !== "root" && !IAM_RESOURCE_TYPES.some((type) => resourceId.startsWith(type))) {
    return `IAM resource path must either be "*", root, or start with ${IAM_RESOURCE_TYPES.join(", ")}.`;
  }
  return undefined;
}

/** The resource as IAM quotes it in a partition fault: six fields, the missing ones "*". */
function arnAsWritten(partition: string, rest: readonly string[]): string {
  const fields = rest.length === 1 && rest[0] === "" ? [] : rest;
  const [service = "*", region = "*", account = "*", ...path] = fields;
  return `arn:${partition}:${service}:${region}:${account}:${path.length > 0 ? path.join(":") : "*"}`;
}

// Step 6: actions.

function actionFault(action: string): string | undefined {
  if (action === "*") return undefined;
  const [vendor = "", ...rest] = action.split(":");
  if (rest.length === 0) return "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.";
  if (rest.length > 1) return "Actions/Condition can contain only one colon.";
  if (vendor !== "*" && /[^a-zA-Z0-9.-]/.test(vendor)) return `Vendor ${vendor} is not valid`;
  return undefined;
}

// The normal form.

function toStatement(raw: StatementJson): Statement {
  // Legacy parsing has refused any other spelling of the effect.
  const statement: Statement = { effect: raw.Effect === "Deny" ? "Deny" : "Allow" };
  if (raw.Sid !== undefined) statement.sid = raw.Sid;
  statement.action = listOf(raw.Action);
  statement.notAction = listOf(raw.NotAction);
  statement.resource = listOf(raw.Resource);
  statement.notResource = listOf(raw.NotResource);
  if (raw.Condition !== undefined) statement.condition = toConditionBlock(raw.Condition);
  return statement;
}

function toConditionBlock(raw: NonNullable<StatementJson["Condition"]>): ConditionBlock {
  const block: ConditionBlock = {};
  for (const [operator, entries] of Object.entries(raw)) {
    const converted: Record<string, string[]> = {};
    for (const [key, values] of Object.entries(entries)) setOwn(converted, key, [values].flat().map(String));
    setOwn(block, operator, converted);
  }
  return block;
}

// Small helpers.

/** A fresh list of the element's values; undefined when the element is absent. */
function listOf(value: string | string[] | undefined): string[] | undefined {
  return value === undefined ? undefined : [value].flat();
}

/** A single value, or a list of at least one. */
function hasEntries(value: string | string[] | undefined): boolean {
  return typeof value === "string" || (value !== undefined && value.length > 0);
}

/** The text before the first separator, and after it (undefined without one). */
function cut(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + separator.length)];
}

function isIntegerIn(text: string, min: bigint, max: bigint): boolean {
  if (!/^[+-]?\d+$/.test(text)) return false;
  const n = BigInt(text);
  return n >= min && n <= max;
}

function isTwoDigitsTo(text: string, max: bigint): boolean {
  return text.length === 2 && isIntegerIn(text, 0n, max);
}

function isStringOrStrings(value: unknown): boolean {
  return typeof value === "string" || (Array.isArray(value) && value.every((v) => typeof v === "string"));
}

/**
 * Sets `key` on `record` as an own property whatever its name: a plain
 * assignment to `__proto__` sets the prototype instead, and a condition on
 * a key named so would vanish, and always hold.
 */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A condition value as the grammar allows it: text, a number or a boolean. */
export function isScalar(value: unknown): value is Scalar {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
