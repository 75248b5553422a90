/**
 * Running PartiQL statements. A SELECT whose WHERE pins the partition key
 * reads that partition, narrowed by a comparison on its sort key (as a
 * Query's key condition would); any other SELECT reads the
 * whole table or index (as a Scan would); either way the WHERE clause is
 * evaluated on every item read. INSERT, UPDATE and DELETE name one item
 * by an equality on every key attribute and become the same prepared
 * writes as PutItem, UpdateItem and DeleteItem; the rest of their WHERE
 * clause is the write's condition.
 */
import type { RequestContext } from "../../../server/context.js";
import { prefixRange } from "../../../storage/index.js";
import type { KeyBound } from "../../../storage/types.js";
import { ddbErrors } from "../errors.js";
import { evaluateCondition, project, type Condition, type DocumentPath, type Operand } from "../expressions/index.js";
import { getPath } from "../expressions/document.js";
import { itemKey, keyOf, partitionPart, rangePart, validateItemKeys, validateKey, type StorageKey } from "../keys.js";
import { dataTable, type DynamoDeps } from "../operation.js";
import { checkedItem, checkItemSize } from "../requests.js";
import { attributeType, findIndex, keyColumns, keyNames, projectedNames, type IndexRecord, type TableRecord } from "../tables.js";
import { itemSize, type AttributeValue, type Item } from "../values.js";
import type { PreparedWrite } from "../writes.js";
import { partiqlErrors } from "./errors.js";
import type { Returning, Statement } from "./parser.js";

/** DynamoDB stops a page once it has read 1 MB. */
const PAGE_BYTES = 1024 * 1024;

export type SelectStatement = Extract<Statement, { kind: "select" }>;

export interface BoundSelect {
  kind: "select";
  table: TableRecord;
  index?: IndexRecord;
  global: boolean;
  statement: SelectStatement;
  /** The table's primary key, when the WHERE clause pins every key attribute (and no index is read). */
  key?: Item;
  /** The partition key values of what is read (table or index), when the WHERE clause pins them all. */
  partition?: AttributeValue[];
  /** A condition on the sort key of what is read, which narrows the partition as a Query's key condition would. */
  sortRange?: SortRange;
  /** A local index that does not project what is selected: each row's item is read from the table. */
  reachBack?: true;
}

export interface BoundWrite {
  kind: "write";
  statement: Exclude<Statement, SelectStatement>;
  table: TableRecord;
  write: PreparedWrite;
  returning?: Returning;
}

export type Bound = BoundSelect | BoundWrite;

/** A comparison of the sort key with values of its type. */
interface SortRange {
  op: "=" | "<" | "<=" | ">" | ">=" | "BETWEEN";
  values: AttributeValue[];
}

/** The conjuncts of a WHERE clause (its top-level ANDs). */
function conjuncts(condition: Condition | undefined): Condition[] {
  if (!condition) return [];
  if (condition.kind === "and") return [...conjuncts(condition.left), ...conjuncts(condition.right)];
  return [condition];
}

/** `name = value` (either way round), as [name, value]. */
function equality(c: Condition): [string, AttributeValue] | undefined {
  if (c.kind !== "compare" || c.op !== "=") return undefined;
  const { left, right } = c;
  if (left.kind === "path" && left.path.length === 1 && typeof left.path[0] === "string" && right.kind === "value") return [left.path[0], right.value];
  if (right.kind === "path" && right.path.length === 1 && typeof right.path[0] === "string" && left.kind === "value") return [right.path[0], left.value];
  return undefined;
}

function allOf(conditions: Condition[]): Condition | undefined {
  return conditions.reduce<Condition | undefined>((acc, c) => (acc ? { kind: "and", left: acc, right: c } : c), undefined);
}

/**
 * The item a write statement names: one equality per key attribute, and
 * what remains of the WHERE clause.
 */
function keyFromWhere(table: TableRecord, where: Condition | undefined): { key: Item; rest: Condition[] } {
  const key: Item = {};
  const rest: Condition[] = [];
  const names = table.keySchema.map((k) => k.AttributeName);
  for (const c of conjuncts(where)) {
    const eq = equality(c);
    if (eq && names.includes(eq[0])) {
      if (key[eq[0]] !== undefined) throw partiqlErrors.multipleKeyConditions(eq[0]);
      key[eq[0]] = eq[1];
    } else {
      rest.push(c);
    }
  }
  if (names.some((n) => key[n] === undefined)) throw partiqlErrors.incompleteKey();
  return { key, rest };
}

/** Resolves a statement's table (and index), and prepares writes. */
export function bindStatement(deps: DynamoDeps, statement: Statement, ctx: RequestContext, returnOld = false): Bound {
  const table = dataTable(deps, statement.from.table, ctx);
  if (statement.kind === "select") return bindSelect(table, statement);
  if (statement.from.index !== undefined) throw ddbErrors.validation("This operation is not supported on an index");
  switch (statement.kind) {
    case "insert": {
      const item = checkedItem(statement.item);
      validateItemKeys(table, item);
      checkItemSize(item);
      const { hash } = keyNames(table.keySchema);
      const condition: Condition = { kind: "attribute_not_exists", path: [hash] };
      return { kind: "write", statement, table, write: { kind: "put", table, key: itemKey(table, item), item, condition, returnOld: false } };
    }
    case "update": {
      const { key, rest } = keyFromWhere(table, statement.where);
      validateKey(table, key);
      const keys = table.keySchema.map((k) => k.AttributeName);
      for (const action of statement.update.actions) {
        const name = action.path[0];
        if (typeof name === "string" && keys.includes(name)) throw ddbErrors.invalid(`Cannot update attribute ${name}. This attribute is part of the key`);
      }
      // An UPDATE changes an item that exists; it never creates one.
      const exists: Condition = { kind: "attribute_exists", path: [keyNames(table.keySchema).hash] };
      const condition = allOf([exists, ...rest]);
      return {
        kind: "write",
        statement,
        table,
        write: { kind: "update", table, key: itemKey(table, key), keyItem: key, update: statement.update, condition, returnOld },
        ...(statement.returning ? { returning: statement.returning } : {}),
      };
    }
    case "exists": {
      // The item must exist, and meet the rest of the WHERE clause.
      const { key, rest } = keyFromWhere(table, statement.where);
      validateKey(table, key);
      const condition = allOf([{ kind: "attribute_exists", path: [keyNames(table.keySchema).hash] }, ...rest])!;
      return { kind: "write", statement, table, write: { kind: "check", table, key: itemKey(table, key), keyItem: key, condition, returnOld } };
    }
    case "delete": {
      const { key, rest } = keyFromWhere(table, statement.where);
      validateKey(table, key);
      // The rest of the WHERE clause is checked on an item that exists; deleting one that does not is a no-op.
      const holds = allOf(rest);
      const condition: Condition | undefined = holds && { kind: "or", left: { kind: "attribute_not_exists", path: [keyNames(table.keySchema).hash] }, right: holds };
      return {
        kind: "write",
        statement,
        table,
        write: { kind: "delete", table, key: itemKey(table, key), keyItem: key, ...(condition ? { condition } : {}), returnOld },
        ...(statement.returning ? { returning: statement.returning } : {}),
      };
    }
  }
}

function bindSelect(table: TableRecord, statement: SelectStatement): BoundSelect {
  let index: IndexRecord | undefined;
  let global = false;
  if (statement.from.index !== undefined) {
    const found = findIndex(table, statement.from.index);
    if (!found) throw ddbErrors.validation("The table does not have the specified index");
    index = found.index;
    global = found.global;
  }
  const readKey = keyNames(index ? index.keySchema : table.keySchema);
  if (index) checkIndexAttributes(table, index, global, readKey, statement);
  const equalities = conjuncts(statement.where).map(equality).filter((e): e is [string, AttributeValue] => e !== undefined);
  const typed = (name: string) => equalities.find(([n, v]) => n === name && attributeType(table, name) in v)?.[1];
  const pinned = keyColumns(index ? index.keySchema : table.keySchema).hashes.map(typed);
  const partition = pinned.every((v) => v !== undefined) ? (pinned as AttributeValue[]) : undefined;
  const tableKey: Item = {};
  for (const { AttributeName } of table.keySchema) {
    const value = typed(AttributeName);
    if (value) tableKey[AttributeName] = value;
  }
  const pinsKey = !index && Object.keys(tableKey).length === table.keySchema.length;
  const ranges = keyColumns(index ? index.keySchema : table.keySchema).ranges;
  const sortRange = partition && ranges.length === 1 ? sortRangeOf(conjuncts(statement.where), ranges[0]!, attributeType(table, ranges[0]!)) : undefined;
  if (statement.orderBy) {
    if (!statement.where) throw partiqlErrors.orderByWithoutWhere();
    if (!partition) throw partiqlErrors.orderByWithoutHash();
    if (statement.orderBy.name !== readKey.hash && statement.orderBy.name !== readKey.range) throw partiqlErrors.orderByNotKey(statement.orderBy.name);
  }
  const reachBack = index !== undefined && !global && selectsUnprojected(table, index, statement);
  return {
    kind: "select",
    table,
    ...(index ? { index } : {}),
    global,
    statement,
    ...(pinsKey ? { key: tableKey } : {}),
    ...(partition ? { partition } : {}),
    ...(sortRange ? { sortRange } : {}),
    ...(reachBack ? { reachBack: true as const } : {}),
  };
}

/** The first conjunct that compares the sort key `name` with values of its type `type`, as a key condition would. */
function sortRangeOf(conditions: readonly Condition[], name: string, type: string): SortRange | undefined {
  const isKey = (o: Operand) => o.kind === "path" && o.path.length === 1 && o.path[0] === name;
  const typed = (o: Operand): AttributeValue | undefined => (o.kind === "value" && type in o.value ? o.value : undefined);
  const flipped = { "<": ">", "<=": ">=", ">": "<", ">=": "<=" } as const;
  for (const c of conditions) {
    if (c.kind === "compare" && c.op !== "<>") {
      const value = isKey(c.left) ? typed(c.right) : isKey(c.right) ? typed(c.left) : undefined;
      if (value) return { op: isKey(c.left) || c.op === "=" ? c.op : flipped[c.op], values: [value] };
    } else if (c.kind === "between" && isKey(c.operand)) {
      const low = typed(c.low);
      const high = typed(c.high);
      if (low && high) return { op: "BETWEEN", values: [low, high] };
    }
  }
  return undefined;
}

/** The attributes an index holds: the table's and its own key attributes, and those its projection names. */
/** Whether a SELECT names attributes an index does not project (a `*` takes what the index holds). */
function selectsUnprojected(table: TableRecord, index: IndexRecord, statement: SelectStatement): boolean {
  if (index.projection.ProjectionType === "ALL" || !statement.projection) return false;
  const projected = projectedNames(table, index);
  return statement.projection.some((path) => !projected.has(String(path[0])));
}

/**
 * What a read of an index that does not project everything may name: a
 * global index refuses a selected attribute it lacks; any index refuses
 * one filtered on beside a condition on its key (an unkeyed read, or a
 * filter inside an OR, just matches nothing).
 */
function checkIndexAttributes(table: TableRecord, index: IndexRecord, global: boolean, readKey: { hash: string; range?: string }, statement: SelectStatement): void {
  if (index.projection.ProjectionType === "ALL") return;
  const projected = projectedNames(table, index);
  if (global && statement.projection) {
    const missing = [...new Set(statement.projection.map((path) => String(path[0])))].filter((name) => !projected.has(name));
    if (missing.length > 0) throw ddbErrors.invalid(`Global secondary index ${index.name} does not project [${missing.join(", ")}]`);
  }
  const filters = conjuncts(statement.where).map(headsOf);
  const keyed = filters.some((names) => names.includes(readKey.hash) || (readKey.range !== undefined && names.includes(readKey.range)));
  if (!keyed) return;
  const unprojected = [...new Set(filters.flat())].filter((name) => !projected.has(name));
  if (unprojected.length > 0) throw ddbErrors.invalid(`Secondary index ${index.name} does not project one or more filter attributes: [${unprojected.join(", ")}]`);
}

/** The attribute names a condition reads, not looking inside an OR. */
function headsOf(condition: Condition): string[] {
  const operand = (o: Operand): string[] => (o.kind === "path" && typeof o.path[0] === "string" ? [o.path[0]] : o.kind === "size" && typeof o.path[0] === "string" ? [o.path[0]] : []);
  switch (condition.kind) {
    case "and":
      return [...headsOf(condition.left), ...headsOf(condition.right)];
    case "or":
      return [];
    case "not":
      return headsOf(condition.condition);
    case "compare":
    case "begins_with":
    case "contains":
    case "not_contains":
      return [...operand(condition.left), ...operand(condition.right)];
    case "between":
      return [...operand(condition.operand), ...operand(condition.low), ...operand(condition.high)];
    case "in":
      return [...operand(condition.operand), ...condition.list.flatMap(operand)];
    case "attribute_exists":
    case "attribute_not_exists":
      return typeof condition.path[0] === "string" ? [condition.path[0]] : [];
    case "attribute_type":
      return operand(condition.operand);
  }
}

/** The row `item` as selected: kept by the WHERE clause, then projected (from `whole`, the table's item, when read back). */
function selected(bound: BoundSelect, item: Item, whole: Item = item): Item | undefined {
  const { where, projection } = bound.statement;
  if (where && !evaluateCondition(where, item)) return undefined;
  return projection ? projected(whole, projection) : whole;
}

/**
 * A PartiQL projection: each path's value under its last name
 * (`SELECT mymap.nested` answers `nested`), the whole attribute for a
 * top-level one.
 */
function projected(item: Item, paths: readonly DocumentPath[]): Item {
  if (paths.every((path) => path.length === 1)) return project(item, { paths });
  const out: Item = {};
  for (const path of paths) {
    const value = getPath(item, path);
    const name = [...path].reverse().find((part): part is string => typeof part === "string");
    if (value !== undefined && name !== undefined) out[name] = value;
  }
  return out;
}

/** A SELECT of at most one item, by its full primary key (BatchExecuteStatement, ExecuteTransaction). */
export function selectOne(deps: DynamoDeps, bound: BoundSelect, now: number): { item?: Item; bytes: number } {
  if (!bound.key) return { bytes: 0 };
  validateKey(bound.table, bound.key);
  const stored = deps.ttl.visible(bound.table, deps.store.item(bound.table, itemKey(bound.table, bound.key)), now);
  if (!stored) return { bytes: 0 };
  const item = selected(bound, stored);
  return { ...(item ? { item } : {}), bytes: itemSize(stored) };
}

export interface SelectPage {
  items: Item[];
  bytes: number;
  /** The size of each item read back from the table, for a local index that lacked what was selected. */
  readBack: number[];
  /** Where the next page starts, when this one was cut. */
  next?: { token: string; lastKey: Item };
}

/** One page of a SELECT: a partition, or the whole table or index, in key order. */
export function selectPage(deps: DynamoDeps, bound: BoundSelect, options: { limit?: number; nextToken?: string }, now: number): SelectPage {
  const { table, index } = bound;
  const prefix: StorageKey = index ? [table.id, index.name] : [table.id];
  const partition: StorageKey = bound.partition ? [...prefix, partitionPart(bound.partition)] : prefix;
  let { start, end } = narrowed(partition, bound.sortRange);
  const reverse = bound.statement.orderBy?.descending ?? false;
  if (options.nextToken !== undefined) {
    const after = decodeToken(options.nextToken);
    if (prefix.some((part, i) => after[i] !== part)) throw partiqlErrors.invalidNextToken();
    if (reverse) end = after;
    else start = prefixRange(after).end;
  }
  const limit = options.limit ?? Infinity;
  const store = index ? deps.store.indexes : deps.store.items;
  const items: Item[] = [];
  let bytes = 0;
  const readBack: number[] = [];
  let read = 0;
  for (const entry of store.range({ start, end, reverse })) {
    read += 1;
    bytes += itemSize(entry.value);
    // Every row walked is read back from the table, whether the WHERE clause (judged on the index's row) keeps it or not.
    const whole = bound.reachBack ? deps.store.item(table, itemKey(table, entry.value)) : undefined;
    if (whole) readBack.push(itemSize(whole));
    const item = deps.ttl.visible(table, entry.value, now);
    const out = item && selected(bound, item, whole);
    if (out) items.push(out);
    if (read >= limit || bytes >= PAGE_BYTES) {
      const lastKey = keyOf(entry.value, table.keySchema, ...(index ? [index.keySchema] : []));
      return { items, bytes, readBack, next: { token: encodeToken(entry.key as StorageKey), lastKey } };
    }
  }
  return { items, bytes, readBack };
}

/** The keys a partition holds, narrowed by a condition on its sort key. */
function narrowed(partition: StorageKey, range: SortRange | undefined): { start: KeyBound; end: KeyBound } {
  const whole = prefixRange(partition);
  if (!range) return whole;
  const at = (value: AttributeValue): StorageKey => [...partition, rangePart(value)];
  const past = (value: AttributeValue): KeyBound => prefixRange(at(value)).end;
  const [a, b] = range.values as [AttributeValue, AttributeValue | undefined];
  switch (range.op) {
    case "=":
      return { start: at(a), end: past(a) };
    case "<":
      return { start: whole.start, end: at(a) };
    case "<=":
      return { start: whole.start, end: past(a) };
    case ">":
      return { start: past(a), end: whole.end };
    case ">=":
      return { start: at(a), end: whole.end };
    case "BETWEEN":
      return { start: at(a), end: past(b ?? a) };
  }
}

function encodeToken(key: StorageKey): string {
  return Buffer.from(JSON.stringify(key)).toString("base64");
}

function decodeToken(token: string): StorageKey {
  try {
    const key: unknown = JSON.parse(Buffer.from(token, "base64").toString("utf8"));
    if (Array.isArray(key) && key.length > 0 && key.every((p) => typeof p === "string" || typeof p === "number")) return key;
  } catch {
    // answered below
  }
  throw partiqlErrors.invalidNextToken();
}

export { conjuncts };
