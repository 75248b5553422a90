/**
 * rest-xml (S3, CloudFront, Route 53): REST bindings with XML documents.
 */
import type { AwsError } from "../../server/errors.js";
import { resolveShape, type ServiceModel, type ShapeRef } from "../model.js";
import { createRestCodec, type DocumentFormat } from "../rest/codec.js";
import { ScalarError } from "../shared/scalars.js";
import { parseXml, escapeText, XML_DECLARATION, XmlSyntaxError } from "../shared/xml.js";
import { readXmlValue, writeMembers, writeXmlElement } from "../shared/xml-shapes.js";
import type { CodecOptions, ProtocolCodec, SerializeContext, Structure, WireResponse } from "../types.js";

export function createRestXmlCodec(model: ServiceModel, options: CodecOptions = {}): ProtocolCodec {
  return createRestCodec(model, options, xmlFormat);
}

const xmlFormat: DocumentFormat = {
  contentType: "application/xml",
  malformedCode: "MalformedInput",

  read(model, ref, body, path) {
    let doc;
    try {
      doc = parseXml(body.toString("utf8"));
    } catch (error) {
      if (error instanceof XmlSyntaxError) throw new Error(`malformed XML: ${error.message}`);
      throw error;
    }
    try {
      return readXmlValue(model, ref, doc.node, path || ref.shape);
    } catch (error) {
      if (error instanceof ScalarError) throw new Error(error.message);
      throw error;
    }
  },

  write(model, ref, value, rootName) {
    const shape = resolveShape(model, ref);
    const xmlns = ref.xmlNamespace?.uri ?? shape.xmlNamespace?.uri ?? model.metadata.xmlNamespace ?? defaultNamespace(model);
    if (shape.type !== "structure") return `${XML_DECLARATION}\n${writeXmlElement(model, ref, rootName, value, xmlns)}`;
    return `${XML_DECLARATION}\n<${rootName} xmlns="${xmlns}">${writeMembers(model, shape, value)}</${rootName}>`;
  },

  writeError(_model, error, ctx, options) {
    return options.errorWrapping === false ? bareError(error, ctx) : wrappedError(error, ctx, _model);
  },
};

/** S3's error document: `<Error>` at the root, with its extra fields and ids. */
function bareError(error: AwsError, ctx: SerializeContext): WireResponse {
  let fields = "";
  for (const [name, value] of Object.entries(error.fields)) {
    if (value !== undefined) fields += `<${name}>${escapeText(String(value))}</${name}>`;
  }
  const body =
    `${XML_DECLARATION}\n<Error><Code>${escapeText(error.code)}</Code><Message>${escapeText(error.message)}</Message>` +
    `${fields}<RequestId>${escapeText(ctx.requestId)}</RequestId><HostId>${escapeText(ctx.hostId ?? ctx.requestId)}</HostId></Error>`;
  return { status: error.status, headers: { "content-type": "application/xml" }, body };
}

/** The usual rest-xml error document (CloudFront, Route 53). */
function wrappedError(error: AwsError, ctx: SerializeContext, model: ServiceModel): WireResponse {
  const xmlns = model.metadata.xmlNamespace ?? defaultNamespace(model);
  let fields = "";
  for (const [name, value] of Object.entries(error.fields)) {
    if (value !== undefined) fields += `<${name}>${escapeText(String(value))}</${name}>`;
  }
  const body =
    `${XML_DECLARATION}\n<ErrorResponse xmlns="${xmlns}"><Error><Type>${error.fault}</Type><Code>${escapeText(error.code)}</Code>` +
    `<Message>${escapeText(error.message)}</Message>${fields}</Error><RequestId>${escapeText(ctx.requestId)}</RequestId></ErrorResponse>`;
  return { status: error.status, headers: { "content-type": "text/xml" }, body };
}

export function defaultNamespace(model: ServiceModel): string {
  return `http://${model.metadata.endpointPrefix}.amazonaws.com/doc/${model.metadata.apiVersion}/`;
}

export type { Structure, ShapeRef };
