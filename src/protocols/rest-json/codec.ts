/**
 * rest-json (Lambda, API Gateway, and most newer services): REST bindings
 * with JSON documents, errors named by the `x-amzn-ErrorType` header.
 */
import type { ServiceModel } from "../model.js";
import { createRestCodec, type DocumentFormat } from "../rest/codec.js";
import { stringifyDocument } from "../shared/json-shared.js";
import { readJsonValue, writeJsonValue } from "../shared/json-shapes.js";
import type { CodecOptions, ProtocolCodec } from "../types.js";

export function createRestJsonCodec(model: ServiceModel, options: CodecOptions = {}): ProtocolCodec {
  return createRestCodec(model, options, jsonFormat);
}

const jsonFormat: DocumentFormat = {
  contentType: "application/json",
  malformedCode: "SerializationException",

  read(model, ref, body, path) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch (error) {
      throw new Error(`malformed JSON: ${(error as Error).message}`);
    }
    return readJsonValue(model, ref, parsed, path);
  },

  write(model, ref, value) {
    return stringifyDocument((writeJsonValue(model, ref, value) ?? {}) as Record<string, unknown>);
  },

  writeError(model, error, ctx) {
    // The body follows the error's shape in the model when it has one:
    // Lambda's errors declare `Type` and `Message`, most services a bare
    // `message`. Clients read the code from the header.
    const members = model.shapes[error.code]?.members ?? {};
    const body: Record<string, unknown> = {};
    if ("Type" in members) body.Type = error.fault === "Sender" ? "User" : "Service";
    body["Message" in members && !("message" in members) ? "Message" : "message"] = error.message;
    for (const [name, value] of Object.entries(error.fields)) if (value !== undefined) body[name] = value;
    return {
      status: error.status,
      headers: {
        "content-type": "application/json",
        "x-amzn-errortype": error.code,
        "x-amzn-requestid": ctx.requestId,
      },
      body: JSON.stringify(body),
    };
  },
};
