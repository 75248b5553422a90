/**
 * Amazon S3. The definition is all the edge loads at start; the model,
 * codec and operations load with the first S3 request.
 */
import type { ServiceDefinition, ServiceEnvironment, ServiceRuntime } from "../../server/service.js";

export const s3Service: ServiceDefinition = {
  name: "s3",
  // S3 Express One Zone's control calls (ListDirectoryBuckets, CreateSession) are signed for `s3express`.
  signingNames: ["s3", "s3express"],
  dialect: "s3",
  allowAnonymous: true,
  allowV2: true,
  async load(env: ServiceEnvironment): Promise<ServiceRuntime> {
    const { createS3Runtime } = await import("./runtime.js");
    return createS3Runtime(env);
  },
};
