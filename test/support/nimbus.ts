/**
 * Test support: a real Nimbus on an ephemeral port, in process or as a
 * child process, with a temporary data dir, and SDK clients pointed at it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { fileURLToPath } from "node:url";
import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { start, type Nimbus, type StartOptions } from "../../src/index.js";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export async function tempDir(prefix = "nimbus-test-"): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export interface TestCloud {
  cloud: Nimbus;
  dataDir: string;
  s3(config?: Partial<S3ClientConfig>): S3Client;
  stop(): Promise<void>;
}

/** Starts Nimbus in this process with a fresh data dir on disk. */
export async function startCloud(options: StartOptions = {}): Promise<TestCloud> {
  const dataDir = options.dataDir ?? (await tempDir());
  const cloud = await start({ ...options, dataDir });
  const clients: S3Client[] = [];
  return {
    cloud,
    dataDir,
    s3(config = {}) {
      const client = new S3Client({ ...cloud.clientConfig, ...config });
      clients.push(client);
      return client;
    },
    async stop() {
      for (const c of clients) c.destroy();
      await cloud.stop();
      if (options.dataDir === undefined) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * For a describe block: an in-memory cloud and one client of it, made
 * before its tests and closed after them. Read `client` and `t` inside tests.
 */
export function cloudFor<C extends { destroy(): void }>(makeClient: (config: Nimbus["clientConfig"]) => C): { readonly client: C; readonly t: TestCloud } {
  const made: { client?: C; t?: TestCloud } = {};
  before(async () => {
    made.t = await startCloud({ inMemory: true });
    made.client = makeClient(made.t.cloud.clientConfig);
  });
  after(async () => {
    made.client?.destroy();
    await made.t?.stop();
  });
  return {
    get client() {
      return made.client!;
    },
    get t() {
      return made.t!;
    },
  };
}

export interface ChildCloud {
  process: ChildProcess;
  endpoint: string;
  /** Everything the process printed. */
  output(): string;
}

/** Runs `nimbus start` as a child process (for kill -9 and signal tests). */
export async function spawnCloud(args: string[], env: NodeJS.ProcessEnv = {}, limits: { fileBlocks?: number } = {}): Promise<ChildCloud> {
  const command = [process.execPath, "--import", "tsx", join(ROOT, "src/cli/run.ts"), "start", "--port", "0", ...args];
  // A file size limit (in the shell's 512-byte blocks) makes writes past it fail, as on a full disk.
  const [file, ...argv] = limits.fileBlocks === undefined ? command : ["/bin/sh", "-c", `ulimit -f ${limits.fileBlocks} && exec "$0" "$@"`, ...command];
  const child = spawn(file!, argv, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nimbus did not start:\n${output}`)), 20_000);
    const onData = () => {
      const match = /ready on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`nimbus exited with ${code}:\n${output}`));
    });
  });
  return { process: child, endpoint, output: () => output };
}

export function clientConfig(endpoint: string): S3ClientConfig {
  return { endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, forcePathStyle: true };
}

/** Asserts a promise rejects with an AWS error of this code and HTTP status. */
export async function rejectsWith(promise: Promise<unknown>, code: string, status: number): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    const e = error as Error & { name: string; Code?: string; $metadata?: { httpStatusCode?: number } };
    const actual = e.name === "Unknown" || e.name === "UnknownError" ? (e.Code ?? e.name) : e.name;
    if (actual !== code || e.$metadata?.httpStatusCode !== status) {
      throw new Error(`expected ${code} (${status}), got ${actual} (${e.$metadata?.httpStatusCode}): ${e.message}`);
    }
    return e;
  }
  throw new Error(`expected ${code} (${status}), but the call succeeded`);
}

export { type Nimbus };
