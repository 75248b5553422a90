/**
 * The edge: one node:http server on one port for every service. It owns the
 * socket-level concerns (keep-alive, streaming, bad bytes, shutdown) and
 * hands each request to the pipeline.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { Readable, pipeline } from "node:stream";
import type { WireResponse } from "../protocols/types.js";
import { AwsError } from "./errors.js";
import { newRequestId, runPipeline, type PipelineDeps } from "./pipeline.js";
import { handleInternal, INTERNAL_PREFIX, type InternalApi } from "./internal.js";
import { mailSafe } from "../protocols/shared/mail-safe.js";

/** Node's default; larger header sections get S3's 400 rather than a bare 431. */
const MAX_HEADER_BYTES = 16 * 1024;

export interface Edge {
  listen(port: number, host: string): Promise<AddressInfo>;
  /** Stops accepting, lets in-flight requests finish, closes idle sockets. */
  close(): Promise<void>;
}

export function createEdge(deps: PipelineDeps, internal: InternalApi): Edge {
  const server: Server = createServer({ maxHeaderSize: MAX_HEADER_BYTES, keepAliveTimeout: 65_000, requestTimeout: 0 });
  // Once closing, every answer still to be written closes its connection.
  const state: EdgeState = { closing: false, working: 0, send: answerBatch(deps) };
  // Node counts a connection idle, and closes it on a stop, once its answer
  // has ended: with a slow reader, bytes of a large body still queue behind
  // that end, and would be cut off. Here an answer keeps its connection
  // until it is finished (its last bytes handed to the socket).
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  const closeIdle = server.closeIdleConnections.bind(server);
  server.closeIdleConnections = () => {
    const flushing: ServerResponse[] = [];
    for (const socket of sockets) {
      // Node's own record of the answer a connection is writing.
      const res = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
      if (res && res.writableEnded && !res.writableFinished) flushing.push(res);
    }
    for (const res of flushing) res.finished = false;
    try {
      closeIdle();
    } finally {
      for (const res of flushing) res.finished = true;
    }
  };

  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    // Counted until settled: a request whose client went away may still be writing to storage.
    state.working++;
    handle(req, res, deps, internal, state).then(() => settled(state), (error: unknown) => {
      settled(state);
      deps.log("error", "unhandled edge failure", error);
      if (!res.headersSent) {
        // Nothing of the answer that failed may go out with this one (a stale Content-Length would hang the client).
        for (const name of res.getHeaderNames()) res.removeHeader(name);
        res.shouldKeepAlive = false;
        res.writeHead(500, { "content-type": "text/plain", "content-length": "14" });
        res.end("InternalError\n");
      } else {
        res.destroy();
      }
    });
  });

  // Node answers `Expect: 100-continue` by itself unless told otherwise. A
  // request refused before its body is read (an anonymous PUT to a private
  // bucket) must get its final answer instead, so the 100 waits for the first
  // read of the body; the request then goes the way of every other.
  server.on("checkContinue", (req: IncomingMessage, res: ServerResponse) => {
    continueOnFirstRead(req, res);
    server.emit("request", req, res);
  });
  // Any other Expect is ignored, as S3 ignores it (Node would answer 417 itself).
  server.on("checkExpectation", (req: IncomingMessage, res: ServerResponse) => server.emit("request", req, res));

  // Garbage on the socket, oversized headers, bad framing: answer if we
  // still can, then close. Never let it reach the process.
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => {
    // Bytes past a request's body while its answer is being made (more than its Content-Length
    // said): that answer still goes out, and closes the connection.
    const pending = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage;
    if (pending && error.code?.startsWith("HPE_") && pending.req.complete && socket.writable && !pending.writableEnded) {
      // Its head may already be written, waiting for the turn's end (answerBatch): then it closes once sent.
      if (pending.headersSent) pending.once("finish", () => socket.destroySoon());
      else pending.shouldKeepAlive = false;
      return;
    }
    if (!socket.writable || pending) {
      socket.destroy();
      return;
    }
    const tooLarge = error.code === "HPE_HEADER_OVERFLOW";
    const code = tooLarge ? "RequestHeaderSectionTooLarge" : "BadRequest";
    const message = tooLarge
      ? `Your request header section exceeds the maximum allowed size.`
      : "An error occurred when parsing the HTTP request.";
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${newRequestId()}</RequestId></Error>`;
    socket.end(
      `HTTP/1.1 400 Bad Request\r\nContent-Type: application/xml\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });

  return {
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        state.closing = true;
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          clearInterval(sweep);
          clearTimeout(cap);
          resolve();
        };
        // In-flight requests finish: their answers close their connections,
        // and a connection whose answer was already streaming is closed
        // once it falls idle.
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        // After DRAIN_MS, whatever still holds on is cut: a connection whose body stalled, a handler that never ends.
        const cap = setTimeout(() => {
          deps.log("warn", `stopping with ${state.working} request(s) still being handled`);
          server.closeAllConnections();
          finish();
        }, DRAIN_MS);
        server.close(() => {
          // Connections are gone, but a handler whose client hung up may still run: storage closes after it.
          if (state.working === 0) finish();
          else state.drained = finish;
        });
        server.closeIdleConnections();
      });
    },
  };
}

/** The longest a stop waits for connections to close and requests still being handled to end. */
const DRAIN_MS = 30_000;

function settled(state: EdgeState): void {
  if (--state.working === 0) state.drained?.();
}

interface EdgeState {
  closing: boolean;
  /** Requests being handled, answered or not. */
  working: number;
  /** Called when the last of them settles, once closing waits for it. */
  drained?: () => void;

  /** Ends an answer whose head is written, with its whole body (see answerBatch). */
  send: (res: ServerResponse, body: string | Buffer | undefined) => void;
}

/**
 * Answers made during one turn of the event loop leave together at its end,
 * not each as it is made. Under load a turn works through the requests of
 * many connections. Sent one at a time, each answer wakes the client's
 * waiting thread; on one machine that is a cross-core interrupt per answer,
 * the largest single cost of a small request here (a tenth of the server's
 * time on a DynamoDB GetItem). Sent together, one wake-up serves them all:
 * small S3 GETs and DynamoDB GetItems run half again to twice as fast. An
 * answer waits at most for the rest of its turn's requests; on a quiet
 * server, for nothing. Streamed bodies are not held: they leave as they are read.
 */
function answerBatch(deps: PipelineDeps): EdgeState["send"] {
  let queued: { res: ServerResponse; body: string | Buffer | undefined }[] = [];
  const flush = (): void => {
    const answers = queued;
    queued = [];
    for (const { res, body } of answers) {
      try {
        res.end(body);
      } catch (error) {
        deps.log("error", "answer could not be sent", error);
        res.destroy();
      }
    }
  };
  return (res, body) => {
    if (queued.length === 0) setImmediate(flush);
    queued.push({ res, body });
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, deps: PipelineDeps, internal: InternalApi, state: EdgeState): Promise<void> {
  const url = req.url ?? "/";
  if (url.startsWith(INTERNAL_PREFIX)) {
    const answer = await handleInternal(req, internal);
    if (state.closing) res.shouldKeepAlive = false;
    writeResponse(req, res, answer, state.send);
    return;
  }
  // The abort signal (client went away) is made only if an operation asks.
  let controller: AbortController | undefined;
  const signal = (): AbortSignal => {
    if (!controller) {
      const made = new AbortController();
      controller = made;
      if (res.closed && !res.writableFinished) made.abort();
      else res.once("close", () => !res.writableFinished && made.abort());
    }
    return controller.signal;
  };
  const started = deps.config.logLevel === "debug" ? performance.now() : 0;
  watchStalledBody(req, res, deps.config.requestIdleSeconds * 1000);
  const result = await runPipeline(req, deps, signal);
  // Answered already: the body stalled (RequestTimeout), and the operation ended when the connection did.
  if (res.headersSent) {
    if (result.response.body instanceof Readable) result.response.body.destroy();
    return;
  }
  if (state.closing) res.shouldKeepAlive = false;
  // Node dates answers by the system clock. A server going by another clock
  // (a test's) dates them by its own, or an SDK's clock-skew correction
  // would pull its signatures back to the system time.
  if (deps.now !== Date.now) result.response.headers.date ??= new Date(deps.now()).toUTCString();
  writeResponse(req, res, result.response, state.send);
  if (deps.config.logLevel === "debug") {
    const ms = (performance.now() - started).toFixed(1);
    deps.log("debug", `${req.method} ${url} → ${result.service}.${result.operation ?? "?"} ${result.response.status}${result.error ? ` ${result.error.code}` : ""} ${ms}ms`);
  }
}

/**
 * An S3 upload whose body stops arriving is answered 400 RequestTimeout
 * once no byte has come for `idleMs`, and its connection closed, as S3
 * answers it, rather than held open. Requests of the JSON and query
 * protocols (X-Amz-Target, form-encoded posts) have no such answer: their
 * connection is closed, as their services drop a client that stops
 * sending, and the SDK retries. Once an answer has gone out (a request
 * refused before its body was read), Node's keep-alive timeout takes
 * over, and a body still stalled then closes the connection.
 */
function watchStalledBody(req: IncomingMessage, res: ServerResponse, idleMs: number): void {
  const { headers } = req;
  if (req.method !== "PUT" && req.method !== "POST") return;
  if (headers["content-length"] === "0" || (headers["content-length"] === undefined && headers["transfer-encoding"] === undefined)) return;
  // A form-encoded POST is a query-protocol call (IAM, STS); S3 takes form-encoded bodies only as objects, by PUT.
  const notS3 = headers["x-amz-target"] !== undefined || (req.method === "POST" && headers["content-type"]?.startsWith("application/x-www-form-urlencoded") === true);
  req.setTimeout(idleMs, () => {
    if (req.complete) return;
    if (notS3) {
      req.socket.destroy();
      return;
    }
    if (res.headersSent) {
      // An answer made but not yet sent (see answerBatch) goes out first.
      if (res.writableEnded) req.socket.destroy();
      else res.once("finish", () => req.socket.destroy());
      return;
    }
    const requestId = newRequestId();
    const body =
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>RequestTimeout</Code>` +
      `<Message>Your socket connection to the server was not read from or written to within the timeout period. Idle connections will be closed.</Message>` +
      `<RequestId>${requestId}</RequestId><HostId>${requestId}</HostId></Error>`;
    res.shouldKeepAlive = false;
    res.writeHead(400, { "content-type": "application/xml", "content-length": Buffer.byteLength(body), "x-amz-request-id": requestId, "x-amz-id-2": requestId });
    res.end(body);
    // The operation still reading the body learns it will never come, and ends.
    res.once("finish", () => req.destroy(new AwsError("RequestTimeout", "The request body stalled", 400)));
  });
  req.once("end", () => req.setTimeout(0));
}

/**
 * Sends `100 Continue` when the body is first pulled (whoever reads it: the
 * signature check, a codec, an upload), unless the answer has gone out
 * first, e.g. when a refused request's unread body is drained.
 */
function continueOnFirstRead(req: IncomingMessage, res: ServerResponse): void {
  const read = req._read;
  req._read = function readAfterContinue(this: IncomingMessage, size: number): void {
    req._read = read;
    if (!res.headersSent) res.writeContinue();
    read.call(this, size);
  };
}

function writeResponse(req: IncomingMessage, res: ServerResponse, response: WireResponse, send: EdgeState["send"]): void {
  const { body } = response;
  const headers = response.headers;
  const disposition = headers["content-disposition"];
  if (typeof disposition === "string") headers["content-disposition"] = dispositionBytes(disposition);
  if (body instanceof Readable) {
    writeHead(res, response.status, headers);
    if (req.method === "HEAD") {
      body.destroy();
      res.end();
    } else {
      // pipeline destroys the source if the client goes away mid-body.
      pipeline(body, res, () => {});
    }
  } else {
    if (body !== undefined && headers["content-length"] === undefined) {
      headers["content-length"] = String(typeof body === "string" ? Buffer.byteLength(body) : body.length);
    } else if (body === undefined && headers["content-length"] === undefined) {
      headers["content-length"] = "0";
    }
    writeHead(res, response.status, headers);
    send(res, req.method === "HEAD" ? undefined : body);
  }
  // A request whose body was not (fully) read, e.g. refused early: drain it
  // so the keep-alive connection stays usable.
  if (!req.complete) {
    req.unpipe();
    req.resume();
  }
}

/**
 * Writes the status line and headers. A value Node refuses to send (a
 * control character, or a character past Latin-1, from a user's metadata
 * or a stored redirect) goes out RFC 2047-encoded, as S3 sends such
 * metadata; a name it refuses is left out. Checked only when Node refuses,
 * so answers that need none of this pay nothing for it.
 */
function writeHead(res: ServerResponse, status: number, headers: WireResponse["headers"]): void {
  try {
    res.writeHead(status, headers);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ERR_INVALID_CHAR" && code !== "ERR_INVALID_HTTP_TOKEN") throw error;
    for (const name of res.getHeaderNames()) res.removeHeader(name);
    const safe: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(headers)) {
      if (!HEADER_TOKEN.test(name)) continue;
      safe[name] = Array.isArray(value) ? value.map(headerValue) : headerValue(value);
    }
    res.writeHead(status, safe);
  }
}

const HEADER_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function headerValue(value: string): string {
  // eslint-disable-next-line no-control-regex
  return /[^\t\x20-\x7e\x80-\xff]/.test(value) ? mailSafe(value) : value;
}

/**
 * Node sends a Content-Disposition's characters as Latin-1 bytes and
 * refuses the header when those bytes are not UTF-8 (`é` from a
 * `response-content-disposition` query value, say). Such a value goes out
 * as its UTF-8 bytes instead, as S3 sends it.
 */
function dispositionBytes(value: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[^\x00-\x7f]/.test(value)) return value;
  const bytes = Buffer.from(value, "latin1");
  return bytes.toString("utf8").includes("\uFFFD") ? Buffer.from(value, "utf8").toString("latin1") : value;
}
