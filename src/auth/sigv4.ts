/**
 * Signature Version 4: parsing the Authorization header or presigned query,
 * rebuilding the canonical request, and computing the signature the client
 * must have sent. Follows the AWS SigV4 specification; S3 differs only in
 * signing the path as sent rather than normalized and encoded twice.
 */
import * as crypto from "node:crypto";
import { createHash, createHmac } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { hostNotSigned, incompleteV4Header, malformedAuth, malformedQueryAuth } from "./errors.js";
import { collapseSpaces, wireBytes } from "./wire.js";
import type { AuthDialect } from "./types.js";
import { queryPairs, uriEncode } from "./uri.js";

export const ALGORITHM = "AWS4-HMAC-SHA256";
export const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/** The longest a presigned URL may live: seven days. */
const MAX_EXPIRES_SECONDS = 604800;

export interface V4Signature {
  accessKeyId: string;
  /** `YYYYMMDD` of the credential scope. */
  date: string;
  /** May be empty: botocore signs global services without a region. */
  region: string;
  service: string;
  /** Shared by the requests that sign the same list: never mutated. */
  signedHeaders: readonly string[];
  signature: string;
  /** `YYYYMMDDTHHMMSSZ`. */
  amzDate: string;
  /** Presigned URLs only: lifetime in seconds. */
  expires?: number;
  presigned: boolean;
  /** The parsed credential scope this came from, shared by the requests that name it. */
  credential?: CredentialScope;
}

export function scopeOf(sig: V4Signature): string {
  return `${sig.date}/${sig.region}/${sig.service}/aws4_request`;
}

/** `AWS4-HMAC-SHA256 Credential=AKID/20261122/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=…` */
export function parseV4Header(value: string, headers: IncomingHttpHeaders, dialect: AuthDialect): V4Signature {
  const credential = authField(value, "Credential=");
  const signedHeaders = authField(value, "SignedHeaders=");
  const signature = authField(value, "Signature=");
  const amzDate = header(headers, "x-amz-date") ?? dateHeaderAsAmzDate(header(headers, "date"));
  if (!credential || !signedHeaders || !signature || !amzDate) {
    throw incompleteV4Header(dialect, value, { credential: !!credential, signature: !!signature, signedHeaders: !!signedHeaders, date: !!amzDate });
  }
  return v4Signature(parseCredential(credential, dialect, false), signedHeaderList(signedHeaders, dialect), signature, amzDate, undefined, false);
}

/** Every signature built in one place, its fields always present: header- and query-signed ones share one shape. */
function v4Signature(
  scope: CredentialScope,
  signedHeaders: readonly string[],
  signature: string,
  amzDate: string,
  expires: number | undefined,
  presigned: boolean,
): V4Signature {
  return {
    accessKeyId: scope.accessKeyId,
    date: scope.date,
    region: scope.region,
    service: scope.service,
    credential: scope,
    signedHeaders,
    signature,
    amzDate,
    expires,
    presigned,
  };
}

/**
 * A client signs the same few header lists and credential scopes over and
 * over: both are parsed once and kept (never mutated), up to a bound.
 */
class ParseCache<T> {
  private readonly entries = new Map<string, T>();
  constructor(private readonly limit: number) {}

  get(text: string, parse: (text: string) => T): T {
    return this.entries.get(text) ?? this.put(text, parse(text));
  }

  find(text: string): T | undefined {
    return this.entries.get(text);
  }

  put(text: string, value: T): T {
    if (this.entries.size >= this.limit) this.entries.clear();
    this.entries.set(text, value);
    return value;
  }
}

const signedHeaderLists = new ParseCache<readonly string[]>(256);
const credentialScopes = new ParseCache<CredentialScope>(256);

/** The signed header names; a list without `host` is refused (and never kept, so a kept list needs no check). */
function signedHeaderList(text: string, dialect: AuthDialect): readonly string[] {
  return signedHeaderLists.find(text) ?? parseSignedHeaders(text, dialect);
}

function parseSignedHeaders(text: string, dialect: AuthDialect): readonly string[] {
  const names = text.split(";");
  if (!names.includes("host")) throw hostNotSigned(dialect);
  return signedHeaderLists.put(text, names);
}

/** One `Name=value` field of the Authorization header, by plain string search. */
function authField(value: string, name: string): string | undefined {
  let at = value.indexOf(name, ALGORITHM.length);
  // A match must start a field, not sit inside another's value.
  while (at > 0 && value[at - 1] !== " " && value[at - 1] !== ",") at = value.indexOf(name, at + 1);
  if (at < 0) return undefined;
  const start = at + name.length;
  const end = value.indexOf(",", start);
  return (end < 0 ? value.slice(start) : value.slice(start, end)).trim();
}

/** `?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=…&X-Amz-Date=…&X-Amz-Expires=…&X-Amz-SignedHeaders=…&X-Amz-Signature=…` */
export function parseV4Query(params: Map<string, string>, dialect: AuthDialect): V4Signature {
  const credential = params.get("X-Amz-Credential");
  const amzDate = params.get("X-Amz-Date");
  const signedHeaders = params.get("X-Amz-SignedHeaders");
  const signature = params.get("X-Amz-Signature");
  if (params.get("X-Amz-Algorithm") !== ALGORITHM) {
    throw malformedQueryAuth(dialect, "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
  }
  if (!credential || !amzDate || !signedHeaders || !signature) {
    throw malformedQueryAuth(dialect, "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.");
  }
  const expiresText = params.get("X-Amz-Expires");
  const expires = expiresText === undefined ? undefined : Number(expiresText);
  if (expires !== undefined && !Number.isInteger(expires)) throw malformedQueryAuth(dialect, "X-Amz-Expires should be a number");
  if (expires !== undefined && expires < 0) throw malformedQueryAuth(dialect, "X-Amz-Expires must be non-negative");
  if (expires !== undefined && expires > MAX_EXPIRES_SECONDS) {
    throw malformedQueryAuth(
      dialect,
      `X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than ${MAX_EXPIRES_SECONDS} seconds`,
    );
  }
  return v4Signature(parseCredential(credential, dialect, true), signedHeaderList(signedHeaders, dialect), signature, amzDate, expires, true);
}

interface CredentialScope {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  /** The signing key last derived for this scope, with the secret it came from. */
  derived?: { secret: string; key: SigningKey };
}

function parseCredential(credential: string, dialect: AuthDialect, query: boolean): CredentialScope {
  const scope = credentialScopes.get(credential, splitCredential);
  if (scope.date === "") {
    const detail = `the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`;
    throw query ? malformedQueryAuth(dialect, `Error parsing the X-Amz-Credential parameter; ${detail}`) : malformedAuth(dialect, detail);
  }
  return scope;
}

/** `AKID/YYYYMMDD/region/service/aws4_request`; a malformed one comes back with an empty date. */
function splitCredential(credential: string): CredentialScope {
  const parts = credential.split("/");
  if (parts.length !== 5 || parts[4] !== "aws4_request" || !/^\d{8}$/.test(parts[1]!)) return { accessKeyId: "", date: "", region: "", service: "" };
  const [accessKeyId, date, region, service] = parts as [string, string, string, string];
  return { accessKeyId, date, region, service };
}

/** Requests signed in the same second share their date: the last one parsed is kept. */
let lastAmzDate = { text: "", ms: NaN };

/** Parses `YYYYMMDDTHHMMSSZ` into epoch ms; NaN when malformed. */
export function parseAmzDate(value: string): number {
  if (value === lastAmzDate.text) return lastAmzDate.ms;
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return NaN;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  lastAmzDate = { text: value, ms };
  return ms;
}

export function formatAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

function dateHeaderAsAmzDate(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : formatAmzDate(ms);
}

export interface CanonicalInput {
  method: string;
  path: string;
  rawQuery: string;
  headers: IncomingHttpHeaders;
}

export function canonicalRequest(req: CanonicalInput, sig: V4Signature, payloadHash: string): string {
  // S3 (and S3 Express's s3express) sign the path as sent; other services its normalized form.
  const path = sig.service === "s3" || sig.service === "s3express" ? req.path || "/" : normalizedPath(req.path);
  const query = req.rawQuery === "" ? "" : canonicalQuery(req.rawQuery, sig.presigned);
  let headers = "";
  for (const name of sig.signedHeaders) headers += `${name}:${canonicalHeaderValue(req.headers[name])}\n`;
  return `${req.method}\n${path}\n${query}\n${headers}\n${sig.signedHeaders.join(";")}\n${payloadHash}`;
}

/** Dot segments removed, each segment encoded once more (the wire path is already encoded once). */
function normalizedPath(path: string): string {
  if (path === "/" || path === "") return "/";
  const out: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "." || segment === "") continue;
    if (segment === "..") out.pop();
    else out.push(uriEncode(segment));
  }
  const joined = `/${out.join("/")}`;
  return path.endsWith("/") && joined !== "/" ? `${joined}/` : joined;
}

function canonicalQuery(rawQuery: string, presigned: boolean): string {
  const pairs = queryPairs(rawQuery)
    .filter(([name]) => !(presigned && name === "X-Amz-Signature"))
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const);
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([name, value]) => `${name}=${value}`).join("&");
}

function canonicalHeaderValue(value: string | string[] | undefined): string {
  if (value === undefined) return "";
  const joined = Array.isArray(value) ? value.join(",") : value;
  return isCanonicalValue(joined) ? joined : collapseSpaces(joined);
}

/** No whitespace at the ends, none but single spaces inside: the value is its own canonical form (most are). */
function isCanonicalValue(value: string): boolean {
  let previousSpace = true; // so that a leading space fails too
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x20) {
      if (previousSpace) return false;
      previousSpace = true;
    } else if (c < 0x20 || c > 0xff) {
      return false; // tabs and line breaks: left to the full rule
    } else {
      previousSpace = false;
    }
  }
  return !previousSpace || value.length === 0;
}

/**
 * A derived signing key with its HMAC pads precomputed: an HMAC is then two
 * one-shot SHA-256 digests, without building an Hmac object (whose key
 * import dominates the cost of signing a short text).
 */
export class SigningKey {
  private readonly inner: string;
  private readonly outer: string;

  constructor(readonly key: Buffer) {
    const inner = Buffer.alloc(64, 0x36);
    const outer = Buffer.alloc(64, 0x5c);
    for (let i = 0; i < key.length; i++) {
      inner[i]! ^= key[i]!;
      outer[i]! ^= key[i]!;
    }
    this.inner = inner.toString("latin1");
    this.outer = outer.toString("latin1");
  }

  /** HMAC-SHA256 of `text`, as lower-case hex. */
  sign(text: string): string {
    // The pads are bytes carried as latin1 text, so the text must be ASCII (one UTF-8 byte per character).
    if (!oneShot || Buffer.byteLength(text) !== text.length) {
      return createHmac("sha256", this.key).update(text).digest("hex");
    }
    const innerDigest = oneShot("sha256", Buffer.from(this.inner + text, "latin1"), "latin1");
    return oneShot("sha256", Buffer.from(this.outer + innerDigest, "latin1"), "hex");
  }
}

const keyCache = new Map<string, SigningKey>();

/** The derived signing key, cached: four HMACs per request add up on a hot path. */
export function signingKey(secret: string, sig: Pick<V4Signature, "date" | "region" | "service" | "credential">): SigningKey {
  const derived = sig.credential?.derived;
  if (derived !== undefined && derived.secret === secret) return derived.key;
  const id = `${secret}\n${sig.date}\n${sig.region}\n${sig.service}`;
  let key = keyCache.get(id);
  if (!key) {
    const kDate = hmac(`AWS4${secret}`, sig.date);
    const kRegion = hmac(kDate, sig.region);
    const kService = hmac(kRegion, sig.service);
    key = new SigningKey(hmac(kService, "aws4_request"));
    if (keyCache.size >= 1024) keyCache.clear();
    keyCache.set(id, key);
  }
  if (sig.credential) sig.credential.derived = { secret, key };
  return key;
}

export function requestSignature(key: SigningKey, sig: V4Signature, canonical: string): string {
  return key.sign(stringToSignV4(sig, canonical));
}

export function stringToSignV4(sig: V4Signature, canonical: string): string {
  return `${ALGORITHM}\n${sig.amzDate}\n${scopeOf(sig)}\n${sha256Hex(wireBytes(canonical))}`;
}

export function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data).digest();
}

/** Node's one-shot digest (20.12+) skips the Hash object: half the cost on a short canonical request. */
const oneShot = (crypto as { hash?: (algorithm: string, data: string | Buffer, encoding: "hex" | "latin1") => string }).hash;

export function sha256Hex(data: string | Buffer): string {
  return oneShot ? oneShot("sha256", data, "hex") : createHash("sha256").update(data).digest("hex");
}

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function queryMap(rawQuery: string): Map<string, string> {
  return new Map(queryPairs(rawQuery));
}
