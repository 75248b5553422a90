/**
 * DynamoDB attribute values: types, number semantics, ordering, equality,
 * item size, validation and an order-preserving key encoding.
 */
import { AwsError } from "../../server/errors.js";

/** An attribute value as the JSON codec decodes it (blobs already decoded from base64). */
export type AttributeValue =
  | { S: string }
  | { N: string }
  | { B: Uint8Array }
  | { BOOL: boolean }
  | { NULL: true }
  | { M: Record<string, AttributeValue> }
  | { L: AttributeValue[] }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: Uint8Array[] };

export type Item = Record<string, AttributeValue>;

export type AttributeType = "S" | "N" | "B" | "BOOL" | "NULL" | "M" | "L" | "SS" | "NS" | "BS";

/** The key attribute types. */
export type KeyType = "S" | "N" | "B";

function validation(message: string): AwsError {
  return new AwsError("ValidationException", message, 400);
}

/** The type tag of a value. */
export function typeOf(value: AttributeValue): AttributeType {
  if ("S" in value) return "S";
  if ("N" in value) return "N";
  if ("M" in value) return "M";
  if ("L" in value) return "L";
  if ("BOOL" in value) return "BOOL";
  if ("B" in value) return "B";
  if ("SS" in value) return "SS";
  if ("NS" in value) return "NS";
  if ("NULL" in value) return "NULL";
  return "BS";
}

// ---------------------------------------------------------------------------
// Numbers. DynamoDB keeps up to 38 significant decimal digits with a
// magnitude between 1E-130 and 9.99…E+125, exactly (no binary floats):
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html#HowItWorks.DataTypes.Number

/**
 * A decimal as sign, significant digits and exponent: the value is
 * `d.ddd × 10^exp` where `digits` has no leading or trailing zeros. Zero is
 * `digits: ""`.
 */
export interface Decimal {
  readonly negative: boolean;
  readonly digits: string;
  readonly exp: number;
}

const ZERO: Decimal = { negative: false, digits: "", exp: 0 };
const MAX_DIGITS = 38;
const MAX_EXP = 125;
const MIN_EXP = -130;

/** Reads a decimal literal as Java's BigDecimal does (sign, digits, point, exponent); undefined if malformed. */
export function parseDecimal(text: string): Decimal | undefined {
  const length = text.length;
  let i = 0;
  let negative = false;
  if (i < length && (text.charCodeAt(i) === 45 || text.charCodeAt(i) === 43)) {
    negative = text.charCodeAt(i) === 45;
    i++;
  }
  let raw = "";
  let pointAt = -1;
  let sawDigit = false;
  for (; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      raw += text[i];
      sawDigit = true;
    } else if (c === 46 && pointAt < 0) {
      pointAt = raw.length;
    } else break;
  }
  if (!sawDigit) return undefined;
  let exponent = 0;
  if (i < length) {
    const c = text.charCodeAt(i);
    if (c !== 101 && c !== 69) return undefined;
    i++;
    let expNegative = false;
    if (i < length && (text.charCodeAt(i) === 45 || text.charCodeAt(i) === 43)) {
      expNegative = text.charCodeAt(i) === 45;
      i++;
    }
    const start = i;
    for (; i < length; i++) {
      const d = text.charCodeAt(i);
      if (d < 48 || d > 57) return undefined;
    }
    if (i === start) return undefined;
    // Cap absurd exponents: anything this large is out of range anyway.
    const digits = text.slice(start, i).replace(/^0+/, "");
    exponent = digits.length > 9 ? 1e9 : Number(digits || "0");
    if (expNegative) exponent = -exponent;
  }
  if (pointAt < 0) pointAt = raw.length;
  let first = 0;
  while (first < raw.length && raw.charCodeAt(first) === 48) first++;
  if (first === raw.length) return ZERO;
  let last = raw.length;
  while (raw.charCodeAt(last - 1) === 48) last--;
  return { negative, digits: raw.slice(first, last), exp: pointAt - first - 1 + exponent };
}

/** Throws DynamoDB's error when a decimal is out of range or too precise. */
function checkRange(d: Decimal, precisionMessage: string): void {
  if (d.digits === "") return;
  if (d.exp > MAX_EXP) throw validation("Number overflow. Attempting to store a number with magnitude larger than supported range");
  if (d.exp < MIN_EXP) throw validation("Number underflow. Attempting to store a number with magnitude smaller than supported range");
  if (d.digits.length > MAX_DIGITS) throw validation(precisionMessage);
}

/** The plain (no exponent) text of a decimal, as DynamoDB returns numbers. */
export function formatDecimal(d: Decimal): string {
  if (d.digits === "") return "0";
  const sign = d.negative ? "-" : "";
  const n = d.digits.length;
  if (d.exp < 0) return sign + "0." + "0".repeat(-d.exp - 1) + d.digits;
  if (d.exp >= n - 1) return sign + d.digits + "0".repeat(d.exp - n + 1);
  return sign + d.digits.slice(0, d.exp + 1) + "." + d.digits.slice(d.exp + 1);
}

/**
 * DynamoDB's canonical text of a number ("1.0" → "1", "-0" → "0", "1e2" →
 * "100"); throws DynamoDB's ValidationException for invalid, too precise,
 * too large or too small numbers.
 */
export function canonicalNumber(text: string): string {
  if (text === "") throw validation("The parameter cannot be converted to a numeric value");
  const d = parseDecimal(text);
  if (d === undefined) throw validation(`The parameter cannot be converted to a numeric value: ${text}`);
  checkRange(d, "Attempting to store more than 38 significant digits in a Number");
  return formatDecimal(d);
}

/** A valid number's decimal; numbers reaching here were validated on the way in. */
function decimalOf(text: string): Decimal {
  const d = parseDecimal(text);
  if (d === undefined) throw validation(`The parameter cannot be converted to a numeric value: ${text}`);
  return d;
}

function toScaled(d: Decimal): { units: bigint; scale: number } {
  // value = units × 10^scale
  if (d.digits === "") return { units: 0n, scale: 0 };
  const units = BigInt(d.digits);
  return { units: d.negative ? -units : units, scale: d.exp - (d.digits.length - 1) };
}

function fromScaled(units: bigint, scale: number): Decimal {
  if (units === 0n) return ZERO;
  const negative = units < 0n;
  const text = (negative ? -units : units).toString();
  return parseDecimalParts(negative, text, scale);
}

function parseDecimalParts(negative: boolean, digitText: string, scale: number): Decimal {
  let last = digitText.length;
  while (digitText.charCodeAt(last - 1) === 48) last--;
  return { negative, digits: digitText.slice(0, last), exp: scale + digitText.length - 1 };
}

function addDecimals(a: Decimal, b: Decimal): Decimal {
  const x = toScaled(a);
  const y = toScaled(b);
  const scale = Math.min(x.scale, y.scale);
  const sum = x.units * 10n ** BigInt(x.scale - scale) + y.units * 10n ** BigInt(y.scale - scale);
  return fromScaled(sum, scale);
}

/** An exact result DynamoDB cannot hold, too large or too precise, it calls an overflow (as AWS answers 1e50 - 1). */
const ARITHMETIC_OVERFLOW = "Number overflow. Attempting to store a number with magnitude larger than supported range";

function arithmetic(result: Decimal): string {
  checkRange(result, ARITHMETIC_OVERFLOW);
  return formatDecimal(result);
}

/** Exact `a + b` of two numbers, canonical, limits checked. */
export function addNumbers(a: string, b: string): string {
  return arithmetic(addDecimals(decimalOf(a), decimalOf(b)));
}

/** Exact `a - b` of two numbers, canonical, limits checked. */
export function subtractNumbers(a: string, b: string): string {
  const y = decimalOf(b);
  const negated = y.digits === "" ? y : { ...y, negative: !y.negative };
  return arithmetic(addDecimals(decimalOf(a), negated));
}

function compareDecimals(a: Decimal, b: Decimal): number {
  const signA = a.digits === "" ? 0 : a.negative ? -1 : 1;
  const signB = b.digits === "" ? 0 : b.negative ? -1 : 1;
  if (signA !== signB) return signA - signB;
  if (signA === 0) return 0;
  let magnitude: number;
  if (a.exp !== b.exp) magnitude = a.exp - b.exp;
  else magnitude = a.digits < b.digits ? -1 : a.digits > b.digits ? 1 : 0;
  return signA < 0 ? -magnitude : magnitude;
}

/** Numeric comparison of two valid numbers: negative, 0 or positive. */
export function compareNumbers(a: string, b: string): number {
  if (a === b) return 0;
  return Math.sign(compareDecimals(decimalOf(a), decimalOf(b)));
}

// ---------------------------------------------------------------------------
// Ordering and equality.

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

const utf8 = new TextEncoder();

/** DynamoDB orders strings by their UTF-8 bytes, which differs from UTF-16 order above the BMP. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  // Fast path: UTF-16 order equals UTF-8 order unless a surrogate pair is involved.
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if ((x >= 0xd800 && x <= 0xdfff) || (y >= 0xd800 && y <= 0xdfff)) {
      return compareBytes(utf8.encode(a.slice(i)), utf8.encode(b.slice(i)));
    }
    return x < y ? -1 : 1;
  }
  return a.length - b.length < 0 ? -1 : a.length === b.length ? 0 : 1;
}

/**
 * Orders two values of the same scalar type as DynamoDB does (S by UTF-8
 * bytes, N numerically, B bytewise); undefined when the types differ or are
 * not ordered (DynamoDB's comparisons are then false).
 */
export function compareValues(a: AttributeValue, b: AttributeValue): number | undefined {
  if ("S" in a) return "S" in b ? compareStrings(a.S, b.S) : undefined;
  if ("N" in a) return "N" in b ? compareNumbers(a.N, b.N) : undefined;
  if ("B" in a) return "B" in b ? Math.sign(compareBytes(a.B, b.B)) : undefined;
  return undefined;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && compareBytes(a, b) === 0;
}

/** A number's canonical text, equal for equal numbers ("1.0" and "1"). */
export function numberKey(text: string): string {
  const d = parseDecimal(text);
  return d === undefined ? text : formatDecimal(d);
}

/** A binary as a string, equal for equal bytes. */
export function bytesKey(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
}

function setEquals<T>(a: readonly T[], b: readonly T[], key: (x: T) => string): boolean {
  if (a.length !== b.length) return false;
  // Set members are distinct, so equal sizes plus inclusion is equality;
  // looked up by key, as sets hold thousands of members.
  const members = new Set(b.map(key));
  return a.every((x) => members.has(key(x)));
}

/** Deep equality of any two values; sets compare order-insensitively, numbers numerically. */
export function valuesEqual(a: AttributeValue, b: AttributeValue): boolean {
  if ("S" in a) return "S" in b && a.S === b.S;
  if ("N" in a) return "N" in b && compareNumbers(a.N, b.N) === 0;
  if ("B" in a) return "B" in b && bytesEqual(a.B, b.B);
  if ("BOOL" in a) return "BOOL" in b && a.BOOL === b.BOOL;
  if ("NULL" in a) return "NULL" in b;
  if ("M" in a) {
    if (!("M" in b)) return false;
    const keys = Object.keys(a.M);
    if (keys.length !== Object.keys(b.M).length) return false;
    for (const key of keys) {
      const other = b.M[key];
      if (other === undefined || !valuesEqual(a.M[key], other)) return false;
    }
    return true;
  }
  if ("L" in a) {
    if (!("L" in b) || a.L.length !== b.L.length) return false;
    for (let i = 0; i < a.L.length; i++) if (!valuesEqual(a.L[i], b.L[i])) return false;
    return true;
  }
  if ("SS" in a) return "SS" in b && setEquals(a.SS, b.SS, (x) => x);
  if ("NS" in a) return "NS" in b && setEquals(a.NS, b.NS, numberKey);
  return "BS" in b && setEquals(a.BS, b.BS, bytesKey);
}

// ---------------------------------------------------------------------------
// Sizes, as https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html counts them.

/**
 * A number takes one byte per two significant digits (DynamoDB stores
 * base-100 digits aligned on the decimal point) plus one.
 */
export function numberSize(text: string): number {
  const integer = integerSize(text);
  if (integer !== undefined) return integer;
  const d = parseDecimal(text);
  if (d === undefined || d.digits === "") return 1;
  // Position of the first and last digit as powers of ten, grouped into pairs.
  const high = d.exp;
  const low = d.exp - d.digits.length + 1;
  const pairs = Math.floor(high / 2) - Math.floor(low / 2) + 1;
  return pairs + 1;
}

/**
 * numberSize of an integer without leading zeros (how stored numbers
 * mostly look), without parsing it: L digits ending in t zeros span the
 * powers 10^(L-1) down to 10^t. Undefined for any other text.
 */
function integerSize(text: string): number | undefined {
  const start = text.charCodeAt(0) === 45 ? 1 : 0;
  const length = text.length;
  if (length === start) return undefined;
  if (text.charCodeAt(start) === 48) return length === start + 1 ? 1 : undefined;
  let zeros = 0;
  for (let i = start; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
    zeros = c === 48 ? zeros + 1 : 0;
  }
  return Math.floor((length - start - 1) / 2) - Math.floor(zeros / 2) + 2;
}

/** The size of one value as DynamoDB counts it. */
export function valueSize(value: AttributeValue): number {
  if ("S" in value) return Buffer.byteLength(value.S, "utf8");
  if ("N" in value) return numberSize(value.N);
  if ("B" in value) return value.B.length;
  if ("BOOL" in value || "NULL" in value) return 1;
  if ("M" in value) {
    // 3 bytes for the map, 1 per element, plus names and values.
    let size = 3;
    for (const key in value.M) size += 1 + Buffer.byteLength(key, "utf8") + valueSize(value.M[key]);
    return size;
  }
  if ("L" in value) {
    let size = 3;
    for (const element of value.L) size += 1 + valueSize(element);
    return size;
  }
  if ("SS" in value) return value.SS.reduce((sum, s) => sum + Buffer.byteLength(s, "utf8"), 0);
  if ("NS" in value) return value.NS.reduce((sum, n) => sum + numberSize(n), 0);
  return value.BS.reduce((sum, b) => sum + b.length, 0);
}

/** The size of an item as DynamoDB counts it against the 400 KB limit. */
export function itemSize(item: Item): number {
  let size = 0;
  for (const name in item) size += Buffer.byteLength(name, "utf8") + valueSize(item[name]);
  return size;
}

// ---------------------------------------------------------------------------
// Validation of values arriving in requests.

const INVALID = "One or more parameter values were invalid: ";

function listText(members: readonly string[]): string {
  return "[" + members.join(", ") + "]";
}

function findDuplicate(members: readonly string[]): boolean {
  const seen = new Set<string>();
  for (const member of members) {
    if (seen.has(member)) return true;
    seen.add(member);
  }
  return false;
}

/**
 * Checks a value from a request (empty sets, duplicate set members, invalid
 * numbers, recursively) and returns it with canonical numbers.
 */
/** Maps and lists may hold one another 31 deep: with the item itself, DynamoDB's 32 nesting levels. */
const MAX_CONTAINER_DEPTH = 31;

/** How many maps and lists nest in `value`, itself included (0 for a scalar or a set). */
function containerDepth(value: AttributeValue): number {
  let deepest = 0;
  if ("M" in value) for (const inner of Object.values(value.M)) deepest = Math.max(deepest, containerDepth(inner));
  else if ("L" in value) for (const inner of value.L) deepest = Math.max(deepest, containerDepth(inner));
  else return 0;
  return deepest + 1;
}

/**
 * An update can nest a value deeper than any request value was (SET a.b.c
 * = :deep): the item it makes is held to the same 32 levels as a put's.
 */
export function checkItemNesting(item: Item): void {
  for (const value of Object.values(item)) {
    if (containerDepth(value) > MAX_CONTAINER_DEPTH) {
      throw validation("Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit");
    }
  }
}

/** `depth`: how many maps and lists hold the value. */
export function validateItemValue(value: AttributeValue, depth = 0): AttributeValue {
  if ("N" in value) {
    const N = canonicalNumber(value.N);
    return N === value.N ? value : { N };
  }
  if ("NULL" in value) {
    // DynamoDB now takes NULL false as NULL true (it refused it until mid-2026).
    if ((value.NULL as boolean) === false) return { NULL: true };
    if (value.NULL !== true) throw validation(INVALID + "Null attribute value types must have the value of true");
    return value;
  }
  if ("SS" in value) {
    if (value.SS.length === 0) throw validation(INVALID + "An string set  may not be empty");
    if (findDuplicate(value.SS)) throw validation(INVALID + `Input collection ${listText(value.SS)} contains duplicates.`);
    return value;
  }
  if ("NS" in value) {
    if (value.NS.length === 0) throw validation(INVALID + "An number set  may not be empty");
    const NS = value.NS.map(canonicalNumber);
    if (findDuplicate(NS)) throw validation("Input collection contains duplicates");
    return { NS };
  }
  if ("BS" in value) {
    if (value.BS.length === 0) throw validation(INVALID + "Binary sets should not be empty");
    const encoded = value.BS.map((b) => Buffer.from(b).toString("base64"));
    if (findDuplicate(encoded)) throw validation(INVALID + `Input collection ${listText(encoded)}of type BS contains duplicates.`);
    return value;
  }
  if (("M" in value || "L" in value) && depth >= MAX_CONTAINER_DEPTH) {
    throw validation("Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit");
  }
  if ("M" in value) {
    let copy: Record<string, AttributeValue> | undefined;
    for (const key in value.M) {
      const checked = checkedNested(value.M[key], depth + 1);
      if (checked !== value.M[key]) {
        copy ??= { ...value.M };
        copy[key] = checked;
      }
    }
    return copy ? { M: copy } : value;
  }
  if ("L" in value) {
    let copy: AttributeValue[] | undefined;
    for (let i = 0; i < value.L.length; i++) {
      const checked = checkedNested(value.L[i], depth + 1);
      if (checked !== value.L[i]) {
        copy ??= value.L.slice();
        copy[i] = checked;
      }
    }
    return copy ? { L: copy } : value;
  }
  return value;
}

/** A value inside M or L: exactly one type (its content checked first), then `validateItemValue`. */
function checkedNested(value: AttributeValue, depth: number): AttributeValue {
  let types = 0;
  for (const _ in value) types++;
  if (types === 1) return validateItemValue(value, depth);
  if (types === 0) throw validation("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
  for (const [type, content] of Object.entries(value)) validateItemValue({ [type]: content } as AttributeValue, depth);
  throw validation("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes");
}

/** `validateItemValue` for every attribute of an item. */
export function validateItem(item: Item): Item {
  let copy: Item | undefined;
  for (const name in item) {
    const checked = validateItemValue(item[name]);
    if (checked !== item[name]) {
      copy ??= { ...item };
      copy[name] = checked;
    }
  }
  return copy ?? item;
}

// ---------------------------------------------------------------------------
// Key encoding. Strings and binaries: their bytes with 0x00 escaped as
// 0x00 0xFF, ended by 0x00 0x00, so a shorter value sorts first and the
// encoding can be followed by more. Numbers: a class byte (negative, zero,
// positive), the exponent, then base-100 digit pairs (1..100) ended by 0;
// negative numbers invert every byte after the class so larger magnitudes
// sort first.

const NUMBER_NEGATIVE = 0x01;
const NUMBER_ZERO = 0x02;
const NUMBER_POSITIVE = 0x03;
const EXP_BIAS = 0x8000;

function encodeBytes(bytes: Uint8Array): Buffer {
  let zeros = 0;
  for (const b of bytes) if (b === 0) zeros++;
  const out = Buffer.allocUnsafe(bytes.length + zeros + 2);
  let j = 0;
  for (const b of bytes) {
    out[j++] = b;
    if (b === 0) out[j++] = 0xff;
  }
  out[j++] = 0;
  out[j] = 0;
  return out;
}

function decodeBytes(bytes: Uint8Array, offset: number): { value: Buffer; end: number } {
  const out: number[] = [];
  let i = offset;
  for (;;) {
    if (i >= bytes.length) throw new RangeError("truncated key encoding");
    const b = bytes[i++];
    if (b !== 0) {
      out.push(b);
      continue;
    }
    if (bytes[i] === 0) return { value: Buffer.from(out), end: i + 1 };
    out.push(0);
    i++;
  }
}

function encodeNumber(text: string): Buffer {
  const d = decimalOf(text);
  if (d.digits === "") return Buffer.from([NUMBER_ZERO]);
  // Pairs aligned so that the first pair holds the integer digits of the
  // base-100 mantissa: 0.xx yy × 100^e100.
  const shift = ((d.exp % 2) + 2) % 2 === 0 ? 1 : 0;
  const padded = "0".repeat(shift) + d.digits + (((shift + d.digits.length) % 2) === 1 ? "0" : "");
  const e100 = (d.exp + shift + 1) / 2;
  const out = Buffer.allocUnsafe(3 + padded.length / 2 + 1);
  out[0] = d.negative ? NUMBER_NEGATIVE : NUMBER_POSITIVE;
  out.writeUInt16BE(e100 + EXP_BIAS, 1);
  let j = 3;
  for (let i = 0; i < padded.length; i += 2) out[j++] = Number(padded.slice(i, i + 2)) + 1;
  out[j] = 0;
  if (d.negative) for (let i = 1; i < out.length; i++) out[i] = 0xff - out[i];
  return out;
}

function decodeNumber(bytes: Uint8Array, offset: number): { value: AttributeValue; end: number } {
  const kind = bytes[offset];
  if (kind === NUMBER_ZERO) return { value: { N: "0" }, end: offset + 1 };
  const negative = kind === NUMBER_NEGATIVE;
  const at = (i: number): number => {
    if (i >= bytes.length) throw new RangeError("truncated key encoding");
    return negative ? 0xff - bytes[i] : bytes[i];
  };
  const e100 = ((at(offset + 1) << 8) | at(offset + 2)) - EXP_BIAS;
  let digits = "";
  let i = offset + 3;
  for (let b = at(i); b !== 0; b = at(++i)) digits += String(b - 1).padStart(2, "0");
  // value = 0.digits × 100^e100 = digits × 10^(2·e100 − len)
  const d = parseDecimalParts(negative, digits.replace(/^0+/, ""), 2 * e100 - digits.length);
  return { value: { N: formatDecimal(d) }, end: i + 1 };
}

/**
 * An order-preserving, self-delimiting byte encoding of a key value (S, N,
 * B): comparing encodings bytewise orders values as DynamoDB orders sort
 * keys, and encodings can be concatenated (hash then range).
 */
export function encodeKeyValue(value: AttributeValue): Buffer {
  if ("S" in value) return encodeBytes(Buffer.from(value.S, "utf8"));
  if ("N" in value) return encodeNumber(value.N);
  if ("B" in value) return encodeBytes(value.B);
  throw new TypeError(`not a key type: ${typeOf(value)}`);
}

/** Decodes one `encodeKeyValue` encoding of type `type` starting at `offset`. */
export function decodeKeyValue(
  bytes: Uint8Array,
  type: KeyType,
  offset = 0,
): { value: AttributeValue; end: number } {
  if (type === "N") return decodeNumber(bytes, offset);
  const { value, end } = decodeBytes(bytes, offset);
  return { value: type === "S" ? { S: value.toString("utf8") } : { B: value }, end };
}
