/**
 * The AWS CLI (v1) against Nimbus's DynamoDB: create-table, put-item,
 * get-item, query and scan, and an error by code.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startCloud, type TestCloud } from "../support/nimbus.js";
import { awsEnv, runTool, toolMissing } from "../support/tools.js";

const skip = await toolMissing("aws", ["--version"]);

describe("AWS CLI: dynamodb", { skip }, () => {
  let t: TestCloud;
  const aws = async (args: string[]): Promise<Record<string, unknown>> => {
    const result = await runTool("aws", ["--endpoint-url", t.cloud.endpoint, "--output", "json", ...args], awsEnv());
    assert.equal(result.code, 0, `aws ${args.join(" ")}:\n${result.stderr}`);
    return result.stdout.trim() ? (JSON.parse(result.stdout) as Record<string, unknown>) : {};
  };
  before(async () => {
    t = await startCloud();
  });
  after(() => t.stop());

  it("creates a table, writes items, queries and scans", async () => {
    const created = await aws([
      "dynamodb", "create-table", "--table-name", "music",
      "--attribute-definitions", "AttributeName=Artist,AttributeType=S", "AttributeName=Song,AttributeType=S",
      "--key-schema", "AttributeName=Artist,KeyType=HASH", "AttributeName=Song,KeyType=RANGE",
      "--billing-mode", "PAY_PER_REQUEST",
    ]);
    assert.equal((created.TableDescription as { TableName: string }).TableName, "music");
    await aws(["dynamodb", "wait", "table-exists", "--table-name", "music"]);
    for (const song of ["Alpha", "Beta", "Gamma"]) {
      await aws(["dynamodb", "put-item", "--table-name", "music", "--item", JSON.stringify({ Artist: { S: "Band" }, Song: { S: song }, Plays: { N: "1" } })]);
    }
    const got = await aws(["dynamodb", "get-item", "--table-name", "music", "--key", JSON.stringify({ Artist: { S: "Band" }, Song: { S: "Beta" } })]);
    assert.deepEqual((got.Item as Record<string, unknown>).Song, { S: "Beta" });
    const queried = await aws([
      "dynamodb", "query", "--table-name", "music",
      "--key-condition-expression", "Artist = :a AND begins_with(Song, :p)",
      "--expression-attribute-values", JSON.stringify({ ":a": { S: "Band" }, ":p": { S: "G" } }),
    ]);
    assert.equal(queried.Count, 1);
    const scanned = await aws(["dynamodb", "scan", "--table-name", "music"]);
    assert.equal(scanned.Count, 3);
    const listed = await aws(["dynamodb", "list-tables"]);
    assert.deepEqual(listed.TableNames, ["music"]);
  });

  it("reports DynamoDB errors by code", async () => {
    const result = await runTool("aws", ["--endpoint-url", t.cloud.endpoint, "dynamodb", "describe-table", "--table-name", "ghost"], awsEnv());
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /\(ResourceNotFoundException\) when calling the DescribeTable operation: Requested resource not found: Table: ghost not found/);
  });
});
