/**
 * Table records and what DynamoDB says about them: the stored form of a
 * table (key schema, indexes, billing, stream, TTL, tags), its ARNs, and
 * the TableDescription every control-plane call answers.
 */
import type { StoredPolicy } from "./resource-policy.js";
import type { KeyType } from "./values.js";

export interface KeySchemaElement {
  AttributeName: string;
  KeyType: "HASH" | "RANGE";
}

export interface AttributeDefinition {
  AttributeName: string;
  AttributeType: KeyType;
}

export interface ProjectionSpec {
  ProjectionType?: "ALL" | "KEYS_ONLY" | "INCLUDE";
  NonKeyAttributes?: string[];
}

export interface Throughput {
  read: number;
  write: number;
  lastIncrease?: number;
  lastDecrease?: number;
  decreasesToday: number;
}

/** Read and write units per second a table or global index can take at once (DescribeTable's WarmThroughput). */
export interface WarmUnits {
  read: number;
  write: number;
}

export interface IndexRecord {
  name: string;
  keySchema: KeySchemaElement[];
  projection: ProjectionSpec;
  /** GSIs of PROVISIONED tables. */
  throughput?: Throughput;
  /** A global index's own on-demand limits, as set (lifted ones left out). */
  onDemand?: { MaxReadRequestUnits?: number; MaxWriteRequestUnits?: number };
  /** A global index's warm throughput, once a change has raised it above what its capacity gives. */
  warm?: WarmUnits;
  /** Epoch ms until which a new GSI answers CREATING (it is usable at once). */
  creatingUntil?: number;
}

export interface StreamInfo {
  arn: string;
  label: string;
  viewType: StreamViewType;
  enabled: boolean;
}

export type StreamViewType = "NEW_IMAGE" | "OLD_IMAGE" | "NEW_AND_OLD_IMAGES" | "KEYS_ONLY";

export interface Tag {
  Key: string;
  Value: string;
}

export interface TableRecord {
  accountId: string;
  region: string;
  name: string;
  /** TableId: a UUID; also the prefix of the table's items in storage. */
  id: string;
  createdAt: number;
  attributeDefinitions: AttributeDefinition[];
  keySchema: KeySchemaElement[];
  billingMode: "PROVISIONED" | "PAY_PER_REQUEST";
  /** When the table last switched to PAY_PER_REQUEST. */
  payPerRequestSince?: number;
  throughput: Throughput;
  /** The warm throughput, once a change has raised it above what the capacity gives (it never decreases). */
  warm?: WarmUnits;
  gsis: IndexRecord[];
  lsis: IndexRecord[];
  /** The latest stream, enabled or not (DescribeTable keeps naming it). */
  stream?: StreamInfo;
  /** `changedAt`: when UpdateTimeToLive last turned it on or off. */
  ttl?: { attributeName: string; enabled: boolean; changedAt?: number };
  /** Point-in-time recovery, when on: the window's length and when it was turned on. */
  pitr?: {
    recoveryPeriodInDays: number;
    since: number;
    /** Since when every change is kept (see ChangeRecord): a table's recovery turned on before Nimbus kept them has none. */
    historySince?: number;
  };
  tags: Tag[];
  deletionProtection: boolean;
  /** The request units an on-demand table may consume per second, as set (DescribeTable's OnDemandThroughput). */
  onDemand?: { MaxReadRequestUnits?: number; MaxWriteRequestUnits?: number };
  tableClass?: string;
  /** When UpdateTable last changed the table class (TableClassSummary's LastUpdateDateTime). */
  tableClassUpdatedAt?: number;
  /** Encryption with a KMS key (SSESpecification Enabled); absent: the AWS-owned key, which DescribeTable does not mention. */
  sse?: { kmsKeyArn: string };
  /** Epoch ms until which DescribeTable answers CREATING / UPDATING. */
  busyUntil?: number;
  busyStatus?: "CREATING" | "UPDATING";
  /** The table's resource-based policy (PutResourcePolicy, CreateTable's ResourcePolicy); its indexes share it. */
  resourcePolicy?: StoredPolicy;
  /** Each stream's own resource-based policy, by stream label. */
  streamPolicies?: Record<string, StoredPolicy>;
  /** Contributor Insights, by global index name ("" for the table itself), once turned on. */
  insights?: Record<string, InsightsSetting>;
  /** Set on a table made by RestoreTableFromBackup or RestoreTableToPointInTime (DescribeTable's RestoreSummary). */
  restore?: { sourceBackupArn?: string; sourceTableArn: string; restoredAt: number };
  /**
   * A global table's replicas (version 2019.11.21): every region holding
   * one, this table's own included, each a table of its own with the same
   * name. Every member's record holds the whole group.
   */
  replicas?: ReplicaRecord[];
}

/** One region's replica of a global table. */
export interface ReplicaRecord {
  region: string;
  /** The replica table's TableId. */
  tableId: string;
  /** Epoch ms until which the replica answers CREATING (its items are copied at once). */
  creatingUntil?: number;
  /** The region whose table it was copied from, and when: that table cannot be deleted for 24 hours. */
  source?: { region: string; at: number };
  /** Set until the copy of its items is done (a copy a stop cut short is finished at start). */
  seeding?: true;
}

/** UpdateContributorInsights's setting for a table or one of its global indexes. */
export interface InsightsSetting {
  enabled: boolean;
  mode: "ACCESSED_AND_THROTTLED_KEYS" | "THROTTLED_KEYS";
  /** When it was last turned on or off: each takes a moment to settle. */
  changedAt: number;
  /** When it was last turned on: the CloudWatch rules are named by it. */
  rulesAt: number;
}

/** Counters kept beside the table and updated in every write's transaction. */
export interface TableStats {
  count: number;
  bytes: number;
  indexes: Record<string, { count: number; bytes: number }>;
  /** Last stream sequence number handed out. */
  seq: number;
  /** When an item last changed: a point-in-time restore to an earlier time needs the changes since. */
  changedAt?: number;
  /** Changes kept for point-in-time recovery so far (the last one's number). */
  changes?: number;
}

export const emptyStats = (): TableStats => ({ count: 0, bytes: 0, indexes: {}, seq: 0 });

/**
 * The KMS key an SSESpecification names for a table: its own key (an ARN,
 * or an id or alias taken in the table's account and region), or the
 * account's AWS-managed `aws/dynamodb` key; undefined when encryption
 * stays with the AWS-owned key.
 */
export function sseOf(
  table: Pick<TableRecord, "accountId" | "region">,
  spec: { Enabled?: boolean; SSEType?: string; KMSMasterKeyId?: string } | undefined,
  managedKeyId: string,
): { kmsKeyArn: string } | undefined {
  // SSEType KMS without Enabled enables it (AWS capture, ack-api-quirks DDB-TABLE-044).
  if (!(spec?.Enabled ?? spec?.SSEType === "KMS")) return undefined;
  const key = spec.KMSMasterKeyId;
  const prefix = `arn:aws:kms:${table.region}:${table.accountId}:`;
  if (key === undefined) return { kmsKeyArn: `${prefix}key/${managedKeyId}` };
  if (key.startsWith("arn:")) return { kmsKeyArn: key };
  return { kmsKeyArn: key.startsWith("alias/") ? `${prefix}${key}` : `${prefix}key/${key}` };
}

export function tableArn(t: Pick<TableRecord, "accountId" | "region" | "name">): string {
  return `arn:aws:dynamodb:${t.region}:${t.accountId}:table/${t.name}`;
}

export function tableArnOf(region: string, accountId: string, name: string): string {
  return `arn:aws:dynamodb:${region}:${accountId}:table/${name}`;
}

/** The key attribute names of a key schema. */
export function keyNames(schema: readonly KeySchemaElement[]): { hash: string; range?: string } {
  const hash = schema.find((k) => k.KeyType === "HASH")?.AttributeName ?? schema[0]?.AttributeName ?? "";
  const range = schema.find((k) => k.KeyType === "RANGE")?.AttributeName;
  return range === undefined ? { hash } : { hash, range };
}

/**
 * Every key attribute by role, in key-schema order: a table has one HASH
 * and at most one RANGE; a global index up to four of each (DynamoDB's
 * multi-attribute keys).
 */
export function keyColumns(schema: readonly KeySchemaElement[]): { hashes: string[]; ranges: string[] } {
  return {
    hashes: schema.filter((k) => k.KeyType === "HASH").map((k) => k.AttributeName),
    ranges: schema.filter((k) => k.KeyType === "RANGE").map((k) => k.AttributeName),
  };
}

export function attributeType(table: TableRecord, name: string): KeyType {
  return table.attributeDefinitions.find((d) => d.AttributeName === name)?.AttributeType ?? "S";
}

/** Every index of a table, LSIs first (as storage and descriptions order them). */
export function allIndexes(table: TableRecord): { index: IndexRecord; global: boolean }[] {
  return [...table.lsis.map((index) => ({ index, global: false })), ...table.gsis.map((index) => ({ index, global: true }))];
}

export function findIndex(table: TableRecord, name: string): { index: IndexRecord; global: boolean } | undefined {
  return allIndexes(table).find((i) => i.index.name === name);
}

function throughputDescription(t: Throughput | undefined, payPerRequest: boolean) {
  if (payPerRequest || !t) return { NumberOfDecreasesToday: 0, ReadCapacityUnits: 0, WriteCapacityUnits: 0 };
  return {
    ...(t.lastIncrease ? { LastIncreaseDateTime: new Date(t.lastIncrease) } : {}),
    ...(t.lastDecrease ? { LastDecreaseDateTime: new Date(t.lastDecrease) } : {}),
    NumberOfDecreasesToday: t.decreasesToday,
    ReadCapacityUnits: t.read,
    WriteCapacityUnits: t.write,
  };
}

/** On-demand capacity starts warm at these units per second, and a table once on demand keeps them. */
const ON_DEMAND_WARM: WarmUnits = { read: 12000, write: 4000 };

function higher(a: WarmUnits | undefined, b: WarmUnits | undefined): WarmUnits | undefined {
  if (!a || !b) return a ?? b;
  return { read: Math.max(a.read, b.read), write: Math.max(a.write, b.write) };
}

/**
 * The warm throughput of a table or global index: the highest it reached,
 * and at least what its capacity gives now (on demand 12,000 reads and
 * 4,000 writes a second; provisioned, its capacity units). It never
 * decreases, not even when provisioned capacity does.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/warm-throughput.html
 */
export function warmThroughput(reached: WarmUnits | undefined, throughput: Throughput | undefined, payPerRequest: boolean): WarmUnits {
  const floor = payPerRequest ? ON_DEMAND_WARM : { read: throughput?.read ?? 0, write: throughput?.write ?? 0 };
  return higher(reached, floor) ?? floor;
}

/** The warm throughput a table or global index starts with: what its creation asked for, the rest from its capacity. */
export function initialWarm(
  asked: { ReadUnitsPerSecond?: number; WriteUnitsPerSecond?: number } | undefined,
  throughput: { ReadCapacityUnits?: number; WriteCapacityUnits?: number } | undefined,
  payPerRequest: boolean,
): WarmUnits {
  const floor = payPerRequest ? ON_DEMAND_WARM : { read: throughput?.ReadCapacityUnits ?? 0, write: throughput?.WriteCapacityUnits ?? 0 };
  return { read: asked?.ReadUnitsPerSecond ?? floor.read, write: asked?.WriteUnitsPerSecond ?? floor.write };
}

/** A table after a change, its warm throughput and its global indexes' kept at the highest reached before or now. */
export function keepWarm(before: TableRecord, after: TableRecord): TableRecord {
  const wasOnDemand = before.billingMode === "PAY_PER_REQUEST";
  const onDemand = after.billingMode === "PAY_PER_REQUEST";
  const reached = warmThroughput(before.warm, before.throughput, wasOnDemand);
  const gsis = after.gsis.map((index) => {
    const old = before.gsis.find((g) => g.name === index.name);
    const oldWarm = old ? warmThroughput(old.warm, old.throughput, wasOnDemand) : undefined;
    return { ...index, warm: warmThroughput(higher(index.warm, oldWarm), index.throughput, onDemand) };
  });
  return { ...after, warm: warmThroughput(higher(after.warm, reached), after.throughput, onDemand), gsis };
}

function warmDescription(warm: WarmUnits, status = "ACTIVE") {
  return { ReadUnitsPerSecond: warm.read, WriteUnitsPerSecond: warm.write, Status: status };
}

/** The global tables version DynamoDB reports for tables with replicas made through UpdateTable. */
export const GLOBAL_TABLE_VERSION = "2019.11.21";

/**
 * A global table's replicas as DescribeTable lists them: the other
 * regions only, each with what sets it apart (its own KMS key, a table
 * class set for it).
 */
export function replicaDescriptions(table: TableRecord, members: readonly TableRecord[], now: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const replica of table.replicas ?? []) {
    if (replica.tableId === table.id) continue;
    const member = members.find((m) => m.id === replica.tableId);
    const creating = replica.seeding || (replica.creatingUntil !== undefined && now < replica.creatingUntil);
    out.push({
      RegionName: replica.region,
      ReplicaStatus: creating ? "CREATING" : "ACTIVE",
      ...(member?.sse ? { KMSMasterKeyId: member.sse.kmsKeyArn } : {}),
      ...(member?.onDemand?.MaxReadRequestUnits !== undefined && member.onDemand.MaxReadRequestUnits !== table.onDemand?.MaxReadRequestUnits
        ? { OnDemandThroughputOverride: { MaxReadRequestUnits: member.onDemand.MaxReadRequestUnits } }
        : {}),
      ...(member && member.gsis.length > 0 ? { GlobalSecondaryIndexes: member.gsis.map((index) => ({ IndexName: index.name })) } : {}),
      ...(member?.tableClass ? { ReplicaTableClassSummary: { TableClass: member.tableClass } } : {}),
    });
  }
  return out;
}

/** DynamoDB's TableDescription of a table, as of `now`; a global table's `members` are its replicas in other regions. */
export function describeTable(table: TableRecord, stats: TableStats, now: number, status?: string, members: readonly TableRecord[] = []): Record<string, unknown> {
  const arn = tableArn(table);
  const payPerRequest = table.billingMode === "PAY_PER_REQUEST";
  const tableStatus = status ?? (table.busyUntil !== undefined && now < table.busyUntil ? table.busyStatus : "ACTIVE");
  const indexStats = (name: string) => stats.indexes[name] ?? { count: 0, bytes: 0 };
  const description: Record<string, unknown> = {
    AttributeDefinitions: table.attributeDefinitions,
    TableName: table.name,
    KeySchema: table.keySchema,
    TableStatus: tableStatus,
    CreationDateTime: new Date(table.createdAt),
    ProvisionedThroughput: throughputDescription(table.throughput, payPerRequest),
    TableSizeBytes: stats.bytes,
    ItemCount: stats.count,
    TableArn: arn,
    TableId: table.id,
  };
  if (table.payPerRequestSince !== undefined || payPerRequest) {
    description.BillingModeSummary = {
      BillingMode: table.billingMode,
      ...(table.payPerRequestSince !== undefined ? { LastUpdateToPayPerRequestDateTime: new Date(table.payPerRequestSince) } : {}),
    };
  }
  if (table.restore) {
    description.RestoreSummary = {
      ...(table.restore.sourceBackupArn !== undefined ? { SourceBackupArn: table.restore.sourceBackupArn } : {}),
      SourceTableArn: table.restore.sourceTableArn,
      RestoreDateTime: new Date(table.restore.restoredAt),
      RestoreInProgress: tableStatus === "CREATING",
    };
  }
  if (table.lsis.length > 0) {
    description.LocalSecondaryIndexes = table.lsis.map((index) => ({
      IndexName: index.name,
      KeySchema: index.keySchema,
      Projection: index.projection,
      IndexSizeBytes: indexStats(index.name).bytes,
      ItemCount: indexStats(index.name).count,
      IndexArn: `${arn}/index/${index.name}`,
    }));
  }
  if (table.gsis.length > 0) {
    description.GlobalSecondaryIndexes = table.gsis.map((index) => {
      const creating = status === "CREATING" || (index.creatingUntil !== undefined && now < index.creatingUntil);
      return {
        IndexName: index.name,
        KeySchema: index.keySchema,
        Projection: index.projection,
        IndexStatus: status === "DELETING" ? "DELETING" : creating ? "CREATING" : "ACTIVE",
        ...(creating && status !== "CREATING" ? { Backfilling: false } : {}),
        ProvisionedThroughput: throughputDescription(index.throughput, payPerRequest),
        IndexSizeBytes: indexStats(index.name).bytes,
        ItemCount: indexStats(index.name).count,
        IndexArn: `${arn}/index/${index.name}`,
        ...(index.onDemand ? { OnDemandThroughput: index.onDemand } : {}),
        WarmThroughput: warmDescription(warmThroughput(index.warm, index.throughput, payPerRequest)),
      };
    });
  }
  if (table.stream) {
    if (table.stream.enabled) description.StreamSpecification = { StreamEnabled: true, StreamViewType: table.stream.viewType };
    description.LatestStreamLabel = table.stream.label;
    description.LatestStreamArn = table.stream.arn;
  }
  if (table.replicas) {
    description.GlobalTableVersion = GLOBAL_TABLE_VERSION;
    description.Replicas = replicaDescriptions(table, members, now);
  }
  if (table.tableClass) {
    description.TableClassSummary = {
      TableClass: table.tableClass,
      ...(table.tableClassUpdatedAt !== undefined ? { LastUpdateDateTime: new Date(table.tableClassUpdatedAt) } : {}),
    };
  }
  if (table.sse) description.SSEDescription = { Status: "ENABLED", SSEType: "KMS", KMSMasterKeyArn: table.sse.kmsKeyArn };
  if (table.onDemand) description.OnDemandThroughput = table.onDemand;
  description.DeletionProtectionEnabled = table.deletionProtection;
  description.WarmThroughput = warmDescription(warmThroughput(table.warm, table.throughput, payPerRequest));
  return description;
}

/**
 * CreateTable's answer: the description without what DynamoDB adds
 * only later, the warm throughput and the date the table went on demand.
 */
export function creationDescription(description: Record<string, unknown>, warmAsked: CreationWarm = {}): Record<string, unknown> {
  const { WarmThroughput: _warm, ...rest } = description;
  // A warm throughput asked for is answered as being reached.
  if (warmAsked.table) rest.WarmThroughput = warmDescription(warmAsked.table, "UPDATING");
  const billing = rest.BillingModeSummary as { BillingMode?: string } | undefined;
  if (billing) rest.BillingModeSummary = { BillingMode: billing.BillingMode };
  const gsis = rest.GlobalSecondaryIndexes as Record<string, unknown>[] | undefined;
  if (gsis) {
    rest.GlobalSecondaryIndexes = gsis.map(({ WarmThroughput: _indexWarm, ...index }) => {
      const warm = warmAsked.indexes?.get(index.IndexName as string);
      return warm ? { ...index, WarmThroughput: warmDescription(warm, "UPDATING") } : index;
    });
  }
  return rest;
}

/** The warm throughputs a CreateTable asked for: the table's, and its global indexes' by name. */
export interface CreationWarm {
  table?: WarmUnits;
  indexes?: ReadonlyMap<string, WarmUnits>;
}

/** DeleteTable's answer says less than DescribeTable: no schema, indexes, creation date or warm throughput. */
export function deletionDescription(description: Record<string, unknown>): Record<string, unknown> {
  const {
    CreationDateTime: _created,
    KeySchema: _keys,
    AttributeDefinitions: _definitions,
    GlobalSecondaryIndexes: _gsis,
    LocalSecondaryIndexes: _lsis,
    WarmThroughput: _warm,
    ...rest
  } = description;
  return rest;
}

/** UpdateTable's answer while a warm throughput increase is under way: the values it had, UPDATING. */
export function warmUpdating(table: TableRecord): Record<string, unknown> {
  return warmDescription(warmThroughput(table.warm, table.throughput, table.billingMode === "PAY_PER_REQUEST"), "UPDATING");
}

/** A table's new stream, enabled, labelled by the time it starts. */
export function newStream(table: Pick<TableRecord, "accountId" | "region" | "name">, viewType: string, at: number): StreamInfo {
  const label = streamLabel(at);
  return { arn: `${tableArn(table)}/stream/${label}`, label, viewType: viewType as StreamViewType, enabled: true };
}

/** A stream label as DynamoDB makes them: the creation time, ISO 8601 with milliseconds, no zone. */
export function streamLabel(at: number): string {
  return new Date(at).toISOString().replace(/Z$/, "");
}

/** The attributes an index holds when it does not project them all: the table's and its own key, and what it includes. */
export function projectedNames(table: TableRecord, index: IndexRecord): Set<string> {
  const projected = new Set([...table.keySchema, ...index.keySchema].map((k) => k.AttributeName));
  for (const name of index.projection.NonKeyAttributes ?? []) projected.add(name);
  return projected;
}
