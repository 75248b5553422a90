/**
 * The S3 suite: small PUT and GET, a 64 MiB GET, a 1,000-key listing, cold
 * start, in-process start() and idle memory; Nimbus against the floor and
 * s3rver, all measured in this run.
 */
import { randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { curlDownload, replay, type LoadResult, type Replay } from "./lib/load.js";
import { signS3, type Credentials } from "./lib/sign.js";
import { ROOT, rssMegabytes, startFloor, startNimbus, startS3rver, type Server } from "./lib/servers.js";
import type { Row } from "./lib/report.js";

const CONNECTIONS = 32;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const NIMBUS: Credentials = { accessKeyId: "test", secretAccessKey: "test" };
const S3RVER: Credentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
const SMALL = randomBytes(1024);
const LARGE = randomBytes(64 * 1024 * 1024);
const BUCKET = "bench";

interface Figures {
  put: LoadResult;
  get: LoadResult;
  list: LoadResult;
  large: LoadResult;
}

async function send(origin: string, r: Replay): Promise<void> {
  const res = await fetch(`${origin}${r.path}`, { method: r.method, headers: r.headers, body: r.body ? new Uint8Array(r.body) : undefined });
  await res.arrayBuffer();
  if (res.status >= 300) throw new Error(`${r.method} ${r.path}: ${res.status}`);
}

async function seed(server: Server, credentials: Credentials): Promise<void> {
  const sign = (method: string, path: string, query: Record<string, string> = {}, body?: Buffer) => signS3(server.origin, credentials, method, path, query, body);
  await send(server.origin, await sign("PUT", `/${BUCKET}`));
  await send(server.origin, await sign("PUT", `/${BUCKET}/small`, {}, SMALL));
  await send(server.origin, await sign("PUT", `/${BUCKET}/large`, {}, LARGE));
  const keys = Array.from({ length: 1000 }, (_, i) => `list/key-${String(i).padStart(4, "0")}`);
  for (let i = 0; i < keys.length; i += 16) {
    await Promise.all(keys.slice(i, i + 16).map(async (key) => send(server.origin, await sign("PUT", `/${BUCKET}/${key}`, {}, SMALL))));
  }
}

async function measure(server: Server, credentials: Credentials): Promise<Figures> {
  const sign = (method: string, path: string, query: Record<string, string> = {}, body?: Buffer) => signS3(server.origin, credentials, method, path, query, body);
  const load = { connections: CONNECTIONS, seconds: SECONDS };
  const put = await replay(server.origin, await sign("PUT", `/${BUCKET}/put-target`, {}, SMALL), load);
  const get = await replay(server.origin, await sign("GET", `/${BUCKET}/small`), load);
  const list = await replay(server.origin, await sign("GET", `/${BUCKET}`, { "list-type": "2", prefix: "list/" }), load);
  const large = await curlDownload(server.origin, await sign("GET", `/${BUCKET}/large`), { seconds: SECONDS });
  return { put, get, list, large };
}

async function floorFigures(floor: Server): Promise<{ put: LoadResult; get: LoadResult }> {
  const load = { connections: CONNECTIONS, seconds: SECONDS };
  const put = await replay(floor.origin, { method: "PUT", path: "/x", headers: { "content-length": String(SMALL.length) }, body: SMALL }, load);
  const get = await replay(floor.origin, { method: "GET", path: "/x", headers: {} }, load);
  return { put, get };
}

/** What a test runner pays: importing Nimbus, then the first in-memory `start()`. */
async function inProcessStart(): Promise<{ importMs: number; startMs: number }> {
  const t0 = performance.now();
  const { start } = (await import(pathToFileURL(join(ROOT, "dist/index.js")).href)) as typeof import("../src/index.js");
  const t1 = performance.now();
  const cloud = await start({ port: 0, inMemory: true });
  const t2 = performance.now();
  await cloud.stop();
  return { importMs: t1 - t0, startMs: t2 - t1 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function runS3Suite(log: (line: string) => void): Promise<Row[]> {
  log("starting the floor, s3rver and Nimbus");
  const floor = await startFloor();
  const peer = await startS3rver();
  const colds: number[] = [];
  for (let i = 0; i < 4; i++) {
    const probe = await startNimbus();
    colds.push(probe.coldStartMs);
    await probe.stop();
  }
  const nimbus = await startNimbus();
  colds.push(nimbus.coldStartMs);
  await new Promise((r) => setTimeout(r, 1000));
  const idleRss = await rssMegabytes(nimbus.pid);
  try {
    log("floor");
    const f = await floorFigures(floor);
    log("seeding s3rver");
    await seed(peer, S3RVER);
    log("s3rver");
    const p = await measure(peer, S3RVER);
    log("seeding Nimbus");
    await seed(nimbus, NIMBUS);
    log("Nimbus");
    const n = await measure(nimbus, NIMBUS);
    const start = await inProcessStart();
    for (const [name, r] of Object.entries({ "floor put": f.put, "floor get": f.get, ...prefixed("s3rver", p), ...prefixed("nimbus", n) })) {
      if (r.errors || r.non2xx) log(`warning: ${name}: ${r.errors} errors, ${r.non2xx} non-2xx answers`);
    }
    const mb = (r: LoadResult) => r.bytesPerSecond / 1e6;
    return [
      rate("PutObject 1 KiB", "ops/s", n.put, f.put, p.put, { floor: 0.15, peer: 4 }),
      rate("GetObject 1 KiB", "ops/s", n.get, f.get, p.get, { floor: 0.4, peer: 10 }),
      { metric: "GetObject 64 MiB", unit: "MB/s", nimbus: mb(n.large), peer: mb(p.large), target: "≥ 1000 MB/s", pass: mb(n.large) >= 1000 },
      rate("ListObjectsV2, 1,000 keys", "ops/s", n.list, f.get, p.list, {}),
      { metric: "Cold start (spawn → first 200)", unit: "ms", nimbus: median(colds), target: "≤ 300 ms", pass: median(colds) <= 300 },
      { metric: "In-process start() (first, in memory)", unit: "ms", nimbus: start.startMs, target: "≤ 50 ms", pass: start.startMs <= 50 },
      { metric: "import of the package (before start())", unit: "ms", nimbus: start.importMs, target: "—" },
      { metric: "Idle RSS", unit: "MB", nimbus: idleRss, target: "≤ 80 MB", pass: idleRss <= 80 },
    ];
  } finally {
    await Promise.all([floor.stop(), peer.stop(), nimbus.stop()]);
  }
}

function prefixed(prefix: string, figures: Figures): Record<string, LoadResult> {
  return Object.fromEntries(Object.entries(figures).map(([k, v]) => [`${prefix} ${k}`, v]));
}

function rate(metric: string, unit: string, nimbus: LoadResult, floor: LoadResult, peer: LoadResult, targets: { floor?: number; peer?: number }): Row {
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
  return { metric, unit, nimbus: nimbus.requestsPerSecond, floor: floor.requestsPerSecond, peer: peer.requestsPerSecond, ofFloor, ofPeer, target: parts.join(", ") || "—", pass };
}
