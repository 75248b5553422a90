/**
 * KeyConditionExpression: parsed as a condition, then held to Query's
 * shape: `hash = :v` AND at most one range condition (=, <, <=, >, >=,
 * BETWEEN, begins_with) on top-level key attributes.
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
}

/** One condition on one key attribute, as collected from the expression or `KeyConditions`. */
export interface KeyPart {
  readonly name: string;
  readonly op: KeyRangeOperator;
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
      const { name, index, values } = keyOperands([condition.operand, condition.low, condition.high]);
      if (index !== 0) {
        throw validation("Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first operand");
      }
      add(parts, { name, op: "BETWEEN", values });
      return;
    }
    case "begins_with": {
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

/** Checks the collected parts against the key schema (shared with legacy `KeyConditions`). */
export function keyConditionFromParts(parts: readonly KeyPart[], key: KeyNames): KeyCondition {
  const hash = parts.find((p) => p.name === key.hash);
  if (hash === undefined) throw validation(`Query condition missed key schema element: ${key.hash}`);
  if (hash.op !== "=") throw validation("Query key condition not supported");
  let range: KeyPart | undefined;
  for (const part of parts) {
    if (part === hash) continue;
    if (key.range === undefined) throw validation("Query key condition not supported");
    if (part.name !== key.range) throw validation(`Query condition missed key schema element: ${key.range}`);
    range = part;
  }
  return range === undefined
    ? { hashValue: hash.values[0] }
    : { hashValue: hash.values[0], range: { op: range.op, values: range.values } };
}

/** Parses a KeyConditionExpression and checks it against the key schema. */
export function parseKeyCondition(text: string, ctx: ExpressionContext, key: KeyNames): KeyCondition {
  const parts: KeyPart[] = [];
  collect(parseRawKeyCondition(text, ctx), parts);
  return keyConditionFromParts(parts, key);
}
