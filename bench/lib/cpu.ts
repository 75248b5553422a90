/**
 * CPU spent on the machine during a measurement by anything other than the
 * server measured and this load generator: other processes (a test run, a
 * build) take cores from the server and skew its figure, so the report
 * flags measurements taken on a busy machine.
 */
import { readFile } from "node:fs/promises";

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

/** Starts watching; `stop()` returns the average number of cores others used meanwhile. */
export async function watchForeignCpu(serverPid: number): Promise<{ stop(): Promise<number> }> {
  const started = performance.now();
  const machine0 = await machineBusySeconds();
  const server0 = await processCpuSeconds(serverPid);
  const self0 = selfSeconds();
  return {
    async stop() {
      const machine = (await machineBusySeconds()) - machine0;
      const server = (await processCpuSeconds(serverPid)) - server0;
      const self = selfSeconds() - self0;
      const seconds = (performance.now() - started) / 1000;
      return Math.max(0, (machine - server - self) / seconds);
    },
  };
}
