import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { statementSpans } from "./simulate.js";

describe("statementSpans", () => {
  const span = (line: number, column: number, endLine: number, endColumn: number) => ({ start: { Line: line, Column: column }, end: { Line: endLine, Column: endColumn } });

  it("places each statement of a list, lines and columns from 1, the end past the brace", () => {
    const text = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow", "Action": "*", "Resource": "*"},\n    {"Effect": "Deny",\n     "Action": "s3:*", "Resource": "*"}\n  ]\n}';
    assert.deepEqual(statementSpans(text), [span(4, 5, 4, 56), span(5, 5, 6, 40)]);
  });

  it("places a lone statement object, skipping nested objects, strings with braces, and CRLF", () => {
    const text = '{\r\n"Statement" :\r\n  {"Effect": "Allow", "Action": "*", "Resource": "a\\"{}", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}\r\n}';
    assert.deepEqual(statementSpans(text), [span(3, 3, 3, 114)]);
  });

  it("follows the last of repeated Statement members, as JSON.parse does, and no nested one", () => {
    const text = '{"Other": {"Statement": [{"x": 1}]}, "Statement": [{"a": 1}], "Statement": [{"b": 2}, {"c": 3}]}';
    const spans = statementSpans(text);
    assert.equal(spans.length, 2);
    assert.equal(text.slice(spans[0]!.start.Column - 1, spans[0]!.end.Column - 1), '{"b": 2}');
  });
});
