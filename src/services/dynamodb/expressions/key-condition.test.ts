import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createContext } from "./context.js";
import { parseKeyCondition } from "./key-condition.js";
import { keyConditionFromKeyConditions } from "./legacy.js";
import { throwsValidation } from "./test-support.js";

const VALUES = { ":h": { S: "h" }, ":a": { N: "1" }, ":b": { N: "2" }, ":p": { S: "pre" } };
const KEY = { hash: "pk", range: "sk" };

function parse(text: string, key: { hash: string; range?: string } = KEY) {
  return parseKeyCondition(text, createContext({ "#k": "pk", "#r": "sk" }, VALUES), key);
}

describe("key conditions", () => {
  const cases: [string, unknown][] = [
    ["pk = :h", { hashValue: { S: "h" } }],
    [":h = pk", { hashValue: { S: "h" } }],
    ["#k = :h", { hashValue: { S: "h" } }],
    ["(pk = :h)", { hashValue: { S: "h" } }],
    ["pk = :h AND sk = :a", { hashValue: { S: "h" }, range: { op: "=", values: [{ N: "1" }] } }],
    ["sk < :a AND pk = :h", { hashValue: { S: "h" }, range: { op: "<", values: [{ N: "1" }] } }],
    ["pk = :h AND :a < sk", { hashValue: { S: "h" }, range: { op: ">", values: [{ N: "1" }] } }],
    ["pk = :h AND :a >= #r", { hashValue: { S: "h" }, range: { op: "<=", values: [{ N: "1" }] } }],
    ["pk = :h AND sk BETWEEN :a AND :b", { hashValue: { S: "h" }, range: { op: "BETWEEN", values: [{ N: "1" }, { N: "2" }] } }],
    ["pk = :h AND begins_with(sk, :p)", { hashValue: { S: "h" }, range: { op: "begins_with", values: [{ S: "pre" }] } }],
    ["pk = :h and (sk > :a)", { hashValue: { S: "h" }, range: { op: ">", values: [{ N: "1" }] } }],
  ];
  for (const [text, expected] of cases) it(text, () => assert.deepEqual(parse(text), expected));

  const errors: [string, string][] = [
    ["pk = :h OR sk = :a", "Invalid operator used in KeyConditionExpression: OR"],
    ["NOT pk = :h", "Invalid operator used in KeyConditionExpression: NOT"],
    ["pk IN (:h)", "Invalid operator used in KeyConditionExpression: IN"],
    ["pk <> :h", "Invalid operator used in KeyConditionExpression: <>"],
    ["pk = :h AND attribute_exists(sk)", "Invalid operator used in KeyConditionExpression: attribute_exists"],
    ["pk = :h AND contains(sk, :a)", "Invalid operator used in KeyConditionExpression: contains"],
    ["pk = :h AND size(sk) > :a", "KeyConditionExpressions cannot contain nested operations"],
    ["pk = :h AND sk.x = :a", "KeyConditionExpressions cannot have conditions on nested attributes"],
    ["pk = sk", "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"],
    [":h = :a", "Invalid condition in KeyConditionExpression: No key attribute specified"],
    ["pk = :h AND :a BETWEEN sk AND :b", "Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first operand"],
    ["pk = :h AND begins_with(:p, sk)", "Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its first operand"],
    ["pk = :h AND pk = :h", "KeyConditionExpressions must only contain one condition per key"],
    ["sk = :a", "Query condition missed key schema element: pk"],
    ["pk > :h", "Query key condition not supported"],
    ["begins_with(pk, :p)", "Query key condition not supported"],
    ["pk = :h AND foo = :a", "Query condition missed key schema element: sk"],
    ["pk = :h AND", 'Invalid KeyConditionExpression: Syntax error; token: "<EOF>", near: "AND"'],
    ["pk = :x", "Invalid KeyConditionExpression: An expression attribute value used in expression is not defined; attribute value: :x"],
  ];
  for (const [text, message] of errors) it(`refuses ${JSON.stringify(text)}`, () => throwsValidation(() => parse(text), message));

  it("refuses a range condition on a hash-only key", () =>
    throwsValidation(() => parse("pk = :h AND sk = :a", { hash: "pk" }), "Query key condition not supported"));
});

describe("legacy KeyConditions", () => {
  it("converts EQ on the hash and a range operator", () => {
    assert.deepEqual(
      keyConditionFromKeyConditions(
        {
          pk: { ComparisonOperator: "EQ", AttributeValueList: [{ S: "h" }] },
          sk: { ComparisonOperator: "BETWEEN", AttributeValueList: [{ N: "1" }, { N: "2" }] },
        },
        KEY,
      ),
      { hashValue: { S: "h" }, range: { op: "BETWEEN", values: [{ N: "1" }, { N: "2" }] } },
    );
  });
  const errors: [Record<string, { ComparisonOperator: string; AttributeValueList?: { S: string }[] }>, string][] = [
    [{ pk: { ComparisonOperator: "EQ" } }, "One or more parameter values were invalid: Invalid number of argument(s) for the EQ ComparisonOperator"],
    [{ pk: { ComparisonOperator: "EQ", AttributeValueList: [{ S: "a" }] }, sk: { ComparisonOperator: "EQ", AttributeValueList: [{ S: "a" }] }, x: { ComparisonOperator: "EQ", AttributeValueList: [{ S: "a" }] } }, "Conditions can be of length 1 or 2 only"],
    [{ pk: { ComparisonOperator: "NE", AttributeValueList: [{ S: "a" }] } }, "Attempted conditional constraint is not an indexable operation"],
    [{ pk: { ComparisonOperator: "BETWEEN", AttributeValueList: [{ S: "b" }, { S: "a" }] } }, "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound"],
    [{ pk: { ComparisonOperator: "GT", AttributeValueList: [{ S: "a" }] } }, "Query key condition not supported"],
    [{ sk: { ComparisonOperator: "EQ", AttributeValueList: [{ S: "a" }] } }, "Query condition missed key schema element: pk"],
  ];
  for (const [conditions, message] of errors) {
    it(`refuses ${JSON.stringify(conditions)}`, () => throwsValidation(() => keyConditionFromKeyConditions(conditions, KEY), message));
  }
});
