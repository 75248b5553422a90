/**
 * Authentication against published vectors (the AWS SigV4 streaming and
 * SigV2 examples) and signatures made by the SDK's own signer.
 */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { Readable } from "node:stream";
import { describe, it } from "node:test";
import { SignatureV4 } from "@smithy/signature-v4";
import { authenticate, CredentialRegistry, createDefaultCredentials, rootPrincipal } from "../../src/auth/index.js";
import type { AuthOptions, AuthRequest } from "../../src/auth/types.js";
import type { AwsError } from "../../src/server/errors.js";
import { NodeSha256 } from "../support/raw.js";
import { HeldBody, readBody, type RequestBody } from "../../src/protocols/shared/body.js";

const EXAMPLE_KEY = "AKIAIOSFODNN7EXAMPLE";
const EXAMPLE_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

function registry(): CredentialRegistry {
  const r = createDefaultCredentials();
  r.add(EXAMPLE_KEY, { secretAccessKey: EXAMPLE_SECRET, principal: rootPrincipal("123456789012", EXAMPLE_KEY), active: true });
  return r;
}

function options(overrides: Partial<AuthOptions> = {}): AuthOptions {
  return { mode: "lenient", dialect: "s3", credentials: registry(), now: () => Date.now(), allowAnonymous: true, allowV2: true, ...overrides };
}

/** `authenticate` answers at once when it can; its failures always come as a rejection. */
async function rejectsCode(promise: unknown, code: string, status: number): Promise<AwsError> {
  let refusal: AwsError | undefined;
  await assert.rejects(promise as Promise<unknown>, (e: AwsError) => {
    assert.equal(`${e.code} ${e.status}`, `${code} ${status}`);
    refusal = e;
    return true;
  });
  return refusal!;
}

/** The payload as an operation reads it (a held one runs the check it owes). */
async function drain(body: RequestBody): Promise<Buffer> {
  return readBody(body);
}

/** The AWS documentation's STREAMING-AWS4-HMAC-SHA256-PAYLOAD example: 65 KiB of 'a' in two chunks. */
function streamingExample(tamper = false): AuthRequest {
  const chunk = (data: Buffer, signature: string) => Buffer.concat([Buffer.from(`${data.length.toString(16)};chunk-signature=${signature}\r\n`), data, Buffer.from("\r\n")]);
  const body = Buffer.concat([
    chunk(Buffer.alloc(65536, tamper ? "b" : "a"), "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648"),
    chunk(Buffer.alloc(1024, "a"), "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497"),
    chunk(Buffer.alloc(0), "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"),
  ]);
  return {
    method: "PUT",
    path: "/examplebucket/chunkObject.txt",
    rawQuery: "",
    headers: {
      host: "s3.amazonaws.com",
      "x-amz-date": "20130524T000000Z",
      "x-amz-storage-class": "REDUCED_REDUNDANCY",
      authorization:
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9",
      "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
      "content-encoding": "aws-chunked",
      "x-amz-decoded-content-length": "66560",
      "content-length": String(body.length),
    },
    body: Readable.from([body.subarray(0, 1000), body.subarray(1000, 65600), body.subarray(65600)]),
  };
}

const at20130524 = () => Date.UTC(2013, 4, 24);

describe("SigV4 streaming (AWS example)", () => {
  it("verifies the seed and every chunk signature, and strips the framing", async () => {
    const result = await authenticate(streamingExample(), options({ now: at20130524 }));
    assert.equal(result.principal.accountId, "123456789012");
    assert.equal(result.contentLength, 66560);
    const body = await drain(result.body);
    assert.equal(body.length, 66560);
    assert.ok(body.every((b) => b === 0x61));
  });

  it("fails the body stream when a chunk was tampered with", async () => {
    const result = await authenticate(streamingExample(true), options({ now: at20130524 }));
    await rejectsCode(drain(result.body), "SignatureDoesNotMatch", 403);
  });

  it("refuses a request 15 minutes away from now", async () => {
    await rejectsCode(authenticate(streamingExample(), options({ now: () => at20130524() + 16 * 60_000 })), "RequestTimeTooSkewed", 403);
  });
});

describe("unsigned aws-chunked with trailing checksum", () => {
  it("passes the payload and collects the trailers before the end", async () => {
    const body = "5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n";
    const signed = await sign({ method: "PUT", path: "/b/k", headers: { "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "content-encoding": "aws-chunked", "x-amz-decoded-content-length": "11", "x-amz-trailer": "x-amz-checksum-crc32" } });
    const result = await authenticate({ ...signed, body: Readable.from([Buffer.from(body)]) }, options());
    assert.equal((await drain(result.body)).toString(), "hello world");
    assert.equal(result.trailers.get("x-amz-checksum-crc32"), "DUoRhQ==");
  });

  it("reports a body cut short as IncompleteBody", async () => {
    const signed = await sign({ method: "PUT", path: "/b/k", headers: { "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "content-encoding": "aws-chunked", "x-amz-decoded-content-length": "11" } });
    const result = await authenticate({ ...signed, body: Readable.from([Buffer.from("5\r\nhel")]) }, options());
    await rejectsCode(drain(result.body), "IncompleteBody", 400);
  });
});

interface Unsigned {
  method: string;
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
}

async function sign(r: Unsigned, config: { service?: string; region?: string; key?: string; secret?: string; presign?: number; date?: Date } = {}): Promise<AuthRequest> {
  const signer = new SignatureV4({
    service: config.service ?? "s3",
    region: config.region ?? "us-east-1",
    credentials: { accessKeyId: config.key ?? "test", secretAccessKey: config.secret ?? "test" },
    sha256: NodeSha256,
    uriEscapePath: (config.service ?? "s3") !== "s3",
  });
  // As on the wire: a body comes with its length.
  const length: Record<string, string> = r.body ? { "content-length": String(Buffer.byteLength(r.body)) } : {};
  const request = { method: r.method, protocol: "http:", hostname: "localhost", path: r.path, query: r.query ?? {}, headers: { host: "localhost:4566", ...length, ...(r.headers ?? {}) }, body: r.body };
  const signed = config.presign ? await signer.presign(request, { expiresIn: config.presign, signingDate: config.date }) : await signer.sign(request, { signingDate: config.date });
  const rawQuery = Object.entries(signed.query ?? {}).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join("&");
  const headers = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method: r.method, path: r.path, rawQuery, headers, body: Readable.from(r.body ? [Buffer.from(r.body)] : []) };
}

describe("SigV4 headers and presigned URLs", () => {
  it("accepts the SDK's header signature with a signed payload hash, and checks the body against it", async () => {
    const req = await sign({ method: "PUT", path: "/b/k", body: "data", headers: { "x-amz-content-sha256": "3a6eb0790f39ac87c94f3856b2dd2c5d110e6811602261a9a923d3bb23adc8b7" } });
    const result = await authenticate(req, options());
    assert.equal(result.method, "v4-header");
    assert.equal(result.region, "us-east-1");
    assert.equal((await drain(result.body)).toString(), "data");

    // A small body is read whole, a large one streams; either is refused when the operation reads it.
    const lying = await sign({ method: "PUT", path: "/b/k", body: "data", headers: { "x-amz-content-sha256": "0".repeat(64) } });
    const held = await authenticate(lying, options());
    assert.ok(held.body instanceof HeldBody, "a small body is read up front");
    await rejectsCode(drain(held.body), "XAmzContentSHA256Mismatch", 400);
    const large = "x".repeat(100 * 1024);
    const lyingLarge = await sign({ method: "PUT", path: "/b/k", body: large, headers: { "x-amz-content-sha256": "0".repeat(64) } });
    const streamed = await authenticate(lyingLarge, options());
    assert.ok(!(streamed.body instanceof HeldBody), "a large body is not read up front");
    await rejectsCode(drain(streamed.body), "XAmzContentSHA256Mismatch", 400);
    const bodiless = await sign({ method: "GET", path: "/b/k", headers: { "x-amz-content-sha256": "0".repeat(64) } });
    await rejectsCode(authenticate(bodiless, options()), "XAmzContentSHA256Mismatch", 400);
  });

  it("refuses a known key with the wrong secret, in each dialect's words", async () => {
    const req = () => sign({ method: "GET", path: "/", headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } }, { secret: "wrong" });
    await rejectsCode(authenticate(await req(), options()), "SignatureDoesNotMatch", 403);
    const json = await sign({ method: "POST", path: "/", body: "{}" }, { service: "dynamodb", secret: "wrong" });
    await rejectsCode(authenticate(json, options({ dialect: "json" })), "InvalidSignatureException", 400);
    const query = await sign({ method: "POST", path: "/", body: "Action=GetCallerIdentity" }, { service: "sts", secret: "wrong" });
    await rejectsCode(authenticate(query, options({ dialect: "query" })), "SignatureDoesNotMatch", 403);
  });

  it("tells a JSON or query client its signature expired, or is not yet current, in AWS's words", async () => {
    const json = await sign({ method: "POST", path: "/", body: "{}" }, { service: "dynamodb" });
    const signedAt = Date.parse(String(json.headers["x-amz-date"]).replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z"));
    const compact = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z").replace(/[-:]/g, "");
    const late = signedAt + 20 * 60_000;
    const expired = await rejectsCode(authenticate(json, options({ dialect: "json", now: () => late })), "InvalidSignatureException", 400);
    assert.equal(expired.message, `Signature expired: ${compact(signedAt)} is now earlier than ${compact(late - 15 * 60_000)} (${compact(late)} - 15 min.)`);
    const early = signedAt - 20 * 60_000;
    const query = await sign({ method: "POST", path: "/", body: "Action=GetCallerIdentity" }, { service: "sts" });
    const future = await rejectsCode(authenticate(query, options({ dialect: "query", now: () => early })), "SignatureDoesNotMatch", 403);
    assert.equal(future.message, `Signature not yet current: ${compact(signedAt)} is still later than ${compact(early + 15 * 60_000)} (${compact(early)} + 15 min.)`);
  });

  it("refuses a JSON request from another time for its time, before the form of its Authorization header", async () => {
    // ScyllaDB's AWS-verified test_expired_signature: a malformed credential scope, fields without commas.
    const stale: AuthRequest = {
      method: "POST",
      path: "/",
      rawQuery: "",
      headers: { "x-amz-date": "20170101T010101Z", authorization: "AWS4-HMAC-SHA256 Credential=cassandra/2/3/4/aws4_request SignedHeaders=x-amz-date;host Signature=123" },
      body: Readable.from([]),
    };
    const refused = await rejectsCode(authenticate(stale, options({ dialect: "json" })), "InvalidSignatureException", 400);
    assert.match(refused.message, /^Signature expired: 20170101T010101Z is now earlier than /);
    const current = { ...stale, headers: { ...stale.headers, "x-amz-date": new Date().toISOString().replace(/[-:]|\.\d{3}/g, "") } };
    await rejectsCode(authenticate(current, options({ dialect: "json" })), "IncompleteSignatureException", 400);
  });

  it("treats unknown keys by mode: lenient roots, strict refusals", async () => {
    const req = () => sign({ method: "GET", path: "/", headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } }, { key: "210987654321", secret: "anything" });
    assert.equal((await authenticate(await req(), options())).principal.arn, "arn:aws:iam::210987654321:root");
    const other = await sign({ method: "GET", path: "/", headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } }, { key: "AKIAWHATEVER", secret: "x" });
    assert.equal((await authenticate(other, options())).principal.accountId, "000000000000");
    await rejectsCode(authenticate(await req(), options({ mode: "strict" })), "InvalidAccessKeyId", 403);
    const json = await sign({ method: "POST", path: "/", body: "{}" }, { service: "dynamodb", key: "nobody" });
    await rejectsCode(authenticate(json, options({ mode: "strict", dialect: "json" })), "UnrecognizedClientException", 400);
    const query = await sign({ method: "POST", path: "/", body: "Action=GetCallerIdentity" }, { service: "sts", key: "nobody" });
    await rejectsCode(authenticate(query, options({ mode: "strict", dialect: "query" })), "InvalidClientTokenId", 403);
  });

  it("requires the session token of temporary keys, and refuses them once expired", async () => {
    const credentials = registry();
    const principal = { type: "assumed-role" as const, accountId: "123456789012", arn: "arn:aws:sts::123456789012:assumed-role/r/s", userId: "AROAX:s" };
    const now = Date.now();
    credentials.add("ASIATEMPORARY", { secretAccessKey: "temp-secret", principal, sessionToken: "the-token", expiresAt: now + 60_000, active: true });
    const signed = (token?: string) =>
      sign({ method: "POST", path: "/", body: "Action=GetCallerIdentity", headers: token ? { "x-amz-security-token": token } : {} }, { service: "sts", key: "ASIATEMPORARY", secret: "temp-secret" });
    const query = (at: number) => options({ dialect: "query", credentials, now: () => at });
    assert.equal((await authenticate(await signed("the-token"), query(now))).principal.arn, principal.arn);
    await rejectsCode(authenticate(await signed(), query(now)), "InvalidClientTokenId", 403);
    await rejectsCode(authenticate(await signed("other-token"), query(now)), "InvalidClientTokenId", 403);
    await rejectsCode(authenticate(await signed("the-token"), query(now + 61_000)), "ExpiredToken", 403);
  });

  it("answers temporary keys sent without their token as unknown keys, in S3's words too", async () => {
    const credentials = registry();
    const principal = { type: "assumed-role" as const, accountId: "123456789012", arn: "arn:aws:sts::123456789012:assumed-role/r/s", userId: "AROAX:s" };
    credentials.add("ASIATEMPORARY", { secretAccessKey: "temp-secret", principal, sessionToken: "the-token", active: true });
    const get = (token?: string) =>
      sign({ method: "GET", path: "/b/k", headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD", ...(token ? { "x-amz-security-token": token } : {}) } }, { key: "ASIATEMPORARY", secret: "temp-secret" });
    const unknown = await rejectsCode(authenticate(await get(), options({ credentials })), "InvalidAccessKeyId", 403);
    assert.deepEqual(unknown.fields, { AWSAccessKeyId: "ASIATEMPORARY" });
    const presigned = await sign({ method: "GET", path: "/b/k", headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } }, { key: "ASIATEMPORARY", secret: "temp-secret", presign: 60 });
    await rejectsCode(authenticate(presigned, options({ credentials })), "InvalidAccessKeyId", 403);
    // A token, but not the key's, is an invalid one.
    await rejectsCode(authenticate(await get("other-token"), options({ credentials })), "InvalidToken", 400);
  });

  it("accepts an empty region in the credential scope (botocore's global services)", async () => {
    const req = await sign({ method: "POST", path: "/", body: "Action=ListUsers&Version=2010-05-08", headers: { "content-type": "application/x-www-form-urlencoded" } }, { service: "iam", region: "" });
    assert.match(String(req.headers.authorization), /Credential=test\/\d{8}\/\/iam\/aws4_request/);
    const result = await authenticate(req, options({ dialect: "query", allowAnonymous: false, allowV2: false }));
    assert.equal(result.service, "iam");
    assert.equal(result.region, "");
    assert.equal((await drain(result.body)).toString(), "Action=ListUsers&Version=2010-05-08");
  });

  it("double-encodes paths for services other than S3", async () => {
    const req = await sign({ method: "GET", path: "/2015-03-31/functions/my%3Afn" }, { service: "lambda" });
    const result = await authenticate(req, options({ dialect: "json" }));
    assert.equal(result.service, "lambda");
  });

  it("honours X-Amz-Expires on presigned URLs", async () => {
    // As the S3 presigner does: the payload is UNSIGNED-PAYLOAD.
    const presigned = () => sign({ method: "GET", path: "/b/k", headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } }, { presign: 60 });
    const req = await presigned();
    assert.equal((await authenticate(req, options())).method, "v4-query");
    const late = await presigned();
    await rejectsCode(authenticate(late, options({ now: () => Date.now() + 61_000 })), "AccessDenied", 403);
    const tampered = await presigned();
    tampered.path = "/b/other";
    await rejectsCode(authenticate(tampered, options()), "SignatureDoesNotMatch", 403);
  });

  it("refuses an X-Amz-Expires that is not a number, negative, or over a week, with S3's messages", async () => {
    const cases = [
      ["soon", "X-Amz-Expires should be a number"],
      ["-7", "X-Amz-Expires must be non-negative"],
      ["604801", "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds"],
    ];
    for (const [expires, message] of cases) {
      const req = await sign({ method: "GET", path: "/b/k", headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } }, { presign: 60 });
      req.rawQuery = req.rawQuery.replace("X-Amz-Expires=60", `X-Amz-Expires=${expires}`);
      await assert.rejects(authenticate(req, options()) as Promise<unknown>, (e: AwsError) => {
        assert.equal(`${e.code} ${e.status} ${e.message}`, `AuthorizationQueryParametersError 400 ${message}`);
        return true;
      });
    }
    const week = await sign({ method: "GET", path: "/b/k", headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } }, { presign: 604800 });
    assert.equal((await authenticate(week, options())).method, "v4-query");
  });

  it("lets unsigned requests through only where anonymous access exists", async () => {
    const req: AuthRequest = { method: "GET", path: "/b/k", rawQuery: "", headers: {}, body: Readable.from([]) };
    assert.equal((await authenticate(req, options())).principal.type, "anonymous");
    await rejectsCode(authenticate(req, options({ dialect: "json", allowAnonymous: false })), "MissingAuthenticationTokenException", 400);
    await rejectsCode(authenticate(req, options({ dialect: "query", allowAnonymous: false })), "MissingAuthenticationToken", 403);
  });
});

describe("Authorization headers AWS refuses before any signature", () => {
  /** The refusal, for its code, status, message and fields. */
  async function refusal(req: AuthRequest, overrides: Partial<AuthOptions> = {}): Promise<AwsError> {
    let caught: AwsError | undefined;
    await assert.rejects(Promise.resolve().then(() => authenticate(req, options(overrides))), (e: AwsError) => ((caught = e), true));
    return caught!;
  }
  const s3Get = () => sign({ method: "GET", path: "/b/k", headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } });
  const ddbPost = () => sign({ method: "POST", path: "/", body: "{}" }, { service: "dynamodb" });

  it("names an Authorization header of another scheme: S3 as an invalid argument, the JSON and query services by what it lacks", async () => {
    const bearer = await s3Get();
    bearer.headers.authorization = "Bearer abc";
    const s3 = await refusal(bearer);
    assert.deepEqual([s3.code, s3.status, s3.message, s3.fields], ["InvalidArgument", 400, "Unsupported Authorization Type", { ArgumentName: "Authorization", ArgumentValue: "Bearer abc" }]);
    const misspelt = await s3Get();
    misspelt.headers.authorization = String(misspelt.headers.authorization).replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA25");
    assert.equal((await refusal(misspelt)).message, "Unsupported Authorization Type");
    const json = await ddbPost();
    json.headers.authorization = "Basic U1Q6";
    const coral = await refusal(json, { dialect: "json" });
    assert.deepEqual(
      [coral.code, coral.status, coral.message],
      [
        "IncompleteSignatureException",
        400,
        "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=Basic U1Q6",
      ],
    );
  });

  it("says which parts a SigV4 Authorization header lacks, or that it has no date, in each dialect's words", async () => {
    const s3 = await s3Get();
    s3.headers.authorization = String(s3.headers.authorization).replace(/SignedHeaders=[^,]*, /, "");
    const malformed = await refusal(s3);
    assert.deepEqual(
      [malformed.code, malformed.status, malformed.message],
      ["AuthorizationHeaderMalformed", 400, "The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature."],
    );
    const undated = await s3Get();
    delete undated.headers["x-amz-date"];
    const denied = await refusal(undated);
    assert.deepEqual([denied.code, denied.status, denied.message], ["AccessDenied", 403, "AWS authentication requires a valid Date or x-amz-date header"]);
    const json = await ddbPost();
    delete json.headers["x-amz-date"];
    const authorization = String(json.headers.authorization).replace(/, Signature=.*/, "");
    json.headers.authorization = authorization;
    assert.equal(
      (await refusal(json, { dialect: "json" })).message,
      `Authorization header requires 'Signature' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${authorization}`,
    );
  });

  it("refuses an X-Amz-Date it cannot read: S3 as no valid date (a presigned URL's as a bad parameter), the JSON and query services quoting it", async () => {
    const s3 = await s3Get();
    s3.headers["x-amz-date"] = "2026-11-30T09:00:00Z";
    const denied = await refusal(s3);
    assert.deepEqual([denied.code, denied.status, denied.message], ["AccessDenied", 403, "AWS authentication requires a valid Date or x-amz-date header"]);
    // ceph s3-tests' test_object_create_bad_amz_date_before_epoch_aws4: not a skewed date, no date at all.
    s3.headers["x-amz-date"] = "19500707T215304Z";
    assert.equal((await refusal(s3)).code, "AccessDenied");
    const presigned = await sign({ method: "GET", path: "/b/k", headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } }, { presign: 60 });
    presigned.rawQuery = presigned.rawQuery.replace(/X-Amz-Date=[^&]*/, "X-Amz-Date=yesterday");
    const query = await refusal(presigned);
    assert.deepEqual([query.code, query.status, query.message], ["AuthorizationQueryParametersError", 400, "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\""]);
    const json = await ddbPost();
    json.headers["x-amz-date"] = "Sun, 23 Nov 2014 04:07:43 GMT";
    const coral = await refusal(json, { dialect: "json" });
    assert.deepEqual(
      [coral.code, coral.status, coral.message],
      ["IncompleteSignatureException", 400, "Date must be in ISO-8601 'basic format'. Got 'Sun, 23 Nov 2014 04:07:43 GMT'. See http://en.wikipedia.org/wiki/ISO_8601"],
    );
  });

  it("refuses a credential scope of another day than X-Amz-Date (S3), however well signed", async () => {
    const signedAt = new Date(Date.UTC(2026, 10, 29, 23, 59, 50));
    const req = await sign({ method: "GET", path: "/b/k", headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } }, { key: "AKIAUNKNOWNKEY", date: signedAt });
    req.headers["x-amz-date"] = "20261130T000005Z";
    const malformed = await refusal(req, { now: () => signedAt.getTime() + 15_000 });
    assert.deepEqual(
      [malformed.code, malformed.status, malformed.message],
      ["AuthorizationHeaderMalformed", 400, "The authorization header is malformed; Invalid credential date. Date is not the same as X-Amz-Date."],
    );
  });

  it("requires host among the signed headers", async () => {
    const s3 = await sign({ method: "GET", path: "/b/k", headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } }, { key: "AKIAUNKNOWNKEY" });
    s3.headers.authorization = String(s3.headers.authorization).replace("SignedHeaders=host;", "SignedHeaders=");
    const denied = await refusal(s3);
    assert.deepEqual([denied.code, denied.status, denied.message, denied.fields], ["AccessDenied", 403, "There were headers present in the request which were not signed", { HeadersNotSigned: "host" }]);
    const query = await sign({ method: "POST", path: "/", body: "Action=GetCallerIdentity" }, { service: "sts", key: "AKIAUNKNOWNKEY" });
    query.headers.authorization = String(query.headers.authorization).replace(";host;", ";");
    const incomplete = await refusal(query, { dialect: "query" });
    assert.deepEqual([incomplete.code, incomplete.status, incomplete.message], ["IncompleteSignature", 400, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."]);
  });

  it("refuses an S3 request signed both in its Authorization header and in its query", async () => {
    const presigned = await sign({ method: "GET", path: "/b/k", headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } }, { presign: 60 });
    const header = await s3Get();
    const both = { ...header, rawQuery: presigned.rawQuery };
    const invalid = await refusal(both);
    assert.deepEqual(
      [invalid.code, invalid.status, invalid.message, invalid.fields],
      [
        "InvalidArgument",
        400,
        "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified",
        { ArgumentName: "Authorization", ArgumentValue: header.headers.authorization },
      ],
    );
    const v2 = { ...header, rawQuery: "AWSAccessKeyId=test&Expires=9999999999&Signature=abc" };
    assert.equal((await refusal(v2)).code, "InvalidArgument");
    // A query that merely mentions a signature is no second mechanism.
    const listing = await sign({ method: "GET", path: "/b", query: { prefix: "Signature=" }, headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } });
    assert.equal((await authenticate(listing, options())).method, "v4-header");
  });
});

describe("SigV2 (S3)", () => {
  it("verifies the AWS documentation's example (GET /photos/puppy.jpg)", async () => {
    const date = "Tue, 27 Mar 2007 19:36:42 +0000";
    const req: AuthRequest = {
      method: "GET",
      path: "/photos/puppy.jpg",
      rawQuery: "",
      headers: { host: "johnsmith.s3.amazonaws.com", date, authorization: "AWS AKIAIOSFODNN7EXAMPLE:bWq2s1WEIj+Ydj0vQ697zp+IXMU=" },
      body: Readable.from([]),
      virtualHostBucket: "johnsmith",
    };
    const result = await authenticate(req, options({ now: () => Date.parse(date) }));
    assert.equal(result.method, "v2-header");
    assert.equal(result.principal.accountId, "123456789012");
    await rejectsCode(authenticate({ ...req, path: "/photos/kitten.jpg" }, options({ now: () => Date.parse(date) })), "SignatureDoesNotMatch", 403);
  });

  it("takes a bucket's own path signed with or without its trailing slash, as botocore signs `/bucket/?policy`", async () => {
    const date = new Date().toUTCString();
    const signed = (resource: string) => {
      const signature = createHmac("sha1", "test").update(`PUT\n\n\n${date}\n${resource}`).digest("base64");
      return { method: "PUT", path: "/photos", rawQuery: "policy", headers: { date, authorization: `AWS test:${signature}` }, body: Readable.from([]) } as AuthRequest;
    };
    assert.equal((await authenticate(signed("/photos?policy"), options())).method, "v2-header");
    assert.equal((await authenticate(signed("/photos/?policy"), options())).method, "v2-header");
    await rejectsCode(authenticate(signed("/photos//?policy"), options()), "SignatureDoesNotMatch", 403);
    await rejectsCode(authenticate({ ...signed("/photos/?policy"), path: "/photos/x" }, options()), "SignatureDoesNotMatch", 403);
  });

  it("refuses an expired query signature", async () => {
    const req: AuthRequest = { method: "GET", path: "/b/k", rawQuery: "AWSAccessKeyId=test&Expires=1000&Signature=abc", headers: {}, body: Readable.from([]) };
    await rejectsCode(authenticate(req, options()), "AccessDenied", 403);
  });

  it("is not accepted where SigV2 is not", async () => {
    const req: AuthRequest = { method: "GET", path: "/", rawQuery: "", headers: { authorization: "AWS test:abc" }, body: Readable.from([]) };
    await rejectsCode(authenticate(req, options({ dialect: "json", allowV2: false })), "IncompleteSignatureException", 400);
  });
});

