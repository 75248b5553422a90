/**
 * IAM's state over the shared store. Names are unique per account without
 * regard to case (as IAM's are), so records are keyed by the lower-cased
 * name and keep the name as given. Access keys live in the store that
 * authentication reads (src/auth/stored-keys.ts).
 */
import { ACCESS_KEYS_STORE, type AccessKeyRecord } from "../../auth/stored-keys.js";
import type { PrincipalDirectory } from "../../policy/principals.js";
import { prefixRange } from "../../storage/index.js";
import type { KvEnvironment, KvStore } from "../../storage/types.js";

export const USERS_STORE = "iam.users";
export const GROUPS_STORE = "iam.groups";
export const ROLES_STORE = "iam.roles";
export const POLICIES_STORE = "iam.policies";
/** Instance profiles, keyed [account, name (lower case)]. */
export const INSTANCE_PROFILES_STORE = "iam.instance-profiles";
/** Inline policies of users, groups and roles, keyed [account, kind, name (lower case), policy name]. */
export const INLINE_POLICIES_STORE = "iam.inline-policies";

/** The identities policies attach to. */
export type EntityKind = "user" | "group" | "role";

export const ENTITY_STORES: Record<EntityKind, string> = { user: USERS_STORE, group: GROUPS_STORE, role: ROLES_STORE };

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

export interface GroupRecord {
  accountId: string;
  groupName: string;
  groupId: string;
  path: string;
  createdAt: number;
  /** Member user names, lower-cased. */
  members: string[];
  attachedPolicies?: string[];
}

export interface RoleRecord {
  accountId: string;
  roleName: string;
  roleId: string;
  path: string;
  createdAt: number;
  /** The trust policy, as given. */
  assumeRolePolicy: string;
  description?: string;
  /** Seconds; 3600 unless set. */
  maxSessionDuration: number;
  tags: Tag[];
  attachedPolicies?: string[];
}

/** A container for one role that EC2 instances take on. */
export interface InstanceProfileRecord {
  accountId: string;
  instanceProfileName: string;
  instanceProfileId: string;
  path: string;
  createdAt: number;
  /** Role names, lower-cased (IAM allows at most one). */
  roles: string[];
  tags: Tag[];
}

/** An inline policy embedded in a user, group or role. */
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
  readonly groups: KvStore<GroupRecord>;
  readonly roles: KvStore<RoleRecord>;
  readonly policies: KvStore<ManagedPolicyRecord>;
  readonly inlinePolicies: KvStore<InlinePolicyRecord>;
  readonly instanceProfiles: KvStore<InstanceProfileRecord>;

  constructor(readonly kv: KvEnvironment) {
    this.users = kv.store<UserRecord>(USERS_STORE);
    this.groups = kv.store<GroupRecord>(GROUPS_STORE);
    this.roles = kv.store<RoleRecord>(ROLES_STORE);
    this.keys = kv.store<AccessKeyRecord>(ACCESS_KEYS_STORE);
    this.policies = kv.store<ManagedPolicyRecord>(POLICIES_STORE);
    this.inlinePolicies = kv.store<InlinePolicyRecord>(INLINE_POLICIES_STORE);
    this.instanceProfiles = kv.store<InstanceProfileRecord>(INSTANCE_PROFILES_STORE);
  }

  /** Instance profiles of an account in name order. */
  instanceProfilesOf(accountId: string): InstanceProfileRecord[] {
    return [...this.instanceProfiles.range(prefixRange([accountId]))].map((e) => e.value);
  }

  inlinePoliciesOf(accountId: string, kind: EntityKind, name: string): InlinePolicyRecord[] {
    return [...this.inlinePolicies.range(prefixRange([accountId, kind, name.toLowerCase()]))].map((e) => e.value);
  }

  group(accountId: string, name: string): GroupRecord | undefined {
    return this.groups.get([accountId, name.toLowerCase()]);
  }

  role(accountId: string, name: string): RoleRecord | undefined {
    return this.roles.get([accountId, name.toLowerCase()]);
  }

  /** Groups of an account in name order. */
  groupsOf(accountId: string): GroupRecord[] {
    return [...this.groups.range(prefixRange([accountId]))].map((e) => e.value);
  }

  rolesOf(accountId: string): RoleRecord[] {
    return [...this.roles.range(prefixRange([accountId]))].map((e) => e.value);
  }

  /** The account root's own long-term access keys, in key order. */
  rootKeysOf(accountId: string): AccessKeyRecord[] {
    return [...this.keys.range()]
      .map((entry) => entry.value)
      .filter((k) => k.userName === undefined && k.sessionToken === undefined && k.principal.type === "root" && k.principal.accountId === accountId)
      .sort((a, b) => (a.accessKeyId < b.accessKeyId ? -1 : a.accessKeyId > b.accessKeyId ? 1 : 0));
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

/** The users and roles a policy may name as principals, as this store holds them. */
export function principalDirectory(store: IamStore): PrincipalDirectory {
  return {
    user: (accountId, path, name) => store.user(accountId, name)?.path === path,
    role: (accountId, path, name) => {
      const role = store.role(accountId, name);
      return role !== undefined && (path === undefined || role.path === path);
    },
  };
}
