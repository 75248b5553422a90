/**
 * Imports from S3 (ImportTable): their records, the client tokens that make
 * a request idempotent, and the imports themselves, which create a new
 * table from the DynamoDB JSON objects under a bucket's prefix.
 *
 * What DynamoDB does, as ScyllaDB's suite measured it against AWS and as
 * done here: the answer comes at once, IN_PROGRESS, its counters at zero
 * until the import ends; the table appears when the import ends; empty and
 * blank lines are skipped; the first line that is not an item abandons the
 * rest of its object and counts one error; an import with errors ends
 * FAILED (ItemValidationError) and keeps its table with what was valid; a
 * prefix naming no object COMPLETES with an empty table; a bucket that is
 * not there FAILS (S3NoSuchBucket) and creates nothing; the processed size
 * counts uncompressed bytes; the counters count writes (duplicate keys
 * included).
 */
import { gunzipSync } from "node:zlib";
import type { SharedObjects } from "../../server/service.js";
import { JobLedger, yieldTurn, type JobRecord } from "./job-ledger.js";
import { itemKey, validateItemKeys } from "./keys.js";
import { checkedItem, checkItemSize } from "./requests.js";
import type { DynamoStore } from "./store.js";
import type { TableRecord } from "./tables.js";
import type { AttributeValue, Item } from "./values.js";

/** Items written per transaction. */
const BATCH = 256;
/**
 * An import is IN_PROGRESS for at least this long, as a client polling it
 * expects to see it (DynamoDB's take minutes): its token is consulted, and
 * its table absent, only in that window.
 */
const MIN_IMPORT_MS = 1000;

export type ImportStatus = "IN_PROGRESS" | "COMPLETED" | "FAILED";

export interface ImportRecord extends JobRecord {
  arn: string;
  accountId: string;
  region: string;
  tableArn: string;
  tableId: string;
  status: ImportStatus;
  clientToken: string;
  startTime: number;
  endTime?: number;
  /** The request's members as given, echoed by every description. */
  request: {
    S3BucketSource: { S3Bucket: string; S3KeyPrefix?: string; S3BucketOwner?: string };
    InputFormat: string;
    InputFormatOptions?: unknown;
    InputCompressionType: string;
    TableCreationParameters: Record<string, unknown>;
  };
  processedItemCount: number;
  importedItemCount: number;
  errorCount: number;
  processedSizeBytes?: number;
  failureCode?: string;
  failureMessage?: string;
}

export class ImportStore {
  readonly ledger: JobLedger<ImportRecord, { arn: string; tableName: string }>;

  constructor(
    private readonly store: DynamoStore,
    private readonly objects: () => Promise<SharedObjects | undefined>,
    private readonly now: () => number,
  ) {
    this.ledger = new JobLedger(store.kv, { records: "dynamodb-imports", tokens: "dynamodb-import-tokens" }, now);
  }

  /** Records a new import (and its token) and starts it; `table` is the table it will create, not yet stored. */
  async start(record: ImportRecord, table: TableRecord, earlier: (token: { tableName: string }, job: ImportRecord | undefined) => ImportRecord): Promise<ImportRecord> {
    const opened = await this.ledger.open(record, { arn: record.arn, tableName: table.name }, earlier);
    // Another request with the same token recorded its import first: that one is the answer.
    if (opened.opened) this.ledger.track(this.run(record, table));
    return opened.record;
  }

  private async run(record: ImportRecord, table: TableRecord): Promise<void> {
    let outcome: Partial<ImportRecord>;
    let held = false;
    try {
      const objects = await this.objects();
      const source = record.request.S3BucketSource;
      if (!objects?.bucket(source.S3Bucket)) {
        outcome = { status: "FAILED", failureCode: "S3NoSuchBucket", failureMessage: `The specified bucket does not exist (Service: Amazon S3; Status Code: 404; Error Code: NoSuchBucket): ${source.S3Bucket}` };
      } else {
        held = await this.store.kv.transaction((tx) => this.store.reserveName(tx, table));
        if (!held) {
          outcome = { status: "FAILED", failureCode: "ResourceInUse", failureMessage: `Table already exists: ${table.name}` };
        } else {
          outcome = await this.load(record, table, objects);
          const wait = record.startTime + MIN_IMPORT_MS - this.now();
          if (wait > 0 && !this.ledger.closing) await new Promise((resolve) => setTimeout(resolve, wait));
          if (!this.ledger.closing) await this.store.publishTable(table, () => {});
        }
      }
    } catch (error) {
      outcome = { status: "FAILED", failureCode: "UnknownInternalFailure", failureMessage: error instanceof Error ? error.message : String(error) };
    } finally {
      if (held) this.store.releaseName(table);
    }
    await this.ledger.settle(record, outcome);
  }

  /** Writes the items of every object under the prefix into the (unpublished) table. */
  private async load(record: ImportRecord, table: TableRecord, objects: SharedObjects): Promise<Partial<ImportRecord>> {
    const source = record.request.S3BucketSource;
    const counts = { processedItemCount: 0, importedItemCount: 0, errorCount: 0, processedSizeBytes: 0 };
    for (const key of [...objects.keys(source.S3Bucket, source.S3KeyPrefix ?? "")]) {
      if (this.ledger.closing) throw new Error("the service is stopping: import abandoned");
      const stored = await objects.read(source.S3Bucket, key);
      if (stored === undefined) continue;
      let text: string;
      try {
        const bytes = record.request.InputCompressionType === "GZIP" && stored.length > 0 ? gunzipSync(stored) : stored;
        counts.processedSizeBytes += bytes.length;
        text = bytes.toString("utf8");
      } catch {
        counts.processedItemCount++;
        counts.errorCount++;
        continue;
      }
      let batch: Item[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        const items = batch;
        batch = [];
        await this.store.write(this.now(), (writer) => {
          for (const item of items) {
            const storageKey = itemKey(table, item);
            writer.put(table, storageKey, item, writer.get(storageKey));
          }
        });
      };
      for (const line of text.split("\n")) {
        if (line.trim() === "") continue;
        counts.processedItemCount++;
        const item = importedItem(line, table);
        // The first line that is no item abandons the rest of its object.
        if (!item) {
          counts.errorCount++;
          break;
        }
        counts.importedItemCount++;
        batch.push(item);
        if (batch.length >= BATCH) {
          await flush();
          // Other requests get their turn between batches.
          await yieldTurn();
        }
      }
      await flush();
    }
    const { processedSizeBytes, ...rest } = counts;
    return {
      ...rest,
      ...(processedSizeBytes > 0 ? { processedSizeBytes } : {}),
      ...(counts.errorCount > 0
        ? { status: "FAILED", failureCode: "ItemValidationError", failureMessage: "Some of the items failed validation checks and were not imported. Please check CloudWatch error logs for more details." }
        : { status: "COMPLETED" }),
    };
  }

}

/** One line of DynamoDB JSON as an item of `table`, or undefined if it is none. */
function importedItem(line: string, table: TableRecord): Item | undefined {
  try {
    const parsed = JSON.parse(line) as { Item?: unknown };
    if (typeof parsed !== "object" || parsed === null || typeof parsed.Item !== "object" || parsed.Item === null || Array.isArray(parsed.Item)) return undefined;
    const item: Item = {};
    for (const [name, value] of Object.entries(parsed.Item as Record<string, unknown>)) {
      if (name === "") return undefined;
      item[name] = fromWire(value);
    }
    const checked = checkedItem(item);
    checkItemSize(checked);
    validateItemKeys(table, checked);
    return checked;
  } catch {
    return undefined;
  }
}

/** A DynamoDB JSON value as an attribute value (binary values from base64); throws on anything else. */
function fromWire(value: unknown): AttributeValue {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("not an attribute value");
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length !== 1) throw new Error("not an attribute value");
  const [type, v] = entries[0]!;
  const strings = (x: unknown) => {
    if (!Array.isArray(x) || x.some((s) => typeof s !== "string")) throw new Error("not a string list");
    return x as string[];
  };
  switch (type) {
    case "S":
    case "N":
      if (typeof v !== "string") throw new Error("not a string");
      return { [type]: v } as AttributeValue;
    case "B":
      if (typeof v !== "string") throw new Error("not base64");
      return { B: base64(v) };
    case "BOOL":
      if (typeof v !== "boolean") throw new Error("not a boolean");
      return { BOOL: v };
    case "NULL":
      if (v !== true) throw new Error("not NULL");
      return { NULL: true };
    case "SS":
    case "NS":
      return { [type]: strings(v) } as AttributeValue;
    case "BS":
      return { BS: strings(v).map(base64) };
    case "L":
      if (!Array.isArray(v)) throw new Error("not a list");
      return { L: v.map(fromWire) };
    case "M":
      if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("not a map");
      return { M: Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, fromWire(x)])) };
    default:
      throw new Error("not an attribute value");
  }
}

function base64(text: string): Buffer {
  const bytes = Buffer.from(text, "base64");
  if (bytes.toString("base64") !== text) throw new Error("not canonical base64");
  return bytes;
}
