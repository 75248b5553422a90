/**
 * Table exports to S3 (ExportTableToPointInTime): their records, the client
 * tokens that make a request idempotent, and the copies themselves.
 *
 * An export reads, when it is asked for, one consistent snapshot of the
 * table's items (see `Snapshot`; for a past export time, with the changes
 * since undone, see `PastSnapshot`), or for an incremental export the
 * changes of its period, and writes them to S3 through S3's own writer as
 * DynamoDB lays an export out
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/S3DataExport.Output.html):
 *
 *   <prefix/>AWSDynamoDB/<export id>/_started
 *   <prefix/>AWSDynamoDB/<export id>/data/<file id>.json.gz (or .ion.gz)
 *   <prefix/>AWSDynamoDB/<export id>/manifest-files.json and .md5
 *   <prefix/>AWSDynamoDB/<export id>/manifest-summary.json and .md5
 *
 * The answer comes at once, IN_PROGRESS; the copy goes on in the
 * background and ends COMPLETED or FAILED (a bucket that is not there).
 */
import { createHash } from "node:crypto";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { isAwsError } from "../../server/errors.js";
import type { SharedObjects } from "../../server/service.js";
import { randomBase32Hex } from "../../util/ids.js";
import { PastSnapshot, pastTime, Snapshot } from "./backup-store.js";
import { changeLine, FORMAT_FILES, itemLine, type ExportFormat } from "./export-formats.js";
import { JobLedger, yieldTurn, type JobRecord } from "./job-ledger.js";
import { keyOf } from "./keys.js";
import type { DynamoStore } from "./store.js";
import type { TableRecord } from "./tables.js";
import { itemSize, type Item } from "./values.js";

/** A data file is written once its text reaches this size (so an export holds no more in memory). */
const FILE_TEXT_BYTES = 8 * 1024 * 1024;

export type ExportStatus = "IN_PROGRESS" | "COMPLETED" | "FAILED";

export interface ExportRecord extends JobRecord {
  arn: string;
  id: string;
  accountId: string;
  region: string;
  tableName: string;
  tableArn: string;
  tableId: string;
  status: ExportStatus;
  startTime: number;
  endTime?: number;
  exportTime: number;
  clientToken: string;
  s3Bucket: string;
  s3BucketOwner?: string;
  s3Prefix?: string;
  s3SseAlgorithm?: string;
  s3SseKmsKeyId?: string;
  exportFormat: ExportFormat;
  /** As asked for: DynamoDB names the type in its descriptions only where the request did. */
  exportType?: string;
  failureCode?: string;
  failureMessage?: string;
  itemCount?: number;
  billedSizeBytes?: number;
  manifest?: string;
  /** An incremental export's period [from, to) and view type. */
  incremental?: { from: number; to: number; view: IncrementalView };
}

export type IncrementalView = "NEW_AND_OLD_IMAGES" | "NEW_IMAGE";

/** An export's lines, a batch at a time, each with the size of the item it carries. */
interface ExportRows {
  batches(): Iterable<{ line: string; bytes: number }[]>;
  close(): void;
}

/** Changed items an incremental export renders between turns given to other requests. */
const CHANGE_BATCH = 500;

export class ExportStore {
  readonly ledger: JobLedger<ExportRecord, { arn: string; fingerprint: string }>;

  constructor(
    private readonly store: DynamoStore,
    private readonly writer: () => Promise<SharedObjects | undefined>,
    private readonly now: () => number,
  ) {
    this.ledger = new JobLedger(store.kv, { records: "dynamodb-exports", tokens: "dynamodb-export-tokens" }, now);
  }

  /**
   * Records a new export (and its token, with the request's parameters) and
   * starts its copy from the table's items as they are now: the snapshot is
   * taken in this call.
   */
  async start(
    record: ExportRecord,
    table: TableRecord,
    fingerprint: string,
    earlier: (token: { fingerprint: string }, job: ExportRecord | undefined) => ExportRecord,
  ): Promise<ExportRecord> {
    const ledger = this.ledger;
    const snapshot = this.rows(record, table);
    let opened: { record: ExportRecord; opened: boolean };
    try {
      opened = await ledger.open(record, { arn: record.arn, fingerprint }, earlier);
    } catch (error) {
      snapshot.close();
      throw error;
    }
    // Another request with the same token recorded its export first: that one is the answer.
    if (!opened.opened) {
      snapshot.close();
      return opened.record;
    }
    ledger.track(this.copy(record, snapshot).finally(() => snapshot.close()));
    return record;
  }

  /**
   * What the export writes, read now: a full export's items as of its
   * export time (the present, or the present with later changes undone),
   * or an incremental export's changed items, one line each.
   */
  private rows(record: ExportRecord, table: TableRecord): ExportRows {
    const stopping = () => this.ledger.closing;
    if (record.incremental) {
      const { from, to, view } = record.incremental;
      const changes = this.store.changesWithin(table, from, to);
      return {
        *batches() {
          for (let i = 0; i < changes.length; i += CHANGE_BATCH) {
            if (stopping()) throw new Error("the service is stopping: export abandoned");
            yield changes.slice(i, i + CHANGE_BATCH).map((change) => ({
              line: changeLine(change, keyOf((change.new ?? change.old)!, table.keySchema), view, record.exportFormat),
              bytes: itemSize((change.new ?? change.old)!),
            }));
          }
        },
        close() {},
      };
    }
    const snapshot = pastTime(this.store, table, record.exportTime)
      ? new PastSnapshot(this.store, table, record.exportTime, stopping)
      : new Snapshot<Item>(this.store.items, [table.id], stopping);
    return {
      *batches() {
        for (const batch of snapshot.batches()) yield batch.map(({ value }) => ({ line: itemLine(value, record.exportFormat), bytes: itemSize(value) }));
      },
      close: () => snapshot.close(),
    };
  }

  private async copy(record: ExportRecord, snapshot: ExportRows): Promise<void> {
    let outcome: Partial<ExportRecord>;
    try {
      outcome = await this.write(record, snapshot);
    } catch (error) {
      // The bucket deleted while the export wrote to it fails it as a missing bucket does.
      const failureCode = isAwsError(error) && error.code === "NoSuchBucket" ? "S3NoSuchBucket" : "UnknownInternalFailure";
      outcome = { status: "FAILED", failureCode, failureMessage: error instanceof Error ? error.message : String(error) };
    }
    await this.ledger.settle(record, outcome);
  }

  private async write(record: ExportRecord, snapshot: ExportRows): Promise<Partial<ExportRecord>> {
    const writer = await this.writer();
    const bucket = writer?.bucket(record.s3Bucket);
    if (!writer || !bucket) {
      return { status: "FAILED", failureCode: "S3NoSuchBucket", failureMessage: `The specified bucket does not exist (Service: Amazon S3; Status Code: 404; Error Code: NoSuchBucket): ${record.s3Bucket}` };
    }
    if (record.s3BucketOwner !== undefined && record.s3BucketOwner !== bucket.accountId) {
      return { status: "FAILED", failureCode: "S3AccessDenied", failureMessage: `Access Denied (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied): ${record.s3Bucket}` };
    }
    const root = `${prefixOf(record.s3Prefix)}AWSDynamoDB/${record.id}/`;
    // Every object of an export encrypted with a KMS key is written under it.
    const kms = record.s3SseAlgorithm === "KMS" ? { keyId: record.s3SseKmsKeyId } : undefined;
    const put = (key: string, body: Buffer, type: string) => writer.put(record.accountId, record.s3Bucket, key, body, type, kms);
    await put(`${root}_started`, Buffer.alloc(0), "binary/octet-stream");

    const format = FORMAT_FILES[record.exportFormat];
    const manifestLines: string[] = [];
    let itemCount = 0;
    let billedSizeBytes = 0;
    let lines: string[] = [];
    let textBytes = 0;
    const flush = async () => {
      if (lines.length === 0 && manifestLines.length > 0) return;
      const key = `${root}data/${randomBase32Hex(26).toLowerCase()}${format.extension}`;
      const body = await gzipped(format.header + lines.map((line) => `${line}\n`).join(""));
      const etag = await put(key, body, "application/octet-stream");
      manifestLines.push(JSON.stringify({ itemCount: lines.length, md5Checksum: md5(body), etag: etag.replace(/"/g, ""), dataFileS3Key: key }));
      lines = [];
      textBytes = 0;
    };
    for (const batch of snapshot.batches()) {
      for (const { line, bytes } of batch) {
        lines.push(line);
        textBytes += line.length + 1;
        itemCount++;
        billedSizeBytes += bytes;
        if (textBytes >= FILE_TEXT_BYTES) await flush();
      }
      // Other requests get their turn between batches.
      await yieldTurn();
    }
    await flush();

    const manifestFiles = Buffer.from(manifestLines.map((line) => `${line}\n`).join(""));
    const manifestFilesKey = `${root}manifest-files.json`;
    await put(manifestFilesKey, manifestFiles, "application/json");
    await put(`${root}manifest-files.md5`, Buffer.from(md5(manifestFiles)), "text/plain");
    const endTime = Math.max(this.now(), record.startTime + 1);
    const summary = Buffer.from(
      JSON.stringify({
        // Incremental exports' summaries are of a later version, with their period and view.
        version: record.incremental ? "2023-08-01" : "2020-06-30",
        exportArn: record.arn,
        startTime: new Date(record.startTime).toISOString(),
        endTime: new Date(endTime).toISOString(),
        tableArn: record.tableArn,
        tableId: record.tableId,
        exportTime: new Date(record.exportTime).toISOString(),
        s3Bucket: record.s3Bucket,
        s3Prefix: record.s3Prefix ?? null,
        s3SseAlgorithm: record.s3SseAlgorithm ?? "AES256",
        s3SseKmsKeyId: record.s3SseKmsKeyId ?? null,
        manifestFilesS3Key: manifestFilesKey,
        billedSizeBytes,
        itemCount,
        outputFormat: record.exportFormat,
        exportType: record.exportType ?? "FULL_EXPORT",
        ...(record.incremental
          ? {
              exportFromTime: new Date(record.incremental.from).toISOString(),
              exportToTime: new Date(record.incremental.to).toISOString(),
              outputView: record.incremental.view,
            }
          : {}),
      }),
    );
    const manifest = `${root}manifest-summary.json`;
    await put(manifest, summary, "application/json");
    await put(`${root}manifest-summary.md5`, Buffer.from(md5(summary)), "text/plain");
    return { status: "COMPLETED", itemCount, billedSizeBytes, manifest };
  }

}

/** An S3 prefix as a key's start: `a/b` and `a/b/` both put files under `a/b/`. */
function prefixOf(prefix: string | undefined): string {
  if (prefix === undefined || prefix === "") return "";
  return prefix.endsWith("/") ? prefix : `${prefix}/`;
}

const gzipped = promisify(gzip);

function md5(body: Buffer): string {
  return createHash("md5").update(body).digest("base64");
}
