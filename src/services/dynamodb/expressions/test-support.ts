/** Helpers shared by the expression unit tests. */
import assert from "node:assert/strict";
import type { AttributeValue } from "../values.js";
import { createContext } from "./context.js";
import type { ExpressionContext } from "./index.js";

export const VALUES: Readonly<Record<string, AttributeValue>> = {
  ":n": { N: "5" },
  ":m": { N: "10" },
  ":s": { S: "abc" },
  ":t": { S: "S" },
  ":b": { B: Buffer.from("ab") },
  ":bool": { BOOL: true },
  ":null": { NULL: true },
  ":l": { L: [{ S: "x" }] },
  ":map": { M: { k: { S: "v" } } },
  ":ss": { SS: ["a", "b"] },
  ":ns": { NS: ["1", "2"] },
  ":bs": { BS: [Buffer.from("a")] },
};

export const NAMES: Readonly<Record<string, string>> = { "#s": "status", "#a": "a", "#dot": "a.b" };

export function context(): ExpressionContext {
  return createContext(NAMES, VALUES);
}

export function throwsValidation(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof Error, String(e));
    assert.equal(e.message, message);
    assert.equal((e as { code?: string }).code, "ValidationException");
    return true;
  });
}
