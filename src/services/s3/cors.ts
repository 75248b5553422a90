/**
 * Bucket CORS as S3 applies it: the rules PutBucketCors takes, the
 * anonymous OPTIONS preflight, and the headers an actual request from an
 * allowed origin gets on its answer, whatever its status. The first rule
 * whose origin, method and requested headers all match is the one used.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { WireResponse } from "../../protocols/types.js";
import { AwsError } from "../../server/errors.js";
import type { CrossOrigin, CrossOriginRequest } from "../../server/service.js";
import { s3Errors } from "./errors.js";
import type { CorsRule } from "./records.js";
import type { S3Store } from "./store.js";

/** The methods a rule may allow, spelt exactly so. */
const METHODS: ReadonlySet<string> = new Set(["GET", "PUT", "HEAD", "POST", "DELETE"]);
const MAX_RULES = 100;
/** What every matched answer varies by. */
const VARY = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method";

/** Checks a configuration as S3 does, one rule at a time, the first fault answered. */
export function validateCorsRules(rules: readonly Partial<CorsRule>[]): CorsRule[] {
  if (rules.length === 0) throw s3Errors.malformedXml();
  if (rules.length > MAX_RULES) throw s3Errors.invalidRequest(`The number of CORS rules should not exceed allowed limit of ${MAX_RULES} rules.`);
  return rules.map((rule) => {
    const origins = rule.AllowedOrigins ?? [];
    const methods = rule.AllowedMethods ?? [];
    if (origins.length === 0) throw s3Errors.malformedXml();
    for (const origin of origins) {
      if (wildcards(origin) > 1) throw s3Errors.invalidRequest(`AllowedOrigin "${origin}" can not have more than one wildcard.`);
    }
    if (methods.length === 0) throw s3Errors.malformedXml();
    const unsupported = methods.find((m) => !METHODS.has(m));
    if (unsupported !== undefined) throw s3Errors.invalidRequest(`Found unsupported HTTP method in CORS config. Unsupported method is ${unsupported}`);
    for (const header of rule.AllowedHeaders ?? []) {
      if (wildcards(header) > 1) throw s3Errors.invalidRequest(`AllowedHeader "${header}" can not have more than one wildcard.`);
    }
    for (const header of rule.ExposeHeaders ?? []) {
      if (header.includes("*")) throw s3Errors.invalidRequest(`ExposeHeader "${header}" contains wildcard. We currently do not support wildcard for ExposeHeader.`);
    }
    return { ...rule, AllowedOrigins: origins, AllowedMethods: methods };
  });
}

function wildcards(text: string): number {
  return text.split("*").length - 1;
}

/**
 * S3's part in a cross-origin request: the answer to a preflight, or the
 * headers an actual request from an allowed origin adds to its answer.
 * Nothing for a request without an Origin, or whose origin no rule allows:
 * such a request is served as any other.
 */
export function crossOrigin(store: S3Store, req: CrossOriginRequest): CrossOrigin | undefined {
  const origin = header(req.headers, "origin");
  const requestedMethod = header(req.headers, "access-control-request-method");
  const requestedHeaders = headerList(req.headers["access-control-request-headers"]);
  const { bucket, key } = target(req);
  if (req.method === "OPTIONS") {
    if (origin === undefined) throw new AwsError("BadRequest", "Insufficient information. Origin request header needed.", 400);
    const method = requestedMethod ?? "OPTIONS";
    const record = bucket === undefined ? undefined : store.bucket(bucket);
    if (!record) throw forbidden("CORSResponse: Bucket not found", method, "BUCKET");
    if (!record.cors) throw forbidden("CORSResponse: CORS is not enabled for this bucket.", method, "BUCKET");
    // A method no rule could allow, spelt otherwise (`get`) or not S3's (`PATCH`, `OPTIONS`), is no question to answer.
    if (requestedMethod === undefined || !METHODS.has(requestedMethod)) {
      throw new AwsError("BadRequest", `Invalid Access-Control-Request-Method: ${requestedMethod ?? "null"}`, 400);
    }
    const rule = matchingRule(record.cors, origin, requestedMethod, requestedHeaders);
    if (!rule) {
      throw forbidden(
        "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
        requestedMethod,
        key ? "OBJECT" : "BUCKET",
      );
    }
    const answer: WireResponse = { status: 200, headers: { ...allowHeaders(rule, origin, requestedHeaders), "content-length": "0" } };
    return { preflight: answer };
  }
  if (origin === undefined || bucket === undefined) return undefined;
  const rules = store.bucket(bucket)?.cors;
  const rule = rules && matchingRule(rules, origin, requestedMethod ?? req.method, requestedHeaders);
  // An actual request never gets Access-Control-Allow-Headers.
  return rule ? { headers: allowHeaders(rule, origin, []) } : undefined;
}

function forbidden(message: string, method: string, resourceType: "BUCKET" | "OBJECT"): AwsError {
  return new AwsError("AccessForbidden", message, 403, { Method: method, ResourceType: resourceType });
}

/** The bucket and key a request names, by virtual host or path; ListBuckets names none. */
function target(req: CrossOriginRequest): { bucket?: string; key: string } {
  const path = req.path.startsWith("/") ? req.path.slice(1) : req.path;
  if (req.virtualHostBucket !== undefined) return { bucket: req.virtualHostBucket, key: path };
  const slash = path.indexOf("/");
  const name = slash < 0 ? path : path.slice(0, slash);
  try {
    return { bucket: name === "" ? undefined : decodeURIComponent(name), key: slash < 0 ? "" : path.slice(slash + 1) };
  } catch {
    return { key: "" };
  }
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text === "" ? undefined : text;
}

/** `Access-Control-Request-Headers`: names, lower-cased, in the order asked. */
function headerList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value.join(",") : value)
    .split(",")
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== "");
}

function matchingRule(rules: readonly CorsRule[], origin: string, method: string, requestedHeaders: readonly string[]): CorsRule | undefined {
  return rules.find(
    (rule) =>
      rule.AllowedOrigins.some((pattern) => globMatch(pattern, origin)) &&
      rule.AllowedMethods.includes(method) &&
      requestedHeaders.every((name) => (rule.AllowedHeaders ?? []).some((pattern) => globMatch(pattern.toLowerCase(), name))),
  );
}

/** A pattern with at most one `*`, which stands for any run of characters, none included. */
function globMatch(pattern: string, text: string): boolean {
  const star = pattern.indexOf("*");
  if (star < 0) return pattern === text;
  const head = pattern.slice(0, star);
  const tail = pattern.slice(star + 1);
  return text.length >= head.length + tail.length && text.startsWith(head) && text.endsWith(tail);
}

function allowHeaders(rule: CorsRule, origin: string, requestedHeaders: readonly string[]): Record<string, string> {
  const anyOrigin = rule.AllowedOrigins.includes("*");
  const headers: Record<string, string> = { "access-control-allow-origin": anyOrigin ? "*" : origin };
  if (!anyOrigin) headers["access-control-allow-credentials"] = "true";
  headers["access-control-allow-methods"] = rule.AllowedMethods.join(", ");
  if (requestedHeaders.length > 0) headers["access-control-allow-headers"] = requestedHeaders.join(", ");
  if (rule.ExposeHeaders?.length) headers["access-control-expose-headers"] = rule.ExposeHeaders.join(", ");
  if (rule.MaxAgeSeconds !== undefined) headers["access-control-max-age"] = String(rule.MaxAgeSeconds);
  headers.vary = VARY;
  return headers;
}
