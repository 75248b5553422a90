/**
 * Imports from S3: ImportTable, DescribeImport, ListImports. An import
 * creates a new table from the DynamoDB JSON objects under a bucket's
 * prefix (plain or GZIP); the work itself is in import-store.ts. Amazon
 * Ion and CSV objects, and ZSTD compression, answer 501 once the request
 * is checked.
 */
import { randomBytes } from "node:crypto";
import { AwsError } from "../../../server/errors.js";
import { defineOperation, type OperationTable } from "../../../server/service.js";
import { ddbErrors } from "../errors.js";
import type { ImportRecord, ImportStore } from "../import-store.js";
import { jobEnd } from "../job-ledger.js";
import type { DynamoDeps } from "../operation.js";
import { checkCreateTable, type CreateTableInput } from "../table-validation.js";
import { tableArn } from "../tables.js";
import { newTableRecord } from "./tables.js";

interface ImportInput {
  ClientToken?: string;
  S3BucketSource: { S3Bucket: string; S3KeyPrefix?: string; S3BucketOwner?: string };
  InputFormat: "DYNAMODB_JSON" | "ION" | "CSV";
  InputFormatOptions?: { Csv?: { Delimiter?: string; HeaderList?: string[] } };
  InputCompressionType?: "GZIP" | "ZSTD" | "NONE";
  TableCreationParameters: CreateTableInput;
}

const IMPORT_ARN = /^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/[a-zA-Z0-9_.-]{3,255}\/import\/[A-Za-z0-9-]+$/;
const TABLE_ARN = /^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/[^/]+$/;
const DEFAULT_PAGE = 25;

export function importOperations(deps: DynamoDeps, imports: ImportStore): OperationTable {
  const { store } = deps;

  return {
    ImportTable: defineOperation<ImportInput>({
      // The caller reads the source objects: it needs to list the bucket and get its objects.
      authorize: (i, ctx) => [
        { action: "dynamodb:ImportTable", resource: `arn:aws:dynamodb:${ctx.region}:${ctx.accountId}:table/${i.TableCreationParameters?.TableName ?? "*"}` },
        { action: "s3:ListBucket", resource: `arn:aws:s3:::${i.S3BucketSource?.S3Bucket}` },
        { action: "s3:GetObject", resource: `arn:aws:s3:::${i.S3BucketSource?.S3Bucket}/${i.S3BucketSource?.S3KeyPrefix ?? ""}*` },
      ],
      async handle(input, ctx) {
        // ClientToken is optional in the model and not in DynamoDB (SDKs always send one).
        if (input.ClientToken === undefined) {
          throw ddbErrors.validation("1 validation error detected: Value null at 'clientToken' failed to satisfy constraint: Member must not be null");
        }
        if (input.InputFormatOptions?.Csv !== undefined && input.InputFormat !== "CSV") {
          throw ddbErrors.validation("Invalid Request: InputFormatOptions is only supported for the CSV input format");
        }
        const parameters = { ...input.TableCreationParameters, BillingMode: input.TableCreationParameters.BillingMode ?? "PROVISIONED" };
        const problem = checkCreateTable(parameters);
        if (problem) throw ddbErrors.validation(problem);
        const name = parameters.TableName;
        if (store.table(ctx.accountId, ctx.region, name)) throw ddbErrors.resourceInUse(`Table already exists: ${name}`);

        // A token names its import: the same table gives the import back, whatever else changed; another table conflicts.
        const sameImport = (token: { tableName: string }, job: ImportRecord | undefined) => {
          if (token.tableName !== name || !job) throw new AwsError("ImportConflictException", "Duplicate request detected with conflicting parameters", 400);
          return job;
        };
        const earlier = imports.ledger.token(ctx.accountId, ctx.region, input.ClientToken);
        if (earlier) return { ImportTableDescription: describeImport(sameImport(earlier, imports.ledger.get(ctx.accountId, ctx.region, earlier.arn))) };
        if (input.InputFormat === "ION" || input.InputCompressionType === "ZSTD") {
          const what = input.InputFormat === "ION" ? "Amazon Ion objects" : "ZSTD-compressed objects";
          throw new AwsError("NotImplemented", `Importing ${what} is not supported by Nimbus yet: it imports DynamoDB JSON and CSV, plain or GZIP.`, 501);
        }

        const now = ctx.now().getTime();
        const table = newTableRecord(parameters, { accountId: ctx.accountId, region: ctx.region, name }, now, deps.creatingMs);
        const arn = `${tableArn(table)}/import/${String(now).padStart(14, "0")}-${randomBytes(4).toString("hex")}`;
        const record: ImportRecord = {
          arn,
          accountId: ctx.accountId,
          region: ctx.region,
          tableArn: tableArn(table),
          tableId: table.id,
          status: "IN_PROGRESS",
          clientToken: input.ClientToken,
          startTime: now,
          request: {
            S3BucketSource: input.S3BucketSource,
            InputFormat: input.InputFormat,
            ...(input.InputFormatOptions !== undefined ? { InputFormatOptions: input.InputFormatOptions } : {}),
            InputCompressionType: input.InputCompressionType ?? "NONE",
            TableCreationParameters: input.TableCreationParameters as unknown as Record<string, unknown>,
          },
          processedItemCount: 0,
          importedItemCount: 0,
          errorCount: 0,
        };
        return { ImportTableDescription: describeImport(await imports.start(record, table, sameImport)) };
      },
    }),

    DescribeImport: defineOperation<{ ImportArn: string }>({
      authorize: (i) => [{ action: "dynamodb:DescribeImport", resource: typeof i.ImportArn === "string" ? i.ImportArn : "*" }],
      handle(input, ctx) {
        if (!IMPORT_ARN.test(input.ImportArn)) throw ddbErrors.validation("Invalid Import ARN");
        const record = imports.ledger.get(ctx.accountId, ctx.region, input.ImportArn);
        if (!record) throw new AwsError("ImportNotFoundException", `Import not found: ${input.ImportArn}`, 400);
        return { ImportTableDescription: describeImport(record) };
      },
    }),

    ListImports: defineOperation<{ TableArn?: string; PageSize?: number; NextToken?: string }>({
      authorize: (i) => [{ action: "dynamodb:ListImports", resource: typeof i.TableArn === "string" ? i.TableArn : "*" }],
      handle(input, ctx) {
        if (input.TableArn !== undefined && !TABLE_ARN.test(input.TableArn)) throw ddbErrors.validation(`Invalid Request: tableArn is not a valid ARN: ${input.TableArn}`);
        const after = input.NextToken === undefined ? undefined : decodeToken(input.NextToken);
        const limit = input.PageSize ?? DEFAULT_PAGE;
        const summaries: Record<string, unknown>[] = [];
        let last: ImportRecord | undefined;
        let more = false;
        for (const record of imports.ledger.list(ctx.accountId, ctx.region, after)) {
          if (input.TableArn !== undefined && record.tableArn !== input.TableArn) continue;
          if (summaries.length === limit) {
            more = true;
            break;
          }
          summaries.push(summarize(record));
          last = record;
        }
        return { ImportSummaryList: summaries, ...(more && last ? { NextToken: encodeToken(last.arn) } : {}) };
      },
    }),
  };
}

/** Where DynamoDB logs an account's imports (DescribeImport always names it). */
function logGroupArn(record: ImportRecord): string {
  return `arn:aws:logs:${record.region}:${record.accountId}:log-group:/aws-dynamodb/imports:*`;
}

function describeImport(record: ImportRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ImportArn: record.arn,
    ImportStatus: record.status,
    TableArn: record.tableArn,
    TableId: record.tableId,
    ClientToken: record.clientToken,
    CloudWatchLogGroupArn: logGroupArn(record),
    ...record.request,
    StartTime: new Date(record.startTime),
    ProcessedItemCount: record.processedItemCount,
    ImportedItemCount: record.importedItemCount,
    ErrorCount: record.errorCount,
    ...jobEnd(record),
  };
  if (record.processedSizeBytes !== undefined) out.ProcessedSizeBytes = record.processedSizeBytes;
  return out;
}

function summarize(record: ImportRecord): Record<string, unknown> {
  return {
    ImportArn: record.arn,
    ImportStatus: record.status,
    TableArn: record.tableArn,
    S3BucketSource: record.request.S3BucketSource,
    CloudWatchLogGroupArn: logGroupArn(record),
    InputFormat: record.request.InputFormat,
    StartTime: new Date(record.startTime),
    ...(record.endTime !== undefined ? { EndTime: new Date(record.endTime) } : {}),
  };
}

/** A page's token: the last ARN, as the hex of 16-digit groups DynamoDB's tokens are made of. */
function encodeToken(arn: string): string {
  const hex = Buffer.from(arn).toString("hex");
  return hex.padEnd(Math.max(112, Math.ceil(hex.length / 16) * 16), "0");
}

function decodeToken(token: string): string {
  const arn = Buffer.from(token, "hex").toString("utf8").replace(/\0+$/, "");
  if (!IMPORT_ARN.test(arn)) throw ddbErrors.validation(`Invalid Request: Provided nextToken is invalid: ${token}`);
  return arn;
}
