/** Reading values at document paths. */
import type { AttributeValue, Item } from "../values.js";
import type { DocumentPath } from "./ast.js";

/**
 * `record[key]` for own keys only: attribute names such as "constructor"
 * must not find Object.prototype members in a JSON-decoded map.
 */
export function own(record: Readonly<Record<string, AttributeValue>>, key: string): AttributeValue | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** The value at `path` in `item`, or undefined when any step is missing or of the wrong kind. */
export function getPath(item: Item | undefined, path: DocumentPath): AttributeValue | undefined {
  if (item === undefined) return undefined;
  const head = path[0];
  let value: AttributeValue | undefined = typeof head === "string" ? own(item, head) : undefined;
  for (let i = 1; i < path.length && value !== undefined; i++) {
    const step = path[i];
    if (typeof step === "string") value = "M" in value ? own(value.M, step) : undefined;
    else value = "L" in value ? value.L[step] : undefined;
  }
  return value;
}
