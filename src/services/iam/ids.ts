/**
 * Identifiers as IAM makes them: a four-letter prefix naming the kind
 * (AIDA users, AKIA access keys, AROA roles, ANPA policies, AIPA instance
 * profiles) and random upper-case letters and digits; secrets are 40
 * characters of base64.
 */
import { randomBytes } from "node:crypto";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function randomId(prefix: string, length: number): string {
  const bytes = randomBytes(length - prefix.length);
  let id = prefix;
  for (const byte of bytes) id += ALPHABET[byte & 31];
  return id;
}

export const newUserId = (): string => randomId("AIDA", 21);
export const newAccessKeyId = (): string => randomId("AKIA", 20);
export const newPolicyId = (): string => randomId("ANPA", 21);
export const newGroupId = (): string => randomId("AGPA", 21);
export const newRoleId = (): string => randomId("AROA", 21);
export const newInstanceProfileId = (): string => randomId("AIPA", 21);
export const newServerCertificateId = (): string => randomId("ASCA", 21);
/** Signing certificates' ids have no prefix: 32 letters and digits. */
export const newCertificateId = (): string => randomId("", 32);
/** Temporary (STS) access keys start ASIA. */
export const newTemporaryKeyId = (): string => randomId("ASIA", 20);

/** An opaque session token, long as AWS's are. */
export function newSessionToken(): string {
  return `FwoGZXIvYXdzE${randomBytes(192).toString("base64")}`;
}

export function newSecretAccessKey(): string {
  return randomBytes(30).toString("base64").replace(/[+]/g, "A").slice(0, 40);
}
