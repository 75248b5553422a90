/**
 * Bucket policies: stored and returned as given, checked as S3 checks
 * them, and part of every decision: a public-read policy lets unsigned
 * GETs of that bucket's objects through, in both auth modes.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CreateBucketCommand,
  DeleteBucketPolicyCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  PutBucketPolicyCommand,
  PutPublicAccessBlockCommand,
  GetPublicAccessBlockCommand,
  DeletePublicAccessBlockCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";
import { rawRequest } from "../support/raw.js";

const publicRead = (bucket: string) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Sid: "PublicRead", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/public/*` }],
  });

for (const auth of ["lenient", "strict"] as const) {
  describe(`S3 bucket policies (${auth})`, () => {
    let t: TestCloud;
    let s3: S3Client;
    before(async () => {
      t = await startCloud({ auth });
      s3 = t.s3();
      await s3.send(new CreateBucketCommand({ Bucket: "site" }));
      await s3.send(new PutObjectCommand({ Bucket: "site", Key: "public/index.html", Body: "<h1>hi</h1>" }));
      await s3.send(new PutObjectCommand({ Bucket: "site", Key: "private/secret", Body: "no" }));
    });
    after(() => t.stop());

    it("refuses a public policy while the bucket blocks public policies, as every new bucket does", async () => {
      const everything = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
      assert.deepEqual((await s3.send(new GetPublicAccessBlockCommand({ Bucket: "site" }))).PublicAccessBlockConfiguration, everything);
      const blocked = await rejectsWith(s3.send(new PutBucketPolicyCommand({ Bucket: "site", Policy: publicRead("site") })), "AccessDenied", 403);
      // A condition on the referer does not make a grant to everyone less public (ceph s3-tests' IfExists case).
      const referer = JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::site/*", Condition: { StringLikeIfExists: { "aws:Referer": "http://www.example.com/*" } } }],
      });
      await rejectsWith(s3.send(new PutBucketPolicyCommand({ Bucket: "site", Policy: referer })), "AccessDenied", 403);
      assert.equal(
        blocked.message,
        'User: arn:aws:iam::000000000000:root is not authorized to perform: s3:PutBucketPolicy on resource: "arn:aws:s3:::site" because public policies are blocked by the BlockPublicPolicy block public access setting.',
      );
      await rejectsWith(s3.send(new GetBucketPolicyCommand({ Bucket: "site" })), "NoSuchBucketPolicy", 404);
      await rejectsWith(s3.send(new PutPublicAccessBlockCommand({ Bucket: "site", PublicAccessBlockConfiguration: {} })), "InvalidRequest", 400);
      // Unnamed settings are off.
      await s3.send(new PutPublicAccessBlockCommand({ Bucket: "site", PublicAccessBlockConfiguration: { BlockPublicAcls: true } }));
      assert.deepEqual((await s3.send(new GetPublicAccessBlockCommand({ Bucket: "site" }))).PublicAccessBlockConfiguration, {
        BlockPublicAcls: true,
        IgnorePublicAcls: false,
        BlockPublicPolicy: false,
        RestrictPublicBuckets: false,
      });
      await s3.send(new DeletePublicAccessBlockCommand({ Bucket: "site" }));
      await rejectsWith(s3.send(new GetPublicAccessBlockCommand({ Bucket: "site" })), "NoSuchPublicAccessBlockConfiguration", 404);
    });

    it("stores, returns and deletes a policy", async () => {
      await rejectsWith(s3.send(new GetBucketPolicyCommand({ Bucket: "site" })), "NoSuchBucketPolicy", 404);
      await s3.send(new PutBucketPolicyCommand({ Bucket: "site", Policy: publicRead("site") }));
      assert.equal((await s3.send(new GetBucketPolicyCommand({ Bucket: "site" }))).Policy, publicRead("site"));
      assert.equal((await s3.send(new GetBucketPolicyStatusCommand({ Bucket: "site" }))).PolicyStatus?.IsPublic, true);
    });

    it("refuses malformed policies", async () => {
      const naming = (AWS: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS }, Action: "s3:GetObject", Resource: "arn:aws:s3:::site/*" }] });
      for (const principal of ["arn:aws:iam::000000000000:user/nobody", "not-an-arn"]) {
        const refused = await rejectsWith(s3.send(new PutBucketPolicyCommand({ Bucket: "site", Policy: naming(principal) })), "MalformedPolicy", 400);
        assert.equal(refused.message, "Invalid principal in policy");
      }
      await rejectsWith(s3.send(new PutBucketPolicyCommand({ Bucket: "site", Policy: "not json" })), "MalformedPolicy", 400);
      const foreign = publicRead("site").replace("arn:aws:s3:::site/", "arn:aws:s3:::elsewhere/");
      const error = await rejectsWith(s3.send(new PutBucketPolicyCommand({ Bucket: "site", Policy: foreign })), "MalformedPolicy", 400);
      assert.equal(error.message, "Policy has invalid resource");
      const otherService = publicRead("site").replace('"s3:GetObject"', '"dynamodb:GetItem"');
      const action = await rejectsWith(s3.send(new PutBucketPolicyCommand({ Bucket: "site", Policy: otherService })), "MalformedPolicy", 400);
      assert.equal(action.message, "Policy has invalid action");
      // A condition operator outside the grammar is refused when stored, not met (and failed on) at every request.
      const unknownOperator = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::site/*", Condition: { Foo: { "aws:SourceIp": "1.2.3.4" } } }] });
      const operator = await rejectsWith(s3.send(new PutBucketPolicyCommand({ Bucket: "site", Policy: unknownOperator })), "MalformedPolicy", 400);
      assert.equal(operator.message, "Invalid Condition type : Foo");
    });

    it("takes resources whose wildcards name this bucket, and judges public access as S3 does", async () => {
      const policy = (statement: Record<string, unknown>) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:ListBucket", ...statement }] });
      const status = async (statement: Record<string, unknown>) => {
        await s3.send(new PutBucketPolicyCommand({ Bucket: "site", Policy: policy(statement) }));
        return (await s3.send(new GetBucketPolicyStatusCommand({ Bucket: "site" }))).PolicyStatus?.IsPublic;
      };
      const account = { AWS: "arn:aws:iam::111122223333:root" };
      assert.equal(await status({ Principal: account, Resource: ["arn:aws:s3:::*", "arn:aws:s3:::*/*"] }), false);
      assert.equal(await status({ Principal: account, Resource: ["arn:aws:s3:::si*", "arn:aws:s3:::s?te/logs/*"] }), false);
      // Everyone but one account is everyone, as far as "public" goes.
      assert.equal(await status({ NotPrincipal: account, Resource: "arn:aws:s3:::site" }), true);
      // A grant to everyone is public unless its condition fixes a key that ties the request to known callers.
      const everyone = { Principal: "*", Resource: "arn:aws:s3:::site" };
      assert.equal(await status({ ...everyone, Condition: { StringLike: { "aws:Referer": "http://www.example.com/*" } } }), true);
      assert.equal(await status({ ...everyone, Condition: { StringEquals: { "aws:SourceAccount": "111122223333" } } }), false);
      assert.equal(await status({ ...everyone, Condition: { IpAddress: { "aws:SourceIp": "192.0.2.0/24" } } }), false);
      assert.equal(await status({ ...everyone, Condition: { IpAddress: { "aws:SourceIp": "0.0.0.0/0" } } }), true);
      assert.equal(await status({ ...everyone, Condition: { ArnLike: { "aws:SourceArn": "arn:aws:s3:::*" } } }), true);
      assert.equal(await status({ ...everyone, Condition: { StringEqualsIfExists: { "aws:SourceVpce": "vpce-1a2b3c4d" } } }), true);
      const other = await rejectsWith(s3.send(new PutBucketPolicyCommand({ Bucket: "site", Policy: policy({ Principal: account, Resource: "arn:aws:s3:::other*" }) })), "MalformedPolicy", 400);
      assert.equal(other.message, "Policy has invalid resource");
      await s3.send(new PutBucketPolicyCommand({ Bucket: "site", Policy: publicRead("site") }));
    });

    it("lets unsigned GETs of public objects through, and only those", async () => {
      const open = await rawRequest(t.cloud.endpoint, { method: "GET", path: "/site/public/index.html", anonymous: true });
      assert.equal(open.status, 200);
      assert.equal(open.body, "<h1>hi</h1>");
      const closed = await rawRequest(t.cloud.endpoint, { method: "GET", path: "/site/private/secret", anonymous: true });
      assert.equal(closed.status, 403);
      assert.match(closed.body, /<Code>AccessDenied<\/Code>/);
      const write = await rawRequest(t.cloud.endpoint, { method: "PUT", path: "/site/public/new", anonymous: true, body: "x" });
      assert.equal(write.status, 403);
    });

    it("tells a missing key (404) only to who may list the bucket, and 403 to others", async () => {
      // GetObject's permissions: without s3:ListBucket a missing key is 403 AccessDenied, with it 404 NoSuchKey.
      const get = (path: string, method = "GET") => rawRequest(t.cloud.endpoint, { method, path, anonymous: true });
      assert.equal((await get("/site/public/missing")).status, 403, "s3:GetObject alone: a missing key is hidden");
      assert.equal((await get("/site/public/missing", "HEAD")).status, 403);
      const listable = JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          JSON.parse(publicRead("site")).Statement[0],
          { Sid: "List", Effect: "Allow", Principal: "*", Action: "s3:ListBucket", Resource: "arn:aws:s3:::site" },
        ],
      });
      await s3.send(new PutBucketPolicyCommand({ Bucket: "site", Policy: listable }));
      const missing = await get("/site/public/missing");
      assert.equal(missing.status, 404);
      assert.match(missing.body, /<Code>NoSuchKey<\/Code>/);
      assert.equal((await get("/site/private/missing", "HEAD")).status, 404, "s3:ListBucket alone: a missing key is told");
      assert.equal((await get("/site/private/secret")).status, 403, "s3:ListBucket alone: an existing key stays closed");
      await s3.send(new PutBucketPolicyCommand({ Bucket: "site", Policy: publicRead("site") }));
    });

    it("gives a policy's conditions S3's keys: encryption and ACL headers, object tags, a listing's prefix, the referer", async () => {
      // The classic policies of S3's user guide, met by unsigned callers (whom both auth modes judge by policy).
      await s3.send(new CreateBucketCommand({ Bucket: "conditioned" }));
      await s3.send(new DeletePublicAccessBlockCommand({ Bucket: "conditioned" }));
      await s3.send(new PutObjectCommand({ Bucket: "conditioned", Key: "tagged/open", Body: "open", Tagging: "class=public" }));
      await s3.send(new PutObjectCommand({ Bucket: "conditioned", Key: "tagged/closed", Body: "closed", Tagging: "class=secret" }));
      const statement = (Sid: string, Action: string, Resource: string, Condition: object, Effect = "Allow") => ({ Sid, Effect, Principal: "*", Action, Resource, Condition });
      const policy = {
        Version: "2012-10-17",
        Statement: [
          statement("Writes", "s3:PutObject", "arn:aws:s3:::conditioned/uploads/*", { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control" } }),
          statement("Encrypted", "s3:PutObject", "arn:aws:s3:::conditioned/*", { Null: { "s3:x-amz-server-side-encryption": "true" } }, "Deny"),
          statement("Tagged", "s3:GetObject", "arn:aws:s3:::conditioned/*", { StringEquals: { "s3:ExistingObjectTag/class": "public" } }),
          statement("Listing", "s3:ListBucket", "arn:aws:s3:::conditioned", { StringLike: { "s3:prefix": "tagged/*" } }),
          statement("Referred", "s3:GetObject", "arn:aws:s3:::conditioned/site/*", { StringLike: { "aws:Referer": "https://example.com/*" } }),
        ],
      };
      await s3.send(new PutBucketPolicyCommand({ Bucket: "conditioned", Policy: JSON.stringify(policy) }));
      const send = (method: string, path: string, headers: Record<string, string> = {}, query?: Record<string, string>) =>
        rawRequest(t.cloud.endpoint, { method, path, headers, query, anonymous: true, body: method === "PUT" ? "x" : undefined });
      const owner = { "x-amz-acl": "bucket-owner-full-control" };
      assert.equal((await send("PUT", "/conditioned/uploads/a", owner)).status, 403, "unencrypted: the Null deny applies");
      assert.equal((await send("PUT", "/conditioned/uploads/a", { ...owner, "x-amz-server-side-encryption": "AES256" })).status, 200);
      assert.equal((await send("PUT", "/conditioned/uploads/b", { "x-amz-server-side-encryption": "AES256" })).status, 403, "no owner ACL");
      assert.equal((await send("GET", "/conditioned/tagged/open")).status, 200);
      assert.equal((await send("GET", "/conditioned/tagged/closed")).status, 403);
      assert.equal((await send("GET", "/conditioned", {}, { prefix: "tagged/" })).status, 200);
      assert.equal((await send("GET", "/conditioned", {}, { prefix: "uploads/" })).status, 403);
      await s3.send(new PutObjectCommand({ Bucket: "conditioned", Key: "site/page", Body: "page", ServerSideEncryption: "AES256" }));
      assert.equal((await send("GET", "/conditioned/site/page", { referer: "https://example.com/home" })).status, 200);
      assert.equal((await send("GET", "/conditioned/site/page", { referer: "https://elsewhere.example/" })).status, 403);
    });

    it("holds the bucket's own account to its explicit denies, though its root may still read and replace the policy", async () => {
      await s3.send(new CreateBucketCommand({ Bucket: "guarded" }));
      const deny = (Action: string, Resource: string, Condition?: object) => ({ Effect: "Deny", Principal: "*", Action, Resource, ...(Condition ? { Condition } : {}) });
      const Policy = JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          deny("s3:PutObject", "arn:aws:s3:::guarded/*", { Null: { "s3:x-amz-server-side-encryption": "true" } }),
          deny("s3:GetBucketPolicy", "arn:aws:s3:::guarded"),
          deny("s3:DeleteBucketPolicy", "arn:aws:s3:::guarded"),
        ],
      });
      await s3.send(new PutBucketPolicyCommand({ Bucket: "guarded", Policy }));
      const refused = await rejectsWith(s3.send(new PutObjectCommand({ Bucket: "guarded", Key: "plain", Body: "x" })), "AccessDenied", 403);
      assert.equal(refused.message, "User: arn:aws:iam::000000000000:root is not authorized to perform: s3:PutObject on resource: arn:aws:s3:::guarded/plain with an explicit deny in a resource-based policy");
      await s3.send(new PutObjectCommand({ Bucket: "guarded", Key: "sealed", Body: "x", ServerSideEncryption: "AES256" }));
      assert.equal((await s3.send(new GetBucketPolicyCommand({ Bucket: "guarded" }))).Policy, Policy);
      await s3.send(new DeleteBucketPolicyCommand({ Bucket: "guarded" }));
      await s3.send(new PutObjectCommand({ Bucket: "guarded", Key: "plain", Body: "x" }));
    });

    it("stops public access when the policy is deleted", async () => {
      await s3.send(new DeleteBucketPolicyCommand({ Bucket: "site" }));
      const gone = await rawRequest(t.cloud.endpoint, { method: "GET", path: "/site/public/index.html", anonymous: true });
      assert.equal(gone.status, 403);
    });
  });
}
