/**
 * Server-side encryption with customer-provided keys (SSE-C). A write
 * names a 256-bit AES key with its MD5; S3 keeps only the MD5, and every
 * later read, part upload or copy of the object must present the same key.
 * Nimbus checks keys exactly as S3 does and answers the same headers; the
 * bytes it stores on disk are not themselves encrypted (it is a local
 * emulator: the key's purpose here is the contract, not secrecy).
 */
import { createHash } from "node:crypto";
import { AwsError } from "../../server/errors.js";
import { s3Errors } from "./errors.js";
import type { Encryption } from "./records.js";
import { kmsEtag, kmsOutput } from "./sse-kms.js";

/** SSE-C's request members, under their plain names or the copy source's. */
export interface CustomerKeyInput {
  SSECustomerAlgorithm?: string;
  SSECustomerKey?: string;
  SSECustomerKeyMD5?: string;
}

export interface CopySourceKeyInput {
  CopySourceSSECustomerAlgorithm?: string;
  CopySourceSSECustomerKey?: string;
  CopySourceSSECustomerKeyMD5?: string;
}

/** Every SSE-C error names this header, whichever header was wrong. */
const ARGUMENT = "x-amz-server-side-encryption";

/** A key error: its value S3 gives as the text `null`. */
const invalidKey = (message: string) => s3Errors.invalidArgument(message, ARGUMENT, "null");

/**
 * The MD5 (base64) of the key a request presents, or undefined where it
 * presents none; a key given incompletely, of the wrong size or with the
 * wrong MD5 is refused as S3 refuses it.
 */
export function presentedKey(input: CustomerKeyInput): string | undefined {
  const { SSECustomerAlgorithm: algorithm, SSECustomerKey: key, SSECustomerKeyMD5: md5 } = input;
  if (algorithm === undefined && key === undefined && md5 === undefined) return undefined;
  if (algorithm === undefined) throw invalidKey("Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.");
  if (algorithm !== "AES256") {
    throw new AwsError("InvalidEncryptionAlgorithmError", "The Encryption request you specified is not valid. Supported value: AES256.", 400, {
      ArgumentName: ARGUMENT,
      ArgumentValue: algorithm,
    });
  }
  if (key === undefined) throw invalidKey("Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key.");
  const bytes = Buffer.from(key, "base64");
  if (bytes.length !== 32 || bytes.toString("base64") !== key) throw invalidKey("The secret key was invalid for the specified algorithm.");
  const actual = createHash("md5").update(bytes).digest("base64");
  if (md5 === undefined) {
    throw invalidKey("Requests specifying Server Side Encryption with Customer provided keys must provide the client calculated MD5 of the secret key.");
  }
  if (md5 !== actual) throw invalidKey("The calculated MD5 hash of the key did not match the hash that was provided.");
  return actual;
}

/** The copy source's key, under its own headers. */
export function presentedSourceKey(input: CopySourceKeyInput): string | undefined {
  return presentedKey({
    SSECustomerAlgorithm: input.CopySourceSSECustomerAlgorithm,
    SSECustomerKey: input.CopySourceSSECustomerKey,
    SSECustomerKeyMD5: input.CopySourceSSECustomerKeyMD5,
  });
}

/**
 * A read of an object must present the key it was written with, and only
 * then: no key (400), the wrong key (403), or a key for an object stored
 * without one (400) are each refused.
 */
export function checkPresentedKey(stored: string | undefined, presented: string | undefined, method: string): void {
  if (stored === presented) return;
  if (stored === undefined) throw s3Errors.invalidRequest("The encryption parameters are not applicable to this object.");
  if (presented === undefined) {
    throw s3Errors.invalidRequest("The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.");
  }
  // HEAD answers have no body to say it in.
  throw new AwsError("AccessDenied", method === "HEAD" ? "" : "Requests specifying Server Side Encryption with Customer provided keys must provide the correct secret key.", 403);
}

/** A part of an upload presents the key the upload began with, or none where it began with none. */
export function checkPartKey(stored: string | undefined, presented: string | undefined): void {
  if (stored === presented) return;
  if (stored === undefined || presented === undefined) {
    throw s3Errors.invalidRequest("The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters.");
  }
  throw s3Errors.invalidRequest("The provided encryption parameters did not match the ones used originally.");
}

/**
 * An SSE-C object's ETag: S3's is not the MD5 of the bytes (it is taken
 * over what is stored, encrypted), so it is derived from both the bytes'
 * MD5 and the key's.
 */
function encryptedEtag(md5Hex: string, keyMd5: string): string {
  return createHash("md5").update(`${md5Hex}:${keyMd5}`).digest("hex");
}

/** The answer's encryption members: the customer key's, the KMS key's, or SSE-S3's where the object has neither. */
export function encryptionOutput({ sseCustomerKeyMd5, kms }: Encryption): Record<string, unknown> {
  if (sseCustomerKeyMd5 !== undefined) return { SSECustomerAlgorithm: "AES256", SSECustomerKeyMD5: sseCustomerKeyMd5 };
  return kms === undefined ? { ServerSideEncryption: "AES256" } : kmsOutput(kms);
}

/**
 * An object's or part's ETag, quoted: the MD5 of its bytes under SSE-S3,
 * something else under a customer or KMS key (S3 takes it over what it
 * stores, encrypted).
 */
export function etagOf(md5Hex: string, { sseCustomerKeyMd5, kms }: Encryption): string {
  if (sseCustomerKeyMd5 !== undefined) return `"${encryptedEtag(md5Hex, sseCustomerKeyMd5)}"`;
  return `"${kms === undefined ? md5Hex : kmsEtag()}"`;
}
