/**
 * Signature Version 2, S3's legacy scheme, still what boto3 presigns with
 * by default: `Authorization: AWS AKID:signature`, or `AWSAccessKeyId`,
 * `Signature` and `Expires` in the query. HMAC-SHA1 over the method, a few
 * headers, the x-amz-* headers and the bucket/key resource.
 */
import { createHmac } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { header } from "./sigv4.js";
import { asWireText, trimSpaces } from "./wire.js";
import { queryPairs } from "./uri.js";

/** Query parameters that are part of the signed resource (botocore's list). */
const SIGNED_SUBRESOURCES = new Set([
  "accelerate", "acl", "cors", "defaultObjectAcl", "location", "logging", "partNumber", "policy", "requestPayment",
  "torrent", "versioning", "versionId", "versions", "website", "uploads", "uploadId", "response-content-type",
  "response-content-language", "response-expires", "response-cache-control", "response-content-disposition",
  "response-content-encoding", "delete", "lifecycle", "tagging", "restore", "storageClass", "notification",
  "replication", "analytics", "metrics", "inventory", "select", "select-type", "object-lock",
]);

export interface V2Input {
  method: string;
  path: string;
  rawQuery: string;
  headers: IncomingHttpHeaders;
  virtualHostBucket?: string;
}

/**
 * The string to sign. `date` is the Date header for header auth (empty
 * when x-amz-date is sent) or the Expires value for query auth.
 */
export function stringToSignV2(req: V2Input, date: string, bucketRootSlash = false): string {
  const amzHeaders = Object.keys(req.headers)
    .filter((name) => name.startsWith("x-amz-"))
    .sort()
    .map((name) => {
      const value = req.headers[name];
      return `${name}:${trimSpaces(Array.isArray(value) ? value.join(",") : (value ?? ""))}\n`;
    })
    .join("");
  return `${req.method}\n${header(req.headers, "content-md5") ?? ""}\n${header(req.headers, "content-type") ?? ""}\n${date}\n${amzHeaders}${canonicalResource(req, bucketRootSlash)}`;
}

/**
 * A path-style request for a bucket itself names it `/bucket`, and botocore
 * signs it as `/bucket/`: S3 takes either, so the second form is checked
 * when the first fails.
 */
export function isPathStyleBucketRoot(req: V2Input): boolean {
  return req.virtualHostBucket === undefined && /^\/[^/]+$/.test(req.path);
}

function canonicalResource(req: V2Input, bucketRootSlash: boolean): string {
  const base = req.virtualHostBucket === undefined ? req.path : `/${req.virtualHostBucket}${req.path}`;
  const path = bucketRootSlash ? `${base}/` : base;
  const subresources = queryPairs(req.rawQuery)
    .filter(([name]) => SIGNED_SUBRESOURCES.has(name))
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([name, value]) => (value === "" ? name : `${name}=${asWireText(value)}`));
  return subresources.length === 0 ? path : `${path}?${subresources.join("&")}`;
}

export function signatureV2(secret: string, stringToSign: string): string {
  // Header values in the text are Latin-1 text standing for the bytes received (see wireBytes).
  return createHmac("sha1", secret).update(stringToSign, "latin1").digest("base64");
}
