/**
 * Table exports to S3 through the AWS SDK: the export's files laid out as
 * DynamoDB lays them out (data files, manifests and their MD5s), its
 * description and listing, ClientToken idempotency, and the refusals
 * (ScyllaDB's AWS-verified test_export.py asserts the same).
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { after, before, describe, it } from "node:test";
import {
  CreateTableCommand,
  DeleteItemCommand,
  DescribeExportCommand,
  DynamoDBClient,
  ExportTableToPointInTimeCommand,
  ListExportsCommand,
  PutItemCommand,
  UpdateContinuousBackupsCommand,
  type ExportDescription,
} from "@aws-sdk/client-dynamodb";
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { stringKeyedTable } from "../support/dynamodb.js";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";

describe("DynamoDB exports to S3", () => {
  let t: TestCloud;
  let ddb: DynamoDBClient;
  let s3: S3Client;
  let tableArn: string;
  before(async () => {
    t = await startCloud({ inMemory: true });
    ddb = new DynamoDBClient(t.cloud.clientConfig);
    s3 = t.s3();
    const created = await ddb.send(new CreateTableCommand(stringKeyedTable("exported")));
    tableArn = created.TableDescription!.TableArn!;
    await ddb.send(new UpdateContinuousBackupsCommand({ TableName: "exported", PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }));
    for (let i = 0; i < 3; i++) {
      await ddb.send(
        new PutItemCommand({
          TableName: "exported",
          Item: { id: { S: `item${i}` }, n: { N: String(i + 10) }, b: { B: Buffer.from(`bin${i}`) }, ss: { SS: ["a", "b"] }, l: { L: [{ NULL: true }, { BOOL: true }] } },
        }),
      );
    }
    await s3.send(new CreateBucketCommand({ Bucket: "exports" }));
  });
  after(async () => {
    ddb.destroy();
    await t.stop();
  });

  async function finished(arn: string): Promise<ExportDescription> {
    for (let i = 0; i < 100; i++) {
      const { ExportDescription: d } = await ddb.send(new DescribeExportCommand({ ExportArn: arn }));
      if (d!.ExportStatus !== "IN_PROGRESS") return d!;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`export ${arn} never finished`);
  }

  async function read(key: string): Promise<Buffer> {
    const { Body } = await s3.send(new GetObjectCommand({ Bucket: "exports", Key: key }));
    return Buffer.from(await Body!.transformToByteArray());
  }

  const md5 = (bytes: Buffer) => createHash("md5").update(bytes).digest("base64");

  it("writes the table's items, manifests and their checksums under the prefix, as DynamoDB lays an export out", async () => {
    const { ExportDescription: started } = await ddb.send(new ExportTableToPointInTimeCommand({ TableArn: tableArn, S3Bucket: "exports", S3Prefix: "dumps/daily" }));
    assert.equal(started!.ExportStatus, "IN_PROGRESS");
    assert.equal(started!.ExportFormat, "DYNAMODB_JSON");
    assert.equal(started!.ExportType, undefined, "named only where the request did");
    assert.ok(started!.ClientToken);
    assert.match(started!.ExportArn!, /^arn:aws:dynamodb:us-east-1:000000000000:table\/exported\/export\/0\d{13}-[0-9a-f]{8}$/);
    const done = await finished(started!.ExportArn!);
    assert.equal(done.ExportStatus, "COMPLETED");
    assert.equal(done.ItemCount, 3);
    assert.ok(done.EndTime! > done.StartTime!);
    const root = `dumps/daily/AWSDynamoDB/${started!.ExportArn!.split("/export/")[1]}/`;
    assert.equal(done.ExportManifest, `${root}manifest-summary.json`);

    const listed = await s3.send(new ListObjectsV2Command({ Bucket: "exports", Prefix: root }));
    const names = (listed.Contents ?? []).map((o) => o.Key!.slice(root.length).replace(/^data\/.*/, "data/"));
    assert.deepEqual([...new Set(names)].sort(), ["_started", "data/", "manifest-files.json", "manifest-files.md5", "manifest-summary.json", "manifest-summary.md5"]);

    const summaryBytes = await read(done.ExportManifest!);
    assert.equal((await read(`${root}manifest-summary.md5`)).toString(), md5(summaryBytes));
    const summary = JSON.parse(summaryBytes.toString()) as Record<string, unknown>;
    assert.equal(summary.exportArn, started!.ExportArn);
    assert.equal(summary.tableArn, tableArn);
    assert.equal(summary.itemCount, 3);
    assert.equal(summary.outputFormat, "DYNAMODB_JSON");
    assert.equal(summary.s3Prefix, "dumps/daily");

    const filesBytes = await read(summary.manifestFilesS3Key as string);
    assert.equal((await read(`${root}manifest-files.md5`)).toString(), md5(filesBytes));
    const items: unknown[] = [];
    for (const line of filesBytes.toString().trim().split("\n")) {
      const file = JSON.parse(line) as { itemCount: number; md5Checksum: string; dataFileS3Key: string; etag: string };
      const data = await read(file.dataFileS3Key);
      assert.equal(md5(data), file.md5Checksum);
      const lines = gunzipSync(data).toString().trim().split("\n");
      assert.equal(lines.length, file.itemCount);
      items.push(...lines.map((l) => JSON.parse(l)));
    }
    assert.deepEqual(
      items.find((i) => (i as { Item: { id: { S: string } } }).Item.id.S === "item1"),
      { Item: { id: { S: "item1" }, n: { N: "11" }, b: { B: Buffer.from("bin1").toString("base64") }, ss: { SS: ["a", "b"] }, l: { L: [{ NULL: true }, { BOOL: true }] } } },
    );
  });

  it("writes Amazon Ion when asked, numbers as decimals and sets annotated", async () => {
    const { ExportDescription: started } = await ddb.send(new ExportTableToPointInTimeCommand({ TableArn: tableArn, S3Bucket: "exports", ExportFormat: "ION", ExportType: "FULL_EXPORT" }));
    const done = await finished(started!.ExportArn!);
    assert.equal(done.ExportType, "FULL_EXPORT");
    const summary = JSON.parse((await read(done.ExportManifest!)).toString()) as { manifestFilesS3Key: string };
    const file = JSON.parse((await read(summary.manifestFilesS3Key)).toString().trim().split("\n")[0]!) as { dataFileS3Key: string };
    assert.match(file.dataFileS3Key, /\.ion\.gz$/);
    const ion = gunzipSync(await read(file.dataFileS3Key)).toString();
    assert.ok(ion.startsWith("$ion_1_0 {Item:{"));
    assert.match(ion, /"n":10\.,/);
    assert.match(ion, /"ss":\$dynamodb_SS::\["a","b"\]/);
  });

  it("describes, lists newest first in pages, and holds a ClientToken to its parameters", async () => {
    const token = "nightly-1";
    const first = await ddb.send(new ExportTableToPointInTimeCommand({ TableArn: tableArn, S3Bucket: "exports", ClientToken: token }));
    const again = await ddb.send(new ExportTableToPointInTimeCommand({ TableArn: tableArn, S3Bucket: "exports", ClientToken: token }));
    assert.equal(again.ExportDescription!.ExportArn, first.ExportDescription!.ExportArn);
    const conflict = await rejectsWith(ddb.send(new ExportTableToPointInTimeCommand({ TableArn: tableArn, S3Bucket: "exports", ClientToken: token, ExportFormat: "ION" })), "ExportConflictException", 400);
    assert.match(conflict.message, /^Duplicate request detected/);
    // Two requests with one token at once still make one export.
    const racing = () => ddb.send(new ExportTableToPointInTimeCommand({ TableArn: tableArn, S3Bucket: "exports", ClientToken: "raced" }));
    const [one, two] = await Promise.all([racing(), racing()]);
    assert.equal(one.ExportDescription!.ExportArn, two.ExportDescription!.ExportArn);

    const arns: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await ddb.send(new ListExportsCommand({ TableArn: tableArn, MaxResults: 2, NextToken }));
      assert.ok(page.ExportSummaries!.length <= 2);
      for (const summary of page.ExportSummaries!) {
        assert.equal(summary.ExportType, "FULL_EXPORT");
        arns.push(summary.ExportArn!);
      }
      NextToken = page.NextToken;
    } while (NextToken);
    assert.equal(arns.length, 4);
    assert.deepEqual(arns, [...arns].sort().reverse(), "newest first");
    assert.equal(arns[0], one.ExportDescription!.ExportArn);
    await rejectsWith(ddb.send(new ListExportsCommand({ NextToken: "0123456789abcdef" })), "ValidationException", 400);
  });

  it("fails an export to a bucket that is not there, and refuses what DynamoDB refuses", async () => {
    const { ExportDescription: started } = await ddb.send(new ExportTableToPointInTimeCommand({ TableArn: tableArn, S3Bucket: "no-such-bucket-here" }));
    const failed = await finished(started!.ExportArn!);
    assert.equal(failed.ExportStatus, "FAILED");
    assert.equal(failed.FailureCode, "S3NoSuchBucket");
    assert.match(failed.FailureMessage!, /bucket does not exist/);

    await ddb.send(new CreateTableCommand(stringKeyedTable("unrecovered")));
    const unrecovered = tableArn.replace("/exported", "/unrecovered");
    await rejectsWith(ddb.send(new ExportTableToPointInTimeCommand({ TableArn: unrecovered, S3Bucket: "exports" })), "PointInTimeRecoveryUnavailableException", 400);
    const missing = await rejectsWith(ddb.send(new ExportTableToPointInTimeCommand({ TableArn: tableArn.replace("/exported", "/absent"), S3Bucket: "exports" })), "TableNotFoundException", 400);
    assert.match(missing.message, /not found/);
    await rejectsWith(ddb.send(new ExportTableToPointInTimeCommand({ TableArn: tableArn, S3Bucket: "exports", S3Prefix: "" })), "ValidationException", 400);
    await rejectsWith(ddb.send(new ExportTableToPointInTimeCommand({ TableArn: tableArn, S3Bucket: "exports", ExportTime: new Date(0) })), "InvalidExportTimeException", 400);
    const incremental = { TableArn: tableArn, S3Bucket: "exports", ExportType: "INCREMENTAL_EXPORT" as const };
    const now = Date.now();
    await rejectsWith(
      ddb.send(new ExportTableToPointInTimeCommand({ ...incremental, IncrementalExportSpecification: { ExportFromTime: new Date(now - 60_000), ExportToTime: new Date(now) } })),
      "InvalidExportTimeException",
      400,
    );
    await rejectsWith(
      ddb.send(new ExportTableToPointInTimeCommand({ ...incremental, IncrementalExportSpecification: { ExportFromTime: new Date(now - 3_600_000), ExportToTime: new Date(now) } })),
      "InvalidExportTimeException",
      400,
    );
    await rejectsWith(ddb.send(new DescribeExportCommand({ ExportArn: tableArn })), "ValidationException", 400);
    await rejectsWith(ddb.send(new DescribeExportCommand({ ExportArn: `${tableArn}/export/01234567890123-abcdef01` })), "ExportNotFoundException", 400);
  });

  it("writes every object of an export encrypted with a KMS key under that key", async () => {
    const keyId = "1234abcd-12ab-34cd-56ef-1234567890ab";
    const { ExportDescription: started } = await ddb.send(
      new ExportTableToPointInTimeCommand({ TableArn: tableArn, S3Bucket: "exports", S3Prefix: "kms", S3SseAlgorithm: "KMS", S3SseKmsKeyId: keyId }),
    );
    const done = await finished(started!.ExportArn!);
    assert.deepEqual([done.ExportStatus, done.S3SseAlgorithm, done.S3SseKmsKeyId], ["COMPLETED", "KMS", keyId]);
    const head = await s3.send(new HeadObjectCommand({ Bucket: "exports", Key: done.ExportManifest! }));
    assert.deepEqual([head.ServerSideEncryption, head.SSEKMSKeyId], ["aws:kms", `arn:aws:kms:us-east-1:000000000000:key/${keyId}`]);
    assert.equal(JSON.parse((await read(done.ExportManifest!)).toString()).s3SseAlgorithm, "KMS");
  });
});

describe("DynamoDB exports of a past time, and incremental exports", () => {
  let t: TestCloud;
  let ddb: DynamoDBClient;
  let s3: S3Client;
  let tableArn: string;
  let offset = 0;
  let enabledAt = 0;
  const MINUTE = 60_000;
  before(async () => {
    t = await startCloud({ inMemory: true, clock: () => Date.now() + offset });
    ddb = new DynamoDBClient(t.cloud.clientConfig);
    s3 = t.s3();
    tableArn = (await ddb.send(new CreateTableCommand(stringKeyedTable("changing")))).TableDescription!.TableArn!;
    await s3.send(new CreateBucketCommand({ Bucket: "history" }));
    const put = (id: string, v: string) => ddb.send(new PutItemCommand({ TableName: "changing", Item: { id: { S: id }, v: { N: v } } }));
    const remove = (id: string) => ddb.send(new DeleteItemCommand({ TableName: "changing", Key: { id: { S: id } } }));
    await put("a", "1");
    await put("b", "1");
    const { ContinuousBackupsDescription } = await ddb.send(
      new UpdateContinuousBackupsCommand({ TableName: "changing", PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
    );
    enabledAt = ContinuousBackupsDescription!.PointInTimeRecoveryDescription!.EarliestRestorableDateTime!.getTime();
    // A minute on: "a" changes, "b" goes, "c" comes, and "d" comes and goes.
    offset += MINUTE;
    await put("a", "2");
    await remove("b");
    await put("c", "1");
    await put("d", "1");
    await remove("d");
    offset += 20 * MINUTE;
  });
  after(async () => {
    ddb.destroy();
    await t.stop();
  });

  async function lines(exportArn: string): Promise<Record<string, unknown>[]> {
    let done: ExportDescription | undefined;
    for (let i = 0; i < 100 && done?.ExportStatus !== "COMPLETED"; i++) {
      done = (await ddb.send(new DescribeExportCommand({ ExportArn: exportArn }))).ExportDescription!;
      assert.notEqual(done.ExportStatus, "FAILED", done.FailureMessage);
      if (done.ExportStatus === "IN_PROGRESS") await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const get = async (key: string) => Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: "history", Key: key }))).Body!.transformToByteArray());
    const summary = JSON.parse((await get(done!.ExportManifest!)).toString()) as { manifestFilesS3Key: string };
    const out: Record<string, unknown>[] = [];
    for (const line of (await get(summary.manifestFilesS3Key)).toString().trim().split("\n")) {
      const data = gunzipSync(await get((JSON.parse(line) as { dataFileS3Key: string }).dataFileS3Key)).toString();
      for (const row of data.split("\n")) if (row) out.push(JSON.parse(row) as Record<string, unknown>);
    }
    return out.sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
  }

  it("exports the table as it was at an ExportTime, undoing the changes since", async () => {
    const { ExportDescription } = await ddb.send(new ExportTableToPointInTimeCommand({ TableArn: tableArn, S3Bucket: "history", ExportTime: new Date(enabledAt + 1000) }));
    assert.deepEqual(await lines(ExportDescription!.ExportArn!), [{ Item: { id: { S: "a" }, v: { N: "1" } } }, { Item: { id: { S: "b" }, v: { N: "1" } } }]);
  });

  it("exports the items changed in a period, each once, with the view type asked for", async () => {
    const from = new Date(enabledAt + 1000);
    const to = new Date(enabledAt + 16 * MINUTE);
    const { ExportDescription } = await ddb.send(
      new ExportTableToPointInTimeCommand({
        TableArn: tableArn,
        S3Bucket: "history",
        ExportType: "INCREMENTAL_EXPORT",
        IncrementalExportSpecification: { ExportFromTime: from, ExportToTime: to },
      }),
    );
    assert.equal(ExportDescription!.ExportType, "INCREMENTAL_EXPORT");
    assert.deepEqual(ExportDescription!.IncrementalExportSpecification, { ExportFromTime: from, ExportToTime: to, ExportViewType: "NEW_AND_OLD_IMAGES" });
    const rows = await lines(ExportDescription!.ExportArn!);
    const stripped = rows.map(({ Metadata, ...rest }) => {
      assert.match((Metadata as { WriteTimestampMicros: { N: string } }).WriteTimestampMicros.N, /^\d{16}$/);
      return rest;
    });
    assert.deepEqual(stripped, [
      { Keys: { id: { S: "a" } }, NewImage: { id: { S: "a" }, v: { N: "2" } }, OldImage: { id: { S: "a" }, v: { N: "1" } } },
      { Keys: { id: { S: "b" } }, OldImage: { id: { S: "b" }, v: { N: "1" } } },
      { Keys: { id: { S: "c" } }, NewImage: { id: { S: "c" }, v: { N: "1" } } },
    ]);

    const newOnly = await ddb.send(
      new ExportTableToPointInTimeCommand({
        TableArn: tableArn,
        S3Bucket: "history",
        ExportType: "INCREMENTAL_EXPORT",
        IncrementalExportSpecification: { ExportFromTime: from, ExportToTime: to, ExportViewType: "NEW_IMAGE" },
      }),
    );
    assert.deepEqual(
      (await lines(newOnly.ExportDescription!.ExportArn!)).map(({ Metadata: _m, ...rest }) => rest),
      [{ Keys: { id: { S: "a" } }, NewImage: { id: { S: "a" }, v: { N: "2" } } }, { Keys: { id: { S: "b" } } }, { Keys: { id: { S: "c" } }, NewImage: { id: { S: "c" }, v: { N: "1" } } }],
    );
    // A later period of the window saw no change.
    const quiet = await ddb.send(
      new ExportTableToPointInTimeCommand({
        TableArn: tableArn,
        S3Bucket: "history",
        ExportType: "INCREMENTAL_EXPORT",
        IncrementalExportSpecification: { ExportFromTime: new Date(enabledAt + 2 * MINUTE), ExportToTime: new Date(enabledAt + 20 * MINUTE) },
      }),
    );
    assert.deepEqual(await lines(quiet.ExportDescription!.ExportArn!), []);
  });

  it("refuses a period longer than a day, or outside the recovery window", async () => {
    const ask = (from: number, to: number) =>
      ddb.send(
        new ExportTableToPointInTimeCommand({
          TableArn: tableArn,
          S3Bucket: "history",
          ExportType: "INCREMENTAL_EXPORT",
          IncrementalExportSpecification: { ExportFromTime: new Date(from), ExportToTime: new Date(to) },
        }),
      );
    await rejectsWith(ask(enabledAt - 25 * 60 * MINUTE, enabledAt), "InvalidExportTimeException", 400);
    await rejectsWith(ask(enabledAt - 20 * MINUTE, enabledAt), "InvalidExportTimeException", 400);
    await rejectsWith(ask(enabledAt, enabledAt + 60 * MINUTE), "InvalidExportTimeException", 400);
  });
});
