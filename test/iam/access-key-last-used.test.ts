/**
 * GetAccessKeyLastUsed through the SDK: a key never used answers N/A; a
 * key that authenticated a request answers when, with which service and in
 * which region (IAM's, being global, in us-east-1); a failed signature is
 * no use; the last use survives a restart.
 */
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { CreateAccessKeyCommand, CreateUserCommand, GetAccessKeyLastUsedCommand, GetUserCommand, IAMClient } from "@aws-sdk/client-iam";
import { ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { start } from "../../src/index.js";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";

describe("IAM GetAccessKeyLastUsed", () => {
  let t: TestCloud;
  let admin: IAMClient;
  let key: { accessKeyId: string; secretAccessKey: string };
  const clients: { destroy(): void }[] = [];
  const track = <C extends { destroy(): void }>(c: C) => (clients.push(c), c);
  const lastUsed = async () => admin.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.accessKeyId }));
  /** Whole seconds, as IAM answers dates. */
  const second = (ms: number) => Math.floor(ms / 1000) * 1000;

  before(async () => {
    t = await startCloud();
    admin = track(new IAMClient(t.cloud.clientConfig));
    await admin.send(new CreateUserCommand({ UserName: "worker" }));
    const made = await admin.send(new CreateAccessKeyCommand({ UserName: "worker" }));
    key = { accessKeyId: made.AccessKey!.AccessKeyId!, secretAccessKey: made.AccessKey!.SecretAccessKey! };
  });
  after(async () => {
    for (const c of clients) c.destroy();
    await t.stop();
  });

  it("answers N/A and no date for a key never used", async () => {
    const answer = await lastUsed();
    assert.equal(answer.UserName, "worker");
    assert.deepEqual(answer.AccessKeyLastUsed, { ServiceName: "N/A", Region: "N/A" });
  });

  it("does not count a request whose signature failed", async () => {
    const wrong = track(new S3Client({ ...t.cloud.clientConfig, region: "eu-west-1", credentials: { ...key, secretAccessKey: "wrong" } }));
    await rejectsWith(wrong.send(new ListBucketsCommand({})), "SignatureDoesNotMatch", 403);
    assert.deepEqual((await lastUsed()).AccessKeyLastUsed, { ServiceName: "N/A", Region: "N/A" });
  });

  it("records the service and region of each authenticated use", async () => {
    const before = second(Date.now());
    await track(new S3Client({ ...t.cloud.clientConfig, region: "eu-west-1", credentials: key })).send(new ListBucketsCommand({}));
    let used = (await lastUsed()).AccessKeyLastUsed!;
    assert.equal(used.ServiceName, "s3");
    assert.equal(used.Region, "eu-west-1");
    assert.ok(used.LastUsedDate instanceof Date && used.LastUsedDate.getTime() >= before && used.LastUsedDate.getTime() <= Date.now());

    // IAM is global: whatever region the client signs with, AWS reports us-east-1.
    await track(new IAMClient({ ...t.cloud.clientConfig, region: "eu-west-1", credentials: key })).send(new GetUserCommand({}));
    used = (await lastUsed()).AccessKeyLastUsed!;
    assert.deepEqual([used.ServiceName, used.Region], ["iam", "us-east-1"]);

    await track(new STSClient({ ...t.cloud.clientConfig, region: "ap-southeast-2", credentials: key })).send(new GetCallerIdentityCommand({}));
    used = (await lastUsed()).AccessKeyLastUsed!;
    assert.deepEqual([used.ServiceName, used.Region], ["sts", "ap-southeast-2"]);
  });

  it("refuses keys it does not know as AWS does, without saying whether they exist", async () => {
    const missing = await rejectsWith(admin.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: "AKIANOTAREALKEY12345" })), "AccessDenied", 403);
    assert.match(missing.message, /^User: arn:aws:iam::\d{12}:\S+ is not authorized to perform iam:GetAccessKeyLastUsed on resource: access key AKIANOTAREALKEY12345$/);
  });

  it("keeps the last use across a restart (written on close)", async () => {
    const dataDir = t.dataDir + "-last-used";
    let cloud = await start({ dataDir });
    const root = new IAMClient(cloud.clientConfig);
    await root.send(new CreateUserCommand({ UserName: "restarts" }));
    const made = await root.send(new CreateAccessKeyCommand({ UserName: "restarts" }));
    const credentials = { accessKeyId: made.AccessKey!.AccessKeyId!, secretAccessKey: made.AccessKey!.SecretAccessKey! };
    const s3 = new S3Client({ ...cloud.clientConfig, credentials });
    await s3.send(new ListBucketsCommand({}));
    // A second use within the minute is only in memory until close.
    const sts = new STSClient({ ...cloud.clientConfig, region: "eu-central-1", credentials });
    await sts.send(new GetCallerIdentityCommand({}));
    for (const c of [root, s3, sts]) c.destroy();
    await cloud.stop();
    cloud = await start({ dataDir });
    const again = new IAMClient(cloud.clientConfig);
    try {
      const used = (await again.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: credentials.accessKeyId }))).AccessKeyLastUsed!;
      assert.deepEqual([used.ServiceName, used.Region], ["sts", "eu-central-1"]);
      assert.ok(used.LastUsedDate instanceof Date);
    } finally {
      again.destroy();
      await cloud.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
