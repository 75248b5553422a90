/**
 * Cross-origin requests to AWS's JSON services (DynamoDB and its Streams):
 * unlike S3's per-bucket rules, every origin is allowed. Any request with
 * an `Origin` gets `Access-Control-Allow-Origin: *` and the response
 * headers a browser may read; a preflight (`OPTIONS`) is answered at once,
 * allowing the method and headers it asks for, for two days.
 */
import type { CrossOrigin, CrossOriginRequest } from "./service.js";

const EXPOSED = "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date";
const MAX_AGE_SECONDS = "172800";

export function anyOriginCors(req: CrossOriginRequest): CrossOrigin | undefined {
  if (req.headers.origin === undefined) return undefined;
  const headers: Record<string, string> = { "access-control-allow-origin": "*", "access-control-expose-headers": EXPOSED };
  if (req.method !== "OPTIONS") return { headers };
  headers["access-control-max-age"] = MAX_AGE_SECONDS;
  const method = req.headers["access-control-request-method"];
  if (typeof method === "string") headers["access-control-allow-methods"] = method;
  const requested = req.headers["access-control-request-headers"];
  if (typeof requested === "string") headers["access-control-allow-headers"] = requested;
  headers["content-length"] = "0";
  return { preflight: { status: 200, headers } };
}
