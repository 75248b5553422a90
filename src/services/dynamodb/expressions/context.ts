import type { AttributeValue } from "../values.js";
import { validation } from "./errors.js";
import type { ExpressionContext } from "./index.js";

/** A context for one request's expressions. */
export function createContext(
  names?: Readonly<Record<string, string>>,
  values?: Readonly<Record<string, AttributeValue>>,
): ExpressionContext {
  return { names, values, usedNames: new Set(), usedValues: new Set() };
}

/**
 * Refuses `ExpressionAttributeNames` / `Values` that no expression of the
 * request used; call after parsing all of the request's expressions.
 */
export function checkAllUsed(ctx: ExpressionContext): void {
  const names = Object.keys(ctx.names ?? {}).filter((k) => !ctx.usedNames.has(k));
  if (names.length > 0) {
    throw validation(`Value provided in ExpressionAttributeNames unused in expressions: keys: {${names.join(", ")}}`);
  }
  const values = Object.keys(ctx.values ?? {}).filter((k) => !ctx.usedValues.has(k));
  if (values.length > 0) {
    throw validation(`Value provided in ExpressionAttributeValues unused in expressions: keys: {${values.join(", ")}}`);
  }
}
