/**
 * The identity policies of a caller, read from IAM's store: a user's
 * inline and attached policies and its groups', or an assumed role's. Read directly
 * from storage, so enforcement works before the IAM service has loaded.
 */
import type { Principal } from "../../auth/types.js";
import type { NamedPolicy } from "../../policy/evaluate.js";
import { parseStored, type PolicySource } from "../../policy/source.js";
import type { KvEnvironment } from "../../storage/types.js";
import { awsManagedPolicy } from "./managed-policies.js";
import { groupsOfUser } from "./operations/groups.js";
import { type EntityKind, IamStore } from "./store.js";

export class IamPolicySource implements Pick<PolicySource, "identityPolicies"> {
  private readonly store: IamStore;

  constructor(kv: KvEnvironment) {
    this.store = new IamStore(kv);
  }

  identityPolicies(principal: Principal): NamedPolicy[] {
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

  /** An identity's inline policies and the default versions of its attached ones. */
  private policiesOf(accountId: string, kind: EntityKind, name: string, attached: readonly string[] = []): NamedPolicy[] {
    const policies: NamedPolicy[] = this.store
      .inlinePoliciesOf(accountId, kind, name)
      .map((p) => ({ name: `inline policy ${p.policyName} of ${kind} ${name}`, document: parseStored(p.document, "identity") }));
    for (const arn of attached) {
      const policy = awsManagedPolicy(arn) ?? this.store.policies.get(arn);
      const version = policy?.versions.find((v) => v.versionId === policy.defaultVersionId);
      if (version) policies.push({ name: arn, document: parseStored(version.document, "identity") });
    }
    return policies;
  }
}
