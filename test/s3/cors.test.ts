import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CreateBucketCommand, DeleteBucketCorsCommand, GetBucketCorsCommand, GetObjectCommand, PutBucketCorsCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";

const BUCKET = "cors-bucket";
const APP = "https://app.example.com";
const VARY = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method";

describe("S3 bucket CORS", () => {
  let t: TestCloud;
  let s3: S3Client;
  /** A browser's preflight: unsigned, no credentials. */
  const preflight = (path: string, headers: Record<string, string>) => fetch(`${t.cloud.endpoint}${path}`, { method: "OPTIONS", headers });
  const errorCode = async (res: Response) => /<Code>([^<]*)<\/Code>/.exec(await res.text())?.[1];

  before(async () => {
    t = await startCloud();
    s3 = t.s3();
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "page.json", Body: "{}" }));
  });
  after(() => t.stop());

  it("keeps the rules set, answers NoSuchCORSConfiguration without them, and deletes them", async () => {
    const none = await rejectsWith(s3.send(new GetBucketCorsCommand({ Bucket: BUCKET })), "NoSuchCORSConfiguration", 404);
    assert.equal(none.message, "The CORS configuration does not exist");
    const rules = [
      { ID: "uploads", AllowedOrigins: [APP], AllowedMethods: ["GET", "PUT"], AllowedHeaders: ["x-amz-*", "content-type"], ExposeHeaders: ["ETag"], MaxAgeSeconds: 600 },
      { AllowedOrigins: ["*"], AllowedMethods: ["GET"] },
    ];
    await s3.send(new PutBucketCorsCommand({ Bucket: BUCKET, CORSConfiguration: { CORSRules: rules } }));
    assert.deepEqual((await s3.send(new GetBucketCorsCommand({ Bucket: BUCKET }))).CORSRules, rules);

    await s3.send(new DeleteBucketCorsCommand({ Bucket: BUCKET }));
    await rejectsWith(s3.send(new GetBucketCorsCommand({ Bucket: BUCKET })), "NoSuchCORSConfiguration", 404);
    // Deleting again is no error.
    assert.equal((await s3.send(new DeleteBucketCorsCommand({ Bucket: BUCKET }))).$metadata.httpStatusCode, 204);
  });

  it("refuses rules S3 refuses, keeping what was set", async () => {
    const put = (rule: Record<string, unknown>) => s3.send(new PutBucketCorsCommand({ Bucket: BUCKET, CORSConfiguration: { CORSRules: [rule as never] } }));
    const bad = await rejectsWith(put({ AllowedOrigins: ["*"], AllowedMethods: ["PATCH"] }), "InvalidRequest", 400);
    assert.equal(bad.message, "Found unsupported HTTP method in CORS config. Unsupported method is PATCH");
    const wild = await rejectsWith(put({ AllowedOrigins: ["*example*.com"], AllowedMethods: ["GET"] }), "InvalidRequest", 400);
    assert.equal(wild.message, 'AllowedOrigin "*example*.com" can not have more than one wildcard.');
    await rejectsWith(put({ AllowedMethods: ["GET"] }), "MalformedXML", 400);
    await rejectsWith(s3.send(new PutBucketCorsCommand({ Bucket: BUCKET, CORSConfiguration: { CORSRules: [] } })), "MalformedXML", 400);
    await rejectsWith(s3.send(new GetBucketCorsCommand({ Bucket: BUCKET })), "NoSuchCORSConfiguration", 404);
  });

  it("answers preflights from the first matching rule, anonymously", async () => {
    const noConfig = await preflight(`/${BUCKET}/page.json`, { Origin: APP, "Access-Control-Request-Method": "GET" });
    assert.equal(noConfig.status, 403);
    assert.equal(await errorCode(noConfig), "AccessForbidden");

    await s3.send(
      new PutBucketCorsCommand({
        Bucket: BUCKET,
        CORSConfiguration: {
          CORSRules: [
            { AllowedOrigins: ["https://*.example.com"], AllowedMethods: ["GET", "PUT"], AllowedHeaders: ["x-amz-*", "Content-Type"], ExposeHeaders: ["ETag"], MaxAgeSeconds: 600 },
            { AllowedOrigins: ["*"], AllowedMethods: ["GET"] },
          ],
        },
      }),
    );
    const ok = await preflight(`/${BUCKET}/new-upload`, { Origin: APP, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "Content-Type, X-Amz-Meta-Owner" });
    assert.equal(ok.status, 200);
    assert.equal(await ok.text(), "");
    assert.equal(ok.headers.get("access-control-allow-origin"), APP);
    assert.equal(ok.headers.get("access-control-allow-credentials"), "true");
    assert.equal(ok.headers.get("access-control-allow-methods"), "GET, PUT");
    assert.equal(ok.headers.get("access-control-allow-headers"), "content-type, x-amz-meta-owner");
    assert.equal(ok.headers.get("access-control-expose-headers"), "ETag");
    assert.equal(ok.headers.get("access-control-max-age"), "600");
    assert.equal(ok.headers.get("vary"), VARY);

    // Another origin falls through to the second rule: any origin, GET only, no headers.
    const any = await preflight(`/${BUCKET}/page.json`, { Origin: "http://localhost:3000", "Access-Control-Request-Method": "GET" });
    assert.deepEqual([any.status, any.headers.get("access-control-allow-origin"), any.headers.get("access-control-allow-credentials")], [200, "*", null]);
    const refused = await preflight(`/${BUCKET}/page.json`, { Origin: "http://localhost:3000", "Access-Control-Request-Method": "PUT" });
    assert.equal(refused.status, 403);
    assert.match(await refused.text(), /<Method>PUT<\/Method><ResourceType>OBJECT<\/ResourceType>/);

    // A method S3 has no rule for, or spelt in lower case, is a 400, not a refusal (versitygw's AWS-run PreflightOPTIONS_invalid_request_method).
    for (const method of ["get", "Put", "PATCH", "OPTIONS", "invalid_method"]) {
      const invalid = await preflight(`/${BUCKET}/page.json`, { Origin: APP, "Access-Control-Request-Method": method });
      assert.equal(invalid.status, 400, method);
      assert.match(await invalid.text(), new RegExp(`<Code>BadRequest</Code><Message>Invalid Access-Control-Request-Method: ${method}</Message>`));
    }

    const noOrigin = await preflight(`/${BUCKET}/page.json`, { "Access-Control-Request-Method": "GET" });
    assert.deepEqual([noOrigin.status, await errorCode(noOrigin)], [400, "BadRequest"]);
    const noBucket = await preflight("/no-such-cors-bucket/x", { Origin: APP, "Access-Control-Request-Method": "GET" });
    assert.equal(noBucket.status, 403);
    assert.match(await noBucket.text(), /CORSResponse: Bucket not found/);
  });

  it("adds the matched rule's headers to actual requests, errors included", async () => {
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key: "page.json" }), { expiresIn: 60 });
    const read = await fetch(url, { headers: { Origin: APP } });
    assert.equal(read.status, 200);
    assert.equal(read.headers.get("access-control-allow-origin"), APP);
    assert.equal(read.headers.get("access-control-expose-headers"), "ETag");
    assert.equal(read.headers.get("access-control-allow-headers"), null);
    assert.equal(read.headers.get("vary"), VARY);

    const missing = await fetch(`${t.cloud.endpoint}/${BUCKET}/missing`, { headers: { Origin: "http://localhost:3000" } });
    assert.equal(missing.status, 403);
    assert.equal(missing.headers.get("access-control-allow-origin"), "*");

    // An origin no rule allows is served as any request, without CORS headers.
    const other = await fetch(url, { headers: { Origin: "https://evil.example.org", "Access-Control-Request-Method": "PUT" } });
    assert.equal(other.status, 200);
    assert.equal(other.headers.get("access-control-allow-origin"), null);
    assert.equal(other.headers.get("vary"), null);
  });
});
