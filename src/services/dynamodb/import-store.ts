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
import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import type { SharedObjects } from "../../server/service.js";
import { ddbErrors } from "./errors.js";
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
/** The most text an import reads of one object (uncompressed); an object past it counts as one error. */
const MAX_OBJECT_TEXT = 128 * 1024 * 1024;
/** Records read between two turns given to other requests. */
const YIELD_EVERY = 4096;
/** A blank line (JSON) or empty record (CSV): skipped, not counted. */
const BLANK = Symbol("blank");

const gunzipAsync = promisify(gunzip);

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

  /**
   * Records a new import (and its token) and starts it; `table` is the table
   * it will create, not yet stored, whose name the import holds from now
   * on, as a table being created holds it (a second import or CreateTable of
   * that name is ResourceInUseException).
   */
  async start(record: ImportRecord, table: TableRecord, earlier: (token: { tableName: string }, job: ImportRecord | undefined) => ImportRecord): Promise<ImportRecord> {
    const opened = await this.ledger.open(record, { arn: record.arn, tableName: table.name }, earlier, (tx) => {
      if (!this.store.reserveName(tx, table)) throw ddbErrors.resourceInUse(`Table already exists: ${table.name}`);
    });
    // Another request with the same token recorded its import first: that one is the answer.
    if (opened.opened) this.ledger.track(this.run(record, table));
    return opened.record;
  }

  private async run(record: ImportRecord, table: TableRecord): Promise<void> {
    let outcome: Partial<ImportRecord>;
    try {
      const objects = await this.objects();
      const source = record.request.S3BucketSource;
      const bucket = objects?.bucket(source.S3Bucket);
      if (!objects || !bucket) {
        outcome = { status: "FAILED", failureCode: "S3NoSuchBucket", failureMessage: `The specified bucket does not exist (Service: Amazon S3; Status Code: 404; Error Code: NoSuchBucket): ${source.S3Bucket}` };
      } else if (source.S3BucketOwner !== undefined && source.S3BucketOwner !== bucket.accountId) {
        outcome = { status: "FAILED", failureCode: "S3AccessDenied", failureMessage: `Access Denied (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied): ${source.S3Bucket}` };
      } else {
        outcome = await this.load(record, table, objects);
        const wait = record.startTime + MIN_IMPORT_MS - this.now();
        if (wait > 0 && !this.ledger.closing) await new Promise((resolve) => setTimeout(resolve, wait));
        if (!this.ledger.closing) await this.store.publishTable(table, () => {});
      }
    } catch (error) {
      outcome = { status: "FAILED", failureCode: "UnknownInternalFailure", failureMessage: error instanceof Error ? error.message : String(error) };
    } finally {
      this.store.releaseName(table);
    }
    await this.ledger.settle(record, outcome);
  }

  /** Writes the items of every object under the prefix into the (unpublished) table. */
  private async load(record: ImportRecord, table: TableRecord, objects: SharedObjects): Promise<Partial<ImportRecord>> {
    const source = record.request.S3BucketSource;
    const counts = { processedItemCount: 0, importedItemCount: 0, errorCount: 0, processedSizeBytes: 0 };
    const goOn = () => {
      if (this.ledger.closing) throw new Error("The import was interrupted by a stop of the server.");
    };
    for (const key of [...objects.keys(source.S3Bucket, source.S3KeyPrefix ?? "")]) {
      goOn();
      const text = await objectText(await objects.read(source.S3Bucket, key), record.request.InputCompressionType === "GZIP");
      if (text === undefined) continue;
      if (text === null) {
        // An object that does not decompress (or decompresses past the limit) counts as one item in error.
        counts.processedItemCount++;
        counts.errorCount++;
        continue;
      }
      counts.processedSizeBytes += Buffer.byteLength(text);
      let batch: Item[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        const items = batch;
        batch = [];
        await this.store.fill(table, this.now(), (writer) => {
          for (const item of items) {
            const storageKey = itemKey(table, item);
            writer.put(table, storageKey, item, writer.get(storageKey));
          }
        });
      };
      let steps = 0;
      for (const read of readItems(text, record.request, table)) {
        // Other requests get their turn now and then, blank lines or not.
        if (++steps % YIELD_EVERY === 0) {
          await flush();
          await yieldTurn();
          goOn();
        }
        if (read === BLANK) continue;
        counts.processedItemCount++;
        const item = read();
        // The first record that is no item abandons the rest of its object.
        if (!item) {
          counts.errorCount++;
          break;
        }
        counts.importedItemCount++;
        batch.push(item);
        if (batch.length >= BATCH) await flush();
      }
      await flush();
    }
    return {
      ...counts,
      ...(counts.errorCount > 0
        ? { status: "FAILED", failureCode: "ItemValidationError", failureMessage: "Some of the items failed validation checks and were not imported. Please check CloudWatch error logs for more details." }
        : { status: "COMPLETED" }),
    };
  }
}

/**
 * An object's text (a leading byte order mark dropped), gunzipped if
 * `gzip`: undefined if the object is gone, null if it does not gunzip or
 * holds more than an import reads of one object.
 */
async function objectText(stored: Buffer | undefined, gzip: boolean): Promise<string | undefined | null> {
  if (stored === undefined) return undefined;
  let bytes = stored;
  if (gzip && stored.length > 0) {
    try {
      bytes = await gunzipAsync(stored, { maxOutputLength: MAX_OBJECT_TEXT });
    } catch {
      return null;
    }
  }
  if (bytes.length > MAX_OBJECT_TEXT) return null;
  const text = bytes.toString("utf8");
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * The items an object holds, each read when asked for (undefined for one
 * that is no item): DynamoDB JSON, a line each (a blank line is BLANK), or
 * CSV, a record each after the header (the object's first record, unless
 * the request gives one).
 */
function* readItems(text: string, request: ImportRecord["request"], table: TableRecord): Iterable<(() => Item | undefined) | typeof BLANK> {
  if (request.InputFormat !== "CSV") {
    for (const record of jsonRecords(text)) {
      yield record === BLANK ? BLANK : () => checkedImport(table, () => jsonItem(record));
    }
    return;
  }
  const options = (request.InputFormatOptions as { Csv?: { Delimiter?: string; HeaderList?: string[] } } | undefined)?.Csv;
  let header = options?.HeaderList;
  for (const row of csvRows(text, options?.Delimiter ?? ",")) {
    if (row === BLANK) {
      yield BLANK;
      continue;
    }
    if (!header && row !== undefined) {
      header = row;
      continue;
    }
    const names = header;
    yield () => (row === undefined || !names ? undefined : checkedImport(table, () => csvItem(names, row, table)));
  }
}

/**
 * The records of a DynamoDB JSON object: each top-level JSON object, whether
 * on a line of its own or run together with the next on one line (as
 * DynamoDB reads `{"Item":…}{"Item":…}`), a blank line BLANK; text that does
 * not open an object, or an object never closed, is one record to the end of
 * its line (the end of the text for an unclosed object).
 */
function* jsonRecords(text: string): Iterable<string | typeof BLANK> {
  let i = 0;
  let lineHasRecord = false;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "\n") {
      if (!lineHasRecord) yield BLANK;
      lineHasRecord = false;
      i++;
      continue;
    }
    if (c === " " || c === "\t" || c === "\r") {
      i++;
      continue;
    }
    lineHasRecord = true;
    const end = c === "{" ? objectEnd(text, i) : -1;
    if (end !== -1) {
      yield text.slice(i, end);
      i = end;
      continue;
    }
    const eol = c === "{" ? -1 : text.indexOf("\n", i);
    const stop = eol === -1 ? text.length : eol;
    yield text.slice(i, stop);
    i = stop;
  }
}

/** The index just past the JSON object opening at `start`, or -1 if it never closes. */
function objectEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
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

/**
 * RFC 4180 records: fields split by `delimiter`, double quotes around a
 * field holding it, a quote or a line break. An empty line is BLANK; a
 * quote left open at the end is a record in error (undefined).
 */
function* csvRows(text: string, delimiter: string): Iterable<string[] | undefined | typeof BLANK> {
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
      yield row.length > 1 || row[0] !== "" ? row : BLANK;
      row = [];
    } else field += c;
  }
  if (quoted) yield undefined;
  else if (field !== "" || row.length > 0) yield [...row, field];
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
