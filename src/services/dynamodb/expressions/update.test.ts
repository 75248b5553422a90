import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Item } from "../values.js";
import { createContext } from "./context.js";
import { context, throwsValidation } from "./test-support.js";
import { parseUpdate } from "./update-parser.js";
import { updateFromAttributeUpdates } from "./legacy.js";
import { applyUpdate } from "./update.js";

const BASE: Item = {
  id: { S: "k" },
  n: { N: "5" },
  s: { S: "abc" },
  lst: { L: [{ S: "a" }, { S: "b" }, { S: "c" }, { S: "d" }] },
  mp: { M: { x: { N: "1" }, kid: { M: { y: { S: "deep" } } } } },
  tags: { SS: ["a", "b"] },
  nums: { NS: ["1", "2"] },
};

function apply(expression: string, item: Item = BASE): Item {
  return applyUpdate(parseUpdate(expression, context()), item).item;
}

describe("update application", () => {
  const cases: [string, Item][] = [
    ["SET n = :m", { ...BASE, n: { N: "10" } }],
    ["SET fresh = :s", { ...BASE, fresh: { S: "abc" } }],
    ["SET n = n + :n", { ...BASE, n: { N: "10" } }],
    ["SET n = n - :m", { ...BASE, n: { N: "-5" } }],
    ["SET n = :m - n", { ...BASE, n: { N: "5" } }],
    ["SET n = (n + :n)", { ...BASE, n: { N: "10" } }],
    ["SET c = if_not_exists(c, :n)", { ...BASE, c: { N: "5" } }],
    ["SET n = if_not_exists(n, :m)", BASE],
    ["SET c = if_not_exists(c, :n) + :m", { ...BASE, c: { N: "15" } }],
    ["SET lst = list_append(lst, :l)", { ...BASE, lst: { L: [...(BASE.lst as { L: [] }).L, { S: "x" }] } }],
    ["SET lst = list_append(:l, lst)", { ...BASE, lst: { L: [{ S: "x" }, ...(BASE.lst as { L: [] }).L] } }],
    ["SET nl = list_append(if_not_exists(nl, :l), :l)", { ...BASE, nl: { L: [{ S: "x" }, { S: "x" }] } }],
    ["SET mp.x = :s", { ...BASE, mp: { M: { x: { S: "abc" }, kid: { M: { y: { S: "deep" } } } } } }],
    ["SET mp.kid.z = :n", { ...BASE, mp: { M: { x: { N: "1" }, kid: { M: { y: { S: "deep" }, z: { N: "5" } } } } } }],
    ["SET lst[1] = :s", { ...BASE, lst: { L: [{ S: "a" }, { S: "abc" }, { S: "c" }, { S: "d" }] } }],
    ["SET lst[10] = :s", { ...BASE, lst: { L: [{ S: "a" }, { S: "b" }, { S: "c" }, { S: "d" }, { S: "abc" }] } }],
    // Writes past the end append in index order, whatever the order they were written in.
    ["SET lst[9] = :n, lst[6] = :s, lst[1] = :m", { ...BASE, lst: { L: [{ S: "a" }, { N: "10" }, { S: "c" }, { S: "d" }, { S: "abc" }, { N: "5" }] } }],
    ["SET a1 = n, a2 = s", { ...BASE, a1: { N: "5" }, a2: { S: "abc" } }],
    ["SET n = s, s = n", { ...BASE, n: { S: "abc" }, s: { N: "5" } }],
    ["REMOVE s", (({ s: _s, ...rest }) => rest)(BASE)],
    ["REMOVE gone", BASE],
    ["REMOVE mp.kid.y", { ...BASE, mp: { M: { x: { N: "1" }, kid: { M: {} } } } }],
    ["REMOVE mp.nothing", BASE],
    ["REMOVE lst[1], lst[3]", { ...BASE, lst: { L: [{ S: "a" }, { S: "c" }] } }],
    ["REMOVE lst[3], lst[1]", { ...BASE, lst: { L: [{ S: "a" }, { S: "c" }] } }],
    // Indexes name the original elements even with other paths removed between them.
    ["REMOVE lst[0], s, lst[2]", (({ s: _s, ...rest }) => ({ ...rest, lst: { L: [{ S: "b" }, { S: "d" }] } }))(BASE)],
    ["REMOVE lst[0], mp.x, lst[2], n, lst[3]", (({ n: _n, ...rest }) => ({ ...rest, lst: { L: [{ S: "b" }] }, mp: { M: { kid: { M: { y: { S: "deep" } } } } } }))(BASE)],
    ["REMOVE lst[9]", BASE],
    ["ADD n :n", { ...BASE, n: { N: "10" } }],
    ["ADD c :n", { ...BASE, c: { N: "5" } }],
    ["ADD tags :ss", { ...BASE, tags: { SS: ["a", "b"] } }],
    ["ADD nums :ns", BASE],
    ["ADD newset :ss", { ...BASE, newset: { SS: ["a", "b"] } }],
    ["ADD mp.x :n", { ...BASE, mp: { M: { x: { N: "6" }, kid: { M: { y: { S: "deep" } } } } } }],
    ["DELETE tags :ss", (({ tags: _t, ...rest }) => rest)(BASE)],
    ["DELETE nums :one", { ...BASE, nums: { NS: ["2"] } }],
    ["DELETE gone :ss", BASE],
    ["REMOVE s SET n = :m ADD c :n DELETE nums :one", (({ s: _s, ...rest }) => ({ ...rest, n: { N: "10" }, c: { N: "5" }, nums: { NS: ["2"] } }))(BASE)],
    ["set n = :m remove s", (({ s: _s, ...rest }) => ({ ...rest, n: { N: "10" } }))(BASE)],
    ["SET #a = :n", { ...BASE, a: { N: "5" } }],
    ["SET #dot = :n", { ...BASE, "a.b": { N: "5" } }],
  ];
  for (const [expression, expected] of cases) {
    it(expression, () => {
      const ctx = createContext(
        { "#a": "a", "#dot": "a.b" },
        { ...context().values, ":one": { NS: ["1.0"] } },
      );
      assert.deepEqual(applyUpdate(parseUpdate(expression, ctx), BASE).item, expected);
    });
  }

  it("never mutates the input item", () => {
    const before = structuredClone(BASE);
    apply("SET mp.kid.y = :n, lst[0] = :n, n = n + :n REMOVE lst[1] ADD tags :ss");
    apply("REMOVE mp.kid.y, lst[2] DELETE tags :ss");
    assert.deepEqual(BASE, before);
  });

  it("reports the updated names and paths", () => {
    const result = applyUpdate(parseUpdate("SET mp.x = :n, n = :m REMOVE lst[0] ADD c :n", context()), BASE);
    assert.deepEqual(result.updatedNames, ["mp", "n", "lst", "c"]);
    assert.deepEqual(result.updatedPaths, [["mp", "x"], ["n"], ["lst", 0], ["c"]]);
  });

  const runtimeErrors: [string, string][] = [
    ["SET a = gone", "The provided expression refers to an attribute that does not exist in the item"],
    ["SET a = gone + :n", "The provided expression refers to an attribute that does not exist in the item"],
    ["SET a = s + :n", "An operand in the update expression has an incorrect data type"],
    ["SET a = list_append(s, :l)", "An operand in the update expression has an incorrect data type"],
    ["SET gone.x = :n", "The document path provided in the update expression is invalid for update"],
    ["SET s.x = :n", "The document path provided in the update expression is invalid for update"],
    ["SET mp[0] = :n", "The document path provided in the update expression is invalid for update"],
    ["SET lst.x = :n", "The document path provided in the update expression is invalid for update"],
    ["REMOVE gone.x", "The document path provided in the update expression is invalid for update"],
    ["ADD s :n", "An operand in the update expression has an incorrect data type"],
    ["ADD tags :ns", "An operand in the update expression has an incorrect data type"],
    ["DELETE tags :ns", "An operand in the update expression has an incorrect data type"],
    ["DELETE n :ns", "An operand in the update expression has an incorrect data type"],
    ["DELETE s.x :ss", "The document path provided in the update expression is invalid for update"],
    ["DELETE gone.x :ss", "The document path provided in the update expression is invalid for update"],
    ["DELETE lst.x :ss", "The document path provided in the update expression is invalid for update"],
    ["SET n = n + :big", "Number overflow. Attempting to store a number with magnitude larger than supported range"],
  ];
  it("words a type mismatch of legacy AttributeUpdates as DynamoDB does", () => {
    throwsValidation(() => applyUpdate(updateFromAttributeUpdates({ s: { Action: "ADD", Value: { NS: ["1"] } } }), BASE), "Type mismatch for attribute to update");
    throwsValidation(() => applyUpdate(updateFromAttributeUpdates({ tags: { Action: "DELETE", Value: { NS: ["1"] } } }), BASE), "Type mismatch for attribute to update");
  });

  for (const [expression, message] of runtimeErrors) {
    it(`fails at run time: ${expression}`, () => {
      const ctx = createContext({}, { ...context().values, ":big": { N: "1E+60" } });
      throwsValidation(() => applyUpdate(parseUpdate(expression, ctx), BASE), message);
    });
  }
});

describe("update parse errors", () => {
  const cases: [string, string][] = [
    ["", "The expression can not be empty;"],
    ["INVALID SYNTAX HERE", 'Syntax error; token: "INVALID", near: "INVALID SYNTAX"'],
    ["SET", 'Syntax error; token: "<EOF>", near: "SET"'],
    ["SET a", 'Syntax error; token: "<EOF>", near: "a"'],
    ["SET a = :n,", 'Syntax error; token: "<EOF>", near: ","'],
    ["ADD hits : incr", 'Syntax error; token: ":", near: "hits : incr"'],
    ["ADD a b", 'Syntax error; token: "b", near: "a b"'],
    ["SET a = :n + :m + :n", 'Syntax error; token: "+", near: ":m + :n"'],
    ["REMOVE a = :n", 'Syntax error; token: "=", near: "a = :n"'],
    ["SET status = :n", "Attribute name is a reserved keyword; reserved keyword: status"],
    ["SET a = :n SET b = :n", 'The "SET" section can only be used once in an update expression;'],
    ["REMOVE a REMOVE b", 'The "REMOVE" section can only be used once in an update expression;'],
    ["SET a = foo(b)", "Invalid function name; function: foo"],
    ["SET a = size(b)", "Invalid function name; function: size"],
    ["SET #x = :n", "An expression attribute name used in the document path is not defined; attribute name: #x"],
    ["SET a = :x", "An expression attribute value used in expression is not defined; attribute value: :x"],
    ["SET a = :n, a = :m", "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]"],
    ["SET a = :n REMOVE a.b", "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]"],
    ["SET a.b = :n REMOVE a", "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a]"],
    ["SET a[1] = :n REMOVE a.b", "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, [1]], path two: [a, b]"],
    ["ADD a :s", "Incorrect operand type for operator or function; operator: ADD, operand type: STRING"],
    ["ADD a :l", "Incorrect operand type for operator or function; operator: ADD, operand type: LIST"],
    ["ADD a :map", "Incorrect operand type for operator or function; operator: ADD, operand type: MAP"],
    ["ADD a :bool", "Incorrect operand type for operator or function; operator: ADD, operand type: BOOLEAN"],
    ["DELETE a :n", "Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER"],
    ["DELETE a :b", "Incorrect operand type for operator or function; operator: DELETE, operand type: BINARY"],
    ["SET a = :s + :n", "Incorrect operand type for operator or function; operator or function: +, operand type: S"],
    ["SET a = b - :ss", "Incorrect operand type for operator or function; operator or function: -, operand type: SS"],
    ["SET a = list_append(:n, b)", "Incorrect operand type for operator or function; operator or function: list_append, operand type: N"],
    ["SET a = list_append(b)", "Incorrect number of operands for operator or function; operator or function: list_append, number of operands: 1"],
    ["SET a = if_not_exists(:n, :n)", "Operator or function requires a document path; operator or function: if_not_exists"],
    // Priorities: reserved words first, then sections, names, values, overlaps, operand types.
    ["SET a = :x SET status = :n", "Attribute name is a reserved keyword; reserved keyword: status"],
    ["SET a = :x, a = :n SET b = :n", 'The "SET" section can only be used once in an update expression;'],
    ["SET #x = :x", "An expression attribute name used in the document path is not defined; attribute name: #x"],
    ["SET a = :x, a = :n", "An expression attribute value used in expression is not defined; attribute value: :x"],
    ["ADD a :s, a :n", "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]"],
  ];
  for (const [expression, message] of cases) {
    it(JSON.stringify(expression), () =>
      throwsValidation(() => parseUpdate(expression, context()), `Invalid UpdateExpression: ${message}`));
  }
});
