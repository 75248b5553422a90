/**
 * The pre-expression request parameters (`Expected`, `KeyConditions`,
 * `QueryFilter` / `ScanFilter`, `AttributeUpdates`, `AttributesToGet`),
 * converted into the same trees the expression parsers produce.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/LegacyConditionalParameters.html
 */
import { compareValues, typeOf, type AttributeValue } from "../values.js";
import type { Condition, KeyCondition, KeyRangeOperator, Projection, Update, UpdateAction, UpdateValue } from "./ast.js";
import { validation } from "./errors.js";
import { keyConditionFromParts, type KeyNames, type KeyPart } from "./key-condition.js";

export interface ExpectedAttributeValue {
  readonly Exists?: boolean;
  readonly Value?: AttributeValue;
  readonly ComparisonOperator?: string;
  readonly AttributeValueList?: readonly AttributeValue[];
}

export interface LegacyCondition {
  readonly ComparisonOperator?: string;
  readonly AttributeValueList?: readonly AttributeValue[];
}

export interface AttributeValueUpdate {
  readonly Action?: string;
  readonly Value?: AttributeValue;
}

const INVALID = "One or more parameter values were invalid: ";

/** Operand counts per operator (IN: one or more). */
const COUNTS: Readonly<Record<string, number>> = {
  EQ: 1, NE: 1, LE: 1, LT: 1, GE: 1, GT: 1, CONTAINS: 1, NOT_CONTAINS: 1, BEGINS_WITH: 1, NULL: 0, NOT_NULL: 0, IN: -1, BETWEEN: 2,
};

/** Every attribute type: equality compares values of any of them (as DynamoDB answers, whatever its older docs list). */
const ALL_TYPES = ["S", "N", "B", "SS", "NS", "BS", "L", "M", "BOOL", "NULL"];

/** The value types each operator accepts. */
const TYPES: Readonly<Record<string, readonly string[]>> = {
  EQ: ALL_TYPES,
  NE: ALL_TYPES,
  LE: ["S", "N", "B"],
  LT: ["S", "N", "B"],
  GE: ["S", "N", "B"],
  GT: ["S", "N", "B"],
  CONTAINS: ["S", "N", "B"],
  NOT_CONTAINS: ["S", "N", "B"],
  BEGINS_WITH: ["S", "B"],
  IN: ["S", "N", "B"],
  BETWEEN: ["S", "N", "B"],
};

/** Checks one operator with its values, in DynamoDB's order. */
function checkOperator(operator: string, values: readonly AttributeValue[]): void {
  const count = COUNTS[operator];
  if (count === undefined || (count >= 0 ? values.length !== count : values.length < 1)) {
    throw validation(`${INVALID}Invalid number of argument(s) for the ${operator} ComparisonOperator`);
  }
  if (values.length > 0) {
    const first = typeOf(values[0]);
    if (values.some((v) => typeOf(v) !== first)) throw validation(`${INVALID}AttributeValues inside AttributeValueList must be of same type`);
    const allowed = TYPES[operator] ?? [];
    for (const value of values) {
      if (!allowed.includes(typeOf(value))) {
        throw validation(`${INVALID}ComparisonOperator ${operator} is not valid for ${typeOf(value)} AttributeValue type`);
      }
    }
  }
  if (operator === "BETWEEN" && (compareValues(values[0], values[1]) ?? 0) > 0) {
    throw validation("The BETWEEN condition was provided a range where the lower bound is greater than the upper bound");
  }
}

function operatorCondition(name: string, operator: string, values: readonly AttributeValue[]): Condition {
  checkOperator(operator, values);
  const path = [name];
  const attribute = { kind: "path", path } as const;
  const value = (i: number) => ({ kind: "value", value: values[i] }) as const;
  switch (operator) {
    case "EQ":
      return { kind: "compare", op: "=", left: attribute, right: value(0) };
    case "NE":
      return { kind: "compare", op: "<>", left: attribute, right: value(0) };
    case "LE":
      return { kind: "compare", op: "<=", left: attribute, right: value(0) };
    case "LT":
      return { kind: "compare", op: "<", left: attribute, right: value(0) };
    case "GE":
      return { kind: "compare", op: ">=", left: attribute, right: value(0) };
    case "GT":
      return { kind: "compare", op: ">", left: attribute, right: value(0) };
    case "NOT_NULL":
      return { kind: "attribute_exists", path };
    case "NULL":
      return { kind: "attribute_not_exists", path };
    case "CONTAINS":
      return { kind: "contains", left: attribute, right: value(0) };
    case "NOT_CONTAINS":
      return { kind: "not_contains", left: attribute, right: value(0) };
    case "BEGINS_WITH":
      return { kind: "begins_with", left: attribute, right: value(0) };
    case "IN":
      return { kind: "in", operand: attribute, list: values.map((_, i) => value(i)) };
    default:
      return { kind: "between", operand: attribute, low: value(0), high: value(1) };
  }
}

function combine(conditions: readonly Condition[], conditionalOperator: string | undefined): Condition | undefined {
  if (conditions.length === 0) return undefined;
  const kind = conditionalOperator === "OR" ? "or" : "and";
  return conditions.reduce((left, right) => ({ kind, left, right }));
}

/** A ConditionalOperator joins the conditions of an Expected, QueryFilter or ScanFilter: without any (or with none in it) it is refused. */
export function checkConditionalOperator(conditionalOperator: string | undefined, conditions: object | undefined): void {
  if (conditionalOperator !== undefined && (conditions === undefined || Object.keys(conditions).length === 0)) {
    throw validation("ConditionalOperator cannot be used without Filter or Expected");
  }
}

/** `Expected` + `ConditionalOperator` → a condition; undefined when `Expected` is empty. */
export function conditionFromExpected(
  expected: Readonly<Record<string, ExpectedAttributeValue>>,
  conditionalOperator?: string,
): Condition | undefined {
  const conditions: Condition[] = [];
  for (const [name, e] of Object.entries(expected)) {
    if (e.AttributeValueList !== undefined && e.Value !== undefined) {
      throw validation(`${INVALID}Value and AttributeValueList cannot be used together for Attribute: ${name}`);
    }
    if (e.ComparisonOperator !== undefined) {
      if (e.Exists !== undefined) throw validation(`${INVALID}Exists and ComparisonOperator cannot be used together for Attribute: ${name}`);
      const operator = e.ComparisonOperator;
      if (operator !== "NULL" && operator !== "NOT_NULL" && e.AttributeValueList === undefined && e.Value === undefined) {
        throw validation(`${INVALID}Value or AttributeValueList must be used with ComparisonOperator: ${operator} for Attribute: ${name}`);
      }
      const values = e.AttributeValueList ?? (e.Value !== undefined ? [e.Value] : []);
      conditions.push(operatorCondition(name, operator, values));
      continue;
    }
    if (e.AttributeValueList !== undefined) {
      throw validation(`${INVALID}AttributeValueList can only be used with a ComparisonOperator for Attribute: ${name}`);
    }
    const exists = e.Exists ?? true;
    if (exists && e.Value === undefined) {
      throw validation(`${INVALID}Value must be provided when Exists is ${e.Exists === undefined ? "null" : "true"} for Attribute: ${name}`);
    }
    if (!exists && e.Value !== undefined) throw validation(`${INVALID}Value cannot be used when Exists is false for Attribute: ${name}`);
    conditions.push(
      e.Value === undefined
        ? { kind: "attribute_not_exists", path: [name] }
        : { kind: "compare", op: "=", left: { kind: "path", path: [name] }, right: { kind: "value", value: e.Value } },
    );
  }
  return combine(conditions, conditionalOperator);
}

/** `QueryFilter` / `ScanFilter` → a condition; undefined when empty. (`parameter` is kept for callers; messages do not name it.) */
export function conditionFromFilter(
  filter: Readonly<Record<string, LegacyCondition>>,
  conditionalOperator?: string,
  parameter?: "QueryFilter" | "ScanFilter",
): Condition | undefined {
  void parameter;
  const conditions = Object.entries(filter).map(([name, c]) =>
    operatorCondition(name, c.ComparisonOperator ?? "", c.AttributeValueList ?? []),
  );
  return combine(conditions, conditionalOperator);
}

const KEY_OPERATORS: Readonly<Record<string, KeyRangeOperator>> = {
  EQ: "=", LE: "<=", LT: "<", GE: ">=", GT: ">", BEGINS_WITH: "begins_with", BETWEEN: "BETWEEN",
};

/**
 * `KeyConditions` as key parts, checked as far as they can be without the
 * table: each condition's operator and values, then their number.
 */
export function keyPartsFromKeyConditions(keyConditions: Readonly<Record<string, LegacyCondition>>): KeyPart[] {
  const entries = Object.entries(keyConditions);
  for (const [, c] of entries) checkOperator(c.ComparisonOperator ?? "", c.AttributeValueList ?? []);
  // More than two only for an index with a multi-attribute key, checked against it later.
  if (entries.length === 0 || entries.length > 8) throw validation("Conditions can be of length 1 or 2 only");
  return entries.map(([name, c]) => ({ name, op: KEY_OPERATORS[c.ComparisonOperator ?? ""], values: c.AttributeValueList ?? [] }));
}

/** `KeyConditions` → a key condition, checked against the key schema. */
export function keyConditionFromKeyConditions(keyConditions: Readonly<Record<string, LegacyCondition>>, key: KeyNames): KeyCondition {
  return keyConditionFromParts(keyPartsFromKeyConditions(keyConditions), key);
}

/** `AttributeUpdates` → an update. */
export function updateFromAttributeUpdates(attributeUpdates: Readonly<Record<string, AttributeValueUpdate>>): Update {
  const actions: UpdateAction[] = [];
  for (const [name, update] of Object.entries(attributeUpdates)) {
    const action = update.Action ?? "PUT";
    const value = update.Value;
    const path = [name];
    if (value === undefined) {
      if (action !== "DELETE") throw validation(`${INVALID}Only DELETE action is allowed when no attribute value is specified`);
      actions.push({ kind: "REMOVE", path });
      continue;
    }
    const type = typeOf(value);
    const isSet = type === "SS" || type === "NS" || type === "BS";
    if (action === "PUT") actions.push({ kind: "SET", path, value: { kind: "value", value } });
    else if (action === "DELETE") {
      if (!isSet) throw validation(`${INVALID}DELETE action with value is not supported for the type ${type}`);
      actions.push({ kind: "DELETE", path, value });
    } else if (type === "L") {
      // Legacy ADD appends to a list (creating it when absent).
      const existing: UpdateValue = { kind: "if_not_exists", path, fallback: { kind: "value", value: { L: [] } } };
      actions.push({ kind: "SET", path, value: { kind: "list_append", left: existing, right: { kind: "value", value } } });
    } else {
      if (!isSet && type !== "N") throw validation(`${INVALID}ADD action is not supported for the type ${type}`);
      actions.push({ kind: "ADD", path, value });
    }
  }
  return { actions, legacy: true };
}

/** `AttributesToGet` → a projection of top-level names. */
export function projectionFromAttributesToGet(names: readonly string[]): Projection {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw validation(`${INVALID}Duplicate value in attribute name: ${name}`);
    seen.add(name);
  }
  return { paths: names.map((name) => [name]) };
}
