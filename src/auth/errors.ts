/**
 * Authentication failures in each protocol family's words. The same fault
 * is `SignatureDoesNotMatch` (403) to S3 and IAM clients but
 * `InvalidSignatureException` (400) to DynamoDB's.
 */
import { AwsError } from "../server/errors.js";
import type { AuthDialect } from "./types.js";
import { wireBytes } from "./wire.js";

const SIGNATURE_MISMATCH =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
const S3_SIGNATURE_MISMATCH = "The request signature we calculated does not match the signature you provided. Check your key and signing method.";
const INVALID_TOKEN = "The security token included in the request is invalid.";

/** What a signature was computed over, which S3 shows beside its refusal. */
export interface SignedText {
  accessKeyId: string;
  stringToSign: string;
  signatureProvided: string;
  /** SigV4 only. */
  canonicalRequest?: string;
}

export function signatureMismatch(dialect: AuthDialect, signed?: SignedText): AwsError {
  switch (dialect) {
    case "s3":
      return new AwsError("SignatureDoesNotMatch", S3_SIGNATURE_MISMATCH, 403, signed ? signedTextFields(signed) : {});
    case "json":
      return new AwsError("InvalidSignatureException", SIGNATURE_MISMATCH, 400);
    case "query":
      return new AwsError("SignatureDoesNotMatch", SIGNATURE_MISMATCH, 403);
  }
}

/** S3's diagnostic members, each text also as its bytes (`41 57 53 34 …`). */
function signedTextFields(signed: SignedText): Record<string, string> {
  const fields: Record<string, string> = {
    AWSAccessKeyId: signed.accessKeyId,
    StringToSign: signed.stringToSign,
    SignatureProvided: signed.signatureProvided,
    StringToSignBytes: spacedHex(signed.stringToSign),
  };
  if (signed.canonicalRequest !== undefined) {
    fields.CanonicalRequest = signed.canonicalRequest;
    fields.CanonicalRequestBytes = spacedHex(signed.canonicalRequest);
  }
  return fields;
}

/** The bytes that were hashed (see wireBytes), as AWS lists them. */
function spacedHex(text: string): string {
  const bytes = wireBytes(text);
  return (typeof bytes === "string" ? Buffer.from(bytes) : bytes).toString("hex").replace(/(..)(?!$)/g, "$1 ");
}

export function unknownAccessKey(dialect: AuthDialect, accessKeyId: string): AwsError {
  switch (dialect) {
    case "s3":
      return new AwsError("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", 403, { AWSAccessKeyId: accessKeyId });
    case "json":
      return new AwsError("UnrecognizedClientException", INVALID_TOKEN, 400);
    case "query":
      return new AwsError("InvalidClientTokenId", INVALID_TOKEN, 403);
  }
}

export function invalidToken(dialect: AuthDialect, token: string | undefined): AwsError {
  switch (dialect) {
    case "s3":
      return new AwsError("InvalidToken", "The provided token is malformed or otherwise invalid.", 400, { "Token-0": token });
    case "json":
      return new AwsError("UnrecognizedClientException", INVALID_TOKEN, 400);
    case "query":
      return new AwsError("InvalidClientTokenId", INVALID_TOKEN, 403);
  }
}

export function expiredToken(dialect: AuthDialect): AwsError {
  switch (dialect) {
    case "s3":
      return new AwsError("ExpiredToken", "The provided token has expired.", 400);
    case "json":
      return new AwsError("ExpiredTokenException", "The security token included in the request is expired", 400);
    case "query":
      return new AwsError("ExpiredToken", "The security token included in the request is expired", 403);
  }
}

export function missingAuthentication(dialect: AuthDialect): AwsError {
  switch (dialect) {
    case "s3":
      return new AwsError("AccessDenied", "Access Denied", 403);
    case "json":
      return new AwsError("MissingAuthenticationTokenException", "Request is missing Authentication Token", 400);
    case "query":
      return new AwsError("MissingAuthenticationToken", "Request is missing Authentication Token", 403);
  }
}

/** A request signed too far from now (header signatures; 15 minutes either way), its time as sent. */
export function tooSkewed(dialect: AuthDialect, requestTime: string, requestMs: number, now: number): AwsError {
  if (dialect === "s3") {
    return new AwsError("RequestTimeTooSkewed", "The difference between the request time and the current time is too large.", 403, {
      RequestTime: requestTime,
      ServerTime: isoSeconds(now),
      MaxAllowedSkewMilliseconds: 900000,
    });
  }
  // "… is now earlier than <now − 15 min> (<now> - 15 min.)", or "still later than" its future twin.
  const compact = (ms: number) => isoSeconds(ms).replace(/[-:]/g, "");
  const message =
    requestMs > now
      ? `Signature not yet current: ${requestTime} is still later than ${compact(now + SKEW_MS)} (${compact(now)} + 15 min.)`
      : `Signature expired: ${requestTime} is now earlier than ${compact(now - SKEW_MS)} (${compact(now)} - 15 min.)`;
  return dialect === "json" ? new AwsError("InvalidSignatureException", message, 400) : new AwsError("SignatureDoesNotMatch", message, 403);
}

/**
 * A presigned URL past its time. S3 tells when it expired and the time
 * now, and for SigV4 the lifetime it was given.
 */
export function requestExpired(dialect: AuthDialect, expiredAt: number, now: number, lifetimeSeconds?: number): AwsError {
  if (dialect === "s3") {
    return new AwsError("AccessDenied", "Request has expired", 403, {
      "X-Amz-Expires": lifetimeSeconds === undefined ? undefined : String(lifetimeSeconds),
      Expires: isoSeconds(expiredAt),
      ServerTime: isoSeconds(now),
    });
  }
  return new AwsError(dialect === "json" ? "InvalidSignatureException" : "SignatureDoesNotMatch", "Signature expired", dialect === "json" ? 400 : 403);
}

/** `2026-11-29T10:00:00Z`, as S3 tells times in its errors. */
/** The clock skew AWS allows a signed request. */
const SKEW_MS = 15 * 60 * 1000;

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** An Authorization header or presigned query that cannot be parsed. */
export function malformedAuth(dialect: AuthDialect, detail: string): AwsError {
  switch (dialect) {
    case "s3":
      return new AwsError("AuthorizationHeaderMalformed", `The authorization header is malformed; ${detail}`, 400);
    case "json":
      return new AwsError("IncompleteSignatureException", detail, 400);
    case "query":
      return new AwsError("IncompleteSignature", detail, 400);
  }
}

/**
 * An Authorization header of no scheme the service takes (`Bearer …`, or
 * SigV2's `AWS …` where only SigV4 is). S3 names it (versity/versitygw#1512's
 * capture); the JSON and query services list what a SigV4 header lacks.
 */
export function unsupportedAuthorization(dialect: AuthDialect, authorization: string, hasDate: boolean): AwsError {
  if (dialect === "s3") return new AwsError("InvalidArgument", "Unsupported Authorization Type", 400, { ArgumentName: "Authorization", ArgumentValue: authorization });
  return incompleteSignature(dialect, authorization, { credential: false, signature: false, signedHeaders: false, date: hasDate });
}

/**
 * A SigV4 Authorization header lacking a part, or a request with no date.
 * S3's words (AuthorizationHeaderMalformed, or AccessDenied for the date, as
 * captured in ex-aws/ex_aws#537 and aws/aws-sdk-js#120); the JSON and query
 * services list each missing part, then the header (captures in
 * aws/aws-sdk-ruby#317, brendanhay/amazonka#316).
 */
export function incompleteV4Header(dialect: AuthDialect, authorization: string, present: { credential: boolean; signature: boolean; signedHeaders: boolean; date: boolean }): AwsError {
  if (dialect === "s3") {
    if (!present.credential || !present.signature || !present.signedHeaders) {
      return malformedAuth(dialect, "the authorization header requires three components: Credential, SignedHeaders, and Signature.");
    }
    return invalidS3Date();
  }
  return incompleteSignature(dialect, authorization, present);
}

function incompleteSignature(dialect: "json" | "query", authorization: string, present: { credential: boolean; signature: boolean; signedHeaders: boolean; date: boolean }): AwsError {
  let message = "";
  if (!present.credential) message += "Authorization header requires 'Credential' parameter. ";
  if (!present.signature) message += "Authorization header requires 'Signature' parameter. ";
  if (!present.signedHeaders) message += "Authorization header requires 'SignedHeaders' parameter. ";
  if (!present.date) message += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  return malformedAuth(dialect, `${message}Authorization=${authorization}`);
}

/** S3's refusal of a request without a date it can read (ceph s3-tests' bad_amz_date cases: 403). */
export function invalidS3Date(): AwsError {
  return new AwsError("AccessDenied", "AWS authentication requires a valid Date or x-amz-date header", 403);
}

/**
 * An X-Amz-Date not in the basic ISO 8601 form. The JSON and query services
 * quote it (IncompleteSignature captures in brendanhay/amazonka#5 and
 * umegaya/lua-aws#18); S3 refuses a header's as it refuses no date, a
 * presigned URL's as a malformed parameter.
 */
export function invalidAmzDate(dialect: AuthDialect, amzDate: string, presigned: boolean): AwsError {
  if (dialect !== "s3") return malformedAuth(dialect, `Date must be in ISO-8601 'basic format'. Got '${amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`);
  if (presigned) return malformedQueryAuth(dialect, "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  return invalidS3Date();
}

/**
 * SigV4 requires `host` among the signed headers. S3 names it as an unsigned
 * header (coda/packs-sdk#3093's capture); the others say it must be signed
 * (aws/aws-sdk-php#2469, opensearch-project/opensearch-php#248).
 */
export function hostNotSigned(dialect: AuthDialect): AwsError {
  if (dialect === "s3") return new AwsError("AccessDenied", "There were headers present in the request which were not signed", 403, { HeadersNotSigned: "host" });
  return malformedAuth(dialect, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
}

export function malformedQueryAuth(dialect: AuthDialect, detail: string): AwsError {
  if (dialect === "s3") return new AwsError("AuthorizationQueryParametersError", detail, 400);
  return malformedAuth(dialect, detail);
}
