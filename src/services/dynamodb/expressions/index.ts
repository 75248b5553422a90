/**
 * DynamoDB's expression language as a pure library: parse once, evaluate
 * many times. Every misuse throws `AwsError("ValidationException", …)` with
 * DynamoDB's own message text.
 *
 * Typical use by an operation (UpdateItem):
 *
 *   const ctx = createContext(input.ExpressionAttributeNames, input.ExpressionAttributeValues);
 *   const update = parseUpdate(input.UpdateExpression, ctx);
 *   const condition = input.ConditionExpression ? parseCondition(input.ConditionExpression, ctx, "ConditionExpression") : undefined;
 *   checkAllUsed(ctx); // unused #names / :values are an error, across all expressions of the request
 *   if (condition && !evaluateCondition(condition, old)) throw conditionalCheckFailed;
 *   const { item, updatedPaths } = applyUpdate(update, old ?? key);
 */
import type { AttributeValue, Item } from "../values.js";
import type { DocumentPath } from "./ast.js";

export type * from "./ast.js";

/**
 * The placeholders a request supplies, shared by all expressions of that
 * request. The parse functions record which ones they used so that
 * `checkAllUsed` can refuse the leftovers as DynamoDB does.
 */
export interface ExpressionContext {
  readonly names?: Readonly<Record<string, string>>;
  readonly values?: Readonly<Record<string, AttributeValue>>;
  readonly usedNames: Set<string>;
  readonly usedValues: Set<string>;
}

export type ConditionKind = "ConditionExpression" | "FilterExpression";

/** The result of `applyUpdate`. The input item is never mutated. */
export interface UpdateResult {
  readonly item: Item;
  /** Top-level attribute names that were set, changed or removed. */
  readonly updatedNames: readonly string[];
  /**
   * The document paths the actions wrote (as written in the expression), for
   * ReturnValues UPDATED_OLD / UPDATED_NEW: `project(oldItem, { paths: updatedPaths })`.
   */
  readonly updatedPaths: readonly DocumentPath[];
}

export { createContext, checkAllUsed } from "./context.js";
export { parseCondition } from "./condition-parser.js";
export { evaluateCondition } from "./condition.js";
export { parseUpdate } from "./update-parser.js";
export { applyUpdate } from "./update.js";
export { parseProjection, project } from "./projection.js";
export { keyConditionFromParts, keyPartsOf, parseKeyCondition, parseKeyConditionSyntax } from "./key-condition.js";
export {
  checkConditionalOperator,
  conditionFromExpected,
  conditionFromFilter,
  keyConditionFromKeyConditions,
  keyPartsFromKeyConditions,
  updateFromAttributeUpdates,
  projectionFromAttributesToGet,
} from "./legacy.js";

// Signatures, for readers who stop here:
//
//   createContext(names?, values?): ExpressionContext
//   checkAllUsed(ctx): void
//   parseCondition(text, ctx, kind: ConditionKind): Condition
//   evaluateCondition(condition, item: Item | undefined): boolean
//   parseUpdate(text, ctx): Update
//   applyUpdate(update, item: Item): UpdateResult
//   parseProjection(text, ctx): Projection
//   project(item, projection): Item
//   parseKeyCondition(text, ctx, key: { hash: string; range?: string }): KeyCondition
//   conditionFromExpected(expected, conditionalOperator?): Condition | undefined
//   conditionFromFilter(filter, conditionalOperator?, parameterName): Condition | undefined
//   keyConditionFromKeyConditions(keyConditions, key): KeyCondition
//   updateFromAttributeUpdates(attributeUpdates): Update
//   projectionFromAttributesToGet(names): Projection
export type { AttributeValue, Item };
export type { KeyNames, KeyPart } from "./key-condition.js";
export type { ExpectedAttributeValue, LegacyCondition, AttributeValueUpdate } from "./legacy.js";
