import type { AttributeValue } from "../values.js";
import type { ExpressionContext } from "./index.js";

/** A context for one request's expressions. */
export function createContext(
  names?: Readonly<Record<string, string>>,
  values?: Readonly<Record<string, AttributeValue>>,
): ExpressionContext {
  return { names, values, usedNames: new Set(), usedValues: new Set() };
}

/** Refuses `ExpressionAttributeNames` / `Values` that no expression of the request used. */
export function checkAllUsed(ctx: ExpressionContext): void {
  void ctx;
  throw new Error("not implemented");
}
