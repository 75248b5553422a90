/**
 * Codec factory: one codec per service model, chosen by the model's protocol.
 */
import { createJsonCodec } from "./json/codec.js";
import type { ServiceModel } from "./model.js";
import { createQueryCodec } from "./query/codec.js";
import { createRestJsonCodec } from "./rest-json/codec.js";
import { createRestXmlCodec } from "./rest-xml/codec.js";
import type { CodecOptions, ProtocolCodec } from "./types.js";

export function createCodec(model: ServiceModel, options: CodecOptions = {}): ProtocolCodec {
  switch (model.metadata.protocol) {
    case "rest-xml":
      return createRestXmlCodec(model, options);
    case "rest-json":
      return createRestJsonCodec(model, options);
    case "json":
      return createJsonCodec(model, options);
    case "query":
      return createQueryCodec(model, options);
    default:
      throw new Error(`protocol ${model.metadata.protocol} of ${model.metadata.serviceId} is not supported`);
  }
}

export type { CodecOptions, ProtocolCodec, WireRequest, WireResponse, Structure } from "./types.js";
export { validateInput, type ValidationProblem } from "./shared/validate.js";
