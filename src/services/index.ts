/**
 * The services Nimbus serves. Each definition is tiny; its code and model
 * load on the first request that needs it.
 */
import type { ServiceDefinition } from "../server/service.js";
import { dynamodbService, dynamodbStreamsService } from "./dynamodb/index.js";
import { iamService } from "./iam/index.js";
import { s3Service } from "./s3/index.js";
import { stsService } from "./sts/index.js";

export interface ServiceCatalog {
  all: readonly ServiceDefinition[];
  /** Answers requests no other rule routes (S3, as AWS's own endpoint does). */
  fallback: ServiceDefinition;
}

export function builtinServices(): ServiceCatalog {
  return { all: [s3Service, iamService, stsService, dynamodbService, dynamodbStreamsService], fallback: s3Service };
}
