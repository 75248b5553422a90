import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Item } from "../values.js";
import { createContext } from "./context.js";
import { parseProjection, project } from "./projection.js";
import { projectionFromAttributesToGet } from "./legacy.js";
import { throwsValidation } from "./test-support.js";

const ITEM: Item = {
  id: { S: "k" },
  n: { N: "1" },
  lst: { L: [{ S: "a" }, { M: { x: { N: "1" }, y: { N: "2" } } }, { S: "c" }, { S: "d" }] },
  mp: { M: { a: { S: "A" }, b: { M: { c: { S: "C" }, d: { S: "D" } } } } },
  "a.b": { S: "dotted" },
};

describe("projection", () => {
  const cases: [string, Item][] = [
    ["id", { id: { S: "k" } }],
    ["id, n", { id: { S: "k" }, n: { N: "1" } }],
    ["gone", {}],
    ["mp.a", { mp: { M: { a: { S: "A" } } } }],
    ["mp.b.c, mp.a", { mp: { M: { b: { M: { c: { S: "C" } } }, a: { S: "A" } } } }],
    ["mp.gone", {}],
    ["lst[2]", { lst: { L: [{ S: "c" }] } }],
    ["lst[3], lst[0]", { lst: { L: [{ S: "a" }, { S: "d" }] } }],
    ["lst[1].y", { lst: { L: [{ M: { y: { N: "2" } } }] } }],
    ["lst[9]", {}],
    ["lst.a", {}],
    ["#dot", { "a.b": { S: "dotted" } }],
    ["mp.#a", { mp: { M: { a: { S: "A" } } } }],
  ];
  for (const [expression, expected] of cases) {
    it(expression, () => {
      const ctx = createContext(expression.includes("#dot") ? { "#dot": "a.b" } : expression.includes("#a") ? { "#a": "a" } : undefined);
      assert.deepEqual(project(ITEM, parseProjection(expression, ctx)), expected);
    });
  }

  it("AttributesToGet projects top-level names", () =>
    assert.deepEqual(project(ITEM, projectionFromAttributesToGet(["n", "a.b", "gone"])), { n: { N: "1" }, "a.b": { S: "dotted" } }));

  const errors: [string, string][] = [
    ["", "The expression can not be empty;"],
    ["a,", 'Syntax error; token: "<EOF>", near: ","'],
    ["a b", 'Syntax error; token: "b", near: "a b"'],
    [":v", 'Syntax error; token: ":v", near: ":v"'],
    ["status", "Attribute name is a reserved keyword; reserved keyword: status"],
    ["#x", "An expression attribute name used in the document path is not defined; attribute name: #x"],
    ["a, a.b", "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]"],
    ["a, a", "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]"],
    ["a[0], a.b", "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, [0]], path two: [a, b]"],
  ];
  for (const [expression, message] of errors) {
    it(`refuses ${JSON.stringify(expression)}`, () =>
      throwsValidation(() => parseProjection(expression, createContext()), `Invalid ProjectionExpression: ${message}`));
  }
});
