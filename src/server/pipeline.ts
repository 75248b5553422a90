/**
 * The request pipeline: route → authenticate → parse → authorize → operate →
 * serialize, each a small named step over one request. Steps throw AwsError;
 * the serializer of the service that answers renders it.
 */
import type { IncomingMessage } from "node:http";
import { ANONYMOUS, authenticate } from "../auth/index.js";
import { missingAuthentication } from "../auth/errors.js";
import type { AuthResult, CredentialProvider } from "../auth/types.js";
import type { NimbusConfig } from "../config.js";
import type { Operation } from "../protocols/model.js";
import type { Structure, WireRequest, WireResponse } from "../protocols/types.js";
import { compressAnswer } from "./answer-compression.js";
import type { RequestContext } from "./context.js";
import { AwsError, internalError, isAwsError } from "./errors.js";
import type { Route, ServiceRouter } from "./router.js";
import type { AuthorizationRequirement, ServiceDefinition, ServiceRuntime, WebsiteRequest } from "./service.js";
import type { Authorizer } from "./authorize.js";
import { randomHex } from "../util/ids.js";
import { KeyTooLargeError } from "../storage/staged.js";
import { unsupportedService } from "./unsupported.js";

export interface PipelineDeps {
  config: NimbusConfig;
  router: ServiceRouter;
  credentials: CredentialProvider;
  authorizer: Authorizer;
  /** The service's runtime: the value itself once loaded, a promise while it loads. */
  runtime(service: ServiceDefinition): ServiceRuntime | Promise<ServiceRuntime>;
  now(): number;
  log(level: "error" | "warn" | "info" | "debug", message: string, detail?: unknown): void;
}

export interface PipelineResult {
  response: WireResponse;
  /** For the access log. */
  service: string;
  operation?: string;
  error?: AwsError;
}

/** Handles one request end to end; never throws. */
export async function runPipeline(req: IncomingMessage, deps: PipelineDeps, signal: () => AbortSignal): Promise<PipelineResult> {
  const rawUrl = req.url ?? "/";
  const q = rawUrl.indexOf("?");
  const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const rawQuery = q < 0 ? "" : rawUrl.slice(q + 1);
  joinRepeatedHeaders(req);

  const route = deps.router.route(req.headers, rawQuery, req.method, rawPath);
  if (route.unsupported !== undefined) {
    return { response: await unsupportedService(req, rawQuery, route.unsupported, newRequestId()), service: route.unsupported };
  }
  const service = route.service;
  const requestId = service.newRequestId ? service.newRequestId() : newRequestId();
  let runtime: ServiceRuntime | undefined;
  let op: Operation | undefined;
  let ctx: RequestContext | undefined;
  let input: Structure | undefined;
  const started = performance.now();
  let crossOriginHeaders: Record<string, string> | undefined;
  try {
    // Awaited only when pending: a settled value would still cost a turn of the microtask queue.
    const loading = deps.runtime(service);
    runtime = loading instanceof Promise ? await loading : loading;
    if (route.websiteBucket !== undefined && runtime.website) {
      const response = await runtime.website(websiteRequest(req, rawPath, route.websiteBucket, requestId, service, deps, signal));
      // A page read from another origin gets the bucket's CORS headers, as the REST endpoint's GetObject does.
      const cors =
        runtime.crossOrigin && req.headers.origin !== undefined && (req.method === "GET" || req.method === "HEAD")
          ? runtime.crossOrigin({ method: req.method, path: rawPath, virtualHostBucket: route.websiteBucket, headers: req.headers })
          : undefined;
      Object.assign(response.headers, runtime.responseHeaders(requestId), cors && "headers" in cors ? cors.headers : undefined);
      return { response, service: service.name, operation: "Website" };
    }
    if (runtime.crossOrigin && (req.headers.origin !== undefined || req.method === "OPTIONS")) {
      const cors = runtime.crossOrigin({ method: req.method ?? "GET", path: rawPath, virtualHostBucket: route.virtualHostBucket, headers: req.headers });
      if (cors && "preflight" in cors) {
        Object.assign(cors.preflight.headers, runtime.responseHeaders(requestId));
        return { response: cors.preflight, service: service.name, operation: "PreflightRequest" };
      }
      crossOriginHeaders = cors?.headers;
    }
    const authenticating = authenticateStep(req, rawPath, rawQuery, route, deps);
    const auth = authenticating instanceof Promise ? await authenticating : authenticating;
    const wire = toWireRequest(req, rawPath, rawQuery, route, auth);
    if (runtime.codec.prepare) await runtime.codec.prepare(wire);
    op = resolveOperation(runtime, wire, service, auth);
    if (!op) throw unknownOperation(service, wire);
    const definition = runtime.operations[op.name];
    // An operation Nimbus lacks is a 501, after the checks of its input a JSON or query service makes first.
    if (!definition && service.dialect !== "json" && service.dialect !== "query") throw notImplemented(service, op.name);

    ctx = createContext(requestId, service, op, auth, req, deps, signal);
    const parsing = runtime.codec.parseInput(op, wire);
    input = parsing instanceof Promise ? await parsing : parsing;
    runtime.validate?.(op, input, ctx);
    if (!definition) throw notImplemented(service, op.name);
    deps.authorizer.authorize(ctx, definition.authorize(input, ctx), service.dialect);
    const handling = definition.handle(input, ctx);
    const output = handling instanceof Promise ? await handling : handling;

    const response = runtime.codec.serializeOutput(op, output, { requestId, hostId: requestId, method: req.method ?? "GET" });
    if (runtime.compressesAnswers) compressAnswer(req.headers["accept-encoding"], response);
    Object.assign(response.headers, runtime.responseHeaders(requestId), crossOriginHeaders);
    if (runtime.observe) observe(runtime, req, ctx, op, input, response, undefined, started);
    return { response, service: service.name, operation: op.name };
  } catch (caught) {
    const stored = caught instanceof KeyTooLargeError ? runtime?.keyTooLarge?.() : undefined;
    const error = isAwsError(caught) ? caught : (stored ?? internalError(caught, runtime?.internalError?.()));
    // A client that went away mid-body is no fault of the server's: its answer has no one to reach.
    if (!isAwsError(caught) && !stored) deps.log(clientAborted(req, caught) ? "debug" : "error", `${service.name}${op ? `.${op.name}` : ""} failed`, caught);
    const response = renderError(error, runtime, op, requestId, req.method ?? "GET");
    // An allowed origin reads errors too (a 404, a denied write).
    if (crossOriginHeaders) Object.assign(response.headers, crossOriginHeaders);
    if (runtime?.observe && ctx && op && input) observe(runtime, req, ctx, op, input, response, error, started);
    return { response, service: service.name, operation: op?.name, error };
  }
}

/** Whether `error` is node's report of a request whose connection closed before its body ended. */
function clientAborted(req: IncomingMessage, error: unknown): boolean {
  return req.destroyed && error instanceof Error && ((error as NodeJS.ErrnoException).code === "ECONNRESET" || error.message === "aborted");
}

/**
 * The operation a request names. An unsigned query call that STS, which
 * takes them, does not know (IAM's, say) was never STS's to name: it
 * lacks its signature.
 */
function resolveOperation(runtime: ServiceRuntime, wire: WireRequest, service: ServiceDefinition, auth: AuthResult): Operation | undefined {
  if (auth.principal.type !== "anonymous" || !service.takesUnsignedQueries) return runtime.codec.resolve(wire);
  try {
    const op = runtime.codec.resolve(wire);
    if (op) return op;
  } catch {
    // Unknown to this service: see below.
  }
  throw missingAuthentication(service.dialect);
}

/** Shows a service the request it answered. */
function observe(
  runtime: ServiceRuntime,
  req: IncomingMessage,
  ctx: RequestContext,
  op: Operation,
  input: Structure,
  response: WireResponse,
  error: AwsError | undefined,
  started: number,
): void {
  const elapsedMs = performance.now() - started;
  runtime.observe!({ ctx, operation: op.name, input, response, error, method: req.method ?? "GET", url: req.url ?? "/", httpVersion: req.httpVersion, elapsedMs });
}

/**
 * A header sent more than once is one comma-separated list, as SigV4 signs
 * it (the test suite's get-header-key-duplicate: `value2,value2,value1`) and
 * as S3 keeps repeated metadata ("combines headers that have the same name
 * (ignoring case) into a comma-delimited list", UsingMetadata.html). Node
 * joins them with ", ", which no signature matches. Only a request with a
 * repeated header (more raw lines than names) is looked at again.
 */
function joinRepeatedHeaders(req: IncomingMessage): void {
  const headers = req.headers;
  let names = 0;
  for (const _ in headers) names++;
  if (req.rawHeaders.length === 2 * names) return;
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (values === undefined || values.length < 2) continue;
    const joined = headers[name];
    // Headers Node keeps once (Host, Content-Type...) or as a list (Set-Cookie) are left as Node gives them.
    if (typeof joined === "string" && joined === values.join(", ")) headers[name] = values.join(",");
  }
}

/** A website request: anonymous, its access decided by the authorizer as an unsigned GetObject's would be. */
function websiteRequest(req: IncomingMessage, rawPath: string, bucket: string, requestId: string, service: ServiceDefinition, deps: PipelineDeps, signal: () => AbortSignal): WebsiteRequest {
  const auth: AuthResult = { principal: ANONYMOUS, method: "none", body: req, trailers: new Map(), form: undefined };
  const ctx = new PipelineContext(requestId, service.name, "GetObject", deps.config.defaultRegion, auth, req, deps.now, signal, () => false);
  return {
    method: req.method ?? "GET",
    path: rawPath,
    headers: req.headers,
    bucket,
    requestId,
    sourceIp: ctx.sourceIp,
    now: deps.now,
    allowed(action, resource) {
      try {
        deps.authorizer.authorize(ctx, [{ action, resource }], service.dialect);
        return true;
      } catch {
        return false;
      }
    },
  };
}

function authenticateStep(
  req: IncomingMessage,
  rawPath: string,
  rawQuery: string,
  route: Route,
  deps: PipelineDeps,
): AuthResult | Promise<AuthResult> {
  const service = route.service;
  return authenticate(
    { method: req.method ?? "GET", path: rawPath, rawQuery, headers: req.headers, body: req, virtualHostBucket: route.virtualHostBucket },
    {
      mode: deps.config.auth,
      dialect: service.dialect,
      credentials: deps.credentials,
      now: deps.now,
      allowAnonymous: service.allowAnonymous ?? false,
      allowV2: service.allowV2 ?? false,
    },
  );
}

/** Most requests carry no query string; they share one empty (never mutated) parameter list. */
const NO_QUERY: URLSearchParams = new URLSearchParams();

function toWireRequest(req: IncomingMessage, rawPath: string, rawQuery: string, route: Route, auth: AuthResult): WireRequest {
  // Virtual-host requests name the bucket in the host; fold it into the path
  // so REST routing sees one form. Signatures were checked on the original.
  const path = route.virtualHostBucket === undefined ? rawPath : `/${encodeURIComponent(route.virtualHostBucket)}${rawPath}`;
  return {
    method: req.method ?? "GET",
    path,
    rawQuery,
    query: rawQuery === "" ? NO_QUERY : new URLSearchParams(rawQuery),
    headers: req.headers,
    body: auth.body,
    contentLength: auth.contentLength,
    labels: undefined,
    form: auth.form,
  };
}

function createContext(
  requestId: string,
  service: ServiceDefinition,
  op: Operation,
  auth: AuthResult,
  req: IncomingMessage,
  deps: PipelineDeps,
  signal: () => AbortSignal,
): RequestContext {
  const permits = (ctx: RequestContext, requirement: AuthorizationRequirement): boolean => {
    try {
      deps.authorizer.authorize(ctx, [requirement], service.dialect);
      return true;
    } catch (error) {
      if (error instanceof AwsError && (error.code === "AccessDenied" || error.code === "AccessDeniedException")) return false;
      throw error;
    }
  };
  return new PipelineContext(requestId, service.name, op.name, auth.region || deps.config.defaultRegion, auth, req, deps.now, signal, permits);
}

/** A class rather than a literal with getters: its instances share one shape, made cheaply. */
class PipelineContext implements RequestContext {
  readonly accountId: string;
  readonly principal: AuthResult["principal"];
  readonly signedWith: AuthResult["method"];
  readonly trailers: ReadonlyMap<string, string>;
  readonly headers: IncomingMessage["headers"];
  /** An own property, not a method: operations may pass `ctx.now` along on its own. */
  readonly now: () => Date;

  constructor(
    readonly requestId: string,
    readonly service: string,
    readonly operation: string,
    readonly region: string,
    auth: AuthResult,
    private readonly req: IncomingMessage,
    clock: () => number,
    private readonly abortSignal: () => AbortSignal,
    private readonly allows: (ctx: RequestContext, requirement: AuthorizationRequirement) => boolean,
  ) {
    this.principal = auth.principal;
    this.signedWith = auth.method;
    this.accountId = auth.principal.type === "anonymous" ? "" : auth.principal.accountId;
    this.trailers = auth.trailers;
    this.headers = req.headers;
    this.now = dateClock(clock);
  }

  permits(requirement: AuthorizationRequirement): boolean {
    return this.allows(this, requirement);
  }

  /** Made on first use: most requests never look. */
  get signal(): AbortSignal {
    return this.abortSignal();
  }

  /** Read on first use: the peer address is a system call. */
  get sourceIp(): string | undefined {
    return this.req.socket.remoteAddress?.replace(/^::ffff:/, "");
  }
}

let lastClock: { clock: () => number; date: () => Date } | undefined;

/** The clock as Dates, made once per clock rather than once per request (a server has one clock). */
function dateClock(clock: () => number): () => Date {
  if (lastClock?.clock !== clock) lastClock = { clock, date: () => new Date(clock()) };
  return lastClock.date;
}

function renderError(error: AwsError, runtime: ServiceRuntime | undefined, op: Operation | undefined, requestId: string, method: string): WireResponse {
  if (!runtime) {
    return { status: error.status, headers: { "content-type": "text/plain" }, body: method === "HEAD" ? undefined : `${error.code}: ${error.message}\n` };
  }
  const response = runtime.codec.serializeError(error, { requestId, hostId: requestId, method }, op);
  Object.assign(response.headers, runtime.responseHeaders(requestId), error.headers);
  return response;
}

function notImplemented(service: ServiceDefinition, operation: string): AwsError {
  return new AwsError(
    "NotImplemented",
    `The ${operation} operation of ${service.name} is not supported by Nimbus yet.`,
    501,
  );
}

function unknownOperation(service: ServiceDefinition, wire: WireRequest): AwsError {
  if (service.dialect === "json") {
    return new AwsError("UnknownOperationException", "", 400);
  }
  if (service.dialect === "query") {
    const action = wire.query.get("Action");
    return new AwsError("InvalidAction", `The action ${action ?? "(none)"} is not valid for this web service.`, 400);
  }
  if (!decodable(wire.path)) return new AwsError("InvalidURI", "Couldn't parse the specified URI.", 400, { URI: wire.path });
  return new AwsError(
    "NotImplemented",
    `Nimbus does not support ${wire.method} ${wire.path}${wire.rawQuery ? `?${wire.rawQuery}` : ""} on ${service.name}.`,
    501,
  );
}

/** Whether a path's percent-escapes decode (to UTF-8). */
function decodable(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

/** 16 upper-case hex characters, like S3's request ids. */
export function newRequestId(): string {
  return randomHex(8).toUpperCase();
}
