/**
 * The hot path of shape-driven JSON (json-shapes.ts): a reader and a writer
 * compiled once per shape reference, with the same results as walking the
 * model generically, only cheaper. Two savings matter on item-heavy
 * services (a DynamoDB item is a map of `AttributeValue` structures with
 * ten members, one of them set):
 *
 * - A structure value with a single key is looked up by that key instead
 *   of probing every member of the shape.
 * - A value that decodes (or encodes) to itself is returned as it is, not
 *   copied: a map of strings read from JSON.parse, or an item on its way to
 *   JSON.stringify. Copies are made only where something changes (a blob,
 *   a timestamp, a dropped null, an unknown member).
 *
 * The reader carries no paths and signals any mismatch by throwing;
 * json-shapes.ts then walks the value again generically to raise the exact
 * error, with its path and AWS's wording. Values are plain JSON-like data
 * (objects with own enumerable properties), as JSON.parse and the services
 * make them.
 */
import { AwsError } from "../../server/errors.js";
import type { ServiceModel, ShapeRef } from "../model.js";
import { resolveShape } from "../model.js";
import { randomHex } from "../../util/ids.js";
import { formatTimestamp, parseTimestamp } from "./timestamps.js";

type Convert = (value: unknown) => unknown;

/** Thrown by a compiled reader on any value of the wrong type; never escapes json-shapes.ts. */
export const MISMATCH: unique symbol = Symbol("json shape mismatch");

const readers = new WeakMap<ShapeRef, Convert>();
const writers = new WeakMap<ShapeRef, Convert>();

/** The compiled reader of `ref`: the decoded value, or a thrown MISMATCH. */
export function compiledReader(model: ServiceModel, ref: ShapeRef): Convert {
  let reader = readers.get(ref);
  if (!reader) {
    reader = compileReader(model, ref);
    readers.set(ref, reader);
  }
  return reader;
}

/** The compiled writer of `ref`: a value ready for JSON.stringify. */
export function compiledWriter(model: ServiceModel, ref: ShapeRef): Convert {
  let writer = writers.get(ref);
  if (!writer) {
    writer = compileWriter(model, ref);
    writers.set(ref, writer);
  }
  return writer;
}

interface Member {
  /** The member's name in the model (and in values inside Nimbus). */
  name: string;
  /** Its name on the wire. */
  wire: string;
  ref: ShapeRef;
  /** Compiled on first use: shapes may be recursive. */
  convert?: Convert;
}

function membersOf(model: ServiceModel, ref: ShapeRef, skipLocated: boolean): Member[] {
  const members: Member[] = [];
  for (const [name, memberRef] of Object.entries(resolveShape(model, ref).members ?? {})) {
    if (skipLocated && memberRef.location) continue;
    members.push({ name, wire: memberRef.locationName ?? name, ref: memberRef });
  }
  return members;
}

/**
 * The only key of a plain object, or undefined (none, several, or not a
 * plain object). Looking a single key up stands in for probing every
 * member only when no member name is also inherited from Object.prototype.
 */
function soleKey(value: object): string | undefined {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return undefined;
  let key: string | undefined;
  for (const k in value) {
    if (key !== undefined) return undefined;
    key = k;
  }
  return key;
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * What an integer and a long hold (Java's int and long, as the services
 * read them): a number past these is no value of the shape, however
 * JavaScript reads it. A long's bounds are as near as a double comes:
 * 2^63 - 1 reads as 2^63, so 2^63 itself is taken, as Long.MAX_VALUE must be.
 */
export const INTEGER_RANGE = { integer: [-(2 ** 31), 2 ** 31 - 1], long: [-(2 ** 63), 2 ** 63 - 1] } as const;

const inheritsNone = (names: readonly string[]): boolean => names.every((name) => !(name in Object.prototype));

function compileReader(model: ServiceModel, ref: ShapeRef): Convert {
  const shape = resolveShape(model, ref);
  const child = (r: ShapeRef): Convert => {
    let convert: Convert | undefined;
    return (v) => (convert ??= compiledReader(model, r))(v);
  };
  switch (shape.type) {
    case "structure": {
      if (shape.document) return (v) => (v === null ? undefined : v);
      const members = membersOf(model, ref, false);
      const byWire = new Map(members.map((m) => [m.wire, m]));
      const singleKeyLookup = inheritsNone(members.map((m) => m.wire));
      const read = (m: Member, v: unknown) => (m.convert ??= compiledReader(model, m.ref))(v);
      return (value) => {
        if (value === null) return undefined;
        if (typeof value !== "object" || Array.isArray(value)) throw MISMATCH;
        const record = value as Record<string, unknown>;
        const only = singleKeyLookup ? soleKey(record) : undefined;
        if (only !== undefined) {
          const m = byWire.get(only);
          if (!m) return {};
          const v = record[only];
          const decoded = read(m, v);
          if (decoded === v && m.name === only) return record;
          return decoded === undefined ? {} : { [m.name]: decoded };
        }
        const out: Record<string, unknown> = {};
        for (const m of members) {
          const v = record[m.wire];
          if (v === undefined) continue;
          const decoded = read(m, v);
          if (decoded !== undefined) out[m.name] = decoded;
        }
        return out;
      };
    }
    case "list": {
      const member = child(shape.member ?? { shape: "" });
      return (value) => {
        if (value === null) return undefined;
        // A null element is left to the checked walk, which names it.
        if (!Array.isArray(value) || value.includes(null)) throw MISMATCH;
        return sameOrCopyList(value, member);
      };
    }
    case "map": {
      const read = child(shape.value ?? { shape: "" });
      return (value) => {
        if (value === null) return undefined;
        if (typeof value !== "object" || Array.isArray(value)) throw MISMATCH;
        const record = value as Record<string, unknown>;
        if (!isPlainObject(record)) {
          const out: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(record)) {
            const decoded = read(v);
            if (decoded !== undefined) setEntry(out, k, decoded);
          }
          return out;
        }
        // Entries that decode to themselves keep the object; a null value
        // (dropped) or a changed one starts a copy from that entry on.
        let out: Record<string, unknown> | undefined;
        for (const k in record) {
          const v = record[k];
          const decoded = read(v);
          if (out === undefined && (decoded !== v || k === "__proto__")) out = prefixOf(record, k);
          if (out !== undefined && decoded !== undefined) setEntry(out, k, decoded);
        }
        return out ?? record;
      };
    }
    case "string":
      if (shape.document) return (v) => (v === null ? undefined : v);
      return (v) => {
        if (typeof v === "string") return v;
        if (v === null) return undefined;
        throw MISMATCH;
      };
    case "boolean":
      return (v) => {
        if (typeof v === "boolean") return v;
        if (v === null) return undefined;
        throw MISMATCH;
      };
    case "integer":
    case "long": {
      const [min, max] = INTEGER_RANGE[shape.type];
      return (v) => {
        if (typeof v === "number" && Number.isInteger(v) && v >= min && v <= max) return v;
        if (v === null) return undefined;
        throw MISMATCH;
      };
    }
    case "float":
    case "double":
      return (v) => {
        if (typeof v === "number") return v;
        if (v === null) return undefined;
        if (v === "NaN" || v === "Infinity" || v === "-Infinity") return Number(v);
        throw MISMATCH;
      };
    case "timestamp":
      return (v) => {
        if (v === null) return undefined;
        if (typeof v !== "number" && typeof v !== "string") throw MISMATCH;
        const date = parseTimestamp(v);
        if (!date) throw MISMATCH;
        return date;
      };
    case "blob":
      return (v) => {
        if (v === null) return undefined;
        if (typeof v !== "string") throw MISMATCH;
        const bytes = strictBase64(v);
        if (!bytes) throw MISMATCH;
        return bytes;
      };
    default:
      return (v) => (v === null ? undefined : v);
  }
}

function compileWriter(model: ServiceModel, ref: ShapeRef): Convert {
  const shape = resolveShape(model, ref);
  const child = (r: ShapeRef): Convert => {
    let convert: Convert | undefined;
    return (v) => (convert ??= compiledWriter(model, r))(v);
  };
  switch (shape.type) {
    case "structure": {
      if (shape.document) return (v) => (v === null ? undefined : v);
      const members = membersOf(model, ref, true);
      const byName = new Map(members.map((m) => [m.name, m]));
      const singleKeyLookup = inheritsNone(members.map((m) => m.name));
      const write = (m: Member, v: unknown) => (m.convert ??= compiledWriter(model, m.ref))(v);
      return (value) => {
        if (value === undefined || value === null) return undefined;
        const record = value as Record<string, unknown>;
        const only = singleKeyLookup && typeof value === "object" ? soleKey(record) : undefined;
        if (only !== undefined) {
          const m = byName.get(only);
          if (!m) return {};
          const v = record[only];
          const encoded = write(m, v);
          if (encoded === v && m.wire === only) return record;
          return encoded === undefined ? {} : { [m.wire]: encoded };
        }
        const out: Record<string, unknown> = {};
        for (const m of members) {
          const encoded = write(m, record[m.name]);
          if (encoded !== undefined) out[m.wire] = encoded;
        }
        return out;
      };
    }
    case "list": {
      const member = child(shape.member ?? { shape: "" });
      const orNull = (v: unknown) => member(v) ?? null;
      return (value) => {
        if (value === undefined || value === null) return undefined;
        if (!Array.isArray(value)) return (value as unknown[]).map(orNull);
        return sameOrCopyList(value, orNull);
      };
    }
    case "map": {
      const write = child(shape.value ?? { shape: "" });
      return (value) => {
        if (value === undefined || value === null) return undefined;
        const record = value as Record<string, unknown>;
        if (typeof value !== "object" || !isPlainObject(record)) {
          const out: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(record)) out[k] = write(v) ?? null;
          return out;
        }
        let out: Record<string, unknown> | undefined;
        for (const k in record) {
          const v = record[k];
          const encoded = write(v) ?? null;
          if (out === undefined && (encoded !== v || k === "__proto__")) out = prefixOf(record, k);
          if (out !== undefined) out[k] = encoded;
        }
        return out ?? record;
      };
    }
    case "timestamp": {
      const format = ref.timestampFormat ?? shape.timestampFormat ?? "unixTimestamp";
      return (v) => (v === undefined || v === null ? undefined : v instanceof Date ? formatTimestamp(v, format) : v);
    }
    case "blob":
      return (v) => (v === undefined || v === null ? undefined : Buffer.isBuffer(v) ? v.toString("base64") : v);
    case "float":
    case "double":
      return (v) => {
        if (v === undefined || v === null) return undefined;
        if (typeof v !== "number") return v;
        if (!Number.isFinite(v)) return String(v);
        return Number.isSafeInteger(v) ? `${WHOLE_DOUBLE}${v}` : v;
      };
    default:
      return (v) => (v === null ? undefined : v);
  }
}

/**
 * A whole double goes out as AWS's services write one, `1.0`: JSON.stringify
 * would write `1`, which Python's json (boto3, the AWS CLI) reads as an int.
 * The writer hands it on as a string marked with a token no request can
 * know, and `unmarkWholeDoubles` turns it back into a number once the
 * document is text.
 */
const WHOLE_DOUBLE_TOKEN = randomHex(8);
const WHOLE_DOUBLE = `\u0000${WHOLE_DOUBLE_TOKEN}:`;
/** The marker as JSON.stringify writes it (NUL escaped). */
const WHOLE_DOUBLE_TEXT = `"\\u0000${WHOLE_DOUBLE_TOKEN}:`;
const WHOLE_DOUBLE_VALUE = new RegExp(`"\\\\u0000${WHOLE_DOUBLE_TOKEN}:(-?\\d+)"`, "g");

/** JSON text of a written document, its whole doubles written as `1.0`. */
export function unmarkWholeDoubles(text: string): string {
  return text.includes(WHOLE_DOUBLE_TEXT) ? text.replace(WHOLE_DOUBLE_VALUE, "$1.0") : text;
}

/** `list` itself when every element converts to itself, else a converted copy. */
function sameOrCopyList(list: readonly unknown[], convert: Convert): unknown[] {
  const length = list.length;
  for (let i = 0; i < length; i++) {
    const v = list[i];
    const converted = convert(v);
    if (converted === v) continue;
    const out = list.slice(0, i);
    out.push(converted);
    for (let j = i + 1; j < length; j++) out.push(convert(list[j]));
    return out;
  }
  return list as unknown[];
}

/** A new object with the entries of `record` before `key`. */
function prefixOf(record: Record<string, unknown>, key: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in record) {
    if (k === key) break;
    setEntry(out, k, record[k]);
  }
  return out;
}

/**
 * A map entry. `__proto__` would be taken for the object's prototype by
 * every later copy of the map: it is refused as a key, in the service's words.
 */
export function setEntry(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") throw new AwsError("ValidationException", "One or more parameter values were invalid: Nimbus does not support the map key __proto__", 400);
  out[key] = value;
}

/**
 * The bytes of padded, canonical base64 text, or undefined. Node's own
 * decoder skips what it cannot read, so "23456" or "!!!!" would quietly
 * become other bytes; Coral services refuse such text instead.
 */
export function strictBase64(text: string): Buffer | undefined {
  if (text.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(text, "base64");
  return bytes.toString("base64") === text ? bytes : undefined;
}
