/**
 * IAM's runtime: the query codec over the IAM model, model validation
 * answered as ValidationError, and the operation table.
 */
import { createCodec, validateInput } from "../../protocols/index.js";
import { loadModel } from "../../protocols/model.js";
import { formatValidationMessage } from "../../protocols/shared/validate.js";
import type { ServiceEnvironment, ServiceRuntime } from "../../server/service.js";
import { iamErrors } from "./errors.js";
import { accessKeyOperations } from "./operations/access-keys.js";
import { entityPolicyOperations } from "./operations/entity-policies.js";
import { groupOperations } from "./operations/groups.js";
import { instanceProfileOperations } from "./operations/instance-profiles.js";
import { roleOperations } from "./operations/roles.js";
import { policyOperations } from "./operations/policies.js";
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
      ...policyOperations(store),
      ...entityPolicyOperations(store),
      ...groupOperations(store),
      ...roleOperations(store),
      ...instanceProfileOperations(store),
    },
    validate(op, input) {
      const problems = validateInput(model, op, input);
      if (problems.length > 0) throw iamErrors.validation(formatValidationMessage(problems));
    },
    responseHeaders: (requestId) => ({ "x-amzn-requestid": requestId }),
    reset: async () => {},
    close: async () => {},
  };
}
