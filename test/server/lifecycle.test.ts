import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { get as httpGet, request as httpRequest } from "node:http";
import { describe, it } from "node:test";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { CreateBucketCommand, GetObjectCommand, ListBucketsCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { BatchWriteItemCommand, CreateTableCommand, DeleteTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { start } from "../../src/index.js";
import { join } from "node:path";
import { clientConfig, rejectsWith, ROOT, spawnCloud, startCloud, tempDir } from "../support/nimbus.js";
import { runTool } from "../support/tools.js";

/** Runs `fn` over a fresh data dir, removed afterwards whatever happens. */
async function withDataDir(fn: (dataDir: string) => Promise<void>): Promise<void> {
  const dataDir = await tempDir();
  try {
    await fn(dataDir);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

describe("server lifecycle", () => {
  it("answers health with version, uptime and services", async () => {
    const t = await startCloud();
    try {
      const response = await fetch(`${t.cloud.endpoint}/_nimbus/health`);
      assert.equal(response.status, 200);
      const health = (await response.json()) as { version: string; uptimeSeconds: number; services: Record<string, string> };
      assert.match(health.version, /^\d+\.\d+\.\d+/);
      assert.equal(typeof health.uptimeSeconds, "number");
      assert.equal(health.services.s3, "available");
      await t.s3().send(new ListBucketsCommand({}));
      const after = (await (await fetch(`${t.cloud.endpoint}/_nimbus/health`)).json()) as { services: Record<string, string> };
      assert.equal(after.services.s3, "running");
    } finally {
      await t.stop();
    }
  });

  it("wipes all state on reset", async () => {
    const t = await startCloud();
    try {
      const s3 = t.s3();
      await s3.send(new CreateBucketCommand({ Bucket: "reset-me" }));
      const response = await fetch(`${t.cloud.endpoint}/_nimbus/reset`, { method: "POST" });
      assert.equal(response.status, 200);
      const list = await s3.send(new ListBucketsCommand({}));
      assert.deepEqual(list.Buckets ?? [], []);
    } finally {
      await t.stop();
    }
  });

  it("keeps two in-process instances isolated", async () => {
    const a = await start({ port: 0, inMemory: true });
    const b = await start({ port: 0, inMemory: true });
    try {
      assert.notEqual(a.endpoint, b.endpoint);
      const s3a = new S3Client(a.clientConfig);
      const s3b = new S3Client(b.clientConfig);
      await s3a.send(new CreateBucketCommand({ Bucket: "only-in-a" }));
      const listB = await s3b.send(new ListBucketsCommand({}));
      assert.deepEqual(listB.Buckets ?? [], []);
      s3a.destroy();
      s3b.destroy();
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it("restores everything after a restart on the same data dir", () =>
    withDataDir(async (dataDir) => {
      const first = await start({ port: 0, dataDir });
      const s3 = new S3Client(first.clientConfig);
      await s3.send(new CreateBucketCommand({ Bucket: "durable" }));
      await s3.send(new PutObjectCommand({ Bucket: "durable", Key: "k", Body: "survives", Metadata: { m: "v" } }));
      s3.destroy();
      await first.stop();

      const second = await start({ port: 0, dataDir });
      const again = new S3Client(second.clientConfig);
      const got = await again.send(new GetObjectCommand({ Bucket: "durable", Key: "k" }));
      assert.equal(await got.Body?.transformToString(), "survives");
      assert.deepEqual(got.Metadata, { m: "v" });
      again.destroy();
      await second.stop();
    }));

  it("prints one ready line and exits 0 on SIGTERM after finishing", () =>
    withDataDir(async (dataDir) => {
      const child = await spawnCloud(["--data-dir", dataDir]);
      assert.match(child.output(), /^Nimbus \S+ ready on http:\/\/127\.0\.0\.1:\d+/m);
      const s3 = new S3Client(clientConfig(child.endpoint));
      await s3.send(new CreateBucketCommand({ Bucket: "before-stop" }));
      s3.destroy();
      const exited = new Promise<number | null>((resolve) => child.process.once("exit", resolve));
      child.process.kill("SIGTERM");
      assert.equal(await exited, 0);
    }));

  it("delivers the whole of a large GET still streaming to a slow reader when told to stop", () =>
    withDataDir(async (dataDir) => {
      const child = await spawnCloud(["--data-dir", dataDir]);
      const s3 = new S3Client(clientConfig(child.endpoint));
      const body = Buffer.alloc(16 * 1024 * 1024, 7);
      await s3.send(new CreateBucketCommand({ Bucket: "slow-reader" }));
      await s3.send(new PutObjectCommand({ Bucket: "slow-reader", Key: "big", Body: body }));
      const getUrl = await getSignedUrl(s3, new GetObjectCommand({ Bucket: "slow-reader", Key: "big" }));
      const putUrl = await getSignedUrl(s3, new PutObjectCommand({ Bucket: "slow-reader", Key: "slow-put" }));
      // A reader that pauses after each chunk: the server's last bytes queue behind its end while the stop comes.
      const received = new Promise<number>((resolve, reject) => {
        httpGet(getUrl, (res) => {
          let bytes = 0;
          res.on("data", (chunk: Buffer) => {
            bytes += chunk.length;
            res.pause();
            setTimeout(() => res.resume(), 20);
          });
          res.on("end", () => resolve(bytes));
          res.on("aborted", () => resolve(bytes));
          res.on("error", reject);
        }).on("error", reject);
      });
      // A PUT still sending keeps the stop waiting, its sweep of idle connections running all the while.
      const putBody = Buffer.alloc(4 * 1024 * 1024, 1);
      const put = new Promise<number>((resolve, reject) => {
        const req = httpRequest(putUrl, { method: "PUT", headers: { "content-length": putBody.length } }, (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        });
        req.on("error", reject);
        void (async () => {
          for (let at = 0; at < putBody.length; at += 256 * 1024) {
            req.write(putBody.subarray(at, at + 256 * 1024));
            await new Promise((r) => setTimeout(r, 100));
          }
          req.end();
        })();
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      const exited = new Promise<number | null>((resolve) => child.process.once("exit", resolve));
      child.process.kill("SIGTERM");
      assert.equal(await received, body.length);
      assert.equal(await put, 200);
      assert.equal(await exited, 0);
      s3.destroy();
    }));

  it("finishes a request whose client hung up before it closes storage, and exits 0", () =>
    withDataDir(async (dataDir) => {
      const child = await spawnCloud(["--data-dir", dataDir]);
      const ddb = new DynamoDBClient({ endpoint: child.endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
      await ddb.send(new CreateTableCommand({ TableName: "big", AttributeDefinitions: [{ AttributeName: "p", AttributeType: "S" }], KeySchema: [{ AttributeName: "p", KeyType: "HASH" }], BillingMode: "PAY_PER_REQUEST" }));
      const load = async (worker: number) => {
        for (let batch = worker; batch < 1200; batch += 8) {
          const items = Array.from({ length: 25 }, (_, i) => ({ PutRequest: { Item: { p: { S: `${batch}-${i}` }, pad: { S: "x".repeat(200) } } } }));
          await ddb.send(new BatchWriteItemCommand({ RequestItems: { big: items } }));
        }
      };
      await Promise.all(Array.from({ length: 8 }, (_, worker) => load(worker)));
      // DeleteTable removes the items after its answer is due; the caller goes away at once.
      const abort = new AbortController();
      const deleting = ddb.send(new DeleteTableCommand({ TableName: "big" }), { abortSignal: abort.signal }).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 100));
      abort.abort();
      await deleting;
      ddb.destroy();
      const exited = new Promise<number | null>((resolve) => child.process.once("exit", resolve));
      child.process.kill("SIGINT");
      assert.equal(await exited, 0, child.output());
    }));

  it("answers a write whose commit the disk refuses InternalServerError, and goes on serving", () =>
    withDataDir(async (dataDir) => {
      // 8,192 blocks of 512 bytes: the data file can grow to 4 MiB, some ten items of 390 KB.
      const child = await spawnCloud(["--data-dir", dataDir], {}, { fileBlocks: 8192 });
      const ddb = new DynamoDBClient({ endpoint: child.endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 });
      try {
        await ddb.send(new CreateTableCommand({ TableName: "full", AttributeDefinitions: [{ AttributeName: "p", AttributeType: "S" }], KeySchema: [{ AttributeName: "p", KeyType: "HASH" }], BillingMode: "PAY_PER_REQUEST" }));
        let refused: Promise<unknown> | undefined;
        for (let i = 0; i < 40 && !refused; i++) {
          const put = ddb.send(new PutItemCommand({ TableName: "full", Item: { p: { S: `k${i}` }, pad: { S: "x".repeat(390_000) } } }));
          await put.then(
            () => undefined,
            () => {
              refused = put;
            },
          );
        }
        assert.ok(refused, "a write ran past the limit");
        const error = await rejectsWith(refused, "InternalServerError", 500);
        assert.equal(error.message, "Internal server error");
        // The server is still up, and what it committed before is there.
        const first = await ddb.send(new GetItemCommand({ TableName: "full", Key: { p: { S: "k0" } }, ProjectionExpression: "p" }));
        assert.deepEqual(first.Item, { p: { S: "k0" } });
      } finally {
        ddb.destroy();
        const exited = new Promise<number | null>((resolve) => child.process.once("exit", resolve));
        child.process.kill("SIGTERM");
        await exited;
      }
    }));

  it("`nimbus status` and `nimbus reset` talk to a running server", () =>
    withDataDir(async (dataDir) => {
      const child = await spawnCloud(["--data-dir", dataDir]);
      const s3 = new S3Client(clientConfig(child.endpoint));
      await s3.send(new CreateBucketCommand({ Bucket: "to-be-reset" }));
      const cli = (...args: string[]) => runTool(process.execPath, ["--import", "tsx", join(ROOT, "src/cli/run.ts"), ...args], process.env, ROOT);
      const status = await cli("status", "--endpoint", child.endpoint);
      assert.equal(status.code, 0, status.stderr);
      const health = JSON.parse(status.stdout) as { services: Record<string, string> };
      assert.equal(health.services.s3, "running");
      const reset = await cli("reset", "--endpoint", child.endpoint);
      assert.equal(reset.code, 0, reset.stderr);
      assert.deepEqual((await s3.send(new ListBucketsCommand({}))).Buckets ?? [], []);
      s3.destroy();
      const exited = new Promise((resolve) => child.process.once("exit", resolve));
      child.process.kill("SIGTERM");
      await exited;
      const down = await cli("status", "--endpoint", child.endpoint);
      assert.notEqual(down.code, 0);
      assert.match(down.stderr, /no Nimbus answers/);
    }));
});
