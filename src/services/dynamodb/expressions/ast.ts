import type { AttributeValue } from "../values.js";

/**
 * One step of a document path: an attribute (or map key) name, already
 * resolved from `#name` placeholders, or a list index.
 */
export type PathElement = string | number;

/** `a.b[2].c` → `["a", "b", 2, "c"]`. The first element is always a name. */
export type DocumentPath = readonly PathElement[];

/** Something a condition compares: an attribute, a `:value`, or `size(path)`. */
export type Operand =
  | { readonly kind: "path"; readonly path: DocumentPath }
  | { readonly kind: "value"; readonly value: AttributeValue }
  | { readonly kind: "size"; readonly path: DocumentPath };

export type Comparator = "=" | "<>" | "<" | "<=" | ">" | ">=";

/** A parsed ConditionExpression / FilterExpression (or a converted legacy `Expected` / `*Filter`). */
export type Condition =
  | { readonly kind: "compare"; readonly op: Comparator; readonly left: Operand; readonly right: Operand }
  | { readonly kind: "between"; readonly operand: Operand; readonly low: Operand; readonly high: Operand }
  | { readonly kind: "in"; readonly operand: Operand; readonly list: readonly Operand[] }
  | { readonly kind: "and" | "or"; readonly left: Condition; readonly right: Condition }
  | { readonly kind: "not"; readonly condition: Condition }
  | { readonly kind: "attribute_exists" | "attribute_not_exists"; readonly path: DocumentPath }
  /** The operand is a path, or a constant (DynamoDB accepts `attribute_type(:v, :t)`). */
  | { readonly kind: "attribute_type"; readonly operand: Operand; readonly type: Operand }
  | { readonly kind: "begins_with" | "contains"; readonly left: Operand; readonly right: Operand }
  /** Legacy `NOT_CONTAINS`: the attribute exists and does not contain the value. */
  | { readonly kind: "not_contains"; readonly left: Operand; readonly right: Operand };

/** The right-hand side of a `SET` action. */
export type UpdateValue =
  | { readonly kind: "path"; readonly path: DocumentPath }
  | { readonly kind: "value"; readonly value: AttributeValue }
  | { readonly kind: "if_not_exists"; readonly path: DocumentPath; readonly fallback: UpdateValue }
  | { readonly kind: "list_append"; readonly left: UpdateValue; readonly right: UpdateValue }
  | { readonly kind: "+" | "-"; readonly left: UpdateValue; readonly right: UpdateValue };

export type UpdateAction =
  | { readonly kind: "SET"; readonly path: DocumentPath; readonly value: UpdateValue }
  | { readonly kind: "REMOVE"; readonly path: DocumentPath }
  | { readonly kind: "ADD"; readonly path: DocumentPath; readonly value: AttributeValue }
  | { readonly kind: "DELETE"; readonly path: DocumentPath; readonly value: AttributeValue };

/** A parsed UpdateExpression (or converted legacy `AttributeUpdates`). Actions apply in order. */
export interface Update {
  readonly actions: readonly UpdateAction[];
  /** Made from legacy AttributeUpdates, whose errors DynamoDB words differently. */
  readonly legacy?: boolean;
}

/** A parsed ProjectionExpression (or legacy `AttributesToGet`). */
export interface Projection {
  readonly paths: readonly DocumentPath[];
}

export type KeyRangeOperator = "=" | "<" | "<=" | ">" | ">=" | "BETWEEN" | "begins_with";

/** A parsed KeyConditionExpression (or legacy `KeyConditions`), checked against the key schema. */
export interface KeyCondition {
  readonly hashValue: AttributeValue;
  /** A multi-attribute index key: every partition key attribute's value, in key-schema order. */
  readonly hashValues?: readonly AttributeValue[];
  /** A multi-attribute index key: equalities on its leading sort key attributes, before `range`. */
  readonly rangeEquals?: readonly AttributeValue[];
  /** Absent when the query names only the partition key. `values` has two entries for BETWEEN, else one. */
  readonly range?: { readonly op: KeyRangeOperator; readonly values: readonly AttributeValue[] };
}
