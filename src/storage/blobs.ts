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
  const made = new Set<string>();
  const pathOf = (id: string) => join(dir, id.slice(0, 2), id);

  return {
    async write(source) {
      const id = newId();
      const temp = join(tmp, id);
      const file = await open(temp, "w");
      let size = 0;
      try {
        for await (const chunk of source as AsyncIterable<Buffer>) {
          let offset = 0;
          while (offset < chunk.length) {
            const { bytesWritten } = await file.write(chunk, offset, chunk.length - offset);
            offset += bytesWritten;
          }
          size += chunk.length;
        }
        await file.datasync();
        await file.close();
      } catch (error) {
        await file.close().catch(() => {});
        await unlink(temp).catch(() => {});
        throw error;
      }
      const fan = id.slice(0, 2);
      if (!made.has(fan)) {
        await mkdir(join(dir, fan), { recursive: true });
        made.add(fan);
      }
      await rename(temp, pathOf(id));
      return { id, size };
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
      await unlink(pathOf(id)).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "ENOENT") throw error;
      });
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
      for (const entry of await readdir(dir)) if (entry !== "tmp") await rm(join(dir, entry), { recursive: true, force: true });
      made.clear();
    },

    async close() {},
  };
}

export function openMemoryBlobStore(): BlobStore {
  const blobs = new Map<string, Buffer>();
  return {
    async write(source) {
      const chunks: Buffer[] = [];
      for await (const chunk of source as AsyncIterable<Buffer>) chunks.push(chunk);
      const id = newId();
      const bytes = Buffer.concat(chunks);
      blobs.set(id, bytes);
      return { id, size: bytes.length } satisfies BlobInfo;
    },
    read(id, range?: ByteRange) {
      const bytes = blobs.get(id);
      if (!bytes) {
        const error = Object.assign(new Error(`no blob ${id}`), { code: "ENOENT" });
        return new Readable({ read() { this.destroy(error); } });
      }
      return Readable.from(range ? [bytes.subarray(range.start, range.end + 1)] : [bytes], { objectMode: false });
    },
    async delete(id) {
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
