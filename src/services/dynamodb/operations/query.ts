/**
 * Query and Scan, on tables and on their indexes: one ordered range read
 * each, pages cut at Limit items or 1 MB evaluated, FilterExpression after
 * the cut (as DynamoDB applies it), LastEvaluatedKey to resume.
 */
import type { RequestContext } from "../../../server/context.js";
import { isAwsError } from "../../../server/errors.js";
import { prefixRange } from "../../../storage/index.js";
import type { KeyBound, KvStore } from "../../../storage/types.js";
import { defineOperation, type OperationTable } from "../../../server/service.js";
import { consumedCapacity, readUnits, type CapacityMode } from "../capacity.js";
import { ddbErrors } from "../errors.js";
import {
  checkConditionalOperator,
  conditionFromFilter,
  evaluateCondition,
  keyConditionFromParts,
  keyPartsFromKeyConditions,
  parseCondition,
  keyPartsOf,
  parseKeyConditionSyntax,
  parseProjection,
  project,
  projectionFromAttributesToGet,
  type Condition,
  type KeyCondition,
  type KeyRangeOperator,
  type Operand,
  type Projection,
} from "../expressions/index.js";
import type { LegacyCondition } from "../expressions/legacy.js";
import { checkKeyValueSize, checkQueryKeyValue, checkScalarKeyPaths, indexEntryKey, itemKey, keyOf, partitionPart, rangePart, segmentBounds, type StorageKey } from "../keys.js";
import { dataTable, onTable, type DynamoDeps } from "../operation.js";
import { checkedItem, checkedValue, checkExpressionParams, expressionContext, finishExpressions, type ExpressionInput } from "../requests.js";
import { compareStorageKeys, projectForIndex } from "../store.js";
import { attributeType, findIndex, keyColumns, keyNames, projectedNames, type IndexRecord, type KeySchemaElement, type TableRecord } from "../tables.js";
import { compareValues, itemSize, type AttributeValue, type Item } from "../values.js";

/** Value refusals DynamoDB words without the "starting key is invalid" prefix: number and set normalisation. */
const BARE_VALUE_ERROR = /^(Number (overflow|underflow)|Attempting to store|The parameter cannot be converted|Input collection|One or more parameter values were invalid: Input collection)/;

/** DynamoDB stops a page once it has evaluated 1 MB of items. */
const PAGE_BYTES = 1024 * 1024;

interface ReadInput extends ExpressionInput {
  TableName: string;
  IndexName?: string;
  Select?: "ALL_ATTRIBUTES" | "ALL_PROJECTED_ATTRIBUTES" | "SPECIFIC_ATTRIBUTES" | "COUNT";
  AttributesToGet?: string[];
  Limit?: number;
  ConsistentRead?: boolean;
  ConditionalOperator?: string;
  ExclusiveStartKey?: Item;
  ReturnConsumedCapacity?: CapacityMode;
  ProjectionExpression?: string;
  FilterExpression?: string;
}

interface QueryInput extends ReadInput {
  KeyConditions?: Record<string, LegacyCondition>;
  QueryFilter?: Record<string, LegacyCondition>;
  ScanIndexForward?: boolean;
  KeyConditionExpression?: string;
}

interface ScanInput extends ReadInput {
  ScanFilter?: Record<string, LegacyCondition>;
  Segment?: number;
  TotalSegments?: number;
}

interface Target {
  table: TableRecord;
  index?: IndexRecord;
  global: boolean;
  /** Key attribute names of what is read (the index's, or the table's), the first of each role and all of them. */
  key: { hash: string; range?: string; hashes: string[]; ranges: string[] };
}

interface Plan {
  target: Target;
  store: KvStore<Item>;
  start: KeyBound;
  end: KeyBound;
  reverse: boolean;
  /** For begins_with: the sort key attribute and the value every result's must start with. */
  prefix?: { name: string; value: AttributeValue };
}

export function queryOperations(deps: DynamoDeps): OperationTable {
  const { store } = deps;

  function targetOf(input: ReadInput, ctx: RequestContext): Target {
    const table = dataTable(deps, input.TableName, ctx);
    const keyOfSchema = (schema: readonly KeySchemaElement[]) => ({ ...keyNames(schema), ...keyColumns(schema) });
    if (input.IndexName === undefined) return { table, global: false, key: keyOfSchema(table.keySchema) };
    const found = findIndex(table, input.IndexName);
    if (!found) throw ddbErrors.validation(`The table does not have the specified index: ${input.IndexName}`);
    if (found.global && input.ConsistentRead) throw ddbErrors.validation("Consistent reads are not supported on global secondary indexes");
    return { table, index: found.index, global: found.global, key: keyOfSchema(found.index.keySchema) };
  }

  /** Select against the projection parameters: checked before anything else of a read. */
  function checkSelect(input: ReadInput, op: "Query" | "Scan"): void {
    const select = input.Select;
    const hasProjection = input.ProjectionExpression !== undefined || input.AttributesToGet !== undefined;
    // Query words these as one model-validation problem; Scan answers them bare.
    const refuse = (message: string) => ddbErrors.validation(op === "Query" ? `1 validation error detected: ${message}` : message);
    if (select === "SPECIFIC_ATTRIBUTES" && !hasProjection) {
      throw refuse("Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES");
    }
    if (select !== undefined && select !== "SPECIFIC_ATTRIBUTES" && hasProjection) {
      const what = select === "COUNT" ? "only the Count" : select;
      throw refuse(`Cannot specify the ${input.ProjectionExpression !== undefined ? "ProjectionExpression" : "AttributesToGet"} when choosing to get ${what}`);
    }
    if (select === "ALL_PROJECTED_ATTRIBUTES" && input.IndexName === undefined) {
      throw refuse("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName");
    }
  }

  /**
   * An ExclusiveStartKey's values, checked before the table is read: most
   * refusals carry "The provided starting key is invalid: ", those of
   * number and set normalisation come bare, as DynamoDB words them.
   */
  function checkedStartValues(esk: Item | undefined): Item | undefined {
    if (!esk) return undefined;
    try {
      return checkedItem(esk);
    } catch (error) {
      if (isAwsError(error) && !BARE_VALUE_ERROR.test(error.message)) throw ddbErrors.validation(`The provided starting key is invalid: ${error.message}`);
      throw error;
    }
  }

  function checkFilterKeys(filter: Condition | undefined, target: Target, parameter: "QueryFilter" | "Filter Expression"): void {
    if (!filter) return;
    // The key of what is read: on an index, the table's own key attributes are attributes like any other.
    const keys = (target.index?.keySchema ?? target.table.keySchema).map((k) => k.AttributeName);
    for (const name of pathHeads(filter)) {
      if (keys.includes(name)) throw ddbErrors.validation(`${parameter} can only contain non-primary key attributes: Primary key attribute: ${name}`);
    }
  }

  /**
   * A Query of an index may filter only on what the index holds: DynamoDB
   * refuses any other attribute, a local index's too (though it could read
   * it from the table), so that it can filter before fetching.
   */
  function checkFilterProjected(filter: Condition | undefined, target: Target): void {
    if (!filter || !target.index || (target.index.projection.ProjectionType ?? "ALL") === "ALL") return;
    const projected = projectedNames(target.table, target.index);
    const missing = [...new Set(pathHeads(filter))].filter((name) => !projected.has(name)).sort();
    if (missing.length > 0) {
      throw ddbErrors.invalid(`Secondary index ${target.index.name} does not project one or more filter attributes: [${missing.join(", ")}]`);
    }
  }

  /**
   * The storage key of an ExclusiveStartKey, after checking it names the
   * table's (and index's) key attributes with their types, as dynalite
   * (checked against DynamoDB) words each refusal.
   */
  function startKey(target: Target, key: Item | undefined, op: "Query" | "Scan"): { key: StorageKey; item: Item } | undefined {
    if (!key) return undefined;
    const schemas = [target.table.keySchema, ...(target.index ? [target.index.keySchema] : [])];
    const names = new Set(schemas.flat().map((k) => k.AttributeName));
    const bare = () => ddbErrors.validation("The provided starting key is invalid");
    const schema = () => ddbErrors.validation("The provided starting key is invalid: The provided key element does not match the schema");
    // A Scan of a table words every refusal as a schema mismatch of the starting key.
    const scanOfTable = op === "Scan" && !target.index;
    if (Object.keys(key).length !== names.size) throw scanOfTable ? schema() : bare();
    const indexKeys = new Set(target.index?.keySchema.map((k) => k.AttributeName));
    for (const name of names) {
      const value = key[name];
      if (!value) throw scanOfTable ? schema() : bare();
      if (attributeType(target.table, name) in value) {
        const isHash = schemas.some((s) => s.some((k) => k.AttributeName === name && k.KeyType === "HASH"));
        try {
          checkKeyValueSize(value, isHash);
        } catch (error) {
          throw isAwsError(error) ? ddbErrors.validation(`The provided starting key is invalid: ${error.message}`) : error;
        }
        continue;
      }
      // Reading an index, a table key attribute of the wrong type is refused as an invalid starting key.
      throw scanOfTable || (target.index && !indexKeys.has(name)) ? schema() : ddbErrors.keySchemaMismatch();
    }
    const storageKey = target.index ? indexEntryKey(target.table, target.index, key) : itemKey(target.table, key);
    if (!storageKey) throw ddbErrors.keySchemaMismatch();
    return { key: storageKey, item: key };
  }

  /** A Query's ExclusiveStartKey must lie in the partition (and range) the key condition reads. */
  function checkQueryStart(target: Target, condition: KeyCondition, start: Item): void {
    const { hashes, ranges } = target.key;
    const equal = (names: readonly string[], values: readonly AttributeValue[]) => values.every((v, i) => compareValues(start[names[i]!]!, v) === 0);
    const samePartition = equal(hashes, condition.hashValues ?? [condition.hashValue]) && equal(ranges, condition.rangeEquals ?? []);
    const range = condition.range;
    const rangeName = ranges[condition.rangeEquals?.length ?? 0];
    if (!range || rangeName === undefined) {
      if (!samePartition) throw ddbErrors.validation("The provided starting key is outside query boundaries based on provided conditions");
      return;
    }
    if (!rangeMatches(start[rangeName]!, range.op, range.values)) {
      throw ddbErrors.validation("The provided starting key does not match the range key predicate");
    }
    if (!samePartition) throw ddbErrors.validation("The query can return at most one row and cannot be restarted");
  }

  /** Reads one page of a plan: items in order, cut at Limit or 1 MB evaluated. */
  function readPage(plan: Plan, input: ReadInput, after: StorageKey | undefined, now: number) {
    let { start, end } = plan;
    if (after) {
      if (!plan.reverse) {
        const past = prefixRange(after).end;
        if (compareStorageKeys(past, start) > 0) start = past;
      } else if (compareStorageKeys(after, end) < 0) {
        end = after;
      }
    }
    const limit = input.Limit ?? Infinity;
    const evaluated: { key: StorageKey; item: Item }[] = [];
    let bytes = 0;
    let cut = false;
    let seenPrefix = false;
    for (const entry of plan.store.range({ start, end, reverse: plan.reverse })) {
      const item = entry.value;
      if (plan.prefix) {
        const value = item[plan.prefix.name];
        const matches = value !== undefined && beginsWith(value, plan.prefix.value);
        if (!matches) {
          if (seenPrefix) break;
          continue;
        }
        seenPrefix = true;
      }
      evaluated.push({ key: entry.key as StorageKey, item });
      bytes += itemSize(item);
      if (evaluated.length >= limit || bytes >= PAGE_BYTES) {
        cut = true;
        break;
      }
    }
    // An index's projection may leave the TTL attribute out: the table's item tells whether such an entry has expired.
    const { table, index } = plan.target;
    const ttlName = table.ttl?.enabled ? table.ttl.attributeName : undefined;
    const judged = (item: Item) => (index && ttlName !== undefined && !(ttlName in item) ? (store.item(table, itemKey(table, item)) ?? item) : item);
    const items = evaluated.map((e) => e.item).filter((item) => deps.ttl.visible(table, judged(item), now) !== undefined);
    return { items, bytes, scannedCount: evaluated.length, last: cut ? evaluated[evaluated.length - 1]!.item : undefined };
  }

  function respond(target: Target, input: ReadInput, page: ReturnType<typeof readPage>, shape: { select: ReadInput["Select"]; projection?: Projection; filter?: Condition }) {
    // A local index reads what its projection lacks from the table, as DynamoDB does: before
    // filtering when a Scan's filter names such an attribute (a Query's is refused), else only
    // for what the answer shows. Each item read from the table is charged to the table, whole
    // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/LSI.html#LSI.ThroughputConsiderations).
    const local = target.index && !target.global && (target.index.projection.ProjectionType ?? "ALL") !== "ALL" ? target.index : undefined;
    const projected = local && projectedNames(target.table, local);
    const lacks = (names: readonly string[]) => projected !== undefined && names.some((name) => !projected.has(name));
    const consistent = input.ConsistentRead ?? false;
    let tableUnits = 0;
    const fromTable = (items: Item[]) =>
      items.map((item) => {
        const fetched = store.item(target.table, itemKey(target.table, item));
        if (!fetched) return item;
        tableUnits += readUnits(itemSize(fetched), consistent);
        return fetched;
      });
    let items = page.items;
    let whole = false;
    if (shape.filter && lacks(pathHeads(shape.filter))) {
      items = fromTable(items);
      whole = true;
    }
    if (shape.filter) items = items.filter((item) => evaluateCondition(shape.filter!, item));
    const count = items.length;
    const out: Record<string, unknown> = { Count: count, ScannedCount: page.scannedCount };
    if (shape.select !== "COUNT") {
      const wanted = shape.select === "ALL_ATTRIBUTES" || (shape.projection !== undefined && lacks(shape.projection.paths.map((path) => String(path[0]))));
      if (local && !whole && wanted) items = fromTable(items);
      // Items read whole for the filter still answer only what the index projects, unless more was asked for.
      if (local && whole && !wanted) items = items.map((item) => projectForIndex(target.table, local, item));
      out.Items = shape.projection ? items.map((item) => project(item, shape.projection!)) : items;
    }
    if (page.last) {
      out.LastEvaluatedKey = keyOf(page.last, target.table.keySchema, ...(target.index ? [target.index.keySchema] : []));
    }
    const units = readUnits(page.bytes, consistent);
    const use = target.index ? { table: tableUnits, indexes: { [target.index.name]: units } } : { table: units };
    const consumed = consumedCapacity(target.table, input.ReturnConsumedCapacity, use, { tableName: input.TableName });
    if (consumed) out.ConsumedCapacity = consumed;
    return out;
  }

  /** A global index holds only what it projects: a read may neither select all attributes nor name one it lacks. */
  function checkGlobalSelect(target: Target, select: string | undefined, projection: Projection | undefined): void {
    if (!target.index || !target.global || (target.index.projection.ProjectionType ?? "ALL") === "ALL") return;
    if (select === "ALL_ATTRIBUTES") {
      throw ddbErrors.invalid(`Select type ALL_ATTRIBUTES is not supported for global secondary index ${target.index.name} because its projection type is not ALL`);
    }
    if (!projection) return;
    const projected = projectedNames(target.table, target.index);
    const missing = [...new Set(projection.paths.map((path) => String(path[0])))].filter((name) => !projected.has(name));
    if (missing.length > 0) throw ddbErrors.invalid(`Global secondary index ${target.index.name} does not project [${missing.join(", ")}]`);
  }

  return {
    Query: defineOperation<QueryInput>({
      authorize: onTable("Query"),
      handle(input, ctx) {
        // DynamoDB's order: what the request says on its own, then against the table.
        checkSelect(input, "Query");
        const expressions = { ProjectionExpression: input.ProjectionExpression, FilterExpression: input.FilterExpression, KeyConditionExpression: input.KeyConditionExpression };
        // KeyConditions beside a KeyConditionExpression is a mix; on its own it is Query's legacy key parameter.
        const legacy = { AttributesToGet: input.AttributesToGet, QueryFilter: input.QueryFilter, ConditionalOperator: input.ConditionalOperator, KeyConditions: input.KeyConditionExpression !== undefined ? input.KeyConditions : undefined };
        checkExpressionParams(input, expressions, legacy);
        if (input.QueryFilter) checkConditionValues(input.QueryFilter);
        checkConditionalOperator(input.ConditionalOperator, input.QueryFilter);
        const legacyFilter = input.QueryFilter && conditionFromFilter(input.QueryFilter, input.ConditionalOperator, "QueryFilter");
        const attributes = input.AttributesToGet && projectionFromAttributesToGet(input.AttributesToGet);
        const startValues = checkedStartValues(input.ExclusiveStartKey);
        if (input.KeyConditionExpression === undefined && input.KeyConditions === undefined) {
          throw ddbErrors.validation("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.");
        }
        const exprs = expressionContext(input, expressions, legacy);
        const keyExpression = input.KeyConditionExpression !== undefined ? parseKeyConditionSyntax(input.KeyConditionExpression, exprs) : undefined;
        const filter = input.FilterExpression !== undefined ? parseCondition(input.FilterExpression, exprs, "FilterExpression") : legacyFilter;
        const projection = input.ProjectionExpression !== undefined ? parseProjection(input.ProjectionExpression, exprs) : attributes;
        finishExpressions(exprs);
        if (input.KeyConditions) checkConditionValues(input.KeyConditions);
        const parts = keyExpression ? keyPartsOf(keyExpression) : keyPartsFromKeyConditions(input.KeyConditions ?? {});
        // Only a global index can have a multi-attribute key: a table's Query takes two conditions at most, told before the table is looked up.
        if (parts.length > 2 && input.IndexName === undefined) throw ddbErrors.validation("Conditions can be of length 1 or 2 only");

        const target = targetOf(input, ctx);
        // A legacy QueryFilter's key attributes are refused before the index's projection; a FilterExpression's after the key condition.
        if (input.FilterExpression === undefined) checkFilterKeys(filter, target, "QueryFilter");
        checkGlobalSelect(target, input.Select, projection);
        const start = startKey(target, startValues, "Query");
        const condition = keyConditionFromParts(parts, target.key, (name) => attributeType(target.table, name));
        // A filter naming a key attribute is refused as such, even through a path into it.
        if (input.FilterExpression !== undefined) checkFilterKeys(filter, target, "Filter Expression");
        checkFilterProjected(filter, target);
        checkScalarKeyPaths(target.table, [...(filter ? conditionPaths(filter) : []), ...(projection?.paths ?? [])]);
        const plan = queryPlan(target, condition, input.ScanIndexForward === false);
        if (start) checkQueryStart(target, condition, start.item);
        const page = readPage(plan, input, start?.key, ctx.now().getTime());
        return respond(target, input, page, { select: input.Select, projection, filter });
      },
    }),

    Scan: defineOperation<ScanInput>({
      authorize: onTable("Scan"),
      handle(input, ctx) {
        checkSelect(input, "Scan");
        const expressions = { ProjectionExpression: input.ProjectionExpression, FilterExpression: input.FilterExpression };
        const legacy = { AttributesToGet: input.AttributesToGet, ScanFilter: input.ScanFilter, ConditionalOperator: input.ConditionalOperator };
        checkExpressionParams(input, expressions, legacy);
        const attributes = input.AttributesToGet && projectionFromAttributesToGet(input.AttributesToGet);
        if (input.ScanFilter) checkConditionValues(input.ScanFilter);
        checkConditionalOperator(input.ConditionalOperator, input.ScanFilter);
        const legacyFilter = input.ScanFilter && conditionFromFilter(input.ScanFilter, input.ConditionalOperator, "ScanFilter");
        const startValues = checkedStartValues(input.ExclusiveStartKey);
        if (input.Segment !== undefined && input.TotalSegments === undefined) {
          throw ddbErrors.validation("The TotalSegments parameter is required but was not present in the request when Segment parameter is present");
        }
        if (input.TotalSegments !== undefined && input.Segment === undefined) {
          throw ddbErrors.validation("The Segment parameter is required but was not present in the request when parameter TotalSegments is present");
        }
        if (input.Segment !== undefined && input.TotalSegments !== undefined && input.Segment >= input.TotalSegments) {
          throw ddbErrors.validation(
            `The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: ${input.Segment} is not less than TotalSegments: ${input.TotalSegments}`,
          );
        }
        const exprs = expressionContext(input, expressions, legacy);
        const filter = input.FilterExpression !== undefined ? parseCondition(input.FilterExpression, exprs, "FilterExpression") : legacyFilter;
        const projection = input.ProjectionExpression !== undefined ? parseProjection(input.ProjectionExpression, exprs) : attributes;
        finishExpressions(exprs);

        const target = targetOf(input, ctx);
        checkGlobalSelect(target, input.Select, projection);
        const prefix: StorageKey = target.index ? [target.table.id, target.index.name] : [target.table.id];
        const whole = prefixRange(prefix);
        let start: KeyBound = whole.start;
        let end: KeyBound = whole.end;
        if (input.TotalSegments !== undefined && input.Segment !== undefined) {
          const bounds = segmentBounds(input.Segment, input.TotalSegments);
          if (bounds.start) start = [...prefix, bounds.start];
          if (bounds.end) end = [...prefix, bounds.end];
        }
        const plan: Plan = { target, store: target.index ? store.indexes : store.items, start, end, reverse: false };
        const from = startKey(target, startValues, "Scan");
        if (from && input.TotalSegments !== undefined && (compareStorageKeys(from.key, start) < 0 || compareStorageKeys(from.key, end) >= 0)) {
          throw ddbErrors.validation(
            `The provided starting key is invalid: Invalid ExclusiveStartKey. Please use ExclusiveStartKey with correct Segment. TotalSegments: ${input.TotalSegments} Segment: ${input.Segment}`,
          );
        }
        checkScalarKeyPaths(target.table, [...(filter ? conditionPaths(filter) : []), ...(projection?.paths ?? [])]);
        const page = readPage(plan, input, from?.key, ctx.now().getTime());
        return respond(target, input, page, { select: input.Select, projection, filter });
      },
    }),
  };

  /** Every value the key condition compares a key attribute with, partition key first. */
  function checkKeyConditionValues(target: Target, condition: KeyCondition): void {
    const { hashes, ranges } = target.key;
    const check = (value: AttributeValue, name: string | undefined, isHash: boolean) =>
      checkQueryKeyValue(target.table, value, name ?? "", isHash, target.index?.name);
    (condition.hashValues ?? [condition.hashValue]).forEach((value, i) => check(value, hashes[i], true));
    const equals = condition.rangeEquals ?? [];
    equals.forEach((value, i) => check(value, ranges[i], false));
    for (const value of condition.range?.values ?? []) check(value, ranges[equals.length], false);
  }

  function queryPlan(target: Target, condition: KeyCondition, reverse: boolean): Plan {
    checkKeyConditionValues(target, condition);
    // A multi-attribute index key's leading sort key equalities narrow the partition further.
    const partition: StorageKey = [
      ...(target.index ? [target.table.id, target.index.name] : [target.table.id]),
      partitionPart(condition.hashValues ?? [condition.hashValue]),
      ...(condition.rangeEquals ?? []).map(rangePart),
    ];
    const whole = prefixRange(partition);
    const plan: Plan = { target, store: target.index ? store.indexes : store.items, start: whole.start, end: whole.end, reverse };
    const range = condition.range;
    if (!range) return plan;
    const at = (value: AttributeValue): StorageKey => [...partition, rangePart(value)];
    const past = (value: AttributeValue): KeyBound => prefixRange(at(value)).end;
    const [a, b] = range.values as [AttributeValue, AttributeValue | undefined];
    switch (range.op) {
      case "=":
        return { ...plan, start: at(a), end: past(a) };
      case "<":
        return { ...plan, end: at(a) };
      case "<=":
        return { ...plan, end: past(a) };
      case ">":
        return { ...plan, start: past(a) };
      case ">=":
        return { ...plan, start: at(a) };
      case "BETWEEN":
        return { ...plan, start: at(a), end: past(b ?? a) };
      case "begins_with":
        return { ...plan, start: at(a), prefix: { name: target.key.ranges[condition.rangeEquals?.length ?? 0]!, value: a } };
    }
  }
}

/** Key condition values must have the key attributes' defined types. */
function rangeMatches(value: AttributeValue, op: KeyRangeOperator, values: readonly AttributeValue[]): boolean {
  const [a, b] = values as [AttributeValue, AttributeValue | undefined];
  const c = compareValues(value, a) ?? NaN;
  switch (op) {
    case "=":
      return c === 0;
    case "<":
      return c < 0;
    case "<=":
      return c <= 0;
    case ">":
      return c > 0;
    case ">=":
      return c >= 0;
    case "BETWEEN":
      return c >= 0 && (compareValues(value, b ?? a) ?? NaN) <= 0;
    case "begins_with":
      return beginsWith(value, a);
  }
}

function beginsWith(value: AttributeValue, prefix: AttributeValue): boolean {
  if ("S" in value && "S" in prefix) return value.S.startsWith(prefix.S);
  if ("B" in value && "B" in prefix) return Buffer.from(value.B).subarray(0, prefix.B.length).equals(Buffer.from(prefix.B));
  return compareValues(value, prefix) === 0;
}

/** Top-level attribute names a condition reads. */
/** Every document path a condition reads. */
function conditionPaths(condition: Condition): (readonly (string | number)[])[] {
  const paths: (readonly (string | number)[])[] = [];
  const operand = (o: Operand) => {
    if (o.kind !== "value") paths.push(o.path);
  };
  const walk = (c: Condition): void => {
    switch (c.kind) {
      case "compare":
      case "begins_with":
      case "contains":
      case "not_contains":
        operand(c.left);
        operand(c.right);
        return;
      case "between":
        operand(c.operand);
        operand(c.low);
        operand(c.high);
        return;
      case "in":
        operand(c.operand);
        c.list.forEach(operand);
        return;
      case "and":
      case "or":
        walk(c.left);
        walk(c.right);
        return;
      case "not":
        walk(c.condition);
        return;
      case "attribute_exists":
      case "attribute_not_exists":
        paths.push(c.path);
        return;
      case "attribute_type":
        operand(c.operand);
        return;
    }
  };
  walk(condition);
  return paths;
}

/** The top-level attribute names a condition reads. */
function pathHeads(condition: Condition): string[] {
  return conditionPaths(condition)
    .map((path) => path[0])
    .filter((head): head is string => typeof head === "string");
}

/** Legacy conditions' values are checked before their operators (as DynamoDB words each value's refusal). */
function checkConditionValues(conditions: Readonly<Record<string, LegacyCondition>>): void {
  for (const condition of Object.values(conditions)) for (const value of condition.AttributeValueList ?? []) checkedValue(value);
}
