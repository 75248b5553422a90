import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Item } from "../values.js";
import { parseCondition } from "./condition-parser.js";
import { evaluateCondition } from "./condition.js";
import { checkAllUsed, createContext } from "./context.js";
import { context, throwsValidation } from "./test-support.js";

const ITEM: Item = {
  id: { S: "item1" },
  n: { N: "5" },
  s: { S: "abcdef" },
  b: { B: Buffer.from("abc") },
  flag: { BOOL: true },
  nothing: { NULL: true },
  status: { S: "S" },
  lst: { L: [{ S: "x" }, { N: "1" }, { M: { deep: { S: "d" } } }] },
  mp: { M: { kid: { M: { leaf: { N: "7" } } }, "a.b": { S: "dotted" } } },
  tags: { SS: ["a", "b"] },
  nums: { NS: ["1", "2"] },
  "a.b": { S: "top-dotted" },
  "é": { S: "accented" },
};

function check(expression: string, item: Item | undefined): boolean {
  return evaluateCondition(parseCondition(expression, context(), "ConditionExpression"), item);
}

describe("condition evaluation", () => {
  const cases: [string, boolean][] = [
    ["n = :n", true],
    ["n = :m", false],
    ["n <> :m", true],
    ["n <> :n", false],
    ["gone <> :n", true],
    ["gone = :n", false],
    ["n < :m", true],
    ["n <= :n", true],
    ["n > :n", false],
    ["n >= :n", true],
    [":m > n", true],
    ["s > :s", true],
    ["s < :n", false],
    ["s >= :n", false],
    ["flag = :bool", true],
    ["nothing = :null", true],
    ["n BETWEEN :n AND :m", true],
    ["n between :m and :m", false],
    ["s BETWEEN :s AND :s", false],
    ["n IN (:m, :n)", true],
    ["n IN (:m)", false],
    ["gone IN (:n)", false],
    ["attribute_exists(n)", true],
    ["attribute_exists(gone)", false],
    ["attribute_not_exists(gone)", true],
    ["attribute_exists(lst[2].deep)", true],
    ["attribute_exists(lst[3])", false],
    ["attribute_exists(lst.deep)", false],
    ["attribute_exists(mp.kid.leaf)", true],
    ["attribute_exists(mp[0])", false],
    ["attribute_exists(#dot)", true],
    ["mp.#dot = :s", false],
    ["attribute_exists(mp.#dot)", true],
    ["attribute_type(n, :t)", false],
    ["attribute_type(s, :t)", true],
    ["begins_with(s, :s)", true],
    ["begins_with(n, :s)", false],
    ["begins_with(b, :b)", true],
    ["contains(s, :s)", true],
    ["contains(tags, :t)", false],
    ["contains(lst, :l)", false],
    ["contains(nums, :n)", false],
    ["size(s) = :n", false],
    ["size(s) > :n", true],
    ["size(lst) < :n", true],
    ["size(gone) < :n", false],
    ["size(n) > :n", false],
    ["NOT n = :n", false],
    ["NOT NOT n = :n", true],
    ["not gone = :n", true],
    ["n = :n AND s = :s", false],
    ["n = :n OR s = :s", true],
    ["n = :m OR s = :s OR attribute_exists(id)", true],
    ["n = :m AND s = :s OR attribute_exists(id)", true],
    ["n = :m AND (s = :s OR attribute_exists(id))", false],
    ["NOT (n = :m OR n = :n)", false],
    ["(n) = :n", true],
    ["(n = :n)", true],
    ["(n = :n) AND (attribute_exists(id))", true],
    ["#s = :t", true],
    ["#a = :s", false],
    ["lst[1] = :n", false],
    ["mp.kid.leaf > :n", true],
    ["lst[2].deep = :s", false],
    ["n=:n", true],
    ["\tn\n=\r:n ", true],
  ];
  for (const [expression, expected] of cases) {
    it(`${JSON.stringify(expression)} is ${expected}`, () => assert.equal(check(expression, ITEM), expected));
  }

  it("sees a gone item as having no attributes", () => {
    assert.equal(check("attribute_not_exists(id)", undefined), true);
    assert.equal(check("attribute_exists(id)", undefined), false);
    assert.equal(check("id <> :s", undefined), true);
  });

  it("compares sets and numbers by value", () => {
    const ctx = createContext(undefined, { ":ss": { SS: ["b", "a"] }, ":one": { N: "1.00" }, ":x": { S: "1" }, ":two": { N: "2" } });
    const item: Item = { tags: { SS: ["a", "b"] }, n: { N: "1" }, nums: { NS: ["1", "2"] }, lst: { L: [{ N: "1" }] } };
    assert.equal(evaluateCondition(parseCondition("tags = :ss", ctx, "FilterExpression"), item), true);
    assert.equal(evaluateCondition(parseCondition("n = :one", ctx, "FilterExpression"), item), true);
    assert.equal(evaluateCondition(parseCondition("n = :x", ctx, "FilterExpression"), item), false);
    assert.equal(evaluateCondition(parseCondition("contains(nums, :two)", ctx, "FilterExpression"), item), true);
    assert.equal(evaluateCondition(parseCondition("contains(lst, :one)", ctx, "FilterExpression"), item), true);
  });

  it("measures strings in UTF-16 code units and maps in entries", () => {
    const ctx = createContext(undefined, { ":two": { N: "2" }, ":one": { N: "1" }, ":three": { N: "3" } });
    const item: Item = { s: { S: "é" }, u: { S: "é𝄞" }, m: { M: { a: { NULL: true } } } };
    assert.equal(evaluateCondition(parseCondition("size(s) = :one", ctx, "FilterExpression"), item), true);
    assert.equal(evaluateCondition(parseCondition("size(u) = :three", ctx, "FilterExpression"), item), true);
    assert.equal(evaluateCondition(parseCondition("size(m) = :one", ctx, "FilterExpression"), item), true);
  });

  it("does not treat Object.prototype members as attributes", () => {
    const ctx = createContext(undefined, {});
    assert.equal(evaluateCondition(parseCondition("attribute_exists(#c)", createContext({ "#c": "constructor" }), "FilterExpression"), {}), false);
    assert.equal(evaluateCondition(parseCondition("attribute_exists(m.toString)", ctx, "FilterExpression"), { m: { M: {} } }), false);
  });
});

describe("condition errors", () => {
  const cases: [string, string][] = [
    ["", "The expression can not be empty;"],
    ["a", 'Syntax error; token: "<EOF>", near: "a"'],
    ["a =", 'Syntax error; token: "<EOF>", near: "="'],
    ["a = :n :n", 'Syntax error; token: ":n", near: ":n :n"'],
    ["a-b", 'Syntax error; token: "-", near: "a-b"'],
    ["a = = :n", 'Syntax error; token: "=", near: "= = :n"'],
    ["attribute_not_exists(", 'Syntax error; token: "<EOF>", near: "("'],
    ["contains (a, :n", 'Syntax error; token: "<EOF>", near: ":n"'],
    ["a = :n AND", 'Syntax error; token: "<EOF>", near: "AND"'],
    ["a BETWEEN :n OR :m", 'Syntax error; token: "OR", near: ":n OR :m"'],
    ["a IN :n", 'Syntax error; token: ":n", near: "IN :n"'],
    ["a = :n)", 'Syntax error; token: ")", near: ":n)"'],
    ["(a = :n", 'Syntax error; token: "<EOF>", near: ":n"'],
    ["a ! :n", 'Syntax error; token: "!", near: "a ! :n"'],
    ["a = #", 'Syntax error; token: "#", near: "= #"'],
    ["a[x] = :n", 'Syntax error; token: "x", near: "[x]"'],
    ["AND = :n", 'Syntax error; token: "AND", near: "AND ="'],
    ["status = :n", "Attribute name is a reserved keyword; reserved keyword: status"],
    ["a.Size = :n", "Attribute name is a reserved keyword; reserved keyword: Size"],
    ["#x = :n", "An expression attribute name used in the document path is not defined; attribute name: #x"],
    ["a = :x", "An expression attribute value used in expression is not defined; attribute value: :x"],
    ["((a = :n))", "The expression has redundant parentheses;"],
    ["((a)) = :n", "The expression has redundant parentheses;"],
    ["foo(a)", "Invalid function name; function: foo"],
    ["size(a)", "The function is not allowed to be used this way in an expression; function: size"],
    ["attribute_exists(a) = :n", "The function is not allowed to be used this way in an expression; function: attribute_exists"],
    ["size(contains(a, :s)) = :n", "The function is not allowed to be used this way in an expression; function: contains"],
    ["begins_with(a)", "Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 1"],
    ["attribute_exists(a, b)", "Incorrect number of operands for operator or function; operator or function: attribute_exists, number of operands: 2"],
    ["size(a, b) = :n", "Incorrect number of operands for operator or function; operator or function: size, number of operands: 2"],
    ["a = a", "The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a]"],
    ["begins_with(a.b[1], a.b[1])", "The first operand must be distinct from the remaining operands for this operator or function; operator: begins_with, first operand: [a, b, [1]]"],
    ["attribute_exists(:n)", "Operator or function requires a document path; operator or function: attribute_exists"],
    ["begins_with(a, :n)", "Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"],
    ["begins_with(a, size(b))", "Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"],
    ["attribute_type(a, :n)", "Incorrect operand type for operator or function; operator or function: attribute_type, operand type: N"],
    ["attribute_type(a, b)", "Incorrect operand type for operator or function; operator or function: attribute_type, operand type: {NS,SS,L,BS,N,M,B,BOOL,NULL,S}"],
    ["attribute_type(a, :s)", "Invalid attribute type name found; type: abc, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"],
    ["size(:n) = :n", "Incorrect operand type for operator or function; operator or function: size, operand type: N"],
    ["a BETWEEN :n AND :s", "The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {S:abc}"],
    ["a BETWEEN :m AND :n", "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:10}, upper bound operand: AttributeValue: {N:5}"],
    // Priorities: reserved words before undefined placeholders, unknown functions before both.
    ["status = :x", "Attribute name is a reserved keyword; reserved keyword: status"],
    ["foo(status) AND a = :x", "Invalid function name; function: foo"],
    // Placeholders and operand checks: the first met, left to right, each node after its operands.
    ["begins_with(:x, #x, #y)", "An expression attribute value used in expression is not defined; attribute value: :x"],
    ["a = a AND :x > b", "The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a]"],
    ["attribute_type(a, size(a)) AND b = b", "Incorrect operand type for operator or function; operator or function: attribute_type, operand type: N"],
    ["attribute_exists(:n) AND a = a", "Operator or function requires a document path; operator or function: attribute_exists"],
  ];
  for (const [expression, message] of cases) {
    it(`${JSON.stringify(expression)}`, () =>
      throwsValidation(() => parseCondition(expression, context(), "ConditionExpression"), `Invalid ConditionExpression: ${message}`));
  }

  it("names FilterExpression in its messages", () =>
    throwsValidation(() => parseCondition("a", context(), "FilterExpression"), 'Invalid FilterExpression: Syntax error; token: "<EOF>", near: "a"'));

  it("refuses more than 100 IN operands", () => {
    const list = Array.from({ length: 101 }, () => ":n").join(", ");
    throwsValidation(
      () => parseCondition(`a IN (${list})`, context(), "FilterExpression"),
      "Invalid FilterExpression: The IN operator is provided with too many operands; number of operands: 101",
    );
    const hundred = Array.from({ length: 100 }, () => ":n").join(", ");
    parseCondition(`a IN (${hundred})`, context(), "FilterExpression");
  });

  it("refuses expressions over 4 KB", () => {
    const long = "a = :n OR ".repeat(410) + "a = :n";
    throwsValidation(
      () => parseCondition(long, context(), "FilterExpression"),
      `Invalid FilterExpression: Expression size has exceeded the maximum allowed size; expression size: ${long.length}`,
    );
  });

  it("survives deep nesting without overflowing the stack", () => {
    const deep = "(".repeat(2000) + "a = :n" + ")".repeat(2000);
    assert.throws(() => parseCondition(deep, context(), "FilterExpression"), /Invalid FilterExpression/);
  });
});

describe("unused placeholders", () => {
  it("reports unused names, then unused values", () => {
    const ctx = createContext({ "#a": "a", "#b": "b", "#c": "c" }, { ":v": { N: "1" }, ":w": { N: "2" } });
    parseCondition("#a = :v", ctx, "ConditionExpression");
    throwsValidation(() => checkAllUsed(ctx), "Value provided in ExpressionAttributeNames unused in expressions: keys: {#b, #c}");
    parseCondition("#b = :v AND #c = :v", ctx, "ConditionExpression");
    throwsValidation(() => checkAllUsed(ctx), "Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}");
  });
  it("accepts when all are used across expressions", () => {
    const ctx = createContext({ "#a": "a" }, { ":v": { N: "1" } });
    parseCondition("#a = :v", ctx, "ConditionExpression");
    checkAllUsed(ctx);
  });
});
