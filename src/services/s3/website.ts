/**
 * Static website hosting: the website configuration PutBucketWebsite takes,
 * and the website endpoint (`<bucket>.s3-website.localhost`) that serves a
 * bucket's publicly readable objects as S3's does — index documents,
 * redirects (whole-site, routing rules, per object), the custom error
 * document, and S3's HTML error pages.
 */
import type { WireResponse } from "../../protocols/types.js";
import type { WebsiteRequest } from "../../server/service.js";
import { AwsError } from "../../server/errors.js";
import { checkReadConditions, parseRange } from "./conditions.js";
import { s3Errors } from "./errors.js";
import { bucketArn, objectArn } from "./names.js";
import { mailSafe } from "../../protocols/shared/mail-safe.js";
import { headersToOutput } from "./object-headers.js";
import { readable } from "./operations/object.js";
import type { ObjectRecord } from "./records.js";
import type { S3Store } from "./store.js";

export interface RoutingRule {
  Condition?: { HttpErrorCodeReturnedEquals?: string; KeyPrefixEquals?: string };
  Redirect?: { HostName?: string; HttpRedirectCode?: string; Protocol?: string; ReplaceKeyPrefixWith?: string; ReplaceKeyWith?: string };
}

export interface WebsiteConfiguration {
  ErrorDocument?: { Key?: string };
  IndexDocument?: { Suffix?: string };
  RedirectAllRequestsTo?: { HostName?: string; Protocol?: string };
  RoutingRules?: RoutingRule[];
}

const MAX_ROUTING_RULES = 50;
const REDIRECT_CODES: ReadonlySet<string> = new Set(["301", "302", "303", "304", "305", "307", "308"]);

/** Checks a website configuration as S3 does. */
export function validateWebsite(config: WebsiteConfiguration): WebsiteConfiguration {
  if (config.RedirectAllRequestsTo !== undefined) {
    if (config.IndexDocument !== undefined || config.ErrorDocument !== undefined || config.RoutingRules !== undefined) {
      throw s3Errors.invalidArgument("RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules.", "RedirectAllRequestsTo", "not null");
    }
    if (!config.RedirectAllRequestsTo.HostName) throw s3Errors.malformedXml();
    checkProtocol(config.RedirectAllRequestsTo.Protocol);
    return config;
  }
  if (config.IndexDocument === undefined) {
    throw s3Errors.invalidArgument("A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty", "IndexDocument", "null");
  }
  const suffix = config.IndexDocument.Suffix;
  if (suffix === undefined || suffix === "" || suffix.includes("/")) throw s3Errors.invalidArgument("The IndexDocument Suffix is not well formed", "IndexDocument", suffix ?? "");
  if (config.ErrorDocument !== undefined) {
    const key = config.ErrorDocument.Key;
    if (key === undefined) throw s3Errors.malformedXml();
    if (key === "") throw s3Errors.invalidArgument("The ErrorDocument Key is not well formed", "ErrorDocument", key);
  }
  const rules = config.RoutingRules;
  if (rules !== undefined) {
    if (rules.length === 0) throw s3Errors.malformedXml();
    if (rules.length > MAX_ROUTING_RULES) {
      throw s3Errors.invalidRequest(`${rules.length} routing rules provided, the number of routing rules in a website configuration is limited to ${MAX_ROUTING_RULES}.`);
    }
    for (const rule of rules) {
      const { Condition: condition, Redirect: redirect } = rule;
      if (!redirect) throw s3Errors.malformedXml();
      if (condition !== undefined && condition.KeyPrefixEquals === undefined && condition.HttpErrorCodeReturnedEquals === undefined) {
        throw s3Errors.invalidRequest("Condition cannot be empty. To redirect all requests without a condition, the condition element shouldn't be present.");
      }
      const errorCode = condition?.HttpErrorCodeReturnedEquals;
      if (errorCode !== undefined && !/^[45]\d\d$/.test(errorCode)) {
        throw s3Errors.invalidRequest(`The provided HTTP error code (${errorCode}) is not valid. Valid codes are 4XX or 5XX.`);
      }
      checkProtocol(redirect.Protocol);
      if (redirect.ReplaceKeyPrefixWith !== undefined && redirect.ReplaceKeyWith !== undefined) {
        throw s3Errors.invalidRequest("You can only define ReplaceKeyPrefix or ReplaceKey but not both.");
      }
      const code = redirect.HttpRedirectCode;
      if (code !== undefined && !REDIRECT_CODES.has(code)) {
        throw s3Errors.invalidRequest(`The provided HTTP redirect code (${code}) is not valid. Valid codes are 3XX except 300.`);
      }
    }
  }
  return config;
}

function checkProtocol(protocol: string | undefined): void {
  if (protocol !== undefined && protocol !== "http" && protocol !== "https") {
    throw s3Errors.invalidRequest("Invalid protocol, protocol can be http or https. If not defined the protocol will be selected automatically.");
  }
}

/** A website answer's failure: S3's error, as the endpoint words it in HTML. */
class WebsiteError {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly message: string,
    readonly detail: Record<string, string> = {},
  ) {}
}

const TITLES: Record<number, string> = { 302: "302 Moved Temporarily", 403: "403 Forbidden", 404: "404 Not Found", 405: "405 Method Not Allowed", 412: "412 Precondition Failed", 416: "416 Requested Range Not Satisfiable" };

/** Serves one request to a bucket's website endpoint. */
export async function serveWebsite(store: S3Store, req: WebsiteRequest): Promise<WireResponse> {
  const head = req.method === "HEAD";
  const bucket = store.bucket(req.bucket);
  if (!bucket) return errorPage(new WebsiteError(404, "NoSuchBucket", "The specified bucket does not exist", { BucketName: req.bucket }), req, head);
  // "Requester Pays buckets do not allow access through the website endpoint" (WebsiteEndpoints.html): its requests are anonymous.
  if (bucket.requestPayer === "Requester") return errorPage(new WebsiteError(403, "AccessDenied", "Access Denied"), req, head);
  const config = bucket.website;
  if (!config) {
    return errorPage(new WebsiteError(404, "NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration", { BucketName: req.bucket }), req, head);
  }
  if (req.method !== "GET" && !head) {
    return errorPage(new WebsiteError(405, "MethodNotAllowed", "The specified method is not allowed against this resource.", { Method: req.method, ResourceType: "OBJECT" }), req, head);
  }
  const all = config.RedirectAllRequestsTo;
  if (all) return redirect(301, `${all.Protocol ?? "http"}://${all.HostName}${req.path}`);

  let key: string;
  try {
    key = decodeURIComponent(req.path.slice(1));
  } catch {
    key = req.path.slice(1);
  }
  const rules = config.RoutingRules ?? [];
  // Rules that ask for no error code apply before anything is looked up.
  const early = rules.find((rule) => rule.Condition?.HttpErrorCodeReturnedEquals === undefined && key.startsWith(rule.Condition?.KeyPrefixEquals ?? ""));
  if (early) return ruleRedirect(early, key, req);

  const suffix = config.IndexDocument?.Suffix ?? "index.html";
  const wanted = key === "" || key.endsWith("/") ? `${key}${suffix}` : key;
  const found = lookup(store, req, wanted);
  if (found instanceof WebsiteError) {
    // `/dir` names a folder whose index exists: S3 sends the browser to `/dir/`.
    // S3 words it as an error page, "302 Moved Temporarily" with Code Found, and names it in headers too.
    if (wanted === key && store.object(req.bucket, key) === undefined && !(lookup(store, req, `${key}/${suffix}`) instanceof WebsiteError)) {
      const found = new WebsiteError(302, "Found", "Resource Found");
      const page = errorPage(found, req, head);
      Object.assign(page.headers, errorHeaders(found), { location: `/${encodePath(key)}/` });
      return page;
    }
    return failure(store, req, found, key, config.ErrorDocument?.Key, head);
  }
  if (found.websiteRedirectLocation !== undefined) return redirect(301, found.websiteRedirectLocation);
  const unmet = unmetCondition(req, found);
  // A failed precondition is an error like any other: a routing rule's, the error document's, or S3's page.
  if (unmet instanceof WebsiteError) return failure(store, req, unmet, key, config.ErrorDocument?.Key, head);
  return unmet ?? objectResponse(store, found, req, head, 200);
}

/** A conditional read's answer when its condition fails: 304 Not Modified, or the 412 error. */
function unmetCondition(req: WebsiteRequest, record: ObjectRecord): WireResponse | WebsiteError | undefined {
  try {
    checkReadConditions(
      {
        IfMatch: header(req, "if-match"),
        IfNoneMatch: header(req, "if-none-match"),
        IfModifiedSince: dateHeader(req, "if-modified-since"),
        IfUnmodifiedSince: dateHeader(req, "if-unmodified-since"),
      },
      record,
      req.now(),
    );
    return undefined;
  } catch (error) {
    if (!(error instanceof AwsError)) throw error;
    if (error.status === 304) return { status: 304, headers: { etag: record.etag } };
    if (error.status !== 412) throw error;
    return new WebsiteError(412, error.code, error.message, detailOf(error));
  }
}

function detailOf(error: AwsError): Record<string, string> {
  return Object.fromEntries(Object.entries(error.fields ?? {}).map(([name, value]) => [name, String(value)]));
}

/**
 * An object anonymous callers may read, or the error the endpoint answers
 * instead. A missing key is told as missing to callers a bucket policy
 * lets read it, and to those who may list the bucket (a public-read
 * bucket ACL, whose objects' own ACLs grant the reads); to others it is denied.
 */
function lookup(store: S3Store, req: WebsiteRequest, key: string): ObjectRecord | WebsiteError {
  const record = store.object(req.bucket, key);
  const mayRead = req.allowed("s3:GetObject", objectArn(req.bucket, key));
  if (!record) {
    return mayRead || req.allowed("s3:ListBucket", bucketArn(req.bucket))
      ? new WebsiteError(404, "NoSuchKey", "The specified key does not exist.", { Key: key })
      : new WebsiteError(403, "AccessDenied", "Access Denied");
  }
  if (!mayRead) return new WebsiteError(403, "AccessDenied", "Access Denied");
  // A website request cannot present a customer key, so an object stored with one is never served.
  if (record.sseCustomerKeyMd5 !== undefined) {
    return new WebsiteError(400, "InvalidRequest", "The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.");
  }
  // Nor can it be signed: an object under a KMS key is read only with Signature Version 4.
  if (record.kms !== undefined) return new WebsiteError(400, "InvalidArgument", "Requests specifying Server Side Encryption with AWS KMS managed keys require AWS Signature Version 4.");
  // An archived object is served only while a restored copy lasts, as GetObject reads it.
  if (!readable(record, req.now())) {
    return new WebsiteError(403, "InvalidObjectState", "The operation is not valid for the object's storage class", record.storageClass ? { StorageClass: record.storageClass } : {});
  }
  return record;
}

/** An error: a routing rule for its code, else the error document (with the error's status), else S3's page. */
function failure(store: S3Store, req: WebsiteRequest, error: WebsiteError, key: string, errorDocument: string | undefined, head: boolean): WireResponse {
  const websiteRules = store.bucket(req.bucket)?.website?.RoutingRules ?? [];
  const rule = websiteRules.find(
    (r) => r.Condition?.HttpErrorCodeReturnedEquals === String(error.status) && key.startsWith(r.Condition.KeyPrefixEquals ?? ""),
  );
  if (rule) return ruleRedirect(rule, key, req);
  if (errorDocument === undefined) return errorPage(error, req, head);
  const document = lookup(store, req, errorDocument);
  if (document instanceof WebsiteError) return errorPage(error, req, head, document);
  if (document.websiteRedirectLocation !== undefined) return redirect(301, document.websiteRedirectLocation);
  // The document's body tells the error to a reader; its headers tell it to a program.
  const served = objectResponse(store, document, req, head, error.status);
  Object.assign(served.headers, errorHeaders(error));
  return served;
}

function ruleRedirect(rule: RoutingRule, key: string, req: WebsiteRequest): WireResponse {
  const r = rule.Redirect ?? {};
  const prefix = rule.Condition?.KeyPrefixEquals ?? "";
  const target = r.ReplaceKeyWith ?? (r.ReplaceKeyPrefixWith !== undefined ? r.ReplaceKeyPrefixWith + key.slice(prefix.length) : key);
  const host = r.HostName ?? String(req.headers.host ?? "");
  return redirect(Number(r.HttpRedirectCode ?? 301), `${r.Protocol ?? "http"}://${host}/${encodePath(target)}`);
}

function redirect(status: number, location: string): WireResponse {
  return { status, headers: { location, "content-length": "0" } };
}

function objectResponse(store: S3Store, record: ObjectRecord, req: WebsiteRequest, head: boolean, status: number): WireResponse {
  // A satisfiable range of an object served as itself answers 206, as GetObject's does; another, S3's 416 page.
  let range: ReturnType<typeof parseRange>;
  try {
    range = status === 200 ? parseRange(header(req, "range"), record.size) : undefined;
  } catch (error) {
    if (!(error instanceof AwsError) || error.code !== "InvalidRange") throw error;
    return errorPage(new WebsiteError(error.status, error.code, error.message, detailOf(error)), req, head);
  }
  const output = headersToOutput(record);
  const headers: Record<string, string> = {
    "content-type": String(output.ContentType),
    etag: record.etag,
    "last-modified": new Date(record.lastModified).toUTCString(),
    "content-length": String(range ? range.end - range.start + 1 : record.size),
    "accept-ranges": "bytes",
  };
  if (range) headers["content-range"] = `bytes ${range.start}-${range.end}/${record.size}`;
  for (const [name, value] of Object.entries(record.metadata)) headers[`x-amz-meta-${name}`] = mailSafe(value);
  if (record.cacheControl !== undefined) headers["cache-control"] = record.cacheControl;
  if (record.contentEncoding !== undefined) headers["content-encoding"] = record.contentEncoding;
  if (record.contentDisposition !== undefined) headers["content-disposition"] = record.contentDisposition;
  if (record.contentLanguage !== undefined) headers["content-language"] = record.contentLanguage;
  if (record.expires !== undefined) headers.expires = record.expires;
  return { status: range ? 206 : status, headers, body: head ? undefined : store.responseBody(record, range) };
}

/** S3's HTML error page; a HEAD answers its code in headers instead. */
function errorPage(error: WebsiteError, req: WebsiteRequest, head: boolean, documentError?: WebsiteError): WireResponse {
  if (head) return { status: error.status, headers: errorHeaders(error) };
  const title = TITLES[error.status] ?? String(error.status);
  const items = (e: WebsiteError, ids: boolean) =>
    [
      `<li>Code: ${e.code}</li>`,
      `<li>Message: ${e.message}</li>`,
      ...Object.entries(e.detail).map(([name, value]) => `<li>${name}: ${escapeHtml(value)}</li>`),
      ...(ids ? [`<li>RequestId: ${req.requestId}</li>`, `<li>HostId: ${req.requestId}</li>`] : []),
    ].join("\n");
  const nested = documentError
    ? `\n<h3>An Error Occurred While Attempting to Retrieve a Custom Error Document</h3>\n<ul>\n${items(documentError, false)}\n</ul>`
    : "";
  const body = `<html>\n<head><title>${title}</title></head>\n<body>\n<h1>${title}</h1>\n<ul>\n${items(error, true)}\n</ul>${nested}\n<hr/>\n</body>\n</html>\n`;
  return { status: error.status, headers: { "content-type": "text/html; charset=utf-8" }, body };
}

/** An error told in headers: `x-amz-error-code`, `x-amz-error-message` and a `x-amz-error-detail-` one for each detail. */
function errorHeaders(error: WebsiteError): Record<string, string> {
  const headers: Record<string, string> = { "x-amz-error-code": error.code, "x-amz-error-message": error.message };
  for (const [name, value] of Object.entries(error.detail)) headers[`x-amz-error-detail-${name}`] = value;
  return headers;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : "&quot;"));
}

/** A key as a URL path: each segment percent-encoded, slashes kept. */
function encodePath(key: string): string {
  return key.split("/").map(encodeURIComponent).join("/");
}

function header(req: WebsiteRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function dateHeader(req: WebsiteRequest, name: string): Date | undefined {
  const value = header(req, name);
  const time = value === undefined ? NaN : Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time);
}
