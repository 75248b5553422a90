/**
 * What every DynamoDB operation shares: its dependencies, resolving a
 * `TableName` (a name or a table ARN) within the caller's account and
 * region, and the IAM resources operations declare.
 */
import type { PrincipalDirectory } from "../../policy/principals.js";
import type { RequestContext } from "../../server/context.js";
import type { AuthorizationRequirement } from "../../server/service.js";
import { ddbErrors } from "./errors.js";
import type { DynamoStore } from "./store.js";
import { tableArnOf, type TableRecord } from "./tables.js";
import type { TtlSweeper } from "./ttl.js";

export interface DynamoDeps {
  store: DynamoStore;
  /** How long a new table or index answers CREATING (ms). */
  creatingMs: number;
  /** Deletes expired items; reads ask it whether an item is still visible. */
  ttl: TtlSweeper;
  /** The users and roles a resource-based policy may name. */
  principals?: PrincipalDirectory;
}

export interface TableScope {
  accountId: string;
  region: string;
  name: string;
}

const TABLE_ARN = /^arn:aws[a-z-]*:dynamodb:([a-z0-9-]+):(\d{12}):table\/([^/]+)$/;

/** A `TableName` member: a plain name, or a table ARN naming its own account and region. */
export function tableScope(tableName: string, ctx: RequestContext): TableScope {
  const match = TABLE_ARN.exec(tableName);
  if (match) return { region: match[1]!, accountId: match[2]!, name: match[3]! };
  return { accountId: ctx.accountId, region: ctx.region, name: tableName };
}

export function tableResource(tableName: unknown, ctx: RequestContext, suffix = ""): string {
  const name = typeof tableName === "string" ? tableName : "*";
  const scope = tableScope(name, ctx);
  return `${tableArnOf(scope.region, scope.accountId, scope.name)}${suffix}`;
}

/**
 * What another account may be granted by a table's resource-based policy,
 * as DynamoDB documents it: items, queries and scans, and DescribeTable,
 * UpdateTable and DeleteTable; not table settings (time to live, backups)
 * nor PartiQL.
 */
const CROSS_ACCOUNT_ACTIONS: ReadonlySet<string> = new Set([
  "dynamodb:GetItem",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:Query",
  "dynamodb:Scan",
  "dynamodb:BatchGetItem",
  "dynamodb:BatchWriteItem",
  "dynamodb:ConditionCheckItem",
  "dynamodb:DescribeTable",
  "dynamodb:UpdateTable",
  "dynamodb:DeleteTable",
]);

/** A requirement on a table's ARN, marked where no other account can be granted it. */
export function tableRequirement(action: string, resource: string): AuthorizationRequirement {
  return CROSS_ACCOUNT_ACTIONS.has(action) ? { action, resource } : { action, resource, sameAccountOnly: true };
}

/** `authorize` of an operation on one table (and, with IndexName, one of its indexes). */
export function onTable(action: string) {
  return (input: { TableName?: unknown; IndexName?: unknown }, ctx: RequestContext): AuthorizationRequirement[] => [
    tableRequirement(`dynamodb:${action}`, tableResource(input.TableName, ctx, typeof input.IndexName === "string" ? `/index/${input.IndexName}` : "")),
  ];
}

/** The table a control-plane call names, or ResourceNotFoundException with the table's name. */
export function describedTable(deps: DynamoDeps, tableName: string, ctx: RequestContext): TableRecord {
  const scope = tableScope(tableName, ctx);
  const table = deps.store.table(scope.accountId, scope.region, scope.name);
  if (!table) throw ddbErrors.tableNotFound(scope.name);
  return table;
}

/** The table a data-plane call names, or DynamoDB's terse ResourceNotFoundException. */
export function dataTable(deps: DynamoDeps, tableName: string, ctx: RequestContext): TableRecord {
  const scope = tableScope(tableName, ctx);
  const table = deps.store.table(scope.accountId, scope.region, scope.name);
  if (!table) throw ddbErrors.resourceNotFound();
  return table;
}
