/**
 * The one error type of Nimbus. Thrown from anywhere (auth, parsing, an
 * operation), rendered only by the protocol serializer of the service that
 * answers, so the same error reads as XML for S3 and JSON for DynamoDB.
 */
export class AwsError extends Error {
  override readonly name = "AwsError";
  /** AWS error code, e.g. `NoSuchBucket`. */
  readonly code: string;
  /** HTTP status. */
  readonly status: number;
  /**
   * Extra members AWS puts beside Code and Message (S3's `<BucketName>`,
   * `<Key>`, `<Condition>`...). Rendered in this order. XML protocols
   * render scalars; the JSON protocols also render structured members
   * (DynamoDB's `CancellationReasons`, `Item`) through the model's error shape.
   */
  readonly fields: Readonly<Record<string, unknown>>;
  /** Extra response headers (e.g. `x-amz-delete-marker`). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    code: string,
    message: string,
    status = 400,
    fields: Readonly<Record<string, unknown>> = {},
    headers: Readonly<Record<string, string>> = {},
  ) {
    // An AwsError is an answer, not a bug: capturing a stack trace for
    // every 404 would cost more than the rest of the request.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.code = code;
    this.status = status;
    this.fields = fields;
    this.headers = headers;
  }

  /** AWS's fault classification: `Sender` for 4xx, `Receiver` for 5xx. */
  get fault(): "Sender" | "Receiver" {
    return this.status >= 500 ? "Receiver" : "Sender";
  }
}

/** An unexpected failure, wrapped so the client sees AWS's generic 500 (S3's, unless the service has its own). */
export function internalError(cause: unknown, own?: AwsError): AwsError {
  const error = own ?? new AwsError("InternalError", "We encountered an internal error. Please try again.", 500);
  (error as { cause?: unknown }).cause = cause;
  return error;
}

export function isAwsError(value: unknown): value is AwsError {
  return value instanceof AwsError;
}
