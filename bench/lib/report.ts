/** Results as a markdown table, and BENCHMARKS.md. */
import { cpus } from "node:os";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ROOT } from "./servers.js";

export interface Row {
  metric: string;
  unit: string;
  nimbus: number;
  floor?: number;
  peer?: number;
  ofFloor?: number;
  ofPeer?: number;
  target: string;
  pass?: boolean;
}

const num = (n: number | undefined) => (n === undefined ? "—" : n >= 100 ? Math.round(n).toLocaleString("en-US") : n.toFixed(1));
const pct = (n: number | undefined) => (n === undefined ? "—" : `${(n * 100).toFixed(0)}%`);
const times = (n: number | undefined) => (n === undefined ? "—" : `${n.toFixed(1)}×`);

export function table(rows: Row[]): string {
  const lines = [
    "| metric | unit | Nimbus | floor (node:http) | s3rver | Nimbus / floor | Nimbus / s3rver | target | |",
    "|---|---|---:|---:|---:|---:|---:|---|---|",
  ];
  for (const r of rows) {
    const verdict = r.pass === undefined ? "" : r.pass ? "PASS" : "FAIL";
    lines.push(`| ${r.metric} | ${r.unit} | ${num(r.nimbus)} | ${num(r.floor)} | ${num(r.peer)} | ${pct(r.ofFloor)} | ${times(r.ofPeer)} | ${r.target} | ${verdict} |`);
  }
  return lines.join("\n");
}

/** Replaces this suite's section of BENCHMARKS.md (or appends it). */
export async function record(suite: string, command: string, rows: Row[]): Promise<void> {
  const path = join(ROOT, "BENCHMARKS.md");
  let text = "";
  try {
    text = await readFile(path, "utf8");
  } catch {
    text = HEADER;
  }
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  const section =
    `<!-- ${suite}:start -->\n## ${suite}\n\n` +
    `Run ${new Date().toISOString().slice(0, 10)} with \`${command}\` on ${cpu} (${cpus().length} cores), Node ${process.version}.\n\n` +
    `${table(rows)}\n<!-- ${suite}:end -->`;
  const pattern = new RegExp(`<!-- ${suite}:start -->[\\s\\S]*<!-- ${suite}:end -->`);
  text = pattern.test(text) ? text.replace(pattern, section) : `${text.trimEnd()}\n\n${section}\n`;
  await writeFile(path, text);
}

const HEADER = `# Benchmarks

Every figure is measured in one run beside its references, on the same
machine: the floor is a bare \`node:http\` server answering 200 (the most
any Node server can do here), the peer is [s3rver](https://github.com/jamhall/s3rver)
from npm. Load comes from [autocannon](https://github.com/mcollina/autocannon)
replaying requests signed once (SigV4), over 32 keep-alive connections;
each server runs in its own process. Nimbus runs from \`dist/\` on a data dir
on disk, so every PUT is durable (fsync) before its 200. The 64 MiB GET
is read by curl over one keep-alive connection (a Node client tops out
near 0.6 GB/s here, well below the server). In-process \`start()\` is the
first in-memory start in a fresh process, after importing \`dist/index.js\`
(the import is shown on its own row).
`;
