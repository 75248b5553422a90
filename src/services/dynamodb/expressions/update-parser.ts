import type { Update } from "./ast.js";
import type { ExpressionContext } from "./index.js";

/** Parses an UpdateExpression. */
export function parseUpdate(text: string, ctx: ExpressionContext): Update {
  void text, ctx;
  throw new Error("not implemented");
}
