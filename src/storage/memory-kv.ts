/**
 * The in-memory KvEnvironment (`--in-memory`, and `start()` in tests):
 * sorted arrays searched by binary search, in the same key order as LMDB
 * (keys are kept in their ordered-binary form, see keys.ts). Values are
 * copied on the way in and out, as a real store would.
 */
import { decodeKey, encodeKey, fitsStore } from "./keys.js";
import { StagedWrites } from "./staged.js";
import type { Entry, Key, KvEnvironment, KvStore, KvTransaction, KvWriter, RangeOptions } from "./types.js";

export function openMemoryEnvironment(): KvEnvironment {
  const stores = new Map<string, MemoryStore<unknown>>();
  const storeOf = (name: string): MemoryStore<unknown> => {
    let store = stores.get(name);
    if (!store) {
      store = new MemoryStore<unknown>();
      stores.set(name, store);
    }
    return store;
  };
  return {
    store<V>(name: string): KvStore<V> {
      return storeOf(name) as KvStore<V>;
    },
    async transaction<T>(fn: (tx: KvTransaction) => T): Promise<T> {
      const staged = new Map<MemoryStore<unknown>, StagedWrites<unknown>>();
      const result = fn({
        store<V>(name: string): KvWriter<V> {
          const store = storeOf(name);
          let writes = staged.get(store);
          if (!writes) {
            writes = new StagedWrites<unknown>((key) => store.get(key));
            staged.set(store, writes);
          }
          return writes as KvWriter<V>;
        },
      });
      for (const [store, writes] of staged) store.apply(writes);
      return result;
    },
    async clear() {
      for (const store of stores.values()) store.clear();
    },
    async close() {},
  };
}

/** Parallel arrays in key order: encoded keys, keys as handed back, values. */
interface Sorted<V> {
  encoded: Buffer[];
  keys: Key[];
  values: V[];
}

class MemoryStore<V> implements KvStore<V> {
  generation = 0;
  writes = 0;
  private data: Sorted<V> = { encoded: [], keys: [], values: [] };
  /**
   * Set while a range may still be reading `data`: the next write copies
   * the arrays first, so a range reads a snapshot, as an LMDB read
   * transaction does, without every range paying for a copy.
   */
  private shared = false;

  get(key: Key): V | undefined {
    if (!fitsStore(key)) return undefined;
    const i = this.find(encodeKey(key));
    return i >= 0 ? copy(this.data.values[i]) : undefined;
  }

  range(options: RangeOptions = {}): Iterable<Entry<V>> {
    const { start, end, reverse = false, limit = Infinity } = options;
    const data = this.data;
    this.shared = true;
    const from = start === undefined ? 0 : lowerBound(data.encoded, encodeKey(start));
    const to = end === undefined ? data.encoded.length : lowerBound(data.encoded, encodeKey(end));
    return entries(data, from, to, reverse, limit);
  }

  async transaction<T>(fn: (tx: KvWriter<V>) => T): Promise<T> {
    const staged = new StagedWrites<V>((key) => this.get(key));
    const result = fn(staged);
    this.apply(staged);
    return result;
  }

  apply(staged: StagedWrites<V>): void {
    for (const { encoded, value } of staged.writes()) {
      if (value === undefined) this.delete(encoded);
      else this.set(encoded, copy(value));
    }
    if (staged.size > 0) {
      this.writes++;
      this.generation++;
    }
  }

  clear(): void {
    this.data = { encoded: [], keys: [], values: [] };
    this.shared = false;
    this.writes++;
    this.generation++;
  }

  /** The arrays a write may change in place. */
  private writable(): Sorted<V> {
    if (this.shared) {
      const { encoded, keys, values } = this.data;
      this.data = { encoded: encoded.slice(), keys: keys.slice(), values: values.slice() };
      this.shared = false;
    }
    return this.data;
  }

  private set(encoded: Buffer, value: V): void {
    const i = lowerBound(this.data.encoded, encoded);
    const data = this.writable();
    if (i < data.encoded.length && data.encoded[i].equals(encoded)) {
      data.values[i] = value;
    } else {
      // toBufferKey hands out views of a shared pool: keep a copy of our own.
      data.encoded.splice(i, 0, Buffer.from(encoded));
      data.keys.splice(i, 0, decodeKey(encoded));
      data.values.splice(i, 0, value);
    }
  }

  private delete(encoded: Buffer): void {
    const i = this.find(encoded);
    if (i < 0) return;
    const data = this.writable();
    data.encoded.splice(i, 1);
    data.keys.splice(i, 1);
    data.values.splice(i, 1);
  }

  private find(encoded: Buffer): number {
    const keys = this.data.encoded;
    const i = lowerBound(keys, encoded);
    return i < keys.length && keys[i].equals(encoded) ? i : -1;
  }
}

function* entries<V>(data: Sorted<V>, from: number, to: number, reverse: boolean, limit: number): Iterable<Entry<V>> {
  const count = Math.min(Math.max(to - from, 0), limit);
  for (let n = 0; n < count; n++) {
    const i = reverse ? to - 1 - n : from + n;
    yield { key: copy(data.keys[i]), value: copy(data.values[i]) };
  }
}

/** Index of the first key not less than `encoded`. */
function lowerBound(keys: readonly Buffer[], encoded: Buffer): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (Buffer.compare(keys[mid], encoded) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A deep copy that gives back what LMDB's msgpack would: byte arrays as
 * Buffers (structuredClone would make them plain Uint8Arrays), Dates as
 * Dates, properties set to undefined kept.
 */
function copy<T>(value: T): T {
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Uint8Array) return Buffer.from(value) as T;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (Array.isArray(value)) return value.map(copy) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = copy(v);
  return out as T;
}
