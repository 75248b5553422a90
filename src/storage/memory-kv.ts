/**
 * The in-memory KvEnvironment (`--in-memory`, and `start()` in tests):
 * sorted arrays searched by binary search, in the same key order as LMDB.
 * Values are copied on the way in and out, as a real store would.
 */
import { encodeKey } from "./keys.js";
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

class MemoryStore<V> implements KvStore<V> {
  /** Keys in stored byte form, sorted; `originals[i]` is what the caller gave. */
  private keys: Buffer[] = [];
  private originals: Key[] = [];
  private values: V[] = [];

  get(key: Key): V | undefined {
    const i = this.find(key);
    return i >= 0 ? copy(this.values[i]) : undefined;
  }

  *range(options: RangeOptions = {}): Iterable<Entry<V>> {
    const { start, end, reverse = false, limit = Infinity } = options;
    const from = start === undefined ? 0 : this.lowerBound(encodeKey(start));
    const to = end === undefined ? this.keys.length : this.lowerBound(encodeKey(end));
    // Snapshot the slice: a writer may commit while the caller iterates.
    const keys = this.originals.slice(from, to);
    const values = this.values.slice(from, to);
    const count = Math.min(keys.length, limit);
    for (let n = 0; n < count; n++) {
      const i = reverse ? keys.length - 1 - n : n;
      yield { key: keys[i]!, value: copy(values[i]!) };
    }
  }

  async transaction<T>(fn: (tx: KvWriter<V>) => T): Promise<T> {
    const staged = new StagedWrites<V>((key) => this.get(key));
    const result = fn(staged);
    this.apply(staged);
    return result;
  }

  apply(staged: StagedWrites<V>): void {
    for (const { key, value } of staged.writes()) {
      if (value === undefined) this.delete(key);
      else this.set(key, copy(value));
    }
  }

  clear(): void {
    this.keys = [];
    this.originals = [];
    this.values = [];
  }

  private set(key: Key, value: V): void {
    const encoded = encodeKey(key);
    const i = this.lowerBound(encoded);
    if (i < this.keys.length && this.keys[i]!.equals(encoded)) {
      this.values[i] = value;
    } else {
      this.keys.splice(i, 0, encoded);
      this.originals.splice(i, 0, copy(key));
      this.values.splice(i, 0, value);
    }
  }

  private delete(key: Key): void {
    const i = this.find(key);
    if (i >= 0) {
      this.keys.splice(i, 1);
      this.originals.splice(i, 1);
      this.values.splice(i, 1);
    }
  }

  private find(key: Key): number {
    const encoded = encodeKey(key);
    const i = this.lowerBound(encoded);
    return i < this.keys.length && this.keys[i]!.equals(encoded) ? i : -1;
  }

  /** Index of the first key not less than `encoded`. */
  private lowerBound(encoded: Buffer): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (Buffer.compare(this.keys[mid]!, encoded) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** A deep copy that keeps Buffers as Buffers (structuredClone would not). */
function copy<T>(value: T): T {
  if (value === null || typeof value !== "object") return value;
  if (Buffer.isBuffer(value)) return Buffer.from(value) as T;
  if (Array.isArray(value)) return value.map(copy) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = copy(v);
  return out as T;
}
