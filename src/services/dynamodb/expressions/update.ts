/**
 * Applying an update. Like DynamoDB, every right-hand side is computed from
 * the item as it was before the update (so `SET a = b, b = a` swaps), list
 * indexes name elements of the original list, and the input item is never
 * mutated: containers on written paths are copied.
 */
import { addNumbers, bytesKey, numberKey, subtractNumbers, type AttributeValue, type Item } from "../values.js";
import type { DocumentPath, Update, UpdateValue } from "./ast.js";
import { getPath, own } from "./document.js";
import { validation } from "./errors.js";
import type { UpdateResult } from "./index.js";

const MISSING_ATTRIBUTE = "The provided expression refers to an attribute that does not exist in the item";
const WRONG_TYPE = "An operand in the update expression has an incorrect data type";
/** The same mismatch, met by a legacy AttributeUpdates action. */
const LEGACY_WRONG_TYPE = "Type mismatch for attribute to update";
const INVALID_PATH = "The document path provided in the update expression is invalid for update";

function evaluate(value: UpdateValue, item: Item): AttributeValue {
  switch (value.kind) {
    case "value":
      return value.value;
    case "path": {
      const found = getPath(item, value.path);
      if (found === undefined) throw validation(MISSING_ATTRIBUTE);
      return found;
    }
    case "if_not_exists":
      return getPath(item, value.path) ?? evaluate(value.fallback, item);
    case "list_append": {
      const left = evaluate(value.left, item);
      const right = evaluate(value.right, item);
      if (!("L" in left) || !("L" in right)) throw validation(WRONG_TYPE);
      return { L: [...left.L, ...right.L] };
    }
    case "+":
    case "-": {
      const left = evaluate(value.left, item);
      const right = evaluate(value.right, item);
      if (!("N" in left) || !("N" in right)) throw validation(WRONG_TYPE);
      return { N: value.kind === "+" ? addNumbers(left.N, right.N) : subtractNumbers(left.N, right.N) };
    }
  }
}

/** `ADD`: sum a number, or union a set, or set the value when absent. */
function added(existing: AttributeValue | undefined, value: AttributeValue): AttributeValue {
  if (existing === undefined) {
    if ("N" in value || "SS" in value || "NS" in value || "BS" in value) return value;
    throw validation(WRONG_TYPE);
  }
  if ("N" in value && "N" in existing) return { N: addNumbers(existing.N, value.N) };
  if ("SS" in value && "SS" in existing) return { SS: union(existing.SS, value.SS, (x) => x) };
  if ("NS" in value && "NS" in existing) return { NS: union(existing.NS, value.NS, numberKey) };
  if ("BS" in value && "BS" in existing) return { BS: union(existing.BS, value.BS, bytesKey) };
  throw validation(WRONG_TYPE);
}

/** `DELETE`: the set without the given members; undefined when nothing is left. */
function deleted(existing: AttributeValue, value: AttributeValue): AttributeValue | undefined {
  let rest: AttributeValue;
  if ("SS" in value && "SS" in existing) rest = { SS: without(existing.SS, value.SS, (x) => x) };
  else if ("NS" in value && "NS" in existing) rest = { NS: without(existing.NS, value.NS, numberKey) };
  else if ("BS" in value && "BS" in existing) rest = { BS: without(existing.BS, value.BS, bytesKey) };
  else throw validation(WRONG_TYPE);
  const size = "SS" in rest ? rest.SS.length : "NS" in rest ? rest.NS.length : "BS" in rest ? rest.BS.length : 0;
  return size === 0 ? undefined : rest;
}

// Members are matched by key (numbers by value, binaries by bytes) through
// a Set: sets hold thousands of members, and pairwise matching blocked the
// server for minutes.

function union<T>(a: readonly T[], b: readonly T[], key: (x: T) => string): T[] {
  const out = a.slice();
  const seen = new Set(a.map(key));
  for (const x of b) {
    const k = key(x);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(x);
  }
  return out;
}

function without<T>(a: readonly T[], b: readonly T[], key: (x: T) => string): T[] {
  const gone = new Set(b.map(key));
  return a.filter((x) => !gone.has(key(x)));
}

type Container = Record<string, AttributeValue> | AttributeValue[];

/** The copied item being built, with the containers already copied on the way. */
class Draft {
  readonly root: Item;
  private readonly copied = new WeakSet<Container>();

  constructor(item: Item) {
    this.root = { ...item };
    this.copied.add(this.root);
  }

  /** The (copied) container holding the last step of `path`; throws when the path cannot be written. */
  parentOf(path: DocumentPath): Container {
    let current: Container = this.root;
    for (let i = 0; i < path.length - 1; i++) {
      const step = path[i];
      const child = read(current, step);
      const wantsList = typeof path[i + 1] === "number";
      if (child === undefined || (wantsList ? !("L" in child) : !("M" in child))) throw validation(INVALID_PATH);
      let inner: Container = "L" in child ? child.L : "M" in child ? child.M : [];
      if (!this.copied.has(inner)) {
        inner = Array.isArray(inner) ? inner.slice() : { ...inner };
        this.copied.add(inner);
        write(current, step, Array.isArray(inner) ? { L: inner } : { M: inner });
      }
      current = inner;
    }
    return current;
  }

  /** Values set past the end of a list, by list: appended once every write is in, in index order. */
  private readonly appends = new Map<AttributeValue[], { index: number; value: AttributeValue }[]>();

  set(path: DocumentPath, value: AttributeValue): void {
    const parent = this.parentOf(path);
    const last = path[path.length - 1];
    if (Array.isArray(parent)) {
      if (typeof last !== "number") throw validation(INVALID_PATH);
      if (last < parent.length) {
        parent[last] = value;
        return;
      }
      // Past the end appends, as DynamoDB does: `SET l[9] = :a, l[5] = :b` appends :b, then :a.
      const pending = this.appends.get(parent);
      if (pending) pending.push({ index: last, value });
      else this.appends.set(parent, [{ index: last, value }]);
    } else {
      if (typeof last !== "string") throw validation(INVALID_PATH);
      parent[last] = value;
    }
  }

  /** Makes the appends `set` held back. */
  appendPending(): void {
    for (const [list, pending] of this.appends) {
      pending.sort((a, b) => a.index - b.index);
      for (const { value } of pending) list.push(value);
    }
    this.appends.clear();
  }

  remove(path: DocumentPath): void {
    const parent = this.parentOf(path);
    const last = path[path.length - 1];
    if (Array.isArray(parent)) {
      if (typeof last === "number" && last < parent.length) parent.splice(last, 1);
    } else if (typeof last === "string") {
      delete parent[last];
    }
  }
}

/** Whether every step before the last of `path` exists and is a container of the kind the next step needs. */
function writableParent(item: Item, path: DocumentPath): boolean {
  let current: Container = item;
  for (let i = 0; i < path.length - 1; i++) {
    const child = read(current, path[i]!);
    const wantsList = typeof path[i + 1] === "number";
    if (child === undefined || (wantsList ? !("L" in child) : !("M" in child))) return false;
    current = "L" in child ? child.L : (child as { M: Record<string, AttributeValue> }).M;
  }
  return true;
}

function read(container: Container, step: string | number): AttributeValue | undefined {
  if (Array.isArray(container)) return typeof step === "number" ? container[step] : undefined;
  return typeof step === "string" ? own(container, step) : undefined;
}

function write(container: Container, step: string | number, value: AttributeValue): void {
  if (Array.isArray(container)) container[step as number] = value;
  else container[step as string] = value;
}

/** Applies the actions to a copy of `item` (pass the key alone when the item does not exist yet). */
export function applyUpdate(update: Update, item: Item): UpdateResult {
  try {
    return applyActions(update, item);
  } catch (error) {
    // Legacy AttributeUpdates word a type mismatch their own way.
    if (update.legacy && error instanceof Error && error.message === WRONG_TYPE) throw validation(LEGACY_WRONG_TYPE);
    throw error;
  }
}

function applyActions(update: Update, item: Item): UpdateResult {
  // Everything is computed from the original item first.
  const writes: { path: DocumentPath; value: AttributeValue | undefined }[] = [];
  const removals: DocumentPath[] = [];
  for (const action of update.actions) {
    switch (action.kind) {
      case "SET":
        writes.push({ path: action.path, value: evaluate(action.value, item) });
        break;
      case "ADD":
        writes.push({ path: action.path, value: added(getPath(item, action.path), action.value) });
        break;
      case "DELETE": {
        const existing = getPath(item, action.path);
        if (existing !== undefined) writes.push({ path: action.path, value: deleted(existing, action.value) });
        else if (!("SS" in action.value || "NS" in action.value || "BS" in action.value)) throw validation(WRONG_TYPE);
        // Nothing to delete from, but the path must still lead somewhere writable.
        else if (!writableParent(item, action.path)) throw validation(INVALID_PATH);
        break;
      }
      case "REMOVE":
        removals.push(action.path);
        break;
    }
  }
  const draft = new Draft(item);
  for (const { path, value } of writes) {
    if (value === undefined) draft.remove(path);
    else draft.set(path, value);
  }
  draft.appendPending();
  // Later list indexes first, so that earlier removals do not shift them.
  removals.sort(compareForRemoval);
  for (const path of removals) draft.remove(path);

  const updatedPaths = update.actions.map((a) => a.path);
  const updatedNames = [...new Set(updatedPaths.map((p) => String(p[0])))];
  return { item: draft.root, updatedNames, updatedPaths };
}

/**
 * A total order (names ascending, list indexes descending, names before
 * indexes) so that the removals of one list come last index first even
 * when other paths sort between them: `REMOVE l[0], m[1], l[3]` removes
 * l[3] before l[0] shifts it.
 */
function compareForRemoval(a: DocumentPath, b: DocumentPath): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (typeof x === "number" && typeof y === "number") return y - x;
    if (typeof x === "string" && typeof y === "string") return x < y ? -1 : 1;
    return typeof x === "string" ? -1 : 1;
  }
  return a.length - b.length;
}
