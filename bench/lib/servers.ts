/**
 * The servers a run compares: the floor (bare node:http answering 200),
 * s3rver (the npm peer), and Nimbus itself, each in its own process so the
 * load generator does not share their CPU. Each start is timed from spawn
 * to its first HTTP answer, the same way for all three.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { request } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface Server {
  origin: string;
  pid: number;
  /** Spawn → first answer from the server's readiness URL, in ms. */
  coldStartMs: number;
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

/**
 * The floor: the least any Node HTTP server does per request. It drains the
 * request body and answers 200 with "ok"; `GET /bytes/<n>` answers n bytes
 * (from one buffer allocated on first use, so it does not weigh on the
 * floor's start or idle memory).
 */
const FLOOR = `
const http = require("node:http");
let big;
http.createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    const m = /^\\/bytes\\/(\\d+)$/.exec(req.url);
    if (m) {
      const n = Number(m[1]);
      if (!big || big.length < n) big = Buffer.alloc(n, 120);
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(n) });
      res.end(big.subarray(0, n));
      return;
    }
    res.writeHead(200, { "content-type": "text/plain", "content-length": "2" });
    res.end("ok");
  });
}).listen(Number(process.argv[1]), "127.0.0.1");
`;

const S3RVER = `
const S3rver = require("s3rver");
new S3rver({ port: Number(process.argv[1]), address: "127.0.0.1", silent: true, directory: process.argv[2] }).run();
`;

/** dynalite with its data on disk (`path`), as its CLI's `--path` does. */
const DYNALITE = `
const dynalite = require("dynalite");
dynalite({ path: process.argv[2], createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }).listen(Number(process.argv[1]), "127.0.0.1");
`;

export async function startDynalite(): Promise<Server> {
  // dynalite answers any HTTP request once it listens (a GET is refused with 400/413).
  return startPeer(DYNALITE, "bench-dynalite-");
}

export async function startFloor(): Promise<Server> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, ["-e", FLOOR, String(port)], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
  const origin = `http://127.0.0.1:${port}`;
  // The floor answers 200 to anything.
  await until(child, `${origin}/`, (status) => status === 200);
  return { origin, pid: child.pid ?? 0, coldStartMs: performance.now() - started, stop: () => stopChild(child) };
}

export async function startS3rver(): Promise<Server> {
  // s3rver has no health route; an unsigned ListBuckets answers (403) once it listens.
  return startPeer(S3RVER, "bench-s3rver-");
}

/**
 * A peer server from npm in its own process, on a temp data directory
 * (`process.argv[2]` of its script, the port in `argv[1]`), ready at its
 * first answer of any status; stopping it removes the directory.
 */
async function startPeer(script: string, dirPrefix: string): Promise<Server> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), dirPrefix));
  const started = performance.now();
  const child = spawn(process.execPath, ["-e", script, String(port), dir], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
  const origin = `http://127.0.0.1:${port}`;
  await until(child, `${origin}/`, () => true);
  const coldStartMs = performance.now() - started;
  return {
    origin,
    pid: child.pid ?? 0,
    coldStartMs,
    stop: async () => {
      await stopChild(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts the built Nimbus (dist/, through bin/nimbus.js) on a temp data dir,
 * as a user would: `--port 0`, the port read from the ready line, then
 * timed to the first 200 from /_nimbus/health.
 */
export async function startNimbus(extraArgs: readonly string[] = []): Promise<Server> {
  const dir = await mkdtemp(join(tmpdir(), "bench-nimbus-"));
  const started = performance.now();
  const child = spawn(process.execPath, [join(ROOT, "bin/nimbus.js"), "start", "--port", "0", "--data-dir", dir, ...extraArgs], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stderr = tail(child);
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /ready on http:\/\/[^:]+:(\d+)/.exec(out);
      if (m) {
        child.stdout?.off("data", onData);
        child.stdout?.resume();
        resolve(Number(m[1]));
      }
    };
    child.stdout?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`nimbus exited with ${code} before its ready line: ${out}${stderr()}`)));
  });
  const origin = `http://127.0.0.1:${port}`;
  await until(child, `${origin}/_nimbus/health`, (status) => status === 200);
  return {
    origin,
    pid: child.pid ?? 0,
    coldStartMs: performance.now() - started,
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

/**
 * Keeps the last few KB a child writes on stderr, for the error if it dies;
 * otherwise its logs (Nimbus's shutdown line) stay out of the report.
 */
function tail(child: ChildProcess): () => string {
  let text = "";
  child.stderr?.on("data", (d: Buffer) => {
    text = (text + d.toString()).slice(-4096);
  });
  return () => text;
}

/** Polls `url` every 2 ms until an answer whose status `ready` accepts. */
async function until(child: ChildProcess, url: string, ready: (status: number) => boolean): Promise<void> {
  const stderr = child.stderr ? tail(child) : () => "";
  for (;;) {
    const status = await probe(url);
    if (status !== undefined && ready(status)) return;
    if (child.exitCode !== null) throw new Error(`${url}: server exited with ${child.exitCode}: ${stderr()}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** One GET on a fresh connection; the status, or undefined if nothing listens yet. */
function probe(url: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode));
    });
    req.on("error", () => resolve(undefined));
    req.end();
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}
