/**
 * Access keys kept in the metadata store: IAM users' keys now, STS's
 * temporary keys later. Authentication reads them straight from the store,
 * so a key works after a restart before the IAM service has even loaded.
 */
import type { KvEnvironment, KvStore } from "../storage/types.js";
import type { KeyUsage } from "./key-usage.js";
import type { CredentialProvider, KnownCredentials, Principal } from "./types.js";

/** The store IAM writes keys to and authentication reads them from. */
export const ACCESS_KEYS_STORE = "iam.access-keys";

export interface AccessKeyRecord {
  accessKeyId: string;
  secretAccessKey: string;
  status: "Active" | "Inactive";
  /** Epoch ms. */
  createdAt: number;
  /** The identity the key signs as. */
  principal: Principal;
  /** The IAM user that owns the key (absent for temporary keys). */
  userName?: string;
  sessionToken?: string;
  /** Epoch ms, for temporary keys. */
  expiresAt?: number;
}

export class StoredKeys implements CredentialProvider {
  private readonly keys: KvStore<AccessKeyRecord>;

  constructor(
    kv: KvEnvironment,
    private readonly usage?: KeyUsage,
  ) {
    this.keys = kv.store<AccessKeyRecord>(ACCESS_KEYS_STORE);
  }

  noteUse(accessKeyId: string, service: string, region: string, when: number): void {
    this.usage?.note(accessKeyId, service, region, when);
  }

  lookup(accessKeyId: string): KnownCredentials | undefined {
    const record = this.keys.get(accessKeyId);
    if (!record) return undefined;
    return {
      secretAccessKey: record.secretAccessKey,
      principal: record.principal,
      sessionToken: record.sessionToken,
      expiresAt: record.expiresAt,
      active: record.status === "Active",
    };
  }
}

/** Asks each provider in turn; the first that knows the key answers. */
export class CredentialChain implements CredentialProvider {
  constructor(private readonly providers: readonly CredentialProvider[]) {}

  lookup(accessKeyId: string): KnownCredentials | undefined {
    for (const provider of this.providers) {
      const found = provider.lookup(accessKeyId);
      if (found) return found;
    }
    return undefined;
  }

  noteUse(accessKeyId: string, service: string, region: string, when: number): void {
    for (const provider of this.providers) provider.noteUse?.(accessKeyId, service, region, when);
  }
}
