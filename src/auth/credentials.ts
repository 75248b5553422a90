/**
 * Access keys Nimbus knows. The built-in `test` key is the root of the
 * default account; IAM and STS add users' and temporary keys here.
 */
import type { CredentialProvider, KnownCredentials, Principal } from "./types.js";

export const DEFAULT_ACCOUNT_ID = "000000000000";

export function rootPrincipal(accountId: string, accessKeyId?: string): Principal {
  return { type: "root", accountId, arn: `arn:aws:iam::${accountId}:root`, userId: accountId, accessKeyId };
}

export const ANONYMOUS: Principal = { type: "anonymous", accountId: "", arn: "*", userId: "anonymous" };

export class CredentialRegistry implements CredentialProvider {
  private readonly keys = new Map<string, KnownCredentials>();

  add(accessKeyId: string, credentials: KnownCredentials): void {
    this.keys.set(accessKeyId, credentials);
  }

  remove(accessKeyId: string): void {
    this.keys.delete(accessKeyId);
  }

  lookup(accessKeyId: string): KnownCredentials | undefined {
    return this.keys.get(accessKeyId);
  }
}

export function createDefaultCredentials(): CredentialRegistry {
  const registry = new CredentialRegistry();
  registry.add("test", { secretAccessKey: "test", principal: rootPrincipal(DEFAULT_ACCOUNT_ID, "test"), active: true });
  return registry;
}

/**
 * Lenient mode's stand-in for a key nobody registered: a 12-digit key is
 * the root of that account, so multi-account tests need no setup; any
 * other key is the default account's root.
 */
export function lenientPrincipal(accessKeyId: string): Principal {
  return rootPrincipal(/^\d{12}$/.test(accessKeyId) ? accessKeyId : DEFAULT_ACCOUNT_ID, accessKeyId);
}
