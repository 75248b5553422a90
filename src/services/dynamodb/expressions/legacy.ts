/**
 * The pre-expression request parameters (`Expected`, `KeyConditions`,
 * `QueryFilter` / `ScanFilter`, `AttributeUpdates`, `AttributesToGet`),
 * converted into the same trees the expression parsers produce.
 */
import type { AttributeValue } from "../values.js";
import type { Condition, KeyCondition, Projection, Update } from "./ast.js";
import type { KeyNames } from "./key-condition.js";

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

/** `Expected` + `ConditionalOperator` → a condition; undefined when `Expected` is empty. */
export function conditionFromExpected(
  expected: Readonly<Record<string, ExpectedAttributeValue>>,
  conditionalOperator?: string,
): Condition | undefined {
  void expected, conditionalOperator;
  throw new Error("not implemented");
}

/** `QueryFilter` / `ScanFilter` (named by `parameter` in messages) → a condition. */
export function conditionFromFilter(
  filter: Readonly<Record<string, LegacyCondition>>,
  conditionalOperator: string | undefined,
  parameter: "QueryFilter" | "ScanFilter",
): Condition | undefined {
  void filter, conditionalOperator, parameter;
  throw new Error("not implemented");
}

/** `KeyConditions` → a key condition, checked against the key schema. */
export function keyConditionFromKeyConditions(
  keyConditions: Readonly<Record<string, LegacyCondition>>,
  key: KeyNames,
): KeyCondition {
  void keyConditions, key;
  throw new Error("not implemented");
}

/** `AttributeUpdates` → an update. */
export function updateFromAttributeUpdates(attributeUpdates: Readonly<Record<string, AttributeValueUpdate>>): Update {
  void attributeUpdates;
  throw new Error("not implemented");
}

/** `AttributesToGet` → a projection of top-level names. */
export function projectionFromAttributesToGet(names: readonly string[]): Projection {
  return { paths: names.map((name) => [name]) };
}
