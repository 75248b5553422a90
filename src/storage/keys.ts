/**
 * Key order, shared by both KvStore implementations: lmdb's ordered-binary
 * encoding. Byte order of the encoding is key order, so:
 *
 * - numbers sort before strings, numerically (negative before positive);
 * - strings sort by their UTF-8 bytes (so "\uffff" < "😀");
 * - arrays sort element by element, a shorter array before its extensions:
 *   ["a"] < ["a", "b"] < ["a\u0000"] < ["ab"];
 * - a one-element array is the same key as its element (["a"] is "a"), and
 *   comes back from a range as the bare element.
 *
 * The in-memory store encodes and decodes with the same functions, so the
 * two agree by construction. One quirk is inherited: ordered-binary escapes
 * U+0000..U+0004 only in strings shorter than 64 UTF-16 units, so keys
 * with those characters in long strings may order or collide unexpectedly.
 */
import { fromBufferKey, MAXIMUM_KEY, toBufferKey } from "ordered-binary";
import type { Key, KeyBound, KeyPart } from "./types.js";

/** A key (or bound) in its stored byte form; byte order is key order. */
export function encodeKey(key: KeyBound): Buffer {
  // ordered-binary's Key type wants mutable arrays; it never mutates ours.
  return toBufferKey(key as Parameters<typeof toBufferKey>[0]);
}

/** The key as lmdb hands it back: a one-element array comes back bare. */
export function decodeKey(encoded: Buffer): Key {
  return fromBufferKey(encoded) as Key;
}

export function compareKeys(a: KeyBound, b: KeyBound): number {
  return Buffer.compare(encodeKey(a), encodeKey(b));
}

/**
 * The range of every key that begins with the elements of `prefix`, the
 * prefix itself included: `[...prefix]` up to `[...prefix, 0xff]`. After
 * the prefix a longer key has a 0x00 separator and then an element, whose
 * first byte is at most 0xf4 (UTF-8) — so the raw byte 0xff bounds them all,
 * for string and number elements alike and however long the last one is.
 */
export function prefixRange(prefix: readonly KeyPart[]): { start: Key; end: KeyBound } {
  if (prefix.length === 0) throw new Error("prefixRange: the prefix needs at least one element");
  return { start: [...prefix], end: [...prefix, MAXIMUM_KEY] };
}
