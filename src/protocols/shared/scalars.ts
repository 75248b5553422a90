/**
 * Text to typed scalar values by shape, for every protocol that carries
 * scalars as strings (headers, query strings, XML, forms).
 */
import type { Shape } from "../model.js";
import { parseTimestamp } from "./timestamps.js";

/** A value that does not fit its shape; the codec turns it into the service's malformed-input error. */
export class ScalarError extends Error {
  constructor(
    readonly path: string,
    readonly expected: string,
    readonly value: string,
  ) {
    super(`${path}: expected ${expected}, got ${JSON.stringify(value)}`);
  }
}

export function coerceScalar(shape: Shape, text: string, path: string, _source: "xml" | "header" | "query"): unknown {
  switch (shape.type) {
    case "integer":
    case "long": {
      const trimmed = text.trim();
      if (!/^[-+]?\d+$/.test(trimmed)) throw new ScalarError(path, "an integer", text);
      const n = Number(trimmed);
      // An integer is 32 bits, a long 64 (here as far as a double holds it exactly).
      if (shape.type === "integer" ? n < -2147483648 || n > 2147483647 : !Number.isSafeInteger(n)) throw new ScalarError(path, "an integer", text);
      return n;
    }
    case "float":
    case "double": {
      const n = Number(text.trim());
      if (text.trim() === "" || Number.isNaN(n)) {
        if (/^(NaN|Infinity|-Infinity)$/.test(text.trim())) return Number(text.trim());
        throw new ScalarError(path, "a number", text);
      }
      return n;
    }
    case "boolean": {
      const lower = text.trim().toLowerCase();
      if (lower !== "true" && lower !== "false") throw new ScalarError(path, "a boolean", text);
      return lower === "true";
    }
    case "timestamp": {
      const date = parseTimestamp(text);
      if (!date) throw new ScalarError(path, "a timestamp", text);
      return date;
    }
    case "blob":
      return Buffer.from(text, "base64");
    default:
      return text;
  }
}
