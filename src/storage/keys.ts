/**
 * Key order, shared by both KvStore implementations: lmdb's ordered-binary
 * encoding (arrays element by element, strings as UTF-8 bytes, numbers
 * numerically). The in-memory store compares with the same function, so
 * the two agree by construction.
 */
import { toBufferKey } from "ordered-binary";
import type { Key, KeyPart } from "./types.js";

/** A key in its stored byte form; byte order is key order. */
export function encodeKey(key: Key): Buffer {
  return toBufferKey(key as never);
}

export function compareKeys(a: Key, b: Key): number {
  return Buffer.compare(encodeKey(a), encodeKey(b));
}

/**
 * The range of every key that begins with `prefix`. The end bound is the
 * last element followed by U+0000: ordered-binary writes it as an escape
 * that sorts after the element separator, and before any other character.
 */
export function prefixRange(prefix: readonly KeyPart[]): { start: Key; end: Key } {
  const last = prefix[prefix.length - 1];
  if (typeof last !== "string") throw new Error("prefixRange: the last prefix element must be a string");
  return { start: [...prefix], end: [...prefix.slice(0, -1), `${last}\u0000`] };
}
