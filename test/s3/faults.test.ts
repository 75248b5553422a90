import assert from "node:assert/strict";
import { request } from "node:http";
import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { CreateBucketCommand, CreateMultipartUploadCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { clientConfig, rejectsWith, spawnCloud, startCloud, tempDir, type TestCloud } from "../support/nimbus.js";
import { md5Base64, rawRequest, rawSocket, signRequest } from "../support/raw.js";

const BUCKET = "faults-bucket";

describe("S3 bad input", () => {
  let t: TestCloud;
  let s3: S3Client;
  before(async () => {
    t = await startCloud();
    s3 = t.s3();
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  });
  after(() => t.stop());

  it("refuses unsigned requests: no policy grants anonymous access", async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "private", Body: "secret" }));
    for (const [method, path] of [["GET", `/${BUCKET}/private`], ["PUT", "/anonymous-bucket"], ["GET", `/${BUCKET}`]] as const) {
      const res = await rawRequest(t.cloud.endpoint, { method, path, anonymous: true });
      assert.equal(res.status, 403, `${method} ${path}`);
      assert.match(res.body, /<Code>AccessDenied<\/Code><Message>Access Denied<\/Message>/);
    }
  });

  it("names unsupported operations in a 501", async () => {
    const res = await rawRequest(t.cloud.endpoint, { method: "GET", path: `/${BUCKET}/some-key`, query: { torrent: "" } });
    assert.equal(res.status, 501);
    assert.match(res.body, /<Code>NotImplemented<\/Code><Message>The GetObjectTorrent operation of s3 is not supported by Nimbus yet\.<\/Message>/);
  });

  it("survives a signed body whose framing node refuses (Transfer-Encoding other than chunked)", async () => {
    for (const encoding of ["gzip", ""]) {
      const signed = await signRequest(t.cloud.endpoint, {
        method: "PUT",
        path: `/${BUCKET}/badly-framed`,
        headers: { "transfer-encoding": encoding, "x-amz-content-sha256": "a".repeat(64) },
      });
      const head = Object.entries(signed.headers).map(([name, value]) => `${name}: ${value}\r\n`).join("");
      await rawSocket(t.cloud.endpoint, `PUT ${signed.path} HTTP/1.1\r\n${head}\r\nhello`, 1000);
    }
    const health = await fetch(`${t.cloud.endpoint}/_nimbus/health`);
    assert.equal(health.status, 200);
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "badly-framed" })), "NotFound", 404);
  });

  it("refuses any operation on a key over 1024 bytes, and lists past a marker of any length", async () => {
    const long = "k".repeat(10_000);
    await rejectsWith(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: long })), "KeyTooLongError", 400);
    // HEAD answers without a body: the SDK knows the error by its status alone.
    await assert.rejects(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: long })), (e: Error & { $metadata?: { httpStatusCode?: number } }) => e.$metadata?.httpStatusCode === 400);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, StartAfter: long }));
    assert.equal(listed.$metadata.httpStatusCode, 200);
    assert.ok((listed.Contents ?? []).every((o) => (o.Key ?? "") > long));
    const prefixed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: long }));
    assert.equal(prefixed.KeyCount, 0);
  });

  it("refuses an x-amz-content-sha256 that is neither a SHA-256 nor one of S3's keywords", async () => {
    const res = await rawRequest(t.cloud.endpoint, { method: "PUT", path: `/${BUCKET}/hashed`, headers: { "x-amz-content-sha256": "abc" }, body: "x" });
    assert.equal(res.status, 400);
    assert.match(res.body, /<Code>InvalidArgument<\/Code><Message>x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, .* or a valid sha256 value\.<\/Message><ArgumentName>x-amz-content-sha256<\/ArgumentName><ArgumentValue>abc<\/ArgumentValue>/);
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "hashed" })), "NotFound", 404);
  });

  it("finds no bucket, upload or copy source under a name too long to store, signed or not", async () => {
    const long = "a".repeat(8200);
    for (const anonymous of [true, false]) {
      const res = await rawRequest(t.cloud.endpoint, { method: "GET", path: `/${long}/obj`, anonymous });
      assert.equal(res.status, 404);
      assert.match(res.body, /<Code>NoSuchBucket<\/Code>/);
    }
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "source", Body: "x" }));
    const upload = await rawRequest(t.cloud.endpoint, { method: "GET", path: `/${BUCKET}/source`, query: { uploadId: long } });
    assert.equal(upload.status, 404);
    assert.match(upload.body, /<Code>NoSuchUpload<\/Code>/);
    const copy = await rawRequest(t.cloud.endpoint, { method: "PUT", path: `/${BUCKET}/copy`, headers: { "x-amz-copy-source": `${long}/source` } });
    assert.equal(copy.status, 404);
    assert.match(copy.body, /<Code>NoSuchBucket<\/Code>/);
  });

  it("answers a sub-resource its method does not serve with 405, and leaves the bucket and object alone", async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "stays", Body: "x" }));
    for (const [method, path, query] of [
      ["DELETE", `/${BUCKET}`, { acl: "" }],
      ["DELETE", `/${BUCKET}/stays`, { acl: "" }],
      ["PUT", `/${BUCKET}/stays`, { attributes: "" }],
    ] as const) {
      const res = await rawRequest(t.cloud.endpoint, { method, path, query });
      assert.equal(res.status, 405, `${method} ${path}`);
      assert.match(res.body, new RegExp(`<Code>MethodNotAllowed</Code><Message>The specified method is not allowed against this resource.</Message><Method>${method}</Method>`));
    }
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "stays" }))).ContentLength, 1);
  });

  it("answers a HEAD of the service root, which only GET (ListBuckets) reads, with 405 signed or not (curl --head https://s3.amazonaws.com/, minio/minio#5372)", async () => {
    for (const anonymous of [false, true]) {
      const res = await rawRequest(t.cloud.endpoint, { method: "HEAD", path: "/", anonymous });
      assert.equal(res.status, 405, anonymous ? "anonymous" : "signed");
      assert.equal(res.body, "");
    }
  });

  it("answers a path whose escapes are not UTF-8 with InvalidURI", async () => {
    const raw = await rawSocket(t.cloud.endpoint, `GET /${BUCKET}/%AE%8A- HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
    assert.match(raw, /^HTTP\/1\.1 400 /);
    assert.match(raw, new RegExp(`<Code>InvalidURI</Code><Message>Couldn(?:'|&apos;)t parse the specified URI.</Message><URI>/${BUCKET}/%AE%8A-</URI>`));
  });

  it("answers an empty body where a document is required with MissingRequestBodyError, and an object without a key with MalformedXML", async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "kept", Body: "x" }));
    for (const [method, path, query] of [
      ["POST", `/${BUCKET}`, { delete: "" }],
      ["PUT", `/${BUCKET}/kept`, { tagging: "" }],
      ["PUT", `/${BUCKET}`, { tagging: "" }],
    ] as const) {
      const res = await rawRequest(t.cloud.endpoint, { method, path, query, headers: { "content-md5": md5Base64("") } });
      assert.equal(res.status, 400, `${method} ${path}`);
      assert.match(res.body, /<Code>MissingRequestBodyError<\/Code><Message>Request Body is empty<\/Message>/);
    }
    const body = "<Delete><Object></Object></Delete>";
    const res = await rawRequest(t.cloud.endpoint, { method: "POST", path: `/${BUCKET}`, query: { delete: "" }, headers: { "content-md5": md5Base64(body) }, body });
    assert.equal(res.status, 400);
    assert.match(res.body, /<Code>MalformedXML<\/Code>/);
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "kept" }))).ContentLength, 1);
  });

  it("answers malformed XML with MalformedXML", async () => {
    const body = "<Delete><Object><Key>a</Key></Object";
    const res = await rawRequest(t.cloud.endpoint, { method: "POST", path: `/${BUCKET}`, query: { delete: "" }, headers: { "content-md5": md5Base64(body), "content-type": "application/xml" }, body });
    assert.equal(res.status, 400);
    assert.match(res.body, /<Code>MalformedXML<\/Code>/);
  });

  it("answers a PUT without a length with 411 MissingContentLength", async () => {
    const signed = await signRequest(t.cloud.endpoint, { method: "PUT", path: `/${BUCKET}/unsized`, headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } });
    const head = Object.entries(signed.headers).map(([name, value]) => `${name}: ${value}\r\n`).join("");
    const reply = await rawSocket(t.cloud.endpoint, `PUT ${signed.path} HTTP/1.1\r\n${head}Connection: close\r\n\r\n`);
    assert.match(reply, /^HTTP\/1\.1 411 /);
    assert.match(reply, /<Code>MissingContentLength<\/Code><Message>You must provide the Content-Length HTTP header\.<\/Message>/);
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "unsized" })), "NotFound", 404);
  });

  it("answers a plain body framed by Transfer-Encoding: chunked with 501 naming the header, as S3 does", async () => {
    const send = async (key: string, query: Record<string, string> = {}) => {
      const signed = await signRequest(t.cloud.endpoint, { method: "PUT", path: `/${BUCKET}/${key}`, query, headers: { "transfer-encoding": "chunked", "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } });
      const search = new URLSearchParams(signed.query as Record<string, string>).toString();
      return new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request({ host: signed.hostname, port: signed.port, method: "PUT", path: `${signed.path}${search ? `?${search}` : ""}`, headers: signed.headers }, (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (d: string) => (body += d));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on("error", reject);
        req.write("some bytes");
        req.end();
      });
    };
    const notImplemented = /<Code>NotImplemented<\/Code><Message>A header you provided implies functionality that is not implemented<\/Message><Header>Transfer-Encoding<\/Header>/;
    const put = await send("chunked");
    assert.equal(put.status, 501);
    assert.match(put.body, notImplemented);
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "chunked" })), "NotFound", 404);
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: "chunked-part" }));
    const part = await send("chunked-part", { partNumber: "1", uploadId: UploadId ?? "" });
    assert.equal(part.status, 501);
    assert.match(part.body, notImplemented);
  });

  it("takes an aws-chunked body framed by Transfer-Encoding: chunked, which names its length", async () => {
    const payload = "hello world";
    const chunks = `${payload.length.toString(16)}\r\n${payload}\r\n0\r\n\r\n`;
    const signed = await signRequest(t.cloud.endpoint, {
      method: "PUT",
      path: `/${BUCKET}/aws-chunked`,
      headers: { "transfer-encoding": "chunked", "content-encoding": "aws-chunked", "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "x-amz-decoded-content-length": String(payload.length) },
    });
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: signed.hostname, port: signed.port, method: "PUT", path: signed.path, headers: signed.headers }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end(chunks);
    });
    assert.equal(status, 200);
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "aws-chunked" }));
    assert.equal(await got.Body?.transformToString(), payload);
  });

  it("needs an aws-chunked body's decoded length as a number, and holds the chunks to it", async () => {
    const payload = "hello";
    const body = `${payload.length.toString(16)}\r\n${payload}\r\n0\r\n\r\n`;
    const streamed = { "content-encoding": "aws-chunked", "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER" };
    for (const decoded of [undefined, "abc", "-5", ""]) {
      const headers: Record<string, string> = { ...streamed };
      if (decoded !== undefined) headers["x-amz-decoded-content-length"] = decoded;
      const res = await rawRequest(t.cloud.endpoint, { method: "PUT", path: `/${BUCKET}/undeclared`, headers, body });
      assert.equal(res.status, 411, String(decoded));
      assert.match(res.body, /<Code>MissingContentLength<\/Code><Message>You must provide the Content-Length HTTP header\.<\/Message>/);
    }
    for (const declared of [3, 8]) {
      const res = await rawRequest(t.cloud.endpoint, { method: "PUT", path: `/${BUCKET}/undeclared`, headers: { ...streamed, "x-amz-decoded-content-length": String(declared) }, body });
      assert.equal(res.status, 400);
      assert.match(res.body, new RegExp(`<Code>IncompleteBody</Code><Message>You did not provide the number of bytes specified by the Content-Length HTTP header</Message><NumberBytesExpected>${declared}</NumberBytesExpected><NumberBytesProvided>5</NumberBytesProvided>`));
    }
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "undeclared" })), "NotFound", 404);
  });

  it("answers an anonymous PUT that expects 100-continue with its 403 before the body is sent", async () => {
    const reply = await rawSocket(t.cloud.endpoint, `PUT /${BUCKET}/expecting HTTP/1.1\r\nHost: localhost\r\nContent-Length: 123\r\nExpect: 100-continue\r\n\r\n`, 1000);
    assert.match(reply, /^HTTP\/1\.1 403 /);
    assert.doesNotMatch(reply, /100 Continue/);
    assert.match(reply, /<Code>AccessDenied<\/Code>/);
  });

  it("sends 100 Continue to an accepted PUT that expects it, and stores the body sent after it", async () => {
    const body = Buffer.alloc(64 * 1024, 3);
    const signed = await signRequest(t.cloud.endpoint, {
      method: "PUT",
      path: `/${BUCKET}/continued`,
      headers: { "content-length": String(body.length), expect: "100-continue", "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
    });
    const outcome = await new Promise<{ continued: boolean; status: number }>((resolve, reject) => {
      let continued = false;
      const req = request({ host: signed.hostname, port: signed.port, method: "PUT", path: signed.path, headers: signed.headers }, (res) => {
        res.resume();
        resolve({ continued, status: res.statusCode ?? 0 });
      });
      // The body goes only once the server asks for it.
      req.on("continue", () => {
        continued = true;
        req.end(body);
      });
      req.on("error", reject);
    });
    assert.deepEqual(outcome, { continued: true, status: 200 });
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "continued" }));
    assert.ok(Buffer.from((await got.Body?.transformToByteArray()) ?? []).equals(body));
  });

  it("answers a body longer than its Content-Length, and an Expect it does not know, as S3 does (ceph s3-tests' test_headers.py)", async () => {
    // Bytes past the declared length: the request that was declared is answered (here its digest fails), then the connection closes.
    const signed = await signRequest(t.cloud.endpoint, { method: "PUT", path: `/${BUCKET}/overlong`, headers: { "content-md5": md5Base64("bar"), "x-amz-content-sha256": "UNSIGNED-PAYLOAD", "content-length": "2" } });
    const head = Object.entries(signed.headers).map(([name, value]) => `${name}: ${value}\r\n`).join("");
    const reply = await rawSocket(t.cloud.endpoint, `PUT ${signed.path} HTTP/1.1\r\n${head}\r\nbar`);
    assert.match(reply, /^HTTP\/1\.1 400 /);
    assert.match(reply, /<Code>BadDigest<\/Code>/);
    // Expect: 200 (or empty) is no Expect S3 acts on: the PUT goes through.
    const expecting = await rawRequest(t.cloud.endpoint, { method: "PUT", path: `/${BUCKET}/expecting`, headers: { expect: "200", "content-length": "3" }, body: "bar" });
    assert.equal(expecting.status, 200);
  });

  it("answers a SigV2 header of the wrong form, or dated before 1970, in S3's words", async () => {
    const send = (authorization: string, date = new Date().toUTCString()) =>
      rawRequest(t.cloud.endpoint, { method: "PUT", path: `/${BUCKET}/v2`, anonymous: true, headers: { authorization, date }, body: "bar" });
    const invalid = await send("AWS HAHAHA");
    assert.equal(invalid.status, 400);
    assert.match(invalid.body, /<Code>InvalidArgument<\/Code><Message>AWS authorization header is invalid\.  Expected AwsAccessKeyId:signature<\/Message><ArgumentName>Authorization<\/ArgumentName><ArgumentValue>AWS HAHAHA<\/ArgumentValue>/);
    const spaced = await send("AWS  test:abc");
    assert.match(spaced.body, /<Code>InvalidArgument<\/Code><Message>Authorization header is invalid -- one and only one &apos; &apos; \(space\) required<\/Message>/);
    const ancient = await send("AWS test:abc", "Tue, 07 Jul 1950 21:53:04 GMT");
    assert.equal(ancient.status, 403);
    assert.match(ancient.body, /<Code>AccessDenied<\/Code>/);
  });

  it("answers oversized headers with 400", async () => {
    const huge = "x".repeat(20_000);
    const reply = await rawSocket(t.cloud.endpoint, `GET /${BUCKET} HTTP/1.1\r\nHost: localhost\r\nX-Big: ${huge}\r\n\r\n`);
    assert.match(reply, /^HTTP\/1\.1 400 /);
  });

  it("survives garbage bytes on the socket", async () => {
    for (const garbage of ["\x00\x01\x02\x03garbage\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", "NOTAMETHOD /x HTTP/1.1\r\nHost: a\r\n\r\n", Buffer.from([0xff, 0xfe, 0x00, 0x13, 0x37])]) {
      await rawSocket(t.cloud.endpoint, garbage, 500);
    }
    const list = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    assert.equal(list.$metadata.httpStatusCode, 200);
  });

  it("names an unsupported operation in a 501", async () => {
    const res = await rawRequest(t.cloud.endpoint, { method: "PUT", path: `/${BUCKET}`, query: { abac: "" }, body: '<AbacStatus xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></AbacStatus>' });
    assert.equal(res.status, 501);
    assert.match(res.body, /<Code>NotImplemented<\/Code>/);
    assert.match(res.body, /PutBucketAbac/);
  });

  it("refuses a payload that does not match its signed SHA-256, once the bucket is found, small or large", async () => {
    for (const size of [16, 100 * 1024]) {
      const body = Buffer.alloc(size, 7);
      const lying = { "x-amz-content-sha256": "0".repeat(64) };
      const missing = await rawRequest(t.cloud.endpoint, { method: "PUT", path: "/no-such-bucket-here/k", headers: lying, body });
      assert.equal(missing.status, 404, `${size} bytes to a missing bucket`);
      assert.match(missing.body, /<Code>NoSuchBucket<\/Code>/);
      const refused = await rawRequest(t.cloud.endpoint, { method: "PUT", path: `/${BUCKET}/sha-${size}`, headers: lying, body });
      assert.equal(refused.status, 400, `${size} bytes`);
      assert.match(refused.body, /<Code>XAmzContentSHA256Mismatch<\/Code>/);
      await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: `sha-${size}` })), "NotFound", 404);
    }
  });

  it("rejects a wrong secret for the known key", async () => {
    const bad = t.s3({ credentials: { accessKeyId: "test", secretAccessKey: "wrong" } });
    await rejectsWith(bad.send(new ListObjectsV2Command({ Bucket: BUCKET })), "SignatureDoesNotMatch", 403);
  });
});

describe("S3 durability", () => {
  it("keeps an acknowledged PUT across kill -9", async () => {
    const dataDir = await tempDir();
    try {
      const child = await spawnCloud(["--data-dir", dataDir]);
      const s3 = new S3Client(clientConfig(child.endpoint));
      await s3.send(new CreateBucketCommand({ Bucket: "crash" }));
      await s3.send(new PutObjectCommand({ Bucket: "crash", Key: "acked", Body: "durable bytes" }));
      s3.destroy();
      const exited = new Promise((resolve) => child.process.once("exit", resolve));
      child.process.kill("SIGKILL");
      await exited;

      const again = await spawnCloud(["--data-dir", dataDir]);
      const s3b = new S3Client(clientConfig(again.endpoint));
      const got = await s3b.send(new GetObjectCommand({ Bucket: "crash", Key: "acked" }));
      assert.equal(await got.Body?.transformToString(), "durable bytes");
      s3b.destroy();
      const stopped = new Promise((resolve) => again.process.once("exit", resolve));
      again.process.kill("SIGTERM");
      await stopped;
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it("leaves no object and no garbage for a PUT cut off mid-body", async () => {
    const t = await startCloud();
    try {
      const s3 = t.s3();
      await s3.send(new CreateBucketCommand({ Bucket: "cut" }));
      const signed = await signRequest(t.cloud.endpoint, { method: "PUT", path: "/cut/partial", headers: { "content-length": "1000000", "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } });
      await new Promise<void>((resolve) => {
        const req = request({ host: signed.hostname, port: signed.port, method: "PUT", path: signed.path, headers: signed.headers });
        req.on("error", () => resolve());
        req.write(Buffer.alloc(300_000, 1), () => {
          setTimeout(() => {
            req.destroy();
            resolve();
          }, 100);
        });
      });
      await new Promise((r) => setTimeout(r, 200));
      await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: "cut", Key: "partial" })), "NotFound", 404);
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: "cut" }));
      assert.equal(listed.KeyCount, 0);
      const leftovers = await listFiles(join(t.dataDir, "blobs"));
      assert.deepEqual(leftovers, []);
    } finally {
      await t.stop();
    }
  });
});

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path)));
    else out.push(path);
  }
  return out;
}
