/** The blob store contract, on disk and in memory. */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { buffer, text } from "node:stream/consumers";
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

    /** Nothing half-written may remain: no listed blob, no temp file. */
    async function assertNothingLeft(): Promise<void> {
      assert.deepEqual(await blobs.list(), []);
      if (kind === "disk") assert.deepEqual(await readdir(join(dir, "tmp")), []);
    }

    it("writes, reads whole and ranged, lists and deletes", async () => {
      const info = await blobs.write(Readable.from([Buffer.from("hello "), Buffer.from("world")]));
      assert.equal(info.size, 11);
      assert.match(info.id, /^[0-9a-f]{32}$/);
      assert.equal(await text(blobs.read(info.id)), "hello world");
      assert.equal(await text(blobs.read(info.id, { start: 6, end: 10 })), "world");
      assert.equal(await text(blobs.read(info.id, { start: 0, end: 0 })), "h");
      assert.deepEqual(await blobs.list(), [info.id]);
      await blobs.delete(info.id);
      await blobs.delete(info.id);
      await assertNothingLeft();
    });

    it("streams a large body from an async iterable, byte for byte", async () => {
      const body = randomBytes(5 * 1024 * 1024 + 17);
      async function* chunks(): AsyncGenerator<Buffer> {
        for (let offset = 0, size = 1; offset < body.length; offset += size, size = (size * 7) % 300_000 || 1) {
          yield body.subarray(offset, offset + size);
        }
      }
      const info = await blobs.write(chunks());
      assert.equal(info.size, body.length);
      assert.ok((await buffer(blobs.read(info.id))).equals(body));
      const tail = { start: body.length - 1_500_000, end: body.length - 1 };
      assert.ok((await buffer(blobs.read(info.id, tail))).equals(body.subarray(tail.start)));
      await blobs.delete(info.id);
    });

    it("stores an empty body", async () => {
      const info = await blobs.write(Readable.from([]));
      assert.equal(info.size, 0);
      assert.equal((await buffer(blobs.read(info.id))).length, 0);
      await blobs.delete(info.id);
    });

    it("keeps concurrent writes apart", async () => {
      const bodies = Array.from({ length: 20 }, (_, i) => Buffer.from(`body ${i} `.repeat(i + 1)));
      const infos = await Promise.all(bodies.map((b) => blobs.write(Readable.from([b]))));
      assert.equal(new Set(infos.map((i) => i.id)).size, bodies.length);
      assert.deepEqual((await blobs.list()).sort(), infos.map((i) => i.id).sort());
      for (const [n, info] of infos.entries()) assert.ok((await buffer(blobs.read(info.id))).equals(bodies[n]));
      await blobs.clear();
    });

    it("leaves nothing behind when the source fails", async () => {
      async function* failing(): AsyncGenerator<Buffer> {
        yield Buffer.from("partial");
        throw new Error("client went away");
      }
      await assert.rejects(blobs.write(failing()), /client went away/);
      await assertNothingLeft();
    });

    it("leaves nothing behind when the source is destroyed mid-way", async () => {
      const source = new Readable({ read() {} });
      source.push(Buffer.alloc(64 * 1024, 1));
      setImmediate(() => source.destroy());
      await assert.rejects(blobs.write(source), { code: "ERR_STREAM_PREMATURE_CLOSE" });
      await assertNothingLeft();
    });

    it("reports a missing blob as an ENOENT error on the stream", async () => {
      await assert.rejects(text(blobs.read("0".repeat(32))), { code: "ENOENT" });
    });

    it("refuses ids that are not its own", async () => {
      for (const id of ["../../etc/passwd", "../x", "", "A".repeat(32), `${"0".repeat(30)}/x`, "0".repeat(33)]) {
        assert.throws(() => blobs.read(id), /invalid blob id/);
        await assert.rejects(blobs.delete(id), /invalid blob id/);
      }
    });

    it("clears everything, and writes again after", async () => {
      await blobs.write(Readable.from([Buffer.from("x")]));
      await blobs.clear();
      assert.deepEqual(await blobs.list(), []);
      const info = await blobs.write(Readable.from([Buffer.from("again")]));
      assert.equal(await text(blobs.read(info.id)), "again");
      await blobs.clear();
    });
  });
}

describe("disk blob store", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "nimbus-blobs-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("sweeps temp files left by a crash", async () => {
    await mkdir(join(dir, "tmp", "nested"), { recursive: true });
    await writeFile(join(dir, "tmp", "0123"), "half a body");
    await writeFile(join(dir, "tmp", "nested", "x"), "junk");
    await openDiskBlobStore(dir);
    assert.deepEqual(await readdir(join(dir, "tmp")), []);
  });

  it("files each blob under the first two characters of its id, and keeps it across reopening", async () => {
    const first = await openDiskBlobStore(dir);
    const info = await first.write(Readable.from([Buffer.from("kept")]));
    assert.equal((await stat(join(dir, info.id.slice(0, 2), info.id))).size, 4);
    await first.close();
    const second = await openDiskBlobStore(dir);
    assert.deepEqual(await second.list(), [info.id]);
    assert.equal(await text(second.read(info.id)), "kept");
  });

  it("lists only its own files", async () => {
    await mkdir(join(dir, "zz"), { recursive: true });
    await writeFile(join(dir, "zz", "not-a-blob"), "");
    await writeFile(join(dir, "stray"), "");
    const blobs = await openDiskBlobStore(dir);
    assert.ok((await blobs.list()).every((id) => /^[0-9a-f]{32}$/.test(id)));
  });
});
