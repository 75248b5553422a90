/**
 * S3 conformance checks from boto3, in the style of Ceph's s3-tests:
 * listing edge cases, bucket names, conditions, ranges, copy, multipart,
 * tagging, error documents (s3_conformance.py); bucket versioning
 * (s3_versioning.py), CORS (s3_cors.py), browser form uploads
 * (s3_post_object.py), lifecycle rules (s3_lifecycle.py), static website
 * hosting (s3_website.py) and Object Lock (s3_object_lock.py), each check
 * an answer AWS was recorded giving. Each script runs every check and
 * lists each failure.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ROOT, startCloud, type TestCloud } from "../support/nimbus.js";
import { awsEnv, runTool, toolMissing } from "../support/tools.js";

const skip = await toolMissing("python3", ["-c", "import boto3"]);
const SCRIPT = join(ROOT, "test/boto3/s3_conformance.py");
const VERSIONING = join(ROOT, "test/boto3/s3_versioning.py");
const CORS = join(ROOT, "test/boto3/s3_cors.py");
const POST_OBJECT = join(ROOT, "test/boto3/s3_post_object.py");
const LIFECYCLE = join(ROOT, "test/boto3/s3_lifecycle.py");
const WEBSITE = join(ROOT, "test/boto3/s3_website.py");
const OBJECT_LOCK = join(ROOT, "test/boto3/s3_object_lock.py");

describe("boto3: S3 conformance (s3-tests style)", { skip }, () => {
  let t: TestCloud;
  before(async () => {
    t = await startCloud({ inMemory: true });
  });
  after(() => t.stop());

  it("passes every check", async () => {
    const result = await runTool("python3", [SCRIPT], awsEnv({ AWS_ENDPOINT_URL: t.cloud.endpoint }));
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    // A soft check (an answer only inferred) fails here too: every check can fail.
    assert.doesNotMatch(result.stdout, /^\s*WARN\b/m);
    assert.match(result.stdout, /^OK$/m);
  });

  it("passes every versioning check", async () => {
    const result = await runTool("python3", [VERSIONING], awsEnv({ AWS_ENDPOINT_URL: t.cloud.endpoint }));
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    // A soft check (an answer only inferred) fails here too: every check can fail.
    assert.doesNotMatch(result.stdout, /^\s*WARN\b/m);
    assert.match(result.stdout, /^\d+ passed, 0 failed/m);
  });

  it("passes every CORS check", async () => {
    const result = await runTool("python3", [CORS], awsEnv({ AWS_ENDPOINT_URL: t.cloud.endpoint }));
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    // A soft check (an answer only inferred) fails here too: every check can fail.
    assert.doesNotMatch(result.stdout, /^\s*WARN\b/m);
    assert.match(result.stdout, /^summary: \d+ passed, 0 failed, 0 errors/m);
  });

  it("passes every lifecycle check", async () => {
    const result = await runTool("python3", [LIFECYCLE], awsEnv({ AWS_ENDPOINT_URL: t.cloud.endpoint }));
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    // A soft check (an answer only inferred) fails here too: every check can fail.
    assert.doesNotMatch(result.stdout, /^\s*WARN\b/m);
    assert.match(result.stdout, /^summary: \d+ passed, 0 failed/m);
  });

  it("passes every website check", async () => {
    const result = await runTool("python3", [WEBSITE], awsEnv({ AWS_ENDPOINT_URL: t.cloud.endpoint }));
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    // A soft check (an answer only inferred) fails here too: every check can fail.
    assert.doesNotMatch(result.stdout, /^\s*WARN\b/m);
    assert.match(result.stdout, /^summary: \d+ passed, 0 failed/m);
  });

  it("passes every Object Lock check", async () => {
    const result = await runTool("python3", [OBJECT_LOCK], awsEnv({ AWS_ENDPOINT_URL: t.cloud.endpoint }));
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    // A soft check (an answer only inferred) fails here too: every check can fail.
    assert.doesNotMatch(result.stdout, /^\s*WARN\b/m);
    assert.match(result.stdout, /^summary: \d+ passed, 0 failed/m);
  });

  it("passes every POST form check, an unknown key's against a strict-mode server", async () => {
    const strict = await startCloud({ inMemory: true, auth: "strict" });
    try {
      const env = awsEnv({ AWS_ENDPOINT_URL: t.cloud.endpoint, NIMBUS_STRICT_ENDPOINT_URL: strict.cloud.endpoint });
      const result = await runTool("python3", [POST_OBJECT], env);
      assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
      // A soft check (an answer only inferred) fails here too: every check can fail.
      assert.doesNotMatch(result.stdout, /^\s*WARN\b/m);
      assert.match(result.stdout, /^summary: \d+ passed, 0 failed/m);
    } finally {
      await strict.stop();
    }
  });
});
