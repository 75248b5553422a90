/** openStorage: what the server gets, on disk and in memory. */
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { after, before, describe, it } from "node:test";
import { openStorage } from "../../src/storage/index.js";

describe("openStorage", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "nimbus-storage-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps metadata under meta/ and bodies under blobs/ of a new data dir, across restarts", async () => {
    const dataDir = join(dir, "data", "nested");
    const first = await openStorage({ dataDir, inMemory: false });
    const blob = await first.blobs.write(Readable.from([Buffer.from("body")]));
    await first.kv.store<string>("s").transaction((tx) => tx.put(["k"], blob.id));
    await first.close();
    assert.deepEqual((await readdir(dataDir)).sort(), ["blobs", "meta"]);

    const second = await openStorage({ dataDir, inMemory: false });
    const id = second.kv.store<string>("s").get(["k"]);
    assert.equal(id, blob.id);
    assert.equal(await text(second.blobs.read(blob.id)), "body");
    await second.clear();
    assert.equal(second.kv.store("s").get(["k"]), undefined);
    assert.deepEqual(await second.blobs.list(), []);
    await second.close();
  });

  it("touches no disk in memory", async () => {
    const dataDir = join(dir, "unused");
    const storage = await openStorage({ dataDir, inMemory: true });
    await storage.kv.store<number>("s").transaction((tx) => tx.put("n", 1));
    const blob = await storage.blobs.write(Readable.from([Buffer.from("b")]));
    await storage.clear();
    assert.equal(storage.kv.store("s").get("n"), undefined);
    assert.deepEqual(await storage.blobs.list(), []);
    await assert.rejects(text(storage.blobs.read(blob.id)), { code: "ENOENT" });
    await storage.close();
    await assert.rejects(readdir(dataDir), { code: "ENOENT" });
  });
});
