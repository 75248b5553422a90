/**
 * Enforcement by construction: every operation of every service declares
 * the IAM actions and resources it needs, named as AWS names them; and
 * with --log-auth every denial is logged with its reason.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CreateBucketCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { CreateUserCommand, CreateAccessKeyCommand, IAMClient } from "@aws-sdk/client-iam";
import { resolveConfig } from "../../src/config.js";
import type { RequestContext } from "../../src/server/context.js";
import { openStorage } from "../../src/storage/index.js";
import { builtinServices } from "../../src/services/index.js";
import { rejectsWith, startCloud } from "../support/nimbus.js";

/**
 * Operations open to any signed caller: who they are, or (DeleteObjects)
 * decided key by key in the handler; and AssumeRoleWithWebIdentity, made
 * unsigned, which the role's trust policy decides in the handler.
 */
const OPEN_OPERATIONS = new Set(["sts.GetCallerIdentity", "sts.GetSessionToken", "s3.DeleteObjects", "sts.AssumeRoleWithWebIdentity"]);

describe("authorization declarations", () => {
  it("every operation names at least one `service:Action` on a resource", async () => {
    const storage = await openStorage({ dataDir: "", inMemory: true });
    const config = resolveConfig({ inMemory: true });
    const ctx = { accountId: "000000000000", region: "us-east-1", principal: { type: "root", accountId: "000000000000", arn: "arn:aws:iam::000000000000:root", userId: "000000000000" } } as RequestContext;
    // A stand-in input: ARN members get an ARN, lists a list, the rest a `bucket/key`-like string.
    const value = (name: string) => (name.endsWith("Arn") ? "arn:aws:iam::000000000000:role/example" : name.endsWith("s") ? ["bucket/key"] : "bucket/key");
    const input = new Proxy({} as Record<string, unknown>, { get: (_t, name) => (typeof name === "string" ? value(name) : undefined) });
    let checked = 0;
    for (const service of builtinServices().all) {
      const runtime = await service.load({ config, kv: storage.kv, blobs: storage.blobs, now: () => new Date() });
      for (const [name, operation] of Object.entries(runtime.operations)) {
        const requirements = operation.authorize(input, ctx);
        checked++;
        if (OPEN_OPERATIONS.has(`${service.name}.${name}`)) continue;
        assert.ok(requirements.length > 0, `${service.name}.${name} declares nothing`);
        for (const { action, resource } of requirements) {
          assert.match(action, /^[a-z0-9-]+:[A-Za-z0-9]+$/, `${service.name}.${name}: action ${action}`);
          assert.match(resource, /^(arn:aws:[a-z0-9-]+:[a-z0-9-]*:(\d{12}|aws)?:.+|\*)$/, `${service.name}.${name}: resource ${resource}`);
        }
      }
    }
    assert.ok(checked > 60, `${checked} operations checked`);
    await storage.close();
  });

  it("logs each denial with principal, action, resource and reason under --log-auth", async () => {
    const lines: string[] = [];
    const t = await startCloud({ auth: "strict", logAuth: true, logger: (_level, message) => lines.push(message) });
    try {
      await t.s3().send(new CreateBucketCommand({ Bucket: "logged" }));
      const iam = new IAMClient(t.cloud.clientConfig);
      await iam.send(new CreateUserCommand({ UserName: "nobody" }));
      const key = await iam.send(new CreateAccessKeyCommand({ UserName: "nobody" }));
      iam.destroy();
      const s3 = t.s3({ credentials: { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! } });
      await rejectsWith(s3.send(new ListObjectsV2Command({ Bucket: "logged" })), "AccessDenied", 403);
      assert.ok(
        lines.some((l) => l === "denied arn:aws:iam::000000000000:user/nobody s3:ListBucket on arn:aws:s3:::logged: no statement allows it"),
        lines.join("\n"),
      );
    } finally {
      await t.stop();
    }
  });
});
