import type { Item } from "../values.js";
import type { Condition } from "./ast.js";

/** True when `item` (undefined: no such item) satisfies the condition. */
export function evaluateCondition(condition: Condition, item: Item | undefined): boolean {
  void condition, item;
  throw new Error("not implemented");
}
