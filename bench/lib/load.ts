/**
 * Load generation: requests signed once, replayed by autocannon over
 * keep-alive connections, so the generator's cost stays far below the
 * server's (the SDK costs 2–3 ms of CPU per call and would measure itself).
 */
import autocannon from "autocannon";
import { request, Agent } from "node:http";

export interface Replay {
  method: string;
  /** Path and query as sent. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface LoadResult {
  requestsPerSecond: number;
  bytesPerSecond: number;
  non2xx: number;
  errors: number;
}

export async function replay(origin: string, r: Replay, options: { connections: number; seconds: number }): Promise<LoadResult> {
  // autocannon writes Content-Length itself; a second one stalls the connection.
  const headers = Object.fromEntries(Object.entries(r.headers).filter(([name]) => name.toLowerCase() !== "content-length"));
  const result = await autocannon({
    url: `${origin}${r.path}`,
    method: r.method,
    headers,
    body: r.body,
    connections: options.connections,
    duration: options.seconds,
    pipelining: 1,
  });
  return {
    requestsPerSecond: result.requests.average,
    bytesPerSecond: result.throughput.average,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/**
 * Large-body throughput: a few keep-alive connections each fetching the
 * same object over and over, bytes counted and dropped.
 */
export async function download(origin: string, r: Replay, options: { connections: number; seconds: number }): Promise<LoadResult> {
  const url = new URL(origin);
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const deadline = Date.now() + options.seconds * 1000;
  let bytes = 0;
  let requests = 0;
  let non2xx = 0;
  let errors = 0;
  const started = Date.now();
  const worker = async () => {
    while (Date.now() < deadline) {
      const ok = await new Promise<void>((resolve, reject) => {
        const req = request({ host: url.hostname, port: url.port, method: r.method, path: r.path, headers: r.headers, agent }, (res) => {
          if ((res.statusCode ?? 0) >= 300) non2xx++;
          res.on("data", (chunk: Buffer) => (bytes += chunk.length));
          res.on("end", resolve);
          res.on("error", reject);
        });
        req.on("error", reject);
        req.end();
      }).then(
        () => true,
        () => false,
      );
      if (ok) requests++;
      else errors++;
    }
  };
  await Promise.all(Array.from({ length: options.connections }, worker));
  const seconds = (Date.now() - started) / 1000;
  agent.destroy();
  return { requestsPerSecond: requests / seconds, bytesPerSecond: bytes / seconds, non2xx, errors };
}
