/**
 * The four kinds of write (put, delete, update, condition check), each in
 * two steps: `prepare*` checks a request and parses its expressions before
 * any storage is touched; `apply` runs inside a transaction, reads the
 * current item, checks the condition and writes. PutItem, DeleteItem,
 * UpdateItem, BatchWriteItem and TransactWriteItems all use them.
 */
import type { RequestContext } from "../../server/context.js";
import { isAwsError } from "../../server/errors.js";
import { writeUnits, type Consumption } from "./capacity.js";
import { ddbErrors } from "./errors.js";
import {
  applyUpdate,
  checkConditionalOperator,
  conditionFromExpected,
  evaluateCondition,
  parseCondition,
  parseUpdate,
  project,
  updateFromAttributeUpdates,
  type Condition,
  type DocumentPath,
  type Update,
  type UpdateValue,
} from "./expressions/index.js";
import type { AttributeValueUpdate, ExpectedAttributeValue } from "./expressions/legacy.js";
import { checkScalarKeyPaths, indexEntryKey, itemFault, itemKey, keyOf, type StorageKey, validateItemKeys, validateKey } from "./keys.js";
import { dataTable, type DynamoDeps } from "./operation.js";
import { checkAttributeName, checkedItem, checkedValue, checkExpressionParams, checkItemSize, expressionContext, finishExpressions, type ExpressionInput } from "./requests.js";
import { projectForIndex, type ItemWriter } from "./store.js";
import { allIndexes, attributeType, keyNames, type TableRecord } from "./tables.js";
import { isExpired } from "./ttl.js";
import { checkItemNesting, itemSize, valuesEqual, type AttributeValue, type Item } from "./values.js";

export interface ConditionInput extends ExpressionInput {
  TableName: string;
  ConditionExpression?: string;
  Expected?: Record<string, ExpectedAttributeValue>;
  ConditionalOperator?: string;
  ReturnValuesOnConditionCheckFailure?: "ALL_OLD" | "NONE";
}

export interface PutInput extends ConditionInput {
  Item: Item;
}

export interface KeyInput extends ConditionInput {
  Key: Item;
}

export interface UpdateInput extends KeyInput {
  UpdateExpression?: string;
  AttributeUpdates?: Record<string, AttributeValueUpdate>;
}

export type PreparedWrite =
  | { kind: "put"; table: TableRecord; key: StorageKey; item: Item; condition?: Condition; returnOld: boolean }
  | { kind: "delete" | "check"; table: TableRecord; key: StorageKey; keyItem: Item; condition?: Condition; returnOld: boolean }
  | {
      kind: "update";
      table: TableRecord;
      key: StorageKey;
      keyItem: Item;
      update?: Update;
      condition?: Condition;
      returnOld: boolean;
      /** Part of a transaction, which words its result's key faults its own way. */
      transacted?: boolean;
    };

export interface WriteResult {
  old?: Item;
  item?: Item;
  /** Document paths an update wrote, for UPDATED_OLD / UPDATED_NEW. */
  updatedPaths?: readonly (readonly (string | number)[])[];
  /** Counted on first read: most writes never ask for ConsumedCapacity. */
  readonly consumed: Consumption;
}

function conditionOf(input: ConditionInput, ctx: ReturnType<typeof expressionContext>): Condition | undefined {
  if (input.ConditionExpression !== undefined) return parseCondition(input.ConditionExpression, ctx, "ConditionExpression");
  checkConditionalOperator(input.ConditionalOperator, input.Expected);
  if (input.Expected) return conditionFromExpected(input.Expected, input.ConditionalOperator);
  return undefined;
}

/**
 * A PutItem (or a BatchWriteItem PutRequest, `inBatch`: there an item
 * whose key attributes are missing or of the wrong type gets "The provided
 * key element does not match the schema").
 */
export function preparePut(deps: DynamoDeps, input: PutInput, ctx: RequestContext, inBatch = false): PreparedWrite {
  // DynamoDB's order: parameter combinations, the item's values and size, then expressions, then the table.
  checkExpressionParams(input, { ConditionExpression: input.ConditionExpression }, { Expected: input.Expected });
  const item = checkedItem(input.Item);
  checkItemSize(item);
  const exprs = expressionContext(input, { ConditionExpression: input.ConditionExpression }, { Expected: input.Expected });
  const condition = conditionOf(input, exprs);
  finishExpressions(exprs);
  const table = dataTable(deps, input.TableName, ctx);
  validateItemKeys(table, item, inBatch ? "batch" : "put");
  return { kind: "put", table, key: itemKey(table, item), item, condition, returnOld: input.ReturnValuesOnConditionCheckFailure === "ALL_OLD" };
}

export function prepareKeyed(deps: DynamoDeps, kind: "delete" | "check", input: KeyInput, ctx: RequestContext): PreparedWrite {
  checkExpressionParams(input, { ConditionExpression: input.ConditionExpression }, { Expected: input.Expected });
  const keyItem = checkedItem(input.Key);
  const exprs = expressionContext(input, { ConditionExpression: input.ConditionExpression }, { Expected: input.Expected });
  const condition = conditionOf(input, exprs);
  finishExpressions(exprs);
  const table = dataTable(deps, input.TableName, ctx);
  validateKey(table, keyItem);
  return { kind, table, key: itemKey(table, keyItem), keyItem, condition, returnOld: input.ReturnValuesOnConditionCheckFailure === "ALL_OLD" };
}

export function prepareUpdate(deps: DynamoDeps, input: UpdateInput, ctx: RequestContext): PreparedWrite {
  const expressions = { UpdateExpression: input.UpdateExpression, ConditionExpression: input.ConditionExpression };
  const legacy = { AttributeUpdates: input.AttributeUpdates, Expected: input.Expected };
  checkExpressionParams(input, expressions, legacy);
  const keyItem = checkedItem(input.Key);
  const exprs = expressionContext(input, expressions, legacy);
  const update =
    input.UpdateExpression !== undefined
      ? parseUpdate(input.UpdateExpression, exprs)
      : input.AttributeUpdates
        ? updateFromAttributeUpdates(checkedAttributeUpdates(input.AttributeUpdates))
        : undefined;
  const condition = conditionOf(input, exprs);
  finishExpressions(exprs);
  const table = dataTable(deps, input.TableName, ctx);
  validateKey(table, keyItem);
  if (update) {
    const keys = table.keySchema.map((k) => k.AttributeName);
    for (const action of update.actions) {
      const name = action.path[0];
      if (typeof name === "string" && keys.includes(name)) {
        throw ddbErrors.invalid(`Cannot update attribute ${name}. This attribute is part of the key`);
      }
    }
    checkIndexKeyTypes(table, update);
    checkScalarKeyPaths(table, updatePaths(update));
  }
  return { kind: "update", table, key: itemKey(table, keyItem), keyItem, update, condition, returnOld: input.ReturnValuesOnConditionCheckFailure === "ALL_OLD" };
}

/** Runs one prepared write inside a transaction; throws ConditionalCheckFailedException when its condition fails. */
export function applyWrite(w: ItemWriter, p: PreparedWrite): WriteResult {
  let stored = w.get(p.key);
  if (stored && isExpired(p.table, stored, w.now)) {
    // The item expired before this write reached it: TTL deletes it first, as its sweep would have.
    w.delete(p.table, p.key, stored, { byTtl: true });
    stored = undefined;
  }
  const old = stored;
  if (p.condition && !evaluateCondition(p.condition, old)) throw ddbErrors.conditionalCheckFailed(p.returnOld ? old : undefined);
  switch (p.kind) {
    case "check":
      return {
        old,
        get consumed() {
          return { table: readUnitsOf(old) };
        },
      };
    case "delete":
      w.delete(p.table, p.key, stored);
      return {
        old,
        get consumed() {
          return writeConsumption(p.table, old, undefined);
        },
      };
    case "put": {
      const item = p.item;
      w.put(p.table, p.key, item, stored);
      return {
        old,
        item,
        get consumed() {
          return writeConsumption(p.table, old, item);
        },
      };
    }
    case "update": {
      // Removing from an item that does not exist makes none (and REMOVE a.b needs no a there).
      if (!old && p.update && p.update.actions.length > 0 && p.update.actions.every((a) => a.kind === "REMOVE" || a.kind === "DELETE")) {
        return {
          updatedPaths: [],
          get consumed() {
            return writeConsumption(p.table, undefined, undefined);
          },
        };
      }
      let item: Item;
      let updatedPaths: WriteResult["updatedPaths"] = [];
      if (p.update) {
        const result = applyUpdate(p.update, old ?? p.keyItem);
        item = result.item;
        updatedPaths = result.updatedPaths;
      } else {
        item = old ?? p.keyItem;
      }
      validateItemKeys(p.table, item, !p.update || p.update.legacy ? "put" : p.transacted ? "transacted-update" : "update");
      if (p.update && !p.update.legacy) checkItemNesting(item);
      checkItemSize(item, "update");
      w.put(p.table, p.key, item, stored);
      return {
        old,
        item,
        updatedPaths,
        get consumed() {
          return writeConsumption(p.table, old, item);
        },
      };
    }
  }
}

function readUnitsOf(item: Item | undefined): number {
  return Math.max(1, Math.ceil((item ? itemSize(item) : 0) / 4096));
}

/**
 * Write units of the table and of every index whose entry the write
 * changed, as DynamoDB charges them: an entry added or removed is one
 * write, an entry whose key moved is two (a delete and an insert), one
 * rewritten in place is one, and an entry left as it was costs nothing.
 */
export function writeConsumption(table: TableRecord, old: Item | undefined, item: Item | undefined): Consumption {
  const size = Math.max(old ? itemSize(old) : 0, item ? itemSize(item) : 0);
  const indexes: Record<string, number> = {};
  for (const { index } of allIndexes(table)) {
    const beforeKey = old && indexEntryKey(table, index, old);
    const afterKey = item && indexEntryKey(table, index, item);
    const before = beforeKey ? projectForIndex(table, index, old!) : undefined;
    const after = afterKey ? projectForIndex(table, index, item!) : undefined;
    if (!before && !after) continue;
    if (before && after && sameKey(beforeKey!, afterKey!)) {
      if (!valuesEqual({ M: before }, { M: after })) indexes[index.name] = writeUnits(Math.max(itemSize(before), itemSize(after)));
      continue;
    }
    indexes[index.name] = (before ? writeUnits(itemSize(before)) : 0) + (after ? writeUnits(itemSize(after)) : 0);
  }
  return { table: writeUnits(size), indexes };
}

function sameKey(a: StorageKey, b: StorageKey): boolean {
  return a.length === b.length && a.every((part, i) => part === b[i]);
}

/** ReturnValues of a write. */
export function returnedAttributes(mode: string | undefined, result: WriteResult): Item | undefined {
  let attributes: Item | undefined;
  switch (mode) {
    case "ALL_OLD":
      attributes = result.old;
      break;
    case "ALL_NEW":
      attributes = result.item;
      break;
    case "UPDATED_OLD":
      attributes = result.old && project(result.old, { paths: result.updatedPaths ?? [] });
      break;
    case "UPDATED_NEW":
      attributes = result.item && project(result.item, { paths: result.updatedPaths ?? [] });
      break;
    default:
      attributes = undefined;
  }
  return attributes && Object.keys(attributes).length > 0 ? attributes : undefined;
}

/** The key attributes of a prepared write, as DynamoDB names items in messages and metrics. */
export function keyOfWrite(p: PreparedWrite): Item {
  return p.kind === "put" ? keyOf(p.item, p.table.keySchema) : p.keyItem;
}

export function isConditionFailure(error: unknown): boolean {
  return isAwsError(error) && error.code === "ConditionalCheckFailedException";
}

export type { AttributeValue };
export { keyNames };

/** Every document path an update writes or reads. */
function updatePaths(update: Update): DocumentPath[] {
  const paths: DocumentPath[] = [];
  const read = (value: UpdateValue): void => {
    switch (value.kind) {
      case "path":
        paths.push(value.path);
        return;
      case "if_not_exists":
        paths.push(value.path);
        read(value.fallback);
        return;
      case "list_append":
      case "+":
      case "-":
        read(value.left);
        read(value.right);
        return;
      case "value":
        return;
    }
  };
  for (const action of update.actions) {
    paths.push(action.path);
    if (action.kind === "SET") read(action.value);
  }
  return paths;
}

/** The type an update value has whatever the item holds, when it has one. */
function knownType(value: UpdateValue): string | undefined {
  switch (value.kind) {
    case "value":
      return Object.keys(value.value)[0];
    case "+":
    case "-":
      return "N";
    case "list_append":
      return "L";
    default:
      return undefined;
  }
}

/**
 * An index key attribute set (or added to) with a value of another type
 * is refused before the update runs, naming the first index keyed on it.
 */
function checkIndexKeyTypes(table: TableRecord, update: Update): void {
  // Index by index, key by key, as DynamoDB looks for them.
  for (const index of [...table.gsis, ...table.lsis]) {
    for (const { AttributeName: name } of index.keySchema) {
      for (const action of update.actions) {
        if (action.path.length !== 1 || action.path[0] !== name || (action.kind !== "SET" && action.kind !== "ADD")) continue;
        const actual = action.kind === "SET" ? knownType(action.value) : Object.keys(action.value)[0];
        const expected = attributeType(table, name);
        if (actual !== undefined && actual !== expected) {
          throw itemFault(ddbErrors.invalid(`Type mismatch for Index Key ${name} Expected: ${expected} Actual: ${actual} IndexName: ${index.name}`));
        }
      }
    }
  }
}

/** AttributeUpdates' values, checked and made canonical as an item's are (an empty set is refused). */
function checkedAttributeUpdates(updates: Readonly<Record<string, AttributeValueUpdate>>): Record<string, AttributeValueUpdate> {
  const checked: Record<string, AttributeValueUpdate> = {};
  for (const [name, update] of Object.entries(updates)) {
    checkAttributeName(name);
    checked[name] = update.Value === undefined ? update : { ...update, Value: checkedValue(update.Value) };
  }
  return checked;
}
