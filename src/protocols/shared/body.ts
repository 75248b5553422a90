/**
 * Reading a request body into memory, with a limit, for codecs whose
 * operations take a document rather than a stream.
 */
import { Readable } from "node:stream";
import { AwsError } from "../../server/errors.js";

/** Default cap on a non-streaming request document. */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Where a body already read into memory keeps its bytes, beside the stream that replays them. */
const HELD = Symbol("nimbus.held-body");

/**
 * A stream of bytes already in hand (authentication read the document to
 * hash it): `readBody` takes the bytes back without streaming them again.
 */
export function heldBody(bytes: Buffer): Readable {
  const stream = Readable.from(bytes.length > 0 ? [bytes] : []);
  (stream as Readable & { [HELD]?: Buffer })[HELD] = bytes;
  return stream;
}

/**
 * Reads `body` in full. Past `limit` bytes the rest is drained (so the
 * connection stays usable) and a 413 is thrown.
 */
export async function readBody(body: Readable, limit: number = DEFAULT_MAX_BODY_BYTES): Promise<Buffer> {
  const held = (body as Readable & { [HELD]?: Buffer })[HELD];
  if (held !== undefined && !body.readableDidRead) {
    body.destroy();
    if (held.length > limit) throw new AwsError("RequestEntityTooLarge", `Request body of ${held.length} bytes exceeds the limit of ${limit} bytes.`, 413);
    return held;
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
