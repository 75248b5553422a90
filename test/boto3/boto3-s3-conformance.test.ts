/**
 * S3 conformance checks from boto3, in the style of Ceph's s3-tests:
 * listing edge cases, bucket names, conditions, ranges, copy, multipart,
 * tagging, error documents (s3_conformance.py); bucket versioning
 * (s3_versioning.py) and CORS (s3_cors.py), each check an answer AWS was
 * recorded giving. Each script runs every check and lists each failure.
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

describe("boto3: S3 conformance (s3-tests style)", { skip }, () => {
  let t: TestCloud;
  before(async () => {
    t = await startCloud({ inMemory: true });
  });
  after(() => t.stop());

  it("passes every check", async () => {
    const result = await runTool("python3", [SCRIPT], awsEnv({ AWS_ENDPOINT_URL: t.cloud.endpoint }));
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /^OK$/m);
  });

  it("passes every versioning check", async () => {
    const result = await runTool("python3", [VERSIONING], awsEnv({ AWS_ENDPOINT_URL: t.cloud.endpoint }));
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /^\d+ passed, 0 failed/m);
  });

  it("passes every CORS check", async () => {
    const result = await runTool("python3", [CORS], awsEnv({ AWS_ENDPOINT_URL: t.cloud.endpoint }));
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /^summary: \d+ passed, 0 failed, 0 errors/m);
  });
});
