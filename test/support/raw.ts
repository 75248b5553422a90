/**
 * Raw HTTP for the cases SDK clients cannot produce (malformed bodies,
 * missing lengths, cut-off uploads), signed with the SDK's own SigV4 signer.
 */
import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import { request } from "node:http";
import { connect } from "node:net";
import { SignatureV4 } from "@smithy/signature-v4";

/** The checksum constructor SignatureV4 expects, over node:crypto (what @smithy/hash-node does). */
type SourceData = string | ArrayBuffer | ArrayBufferView;

function bytes(data: SourceData): string | Uint8Array {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

export class NodeSha256 {
  private hash: Hash | Hmac;
  private readonly secret?: string | Uint8Array;
  constructor(secret?: SourceData) {
    this.secret = secret === undefined ? undefined : bytes(secret);
    this.hash = this.secret === undefined ? createHash("sha256") : createHmac("sha256", this.secret);
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
  reset(): void {
    this.hash = this.secret === undefined ? createHash("sha256") : createHmac("sha256", this.secret);
  }
}

export interface RawRequest {
  method: string;
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string | Buffer;
  service?: string;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Leave the request unsigned. */
  anonymous?: boolean;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The body as received, for answers that are not text. */
  bytes: Buffer;
}

export async function signRequest(endpoint: string, r: RawRequest) {
  const url = new URL(endpoint);
  const headers: Record<string, string> = { host: url.host, ...(r.headers ?? {}) };
  const unsigned = { method: r.method, protocol: "http:", hostname: url.hostname, port: Number(url.port), path: r.path, query: r.query ?? {}, headers, body: r.body };
  if (r.anonymous) return unsigned;
  const signer = new SignatureV4({
    service: r.service ?? "s3",
    region: r.region ?? "us-east-1",
    credentials: r.credentials ?? { accessKeyId: "test", secretAccessKey: "test" },
    sha256: NodeSha256,
    uriEscapePath: (r.service ?? "s3") !== "s3",
    applyChecksum: true,
  });
  return signer.sign(unsigned);
}

export async function rawRequest(endpoint: string, r: RawRequest): Promise<RawResponse> {
  const signed = await signRequest(endpoint, r);
  const query = new URLSearchParams(signed.query as Record<string, string>).toString();
  return new Promise((resolve, reject) => {
    const req = request(
      { host: signed.hostname, port: signed.port, method: signed.method, path: `${encodePath(signed.path)}${query ? `?${query}` : ""}`, headers: signed.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (d: Buffer) => chunks.push(d));
        res.on("end", () => {
          const bytes = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: bytes.toString("utf8"), bytes });
        });
      },
    );
    req.on("error", reject);
    req.end(r.body);
  });
}

/** S3 paths go on the wire percent-encoded, with `/` kept. */
function encodePath(path: string): string {
  return path.split("/").map((s) => encodeURIComponent(s)).join("/");
}

/** Writes raw bytes on a socket and collects whatever comes back until close. */
export function rawSocket(endpoint: string, bytes: string | Buffer, timeoutMs = 2000): Promise<string> {
  const url = new URL(endpoint);
  return new Promise((resolve) => {
    const socket = connect(Number(url.port), url.hostname);
    let received = "";
    socket.setTimeout(timeoutMs, () => socket.destroy());
    socket.on("data", (d) => (received += d.toString()));
    socket.on("close", () => resolve(received));
    socket.on("error", () => resolve(received));
    socket.write(bytes);
  });
}

export function md5Base64(body: string | Buffer): string {
  return createHash("md5").update(body).digest("base64");
}
