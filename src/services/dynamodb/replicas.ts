/**
 * Global tables, version 2019.11.21: UpdateTable's ReplicaUpdates adds a
 * replica of a table in another region of its account, changes one, or
 * removes one. A replica is a table of its own, with the same name, key
 * schema and indexes; every write to any member lands in all of them (see
 * ItemWriter). The checks and their words are DynamoDB's.
 */
import { randomUUID } from "node:crypto";
import { AwsError } from "../../server/errors.js";
import { commercialRegions, knownRegions } from "../../util/regions.js";
import { managedKeyId } from "../../util/ids.js";
import { ddbErrors } from "./errors.js";
import { newStream, sseOf, type TableRecord } from "./tables.js";

export interface ReplicaAction {
  RegionName: string;
  KMSMasterKeyId?: string;
  ProvisionedThroughputOverride?: unknown;
  OnDemandThroughputOverride?: { MaxReadRequestUnits?: number };
  GlobalSecondaryIndexes?: unknown[];
  TableClassOverride?: string;
}

export interface ReplicaUpdate {
  Create?: ReplicaAction;
  Update?: ReplicaAction;
  Delete?: { RegionName: string };
}

/** What a ReplicaUpdates asks, once checked: one replica to add or remove, or replicas to change. */
export type ReplicaPlan =
  | { kind: "create"; action: ReplicaAction }
  | { kind: "delete"; region: string }
  | { kind: "update"; actions: ReplicaAction[] };

const INVALID = "One or more parameter values were invalid: ";

/** A provisioned table replicates only with its writes auto scaled, which Nimbus has no service for. */
export const WRITE_CAPACITY_NOT_SCALED = "Table write capacity should either be Pay-Per-Request or AutoScaled.";

/** Checks a ReplicaUpdates against the table, in DynamoDB's order, and says what it asks. */
export function planReplicaUpdates(
  table: TableRecord,
  updates: readonly ReplicaUpdate[],
  consistency: string | undefined,
  members: readonly TableRecord[],
  now: number,
): ReplicaPlan {
  if (consistency === "STRONG") {
    throw new AwsError("NotImplemented", "MultiRegionConsistency STRONG (multi-Region strong consistency) is not supported by Nimbus yet.", 501);
  }
  for (const update of updates) {
    const kinds = [update.Create, update.Update, update.Delete].filter((a) => a !== undefined).length;
    if (kinds > 1) throw ddbErrors.validation("Update table operation with more than one type of replica actions not allowed.");
    if (kinds === 0 || (update.Update && !replicaChanges(update.Update))) {
      throw ddbErrors.validation("There are no actions specified in the Replica Update Action of the request.");
    }
  }
  // The same region named twice is one action.
  const addOrRemove = new Set(updates.flatMap((u) => (u.Create ? [`+${u.Create.RegionName}`] : u.Delete ? [`-${u.Delete.RegionName}`] : [])));
  if (addOrRemove.size > 1 || (addOrRemove.size === 1 && updates.some((u) => u.Update))) {
    throw ddbErrors.validation("Update table operation with more than one create or delete replica actions not allowed");
  }
  for (const update of updates) {
    const region = (update.Create ?? update.Delete)?.RegionName;
    if (region === table.region) {
      throw ddbErrors.validation("Cannot add or delete the local region through ReplicaUpdates. Use CreateTable, DeleteTable, or UpdateTable as required.");
    }
  }
  for (const update of updates) {
    const region = (update.Create ?? update.Update ?? update.Delete)!.RegionName;
    if (!knownRegions().has(region) || !commercialRegions().includes(region)) {
      throw ddbErrors.validation(
        `Region ${region} is not supported. The latest version of global tables are only supported in the following regions: [${commercialRegions().join(", ")}].`,
      );
    }
  }
  // A table that is not a global table has no replicas to change or remove, not even its own region's.
  const inGroup = (region: string) => (table.replicas ?? []).some((r) => r.region === region);
  const create = updates.find((u) => u.Create)?.Create;
  if (create) {
    if (table.billingMode === "PROVISIONED") throw ddbErrors.validation(WRITE_CAPACITY_NOT_SCALED);
    if (create.ProvisionedThroughputOverride !== undefined) {
      throw ddbErrors.validation(`${INVALID}ProvisionedThroughputOverride cannot be specified for a replica of a table whose BillingMode is PAY_PER_REQUEST`);
    }
    if (create.GlobalSecondaryIndexes !== undefined) {
      throw new AwsError("NotImplemented", "Per-index replica settings (ReplicaUpdates GlobalSecondaryIndexes) are not supported by Nimbus yet.", 501);
    }
    if (inGroup(create.RegionName)) throw alreadyTables(table.name);
    return { kind: "create", action: create };
  }
  const absent = updates.map((u) => (u.Update ?? u.Delete)!.RegionName).filter((region) => !inGroup(region));
  if (absent.length > 0) {
    throw ddbErrors.validation(
      `Update global table operation failed because one or more replicas were not part of the global table. Please retry the request without these replicas: [${[...new Set(absent)].join(", ")}].`,
    );
  }
  const removed = updates.find((u) => u.Delete)?.Delete;
  if (removed) {
    const member = members.find((m) => m.region === removed.RegionName);
    if (member) checkReplicaRemoval(table, member, now);
    return { kind: "delete", region: removed.RegionName };
  }
  const actions = updates.map((u) => u.Update!);
  for (const action of actions) {
    if (action.ProvisionedThroughputOverride !== undefined) {
      throw ddbErrors.validation(`${INVALID}ProvisionedThroughputOverride cannot be specified for a replica of a table whose BillingMode is PAY_PER_REQUEST`);
    }
    if (action.GlobalSecondaryIndexes !== undefined) {
      throw new AwsError("NotImplemented", "Per-index replica settings (ReplicaUpdates GlobalSecondaryIndexes) are not supported by Nimbus yet.", 501);
    }
  }
  return { kind: "update", actions };
}

/** A region that already holds a table of that name, or a replica. */
export function alreadyTables(name: string): AwsError {
  return ddbErrors.validation(`Failed to create a the new replica of table with name: '${name}' because one or more replicas already existed as tables.`);
}

/** Whether a replica Update action changes anything. */
function replicaChanges(action: ReplicaAction): boolean {
  return (
    action.KMSMasterKeyId !== undefined ||
    action.ProvisionedThroughputOverride !== undefined ||
    action.OnDemandThroughputOverride !== undefined ||
    action.GlobalSecondaryIndexes !== undefined ||
    action.TableClassOverride !== undefined
  );
}

/**
 * A new replica of `source` in the action's region: the same key schema,
 * indexes, billing, time to live and stream view type; its own id, stream,
 * encryption key and table class; no tags, policies or backups settings
 * (those stay with each region's table).
 */
export function replicaRecord(source: TableRecord, action: ReplicaAction, now: number, creatingMs: number): TableRecord {
  const scope = { accountId: source.accountId, region: action.RegionName, name: source.name };
  const replica: TableRecord = {
    ...scope,
    id: randomUUID(),
    createdAt: now,
    attributeDefinitions: source.attributeDefinitions,
    keySchema: source.keySchema,
    billingMode: source.billingMode,
    ...(source.billingMode === "PAY_PER_REQUEST" ? { payPerRequestSince: now } : {}),
    throughput: { read: source.throughput.read, write: source.throughput.write, decreasesToday: 0 },
    ...(source.warm ? { warm: source.warm } : {}),
    gsis: source.gsis.map(({ creatingUntil: _creating, ...index }) => index),
    lsis: source.lsis,
    stream: newStream(scope, source.stream?.viewType ?? "NEW_AND_OLD_IMAGES", now),
    ...(source.ttl ? { ttl: source.ttl } : {}),
    tags: [],
    deletionProtection: false,
    busyUntil: now + creatingMs,
    busyStatus: "CREATING",
  };
  return changedReplica(replica, action, now, source);
}

/** A replica with an action's own settings: its KMS key, read request limit and table class. */
export function changedReplica(replica: TableRecord, action: ReplicaAction, now: number, source?: TableRecord): TableRecord {
  const next = { ...replica };
  const managed = managedKeyId("aws/dynamodb", replica.accountId, replica.region);
  if (action.KMSMasterKeyId !== undefined) next.sse = sseOf(replica, { Enabled: true, KMSMasterKeyId: action.KMSMasterKeyId }, managed)!;
  // A source encrypted with a KMS key: the replica uses its own region's AWS managed key unless given one.
  else if (source?.sse) next.sse = sseOf(replica, { Enabled: true }, managed)!;
  const onDemand = source?.onDemand ?? replica.onDemand;
  const reads = action.OnDemandThroughputOverride?.MaxReadRequestUnits;
  if (onDemand || reads !== undefined) next.onDemand = { ...onDemand, ...(reads !== undefined ? { MaxReadRequestUnits: reads } : {}) };
  const tableClass = action.TableClassOverride ?? source?.tableClass;
  if (tableClass !== undefined && tableClass !== next.tableClass) {
    next.tableClass = tableClass;
    if (!source) next.tableClassUpdatedAt = now;
  }
  return next;
}

/** A replica removed through ReplicaUpdates: not one protected against deletion, nor a recent source. */
export function checkReplicaRemoval(table: TableRecord, member: TableRecord, now: number): void {
  if (member.deletionProtection) {
    throw ddbErrors.validation(`Cannot delete table ${table.name} in region ${member.region} because it has deletion protection enabled. Disable deletion protection first.`);
  }
  checkMemberDeletion(table, member.region, now);
}

/**
 * A member of a global table may leave it (DeleteTable in its region, or
 * ReplicaUpdates Delete from another), except one that some replica was
 * copied from in the last 24 hours.
 */
export function checkMemberDeletion(table: TableRecord, region: string, now: number): void {
  const sourced = (table.replicas ?? []).some((r) => r.source?.region === region && now - r.source.at < DAY_MS);
  if (sourced) {
    throw ddbErrors.validation("Replica cannot be deleted because it has acted as a source region for new replica(s) being added to the table in the last 24 hours.");
  }
}

const DAY_MS = 24 * 60 * 60 * 1000;

