/**
 * The identity policies of a caller, read from IAM's store: a user's
 * inline and attached policies and its groups', or an assumed role's; and
 * roles' trust policies as the roles' resource policies. Read directly
 * from storage, so enforcement works before the IAM service has loaded.
 */
import type { Principal } from "../../auth/types.js";
import type { PolicyDocument } from "../../policy/document.js";
import type { NamedPolicy } from "../../policy/evaluate.js";
import { arnAccount, parseStored, type PolicySource } from "../../policy/source.js";
import type { KvEnvironment } from "../../storage/types.js";
import { awsManagedPolicy } from "./managed-policies.js";
import { groupsOfUser } from "./operations/groups.js";
import { roleArn } from "./operations/roles.js";
import { type EntityKind, IamStore, type PolicyVersionRecord, type Tag } from "./store.js";

const NO_SESSION_POLICIES: readonly NamedPolicy[] = [];

/**
 * A caller's `aws:PrincipalTag/…`: a user's tags; a role session's role's
 * tags, where a session tag of the same key (without regard to case)
 * overrides the role's.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html
 */
export function principalTags(store: IamStore, principal: Principal): readonly Tag[] {
  if (principal.type === "user") return store.user(principal.accountId, principal.arn.slice(principal.arn.lastIndexOf("/") + 1))?.tags ?? [];
  if (principal.type !== "assumed-role") return [];
  const role = store.role(principal.accountId, principal.arn.split("/")[1] ?? "");
  const session = principal.sessionTags ?? [];
  const overridden = new Set(session.map((t) => t.Key.toLowerCase()));
  return [...(role?.tags ?? []).filter((t) => !overridden.has(t.Key.toLowerCase())), ...session];
}

export class IamPolicySource implements PolicySource {
  private readonly store: IamStore;
  private readonly versions = new Map<string, PolicyDocument>();

  constructor(kv: KvEnvironment) {
    this.store = new IamStore(kv);
  }

  /**
   * Each caller's policies, as read at a sum of the IAM stores'
   * generations: any IAM write changes the sum, so strict mode reads the
   * store again only after IAM changed.
   */
  private readonly cached = new Map<string, { generation: number; policies: readonly NamedPolicy[] }>();

  identityPolicies(principal: Principal): readonly NamedPolicy[] {
    const { users, groups, roles, policies, inlinePolicies } = this.store;
    const generation = users.generation + groups.generation + roles.generation + policies.generation + inlinePolicies.generation;
    const hit = this.cached.get(principal.arn);
    if (hit && hit.generation === generation) return hit.policies;
    const read = this.read(principal);
    if (this.cached.size >= 1000) this.cached.clear();
    this.cached.set(principal.arn, { generation, policies: read });
    return read;
  }

  /**
   * A session's policies: the text AssumeRole was given, and the default
   * versions of the managed policies it named (one that is gone allows nothing).
   */
  sessionPolicies(principal: Principal): readonly NamedPolicy[] {
    if (principal.sessionPolicy === undefined && principal.sessionPolicyArns === undefined) return NO_SESSION_POLICIES;
    const policies: NamedPolicy[] = [];
    if (principal.sessionPolicy !== undefined) policies.push({ name: "session policy", document: parseStored(principal.sessionPolicy, "identity") });
    for (const arn of principal.sessionPolicyArns ?? []) {
      const policy = awsManagedPolicy(arn) ?? this.store.policies.get(arn);
      const version = policy?.versions.find((v) => v.versionId === policy.defaultVersionId);
      if (version) policies.push({ name: `session policy ${arn}`, document: this.versionDocument(arn, version) });
    }
    // Session policies were given, so the session is limited by them even when none could be read.
    return policies.length > 0 ? policies : [{ name: "session policy", document: { version: "2012-10-17", statements: [] } }];
  }

  principalTags(principal: Principal): readonly Tag[] {
    return principalTags(this.store, principal);
  }

  /**
   * A role's trust policy is its resource policy: it takes part in deciding
   * sts:AssumeRole on the role's ARN, and grants by itself only to callers
   * it names by ARN (an account named delegates to its identity policies).
   * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
   */
  resourcePolicies(resource: string): readonly NamedPolicy[] {
    const match = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(resource);
    if (!match) return [];
    const role = this.store.role(match[1]!, match[2]!);
    if (!role || roleArn(role) !== resource) return [];
    return [{ name: `trust policy of role ${role.roleName}`, document: parseStored(role.assumeRolePolicy, "trust"), accountDelegates: true }];
  }

  /** IAM's resources belong to the account their ARN names. */
  resourceAccount(resource: string): string | undefined {
    return arnAccount(resource);
  }

  private read(principal: Principal): NamedPolicy[] {
    const { accountId } = principal;
    if (principal.type === "user") {
      const userName = principal.arn.slice(principal.arn.lastIndexOf("/") + 1);
      const user = this.store.user(accountId, userName);
      if (!user) return [];
      const policies = this.policiesOf(accountId, "user", user.userName, user.attachedPolicies);
      for (const group of groupsOfUser(this.store, accountId, user.userName)) {
        policies.push(...this.policiesOf(accountId, "group", group.groupName, group.attachedPolicies));
      }
      return policies;
    }
    if (principal.type === "assumed-role") {
      // arn:aws:sts::<account>:assumed-role/<role>/<session>
      const roleName = principal.arn.split("/")[1] ?? "";
      const role = this.store.role(accountId, roleName);
      return role ? this.policiesOf(accountId, "role", role.roleName, role.attachedPolicies) : [];
    }
    return [];
  }

  /**
   * A managed policy version's document, parsed once. A version never
   * changes once made; its ARN, id and creation time name it even across a
   * delete and re-create (so the document text need not be hashed per request).
   */
  private versionDocument(arn: string, version: PolicyVersionRecord): PolicyDocument {
    const id = `${arn}#${version.versionId}#${version.createdAt}`;
    let document = this.versions.get(id);
    if (!document) {
      document = parseStored(version.document, "identity");
      if (this.versions.size >= 1000) this.versions.clear();
      this.versions.set(id, document);
    }
    return document;
  }

  /** An identity's inline policies and the default versions of its attached ones. */
  private policiesOf(accountId: string, kind: EntityKind, name: string, attached: readonly string[] = []): NamedPolicy[] {
    const policies: NamedPolicy[] = this.store
      .inlinePoliciesOf(accountId, kind, name)
      .map((p) => ({ name: `inline policy ${p.policyName} of ${kind} ${name}`, document: parseStored(p.document, "identity") }));
    for (const arn of attached) {
      const policy = awsManagedPolicy(arn) ?? this.store.policies.get(arn);
      const version = policy?.versions.find((v) => v.versionId === policy.defaultVersionId);
      if (version) policies.push({ name: arn, document: this.versionDocument(arn, version) });
    }
    return policies;
  }
}
