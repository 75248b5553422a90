/** Model-driven validation, in AWS's message form. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { validateInput } from "../../src/protocols/index.js";
import { loadModel } from "../../src/protocols/model.js";
import { formatValidationMessage } from "../../src/protocols/shared/validate.js";
import { parseTimestamp } from "../../src/protocols/shared/timestamps.js";

const dynamodb = loadModel("dynamodb");
const iam = loadModel("iam");

describe("validateInput", () => {
  it("reports missing members, lengths and enums the way DynamoDB does", () => {
    const problems = validateInput(dynamodb, dynamodb.operations.CreateTable!, {
      TableName: "t".repeat(1025),
      KeySchema: [{ AttributeName: "pk", KeyType: "PRIMARY" }],
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
    });
    assert.equal(
      formatValidationMessage(problems),
      `2 validation errors detected: Value '${"t".repeat(1025)}' at 'tableName' failed to satisfy constraint: Member must have length less than or equal to 1024; ` +
        "Value 'PRIMARY' at 'keySchema.1.member.keyType' failed to satisfy constraint: Member must satisfy enum value set: [HASH, RANGE]",
    );
    const missing = validateInput(dynamodb, dynamodb.operations.DescribeTable!, {});
    assert.equal(formatValidationMessage(missing), "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null");
  });

  it("checks patterns and numeric ranges (IAM)", () => {
    const problems = validateInput(iam, iam.operations.ListUsers!, { PathPrefix: "no-leading-slash", MaxItems: 0 });
    assert.deepEqual(problems.map((p) => [p.path, p.constraint]), [
      ["pathPrefix", "Member must satisfy regular expression pattern: \\u002F[\\u0021-\\u007F]*"],
      ["maxItems", "Member must have value greater than or equal to 1"],
    ]);
    assert.deepEqual(validateInput(iam, iam.operations.ListUsers!, { PathPrefix: "/ok/", MaxItems: 10 }), []);
  });
});

describe("timestamps", () => {
  it("takes no time a Date cannot hold, in any form", () => {
    assert.equal(parseTimestamp("99999999999999999999"), undefined);
    assert.equal(parseTimestamp(1e20), undefined);
    assert.equal(parseTimestamp("+275761-01-01T00:00:00Z"), undefined);
    assert.equal(parseTimestamp("1700000000")?.toISOString(), "2023-11-14T22:13:20.000Z");
  });
});
