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
      for (const read of readItems(text, record.request, table)) {
        counts.processedItemCount++;
        const item = read();
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

/**
 * The items an object holds, each read when asked for (undefined for one
 * that is no item): DynamoDB JSON, a line each (blank lines skipped), or
 * CSV, a record each after the header (the object's first record, unless
 * the request gives one).
 */
function* readItems(text: string, request: ImportRecord["request"], table: TableRecord): Iterable<() => Item | undefined> {
  if (request.InputFormat !== "CSV") {
    for (const line of text.split("\n")) if (line.trim() !== "") yield () => checkedImport(table, () => jsonItem(line));
    return;
  }
  const options = (request.InputFormatOptions as { Csv?: { Delimiter?: string; HeaderList?: string[] } } | undefined)?.Csv;
  let header = options?.HeaderList;
  for (const row of csvRows(text, options?.Delimiter ?? ",")) {
    if (!header) {
      header = row;
      continue;
    }
    const names = header;
    yield () => checkedImport(table, () => csvItem(names, row, table));
  }
}

/** An item made by `make` if it is one `table` can hold: its values, size and keys as a PutItem's. */
function checkedImport(table: TableRecord, make: () => Item | undefined): Item | undefined {
  try {
    const item = make();
    if (!item) return undefined;
    const checked = checkedItem(item);
    checkItemSize(checked);
    validateItemKeys(table, checked);
    return checked;
  } catch {
    return undefined;
  }
}

/** A line of DynamoDB JSON: `{"Item": {…}}`. */
function jsonItem(line: string): Item | undefined {
  const parsed = JSON.parse(line) as { Item?: unknown };
  if (typeof parsed !== "object" || parsed === null || typeof parsed.Item !== "object" || parsed.Item === null || Array.isArray(parsed.Item)) return undefined;
  const item: Item = {};
  for (const [name, value] of Object.entries(parsed.Item as Record<string, unknown>)) {
    if (name === "") return undefined;
    item[name] = fromWire(value);
  }
  return item;
}

/**
 * A CSV record under its header: every value a string, but for the key
 * attributes of the table and its indexes, which take their defined types
 * (binary from base64), as DynamoDB imports CSV.
 */
function csvItem(header: readonly string[], row: readonly string[], table: TableRecord): Item | undefined {
  if (row.length !== header.length) return undefined;
  const keys = new Set([...table.keySchema, ...table.gsis.flatMap((i) => i.keySchema), ...table.lsis.flatMap((i) => i.keySchema)].map((k) => k.AttributeName));
  const item: Item = {};
  header.forEach((name, i) => {
    const value = row[i]!;
    const type = keys.has(name) ? table.attributeDefinitions.find((d) => d.AttributeName === name)?.AttributeType : undefined;
    item[name] = type === "N" ? { N: value } : type === "B" ? { B: base64(value) } : { S: value };
  });
  return item;
}

/** RFC 4180 records: fields split by `delimiter`, double quotes around a field holding it, a quote or a line break. */
function* csvRows(text: string, delimiter: string): Iterable<string[]> {
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') field += text[++i];
      else quoted = false;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === delimiter) {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      field = "";
      if (row.length > 1 || row[0] !== "") yield row;
      row = [];
    } else field += c;
  }
  if (field !== "" || row.length > 0) yield [...row, field];
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
