import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AttributeValue, Item } from "../values.js";
import { evaluateCondition } from "./condition.js";
import { conditionFromExpected, conditionFromFilter, updateFromAttributeUpdates, type ExpectedAttributeValue, type LegacyCondition } from "./legacy.js";
import { throwsValidation } from "./test-support.js";
import { applyUpdate } from "./update.js";

const ITEM: Item = { n: { N: "5" }, s: { S: "abc" }, tags: { SS: ["a", "b"] }, lst: { L: [{ S: "x" }] } };

function filter(name: string, ComparisonOperator: string, ...AttributeValueList: AttributeValue[]): boolean {
  const condition = conditionFromFilter({ [name]: { ComparisonOperator, AttributeValueList } });
  assert.ok(condition);
  return evaluateCondition(condition, ITEM);
}

describe("legacy filters", () => {
  const cases: [string, string, AttributeValue[], boolean][] = [
    ["n", "EQ", [{ N: "5.0" }], true],
    ["n", "NE", [{ N: "5" }], false],
    ["gone", "NE", [{ N: "5" }], true],
    ["n", "LT", [{ N: "6" }], true],
    ["n", "LE", [{ N: "5" }], true],
    ["n", "GT", [{ N: "5" }], false],
    ["n", "GE", [{ N: "5" }], true],
    ["s", "GT", [{ N: "5" }], false],
    ["n", "NOT_NULL", [], true],
    ["gone", "NULL", [], true],
    ["s", "CONTAINS", [{ S: "bc" }], true],
    ["tags", "CONTAINS", [{ S: "a" }], true],
    ["tags", "NOT_CONTAINS", [{ S: "z" }], true],
    ["gone", "NOT_CONTAINS", [{ S: "z" }], false],
    ["s", "BEGINS_WITH", [{ S: "ab" }], true],
    ["n", "IN", [{ N: "1" }, { N: "5" }], true],
    ["n", "BETWEEN", [{ N: "1" }, { N: "5" }], true],
    ["tags", "EQ", [{ SS: ["b", "a"] }], true],
  ];
  for (const [name, operator, values, expected] of cases) {
    it(`${name} ${operator} ${JSON.stringify(values)} is ${expected}`, () => assert.equal(filter(name, operator, ...values), expected));
  }

  it("combines with AND by default, OR on request", () => {
    const conditions: Record<string, LegacyCondition> = {
      n: { ComparisonOperator: "EQ", AttributeValueList: [{ N: "5" }] },
      s: { ComparisonOperator: "EQ", AttributeValueList: [{ S: "zzz" }] },
    };
    const and = conditionFromFilter(conditions);
    const or = conditionFromFilter(conditions, "OR");
    assert.ok(and && or);
    assert.equal(evaluateCondition(and, ITEM), false);
    assert.equal(evaluateCondition(or, ITEM), true);
    assert.equal(conditionFromFilter({}), undefined);
  });

  const errors: [string, AttributeValue[], string][] = [
    ["EQ", [], "One or more parameter values were invalid: Invalid number of argument(s) for the EQ ComparisonOperator"],
    ["NULL", [{ S: "a" }], "One or more parameter values were invalid: Invalid number of argument(s) for the NULL ComparisonOperator"],
    ["BETWEEN", [{ N: "1" }], "One or more parameter values were invalid: Invalid number of argument(s) for the BETWEEN ComparisonOperator"],
    ["IN", [], "One or more parameter values were invalid: Invalid number of argument(s) for the IN ComparisonOperator"],
    ["IN", [{ N: "1" }, { S: "a" }], "One or more parameter values were invalid: AttributeValues inside AttributeValueList must be of same type"],
    ["LT", [{ SS: ["a"] }], "One or more parameter values were invalid: ComparisonOperator LT is not valid for SS AttributeValue type"],
    ["BEGINS_WITH", [{ N: "1" }], "One or more parameter values were invalid: ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type"],
    ["GT", [{ BOOL: true }], "One or more parameter values were invalid: ComparisonOperator GT is not valid for BOOL AttributeValue type"],
    ["BETWEEN", [{ N: "5" }, { N: "1" }], "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound"],
  ];
  for (const [operator, values, message] of errors) {
    it(`refuses ${operator} ${JSON.stringify(values)}`, () => throwsValidation(() => filter("n", operator, ...values), message));
  }
});

describe("legacy Expected", () => {
  function expected(e: Record<string, ExpectedAttributeValue>, op?: string): boolean {
    const condition = conditionFromExpected(e, op);
    assert.ok(condition);
    return evaluateCondition(condition, ITEM);
  }
  it("Value means equal, Exists false means absent", () => {
    assert.equal(expected({ n: { Value: { N: "5" } } }), true);
    assert.equal(expected({ n: { Exists: true, Value: { N: "6" } } }), false);
    assert.equal(expected({ gone: { Exists: false } }), true);
    assert.equal(expected({ n: { Exists: false } }), false);
    assert.equal(expected({ n: { ComparisonOperator: "GT", AttributeValueList: [{ N: "1" }] } }), true);
    assert.equal(expected({ n: { ComparisonOperator: "GT", Value: { N: "9" } } }), false);
    assert.equal(expected({ n: { Exists: false }, s: { Value: { S: "abc" } } }, "OR"), true);
  });
  const errors: [Record<string, ExpectedAttributeValue>, string][] = [
    [{ a: { Value: { N: "1" }, AttributeValueList: [{ N: "1" }] } }, "One or more parameter values were invalid: Value and AttributeValueList cannot be used together for Attribute: a"],
    [{ a: { Exists: true, ComparisonOperator: "EQ", Value: { N: "1" } } }, "One or more parameter values were invalid: Exists and ComparisonOperator cannot be used together for Attribute: a"],
    [{ a: { ComparisonOperator: "EQ" } }, "One or more parameter values were invalid: Value or AttributeValueList must be used with ComparisonOperator: EQ for Attribute: a"],
    [{ a: { AttributeValueList: [{ N: "1" }] } }, "One or more parameter values were invalid: AttributeValueList can only be used with a ComparisonOperator for Attribute: a"],
    [{ a: {} }, "One or more parameter values were invalid: Value must be provided when Exists is null for Attribute: a"],
    [{ a: { Exists: true } }, "One or more parameter values were invalid: Value must be provided when Exists is true for Attribute: a"],
    [{ a: { Exists: false, Value: { N: "1" } } }, "One or more parameter values were invalid: Value cannot be used when Exists is false for Attribute: a"],
  ];
  for (const [e, message] of errors) it(`refuses ${JSON.stringify(e)}`, () => throwsValidation(() => conditionFromExpected(e), message));
});

describe("legacy AttributeUpdates", () => {
  it("PUT, ADD, DELETE", () => {
    const update = updateFromAttributeUpdates({
      s: { Action: "PUT", Value: { S: "new" } },
      n: { Action: "ADD", Value: { N: "2" } },
      tags: { Action: "DELETE", Value: { SS: ["a"] } },
      lst: { Action: "ADD", Value: { L: [{ S: "y" }] } },
      fresh: { Value: { BOOL: true } },
      gone: { Action: "DELETE" },
    });
    assert.deepEqual(applyUpdate(update, ITEM).item, {
      s: { S: "new" },
      n: { N: "7" },
      tags: { SS: ["b"] },
      lst: { L: [{ S: "x" }, { S: "y" }] },
      fresh: { BOOL: true },
    });
  });
  it("ADD to a missing list creates it", () => {
    const update = updateFromAttributeUpdates({ l2: { Action: "ADD", Value: { L: [{ S: "y" }] } } });
    assert.deepEqual(applyUpdate(update, {}).item, { l2: { L: [{ S: "y" }] } });
  });
  const errors: [Record<string, { Action?: string; Value?: AttributeValue }>, string][] = [
    [{ a: { Action: "PUT" } }, "One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified"],
    [{ a: { Action: "ADD" } }, "One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified"],
    [{ a: { Action: "DELETE", Value: { N: "1" } } }, "One or more parameter values were invalid: DELETE action with value is not supported for the type N"],
    [{ a: { Action: "ADD", Value: { S: "x" } } }, "One or more parameter values were invalid: ADD action is not supported for the type S"],
  ];
  for (const [updates, message] of errors) it(`refuses ${JSON.stringify(updates)}`, () => throwsValidation(() => updateFromAttributeUpdates(updates), message));
});
