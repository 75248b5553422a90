#!/usr/bin/env node
// Copies the official AWS service models Nimbus implements into models/,
// stripped of documentation. Source: botocore's data folder (the full models,
// with enums and length constraints that the minified SDK models drop).
// Usage: npm run models   (needs python3 with botocore, as on these machines)
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

/** service file name in models/ → botocore folder/version */
const SERVICES = {
  s3: "s3/2006-03-01",
  iam: "iam/2010-05-08",
  sts: "sts/2011-06-15",
  dynamodb: "dynamodb/2012-08-10",
  "dynamodbstreams": "dynamodbstreams/2012-08-10",
  lambda: "lambda/2015-03-31",
};

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const botocore = execFileSync("python3", ["-c", "import botocore, os; print(os.path.dirname(botocore.__file__))"], { encoding: "utf8" }).trim();

for (const [name, folder] of Object.entries(SERVICES)) {
  const base = join(botocore, "data", folder, "service-2.json");
  const text = existsSync(base) ? readFileSync(base, "utf8") : gunzipSync(readFileSync(`${base}.gz`)).toString("utf8");
  const model = JSON.parse(text, (key, value) => (key === "documentation" || key === "documentationUrl" ? undefined : value));
  const header = { _generated: `Do not edit: copied from botocore ${folder} by scripts/sync-models.js` };
  writeFileSync(join(root, "models", `${name}.json`), JSON.stringify({ ...header, ...model }) + "\n");
  console.log(`models/${name}.json  ${Object.keys(model.operations).length} operations`);
}
