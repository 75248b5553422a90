/**
 * `npm run bench -- [suite…]`: runs benchmark suites (default: s3), prints
 * their tables and records them in BENCHMARKS.md.
 */
import { record, table, type Row } from "./lib/report.js";
import { runS3Suite } from "./s3.js";

const SUITES: Record<string, (log: (line: string) => void) => Promise<Row[]>> = { s3: runS3Suite };

const requested = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const names = requested.length ? requested : ["s3"];
for (const name of names) {
  const suite = SUITES[name];
  if (!suite) {
    console.error(`unknown suite ${name}; suites: ${Object.keys(SUITES).join(", ")}`);
    process.exit(2);
  }
  const rows = await suite((line) => console.error(`[${name}] ${line}`));
  console.log(table(rows));
  await record(name, `npm run bench -- ${name}`, rows);
}
