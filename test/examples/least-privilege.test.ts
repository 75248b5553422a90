/**
 * Scenario S7 end to end: the example under examples/least-privilege runs,
 * unchanged, against a fresh Nimbus in strict mode.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { ROOT, startCloud, type TestCloud } from "../support/nimbus.js";

const run = promisify(execFile);

describe("example: least privilege (S7)", () => {
  let t: TestCloud;
  before(async () => {
    t = await startCloud({ auth: "strict" });
  });
  after(() => t.stop());

  it("passes every check against a strict Nimbus", async () => {
    const env = { ...process.env, AWS_ENDPOINT_URL: t.cloud.endpoint, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_REGION: "us-east-1" };
    const { stdout } = await run(process.execPath, [join(ROOT, "examples/least-privilege/index.mjs")], { env, cwd: ROOT });
    const checks = stdout.split("\n").filter((line) => /^(ok|FAIL) /.test(line));
    assert.equal(checks.length, 8, stdout);
    assert.deepEqual(checks.filter((line) => !line.startsWith("ok")), [], stdout);
    assert.match(stdout, /least privilege holds/);
  });
});
