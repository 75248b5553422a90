import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CreateBucketCommand,
  DeleteBucketWebsiteCommand,
  DeletePublicAccessBlockCommand,
  GetBucketWebsiteCommand,
  PutBucketAclCommand,
  PutBucketCorsCommand,
  PutBucketPolicyCommand,
  PutBucketRequestPaymentCommand,
  PutBucketWebsiteCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { rawRequest } from "../support/raw.js";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";

const SITE = "site-bucket";

describe("S3 static website hosting", () => {
  let t: TestCloud;
  let s3: S3Client;
  /** A browser's request to the bucket's website endpoint. */
  const visit = (path: string, bucket = SITE, method = "GET") =>
    rawRequest(t.cloud.endpoint, { method, path, anonymous: true, headers: { host: `${bucket}.s3-website.localhost:${new URL(t.cloud.endpoint).port}` } });

  before(async () => {
    t = await startCloud();
    s3 = t.s3();
    await s3.send(new CreateBucketCommand({ Bucket: SITE }));
    // Public the way a new bucket can be: the public access block lifted, a bucket policy granting reads.
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: SITE }));
    const policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${SITE}/*` }] };
    await s3.send(new PutBucketPolicyCommand({ Bucket: SITE, Policy: JSON.stringify(policy) }));
    for (const [Key, Body] of [["index.html", "<h1>home</h1>"], ["docs/index.html", "<h1>docs</h1>"], ["error.html", "<h1>oops</h1>"]] as const) {
      await s3.send(new PutObjectCommand({ Bucket: SITE, Key, Body, ContentType: "text/html" }));
    }
    await s3.send(new PutObjectCommand({ Bucket: SITE, Key: "old.html", Body: "", WebsiteRedirectLocation: "/docs/" }));
  });
  after(() => t.stop());

  it("keeps the website configuration, refusing what S3 refuses", async () => {
    await rejectsWith(s3.send(new GetBucketWebsiteCommand({ Bucket: SITE })), "NoSuchWebsiteConfiguration", 404);
    const bad = await rejectsWith(s3.send(new PutBucketWebsiteCommand({ Bucket: SITE, WebsiteConfiguration: { IndexDocument: { Suffix: "/index.html" } } })), "InvalidArgument", 400);
    assert.equal(bad.message, "The IndexDocument Suffix is not well formed");
    const noErrorKey = await rejectsWith(s3.send(new PutBucketWebsiteCommand({ Bucket: SITE, WebsiteConfiguration: { IndexDocument: { Suffix: "index.html" }, ErrorDocument: { Key: "" } } })), "InvalidArgument", 400);
    assert.equal(noErrorKey.message, "The ErrorDocument Key is not well formed");
    await rejectsWith(s3.send(new PutBucketWebsiteCommand({ Bucket: SITE, WebsiteConfiguration: { IndexDocument: { Suffix: "index.html" }, ErrorDocument: {} as { Key: string } } })), "MalformedXML", 400);
    const config = {
      IndexDocument: { Suffix: "index.html" },
      ErrorDocument: { Key: "error.html" },
      RoutingRules: [{ Condition: { KeyPrefixEquals: "blog/" }, Redirect: { ReplaceKeyPrefixWith: "docs/", HttpRedirectCode: "302" } }],
    };
    await s3.send(new PutBucketWebsiteCommand({ Bucket: SITE, WebsiteConfiguration: config }));
    const got = await s3.send(new GetBucketWebsiteCommand({ Bucket: SITE }));
    assert.deepEqual([got.IndexDocument, got.ErrorDocument, got.RoutingRules], [config.IndexDocument, config.ErrorDocument, config.RoutingRules]);
  });

  it("serves index documents, redirects and the error document on the website endpoint", async () => {
    const home = await visit("/");
    assert.deepEqual([home.status, home.body, home.headers["content-type"]], [200, "<h1>home</h1>", "text/html"]);
    assert.equal((await visit("/docs/")).body, "<h1>docs</h1>");

    const folder = await visit("/docs");
    assert.deepEqual([folder.status, folder.headers.location], [302, "/docs/"]);
    const moved = await visit("/old.html");
    assert.deepEqual([moved.status, moved.headers.location], [301, "/docs/"]);
    const ruled = await visit("/blog/post.html");
    assert.equal(ruled.status, 302);
    assert.match(String(ruled.headers.location), /^http:\/\/site-bucket\.s3-website\.localhost:\d+\/docs\/post\.html$/);

    const missing = await visit("/nowhere.html");
    assert.deepEqual([missing.status, missing.body], [404, "<h1>oops</h1>"]);
    const posted = await visit("/", SITE, "POST");
    assert.equal(posted.status, 405);
    assert.match(posted.body, /<li>Code: MethodNotAllowed<\/li>\n<li>Message: The specified method is not allowed against this resource.<\/li>\n<li>Method: POST<\/li>/);
  });

  it("words the folder redirect and a served error document as S3 does, the error named in headers (AWS captures)", async () => {
    // A real website endpoint: '302 Moved Temporarily', x-amz-error-code Found, x-amz-error-message Resource Found, Location /posts/.../.
    const folder = await visit("/docs");
    assert.deepEqual(
      [folder.status, folder.headers.location, folder.headers["x-amz-error-code"], folder.headers["x-amz-error-message"]],
      [302, "/docs/", "Found", "Resource Found"],
    );
    assert.match(folder.body, /^<html>\n<head><title>302 Moved Temporarily<\/title><\/head>\n<body>\n<h1>302 Moved Temporarily<\/h1>\n<ul>\n<li>Code: Found<\/li>\n<li>Message: Resource Found<\/li>\n<li>RequestId: /);
    const peeked = await visit("/docs", SITE, "HEAD");
    assert.deepEqual([peeked.status, peeked.headers.location, peeked.headers["x-amz-error-code"], peeked.body], [302, "/docs/", "Found", ""]);
    // A served error document keeps the error's code in headers (an SPA's 404 with its index.html as error document).
    const missing = await visit("/nowhere.html");
    assert.deepEqual(
      [missing.status, missing.body, missing.headers["x-amz-error-code"], missing.headers["x-amz-error-message"], missing.headers["x-amz-error-detail-key"]],
      [404, "<h1>oops</h1>", "NoSuchKey", "The specified key does not exist.", "nowhere.html"],
    );
  });

  it("adds the bucket's CORS headers to pages read from an allowed origin, as CloudServer's websiteGet does", async () => {
    await s3.send(new PutBucketCorsCommand({ Bucket: SITE, CORSConfiguration: { CORSRules: [{ AllowedOrigins: ["http://*.example.com"], AllowedMethods: ["GET"], ExposeHeaders: ["ETag"] }] } }));
    const port = new URL(t.cloud.endpoint).port;
    const read = (path: string, origin: string) =>
      rawRequest(t.cloud.endpoint, { method: "GET", path, anonymous: true, headers: { host: `${SITE}.s3-website.localhost:${port}`, origin } });
    const page = await read("/", "http://app.example.com");
    assert.deepEqual(
      [page.status, page.headers["access-control-allow-origin"], page.headers["access-control-allow-methods"], page.headers["access-control-expose-headers"]],
      [200, "http://app.example.com", "GET", "ETag"],
    );
    // Errors too, as on the REST endpoint.
    const missing = await read("/nowhere.html", "http://app.example.com");
    assert.deepEqual([missing.status, missing.headers["access-control-allow-origin"]], [404, "http://app.example.com"]);
    const stranger = await read("/", "http://other.test");
    assert.deepEqual([stranger.status, stranger.headers["access-control-allow-origin"]], [200, undefined]);
  });

  it("denies every request to a Requester Pays bucket, as the website endpoint does (WebsiteEndpoints.html)", async () => {
    await s3.send(new PutBucketRequestPaymentCommand({ Bucket: SITE, RequestPaymentConfiguration: { Payer: "Requester" } }));
    try {
      const page = await visit("/");
      assert.equal(page.status, 403);
      assert.match(page.body, /<li>Code: AccessDenied<\/li>\n<li>Message: Access Denied<\/li>/);
      assert.equal((await visit("/docs")).status, 403);
    } finally {
      await s3.send(new PutBucketRequestPaymentCommand({ Bucket: SITE, RequestPaymentConfiguration: { Payer: "BucketOwner" } }));
    }
    assert.equal((await visit("/")).status, 200);
  });

  it("sends a page's stored Expires and Content-Language, and takes ranges, as GetObject does", async () => {
    const Expires = new Date("2030-01-01T00:00:00Z");
    await s3.send(new PutObjectCommand({ Bucket: SITE, Key: "cached.html", Body: "<p>hi</p>", ContentType: "text/html", ContentLanguage: "fr", Expires, CacheControl: "max-age=60" }));
    const page = await visit("/cached.html");
    assert.deepEqual(
      [page.status, page.headers.expires, page.headers["content-language"], page.headers["cache-control"], page.headers["accept-ranges"]],
      [200, Expires.toUTCString(), "fr", "max-age=60", "bytes"],
    );
  });

  it("tells a failed precondition as an error, the error document included, as CloudServer's and other S3 emulators' websites do", async () => {
    const port = new URL(t.cloud.endpoint).port;
    const read = (headers: Record<string, string>) =>
      rawRequest(t.cloud.endpoint, { method: "GET", path: "/index.html", anonymous: true, headers: { host: `${SITE}.s3-website.localhost:${port}`, ...headers } });
    const failed = await read({ "if-match": '"nope"' });
    assert.deepEqual(
      [failed.status, failed.body, failed.headers["x-amz-error-code"], failed.headers["x-amz-error-detail-condition"]],
      [412, "<h1>oops</h1>", "PreconditionFailed", "If-Match"],
    );
    const etag = String((await read({})).headers.etag);
    const unchanged = await read({ "if-none-match": etag });
    assert.deepEqual([unchanged.status, unchanged.body, unchanged.headers.etag], [304, "", etag]);
  });

  it("sends metadata no header could carry as written, RFC 2047-encoded", async () => {
    const { url, fields } = await createPresignedPost(s3, { Bucket: SITE, Key: "note.txt", Fields: { "x-amz-meta-note": "日本" }, Expires: 300 });
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    form.append("file", new Blob(["hello"]), "note.txt");
    assert.equal((await fetch(url, { method: "POST", body: form })).status, 204);
    const page = await visit("/note.txt");
    assert.deepEqual([page.status, page.body, page.headers["x-amz-meta-note"]], [200, "hello", `=?UTF-8?B?${Buffer.from("日本").toString("base64")}?=`]);
  });

  it("serves no archived page, as GetObject reads none before its restore", async () => {
    await s3.send(new PutObjectCommand({ Bucket: SITE, Key: "archived.html", Body: "<h1>old</h1>", ContentType: "text/html", StorageClass: "GLACIER" }));
    // The site's error document answers, with the error's status.
    const page = await visit("/archived.html");
    assert.deepEqual([page.status, page.body], [403, "<h1>oops</h1>"]);
  });

  it("serves nothing of a public policy while RestrictPublicBuckets is on", async () => {
    const only = (RestrictPublicBuckets: boolean) =>
      s3.send(
        new PutPublicAccessBlockCommand({
          Bucket: SITE,
          PublicAccessBlockConfiguration: { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets },
        }),
      );
    await only(true);
    assert.equal((await visit("/")).status, 403);
    const anonymous = await rawRequest(t.cloud.endpoint, { method: "GET", path: `/${SITE}/index.html`, anonymous: true });
    assert.equal(anonymous.status, 403);
    await only(false);
    assert.equal((await visit("/")).status, 200);
  });

  it("serves a bucket made public by ACLs, telling missing pages as missing (LocalStack's AWS-recorded test_website_hosting_404)", async () => {
    const Bucket = "acl-site";
    await s3.send(new CreateBucketCommand({ Bucket, ObjectOwnership: "ObjectWriter" }));
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket }));
    await s3.send(new PutBucketAclCommand({ Bucket, ACL: "public-read" }));
    await s3.send(new PutBucketWebsiteCommand({ Bucket, WebsiteConfiguration: { IndexDocument: { Suffix: "index.html" }, ErrorDocument: { Key: "error.html" } } }));
    await s3.send(new PutObjectCommand({ Bucket, Key: "docs/index.html", Body: "<h1>docs</h1>", ACL: "public-read" }));
    const missing = await visit("/", Bucket);
    assert.equal(missing.status, 404);
    assert.match(missing.body, /<li>Code: NoSuchKey<\/li>\n<li>Message: The specified key does not exist.<\/li>\n<li>Key: index.html<\/li>/);
    assert.match(missing.body, /<li>Code: NoSuchKey<\/li>\n<li>Message: The specified key does not exist.<\/li>\n<li>Key: error.html<\/li>/);
    const folder = await visit("/docs", Bucket);
    assert.deepEqual([folder.status, folder.headers.location], [302, "/docs/"]);
    await s3.send(new PutObjectCommand({ Bucket, Key: "error.html", Body: "<h1>oops</h1>", ACL: "public-read" }));
    const documented = await visit("/nowhere.html", Bucket);
    assert.deepEqual([documented.status, documented.body], [404, "<h1>oops</h1>"]);
  });

  it("answers S3's HTML pages for what it cannot serve", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "private-site" }));
    await s3.send(new PutBucketWebsiteCommand({ Bucket: "private-site", WebsiteConfiguration: { IndexDocument: { Suffix: "index.html" } } }));
    await s3.send(new PutObjectCommand({ Bucket: "private-site", Key: "index.html", Body: "secret" }));
    const denied = await visit("/", "private-site");
    assert.equal(denied.status, 403);
    assert.match(denied.body, /^<html>\n<head><title>403 Forbidden<\/title><\/head>\n<body>\n<h1>403 Forbidden<\/h1>\n<ul>\n<li>Code: AccessDenied<\/li>\n<li>Message: Access Denied<\/li>\n/);

    const noBucket = await visit("/", "no-such-site");
    assert.equal(noBucket.status, 404);
    assert.match(noBucket.body, /<li>Code: NoSuchBucket<\/li>\n<li>Message: The specified bucket does not exist<\/li>\n<li>BucketName: no-such-site<\/li>/);

    await s3.send(new DeleteBucketWebsiteCommand({ Bucket: "private-site" }));
    const unconfigured = await visit("/", "private-site");
    assert.equal(unconfigured.status, 404);
    assert.match(unconfigured.body, /<li>Code: NoSuchWebsiteConfiguration<\/li>/);

    const beyond = await rawRequest(t.cloud.endpoint, {
      method: "GET",
      path: "/index.html",
      anonymous: true,
      headers: { host: `${SITE}.s3-website.localhost:${new URL(t.cloud.endpoint).port}`, range: "bytes=100-200" },
    });
    assert.equal(beyond.status, 416);
    assert.match(beyond.body, /<title>416 Requested Range Not Satisfiable<\/title>[\s\S]*<li>Code: InvalidRange<\/li>\n<li>Message: The requested range is not satisfiable<\/li>\n<li>RangeRequested: bytes=100-200<\/li>\n<li>ActualObjectSize: 13<\/li>/);
  });
});
