/**
 * Last use of access keys: kept in memory on every request, written to
 * storage at most once per key per minute and on close.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ACCESS_KEY_USAGE_STORE, KeyUsage, PERSIST_INTERVAL_MS, type KeyUseRecord } from "../../src/auth/key-usage.js";
import { ACCESS_KEYS_STORE, type AccessKeyRecord } from "../../src/auth/stored-keys.js";
import { openMemoryEnvironment } from "../../src/storage/memory-kv.js";

const KEY = "AKIAEXAMPLEKEY000001";

async function setup() {
  const kv = openMemoryEnvironment();
  const record: AccessKeyRecord = {
    accessKeyId: KEY,
    secretAccessKey: "s",
    status: "Active",
    createdAt: 0,
    userName: "u",
    principal: { type: "user", accountId: "000000000000", arn: "arn:aws:iam::000000000000:user/u", userId: "AIDAEXAMPLE" },
  };
  await kv.store<AccessKeyRecord>(ACCESS_KEYS_STORE).transaction((tx) => tx.put(KEY, record));
  let clock = 1_700_000_000_000;
  const usage = new KeyUsage(kv, () => clock);
  const stored = kv.store<KeyUseRecord>(ACCESS_KEY_USAGE_STORE);
  return { kv, usage, stored, tick: (ms: number) => (clock += ms), at: () => clock };
}

/** Lets the write the first use scheduled (a zero-delay timer) run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe("access key last use", () => {
  it("answers the latest use from memory, and writes the first use of a key at once", async () => {
    const { usage, stored, at, kv } = await setup();
    usage.note(KEY, "s3", "eu-west-1", at());
    assert.deepEqual(usage.lastUsed(KEY), { lastUsedAt: at(), serviceName: "s3", region: "eu-west-1" });
    await settle();
    assert.deepEqual(stored.get(KEY), { lastUsedAt: at(), serviceName: "s3", region: "eu-west-1" });
    await usage.close();
    await kv.close();
  });

  it("writes at most once per key per minute however many requests come, and the rest on close", async () => {
    const { usage, stored, tick, at, kv } = await setup();
    usage.note(KEY, "s3", "us-east-1", at());
    await settle();
    const generation = stored.generation;
    for (let i = 0; i < 10_000; i++) usage.note(KEY, "s3", "us-east-1", tick(1));
    usage.note(KEY, "iam", "eu-west-1", tick(1));
    await settle();
    assert.equal(stored.generation, generation, "no write within the minute");
    assert.equal(stored.get(KEY)?.serviceName, "s3");
    // IAM is global: AWS reports its use in us-east-1.
    assert.deepEqual(usage.lastUsed(KEY), { lastUsedAt: at(), serviceName: "iam", region: "us-east-1" });

    tick(PERSIST_INTERVAL_MS);
    usage.note(KEY, "sts", "", at());
    await settle();
    assert.equal(stored.generation, generation + 1, "one write once the minute passed");
    assert.deepEqual(stored.get(KEY), { lastUsedAt: at(), serviceName: "sts", region: "us-east-1" });

    usage.note(KEY, "dynamodb", "ap-south-1", tick(5));
    await usage.close();
    assert.deepEqual(stored.get(KEY), { lastUsedAt: at(), serviceName: "dynamodb", region: "ap-south-1" });
    await kv.close();
  });

  it("ignores keys that are not IAM users' (the root's, temporary ones) and keys deleted meanwhile", async () => {
    const { usage, stored, at, kv } = await setup();
    usage.note("test", "s3", "us-east-1", at());
    usage.note("ASIAEXAMPLETEMPORARY", "s3", "us-east-1", at());
    usage.note("AKIADELETEDKEY000000", "s3", "us-east-1", at());
    await usage.close();
    assert.equal(usage.lastUsed("test"), undefined);
    assert.equal(usage.lastUsed("ASIAEXAMPLETEMPORARY"), undefined);
    assert.equal(stored.get("AKIADELETEDKEY000000"), undefined);
    await kv.close();
  });
});
