/** SigV4-signs a request once, for replay. */
import { createHash } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import { NodeSha256 } from "../../test/support/raw.js";
import type { Replay } from "./load.js";

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export async function signS3(origin: string, credentials: Credentials, method: string, path: string, query: Record<string, string> = {}, body?: Buffer): Promise<Replay> {
  const url = new URL(origin);
  const signer = new SignatureV4({ service: "s3", region: "us-east-1", credentials, sha256: NodeSha256, uriEscapePath: false });
  const headers: Record<string, string> = {
    host: url.host,
    "x-amz-content-sha256": createHash("sha256").update(body ?? Buffer.alloc(0)).digest("hex"),
  };
  if (body) headers["content-length"] = String(body.length);
  const signed = await signer.sign({ method, protocol: "http:", hostname: url.hostname, port: Number(url.port), path, query, headers, body });
  const search = new URLSearchParams(query).toString();
  return { method, path: search ? `${path}?${search}` : path, headers: signed.headers as Record<string, string>, body };
}

/** SigV4-signs a json-protocol call (`X-Amz-Target`), once, for replay. */
export async function signJson(origin: string, credentials: Credentials, service: string, target: string, document: unknown, jsonVersion = "1.0"): Promise<Replay> {
  const url = new URL(origin);
  const body = Buffer.from(JSON.stringify(document));
  const signer = new SignatureV4({ service, region: "us-east-1", credentials, sha256: NodeSha256 });
  const headers: Record<string, string> = {
    host: url.host,
    "content-type": `application/x-amz-json-${jsonVersion}`,
    "x-amz-target": target,
    "content-length": String(body.length),
  };
  const signed = await signer.sign({ method: "POST", protocol: "http:", hostname: url.hostname, port: Number(url.port), path: "/", query: {}, headers, body });
  return { method: "POST", path: "/", headers: signed.headers as Record<string, string>, body };
}
