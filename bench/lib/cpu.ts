/**
 * CPU spent on the machine during a measurement by anything other than the
 * server measured and this load generator: other processes (a test run, a
 * build) take cores from the server and skew its figure, so the report
 * flags measurements taken on a busy machine.
 */
import { readdir, readFile } from "node:fs/promises";

/** Linux's USER_HZ, the unit of /proc times; 100 on every mainstream build. */
const TICKS_PER_SECOND = 100;

async function machineBusySeconds(): Promise<number> {
  const line = (await readFile("/proc/stat", "utf8")).split("\n", 1)[0] ?? "";
  // cpu user nice system idle iowait irq softirq steal …
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / TICKS_PER_SECOND;
}

export async function processCpuSeconds(pid: number): Promise<number> {
  try {
    const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime + stime
  } catch {
    return 0; // exited
  }
}

const selfSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

export interface CpuShares {
  /** CPU seconds the server used. */
  server: number;
  /** Average number of cores used by other processes (not the server, not this load generator). */
  foreignCores: number;
  /** The other processes that used the most, as `name (cores)`. */
  foreignTop: string[];
}

/** CPU seconds and name of every process, to name what else ran. */
async function allProcesses(): Promise<Map<number, { name: string; seconds: number }>> {
  const out = new Map<number, { name: string; seconds: number }>();
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, "utf8");
      const close = stat.lastIndexOf(") ");
      const name = stat.slice(stat.indexOf("(") + 1, close);
      const fields = stat.slice(close + 2).split(" ");
      out.set(Number(entry), { name, seconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND });
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/** Starts watching the machine's and the server's CPU time until `stop()`. */
export async function watchCpu(serverPid: number): Promise<{ stop(): Promise<CpuShares> }> {
  const started = performance.now();
  const machine0 = await machineBusySeconds();
  const server0 = await processCpuSeconds(serverPid);
  const self0 = selfSeconds();
  const processes0 = await allProcesses();
  return {
    async stop() {
      const machine = (await machineBusySeconds()) - machine0;
      const server = (await processCpuSeconds(serverPid)) - server0;
      const self = selfSeconds() - self0;
      const seconds = (performance.now() - started) / 1000;
      const processes = await allProcesses();
      const foreignTop = [...processes]
        .filter(([pid]) => pid !== serverPid && pid !== process.pid)
        .map(([pid, p]) => ({ name: p.name, cores: (p.seconds - (processes0.get(pid)?.seconds ?? 0)) / seconds }))
        .filter((p) => p.cores >= 0.05)
        .sort((a, b) => b.cores - a.cores)
        .slice(0, 3)
        .map((p) => `${p.name} (${p.cores.toFixed(2)})`);
      return { server, foreignCores: Math.max(0, (machine - server - self) / seconds), foreignTop };
    },
  };
}

/**
 * Waits until the rest of the machine is quiet: a 250 ms window in which
 * processes other than this one used less than `cores`. Gives up after
 * `timeoutMs`; returns the last window's figure.
 */
export async function waitForQuiet(timeoutMs = 30_000, cores = 0.2): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const started = performance.now();
    const machine0 = await machineBusySeconds();
    const self0 = selfSeconds();
    await new Promise((r) => setTimeout(r, 250));
    const busy = ((await machineBusySeconds()) - machine0 - (selfSeconds() - self0)) / ((performance.now() - started) / 1000);
    if (busy < cores || performance.now() >= deadline) return busy;
  }
}
