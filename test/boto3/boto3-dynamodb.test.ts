/**
 * boto3 smoke test for DynamoDB: a table keyed hash_att (S) / range_att
 * (N); write items, read one, batch-write two, query hash_att = "A" with
 * range_att >= 5, scan — through the client and the resource API. Then the
 * DynamoDB conformance harnesses, each check an answer AWS was recorded
 * giving: tables, items, expressions, Query and Scan, tags and TTL
 * (dynamodb_conformance.py); transactions, batches, streams and PartiQL
 * (dynamodb_tx_streams.py).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ROOT, startCloud, type TestCloud } from "../support/nimbus.js";
import { awsEnv, runTool, toolMissing } from "../support/tools.js";

const skip = await toolMissing("python3", ["-c", "import boto3"]);
const SCRIPT = join(ROOT, "test/boto3/dynamodb_smoke.py");

describe("boto3: DynamoDB", { skip }, () => {
  let t: TestCloud;
  before(async () => {
    t = await startCloud();
  });
  after(() => t.stop());

  it("writes, reads, batch-writes, queries and scans", async () => {
    const result = await runTool("python3", [SCRIPT], awsEnv({ AWS_ENDPOINT_URL: t.cloud.endpoint }));
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /^OK$/m);
  });

  for (const [what, script] of [
    ["tables, items, expressions, Query and Scan", "dynamodb_conformance.py"],
    ["transactions, batches, streams and PartiQL", "dynamodb_tx_streams.py"],
  ]) {
    it(`passes every ${what} check`, async () => {
      const result = await runTool("python3", [join(ROOT, "test/boto3", script!)], awsEnv({ AWS_ENDPOINT_URL: t.cloud.endpoint }));
      assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
      // A soft check (an answer only inferred) fails here too.
      assert.doesNotMatch(result.stdout, /^\s*WARN\b/m);
      assert.match(result.stdout, /^summary: \d+ passed, 0 failed/m);
    });
  }
});
