/**
 * AWS Security Token Service. GetCallerIdentity for now; AssumeRole and
 * temporary credentials come with roles.
 */
import { randomUUID } from "node:crypto";
import type { ServiceDefinition, ServiceEnvironment, ServiceRuntime } from "../../server/service.js";

export const stsService: ServiceDefinition = {
  name: "sts",
  signingNames: ["sts"],
  dialect: "query",
  newRequestId: () => randomUUID(),
  async load(env: ServiceEnvironment): Promise<ServiceRuntime> {
    const { createStsRuntime } = await import("./runtime.js");
    return createStsRuntime(env);
  },
};
