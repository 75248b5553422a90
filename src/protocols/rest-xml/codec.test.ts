/** rest-xml over the real S3 model: request bindings, documents both ways, error documents. */
import assert from "node:assert/strict";
import type { IncomingHttpHeaders } from "node:http";
import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { describe, it } from "node:test";
import { AwsError } from "../../server/errors.js";
import { S3_XML_ROOTS } from "../../services/s3/xml-roots.js";
import { loadModel } from "../model.js";
import { parseXml } from "../shared/xml.js";
import type { Structure, WireRequest, WireResponse } from "../types.js";
import { createRestXmlCodec } from "./codec.js";

const s3 = loadModel("s3");
const codec = createRestXmlCodec(s3, {
  errorWrapping: false,
  xmlRootNames: S3_XML_ROOTS,
  maxBodyBytes: 4096,
  malformedError: (detail) => new AwsError("MalformedXML", `The XML you provided was not well-formed: ${detail}`, 400),
});
const ctx = { requestId: "REQ1", hostId: "HOST1", method: "GET" };
const NS = "http://s3.amazonaws.com/doc/2006-03-01/";
const DECL = '<?xml version="1.0" encoding="UTF-8"?>';

function request(method: string, target: string, headers: IncomingHttpHeaders = {}, body: string | Buffer = "", contentLength?: number): WireRequest {
  const q = target.indexOf("?");
  const rawQuery = q < 0 ? "" : target.slice(q + 1);
  const bytes = Buffer.from(body);
  return {
    method,
    path: q < 0 ? target : target.slice(0, q),
    rawQuery,
    query: new URLSearchParams(rawQuery),
    headers,
    body: Readable.from(bytes.length ? [bytes] : []),
    contentLength: contentLength ?? bytes.length,
  };
}

async function parse(req: WireRequest, expectedOp?: string): Promise<Structure> {
  const op = codec.resolve(req);
  assert.ok(op, `no route for ${req.method} ${req.path}?${req.rawQuery}`);
  if (expectedOp) assert.equal(op.name, expectedOp);
  return codec.parseInput(op, req);
}

async function bodyText(response: WireResponse): Promise<string> {
  const body = response.body;
  if (body === undefined) return "";
  if (typeof body === "string") return body;
  return Buffer.isBuffer(body) ? body.toString("utf8") : text(body);
}

const awkwardKeys = [" lead and trail ", "a&b<c>d\"e'f", "line\r\nbreak\rcr\nlf", "tab\there", "é/日本/😀", "%41+%2F", "]]>", "&amp;"];

describe("rest-xml input (S3)", () => {
  it("PutObject: labels, headers, metadata map, decoded content length, streaming body untouched", async () => {
    const req = request("PUT", "/my-bucket/dir/a%20b%2Bc%25.txt", {
      "content-type": "text/plain",
      "content-length": "120",
      "content-encoding": "aws-chunked",
      "x-amz-decoded-content-length": "5",
      "content-md5": "XUFAKrxLKna5cZ2REBfFkg==",
      "x-amz-meta-color": "blue",
      "x-amz-meta-mixed-case": "V",
      "x-amz-meta-": "empty name",
      "x-amz-tagging": "a=1&b=2",
      "x-amz-object-lock-retain-until-date": "2026-11-22T10:00:00Z",
      "x-amz-server-side-encryption-bucket-key-enabled": "true",
    }, "hello", 5);
    const body = req.body as Readable;
    const input = await parse(req, "PutObject");
    assert.equal(input.Bucket, "my-bucket");
    assert.equal(input.Key, "dir/a b+c%.txt");
    assert.equal(input.ContentType, "text/plain");
    assert.equal(input.ContentLength, 5, "the decoded length, not the framed one");
    assert.equal(input.ContentMD5, "XUFAKrxLKna5cZ2REBfFkg==");
    assert.deepEqual(input.Metadata, { color: "blue", "mixed-case": "V", "": "empty name" });
    assert.equal(input.Tagging, "a=1&b=2");
    assert.deepEqual(input.ObjectLockRetainUntilDate, new Date(Date.UTC(2026, 10, 22, 10)));
    assert.equal(input.BucketKeyEnabled, true);
    assert.equal(input.Body, body, "the request stream itself");
    assert.equal((body as Readable).readableDidRead, false, "not read by the codec");
    assert.equal(await text(body), "hello");
    assert.equal("StorageClass" in input, false, "absent members stay absent");
  });

  it("PutObject without a Content-Length header takes the decoded length", async () => {
    const input = await parse(request("PUT", "/b/k", { "transfer-encoding": "chunked" }, "abc"));
    assert.equal(input.ContentLength, 3);
  });

  it("UploadPart and CopyObject bind their query and header members", async () => {
    const part = await parse(request("PUT", "/b/k?partNumber=3&uploadId=abc%2Bdef", {}, "xx"), "UploadPart");
    assert.equal(part.PartNumber, 3);
    assert.equal(part.UploadId, "abc+def");
    assert.ok(part.Body instanceof Readable);
    const copied = await parse(request("PUT", "/b/k", {
      "x-amz-copy-source": "/src/a%20b?versionId=v1",
      "x-amz-metadata-directive": "REPLACE",
      "x-amz-copy-source-if-modified-since": "Sun, 22 Nov 2026 10:00:00 GMT",
    }), "CopyObject");
    assert.equal(copied.CopySource, "/src/a%20b?versionId=v1", "header values are not percent-decoded");
    assert.equal(copied.MetadataDirective, "REPLACE");
    assert.deepEqual(copied.CopySourceIfModifiedSince, new Date(Date.UTC(2026, 10, 22, 10)));
  });

  it("ListObjectsV2: typed query members", async () => {
    const input = await parse(request("GET", "/b?list-type=2&max-keys=7&fetch-owner=true&prefix=a%2Fb&delimiter=%2F&continuation-token=t%3D%3D"), "ListObjectsV2");
    assert.deepEqual(input, { Bucket: "b", MaxKeys: 7, FetchOwner: true, Prefix: "a/b", Delimiter: "/", ContinuationToken: "t==" });
  });

  it("DeleteObjects: flattened <Object> entries, <Quiet>, namespace and whitespace between elements", async () => {
    const xml = `${DECL}
<Delete xmlns="${NS}">
  <Object><Key>one</Key></Object>
  <Object><Key>two</Key><VersionId>v2</VersionId></Object>
  <Quiet>true</Quiet>
</Delete>`;
    const input = await parse(request("POST", "/b?delete", { "content-md5": "x" }, xml), "DeleteObjects");
    assert.deepEqual(input.Delete, { Objects: [{ Key: "one" }, { Key: "two", VersionId: "v2" }], Quiet: true });
    const single = await parse(request("POST", "/b?delete", {}, "<Delete><Object><Key>only</Key></Object></Delete>"));
    assert.deepEqual(single.Delete, { Objects: [{ Key: "only" }] }, "one entry is still a list");
  });

  it("keeps keys exactly: entities, character references, CDATA, surrounding spaces", async () => {
    const escaped = (k: string) => k.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r/g, "&#13;");
    const xml = `<Delete>${awkwardKeys.map((k) => `<Object><Key>${escaped(k)}</Key></Object>`).join("")}` +
      "<Object><Key>&#x1F600;&#233;&quot;&apos;</Key></Object><Object><Key><![CDATA[a&amp;<b>]]></Key></Object>" +
      "<Object><Key>literal\r\nCRLF</Key></Object></Delete>";
    const input = await parse(request("POST", "/b?delete", {}, xml));
    const keys = ((input.Delete as Structure).Objects as Structure[]).map((o) => o.Key);
    // A literal CR LF in a document is one LF by XML's rules; `&#13;` keeps a CR.
    assert.deepEqual(keys, [...awkwardKeys, "😀é\"'", "a&amp;<b>", "literal\nCRLF"]);
  });

  it("PutObjectTagging: a wrapped list of structures, empty values kept", async () => {
    const xml = `<Tagging xmlns="${NS}"><TagSet><Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>b</Key><Value></Value></Tag><Tag><Key>c</Key><Value/></Tag></TagSet></Tagging>`;
    const input = await parse(request("PUT", "/b/k?tagging&versionId=v", {}, xml), "PutObjectTagging");
    assert.equal(input.VersionId, "v");
    assert.deepEqual(input.Tagging, { TagSet: [{ Key: "a", Value: "1" }, { Key: "b", Value: "" }, { Key: "c", Value: "" }] });
    const empty = await parse(request("PUT", "/b/k?tagging", {}, "<Tagging><TagSet></TagSet></Tagging>"));
    assert.deepEqual(empty.Tagging, { TagSet: [] });
  });

  it("CreateBucket: CreateBucketConfiguration payload, or absent for an empty body", async () => {
    const xml = `<CreateBucketConfiguration xmlns="${NS}"><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>`;
    const input = await parse(request("PUT", "/b", { "x-amz-acl": "private" }, xml), "CreateBucket");
    assert.deepEqual(input, { Bucket: "b", ACL: "private", CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } });
    assert.deepEqual(await parse(request("PUT", "/b")), { Bucket: "b" });
  });

  it("PutBucketAcl: xsi:type attributes on Grantee", async () => {
    const xml = `<AccessControlPolicy xmlns="${NS}"><Owner><ID>o</ID></Owner><AccessControlList>` +
      `<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>o</ID></Grantee><Permission>FULL_CONTROL</Permission></Grant>` +
      `<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission></Grant>` +
      `</AccessControlList></AccessControlPolicy>`;
    const input = await parse(request("PUT", "/b?acl", {}, xml), "PutBucketAcl");
    assert.deepEqual(input.AccessControlPolicy, {
      Owner: { ID: "o" },
      Grants: [
        { Grantee: { ID: "o", Type: "CanonicalUser" }, Permission: "FULL_CONTROL" },
        { Grantee: { URI: "http://acs.amazonaws.com/groups/global/AllUsers", Type: "Group" }, Permission: "READ" },
      ],
    });
  });

  it("CompleteMultipartUpload: flattened <Part> list with integers", async () => {
    const xml = "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>\"a\"</ETag></Part><Part><PartNumber>2</PartNumber><ETag>&quot;b&quot;</ETag></Part></CompleteMultipartUpload>";
    const input = await parse(request("POST", "/b/k?uploadId=u", {}, xml), "CompleteMultipartUpload");
    assert.deepEqual(input.MultipartUpload, { Parts: [{ PartNumber: 1, ETag: '"a"' }, { PartNumber: 2, ETag: '"b"' }] });
  });

  it("refuses malformed documents with the service's error", async () => {
    const bad = [
      "<Delete><Object><Key>x</Object></Delete>",
      "<Delete><Object><Key>a & b</Key></Object></Delete>",
      "<Delete><Object><Key>&ent;</Key></Object></Delete>",
      "<Delete><Object><Key>&#0;</Key></Object></Delete>",
      '<!DOCTYPE d [<!ENTITY e "boom">]><Delete><Object><Key>&e;</Key></Object></Delete>',
      "<Delete></Delete><Delete></Delete>",
      "<Delete><Quiet>yes</Quiet></Delete>",
      "not xml at all",
    ];
    for (const xml of bad) {
      await assert.rejects(parse(request("POST", "/b?delete", {}, xml)), (e: AwsError) => e.code === "MalformedXML" && e.status === 400, xml);
    }
    const integer = request("POST", "/b/k?uploadId=u", {}, "<CompleteMultipartUpload><Part><PartNumber>one</PartNumber></Part></CompleteMultipartUpload>");
    await assert.rejects(parse(integer), (e: AwsError) => e.code === "MalformedXML");
  });

  it("without a service mapping, malformed XML is a generic MalformedInput 400", async () => {
    const plain = createRestXmlCodec(s3, {});
    const req = request("POST", "/b?delete", {}, "<Delete>");
    await assert.rejects(async () => plain.parseInput(plain.resolve(req)!, req), (e: AwsError) => e.code === "MalformedInput" && e.status === 400);
  });

  it("refuses bad scalars in the query string and bodies past the limit", async () => {
    await assert.rejects(parse(request("GET", "/b?list-type=2&max-keys=lots")), (e: AwsError) => e.status === 400);
    const huge = `<Delete>${"<Object><Key>k</Key></Object>".repeat(200)}</Delete>`;
    await assert.rejects(parse(request("POST", "/b?delete", {}, huge)), (e: AwsError) => e.status === 413);
  });
});

describe("rest-xml output (S3)", () => {
  it("ListObjectsV2: root name, xmlns, flattened Contents and CommonPrefixes, ISO timestamps, numbers, booleans", async () => {
    const response = codec.serializeOutput(s3.operations.ListObjectsV2!, {
      Name: "b",
      Prefix: "",
      Delimiter: "/",
      KeyCount: 3,
      MaxKeys: 1000,
      IsTruncated: false,
      Contents: [
        { Key: "a.txt", LastModified: new Date(Date.UTC(2026, 10, 22, 10)), ETag: '"e1"', Size: 3, StorageClass: "STANDARD" },
        { Key: "z", LastModified: new Date(0), ETag: '"e2"', Size: 5_000_000_000, StorageClass: "STANDARD", Owner: { ID: "o", DisplayName: "me" } },
      ],
      CommonPrefixes: [{ Prefix: "d/" }],
      EncodingType: undefined,
    }, ctx);
    assert.equal(response.status, 200);
    assert.equal(response.headers["content-type"], "application/xml");
    const xml = await bodyText(response);
    assert.equal(response.headers["content-length"], String(Buffer.byteLength(xml)));
    assert.equal(
      xml,
      `${DECL}\n<ListBucketResult xmlns="${NS}"><IsTruncated>false</IsTruncated>` +
        `<Contents><Key>a.txt</Key><LastModified>2026-11-22T10:00:00.000Z</LastModified><ETag>&quot;e1&quot;</ETag><Size>3</Size><StorageClass>STANDARD</StorageClass></Contents>` +
        `<Contents><Key>z</Key><LastModified>1970-01-01T00:00:00.000Z</LastModified><ETag>&quot;e2&quot;</ETag><Size>5000000000</Size><StorageClass>STANDARD</StorageClass><Owner><DisplayName>me</DisplayName><ID>o</ID></Owner></Contents>` +
        `<Name>b</Name><Prefix></Prefix><Delimiter>/</Delimiter><MaxKeys>1000</MaxKeys><CommonPrefixes><Prefix>d/</Prefix></CommonPrefixes><KeyCount>3</KeyCount></ListBucketResult>`,
    );
  });

  it("ListBuckets: a wrapped list named by its member", async () => {
    const response = codec.serializeOutput(s3.operations.ListBuckets!, {
      Buckets: [{ Name: "a", CreationDate: new Date(0) }, { Name: "b", CreationDate: new Date(1000) }],
      Owner: { ID: "o" },
    }, ctx);
    const xml = await bodyText(response);
    assert.match(xml, new RegExp(`^<\\?xml[^>]+\\?>\\n<ListAllMyBucketsResult xmlns="${NS.replace(/[./]/g, "\\$&")}">`));
    assert.match(xml, /<Buckets><Bucket><Name>a<\/Name><CreationDate>1970-01-01T00:00:00\.000Z<\/CreationDate><\/Bucket><Bucket><Name>b<\/Name>/);
  });

  it("awkward keys survive a write and a read", async () => {
    const response = codec.serializeOutput(s3.operations.ListObjectsV2!, { Name: "b", Contents: awkwardKeys.map((Key) => ({ Key })) }, ctx);
    const xml = await bodyText(response);
    assert.ok(!xml.includes("\r"), "CR is written as a reference");
    const doc = parseXml(xml);
    assert.equal(doc.name, "ListBucketResult");
    const back = await parse(request("POST", "/b?delete", {}, xml.replace(/ListBucketResult/g, "Delete").replace(/Contents>/g, "Object>")));
    assert.deepEqual(((back.Delete as Structure).Objects as Structure[]).map((o) => o.Key), awkwardKeys);
  });

  it("HeadObject: header members (the model's Content-Length wins), metadata, no body", () => {
    const response = codec.serializeOutput(s3.operations.HeadObject!, {
      ContentLength: 1234,
      ContentType: "image/png",
      ETag: '"abc"',
      LastModified: new Date(Date.UTC(2026, 10, 22, 10)),
      DeleteMarker: undefined,
      BucketKeyEnabled: true,
      Metadata: { color: "blue", utf8: "caf\u00c3\u00a9", wide: "日本" },
      ObjectLockRetainUntilDate: new Date(Date.UTC(2026, 10, 22, 10)),
    }, { ...ctx, method: "HEAD" });
    assert.equal(response.status, 200);
    assert.equal(response.headers["content-length"], "1234");
    assert.equal(response.headers["content-type"], "image/png");
    assert.equal(response.headers.etag, '"abc"');
    assert.equal(response.headers["last-modified"], "Sun, 22 Nov 2026 10:00:00 GMT");
    assert.equal(response.headers["x-amz-server-side-encryption-bucket-key-enabled"], "true");
    assert.equal(response.headers["x-amz-object-lock-retain-until-date"], "2026-11-22T10:00:00.000Z", "the member's own timestampFormat");
    assert.equal(response.headers["x-amz-meta-color"], "blue");
    assert.equal(response.headers["x-amz-meta-utf8"], `=?UTF-8?B?${Buffer.from("caf\u00c3\u00a9").toString("base64")}?=`, "metadata is mail-safe, its bytes read as Latin-1");
    assert.equal(response.headers["x-amz-meta-wide"], `=?UTF-8?B?${Buffer.from("日本").toString("base64")}?=`);
    assert.equal("x-amz-delete-marker" in response.headers, false);
    assert.equal(response.body, undefined);
  });

  it("GetObject: the streaming member is the body as given, without an invented content-type", async () => {
    const stream = Readable.from([Buffer.from("data")]);
    const streamed = codec.serializeOutput(s3.operations.GetObject!, { Body: stream, ContentLength: 4, AcceptRanges: "bytes" }, ctx);
    assert.equal(streamed.body, stream);
    assert.equal(streamed.headers["content-length"], "4");
    assert.equal(streamed.headers["content-type"], undefined);
    const buffered = codec.serializeOutput(s3.operations.GetObject!, { Body: Buffer.from("hello"), ContentType: "text/plain" }, ctx);
    assert.equal(buffered.headers["content-length"], "5");
    assert.equal(buffered.headers["content-type"], "text/plain");
    const head = Readable.from([Buffer.from("x")]);
    const dropped = codec.serializeOutput(s3.operations.GetObject!, { Body: head, ContentLength: 1 }, { ...ctx, method: "HEAD" });
    assert.equal(dropped.body, undefined);
    assert.equal(head.destroyed, true);
  });

  it("empty outputs have no body and no content-type; the model's status code applies", () => {
    const deleted = codec.serializeOutput(s3.operations.DeleteObject!, { DeleteMarker: true, VersionId: "v" }, ctx);
    assert.equal(deleted.status, 204);
    assert.equal(deleted.body, undefined);
    assert.equal(deleted.headers["content-type"], undefined);
    assert.equal(deleted.headers["x-amz-delete-marker"], "true");
    const put = codec.serializeOutput(s3.operations.PutObject!, { ETag: '"e"' }, ctx);
    assert.equal(put.status, 200);
    assert.equal(put.body, undefined);
    assert.equal(put.headers["content-length"], "0");
  });

  it("structure payloads use their locationName as root (CopyObjectResult, Tagging)", async () => {
    const copied = await bodyText(codec.serializeOutput(s3.operations.CopyObject!, { CopyObjectResult: { ETag: '"e"', LastModified: new Date(0) }, VersionId: "v" }, ctx));
    assert.equal(copied, `${DECL}\n<CopyObjectResult xmlns="${NS}"><ETag>&quot;e&quot;</ETag><LastModified>1970-01-01T00:00:00.000Z</LastModified></CopyObjectResult>`);
    const tags = await bodyText(codec.serializeOutput(s3.operations.GetObjectTagging!, { TagSet: [{ Key: "a", Value: "<1>" }] }, ctx));
    assert.equal(tags, `${DECL}\n<Tagging xmlns="${NS}"><TagSet><Tag><Key>a</Key><Value>&lt;1&gt;</Value></Tag></TagSet></Tagging>`);
  });

  it("GetBucketAcl: xsi:type as an attribute with its namespace declared", async () => {
    const xml = await bodyText(codec.serializeOutput(s3.operations.GetBucketAcl!, {
      Owner: { ID: "o" },
      Grants: [{ Grantee: { Type: "CanonicalUser", ID: "o" }, Permission: "FULL_CONTROL" }],
    }, ctx));
    assert.match(xml, /<AccessControlList><Grant><Grantee xmlns:xsi="http:\/\/www\.w3\.org\/2001\/XMLSchema-instance" xsi:type="CanonicalUser"><ID>o<\/ID><\/Grantee><Permission>FULL_CONTROL<\/Permission><\/Grant><\/AccessControlList>/);
  });
});

describe("rest-xml errors", () => {
  it("S3: a bare <Error> with fields in order, request and host ids", async () => {
    const error = new AwsError("NoSuchKey", "The specified key does not exist.", 404, { Key: "a&<b>\r", BucketName: undefined, Extra: 3 });
    const response = codec.serializeError(error, ctx);
    assert.equal(response.status, 404);
    assert.equal(response.headers["content-type"], "application/xml");
    assert.equal(
      await bodyText(response),
      `${DECL}\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>a&amp;&lt;b&gt;&#13;</Key><Extra>3</Extra><RequestId>REQ1</RequestId><HostId>HOST1</HostId></Error>`,
    );
  });

  it("HEAD errors carry the status and no body", () => {
    const response = codec.serializeError(new AwsError("NoSuchKey", "gone", 404), { ...ctx, method: "HEAD" });
    assert.equal(response.status, 404);
    assert.equal(response.body, undefined);
  });

  it("other rest-xml services: <ErrorResponse><Error><Type>…", async () => {
    const wrapped = createRestXmlCodec(s3, {});
    const xml = await bodyText(wrapped.serializeError(new AwsError("InternalError", "boom", 500), ctx));
    assert.equal(
      xml,
      `${DECL}\n<ErrorResponse xmlns="${NS}"><Error><Type>Receiver</Type><Code>InternalError</Code><Message>boom</Message></Error><RequestId>REQ1</RequestId></ErrorResponse>`,
    );
  });
});
