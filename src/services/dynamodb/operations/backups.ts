/**
 * Backups: point-in-time recovery (DescribeContinuousBackups,
 * UpdateContinuousBackups) and on-demand backups (CreateBackup,
 * DescribeBackup, ListBackups, DeleteBackup). An on-demand backup is a
 * copy of the table's items and of its record as they were; restores are
 * in restores.ts. Point-in-time recovery keeps each change of a table's
 * items for its window (see ChangeRecord), and a table deleted under it
 * leaves a SYSTEM backup of itself, kept 35 days.
 */
import { randomUUID } from "node:crypto";
import type { RequestContext } from "../../../server/context.js";
import { defineOperation, type AuthorizationRequirement, type OperationTable } from "../../../server/service.js";
import { AwsError } from "../../../server/errors.js";
import { randomHex } from "../../../util/ids.js";
import type { BackupRecord, BackupStore } from "../backup-store.js";
import { onTable, tableScope, type DynamoDeps } from "../operation.js";
import { tableArn, type TableRecord } from "../tables.js";

/** DynamoDB's default, and longest, recovery window. */
const DEFAULT_RECOVERY_DAYS = 35;
const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * A new table reports continuous backups DISABLED at first and ENABLED a
 * little later, as DynamoDB does (seen by ScyllaDB's suite run against it).
 */
const BACKUPS_SETTLE_MS = 60 * 1000;

interface PointInTimeRecoverySpecification {
  PointInTimeRecoveryEnabled: boolean;
  RecoveryPeriodInDays?: number;
}

interface ListBackupsInput {
  TableName?: string;
  Limit?: number;
  TimeRangeLowerBound?: Date;
  TimeRangeUpperBound?: Date;
  ExclusiveStartBackupArn?: string;
  BackupType?: "USER" | "SYSTEM" | "AWS_BACKUP" | "ALL";
}

/**
 * The errors of the backup calls, in DynamoDB's words (moto's backup tests,
 * whose messages were checked against DynamoDB; a DescribeBackup answer
 * from DynamoDB quoted in turbot/steampipe-plugin-aws#1913).
 */
export const backupErrors = {
  /** These calls name a missing table with their own exception, not ResourceNotFoundException. */
  tableNotFound: (name: string) => new AwsError("TableNotFoundException", `Table not found: ${name}`, 400),
  backupNotFound: (arn: string) => new AwsError("BackupNotFoundException", `Backup not found: ${arn}`, 400),
  tableAlreadyExists: (name: string) => new AwsError("TableAlreadyExistsException", `Table already exists: ${name}`, 400),
  /**
   * A backup a restore is reading. No answer of DynamoDB's with this code is
   * on record: the text is the exception's own documentation in the model.
   */
  /** DynamoDB refuses with a ValidationException; no text of it is on record, so this one is Nimbus's. */
  systemBackup: (arn: string) => new AwsError("ValidationException", `A SYSTEM backup cannot be deleted: it expires 35 days after its table was deleted (${arn})`, 400),
  backupInUse: () =>
    new AwsError(
      "BackupInUseException",
      "There is another ongoing conflicting backup control plane operation on the table. The backup is either being created, deleted or restored to a table.",
      400,
    ),
};

/** How long DynamoDB keeps the SYSTEM backup of a table deleted under point-in-time recovery. */
const SYSTEM_BACKUP_DAYS = 35;

/**
 * The SYSTEM backup DynamoDB makes of a table deleted with point-in-time
 * recovery on: named `<table>$DeletedTableBackup`, its ARN ending in
 * `-00000000`, kept 35 days, and deleted by no one.
 */
export function deletedTableBackup(table: TableRecord, now: number): Omit<BackupRecord, "sizeBytes" | "itemCount"> {
  return {
    arn: `${tableArn(table)}/backup/${String(now).padStart(14, "0")}-00000000`,
    id: randomUUID(),
    name: `${table.name}$DeletedTableBackup`,
    accountId: table.accountId,
    region: table.region,
    createdAt: now,
    table,
    system: { expiresAt: now + SYSTEM_BACKUP_DAYS * DAY_MS },
  };
}

/** The backup, unless it is a SYSTEM backup past its expiry, which is gone. */
export function liveBackup(backup: BackupRecord | undefined, now: number): BackupRecord | undefined {
  return backup && !(backup.system && backup.system.expiresAt <= now) ? backup : undefined;
}

/** The table a backup call names (a name or an ARN), or TableNotFoundException. */
export function backedTable(deps: DynamoDeps, tableName: string, ctx: RequestContext): TableRecord {
  const scope = tableScope(tableName, ctx);
  const table = deps.store.table(scope.accountId, scope.region, scope.name);
  if (!table) throw backupErrors.tableNotFound(scope.name);
  return table;
}

/** `authorize` of a call on one backup: its ARN is the resource. */
function onBackup(action: string) {
  return (input: { BackupArn?: unknown }): AuthorizationRequirement[] => [
    { action: `dynamodb:${action}`, resource: typeof input.BackupArn === "string" ? input.BackupArn : "*" },
  ];
}

/**
 * The times a table with point-in-time recovery can be restored to. The
 * window opens when recovery was turned on, at most its recovery period
 * ago. DynamoDB's latest restorable time trails the present by about five
 * minutes while its continuous backups catch up; Nimbus restores from its
 * committed state, so the present itself is restorable.
 */
export function restorableWindow(pitr: NonNullable<TableRecord["pitr"]>, now: number): { earliest: number; latest: number } {
  const earliest = Math.max(pitr.since, now - pitr.recoveryPeriodInDays * DAY_MS);
  return { earliest, latest: Math.max(earliest, now) };
}

export function backupOperations(deps: DynamoDeps, backups: BackupStore): OperationTable {
  const { store } = deps;

  /** The backup an ARN names in the caller's account and region, or BackupNotFoundException. */
  function namedBackup(arn: string, ctx: RequestContext): BackupRecord {
    const backup = liveBackup(backups.backup(ctx.accountId, ctx.region, arn), ctx.now().getTime());
    if (!backup) throw backupErrors.backupNotFound(arn);
    return backup;
  }

  return {
    DescribeContinuousBackups: defineOperation<{ TableName: string }>({
      authorize: onTable("DescribeContinuousBackups"),
      handle(input, ctx) {
        return { ContinuousBackupsDescription: continuousBackups(backedTable(deps, input.TableName, ctx), ctx.now().getTime()) };
      },
    }),

    UpdateContinuousBackups: defineOperation<{ TableName: string; PointInTimeRecoverySpecification: PointInTimeRecoverySpecification }>({
      authorize: onTable("UpdateContinuousBackups"),
      async handle(input, ctx) {
        const table = backedTable(deps, input.TableName, ctx);
        const spec = input.PointInTimeRecoverySpecification;
        const now = ctx.now().getTime();
        const updated = await store.updateTable(table, now, (current) => ({
          ...current,
          pitr: spec.PointInTimeRecoveryEnabled
            ? {
                recoveryPeriodInDays: spec.RecoveryPeriodInDays ?? current.pitr?.recoveryPeriodInDays ?? DEFAULT_RECOVERY_DAYS,
                // Turning it on again keeps the window already gathered.
                since: current.pitr?.since ?? now,
                historySince: current.pitr ? current.pitr.historySince : now,
              }
            : undefined,
        }));
        if (!updated) throw backupErrors.tableNotFound(table.name);
        // Recovery turned off forgets the window it had gathered.
        if (!updated.pitr && table.pitr?.historySince !== undefined) await store.dropHistory(updated, table.pitr.historySince);
        return { ContinuousBackupsDescription: continuousBackups(updated, now) };
      },
    }),

    CreateBackup: defineOperation<{ TableName: string; BackupName: string }>({
      authorize: onTable("CreateBackup"),
      async handle(input, ctx) {
        const table = backedTable(deps, input.TableName, ctx);
        const now = ctx.now().getTime();
        // No await before createBackup takes its snapshot: the backup is the table as it stands now.
        const backup = await backups.createBackup({
          arn: backupArn(table, now),
          id: randomUUID(),
          name: input.BackupName,
          accountId: table.accountId,
          region: table.region,
          createdAt: now,
          table,
        });
        // DynamoDB answers CREATING and makes the backup AVAILABLE moments
        // later (as recorded in cloud-custodian's placebo data); Nimbus's
        // is AVAILABLE by the time this answer leaves.
        return { BackupDetails: backupDetails(backup, "CREATING") };
      },
    }),

    DescribeBackup: defineOperation<{ BackupArn: string }>({
      authorize: onBackup("DescribeBackup"),
      handle(input, ctx) {
        return { BackupDescription: backupDescription(namedBackup(input.BackupArn, ctx), "AVAILABLE") };
      },
    }),

    ListBackups: defineOperation<ListBackupsInput>({
      // ListBackups names no resource in the Service Authorization Reference.
      authorize: (_input, ctx) => [{ action: "dynamodb:ListBackups", resource: `arn:aws:dynamodb:${ctx.region}:${ctx.accountId}:*` }],
      handle(input, ctx) {
        // USER unless asked otherwise; Nimbus has no AWS Backup.
        const type = input.BackupType ?? "USER";
        if (type === "AWS_BACKUP") return { BackupSummaries: [] };
        const now = ctx.now().getTime();
        const scope = input.TableName === undefined ? undefined : tableScope(input.TableName, ctx);
        const lower = input.TimeRangeLowerBound?.getTime();
        const upper = input.TimeRangeUpperBound?.getTime();
        const limit = input.Limit ?? Number.POSITIVE_INFINITY;
        const page: BackupRecord[] = [];
        let more = false;
        for (const backup of backups.list(scope?.accountId ?? ctx.accountId, scope?.region ?? ctx.region, scope?.name, input.ExclusiveStartBackupArn)) {
          // The lower bound is inclusive, the upper exclusive (ListBackups' API reference).
          if ((lower !== undefined && backup.createdAt < lower) || (upper !== undefined && backup.createdAt >= upper)) continue;
          if (!liveBackup(backup, now) || (type !== "ALL" && (backup.system ? "SYSTEM" : "USER") !== type)) continue;
          if (page.length === limit) {
            more = true;
            break;
          }
          page.push(backup);
        }
        const summaries = page.map(backupSummary);
        const last = page[page.length - 1];
        return more && last ? { BackupSummaries: summaries, LastEvaluatedBackupArn: last.arn } : { BackupSummaries: summaries };
      },
    }),

    DeleteBackup: defineOperation<{ BackupArn: string }>({
      authorize: onBackup("DeleteBackup"),
      async handle(input, ctx) {
        const backup = namedBackup(input.BackupArn, ctx);
        if (backup.system) throw backupErrors.systemBackup(backup.arn);
        const outcome = await backups.deleteBackup(backup);
        if (outcome === "missing") throw backupErrors.backupNotFound(input.BackupArn);
        // DynamoDB refuses to delete a backup while a table is being restored from it.
        if (outcome === "in use") throw backupErrors.backupInUse();
        return { BackupDescription: backupDescription(backup, "DELETED") };
      },
    }),
  };
}

function continuousBackups(table: TableRecord, now: number): Record<string, unknown> {
  const pitr = table.pitr;
  if (!pitr) {
    return {
      ContinuousBackupsStatus: now - table.createdAt < BACKUPS_SETTLE_MS ? "DISABLED" : "ENABLED",
      PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: "DISABLED" },
    };
  }
  const window = restorableWindow(pitr, now);
  return {
    ContinuousBackupsStatus: "ENABLED",
    PointInTimeRecoveryDescription: {
      PointInTimeRecoveryStatus: "ENABLED",
      RecoveryPeriodInDays: pitr.recoveryPeriodInDays,
      EarliestRestorableDateTime: new Date(window.earliest),
      LatestRestorableDateTime: new Date(window.latest),
    },
  };
}

/**
 * A backup's ARN: the table's, then `/backup/`, the creation time in
 * milliseconds zero-padded to 14 digits and 8 random hex digits, as in
 * every DynamoDB backup ARN on record (e.g. `01576616366715-b4e58d3a` in
 * the AWS CLI's examples).
 */
function backupArn(table: TableRecord, at: number): string {
  return `${tableArn(table)}/backup/${String(at).padStart(14, "0")}-${randomHex(4)}`;
}

function backupDetails(backup: BackupRecord, status: "CREATING" | "AVAILABLE" | "DELETED"): Record<string, unknown> {
  return {
    BackupArn: backup.arn,
    BackupName: backup.name,
    BackupSizeBytes: backup.sizeBytes,
    BackupStatus: status,
    BackupType: backup.system ? "SYSTEM" : "USER",
    BackupCreationDateTime: new Date(backup.createdAt),
    ...(backup.system ? { BackupExpiryDateTime: new Date(backup.system.expiresAt) } : {}),
  };
}

function backupSummary(backup: BackupRecord): Record<string, unknown> {
  return {
    TableName: backup.table.name,
    TableId: backup.table.id,
    TableArn: tableArn(backup.table),
    BackupArn: backup.arn,
    BackupName: backup.name,
    BackupCreationDateTime: new Date(backup.createdAt),
    ...(backup.system ? { BackupExpiryDateTime: new Date(backup.system.expiresAt) } : {}),
    BackupStatus: "AVAILABLE",
    BackupType: backup.system ? "SYSTEM" : "USER",
    BackupSizeBytes: backup.sizeBytes,
  };
}

function backupDescription(backup: BackupRecord, status: "AVAILABLE" | "DELETED"): Record<string, unknown> {
  const table = backup.table;
  const features = sourceFeatures(table);
  return {
    BackupDetails: backupDetails(backup, status),
    SourceTableDetails: {
      TableName: table.name,
      TableId: table.id,
      TableArn: tableArn(table),
      TableSizeBytes: backup.sizeBytes,
      KeySchema: table.keySchema,
      TableCreationDateTime: new Date(table.createdAt),
      ProvisionedThroughput: capacity(table, table.throughput),
      ...(table.onDemand ? { OnDemandThroughput: table.onDemand } : {}),
      ItemCount: backup.itemCount,
      BillingMode: table.billingMode,
    },
    // A SYSTEM backup names none of its table's features.
    ...(backup.system ? { SourceTableFeatureDetails: {} } : features ? { SourceTableFeatureDetails: features } : {}),
  };
}

/** A table's or index's read and write capacity units; an on-demand table's are 0. */
function capacity(table: TableRecord, throughput: TableRecord["throughput"] | undefined): { ReadCapacityUnits: number; WriteCapacityUnits: number } {
  const provisioned = table.billingMode === "PROVISIONED" && throughput;
  return provisioned ? { ReadCapacityUnits: throughput.read, WriteCapacityUnits: throughput.write } : { ReadCapacityUnits: 0, WriteCapacityUnits: 0 };
}

/** The features the source table had on: its indexes, stream, time to live and KMS encryption; undefined if none. */
function sourceFeatures(table: TableRecord): Record<string, unknown> | undefined {
  const features: Record<string, unknown> = {};
  if (table.lsis.length > 0) {
    features.LocalSecondaryIndexes = table.lsis.map((index) => ({ IndexName: index.name, KeySchema: index.keySchema, Projection: index.projection }));
  }
  if (table.gsis.length > 0) {
    features.GlobalSecondaryIndexes = table.gsis.map((index) => ({
      IndexName: index.name,
      KeySchema: index.keySchema,
      Projection: index.projection,
      ...(table.billingMode === "PROVISIONED" ? { ProvisionedThroughput: capacity(table, index.throughput) } : {}),
    }));
  }
  if (table.stream?.enabled) features.StreamDescription = { StreamEnabled: true, StreamViewType: table.stream.viewType };
  if (table.ttl?.enabled) features.TimeToLiveDescription = { TimeToLiveStatus: "ENABLED", AttributeName: table.ttl.attributeName };
  if (table.sse) features.SSEDescription = { Status: "ENABLED", SSEType: "KMS", KMSMasterKeyArn: table.sse.kmsKeyArn };
  return Object.keys(features).length > 0 ? features : undefined;
}
