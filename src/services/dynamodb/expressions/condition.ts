/**
 * Evaluating a condition against an item. Follows DynamoDB: a comparison
 * with a missing attribute or of different types is false (so `<>` is
 * true), ordering only applies to S, N and B.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html
 */
import { compareValues, typeOf, valuesEqual, type AttributeValue, type Item } from "../values.js";
import type { Condition, Operand } from "./ast.js";
import { sizeOfValue } from "./condition-parser.js";
import { getPath } from "./document.js";

function operandValue(operand: Operand, item: Item | undefined): AttributeValue | undefined {
  switch (operand.kind) {
    case "value":
      return operand.value;
    case "path":
      return getPath(item, operand.path);
    case "size": {
      const value = getPath(item, operand.path);
      const size = value === undefined ? undefined : sizeOfValue(value);
      return size === undefined ? undefined : { N: String(size) };
    }
  }
}

function ordered(a: AttributeValue | undefined, b: AttributeValue | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : compareValues(a, b);
}

function beginsWith(value: AttributeValue | undefined, prefix: AttributeValue | undefined): boolean {
  if (value === undefined || prefix === undefined) return false;
  if ("S" in value) return "S" in prefix && value.S.startsWith(prefix.S);
  if ("B" in value) {
    if (!("B" in prefix) || prefix.B.length > value.B.length) return false;
    return Buffer.compare(value.B.subarray(0, prefix.B.length), prefix.B) === 0;
  }
  return false;
}

function contains(value: AttributeValue | undefined, member: AttributeValue | undefined): boolean {
  if (value === undefined || member === undefined) return false;
  if ("S" in value) return "S" in member && value.S.includes(member.S);
  if ("SS" in value) return "S" in member && value.SS.includes(member.S);
  if ("NS" in value) return "N" in member && value.NS.some((n) => valuesEqual({ N: n }, member));
  if ("BS" in value) return "B" in member && value.BS.some((b) => Buffer.compare(b, member.B) === 0);
  if ("L" in value) return value.L.some((element) => valuesEqual(element, member));
  if ("B" in value) return "B" in member && Buffer.from(value.B).includes(Buffer.from(member.B));
  return false;
}

/** True when `item` (undefined: no such item) satisfies the condition. */
export function evaluateCondition(condition: Condition, item: Item | undefined): boolean {
  switch (condition.kind) {
    case "and":
      return evaluateCondition(condition.left, item) && evaluateCondition(condition.right, item);
    case "or":
      return evaluateCondition(condition.left, item) || evaluateCondition(condition.right, item);
    case "not":
      return !evaluateCondition(condition.condition, item);
    case "attribute_exists":
      return getPath(item, condition.path) !== undefined;
    case "attribute_not_exists":
      return getPath(item, condition.path) === undefined;
    case "attribute_type": {
      const value = operandValue(condition.operand, item);
      const type = operandValue(condition.type, item);
      return value !== undefined && type !== undefined && "S" in type && typeOf(value) === type.S;
    }
    case "begins_with":
      return beginsWith(operandValue(condition.left, item), operandValue(condition.right, item));
    case "contains":
      return contains(operandValue(condition.left, item), operandValue(condition.right, item));
    case "not_contains": {
      const value = operandValue(condition.left, item);
      return value !== undefined && !contains(value, operandValue(condition.right, item));
    }
    case "between": {
      const value = operandValue(condition.operand, item);
      const low = ordered(value, operandValue(condition.low, item));
      if (low === undefined || low < 0) return false;
      const high = ordered(value, operandValue(condition.high, item));
      return high !== undefined && high <= 0;
    }
    case "in": {
      const value = operandValue(condition.operand, item);
      if (value === undefined) return false;
      for (const candidate of condition.list) {
        const other = operandValue(candidate, item);
        if (other !== undefined && valuesEqual(value, other)) return true;
      }
      return false;
    }
    case "compare": {
      const left = operandValue(condition.left, item);
      const right = operandValue(condition.right, item);
      switch (condition.op) {
        case "=":
          return left !== undefined && right !== undefined && valuesEqual(left, right);
        case "<>":
          return left === undefined || right === undefined || !valuesEqual(left, right);
        case "<": {
          const c = ordered(left, right);
          return c !== undefined && c < 0;
        }
        case "<=": {
          const c = ordered(left, right);
          return c !== undefined && c <= 0;
        }
        case ">": {
          const c = ordered(left, right);
          return c !== undefined && c > 0;
        }
        case ">=": {
          const c = ordered(left, right);
          return c !== undefined && c >= 0;
        }
      }
    }
  }
}
