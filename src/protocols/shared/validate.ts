/**
 * Input validation from the model: required members, enums, lengths,
 * ranges and patterns, reported in AWS's words ("1 validation error
 * detected: Value null at 'tableName' failed to satisfy constraint: Member
 * must not be null"). Each service turns the problems into its own error.
 */
import type { Operation, ServiceModel, Shape, ShapeRef } from "../model.js";
import { resolveShape } from "../model.js";
import type { Structure } from "../types.js";

export interface ValidationProblem {
  /** AWS's path form: member names with a lower-case first letter, list positions 1-based (`keySchema.1.member.attributeName`). */
  path: string;
  /** The offending value as AWS quotes it, or `null` when missing. */
  value: string;
  constraint: string;
  /** Some services leave certain values out of the message ("Value at 'tags'"). */
  unquoted?: boolean;
}

export function validateInput(model: ServiceModel, op: Operation, input: Structure): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  if (op.input) checkStructure(model, resolveShape(model, op.input), input, "", problems);
  return problems;
}

/** `1 validation error detected: …` / `2 validation errors detected: …; …` */
export function formatValidationMessage(problems: readonly ValidationProblem[]): string {
  const n = problems.length;
  const details = problems.map((p) => {
    const value = p.unquoted ? "" : p.value === "null" ? " null" : ` '${p.value}'`;
    return `Value${value} at '${p.path}' failed to satisfy constraint: ${p.constraint}`;
  });
  return `${n} validation error${n === 1 ? "" : "s"} detected: ${details.join("; ")}`;
}

/** What checking a structure takes, worked out once per shape: its required members, and the members a constraint reaches. */
interface StructurePlan {
  required: readonly string[];
  constrained: readonly { member: string; ref: ShapeRef }[];
}

const PLAN: unique symbol = Symbol("nimbus.validation-plan");

function planOf(model: ServiceModel, shape: Shape): StructurePlan {
  const holder = shape as Shape & { [PLAN]?: StructurePlan };
  let plan = holder[PLAN];
  if (!plan) {
    const constrained = Object.entries(shape.members ?? {})
      .filter(([, ref]) => isConstrained(model, ref.shape))
      .map(([member, ref]) => ({ member, ref }));
    plan = { required: shape.required ?? [], constrained };
    holder[PLAN] = plan;
  }
  return plan;
}

function checkStructure(model: ServiceModel, shape: Shape, value: Structure, path: string, problems: ValidationProblem[]): void {
  const plan = planOf(model, shape);
  for (const member of plan.required) {
    if (value[member] === undefined) problems.push({ path: join(path, member), value: "null", constraint: "Member must not be null" });
  }
  for (const { member, ref } of plan.constrained) {
    const v = value[member];
    if (v !== undefined) checkValue(model, ref, v, join(path, member), problems);
  }
}

/**
 * `ownLength` false: the value's length was judged by the map holding it
 * (Coral reports a map value's bounds once, at the map).
 */
function checkValue(model: ServiceModel, ref: ShapeRef, value: unknown, path: string, problems: ValidationProblem[], ownLength = true): void {
  // A subtree no constraint reaches (DynamoDB's items, say) has nothing to report.
  if (!isConstrained(model, ref.shape)) return;
  const shape = resolveShape(model, ref);
  // A sensitive value (a password, a secret) is never repeated in the message.
  const fail = (constraint: string) =>
    problems.push(shape.sensitive ? { path, value: "", constraint, unquoted: true } : { path, value: quoteShaped(model, ref, value), constraint });
  switch (shape.type) {
    case "structure":
      if (typeof value === "object" && value !== null && !shape.document && !shape.union) checkStructure(model, shape, value as Structure, path, problems);
      return;
    case "list": {
      const list = value as unknown[];
      if (ownLength) checkLength(shape, list.length, fail);
      list.forEach((item, i) => checkValue(model, shape.member!, item, `${path}.${i + 1}.member`, problems));
      return;
    }
    case "map": {
      const map = value as Record<string, unknown>;
      if (ownLength) checkLength(shape, Object.keys(map).length, fail);
      const valueShape = resolveShape(model, shape.value!);
      const bounded = valueShape.type === "list" && (valueShape.min !== undefined || valueShape.max !== undefined);
      let reported = false;
      for (const [k, v] of Object.entries(map)) {
        if (bounded && !reported && Array.isArray(v) && outOfBounds(valueShape, v.length)) {
          reported = true;
          problems.push({ path, value: javaMap(model, valueShape, map), constraint: `Map value must satisfy constraint: [${boundsOf(valueShape)}]` });
        }
        checkValue(model, shape.value!, v, `${path}.${k}.member`, problems, !bounded);
      }
      return;
    }
    case "string": {
      if (typeof value !== "string") return;
      if (shape.enum && !shape.enum.includes(value)) {
        fail(`Member must satisfy enum value set: [${shape.enum.join(", ")}]`);
        return;
      }
      // Lengths count code points: only spelled out when there is a bound.
      if (shape.min !== undefined || shape.max !== undefined) checkLength(shape, codePoints(value), fail);
      if (shape.pattern && !matchesPattern(shape.pattern, value)) fail(`Member must satisfy regular expression pattern: ${shape.pattern}`);
      return;
    }
    case "blob":
      if (Buffer.isBuffer(value)) checkLength(shape, value.length, fail);
      return;
    case "integer":
    case "long":
    case "float":
    case "double":
      if (typeof value !== "number") return;
      if (shape.min !== undefined && value < shape.min) fail(`Member must have value greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && value > shape.max) fail(`Member must have value less than or equal to ${shape.max}`);
      return;
    default:
      return;
  }
}

/** The number of code points (a surrogate pair counts once), without making an array of them. */
function codePoints(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--;
        i++;
      }
    }
  }
  return count;
}

function outOfBounds(shape: Shape, length: number): boolean {
  return (shape.min !== undefined && length < shape.min) || (shape.max !== undefined && length > shape.max);
}

/** A shape's length bounds as Coral lists them for a map value: the maximum first. */
function boundsOf(shape: Shape): string {
  const bounds: string[] = [];
  if (shape.max !== undefined) bounds.push(`Member must have length less than or equal to ${shape.max}`);
  if (shape.min !== undefined) bounds.push(`Member must have length greater than or equal to ${shape.min}`);
  return bounds.join(", ");
}

/**
 * A map of lists as Java prints it, which is how Coral quotes one:
 * `{table=[com.amazonaws.dynamodb.v20120810.WriteRequest@5d4a1c2b]}`.
 * Structures print as their class and an identity hash.
 */
function javaMap(model: ServiceModel, listShape: Shape, map: Record<string, unknown>): string {
  const member = listShape.member ? resolveShape(model, listShape.member) : undefined;
  const className = member?.type === "structure" ? `com.amazonaws.${model.metadata.endpointPrefix}.v${model.metadata.apiVersion.replace(/-/g, "")}.${listShape.member!.shape}` : undefined;
  const element = (v: unknown) => (className ? `${className}@${identityHash(v)}` : quote(v));
  const entries = Object.entries(map).map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.map(element).join(", ")}]` : quote(v)}`);
  return `{${entries.join(", ")}}`;
}

/** Eight hex digits standing for a Java identity hash: FNV-1a of the value's JSON. */
function identityHash(value: unknown): string {
  const text = JSON.stringify(value) ?? "";
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16);
}

function checkLength(shape: Shape, length: number, fail: (constraint: string) => void): void {
  if (shape.min !== undefined && length < shape.min) fail(`Member must have length greater than or equal to ${shape.min}`);
  if (shape.max !== undefined && length > shape.max) fail(`Member must have length less than or equal to ${shape.max}`);
}

const CONSTRAINED: unique symbol = Symbol("nimbus.constrained");

/** Whether a shape, or any shape inside it, has a constraint checkValue checks; kept on the shape. */
function isConstrained(model: ServiceModel, name: string): boolean {
  const shape = model.shapes[name] as (Shape & { [CONSTRAINED]?: boolean }) | undefined;
  if (!shape) return true; // a broken model: let checkValue's resolveShape say so
  let answer = shape[CONSTRAINED];
  if (answer === undefined) {
    answer = reachesConstraint(model, name);
    shape[CONSTRAINED] = answer;
  }
  return answer;
}

/** Walks every shape reachable from `name` (recursive shapes included) looking for one with a constraint. */
function reachesConstraint(model: ServiceModel, name: string): boolean {
  const seen = new Set<string>([name]);
  const queue = [name];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    const shape = model.shapes[next];
    if (!shape) return true; // a broken model: let checkValue's resolveShape say so
    if (shape.required?.length || shape.enum || shape.pattern !== undefined || shape.min !== undefined || shape.max !== undefined) return true;
    const refs = [...Object.values(shape.members ?? {}), shape.member, shape.value];
    for (const ref of refs) {
      if (ref && !seen.has(ref.shape)) {
        seen.add(ref.shape);
        queue.push(ref.shape);
      }
    }
  }
  return false;
}

const patterns = new Map<string, RegExp | null>();

/** The whole value must match; a model pattern JavaScript cannot compile is not enforced. */
function matchesPattern(pattern: string, value: string): boolean {
  let regex = patterns.get(pattern);
  if (regex === undefined) {
    try {
      regex = new RegExp(`^(?:${pattern})$`, "u");
    } catch {
      try {
        regex = new RegExp(`^(?:${pattern})$`);
      } catch {
        regex = null;
      }
    }
    patterns.set(pattern, regex);
  }
  return regex === null || regex.test(value);
}

function join(path: string, member: string): string {
  const name = member.charAt(0).toLowerCase() + member.slice(1);
  return path ? `${path}.${name}` : name;
}

/**
 * A value as Coral quotes it, knowing its shape: structures print as
 * `KeySchemaElement(attributeName=pk, keyType=HASH)`, members in model
 * order, lists of them in brackets.
 */
function quoteShaped(model: ServiceModel, ref: ShapeRef, value: unknown): string {
  const shape = resolveShape(model, ref);
  const member = shape.member;
  if (shape.type === "list" && Array.isArray(value) && member) return `[${value.map((v) => quoteShaped(model, member, v)).join(", ")}]`;
  if (shape.type === "structure" && !shape.document && !shape.union && typeof value === "object" && value !== null && !Array.isArray(value)) {
    const fields = Object.entries(shape.members ?? {})
      .filter(([member]) => (value as Structure)[member] !== undefined)
      .map(([member, memberRef]) => `${member.charAt(0).toLowerCase()}${member.slice(1)}=${quoteShaped(model, memberRef, (value as Structure)[member])}`);
    return `${ref.shape}(${fields.join(", ")})`;
  }
  return quote(value);
}

function quote(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(quote).join(", ")}]`;
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString("base64");
  if (typeof value === "object" && value !== null) return JSON.stringify(value);
  return String(value);
}
