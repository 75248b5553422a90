/**
 * Opens a data dir's storage: metadata in LMDB under `meta/`, object bodies
 * under `blobs/`; or both in memory.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { openDiskBlobStore, openMemoryBlobStore } from "./blobs.js";
import { openMemoryEnvironment } from "./memory-kv.js";
import type { BlobStore, KvEnvironment } from "./types.js";

export interface Storage {
  kv: KvEnvironment;
  blobs: BlobStore;
  /** Drops all metadata and all bodies. */
  clear(): Promise<void>;
  close(): Promise<void>;
}

export interface StorageOptions {
  dataDir: string;
  inMemory: boolean;
}

export async function openStorage({ dataDir, inMemory }: StorageOptions): Promise<Storage> {
  let kv: KvEnvironment;
  let blobs: BlobStore;
  if (inMemory) {
    kv = openMemoryEnvironment();
    blobs = openMemoryBlobStore();
  } else {
    await mkdir(join(dataDir, "meta"), { recursive: true });
    // LMDB's native module loads only when a data dir is used: in-memory
    // clouds (test runners) start without it.
    const { openLmdbEnvironment } = await import("./lmdb.js");
    kv = openLmdbEnvironment(join(dataDir, "meta"));
    blobs = await openDiskBlobStore(join(dataDir, "blobs"));
  }
  return {
    kv,
    blobs,
    async clear() {
      await kv.clear();
      await blobs.clear();
    },
    async close() {
      await blobs.close();
      await kv.close();
    },
  };
}

export { compareKeys, prefixRange } from "./keys.js";
export type * from "./types.js";
