/**
 * The servers a run compares: the floor (bare node:http answering 200),
 * s3rver (the npm peer), and Nimbus itself, each in its own process so the
 * load generator does not share their CPU.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface Server {
  origin: string;
  pid: number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.on("error", reject);
  });
}

const FLOOR = `
const http = require("node:http");
http.createServer((req, res) => {
  req.resume();
  req.on("end", () => { res.writeHead(200, { "content-type": "text/plain", "content-length": "2" }); res.end("ok"); });
}).listen(Number(process.argv[1]), "127.0.0.1", () => console.log("ready"));
`;

const S3RVER = `
const S3rver = require("s3rver");
new S3rver({ port: Number(process.argv[1]), address: "127.0.0.1", silent: true, directory: process.argv[2] })
  .run().then(() => console.log("ready"));
`;

export async function startFloor(): Promise<Server> {
  const port = await freePort();
  return childServer(spawn(process.execPath, ["-e", FLOOR, String(port)], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] }), port);
}

export async function startS3rver(): Promise<Server> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), "bench-s3rver-"));
  const server = await childServer(spawn(process.execPath, ["-e", S3RVER, String(port), dir], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] }), port);
  return { ...server, stop: async () => { await server.stop(); await rm(dir, { recursive: true, force: true }); } };
}

export interface NimbusProcess extends Server {
  /** Spawn to first 200 from /_nimbus/health, in ms. */
  coldStartMs: number;
}

/** Starts the built Nimbus (dist/) on a temp data dir, timing spawn → first healthy answer. */
export async function startNimbus(): Promise<NimbusProcess> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), "bench-nimbus-"));
  const started = performance.now();
  const child = spawn(process.execPath, [join(ROOT, "bin/nimbus.js"), "start", "--port", String(port), "--data-dir", dir, "--log-level", "error"], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const origin = `http://127.0.0.1:${port}`;
  for (;;) {
    try {
      const res = await fetch(`${origin}/_nimbus/health`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`nimbus exited with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 2));
  }
  const coldStartMs = performance.now() - started;
  return {
    origin,
    pid: child.pid!,
    coldStartMs,
    stop: async () => {
      await stopChild(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function rssMegabytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

async function childServer(child: ChildProcess, port: number): Promise<Server> {
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => d.toString().includes("ready") && resolve());
    child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { origin: `http://127.0.0.1:${port}`, pid: child.pid!, stop: () => stopChild(child) };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}
