/** The blob store contract, on disk and in memory. */
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { after, before, describe, it } from "node:test";
import { openDiskBlobStore, openMemoryBlobStore } from "../../src/storage/blobs.js";
import type { BlobStore } from "../../src/storage/types.js";

for (const kind of ["disk", "memory"] as const) {
  describe(`BlobStore contract: ${kind}`, () => {
    let dir: string;
    let blobs: BlobStore;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), "nimbus-blobs-"));
      blobs = kind === "disk" ? await openDiskBlobStore(dir) : openMemoryBlobStore();
    });
    after(async () => {
      await blobs.close();
      await rm(dir, { recursive: true, force: true });
    });

    it("writes, reads whole and ranged, lists and deletes", async () => {
      const info = await blobs.write(Readable.from([Buffer.from("hello "), Buffer.from("world")]));
      assert.equal(info.size, 11);
      assert.match(info.id, /^[0-9a-f]{32}$/);
      assert.equal(await text(blobs.read(info.id)), "hello world");
      assert.equal(await text(blobs.read(info.id, { start: 6, end: 10 })), "world");
      assert.deepEqual(await blobs.list(), [info.id]);
      await blobs.delete(info.id);
      await blobs.delete(info.id);
      assert.deepEqual(await blobs.list(), []);
    });

    it("leaves nothing behind when the source fails", async () => {
      async function* failing(): AsyncGenerator<Buffer> {
        yield Buffer.from("partial");
        throw new Error("client went away");
      }
      await assert.rejects(blobs.write(failing()), /client went away/);
      assert.deepEqual(await blobs.list(), []);
      if (kind === "disk") assert.deepEqual(await readdir(join(dir, "tmp")), []);
    });

    it("clears everything", async () => {
      await blobs.write(Readable.from([Buffer.from("x")]));
      await blobs.clear();
      assert.deepEqual(await blobs.list(), []);
    });
  });
}

describe("disk blob store", () => {
  it("sweeps temp files left by a crash, and refuses ids that are not its own", async () => {
    const dir = await mkdtemp(join(tmpdir(), "nimbus-blobs-"));
    try {
      await mkdir(join(dir, "tmp"), { recursive: true });
      await writeFile(join(dir, "tmp", "0123"), "half a body");
      const blobs = await openDiskBlobStore(dir);
      assert.deepEqual(await readdir(join(dir, "tmp")), []);
      assert.throws(() => blobs.read("../../etc/passwd"), /invalid blob id/);
      await assert.rejects(blobs.delete("../x"), /invalid blob id/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
