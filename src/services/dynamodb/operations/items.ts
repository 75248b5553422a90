/**
 * Single-item operations: PutItem, GetItem, UpdateItem, DeleteItem.
 */
import { defineOperation, type OperationTable } from "../../../server/service.js";
import { consumedCapacity, readUnits, wantsCapacity, type CapacityMode } from "../capacity.js";
import { parseProjection, project, projectionFromAttributesToGet, type Projection } from "../expressions/index.js";
import { checkScalarKeyPaths, itemKey, validateKey } from "../keys.js";
import { dataTable, onTable, type DynamoDeps } from "../operation.js";
import { keyNames, type TableRecord } from "../tables.js";
import { checkedItem, checkExpressionParams, checkReturnValues, expressionContext, finishExpressions, type ExpressionInput } from "../requests.js";
import { itemSize, type Item } from "../values.js";
import {
  applyWrite,
  prepareKeyed,
  preparePut,
  prepareUpdate,
  returnedAttributes,
  type KeyInput,
  type PreparedWrite,
  type PutInput,
  type UpdateInput,
  type WriteResult,
} from "../writes.js";

interface WriteOptions {
  ReturnValues?: string;
  ReturnConsumedCapacity?: CapacityMode;
  ReturnItemCollectionMetrics?: string;
}

interface GetItemInput extends ExpressionInput {
  TableName: string;
  Key: Item;
  ConsistentRead?: boolean;
  ProjectionExpression?: string;
  AttributesToGet?: string[];
  ReturnConsumedCapacity?: CapacityMode;
}

/** A read's projection from ProjectionExpression or AttributesToGet. */
export function readProjection(input: ExpressionInput & { ProjectionExpression?: string; AttributesToGet?: string[] }): Projection | undefined {
  const exprs = expressionContext(input, { ProjectionExpression: input.ProjectionExpression }, { AttributesToGet: input.AttributesToGet });
  const projection =
    input.ProjectionExpression !== undefined
      ? parseProjection(input.ProjectionExpression, exprs)
      : input.AttributesToGet
        ? projectionFromAttributesToGet(input.AttributesToGet)
        : undefined;
  finishExpressions(exprs);
  return projection;
}

export function itemOperations(deps: DynamoDeps): OperationTable {
  const { store } = deps;
  /** A write's answer: returned values, capacity and (tables with local indexes only) its item collection's metrics. */
  const out = (input: WriteOptions & { TableName: string }, prepared: PreparedWrite, result: WriteResult) => {
    const output: Record<string, unknown> = {};
    const attributes = returnedAttributes(input.ReturnValues, result);
    if (attributes) output.Attributes = attributes;
    const consumed = consumedCapacity(prepared.table, input.ReturnConsumedCapacity, result.consumed, { tableName: input.TableName });
    if (consumed) output.ConsumedCapacity = consumed;
    const metrics = input.ReturnItemCollectionMetrics === "SIZE" ? itemCollectionMetrics(prepared.table, result.item ?? result.old) : undefined;
    if (metrics) output.ItemCollectionMetrics = metrics;
    return output;
  };

  return {
    PutItem: defineOperation<PutInput & WriteOptions>({
      authorize: onTable("PutItem"),
      async handle(input, ctx) {
        checkReturnValues(input.ReturnValues, ["NONE", "ALL_OLD"], "Return values set to invalid value");
        const prepared = preparePut(deps, input, ctx);
        const result = await store.write(ctx.now().getTime(), (w) => applyWrite(w, prepared));
        return out(input, prepared, result);
      },
    }),

    DeleteItem: defineOperation<KeyInput & WriteOptions>({
      authorize: onTable("DeleteItem"),
      async handle(input, ctx) {
        checkReturnValues(input.ReturnValues, ["NONE", "ALL_OLD"], "Return values set to invalid value");
        const prepared = prepareKeyed(deps, "delete", input, ctx);
        const result = await store.write(ctx.now().getTime(), (w) => applyWrite(w, prepared));
        return out(input, prepared, result);
      },
    }),

    UpdateItem: defineOperation<UpdateInput & WriteOptions>({
      authorize: onTable("UpdateItem"),
      async handle(input, ctx) {
        const prepared = prepareUpdate(deps, input, ctx);
        const result = await store.write(ctx.now().getTime(), (w) => applyWrite(w, prepared));
        return out(input, prepared, result);
      },
    }),

    GetItem: defineOperation<GetItemInput>({
      authorize: onTable("GetItem"),
      handle(input, ctx) {
        // DynamoDB's order: how the parameters combine, the key's values, the projection, then the table.
        if (input.ProjectionExpression !== undefined || input.AttributesToGet || input.ExpressionAttributeNames || input.ExpressionAttributeValues) {
          checkExpressionParams(input, { ProjectionExpression: input.ProjectionExpression }, { AttributesToGet: input.AttributesToGet });
        }
        const key = checkedItem(input.Key);
        const projection = readProjection(input);
        const table = dataTable(deps, input.TableName, ctx);
        if (projection) checkScalarKeyPaths(table, projection.paths);
        validateKey(table, key);
        const item = deps.ttl.visible(table, store.sharedItem(table, itemKey(table, key)), ctx.now().getTime());
        const consumed = wantsCapacity(input.ReturnConsumedCapacity)
          ? consumedCapacity(table, input.ReturnConsumedCapacity, { table: readUnits(item ? itemSize(item) : 0, input.ConsistentRead ?? false) }, { tableName: input.TableName })
          : undefined;
        const output: Record<string, unknown> = {};
        if (item) output.Item = projection ? project(item, projection) : item;
        if (consumed) output.ConsumedCapacity = consumed;
        return output;
      },
    }),
  };
}

/**
 * ItemCollectionMetrics of a write: only tables with local secondary
 * indexes have item collections. The size estimate is DynamoDB's coarsest
 * range, 0 to 1 GB, which holds for any collection Nimbus is likely to see.
 */
function itemCollectionMetrics(table: TableRecord, item: Item | undefined): Record<string, unknown> | undefined {
  if (table.lsis.length === 0 || !item) return undefined;
  const hash = keyNames(table.keySchema).hash;
  const value = item[hash];
  return value ? { ItemCollectionKey: { [hash]: value }, SizeEstimateRangeGB: [0, 1] } : undefined;
}

/** The item collections a multi-item write touched, by table, for its ItemCollectionMetrics. */
export class ItemCollections {
  private readonly byTable = new Map<string, Map<string, Record<string, unknown>>>();

  constructor(private readonly wanted: boolean) {}

  add(table: TableRecord, item: Item | undefined): void {
    const metrics = this.wanted ? itemCollectionMetrics(table, item) : undefined;
    if (!metrics) return;
    const byKey = this.byTable.get(table.name) ?? new Map<string, Record<string, unknown>>();
    byKey.set(JSON.stringify(metrics.ItemCollectionKey), metrics);
    this.byTable.set(table.name, byKey);
  }

  /** The ItemCollectionMetrics member, or undefined when there is none. */
  output(): Record<string, unknown[]> | undefined {
    if (this.byTable.size === 0) return undefined;
    return Object.fromEntries([...this.byTable].map(([table, byKey]) => [table, [...byKey.values()]]));
  }
}
