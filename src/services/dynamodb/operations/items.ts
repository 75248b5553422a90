/**
 * Single-item operations: PutItem, GetItem, UpdateItem, DeleteItem.
 */
import { defineOperation, type OperationTable } from "../../../server/service.js";
import { consumedCapacity, readUnits, wantsCapacity, type CapacityMode } from "../capacity.js";
import { parseProjection, project, projectionFromAttributesToGet, type Projection } from "../expressions/index.js";
import { checkScalarKeyPaths, itemKey, validateKey } from "../keys.js";
import { dataTable, onTable, type DynamoDeps } from "../operation.js";
import { checkedItem, checkExpressionParams, checkReturnValues, expressionContext, finishExpressions, type ExpressionInput } from "../requests.js";
import { itemSize, type Item } from "../values.js";
import {
  applyWrite,
  prepareKeyed,
  preparePut,
  prepareUpdate,
  returnedAttributes,
  type KeyInput,
  type PutInput,
  type UpdateInput,
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
  const out = (attributes: Item | undefined, consumed: Record<string, unknown> | undefined) => {
    const output: Record<string, unknown> = {};
    if (attributes) output.Attributes = attributes;
    if (consumed) output.ConsumedCapacity = consumed;
    return output;
  };

  return {
    PutItem: defineOperation<PutInput & WriteOptions>({
      authorize: onTable("PutItem"),
      async handle(input, ctx) {
        checkReturnValues(input.ReturnValues, ["NONE", "ALL_OLD"], "ReturnValues can only be ALL_OLD or NONE");
        const prepared = preparePut(deps, input, ctx);
        const result = await store.write(ctx.now().getTime(), (w) => applyWrite(w, prepared));
        return out(returnedAttributes(input.ReturnValues, result), consumedCapacity(prepared.table, input.ReturnConsumedCapacity, result.consumed));
      },
    }),

    DeleteItem: defineOperation<KeyInput & WriteOptions>({
      authorize: onTable("DeleteItem"),
      async handle(input, ctx) {
        checkReturnValues(input.ReturnValues, ["NONE", "ALL_OLD"], "ReturnValues can only be ALL_OLD or NONE");
        const prepared = prepareKeyed(deps, "delete", input, ctx);
        const result = await store.write(ctx.now().getTime(), (w) => applyWrite(w, prepared));
        return out(returnedAttributes(input.ReturnValues, result), consumedCapacity(prepared.table, input.ReturnConsumedCapacity, result.consumed));
      },
    }),

    UpdateItem: defineOperation<UpdateInput & WriteOptions>({
      authorize: onTable("UpdateItem"),
      async handle(input, ctx) {
        const prepared = prepareUpdate(deps, input, ctx);
        const result = await store.write(ctx.now().getTime(), (w) => applyWrite(w, prepared));
        return out(returnedAttributes(input.ReturnValues, result), consumedCapacity(prepared.table, input.ReturnConsumedCapacity, result.consumed));
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
          ? consumedCapacity(table, input.ReturnConsumedCapacity, { table: readUnits(item ? itemSize(item) : 0, input.ConsistentRead ?? false) })
          : undefined;
        const output: Record<string, unknown> = {};
        if (item) output.Item = projection ? project(item, projection) : item;
        if (consumed) output.ConsumedCapacity = consumed;
        return output;
      },
    }),
  };
}
