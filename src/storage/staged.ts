/**
 * The writer a transaction's function sees: writes are held back until it
 * returns, and its reads see them first. Both stores apply the writes only
 * when the function did not throw, which is what makes a transaction all
 * or nothing.
 */
import { encodeKey, fitsStore, MAX_KEY_BYTES } from "./keys.js";
import type { Key, KvWriter } from "./types.js";

export { MAX_KEY_BYTES };

/** A key longer than the store can hold: services answer it in their own words. */
export class KeyTooLargeError extends RangeError {}

/** One staged write: the key, its stored bytes (which LMDB then writes as they are), and the value (undefined: remove). */
export interface StagedWrite<V> {
  key: Key;
  encoded: Buffer;
  value: V | undefined;
}

export class StagedWrites<V> implements KvWriter<V> {
  private readonly staged = new Map<string, StagedWrite<V>>();

  constructor(private readonly read: (key: Key) => V | undefined) {}

  get(key: Key): V | undefined {
    // Most reads come before any write: they skip encoding the key.
    if (this.staged.size === 0) return this.read(key);
    if (!fitsStore(key)) return undefined;
    const write = this.staged.get(encodeKey(key).toString("latin1"));
    return write ? write.value : this.read(key);
  }

  /**
   * Refuses a key LMDB could not store here, inside `fn`, rather than when
   * the writes are applied and some of them may already have landed; the
   * in-memory store refuses it too, so both behave the same.
   */
  put(key: Key, value: V): void {
    if (!fitsStore(key)) throw new KeyTooLargeError(`key over the ${MAX_KEY_BYTES}-byte limit`);
    const encoded = encodeKey(key);
    this.staged.set(encoded.toString("latin1"), { key, encoded, value });
  }

  remove(key: Key): void {
    // A key too long to store was never written.
    if (!fitsStore(key)) return;
    const encoded = encodeKey(key);
    this.staged.set(encoded.toString("latin1"), { key, encoded, value: undefined });
  }

  get size(): number {
    return this.staged.size;
  }

  /** Writes in the order first made; `value` undefined means remove. */
  writes(): Iterable<StagedWrite<V>> {
    return this.staged.values();
  }
}
