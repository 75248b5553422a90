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
 * two agree by construction. Both go through `storedKey` first, which
 * fills a gap in ordered-binary (see there).
 */
import { fromBufferKey, MAXIMUM_KEY, toBufferKey } from "ordered-binary";
import type { Key, KeyBound, KeyPart } from "./types.js";

/** LMDB's limit on an encoded key (its default build); the in-memory store keeps to it too. */
export const MAX_KEY_BYTES = 1978;

/**
 * Whether `key` fits the store. No longer key was ever written, so a
 * lookup of one finds nothing; encoding one of 8 KB or more would overflow
 * ordered-binary's buffer, and LMDB refuses one over its limit. Nearly
 * every key is told by its length alone: a character takes at most three
 * bytes, a part a few more.
 */
export function fitsStore(key: Key): boolean {
  let chars = 0;
  let parts = 1;
  if (typeof key === "string") chars = key.length;
  else if (typeof key !== "number") {
    parts = key.length;
    for (const part of key) if (typeof part === "string") chars += part.length;
  }
  if (chars * 3 + parts * 10 <= MAX_KEY_BYTES) return true;
  // Every character takes a byte at least.
  return chars <= MAX_KEY_BYTES && encodeKey(key).length <= MAX_KEY_BYTES;
}

/** A key (or bound) in its stored byte form; byte order is key order. */
export function encodeKey(key: KeyBound): Buffer {
  // ordered-binary's Key type wants mutable arrays; it never mutates ours.
  return toBufferKey(storedKey(key) as Parameters<typeof toBufferKey>[0]);
}

/**
 * ordered-binary escapes U+0000..U+0004 (as the bytes 0x04, c) only in
 * strings shorter than 64 UTF-16 units; a longer string goes out as its
 * raw UTF-8, whose 0x00..0x03 bytes then read as the end of the element.
 * Such keys would collide and misorder (a 70-character DynamoDB sort key
 * holding a NUL, an S3 key with a control character). A long string
 * holding one of those characters is handed over with each of them spelled
 * as U+0004 then itself, whose raw UTF-8 is exactly the escape a short
 * string gets: every string then encodes alike, and decodes to itself.
 * Keys without them (nearly all) are returned as they are.
 */
export function storedKey(key: KeyBound): KeyBound {
  if (typeof key === "string") return needsEscape(key) ? escapeLow(key) : key;
  if (typeof key === "number") return key;
  let escaped: (KeyPart | Uint8Array)[] | undefined;
  for (let i = 0; i < key.length; i++) {
    const part = key[i]!;
    if (typeof part !== "string" || !needsEscape(part)) continue;
    escaped ??= [...key];
    escaped[i] = escapeLow(part);
  }
  return escaped ?? key;
}

/** The length from which ordered-binary stops escaping. */
const ESCAPE_FROM = 64;
// eslint-disable-next-line no-control-regex
const LOW = /[\u0000-\u0004]/;
// eslint-disable-next-line no-control-regex
const EVERY_LOW = /[\u0000-\u0004]/g;

function needsEscape(s: string): boolean {
  return s.length >= ESCAPE_FROM && LOW.test(s);
}

/** The bytes a string key part takes once stored (its UTF-8, plus one per escaped character). */
export function storedBytes(part: string): number {
  const bytes = Buffer.byteLength(part);
  if (!needsEscape(part)) return bytes;
  let escaped = 0;
  for (let i = 0; i < part.length; i++) if (part.charCodeAt(i) <= 4) escaped++;
  return bytes + escaped;
}

function escapeLow(s: string): string {
  return s.replace(EVERY_LOW, (c) => `\u0004${c}`);
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
