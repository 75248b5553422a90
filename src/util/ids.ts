/**
 * Random identifiers (request ids, blob ids) from a pool of random bytes
 * refilled in bulk: one system call per few hundred ids instead of one each.
 */
import { randomFillSync } from "node:crypto";

const pool = Buffer.alloc(4096);
let offset = pool.length;

/** The start of `bytes` fresh random bytes in the pool. */
function take(bytes: number): number {
  if (offset + bytes > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const start = offset;
  offset += bytes;
  return start;
}

/** `bytes` random bytes as lower-case hex. */
export function randomHex(bytes: number): string {
  const start = take(bytes);
  return pool.toString("hex", start, start + bytes);
}

/** Base32hex's digits, 0-9 then A-V: the alphabet of DynamoDB's request ids. */
const BASE32HEX = "0123456789ABCDEFGHIJKLMNOPQRSTUV";

/** `length` random base32hex digits (upper case). */
export function randomBase32Hex(length: number): string {
  const start = take(length);
  let id = "";
  for (let i = start; i < start + length; i++) id += BASE32HEX[pool[i]! & 31];
  return id;
}
