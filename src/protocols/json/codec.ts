/**
 * The json protocol (1.0 and 1.1: DynamoDB, Kinesis, SQS's newer wire):
 * every call is a POST of a JSON document, the operation named by
 * `X-Amz-Target: <prefix>.<Operation>`.
 */
import * as zlib from "node:zlib";
import { AwsError } from "../../server/errors.js";
import type { Operation, ServiceModel } from "../model.js";
import { DEFAULT_MAX_BODY_BYTES, HeldBody, readBody, takeHeld } from "../shared/body.js";
import { keptDocumentBytes, stringifyDocument } from "../shared/json-shared.js";
import { JsonShapeError, readJsonValue, writeJsonValue } from "../shared/json-shapes.js";
import type { CodecOptions, ProtocolCodec, Structure, WireResponse } from "../types.js";

export function createJsonCodec(model: ServiceModel, options: CodecOptions = {}): ProtocolCodec {
  const contentType = `application/x-amz-json-${model.metadata.jsonVersion ?? "1.0"}`;
  const prefix = `${model.metadata.targetPrefix}.`;
  const errorNamespace = `com.amazonaws.${model.metadata.endpointPrefix}.v${model.metadata.apiVersion.replace(/-/g, "")}#`;
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const malformed = (detail: string): AwsError =>
    options.malformedError?.(detail) ?? new AwsError("SerializationException", detail, 400);

  /** CRC32s of kept document bytes, kept with them. */
  const keptCrcs = new WeakMap<Buffer, string>();
  const respond = (status: number, requestId: string, document: Record<string, unknown>, method: string): WireResponse => {
    const kept = keptDocumentBytes(document);
    const body = kept ?? Buffer.from(stringifyDocument(document));
    let crc = kept && keptCrcs.get(kept);
    if (crc === undefined) {
      crc = String(crc32(body));
      if (kept) keptCrcs.set(kept, crc);
    }
    const response: WireResponse = {
      status,
      headers: {
        "content-type": contentType,
        "content-length": String(body.length),
        // DynamoDB clients check this CRC32 of the body when it is present.
        "x-amz-crc32": crc,
        "x-amzn-requestid": requestId,
      },
    };
    if (method !== "HEAD") response.body = body;
    return response;
  };

  const respondEmpty = (requestId: string): WireResponse => ({
    status: 200,
    headers: { "content-type": contentType, "content-length": "0", "x-amz-crc32": "0", "x-amzn-requestid": requestId },
  });

  const decode = (op: Operation, body: Buffer): Structure => {
    if (!op.input) return {};
    if (body.length === 0) return {};
    let parsed: unknown;
    const text = body.toString("utf8");
    try {
      parsed = JSON.parse(text);
    } catch {
      throw malformed("Start of structure or map found where not expected.");
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw malformed("Start of structure or map found where not expected.");
    // Only an escape can carry a surrogate into a JSON text read as UTF-8: the walk runs only where one is written.
    if (options.unpairedSurrogateError && SURROGATE_ESCAPE.test(text) && !wellFormed(parsed)) throw options.unpairedSurrogateError();
    try {
      return readJsonValue(model, op.input, parsed, "") as Structure;
    } catch (error) {
      if (error instanceof JsonShapeError) throw malformed(error.coralMessage);
      throw error;
    }
  };

  return {
    model,

    resolve(req) {
      if (req.method !== "POST") return undefined;
      const target = req.headers["x-amz-target"];
      if (typeof target !== "string" || !target.startsWith(prefix)) return undefined;
      return model.operations[target.slice(prefix.length)];
    },

    parseInput(op: Operation, req) {
      const encoding = req.headers["content-encoding"];
      // Authentication holds a json document whole (it hashed it): decode it now, without a promise.
      if (req.body instanceof HeldBody) {
        const body = takeHeld(req.body, maxBody);
        return decode(op, encoding === undefined ? body : decompressed(body, encoding, maxBody));
      }
      return readBody(req.body, maxBody).then((body) => decode(op, encoding === undefined ? body : decompressed(body, encoding, maxBody)));
    },

    serializeOutput(op, output, ctx) {
      // An operation without an output shape answers an empty body (DynamoDB's TagResource).
      if (!op.output) return respondEmpty(ctx.requestId);
      const document = (writeJsonValue(model, op.output, output) ?? {}) as Record<string, unknown>;
      return respond(200, ctx.requestId, document, ctx.method);
    },

    serializeError(error, ctx) {
      // Members go through the model's error shape (blobs as base64), and
      // the message under the name that shape gives it (`Message` for
      // DynamoDB's TransactionCanceledException).
      const members = model.shapes[error.code]?.exception ? (model.shapes[error.code]?.members ?? {}) : {};
      const custom = options.errorType?.(error.code, error);
      const messageName = custom?.messageName ?? ("Message" in members && !("message" in members) ? "Message" : "message");
      const document: Record<string, unknown> = { __type: custom?.type ?? `${errorNamespace}${error.code}` };
      if (!custom || error.message !== "") document[messageName] = error.message;
      for (const [name, value] of Object.entries(error.fields)) {
        if (value === undefined) continue;
        const ref = members[name];
        document[name] = ref ? writeJsonValue(model, ref, value) : value;
      }
      return respond(error.status, ctx.requestId, document, ctx.method);
    },
  };
}

const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/** Whether every string and key in a parsed document is Unicode: each surrogate is half of a pair. */
function wellFormed(value: unknown): boolean {
  if (typeof value === "string") return !hasUnpairedSurrogate(value);
  if (value === null || typeof value !== "object") return true;
  if (Array.isArray(value)) return value.every(wellFormed);
  for (const [key, member] of Object.entries(value)) if (hasUnpairedSurrogate(key) || !wellFormed(member)) return false;
  return true;
}

function hasUnpairedSurrogate(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c > 0xdbff) return true;
    const next = text.charCodeAt(i + 1);
    if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
    i++;
  }
  return false;
}

const nativeCrc32 = (zlib as { crc32?: (data: Buffer) => number }).crc32;

/** The CRC32 DynamoDB's clients check (x-amz-crc32). */
export function crc32(data: Buffer): number {
  if (nativeCrc32) return nativeCrc32(data) >>> 0;
  let c = ~0;
  for (const byte of data) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

/**
 * A document sent compressed (`Content-Encoding: gzip`, as a client may
 * send DynamoDB requests; its signature covers the compressed bytes). An
 * encoding DynamoDB does not know, or bytes that are not what the header
 * says, fail as DynamoDB fails them: a 500.
 */
function decompressed(body: Buffer, encoding: string | string[], maxBody: number): Buffer {
  const name = String(encoding).trim().toLowerCase();
  // `amz-1.0` is what older AWS JSON clients name their (plain) bodies with.
  if (name === "identity" || name === "" || name === "amz-1.0") return body;
  const failed = () => new AwsError("InternalServerError", "The request body could not be decoded as its Content-Encoding says.", 500);
  if (name !== "gzip") throw failed();
  try {
    return zlib.gunzipSync(body, { maxOutputLength: maxBody });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
      throw new AwsError("RequestEntityTooLarge", `Request body exceeds the limit of ${maxBody} bytes once decompressed.`, 413);
    }
    throw failed();
  }
}
