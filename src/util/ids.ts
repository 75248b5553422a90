/**
 * Random identifiers (request ids, blob ids) from a pool of random bytes
 * refilled in bulk: one system call per few hundred ids instead of one each.
 */
import { randomFillSync } from "node:crypto";

const pool = Buffer.alloc(4096);
let offset = pool.length;

/** `bytes` random bytes as lower-case hex. */
export function randomHex(bytes: number): string {
  if (offset + bytes > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const id = pool.toString("hex", offset, offset + bytes);
  offset += bytes;
  return id;
}
