/**
 * Request payloads as SigV4 describes them: the `aws-chunked` framing that
 * streaming uploads use (chunk signatures, trailing checksum headers) and
 * plain bodies whose SHA-256 was signed. Both check the bytes as they flow
 * and fail the stream, with an AwsError, if anything does not match, so a
 * consumer that stores the body only commits what was verified.
 */
import { createHash, type Hash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { AwsError } from "../server/errors.js";
import { signatureMismatch } from "./errors.js";
import { EMPTY_SHA256, sha256Hex, type SigningKey } from "./sigv4.js";
import type { AuthDialect } from "./types.js";

/** What verifying chunk signatures needs; absent when the key is unknown (lenient mode) or chunks are unsigned. */
export interface ChunkSigning {
  key: SigningKey;
  amzDate: string;
  scope: string;
  /** The request's own signature: the first chunk chains from it. */
  seed: string;
}

export interface ChunkedOptions {
  signing?: ChunkSigning;
  /** Chunk headers carry `;chunk-signature=`. */
  signedChunks: boolean;
  /** Trailing headers (checksums) follow the last chunk and land here. */
  trailers: Map<string, string>;
  /** `x-amz-decoded-content-length`, checked at the end. */
  decodedLength?: number;
  dialect: AuthDialect;
}

const CRLF = Buffer.from("\r\n");
/** Longest chunk header or trailer line accepted. */
const MAX_LINE = 4096;

const enum State {
  Header,
  Data,
  DataEnd,
  Trailer,
  Done,
}

function incompleteBody(): AwsError {
  return new AwsError("IncompleteBody", "The request body terminated unexpectedly", 400);
}

/** Whole chunks that add up to another length than `x-amz-decoded-content-length` (S3's words and fields, as versity/versitygw#1684 captured them). */
function lengthMismatch(expected: number, provided: number): AwsError {
  return new AwsError("IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header", 400, {
    NumberBytesExpected: expected,
    NumberBytesProvided: provided,
  });
}

function badChunk(detail: string): AwsError {
  return new AwsError("InvalidRequest", `Invalid aws-chunked encoding: ${detail}`, 400);
}

/** Removes `aws-chunked` framing; passes data slices through without copying. */
export class ChunkedDecoder extends Transform {
  private state = State.Header;
  private line = Buffer.alloc(0);
  private remaining = 0;
  private crlfSeen = 0;
  private chunkSignature = "";
  private previousSignature: string;
  private chunkHash: Hash | undefined;
  private decoded = 0;
  private readonly trailerLines: string[] = [];

  constructor(private readonly options: ChunkedOptions) {
    super();
    this.previousSignature = options.signing?.seed ?? "";
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      this.consume(chunk);
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    // Some clients end the body right after the trailer lines.
    if (this.state === State.Trailer && this.line.length === 0) {
      try {
        this.finishTrailers();
      } catch (error) {
        done(error as Error);
        return;
      }
    }
    if (this.state !== State.Done) {
      done(incompleteBody());
      return;
    }
    if (this.options.decodedLength !== undefined && this.decoded !== this.options.decodedLength) {
      done(lengthMismatch(this.options.decodedLength, this.decoded));
      return;
    }
    done();
  }

  private consume(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      switch (this.state) {
        case State.Data: {
          const n = Math.min(this.remaining, chunk.length - pos);
          const slice = chunk.subarray(pos, pos + n);
          this.chunkHash?.update(slice);
          this.push(slice);
          this.decoded += n;
          this.remaining -= n;
          pos += n;
          if (this.remaining === 0) this.state = State.DataEnd;
          break;
        }
        case State.DataEnd: {
          if (chunk[pos] !== CRLF[this.crlfSeen]) throw badChunk("chunk data is not followed by CRLF");
          pos++;
          if (++this.crlfSeen === 2) {
            this.crlfSeen = 0;
            this.endChunk();
            this.state = State.Header;
          }
          break;
        }
        case State.Header:
        case State.Trailer: {
          const end = chunk.indexOf(0x0a, pos);
          if (end < 0) {
            this.appendLine(chunk.subarray(pos));
            pos = chunk.length;
            break;
          }
          this.appendLine(chunk.subarray(pos, end + 1));
          pos = end + 1;
          const text = this.line.toString("latin1");
          this.line = Buffer.alloc(0);
          if (!text.endsWith("\r\n")) throw badChunk("line not terminated by CRLF");
          const content = text.slice(0, -2);
          if (this.state === State.Header) this.startChunk(content);
          else this.trailerLine(content);
          break;
        }
        case State.Done:
          // Anything after the final CRLF is not part of the payload.
          if (chunk.subarray(pos).toString("latin1").trim() !== "") throw badChunk("data after the final chunk");
          pos = chunk.length;
          break;
      }
    }
  }

  private appendLine(bytes: Buffer): void {
    if (this.line.length + bytes.length > MAX_LINE) throw badChunk("chunk header too long");
    this.line = this.line.length === 0 ? Buffer.from(bytes) : Buffer.concat([this.line, bytes]);
  }

  private startChunk(header: string): void {
    const semi = header.indexOf(";");
    const sizeText = semi < 0 ? header : header.slice(0, semi);
    if (!/^[0-9a-fA-F]{1,16}$/.test(sizeText)) throw badChunk(`bad chunk size ${JSON.stringify(sizeText)}`);
    const size = parseInt(sizeText, 16);
    if (this.options.signedChunks) {
      const match = /^chunk-signature=([0-9a-f]{64})$/.exec(semi < 0 ? "" : header.slice(semi + 1));
      if (!match) throw badChunk("missing chunk-signature");
      this.chunkSignature = match[1]!;
      this.chunkHash = this.options.signing ? createHash("sha256") : undefined;
    }
    if (size === 0) {
      this.endChunk();
      this.state = State.Trailer;
      return;
    }
    this.remaining = size;
    this.state = State.Data;
  }

  /** Checks a chunk's signature, which chains from the previous one. */
  private endChunk(): void {
    const signing = this.options.signing;
    if (!this.options.signedChunks || !signing) return;
    const dataHash = this.chunkHash ? this.chunkHash.digest("hex") : EMPTY_SHA256;
    this.chunkHash = undefined;
    const stringToSign = `AWS4-HMAC-SHA256-PAYLOAD\n${signing.amzDate}\n${signing.scope}\n${this.previousSignature}\n${EMPTY_SHA256}\n${dataHash}`;
    const expected = signing.key.sign(stringToSign);
    if (expected !== this.chunkSignature) throw signatureMismatch(this.options.dialect);
    this.previousSignature = expected;
  }

  private trailerLine(content: string): void {
    if (content === "") {
      this.finishTrailers();
      return;
    }
    const colon = content.indexOf(":");
    if (colon <= 0) throw badChunk("malformed trailing header");
    const name = content.slice(0, colon).trim().toLowerCase();
    const value = content.slice(colon + 1).trim();
    if (name === "x-amz-trailer-signature") {
      this.verifyTrailerSignature(value);
      return;
    }
    this.trailerLines.push(`${name}:${value}\n`);
    this.options.trailers.set(name, value);
  }

  private verifyTrailerSignature(signature: string): void {
    const signing = this.options.signing;
    if (!signing) return;
    const stringToSign = `AWS4-HMAC-SHA256-TRAILER\n${signing.amzDate}\n${signing.scope}\n${this.previousSignature}\n${sha256Hex(this.trailerLines.join(""))}`;
    const expected = signing.key.sign(stringToSign);
    if (expected !== signature) throw signatureMismatch(this.options.dialect);
  }

  private finishTrailers(): void {
    this.state = State.Done;
  }
}

export function sha256Mismatch(): AwsError {
  return new AwsError("XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.", 400);
}

/** Passes a plain body through, failing at the end if its SHA-256 is not the signed one. */
export class Sha256Verifier extends Transform {
  private readonly hash = createHash("sha256");

  constructor(private readonly expectedHex: string) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.hash.digest("hex") !== this.expectedHex.toLowerCase()) {
      done(sha256Mismatch());
      return;
    }
    done();
  }
}
