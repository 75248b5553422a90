/** REST routing from the real S3 and Lambda models: templates, literals, required members, x-id. */
import assert from "node:assert/strict";
import type { IncomingHttpHeaders } from "node:http";
import { Readable } from "node:stream";
import { describe, it } from "node:test";
import { loadModel } from "../model.js";
import type { WireRequest } from "../types.js";
import { RestRouter } from "./router.js";

function request(method: string, target: string, headers: IncomingHttpHeaders = {}): WireRequest {
  const q = target.indexOf("?");
  const rawQuery = q < 0 ? "" : target.slice(q + 1);
  return { method, path: q < 0 ? target : target.slice(0, q), rawQuery, query: new URLSearchParams(rawQuery), headers, body: Readable.from([]) };
}

const copy = { "x-amz-copy-source": "/src/k" };

describe("RestRouter: S3", () => {
  const router = new RestRouter(loadModel("s3"));
  const cases: [string, string, IncomingHttpHeaders, string | undefined][] = [
    ["GET", "/", {}, "ListBuckets"],
    ["GET", "/?x-id=ListDirectoryBuckets", {}, "ListDirectoryBuckets"],
    ["PUT", "/b", {}, "CreateBucket"],
    ["PUT", "/b/", {}, "CreateBucket"],
    ["HEAD", "/b", {}, "HeadBucket"],
    ["HEAD", "/b/", {}, "HeadBucket"],
    ["DELETE", "/b", {}, "DeleteBucket"],
    ["GET", "/b", {}, "ListObjects"],
    ["GET", "/b/", {}, "ListObjects"],
    ["GET", "/b?prefix=a&marker=m", {}, "ListObjects"],
    ["GET", "/b?list-type=2", {}, "ListObjectsV2"],
    ["GET", "/b/?list-type=2&prefix=a&delimiter=%2F", {}, "ListObjectsV2"],
    ["GET", "/b?list-type=1", {}, "ListObjects"],
    ["GET", "/b?location", {}, "GetBucketLocation"],
    ["GET", "/b?acl", {}, "GetBucketAcl"],
    ["PUT", "/b?acl", {}, "PutBucketAcl"],
    ["GET", "/b?versioning", {}, "GetBucketVersioning"],
    ["GET", "/b?versions", {}, "ListObjectVersions"],
    ["GET", "/b?uploads", {}, "ListMultipartUploads"],
    ["GET", "/b?uploads&prefix=p", {}, "ListMultipartUploads"],
    ["GET", "/b?tagging", {}, "GetBucketTagging"],
    ["GET", "/b?policy", {}, "GetBucketPolicy"],
    ["PUT", "/b?policy", {}, "PutBucketPolicy"],
    ["DELETE", "/b?policy", {}, "DeleteBucketPolicy"],
    ["GET", "/b?policyStatus", {}, "GetBucketPolicyStatus"],
    ["GET", "/b?lifecycle", {}, "GetBucketLifecycleConfiguration"],
    ["PUT", "/b?lifecycle", {}, "PutBucketLifecycleConfiguration"],
    ["GET", "/b?notification", {}, "GetBucketNotificationConfiguration"],
    ["GET", "/b?analytics", {}, "ListBucketAnalyticsConfigurations"],
    ["GET", "/b?analytics&id=x", {}, "GetBucketAnalyticsConfiguration"],
    ["POST", "/b?delete", {}, "DeleteObjects"],
    ["POST", "/b?delete&x-id=DeleteObjects", {}, "DeleteObjects"],
    ["PUT", "/b/k", {}, "PutObject"],
    ["PUT", "/b/k?x-id=PutObject", {}, "PutObject"],
    ["PUT", "/b/a/b/c.txt", {}, "PutObject"],
    ["PUT", "/b/dir/", {}, "PutObject"],
    ["PUT", "/b/k", copy, "CopyObject"],
    ["PUT", "/b/k?x-id=CopyObject", copy, "CopyObject"],
    ["PUT", "/b/k?partNumber=1&uploadId=u", {}, "UploadPart"],
    ["PUT", "/b/k?x-id=UploadPart&partNumber=1&uploadId=u", {}, "UploadPart"],
    ["PUT", "/b/k?partNumber=1&uploadId=u", copy, "UploadPartCopy"],
    ["PUT", "/b/k?partNumber=1", {}, "PutObject"],
    ["POST", "/b/k?uploads", {}, "CreateMultipartUpload"],
    ["POST", "/b/k?uploadId=u", {}, "CompleteMultipartUpload"],
    ["GET", "/b/k?uploadId=u", {}, "ListParts"],
    ["GET", "/b/k?uploadId=u&max-parts=2", {}, "ListParts"],
    ["DELETE", "/b/k?uploadId=u", {}, "AbortMultipartUpload"],
    ["GET", "/b/k", {}, "GetObject"],
    ["GET", "/b/k?partNumber=1", {}, "GetObject"],
    ["GET", "/b/k?versionId=v&response-content-type=text%2Fplain", {}, "GetObject"],
    ["GET", "/b/k?x-id=GetObject", {}, "GetObject"],
    ["GET", "/b/k?acl", {}, "GetObjectAcl"],
    ["GET", "/b/k?tagging", {}, "GetObjectTagging"],
    ["PUT", "/b/k?tagging", {}, "PutObjectTagging"],
    ["DELETE", "/b/k?tagging", {}, "DeleteObjectTagging"],
    ["GET", "/b/k?attributes", { "x-amz-object-attributes": "ETag" }, "GetObjectAttributes"],
    ["GET", "/b/k?attributes", {}, "GetObjectAttributes"],
    ["HEAD", "/b/k", {}, "HeadObject"],
    ["HEAD", "/b/k?partNumber=1", {}, "HeadObject"],
    ["DELETE", "/b/k", {}, "DeleteObject"],
    ["DELETE", "/b/k?versionId=v", {}, "DeleteObject"],
    ["POST", "/b/k?restore", {}, "RestoreObject"],
    ["POST", "/b/k?select&select-type=2", {}, "SelectObjectContent"],
    // A sub-resource the method's operations do not serve is none of them (never a DeleteBucket for `DELETE /b?acl`).
    ["POST", "/b/k?select", {}, undefined],
    ["DELETE", "/b?acl", {}, undefined],
    ["DELETE", "/b/k?acl", {}, undefined],
    ["PUT", "/b/k?attributes", {}, undefined],
    ["PUT", "/b?versions", {}, undefined],
    ["POST", "/b/k", {}, "CompleteMultipartUpload"],
    ["POST", "/b", {}, undefined],
    ["PATCH", "/b/k", {}, undefined],
    ["HEAD", "/", {}, undefined],
    ["GET", "/b/k%ZZ", {}, undefined],
    ["GET", "/b%ZZ", {}, undefined],
    ["GET", "relative", {}, undefined],
  ];
  for (const [method, target, headers, expected] of cases) {
    const label = `${method} ${target}${Object.keys(headers).map((h) => ` +${h}`).join("")}`;
    it(`${label} → ${expected ?? "no match"}`, () => {
      assert.equal(router.match(request(method, target, headers))?.op.name, expected);
    });
  }

  it("decodes labels: one segment for a plain label, the remainder (slashes kept) for a greedy one", () => {
    const match = router.match(request("GET", "/my-bucket/a%20b/c%2Fd/%E2%9C%93%26%3C%0D+/"));
    assert.equal(match?.op.name, "GetObject");
    assert.deepEqual(match?.labels, { Bucket: "my-bucket", Key: "a b/c/d/✓&<\r+/" });
    assert.deepEqual(router.match(request("GET", "/b//k"))?.labels, { Bucket: "b", Key: "/k" });
    assert.deepEqual(router.match(request("GET", "/b/%20lead%20and%20trail%20"))?.labels, { Bucket: "b", Key: " lead and trail " });
  });

  it("lets an x-id literal pick among matching operations, never force a non-matching one", () => {
    assert.equal(router.match(request("GET", "/b/k?uploadId=u&x-id=GetObject"))?.op.name, "GetObject");
    assert.equal(router.match(request("PUT", "/b/k?x-id=UploadPart"))?.op.name, "PutObject", "UploadPart needs its uploadId");
    assert.equal(router.match(request("GET", "/b/k?x-id=Nonsense"))?.op.name, "GetObject");
  });
});

describe("RestRouter: Lambda", () => {
  const router = new RestRouter(loadModel("lambda"));
  const cases: [string, string, string | undefined][] = [
    ["GET", "/2015-03-31/functions", "ListFunctions"],
    ["GET", "/2015-03-31/functions/", "ListFunctions"],
    ["POST", "/2015-03-31/functions", "CreateFunction"],
    ["GET", "/2015-03-31/functions/fn", "GetFunction"],
    ["GET", "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Afn", "GetFunction"],
    ["GET", "/2015-03-31/functions/fn/configuration", "GetFunctionConfiguration"],
    ["POST", "/2015-03-31/functions/fn/invocations", "Invoke"],
    ["DELETE", "/2015-03-31/functions/fn/policy/sid", "RemovePermission"],
    ["GET", "/2018-10-31/layers", "ListLayers"],
    ["GET", "/2018-10-31/layers?find=LayerVersion&Arn=x", "GetLayerVersionByArn"],
    ["GET", "/2018-10-31/layers?find=Other", "ListLayers"],
    ["GET", "/2019-09-30/functions/fn/provisioned-concurrency?List=ALL", "ListProvisionedConcurrencyConfigs"],
    ["GET", "/2019-09-30/functions/fn/provisioned-concurrency?Qualifier=1", "GetProvisionedConcurrencyConfig"],
    ["DELETE", "/2017-03-31/tags/arn?tagKeys=a&tagKeys=b", "UntagResource"],
    ["DELETE", "/2017-03-31/tags/arn", "UntagResource"],
    ["GET", "/2015-03-31/functions/fn/extra/segments", undefined],
    ["GET", "/2015-03-31/nothing", undefined],
  ];
  for (const [method, target, expected] of cases) {
    it(`${method} ${target} → ${expected ?? "no match"}`, () => {
      assert.equal(router.match(request(method, target))?.op.name, expected);
    });
  }

  it("decodes a percent-encoded ARN label", () => {
    const match = router.match(request("GET", "/2017-03-31/tags/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Afn"));
    assert.equal(match?.op.name, "ListTags");
    assert.equal(match?.labels.Resource, "arn:aws:lambda:us-east-1:000000000000:function:fn");
  });
});
