import type { KeyCondition } from "./ast.js";
import type { ExpressionContext } from "./index.js";

/** The key attribute names of the table or index being queried. */
export interface KeyNames {
  readonly hash: string;
  readonly range?: string;
}

/** Parses a KeyConditionExpression and checks it against the key schema. */
export function parseKeyCondition(text: string, ctx: ExpressionContext, key: KeyNames): KeyCondition {
  void text, ctx, key;
  throw new Error("not implemented");
}
