/**
 * How a table export writes items: DynamoDB JSON (one `{"Item":{…}}` per
 * line, binary values as base64) or Amazon Ion text (`$ion_1_0` once, then
 * one `{Item:{…}}` per line: numbers as Ion decimals, binary values as
 * blobs, sets as lists annotated `$dynamodb_SS` / `$dynamodb_NS` /
 * `$dynamodb_BS`), as DynamoDB's exports do
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/S3DataExport.Output.html).
 */
import type { AttributeValue, Item } from "./values.js";

export type ExportFormat = "DYNAMODB_JSON" | "ION";

/** A data file's name ending and first line, per format. */
export const FORMAT_FILES: Readonly<Record<ExportFormat, { extension: string; header: string }>> = {
  DYNAMODB_JSON: { extension: ".json.gz", header: "" },
  ION: { extension: ".ion.gz", header: "$ion_1_0 " },
};

/** One item's line, without its line break. */
export function itemLine(item: Item, format: ExportFormat): string {
  return format === "ION" ? `{Item:${ionStruct(item)}}` : JSON.stringify({ Item: wireItem(item) });
}

/** An item as DynamoDB's JSON carries it: binary values in base64. */
function wireItem(item: Item): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) out[name] = wireValue(value);
  return out;
}

function wireValue(value: AttributeValue): unknown {
  if ("B" in value) return { B: base64(value.B) };
  if ("BS" in value) return { BS: value.BS.map(base64) };
  if ("M" in value) return { M: wireItem(value.M) };
  if ("L" in value) return { L: value.L.map(wireValue) };
  return value;
}

function ionStruct(item: Record<string, AttributeValue>): string {
  return `{${Object.entries(item).map(([name, value]) => `${JSON.stringify(name)}:${ionValue(value)}`).join(",")}}`;
}

function ionValue(value: AttributeValue): string {
  if ("S" in value) return JSON.stringify(value.S);
  if ("N" in value) return ionDecimal(value.N);
  if ("B" in value) return `{{${base64(value.B)}}}`;
  if ("BOOL" in value) return String(value.BOOL);
  if ("NULL" in value) return "null";
  if ("M" in value) return ionStruct(value.M);
  if ("L" in value) return `[${value.L.map(ionValue).join(",")}]`;
  if ("SS" in value) return `$dynamodb_SS::[${value.SS.map((s) => JSON.stringify(s)).join(",")}]`;
  if ("NS" in value) return `$dynamodb_NS::[${value.NS.map(ionDecimal).join(",")}]`;
  return `$dynamodb_BS::[${value.BS.map((b) => `{{${base64(b)}}}`).join(",")}]`;
}

/** A DynamoDB number as an Ion decimal: `10` is `10.`, `1.5E3` is `1.5d3`. */
function ionDecimal(text: string): string {
  if (/[eE]/.test(text)) return text.replace(/[eE]/, "d");
  return text.includes(".") ? text : `${text}.`;
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/**
 * One changed item's line in an incremental export: when it last changed
 * (microseconds), its key, and its image at the end of the period, with
 * its image at the start for NEW_AND_OLD_IMAGES. A deleted item has no new
 * image; a new one no old image.
 */
export function changeLine(change: { at: number; old?: Item; new?: Item }, keys: Item, view: "NEW_AND_OLD_IMAGES" | "NEW_IMAGE", format: ExportFormat): string {
  const micros = String(change.at * 1000);
  const old = view === "NEW_AND_OLD_IMAGES" ? change.old : undefined;
  if (format === "ION") {
    return `{Metadata:{WriteTimestampMicros:${micros}},Keys:${ionStruct(keys)}${change.new ? `,NewImage:${ionStruct(change.new)}` : ""}${old ? `,OldImage:${ionStruct(old)}` : ""}}`;
  }
  return JSON.stringify({
    Metadata: { WriteTimestampMicros: { N: micros } },
    Keys: wireItem(keys),
    ...(change.new ? { NewImage: wireItem(change.new) } : {}),
    ...(old ? { OldImage: wireItem(old) } : {}),
  });
}
