/**
 * Shape-driven JSON for the json and rest-json protocols: timestamps as
 * epoch seconds, blobs as base64, and a type check of every value against
 * its shape on the way in. The work is done by readers and writers compiled
 * per shape (json-compiled.ts); the generic walk below only runs to word
 * the error of a value that does not fit its shape.
 */
import { AwsError } from "../../server/errors.js";
import type { ServiceModel, Shape, ShapeRef } from "../model.js";
import { resolveShape } from "../model.js";
import { compiledReader, compiledWriter, INTEGER_RANGE, setEntry, strictBase64 } from "./json-compiled.js";
import { parseTimestamp } from "./timestamps.js";

/** A JSON value of the wrong type for its shape. */
export class JsonShapeError extends Error {
  constructor(
    message: string,
    /** The same mismatch as AWS's JSON (Coral) services word it, e.g. "NUMBER_VALUE cannot be converted to String". */
    readonly coralMessage: string = message,
  ) {
    super(message);
  }
}

/** The value of a JSON document member, decoded and type-checked against its shape; throws JsonShapeError. */
export function readJsonValue(model: ServiceModel, ref: ShapeRef, value: unknown, path: string): unknown {
  try {
    return compiledReader(model, ref)(value);
  } catch (error) {
    // A document nested thousands deep (JSON.parse takes it) outruns the stack of any walk over it.
    if (error instanceof RangeError && error.message.includes("call stack")) throw new JsonShapeError("document nested too deeply", "Document nesting depth exceeds the maximum allowed");
    // The generic walk finds the first mismatch in model order and words it.
    return readChecked(model, ref, value, path);
  }
}

function readChecked(model: ServiceModel, ref: ShapeRef, value: unknown, path: string): unknown {
  if (value === null) return undefined;
  const shape = resolveShape(model, ref);
  switch (shape.type) {
    case "structure": {
      if (shape.document) return value;
      if (typeof value !== "object" || Array.isArray(value)) throw mismatch(path, "a structure", value, coralStructure(model, ref, shape, value));
      const out: Record<string, unknown> = {};
      for (const [member, memberRef] of Object.entries(shape.members ?? {})) {
        const name = memberRef.locationName ?? member;
        const v = (value as Record<string, unknown>)[name];
        if (v === undefined) continue;
        const decoded = readChecked(model, memberRef, v, path ? `${path}.${member}` : member);
        if (decoded !== undefined) out[member] = decoded;
      }
      return out;
    }
    case "list":
      if (!Array.isArray(value)) throw mismatch(path, "a list", value, coralContainer(value));
      return value.map((v, i) => {
        if (v === null) throw nullMember(`${path}.${i + 1}`);
        return readChecked(model, shape.member!, v, `${path}.${i + 1}`);
      });
    case "map": {
      if (typeof value !== "object" || Array.isArray(value)) throw mismatch(path, "a map", value, Array.isArray(value) ? coralMapOfList(model, shape) : coralContainer(value));
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const decoded = readChecked(model, shape.value!, v, `${path}.${k}`);
        if (decoded !== undefined) setEntry(out, k, decoded);
      }
      return out;
    }
    case "string":
      if (shape.document) return value;
      if (typeof value !== "string") throw mismatch(path, "a string", value, coralScalar("String", value));
      return value;
    case "boolean":
      if (typeof value !== "boolean") throw mismatch(path, "a boolean", value, typeof value === "string" ? "Unexpected token received from parser" : coralScalar("Boolean", value));
      return value;
    case "integer":
    case "long": {
      const [min, max] = INTEGER_RANGE[shape.type];
      if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
        throw mismatch(path, `${shape.type === "long" ? "a long" : "an integer"} in range`, value, coralScalar(shape.type === "long" ? "Long" : "Integer", value));
      }
      return value;
    }
    case "float":
    case "double":
      if (typeof value === "number") return value;
      if (value === "NaN" || value === "Infinity" || value === "-Infinity") return Number(value);
      throw mismatch(path, "a number", value, coralScalar("Double", value));
    case "timestamp": {
      if (typeof value !== "number" && typeof value !== "string") throw mismatch(path, "a timestamp", value);
      const date = parseTimestamp(value);
      if (!date) throw mismatch(path, "a timestamp", value);
      return date;
    }
    case "blob": {
      if (typeof value !== "string") {
        throw mismatch(path, "base64 text", value, typeof value === "object" && value !== null ? coralScalar("ByteBuffer", value) : "only base-64-encoded strings are convertible to bytes");
      }
      const bytes = strictBase64(value);
      if (bytes) return bytes;
      // Coral's decoder names the length first, then any other fault as its last character's.
      throw mismatch(
        path,
        "base64 text",
        value,
        value.length % 4 !== 0 ? `Base64 encoded length is expected a multiple of 4 bytes but found: ${value.length}` : "Invalid last non-pad Base64 character dectected",
      );
    }
    default:
      return value;
  }
}

/** A value made ready for JSON.stringify: blobs as base64, timestamps in their format, wire member names. */
export function writeJsonValue(model: ServiceModel, ref: ShapeRef, value: unknown): unknown {
  return compiledWriter(model, ref)(value);
}

/**
 * A list holding null: Coral's validator refuses the element, naming its
 * place as it does (`transactItems.1.member`).
 */
function nullMember(path: string): AwsError {
  const coral = path
    .split(".")
    .map((segment) => (/^\d+$/.test(segment) ? `${segment}.member` : segment.charAt(0).toLowerCase() + segment.slice(1)))
    .join(".");
  return new AwsError("ValidationException", `1 validation error detected: Value null at '${coral}' failed to satisfy constraint: Member must not be null`, 400);
}

function mismatch(path: string, expected: string, value: unknown, coral?: string): JsonShapeError {
  const got = Array.isArray(value) ? "a list" : value === null ? "null" : typeof value;
  return new JsonShapeError(`${path || "input"}: expected ${expected}, got ${got}`, coral);
}

// Coral names the JSON token it met and the Java type it wanted.
const START_OF_STRUCTURE = "Start of structure or map found where not expected";

function coralToken(value: unknown): string {
  if (typeof value === "boolean") return value ? "TRUE_VALUE" : "FALSE_VALUE";
  if (typeof value === "number") return Number.isInteger(value) ? "NUMBER_VALUE" : "DECIMAL_VALUE";
  return "STRING_VALUE";
}

function coralScalar(javaType: string, value: unknown): string {
  if (Array.isArray(value)) return `Unrecognized collection type class ${javaType === "ByteBuffer" ? "java.nio" : "java.lang"}.${javaType}`;
  if (typeof value === "object") return START_OF_STRUCTURE;
  return `${coralToken(value)} cannot be converted to ${javaType}`;
}

function coralContainer(value: unknown): string {
  return typeof value === "object" && !Array.isArray(value) ? START_OF_STRUCTURE : "Unexpected field type";
}

function coralMapOfList(model: ServiceModel, shape: Shape): string {
  const valueRef = shape.value;
  const valueShape = valueRef ? resolveShape(model, valueRef) : undefined;
  const javaValue = valueShape?.type === "structure" && valueRef ? `${coralNamespace(model)}.${valueRef.shape}` : "java.lang.String";
  return `Unrecognized collection type java.util.Map<java.lang.String, ${javaValue}>`;
}

function coralNamespace(model: ServiceModel): string {
  return `com.amazonaws.${model.metadata.endpointPrefix}.v${model.metadata.apiVersion.replace(/-/g, "")}`;
}

function coralStructure(model: ServiceModel, ref: ShapeRef, shape: Shape, value: unknown): string {
  if (Array.isArray(value)) {
    return `Unrecognized collection type class ${coralNamespace(model)}.${ref.shape}`;
  }
  // DynamoDB's AttributeValue is a union its model does not mark as one.
  return shape.union || ref.shape === "AttributeValue" ? "Unexpected value type in payload" : "Unexpected field type";
}

export type { Shape };
