/**
 * A request signed for a service Nimbus does not have (SQS, Lambda,
 * CloudFormation...): answered 501 NotImplemented, naming the service and
 * the operation, in the protocol the caller speaks, so that an SDK or the
 * CLI shows that error rather than whatever S3, the default route, would
 * make of it.
 */
import type { IncomingMessage } from "node:http";
import { escapeText } from "../protocols/shared/xml.js";
import type { WireResponse } from "../protocols/types.js";

/**
 * REST services whose SDKs read XML errors (`<ErrorResponse>`), not JSON:
 * S3 Object Lambda's is S3's own WriteGetObjectResponse, sent by S3's SDK.
 */
const REST_XML_SERVICES: ReadonlySet<string> = new Set(["route53", "cloudfront", "s3-outposts", "s3-object-lambda"]);

/** A form body (query protocol) is kept this far when looking for its `Action`. */
const MAX_FORM_BYTES = 64 * 1024;

export async function unsupportedService(req: IncomingMessage, rawQuery: string, service: string, requestId: string): Promise<WireResponse> {
  const target = header(req, "x-amz-target");
  const contentType = header(req, "content-type") ?? "";
  const form = contentType.startsWith("application/x-www-form-urlencoded");
  const action = target?.slice(target.lastIndexOf(".") + 1) || new URLSearchParams(rawQuery).get("Action") || (form ? await formAction(req) : undefined);
  const message = action
    ? `The ${action} operation of ${service} is not supported by Nimbus yet.`
    : `The ${service} service is not supported by Nimbus yet (${req.method ?? "GET"} ${(req.url ?? "/").split("?")[0]}).`;
  const head = req.method === "HEAD";
  if (target !== undefined) {
    // json 1.0 / 1.1, as the target names the operation.
    const type = contentType.startsWith("application/x-amz-json") ? contentType : "application/x-amz-json-1.1";
    return json(type, { __type: "NotImplemented", message }, requestId, head);
  }
  if (form || REST_XML_SERVICES.has(service)) {
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse><Error><Type>Sender</Type><Code>NotImplemented</Code><Message>${escapeText(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
    return { status: 501, headers: { "content-type": "text/xml", "x-amzn-requestid": requestId }, body: head ? undefined : body };
  }
  // REST services: most speak JSON, and read the code from this header.
  return json("application/json", { message }, requestId, head);
}

function json(contentType: string, document: object, requestId: string, head: boolean): WireResponse {
  return {
    status: 501,
    headers: { "content-type": contentType, "x-amzn-errortype": "NotImplemented", "x-amzn-requestid": requestId },
    body: head ? undefined : JSON.stringify(document),
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === "string" ? value : undefined;
}

/** The `Action` of a form body, read whole (draining it) but kept only up to a limit. */
function formAction(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      if (size >= MAX_FORM_BYTES) return;
      chunks.push(chunk);
      size += chunk.length;
    });
    req.on("end", () => resolve(new URLSearchParams(Buffer.concat(chunks).toString("utf8")).get("Action") ?? undefined));
    req.on("error", () => resolve(undefined));
  });
}
