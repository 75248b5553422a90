/**
 * The package as users import it: `import { start } from "nimbus"` resolves
 * through package.json's exports to the built dist/ (npm install builds it
 * through the prepare script).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";

describe("the nimbus package", () => {
  it("starts an in-memory cloud from `import { start } from \"nimbus\"`", async () => {
    const { start } = await import("nimbus");
    const cloud = await start();
    try {
      assert.match(cloud.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
      const s3 = new S3Client(cloud.clientConfig);
      assert.deepEqual((await s3.send(new ListBucketsCommand({}))).Buckets ?? [], []);
      s3.destroy();
    } finally {
      await cloud.stop();
    }
  });
});
