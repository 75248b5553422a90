/**
 * Reading a request body into memory, with a limit, for codecs whose
 * operations take a document rather than a stream.
 */
import type { Readable } from "node:stream";
import { AwsError } from "../../server/errors.js";

/** Default cap on a non-streaming request document. */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * A payload authentication read whole (a small document, to hash it), kept
 * as its bytes rather than replayed through a stream. A check it still owes
 * (the signed SHA-256 of an S3 payload) runs when the bytes are first
 * taken, so a payload that fails it is refused at the same point as a
 * streamed one: after routing and authorization, as the operation reads it.
 */
export class HeldBody {
  constructor(
    private readonly bytes: Buffer,
    private pendingCheck?: (bytes: Buffer) => void,
  ) {}

  get length(): number {
    return this.bytes.length;
  }

  /** The bytes, once the check they owe (if any) has passed. */
  take(): Buffer {
    const check = this.pendingCheck;
    if (check) {
      check(this.bytes);
      this.pendingCheck = undefined;
    }
    return this.bytes;
  }
}

/** The bytes of a held payload, refused with a 413 past `limit`. */
export function takeHeld(body: HeldBody, limit: number = DEFAULT_MAX_BODY_BYTES): Buffer {
  if (body.length > limit) throw new AwsError("RequestEntityTooLarge", `Request body of ${body.length} bytes exceeds the limit of ${limit} bytes.`, 413);
  return body.take();
}

/** A request's payload: the stream off the socket, or the bytes authentication already read. */
export type RequestBody = Readable | HeldBody;

/** Reads and discards a payload nobody needs, so the connection stays usable (and a check it owes still runs). */
export async function drainBody(body: RequestBody): Promise<void> {
  if (body instanceof HeldBody) {
    body.take();
    return;
  }
  for await (const _ of body) {
    // discard
  }
}

/**
 * Reads `body` in full. Past `limit` bytes the rest is drained (so the
 * connection stays usable) and a 413 is thrown.
 */
export async function readBody(body: RequestBody, limit: number = DEFAULT_MAX_BODY_BYTES): Promise<Buffer> {
  if (body instanceof HeldBody) return takeHeld(body, limit);
  // Asked while the HTTP parser is still on the headers: the rest of the
  // packet in hand is parsed before the next microtask.
  if ((body as Readable & { complete?: boolean }).complete === false) await undefined;
  const whole = bufferedBody(body);
  if (whole !== undefined) {
    if (whole.length > limit) throw new AwsError("RequestEntityTooLarge", `Request body of ${whole.length} bytes exceeds the limit of ${limit} bytes.`, 413);
    return whole;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  // Events rather than `for await`: an async iterator per request costs
  // more than reading a small document.
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer | string) => {
      const buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      size += buf.length;
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(buf);
    };
    const done = (error?: unknown) => {
      body.off("data", onData);
      body.off("end", onEnd);
      body.off("error", onError);
      body.off("close", onClose);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onEnd = () => done();
    const onError = (error: unknown) => done(error);
    // Closed without an end or an error: the client went away mid-body.
    const onClose = () => done(body.readableEnded ? undefined : new AwsError("IncompleteBody", "The request body terminated unexpectedly", 400));
    if (body.readableEnded) return resolve();
    if (body.destroyed) return reject(body.errored ?? new AwsError("IncompleteBody", "The request body terminated unexpectedly", 400));
    body.on("data", onData);
    body.on("end", onEnd);
    body.on("error", onError);
    body.on("close", onClose);
  });
  if (tooLarge) {
    throw new AwsError("RequestEntityTooLarge", `Request body of ${size} bytes exceeds the limit of ${limit} bytes.`, 413);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

/**
 * A small request usually arrives in one read from the socket: by the time
 * anyone asks, the HTTP parser has buffered all of its body and marked the
 * message complete. Such a body is taken from the buffer at once, without
 * switching the stream to flowing mode and waiting for its events.
 */
function bufferedBody(body: Readable): Buffer | undefined {
  const message = body as Readable & { complete?: boolean };
  if (message.complete !== true || body.readableFlowing !== null || body.readableEncoding !== null || body.destroyed) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for (let chunk: Buffer | null = body.read(); chunk !== null; chunk = body.read()) {
    chunks.push(chunk);
    size += chunk.length;
  }
  // The stream still ends (and closes) on its own; nothing is left to flow.
  body.resume();
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}
