/**
 * Resource-based policies of tables and streams (PutResourcePolicy,
 * CreateTable's ResourcePolicy): a document checked as DynamoDB checks it,
 * kept in DynamoDB's canonical form (the form GetResourcePolicy answers),
 * with a revision id that is the time of its last change in epoch
 * milliseconds. Putting an equivalent document again keeps the revision.
 *
 * What DynamoDB answers, as measured against AWS in 2026: error texts
 * prefixed "One or more parameter values were invalid:", the 20,480-byte
 * limit counting white space, Allow statements to everyone refused as
 * unbounded access, stream actions refused in a table's policy, one-element
 * lists read back as strings, an account id as its root ARN, and a
 * document without Version read back as 2008-10-17.
 */
import { AwsError } from "../../server/errors.js";
import { parsePolicy, type PolicyDocument } from "../../policy/document.js";
import { unknownPrincipal, type PrincipalDirectory } from "../../policy/principals.js";
import { ddbErrors } from "./errors.js";

/** A policy as stored: its canonical text and revision. */
export interface StoredPolicy {
  document: string;
  revisionId: string;
}

const MAX_POLICY_BYTES = 20_480;
/** Actions that act on a stream, which a table's policy may not name. */
const STREAM_ACTIONS = new Set(["dynamodb:describestream", "dynamodb:getrecords", "dynamodb:getsharditerator"]);
/** The order GetResourcePolicy writes a statement's fields in. */
const STATEMENT_FIELDS = ["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"];

const invalidDocument = (detail: string) => ddbErrors.invalid(`Invalid policy document: ${detail}`);

/**
 * A policy document for a table (or, with `stream`, one of its streams):
 * checked, and answered in canonical form. Throws DynamoDB's
 * ValidationException for what it refuses.
 */
export function canonicalPolicy(text: string, target: "table" | "stream", principals: PrincipalDirectory | undefined): string {
  if (Buffer.byteLength(text) > MAX_POLICY_BYTES) throw ddbErrors.invalid(`Maximum policy size of ${MAX_POLICY_BYTES} bytes exceeded`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw invalidDocument("This policy contains invalid Json");
  }
  if (!isObject(raw)) throw invalidDocument("This policy contains invalid Json");
  const listed = raw.Statement === undefined ? [] : Array.isArray(raw.Statement) ? raw.Statement : [raw.Statement];
  if (listed.length === 0) throw invalidDocument("Could not parse the policy: Statement is empty!");
  const statements = listed.map((s) => canonicalStatement(s));
  const document = { Version: raw.Version ?? "2008-10-17", Statement: statements };
  const canonical = JSON.stringify(document);

  // The generic reader checks the rest (effects, actions, principals, conditions) in IAM's words.
  let parsed: PolicyDocument;
  try {
    parsed = parsePolicy(canonical, "resource");
  } catch (error) {
    if (error instanceof AwsError) throw invalidDocument(error.message);
    throw error;
  }
  if (principals && unknownPrincipal(parsed, principals) !== undefined) throw ddbErrors.invalid("Invalid principal in policy document.");
  const sids = statements.flatMap((s) => (typeof s.Sid === "string" ? [s.Sid] : []));
  if (new Set(sids).size !== sids.length) throw invalidDocument("The Statement Ids in the policy are not unique");
  if (target === "table") {
    const streamActions = statements.flatMap((s) => listOf(s.Action)).filter((a) => STREAM_ACTIONS.has(a.toLowerCase()));
    if (streamActions.length > 0) throw invalidDocument(`The following action names are invalid: ${streamActions.map((a) => `"${a}"`).join(", ")}`);
  }
  if (statements.some((s) => s.Effect === "Allow" && s.Condition === undefined && grantsEveryone(s.Principal))) {
    throw new AwsError(
      "ValidationException",
      "Resource-based policy grants unbounded access in one or more elements. Please revise the policy to ensure least-privilege form of access",
      400,
    );
  }
  return canonical;
}

/** A statement in canonical form: fields in DynamoDB's order, one-element lists as strings, accounts as root ARNs. */
function canonicalStatement(raw: unknown): Record<string, unknown> {
  if (!isObject(raw)) throw invalidDocument("This policy contains invalid Json");
  if (raw.Resource === undefined && raw.NotResource === undefined) throw invalidDocument("Missing required field Resource");
  const statement: Record<string, unknown> = {};
  for (const field of STATEMENT_FIELDS) {
    let value = raw[field];
    if (value === undefined) continue;
    if (field === "Effect" && typeof value === "string") value = value.charAt(0).toUpperCase() + value.slice(1).toLowerCase();
    if ((field === "Principal" || field === "NotPrincipal") && isObject(value)) value = canonicalPrincipal(value);
    if (field === "Condition" && isObject(value)) value = mapValues(value, (keys) => (isObject(keys) ? mapValues(keys, single) : keys));
    statement[field] = single(value);
  }
  // Fields DynamoDB does not know stay, for the generic reader to refuse.
  for (const [field, value] of Object.entries(raw)) if (!STATEMENT_FIELDS.includes(field)) statement[field] = value;
  return statement;
}

function canonicalPrincipal(principal: Record<string, unknown>): Record<string, unknown> {
  return mapValues(principal, (ids, type) => {
    if (type !== "AWS") return single(ids);
    const arns = listOf(ids).map((id) => (/^\d{12}$/.test(id) ? `arn:aws:iam::${id}:root` : id));
    return single([...new Set(arns)]);
  });
}

function grantsEveryone(principal: unknown): boolean {
  return principal === "*" || (isObject(principal) && listOf(principal.AWS).includes("*"));
}

/** A one-element list as its element; anything else as it is. */
function single(value: unknown): unknown {
  return Array.isArray(value) && value.length === 1 ? value[0] : value;
}

function listOf(value: unknown): string[] {
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function mapValues(object: Record<string, unknown>, f: (value: unknown, key: string) => unknown): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).map(([key, value]) => [key, f(value, key)]));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The revision a change at `now` gets: its time, and always later than the one it replaces. */
export function nextRevision(now: number, previous: StoredPolicy | undefined): string {
  return String(Math.max(now, previous ? Number(previous.revisionId) + 1 : 0));
}
