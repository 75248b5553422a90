/**
 * boto3 smoke tests: the same S3 flows from Python, including presigned
 * URLs from boto3's default signer (SigV2 or SigV4) and expired ones.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ROOT, startCloud, tempDir, type TestCloud } from "../support/nimbus.js";
import { awsEnv, runTool, toolMissing } from "../support/tools.js";

const skip = await toolMissing("python3", ["-c", "import boto3"]);
const SCRIPT = join(ROOT, "test/boto3/s3_smoke.py");

describe("boto3: S3", { skip }, () => {
  let t: TestCloud;
  let work: string;
  before(async () => {
    t = await startCloud();
    work = await tempDir("nimbus-boto3-");
  });
  after(() => t.stop());

  const smoke = async (name: string): Promise<void> => {
    const result = await runTool("python3", [SCRIPT, name], awsEnv({ AWS_ENDPOINT_URL: t.cloud.endpoint, WORK_DIR: work }));
    assert.equal(result.code, 0, `${name}:\n${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /^OK$/m);
  };

  it("buckets, objects, ranges, paging, copy, multipart, batch delete", () => smoke("flows"));
  it("managed transfers: upload_file and download_file", () => smoke("transfer"));
  it("presigned URLs: default, SigV2 and SigV4 signers; tampered and expired", () => smoke("presign"));
  it("IAM and STS, including a region-less credential scope", () => smoke("identity"));
});
