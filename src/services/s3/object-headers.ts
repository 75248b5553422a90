/**
 * Translating between operation members and the headers S3 stores with an
 * object (Content-Type, metadata, checksum...).
 */
import { encryptionOutput } from "./sse-c.js";
import { AwsError } from "../../server/errors.js";
import type { ObjectHeaders, ObjectRecord, Tag } from "./records.js";
import { s3Errors } from "./errors.js";

export interface ObjectHeaderInput {
  ContentType?: string;
  ContentEncoding?: string;
  ContentDisposition?: string;
  ContentLanguage?: string;
  CacheControl?: string;
  Expires?: string | Date;
  WebsiteRedirectLocation?: string;
  StorageClass?: string;
  Metadata?: Record<string, string>;
}

/** S3 limits user metadata (names and values as UTF-8) to 2 KB. */
const MAX_METADATA_BYTES = 2048;

export function headersFromInput(input: ObjectHeaderInput): ObjectHeaders {
  const metadata = input.Metadata ?? {};
  let bytes = 0;
  for (const [name, value] of Object.entries(metadata)) bytes += Buffer.byteLength(name) + Buffer.byteLength(value);
  if (bytes > MAX_METADATA_BYTES) throw s3Errors.metadataTooLarge(bytes, MAX_METADATA_BYTES);
  return {
    contentType: input.ContentType,
    contentEncoding: stripAwsChunked(input.ContentEncoding),
    contentDisposition: input.ContentDisposition,
    contentLanguage: input.ContentLanguage,
    cacheControl: input.CacheControl,
    expires: input.Expires instanceof Date ? input.Expires.toUTCString() : input.Expires,
    websiteRedirectLocation: websiteRedirectOf(input.WebsiteRedirectLocation),
    storageClass: storageClassOf(input.StorageClass),
    metadata,
  };
}

/** A requested website redirect location, checked: a path in the bucket or an http(s) URL. */
export function websiteRedirectOf(redirect: string | undefined): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (redirect !== undefined && (!/^(https?:\/\/|\/)/.test(redirect) || /[\x00-\x1f\x7f]/.test(redirect))) {
    throw new AwsError("InvalidRedirectLocation", "The website redirect location must have a prefix of 'http://' or 'https://' or '/'.", 400);
  }
  return redirect;
}

/** The storage classes of a general purpose bucket (Outposts, directory buckets and Snow have their own). */
const STORAGE_CLASSES: ReadonlySet<string> = new Set([
  "STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER", "DEEP_ARCHIVE", "GLACIER_IR",
]);

/** A requested storage class, checked; STANDARD is the default and is not kept. */
export function storageClassOf(requested: string | undefined): string | undefined {
  if (requested === undefined || requested === "STANDARD") return undefined;
  if (!STORAGE_CLASSES.has(requested)) {
    throw new AwsError("InvalidStorageClass", "The storage class you specified is not valid", 400, { StorageClassRequested: requested });
  }
  return requested;
}

/**
 * `aws-chunked` is transport framing, not part of the object's encoding:
 * its token is taken out, and the rest is kept as sent (`deflate, gzip`
 * keeps its space, s3-tests test_object_content_encoding_aws_chunked).
 */
function stripAwsChunked(encoding: string | undefined): string | undefined {
  if (encoding === undefined) return undefined;
  const rest = encoding
    .split(",")
    .filter((e) => e.trim() !== "aws-chunked")
    .join(",")
    .trim();
  return rest === "" ? undefined : rest;
}

/**
 * A new object's record, its members always in the same order: every
 * record then shares one shape, which is cheap to build and to encode
 * (spreading the headers into a literal cost more than the rest of a PUT's
 * bookkeeping).
 */
export function newObjectRecord(headers: ObjectHeaders, stored: Omit<ObjectRecord, keyof ObjectHeaders>): ObjectRecord {
  const record: ObjectRecord = {
    contentType: headers.contentType,
    contentEncoding: headers.contentEncoding,
    contentDisposition: headers.contentDisposition,
    contentLanguage: headers.contentLanguage,
    cacheControl: headers.cacheControl,
    expires: headers.expires,
    websiteRedirectLocation: headers.websiteRedirectLocation,
    storageClass: headers.storageClass,
    metadata: headers.metadata,
    blob: stored.blob,
    inline: stored.inline,
    size: stored.size,
    etag: stored.etag,
    lastModified: stored.lastModified,
    ownerAccountId: stored.ownerAccountId,
    checksum: stored.checksum,
    tags: stored.tags,
    partsCount: stored.partsCount,
    partSizes: stored.partSizes,
  };
  // What few objects have is added only where they have it: every member costs each read and listing.
  if (stored.partChecksums !== undefined) record.partChecksums = stored.partChecksums;
  if (stored.lockMode !== undefined) record.lockMode = stored.lockMode;
  if (stored.retainUntil !== undefined) record.retainUntil = stored.retainUntil;
  if (stored.legalHold !== undefined) record.legalHold = stored.legalHold;
  if (stored.acl !== undefined) record.acl = stored.acl;
  if (stored.sseCustomerKeyMd5 !== undefined) record.sseCustomerKeyMd5 = stored.sseCustomerKeyMd5;
  if (stored.kms !== undefined) record.kms = stored.kms;
  if (stored.replicationStatus !== undefined) record.replicationStatus = stored.replicationStatus;
  return record;
}

/** Output members describing a stored object (GET, HEAD). */
/**
 * Every object is encrypted at rest with S3-managed keys (SSE-S3), as S3
 * has done by default since 2023, and its writes and reads say so.
 */
export const SSE_S3 = { ServerSideEncryption: "AES256" } as const;

export function headersToOutput(record: ObjectRecord): Record<string, unknown> {
  // Only the members an object has: the serializer then walks a handful, not every optional one.
  const output: Record<string, unknown> = { ContentType: record.contentType ?? "binary/octet-stream" };
  if (record.contentEncoding !== undefined) output.ContentEncoding = record.contentEncoding;
  if (record.contentDisposition !== undefined) output.ContentDisposition = record.contentDisposition;
  if (record.contentLanguage !== undefined) output.ContentLanguage = record.contentLanguage;
  if (record.cacheControl !== undefined) output.CacheControl = record.cacheControl;
  if (record.expires !== undefined) output.Expires = record.expires;
  if (record.websiteRedirectLocation !== undefined) output.WebsiteRedirectLocation = record.websiteRedirectLocation;
  if (record.storageClass !== undefined) output.StorageClass = record.storageClass;
  output.Metadata = record.metadata;
  output.ETag = record.etag;
  output.LastModified = new Date(record.lastModified);
  if (record.tags.length > 0) output.TagCount = record.tags.length;
  if (record.replicationStatus !== undefined) output.ReplicationStatus = record.replicationStatus;
  output.AcceptRanges = "bytes";
  if (record.sseCustomerKeyMd5 === undefined && record.kms === undefined) output.ServerSideEncryption = SSE_S3.ServerSideEncryption;
  else Object.assign(output, encryptionOutput(record));
  return output;
}

/** Checksum output members (`ChecksumCRC32`…, `ChecksumType`) of a record. */
export function checksumOutput(record: Pick<ObjectRecord, "checksum">): Record<string, string> {
  if (!record.checksum) return {};
  return { ...checksumValue(record), ChecksumType: record.checksum.type };
}

/** The checksum member alone (`ChecksumCRC32`…). */
export function checksumValue(record: Pick<ObjectRecord, "checksum">): Record<string, string> {
  return record.checksum ? { [`Checksum${record.checksum.algorithm}`]: record.checksum.value } : {};
}

/**
 * Tags from the `x-amz-tagging` header: URL query parameters, each key
 * once. A pair with a bare `,` or a second `=` (`k1=v1,k2=v2`) is refused
 * as S3 refuses it, not read as one long value.
 */
export function parseTaggingHeader(header: string | undefined): Tag[] {
  if (header === undefined || header === "") return [];
  const refuse = () =>
    s3Errors.invalidArgument(
      "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.",
      "x-amz-tagging",
      header,
    );
  const tags: Tag[] = [];
  const keys = new Set<string>();
  for (const pair of header.split("&")) {
    if (pair === "") continue;
    const equals = pair.indexOf("=");
    if (pair.includes(",") || (equals >= 0 && equals !== pair.lastIndexOf("="))) throw refuse();
    const Key = formDecode(equals < 0 ? pair : pair.slice(0, equals), refuse);
    const Value = equals < 0 ? "" : formDecode(pair.slice(equals + 1), refuse);
    if (keys.has(Key)) throw refuse();
    keys.add(Key);
    tags.push({ Key, Value });
  }
  validateTags(tags);
  return tags;
}

/** One side of a URL query pair: `+` is a space, then percent-decoding; bad escapes are refused. */
function formDecode(text: string, refuse: () => AwsError): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    throw refuse();
  }
}

/** What a tag key or value may hold: letters, digits, spaces and `_ . : / = + - @`. */
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** S3's tag rules; objects take 10 tags, buckets 50. */
export function validateTags(tags: readonly Partial<Tag>[], of: "object" | "bucket" = "object"): asserts tags is readonly Tag[] {
  if (tags.some((tag) => tag.Key === undefined || tag.Value === undefined)) throw s3Errors.malformedXml();
  if (of === "object" && tags.length > 10) throw new AwsError("BadRequest", "Object tags cannot be greater than 10", 400);
  if (of === "bucket" && tags.length > 50) throw s3Errors.invalidTag("Bucket tag count cannot be greater than 50");
  const seen = new Set<string>();
  for (const { Key, Value } of tags as readonly Tag[]) {
    if (seen.has(Key)) throw s3Errors.invalidTag("Cannot provide multiple Tags with the same key", { TagKey: Key });
    seen.add(Key);
    if (Key.length === 0 || [...Key].length > 128 || !TAG_TEXT.test(Key)) throw s3Errors.invalidTag("The TagKey you have provided is invalid", { TagKey: Key });
    if (Key.startsWith("aws:")) {
      throw s3Errors.invalidTag(of === "object" ? "Your TagKey cannot be prefixed with aws:" : "System tags cannot be added/updated by requester", { TagKey: Key });
    }
    if ([...Value].length > 256) throw s3Errors.invalidTag("The TagValue you have provided is too long", { TagKey: Key, TagValue: Value });
    if (!TAG_TEXT.test(Value)) throw s3Errors.invalidTag("The TagValue you have provided is invalid", { TagKey: Key, TagValue: Value });
  }
}
