/**
 * Virtual-host addressing: `<bucket>.s3.localhost` and `<bucket>.localhost`,
 * as the SDK sends it when path style is off. The agent resolves every
 * *.localhost name to loopback, as systemd-resolved and browsers do.
 */
import assert from "node:assert/strict";
import { Agent, type AgentOptions } from "node:http";
import type { LookupFunction } from "node:net";
import { after, before, describe, it } from "node:test";
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { startCloud, type TestCloud } from "../support/nimbus.js";

const loopback: LookupFunction = (_host, options, callback) => {
  if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: "127.0.0.1", family: 4 }]);
  else callback(null, "127.0.0.1", 4);
};

describe("S3 virtual-host addressing", () => {
  let t: TestCloud;
  const clients: S3Client[] = [];
  const client = (host: string): S3Client => {
    const port = new URL(t.cloud.endpoint).port;
    const c = new S3Client({
      ...t.cloud.clientConfig,
      endpoint: `http://${host}:${port}`,
      forcePathStyle: false,
      requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, lookup: loopback } as AgentOptions) }),
    });
    clients.push(c);
    return c;
  };
  before(async () => {
    t = await startCloud();
  });
  after(async () => {
    for (const c of clients) c.destroy();
    await t.stop();
  });

  for (const host of ["s3.localhost", "localhost"]) {
    it(`reads and writes through <bucket>.${host}`, async () => {
      const s3 = client(host);
      const bucket = `vhost-${host.replace(/\./g, "-")}`;
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "dir/a b.txt", Body: "virtual" }));
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "dir/a b.txt" }));
      assert.equal(await got.Body?.transformToString(), "virtual");
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
      assert.deepEqual(listed.Contents?.map((c) => c.Key), ["dir/a b.txt"]);
      // The same bucket, path style.
      const path = t.s3();
      const again = await path.send(new GetObjectCommand({ Bucket: bucket, Key: "dir/a b.txt" }));
      assert.equal(await again.Body?.transformToString(), "virtual");
    });
  }
});
