/**
 * TransactWriteItems and TransactGetItems: all or nothing, in one storage
 * transaction. A failed condition cancels the whole transaction with a
 * reason per item; a ClientRequestToken makes a retry within 10 minutes
 * succeed without writing twice.
 */
import { createHash } from "node:crypto";
import type { RequestContext } from "../../../server/context.js";
import { isAwsError } from "../../../server/errors.js";
import { defineOperation, type OperationTable } from "../../../server/service.js";
import { consumedCapacity, readUnits, type CapacityMode, type Consumption } from "../capacity.js";
import { ddbErrors, type CancellationReason } from "../errors.js";
import { parseProjection, project } from "../expressions/index.js";
import { checkScalarKeyPaths, isItemFault, isRequestFault, itemKey, validateKey } from "../keys.js";
import { dataTable, tableResource, type DynamoDeps } from "../operation.js";
import { checkedItem, expressionContext, finishExpressions, type ExpressionInput } from "../requests.js";
import type { TableRecord } from "../tables.js";
import { itemSize, type Item } from "../values.js";
import { applyWrite, prepareKeyed, preparePut, prepareUpdate, type KeyInput, type PreparedWrite, type PutInput, type UpdateInput } from "../writes.js";
import { addUnits } from "./batch.js";
import { ItemCollections } from "./items.js";

/** How long a ClientRequestToken is remembered. */
export const IDEMPOTENCY_MS = 10 * 60 * 1000;

interface TransactWriteItem {
  ConditionCheck?: KeyInput & { ConditionExpression: string };
  Put?: PutInput;
  Delete?: KeyInput;
  Update?: UpdateInput & { UpdateExpression: string };
}

interface TransactGetItem {
  Get: ExpressionInput & { TableName: string; Key: Item; ProjectionExpression?: string };
}

function tablesOf(items: unknown, ctx: RequestContext, action: (kind: string) => string) {
  const requirements: { action: string; resource: string }[] = [];
  if (Array.isArray(items)) {
    for (const entry of items) {
      if (entry === null || typeof entry !== "object") continue;
      for (const [kind, request] of Object.entries(entry as Record<string, unknown>)) {
        const name = (request as { TableName?: unknown } | undefined)?.TableName;
        if (typeof name === "string") requirements.push({ action: action(kind), resource: tableResource(name, ctx) });
      }
    }
  }
  return requirements.length > 0 ? requirements : [{ action: action("Put"), resource: tableResource("*", ctx) }];
}

const WRITE_ACTIONS: Record<string, string> = {
  ConditionCheck: "dynamodb:ConditionCheckItem",
  Put: "dynamodb:PutItem",
  Delete: "dynamodb:DeleteItem",
  Update: "dynamodb:UpdateItem",
};

export function transactionOperations(deps: DynamoDeps): OperationTable {
  const { store } = deps;

  return {
    TransactWriteItems: defineOperation<{ TransactItems: TransactWriteItem[]; ClientRequestToken?: string; ReturnConsumedCapacity?: CapacityMode; ReturnItemCollectionMetrics?: string }>({
      authorize: (input, ctx) => tablesOf(input.TransactItems, ctx, (kind) => WRITE_ACTIONS[kind] ?? "dynamodb:PutItem"),
      async handle(input, ctx) {
        // Every action's shape is checked before any table is looked up, in us-east-1's words
        // (nubo-db's dynamodb-conformance, captured from DynamoDB).
        for (const entry of input.TransactItems) {
          const kinds = Object.keys(entry).filter((k) => entry[k as keyof TransactWriteItem] !== undefined);
          if (kinds.length === 0) throw ddbErrors.validation("Invalid Request: TransactWriteRequest should contain Delete or Put or Update request");
          if (kinds.length > 1) throw ddbErrors.validation("TransactItems can only contain one of Check, Put, Update or Delete");
        }
        const writes: PreparedWrite[] = input.TransactItems.map((entry, at) =>
          cancelAtItemFault(input.TransactItems.length, at, () => {
            if (entry.Put) return preparePut(deps, entry.Put, ctx);
            if (entry.Delete) return prepareKeyed(deps, "delete", entry.Delete, ctx);
            if (entry.Update) return { ...prepareUpdate(deps, entry.Update, ctx), transacted: true } as PreparedWrite;
            return prepareKeyed(deps, "check", entry.ConditionCheck!, ctx);
          }),
        );
        refuseRepeatedItems(writes);
        refuseLargePayload(writes);
        const now = ctx.now().getTime();
        const token = input.ClientRequestToken;
        const tokenKey = token === undefined ? undefined : [ctx.accountId, ctx.region, token];
        // The same request, whatever order its maps' keys came in.
        const hash = createHash("sha256").update(JSON.stringify(input.TransactItems, canonicalMember)).digest("hex");

        const totals = new Map<string, Consumption>();
        const tables = new Map<string, TableRecord>();
        const named = requestedNames(writes.map((write) => write.table), input.TransactItems.map(requestedTable));
        const collections = new ItemCollections(input.ReturnItemCollectionMetrics === "SIZE");
        let replayed = false;
        await store.write(now, (w) => {
          if (tokenKey) {
            const previous = w.tokens().get(tokenKey);
            if (previous && now - previous.at < IDEMPOTENCY_MS) {
              if (previous.hash !== hash) throw ddbErrors.idempotentMismatch();
              replayed = true;
              return;
            }
            w.tokens().put(tokenKey, { hash, at: now });
          }
          const reasons: CancellationReason[] = [];
          let failed = false;
          for (const write of writes) {
            try {
              const result = applyWrite(w, write);
              addUnits(totals, write.table.name, { table: result.consumed.table * 2, indexes: doubled(result.consumed.indexes) });
              // A condition check writes nothing: its item collection is not one the transaction affected.
              if (write.kind !== "check") collections.add(write.table, result.item ?? result.old);
              tables.set(write.table.name, write.table);
              reasons.push({ Code: "None" });
            } catch (error) {
              if (!isAwsError(error)) throw error;
              failed = true;
              if (error.code === "ConditionalCheckFailedException") {
                const item = error.fields.Item as Item | undefined;
                reasons.push({ Code: "ConditionalCheckFailed", Message: "The conditional request failed", ...(item ? { Item: item } : {}) });
              } else if (error.code === "ValidationException") {
                // A request fault (an empty key value) fails the call itself, not one item.
                if (isRequestFault(error)) throw error;
                reasons.push({ Code: "ValidationError", Message: error.message });
              } else {
                throw error;
              }
            }
          }
          if (failed) throw ddbErrors.transactionCanceled(reasons);
        });
        // A replay changes nothing; it is charged for reading the items, transactionally.
        if (replayed) {
          for (const write of writes) {
            const item = store.item(write.table, write.key);
            addUnits(totals, write.table.name, { table: readUnits(item ? itemSize(item) : 0, true) * 2 });
            tables.set(write.table.name, write.table);
          }
        }
        const consumed = [...tables.values()]
          .map((table) => consumedCapacity(table, input.ReturnConsumedCapacity, totals.get(table.name)!, { split: replayed ? "read" : "write", tableName: named.get(table.name) }))
          .filter((c): c is Record<string, unknown> => c !== undefined);
        const output: Record<string, unknown> = {};
        if (consumed.length > 0) output.ConsumedCapacity = consumed;
        const metrics = collections.output();
        if (metrics) output.ItemCollectionMetrics = metrics;
        return output;
      },
    }),

    TransactGetItems: defineOperation<{ TransactItems: TransactGetItem[]; ReturnConsumedCapacity?: CapacityMode }>({
      authorize: (input, ctx) => tablesOf(input.TransactItems, ctx, () => "dynamodb:GetItem"),
      handle(input, ctx) {
        const now = ctx.now().getTime();
        const gets = input.TransactItems.map(({ Get }, at) => {
          const key = checkedItem(Get.Key);
          const exprs = expressionContext(Get, { ProjectionExpression: Get.ProjectionExpression }, {});
          const projection = Get.ProjectionExpression !== undefined ? parseProjection(Get.ProjectionExpression, exprs) : undefined;
          finishExpressions(exprs);
          const table = dataTable(deps, Get.TableName, ctx);
          if (projection) checkScalarKeyPaths(table, projection.paths);
          cancelAtItemFault(input.TransactItems.length, at, () => validateKey(table, key));
          return { table, key: itemKey(table, key), projection };
        });
        refuseRepeatedItems(gets);
        const totals = new Map<string, Consumption>();
        const tables = new Map<string, TableRecord>();
        let bytes = 0;
        const named = requestedNames(gets.map(({ table }) => table), input.TransactItems.map(({ Get }) => Get.TableName));
        const responses = gets.map(({ table, key, projection }) => {
          const item = deps.ttl.visible(table, store.item(table, key), now);
          const size = item ? itemSize(item) : 0;
          bytes += size;
          addUnits(totals, table.name, { table: readUnits(size, true) * 2 });
          tables.set(table.name, table);
          return item ? { Item: projection ? project(item, projection) : item } : {};
        });
        // The items read count whole, whatever a projection keeps of them; past 4 MB nothing is answered.
        if (bytes > MAX_TRANSACTION_PAYLOAD) throw ddbErrors.validation(TRANSACTION_TOO_LARGE);
        const consumed = [...tables.values()]
          .map((table) => consumedCapacity(table, input.ReturnConsumedCapacity, totals.get(table.name)!, { split: "read", tableName: named.get(table.name) }))
          .filter((c): c is Record<string, unknown> => c !== undefined);
        return { Responses: responses, ...(consumed.length > 0 ? { ConsumedCapacity: consumed } : {}) };
      },
    }),
  };
}

/** Each table as the request first named it (its name or its ARN), for ConsumedCapacity. */
function requestedNames(tables: readonly TableRecord[], names: readonly (string | undefined)[]): Map<string, string> {
  const named = new Map<string, string>();
  tables.forEach((table, at) => {
    const name = names[at];
    if (name !== undefined && !named.has(table.name)) named.set(table.name, name);
  });
  return named;
}

function requestedTable(entry: TransactWriteItem): string | undefined {
  return (entry.Put ?? entry.Delete ?? entry.Update ?? entry.ConditionCheck)?.TableName;
}

function doubled(indexes: Record<string, number> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, units] of Object.entries(indexes ?? {})) out[name] = units * 2;
  return out;
}

/** A JSON.stringify replacer for a canonical form: binary as base64, object keys sorted. */
function canonicalMember(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = (value as Record<string, unknown>)[key];
  return sorted;
}

/** A transaction names each item once, reads included. */
function refuseRepeatedItems(operations: readonly { key: readonly (string | number)[] }[]): void {
  const seen = new Set<string>();
  for (const { key } of operations) {
    const id = JSON.stringify(key);
    if (seen.has(id)) throw ddbErrors.validation("Transaction request cannot include multiple operations on one item");
    seen.add(id);
  }
}

/** DynamoDB's limit on what one transaction carries: the items and keys a write names, the items a read answers. */
const MAX_TRANSACTION_PAYLOAD = 4 * 1024 * 1024;
const TRANSACTION_TOO_LARGE = "Transaction payload size cannot exceed 4 MB";

/**
 * The 4 MB limit is on the transaction's payload, not on the items it
 * touches: deleting large items in a small request is fine.
 */
function refuseLargePayload(writes: readonly PreparedWrite[]): void {
  let bytes = 0;
  for (const write of writes) bytes += itemSize(write.kind === "put" ? write.item : write.keyItem);
  if (bytes > MAX_TRANSACTION_PAYLOAD) throw ddbErrors.validation(TRANSACTION_TOO_LARGE);
}

/**
 * Prepares the item at `at` of `count`; a fault of that item's keys cancels
 * the transaction there, with a ValidationError reason (the items after it
 * are not looked at).
 */
function cancelAtItemFault<T>(count: number, at: number, prepare: () => T): T {
  try {
    return prepare();
  } catch (error) {
    if (!isItemFault(error) || !isAwsError(error)) throw error;
    const reasons: CancellationReason[] = Array.from({ length: count }, (_, i) => (i === at ? { Code: "ValidationError", Message: error.message } : { Code: "None" }));
    throw ddbErrors.transactionCanceled(reasons);
  }
}
