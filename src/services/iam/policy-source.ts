/**
 * The identity policies of a caller, read from IAM's store: a user's
 * inline policies and the managed policies attached to it. Read directly
 * from storage, so enforcement works before the IAM service has loaded.
 */
import type { Principal } from "../../auth/types.js";
import type { NamedPolicy } from "../../policy/evaluate.js";
import { parseStored, type PolicySource } from "../../policy/source.js";
import type { KvEnvironment } from "../../storage/types.js";
import { awsManagedPolicy } from "./managed-policies.js";
import { IamStore } from "./store.js";

export class IamPolicySource implements PolicySource {
  private readonly store: IamStore;

  constructor(kv: KvEnvironment) {
    this.store = new IamStore(kv);
  }

  identityPolicies(principal: Principal): NamedPolicy[] {
    if (principal.type !== "user") return [];
    const userName = principal.arn.slice(principal.arn.lastIndexOf("/") + 1);
    const user = this.store.user(principal.accountId, userName);
    if (!user) return [];
    const policies: NamedPolicy[] = this.store
      .inlinePoliciesOf(principal.accountId, userName)
      .map((p) => ({ name: `inline policy ${p.policyName} of user ${user.userName}`, document: parseStored(p.document, "identity") }));
    for (const arn of user.attachedPolicies ?? []) {
      const policy = awsManagedPolicy(arn) ?? this.store.policies.get(arn);
      const version = policy?.versions.find((v) => v.versionId === policy.defaultVersionId);
      if (version) policies.push({ name: arn, document: parseStored(version.document, "identity") });
    }
    return policies;
  }
}
