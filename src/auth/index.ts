/**
 * Authentication: turns a request's signature into a Principal and hands
 * on a payload stream that verifies what was signed. Which key is known,
 * and what an unknown key means, depends on the auth mode: lenient accepts
 * unknown keys (as other local clouds do), strict refuses them. A known key
 * with a wrong signature is refused in both.
 */
import { Readable } from "node:stream";
import { HeldBody, readBody, type RequestBody } from "../protocols/shared/body.js";
import { ANONYMOUS, lenientPrincipal } from "./credentials.js";
import {
  expiredToken,
  invalidAmzDate,
  invalidS3Date,
  invalidToken,
  malformedAuth,
  malformedQueryAuth,
  missingAuthentication,
  requestExpired,
  signatureMismatch,
  tooSkewed,
  unknownAccessKey,
  unsupportedAuthorization,
} from "./errors.js";
import { ChunkedDecoder, Sha256Verifier, sha256Mismatch } from "./payload.js";
import { isPostForm, readPostForm } from "./post-form.js";
import { isPathStyleBucketRoot, signatureV2, stringToSignV2 } from "./sigv2.js";
import { asWireText } from "./wire.js";
import {
  ALGORITHM,
  canonicalRequest,
  header,
  parseAmzDate,
  parseV4Header,
  parseV4Query,
  queryMap,
  requestSignature,
  stringToSignV4,
  EMPTY_SHA256,
  scopeOf,
  sha256Hex,
  signingKey,
  type SigningKey,
  type V4Signature,
} from "./sigv4.js";
import type { AuthOptions, AuthRequest, AuthResult, KnownCredentials, Principal } from "./types.js";
import { AwsError } from "../server/errors.js";

export { ANONYMOUS, CredentialRegistry, createDefaultCredentials, DEFAULT_ACCOUNT_ID, rootPrincipal } from "./credentials.js";
export { ACCESS_KEYS_STORE, CredentialChain, StoredKeys, type AccessKeyRecord } from "./stored-keys.js";
export { ACCESS_KEY_USAGE_STORE, KeyUsage, type KeyUseRecord } from "./key-usage.js";
export type * from "./types.js";

/** The trailers of every request that is not aws-chunked: none, shared. */
const NO_TRAILERS: ReadonlyMap<string, string> = new Map();

/** What S3 takes in x-amz-content-sha256 besides a SHA-256 (the ECDSA forms are SigV4a's). */
const PAYLOAD_KEYWORDS: ReadonlySet<string> = new Set([
  "UNSIGNED-PAYLOAD",
  "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
  "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
  "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
  "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD",
  "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER",
]);
const PAYLOAD_HASH_FORMS =
  "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value.";

/** How far a header-signed request's time may be from ours. */
const MAX_SKEW_MS = 15 * 60 * 1000;
/** Largest S3 payload read whole (and handed on as bytes) rather than verified as it streams. */
const MAX_WHOLE_PAYLOAD = 64 * 1024;
/** Largest body of a non-S3 request buffered to compute its payload hash. */
const MAX_SIGNED_DOCUMENT = 16 * 1024 * 1024;

/**
 * Authenticates a request. Most requests need no I/O to do so and get their
 * result at once; those whose signed document must be read first get a
 * promise. Failures always come as a rejected promise.
 */
export function authenticate(req: AuthRequest, options: AuthOptions): AuthResult | Promise<AuthResult> {
  try {
    return authenticateNow(req, options);
  } catch (error) {
    return Promise.reject(error);
  }
}

function authenticateNow(req: AuthRequest, options: AuthOptions): AuthResult | Promise<AuthResult> {
  const authorization = header(req.headers, "authorization");
  if (authorization !== undefined && req.rawQuery !== "" && options.dialect === "s3" && signsQuery(req.rawQuery)) throw oneAuthMechanism(authorization);
  if (authorization?.startsWith(ALGORITHM)) return authenticateV4(req, options, parsedV4Header(req, options, authorization));
  if (authorization?.startsWith("AWS ") && options.allowV2) return authenticateV2Header(req, options, authorization.slice(4));
  if (authorization !== undefined && authorization !== "") {
    throw unsupportedAuthorization(options.dialect, authorization, header(req.headers, "x-amz-date") !== undefined || header(req.headers, "date") !== undefined);
  }

  if (req.rawQuery.includes("X-Amz-")) {
    const params = queryMap(req.rawQuery);
    if (params.has("X-Amz-Credential") || params.has("X-Amz-Algorithm")) {
      const sig = parseV4Query(params, options.dialect);
      if (options.dialect === "s3") presignedHeadersV4(req, sig, params);
      return authenticateV4(req, options, sig);
    }
  }
  if (options.allowV2 && req.rawQuery.includes("AWSAccessKeyId=")) return authenticateV2Query(req, options);
  if (options.dialect === "s3" && req.rawQuery === "" && isPostForm(req.method, req.headers) && namesBucketOnly(req)) return authenticatePostForm(req, options);

  if (!options.allowAnonymous) throw missingAuthentication(options.dialect);
  return plainResult(req, ANONYMOUS, "none");
}

/** Whether a query signs the request (SigV4's X-Amz-Algorithm, SigV2's Signature), which an Authorization header may not also do. */
function signsQuery(rawQuery: string): boolean {
  if (!rawQuery.includes("X-Amz-Algorithm=") && !rawQuery.includes("Signature=")) return false;
  const params = queryMap(rawQuery);
  return params.has("X-Amz-Algorithm") || params.has("Signature");
}

/** S3's refusal of a request signed both ways (its words, as captured in catalyst/moodle-tool_objectfs#303). */
function oneAuthMechanism(authorization: string): AwsError {
  return new AwsError(
    "InvalidArgument",
    "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified",
    400,
    { ArgumentName: "Authorization", ArgumentValue: authorization },
  );
}

// ── SigV4 ───────────────────────────────────────────────────────────────

/**
 * The Authorization header's parts. A JSON or query service checks the
 * request's date before the header's form: a malformed header on a request
 * from too far in the past or future is refused for its time.
 */
function parsedV4Header(req: AuthRequest, options: AuthOptions, authorization: string): V4Signature {
  try {
    return parseV4Header(authorization, req.headers, options.dialect);
  } catch (error) {
    const amzDate = options.dialect === "s3" ? undefined : header(req.headers, "x-amz-date");
    const time = amzDate === undefined ? NaN : parseAmzDate(amzDate);
    const now = options.now();
    if (amzDate !== undefined && !Number.isNaN(time) && Math.abs(now - time) > MAX_SKEW_MS) throw tooSkewed(options.dialect, amzDate, time, now);
    throw error;
  }
}

function authenticateV4(req: AuthRequest, options: AuthOptions, sig: V4Signature): AuthResult | Promise<AuthResult> {
  const { dialect } = options;
  const now = options.now();
  const requestTime = parseAmzDate(sig.amzDate);
  if (Number.isNaN(requestTime)) throw invalidAmzDate(dialect, sig.amzDate, sig.presigned);
  if (sig.presigned) {
    if (sig.expires === undefined && dialect === "s3") {
      throw malformedQueryAuth(
        dialect,
        "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.",
      );
    }
    const expiresAt = sig.expires === undefined ? Infinity : requestTime + sig.expires * 1000;
    if (now > expiresAt) throw requestExpired(dialect, expiresAt, now, sig.expires);
    if (requestTime - now > MAX_SKEW_MS) {
      throw dialect === "s3" ? new AwsError("AccessDenied", "Request is not valid yet", 403) : tooSkewed(dialect, sig.amzDate, requestTime, now);
    }
  } else if (Math.abs(now - requestTime) > MAX_SKEW_MS) {
    // A date before 1970 is no valid date to S3, rather than a skewed one (as for SigV2).
    throw requestTime < 0 && dialect === "s3" ? invalidS3Date() : tooSkewed(dialect, sig.amzDate, requestTime, now);
  } else if (dialect === "s3" && !sig.amzDate.startsWith(sig.date)) {
    // S3's words for a credential scope of another day (akka/alpakka#1690, arqbackup/arq_restore#48).
    throw malformedAuth(dialect, "Invalid credential date. Date is not the same as X-Amz-Date.");
  }

  const known = resolveKey(sig.accessKeyId, options);
  const principal = known?.principal ?? lenientPrincipal(sig.accessKeyId);
  if (known) checkToken(known, req, options, sig.accessKeyId);

  const payloadHash = header(req.headers, "x-amz-content-sha256");
  const signed = (body: RequestBody, contentLength: number | undefined, trailers = NO_TRAILERS): AuthResult =>
    authResult(principal, sig.presigned ? "v4-query" : "v4-header", body, contentLength, trailers, sig.region, sig.service);

  // Non-S3 clients sign the SHA-256 of a small document without sending it:
  // read the document first, then check the signature over its hash.
  if (payloadHash === undefined && !(sig.service === "s3" || dialect === "s3")) {
    return readBody(req.body, MAX_SIGNED_DOCUMENT).then((body) => {
      if (known) {
        verifyV4(req, sig, known, sha256Hex(body), dialect);
        options.credentials.noteUse?.(sig.accessKeyId, sig.service, sig.region, now);
      }
      return signed(new HeldBody(body), body.length);
    });
  }

  if (payloadHash === undefined && dialect === "s3" && !sig.presigned) {
    throw new AwsError("InvalidRequest", "Missing required header for this request: x-amz-content-sha256", 400);
  }
  if (payloadHash !== undefined && dialect === "s3" && !PAYLOAD_KEYWORDS.has(payloadHash) && !/^[0-9a-f]{64}$/i.test(payloadHash)) {
    throw new AwsError("InvalidArgument", PAYLOAD_HASH_FORMS, 400, { ArgumentName: "x-amz-content-sha256", ArgumentValue: payloadHash });
  }
  const signedPayload = payloadHash ?? "UNSIGNED-PAYLOAD";
  // S3's presigned URLs sign a payload hash only through a signed x-amz-content-sha256 header.
  const canonicalPayload = sig.presigned && dialect === "s3" && !sig.signedHeaders.includes("x-amz-content-sha256") ? "UNSIGNED-PAYLOAD" : signedPayload;
  const signature = known ? verifyV4(req, sig, known, canonicalPayload, dialect) : undefined;
  if (known) options.credentials.noteUse?.(sig.accessKeyId, sig.service, sig.region, now);

  if (signedPayload.startsWith("STREAMING-")) {
    const signedChunks = signedPayload.startsWith("STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
    const decodedLength = numberHeader(req, "x-amz-decoded-content-length");
    // S3 needs the decoded length of a streamed body, and takes a value that
    // is no number for none (versity/versitygw#1656 captured its answer).
    if (decodedLength === undefined && dialect === "s3") throw new AwsError("MissingContentLength", "You must provide the Content-Length HTTP header.", 411);
    const trailers = new Map<string, string>();
    const decoder = new ChunkedDecoder({
      signing: signature && signedChunks ? { key: signature.key, amzDate: sig.amzDate, scope: scopeOf(sig), seed: sig.signature } : undefined,
      signedChunks,
      trailers,
      decodedLength,
      dialect,
    });
    return signed(pipe(req.body, decoder), decodedLength, trailers);
  }
  const contentLength = numberHeader(req, "content-length");
  // Most requests (GET, HEAD, DELETE) carry no body and sign the empty hash.
  if (known && signedPayload === EMPTY_SHA256 && hasNoBody(req, contentLength)) return signed(req.body, contentLength);
  if (known && signedPayload.length === 64 && /^[0-9a-f]{64}$/i.test(signedPayload)) {
    // No body but another hash: refused now rather than through a verifying stream for nothing.
    if (hasNoBody(req, contentLength)) {
      if (signedPayload.toLowerCase() !== EMPTY_SHA256) throw sha256Mismatch();
      return signed(req.body, contentLength);
    }
    // Other services' bodies are small documents, read whole by their
    // codecs anyway, and so are S3's small objects: check the hash in one
    // go rather than through a stream.
    const small = contentLength !== undefined && contentLength <= MAX_WHOLE_PAYLOAD && req.headers["transfer-encoding"] === undefined;
    if (dialect !== "s3" && sig.service !== "s3") {
      return readBody(req.body, MAX_SIGNED_DOCUMENT).then((body) => {
        if (sha256Hex(body) !== signedPayload.toLowerCase()) throw sha256Mismatch();
        return signed(new HeldBody(body), body.length);
      });
    }
    if (small) {
      // Checked when the operation takes the bytes, as a streamed payload is.
      const check = (bytes: Buffer): void => {
        if (sha256Hex(bytes) !== signedPayload.toLowerCase()) throw sha256Mismatch();
      };
      return readBody(req.body, MAX_WHOLE_PAYLOAD).then((body) => signed(new HeldBody(body, check), body.length));
    }
    return signed(pipe(req.body, new Sha256Verifier(signedPayload)), contentLength);
  }
  return signed(req.body, contentLength);
}

/** Checks the request signature; returns the signing key for chunk signatures. */
function verifyV4(req: AuthRequest, sig: V4Signature, known: KnownCredentials, payloadHash: string, dialect: AuthOptions["dialect"]): { key: SigningKey } {
  const key = signingKey(known.secretAccessKey, sig);
  const canonical = canonicalRequest(req, sig, payloadHash);
  const expected = requestSignature(key, sig, canonical);
  if (!sameText(expected, sig.signature)) {
    throw signatureMismatch(dialect, { accessKeyId: sig.accessKeyId, stringToSign: stringToSignV4(sig, canonical), signatureProvided: sig.signature, canonicalRequest: canonical });
  }
  return { key };
}

/** The query parameters of a SigV4 presigned URL that are its own, not headers carried in the query. */
const V4_QUERY_PARAMS: ReadonlySet<string> = new Set([
  "x-amz-algorithm",
  "x-amz-credential",
  "x-amz-date",
  "x-amz-expires",
  "x-amz-signedheaders",
  "x-amz-signature",
  "x-amz-security-token",
]);

/**
 * S3's presigned URLs, as S3 reads them: every `x-amz-*` header sent must
 * be signed (AccessDenied naming the others, before the signature is
 * checked), and `x-amz-*` query parameters stand for headers (metadata,
 * storage class...), signed ones included, except checksums no signature
 * covers. Those become the request's headers, for the signature and for
 * the operation alike.
 */
function presignedHeadersV4(req: AuthRequest, sig: V4Signature, params: ReadonlyMap<string, string>): void {
  const unsigned = Object.keys(req.headers).filter((name) => name.startsWith("x-amz-") && name !== "x-amz-content-sha256" && !sig.signedHeaders.includes(name));
  if (unsigned.length > 0) {
    throw new AwsError("AccessDenied", "There were headers present in the request which were not signed", 403, { HeadersNotSigned: unsigned.join(", ") });
  }
  for (const [name, value] of params) {
    const lower = name.toLowerCase();
    if (!lower.startsWith("x-amz-") || V4_QUERY_PARAMS.has(lower) || req.headers[lower] !== undefined) continue;
    // A presigner sends its checksum before it knows the body; AWS ignores one that is not signed.
    if (lower.startsWith("x-amz-checksum-") && !sig.signedHeaders.includes(lower)) continue;
    hoistHeader(req, lower, value);
  }
}

/** What a header name may be (RFC 9110 token), which a name carried in a query need not be. */
const HEADER_TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

/** A header carried in a presigned URL's query, refused unless it could have been sent as a header. */
function hoistHeader(req: AuthRequest, name: string, value: string): void {
  if (!HEADER_TOKEN.test(name)) throw new AwsError("InvalidArgument", `${name} is not a valid header name`, 400, { ArgumentName: name });
  // As if sent as a header: its UTF-8 bytes as Latin-1 text, as signatures and services read headers.
  req.headers[name] = asWireText(value);
}

// ── SigV2 (S3 only) ─────────────────────────────────────────────────────

function authenticateV2Header(req: AuthRequest, options: AuthOptions, credential: string): AuthResult {
  // S3's words for a SigV2 header of the wrong form (ceph s3-tests, openstack/swift's s3api).
  const invalid = (message: string) => new AwsError("InvalidArgument", message, 400, { ArgumentName: "Authorization", ArgumentValue: `AWS ${credential}` });
  if (credential.startsWith(" ")) throw invalid("Authorization header is invalid -- one and only one ' ' (space) required");
  const colon = credential.lastIndexOf(":");
  if (colon <= 0) throw invalid("AWS authorization header is invalid.  Expected AwsAccessKeyId:signature");
  const accessKeyId = credential.slice(0, colon);
  const signature = credential.slice(colon + 1);
  const amzDate = header(req.headers, "x-amz-date");
  const date = amzDate ?? header(req.headers, "date") ?? "";
  const time = Date.parse(date);
  const now = options.now();
  // A date before 1970 is no valid date to S3, rather than a skewed one.
  if (Number.isNaN(time) || time < 0) throw new AwsError("AccessDenied", "AWS authentication requires a valid Date or x-amz-date header", 403);
  if (Math.abs(now - time) > MAX_SKEW_MS) throw tooSkewed(options.dialect, date, time, now);
  const known = resolveKey(accessKeyId, options);
  if (known) {
    checkToken(known, req, options, accessKeyId);
    const stringToSign = mismatchedV2(known.secretAccessKey, req, amzDate === undefined ? date : "", signature);
    if (stringToSign !== undefined) throw signatureMismatch(options.dialect, { accessKeyId, stringToSign, signatureProvided: signature });
    options.credentials.noteUse?.(accessKeyId, "s3", "", now);
  }
  return plainResult(req, known?.principal ?? lenientPrincipal(accessKeyId), "v2-header");
}

function authenticateV2Query(req: AuthRequest, options: AuthOptions): AuthResult {
  const params = queryMap(req.rawQuery);
  const accessKeyId = params.get("AWSAccessKeyId") ?? "";
  const signature = params.get("Signature");
  const expires = params.get("Expires");
  if (!signature || !expires) {
    throw new AwsError("AccessDenied", "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters", 403);
  }
  if (!/^\d+$/.test(expires)) throw new AwsError("AccessDenied", "Invalid date (should be seconds since epoch): " + expires, 403);
  if (options.now() > Number(expires) * 1000) throw requestExpired(options.dialect, Number(expires) * 1000, options.now());
  // A presigner carries the signed headers in the query (botocore moves
  // x-amz-*, Content-Type and Content-MD5 there): they are the request's.
  for (const [name, value] of params) {
    const lower = name.toLowerCase();
    if ((lower.startsWith("x-amz-") || lower === "content-type" || lower === "content-md5") && req.headers[lower] === undefined) hoistHeader(req, lower, value);
  }
  const known = resolveKey(accessKeyId, options);
  if (known) {
    checkToken(known, req, options, accessKeyId);
    const stringToSign = mismatchedV2(known.secretAccessKey, req, expires, signature);
    if (stringToSign !== undefined) throw signatureMismatch(options.dialect, { accessKeyId, stringToSign, signatureProvided: signature });
    options.credentials.noteUse?.(accessKeyId, "s3", "", options.now());
  }
  return plainResult(req, known?.principal ?? lenientPrincipal(accessKeyId), "v2-query");
}

/** The string a SigV2 signature should have signed, when it does not match; undefined when it does. */
function mismatchedV2(secret: string, req: AuthRequest, date: string, signature: string): string | undefined {
  const stringToSign = stringToSignV2(req, date);
  if (sameText(signatureV2(secret, stringToSign), signature)) return undefined;
  if (isPathStyleBucketRoot(req) && sameText(signatureV2(secret, stringToSignV2(req, date, true)), signature)) return undefined;
  return stringToSign;
}

// ── POST forms (S3 browser uploads) ─────────────────────────────────────

/** `POST /<bucket>` or, on a bucket's virtual host, `POST /`: where S3 takes a form. */
function namesBucketOnly(req: AuthRequest): boolean {
  return req.virtualHostBucket !== undefined ? req.path === "/" : /^\/[^/]+\/?$/.test(req.path);
}

/**
 * A form signs its policy: with SigV4 fields (`x-amz-signature`, the hex
 * HMAC of the base64 policy under the scope's signing key) or SigV2 ones
 * (`signature`, its base64 HMAC-SHA1). A form with neither is anonymous;
 * whether its policy then holds is the operation's to check.
 */
async function authenticatePostForm(req: AuthRequest, options: AuthOptions): Promise<AuthResult> {
  const { form, file } = await readPostForm(req.headers, req.body);
  const fields = form.fields;
  const required = (name: string): string => {
    const value = fields.get(name.toLowerCase());
    if (value === undefined || value === "") {
      throw new AwsError("InvalidArgument", `Bucket POST must contain a field named '${name}'.  If it is specified, please check the order of the fields.`, 400, {
        ArgumentName: name,
        ArgumentValue: "",
      });
    }
    return value;
  };
  const result = (principal: Principal, method: AuthResult["method"], region?: string, service?: string): AuthResult => ({
    ...authResult(principal, method, file, undefined, NO_TRAILERS, region, service),
    form,
  });
  const now = options.now();
  if (["x-amz-algorithm", "x-amz-credential", "x-amz-signature", "x-amz-date"].some((name) => fields.has(name))) {
    const algorithm = required("X-Amz-Algorithm");
    const credential = required("X-Amz-Credential");
    required("X-Amz-Date");
    const signature = required("X-Amz-Signature");
    const policy = required("Policy");
    if (algorithm !== ALGORITHM) throw new AwsError("InvalidArgument", `X-Amz-Algorithm only supports "${ALGORITHM}"`, 400, { ArgumentName: "X-Amz-Algorithm", ArgumentValue: algorithm });
    const [accessKeyId = "", date = "", region = "", service = "", terminator] = credential.split("/");
    if (terminator !== "aws4_request" || !/^\d{8}$/.test(date)) {
      throw new AwsError("InvalidArgument", "Invalid credential in the form's X-Amz-Credential field", 400, { ArgumentName: "X-Amz-Credential", ArgumentValue: credential });
    }
    const known = resolveKey(accessKeyId, options);
    if (known) {
      checkFormToken(known, fields, options, accessKeyId);
      if (!sameText(signingKey(known.secretAccessKey, { date, region, service }).sign(policy), signature)) {
        throw signatureMismatch(options.dialect, { accessKeyId, stringToSign: policy, signatureProvided: signature });
      }
      options.credentials.noteUse?.(accessKeyId, "s3", region, now);
    }
    return result(known?.principal ?? lenientPrincipal(accessKeyId), "v4-form", region, service);
  }
  if (fields.has("awsaccesskeyid") || fields.has("signature")) {
    const accessKeyId = required("AWSAccessKeyId");
    const signature = required("Signature");
    const policy = required("Policy");
    const known = resolveKey(accessKeyId, options);
    if (known) {
      checkFormToken(known, fields, options, accessKeyId);
      if (!sameText(signatureV2(known.secretAccessKey, policy), signature)) {
        throw signatureMismatch(options.dialect, { accessKeyId, stringToSign: policy, signatureProvided: signature });
      }
      options.credentials.noteUse?.(accessKeyId, "s3", "", now);
    }
    return result(known?.principal ?? lenientPrincipal(accessKeyId), "v2-form");
  }
  // A policy no one signed grants nothing.
  if (fields.has("policy")) throw new AwsError("AccessDenied", "Access Denied", 403);
  return result(ANONYMOUS, "none");
}

/** Temporary credentials sign forms too, their token a field of the form. */
function checkFormToken(known: KnownCredentials, fields: ReadonlyMap<string, string>, options: AuthOptions, accessKeyId: string): void {
  const token = fields.get("x-amz-security-token");
  if (known.sessionToken === undefined) {
    if (token !== undefined && token !== "") throw invalidToken(options.dialect, token);
    return;
  }
  if (token === undefined || token === "") throw unknownAccessKey(options.dialect, accessKeyId);
  if (token !== known.sessionToken) throw invalidToken(options.dialect, token);
  if (known.expiresAt !== undefined && options.now() >= known.expiresAt) throw expiredToken(options.dialect);
}

// ── shared ──────────────────────────────────────────────────────────────

/** The key's credentials; undefined means "unknown, accepted" (lenient mode only). */
function resolveKey(accessKeyId: string, options: AuthOptions): KnownCredentials | undefined {
  const known = options.credentials.lookup(accessKeyId);
  if (known && known.active) return known;
  if (options.mode === "strict" || known) throw unknownAccessKey(options.dialect, accessKeyId);
  return undefined;
}

/**
 * Temporary credentials must come with their session token, before they
 * expire; a long-term key must come with none (AWS refuses a token it did
 * not issue for the key: botocore's test_bad_request_on_invalid_credentials).
 */
function checkToken(known: KnownCredentials, req: AuthRequest, options: AuthOptions, accessKeyId: string): void {
  if (known.sessionToken === undefined) {
    const token = header(req.headers, "x-amz-security-token") ?? (req.rawQuery.includes("X-Amz-Security-Token") ? queryMap(req.rawQuery).get("X-Amz-Security-Token") : undefined);
    if (token !== undefined && token !== "") throw invalidToken(options.dialect, token);
    return;
  }
  const token = header(req.headers, "x-amz-security-token") ?? queryMap(req.rawQuery).get("X-Amz-Security-Token");
  // Temporary keys without their token are unknown keys to AWS (S3's InvalidAccessKeyId, as databendlabs/databend#8069 captured).
  if (token === undefined || token === "") throw unknownAccessKey(options.dialect, accessKeyId);
  if (token !== known.sessionToken) throw invalidToken(options.dialect, token);
  if (known.expiresAt !== undefined && options.now() >= known.expiresAt) throw expiredToken(options.dialect);
}

function plainResult(req: AuthRequest, principal: Principal, method: AuthResult["method"]): AuthResult {
  return authResult(principal, method, req.body, numberHeader(req, "content-length"), NO_TRAILERS, undefined, undefined);
}

/** Every result built in one place, so that all share one shape. */
function authResult(
  principal: Principal,
  method: AuthResult["method"],
  body: RequestBody,
  contentLength: number | undefined,
  trailers: ReadonlyMap<string, string>,
  region: string | undefined,
  service: string | undefined,
): AuthResult {
  return { principal, method, body, contentLength, trailers, region, service, form: undefined };
}

function hasNoBody(req: AuthRequest, contentLength: number | undefined): boolean {
  return (contentLength === undefined || contentLength === 0) && req.headers["transfer-encoding"] === undefined;
}

function numberHeader(req: AuthRequest, name: string): number | undefined {
  const value = header(req.headers, name);
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

/**
 * Pipes the raw body through a checking transform; a client abort fails the
 * transform too. Its reader sees the failure when it reads; a body never
 * read (a request refused first) must not take the process down with it.
 */
function pipe(source: Readable, through: ChunkedDecoder | Sha256Verifier): Readable {
  through.on("error", () => {});
  source.on("error", (error) => through.destroy(error));
  source.on("aborted", () => through.destroy(new AwsError("IncompleteBody", "The request body terminated unexpectedly", 400)));
  return source.pipe(through);
}

/** Compares signatures in time independent of where they differ (they are ASCII: hex or base64). */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
