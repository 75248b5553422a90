/**
 * One contract suite, run against LMDB on disk and the in-memory store, so
 * `--in-memory` behaves exactly as a data dir does.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { prefixRange } from "../../src/storage/index.js";
import { openLmdbEnvironment } from "../../src/storage/lmdb.js";
import { openMemoryEnvironment } from "../../src/storage/memory-kv.js";
import type { Key, KvEnvironment } from "../../src/storage/types.js";

const keysOf = (entries: Iterable<{ key: Key }>) => [...entries].map((e) => e.key);

for (const kind of ["lmdb", "memory"] as const) {
  describe(`KvStore contract: ${kind}`, () => {
    let dir: string;
    let env: KvEnvironment;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), "nimbus-kv-"));
      env = kind === "lmdb" ? openLmdbEnvironment(dir) : openMemoryEnvironment();
    });
    after(async () => {
      await env.close();
      await rm(dir, { recursive: true, force: true });
    });

    it("orders strings by UTF-8 bytes and arrays element by element", async () => {
      const store = env.store<number>("order");
      const keys: Key[] = [["b", "😀"], ["b", "\uffff"], ["b", "a"], ["b", ""], ["a", "z"], ["b", "a/b"], ["b", "a b"], ["ab", "a"], ["b", "A"]];
      await store.transaction((tx) => keys.forEach((k, i) => tx.put(k, i)));
      assert.deepEqual(keysOf(store.range()), [["a", "z"], ["ab", "a"], ["b", ""], ["b", "A"], ["b", "a"], ["b", "a b"], ["b", "a/b"], ["b", "\uffff"], ["b", "😀"]]);
      assert.deepEqual(keysOf(store.range({ ...prefixRange(["b"]), reverse: true, limit: 2 })), [["b", "😀"], ["b", "\uffff"]]);
      assert.deepEqual(keysOf(store.range(prefixRange(["a"]))), [["a", "z"]]);
      assert.deepEqual(keysOf(store.range({ start: ["b", "a"], end: ["b", "a/b"] })), [["b", "a"], ["b", "a b"]]);
      assert.deepEqual(keysOf(store.range({ start: ["b", "a"], end: ["b", "a/b"], reverse: true })), [["b", "a b"], ["b", "a"]]);
    });

    it("orders numbers numerically inside arrays", async () => {
      const store = env.store<string>("numbers");
      await store.transaction((tx) => [10, 2, 1, 100].forEach((n) => tx.put(["u", n], `p${n}`)));
      assert.deepEqual(keysOf(store.range({ start: ["u", 2], end: prefixRange(["u"]).end })), [["u", 2], ["u", 10], ["u", 100]]);
    });

    it("commits all or nothing, and reads its own writes", async () => {
      const store = env.store<{ n: number; data?: Buffer }>("tx");
      const seen = await store.transaction((tx) => {
        tx.put("x", { n: 1, data: Buffer.from("bytes") });
        return tx.get("x")?.n;
      });
      assert.equal(seen, 1);
      assert.ok(Buffer.isBuffer(store.get("x")?.data));
      assert.equal(store.get("x")?.data?.toString(), "bytes");
      await assert.rejects(
        store.transaction((tx) => {
          tx.put("y", { n: 2 });
          tx.remove("x");
          throw new Error("boom");
        }),
        /boom/,
      );
      assert.equal(store.get("y"), undefined);
      assert.equal(store.get("x")?.n, 1);
    });

    it("commits writes to several stores at once, or none of them", async () => {
      await env.transaction((tx) => {
        tx.store<string>("left").put("k", "l");
        tx.store<string>("right").put("k", "r");
        assert.equal(tx.store<string>("left").get("k"), "l");
      });
      assert.equal(env.store<string>("left").get("k"), "l");
      assert.equal(env.store<string>("right").get("k"), "r");
      await assert.rejects(
        env.transaction((tx) => {
          tx.store<string>("left").remove("k");
          tx.store<string>("right").put("k", "changed");
          throw new Error("abort");
        }),
        /abort/,
      );
      assert.equal(env.store<string>("left").get("k"), "l");
      assert.equal(env.store<string>("right").get("k"), "r");
    });

    it("lists only what callers stored", async () => {
      const store = env.store<{ a: number; b: string }>("records");
      await store.transaction((tx) => {
        tx.put(["r", "1"], { a: 1, b: "x" });
        tx.put(["r", "2"], { a: 2, b: "y" });
      });
      assert.deepEqual(keysOf(store.range()), [["r", "1"], ["r", "2"]]);
      assert.deepEqual(keysOf(store.range({ reverse: true })), [["r", "2"], ["r", "1"]]);
      assert.deepEqual(keysOf(store.range({ limit: 1 })), [["r", "1"]]);
    });

    it("hands out copies", async () => {
      const store = env.store<{ list: number[] }>("copies");
      await store.transaction((tx) => tx.put("k", { list: [1] }));
      store.get("k")!.list.push(2);
      assert.deepEqual(store.get("k"), { list: [1] });
    });

    it("clears every store", async () => {
      await env.clear();
      assert.deepEqual(keysOf(env.store("order").range()), []);
      assert.equal(env.store("tx").get("x"), undefined);
    });
  });
}

describe("LMDB persistence", () => {
  it("keeps committed data across close and reopen", async () => {
    const dir = await mkdtemp(join(tmpdir(), "nimbus-kv-"));
    try {
      const first = openLmdbEnvironment(dir);
      await first.store<string>("s").transaction((tx) => tx.put(["k", "é"], "v"));
      await first.close();
      const second = openLmdbEnvironment(dir);
      assert.equal(second.store<string>("s").get(["k", "é"]), "v");
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
