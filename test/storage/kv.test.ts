/**
 * One contract suite, run against LMDB on disk and the in-memory store, so
 * `--in-memory` behaves exactly as a data dir does.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
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

    it("counts a store's committed writing transactions in its generation", async () => {
      const store = env.store<number>("generations");
      const other = env.store<number>("generations-other");
      const before = store.generation;
      await store.transaction((tx) => tx.put("a", 1));
      assert.ok(store.generation > before, "a write commits a new generation");
      const afterWrite = store.generation;
      await store.transaction((tx) => tx.get("a"));
      assert.equal(store.generation, afterWrite, "a transaction that only reads leaves it");
      await assert.rejects(store.transaction(() => {
        throw new Error("abandoned");
      }));
      assert.equal(store.generation, afterWrite, "a transaction that throws leaves it");
      const otherBefore = other.generation;
      await env.transaction((tx) => tx.store<number>("generations").remove("a"));
      assert.ok(store.generation > afterWrite, "a cross-store transaction counts for the stores it wrote");
      assert.equal(other.generation, otherBefore, "and only for those");
    });

    it("counts a store's writing transactions in its writes as each applies them, before a later one reads", async () => {
      const store = env.store<number>("writes");
      const other = env.store<number>("writes-other");
      const before = store.writes;
      // Queued together, as an LMDB batch commits them: the second runs after the first applied its writes.
      const seen: number[] = [];
      await Promise.all([
        store.transaction((tx) => tx.put("a", 1)),
        store.transaction((tx) => {
          seen.push(store.writes, tx.get("a")!);
        }),
      ]);
      assert.deepEqual(seen, [before + 1, 1], "the second transaction sees the first's write and its count together");
      assert.equal(store.writes, before + 1, "a transaction that only reads leaves it");
      await assert.rejects(store.transaction((tx) => {
        tx.put("b", 2);
        throw new Error("abandoned");
      }));
      assert.equal(store.writes, before + 1, "a transaction that throws applies nothing and leaves it");
      const otherBefore = other.writes;
      await env.transaction((tx) => {
        tx.store<number>("writes").remove("a");
        assert.equal(tx.store<number>("writes").size, 1, "the transaction holds its write");
      });
      assert.equal(store.writes, before + 2, "a cross-store transaction counts for the stores it wrote");
      assert.equal(other.writes, otherBefore, "and only for those");
    });
    it("orders a key before its extensions, and numbers before strings", async () => {
      const store = env.store<number>("extensions");
      const sorted: Key[] = [[-2.5, "x"], [-1], [0], [1.5], [2], [10, "a"], ["a"], ["a", -1], ["a", 1], ["a", ""], ["a", "b"], ["a", "b", "c"], ["a\u0000"], ["a\u0001"], ["ab"], ["é"], ["\uffff"], ["😀"]];
      await store.transaction((tx) => [...sorted].reverse().forEach((k, i) => tx.put(k, i)));
      // A one-element array is the same key as its element, and comes back bare.
      assert.deepEqual(keysOf(store.range()), sorted.map((k) => (Array.isArray(k) && k.length === 1 ? k[0] : k)));
      assert.equal(store.get("a"), store.get(["a"]));
    });

    it("orders and tells apart long strings holding U+0000..U+0004 as short ones", async () => {
      const store = env.store<number>("low-characters");
      const long = "A".repeat(70);
      // In UTF-8 byte order, a string before its extensions, element by element.
      const sorted: Key[] = [
        ["p", long],
        ["p", long, "z"],
        ["p", `${long}\u0000`],
        ["p", `${long}\u0000b`],
        ["p", `${long}\u0001`],
        ["p", `${long}\u0004\u0004`],
        ["p", `${long}\u0005`],
        ["p", `${long}b`],
        ["p", `\u0000${long}`.slice(0, 66)],
        ["q", "a\u0000"],
        ["q", `a\u0003${"\u0003".repeat(70)}`],
      ];
      await store.transaction((tx) => [...sorted].reverse().forEach((k, i) => tx.put(k, i)));
      assert.deepEqual(keysOf(store.range()), [...sorted.slice(8, 9), ...sorted.slice(0, 8), ...sorted.slice(9)]);
      assert.equal(store.get(["p", long]), sorted.length - 1);
      assert.equal(store.get(["p", `${long}\u0000b`]), sorted.length - 4);
      assert.deepEqual(keysOf(store.range(prefixRange(["p", `${long}\u0000`]))), [["p", `${long}\u0000`]]);
      assert.deepEqual(keysOf(store.range({ start: ["p", `${long}\u0000`], end: ["p", `${long}\u0005`] })), sorted.slice(2, 6));
      // A key read back and written again lands on itself.
      const [first] = keysOf(store.range({ start: ["p", `${long}\u0000b`], limit: 1 }));
      await store.transaction((tx) => tx.put(first!, 99));
      assert.equal(store.get(["p", `${long}\u0000b`]), 99);
      assert.equal(keysOf(store.range()).length, sorted.length);
    });

    it("bounds a prefix past every extension, however long its last element", async () => {
      const store = env.store<number>("prefixes");
      const long = "b".repeat(63); // a bucket name at S3's maximum length
      const longer = "c".repeat(200);
      const inside: [prefix: (string | number)[], keys: Key[]][] = [
        [["p"], [["p"], ["p", ""], ["p", "\u0000"], ["p", 5], ["p", "x", "y"], ["p", "\uffff"], ["p", "😀"], ["p", "😀😀😀"]]],
        [[long], [[long], [long, ""], [long, "x"], [long, "😀"]]],
        [[longer], [[longer, 1], [longer, "z"]]],
        [[7], [[7], [7, "a"], [7, 8]]],
        [["p", "x"], [["p", "x", "y"]]],
      ];
      const outside: Key[] = [["o"], ["p\u0000"], ["p\u0001"], ["pa"], ["q"], [`${long}c`], [`${long}\uffff`], [`${longer}c`], [6], [7.5], [8]];
      await store.transaction((tx) => [...inside.flatMap(([, keys]) => keys), ...outside].forEach((k, i) => tx.put(k, i)));
      const bare = (k: Key) => (Array.isArray(k) && k.length === 1 ? k[0] : k);
      for (const [prefix, keys] of inside) {
        const found = keysOf(store.range(prefixRange(prefix)));
        assert.deepEqual(new Set(found.map((k) => JSON.stringify(k))), new Set(keys.map((k) => JSON.stringify(bare(k)))), `prefix ${JSON.stringify(prefix)}`);
        assert.deepEqual(keysOf(store.range({ ...prefixRange(prefix), reverse: true })), [...found].reverse());
      }
      assert.throws(() => prefixRange([]), /at least one element/);
    });

    it("reads [start, end), forwards or backwards, up to a limit", async () => {
      const store = env.store<number>("bounds");
      await store.transaction((tx) => ["a", "b", "c", "d", "e"].forEach((k, i) => tx.put(["r", k], i)));
      const names = (options: Parameters<typeof store.range>[0]) => keysOf(store.range(options)).map((k) => (k as string[])[1]);
      assert.deepEqual(names({ start: ["r", "b"], end: ["r", "d"] }), ["b", "c"]);
      assert.deepEqual(names({ start: ["r", "b"], end: ["r", "d"], reverse: true }), ["c", "b"]);
      assert.deepEqual(names({ start: ["r", "bb"], end: ["r", "cc"], reverse: true }), ["c"]);
      assert.deepEqual(names({ end: ["r", "c"], reverse: true, limit: 1 }), ["b"]);
      assert.deepEqual(names({ start: ["r", "c"], reverse: true }), ["e", "d", "c"]);
      assert.deepEqual(names({ start: ["r", "c"], limit: 2 }), ["c", "d"]);
      assert.deepEqual(names({ start: ["r", "c"], end: ["r", "c"] }), []);
      assert.deepEqual(names({ start: ["r", "d"], end: ["r", "b"] }), []);
      assert.deepEqual(names({ limit: 0 }), []);
    });

    it("keeps reading what it started with while commits land", async () => {
      const store = env.store<number>("snapshot");
      await store.transaction((tx) => [1, 2, 3].forEach((n) => tx.put(n, n)));
      const seen: number[] = [];
      for (const { key } of store.range()) {
        seen.push(key as number);
        if (key === 1) await store.transaction((tx) => { tx.remove(2); tx.put(4, 4); });
      }
      // LMDB's read transaction ends with the iteration; what it may show of
      // a commit made mid-way differs, but never a key twice or out of order.
      assert.deepEqual(seen, [...new Set(seen)].sort());
      assert.deepEqual(keysOf(store.range()), [1, 3, 4]);
    });

    it("reads one snapshot through a range once its first entry is read, however many commits land before its end", async () => {
      // DynamoDB's backups and restores copy a table from one range iteration, a batch per transaction, on this.
      const store = env.store<number>("held-snapshot");
      await store.transaction((tx) => Array.from({ length: 2000 }, (_, i) => tx.put(i, 0)));
      const entries = store.range()[Symbol.iterator]();
      const seen = [entries.next().value];
      await store.transaction((tx) => Array.from({ length: 2000 }, (_, i) => tx.put(i, 1)));
      await new Promise((resolve) => setTimeout(resolve, 5));
      for (let next = entries.next(), n = 1; !next.done; next = entries.next(), n++) {
        seen.push(next.value);
        if (n % 500 === 0) {
          await store.transaction((tx) => {
            tx.remove(n + 1);
            tx.put(5000 + n, 1);
          });
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      }
      assert.deepEqual(
        seen.map((e) => e && [e.key, e.value]),
        Array.from({ length: 2000 }, (_, i) => [i, 0]),
      );
      // The commits did land: three keys removed, three added, all rewritten to 1.
      assert.deepEqual([...store.range()].filter((e) => e.value !== 1), []);
      assert.equal(store.get(501), undefined);
      assert.equal(store.get(5500), 1);
    });

    it("stores Buffers, byte arrays and Dates as LMDB's msgpack does", async () => {
      const store = env.store<{ b: Buffer; u: Uint8Array; d: Date; gone?: undefined; nested: { list: unknown[] } }>("values");
      await store.transaction((tx) => tx.put("v", { b: Buffer.from("bin"), u: new Uint8Array([1, 2]), d: new Date(5), gone: undefined, nested: { list: [null, true, 1.5, "s"] } }));
      const value = store.get("v");
      assert.ok(value);
      assert.ok(Buffer.isBuffer(value.b) && Buffer.isBuffer(value.u));
      assert.deepEqual([...value.u], [1, 2]);
      assert.equal(value.b.toString(), "bin");
      assert.ok(value.d instanceof Date && value.d.getTime() === 5);
      assert.ok("gone" in value);
      assert.deepEqual(value.nested, { list: [null, true, 1.5, "s"] });
    });

    it("sees its own removes, and a later transaction sees the commit", async () => {
      const store = env.store<string>("own");
      await store.transaction((tx) => tx.put("k", "v"));
      const inside = await store.transaction((tx) => {
        tx.remove("k");
        const afterRemove = tx.get("k");
        tx.put("k", "w");
        return [afterRemove, tx.get("k")];
      });
      assert.deepEqual(inside, [undefined, "w"]);
      assert.equal(await store.transaction((tx) => tx.get("k")), "w");
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

    it("refuses a key over LMDB's size limit, and lands nothing of that transaction", async () => {
      const store = env.store<number>("big");
      await assert.rejects(
        store.transaction((tx) => {
          tx.put("small", 1);
          tx.put(["b", "é".repeat(1000)], 2);
        }),
        /over the 1978-byte limit/,
      );
      assert.equal(store.get("small"), undefined);
      await store.transaction((tx) => tx.put(["b", "x".repeat(1970)], 3));
      assert.equal(store.get(["b", "x".repeat(1970)]), 3);
      // Past ordered-binary's 8 KB buffer as well.
      await assert.rejects(store.transaction((tx) => tx.put(["b", "x".repeat(9000)], 4)), /over the 1978-byte limit/);
    });

    it("finds nothing under a key too long to store, outside and inside a transaction", async () => {
      const store = env.store<number>("long-reads");
      await store.transaction((tx) => tx.put("k", 1));
      for (const key of [["b", "é".repeat(1000)], "x".repeat(9000), ["x".repeat(5000), "y".repeat(5000)]] as Key[]) {
        assert.equal(store.get(key), undefined);
        const seen = await store.transaction((tx) => {
          const before = tx.get(key);
          tx.put("k", 2);
          tx.remove(key);
          return [before, tx.get(key)];
        });
        assert.deepEqual(seen, [undefined, undefined]);
      }
      assert.equal(store.get("k"), 2);
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
  it("keeps committed data across close and reopen, after a clear too", async () => {
    const dir = await mkdtemp(join(tmpdir(), "nimbus-kv-"));
    try {
      const first = openLmdbEnvironment(dir);
      const records = first.store<{ name: string; size: number }>("records");
      await records.transaction((tx) => tx.put(["k", "é"], { name: "before", size: 1 }));
      await first.clear();
      // Same shape as before the clear, and a new one: msgpack's shared
      // record structures must still decode after reopening.
      await records.transaction((tx) => tx.put(["k", "😀"], { name: "after", size: 2 }));
      await first.transaction((tx) => tx.store<{ other: boolean }>("others").put(1, { other: true }));
      await first.close();
      const second = openLmdbEnvironment(dir);
      assert.equal(second.store("records").get(["k", "é"]), undefined);
      assert.deepEqual(second.store("records").get(["k", "😀"]), { name: "after", size: 2 });
      assert.deepEqual(second.store("others").get(1), { other: true });
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("moves a store's writes on again when the commit that applied its writes fails", { skip: process.platform === "win32" }, async () => {
    // A transaction later in a batch reads what one before it applied (the
    // DynamoDB writer keeps table records read so while `writes` stands); a
    // failed commit takes that back. The commit is made to fail by a file
    // size limit the batch's last write runs past, in a process of its own.
    const dir = await mkdtemp(join(tmpdir(), "nimbus-kv-"));
    const lmdb = fileURLToPath(new URL("../../src/storage/lmdb.ts", import.meta.url));
    const child = `
      process.on("unhandledRejection", () => {}); // lmdb rejects the commit's own error too: this process outlives it
      const { openLmdbEnvironment } = await import(${JSON.stringify(lmdb)});
      const env = openLmdbEnvironment(${JSON.stringify(dir)});
      const store = env.store("s");
      await store.transaction((tx) => tx.put("a", 0));
      let seen;
      const settled = await Promise.allSettled([
        env.transaction((tx) => tx.store("s").put("a", 1)),
        store.transaction((tx) => { seen = [store.writes, tx.get("a")]; }),
        env.store("big").transaction((tx) => tx.put("x", Buffer.alloc(8 << 20))),
      ]);
      console.log(JSON.stringify({ settled: settled.map((s) => s.status), seen, writes: store.writes, a: store.get("a") }));`;
    try {
      const run = spawnSync("/bin/sh", ["-c", 'ulimit -f 4096 && exec "$0" --import tsx --input-type=module -e "$1"', process.execPath, child], { encoding: "utf8" });
      const out = JSON.parse(run.stdout.trim().split("\n").pop() ?? "null") as { settled: string[]; seen: [number, number]; writes: number; a: number } | null;
      assert.ok(out, `the child printed nothing: ${run.stderr}`);
      assert.deepEqual(out.settled, ["rejected", "rejected", "rejected"], "the batch's commit failed");
      assert.equal(out.seen[1], 1, "the second transaction read the first's write");
      assert.equal(out.a, 0, "which the failed commit took back");
      assert.notEqual(out.writes, out.seen[0], "so the count it read at stands no more");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
