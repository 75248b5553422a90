/**
 * CreateTable / UpdateTable cross-field rules, after model validation, in
 * DynamoDB's order and words. Pure functions: they return the message of
 * the first rule broken, or undefined.
 */
import type { AttributeDefinition, KeySchemaElement, ProjectionSpec } from "./tables.js";

export interface ThroughputInput {
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

export interface IndexInput {
  IndexName: string;
  KeySchema: KeySchemaElement[];
  Projection: ProjectionSpec;
  ProvisionedThroughput?: ThroughputInput;
}

export interface CreateTableInput {
  TableName: string;
  AttributeDefinitions?: AttributeDefinition[];
  KeySchema?: KeySchemaElement[];
  LocalSecondaryIndexes?: IndexInput[];
  GlobalSecondaryIndexes?: IndexInput[];
  BillingMode?: "PROVISIONED" | "PAY_PER_REQUEST";
  ProvisionedThroughput?: ThroughputInput;
  StreamSpecification?: { StreamEnabled: boolean; StreamViewType?: string };
  Tags?: { Key: string; Value: string }[];
  TableClass?: string;
  SSESpecification?: { Enabled?: boolean; SSEType?: string; KMSMasterKeyId?: string };
  DeletionProtectionEnabled?: boolean;
  OnDemandThroughput?: OnDemandThroughput;
}

/** The most request units an on-demand table may consume per second (-1 or absent: no limit). */
export interface OnDemandThroughput {
  MaxReadRequestUnits?: number;
  MaxWriteRequestUnits?: number;
}

const INVALID = "One or more parameter values were invalid: ";
const MAX_UNITS = 1_000_000_000_000;

export function checkThroughput(t: ThroughputInput): string | undefined {
  if ((t.ReadCapacityUnits ?? 0) > MAX_UNITS) return `Given value ${t.ReadCapacityUnits} for ReadCapacityUnits is out of bounds`;
  if ((t.WriteCapacityUnits ?? 0) > MAX_UNITS) return `Given value ${t.WriteCapacityUnits} for WriteCapacityUnits is out of bounds`;
  return undefined;
}

/** The key schema of a table or index: HASH first, RANGE second, both defined. */
export function checkKeySchema(keySchema: readonly KeySchemaElement[], defined: readonly string[]): string | undefined {
  const keys = keySchema.map((k) => k.AttributeName);
  if (keys.some((k) => !defined.includes(k))) {
    return `${INVALID}Some index key attributes are not defined in AttributeDefinitions. Keys: [${keys.join(", ")}], AttributeDefinitions: [${defined.join(", ")}]`;
  }
  if (keys.length === 2 && keys[0] === keys[1]) return "Both the Hash Key and the Range Key element in the KeySchema have the same name";
  if (keySchema[0]?.KeyType !== "HASH") return "Invalid KeySchema: The first KeySchemaElement is not a HASH key type";
  if (keySchema[1] && keySchema[1].KeyType !== "RANGE") return "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type";
  return undefined;
}

export function checkProjection(projection: ProjectionSpec): string | undefined {
  if (projection.ProjectionType === undefined) return `${INVALID}Unknown ProjectionType: null`;
  if (projection.ProjectionType === "INCLUDE" && !projection.NonKeyAttributes) {
    return `${INVALID}ProjectionType is INCLUDE, but NonKeyAttributes is not specified`;
  }
  if (projection.NonKeyAttributes && projection.ProjectionType !== "INCLUDE") {
    return `${INVALID}ProjectionType is ${projection.ProjectionType}, but NonKeyAttributes is specified`;
  }
  return undefined;
}

export function checkCreateTable(input: CreateTableInput): string | undefined {
  const definitions = input.AttributeDefinitions ?? [];
  const keySchema = input.KeySchema ?? [];
  if (input.BillingMode === "PAY_PER_REQUEST") {
    if (input.ProvisionedThroughput) {
      return `${INVALID}Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST`;
    }
  } else {
    const t = input.ProvisionedThroughput;
    if (!t || !t.ReadCapacityUnits || !t.WriteCapacityUnits) {
      return `${INVALID}ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED`;
    }
    const bounds = checkThroughput(t);
    if (bounds) return bounds;
  }
  const defined = definitions.map((d) => d.AttributeName);
  if (new Set(defined).size !== defined.length) return `${INVALID}Cannot have two attributes with the same name`;
  if (keySchema.length > defined.length) return "Invalid KeySchema: Some index key attribute have no definition";
  const keyProblem = checkKeySchema(keySchema, defined);
  if (keyProblem) return keyProblem;

  const used = new Set(keySchema.map((k) => k.AttributeName));
  const names = new Set<string>();
  const lsis = input.LocalSecondaryIndexes;
  if (lsis) {
    if (lsis.length === 0) return `${INVALID}List of LocalSecondaryIndexes is empty`;
    if (keySchema.length !== 2) {
      return `${INVALID}Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex`;
    }
    for (const index of lsis) {
      const problem = checkKeySchema(index.KeySchema, defined);
      if (problem) return problem;
      if (index.KeySchema.length !== 2) return `${INVALID}Index KeySchema does not have a range key for index: ${index.IndexName}`;
      const indexHash = index.KeySchema[0]!.AttributeName;
      const tableHash = keySchema[0]!.AttributeName;
      if (indexHash !== tableHash) {
        return `${INVALID}Index KeySchema does not have the same leading hash key as table KeySchema for index: ${index.IndexName}. index hash key: ${indexHash}, table hash key: ${tableHash}`;
      }
      const projection = checkProjection(index.Projection);
      if (projection) return projection;
      if (names.has(index.IndexName)) return `${INVALID}Duplicate index name: ${index.IndexName}`;
      names.add(index.IndexName);
      for (const k of index.KeySchema) used.add(k.AttributeName);
    }
    if (lsis.length > 5) return `${INVALID}Number of LocalSecondaryIndexes exceeds per-table limit of 5`;
  }
  const gsis = input.GlobalSecondaryIndexes;
  if (gsis) {
    if (gsis.length === 0) return `${INVALID}List of GlobalSecondaryIndexes is empty`;
    for (const index of gsis) {
      const problem = checkGlobalIndex(index, defined, input.BillingMode ?? "PROVISIONED");
      if (problem) return problem;
      if (names.has(index.IndexName)) return `${INVALID}Duplicate index name: ${index.IndexName}`;
      names.add(index.IndexName);
      for (const k of index.KeySchema) used.add(k.AttributeName);
    }
    if (gsis.length > 20) return `${INVALID}GlobalSecondaryIndex count exceeds the per-table limit of 20`;
  }
  if (used.size !== defined.length) {
    return `${INVALID}Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions`;
  }
  const stream = input.StreamSpecification;
  if (stream) {
    const problem = checkStreamSpecification(stream);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * A global index's key schema: as a table's, or a multi-attribute key of
 * up to four HASH elements followed by up to four RANGE elements, each
 * attribute once.
 */
function checkGlobalKeySchema(keySchema: readonly KeySchemaElement[], defined: readonly string[]): string | undefined {
  const hashCount = keySchema.filter((k) => k.KeyType === "HASH").length;
  if (keySchema.length <= 1 || (keySchema.length === 2 && hashCount < 2)) return checkKeySchema(keySchema, defined);
  const keys = keySchema.map((k) => k.AttributeName);
  if (keys.some((k) => !defined.includes(k))) return checkKeySchema(keySchema, defined);
  if (new Set(keys).size !== keys.length) return "Invalid KeySchema: Some key attributes are repeated in the KeySchema";
  if (keySchema[0]?.KeyType !== "HASH") return "Invalid KeySchema: The first KeySchemaElement is not a HASH key type";
  const firstRange = keySchema.findIndex((k) => k.KeyType === "RANGE");
  if (firstRange >= 0 && keySchema.slice(firstRange).some((k) => k.KeyType !== "RANGE")) {
    return "Invalid KeySchema: HASH KeySchemaElements must all come before the RANGE KeySchemaElements";
  }
  const hashes = firstRange < 0 ? keySchema.length : firstRange;
  if (hashes > 4) return `${INVALID}An index key can have at most 4 HASH KeySchemaElements`;
  if (keySchema.length - hashes > 4) return `${INVALID}An index key can have at most 4 RANGE KeySchemaElements`;
  return undefined;
}

export function checkGlobalIndex(index: IndexInput, defined: readonly string[], billingMode: string): string | undefined {
  const problem = checkGlobalKeySchema(index.KeySchema, defined);
  if (problem) return problem;
  const projection = checkProjection(index.Projection);
  if (projection) return projection;
  if (billingMode === "PAY_PER_REQUEST" && index.ProvisionedThroughput) {
    return `${INVALID}ProvisionedThroughput should not be specified for index: ${index.IndexName} when BillingMode is PAY_PER_REQUEST`;
  }
  if (billingMode !== "PAY_PER_REQUEST" && !index.ProvisionedThroughput) {
    return `${INVALID}ProvisionedThroughput must be specified for index: ${index.IndexName}`;
  }
  return index.ProvisionedThroughput ? checkThroughput(index.ProvisionedThroughput) : undefined;
}

export function checkStreamSpecification(stream: { StreamEnabled: boolean; StreamViewType?: string }): string | undefined {
  if (stream.StreamEnabled && !stream.StreamViewType) return `${INVALID}You must specify a StreamViewType when enabling a stream`;
  if (!stream.StreamEnabled && stream.StreamViewType) return `${INVALID}You cannot specify a StreamViewType when disabling a stream`;
  return undefined;
}
