/**
 * Load generation: requests signed once, replayed over keep-alive
 * connections, so the generator's cost stays far below the server's (the
 * SDK costs 2–3 ms of CPU per call and would measure itself).
 */
import autocannon from "autocannon";
import { connect, type Socket } from "node:net";

export interface Replay {
  method: string;
  /** Path and query as sent. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface LoadOptions {
  connections: number;
  seconds: number;
  /** A run of this length first, its figures discarded (JIT, caches, connection setup). */
  warmupSeconds: number;
  /** Called between the warm-up and the measured run. */
  onMeasure?: () => Promise<void>;
}

export interface LoadResult {
  /** Successful (2xx) answers per second; errors and other statuses do not count. */
  requestsPerSecond: number;
  /** Response bytes per second, successful answers only. */
  bytesPerSecond: number;
  /** Answers of any status in the measured run. */
  answers: number;
  non2xx: number;
  errors: number;
}

/** Small requests: autocannon replays one signed request over `connections` keep-alive sockets. */
export async function replay(origin: string, r: Replay, options: LoadOptions): Promise<LoadResult> {
  // autocannon writes Content-Length itself; a second one stalls the connection.
  const headers = Object.fromEntries(Object.entries(r.headers).filter(([name]) => name.toLowerCase() !== "content-length"));
  const run = (seconds: number) =>
    autocannon({ url: `${origin}${r.path}`, method: r.method, headers, body: r.body, connections: options.connections, duration: seconds, pipelining: 1 });
  if (options.warmupSeconds > 0) await run(options.warmupSeconds);
  await options.onMeasure?.();
  const result = await run(options.seconds);
  const ok = result["2xx"];
  const share = ok / (result.requests.total || 1);
  return {
    requestsPerSecond: ok / result.duration,
    bytesPerSecond: (result.throughput.total * share) / result.duration,
    answers: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/**
 * Large bodies: a minimal HTTP/1.1 reader on raw keep-alive sockets that
 * counts and discards each body, reading into one reused 4 MiB buffer.
 * On a 64 MiB body autocannon tops out near 0.6 GB/s and a node:http
 * client near 1.4 GB/s here, below the servers measured; this reader
 * drains the floor at several GB/s and uses less CPU than curl (which
 * matters when client and server share two cores). Needs a Content-Length
 * on every answer (all three servers send one).
 */
export async function drain(origin: string, r: Replay, options: LoadOptions): Promise<LoadResult> {
  const url = new URL(origin);
  const headers = { host: url.host, ...r.headers };
  const head = Buffer.from(
    `${r.method} ${r.path} HTTP/1.1\r\n` +
      Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join("") +
      "connection: keep-alive\r\n\r\n",
  );
  const run = async (seconds: number): Promise<LoadResult> => {
    const started = performance.now();
    const deadline = started + seconds * 1000;
    const totals = { ok: 0, bytes: 0, non2xx: 0, errors: 0 };
    await Promise.all(Array.from({ length: options.connections }, () => drainOne(url, head, deadline, totals)));
    const elapsed = (performance.now() - started) / 1000;
    return { requestsPerSecond: totals.ok / elapsed, bytesPerSecond: totals.bytes / elapsed, answers: totals.ok + totals.non2xx, non2xx: totals.non2xx, errors: totals.errors };
  };
  if (options.warmupSeconds > 0) await run(options.warmupSeconds);
  await options.onMeasure?.();
  return run(options.seconds);
}

function drainOne(url: URL, head: Buffer, deadline: number, totals: { ok: number; bytes: number; non2xx: number; errors: number }): Promise<void> {
  return new Promise((resolve) => {
    let header = Buffer.alloc(0);
    let remaining = -1;
    let status = 0;
    let received = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve();
    };
    const next = () => {
      if (performance.now() >= deadline) return finish();
      header = Buffer.alloc(0);
      remaining = -1;
      socket.write(head);
    };
    // One reused read buffer: no allocation per chunk, and reads as large as the kernel has.
    const onChunk = (chunk: Buffer): void => {
      if (remaining < 0) {
        header = Buffer.concat([header, chunk]);
        const end = header.indexOf("\r\n\r\n");
        if (end < 0) return;
        const text = header.subarray(0, end).toString("latin1");
        status = Number(text.slice(9, 12));
        const length = /\r\ncontent-length:\s*(\d+)/i.exec(text);
        if (!length) {
          totals.errors++;
          return finish();
        }
        remaining = Number(length[1]);
        received = 0;
        chunk = header.subarray(end + 4);
      }
      remaining -= chunk.length;
      received += chunk.length;
      if (remaining <= 0) {
        if (status >= 200 && status < 300) {
          totals.ok++;
          totals.bytes += received;
        } else totals.non2xx++;
        next();
      }
    };
    const buffer = Buffer.allocUnsafe(4 * 1024 * 1024);
    const socket: Socket = connect({
      port: Number(url.port),
      host: url.hostname,
      onread: { buffer, callback: (n: number, buf: Uint8Array) => (onChunk(Buffer.from(buf.buffer, buf.byteOffset, n)), true) },
    });
    socket.on("connect", next);
    socket.on("error", () => {
      totals.errors++;
      finish();
    });
  });
}
