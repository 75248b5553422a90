/** rest-xml over the real S3 model: routing, request bindings, documents, errors. */
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { describe, it } from "node:test";
import { createCodec } from "../../src/protocols/index.js";
import { loadModel } from "../../src/protocols/model.js";
import { AwsError } from "../../src/server/errors.js";
import { S3_XML_ROOTS } from "../../src/services/s3/xml-roots.js";
import { bodyText, ctx, wire } from "./wire.js";

const codec = createCodec(loadModel("s3"), {
  errorWrapping: false,
  xmlRootNames: S3_XML_ROOTS,
  malformedError: (detail) => new AwsError("MalformedXML", `malformed: ${detail}`, 400),
});

describe("rest-xml: routing (S3)", () => {
  const cases: [string, string, Record<string, string>, string | undefined][] = [
    ["GET", "/", {}, "ListBuckets"],
    ["PUT", "/b", {}, "CreateBucket"],
    ["PUT", "/b/", {}, "CreateBucket"],
    ["HEAD", "/b", {}, "HeadBucket"],
    ["GET", "/b", {}, "ListObjects"],
    ["GET", "/b?list-type=2&prefix=a", {}, "ListObjectsV2"],
    ["GET", "/b?location", {}, "GetBucketLocation"],
    ["GET", "/b?acl", {}, "GetBucketAcl"],
    ["GET", "/b?uploads", {}, "ListMultipartUploads"],
    ["POST", "/b?delete", {}, "DeleteObjects"],
    ["PUT", "/b/k", {}, "PutObject"],
    ["PUT", "/b/a/b/c.txt", {}, "PutObject"],
    ["PUT", "/b/k", { "x-amz-copy-source": "/src/k" }, "CopyObject"],
    ["PUT", "/b/k?partNumber=1&uploadId=u", {}, "UploadPart"],
    ["PUT", "/b/k?partNumber=1&uploadId=u", { "x-amz-copy-source": "/src/k" }, "UploadPartCopy"],
    ["POST", "/b/k?uploads", {}, "CreateMultipartUpload"],
    ["POST", "/b/k?uploadId=u", {}, "CompleteMultipartUpload"],
    ["GET", "/b/k?uploadId=u", {}, "ListParts"],
    ["DELETE", "/b/k?uploadId=u", {}, "AbortMultipartUpload"],
    ["GET", "/b/k", {}, "GetObject"],
    ["GET", "/b/k?x-id=GetObject", {}, "GetObject"],
    ["GET", "/b/k?tagging", {}, "GetObjectTagging"],
    ["PUT", "/b/k?tagging", {}, "PutObjectTagging"],
    ["DELETE", "/b/k?tagging", {}, "DeleteObjectTagging"],
    ["HEAD", "/b/k", {}, "HeadObject"],
    ["DELETE", "/b/k", {}, "DeleteObject"],
    ["DELETE", "/b", {}, "DeleteBucket"],
    ["PATCH", "/b/k", {}, undefined],
  ];
  for (const [method, target, headers, expected] of cases) {
    it(`${method} ${target}${Object.keys(headers).length ? " +copy-source" : ""} → ${expected ?? "nothing"}`, () => {
      assert.equal(codec.resolve(wire(method, target, headers))?.name, expected);
    });
  }
});

describe("rest-xml: input", () => {
  it("binds labels, headers, metadata and leaves a streaming body unread", async () => {
    const req = wire("PUT", "/my-bucket/dir/a%20b%2Bc%25.txt", {
      "content-type": "text/plain",
      "content-length": "5",
      "x-amz-meta-color": "blue",
      "x-amz-meta-mixed-case": "V",
      expires: "Sun, 22 Nov 2026 10:00:00 GMT",
    }, "hello");
    const op = codec.resolve(req)!;
    const input = await codec.parseInput(op, req);
    assert.equal(input.Bucket, "my-bucket");
    assert.equal(input.Key, "dir/a b+c%.txt");
    assert.equal(input.ContentType, "text/plain");
    assert.equal(input.ContentLength, 5);
    assert.deepEqual(input.Metadata, { color: "blue", "mixed-case": "V" });
    assert.equal(input.Expires, "Sun, 22 Nov 2026 10:00:00 GMT", "a string in this model");
    assert.ok(input.Body instanceof Readable);
    assert.equal(Buffer.concat(await (input.Body as Readable).toArray()).toString(), "hello");
  });

  it("reads a flattened list body with escapes and keeps whitespace in keys", async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Object><Key> a&amp;b&#13;c </Key></Object>
  <Object><Key>é/😀</Key><VersionId>null</VersionId></Object>
  <Quiet>true</Quiet>
</Delete>`;
    const req = wire("POST", "/b?delete", {}, xml);
    const input = await codec.parseInput(codec.resolve(req)!, req);
    assert.deepEqual(input.Delete, { Objects: [{ Key: " a&b\rc " }, { Key: "é/😀", VersionId: "null" }], Quiet: true });
  });

  it("reads a nested wrapped list (tagging) and integers in the query", async () => {
    const req = wire("PUT", "/b/k?tagging", {}, "<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>b</Key><Value></Value></Tag></TagSet></Tagging>");
    const input = await codec.parseInput(codec.resolve(req)!, req);
    assert.deepEqual(input.Tagging, { TagSet: [{ Key: "a", Value: "1" }, { Key: "b", Value: "" }] });
    const list = wire("GET", "/b?list-type=2&max-keys=7&fetch-owner=true");
    const listInput = await codec.parseInput(codec.resolve(list)!, list);
    assert.equal(listInput.MaxKeys, 7);
    assert.equal(listInput.FetchOwner, true);
  });

  it("maps malformed XML and bad scalars to the service's errors", async () => {
    const bad = wire("POST", "/b?delete", {}, "<Delete><Object><Key>x</Object></Delete>");
    await assert.rejects(async () => codec.parseInput(codec.resolve(bad)!, bad), (e: AwsError) => e.code === "MalformedXML");
    const dtd = wire("POST", "/b?delete", {}, '<!DOCTYPE x [<!ENTITY e "boom">]><Delete><Object><Key>&e;</Key></Object></Delete>');
    await assert.rejects(async () => codec.parseInput(codec.resolve(dtd)!, dtd), (e: AwsError) => e.code === "MalformedXML");
    const notInt = wire("GET", "/b?list-type=2&max-keys=lots");
    await assert.rejects(async () => codec.parseInput(codec.resolve(notInt)!, notInt), (e: AwsError) => e.code === "InvalidArgument" && e.status === 400);
  });
});

describe("rest-xml: output", () => {
  it("writes a list result with the S3 root name, namespace, flattened lists and ISO timestamps", async () => {
    const op = codec.model.operations.ListObjectsV2!;
    const response = codec.serializeOutput(op, {
      Name: "b",
      Prefix: "",
      KeyCount: 2,
      MaxKeys: 1000,
      IsTruncated: false,
      Contents: [
        { Key: "a<&>\r.txt", LastModified: new Date(Date.UTC(2026, 10, 22, 10)), ETag: '"e"', Size: 3, StorageClass: "STANDARD" },
        { Key: "z", LastModified: new Date(0), ETag: '"f"', Size: 0, StorageClass: "STANDARD" },
      ],
      CommonPrefixes: [{ Prefix: "d/" }],
    }, { ...ctx, method: "GET" });
    assert.equal(response.status, 200);
    assert.equal(response.headers["content-type"], "application/xml");
    const xml = await bodyText(response);
    assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'), xml);
    assert.match(xml, /<Contents><Key>a&lt;&amp;&gt;&#13;\.txt<\/Key><LastModified>2026-11-22T10:00:00\.000Z<\/LastModified><ETag>&quot;e&quot;|<Contents><Key>a&lt;&amp;&gt;&#13;\.txt<\/Key><LastModified>2026-11-22T10:00:00\.000Z<\/LastModified><ETag>"e"/);
    assert.match(xml, /<\/Contents><Contents><Key>z<\/Key>/);
    assert.match(xml, /<CommonPrefixes><Prefix>d\/<\/Prefix><\/CommonPrefixes>/);
    assert.match(xml, /<KeyCount>2<\/KeyCount>/);
    assert.equal(response.headers["content-length"], String(Buffer.byteLength(xml)));
  });

  it("puts header members in headers and drops the body of a HEAD", async () => {
    const op = codec.model.operations.HeadObject!;
    const response = codec.serializeOutput(op, {
      ContentLength: 1234,
      ContentType: "image/png",
      ETag: '"abc"',
      LastModified: new Date(Date.UTC(2026, 10, 22, 10)),
      Metadata: { color: "blue" },
    }, { ...ctx, method: "HEAD" });
    assert.equal(response.headers["content-length"], "1234");
    assert.equal(response.headers["last-modified"], "Sun, 22 Nov 2026 10:00:00 GMT");
    assert.equal(response.headers["x-amz-meta-color"], "blue");
    assert.equal(response.body, undefined);
  });

  it("writes a structure payload under its own root (CopyObjectResult)", async () => {
    const response = codec.serializeOutput(codec.model.operations.CopyObject!, { CopyObjectResult: { ETag: '"e"', LastModified: new Date(0) } }, ctx);
    assert.match(await bodyText(response), /^<\?xml[^>]*>\n<CopyObjectResult xmlns="http:\/\/s3\.amazonaws\.com\/doc\/2006-03-01\/"><ETag>/);
  });
});

describe("rest-xml: errors", () => {
  it("writes S3's bare <Error> with extra fields and ids", async () => {
    const response = codec.serializeError(new AwsError("NoSuchKey", "The specified key does not exist.", 404, { Key: "a&b" }), ctx);
    assert.equal(response.status, 404);
    assert.equal(
      await bodyText(response),
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>a&amp;b</Key><RequestId>REQ123</RequestId><HostId>HOST456</HostId></Error>',
    );
  });

  it("wraps errors in <ErrorResponse> for other rest-xml services", async () => {
    const wrapped = createCodec(loadModel("s3"), {});
    const xml = await bodyText(wrapped.serializeError(new AwsError("Throttling", "Rate exceeded", 400), ctx));
    assert.match(xml, /<ErrorResponse xmlns="[^"]+"><Error><Type>Sender<\/Type><Code>Throttling<\/Code><Message>Rate exceeded<\/Message><\/Error><RequestId>REQ123<\/RequestId><\/ErrorResponse>/);
  });
});
