/**
 * AWS Identity and Access Management: a global service on the query
 * protocol. The definition is all the edge loads at start.
 */
import { randomUUID } from "node:crypto";
import type { ServiceDefinition, ServiceEnvironment, ServiceRuntime } from "../../server/service.js";

export const iamService: ServiceDefinition = {
  name: "iam",
  signingNames: ["iam"],
  dialect: "query",
  newRequestId: () => randomUUID(),
  async load(env: ServiceEnvironment): Promise<ServiceRuntime> {
    const { createIamRuntime } = await import("./runtime.js");
    return createIamRuntime(env);
  },
};
