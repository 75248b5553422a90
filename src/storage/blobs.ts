/**
 * Object bodies. On disk each blob is one file named by a random id, never
 * by anything a user sent: written under tmp/, fsynced, then renamed into
 * a two-character fan-out directory, so a reader only ever sees complete
 * files and a crash leaves at most a temp file, swept at the next open.
 */
import { createReadStream } from "node:fs";
import { mkdir, open, readdir, rename, rm, unlink } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { randomHex } from "../util/ids.js";
import type { BlobInfo, BlobStore, ByteRange } from "./types.js";

/** Large reads keep a 64 MiB GET at memory-copy speed rather than syscall speed. */
const READ_CHUNK = 1024 * 1024;
const MIN_READ_CHUNK = 16 * 1024;
const ID_PATTERN = /^[0-9a-f]{32}$/;

function newId(): string {
  return randomHex(16);
}

function assertId(id: string): void {
  if (!ID_PATTERN.test(id)) throw new Error(`invalid blob id ${JSON.stringify(id)}`);
}

export async function openDiskBlobStore(dir: string): Promise<BlobStore> {
  const tmp = join(dir, "tmp");
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  /** Fan-out directories known to exist (cleared with the blobs). */
  const made = new Set<string>();
  const fanOf = (id: string) => join(dir, id.slice(0, 2));
  const pathOf = (id: string) => join(fanOf(id), id);

  /** Creates the id's fan-out directory once, durably: its entry is in `dir`. */
  async function ensureFan(id: string): Promise<void> {
    const fan = fanOf(id);
    if (made.has(fan)) return;
    await mkdir(fan, { recursive: true });
    await syncDirectory(dir);
    made.add(fan);
  }

  /** Renames a complete temp file into place and syncs the rename. */
  async function moveIntoPlace(temp: string, id: string): Promise<void> {
    await ensureFan(id);
    try {
      await rename(temp, pathOf(id));
    } catch (error) {
      // A clear() running alongside may have removed the fan directory.
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      made.delete(fanOf(id));
      await ensureFan(id);
      await rename(temp, pathOf(id));
    }
    await syncDirectory(fanOf(id));
  }

  return {
    async write(source) {
      const id = newId();
      const temp = join(tmp, id);
      try {
        const size = await writeDurably(temp, source);
        await moveIntoPlace(temp, id);
        return { id, size };
      } catch (error) {
        await removeFile(temp);
        throw error;
      }
    },

    read(id, range) {
      assertId(id);
      // Size the read buffer to the range: a 1 MiB buffer per small GET is
      // all allocation and garbage.
      const length = range ? range.end - range.start + 1 : READ_CHUNK;
      const highWaterMark = Math.max(MIN_READ_CHUNK, Math.min(READ_CHUNK, length));
      return createReadStream(pathOf(id), { start: range?.start, end: range?.end, highWaterMark });
    },

    async delete(id) {
      assertId(id);
      await removeFile(pathOf(id));
    },

    async list() {
      const ids: string[] = [];
      for (const fan of await readdir(dir)) {
        if (fan === "tmp" || fan.length !== 2) continue;
        for (const name of await readdir(join(dir, fan))) if (ID_PATTERN.test(name)) ids.push(name);
      }
      return ids;
    },

    async clear() {
      made.clear();
      for (const entry of await readdir(dir)) if (entry !== "tmp") await rm(join(dir, entry), { recursive: true, force: true });
    },

    async close() {},
  };
}

/**
 * Streams `source` into a new file and syncs its data. Chunks are written
 * as they come, so memory stays flat however large the body; an error or
 * an aborted stream rejects the iteration, and so the write.
 */
async function writeDurably(path: string, source: Readable | AsyncIterable<Buffer> | Iterable<Buffer>): Promise<number> {
  const file = await open(path, "wx");
  try {
    let size = 0;
    for await (const chunk of source as AsyncIterable<Buffer | string>) {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      let offset = 0;
      while (offset < bytes.length) {
        const { bytesWritten } = await file.write(bytes, offset, bytes.length - offset);
        offset += bytesWritten;
      }
      size += bytes.length;
    }
    await file.datasync();
    return size;
  } finally {
    await file.close();
  }
}

/** Unlinks a file; one that is already gone is not an error. */
async function removeFile(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

/**
 * Makes a directory's entries (a rename, a new subdirectory) durable.
 * Some platforms (Windows) cannot open a directory for syncing; there
 * the rename's durability is left to the file system.
 */
async function syncDirectory(path: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    if (["EISDIR", "EPERM", "EACCES"].includes((error as NodeJS.ErrnoException).code ?? "")) return;
    throw error;
  }
  try {
    await handle.sync();
  } catch (error) {
    if (!["EINVAL", "EPERM", "EBADF"].includes((error as NodeJS.ErrnoException).code ?? "")) throw error;
  } finally {
    await handle.close();
  }
}

/** Blobs as Buffers, with the disk store's id rules, so callers behave the same on both. */
export function openMemoryBlobStore(): BlobStore {
  const blobs = new Map<string, Buffer>();
  return {
    async write(source) {
      const chunks: Buffer[] = [];
      for await (const chunk of source as AsyncIterable<Buffer | string>) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
      // concat copies: a source that reuses its buffers cannot change the blob.
      const bytes = Buffer.concat(chunks);
      const id = newId();
      blobs.set(id, bytes);
      return { id, size: bytes.length } satisfies BlobInfo;
    },
    read(id, range?: ByteRange) {
      assertId(id);
      const bytes = blobs.get(id);
      if (!bytes) {
        // As createReadStream does for a missing file: the error comes from the stream.
        const error = Object.assign(new Error(`ENOENT: no blob ${id}`), { code: "ENOENT" });
        return new Readable({ read() { this.destroy(error); } });
      }
      return Readable.from([range ? bytes.subarray(range.start, range.end + 1) : bytes], { objectMode: false });
    },
    async delete(id) {
      assertId(id);
      blobs.delete(id);
    },
    async list() {
      return [...blobs.keys()];
    },
    async clear() {
      blobs.clear();
    },
    async close() {},
  };
}
