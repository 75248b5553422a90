/**
 * BatchGetItem (up to 100 keys, answers up to 16 MB: the keys beyond come
 * back as UnprocessedKeys) and BatchWriteItem (up to 25 puts and deletes,
 * all applied, so UnprocessedItems is an empty map as DynamoDB answers it
 * when nothing is left over).
 */
import { defineOperation, type OperationTable } from "../../../server/service.js";
import type { RequestContext } from "../../../server/context.js";
import { consumedCapacity, readUnits, type CapacityMode, type Consumption } from "../capacity.js";
import { ddbErrors } from "../errors.js";
import { project } from "../expressions/index.js";
import { checkScalarKeyPaths, itemKey, validateKey } from "../keys.js";
import { dataTable, tableResource, type DynamoDeps } from "../operation.js";
import { checkExpressionParams, checkedItem, type ExpressionInput } from "../requests.js";
import { itemSize, type Item } from "../values.js";
import { applyWrite, prepareKeyed, preparePut, type PreparedWrite } from "../writes.js";
import { ItemCollections, readProjection } from "./items.js";

/** A BatchGetItem response stops short of 16 MB; the keys left over come back as UnprocessedKeys. */
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

interface KeysAndAttributes extends ExpressionInput {
  Keys: Item[];
  AttributesToGet?: string[];
  ConsistentRead?: boolean;
  ProjectionExpression?: string;
}

interface WriteRequest {
  PutRequest?: { Item: Item };
  DeleteRequest?: { Key: Item };
}

function tablesOf(requestItems: unknown): string[] {
  return requestItems !== null && typeof requestItems === "object" && !Array.isArray(requestItems) ? Object.keys(requestItems) : [];
}

function onTables(action: string) {
  return (input: { RequestItems?: unknown }, ctx: RequestContext) => {
    const names = tablesOf(input.RequestItems);
    return (names.length > 0 ? names : ["*"]).map((name) => ({ action: `dynamodb:${action}`, resource: tableResource(name, ctx) }));
  };
}

function addUnits(totals: Map<string, Consumption>, table: string, use: Consumption): void {
  const current = totals.get(table) ?? { table: 0, indexes: {} };
  current.table += use.table;
  for (const [name, units] of Object.entries(use.indexes ?? {})) current.indexes![name] = (current.indexes![name] ?? 0) + units;
  totals.set(table, current);
}

export function batchOperations(deps: DynamoDeps): OperationTable {
  const { store } = deps;
  return {
    BatchGetItem: defineOperation<{ RequestItems: Record<string, KeysAndAttributes>; ReturnConsumedCapacity?: CapacityMode }>({
      authorize: onTables("BatchGetItem"),
      handle(input, ctx) {
        const requests = Object.entries(input.RequestItems);
        const total = requests.reduce((n, [, r]) => n + r.Keys.length, 0);
        if (total > 100) throw ddbErrors.validation("Too many items requested for the BatchGetItem call");
        // One request speaks one language: expressions in one table's entry, AttributesToGet in another's, is refused.
        checkExpressionParams(
          {},
          { ProjectionExpression: requests.find(([, r]) => r.ProjectionExpression !== undefined)?.[1].ProjectionExpression },
          { AttributesToGet: requests.find(([, r]) => r.AttributesToGet !== undefined)?.[1].AttributesToGet },
        );
        const prepared = requests.map(([name, request]) => {
          const keys = request.Keys.map((k) => checkedItem(k));
          const projection = readProjection(request);
          // Repeated keys are refused before the table is looked up.
          const distinct = new Set(keys.map((k) => JSON.stringify(Object.entries(k).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))));
          if (distinct.size !== keys.length) throw ddbErrors.validation("Provided list of item keys contains duplicates");
          return { name, request, keys, projection };
        });
        const responses: Record<string, Item[]> = {};
        const unprocessed: Record<string, KeysAndAttributes> = {};
        const consumed: Record<string, unknown>[] = [];
        const now = ctx.now().getTime();
        let responseBytes = 0;
        for (const { name, request, keys, projection } of prepared) {
          const table = dataTable(deps, name, ctx);
          if (projection) checkScalarKeyPaths(table, projection.paths);
          const seen = new Set<string>();
          const found: Item[] = [];
          const left: Item[] = [];
          let units = 0;
          for (const key of keys) {
            validateKey(table, key);
            const storageKey = itemKey(table, key);
            const id = JSON.stringify(storageKey);
            if (seen.has(id)) throw ddbErrors.validation("Provided list of item keys contains duplicates");
            seen.add(id);
            if (responseBytes >= MAX_RESPONSE_BYTES) {
              left.push(key);
              continue;
            }
            const item = deps.ttl.visible(table, store.item(table, storageKey), now);
            const read = readUnits(item ? itemSize(item) : 0, request.ConsistentRead ?? false);
            if (!item) {
              units += read;
              continue;
            }
            const out = projection ? project(item, projection) : item;
            const size = itemSize(out);
            // The item that would pass 16 MB is left for the next call, as DynamoDB leaves it, and charged then.
            if (responseBytes + size > MAX_RESPONSE_BYTES && responseBytes > 0) {
              responseBytes = MAX_RESPONSE_BYTES;
              left.push(key);
              continue;
            }
            units += read;
            responseBytes += size;
            found.push(out);
          }
          responses[name] = found;
          if (left.length > 0) unprocessed[name] = { ...request, Keys: left };
          const c = consumedCapacity(table, input.ReturnConsumedCapacity, { table: units }, { tableName: name });
          if (c) consumed.push(c);
        }
        return { Responses: responses, UnprocessedKeys: unprocessed, ...(consumed.length > 0 ? { ConsumedCapacity: consumed } : {}) };
      },
    }),

    BatchWriteItem: defineOperation<{ RequestItems: Record<string, WriteRequest[]>; ReturnConsumedCapacity?: CapacityMode; ReturnItemCollectionMetrics?: string }>({
      authorize: onTables("BatchWriteItem"),
      async handle(input, ctx) {
        const requests = Object.entries(input.RequestItems);
        const total = requests.reduce((n, [, r]) => n + r.length, 0);
        if (total > 25) throw ddbErrors.validation("Too many items requested for the BatchWriteItem call");
        // An empty WriteRequest, in any table's list, is refused before any table is looked up, in the words
        // DynamoDB uses for a union with the wrong number of members set (dynalite's suite, run against DynamoDB).
        if (requests.some(([, list]) => list.some((request) => !request.PutRequest && !request.DeleteRequest))) {
          throw ddbErrors.validation("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes");
        }
        const writes: PreparedWrite[] = [];
        for (const [name, list] of requests) {
          const seen = new Set<string>();
          for (const request of list) {
            if (request.PutRequest && request.DeleteRequest) {
              throw ddbErrors.validation("Supplied WriteRequest must contain exactly one of PutRequest or DeleteRequest");
            }
            const prepared = request.PutRequest
              ? preparePut(deps, { TableName: name, Item: request.PutRequest.Item }, ctx, true)
              : prepareKeyed(deps, "delete", { TableName: name, Key: request.DeleteRequest!.Key }, ctx);
            const id = JSON.stringify(prepared.key);
            if (seen.has(id)) throw ddbErrors.validation("Provided list of item keys contains duplicates");
            seen.add(id);
            writes.push(prepared);
          }
        }
        const totals = new Map<string, Consumption>();
        const named = new Map(requests.map(([name]) => [dataTable(deps, name, ctx).name, name]));
        const collections = new ItemCollections(input.ReturnItemCollectionMetrics === "SIZE");
        await store.write(ctx.now().getTime(), (w) => {
          for (const write of writes) {
            const result = applyWrite(w, write);
            addUnits(totals, write.table.name, result.consumed);
            collections.add(write.table, result.item ?? result.old);
          }
        });
        const consumed = writes
          .filter((w, i) => writes.findIndex((x) => x.table.name === w.table.name) === i)
          .map((w) => consumedCapacity(w.table, input.ReturnConsumedCapacity, totals.get(w.table.name)!, { tableName: named.get(w.table.name) }))
          .filter((c): c is Record<string, unknown> => c !== undefined);
        const output: Record<string, unknown> = { UnprocessedItems: {} };
        if (consumed.length > 0) output.ConsumedCapacity = consumed;
        const metrics = collections.output();
        if (metrics) output.ItemCollectionMetrics = metrics;
        return output;
      },
    }),
  };
}

export { addUnits };
