/**
 * CreateTable / UpdateTable cross-field rules, after model validation, in
 * DynamoDB's order and words. Pure functions: they return the message of
 * the first rule broken, or undefined.
 */
import type { ReplicaUpdate } from "./replicas.js";
import { initialWarm, warmThroughput, type AttributeDefinition, type IndexRecord, type KeySchemaElement, type ProjectionSpec, type TableRecord } from "./tables.js";

export interface ThroughputInput {
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

export interface IndexInput {
  IndexName: string;
  KeySchema: KeySchemaElement[];
  Projection: ProjectionSpec;
  ProvisionedThroughput?: ThroughputInput;
  WarmThroughput?: WarmThroughputInput;
  /** A global index's own on-demand limits. */
  OnDemandThroughput?: OnDemandThroughput;
}

/** UpdateTable's change to one global index: its capacity, on-demand limits or warm throughput. */
export interface IndexUpdateInput {
  IndexName: string;
  ProvisionedThroughput?: ThroughputInput;
  OnDemandThroughput?: OnDemandThroughput;
  WarmThroughput?: WarmThroughputInput;
}

export interface CreateTableInput {
  TableName: string;
  /** A resource-based policy for the new table. */
  ResourcePolicy?: string;
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
  WarmThroughput?: WarmThroughputInput;
  /** Makes the table a replica of another account's global table. */
  GlobalTableSourceArn?: string;
}

export interface UpdateTableInput {
  TableName: string;
  AttributeDefinitions?: AttributeDefinition[];
  BillingMode?: "PROVISIONED" | "PAY_PER_REQUEST";
  ProvisionedThroughput?: ThroughputInput;
  GlobalSecondaryIndexUpdates?: {
    Create?: IndexInput;
    Update?: IndexUpdateInput;
    Delete?: { IndexName: string };
  }[];
  StreamSpecification?: { StreamEnabled: boolean; StreamViewType?: string };
  SSESpecification?: { Enabled?: boolean; SSEType?: string; KMSMasterKeyId?: string };
  ReplicaUpdates?: ReplicaUpdate[];
  TableClass?: string;
  DeletionProtectionEnabled?: boolean;
  OnDemandThroughput?: OnDemandThroughput;
  WarmThroughput?: WarmThroughputInput;
  MultiRegionConsistency?: string;
}

export interface WarmThroughputInput {
  ReadUnitsPerSecond?: number;
  WriteUnitsPerSecond?: number;
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
  const names = projection.NonKeyAttributes ?? [];
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated !== undefined) return `${INVALID}Duplicate element in NonKeyAttributes: ${repeated}`;
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
  const onDemand = checkOnDemand(input.OnDemandThroughput, input.BillingMode === "PAY_PER_REQUEST", "CreateTable");
  if (onDemand) return onDemand;
  const defined = definitions.map((d) => d.AttributeName);
  const duplicate = defined.find((name, i) => defined.indexOf(name) !== i);
  if (duplicate !== undefined) return `Attribute Name is duplicated: ${duplicate}`;
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
    // With indexes, DynamoDB names what is defined and what the keys use, both sorted.
    if (!lsis && !gsis) return `${INVALID}Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions`;
    return `${INVALID}Some AttributeDefinitions are not used. AttributeDefinitions: [${[...defined].sort().join(", ")}], keys used: [${[...used].sort().join(", ")}]`;
  }
  const stream = input.StreamSpecification;
  if (stream) {
    const problem = checkStreamSpecification(stream, "CreateTable");
    if (problem) return problem;
  }
  const sse = checkSseSpecification(input.SSESpecification);
  if (sse) return sse;
  const payPerRequest = input.BillingMode === "PAY_PER_REQUEST";
  const warm = checkInitialWarm("table", input.WarmThroughput, input.ProvisionedThroughput, payPerRequest);
  if (warm) return warm;
  for (const index of gsis ?? []) {
    const problem = checkInitialWarm(`index ${index.IndexName}`, index.WarmThroughput, index.ProvisionedThroughput, payPerRequest);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * An on-demand table's (or global index's) most request units a second:
 * only on demand (the member named is the first given, reads first), at
 * least 1; an update may also send -1, which lifts that limit. The billing
 * mode is checked before the range, and CreateTable words it apart from
 * UpdateTable (AWS captures: ack-api-quirks DDB-TABLE-038/039/059/178 for
 * tables, 128 and 456 for indexes).
 */
export function checkOnDemand(
  onDemand: OnDemandThroughput | undefined,
  payPerRequest: boolean,
  operation: "CreateTable" | "UpdateTable",
  index?: string,
): string | undefined {
  if (!onDemand) return undefined;
  const members = [
    ["MaxReadRequestUnits", onDemand.MaxReadRequestUnits],
    ["MaxWriteRequestUnits", onDemand.MaxWriteRequestUnits],
  ] as const;
  const given = members.find(([, units]) => units !== undefined);
  if (given && !payPerRequest) {
    // DynamoDB spaces the index's colon differently in the two operations' words.
    if (operation === "CreateTable") {
      return `${INVALID}${given[0]} for OnDemandThroughput${index === undefined ? "" : ` for index: ${index}`} cannot be specified when table BillingMode is PROVISIONED.`;
    }
    return `${INVALID}${given[0]} for OnDemandThroughput${index === undefined ? "" : ` for index : ${index}`} cannot be specified when the table BillingMode is PROVISIONED`;
  }
  for (const [member, units] of members) {
    if (units === undefined || units >= 1 || (units === NO_LIMIT && operation === "UpdateTable")) continue;
    return `${INVALID}Requested ${member} for OnDemandThroughput for ${index === undefined ? "table" : `index : ${index}`} is outside of valid range`;
  }
  return undefined;
}

/** The OnDemandThroughput units an UpdateTable sends to lift a limit. */
export const NO_LIMIT = -1;

/**
 * A warm throughput asked for at creation starts no lower than the
 * capacity gives: on demand 12,000 reads and 4,000 writes a second,
 * provisioned its capacity units.
 */
function checkInitialWarm(of: string, warm: WarmThroughputInput | undefined, throughput: ThroughputInput | undefined, payPerRequest: boolean): string | undefined {
  if (!warm) return undefined;
  const floor = initialWarm(undefined, throughput, payPerRequest);
  for (const [member, asked, least, capacity] of [
    ["ReadUnitsPerSecond", warm.ReadUnitsPerSecond, floor.read, "ReadCapacityUnits"],
    ["WriteUnitsPerSecond", warm.WriteUnitsPerSecond, floor.write, "WriteCapacityUnits"],
  ] as const) {
    if (asked === undefined || asked >= least) continue;
    return payPerRequest
      ? `${INVALID}Requested ${member} for WarmThroughput for ${of} is lower than initial throughput for OnDemand. See: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/on-demand-capacity-mode.html#on-demand-capacity-mode-initial`
      : `${INVALID}Requested ${member} for WarmThroughput for ${of} is lower than ${capacity} of ProvisionedThroughput`;
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
  if (new Set(keys).size !== keys.length) return "The KeySchema contains multiple key attributes with the same name";
  if (keySchema[0]?.KeyType !== "HASH") return "Invalid KeySchema: The first KeySchemaElement is not a HASH key type";
  const firstRange = keySchema.findIndex((k) => k.KeyType === "RANGE");
  if (firstRange >= 0 && keySchema.slice(firstRange).some((k) => k.KeyType !== "RANGE")) {
    return `${INVALID}All HASH key attributes must precede RANGE key attributes in the KeySchema`;
  }
  const hashes = firstRange < 0 ? keySchema.length : firstRange;
  if (hashes > 4) return `${INVALID}The KeySchema exceeds the maximum allowed number of HASH key attributes`;
  if (keySchema.length - hashes > 4) return `${INVALID}The KeySchema exceeds the maximum allowed number of RANGE key attributes`;
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
  const bounds = index.ProvisionedThroughput ? checkThroughput(index.ProvisionedThroughput) : undefined;
  if (bounds) return bounds;
  return checkOnDemand(index.OnDemandThroughput, billingMode === "PAY_PER_REQUEST", "CreateTable", index.IndexName);
}

/**
 * An index's warm throughput update names some units: DynamoDB checks it
 * before it looks for the table or the index (AWS capture, ack-api-quirks
 * DDB-TABLE-456).
 */
export function checkIndexWarmGiven(input: UpdateTableInput): string | undefined {
  for (const update of input.GlobalSecondaryIndexUpdates ?? []) {
    const warm = update?.Update?.WarmThroughput;
    if (warm && warm.ReadUnitsPerSecond === undefined && warm.WriteUnitsPerSecond === undefined) {
      return `${INVALID}WarmThroughput must have at least one of ReadUnitsPerSecond or WriteUnitsPerSecond specified for index: ${update.Update?.IndexName}`;
    }
  }
  return undefined;
}

/** A StreamSpecification's view type: given when enabling, not when disabling (worded apart for a new table and an update). */
export function checkStreamSpecification(
  stream: { StreamEnabled: boolean; StreamViewType?: string },
  operation: "CreateTable" | "UpdateTable",
): string | undefined {
  const creating = operation === "CreateTable";
  if (stream.StreamEnabled && !stream.StreamViewType) {
    return creating
      ? `${INVALID}Table is being created with a stream enabled, UpdateViewType is required`
      : `${INVALID}If stream is being enabled then UpdateViewType is required`;
  }
  if (!stream.StreamEnabled && stream.StreamViewType) {
    return creating
      ? `${INVALID}Table is being created with a stream disabled, UpdateViewType should not be specified`
      : `${INVALID}If stream is being disabled, then UpdateViewType must not be specified`;
  }
  return undefined;
}

/** The members that make an UpdateTable do something, as DynamoDB lists them when none is there. */
const UPDATE_MEMBERS = [
  "ProvisionedThroughput", "BillingMode", "UpdateStreamEnabled", "GlobalSecondaryIndexUpdates", "SSESpecification", "ReplicaUpdates",
  "MultiAccountReplicaReady", "ReplicaTransitRoleArn", "MultiRegionConsistency", "DeletionProtectionEnabled", "OnDemandThroughput",
  "WarmThroughput", "TableClass",
];

/**
 * Changes an UpdateTable makes only on their own, in the order DynamoDB
 * picks the one it names when several are sent together.
 */
const ALONE: readonly (readonly [string, string])[] = [
  ["ReplicaUpdates", `${INVALID}Replica modification must be the only operation in the request`],
  ["SSESpecification", `${INVALID}Server-Side Encryption modification must be the only operation in the request`],
  ["TableClass", `${INVALID}TableClass modification must be the only operation in the request`],
  ["DeletionProtectionEnabled", `${INVALID}DeletionProtection modification must be the only operation in the request`],
  ["WarmThroughput", `${INVALID}WarmThroughput must be the only operation in the request`],
];

/** An empty WarmThroughput counts as absent: DynamoDB ignores `{}` beside other changes. */
export function asksWarm(input: UpdateTableInput): boolean {
  return input.WarmThroughput?.ReadUnitsPerSecond !== undefined || input.WarmThroughput?.WriteUnitsPerSecond !== undefined;
}

/** The changes an UpdateTable asks for, by member name. */
export function changesAsked(input: UpdateTableInput): string[] {
  const asked: Record<string, boolean> = {
    ProvisionedThroughput: input.ProvisionedThroughput !== undefined,
    BillingMode: input.BillingMode !== undefined,
    StreamSpecification: input.StreamSpecification !== undefined,
    GlobalSecondaryIndexUpdates: (input.GlobalSecondaryIndexUpdates?.length ?? 0) > 0,
    SSESpecification: input.SSESpecification !== undefined,
    ReplicaUpdates: input.ReplicaUpdates !== undefined,
    TableClass: input.TableClass !== undefined,
    DeletionProtectionEnabled: input.DeletionProtectionEnabled !== undefined,
    OnDemandThroughput: input.OnDemandThroughput !== undefined,
    WarmThroughput: asksWarm(input),
  };
  return Object.keys(asked).filter((member) => asked[member]);
}

/**
 * An UpdateTable asks for something, and for one change a call:
 * encryption, table class, deletion protection and warm throughput each
 * go alone. With nothing asked, the list of what could be leaves out the
 * members the request has (a MultiRegionConsistency alone, say).
 */
export function checkUpdateTableChanges(input: UpdateTableInput, asked: readonly string[]): string | undefined {
  if (asked.length === 0) {
    const names = UPDATE_MEMBERS.filter((name) => !(name in input));
    return `At least one of ${names.slice(0, -1).join(", ")} or ${names[names.length - 1]} is required`;
  }
  for (const [member, message] of ALONE) {
    if (!asked.includes(member) || asked.length === 1) continue;
    if (member === "WarmThroughput") {
      const updates = input.GlobalSecondaryIndexUpdates ?? [];
      if (updates.some((u) => u.Create)) return `${INVALID}Create global secondary index cannot be specified when updating WarmThroughput`;
      // An index's own updates may go with the table's warm throughput (AWS's example sends both).
      if (asked.length === 2 && asked.includes("GlobalSecondaryIndexUpdates") && updates.every((u) => u.Update)) continue;
    }
    return message;
  }
  return undefined;
}

/**
 * An SSESpecification names a key type and a key only to enable KMS
 * encryption (AWS captures, ack-api-quirks DDB-TABLE-031 and 036); an
 * Enabled left out is read from SSEType (DDB-TABLE-044).
 */
export function checkSseSpecification(sse: { Enabled?: boolean; SSEType?: string; KMSMasterKeyId?: string } | undefined): string | undefined {
  if (!sse) return undefined;
  if (sse.Enabled === false) {
    if (sse.SSEType !== undefined) return `${INVALID}SSEType can not be specified if Enabled is false`;
    if (sse.KMSMasterKeyId !== undefined) return `${INVALID}KMSMasterKeyId can not be specified if Enabled is false`;
    return undefined;
  }
  if (sse.SSEType === "AES256") return `${INVALID}SSEType AES256 is not supported`;
  if (sse.KMSMasterKeyId !== undefined && sse.SSEType !== "KMS") return `${INVALID}SSEType KMS is required if KMSMasterKeyId is specified`;
  return undefined;
}

/**
 * Disabling encryption that is the AWS-owned key's already, or enabling
 * it with the key in use, changes nothing and is refused.
 */
export function checkSseChange(table: TableRecord, sse: { kmsKeyArn: string } | undefined): string | undefined {
  if (!sse && !table.sse) return `${INVALID}Table is already encrypted by default`;
  if (sse && sse.kmsKeyArn === table.sse?.kmsKeyArn) {
    return `${INVALID}Table is already encrypted with given KMSMasterKeyId. Use KMSMasterKeyId parameter if you want to change Master Key`;
  }
  return undefined;
}

/** Warm throughput only ever increases, a table's or (named `index <name>`) a global index's. */
export function checkWarmIncrease(table: TableRecord, asked: WarmThroughputInput, index?: IndexRecord): string | undefined {
  const payPerRequest = table.billingMode === "PAY_PER_REQUEST";
  const current = index ? warmThroughput(index.warm, index.throughput, payPerRequest) : warmThroughput(table.warm, table.throughput, payPerRequest);
  const units = [["ReadUnitsPerSecond", asked.ReadUnitsPerSecond, current.read], ["WriteUnitsPerSecond", asked.WriteUnitsPerSecond, current.write]] as const;
  for (const [member, wanted, now] of units) {
    if (wanted !== undefined && wanted < now) {
      return `${INVALID}Requested ${member} for WarmThroughput for ${index ? `index ${index.name}` : "table"} is lower than current WarmThroughput, decreasing WarmThroughput is not supported`;
    }
  }
  return undefined;
}
