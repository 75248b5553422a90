/**
 * The writer a transaction's function sees: writes are held back until it
 * returns, and its reads see them first. Both stores apply the writes only
 * when the function did not throw, which is what makes a transaction all
 * or nothing.
 */
import { encodeKey } from "./keys.js";
import type { Key, KvWriter } from "./types.js";

export class StagedWrites<V> implements KvWriter<V> {
  private readonly staged = new Map<string, { key: Key; value: V | undefined }>();

  constructor(private readonly read: (key: Key) => V | undefined) {}

  get(key: Key): V | undefined {
    const write = this.staged.get(id(key));
    return write ? write.value : this.read(key);
  }

  put(key: Key, value: V): void {
    this.staged.set(id(key), { key, value });
  }

  remove(key: Key): void {
    this.staged.set(id(key), { key, value: undefined });
  }

  /** Writes in the order first made; `value` undefined means remove. */
  writes(): Iterable<{ key: Key; value: V | undefined }> {
    return this.staged.values();
  }
}

function id(key: Key): string {
  return encodeKey(key).toString("latin1");
}
