/** Results as a markdown table, and BENCHMARKS.md. */
import { execFileSync } from "node:child_process";
import { cpus, release, totalmem } from "node:os";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ROOT } from "./servers.js";

export interface Row {
  metric: string;
  unit: string;
  nimbus: number;
  floor?: number;
  peer?: number;
  target: string;
  pass?: boolean;
}

export interface SuiteResult {
  rows: Row[];
  /** Caveats seen during the run (errors, non-2xx answers), printed under the table. */
  notes: string[];
  /** What the peer column holds (default: s3rver). */
  peer?: string;
}

/** Rates read higher-is-better, as a share of the floor; times and sizes as multiples. */
const isRate = (unit: string) => unit.endsWith("/s");

const num = (n: number | undefined) =>
  n === undefined || !Number.isFinite(n) ? "—" : n >= 100 ? Math.round(n).toLocaleString("en-US") : n >= 10 ? n.toFixed(1) : n.toFixed(2);

function ratio(nimbus: number, reference: number | undefined, unit: string, style: "share" | "times"): string {
  if (reference === undefined || !(reference > 0)) return "—";
  const r = nimbus / reference;
  if (style === "share" && isRate(unit)) return `${r >= 0.1 ? (r * 100).toFixed(0) : (r * 100).toFixed(1)}%`;
  return `${r >= 10 ? r.toFixed(0) : r.toFixed(2)}×`;
}

export function table(rows: Row[], peer = "s3rver"): string {
  const lines = [
    `| metric | unit | Nimbus | floor | ${peer} | Nimbus / floor | Nimbus / ${peer} | target | |`,
    "|---|---|---:|---:|---:|---:|---:|---|---|",
  ];
  for (const r of rows) {
    const verdict = r.pass === undefined ? "" : r.pass ? "PASS" : "FAIL";
    lines.push(
      `| ${r.metric} | ${r.unit} | ${num(r.nimbus)} | ${num(r.floor)} | ${num(r.peer)} | ${ratio(r.nimbus, r.floor, r.unit, "share")} | ${ratio(r.nimbus, r.peer, r.unit, "times")} | ${r.target} | ${verdict} |`,
    );
  }
  return lines.join("\n");
}

export function machine(): string {
  const cpu = cpus()[0]?.model.trim() ?? "unknown CPU";
  return `${cpu} (${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB), Linux ${release()}, Node ${process.version}`;
}

/** The commit measured, marked when the working tree (built into dist/) differs from it. */
function revision(): string {
  try {
    const git = (...args: string[]) => execFileSync("git", args, { cwd: ROOT, encoding: "utf8" }).trim();
    const dirty = git("status", "--porcelain", "--untracked-files=no", "--", "src").length > 0;
    return `${git("rev-parse", "--short", "HEAD")}${dirty ? " + uncommitted changes in src/" : ""}`;
  } catch {
    return "unknown revision";
  }
}

/** Replaces this suite's section of BENCHMARKS.md (or appends it); the rest of the file is left as written. */
export async function record(suite: string, command: string, result: SuiteResult): Promise<void> {
  const path = join(ROOT, "BENCHMARKS.md");
  let text = "";
  try {
    text = await readFile(path, "utf8");
  } catch {
    text = HEADER;
  }
  const notes = result.notes.length ? `\n${result.notes.map((n) => `- ${n}`).join("\n")}\n` : "";
  const section =
    `<!-- ${suite}:start -->\n## ${suite}\n\n` +
    `Run ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC with \`${command}\` at ${revision()}, on ${machine()}.\n\n` +
    `${table(result.rows, result.peer)}\n${notes}<!-- ${suite}:end -->`;
  const pattern = new RegExp(`<!-- ${suite}:start -->[\\s\\S]*<!-- ${suite}:end -->`);
  text = pattern.test(text) ? text.replace(pattern, () => section) : `${text.trimEnd()}\n\n${section}\n`;
  await writeFile(path, text);
}

const HEADER = `# Benchmarks

Every figure is measured in one run beside its references, on the same
machine: the floor is a bare \`node:http\` server (the most any Node
server can do here), the peer is [s3rver](https://github.com/jamhall/s3rver)
from npm. See the method notes below each suite.
`;
