/**
 * Restores: RestoreTableFromBackup and RestoreTableToPointInTime. Each
 * makes a new table from a backup's items or a live table's, with the
 * source's key schema, indexes (rebuilt), capacity and encryption unless
 * overridden. As DynamoDB documents, a restored table has no tags, stream,
 * time to live, point-in-time recovery or deletion protection: those are
 * set up again by hand.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_RestoreTableFromBackup.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_RestoreTableToPointInTime.html
 */
import type { RequestContext } from "../../../server/context.js";
import { defineOperation, type AuthorizationRequirement, type OperationTable } from "../../../server/service.js";
import { AwsError } from "../../../server/errors.js";
import type { BackupStore } from "../backup-store.js";
import { ddbErrors } from "../errors.js";
import { tableResource, tableScope, type DynamoDeps, type TableScope } from "../operation.js";
import { checkCreateTable, type CreateTableInput, type IndexInput, type OnDemandThroughput, type ThroughputInput } from "../table-validation.js";
import {
  creationDescription,
  describeTable,
  emptyStats,
  tableArn,
  type IndexRecord,
  type TableRecord,
  type Throughput,
} from "../tables.js";
import { backedTable, backupErrors, liveBackup, restorableWindow } from "./backups.js";
import { newTableRecord } from "./tables.js";

interface RestoreOverrides {
  BillingModeOverride?: "PROVISIONED" | "PAY_PER_REQUEST";
  GlobalSecondaryIndexOverride?: IndexInput[];
  LocalSecondaryIndexOverride?: IndexInput[];
  ProvisionedThroughputOverride?: ThroughputInput;
  OnDemandThroughputOverride?: OnDemandThroughput;
  SSESpecificationOverride?: { Enabled?: boolean; SSEType?: string; KMSMasterKeyId?: string };
}

interface RestoreFromBackupInput extends RestoreOverrides {
  TargetTableName: string;
  BackupArn: string;
}

interface RestoreToPointInTimeInput extends RestoreOverrides {
  TargetTableName: string;
  SourceTableName?: string;
  SourceTableArn?: string;
  UseLatestRestorableTime?: boolean;
  RestoreDateTime?: Date;
}

/**
 * "DynamoDB read and write permissions on the target table are necessary
 * for restore functionality" (Using IAM with DynamoDB backup and restore):
 * the actions its example policy grants beside the restore itself.
 */
const TARGET_ACTIONS = ["PutItem", "UpdateItem", "DeleteItem", "GetItem", "Query", "Scan", "BatchWriteItem"];

function onTarget(targetTableName: unknown, ctx: RequestContext): AuthorizationRequirement[] {
  const resource = tableResource(targetTableName, ctx);
  return TARGET_ACTIONS.map((action) => ({ action: `dynamodb:${action}`, resource }));
}

/**
 * The errors of point-in-time restores. Their codes are the model's; no
 * answer of DynamoDB's with these texts was found on record, so the texts
 * are Nimbus's best reading until one is.
 */
const restoreErrors = {
  pitrUnavailable: (name: string) =>
    new AwsError("PointInTimeRecoveryUnavailableException", `Point in time recovery is not enabled for table '${name}'`, 400),
  /** The words of the exception's own documentation in DynamoDB's API reference. */
  invalidRestoreTime: () =>
    new AwsError(
      "InvalidRestoreTimeException",
      "An invalid restore time was specified. RestoreDateTime must be between EarliestRestorableDateTime and LatestRestorableDateTime.",
      400,
    ),
  noSource: () => ddbErrors.validation("One or more parameter values were invalid: Either SourceTableArn or SourceTableName must be specified"),
  /** A table whose recovery was turned on before Nimbus kept changes has no history of that time: it says so rather than restore the present as if it were the past. */
  noHistory: (table: TableRecord, at: number, changedAt: number) =>
    new AwsError(
      "NotImplemented",
      `Nimbus kept no history of table ${table.name} to restore it as of ${new Date(at).toISOString()}: it changed at ${new Date(changedAt).toISOString()}, ` +
        "and only its present state can be restored (use UseLatestRestorableTime, or a RestoreDateTime after its last change).",
      501,
    ),
};

export function restoreOperations(deps: DynamoDeps, backups: BackupStore): OperationTable {
  const { store } = deps;

  /** The target's scope, or TableAlreadyExistsException if the name is taken. */
  function freeTarget(name: string, ctx: RequestContext): TableScope {
    const scope = tableScope(name, ctx);
    if (store.table(scope.accountId, scope.region, scope.name)) throw backupErrors.tableAlreadyExists(scope.name);
    return scope;
  }

  function answer(table: TableRecord, now: number) {
    // DynamoDB answers with the table CREATING, its restore in progress, no
    // items yet, and its billing mode named even when PROVISIONED (the AWS
    // CLI's example answer).
    const description = creationDescription(describeTable(table, emptyStats(), now, "CREATING"));
    description.BillingModeSummary ??= { BillingMode: table.billingMode };
    return { TableDescription: description };
  }

  return {
    RestoreTableFromBackup: defineOperation<RestoreFromBackupInput>({
      // "RestoreTableFromBackup permissions are necessary on the source backup".
      authorize: (input, ctx) => [
        { action: "dynamodb:RestoreTableFromBackup", resource: typeof input.BackupArn === "string" ? input.BackupArn : "*" },
        ...onTarget(input.TargetTableName, ctx),
      ],
      async handle(input, ctx) {
        const backup = liveBackup(backups.backup(ctx.accountId, ctx.region, input.BackupArn), ctx.now().getTime());
        if (!backup) throw backupErrors.backupNotFound(input.BackupArn);
        const now = ctx.now().getTime();
        const scope = freeTarget(input.TargetTableName, ctx);
        const table = restoredTable(backup.table, scope, input, now, {
          sourceBackupArn: backup.arn,
          sourceTableArn: tableArn(backup.table),
          // A backup restores the table as it was when the backup was taken (RestoreSummary in the AWS CLI's example).
          restoredAt: backup.createdAt,
        });
        const outcome = await backups.restoreTable(table, { backup }, now);
        if (outcome === "backup gone") throw backupErrors.backupNotFound(input.BackupArn);
        if (outcome === "name taken") throw backupErrors.tableAlreadyExists(scope.name);
        return answer(table, now);
      },
    }),

    RestoreTableToPointInTime: defineOperation<RestoreToPointInTimeInput>({
      // "RestoreTableToPointInTime permissions are necessary on the source table".
      authorize: (input, ctx) => [
        { action: "dynamodb:RestoreTableToPointInTime", resource: tableResource(input.SourceTableArn ?? input.SourceTableName, ctx) },
        ...onTarget(input.TargetTableName, ctx),
      ],
      async handle(input, ctx) {
        const sourceName = input.SourceTableArn ?? input.SourceTableName;
        if (sourceName === undefined) throw restoreErrors.noSource();
        const source = backedTable(deps, sourceName, ctx);
        if (!source.pitr) throw restoreErrors.pitrUnavailable(source.name);
        const now = ctx.now().getTime();
        const at = restorePoint(source, source.pitr, input, now);
        const scope = freeTarget(input.TargetTableName, ctx);
        const table = restoredTable(source, scope, input, now, { sourceTableArn: tableArn(source), restoredAt: at });
        // restorePoint's look at the source's last change and the snapshot restoreTable takes
        // before its first await fall in one synchronous turn: the copy is the state that was checked.
        if ((await backups.restoreTable(table, { table: source, asOf: at }, now)) !== "restored") throw backupErrors.tableAlreadyExists(scope.name);
        return answer(table, now);
      },
    }),
  };

  /**
   * The time a point-in-time restore goes back to: the latest restorable
   * time, or RestoreDateTime within the window. The copy is the table as
   * it stands now with the changes made since undone, from the history
   * recovery keeps; a table whose recovery was turned on before Nimbus
   * kept one has none of that time.
   */
  function restorePoint(source: TableRecord, pitr: NonNullable<TableRecord["pitr"]>, input: RestoreToPointInTimeInput, now: number): number {
    const window = restorableWindow(pitr, now);
    if (input.UseLatestRestorableTime || input.RestoreDateTime === undefined) return window.latest;
    const at = input.RestoreDateTime.getTime();
    if (at < window.earliest || at > window.latest) throw restoreErrors.invalidRestoreTime();
    const changedAt = store.tableStats(source).changedAt;
    if (changedAt !== undefined && changedAt > at && !(pitr.historySince !== undefined && at >= pitr.historySince)) {
      throw restoreErrors.noHistory(source, at, changedAt);
    }
    return at;
  }

  /**
   * The new table's record: the source's key schema, indexes, capacity,
   * table class, on-demand limits and encryption, each overridable, held
   * to CreateTable's rules (a billing switch to PROVISIONED needs its
   * capacity, as a new table would).
   */
  function restoredTable(source: TableRecord, scope: TableScope, o: RestoreOverrides, now: number, restore: NonNullable<TableRecord["restore"]>): TableRecord {
    const overrideProblem = checkOverrides(source, o);
    if (overrideProblem) throw ddbErrors.validation(overrideProblem);
    const billingMode = o.BillingModeOverride ?? source.billingMode;
    const payPerRequest = billingMode === "PAY_PER_REQUEST";
    const sourceCapacity = source.billingMode === "PROVISIONED" ? capacityInput(source.throughput) : undefined;
    const throughput = o.ProvisionedThroughputOverride ?? (payPerRequest ? undefined : sourceCapacity);
    const gsis = o.GlobalSecondaryIndexOverride ?? source.gsis.map((index) => indexInput(index, payPerRequest));
    const lsis = o.LocalSecondaryIndexOverride ?? source.lsis.map((index) => indexInput(index, true));
    // Only the attributes the remaining keys use stay defined.
    const used = new Set([...source.keySchema, ...gsis.flatMap((i) => i.KeySchema), ...lsis.flatMap((i) => i.KeySchema)].map((k) => k.AttributeName));
    // On-demand limits stay with on-demand: a restore to provisioned capacity has none.
    const asked = o.OnDemandThroughputOverride;
    const onDemand = !payPerRequest ? undefined : asked && limitsGiven(asked) ? asked : source.onDemand;
    const definition: CreateTableInput = {
      TableName: scope.name,
      AttributeDefinitions: source.attributeDefinitions.filter((d) => used.has(d.AttributeName)),
      KeySchema: source.keySchema,
      ...(lsis.length > 0 ? { LocalSecondaryIndexes: lsis } : {}),
      ...(gsis.length > 0 ? { GlobalSecondaryIndexes: gsis } : {}),
      BillingMode: billingMode,
      ...(throughput ? { ProvisionedThroughput: throughput } : {}),
    };
    const problem = checkCreateTable(definition);
    if (problem) throw ddbErrors.validation(problem);
    // No tags, stream, TTL or deletion protection carry over, as AWS documents.
    const table: TableRecord = {
      ...newTableRecord({ ...definition, SSESpecification: o.SSESpecificationOverride }, scope, now, deps.creatingMs),
      restore,
    };
    if (source.tableClass) table.tableClass = source.tableClass;
    if (onDemand) table.onDemand = onDemand;
    if (!o.SSESpecificationOverride && source.sse) table.sse = source.sse;
    return table;
  }
}

const INVALID_REQUEST = "Invalid Request: ";

function limitsGiven(limits: OnDemandThroughput): boolean {
  return limits.MaxReadRequestUnits !== undefined || limits.MaxWriteRequestUnits !== undefined;
}

/**
 * A restore's overrides, held to the billing mode the restored table will
 * have and to the source's indexes, in DynamoDB's words (AWS captures,
 * ack-api-quirks DDB-TABLE-273, 280 and 457): capacity only when
 * provisioned, and then for every index overridden; on-demand limits only
 * on demand, at least 1; an index override may rename a source index but
 * must keep its key schema and projection.
 */
function checkOverrides(source: TableRecord, o: RestoreOverrides): string | undefined {
  const billingMode = o.BillingModeOverride ?? source.billingMode;
  if (o.ProvisionedThroughputOverride) {
    if (o.BillingModeOverride === "PAY_PER_REQUEST") return `${INVALID_REQUEST}Cannot override ProvisionedThroughput if BillingMode is overridden to PAY_PER_REQUEST`;
    if (billingMode === "PAY_PER_REQUEST") return `${INVALID_REQUEST}Cannot override ProvisionedThroughput unless BillingMode is PROVISIONED`;
  } else if (o.BillingModeOverride === "PROVISIONED" && source.billingMode === "PAY_PER_REQUEST") {
    return `${INVALID_REQUEST}Must override ProvisionedThroughput if BillingMode is overridden to PROVISIONED`;
  }
  const limits = o.OnDemandThroughputOverride;
  if (limits && limitsGiven(limits)) {
    const members = [["MaxReadRequestUnits", limits.MaxReadRequestUnits], ["MaxWriteRequestUnits", limits.MaxWriteRequestUnits]] as const;
    if (billingMode !== "PAY_PER_REQUEST") {
      const given = members.find(([, units]) => units !== undefined);
      return `${INVALID_REQUEST}Cannot override ${given?.[0]} for OnDemandThroughput unless BillingModeOverride is PAY_PER_REQUEST`;
    }
    const outside = members.find(([, units]) => units !== undefined && units < 1);
    if (outside) return `${INVALID_REQUEST}Requested ${outside[0]} for OnDemandThroughput is outside of valid range`;
  }
  for (const [overrides, existing] of [[o.GlobalSecondaryIndexOverride, source.gsis], [o.LocalSecondaryIndexOverride, source.lsis]] as const) {
    for (const index of overrides ?? []) {
      if (!existing.some((e) => sameIndex(e, index))) {
        return `${INVALID_REQUEST}Index ${index.IndexName} does not match a secondary index that existed in the source table and cannot be created during the restore operation`;
      }
    }
  }
  for (const index of o.GlobalSecondaryIndexOverride ?? []) {
    if (o.BillingModeOverride === "PAY_PER_REQUEST" && index.ProvisionedThroughput) {
      return `${INVALID_REQUEST}Cannot override ProvisionedThroughput if BillingMode is overridden to PAY_PER_REQUEST for index ${index.IndexName}`;
    }
    if (billingMode === "PROVISIONED" && !index.ProvisionedThroughput) return `${INVALID_REQUEST}Must specify provisioned throughput for index ${index.IndexName}`;
  }
  return undefined;
}

/** An index override names a source index when it has its key schema and projection (its name may differ). */
function sameIndex(source: IndexRecord, override: IndexInput): boolean {
  const keys = (schema: readonly { AttributeName: string; KeyType: string }[]) => schema.map((k) => `${k.KeyType}:${k.AttributeName}`).join(",");
  const projection = (p: IndexRecord["projection"]) => `${p.ProjectionType}:${[...(p.NonKeyAttributes ?? [])].sort().join(",")}`;
  return keys(source.keySchema) === keys(override.KeySchema ?? []) && projection(source.projection) === projection(override.Projection ?? {});
}

function capacityInput(t: Throughput | undefined): ThroughputInput | undefined {
  return t ? { ReadCapacityUnits: t.read, WriteCapacityUnits: t.write } : undefined;
}

/** A source index as a restore request would name it; a global index keeps its capacity unless the table goes on demand, and its on-demand limits if it stays there. */
function indexInput(index: IndexRecord, withoutCapacity: boolean): IndexInput {
  const capacity = withoutCapacity ? undefined : capacityInput(index.throughput);
  const limits = withoutCapacity ? index.onDemand : undefined;
  return {
    IndexName: index.name,
    KeySchema: index.keySchema,
    Projection: index.projection,
    ...(capacity ? { ProvisionedThroughput: capacity } : {}),
    ...(limits ? { OnDemandThroughput: limits } : {}),
  };
}

