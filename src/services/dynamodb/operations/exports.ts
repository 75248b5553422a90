/**
 * Exports to S3: ExportTableToPointInTime, DescribeExport, ListExports.
 * A full export of a table with point-in-time recovery as of a time in its
 * window, or an incremental export of the items changed in a period of it,
 * both from the changes recovery keeps; the copy itself is in
 * export-store.ts.
 */
import { randomUUID } from "node:crypto";
import type { RequestContext } from "../../../server/context.js";
import { AwsError } from "../../../server/errors.js";
import { defineOperation, type OperationTable } from "../../../server/service.js";
import type { ExportFormat } from "../export-formats.js";
import type { ExportRecord, ExportStore } from "../export-store.js";
import { jobEnd } from "../job-ledger.js";
import { ddbErrors } from "../errors.js";
import type { DynamoDeps } from "../operation.js";
import { tableArn } from "../tables.js";
import { backupErrors, restorableWindow } from "./backups.js";

interface ExportInput {
  TableArn: string;
  ExportTime?: Date;
  ClientToken?: string;
  S3Bucket: string;
  S3BucketOwner?: string;
  S3Prefix?: string;
  S3SseAlgorithm?: string;
  S3SseKmsKeyId?: string;
  ExportFormat?: ExportFormat;
  ExportType?: "FULL_EXPORT" | "INCREMENTAL_EXPORT";
  IncrementalExportSpecification?: { ExportFromTime?: Date; ExportToTime?: Date; ExportViewType?: string };
}

const TABLE_ARN = /^arn:aws[a-z-]*:dynamodb:([a-z0-9-]+):(\d{12}):table\/([^/]+)$/;
const EXPORT_ARN = /^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/[a-zA-Z0-9_.-]{3,255}\/export\/[A-Za-z0-9-]+$/;
/** An incremental export spans at least 15 minutes, at most 24 hours. */
const MIN_INCREMENTAL_MS = 15 * 60 * 1000;
const MAX_INCREMENTAL_MS = 24 * 60 * 60 * 1000;

/** A table whose recovery was turned on before Nimbus kept changes has none of that time to export. */
function noHistory(name: string, at: number): AwsError {
  return new AwsError(
    "NotImplemented",
    `Nimbus kept no history of table ${name} as of ${new Date(at).toISOString()}: its point-in-time recovery was turned on before Nimbus kept changes. Turn recovery off and on again to start a history.`,
    501,
  );
}
const DEFAULT_LIST_LIMIT = 25;

/** The export calls' own errors, in DynamoDB's words where on record. */
const exportErrors = {
  invalidTime: (message: string) => new AwsError("InvalidExportTimeException", message, 400),
  conflict: () => new AwsError("ExportConflictException", "Duplicate request detected with different parameters. Please use a new ClientToken.", 400),
  notFound: (arn: string) => new AwsError("ExportNotFoundException", `Export not found: ${arn}`, 400),
  pitrUnavailable: (name: string) => new AwsError("PointInTimeRecoveryUnavailableException", `Point in time recovery is not enabled for table '${name}'`, 400),
};

export function exportOperations(deps: DynamoDeps, exports: ExportStore): OperationTable {
  const { store } = deps;

  return {
    ExportTableToPointInTime: defineOperation<ExportInput>({
      // The caller writes the export's objects: it needs s3:PutObject where they go.
      authorize: (i) => [
        { action: "dynamodb:ExportTableToPointInTime", resource: typeof i.TableArn === "string" ? i.TableArn : "*" },
        { action: "s3:PutObject", resource: `arn:aws:s3:::${i.S3Bucket}/${i.S3Prefix ?? ""}*` },
      ],
      async handle(input, ctx) {
        if (input.S3Prefix === "") {
          throw ddbErrors.validation("1 validation error detected: Value '' at 's3Prefix' failed to satisfy constraint: Member must have length greater than or equal to 1");
        }
        const named = TABLE_ARN.exec(input.TableArn);
        if (!named) throw ddbErrors.validation(`Invalid Request: tableArn is not a valid ARN: ${input.TableArn}`);
        const table = named[1] === ctx.region && named[2] === ctx.accountId ? store.table(ctx.accountId, ctx.region, named[3]!) : undefined;
        if (!table) throw backupErrors.tableNotFound(input.TableArn);
        if (!table.pitr) throw exportErrors.pitrUnavailable(table.name);
        const now = ctx.now().getTime();
        const window = restorableWindow(table.pitr, now);
        const historySince = table.pitr.historySince;
        let incremental: ExportRecord["incremental"];
        if (input.ExportType === "INCREMENTAL_EXPORT") {
          const spec = input.IncrementalExportSpecification;
          const from = spec?.ExportFromTime?.getTime();
          const to = spec?.ExportToTime?.getTime() ?? now;
          if (from === undefined) throw ddbErrors.validation("Invalid Request: ExportFromTime must be provided in IncrementalExportSpecification");
          if (to - from < MIN_INCREMENTAL_MS) {
            throw exportErrors.invalidTime("Difference between export period from time and export period to time should be at least 15 minutes");
          }
          if (to - from > MAX_INCREMENTAL_MS) {
            throw exportErrors.invalidTime("Difference between export period from time and export period to time should be at most 24 hours");
          }
          if (from < window.earliest || to > window.latest) {
            throw exportErrors.invalidTime("The specified export period is outside of the point in time recovery window.");
          }
          if (historySince === undefined || from < historySince) throw noHistory(table.name, from);
          incremental = { from, to, view: spec?.ExportViewType === "NEW_IMAGE" ? "NEW_IMAGE" : "NEW_AND_OLD_IMAGES" };
        }
        const exportTime = incremental ? incremental.to : (input.ExportTime?.getTime() ?? now);
        if (!incremental && (exportTime < window.earliest || exportTime > window.latest)) {
          throw exportErrors.invalidTime("The specified ExportTime is outside of the point in time recovery window.");
        }
        const changedAt = store.tableStats(table).changedAt;
        if (!incremental && changedAt !== undefined && changedAt > exportTime && (historySince === undefined || exportTime < historySince)) {
          throw noHistory(table.name, exportTime);
        }

        const fingerprint = JSON.stringify([
          input.TableArn,
          input.S3Bucket,
          input.S3BucketOwner,
          input.S3Prefix,
          input.S3SseAlgorithm,
          input.S3SseKmsKeyId,
          input.ExportFormat ?? "DYNAMODB_JSON",
          input.ExportType ?? "FULL_EXPORT",
          input.ExportTime?.getTime(),
          // As asked: a retry without ExportToTime is the same request.
          input.IncrementalExportSpecification?.ExportFromTime?.getTime(),
          input.IncrementalExportSpecification?.ExportToTime?.getTime(),
          incremental?.view,
        ]);
        const clientToken = input.ClientToken ?? randomUUID();
        // A token names one export: the same request gets it back, another is a conflict.
        const sameExport = (token: { fingerprint: string }, job: ExportRecord | undefined) => {
          if (token.fingerprint !== fingerprint || !job) throw exportErrors.conflict();
          return job;
        };
        const earlier = exports.ledger.token(ctx.accountId, ctx.region, clientToken);
        if (earlier) return { ExportDescription: describeExport(sameExport(earlier, exports.ledger.get(ctx.accountId, ctx.region, earlier.arn))) };

        const id = `0${now}-${randomUUID().slice(0, 8)}`;
        const arn = `${tableArn(table)}/export/${id}`;
        const record: ExportRecord = {
          arn,
          id,
          accountId: ctx.accountId,
          region: ctx.region,
          tableName: table.name,
          tableArn: tableArn(table),
          tableId: table.id,
          status: "IN_PROGRESS",
          startTime: now,
          exportTime,
          clientToken,
          s3Bucket: input.S3Bucket,
          exportFormat: input.ExportFormat ?? "DYNAMODB_JSON",
        };
        if (input.S3BucketOwner !== undefined) record.s3BucketOwner = input.S3BucketOwner;
        if (input.S3Prefix !== undefined) record.s3Prefix = input.S3Prefix;
        if (input.S3SseAlgorithm !== undefined) record.s3SseAlgorithm = input.S3SseAlgorithm;
        if (input.S3SseKmsKeyId !== undefined) record.s3SseKmsKeyId = input.S3SseKmsKeyId;
        if (input.ExportType !== undefined) record.exportType = input.ExportType;
        if (incremental) record.incremental = incremental;
        return { ExportDescription: describeExport(await exports.start(record, table, fingerprint, sameExport)) };
      },
    }),

    DescribeExport: defineOperation<{ ExportArn: string }>({
      authorize: (i) => [{ action: "dynamodb:DescribeExport", resource: typeof i.ExportArn === "string" ? i.ExportArn : "*" }],
      handle(input, ctx) {
        const record = namedExport(exports, input.ExportArn, ctx);
        return { ExportDescription: describeExport(record) };
      },
    }),

    ListExports: defineOperation<{ TableArn?: string; MaxResults?: number; NextToken?: string }>({
      authorize: (i) => [{ action: "dynamodb:ListExports", resource: typeof i.TableArn === "string" ? i.TableArn : "*" }],
      handle(input, ctx) {
        const after = input.NextToken === undefined ? undefined : decodeToken(input.NextToken);
        const limit = input.MaxResults ?? DEFAULT_LIST_LIMIT;
        let tableFilter: string | undefined;
        if (input.TableArn !== undefined) {
          const named = TABLE_ARN.exec(input.TableArn);
          if (!named) throw ddbErrors.validation(`Invalid Request: tableArn is not a valid ARN: ${input.TableArn}`);
          // Only the exports of the table as it is now: a deleted table has none.
          const table = named[1] === ctx.region && named[2] === ctx.accountId ? store.table(ctx.accountId, ctx.region, named[3]!) : undefined;
          if (!table) return { ExportSummaries: [] };
          tableFilter = table.id;
        }
        const summaries: Record<string, unknown>[] = [];
        let last: ExportRecord | undefined;
        let more = false;
        for (const record of exports.ledger.list(ctx.accountId, ctx.region, after)) {
          if (tableFilter !== undefined && record.tableId !== tableFilter) continue;
          if (summaries.length === limit) {
            more = true;
            break;
          }
          summaries.push({ ExportArn: record.arn, ExportStatus: record.status, ExportType: record.exportType ?? "FULL_EXPORT" });
          last = record;
        }
        return { ExportSummaries: summaries, ...(more && last ? { NextToken: Buffer.from(last.arn).toString("base64url") } : {}) };
      },
    }),
  };
}

/**
 * The export an ARN names. An ARN of another partition, service, region
 * or account is no resource the caller may read (AccessDeniedException, as
 * DynamoDB answers); one of no export is invalid.
 */
function namedExport(exports: ExportStore, arn: string, ctx: RequestContext): ExportRecord {
  const parts = arn.split(":");
  if (parts[0] === "arn") {
    const [, partition, service, region, account] = parts;
    if (!/^aws(-[a-z]+)*$/.test(partition ?? "") || service !== "dynamodb" || !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region ?? "") || !/^\d{12}$/.test(account ?? "")) {
      throw new AwsError("AccessDeniedException", `User: ${ctx.principal.arn} is not authorized to perform: dynamodb:DescribeExport on resource: ${arn}`, 400);
    }
  }
  if (!EXPORT_ARN.test(arn)) throw ddbErrors.validation("Invalid Export ARN");
  const record = exports.ledger.get(ctx.accountId, ctx.region, arn);
  if (!record) throw exportErrors.notFound(arn);
  return record;
}

function decodeToken(token: string): string {
  const arn = Buffer.from(token, "base64url").toString("utf8");
  if (!EXPORT_ARN.test(arn)) throw ddbErrors.validation(`Invalid Request: Provided nextToken is invalid: ${token}`);
  return arn;
}

/** DynamoDB's ExportDescription of an export. */
function describeExport(record: ExportRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ExportArn: record.arn,
    ExportStatus: record.status,
    StartTime: new Date(record.startTime),
    TableArn: record.tableArn,
    TableId: record.tableId,
    ExportTime: new Date(record.exportTime),
    ClientToken: record.clientToken,
    S3Bucket: record.s3Bucket,
    ExportFormat: record.exportFormat,
    ...jobEnd(record),
  };
  if (record.manifest !== undefined) out.ExportManifest = record.manifest;
  if (record.s3BucketOwner !== undefined) out.S3BucketOwner = record.s3BucketOwner;
  if (record.s3Prefix !== undefined) out.S3Prefix = record.s3Prefix;
  if (record.s3SseAlgorithm !== undefined) out.S3SseAlgorithm = record.s3SseAlgorithm;
  if (record.s3SseKmsKeyId !== undefined) out.S3SseKmsKeyId = record.s3SseKmsKeyId;
  if (record.itemCount !== undefined) out.ItemCount = record.itemCount;
  if (record.billedSizeBytes !== undefined) out.BilledSizeBytes = record.billedSizeBytes;
  if (record.exportType !== undefined) out.ExportType = record.exportType;
  if (record.incremental) {
    out.IncrementalExportSpecification = {
      ExportFromTime: new Date(record.incremental.from),
      ExportToTime: new Date(record.incremental.to),
      ExportViewType: record.incremental.view,
    };
  }
  return out;
}
