/**
 * Answer compression (DynamoDB's): which encoding an Accept-Encoding picks,
 * in the cases ScyllaDB's suite measured against AWS, and a compressed
 * DynamoDB answer as an SDK reads it, its x-amz-crc32 that of the bytes sent.
 */
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { after, before, describe, it } from "node:test";
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { chosenEncoding } from "../../src/server/answer-compression.js";
import { crc32 } from "../../src/protocols/json/codec.js";
import { stringKeyedTable } from "../support/dynamodb.js";
import { startCloud, type TestCloud } from "../support/nimbus.js";
import { rawRequest } from "../support/raw.js";

describe("answer compression", () => {
  it("picks the encoding DynamoDB picks for each Accept-Encoding", () => {
    const cases: [string, string | undefined][] = [
      ["identity", undefined],
      ["", undefined],
      ["br", undefined],
      ["x-gzip", undefined],
      ["gzip, deflate", "gzip"],
      ["br, identity, deflate, gzip", "deflate"],
      ["GZIP, identity", "gzip"],
      ["dog, gzip ,, cat", "gzip"],
      ["br, gzip;q=0, deflate; q = 0.5 , identity;q=0", "deflate"],
      ["*", "gzip"],
      ["*, deflate;q=0.5", "gzip"],
      ["*, deflate", "deflate"],
      ["*, gzip;q=0.5", "deflate"],
      ["*;q=0", undefined],
      ["*;q=0.5,identity", "gzip"],
      ["br;q=0.8,identity;q=0.5,*;q=0", undefined],
      ['"gzip"', undefined],
      ["gzip br", undefined],
      ["gzip:q=1", undefined],
      ["deflate;q=0.5, gzip;q=31", "gzip"],
      ["gzip;q=31,deflate;q=51", "gzip"],
      ["deflate;q=0.5, gzip;q=1;q=0.2", "gzip"],
      ["deflate;q=0.5,gzip;q=0.", "deflate"],
      ["deflate;q=0.5,gzip;q=0.x", "gzip"],
      ["deflate;q=-0.5,gzip;q=0.2", "gzip"],
      ["gzip;nq=1;q=0 ", undefined],
      ["gzip;q=0, gzip;q=1, gzip;q=0", "gzip"],
      ["br,identity;q=0.5,gzip;q=0.0001", "gzip"],
    ];
    for (const [header, expected] of cases) assert.equal(chosenEncoding(header), expected, header);
  });

  describe("on DynamoDB", () => {
    let t: TestCloud;
    before(async () => {
      t = await startCloud({ inMemory: true });
      const ddb = new DynamoDBClient(t.cloud.clientConfig);
      await ddb.send(new CreateTableCommand(stringKeyedTable("large")));
      await ddb.send(new PutItemCommand({ TableName: "large", Item: { id: { S: "k" }, x: { S: "x".repeat(5000) } } }));
      ddb.destroy();
    });
    after(() => t.stop());

    it("compresses an answer over 4 KB when asked, its CRC32 that of the compressed bytes", async () => {
      const get = (headers: Record<string, string>) =>
        rawRequest(t.cloud.endpoint, {
          method: "POST",
          path: "/",
          service: "dynamodb",
          headers: { "x-amz-target": "DynamoDB_20120810.GetItem", "content-type": "application/x-amz-json-1.0", ...headers },
          body: JSON.stringify({ TableName: "large", Key: { id: { S: "k" } } }),
        });
      const plain = await get({});
      assert.equal(plain.headers["content-encoding"], undefined);
      const zipped = await get({ "accept-encoding": "gzip" });
      assert.equal(zipped.headers["content-encoding"], "gzip");
      assert.equal(zipped.headers["x-amz-crc32"], String(crc32(zipped.bytes)));
      assert.equal(gunzipSync(zipped.bytes).toString(), plain.body);
    });
  });
});
