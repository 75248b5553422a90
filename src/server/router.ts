/**
 * Step 1 of the pipeline: which service does a request call? Decided, in
 * order, by the S3 virtual-host name, the `X-Amz-Target` prefix, the SigV4
 * credential scope (header or presigned query), and finally S3 as the
 * default, as AWS's own S3 endpoint accepts SigV2 and anonymous requests.
 * A scope naming a service Nimbus lacks is marked unsupported, not sent to S3.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { ServiceDefinition } from "./service.js";

export interface Route {
  service: ServiceDefinition;
  /** The bucket named by a virtual-host style host (`bucket.s3.localhost`). */
  virtualHostBucket?: string;
  /** The bucket whose website a host names (`bucket.s3-website.localhost`). */
  websiteBucket?: string;
  /** The credential scope names a service Nimbus does not have: the request is answered as unsupported. */
  unsupported?: string;
}

export class ServiceRouter {
  private readonly bySigningName = new Map<string, ServiceDefinition>();
  private readonly byTarget = new Map<string, ServiceDefinition>();

  constructor(
    services: readonly ServiceDefinition[],
    private readonly fallback: ServiceDefinition,
  ) {
    for (const service of services) {
      for (const name of service.signingNames) this.bySigningName.set(name, service);
      for (const prefix of service.targetPrefixes ?? []) this.byTarget.set(prefix, service);
    }
    this.preflightTarget = services.find((service) => service.targetPrefixes?.length);
    this.unsignedQueries = services.find((service) => service.takesUnsignedQueries);
  }

  /** The query service that answers unsigned calls (STS's AssumeRoleWithWebIdentity). */
  private readonly unsignedQueries: ServiceDefinition | undefined;

  /** The JSON service that answers preflights of calls naming an X-Amz-Target. */
  private readonly preflightTarget: ServiceDefinition | undefined;

  route(headers: IncomingHttpHeaders, rawQuery: string, method?: string, path?: string): Route {
    const website = websiteBucket(headers.host);
    if (website !== undefined) return { service: this.fallback, websiteBucket: website };
    const bucket = virtualHostBucket(headers.host);
    if (bucket !== undefined) return { service: this.fallback, virtualHostBucket: bucket };

    // A registered X-Amz-Target prefix is decisive: DynamoDB and DynamoDB
    // Streams share the signing name `dynamodb` and differ only here.
    const target = headers["x-amz-target"];
    if (typeof target === "string") {
      const dot = target.lastIndexOf(".");
      const service = dot > 0 ? this.byTarget.get(target.slice(0, dot)) : undefined;
      if (service) return { service };
    }

    // A browser's preflight carries no target, only the headers the call will send: one to `/`
    // that will send X-Amz-Target calls a JSON service (DynamoDB's, which answers for them all).
    if (method === "OPTIONS" && path === "/" && this.preflightTarget && asksForTarget(headers)) return { service: this.preflightTarget };

    const scope = credentialScopeService(headers.authorization, rawQuery);
    if (scope !== undefined) {
      const service = this.bySigningName.get(scope);
      if (service) return { service };
      if (scope !== "") return { service: this.fallback, unsupported: scope };
    }
    // An unsigned query call (an `Action` in a form posted to `/`, or in the query) is no S3 request: S3 has no
    // operation at the root but ListBuckets, and no form of that type. STS takes the ones that need no signature.
    if (scope === undefined && this.unsignedQueries && path === "/" && headers.authorization === undefined && isQueryCall(headers, rawQuery, method)) {
      return { service: this.unsignedQueries };
    }
    return { service: this.fallback };
  }

  /** The service registered for a credential-scope name, if any. */
  bySigning(name: string): ServiceDefinition | undefined {
    return this.bySigningName.get(name);
  }
}

/** A query-protocol call: a form POST, or an `Action` named in the query string. */
function isQueryCall(headers: IncomingHttpHeaders, rawQuery: string, method: string | undefined): boolean {
  if (method === "POST") return /^application\/x-www-form-urlencoded\b/i.test(String(headers["content-type"] ?? ""));
  return /(^|&)Action=/.test(rawQuery);
}

function asksForTarget(headers: IncomingHttpHeaders): boolean {
  const requested = headers["access-control-request-headers"];
  return typeof requested === "string" && /(^|[\s,])x-amz-target([\s,]|$)/i.test(requested);
}

/**
 * A bucket's website endpoint: `<bucket>.s3-website.localhost[:port]`, or
 * with a region as AWS's endpoints name one (`<bucket>.s3-website-us-east-1.localhost`,
 * `<bucket>.s3-website.eu-west-1.localhost`).
 */
export function websiteBucket(host: string | undefined): string | undefined {
  if (!host || !host.includes("s3-website")) return undefined;
  return /^(.+)\.s3-website(?:[.-][a-z0-9-]+)?\.localhost(?::\d+)?$/i.exec(host)?.[1]?.toLowerCase();
}

/**
 * `<bucket>.s3.localhost[:port]` and `<bucket>.localhost[:port]` address a
 * bucket by host name. `s3.localhost` and `localhost` themselves do not.
 */
export function virtualHostBucket(host: string | undefined): string | undefined {
  if (!host) return undefined;
  let name = host;
  const colon = name.lastIndexOf(":");
  if (colon > 0 && !name.endsWith("]")) name = name.slice(0, colon);
  name = name.toLowerCase();
  for (const suffix of [".s3.localhost", ".localhost"]) {
    if (name.endsWith(suffix)) {
      const bucket = name.slice(0, -suffix.length);
      if (bucket === "" || bucket === "s3") return undefined;
      return bucket;
    }
  }
  return undefined;
}

/**
 * The fourth `/`-separated element of the credential starting at `from`
 * (up to a comma), without splitting it all; only a scope of five elements
 * has one (SigV4a's `AKID/date/service/aws4_request` has none).
 */
function scopeService(text: string, from: number): string | undefined {
  const comma = text.indexOf(",", from);
  const limit = comma < 0 ? text.length : comma;
  let at = from;
  for (let i = 0; i < 3; i++) {
    at = text.indexOf("/", at);
    if (at < 0 || at >= limit) return undefined;
    at += 1;
  }
  const slash = text.indexOf("/", at);
  if (slash < 0 || slash >= limit) return undefined;
  return text.slice(at, slash).trim();
}

/** The service element of a SigV4 credential scope (`AKID/date/region/service/aws4_request`). */
export function credentialScopeService(authorization: string | undefined, rawQuery: string): string | undefined {
  if (authorization !== undefined) {
    const start = authorization.indexOf("Credential=");
    if (start < 0) return undefined;
    return scopeService(authorization, start + 11);
  }
  const start = rawQuery.indexOf("X-Amz-Credential=");
  if (start < 0) return undefined;
  const end = rawQuery.indexOf("&", start);
  let credential: string;
  try {
    credential = decodeURIComponent(rawQuery.slice(start + 17, end < 0 ? undefined : end));
  } catch {
    return undefined; // Not UTF-8: authentication refuses the credential.
  }
  return scopeService(credential, 0);
}
