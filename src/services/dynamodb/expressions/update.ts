import type { Item } from "../values.js";
import type { Update } from "./ast.js";
import type { UpdateResult } from "./index.js";

/** Applies the actions to a copy of `item` (pass the key alone when the item does not exist yet). */
export function applyUpdate(update: Update, item: Item): UpdateResult {
  void update, item;
  throw new Error("not implemented");
}
