/**
 * Table exports to S3 (ExportTableToPointInTime): their records, the client
 * tokens that make a request idempotent, and the copies themselves.
 *
 * An export reads one consistent snapshot of the table's items, taken when
 * it is asked for (see `Snapshot`), and writes it to S3 through S3's own
 * writer as DynamoDB lays an export out
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
import { gzipSync } from "node:zlib";
import type { SharedObjects } from "../../server/service.js";
import type { KvStore } from "../../storage/types.js";
import { prefixRange } from "../../storage/index.js";
import { randomBase32Hex } from "../../util/ids.js";
import { Snapshot } from "./backup-store.js";
import { FORMAT_FILES, itemLine, type ExportFormat } from "./export-formats.js";
import type { DynamoStore } from "./store.js";
import { itemSize, type Item } from "./values.js";

const EXPORTS = "dynamodb-exports";
const TOKENS = "dynamodb-export-tokens";
/** How long a ClientToken names its export (DynamoDB: eight hours). */
export const TOKEN_LIFETIME_MS = 8 * 60 * 60 * 1000;
/** A data file is written once its text reaches this size (so an export holds no more in memory). */
const FILE_TEXT_BYTES = 8 * 1024 * 1024;

export type ExportStatus = "IN_PROGRESS" | "COMPLETED" | "FAILED";

export interface ExportRecord {
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
}

interface TokenRecord {
  arn: string;
  /** The request's parameters: a token reused with others is a conflict. */
  fingerprint: string;
  at: number;
}

export class ExportStore {
  private readonly exports: KvStore<ExportRecord>;
  private readonly tokens: KvStore<TokenRecord>;
  /** Copies under way, each reading an open snapshot that must not outlive the store. */
  private readonly copies = new Set<Promise<void>>();
  private closing = false;

  constructor(
    private readonly store: DynamoStore,
    private readonly writer: () => Promise<SharedObjects | undefined>,
    private readonly now: () => number,
  ) {
    this.exports = store.kv.store<ExportRecord>(EXPORTS);
    this.tokens = store.kv.store<TokenRecord>(TOKENS);
  }

  get(accountId: string, region: string, arn: string): ExportRecord | undefined {
    return this.exports.get([accountId, region, arn]);
  }

  /** An account's exports in a region (of one table, if named), newest first within each table, after the ARN `after`. */
  *list(accountId: string, region: string, tableArn: string | undefined, after: string | undefined): Iterable<ExportRecord> {
    const range = prefixRange([accountId, region]);
    const entries = this.exports.range({ ...range, reverse: true, ...(after !== undefined ? { end: [accountId, region, after] } : {}) });
    for (const { value } of entries) {
      if (tableArn === undefined || value.tableArn === tableArn) yield value;
    }
  }

  /** The export a live ClientToken names, with the parameters it was given. */
  token(accountId: string, region: string, token: string): TokenRecord | undefined {
    const found = this.tokens.get([accountId, region, token]);
    return found && this.now() - found.at < TOKEN_LIFETIME_MS ? found : undefined;
  }

  /**
   * Records a new export (and its token) and starts its copy from the
   * table's items as they are now: the snapshot is taken in this call.
   */
  async start(record: ExportRecord, fingerprint: string): Promise<void> {
    const snapshot = new Snapshot<Item>(this.store.items, [record.tableId], () => this.closing);
    try {
      await this.store.kv.transaction((tx) => {
        tx.store<ExportRecord>(EXPORTS).put([record.accountId, record.region, record.arn], record);
        tx.store<TokenRecord>(TOKENS).put([record.accountId, record.region, record.clientToken], { arn: record.arn, fingerprint, at: record.startTime });
      });
    } catch (error) {
      snapshot.close();
      throw error;
    }
    const copy = this.copy(record, snapshot).finally(() => {
      snapshot.close();
      this.copies.delete(copy);
    });
    this.copies.add(copy);
  }

  private async copy(record: ExportRecord, snapshot: Snapshot<Item>): Promise<void> {
    let outcome: Partial<ExportRecord>;
    try {
      outcome = await this.write(record, snapshot);
    } catch (error) {
      if (this.closing) return;
      outcome = { status: "FAILED", failureCode: "UnknownInternalFailure", failureMessage: error instanceof Error ? error.message : String(error) };
    }
    if (this.closing) return;
    const endTime = Math.max(this.now(), record.startTime + 1);
    await this.exports.transaction((tx) => {
      const key = [record.accountId, record.region, record.arn];
      const current = tx.get(key);
      if (current) tx.put(key, { ...current, ...outcome, endTime });
    });
  }

  private async write(record: ExportRecord, snapshot: Snapshot<Item>): Promise<Partial<ExportRecord>> {
    const writer = await this.writer();
    const bucket = writer?.bucket(record.s3Bucket);
    if (!writer || !bucket) {
      return { status: "FAILED", failureCode: "S3NoSuchBucket", failureMessage: `The specified bucket does not exist (Service: Amazon S3; Status Code: 404; Error Code: NoSuchBucket): ${record.s3Bucket}` };
    }
    if (record.s3BucketOwner !== undefined && record.s3BucketOwner !== bucket.accountId) {
      return { status: "FAILED", failureCode: "S3AccessDenied", failureMessage: `Access Denied (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied): ${record.s3Bucket}` };
    }
    const root = `${prefixOf(record.s3Prefix)}AWSDynamoDB/${record.id}/`;
    const put = (key: string, body: Buffer, type: string) => writer.put(record.accountId, record.s3Bucket, key, body, type);
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
      const body = gzipSync(format.header + lines.map((line) => `${line}\n`).join(""));
      const etag = await put(key, body, "application/octet-stream");
      manifestLines.push(JSON.stringify({ itemCount: lines.length, md5Checksum: md5(body), etag: etag.replace(/"/g, ""), dataFileS3Key: key }));
      lines = [];
      textBytes = 0;
    };
    for (const batch of snapshot.batches()) {
      for (const { value } of batch) {
        const line = itemLine(value, record.exportFormat);
        lines.push(line);
        textBytes += line.length + 1;
        itemCount++;
        billedSizeBytes += itemSize(value);
        if (textBytes >= FILE_TEXT_BYTES) await flush();
      }
    }
    await flush();

    const manifestFiles = Buffer.from(manifestLines.map((line) => `${line}\n`).join(""));
    const manifestFilesKey = `${root}manifest-files.json`;
    await put(manifestFilesKey, manifestFiles, "application/json");
    await put(`${root}manifest-files.md5`, Buffer.from(md5(manifestFiles)), "text/plain");
    const endTime = Math.max(this.now(), record.startTime + 1);
    const summary = Buffer.from(
      JSON.stringify({
        version: "2020-06-30",
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
      }),
    );
    const manifest = `${root}manifest-summary.json`;
    await put(manifest, summary, "application/json");
    await put(`${root}manifest-summary.md5`, Buffer.from(md5(summary)), "text/plain");
    return { status: "COMPLETED", itemCount, billedSizeBytes, manifest };
  }

  /** Exports a stop cut short are failed, as their copies will not go on. */
  async failUnfinished(): Promise<void> {
    const unfinished = [...this.exports.range()].filter((entry) => entry.value.status === "IN_PROGRESS");
    if (unfinished.length === 0) return;
    await this.exports.transaction((tx) => {
      for (const { key, value } of unfinished) {
        tx.put(key, { ...value, status: "FAILED", failureCode: "UnknownInternalFailure", failureMessage: "The export was interrupted by a stop of the server.", endTime: this.now() });
      }
    });
  }

  /** Stops the copies under way (each drops its snapshot) and waits for them. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([...this.copies]);
  }
}

/** An S3 prefix as a key's start: `a/b` and `a/b/` both put files under `a/b/`. */
function prefixOf(prefix: string | undefined): string {
  if (prefix === undefined || prefix === "") return "";
  return prefix.endsWith("/") ? prefix : `${prefix}/`;
}

function md5(body: Buffer): string {
  return createHash("md5").update(body).digest("base64");
}
