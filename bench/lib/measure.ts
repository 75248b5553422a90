/**
 * One measurement of a server under load: warm-up, then the measured run,
 * with the server's CPU per answer and a check that nothing else was
 * taking the machine's cores meanwhile.
 */
import { cpus } from "node:os";
import { processCpuSeconds, waitForQuiet, watchCpu, type CpuShares } from "./cpu.js";
import type { LoadOptions, LoadResult } from "./load.js";
import type { Server } from "./servers.js";

export type Log = (line: string) => void;

/** Other processes using more than this many cores during a measurement make it suspect. */
const BUSY_CORES = 0.2;

export interface Measured extends LoadResult {
  /** Server CPU time per answer, in µs: what one request costs the server, whatever the load generator's share of the machine. */
  cpuMicros: number;
}

/** Runs one measurement (warm-up, then the measured run), logs it, notes a busy machine, and lets the server go idle first. */
export async function step(
  who: string,
  what: string,
  server: Server,
  run: (options: Pick<LoadOptions, "onMeasure">) => Promise<LoadResult>,
  log: Log,
  notes: string[],
): Promise<Measured> {
  // Other processes taking cores skew the figure (a low floor flatters every ratio):
  // wait for a quiet machine, and measure again (up to twice) if it got busy meanwhile.
  const attempt = async () => {
    await settle(server.pid);
    await waitForQuiet();
    let watch: { stop(): Promise<CpuShares> } | undefined;
    const result = await run({ onMeasure: async () => void (watch = await watchCpu(server.pid)) });
    const cpu = (await watch?.stop()) ?? { server: NaN, foreignCores: NaN, foreignTop: [] };
    return { result, cpu };
  };
  let best = await attempt();
  for (let tries = 1; tries < 3 && best.cpu.foreignCores > BUSY_CORES; tries++) {
    log(`  ${what}: other processes used ${best.cpu.foreignCores.toFixed(2)} cores; measuring again`);
    const next = await attempt();
    if (next.cpu.foreignCores < best.cpu.foreignCores) best = next;
  }
  const { result, cpu } = best;
  const cpuMicros = (cpu.server * 1e6) / result.answers;
  log(
    `  ${what}: ${Math.round(result.requestsPerSecond).toLocaleString("en-US")} ok/s, ${(result.bytesPerSecond / 1e6).toFixed(1)} MB/s, ` +
      `server CPU ${cpuMicros.toFixed(0)} µs/answer${result.non2xx ? `, ${result.non2xx} non-2xx` : ""}${result.errors ? `, ${result.errors} errors/timeouts` : ""}, ` +
      `other processes ${cpu.foreignCores.toFixed(2)} cores${cpu.foreignTop.length ? ` (${cpu.foreignTop.join(", ")})` : ""}`,
  );
  if (result.errors || result.non2xx) notes.push(`${who} ${what}: ${result.errors} errors or timeouts, ${result.non2xx} non-2xx answers (only 2xx answers count).`);
  if (cpu.foreignCores > BUSY_CORES) {
    notes.push(`${who} ${what}: other processes used ${cpu.foreignCores.toFixed(1)} cores meanwhile (of ${cpus().length}), in three tries; this figure is likely depressed.`);
  }
  return { ...result, cpuMicros };
}

/**
 * Waits until a server stops using CPU (at most 30 s), so work queued by one
 * measurement (s3rver keeps answering a timed-out listing backlog for seconds)
 * does not eat into the next one.
 */
export async function settle(pid: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  let last = await processCpuSeconds(pid);
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    const now = await processCpuSeconds(pid);
    if (now - last <= 0.02) return;
    last = now;
  }
}


/** Rounds of back-to-back floor and Nimbus measurements behind each figure rated against the floor. */
const PAIRS = Math.max(1, Math.floor(Number(process.env.BENCH_PAIRS ?? 3)) || 3);

export interface Pair {
  floor: Measured;
  nimbus: Measured;
}

/**
 * A figure rated against the floor: the floor, then Nimbus, measured back
 * to back, PAIRS times over. This machine's speed drifts by a fifth or more
 * within minutes (the floor alone has read 43,000 and 61,000 req/s in one
 * evening), so a floor measured minutes away from Nimbus makes the ratio
 * as much a reading of the drift as of Nimbus. Each pair shares its
 * moment; the pair whose ratio is the median is kept, and every pair's
 * ratio is noted.
 */
export async function paired(what: string, floor: () => Promise<Measured>, nimbus: () => Promise<Measured>, notes: string[]): Promise<Pair> {
  const pairs: Pair[] = [];
  for (let i = 0; i < PAIRS; i++) pairs.push({ floor: await floor(), nimbus: await nimbus() });
  const ratio = (p: Pair) => p.nimbus.requestsPerSecond / p.floor.requestsPerSecond;
  if (pairs.length > 1) {
    const each = pairs.map((p) => `${(ratio(p) * 100).toFixed(1)}% (${Math.round(p.nimbus.requestsPerSecond).toLocaleString("en-US")} / ${Math.round(p.floor.requestsPerSecond).toLocaleString("en-US")})`);
    notes.push(`${what}: Nimbus / floor in ${pairs.length} back-to-back pairs: ${each.join(", ")}; the table shows the median pair.`);
  }
  // The median pair; of an even number, the lower of the middle two.
  return [...pairs].sort((a, b) => ratio(a) - ratio(b))[Math.floor((pairs.length - 1) / 2)]!;
}
