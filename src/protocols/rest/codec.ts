/**
 * The REST protocols' shared codec: routing, and the HTTP bindings of
 * members (URI labels, query string, headers, header-prefix maps, status
 * code, payload). Only the document format differs between rest-xml and
 * rest-json; it comes in as a DocumentFormat.
 */
import type { Readable } from "node:stream";
import { AwsError } from "../../server/errors.js";
import type { Operation, ServiceModel, Shape, ShapeRef } from "../model.js";
import { resolveShape } from "../model.js";
import { DEFAULT_MAX_BODY_BYTES, drainBody, readBody } from "../shared/body.js";
import { coerceScalar, ScalarError } from "../shared/scalars.js";
import { formatTimestamp } from "../shared/timestamps.js";
import { mailSafe } from "../shared/mail-safe.js";
import type { CodecOptions, ProtocolCodec, SerializeContext, Structure, WireRequest, WireResponse } from "../types.js";
import { RestRouter } from "./router.js";

/** How one REST protocol reads and writes its documents. */
export interface DocumentFormat {
  contentType: string;
  /** Decodes a body document into a value of `ref`'s shape. Throws on malformed input. */
  read(model: ServiceModel, ref: ShapeRef, body: Buffer, path: string): unknown;
  /** Encodes a structure (the output, or a structure payload) as a document. */
  write(model: ServiceModel, ref: ShapeRef, value: Structure, rootName: string): string;
  writeError(model: ServiceModel, error: AwsError, ctx: SerializeContext, options: CodecOptions): WireResponse;
  /** The error for an undecodable document when the service names none (`options.malformedError`). */
  malformedCode: string;
}

export function createRestCodec(model: ServiceModel, options: CodecOptions, format: DocumentFormat): ProtocolCodec {
  const router = new RestRouter(model);
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  const malformed = (detail: string): AwsError =>
    options.malformedError?.(detail) ?? new AwsError(format.malformedCode, detail, 400);

  return {
    model,

    resolve(req) {
      const match = router.match(req);
      if (!match) {
        // A HEAD of what only a GET reads (S3's service root, `HEAD /`) is refused too, as S3 does.
        if ((req.rawQuery !== "" || req.method === "HEAD") && router.servesOtherMethod(req)) {
          throw new AwsError("MethodNotAllowed", "The specified method is not allowed against this resource.", 405, { Method: req.method });
        }
        return undefined;
      }
      req.labels = match.labels;
      return match.op;
    },

    parseInput(op, req) {
      if (!op.input) return drainBody(req.body).then(() => ({}));
      const shape = resolveShape(model, op.input);
      const input: Structure = {};
      try {
        bindHttpMembers(model, shape, req, req.labels ?? {}, input, options.emptyQueryNumbersAbsent === true);
      } catch (error) {
        if (error instanceof ScalarError) throw options.invalidValueError?.(error.path, error.value, error.expected) ?? invalidHttpValue(error);
        if (error instanceof SyntaxError) throw malformed(`a JSON header value: ${error.message}`);
        throw error;
      }
      // Most requests bind no body, or stream it: answered without a promise.
      const binding = bindBody(op.input, shape, req, input);
      return binding === undefined ? input : binding.then(() => input);
    },

    serializeOutput(op, output, ctx) {
      const response: WireResponse = { status: op.http.responseCode ?? 200, headers: {} };
      if (!op.output) return finish(response, ctx);
      const shape = resolveShape(model, op.output);
      writeHttpMembers(model, shape, output, response);
      const payloadName = shape.payload;
      if (payloadName !== undefined) {
        const ref = shape.members![payloadName]!;
        const target = resolveShape(model, ref);
        const value = output[payloadName];
        if (value !== undefined) {
          if (target.type === "structure") {
            response.body = format.write(model, ref, value as Structure, options.xmlRootNames?.[ref.shape] ?? ref.locationName ?? payloadName);
            response.headers["content-type"] ??= format.contentType;
          } else {
            response.body = value as Buffer | string | Readable;
          }
        }
      } else if (bindingsOf(model, shape).hasBody && (hasAnyBodyValue(shape, output) || ctx.method === "GET")) {
        // A GET answers its document even when empty (S3's
        // `<VersioningConfiguration/>` of a bucket never versioned).
        const root = options.xmlRootNames?.[op.output.shape] ?? shape.locationName ?? op.output.shape;
        response.body = format.write(model, op.output, output, root);
        response.headers["content-type"] ??= format.contentType;
      }
      return finish(response, ctx);
    },

    serializeError(error, ctx) {
      const response = format.writeError(model, error, ctx, options);
      return finish(response, ctx);
    },
  };

  /** Binds the body's members; a promise only when the body must still be read. */
  function bindBody(inputRef: ShapeRef, shape: Shape, req: WireRequest, input: Structure): Promise<void> | undefined {
    const payloadName = shape.payload;
    if (payloadName !== undefined) {
      const ref = shape.members![payloadName]!;
      const target = resolveShape(model, ref);
      if (ref.streaming || target.streaming) {
        input[payloadName] = req.body;
        return undefined;
      }
      return readBody(req.body, maxBody).then((body) => {
        if (body.length === 0) {
          if (target.type === "structure" && shape.required?.includes(payloadName) && options.missingPayloadError) throw options.missingPayloadError();
          return;
        }
        if (target.type === "blob") input[payloadName] = body;
        else if (target.type === "string") input[payloadName] = body.toString("utf8");
        else input[payloadName] = readDocument(ref, body, payloadName);
      });
    }
    if (!bindingsOf(model, shape).hasBody) {
      // Nothing to read into: do not buffer a body nobody asked for.
      return req.contentLength ? drainBody(req.body) : undefined;
    }
    return readBody(req.body, maxBody).then((body) => {
      if (body.length === 0) return;
      // No payload member: the input structure itself is the document.
      const decoded = readDocument(inputRef, body, "");
      if (typeof decoded !== "object" || decoded === null || Array.isArray(decoded)) return;
      for (const [name, value] of Object.entries(decoded)) if (input[name] === undefined) input[name] = value;
    });
  }

  function readDocument(ref: ShapeRef, body: Buffer, path: string): unknown {
    try {
      return format.read(model, ref, body, path);
    } catch (error) {
      if (error instanceof AwsError) throw error;
      throw malformed(error instanceof Error ? error.message : String(error));
    }
  }
}

/** A member bound to part of the HTTP message, resolved once per shape. */
interface Binding {
  member: string;
  ref: ShapeRef;
  target: Shape;
  /** Header name (lower case), query name, label, or header prefix. */
  name: string;
}

interface ShapeBindings {
  labels: Binding[];
  query: Map<string, Binding>;
  queryMap?: Binding;
  headers: Map<string, Binding>;
  prefixes: Binding[];
  statusCode?: Binding;
  /** Every located member by member name (outputs). */
  byMember: Map<string, Binding & { location: string }>;
  hasBody: boolean;
}

const compiled = new WeakMap<Shape, ShapeBindings>();

/** Indexes a shape's located members, so a request costs lookups rather than a walk of every member. */
function bindingsOf(model: ServiceModel, shape: Shape): ShapeBindings {
  let b = compiled.get(shape);
  if (b) return b;
  b = { labels: [], query: new Map(), headers: new Map(), prefixes: [], byMember: new Map(), hasBody: false };
  for (const [member, ref] of Object.entries(shape.members ?? {})) {
    const target = resolveShape(model, ref);
    const raw = ref.locationName ?? member;
    const binding = { member, ref, target, name: raw };
    switch (ref.location) {
      case "uri":
        b.labels.push(binding);
        break;
      case "querystring":
        if (target.type === "map") b.queryMap = binding;
        else b.query.set(raw, binding);
        break;
      case "header":
        binding.name = raw.toLowerCase();
        b.headers.set(binding.name, binding);
        break;
      case "headers":
        binding.name = raw.toLowerCase();
        b.prefixes.push(binding);
        break;
      case "statusCode":
        b.statusCode = binding;
        break;
      default:
        b.hasBody = true;
        continue;
    }
    b.byMember.set(member, { ...binding, location: ref.location });
  }
  compiled.set(shape, b);
  return b;
}

const NUMBER_TYPES: ReadonlySet<string> = new Set(["integer", "long", "float", "double"]);

/** Reads URI labels, query string, headers and header-prefix maps into `input`. */
function bindHttpMembers(
  model: ServiceModel,
  shape: Shape,
  req: WireRequest,
  labels: Record<string, string>,
  input: Structure,
  emptyNumbersAbsent: boolean,
): void {
  const b = bindingsOf(model, shape);
  for (const { member, target, name } of b.labels) {
    const value = labels[name];
    if (value !== undefined) input[member] = coerceScalar(target, value, member, "query");
  }
  if (b.query.size > 0 || b.queryMap) {
    let unbound: Record<string, unknown> | undefined;
    for (const name of new Set(req.query.keys())) {
      const binding = b.query.get(name);
      if (binding) {
        const { member, target } = binding;
        if (emptyNumbersAbsent && req.query.get(name) === "" && NUMBER_TYPES.has(target.type)) continue;
        input[member] =
          target.type === "list"
            ? req.query.getAll(name).map((v, i) => coerceScalar(resolveShape(model, target.member!), v, `${member}.${i + 1}`, "query"))
            : coerceScalar(target, req.query.get(name)!, member, "query");
      } else if (b.queryMap) {
        const valueShape = resolveShape(model, b.queryMap.target.value!);
        (unbound ??= {})[name] = valueShape.type === "list" ? req.query.getAll(name) : req.query.get(name);
      }
    }
    if (unbound && b.queryMap) input[b.queryMap.member] = unbound;
  }
  for (const header in req.headers) {
    const binding = b.headers.get(header);
    if (binding) {
      bindHeader(model, binding, header === "content-length" && req.contentLength !== undefined ? String(req.contentLength) : req.headers[header], input);
      continue;
    }
    for (const prefix of b.prefixes) {
      if (!header.startsWith(prefix.name)) continue;
      const value = req.headers[header];
      if (value === undefined) continue;
      const map = (input[prefix.member] ??= {}) as Record<string, string>;
      map[header.slice(prefix.name.length)] = Array.isArray(value) ? value.join(",") : value;
    }
  }
  // The decoded length of an aws-chunked body is the object's length.
  const contentLength = b.headers.get("content-length");
  if (contentLength && input[contentLength.member] === undefined && req.contentLength !== undefined && req.headers["content-length"] === undefined) {
    input[contentLength.member] = req.contentLength;
  }
}

function bindHeader(model: ServiceModel, { member, ref, target, name }: Binding, raw: string | string[] | undefined, input: Structure): void {
  if (raw === undefined) return;
  const text = Array.isArray(raw) ? raw.join(", ") : raw;
  if (target.type === "list") {
    input[member] = text.split(",").map((v) => v.trim()).filter(Boolean).map((v, i) => coerceScalar(resolveShape(model, target.member!), v, `${member}.${i + 1}`, "header"));
  } else if (ref.jsonvalue) {
    input[member] = JSON.parse(Buffer.from(text, "base64").toString("utf8"));
  } else if (target.type === "timestamp" && CONDITIONAL_DATES.has(name)) {
    // A conditional date that is no date is ignored, as HTTP has it (RFC 9110, 13.1.3): the request goes on unconditioned.
    try {
      input[member] = coerceScalar(target, text, member, "header");
    } catch (error) {
      if (!(error instanceof ScalarError)) throw error;
    }
  } else {
    input[member] = coerceScalar(target, text, member, "header");
  }
}

/** Date preconditions, HTTP's and S3's copy-source ones modelled on them. */
const CONDITIONAL_DATES: ReadonlySet<string> = new Set([
  "if-modified-since",
  "if-unmodified-since",
  "x-amz-copy-source-if-modified-since",
  "x-amz-copy-source-if-unmodified-since",
]);

/** Writes header-located output members. */
function writeHttpMembers(model: ServiceModel, shape: Shape, output: Structure, response: WireResponse): void {
  const b = bindingsOf(model, shape);
  for (const member in output) {
    const binding = b.byMember.get(member);
    const value = output[member];
    if (!binding || value === undefined || value === null) continue;
    switch (binding.location) {
      case "header":
        response.headers[binding.name] = headerText(model, binding.target, binding.ref, value);
        break;
      case "headers":
        for (const [key, v] of Object.entries(value as Record<string, string>)) {
          // A name node would refuse (none arrives as a header) is left out rather than fail the answer.
          if (HEADER_NAME.test(key)) response.headers[`${binding.name}${key}`] = mailSafe(String(v));
        }
        break;
      case "statusCode":
        response.status = Number(value);
        break;
      default:
        break;
    }
  }
}

function headerText(model: ServiceModel, shape: Shape, ref: ShapeRef, value: unknown): string {
  if (typeof value === "string") return headerSafe(value);
  if (value instanceof Date) return String(formatTimestamp(value, ref.timestampFormat ?? shape.timestampFormat ?? "rfc822"));
  if (Array.isArray(value)) return value.map((v) => headerText(model, resolveShape(model, shape.member!), shape.member!, v)).join(", ");
  if (ref.jsonvalue) return Buffer.from(JSON.stringify(value)).toString("base64");
  if (Buffer.isBuffer(value)) return value.toString("base64");
  return String(value);
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Node refuses header values with control characters or code points past
 * Latin-1; UTF-8 received from a client arrives as Latin-1 and goes back
 * out byte for byte. Other text goes out mail-safe, as S3 sends metadata.
 */
function headerSafe(value: string): string {
  // eslint-disable-next-line no-control-regex
  return /[^\t\x20-\x7e\x80-\xff]/.test(value) ? mailSafe(value) : value;
}

function hasAnyBodyValue(shape: Shape, output: Structure): boolean {
  return Object.entries(shape.members ?? {}).some(([name, ref]) => !ref.location && output[name] !== undefined);
}

/** Content-Length for in-memory bodies; HEAD answers carry headers only. */
function finish(response: WireResponse, ctx: SerializeContext): WireResponse {
  const body = response.body;
  if (typeof body === "string" || Buffer.isBuffer(body)) {
    response.headers["content-length"] ??= String(Buffer.byteLength(body));
  } else if (body === undefined && response.headers["content-length"] === undefined) {
    response.headers["content-length"] = "0";
  }
  if (ctx.method === "HEAD") {
    const stream = response.body;
    if (stream !== undefined && typeof stream === "object" && "destroy" in stream) (stream as Readable).destroy();
    delete response.body;
  }
  return response;
}

function invalidHttpValue(error: ScalarError): AwsError {
  return new AwsError("InvalidArgument", `Invalid value for ${error.path}: ${JSON.stringify(error.value)} is not ${error.expected}.`, 400);
}

