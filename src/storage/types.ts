/**
 * Two storage interfaces, each with an on-disk and an in-memory
 * implementation that pass one shared contract suite (test/storage):
 *
 * - KvStore: an ordered, transactional key/value store for metadata, items
 *   and indexes (LMDB on disk).
 * - BlobStore: object bodies as files, written to a temp file, fsynced and
 *   renamed; ids are generated, never derived from user-supplied names.
 */
import type { Readable } from "node:stream";

/** Keys are ordered element by element; strings compare as UTF-8 bytes, numbers numerically. */
export type KeyPart = string | number;
export type Key = KeyPart | readonly KeyPart[];

/**
 * A range bound: a key, or key parts followed by raw key bytes. Only
 * `prefixRange` makes the second kind, to name the point just past every
 * key that begins with a prefix, which no Key can name.
 */
export type KeyBound = Key | readonly (KeyPart | Uint8Array)[];

export interface RangeOptions {
  /** Inclusive lower bound. */
  start?: KeyBound;
  /** Exclusive upper bound. */
  end?: KeyBound;
  reverse?: boolean;
  limit?: number;
}

export interface Entry<V> {
  key: Key;
  value: V;
}

/** A named, ordered collection of JSON-like values (objects, arrays, strings, numbers, booleans, null, Buffers). */
export interface KvStore<V = unknown> {
  /**
   * Grows after every committed transaction that wrote to this store (and
   * on clear): a reader that caches what it derived from the store checks
   * it to know when to derive again.
   */
  readonly generation: number;
  /**
   * Grows as each transaction that writes to this store applies its
   * writes, inside that transaction, before it commits (and on clear),
   * and again if that commit fails: a record one transaction read is what
   * a later one would read while the count stands. `generation` moves only
   * once the commit has resolved.
   */
  readonly writes: number;
  get(key: Key): V | undefined;
  /** Entries in key order within [start, end). Reads see committed data. */
  range(options?: RangeOptions): Iterable<Entry<V>>;
  /**
   * Runs `fn` atomically: its puts and removes all land, or none do. The
   * promise resolves once the writes are durable (on disk: synced).
   * Reads inside `fn` see the transaction's own writes.
   */
  transaction<T>(fn: (tx: KvWriter<V>) => T): Promise<T>;
}

export interface KvWriter<V> {
  get(key: Key): V | undefined;
  put(key: Key, value: V): void;
  remove(key: Key): void;
  /** The writes made so far (a key written twice counts once). */
  readonly size: number;
}

/** A transaction over several stores of one environment. */
export interface KvTransaction {
  store<V>(name: string): KvWriter<V>;
}

export interface KvEnvironment {
  /** Opens (or creates) a named store. The same name gives the same data. */
  store<V>(name: string): KvStore<V>;
  /** Like KvStore.transaction, across stores: all their writes land, or none. */
  transaction<T>(fn: (tx: KvTransaction) => T): Promise<T>;
  /** Drops every entry of every store. */
  clear(): Promise<void>;
  close(): Promise<void>;
}

export interface BlobInfo {
  /** Generated identifier, safe as a file name. */
  id: string;
  size: number;
}

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive. */
  end: number;
}

export interface BlobStore {
  /**
   * Streams `source` into a new blob. Resolves once the bytes are durable
   * (fsync, then rename into place). On error or an aborted source nothing
   * is left behind and the promise rejects.
   */
  write(source: Readable | AsyncIterable<Buffer> | Iterable<Buffer>): Promise<BlobInfo>;
  /** A stream of the blob's bytes, or of one inclusive range of them. */
  read(id: string, range?: ByteRange): Readable;
  /** Removes a blob; removing a missing blob is not an error. */
  delete(id: string): Promise<void>;
  /** Ids of all blobs, for garbage collection of orphans after a crash. */
  list(): Promise<string[]>;
  clear(): Promise<void>;
  close(): Promise<void>;
}
