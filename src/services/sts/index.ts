/**
 * AWS Security Token Service: who a caller is, and temporary credentials
 * for roles (AssumeRole, AssumeRoleWithWebIdentity) and sessions.
 */
import { randomUUID } from "node:crypto";
import type { ServiceDefinition, ServiceEnvironment, ServiceRuntime } from "../../server/service.js";

export const stsService: ServiceDefinition = {
  name: "sts",
  signingNames: ["sts"],
  dialect: "query",
  // AssumeRoleWithWebIdentity is called without AWS credentials; the runtime refuses the other calls unsigned.
  allowAnonymous: true,
  takesUnsignedQueries: true,
  newRequestId: () => randomUUID(),
  async load(env: ServiceEnvironment): Promise<ServiceRuntime> {
    const { createStsRuntime } = await import("./runtime.js");
    return createStsRuntime(env);
  },
};
