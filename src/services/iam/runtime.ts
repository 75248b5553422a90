/**
 * IAM's runtime: the query codec over the IAM model, model validation
 * answered as ValidationError, and the operation table.
 */
import { createCodec, validateInput } from "../../protocols/index.js";
import { loadModel } from "../../protocols/model.js";
import { formatValidationMessage, type ValidationProblem } from "../../protocols/shared/validate.js";
import type { ServiceEnvironment, ServiceRuntime } from "../../server/service.js";
import { iamErrors } from "./errors.js";
import { accessKeyOperations } from "./operations/access-keys.js";
import { accountSettingOperations } from "./operations/account-settings.js";
import { authorizationDetailOperations } from "./operations/authorization-details.js";
import { credentialReportOperations } from "./operations/credential-report.js";
import { entityPolicyOperations } from "./operations/entity-policies.js";
import { groupOperations } from "./operations/groups.js";
import { instanceProfileOperations } from "./operations/instance-profiles.js";
import { oidcProviderOperations } from "./operations/oidc-providers.js";
import { roleOperations } from "./operations/roles.js";
import { policyOperations } from "./operations/policies.js";
import { serverCertificateOperations } from "./operations/server-certificates.js";
import { signingCertificateOperations } from "./operations/signing-certificates.js";
import { simulateOperations } from "./operations/simulate.js";
import { userOperations } from "./operations/users.js";
import { IamStore } from "./store.js";

export function createIamRuntime(env: ServiceEnvironment): ServiceRuntime {
  const store = new IamStore(env.kv);
  const model = loadModel("iam");
  return {
    codec: createCodec(model, { malformedError: (detail) => iamErrors.invalidInput(detail) }),
    operations: {
      ...userOperations(store),
      ...accessKeyOperations(store, env.keyUsage),
      ...signingCertificateOperations(store),
      ...serverCertificateOperations(store),
      ...accountSettingOperations(store),
      ...simulateOperations(store),
      ...authorizationDetailOperations(store),
      ...credentialReportOperations(store, env.keyUsage),
      ...policyOperations(store),
      ...entityPolicyOperations(store),
      ...groupOperations(store),
      ...roleOperations(store),
      ...instanceProfileOperations(store),
      ...oidcProviderOperations(store),
    },
    validate(op, input) {
      const problems = validateInput(model, op, input);
      if (problems.length > 0) throw iamErrors.validation(formatValidationMessage(inIamWords(problems)));
    },
    responseHeaders: (requestId) => ({ "x-amzn-requestid": requestId }),
    reset: async () => {},
    close: async () => {},
  };
}

/** Members whose offending values IAM leaves out of its messages ("Value at 'tags'"). */
const UNQUOTED = /^(tags|tagKeys|versionId)(\.|$)/;
/** How IAM words any fault of one of the keys an untag call names. */
const TAG_KEY_CONSTRAINTS =
  "Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1, " +
  "Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+, Member must not be null]";

/** The model's validation problems as IAM reports them. */
function inIamWords(problems: readonly ValidationProblem[]): ValidationProblem[] {
  const worded: ValidationProblem[] = [];
  let tagKeyFault = false;
  for (const problem of problems) {
    if (/^tagKeys\.\d+\.member$/.test(problem.path)) {
      if (!tagKeyFault) worded.push({ path: "tagKeys", value: "", constraint: TAG_KEY_CONSTRAINTS, unquoted: true });
      tagKeyFault = true;
    } else {
      worded.push(UNQUOTED.test(problem.path) ? { ...problem, unquoted: true } : problem);
    }
  }
  return worded;
}
