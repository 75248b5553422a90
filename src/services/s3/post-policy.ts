/**
 * The policy of an S3 POST form: a base64 JSON document with an
 * `expiration` and `conditions` every form field must meet. Its syntax is
 * refused with InvalidPolicyDocument (400); a form it does not allow, with
 * AccessDenied naming the condition or field (403), as S3 words them.
 */
import type { PostForm } from "../../auth/post-form.js";
import { AwsError } from "../../server/errors.js";

/** The bounds `content-length-range` puts on the file, inclusive. */
export interface SizeRange {
  min: number;
  max: number;
}

type Condition =
  | { kind: "match"; op: "eq" | "starts-with"; field: string; value: string; echo: string }
  | { kind: "length"; min: number; max: number; echo: string };

/** Form fields no condition need name: the signature, the policy itself, the file, `x-ignore-*`. */
const EXEMPT: ReadonlySet<string> = new Set(["policy", "x-amz-signature", "signature", "awsaccesskeyid", "file"]);

const ISO_EXPIRATION = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

/**
 * Checks a form against its policy, at `now`. `$bucket` conditions compare
 * the bucket the form was posted to, and `$key` ones the key with
 * `${filename}` replaced. Answers the size range the file must fall in, if
 * the policy sets one.
 */
export function checkPostPolicy(form: PostForm, bucket: string, key: string, now: number): SizeRange | undefined {
  const encoded = form.fields.get("policy");
  if (encoded === undefined) return undefined;
  const conditions = parsePolicy(encoded, now);
  let range: SizeRange | undefined;
  const named = new Set<string>();
  for (const condition of conditions) {
    if (condition.kind === "length") {
      range = condition;
      continue;
    }
    named.add(condition.field);
    const actual = condition.field === "bucket" ? bucket : condition.field === "key" ? key : form.fields.get(condition.field);
    // `["starts-with", "$field", ""]` allows any content, none included (s3-tests' SSE POST, LocalStack).
    const holds = condition.op === "eq" ? actual === condition.value : condition.value === "" || (actual !== undefined && actual.startsWith(condition.value));
    if (!holds) throw notAllowed(`Policy Condition failed: ${condition.echo}`);
  }
  for (const [name] of form.fields) {
    if (EXEMPT.has(name) || name.startsWith("x-ignore-") || named.has(name)) continue;
    throw notAllowed(`Extra input fields: ${form.names.get(name) ?? name}`);
  }
  return range;
}

function parsePolicy(encoded: string, now: number): Condition[] {
  let document: unknown;
  try {
    document = JSON.parse(Buffer.from(encoded, "base64").toString("utf8"));
  } catch {
    throw invalidPolicy("Invalid JSON.");
  }
  if (typeof document !== "object" || document === null || Array.isArray(document)) throw invalidPolicy("Invalid JSON.");
  const { expiration, conditions } = document as { expiration?: unknown; conditions?: unknown };
  if (expiration === undefined) throw invalidPolicy("Policy missing expiration.");
  if (typeof expiration !== "string" || !ISO_EXPIRATION.test(expiration) || Number.isNaN(Date.parse(expiration))) throw invalidPolicy("Invalid 'expiration' value");
  if (conditions === undefined) throw invalidPolicy("Policy missing conditions.");
  if (!Array.isArray(conditions)) throw invalidPolicy("Invalid 'conditions' value");
  const parsed = conditions.map(parseCondition);
  if (Date.parse(expiration) <= now) throw notAllowed("Policy expired.");
  return parsed;
}

/** A condition's part as JSON text, for messages; one nested past the stack's reach (JSON.parse takes it) is elided. */
function echoPart(part: unknown): string {
  try {
    return JSON.stringify(part);
  } catch {
    return "[...]";
  }
}

function parseCondition(condition: unknown): Condition {
  if (Array.isArray(condition)) {
    const [op, ...args] = condition as unknown[];
    const echo = `[${condition.map(echoPart).join(", ")}]`;
    const name = typeof op === "string" ? op.toLowerCase() : "";
    if (name === "content-length-range") {
      if (args.length !== 2) throw invalidPolicy("Invalid content-length-range condition.");
      const [min, max] = args.map(asSize);
      // Bounds that are not numbers fail as a condition, not as syntax.
      if (min === undefined || max === undefined) throw notAllowed(`Policy Condition failed: ${echo}`);
      return { kind: "length", min, max, echo };
    }
    if (name !== "eq" && name !== "starts-with") throw invalidPolicy(`Invalid Condition: unknown operation ${echoPart(op)}.`);
    const [field, value] = args;
    if (args.length !== 2 || typeof field !== "string" || typeof value !== "string") throw invalidPolicy(`Invalid Condition: ${echo}`);
    // A field not written `$name` names no field, and the condition cannot hold.
    const target = field.startsWith("$") ? field.slice(1).toLowerCase() : `\u0000${field}`;
    return { kind: "match", op: name, field: target, value, echo };
  }
  if (typeof condition === "object" && condition !== null) {
    const entries = Object.entries(condition);
    if (entries.length !== 1) throw invalidPolicy("Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.");
    const [[field, value]] = entries as [[string, unknown]];
    if (typeof value !== "string") throw invalidPolicy("Invalid Simple-Condition: value must be a string.");
    return { kind: "match", op: "eq", field: field.toLowerCase(), value, echo: `["eq", ${JSON.stringify(`$${field}`)}, ${JSON.stringify(value)}]` };
  }
  throw invalidPolicy("Invalid Condition.");
}

/** A size bound: a whole number, or a string of one. */
function asSize(value: unknown): number | undefined {
  const n = typeof value === "number" ? value : typeof value === "string" && /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
  return Number.isSafeInteger(n) ? n : undefined;
}

function invalidPolicy(detail: string): AwsError {
  return new AwsError("InvalidPolicyDocument", `Invalid Policy: ${detail}`, 400);
}

function notAllowed(detail: string): AwsError {
  return new AwsError("AccessDenied", `Invalid according to Policy: ${detail}`, 403);
}
