import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isAwsError } from "../../../server/errors.js";
import type { AttributeValue } from "../values.js";
import { parseStatement } from "./parser.js";

function refusal(source: string, parameters: AttributeValue[] = []): string {
  try {
    parseStatement(source, parameters);
  } catch (error) {
    if (isAwsError(error)) return `${error.code}: ${error.message}`;
    throw error;
  }
  throw new Error(`parsed: ${source}`);
}

describe("PartiQL parser", () => {
  it("reads SELECT with projections, index, WHERE and ORDER BY", () => {
    const s = parseStatement(`select a.b[1], "c d" from "T"."idx" where pk = ? and (x <> 'y' or not y between 1 and 2) order by sk desc -- note`, [{ S: "k" }]);
    assert.equal(s.kind, "select");
    if (s.kind !== "select") return;
    assert.deepEqual(s.from, { table: "T", index: "idx" });
    assert.deepEqual(s.projection, [["a", "b", 1], ["c d"]]);
    assert.deepEqual(s.orderBy, { name: "sk", descending: true });
    assert.equal(s.where?.kind, "and");
  });

  it("reads literals: numbers with exponents, escaped quotes, maps, lists and sets", () => {
    const s = parseStatement(`INSERT INTO t VALUE {'pk': 'it''s', 'n': 7.31e6, 'm': -.5, 'l': [1, true, null], 'ss': <<'a', 'b'>>, 'ns': <<1, 2>>, 'o': {'x': {}}}`);
    assert.equal(s.kind, "insert");
    if (s.kind !== "insert") return;
    assert.deepEqual(s.item, {
      pk: { S: "it's" },
      n: { N: "7310000" },
      m: { N: "-0.5" },
      l: { L: [{ N: "1" }, { BOOL: true }, { NULL: true }] },
      ss: { SS: ["a", "b"] },
      ns: { NS: ["1", "2"] },
      o: { M: { x: { M: {} } } },
    });
  });

  it("reads UPDATE actions, the FROM-first form and RETURNING", () => {
    const s = parseStatement(`UPDATE t SET a = a + 1, b = list_append(b, [1]) REMOVE c SET s = set_delete(s, <<'x'>>) WHERE pk = 'k' RETURNING MODIFIED OLD *`);
    assert.equal(s.kind, "update");
    if (s.kind !== "update") return;
    assert.deepEqual(s.update.actions.map((a) => a.kind), ["SET", "SET", "REMOVE", "DELETE"]);
    assert.equal(s.returning, "UPDATED_OLD");
    const f = parseStatement(`FROM t WHERE pk = 'k' SET a = 1`);
    assert.equal(f.kind, "update");
  });

  it("refuses what DynamoDB refuses, in its words", () => {
    assert.equal(refusal(`SELECT * FROM t WHERE pk = 1 foo`), "ValidationException: Statement wasn't well formed, can't be processed: Unexpected token after expression");
    assert.equal(refusal(`SELECT * FROM t WHERE pk = 1)`), "ValidationException: Statement wasn't well formed, can't be processed: Unexpected token after expression");
    assert.equal(refusal(`SELECT * FROM t WHERE pk = 1 /* open`), "ValidationException: Statement wasn't well formed, can't be processed: ");
    assert.equal(refusal(`SELECT * FROM t WHERE pk = 1 # note`), "ValidationException: Statement wasn't well formed, can't be processed: ");
    assert.equal(refusal(`SELECT * FROM t AS x WHERE pk = 1`), "ValidationException: Aliasing is not supported");
    assert.equal(refusal(`DELETE FROM t x WHERE pk = 1`), "ValidationException: Aliasing is not supported");
    assert.equal(refusal(`INSERT INTO t x VALUE {'pk': 1}`), "ValidationException: Statement wasn't well formed, can't be processed: Unexpected token after expression");
    assert.equal(refusal(`SELECT * FROM t WHERE pk = ?`), "ValidationException: Number of parameters in request and statement don't match.");
    assert.equal(refusal(`SELECT * FROM t WHERE pk = 1`, [{ S: "extra" }]), "ValidationException: Number of parameters in request and statement don't match.");
    assert.equal(refusal(`SELECT *, a FROM t`), "ValidationException: Other attributes should not be present in the projection when '*' is used.");
    assert.equal(refusal(`INSERT INTO t VALUE {'a': 1, 'a': 2}`), "ValidationException: Duplicate keys in tuple. Key: a under root");
    assert.equal(refusal(`INSERT INTO t VALUE {'a': <<1, 'x'>>}`), "ValidationException: Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags");
    assert.equal(refusal(`SELECT * FROM t WHERE a = MISSING`), "ValidationException: MISSING must be compared using IS operator");
  });
});
