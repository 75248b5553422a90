/**
 * The legacy global tables API (version 2017.11.29): CreateGlobalTable,
 * UpdateGlobalTable, DescribeGlobalTable, DescribeGlobalTableSettings,
 * UpdateGlobalTableSettings and ListGlobalTables. DynamoDB no longer
 * creates such tables; it answers these calls as for an account that has
 * none, and a table made global with the current API (UpdateTable's
 * ReplicaUpdates) is not one of them.
 */
import { AwsError } from "../../../server/errors.js";
import { defineOperation, type OperationTable } from "../../../server/service.js";
import type { RequestContext } from "../../../server/context.js";
import { ddbErrors } from "../errors.js";

interface GlobalTableInput {
  GlobalTableName: string;
}

/** A global table's ARN has no region: it spans several. */
const globalTable = (action: string) => (input: GlobalTableInput, ctx: RequestContext) => [
  { action: `dynamodb:${action}`, resource: `arn:aws:dynamodb::${ctx.accountId}:global-table/${input.GlobalTableName}` },
];

const notFound = (input: GlobalTableInput) => {
  throw new AwsError("GlobalTableNotFoundException", `Global table with name: '${input.GlobalTableName}' does not exist.`, 400);
};

export function globalTableOperations(): OperationTable {
  return {
    CreateGlobalTable: defineOperation<GlobalTableInput>({
      authorize: globalTable("CreateGlobalTable"),
      handle() {
        throw ddbErrors.invalid(
          "DynamoDB global tables version 2017.11.29 is not supported. We recommend using DynamoDB global tables version 2019.11.21, instead of version 2017.11.29 (Legacy).",
        );
      },
    }),
    UpdateGlobalTable: defineOperation<GlobalTableInput>({ authorize: globalTable("UpdateGlobalTable"), handle: notFound }),
    DescribeGlobalTable: defineOperation<GlobalTableInput>({ authorize: globalTable("DescribeGlobalTable"), handle: notFound }),
    DescribeGlobalTableSettings: defineOperation<GlobalTableInput>({ authorize: globalTable("DescribeGlobalTableSettings"), handle: notFound }),
    UpdateGlobalTableSettings: defineOperation<GlobalTableInput>({ authorize: globalTable("UpdateGlobalTableSettings"), handle: notFound }),
    ListGlobalTables: defineOperation<Record<string, never>>({
      authorize: (_input, ctx) => [{ action: "dynamodb:ListGlobalTables", resource: `arn:aws:dynamodb::${ctx.accountId}:global-table/*` }],
      handle: () => ({ GlobalTables: [] }),
    }),
  };
}
