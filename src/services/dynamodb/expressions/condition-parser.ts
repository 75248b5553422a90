import type { Condition } from "./ast.js";
import type { ConditionKind, ExpressionContext } from "./index.js";

/** Parses a ConditionExpression or FilterExpression (`kind` names it in error messages). */
export function parseCondition(text: string, ctx: ExpressionContext, kind: ConditionKind): Condition {
  void text, ctx, kind;
  throw new Error("not implemented");
}
