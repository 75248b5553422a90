/**
 * KeyConditionExpression: parsed as a condition, then held to Query's
 * shape: `hash = :v` AND at most one range condition (=, <, <=, >, >=,
 * BETWEEN, begins_with) on top-level key attributes; on a global index
 * with a multi-attribute key, equality on each partition key attribute and
 * conditions on its leading sort key attributes.
 */
import type { AttributeValue } from "../values.js";
import type { Condition, KeyCondition, KeyRangeOperator, Operand } from "./ast.js";
import { parseRawKeyCondition } from "./condition-parser.js";
import { validation } from "./errors.js";
import type { ExpressionContext } from "./index.js";

/** The key attribute names of the table or index being queried. */
export interface KeyNames {
  readonly hash: string;
  readonly range?: string;
  /** A global index's multi-attribute key: all its partition and sort key attributes, in order. */
  readonly hashes?: readonly string[];
  readonly ranges?: readonly string[];
}

/** A multi-attribute key holds up to four partition and four sort key attributes. */
const MAX_KEY_CONDITIONS = 8;

/** One condition on one key attribute, as collected from the expression or `KeyConditions`. */
export interface KeyPart {
  readonly name: string;
  /** Undefined for a legacy operator no key can serve (NULL, NE, IN, CONTAINS...). */
  readonly op: KeyRangeOperator | undefined;
  readonly values: readonly AttributeValue[];
}

const FLIPPED: Readonly<Record<string, KeyRangeOperator>> = { "=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<=" };

function collect(condition: Condition, parts: KeyPart[]): void {
  switch (condition.kind) {
    case "and":
      collect(condition.left, parts);
      collect(condition.right, parts);
      return;
    case "or":
    case "not":
    case "in":
      throw validation(`Invalid operator used in KeyConditionExpression: ${condition.kind.toUpperCase()}`);
    case "attribute_exists":
    case "attribute_not_exists":
    case "attribute_type":
    case "contains":
    case "not_contains":
      throw validation(`Invalid operator used in KeyConditionExpression: ${condition.kind}`);
    case "compare": {
      if (condition.op === "<>") throw validation("Invalid operator used in KeyConditionExpression: <>");
      const { name, index, values } = keyOperands([condition.left, condition.right]);
      add(parts, { name, op: index === 0 ? condition.op : FLIPPED[condition.op], values });
      return;
    }
    case "between": {
      if (condition.operand.kind !== "path") {
        throw validation("Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first operand");
      }
      const { name, index, values } = keyOperands([condition.operand, condition.low, condition.high]);
      if (index !== 0) {
        throw validation("Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first operand");
      }
      add(parts, { name, op: "BETWEEN", values });
      return;
    }
    case "begins_with": {
      if (condition.left.kind !== "path") {
        throw validation("Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its first operand");
      }
      const { name, index, values } = keyOperands([condition.left, condition.right]);
      if (index !== 0) {
        throw validation("Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its first operand");
      }
      add(parts, { name, op: "begins_with", values });
      return;
    }
  }
}

function keyOperands(operands: readonly Operand[]): { name: string; index: number; values: AttributeValue[] } {
  let name: string | undefined;
  let index = -1;
  const values: AttributeValue[] = [];
  operands.forEach((operand, i) => {
    if (operand.kind === "size") throw validation("KeyConditionExpressions cannot contain nested operations");
    if (operand.kind === "value") {
      values.push(operand.value);
      return;
    }
    if (name !== undefined) throw validation("Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition");
    if (operand.path.length > 1) throw validation("KeyConditionExpressions cannot have conditions on nested attributes");
    name = String(operand.path[0]);
    index = i;
  });
  if (name === undefined) throw validation("Invalid condition in KeyConditionExpression: No key attribute specified");
  return { name, index, values };
}

function add(parts: KeyPart[], part: KeyPart): void {
  if (parts.some((p) => p.name === part.name)) throw validation("KeyConditionExpressions must only contain one condition per key");
  parts.push(part);
}

/**
 * Checks the collected parts against the key schema, in DynamoDB's order:
 * the number of conditions, the key attributes they name, operators a key
 * can serve, value types (`typeOf` gives a key attribute's type), and
 * equality on the partition key.
 */
export function keyConditionFromParts(parts: readonly KeyPart[], key: KeyNames, typeOf?: (name: string) => string): KeyCondition {
  if ((key.hashes?.length ?? 1) > 1 || (key.ranges?.length ?? 0) > 1) return multiKeyCondition(parts, key as Required<KeyNames>, typeOf);
  if (parts.length > 2) throw validation("Conditions can be of length 1 or 2 only");
  if (key.range === undefined && parts.length > 1) throw validation("Query key condition not supported");
  const hash = parts.find((p) => p.name === key.hash);
  if (hash === undefined) throw validation(`Query condition missed key schema element: ${key.hash}`);
  const range = parts.find((p) => p !== hash);
  if (range !== undefined && range.name !== key.range) throw validation(`Query condition missed key schema element: ${key.range}`);
  if (parts.some((p) => p.op === undefined)) throw validation("Attempted conditional constraint is not an indexable operation");
  if (typeOf) checkKeyTypes(parts, typeOf);
  if (hash.op !== "=") throw validation("Query key condition not supported");
  return range === undefined
    ? { hashValue: hash.values[0]! }
    : { hashValue: hash.values[0]!, range: { op: range.op!, values: range.values } };
}

/** Each condition's values have its key attribute's type, and begins_with is not asked of a number. */
function checkKeyTypes(parts: readonly KeyPart[], typeOf: (name: string) => string): void {
  for (const part of parts) {
    const type = typeOf(part.name);
    if (part.values.some((v) => !(type in v))) throw validation("One or more parameter values were invalid: Condition parameter type does not match schema type");
    if (part.op === "begins_with" && type === "N") {
      throw validation("Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N");
    }
  }
}

/**
 * A global index keyed by several attributes: equality on every partition
 * key attribute, and conditions on a leading run of its sort key
 * attributes, each but the last an equality. DynamoDB names the sort key
 * attribute that lacks its equality and the one whose condition needs it;
 * its words for a partition key attribute are not on record, and follow
 * the sort key's here.
 */
function multiKeyCondition(parts: readonly KeyPart[], key: Required<KeyNames>, typeOf?: (name: string) => string): KeyCondition {
  const of = (name: string) => parts.find((p) => p.name === name);
  const stray = parts.find((p) => !key.hashes.includes(p.name) && !key.ranges.includes(p.name));
  if (stray) throw validation(`Query condition missed key schema element: ${key.hashes.find((h) => !of(h)) ?? key.ranges.find((r) => !of(r)) ?? stray.name}`);
  const hashWithout = (equal: (part: KeyPart | undefined) => boolean) => {
    const name = key.hashes.find((h) => !equal(of(h)));
    if (name !== undefined) throw validation(`HASH key attributes ${name} must have equality conditions specified in the query`);
  };
  hashWithout((part) => part !== undefined);
  const last = key.ranges.reduce<number>((found, r, i) => (of(r) ? i : found), -1);
  const unequal = key.ranges.slice(0, Math.max(last, 0)).find((r) => of(r)?.op !== "=");
  if (unequal !== undefined) {
    throw validation(`RANGE key attributes ${unequal} must have equality conditions specified in the query because a condition is present on key attribute ${key.ranges[last]}`);
  }
  if (parts.some((p) => p.op === undefined)) throw validation("Attempted conditional constraint is not an indexable operation");
  if (typeOf) checkKeyTypes(parts, typeOf);
  hashWithout((part) => part?.op === "=");
  const ranged = key.ranges.slice(0, last + 1).map((r) => of(r)!);
  const final = ranged.pop();
  return {
    hashValue: of(key.hashes[0]!)!.values[0]!,
    hashValues: key.hashes.map((h) => of(h)!.values[0]!),
    rangeEquals: ranged.map((p) => p.values[0]!),
    ...(final ? { range: { op: final.op!, values: final.values } } : {}),
  };
}

/**
 * The key conditions of a parsed KeyConditionExpression, checked as far as
 * they can be without the table (operators, operands, one condition per
 * key). DynamoDB parses every expression of a request before this.
 */
export function keyPartsOf(condition: Condition): KeyPart[] {
  const parts: KeyPart[] = [];
  collect(condition, parts);
  // Two conditions at most, unless the index read has a multi-attribute key (checked against it later).
  if (parts.length > MAX_KEY_CONDITIONS) throw validation("Conditions can be of length 1 or 2 only");
  return parts;
}

/** Parses a KeyConditionExpression (its syntax, names and values only). */
export function parseKeyConditionSyntax(text: string, ctx: ExpressionContext): Condition {
  return parseRawKeyCondition(text, ctx);
}

/** Parses a KeyConditionExpression and checks it against the key schema. */
export function parseKeyCondition(text: string, ctx: ExpressionContext, key: KeyNames): KeyCondition {
  return keyConditionFromParts(keyPartsOf(parseRawKeyCondition(text, ctx)), key);
}
