/**
 * Random identifiers (request ids, blob ids) from a pool of random bytes
 * refilled in bulk: one system call per few hundred ids instead of one each.
 */
import { createHash, randomFillSync } from "node:crypto";

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
const BASE32HEX = Buffer.from("0123456789ABCDEFGHIJKLMNOPQRSTUV", "latin1");
/** Where ids are spelled before they become strings (one flat string each, not a chain of concatenations). */
const spelled = Buffer.alloc(256);

/** `length` (up to 256) random base32hex digits (upper case). */
export function randomBase32Hex(length: number): string {
  const start = take(length);
  for (let i = 0; i < length; i++) spelled[i] = BASE32HEX[pool[start + i]! & 31]!;
  return spelled.toString("latin1", 0, length);
}

/**
 * The id of an account's AWS-managed KMS key for a service in a region
 * (`aws/s3`, `aws/dynamodb`): stable, and shaped as KMS shapes key ids.
 */
export function managedKeyId(alias: string, accountId: string, region: string): string {
  const h = createHash("sha256").update(`${alias}\0${accountId}\0${region}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
