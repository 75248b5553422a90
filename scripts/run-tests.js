#!/usr/bin/env node
// Runs every test file (src/**/*.test.ts unit tests, test/**/*.test.ts
// service tests) with node:test under tsx. Fails when no test file exists,
// so CI can never pass by running nothing. Extra arguments narrow the run:
//   npm test -- test/s3        (files whose path contains "test/s3")
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(fileURLToPath(import.meta.url), "..", "..");

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith(".test.ts")) out.push(relative(root, path).split(sep).join("/"));
  }
  return out;
}

const filters = process.argv.slice(2);
const files = [...walk(join(root, "src"), []), ...walk(join(root, "test"), [])]
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort();
if (files.length === 0) {
  console.error("run-tests: no test files found");
  process.exit(1);
}
const concurrency = process.env.NIMBUS_TEST_CONCURRENCY ?? "2";
const result = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", `--test-concurrency=${concurrency}`, "--test-reporter=spec", ...files],
  { cwd: root, stdio: "inherit" },
);
process.exit(result.status ?? 1);
