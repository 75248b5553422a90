/**
 * The query protocol (IAM, STS, SNS, SQS's older wire): a form of flattened
 * parameters (`Action=CreateUser&Tags.member.1.Key=team`), in the body of a
 * POST or the query string of a GET; answers are XML documents.
 */
import { AwsError } from "../../server/errors.js";
import type { Operation, ServiceModel, Shape, ShapeRef } from "../model.js";
import { resolveShape } from "../model.js";
import { readBody } from "../shared/body.js";
import { setEntry } from "../shared/json-compiled.js";
import { coerceScalar, ScalarError } from "../shared/scalars.js";
import { escapeText, XML_DECLARATION } from "../shared/xml.js";
import { writeMembers } from "../shared/xml-shapes.js";
import type { CodecOptions, ProtocolCodec, Structure, WireRequest, WireResponse } from "../types.js";

/** Forms are small; AWS caps query requests well below this. */
const MAX_FORM_BYTES = 1024 * 1024;

export function createQueryCodec(model: ServiceModel, options: CodecOptions = {}): ProtocolCodec {
  const forms = new WeakMap<WireRequest, URLSearchParams>();
  const xmlns = model.metadata.xmlNamespace ?? `https://${model.metadata.endpointPrefix}.amazonaws.com/doc/${model.metadata.apiVersion}/`;
  const malformed = (detail: string): AwsError =>
    options.malformedError?.(detail) ?? new AwsError("MalformedInput", detail, 400);

  const formOf = (req: WireRequest): URLSearchParams => forms.get(req) ?? req.query;

  return {
    model,

    async prepare(req) {
      if (req.method !== "POST") return;
      const body = await readBody(req.body, options.maxBodyBytes ?? MAX_FORM_BYTES);
      const form = new URLSearchParams(body.toString("utf8"));
      // Parameters may also ride in the query string of a POST.
      for (const [name, value] of req.query) if (!form.has(name)) form.append(name, value);
      forms.set(req, form);
    },

    resolve(req) {
      const action = formOf(req).get("Action");
      if (!action) return undefined;
      const operation = model.operations[action];
      if (!operation) throw new AwsError("InvalidAction", `The action ${action} is not valid for this web service.`, 400);
      return operation;
    },

    async parseInput(op: Operation, req) {
      if (!op.input) return {};
      const form = new Form(formOf(req));
      try {
        return readStructure(model, resolveShape(model, op.input), form, "") ?? {};
      } catch (error) {
        if (error instanceof ScalarError) throw malformed(error.message);
        throw error;
      }
    },

    serializeOutput(op, output, ctx) {
      let result = "";
      if (op.output) {
        const wrapper = op.output.resultWrapper ?? `${op.name}Result`;
        result = `<${wrapper}>${writeMembers(model, resolveShape(model, op.output), output)}</${wrapper}>`;
      }
      const body =
        `${XML_DECLARATION}\n<${op.name}Response xmlns="${xmlns}">${result}` +
        `<ResponseMetadata><RequestId>${escapeText(ctx.requestId)}</RequestId></ResponseMetadata></${op.name}Response>`;
      return respond(200, body, ctx.requestId, ctx.method);
    },

    serializeError(error, ctx) {
      let fields = "";
      for (const [name, value] of Object.entries(error.fields)) if (value !== undefined) fields += `<${name}>${escapeText(String(value))}</${name}>`;
      const body =
        `${XML_DECLARATION}\n<ErrorResponse xmlns="${xmlns}"><Error><Type>${error.fault}</Type><Code>${escapeText(error.code)}</Code>` +
        `<Message>${escapeText(error.message)}</Message>${fields}</Error><RequestId>${escapeText(ctx.requestId)}</RequestId></ErrorResponse>`;
      return respond(error.status, body, ctx.requestId, ctx.method);
    },
  };
}

function respond(status: number, body: string, requestId: string, method: string): WireResponse {
  const response: WireResponse = {
    status,
    headers: { "content-type": "text/xml", "content-length": String(Buffer.byteLength(body)), "x-amzn-requestid": requestId },
  };
  if (method !== "HEAD") response.body = body;
  return response;
}

// ── form decoding ───────────────────────────────────────────────────────

/** Deeper than any parameter name a model forms (`MessageAttributes.entry.1.Value.DataType` has 5). */
const MAX_INDEXED_DOTS = 32;

/**
 * A form's parameters, the first value of each name, with the dotted
 * prefixes of every name indexed: whether `Tags.member.7` has members is
 * one lookup, however many parameters the form holds (a scan per item
 * made a 1 MB form of 30,000 list items cost a minute).
 */
class Form {
  private readonly values = new Map<string, string>();
  private readonly prefixes = new Set<string>();

  constructor(params: URLSearchParams) {
    for (const [name, value] of params) {
      if (this.values.has(name)) continue;
      this.values.set(name, value);
      let dots = 0;
      for (let dot = name.indexOf("."); dot >= 0 && dots < MAX_INDEXED_DOTS; dot = name.indexOf(".", dot + 1), dots++) this.prefixes.add(name.slice(0, dot));
    }
  }

  get(name: string): string | undefined {
    return this.values.get(name);
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  /** Whether a parameter's name goes on past `name` and a dot (`name.…`). */
  extends(name: string): boolean {
    return this.prefixes.has(name);
  }
}

function readValue(model: ServiceModel, ref: ShapeRef, form: Form, key: string): unknown {
  const shape = resolveShape(model, ref);
  switch (shape.type) {
    case "structure":
      return readStructure(model, shape, form, key);
    case "list":
      return readList(model, shape, form, ref.flattened || shape.flattened ? key : `${key}.${shape.member?.locationName ?? "member"}`);
    case "map":
      return readMap(model, shape, form, ref.flattened || shape.flattened ? key : `${key}.entry`);
    default: {
      const value = form.get(key);
      return value === undefined ? undefined : coerceScalar(shape, value, key, "query");
    }
  }
}

function readStructure(model: ServiceModel, shape: Shape, form: Form, prefix: string): Structure | undefined {
  const out: Structure = {};
  let any = false;
  for (const [member, ref] of Object.entries(shape.members ?? {})) {
    const name = ref.queryName ?? ref.locationName ?? member;
    const value = readValue(model, ref, form, prefix ? `${prefix}.${name}` : name);
    if (value !== undefined) {
      out[member] = value;
      any = true;
    }
  }
  return any || prefix === "" ? out : undefined;
}

function readList(model: ServiceModel, shape: Shape, form: Form, prefix: string): unknown[] | undefined {
  // `Name.member=` (empty) is how the query protocol sends an empty list.
  if (form.get(prefix) === "" && !form.extends(prefix)) return [];
  const items: unknown[] = [];
  const structures = resolveShape(model, shape.member!).type === "structure";
  for (let i = 1; form.has(`${prefix}.${i}`) || form.extends(`${prefix}.${i}`); i++) {
    // An item of a structure list that names none of its members (`Tags.member.1=x`) is an empty structure,
    // whose required members validation then reports, as AWS does.
    const item = readValue(model, shape.member!, form, `${prefix}.${i}`);
    items.push(item === undefined && structures ? {} : item);
  }
  return items.length > 0 ? items : undefined;
}

function readMap(model: ServiceModel, shape: Shape, form: Form, prefix: string): Record<string, unknown> | undefined {
  const keyName = shape.key?.locationName ?? "key";
  const valueName = shape.value?.locationName ?? "value";
  const out: Record<string, unknown> = {};
  let any = false;
  for (let i = 1; form.extends(`${prefix}.${i}`); i++) {
    const key = form.get(`${prefix}.${i}.${keyName}`);
    if (key === undefined) continue;
    setEntry(out, key, readValue(model, shape.value!, form, `${prefix}.${i}.${valueName}`));
    any = true;
  }
  return any ? out : undefined;
}


