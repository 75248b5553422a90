/**
 * KvEnvironment on LMDB: one memory-mapped environment per data dir, one
 * named database per store. Write transactions are async: lmdb batches the
 * ones that arrive together into one commit and one fsync, which is what
 * makes durable small writes cheap.
 *
 * `overlappingSync` is off: with it (lmdb's default off Windows) a
 * transaction's promise resolves at commit, before the fsync, and our
 * contract promises durability when it resolves.
 */
import { open, type Database, type Key as LmdbKey, type RootDatabase } from "lmdb";
import { causeHandled } from "./commit-failure.js";
import { fitsStore, storedKey } from "./keys.js";
import { StagedWrites } from "./staged.js";
import type { Entry, Key, KeyBound, KvEnvironment, KvStore, KvTransaction, KvWriter, RangeOptions } from "./types.js";

/** Where msgpackr keeps a store's shared record structures (a key no caller can form). */
const STRUCTURES_KEY = Symbol.for("nimbus.structures");

/** Room for the stores of every service; LMDB fixes the count at open. */
const MAX_STORES = 256;

export function openLmdbEnvironment(path: string): KvEnvironment {
  const root: RootDatabase = open({ path, maxDbs: MAX_STORES, compression: false, overlappingSync: false });
  const stores = new Map<string, LmdbStore<unknown>>();
  const storeOf = (name: string): LmdbStore<unknown> => {
    let store = stores.get(name);
    if (!store) {
      // Shared structures: msgpackr records each value's shape once per store
      // instead of in every value, which halves decoding time for records.
      store = new LmdbStore<unknown>(root, root.openDB<unknown, LmdbKey>({ name, compression: false, sharedStructuresKey: STRUCTURES_KEY }));
      stores.set(name, store);
    }
    return store;
  };
  return {
    store<V>(name: string): KvStore<V> {
      return storeOf(name) as KvStore<V>;
    },
    async transaction<T>(fn: (tx: KvTransaction) => T): Promise<T> {
      const staged = new Map<LmdbStore<unknown>, StagedWrites<unknown>>();
      let applied = false;
      const committing = root.transaction(() => {
        staged.clear();
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
        applied = true;
        return result;
      });
      let result: T;
      try {
        result = await committing;
      } catch (error) {
        causeHandled(error);
        // Applied, then not committed: the batch's commit failed.
        if (applied) takenBack(stores.values());
        throw error;
      }
      for (const [store, writes] of staged) if (writes.size > 0) store.generation++;
      return result;
    },
    async clear() {
      // Named databases live in the root's key space too; clearing the root
      // would drop their handles, so clear each one that was ever opened,
      // plus every other named database found on disk.
      const names = new Set(stores.keys());
      for (const key of root.getKeys()) if (typeof key === "string") names.add(key);
      await root.transaction(() => {
        for (const name of names) (stores.get(name)?.db ?? root.openDB({ name })).clearSync();
        for (const store of stores.values()) store.writes++;
      });
      for (const store of stores.values()) store.generation++;
    },
    async close() {
      await root.close();
    },
  };
}

class LmdbStore<V> implements KvStore<V> {
  /** Bumped once a writing transaction has committed, so a reader never caches pre-commit data under the new number. */
  generation = 0;
  writes = 0;

  constructor(
    private readonly root: RootDatabase,
    readonly db: Database<unknown, LmdbKey>,
  ) {}

  get(key: Key): V | undefined {
    if (!fitsStore(key)) return undefined;
    return this.db.get(lmdbKey(key)) as V | undefined;
  }

  *range(options: RangeOptions = {}): Iterable<Entry<V>> {
    const { start, end, reverse = false, limit = Infinity } = options;
    if (limit <= 0) return;
    let count = 0;
    for (const { key, value } of reverse ? this.descending(start, end) : this.ascending(start, end)) {
      if (typeof key === "symbol") continue; // msgpackr's shared structures
      yield { key: key as Key, value: value as V };
      if (++count >= limit) return;
    }
  }

  private ascending(start: KeyBound | undefined, end: KeyBound | undefined) {
    return this.db.getRange({ start: optionalKey(start), end: optionalKey(end) });
  }

  /**
   * lmdb walks a reverse range from its `start` down to its `end`; callers
   * give [start, end) in ascending terms, so the bounds swap, and so do
   * which one is inclusive. lmdb compares the stored bytes: re-encoding a
   * key it hands back need not give them (a one-element array of a number
   * comes back as the bare number, which encodes shorter).
   */
  private descending(start: KeyBound | undefined, end: KeyBound | undefined) {
    return this.db.getRange({ start: optionalKey(end), end: optionalKey(start), reverse: true, exclusiveStart: true, inclusiveEnd: true });
  }

  transaction<T>(fn: (tx: KvWriter<V>) => T): Promise<T> {
    // fn runs inside lmdb's write transaction, so it reads every commit
    // before it; its writes are staged and applied only if it returns,
    // since lmdb does not roll back a batched transaction that throws.
    let wrote = false;
    return this.root
      .transaction(() => {
        const staged = new StagedWrites<V>((key) => this.get(key));
        const result = fn(staged);
        this.apply(staged);
        wrote = staged.size > 0;
        return result;
      })
      .then(
        (result) => {
          if (wrote) this.generation++;
          return result;
        },
        (error: unknown) => {
          causeHandled(error);
          if (wrote) takenBack([this]);
          throw error;
        },
      );
  }

  /** Applies staged writes; call only inside an lmdb write transaction. */
  apply(staged: StagedWrites<V>): void {
    if (staged.size > 0) this.writes++;
    // The staged bytes are the key's stored form (`encodeKey`): lmdb writes a byte key as it is, without encoding it again.
    for (const { encoded, value } of staged.writes()) {
      if (value === undefined) this.db.removeSync(encoded);
      else this.db.putSync(encoded, value);
    }
  }
}

/**
 * A commit that fails takes back every write of its batch, which the
 * transactions after them in the batch read, and may have cached under the
 * stores' `writes` (see KvStore): the counts move on again, before any
 * later batch runs. Commits fail rarely (a full disk), so a failed
 * environment transaction moves every store's.
 */
function takenBack(stores: Iterable<LmdbStore<unknown>>): void {
  for (const store of stores) store.writes++;
}

/** lmdb encodes keys with ordered-binary itself: they go through the same `storedKey` as the in-memory store's. lmdb's Key type wants mutable arrays; it never mutates ours. */
function lmdbKey(key: KeyBound): LmdbKey {
  return storedKey(key) as LmdbKey;
}

function optionalKey(key: KeyBound | undefined): LmdbKey | undefined {
  return key === undefined ? undefined : lmdbKey(key);
}
