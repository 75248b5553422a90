/**
 * Continuous backups: DescribeContinuousBackups and UpdateContinuousBackups.
 * Nimbus keeps no history to restore from; it records whether point-in-time
 * recovery is on, and for how many days, and answers as DynamoDB does
 * (infrastructure tools such as Terraform read this for every table).
 * Restores and on-demand backups stay unsupported.
 */
import type { RequestContext } from "../../../server/context.js";
import { defineOperation, type OperationTable } from "../../../server/service.js";
import { AwsError } from "../../../server/errors.js";
import { onTable, tableScope, type DynamoDeps } from "../operation.js";
import type { TableRecord } from "../tables.js";

/** DynamoDB's default, and longest, recovery window. */
const DEFAULT_RECOVERY_DAYS = 35;
/** The latest restorable time trails the present by about five minutes. */
const RESTORE_LAG_MS = 5 * 60 * 1000;
/**
 * A new table reports continuous backups DISABLED at first and ENABLED a
 * little later, as DynamoDB does (seen by ScyllaDB's suite run against it).
 */
const BACKUPS_SETTLE_MS = 60 * 1000;

interface PointInTimeRecoverySpecification {
  PointInTimeRecoveryEnabled: boolean;
  RecoveryPeriodInDays?: number;
}

export function backupOperations(deps: DynamoDeps): OperationTable {
  const { store } = deps;

  /** These calls name a missing table with their own exception. */
  function backedTable(tableName: string, ctx: RequestContext): TableRecord {
    const scope = tableScope(tableName, ctx);
    const table = store.table(scope.accountId, scope.region, scope.name);
    if (!table) throw new AwsError("TableNotFoundException", `Table not found: ${scope.name}`, 400);
    return table;
  }

  return {
    DescribeContinuousBackups: defineOperation<{ TableName: string }>({
      authorize: onTable("DescribeContinuousBackups"),
      handle(input, ctx) {
        return { ContinuousBackupsDescription: continuousBackups(backedTable(input.TableName, ctx), ctx.now().getTime()) };
      },
    }),

    UpdateContinuousBackups: defineOperation<{ TableName: string; PointInTimeRecoverySpecification: PointInTimeRecoverySpecification }>({
      authorize: onTable("UpdateContinuousBackups"),
      async handle(input, ctx) {
        const table = backedTable(input.TableName, ctx);
        const spec = input.PointInTimeRecoverySpecification;
        const now = ctx.now().getTime();
        const updated = await store.updateTable(table, now, (current) => ({
          ...current,
          pitr: spec.PointInTimeRecoveryEnabled
            ? {
                recoveryPeriodInDays: spec.RecoveryPeriodInDays ?? current.pitr?.recoveryPeriodInDays ?? DEFAULT_RECOVERY_DAYS,
                // Turning it on again keeps the window already gathered.
                since: current.pitr?.since ?? now,
              }
            : undefined,
        }));
        if (!updated) throw new AwsError("TableNotFoundException", `Table not found: ${table.name}`, 400);
        return { ContinuousBackupsDescription: continuousBackups(updated, now) };
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
  const earliest = Math.max(pitr.since, now - pitr.recoveryPeriodInDays * 24 * 60 * 60 * 1000);
  return {
    ContinuousBackupsStatus: "ENABLED",
    PointInTimeRecoveryDescription: {
      PointInTimeRecoveryStatus: "ENABLED",
      RecoveryPeriodInDays: pitr.recoveryPeriodInDays,
      EarliestRestorableDateTime: new Date(earliest),
      LatestRestorableDateTime: new Date(Math.max(earliest, now - RESTORE_LAG_MS)),
    },
  };
}
