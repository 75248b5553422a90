/**
 * The edge sends the answers made in one turn of the event loop together:
 * each must still reach its own connection, and a connection's pipelined
 * requests their answers in order.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { startCloud, type TestCloud } from "../support/nimbus.js";
import { rawSocket } from "../support/raw.js";

describe("edge: answers sent together", () => {
  let t: TestCloud;
  before(async () => {
    t = await startCloud();
  });
  after(() => t.stop());

  it("answers pipelined requests on one connection in order", async () => {
    const host = new URL(t.cloud.endpoint).host;
    const requests =
      `GET /_nimbus/health HTTP/1.1\r\nHost: ${host}\r\n\r\n` +
      `GET /no-such-bucket-pipelined/k HTTP/1.1\r\nHost: ${host}\r\n\r\n` +
      `GET /_nimbus/health HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`;
    const received = await rawSocket(t.cloud.endpoint, requests, 5000);
    // An answer's body ends without a line break: the next status line follows it directly.
    const statuses = [...received.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => m[1]);
    assert.deepEqual(statuses, ["200", "404", "200"]);
    const [first, second, third] = received.split(/HTTP\/1\.1 \d{3} /).slice(1);
    assert.match(first!, /"version"/);
    assert.match(second!, /<Code>NoSuchBucket<\/Code><Message>The specified bucket does not exist<\/Message><BucketName>no-such-bucket-pipelined<\/BucketName>/);
    assert.match(third!, /"version"/);
  });

  it("gives each of many concurrent connections its own answer", async () => {
    const s3 = t.s3();
    await s3.send(new CreateBucketCommand({ Bucket: "burst-bucket" }));
    const keys = Array.from({ length: 64 }, (_, i) => `key-${i}`);
    await Promise.all(keys.map((key) => s3.send(new PutObjectCommand({ Bucket: "burst-bucket", Key: key, Body: `body of ${key}` }))));
    for (let round = 0; round < 3; round++) {
      const bodies = await Promise.all(keys.map(async (key) => (await s3.send(new GetObjectCommand({ Bucket: "burst-bucket", Key: key }))).Body!.transformToString()));
      assert.deepEqual(bodies, keys.map((key) => `body of ${key}`));
    }
  });
});
