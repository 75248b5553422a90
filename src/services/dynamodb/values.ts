/**
 * DynamoDB attribute values: types, number semantics, ordering, equality,
 * item size, validation and an order-preserving key encoding.
 */

/** An attribute value as the JSON codec decodes it (blobs already decoded from base64). */
export type AttributeValue =
  | { S: string }
  | { N: string }
  | { B: Uint8Array }
  | { BOOL: boolean }
  | { NULL: true }
  | { M: Record<string, AttributeValue> }
  | { L: AttributeValue[] }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: Uint8Array[] };

export type Item = Record<string, AttributeValue>;

export type AttributeType = "S" | "N" | "B" | "BOOL" | "NULL" | "M" | "L" | "SS" | "NS" | "BS";

/** The key attribute types. */
export type KeyType = "S" | "N" | "B";

/** The type tag of a value. */
export function typeOf(value: AttributeValue): AttributeType {
  void value;
  throw new Error("not implemented");
}

/**
 * DynamoDB's canonical text of a number ("1.0" → "1", "-0" → "0", "1e2" →
 * "100"); throws DynamoDB's ValidationException for invalid, too precise,
 * too large or too small numbers.
 */
export function canonicalNumber(text: string): string {
  void text;
  throw new Error("not implemented");
}

/** Exact `a + b` of two numbers, canonical, limits checked. */
export function addNumbers(a: string, b: string): string {
  void a, b;
  throw new Error("not implemented");
}

/** Exact `a - b` of two numbers, canonical, limits checked. */
export function subtractNumbers(a: string, b: string): string {
  void a, b;
  throw new Error("not implemented");
}

/** Numeric comparison of two valid numbers: negative, 0 or positive. */
export function compareNumbers(a: string, b: string): number {
  void a, b;
  throw new Error("not implemented");
}

/**
 * Orders two values of the same scalar type as DynamoDB does (S by UTF-8
 * bytes, N numerically, B bytewise); undefined when the types differ or are
 * not ordered (DynamoDB's comparisons are then false).
 */
export function compareValues(a: AttributeValue, b: AttributeValue): number | undefined {
  void a, b;
  throw new Error("not implemented");
}

/** Deep equality of any two values; sets compare order-insensitively, numbers numerically. */
export function valuesEqual(a: AttributeValue, b: AttributeValue): boolean {
  void a, b;
  throw new Error("not implemented");
}

/** The size of an item as DynamoDB counts it against the 400 KB limit. */
export function itemSize(item: Item): number {
  void item;
  throw new Error("not implemented");
}

/** The size of one value as DynamoDB counts it. */
export function valueSize(value: AttributeValue): number {
  void value;
  throw new Error("not implemented");
}

/**
 * Checks a value from a request (empty sets, duplicate set members, invalid
 * numbers, recursively) and returns it with canonical numbers.
 */
export function validateItemValue(value: AttributeValue): AttributeValue {
  void value;
  throw new Error("not implemented");
}

/** `validateItemValue` for every attribute of an item. */
export function validateItem(item: Item): Item {
  void item;
  throw new Error("not implemented");
}

/**
 * An order-preserving, self-delimiting byte encoding of a key value (S, N,
 * B): comparing encodings bytewise orders values as DynamoDB orders sort
 * keys, and encodings can be concatenated (hash then range).
 */
export function encodeKeyValue(value: AttributeValue): Buffer {
  void value;
  throw new Error("not implemented");
}

/** Decodes one `encodeKeyValue` encoding of type `type` starting at `offset`. */
export function decodeKeyValue(
  bytes: Uint8Array,
  type: KeyType,
  offset = 0,
): { value: AttributeValue; end: number } {
  void bytes, type, offset;
  throw new Error("not implemented");
}
