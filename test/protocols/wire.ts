/** Builds WireRequests for codec unit tests. */
import type { IncomingHttpHeaders } from "node:http";
import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import type { WireRequest, WireResponse } from "../../src/protocols/types.js";

export function wire(method: string, target: string, headers: IncomingHttpHeaders = {}, body: string | Buffer = ""): WireRequest {
  const q = target.indexOf("?");
  const rawQuery = q < 0 ? "" : target.slice(q + 1);
  const bytes = Buffer.from(body);
  return {
    method,
    path: q < 0 ? target : target.slice(0, q),
    rawQuery,
    query: new URLSearchParams(rawQuery),
    headers,
    body: Readable.from(bytes.length ? [bytes] : []),
    contentLength: bytes.length,
  };
}

export async function bodyText(response: WireResponse): Promise<string> {
  const body = response.body;
  if (body === undefined) return "";
  if (typeof body === "string") return body;
  if (Buffer.isBuffer(body)) return body.toString("utf8");
  return text(body);
}

export const ctx = { requestId: "REQ123", hostId: "HOST456", method: "POST" };
