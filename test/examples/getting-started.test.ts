/**
 * The getting-started example (scenario S4 with the plain AWS SDK: IAM,
 * NoSQL, object storage) runs, unchanged, against a fresh Nimbus.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { ROOT, startCloud, type TestCloud } from "../support/nimbus.js";

const run = promisify(execFile);

describe("example: getting started (S4)", () => {
  let t: TestCloud;
  before(async () => {
    t = await startCloud();
  });
  after(() => t.stop());

  it("passes every check against a fresh Nimbus", async () => {
    const env = { ...process.env, AWS_ENDPOINT_URL: t.cloud.endpoint, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_REGION: "us-east-1" };
    const { stdout } = await run(process.execPath, [join(ROOT, "examples/getting-started/index.mjs")], { env, cwd: ROOT });
    const checks = stdout.split("\n").filter((line) => /^(ok|FAIL) /.test(line));
    assert.equal(checks.length, 8, stdout);
    assert.deepEqual(checks.filter((line) => !line.startsWith("ok")), [], stdout);
    assert.match(stdout, /all done/);
  });
});
