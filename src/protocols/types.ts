/**
 * The contract between the request pipeline and a protocol codec. A codec is
 * built from one service model; it finds the operation a request calls,
 * decodes the request into that operation's typed input, and encodes the
 * output or an AwsError back into an HTTP response. Operations never see HTTP.
 */
import type { PostForm } from "../auth/post-form.js";
import type { IncomingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";
import type { AwsError } from "../server/errors.js";
import type { Operation, ServiceModel } from "./model.js";
import type { RequestBody } from "./shared/body.js";

/** A request as the codecs see it, after routing and authentication. */
export interface WireRequest {
  method: string;
  /**
   * Path without the query, still percent-encoded as received. For S3
   * virtual-host requests the bucket has been folded in (`/bucket/key`).
   */
  path: string;
  /** Query string without the leading `?`, as received. */
  rawQuery: string;
  /** Decoded query parameters (a key without `=` maps to `""`). */
  query: URLSearchParams;
  /** Lower-cased header names, as node:http gives them. */
  headers: IncomingHttpHeaders;
  /**
   * The payload, already freed of any `aws-chunked` framing. Codecs read it
   * in full (up to `maxBodyBytes`) unless the operation's payload member is
   * streaming, in which case the stream itself becomes that member's value.
   * A small document already read whole (to check its signature) comes as
   * its bytes.
   */
  body: RequestBody;
  /** Payload length in bytes when known (decoded length for aws-chunked). */
  contentLength?: number;
  /** Decoded URI label values, noted by a REST codec's `resolve` for its `parseInput`. */
  labels?: Record<string, string>;
  /** An S3 POST form's fields, read by authentication ahead of the file (then `body`). */
  form?: PostForm;
}

/** What a codec returns for the edge to write. */
export interface WireResponse {
  status: number;
  headers: Record<string, string | string[]>;
  /** A stream is piped to the socket; a HEAD response never carries a body. */
  body?: Buffer | string | Readable;
}

/** Values of decoded inputs and outputs: plain objects keyed by AWS member names. */
export type Structure = Record<string, unknown>;

export interface SerializeContext {
  requestId: string;
  /** S3's `x-amz-id-2` and the `<HostId>` of its errors. */
  hostId?: string;
  /** The operation's HTTP method; HEAD responses drop their bodies. */
  method: string;
}

export interface CodecOptions {
  /** Largest non-streaming body read into memory; larger ones are refused. */
  maxBodyBytes?: number;
  /** rest-xml: S3 writes `<Error>` at the root instead of `<ErrorResponse><Error>`. */
  errorWrapping?: boolean;
  /** rest-xml: root element name of an output shape (botocore models lack S3's, e.g. `ListBucketResult`). */
  xmlRootNames?: Readonly<Record<string, string>>;
  /**
   * Maps a decoding failure to the service's own error (S3: `MalformedXML`,
   * DynamoDB: `SerializationException`). Defaults to a generic 400.
   */
  malformedError?: (detail: string) => AwsError;
  /**
   * json: the error for a document holding a string that is not Unicode (an
   * unpaired surrogate escape such as `"\ud800"`), which no UTF-8 store
   * keeps apart from U+FFFD. Unset, such strings are taken as they come.
   */
  unpairedSurrogateError?: () => AwsError;
  /** rest: the error for an empty body where the input's payload is a required document (S3: `MissingRequestBodyError`). */
  missingPayloadError?: () => AwsError;
  /**
   * json: the `__type` and message member name of an error when the
   * service's differ from the model's namespace (DynamoDB answers
   * `com.amazon.coral.validate#ValidationException`); an empty message is
   * then left out.
   */
  errorType?: (code: string, error: AwsError) => { type: string; messageName: "message" | "Message" } | undefined;
  /**
   * Maps a URI, query or header value of the wrong type (`max-keys=blah`)
   * to the service's own error. Defaults to a generic InvalidArgument.
   */
  invalidValueError?: (member: string, value: string, expected: string) => AwsError | undefined;
  /** rest: an empty numeric query value (`max-parts=`) counts as absent, as S3 takes it. */
  emptyQueryNumbersAbsent?: boolean;
}

export interface ProtocolCodec {
  readonly model: ServiceModel;
  /**
   * Reads what routing needs from the body, before `resolve` (the query
   * protocol names the operation in a form body: `Action=CreateUser`).
   */
  prepare?(req: WireRequest): Promise<void>;
  /** The operation this request calls, or undefined when none matches. */
  resolve(req: WireRequest): Operation | undefined;
  /**
   * Decodes the request into the operation's input structure. Throws (or
   * rejects with) AwsError on malformed input. A codec whose body is
   * already in hand answers at once rather than with a promise.
   */
  parseInput(op: Operation, req: WireRequest): Structure | Promise<Structure>;
  /** Encodes an operation's output (status from the model, `statusCode`-located member, or 200). */
  serializeOutput(op: Operation, output: Structure, ctx: SerializeContext): WireResponse;
  /** Encodes an error in the protocol's error shape. `op` is undefined when routing failed. */
  serializeError(error: AwsError, ctx: SerializeContext, op?: Operation): WireResponse;
}
