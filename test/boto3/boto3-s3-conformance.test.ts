/**
 * S3 conformance checks from boto3, in the style of Ceph's s3-tests:
 * listing edge cases, bucket names, conditions, ranges, copy, multipart,
 * tagging, error documents (s3_conformance.py); bucket versioning
 * (s3_versioning.py), CORS (s3_cors.py), browser form uploads
 * (s3_post_object.py), lifecycle rules (s3_lifecycle.py), static website
 * hosting (s3_website.py), Object Lock (s3_object_lock.py), ACLs
 * (s3_acl.py), customer-provided keys (s3_sse_c.py), server access
 * logging (s3_logging.py), replication (s3_replication.py) and more of
 * s3-tests' core cases (s3_core_ceph.py), each check
 * an answer AWS was recorded giving. Each script
 * runs every check and lists each failure.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ROOT, startCloud, type TestCloud } from "../support/nimbus.js";
import { awsEnv, runTool, toolMissing } from "../support/tools.js";

const skip = await toolMissing("python3", ["-c", "import boto3"]);
const POST_OBJECT = join(ROOT, "test/boto3/s3_post_object.py");

/** Each harness, and the summary line it ends with when every check passed. */
const HARNESSES: [what: string, script: string, passed: RegExp][] = [
  ["conformance", "s3_conformance.py", /^OK$/m],
  ["versioning", "s3_versioning.py", /^\d+ passed, 0 failed/m],
  ["CORS", "s3_cors.py", /^summary: \d+ passed, 0 failed, 0 errors/m],
  ["lifecycle", "s3_lifecycle.py", /^summary: \d+ passed, 0 failed/m],
  ["website", "s3_website.py", /^summary: \d+ passed, 0 failed/m],
  ["Object Lock", "s3_object_lock.py", /^summary: \d+ passed, 0 failed/m],
  ["ACL", "s3_acl.py", /^summary: \d+ passed, 0 failed/m],
  ["SSE-C", "s3_sse_c.py", /^summary: \d+ passed, 0 failed/m],
  ["server access logging", "s3_logging.py", /^summary: \d+ passed, 0 failed/m],
  ["replication", "s3_replication.py", /^summary: \d+ passed, 0 failed/m],
  ["core s3-tests", "s3_core_ceph.py", /^summary: \d+ passed, 0 failed/m],
];

/** A harness passed: it exited 0, ended with its summary, and warned of nothing (a soft check, an answer only inferred, fails here too). */
function assertPassed(result: { code: number | null; stdout: string; stderr: string }, passed: RegExp): void {
  assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
  assert.doesNotMatch(result.stdout, /^\s*WARN\b/m);
  assert.match(result.stdout, passed);
}

describe("boto3: S3 conformance (s3-tests style)", { skip }, () => {
  let t: TestCloud;
  before(async () => {
    // Access logs are delivered every half second, and the logging harness waits up to ten for them.
    t = await startCloud({ inMemory: true, s3LogDeliverySeconds: 0.5 });
  });
  after(() => t.stop());

  for (const [what, script, passed] of HARNESSES) {
    it(`passes every ${what} check`, async () => {
      const env = awsEnv({ AWS_ENDPOINT_URL: t.cloud.endpoint, NIMBUS_LOG_WAIT_SECONDS: "10", NIMBUS_REPLICATION_WAIT_SECONDS: "10" });
      assertPassed(await runTool("python3", [join(ROOT, "test/boto3", script)], env), passed);
    });
  }

  it("passes every POST form check, an unknown key's against a strict-mode server", async () => {
    const strict = await startCloud({ inMemory: true, auth: "strict" });
    try {
      const env = awsEnv({ AWS_ENDPOINT_URL: t.cloud.endpoint, NIMBUS_STRICT_ENDPOINT_URL: strict.cloud.endpoint });
      assertPassed(await runTool("python3", [POST_OBJECT], env), /^summary: \d+ passed, 0 failed/m);
    } finally {
      await strict.stop();
    }
  });
});
