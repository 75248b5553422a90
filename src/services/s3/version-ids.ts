/**
 * Version ids as S3 gives them: 32 characters of `[A-Za-z0-9._]`. S3's
 * ids carry structure — a made-up id of the right length is refused as
 * invalid, while a real id of a version since deleted is well formed and
 * still orders a listing — so Nimbus's do too: 24 bytes holding the
 * version's position among its key's versions, random bytes, and a check
 * over both.
 */
import { createHash, randomBytes } from "node:crypto";

const ID_BYTES = 24;
const ORDER_BYTES = 8;
const CHECK_BYTES = 3;
const SALT = "nimbus/s3/version-id";

/** A new id for the version at `order` (its position in the key's versions store, newest lowest). */
export function newVersionId(order: number): string {
  const bytes = Buffer.allocUnsafe(ID_BYTES);
  bytes.writeBigUInt64BE(BigInt(order), 0);
  randomBytes(ID_BYTES - ORDER_BYTES - CHECK_BYTES).copy(bytes, ORDER_BYTES);
  check(bytes).copy(bytes, ID_BYTES - CHECK_BYTES);
  return bytes.toString("base64").replaceAll("+", ".").replaceAll("/", "_");
}

/** The order an id of ours was made for, or undefined when it is not one. */
export function versionOrder(id: string): number | undefined {
  if (id.length !== 32 || !/^[A-Za-z0-9._]+$/.test(id)) return undefined;
  const bytes = Buffer.from(id.replaceAll(".", "+").replaceAll("_", "/"), "base64");
  if (bytes.length !== ID_BYTES || !check(bytes).equals(bytes.subarray(ID_BYTES - CHECK_BYTES))) return undefined;
  return Number(bytes.readBigUInt64BE(0));
}

function check(bytes: Buffer): Buffer {
  return createHash("sha256").update(SALT).update(bytes.subarray(0, ID_BYTES - CHECK_BYTES)).digest().subarray(0, CHECK_BYTES);
}
