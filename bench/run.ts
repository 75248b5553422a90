/**
 * `npm run bench -- [suite…]` (s3, iam, dynamodb; default s3): runs benchmark suites, prints
 * their tables and records them in BENCHMARKS.md.
 */
import { machine, record, table, type SuiteResult } from "./lib/report.js";
import { runDynamodbSuite } from "./dynamodb.js";
import { runIamSuite } from "./iam.js";
import { runS3Suite } from "./s3.js";

const SUITES: Record<string, (log: (line: string) => void) => Promise<SuiteResult>> = { s3: runS3Suite, iam: runIamSuite, dynamodb: runDynamodbSuite };

const requested = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const names = requested.length ? requested : ["s3"];
const unknown = names.filter((name) => !(name in SUITES));
if (unknown.length) {
  console.error(`unknown suite ${unknown.join(", ")}; suites: ${Object.keys(SUITES).join(", ")}`);
  process.exit(2);
}
console.error(`machine: ${machine()}`);
for (const name of names) {
  const started = performance.now();
  const suite = SUITES[name];
  if (!suite) continue;
  const result = await suite((line) => console.error(`[${name}] ${line}`));
  console.log(`\n## ${name}\n\n${table(result.rows, result.peer)}\n${result.notes.map((n) => `- ${n}`).join("\n")}\n`);
  await record(name, `npm run bench -- ${name}`, result);
  console.error(`[${name}] done in ${((performance.now() - started) / 1000).toFixed(0)} s; BENCHMARKS.md updated`);
}
