/**
 * IAM's state over the shared store. Names are unique per account without
 * regard to case (as IAM's are), so records are keyed by the lower-cased
 * name and keep the name as given. Access keys live in the store that
 * authentication reads (src/auth/stored-keys.ts).
 */
import { ACCESS_KEYS_STORE, type AccessKeyRecord } from "../../auth/stored-keys.js";
import { prefixRange } from "../../storage/index.js";
import type { KvEnvironment, KvStore } from "../../storage/types.js";

export const USERS_STORE = "iam.users";
export const POLICIES_STORE = "iam.policies";
export const USER_POLICIES_STORE = "iam.user-policies";

export interface Tag {
  Key: string;
  Value: string;
}

export interface UserRecord {
  accountId: string;
  userName: string;
  userId: string;
  path: string;
  /** Epoch ms. */
  createdAt: number;
  tags: Tag[];
  accessKeyIds: string[];
  /** ARNs of attached managed policies. */
  attachedPolicies?: string[];
}

export interface PolicyVersionRecord {
  versionId: string;
  /** The document as given (IAM answers it URL-encoded). */
  document: string;
  createdAt: number;
}

/** A customer managed policy, keyed by its ARN. */
export interface ManagedPolicyRecord {
  arn: string;
  accountId: string;
  policyName: string;
  policyId: string;
  path: string;
  description?: string;
  createdAt: number;
  updatedAt: number;
  defaultVersionId: string;
  versions: PolicyVersionRecord[];
  /** Next version number to hand out (IAM never reuses one). */
  nextVersion: number;
  attachmentCount: number;
  tags: Tag[];
}

/** An inline policy embedded in a user, keyed [account, user (lower case), policy name]. */
export interface InlinePolicyRecord {
  policyName: string;
  document: string;
}

export function userArn(user: Pick<UserRecord, "accountId" | "path" | "userName">): string {
  return `arn:aws:iam::${user.accountId}:user${user.path}${user.userName}`;
}

export class IamStore {
  readonly users: KvStore<UserRecord>;
  readonly keys: KvStore<AccessKeyRecord>;
  readonly policies: KvStore<ManagedPolicyRecord>;
  readonly userPolicies: KvStore<InlinePolicyRecord>;

  constructor(readonly kv: KvEnvironment) {
    this.users = kv.store<UserRecord>(USERS_STORE);
    this.keys = kv.store<AccessKeyRecord>(ACCESS_KEYS_STORE);
    this.policies = kv.store<ManagedPolicyRecord>(POLICIES_STORE);
    this.userPolicies = kv.store<InlinePolicyRecord>(USER_POLICIES_STORE);
  }

  inlinePoliciesOf(accountId: string, userName: string): InlinePolicyRecord[] {
    return [...this.userPolicies.range(prefixRange([accountId, userName.toLowerCase()]))].map((e) => e.value);
  }

  user(accountId: string, userName: string): UserRecord | undefined {
    return this.users.get([accountId, userName.toLowerCase()]);
  }

  /** Users of an account in name order, after `marker` (a lower-cased name). */
  *usersOf(accountId: string, after?: string): Iterable<UserRecord> {
    const range = prefixRange([accountId]);
    for (const { value } of this.users.range({ start: after === undefined ? range.start : [accountId, `${after}\u0000`], end: range.end })) {
      yield value;
    }
  }
}

export function userKey(user: Pick<UserRecord, "accountId" | "userName">): [string, string] {
  return [user.accountId, user.userName.toLowerCase()];
}
