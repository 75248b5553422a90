/**
 * S3 server access logging: PutBucketLogging's checks, and records in S3's
 * log format delivered as objects to a target bucket that lets log
 * delivery write.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CreateBucketCommand,
  GetBucketLoggingCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketLoggingCommand,
  PutBucketPolicyCommand,
  PutBucketWebsiteCommand,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { rawRequest } from "../support/raw.js";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";

/** The policy AWS's documentation gives a target bucket for server access logs. */
const logDeliveryPolicy = (target: string) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "logging.s3.amazonaws.com" }, Action: "s3:PutObject", Resource: `arn:aws:s3:::${target}/*` }],
  });

/**
 * The log lines delivered under a prefix, waiting (deliveries come every
 * 0.2 s here) until there is a record of each operation named: records of
 * earlier requests may come in the same or an earlier delivery.
 */
async function deliveredLines(s3: S3Client, Bucket: string, Prefix: string, operations: readonly string[]): Promise<{ keys: string[]; lines: string[] }> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket, Prefix }));
    const keys = (listed.Contents ?? []).map((o) => o.Key!);
    const lines: string[] = [];
    for (const Key of keys) {
      const text = await (await s3.send(new GetObjectCommand({ Bucket, Key }))).Body!.transformToString();
      lines.push(...text.trimEnd().split("\n"));
    }
    if (operations.every((operation) => lines.some((line) => fields(line)[6] === operation))) return { keys, lines };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { keys: [], lines: [] };
}

/** A record's fields: quoted and bracketed fields kept whole. */
const fields = (line: string) => line.match(/"(?:[^"\\]|\\.)*"|\[[^\]]*\]|\S+/g) ?? [];

describe("S3 server access logging", () => {
  let t: TestCloud;
  let s3: S3Client;
  before(async () => {
    t = await startCloud({ s3LogDeliverySeconds: 0.2 });
    s3 = t.s3();
    for (const Bucket of ["logged", "log-target", "log-closed"]) await s3.send(new CreateBucketCommand({ Bucket }));
    await s3.send(new PutBucketPolicyCommand({ Bucket: "log-target", Policy: logDeliveryPolicy("log-target") }));
  });
  after(() => t.stop());

  it("refuses a target that is missing, elsewhere, another account's, or given grants without ACLs", async () => {
    const logTo = (TargetBucket: string, extra: object = {}) =>
      s3.send(new PutBucketLoggingCommand({ Bucket: "logged", BucketLoggingStatus: { LoggingEnabled: { TargetBucket, TargetPrefix: "logs/", ...extra } } }));
    const missing = await rejectsWith(logTo("no-such-target"), "InvalidTargetBucketForLogging", 400);
    assert.equal(missing.message, "The target bucket for logging does not exist");
    await s3.send(new CreateBucketCommand({ Bucket: "log-west", CreateBucketConfiguration: { LocationConstraint: "us-west-2" } }));
    const west = await rejectsWith(logTo("log-west"), "CrossLocationLoggingProhibitted", 403);
    assert.equal(west.message, "Cross S3 location logging not allowed. ");
    const other = t.s3({ credentials: { accessKeyId: "333333333333", secretAccessKey: "test" } });
    await other.send(new CreateBucketCommand({ Bucket: "log-foreign" }));
    await rejectsWith(logTo("log-foreign"), "InvalidTargetBucketForLogging", 400);
    const grants = { TargetGrants: [{ Grantee: { Type: "Group" as const, URI: "http://acs.amazonaws.com/groups/global/AllUsers" }, Permission: "READ" as const }] };
    await rejectsWith(logTo("log-target", grants), "AccessControlListNotSupported", 400);
    await rejectsWith(logTo("log-target", { TargetObjectKeyFormat: { SimplePrefix: {}, PartitionedPrefix: { PartitionDateSource: "EventTime" } } }), "MalformedXML", 400);
    // Without its target bucket or prefix (which S3's schema requires) the configuration is malformed, not a crash.
    for (const LoggingEnabled of [{ TargetPrefix: "logs/" }, { TargetBucket: "log-target" }, {}]) {
      await rejectsWith(s3.send(new PutBucketLoggingCommand({ Bucket: "logged", BucketLoggingStatus: { LoggingEnabled: LoggingEnabled as never } })), "MalformedXML", 400);
    }
    assert.equal((await s3.send(new GetBucketLoggingCommand({ Bucket: "logged" }))).LoggingEnabled, undefined);
  });

  it("delivers a record of each request in S3's format to the target, under its prefix", async () => {
    const format = { PartitionedPrefix: { PartitionDateSource: "EventTime" as const } };
    await s3.send(new PutBucketLoggingCommand({ Bucket: "logged", BucketLoggingStatus: { LoggingEnabled: { TargetBucket: "log-target", TargetPrefix: "logs/", TargetObjectKeyFormat: format } } }));
    assert.deepEqual((await s3.send(new GetBucketLoggingCommand({ Bucket: "logged" }))).LoggingEnabled, {
      TargetBucket: "log-target",
      TargetPrefix: "logs/",
      TargetObjectKeyFormat: format,
    });
    const put = await s3.send(new PutObjectCommand({ Bucket: "logged", Key: "dir/hello world.txt", Body: "hello" }));
    await s3.send(new GetObjectCommand({ Bucket: "logged", Key: "dir/hello world.txt" }));
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: "logged", Key: "missing" })), "NotFound", 404);

    const { keys, lines } = await deliveredLines(s3, "log-target", "logs/", ["REST.PUT.OBJECT", "REST.GET.OBJECT", "REST.HEAD.OBJECT"]);
    const today = new Date().toISOString().slice(0, 10);
    assert.match(keys[0]!, new RegExp(`^logs/000000000000/us-east-1/logged/${today.replaceAll("-", "/")}/${today}-00-00-00-[0-9A-F]{16}$`));
    const records = lines.map(fields);
    const written = records.find((r) => r[6] === "REST.PUT.OBJECT")!;
    assert.equal(written[1], "logged");
    assert.match(written[2]!, /^\[\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000\]$/);
    assert.equal(written[5], put.$metadata.requestId);
    assert.equal(written[7], "dir/hello%20world.txt");
    assert.equal(written[8], '"PUT /logged/dir/hello%20world.txt?x-id=PutObject HTTP/1.1"');
    assert.equal(written[9], "200");
    assert.equal(written[12], "5");
    assert.deepEqual(written.slice(19, 21), ["SigV4", "-"]);
    assert.equal(written[21], "AuthHeader");
    const read = records.find((r) => r[6] === "REST.GET.OBJECT")!;
    assert.deepEqual([read[9], read[11], read[12]], ["200", "5", "5"]);
    const miss = records.find((r) => r[6] === "REST.HEAD.OBJECT")!;
    assert.deepEqual([miss[7], miss[9], miss[10]], ["missing", "404", "NoSuchKey"]);
    // The deliveries themselves are not logged, and the target's own requests go nowhere.
    assert.equal(records.filter((r) => r[1] === "log-target").length, 0);
  });

  it("keeps each record on one line whatever a request carries", async () => {
    await s3.send(new PutBucketLoggingCommand({ Bucket: "logged", BucketLoggingStatus: { LoggingEnabled: { TargetBucket: "log-target", TargetPrefix: "forged/" } } }));
    const forged = await rawRequest(t.cloud.endpoint, {
      method: "GET",
      path: "/logged/k",
      query: { versionId: 'abc def\n1 2 3 "evil' },
      anonymous: true,
      headers: { "user-agent": 'agent "quoted"' },
    });
    assert.equal(forged.status, 403);
    // The GET's record, and any other delivered here, each on its own line.
    const { lines } = await deliveredLines(s3, "log-target", "forged/", ["REST.GET.OBJECT"]);
    for (const line of lines) assert.match(line, /^[0-9a-f]{64} \S+ \[[^\]]+\] /);
    const record = fields(lines.find((line) => line.includes("REST.GET.OBJECT"))!);
    assert.equal(record[17], "abc%20def%0A1%202%203%20%22evil");
    assert.equal(record[16], '"agent \\"quoted\\""');
  });

  it("logs a website endpoint's answers as WEBSITE operations", async () => {
    await s3.send(new PutBucketLoggingCommand({ Bucket: "logged", BucketLoggingStatus: { LoggingEnabled: { TargetBucket: "log-target", TargetPrefix: "site/" } } }));
    await s3.send(new PutBucketWebsiteCommand({ Bucket: "logged", WebsiteConfiguration: { IndexDocument: { Suffix: "index.html" } } }));
    const host = `logged.s3-website.localhost:${new URL(t.cloud.endpoint).port}`;
    assert.equal((await rawRequest(t.cloud.endpoint, { method: "GET", path: "/page.html", anonymous: true, headers: { host } })).status, 403);
    const { lines } = await deliveredLines(s3, "log-target", "site/", ["WEBSITE.GET.OBJECT"]);
    const visit = lines.map(fields).find((r) => r[6] === "WEBSITE.GET.OBJECT");
    assert.deepEqual([visit?.[3], visit?.[4], visit?.[7], visit?.[9]], ["127.0.0.1", "-", "page.html", "403"]);
  });

  it("delivers nothing to a target that does not let log delivery write, and stops when logging is turned off", async () => {
    await s3.send(new PutBucketLoggingCommand({ Bucket: "logged", BucketLoggingStatus: { LoggingEnabled: { TargetBucket: "log-closed", TargetPrefix: "" } } }));
    await s3.send(new PutObjectCommand({ Bucket: "logged", Key: "unlogged", Body: "x" }));
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal((await s3.send(new ListObjectsV2Command({ Bucket: "log-closed" }))).KeyCount, 0);

    await s3.send(new PutBucketLoggingCommand({ Bucket: "logged", BucketLoggingStatus: {} }));
    assert.equal((await s3.send(new GetBucketLoggingCommand({ Bucket: "logged" }))).LoggingEnabled, undefined);
    const before = (await s3.send(new ListObjectsV2Command({ Bucket: "log-target" }))).KeyCount;
    await s3.send(new PutObjectCommand({ Bucket: "logged", Key: "after", Body: "x" }));
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal((await s3.send(new ListObjectsV2Command({ Bucket: "log-target" }))).KeyCount, before);
  });
});
