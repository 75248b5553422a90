/** STS's runtime: the query codec over the STS model and its operations. */
import { createCodec } from "../../protocols/index.js";
import { loadModel } from "../../protocols/model.js";
import { AwsError } from "../../server/errors.js";
import { defineOperation, type ServiceEnvironment, type ServiceRuntime } from "../../server/service.js";

export function createStsRuntime(_env: ServiceEnvironment): ServiceRuntime {
  return {
    codec: createCodec(loadModel("sts"), { malformedError: (detail) => new AwsError("InvalidParameterValue", detail, 400) }),
    operations: {
      // Needs no permission: any valid credentials may ask who they are.
      GetCallerIdentity: defineOperation<Record<string, never>>({
        authorize: () => [],
        handle: (_input, ctx) => ({ UserId: ctx.principal.userId, Account: ctx.principal.accountId, Arn: ctx.principal.arn }),
      }),
    },
    responseHeaders: (requestId) => ({ "x-amzn-requestid": requestId }),
    reset: async () => {},
    close: async () => {},
  };
}
