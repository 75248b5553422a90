/**
 * Where items live in the ordered store, and the key checks DynamoDB makes.
 *
 * An item is stored at [tableId, hashPart, rangePart?]. The hash part is a
 * digest of the partition key, so a partition's items are contiguous (a
 * Query is one range read), keys stay small whatever the partition key's
 * size (LMDB keys end at 1978 bytes, DynamoDB's at 2048 + 1024), and a Scan
 * walks partitions in a hash order as DynamoDB's does, which also lets a
 * parallel Scan split the digest space into segments. The range part
 * preserves DynamoDB's sort order: S as the string itself (the store orders
 * strings by UTF-8 bytes, as DynamoDB does), N and B as the hex of
 * `encodeKeyValue`'s order-preserving bytes. A part too long for the store
 * (a binary past 800 bytes, a string of control characters, which the
 * store escapes) keeps its first bytes and a digest of the whole: it
 * orders by those bytes, and by digest among keys sharing them.
 *
 * Index entries live at [tableId, indexName, partitionPart(index hashes),
 * …rangePart(index ranges), hashPart(table hash), rangePart(table range)?].
 */
import * as crypto from "node:crypto";
import { storedBytes } from "../../storage/keys.js";
import { ddbErrors } from "./errors.js";
import { allIndexes, attributeType, keyColumns, keyNames, type IndexRecord, type KeySchemaElement, type TableRecord } from "./tables.js";
import { encodeKeyValue, type AttributeValue, type Item, type KeyType } from "./values.js";

export type StorageKey = (string | number)[];

const MAX_HASH_KEY_BYTES = 2048;
const MAX_RANGE_KEY_BYTES = 1024;
/** Hex characters of a binary range part kept before it is cut and suffixed with a digest. */
const MAX_RANGE_HEX = 1600;

/** Node's one-shot digest (20.12+), cheaper than a Hash object per key. */
const oneShot = (crypto as { hash?: (algorithm: string, data: string | Uint8Array, encoding: "hex") => string }).hash;

function md5Hex(data: string | Uint8Array): string {
  return oneShot ? oneShot("md5", data, "hex") : crypto.createHash("md5").update(data).digest("hex");
}

/** Digests of recent string partition keys, since hot partitions are asked for again and again. */
const stringDigests = new Map<string, string>();
const MAX_REMEMBERED_DIGESTS = 4096;
const MAX_REMEMBERED_KEY_LENGTH = 256;

export function hashPart(value: AttributeValue): string {
  if (!("S" in value)) return md5Hex(encodeKeyValue(value));
  const s = value.S;
  let digest = stringDigests.get(s);
  if (digest !== undefined) return digest;
  // A string without NUL encodes as its UTF-8 bytes and the 0x00 0x00 end
  // mark (encodeKeyValue): the same bytes, without building them.
  digest = s.includes("\0") ? md5Hex(encodeKeyValue(value)) : md5Hex(`${s}\0\0`);
  if (s.length <= MAX_REMEMBERED_KEY_LENGTH) {
    if (stringDigests.size >= MAX_REMEMBERED_DIGESTS) stringDigests.clear();
    stringDigests.set(s, digest);
  }
  return digest;
}

/** Stored bytes of a string range part kept whole; a longer one (a 1 KB key of control characters, which the store escapes) is cut. */
const MAX_RANGE_STRING_BYTES = 1600;

export function rangePart(value: AttributeValue): string {
  if ("S" in value) return storedBytes(value.S) <= MAX_RANGE_STRING_BYTES ? value.S : cutPart(value.S, 800);
  const hex = encodeKeyValue(value).toString("hex");
  if (hex.length <= MAX_RANGE_HEX) return hex;
  // "~" sorts after every hex digit: a cut key stays after the keys it
  // extends; keys sharing their first 800 bytes order by digest.
  return `${hex.slice(0, MAX_RANGE_HEX)}~${md5Hex(hex)}`;
}

/** The storage key of an item (or key) of `table`; the key must have been validated. */
export function itemKey(table: TableRecord, key: Item): StorageKey {
  const { hash, range } = keyNames(table.keySchema);
  const parts: StorageKey = [table.id, hashPart(key[hash]!)];
  if (range !== undefined) parts.push(rangePart(key[range]!));
  return parts;
}

/**
 * The partition part of a key made of one or more partition key attributes
 * (a multi-attribute index key digests their encodings together, each
 * framed by its length so that no two keys run into one another).
 */
export function partitionPart(values: readonly AttributeValue[]): string {
  if (values.length === 1) return hashPart(values[0]!);
  const framed = values.flatMap((value) => {
    const bytes = encodeKeyValue(value);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    return [length, bytes];
  });
  return md5Hex(Buffer.concat(framed));
}

/**
 * The storage key of an index entry for `item`, or undefined when the item
 * lacks any of the index's key attributes (a multi-attribute key indexes
 * only items that have every one).
 */
export function indexEntryKey(table: TableRecord, index: IndexRecord, item: Item): StorageKey | undefined {
  const { hashes, ranges } = keyColumns(index.keySchema);
  // An item whose value cannot be an index key (absent, mistyped, empty, or past the key size
  // limits, which only an index added over existing items meets) is left out of the index.
  const values = (names: readonly string[], maxBytes: number): AttributeValue[] | undefined => {
    const found: AttributeValue[] = [];
    for (const name of names) {
      const value = item[name];
      if (!value || !(attributeType(table, name) in value) || isEmptyKey(value) || !fitsKey(value, maxBytes)) return undefined;
      found.push(value);
    }
    return found;
  };
  const hashValues = values(hashes, MAX_HASH_KEY_BYTES);
  const rangeValues = values(ranges, MAX_RANGE_KEY_BYTES);
  if (!hashValues || !rangeValues) return undefined;
  const parts: StorageKey = [table.id, index.name, partitionPart(hashValues), ...rangeValues.map(rangePart)];
  const tableKey = itemKey(table, item);
  parts.push(...tableKey.slice(1));
  return storedLength(parts) <= MAX_ENTRY_KEY_BYTES ? parts : compactEntryKey(parts, tableKey.length - 1);
}

/** LMDB refuses keys past 1978 bytes; index entries are kept under this (with room for the store's framing). */
const MAX_ENTRY_KEY_BYTES = 1900;

function storedLength(parts: StorageKey): number {
  let bytes = 0;
  for (const part of parts) bytes += (typeof part === "string" ? storedBytes(part) : 8) + 1;
  return bytes;
}

/**
 * An index entry whose keys are long (a 1 KB index sort key beside a 1 KB
 * table sort key): the table's range part, which only tells apart entries
 * of equal index keys, becomes its digest; if that is not enough, the
 * index's range part is cut and suffixed with its digest, keeping its order
 * but among values sharing their first few hundred bytes. The same item
 * always gives the same key, so writes and deletes find their entries.
 */
function compactEntryKey(parts: StorageKey, tableParts: number): StorageKey {
  const compact = [...parts];
  if (tableParts === 2) compact[compact.length - 1] = `~${md5Hex(String(compact[compact.length - 1]))}`;
  // [tableId, indexName, hash, …index ranges, …table key]: the index's last range part is cut first.
  for (let at = compact.length - tableParts - 1; at >= 3 && storedLength(compact) > MAX_ENTRY_KEY_BYTES; at--) {
    compact[at] = cutPart(String(compact[at]), 600);
  }
  return compact;
}

/** A prefix of at most `maxBytes` stored bytes, then a mark that sorts after any continuation, then the digest. */
function cutPart(part: string, maxBytes: number): string {
  let prefix = "";
  let bytes = 0;
  for (const char of part) {
    // U+0000..U+0004 may be stored escaped, as two bytes.
    bytes += char.charCodeAt(0) <= 4 ? 2 : Buffer.byteLength(char);
    if (bytes > maxBytes) break;
    prefix += char;
  }
  return `${prefix}\u{10FFFF}${md5Hex(part)}`;
}

/**
 * An empty string or binary cannot be a key: writes refuse one for an
 * index key, and items stored before the index existed are left out of it.
 */
function isEmptyKey(value: AttributeValue): boolean {
  return ("S" in value && value.S === "") || ("B" in value && value.B.length === 0);
}

/** The attributes of `item` that make up a key schema. */
export function keyOf(item: Item, ...schemas: (readonly KeySchemaElement[])[]): Item {
  const key: Item = {};
  for (const schema of schemas) {
    for (const { AttributeName } of schema) {
      const value = item[AttributeName];
      if (value !== undefined) key[AttributeName] = value;
    }
  }
  return key;
}

function scalarOf(value: AttributeValue, type: KeyType): string | Uint8Array | undefined {
  const v = value as Record<string, unknown>;
  const scalar = v[type];
  return typeof scalar === "string" || scalar instanceof Uint8Array ? scalar : undefined;
}

function keyBytes(scalar: string | Uint8Array, type: KeyType): number {
  return type === "N" ? 0 : typeof scalar === "string" ? Buffer.byteLength(scalar) : scalar.length;
}

function checkKeyValue(name: string, scalar: string | Uint8Array, type: KeyType, isHash: boolean): void {
  if (type !== "N" && keyBytes(scalar, type) === 0) {
    throw requestFault(
      ddbErrors.validation(
        `One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty ${type === "S" ? "string" : "binary"} value. Key: ${name}`,
      ),
    );
  }
  checkKeyBytes(keyBytes(scalar, type), isHash);
}

function checkKeyBytes(size: number, isHash: boolean): void {
  if (isHash && size > MAX_HASH_KEY_BYTES) {
    throw ddbErrors.invalid("Size of hashkey has exceeded the maximum size limit of2048 bytes");
  }
  if (!isHash && size > MAX_RANGE_KEY_BYTES) {
    throw ddbErrors.invalid("Aggregated size of all range keys has exceeded the size limit of 1024 bytes");
  }
}

/** A key value read with (a key condition, a starting key) is held to the limits of the keys it is compared with. */
export function checkKeyValueSize(value: AttributeValue, isHash: boolean): void {
  if ("S" in value) checkKeyBytes(Buffer.byteLength(value.S), isHash);
  else if ("B" in value) checkKeyBytes(value.B.length, isHash);
}

/** Whether a string or binary key value is within `maxBytes` (a short string is, without measuring it). */
function fitsKey(value: AttributeValue, maxBytes: number): boolean {
  if ("S" in value) return value.S.length * 3 <= maxBytes || Buffer.byteLength(value.S) <= maxBytes;
  return !("B" in value) || value.B.length <= maxBytes;
}

/**
 * A value a Query's key condition compares a key attribute with: never
 * empty (worded as a write's table key, or index key on an index's own
 * attribute), and within the size limits.
 */
export function checkQueryKeyValue(table: TableRecord, value: AttributeValue, name: string, isHash: boolean, indexName?: string): void {
  if (isEmptyKey(value)) {
    const empty = `The AttributeValue for a key attribute cannot contain an empty ${"S" in value ? "string" : "binary"} value.`;
    const tableKey = indexName === undefined || table.keySchema.some((k) => k.AttributeName === name);
    throw ddbErrors.validation(
      tableKey
        ? `One or more parameter values are not valid. ${empty} Key: ${name}`
        : `One or more parameter values are not valid. A value specified for a secondary index key is not supported. ${empty} IndexName: ${indexName}, IndexKey: ${name}`,
    );
  }
  checkKeyValueSize(value, isHash);
}

/**
 * A `Key` parameter (GetItem, DeleteItem, UpdateItem...): exactly the
 * table's key attributes with their defined types.
 */
export function validateKey(table: TableRecord, key: Item): void {
  if (Object.keys(key).length !== table.keySchema.length) throw itemFault(ddbErrors.keySchemaMismatch());
  for (const [i, { AttributeName }] of table.keySchema.entries()) {
    const value = key[AttributeName];
    const type = attributeType(table, AttributeName);
    const scalar = value && Object.keys(value).length === 1 ? scalarOf(value, type) : undefined;
    if (scalar === undefined) throw itemFault(ddbErrors.keySchemaMismatch());
    checkKeyValue(AttributeName, scalar, type, i === 0);
  }
}

/** How a write words the refusals of its item's keys. */
export type KeyWording =
  /** PutItem and the like. */
  | "put"
  /** A BatchWriteItem PutRequest: a missing or mistyped key attribute "does not match the schema". */
  | "batch"
  /** An UpdateExpression's result: a mistyped index key is an "unsupported type" for the update. */
  | "update"
  /** The same inside a transaction, which words a mistyped index key as PutItem does. */
  | "transacted-update";

/**
 * A transaction tells faults of one item's keys from faults of the
 * request. A key of the wrong type is the item's fault: the transaction is
 * cancelled with a ValidationError reason there. An empty key value is the
 * request's: a plain ValidationException, found before anything is
 * written or, for an update's result, as it is.
 */
const itemFaults = new WeakSet<object>();
const requestFaults = new WeakSet<object>();

export function itemFault<E extends object>(error: E): E {
  itemFaults.add(error);
  return error;
}

function requestFault<E extends object>(error: E): E {
  requestFaults.add(error);
  return error;
}

export function isItemFault(error: unknown): boolean {
  return typeof error === "object" && error !== null && itemFaults.has(error);
}

export function isRequestFault(error: unknown): boolean {
  return typeof error === "object" && error !== null && requestFaults.has(error);
}

/** An item to write (PutItem, an UpdateItem result): its key attributes and index key attributes. */
export function validateItemKeys(table: TableRecord, item: Item, wording: KeyWording = "put"): void {
  checkTableKeys(table, item, wording);
  checkIndexKeys(table, item, wording);
}

function checkTableKeys(table: TableRecord, item: Item, wording: KeyWording): void {
  const schemaWording = wording === "batch";
  for (const [i, { AttributeName }] of table.keySchema.entries()) {
    const value = item[AttributeName];
    if (value === undefined) {
      throw schemaWording ? ddbErrors.keySchemaMismatch() : ddbErrors.invalid(`Missing the key ${AttributeName} in the item`);
    }
    const type = attributeType(table, AttributeName);
    const scalar = scalarOf(value, type);
    if (scalar === undefined) {
      if (schemaWording) throw ddbErrors.keySchemaMismatch();
      throw itemFault(ddbErrors.invalid(`Type mismatch for key ${AttributeName} expected: ${type} actual: ${Object.keys(value)[0]}`));
    }
    checkKeyValue(AttributeName, scalar, type, i === 0);
  }
}

/** Index keys, the indexes taken in name order (a refusal names the first index that keys the attribute). */
function checkIndexKeys(table: TableRecord, item: Item, wording: KeyWording): void {
  const indexes = [...table.gsis, ...table.lsis].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const index of indexes) {
    for (const { AttributeName, KeyType } of index.keySchema) {
      const value = item[AttributeName];
      if (value === undefined) continue;
      const type = attributeType(table, AttributeName);
      const scalar = scalarOf(value, type);
      if (table.keySchema.some((k) => k.AttributeName === AttributeName)) {
        // Checked as the table's key already; as an index's sort key it is held to the sort key limit as well.
        if (KeyType === "RANGE" && scalar !== undefined) checkKeyBytes(keyBytes(scalar, type), false);
        continue;
      }
      if (scalar === undefined) {
        if (wording === "update") throw itemFault(ddbErrors.validation("The update expression attempted to update the secondary index key to unsupported type"));
        throw itemFault(
          ddbErrors.invalid(`Type mismatch for Index Key ${AttributeName} Expected: ${type} Actual: ${Object.keys(value)[0]} IndexName: ${index.name}`),
        );
      }
      if (type !== "N" && keyBytes(scalar, type) === 0) {
        const empty = `The AttributeValue for a key attribute cannot contain an empty ${type === "S" ? "string" : "binary"} value.`;
        throw requestFault(
          ddbErrors.validation(
            wording === "update" || wording === "transacted-update"
              ? `One or more parameter values are not valid. The update expression attempted to update a secondary index key to a value that is not supported. ${empty}`
              : `One or more parameter values are not valid. A value specified for a secondary index key is not supported. ${empty} IndexName: ${index.name}, IndexKey: ${AttributeName}`,
          ),
        );
      }
      // An index key is held to the same size limits as the table's.
      checkKeyBytes(keyBytes(scalar, type), KeyType === "HASH");
    }
  }
}

/** The digest space [0, 2^32) split into `total` parallel-scan segments: the hex bounds of `segment`. */
export function segmentBounds(segment: number, total: number): { start?: string; end?: string } {
  const span = 2 ** 32;
  const lo = Math.floor((segment * span) / total);
  const hi = Math.floor(((segment + 1) * span) / total);
  const hex = (n: number) => n.toString(16).padStart(8, "0");
  return { start: lo === 0 ? undefined : hex(lo), end: hi >= span ? undefined : hex(hi) };
}

/**
 * A projection or filter may name a key attribute only whole: DynamoDB
 * refuses `key.x` and `key[0]` for the table's key attributes (`Key:`)
 * and for those of any of its indexes (`IndexKey:`).
 */
export function checkScalarKeyPaths(table: TableRecord, paths: Iterable<readonly (string | number)[]>): void {
  const tableKeys = new Set(table.keySchema.map((k) => k.AttributeName));
  let indexKeys: Set<string> | undefined;
  for (const path of paths) {
    if (path.length < 2) continue;
    const head = String(path[0]);
    const refuse = (kind: string) =>
      ddbErrors.validation(`Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: ${kind}: ${head}`);
    if (tableKeys.has(head)) throw refuse("Key");
    indexKeys ??= new Set(allIndexes(table).flatMap(({ index }) => index.keySchema.map((k) => k.AttributeName)));
    if (indexKeys.has(head)) throw refuse("IndexKey");
  }
}
