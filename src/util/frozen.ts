/**
 * Freezes a value and everything it holds; a value already frozen is taken
 * as frozen throughout. Buffers and other typed arrays cannot be frozen and
 * are left as they are: holders of a frozen value never write to them.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value) && !ArrayBuffer.isView(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
