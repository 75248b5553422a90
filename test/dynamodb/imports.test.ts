/**
 * Table imports from S3 through the AWS SDK: a table exported and imported
 * back whole, the counters and outcomes DynamoDB reports for blank, invalid
 * and duplicate lines, a missing bucket, and the ClientToken rules
 * (ScyllaDB's AWS-measured test_import.py asserts the same).
 */
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { after, before, describe, it } from "node:test";
import {
  CreateTableCommand,
  DescribeImportCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ExportTableToPointInTimeCommand,
  DescribeExportCommand,
  ImportTableCommand,
  ListImportsCommand,
  PutItemCommand,
  ScanCommand,
  UpdateContinuousBackupsCommand,
  type ImportTableDescription,
  type ImportTableCommandInput,
} from "@aws-sdk/client-dynamodb";
import { CreateBucketCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { stringKeyedTable } from "../support/dynamodb.js";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";

describe("DynamoDB imports from S3", () => {
  let t: TestCloud;
  let ddb: DynamoDBClient;
  let s3: S3Client;
  before(async () => {
    t = await startCloud({ inMemory: true });
    ddb = new DynamoDBClient(t.cloud.clientConfig);
    s3 = t.s3();
    await s3.send(new CreateBucketCommand({ Bucket: "imports" }));
  });
  after(async () => {
    ddb.destroy();
    await t.stop();
  });

  const request = (TableName: string, S3KeyPrefix: string, extra: Partial<ImportTableCommandInput> = {}): ImportTableCommandInput => ({
    S3BucketSource: { S3Bucket: "imports", S3KeyPrefix },
    InputFormat: "DYNAMODB_JSON",
    TableCreationParameters: stringKeyedTable(TableName) as ImportTableCommandInput["TableCreationParameters"],
    ...extra,
  });

  async function finished(arn: string): Promise<ImportTableDescription> {
    for (let i = 0; i < 200; i++) {
      const { ImportTableDescription: d } = await ddb.send(new DescribeImportCommand({ ImportArn: arn }));
      if (d!.ImportStatus !== "IN_PROGRESS") return d!;
      assert.equal(d!.ProcessedItemCount, 0, "counters move only at the end");
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`import ${arn} never finished`);
  }

  const scanIds = async (TableName: string) => ((await ddb.send(new ScanCommand({ TableName }))).Items ?? []).map((i) => i.id!.S).sort();

  it("imports back what a table exported, the table appearing when the import ends", async () => {
    const source = await ddb.send(new CreateTableCommand(stringKeyedTable("source")));
    await ddb.send(new UpdateContinuousBackupsCommand({ TableName: "source", PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }));
    for (const id of ["a", "b", "c"]) await ddb.send(new PutItemCommand({ TableName: "source", Item: { id: { S: id }, bin: { B: Buffer.from([0, 255]) }, set: { NS: ["1", "2.5"] } } }));
    const exported = await ddb.send(new ExportTableToPointInTimeCommand({ TableArn: source.TableDescription!.TableArn, S3Bucket: "imports", S3Prefix: "round" }));
    const exportId = exported.ExportDescription!.ExportArn!.split("/export/")[1];
    for (let i = 0; i < 100 && (await ddb.send(new DescribeExportCommand({ ExportArn: exported.ExportDescription!.ExportArn }))).ExportDescription!.ExportStatus === "IN_PROGRESS"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    const started = await ddb.send(new ImportTableCommand(request("copy", `round/AWSDynamoDB/${exportId}/data/`, { InputCompressionType: "GZIP" })));
    const initial = started.ImportTableDescription!;
    assert.equal(initial.ImportStatus, "IN_PROGRESS");
    assert.equal(initial.InputCompressionType, "GZIP");
    assert.equal(initial.EndTime, undefined);
    assert.ok(initial.ImportArn!.startsWith(`${initial.TableArn}/import/`));
    await rejectsWith(ddb.send(new DescribeTableCommand({ TableName: "copy" })), "ResourceNotFoundException", 400);
    const listed = await ddb.send(new ListImportsCommand({ TableArn: initial.TableArn }));
    assert.deepEqual(listed.ImportSummaryList?.map((s) => s.ImportStatus), ["IN_PROGRESS"]);

    const done = await finished(initial.ImportArn!);
    assert.equal(done.ImportStatus, "COMPLETED");
    assert.deepEqual([done.ProcessedItemCount, done.ImportedItemCount, done.ErrorCount], [3, 3, 0]);
    assert.ok(done.ProcessedSizeBytes! > 0);
    assert.deepEqual(await scanIds("copy"), ["a", "b", "c"]);
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName: "copy" }));
    assert.equal(Table!.TableId, initial.TableId);
    const item = (await ddb.send(new ScanCommand({ TableName: "copy" }))).Items![0]!;
    assert.deepEqual([Buffer.from(item.bin!.B!), item.set!.NS!.sort()], [Buffer.from([0, 255]), ["1", "2.5"]]);
    await rejectsWith(ddb.send(new ImportTableCommand(request("copy", "round/"))), "ResourceInUseException", 400);
  });

  it("skips blank lines, counts duplicate keys as writes, and fails on lines that are no items, keeping the rest", async () => {
    const line = (id: string, which: string) => JSON.stringify({ Item: { id: { S: id }, which: { S: which } } });
    await s3.send(new PutObjectCommand({ Bucket: "imports", Key: "mixed/1-good.json", Body: [line("x", "first"), "", "   ", line("y", "only"), line("x", "second")].join("\n") }));
    await s3.send(new PutObjectCommand({ Bucket: "imports", Key: "mixed/2-bad.json", Body: ['{"NotAnItem": {}}', line("z", "never read")].join("\n") }));
    await s3.send(new PutObjectCommand({ Bucket: "imports", Key: "mixed/3-empty.json", Body: "" }));
    const { ImportTableDescription: started } = await ddb.send(new ImportTableCommand(request("mixed", "mixed/")));
    const done = await finished(started!.ImportArn!);
    assert.equal(done.ImportStatus, "FAILED");
    assert.equal(done.FailureCode, "ItemValidationError");
    assert.deepEqual([done.ProcessedItemCount, done.ImportedItemCount, done.ErrorCount], [4, 3, 1]);
    assert.deepEqual(await scanIds("mixed"), ["x", "y"]);
  });

  it("reads DynamoDB JSON items run together on one line as separate items", async () => {
    const item = (id: string) => JSON.stringify({ Item: { id: { S: id } } });
    await s3.send(new PutObjectCommand({ Bucket: "imports", Key: "runon/1.json", Body: [item("a"), item("b"), item("c") + item("d") + item("e")].join("\n") }));
    const { ImportTableDescription: started } = await ddb.send(new ImportTableCommand(request("runon", "runon/")));
    const done = await finished(started!.ImportArn!);
    assert.equal(done.ImportStatus, "COMPLETED");
    assert.deepEqual([done.ProcessedItemCount, done.ImportedItemCount, done.ErrorCount], [5, 5, 0]);
    assert.deepEqual(await scanIds("runon"), ["a", "b", "c", "d", "e"]);
  });

  it("fails an import from a bucket that is not there, creating nothing, and completes one of an empty prefix", async () => {
    const { ImportTableDescription: nowhere } = await ddb.send(new ImportTableCommand({ ...request("nowhere", "p/"), S3BucketSource: { S3Bucket: "no-such-import-bucket" } }));
    const failed = await finished(nowhere!.ImportArn!);
    assert.deepEqual([failed.ImportStatus, failed.FailureCode], ["FAILED", "S3NoSuchBucket"]);
    await rejectsWith(ddb.send(new DescribeTableCommand({ TableName: "nowhere" })), "ResourceNotFoundException", 400);

    const { ImportTableDescription: empty } = await ddb.send(new ImportTableCommand(request("emptied", "nothing-here/")));
    const completed = await finished(empty!.ImportArn!);
    assert.equal(completed.ImportStatus, "COMPLETED");
    assert.equal(completed.ProcessedSizeBytes, 0, "reported, as zero, once the import ends (moto's AWS-verified test_import_from_empty_s3_bucket)");
    assert.deepEqual(await scanIds("emptied"), []);
  });

  it("gives a token's import back for the same table, whatever else changed, and refuses it for another", async () => {
    await s3.send(new PutObjectCommand({ Bucket: "imports", Key: "tiny/1.json.gz", Body: gzipSync(JSON.stringify({ Item: { id: { S: "t" } } })) }));
    const ClientToken = "import-once";
    const first = await ddb.send(new ImportTableCommand({ ...request("tokened", "tiny/", { InputCompressionType: "GZIP" }), ClientToken }));
    const replay = await ddb.send(new ImportTableCommand({ ...request("tokened", "elsewhere/"), ClientToken }));
    assert.equal(replay.ImportTableDescription!.ImportArn, first.ImportTableDescription!.ImportArn);
    assert.equal(replay.ImportTableDescription!.S3BucketSource!.S3KeyPrefix, "tiny/");
    const conflict = await rejectsWith(ddb.send(new ImportTableCommand({ ...request("other-table", "tiny/"), ClientToken })), "ImportConflictException", 400);
    assert.match(conflict.message, /^Duplicate request detected/);
    await finished(first.ImportTableDescription!.ImportArn!);
    await rejectsWith(ddb.send(new DescribeImportCommand({ ImportArn: `${first.ImportTableDescription!.TableArn}/import/01658528578619-0badf00d` })), "ImportNotFoundException", 400);
    await rejectsWith(ddb.send(new DescribeImportCommand({ ImportArn: "arn:aws:dynamodb:us-east-1:000000000000:table/x/import/01658528578619-c4d4e311" })), "ValidationException", 400);
    await rejectsWith(ddb.send(new ImportTableCommand({ ...request("ion", "tiny/"), InputFormat: "ION" })), "NotImplemented", 501);
  });

  it("imports CSV: strings but for key attributes, a header per object unless the request names one", async () => {
    await s3.send(new PutObjectCommand({ Bucket: "imports", Key: "csv/1.csv", Body: 'id,n,note\n1,10,"quoted, with comma"\n2,20,"a ""quote"""\n' }));
    await s3.send(new PutObjectCommand({ Bucket: "imports", Key: "csv/2.csv", Body: "id,n,note\n3,30,plain\n" }));
    const numbered = {
      TableName: "from-csv",
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "N" as const }],
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" as const }],
      BillingMode: "PAY_PER_REQUEST" as const,
    };
    const { ImportTableDescription: started } = await ddb.send(new ImportTableCommand({ ...request("from-csv", "csv/"), InputFormat: "CSV", TableCreationParameters: numbered }));
    const done = await finished(started!.ImportArn!);
    assert.deepEqual([done.ImportStatus, done.ImportedItemCount], ["COMPLETED", 3]);
    const items = (await ddb.send(new ScanCommand({ TableName: "from-csv" }))).Items!.sort((a, b) => Number(a.id!.N) - Number(b.id!.N));
    assert.deepEqual(items[0], { id: { N: "1" }, n: { S: "10" }, note: { S: "quoted, with comma" } });
    assert.deepEqual(items[1]!.note, { S: 'a "quote"' });

    await s3.send(new PutObjectCommand({ Bucket: "imports", Key: "piped/1.csv", Body: "k|v\nk2|v2\n" }));
    const { ImportTableDescription: piped } = await ddb.send(
      new ImportTableCommand({ ...request("piped", "piped/"), InputFormat: "CSV", InputFormatOptions: { Csv: { Delimiter: "|", HeaderList: ["id", "value"] } } }),
    );
    assert.equal((await finished(piped!.ImportArn!)).ImportedItemCount, 2);
    assert.deepEqual(await scanIds("piped"), ["k", "k2"]);
  });
  it("holds the table's name while importing, and fails on another owner's bucket, a gzip that is not, or a quote left open", async () => {
    const line = JSON.stringify({ Item: { id: { S: "bom" } } });
    await s3.send(new PutObjectCommand({ Bucket: "imports", Key: "held/1.json", Body: `\ufeff${line}\n` }));
    const { ImportTableDescription: held } = await ddb.send(new ImportTableCommand(request("held", "held/")));
    await rejectsWith(ddb.send(new ImportTableCommand(request("held", "held/"))), "ResourceInUseException", 400);
    await rejectsWith(ddb.send(new CreateTableCommand(stringKeyedTable("held"))), "ResourceInUseException", 400);
    const done = await finished(held!.ImportArn!);
    assert.deepEqual([done.ImportStatus, done.ImportedItemCount], ["COMPLETED", 1], "a leading byte order mark is no part of the first line");
    assert.deepEqual(await scanIds("held"), ["bom"]);

    const { ImportTableDescription: foreign } = await ddb.send(new ImportTableCommand({ ...request("foreign", "held/"), S3BucketSource: { S3Bucket: "imports", S3KeyPrefix: "held/", S3BucketOwner: "111122223333" } }));
    const denied = await finished(foreign!.ImportArn!);
    assert.deepEqual([denied.ImportStatus, denied.FailureCode], ["FAILED", "S3AccessDenied"]);
    await rejectsWith(ddb.send(new DescribeTableCommand({ TableName: "foreign" })), "ResourceNotFoundException", 400);

    const { ImportTableDescription: notGzip } = await ddb.send(new ImportTableCommand(request("not-gzip", "held/", { InputCompressionType: "GZIP" })));
    const broken = await finished(notGzip!.ImportArn!);
    assert.deepEqual([broken.ImportStatus, broken.FailureCode, broken.ErrorCount], ["FAILED", "ItemValidationError", 1]);

    await s3.send(new PutObjectCommand({ Bucket: "imports", Key: "open-quote/1.csv", Body: 'id,note\na,fine\nb,"never closed\n' }));
    const { ImportTableDescription: open } = await ddb.send(new ImportTableCommand({ ...request("open-quote", "open-quote/"), InputFormat: "CSV" }));
    const unclosed = await finished(open!.ImportArn!);
    assert.deepEqual([unclosed.ImportStatus, unclosed.ProcessedItemCount, unclosed.ImportedItemCount, unclosed.ErrorCount], ["FAILED", 2, 1, 1]);
    assert.deepEqual(await scanIds("open-quote"), ["a"]);
  });
});
