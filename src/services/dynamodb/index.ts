/**
 * Amazon DynamoDB and DynamoDB Streams. Both sign as `dynamodb`; requests
 * reach one or the other by their X-Amz-Target prefix.
 */
import { randomBase32Hex } from "../../util/ids.js";
import type { ServiceDefinition, ServiceEnvironment, ServiceRuntime } from "../../server/service.js";

export const dynamodbService: ServiceDefinition = {
  name: "dynamodb",
  signingNames: ["dynamodb"],
  targetPrefixes: ["DynamoDB_20120810"],
  dialect: "json",
  newRequestId: () => randomBase32Hex(52),
  async load(env: ServiceEnvironment): Promise<ServiceRuntime> {
    const { createDynamoRuntime } = await import("./runtime.js");
    return createDynamoRuntime(env);
  },
};

export const dynamodbStreamsService: ServiceDefinition = {
  name: "dynamodbstreams",
  signingNames: [],
  targetPrefixes: ["DynamoDBStreams_20120810"],
  dialect: "json",
  newRequestId: () => randomBase32Hex(52),
  async load(env: ServiceEnvironment): Promise<ServiceRuntime> {
    const { createStreamsRuntime } = await import("./streams/runtime.js");
    return createStreamsRuntime(env);
  },
};
