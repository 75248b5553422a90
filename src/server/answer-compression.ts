/**
 * DynamoDB compresses an answer of more than 4 KB when the request's
 * Accept-Encoding allows gzip or deflate (zlib), and its x-amz-crc32 is then
 * the checksum of the bytes sent. How it reads Accept-Encoding, as
 * ScyllaDB's suite measured it against AWS: names in any case, empty
 * entries skipped, anything but gzip, deflate and `*` ignored; the first q
 * parameter counts, above 1 as 1, malformed as 1, zero or negative as "not
 * acceptable"; an encoding named several times is acceptable if any entry
 * allows it; `*` stands for the encodings not named; the highest q wins, a
 * named encoding before one `*` stands for, the first named before a later
 * one, gzip before deflate.
 */
import { deflateSync, gzipSync } from "node:zlib";
import { crc32 } from "../protocols/json/codec.js";
import type { WireResponse } from "../protocols/types.js";

/** DynamoDB leaves answers of this size or less as they are. */
const THRESHOLD_BYTES = 4096;

type Encoding = "gzip" | "deflate";

/** Compresses `response` in place when it is large and the client accepts it. */
export function compressAnswer(acceptEncoding: string | string[] | undefined, response: WireResponse): void {
  if (acceptEncoding === undefined || !Buffer.isBuffer(response.body) || response.body.length <= THRESHOLD_BYTES) return;
  const encoding = chosenEncoding(Array.isArray(acceptEncoding) ? acceptEncoding.join(",") : acceptEncoding);
  if (!encoding) return;
  const body = encoding === "gzip" ? gzipSync(response.body) : deflateSync(response.body);
  response.body = body;
  response.headers["content-encoding"] = encoding;
  response.headers["content-length"] = String(body.length);
  if (response.headers["x-amz-crc32"] !== undefined) response.headers["x-amz-crc32"] = String(crc32(body));
}

export function chosenEncoding(header: string): Encoding | undefined {
  const named = new Map<Encoding, { q: number; position: number }>();
  let star: number | undefined;
  header.split(",").forEach((entry, position) => {
    const [rawName, ...params] = entry.split(";");
    const name = rawName!.trim().toLowerCase();
    if (name !== "gzip" && name !== "deflate" && name !== "*") return;
    const q = quality(params);
    if (name === "*") star = Math.max(star ?? 0, q);
    else {
      const seen = named.get(name);
      named.set(name, { q: Math.max(seen?.q ?? 0, q), position: seen?.position ?? position });
    }
  });
  const candidates = (["gzip", "deflate"] as const).map((encoding, rank) => {
    const own = named.get(encoding);
    // Named encodings come before those `*` stands for, then by position; gzip first among equals.
    return own ? { encoding, q: own.q, order: own.position } : { encoding, q: star ?? 0, order: Number.MAX_SAFE_INTEGER - 1 + rank };
  });
  candidates.sort((a, b) => b.q - a.q || a.order - b.order);
  const best = candidates[0]!;
  return best.q > 0 ? best.encoding : undefined;
}

/** An entry's first q parameter: 1 when absent, malformed or above 1; 0 when zero or negative. */
function quality(params: readonly string[]): number {
  for (const param of params) {
    const equals = param.indexOf("=");
    if (equals < 0 || param.slice(0, equals).trim().toLowerCase() !== "q") continue;
    const value = param.slice(equals + 1).trim();
    if (/^-/.test(value)) return 0;
    if (!/^\d+(\.\d*)?$/.test(value)) return 1;
    return Math.min(Number(value), 1);
  }
  return 1;
}
