/**
 * Settings a table keeps for services Nimbus does not run, answered as
 * DynamoDB answers them: CloudWatch Contributor Insights
 * (UpdateContributorInsights, DescribeContributorInsights,
 * ListContributorInsights), whose rules nothing here evaluates; the Kinesis
 * streaming destinations of a table, of which there are none
 * (DescribeKinesisStreamingDestination); and the auto scaling of global
 * table replicas, which a table without replicas does not have
 * (DescribeTableReplicaAutoScaling).
 */
import type { RequestContext } from "../../../server/context.js";
import { defineOperation, type OperationTable } from "../../../server/service.js";
import { ddbErrors } from "../errors.js";
import { describedTable, onTable, tableScope, type DynamoDeps } from "../operation.js";
import type { InsightsSetting, TableRecord } from "../tables.js";

type InsightsMode = "ACCESSED_AND_THROTTLED_KEYS" | "THROTTLED_KEYS";
type InsightsStatus = "ENABLING" | "ENABLED" | "DISABLING" | "DISABLED";

/** How long turning Contributor Insights on or off takes (a second or two on AWS). */
const SETTLE_MS = 1000;
/** ListContributorInsights's page when MaxResults is not given (the model's largest). */
const DEFAULT_PAGE = 100;
/** The key of the table's own setting; an index's is `index:<name>`, so no name meets an object's own properties. */
const TABLE = "table";
const indexKey = (name: string) => `index:${name}`;

/** A table's settings without those of the global indexes named (an index's go with it when it is deleted). */
export function withoutIndexInsights(insights: TableRecord["insights"], indexes: readonly string[]): TableRecord["insights"] {
  if (insights === undefined) return undefined;
  const dropped = new Set(indexes.map(indexKey));
  return Object.fromEntries(Object.entries(insights).filter(([key]) => !dropped.has(key)));
}

function settingOf(table: TableRecord, key: string): InsightsSetting | undefined {
  return table.insights !== undefined && Object.hasOwn(table.insights, key) ? table.insights[key] : undefined;
}

interface UpdateInput {
  TableName: string;
  IndexName?: string;
  ContributorInsightsAction: "ENABLE" | "DISABLE";
  ContributorInsightsMode?: InsightsMode;
}

interface ListInput {
  TableName?: string;
  NextToken?: string;
  MaxResults?: number;
}

function statusOf(setting: InsightsSetting | undefined, now: number): InsightsStatus {
  if (setting === undefined) return "DISABLED";
  const settling = now - setting.changedAt < SETTLE_MS;
  if (setting.enabled) return settling ? "ENABLING" : "ENABLED";
  return settling ? "DISABLING" : "DISABLED";
}

/** The table, and the global index named if any (a local index has no Contributor Insights of its own). */
function insightsTarget(deps: DynamoDeps, input: { TableName: string; IndexName?: string }, ctx: RequestContext): { table: TableRecord; key: string } {
  const table = describedTable(deps, input.TableName, ctx);
  const index = input.IndexName;
  if (index === undefined) return { table, key: TABLE };
  if (!table.gsis.some((gsi) => gsi.name === index)) throw ddbErrors.resourceNotFound(`Requested resource not found: Index: ${index} not found for table: ${table.name}`);
  return { table, key: indexKey(index) };
}

/** The CloudWatch rules DynamoDB makes: partition (and sort) key, most accessed (C) and most throttled (T). */
function ruleNames(table: TableRecord, key: string, setting: InsightsSetting): string[] {
  const index = indexName(key);
  const schema = index === undefined ? table.keySchema : (table.gsis.find((gsi) => gsi.name === index)?.keySchema ?? []);
  const sorted = schema.some((element) => element.KeyType === "RANGE");
  const kinds = setting.mode === "THROTTLED_KEYS" ? ["PKT", ...(sorted ? ["SKT"] : [])] : ["PKC", ...(sorted ? ["SKC"] : []), "PKT", ...(sorted ? ["SKT"] : [])];
  const resource = index === undefined ? table.name : `${table.name}-${index}`;
  return kinds.map((kind) => `DynamoDBContributorInsights-${kind}-${resource}-${setting.rulesAt}`);
}

function indexName(key: string): string | undefined {
  return key === TABLE ? undefined : key.slice("index:".length);
}

function named(table: TableRecord, key: string): { TableName: string; IndexName?: string } {
  const index = indexName(key);
  return index === undefined ? { TableName: table.name } : { TableName: table.name, IndexName: index };
}

function describeInsights(table: TableRecord, key: string, now: number): Record<string, unknown> {
  const setting = settingOf(table, key);
  const status = statusOf(setting, now);
  if (setting === undefined) return { ...named(table, key), ContributorInsightsStatus: status };
  return {
    ...named(table, key),
    ...(setting.enabled ? { ContributorInsightsRuleList: ruleNames(table, key, setting) } : {}),
    ContributorInsightsStatus: status,
    LastUpdateDateTime: new Date(setting.changedAt),
    ContributorInsightsMode: setting.mode,
  };
}

export function insightsOperations(deps: DynamoDeps): OperationTable {
  const { store } = deps;

  /** A page of the settings that are not DISABLED, each table's before its indexes'. */
  function listed(tables: Iterable<TableRecord>, now: number): Record<string, unknown>[] {
    const summaries: Record<string, unknown>[] = [];
    for (const table of tables) {
      for (const key of [TABLE, ...table.gsis.map((gsi) => indexKey(gsi.name))]) {
        const setting = settingOf(table, key);
        const status = statusOf(setting, now);
        if (setting === undefined || status === "DISABLED") continue;
        summaries.push({ ...named(table, key), ContributorInsightsStatus: status, ContributorInsightsMode: setting.mode });
      }
    }
    return summaries;
  }

  function* tablesOf(ctx: RequestContext): Iterable<TableRecord> {
    for (const name of store.tableNames(ctx.accountId, ctx.region)) {
      const table = store.table(ctx.accountId, ctx.region, name);
      if (table) yield table;
    }
  }

  return {
    UpdateContributorInsights: defineOperation<UpdateInput>({
      authorize: onTable("UpdateContributorInsights"),
      async handle(input, ctx) {
        const { table, key } = insightsTarget(deps, input, ctx);
        const now = ctx.now().getTime();
        const current = settingOf(table, key);
        const enable = input.ContributorInsightsAction === "ENABLE";
        const mode = input.ContributorInsightsMode ?? "ACCESSED_AND_THROTTLED_KEYS";
        // Asking for what is already so changes nothing (the same mode, or off).
        const unchanged = enable ? current?.enabled === true && current.mode === mode : current === undefined || !current.enabled;
        if (unchanged) {
          const status = statusOf(current, now);
          return { ...named(table, key), ContributorInsightsStatus: status, ...(current?.enabled ? { ContributorInsightsMode: current.mode } : {}) };
        }
        if (enable && table.busyUntil !== undefined && now < table.busyUntil) {
          throw ddbErrors.validation("Table or Index is not in a valid state to update Key Access Insights: TableStatus must be ACTIVE to enable ContributorInsights.");
        }
        const setting: InsightsSetting = enable ? { enabled: true, mode, changedAt: now, rulesAt: now } : { ...current!, enabled: false, changedAt: now };
        const updated = await store.updateTable(table, now, (latest) => ({ ...latest, insights: { ...latest.insights, [key]: setting } }));
        if (!updated) throw ddbErrors.tableNotFound(table.name);
        return { ...named(table, key), ContributorInsightsStatus: statusOf(setting, now), ...(enable ? { ContributorInsightsMode: mode } : {}) };
      },
    }),

    DescribeContributorInsights: defineOperation<{ TableName: string; IndexName?: string }>({
      authorize: onTable("DescribeContributorInsights"),
      handle(input, ctx) {
        const { table, key } = insightsTarget(deps, input, ctx);
        return describeInsights(table, key, ctx.now().getTime());
      },
    }),

    ListContributorInsights: defineOperation<ListInput>({
      // An action on no resource in particular, as IAM defines it, with or without a table named.
      authorize: () => [{ action: "dynamodb:ListContributorInsights", resource: "*" }],
      handle(input, ctx) {
        const tables = input.TableName === undefined ? tablesOf(ctx) : [describedTable(deps, input.TableName, ctx)];
        const summaries = listed(tables, ctx.now().getTime());
        const start = input.NextToken === undefined ? 0 : pageStart(input.NextToken);
        const size = input.MaxResults === undefined || input.MaxResults <= 0 ? DEFAULT_PAGE : input.MaxResults;
        const page = summaries.slice(start, start + size);
        const next = start + size < summaries.length ? Buffer.from(String(start + size)).toString("base64") : undefined;
        return { ContributorInsightsSummaries: page, ...(next ? { NextToken: next } : {}) };
      },
    }),

    DescribeKinesisStreamingDestination: defineOperation<{ TableName: string }>({
      authorize: onTable("DescribeKinesisStreamingDestination"),
      handle(input, ctx) {
        const table = describedTable(deps, input.TableName, ctx);
        // Nimbus has no Kinesis: no table streams to one (EnableKinesisStreamingDestination answers 501).
        return { TableName: table.name, KinesisDataStreamDestinations: [] };
      },
    }),

    DescribeTableReplicaAutoScaling: defineOperation<{ TableName: string }>({
      authorize: onTable("DescribeTableReplicaAutoScaling"),
      handle(input, ctx) {
        // Only global tables (version 2019.11.21) have replicas to scale; theirs are on demand, with no scaling settings.
        const scope = tableScope(input.TableName, ctx);
        const table = deps.store.table(scope.accountId, scope.region, scope.name);
        if (!table?.replicas) throw ddbErrors.resourceNotFound(`Global table with name: '${scope.name}' does not exist.`);
        const now = ctx.now().getTime();
        const members = [table, ...deps.store.replicasOf(table)];
        return {
          TableAutoScalingDescription: {
            TableName: table.name,
            TableStatus: table.busyUntil !== undefined && now < table.busyUntil ? table.busyStatus : "ACTIVE",
            Replicas: members.map((member) => {
              const replica = table.replicas!.find((r) => r.tableId === member.id);
              const creating = replica?.creatingUntil !== undefined && now < replica.creatingUntil;
              return {
                RegionName: member.region,
                ...(member.gsis.length > 0 ? { GlobalSecondaryIndexes: member.gsis.map((index) => ({ IndexName: index.name, IndexStatus: "ACTIVE" })) } : {}),
                ReplicaStatus: creating ? "CREATING" : "ACTIVE",
              };
            }),
          },
        };
      },
    }),
  };
}

/** Where a NextToken from an earlier page starts; a token this did not make is refused. */
function pageStart(token: string): number {
  const start = Number(Buffer.from(token, "base64").toString("utf8"));
  if (!Number.isInteger(start) || start < 0) throw ddbErrors.validation("Invalid NextToken");
  return start;
}
