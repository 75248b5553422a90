/**
 * Conditional requests and byte ranges, as S3 evaluates them
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html,
 * RFC 9110 §13 for precedence).
 */
import { AwsError } from "../../server/errors.js";
import { s3Errors } from "./errors.js";
import type { ObjectRecord } from "./records.js";

export interface ReadConditions {
  IfMatch?: string;
  IfNoneMatch?: string;
  IfModifiedSince?: Date;
  IfUnmodifiedSince?: Date;
}

/**
 * A modified-since date later than now is not a valid condition (RFC 9110
 * §13.1.3): S3 ignores it rather than answer "not modified".
 */
function modifiedSince(date: Date | undefined, now: number): number | undefined {
  return date === undefined || date.getTime() > now ? undefined : date.getTime();
}

/** Throws 412 PreconditionFailed or 304 NotModified when a condition fails. */
export function checkReadConditions(conditions: ReadConditions, record: ObjectRecord, now: number): void {
  const { IfMatch, IfNoneMatch, IfUnmodifiedSince } = conditions;
  const IfModifiedSince = modifiedSince(conditions.IfModifiedSince, now);
  if (IfMatch !== undefined) {
    if (!etagMatches(IfMatch, record.etag)) throw s3Errors.preconditionFailed("If-Match");
  } else if (IfUnmodifiedSince !== undefined && record.lastModified > IfUnmodifiedSince.getTime()) {
    throw s3Errors.preconditionFailed("If-Unmodified-Since");
  }
  const notModified = () =>
    s3Errors.notModified({ etag: record.etag, "last-modified": new Date(record.lastModified).toUTCString() });
  if (IfNoneMatch !== undefined) {
    if (etagMatches(IfNoneMatch, record.etag)) throw notModified();
  } else if (IfModifiedSince !== undefined && record.lastModified <= IfModifiedSince) {
    throw notModified();
  }
}

export interface CopySourceConditions {
  CopySourceIfMatch?: string;
  CopySourceIfNoneMatch?: string;
  CopySourceIfModifiedSince?: Date;
  CopySourceIfUnmodifiedSince?: Date;
}

/** The copy-source variants fail with 412 in every case. */
export function checkCopySourceConditions(c: CopySourceConditions, record: ObjectRecord, now: number): void {
  const ifModifiedSince = modifiedSince(c.CopySourceIfModifiedSince, now);
  if (c.CopySourceIfMatch !== undefined) {
    if (!etagMatches(c.CopySourceIfMatch, record.etag)) throw s3Errors.preconditionFailed("x-amz-copy-source-If-Match");
  } else if (c.CopySourceIfUnmodifiedSince !== undefined && record.lastModified > c.CopySourceIfUnmodifiedSince.getTime()) {
    throw s3Errors.preconditionFailed("x-amz-copy-source-If-Unmodified-Since");
  }
  if (c.CopySourceIfNoneMatch !== undefined) {
    if (etagMatches(c.CopySourceIfNoneMatch, record.etag)) throw s3Errors.preconditionFailed("x-amz-copy-source-If-None-Match");
  } else if (ifModifiedSince !== undefined && record.lastModified <= ifModifiedSince) {
    throw s3Errors.preconditionFailed("x-amz-copy-source-If-Modified-Since");
  }
}

/**
 * A conditional write takes `If-None-Match: *` or `If-Match: <etag>`, one
 * of them: anything else is functionality S3 does not implement (501).
 */
export function checkWriteConditionHeaders(c: { IfMatch?: string; IfNoneMatch?: string }): void {
  const refuse = (header: string, detail: string) =>
    new AwsError("NotImplemented", "A header you provided implies functionality that is not implemented", 501, { Header: header, additionalMessage: detail });
  if (c.IfMatch !== undefined && c.IfNoneMatch !== undefined) throw refuse("If-Match,If-None-Match", "Multiple conditional request headers present in the request");
  if (c.IfNoneMatch !== undefined && c.IfNoneMatch.trim() !== "*") throw refuse("If-None-Match", "We don't accept the provided value of If-None-Match header for this API");
  if (c.IfMatch !== undefined && c.IfMatch.trim() === "*") throw refuse("If-Match", "We don't accept the provided value of If-Match header for this API");
}

/** Conditional writes: `If-None-Match: *` refuses to overwrite, `If-Match` requires the current ETag. */
export function checkWriteConditions(c: { IfMatch?: string; IfNoneMatch?: string }, key: string, existing: ObjectRecord | undefined): void {
  if (c.IfNoneMatch !== undefined && existing && etagMatches(c.IfNoneMatch, existing.etag)) {
    throw s3Errors.preconditionFailed("If-None-Match");
  }
  if (c.IfMatch !== undefined) {
    if (!existing) throw s3Errors.noSuchKey(key);
    if (!etagMatches(c.IfMatch, existing.etag)) throw s3Errors.preconditionFailed("If-Match");
  }
}

/** `*`, one ETag or a comma-separated list, quoted or not. */
export function etagMatches(header: string, etag: string): boolean {
  const bare = unquote(etag);
  return header.split(",").some((candidate) => {
    const c = candidate.trim().replace(/^W\//, "");
    return c === "*" || unquote(c) === bare;
  });
}

/** An ETag without its quotes; S3 takes one quoted, bare or missing a quote. */
export function unquote(value: string): string {
  return value.replace(/^"/, "").replace(/"$/, "");
}

export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Parses a single `bytes=` range against an object size. Answers undefined
 * for headers S3 ignores (malformed, or several ranges) and throws
 * InvalidRange (416) for a range that cannot be satisfied.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, first, last] = match;
  if (first === "" && last === "") return undefined;
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) throw s3Errors.invalidRange(header, size);
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== "" && Number(last) < start) return undefined;
  if (start >= size) throw s3Errors.invalidRange(header, size);
  return { start, end };
}
