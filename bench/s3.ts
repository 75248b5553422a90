/**
 * The S3 suite: small PUT and GET, a 64 MiB GET, a 1,000-key listing, cold
 * start, in-process start and idle memory; Nimbus against the floor and
 * s3rver, all measured in this run.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { waitForQuiet } from "./lib/cpu.js";
import { paired, settle, step, type Log, type Measured } from "./lib/measure.js";
import { drain, replay, type LoadOptions, type LoadResult, type Replay } from "./lib/load.js";
import { signS3, type Credentials } from "./lib/sign.js";
import { ROOT, rssMegabytes, startFloor, startNimbus, startS3rver, type Server } from "./lib/servers.js";
import type { Row, SuiteResult } from "./lib/report.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1);
/** Small requests: 32 keep-alive connections. */
const SMALL_LOAD: LoadOptions = { connections: 32, seconds: SECONDS, warmupSeconds: WARMUP };
/** 64 MiB bodies: a few connections are enough to keep the pipe full; 32 would only queue. */
const LARGE_LOAD: LoadOptions = { connections: Number(process.env.BENCH_LARGE_CONNECTIONS ?? 4), seconds: SECONDS, warmupSeconds: WARMUP };
const STARTS = 5;
const NIMBUS: Credentials = { accessKeyId: "test", secretAccessKey: "test" };
const S3RVER: Credentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
const SMALL = randomBytes(1024);
const LARGE = randomBytes(64 * 1024 * 1024);
const BUCKET = "bench";
const LIST_KEYS = 1000;

/** The signed requests replayed against one S3 server. */
interface Requests {
  put: Replay;
  get: Replay;
  list: Replay;
  large: Replay;
}

interface Figures {
  put: Measured;
  get: Measured;
  list: Measured;
  large: Measured;
}

interface Lifecycle {
  coldStartMs: number;
  idleRssMb: number;
}

async function send(origin: string, r: Replay): Promise<{ status: number; body: Buffer }> {
  const res = await fetch(`${origin}${r.path}`, { method: r.method, headers: r.headers, body: r.body ? new Uint8Array(r.body) : undefined });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
}

async function expectOk(origin: string, r: Replay, bodyLength?: number): Promise<Buffer> {
  const { status, body } = await send(origin, r);
  if (status >= 300) throw new Error(`${r.method} ${r.path}: ${status} ${body.toString().slice(0, 300)}`);
  if (bodyLength !== undefined && body.length !== bodyLength) throw new Error(`${r.method} ${r.path}: ${body.length} bytes, expected ${bodyLength}`);
  return body;
}

function signer(server: Server, credentials: Credentials) {
  return (method: string, path: string, query: Record<string, string> = {}, body?: Buffer) => signS3(server.origin, credentials, method, path, query, body);
}

async function seed(server: Server, credentials: Credentials): Promise<void> {
  const sign = signer(server, credentials);
  await expectOk(server.origin, await sign("PUT", `/${BUCKET}`));
  await expectOk(server.origin, await sign("PUT", `/${BUCKET}/small`, {}, SMALL));
  await expectOk(server.origin, await sign("PUT", `/${BUCKET}/large`, {}, LARGE));
  const keys = Array.from({ length: LIST_KEYS }, (_, i) => `list/key-${String(i).padStart(4, "0")}`);
  for (let i = 0; i < keys.length; i += 16) {
    await Promise.all(keys.slice(i, i + 16).map(async (key) => expectOk(server.origin, await sign("PUT", `/${BUCKET}/${key}`, {}, SMALL))));
  }
}

/** Signs the four requests once, and checks each answers 2xx with the expected body before it is replayed. */
async function prepare(server: Server, credentials: Credentials): Promise<{ requests: Requests; listBytes: number }> {
  const sign = signer(server, credentials);
  const requests: Requests = {
    put: await sign("PUT", `/${BUCKET}/put-target`, {}, SMALL),
    get: await sign("GET", `/${BUCKET}/small`),
    list: await sign("GET", `/${BUCKET}`, { "list-type": "2", prefix: "list/" }),
    large: await sign("GET", `/${BUCKET}/large`),
  };
  await expectOk(server.origin, requests.put);
  await expectOk(server.origin, requests.get, SMALL.length);
  await expectOk(server.origin, requests.large, LARGE.length);
  const listing = await expectOk(server.origin, requests.list);
  const keys = listing.toString().match(/<Key>/g)?.length ?? 0;
  if (keys !== LIST_KEYS) throw new Error(`ListObjectsV2 on ${server.origin}: ${keys} keys, expected ${LIST_KEYS}`);
  return { requests, listBytes: listing.length };
}

async function measure(who: string, server: Server, requests: Requests, log: Log, notes: string[]): Promise<Figures> {
  return {
    put: await step(who, "PutObject 1 KiB", server, (o) => replay(server.origin, requests.put, { ...SMALL_LOAD, ...o }), log, notes),
    get: await step(who, "GetObject 1 KiB", server, (o) => replay(server.origin, requests.get, { ...SMALL_LOAD, ...o }), log, notes),
    list: await step(who, "ListObjectsV2", server, (o) => replay(server.origin, requests.list, { ...SMALL_LOAD, ...o }), log, notes),
    large: await step(who, "GetObject 64 MiB", server, (o) => drain(server.origin, requests.large, { ...LARGE_LOAD, ...o }), log, notes),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/** Cold start (median of several spawns), then keeps the last one running and reads its RSS after a short idle. */
async function launch(startServer: () => Promise<Server>): Promise<{ server: Server; lifecycle: Lifecycle }> {
  const colds: number[] = [];
  for (let i = 1; i < STARTS; i++) {
    await waitForQuiet(10_000);
    const probe = await startServer();
    colds.push(probe.coldStartMs);
    await probe.stop();
  }
  await waitForQuiet(10_000);
  const server = await startServer();
  colds.push(server.coldStartMs);
  await new Promise((r) => setTimeout(r, 1000));
  return { server, lifecycle: { coldStartMs: median(colds), idleRssMb: await rssMegabytes(server.pid) } };
}

interface InProcess {
  floorMs: number;
  peerMs: number;
  nimbusMs: number;
  nimbusImportMs: number;
}

/**
 * What a test runner pays to start a server inside its own process, each the
 * first start in this process, after importing the package (Nimbus's import
 * is reported on its own row): Nimbus `start({ port: 0, inMemory: true })`,
 * s3rver `run()` on a temp dir, the floor `createServer().listen(0)`.
 */
async function inProcessStarts(): Promise<InProcess> {
  await waitForQuiet(10_000);
  const floorStarted = performance.now();
  const floor = createServer((_, res) => res.end("ok"));
  await new Promise<void>((resolve) => floor.listen(0, "127.0.0.1", resolve));
  const floorMs = performance.now() - floorStarted;
  await new Promise((resolve) => floor.close(resolve));

  const S3rver = createRequire(import.meta.url)("s3rver") as new (options: object) => { run(): Promise<unknown>; close(): Promise<void> };
  const dir = await mkdtemp(join(tmpdir(), "bench-s3rver-inproc-"));
  const peerStarted = performance.now();
  const peer = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory: dir });
  await peer.run();
  const peerMs = performance.now() - peerStarted;
  await peer.close();
  await rm(dir, { recursive: true, force: true });

  const t0 = performance.now();
  const { start } = (await import(pathToFileURL(join(ROOT, "dist/index.js")).href)) as typeof import("../src/index.js");
  const t1 = performance.now();
  const cloud = await start({ port: 0, inMemory: true });
  const t2 = performance.now();
  await cloud.stop();
  return { floorMs, peerMs, nimbusMs: t2 - t1, nimbusImportMs: t1 - t0 };
}

export async function runS3Suite(log: Log): Promise<SuiteResult> {
  log("in-process starts");
  const inProcess = await inProcessStarts();
  log(`cold starts (${STARTS} each, median) and idle memory`);
  const floor = await launch(startFloor);
  const peer = await launch(startS3rver);
  const nimbus = await launch(startNimbus);
  const notes: string[] = [];
  try {
    log("seeding s3rver and Nimbus");
    await seed(peer.server, S3RVER);
    await seed(nimbus.server, NIMBUS);
    const peerPrepared = await prepare(peer.server, S3RVER);
    const nimbusPrepared = await prepare(nimbus.server, NIMBUS);
    await Promise.all([settle(peer.server.pid), settle(nimbus.server.pid)]);

    log("s3rver");
    const p = await measure("s3rver", peer.server, peerPrepared.requests, log, notes);
    await peer.server.stop();

    log("floor and Nimbus");
    const floorServer = floor.server;
    const floorRequest = (method: string, path: string, body?: Buffer): Replay => ({ method, path, headers: body ? { "content-length": String(body.length) } : {}, body });
    const onFloor = (what: string, request: Replay) => step("floor", what, floorServer, (o) => replay(floorServer.origin, request, { ...SMALL_LOAD, ...o }), log, notes);
    const onNimbus = (what: string, request: Replay) => step("Nimbus", what, nimbus.server, (o) => replay(nimbus.server.origin, request, { ...SMALL_LOAD, ...o }), log, notes);
    const requests = nimbusPrepared.requests;
    const put = await paired("PutObject 1 KiB", () => onFloor("PUT 1 KiB", floorRequest("PUT", "/x", SMALL)), () => onNimbus("PutObject 1 KiB", requests.put), notes);
    const get = await paired("GetObject 1 KiB", () => onFloor("GET (2-byte body)", floorRequest("GET", "/x")), () => onNimbus("GetObject 1 KiB", requests.get), notes);
    const f: Figures = {
      put: put.floor,
      get: get.floor,
      list: await onFloor(`GET (${nimbusPrepared.listBytes}-byte body)`, floorRequest("GET", `/bytes/${nimbusPrepared.listBytes}`)),
      large: await step("floor", "GET 64 MiB", floorServer, (o) => drain(floorServer.origin, floorRequest("GET", `/bytes/${LARGE.length}`), { ...LARGE_LOAD, ...o }), log, notes),
    };
    await floorServer.stop();
    const n: Figures = {
      put: put.nimbus,
      get: get.nimbus,
      list: await onNimbus("ListObjectsV2", requests.list),
      large: await step("Nimbus", "GetObject 64 MiB", nimbus.server, (o) => drain(nimbus.server.origin, requests.large, { ...LARGE_LOAD, ...o }), log, notes),
    };

    notes.push(
      `ListObjectsV2 floor: the floor answering a body as large as Nimbus's listing (${nimbusPrepared.listBytes.toLocaleString("en-US")} bytes; s3rver's: ${peerPrepared.listBytes.toLocaleString("en-US")}).`,
    );
    const mb = (r: LoadResult) => r.bytesPerSecond / 1e6;
    return {
      rows: [
        rate("PutObject 1 KiB", n.put, f.put, p.put, { floor: 0.15, peer: 4 }),
        rate("GetObject 1 KiB", n.get, f.get, p.get, { floor: 0.4, peer: 10 }),
        { metric: `GetObject 64 MiB (${LARGE_LOAD.connections} connections)`, unit: "MB/s", nimbus: mb(n.large), floor: mb(f.large), peer: mb(p.large), target: "≥ 1000 MB/s", pass: mb(n.large) >= 1000 },
        rate("ListObjectsV2, 1,000 keys", n.list, f.list, p.list, {}),
        cpuRow("PutObject 1 KiB: server CPU per request", n.put, f.put, p.put),
        cpuRow("GetObject 1 KiB: server CPU per request", n.get, f.get, p.get),
        cpuRow("ListObjectsV2: server CPU per request", n.list, f.list, p.list),
        {
          metric: "Cold start (spawn → first answer)",
          unit: "ms",
          nimbus: nimbus.lifecycle.coldStartMs,
          floor: floor.lifecycle.coldStartMs,
          peer: peer.lifecycle.coldStartMs,
          target: "≤ 300 ms",
          pass: nimbus.lifecycle.coldStartMs <= 300,
        },
        { metric: "In-process start (first, in memory)", unit: "ms", nimbus: inProcess.nimbusMs, floor: inProcess.floorMs, peer: inProcess.peerMs, target: "≤ 50 ms", pass: inProcess.nimbusMs <= 50 },
        { metric: "import of dist/index.js (before start())", unit: "ms", nimbus: inProcess.nimbusImportMs, target: "—" },
        {
          metric: "Idle RSS after start",
          unit: "MB",
          nimbus: nimbus.lifecycle.idleRssMb,
          floor: floor.lifecycle.idleRssMb,
          peer: peer.lifecycle.idleRssMb,
          target: "≤ 80 MB",
          pass: nimbus.lifecycle.idleRssMb <= 80,
        },
      ],
      notes,
    };
  } finally {
    await Promise.all([floor.server.stop(), peer.server.stop(), nimbus.server.stop()]);
  }
}

function cpuRow(metric: string, nimbus: Measured, floor: Measured, peer: Measured): Row {
  return { metric, unit: "µs", nimbus: nimbus.cpuMicros, floor: floor.cpuMicros, peer: peer.cpuMicros, target: "—" };
}

function rate(metric: string, nimbus: LoadResult, floor: LoadResult, peer: LoadResult, targets: { floor?: number; peer?: number }): Row {
  const ofFloor = nimbus.requestsPerSecond / floor.requestsPerSecond;
  const ofPeer = nimbus.requestsPerSecond / peer.requestsPerSecond;
  const parts: string[] = [];
  let pass: boolean | undefined;
  if (targets.floor !== undefined) {
    parts.push(`≥ ${targets.floor * 100}% of floor`);
    pass = ofFloor >= targets.floor;
  }
  if (targets.peer !== undefined) {
    parts.push(`≥ ${targets.peer}× s3rver`);
    pass = (pass ?? true) && ofPeer >= targets.peer;
  }
  return { metric, unit: "ops/s", nimbus: nimbus.requestsPerSecond, floor: floor.requestsPerSecond, peer: peer.requestsPerSecond, target: parts.join(", ") || "—", pass };
}
