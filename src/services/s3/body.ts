/**
 * Taking in an object body: stream it to a blob while computing its MD5
 * (the ETag) and a flexible checksum, then check what the client declared
 * (Content-MD5, x-amz-checksum-*, a trailing checksum). A body that fails
 * a check leaves nothing behind.
 */
import { createHash } from "node:crypto";
import { HeldBody, type RequestBody } from "../../protocols/shared/body.js";
import type { BlobStore } from "../../storage/types.js";
import { createChecksum } from "../../util/checksums.js";
import { randomHex } from "../../util/ids.js";
import { s3Errors } from "./errors.js";
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm } from "./records.js";

/** S3's single-PUT limit. */
export const MAX_PUT_BYTES = 5 * 1024 ** 3;

export interface DeclaredDigests {
  contentMd5?: string;
  /** Algorithm of the checksum the client sends: its header's, or the trailer x-amz-trailer announces. */
  algorithm?: ChecksumAlgorithm;
  /** Checksum value sent as a header (trailers are read after the body). */
  checksum?: string;
  /** The checksum x-amz-trailer announces where no checksum header is sent: its value follows the body. */
  trailer?: ChecksumAlgorithm;
}

export interface IngestedBody {
  /** Blob id, or the key of an inline body. */
  blob: string;
  /** The whole body, when it was small enough to keep beside its record. */
  inline?: Buffer;
  size: number;
  md5Hex: string;
  /** Algorithm and base64 value of the checksum S3 stores with the object. */
  checksum: { algorithm: ChecksumAlgorithm; value: string };
}

/** Headers in which a checksum can arrive, by algorithm. */
export const checksumHeader = (algorithm: ChecksumAlgorithm): string => `x-amz-checksum-${algorithm.toLowerCase()}`;

/** The size of each checksum algorithm's digest. */
const DIGEST_BYTES: Readonly<Record<ChecksumAlgorithm, number>> = { CRC32: 4, CRC32C: 4, CRC64NVME: 8, SHA1: 20, SHA256: 32 };

/**
 * Whether `text` is a digest of the algorithm as S3 takes one: base64 of
 * the digest's size, written canonically. A value with stray low bits
 * (`y/Q5Jh==` for CRC32's `y/Q5Jg==`) decodes to the right length but is
 * refused as invalid, not compared (openstack/swift
 * test/s3api/test_object_checksums.py, run against AWS: its INVALID values).
 */
export function isDigestText(algorithm: ChecksumAlgorithm, text: string): boolean {
  const bytes = Buffer.from(text, "base64");
  return bytes.length === DIGEST_BYTES[algorithm] && bytes.toString("base64") === text;
}

/** Whether `text` decodes to a digest of the algorithm's size, however it is written. */
export function hasDigestLength(algorithm: ChecksumAlgorithm, text: string): boolean {
  return Buffer.from(text, "base64").length === DIGEST_BYTES[algorithm];
}

export const MULTIPLE_CHECKSUMS = "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.";

/**
 * Reads the client's declared digests from the operation input and raw
 * headers: one checksum at most, as a header or announced as a trailer,
 * and x-amz-sdk-checksum-algorithm naming that one. Checked in the order
 * S3 answers (openstack/swift test/s3api/test_input_errors.py, run against
 * AWS): several checksums before a contradicting algorithm header.
 */
export function declaredDigests(input: Record<string, unknown>, headers: Record<string, string | string[] | undefined>): DeclaredDigests {
  const declared: DeclaredDigests = {};
  if (typeof input.ContentMD5 === "string") {
    const md5 = Buffer.from(input.ContentMD5, "base64");
    if (md5.length !== 16) throw s3Errors.invalidDigest(input.ContentMD5);
    declared.contentMd5 = input.ContentMD5;
  }
  const sent = CHECKSUM_ALGORITHMS.filter((a) => typeof input[`Checksum${a}`] === "string");
  if (sent.length > 1) throw s3Errors.invalidRequest(MULTIPLE_CHECKSUMS);
  const trailer = announcedTrailer(headers["x-amz-trailer"]);
  const header = sent[0];
  const requested = requestedAlgorithm(input.ChecksumAlgorithm, header ?? trailer);
  if (header !== undefined) {
    const value = input[`Checksum${header}`] as string;
    if (!isDigestText(header, value)) throw s3Errors.invalidChecksum(header);
    // A header checksum is the one compared; a trailer announced beside it is not read.
    return { ...declared, algorithm: header, checksum: value };
  }
  if (trailer !== undefined) return { ...declared, algorithm: trailer, trailer };
  return requested === undefined ? declared : { ...declared, algorithm: requested };
}

/**
 * The checksum x-amz-trailer announces. The header is a comma-separated
 * list whose trailing empty entries are ignored (`x-amz-checksum-crc32,,`
 * is taken, `, x-amz-checksum-crc32` is not); every entry must be a
 * checksum header, and one at most (test_input_errors.py's
 * test_strm_unsgnd_pyld_trl_with_commas_in_trailer_* and
 * _non_checksum_trailer).
 */
function announcedTrailer(header: string | string[] | undefined): ChecksumAlgorithm | undefined {
  if (typeof header !== "string") return undefined;
  const names = header.trim().split(",");
  while (names.length > 0 && names[names.length - 1] === "") names.pop();
  const algorithms = names.map((name) => {
    const algorithm = CHECKSUM_ALGORITHMS.find((a) => checksumHeader(a) === name.trim().toLowerCase());
    if (algorithm === undefined) throw s3Errors.invalidRequest("The value specified in the x-amz-trailer header is not supported");
    return algorithm;
  });
  if (algorithms.length > 1) throw s3Errors.invalidRequest(MULTIPLE_CHECKSUMS);
  return algorithms[0];
}

/**
 * The algorithm x-amz-sdk-checksum-algorithm (the `ChecksumAlgorithm` of
 * PutObject and UploadPart) names: a known one, and the one whose
 * checksum is sent, or refused (openstack/swift test_object_checksums.py
 * test_good_checksum_different_algorithm_header,
 * _invalid_algorithm_header, test_different_checksum_requested). Named
 * alone it is the algorithm S3 computes: a presigned URL carries it with
 * a checksum of the empty body, which S3 does not read unsigned.
 */
function requestedAlgorithm(named: unknown, sent: ChecksumAlgorithm | undefined): ChecksumAlgorithm | undefined {
  if (typeof named !== "string") return undefined;
  const requested = CHECKSUM_ALGORITHMS.find((a) => a === named.toUpperCase());
  if (requested === undefined || (sent !== undefined && sent !== requested)) {
    throw s3Errors.invalidRequest("Value for x-amz-sdk-checksum-algorithm header is invalid.");
  }
  return requested;
}

/**
 * Bodies up to this size live in the metadata store beside their record:
 * one transaction and one fsync per PUT, no file to open per GET.
 */
export const INLINE_BODY_BYTES = 16 * 1024;

/**
 * Streams `body` into the blob store and verifies it. `trailers` is read
 * after the body ends (aws-chunked trailing checksums). A body of at most
 * `inlineLimit` bytes is returned in memory instead of written to a blob.
 */
export async function ingestBody(
  blobs: BlobStore,
  body: RequestBody,
  declared: DeclaredDigests,
  trailers: ReadonlyMap<string, string>,
  inlineLimit = 0,
): Promise<IngestedBody> {
  // AWS computes CRC64NVME for objects uploaded without a checksum.
  const algorithm = declared.algorithm ?? "CRC64NVME";
  if (body instanceof HeldBody) return ingestBytes(blobs, body.take(), algorithm, declared, trailers, inlineLimit);
  const md5 = createHash("md5");
  const checksum = createChecksum(algorithm);
  let size = 0;
  const source = (body as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const take = async (): Promise<Buffer | undefined> => {
    const next = await source.next();
    if (next.done) return undefined;
    const chunk = next.value;
    md5.update(chunk);
    checksum.update(chunk);
    size += chunk.length;
    if (size > MAX_PUT_BYTES) throw s3Errors.entityTooLarge(size, MAX_PUT_BYTES);
    return chunk;
  };

  // Read ahead up to the inline limit; only a larger body becomes a blob.
  const head: Buffer[] = [];
  let ended = false;
  while (inlineLimit > 0 && size <= inlineLimit) {
    const chunk = await take();
    if (chunk === undefined) {
      ended = true;
      break;
    }
    head.push(chunk);
  }
  let blob: string;
  let inline: Buffer | undefined;
  if (ended) {
    inline = head.length === 1 ? head[0]! : Buffer.concat(head, size);
    blob = randomHex(16);
  } else {
    async function* rest(): AsyncGenerator<Buffer> {
      yield* head;
      for (let chunk = await take(); chunk !== undefined; chunk = await take()) yield chunk;
    }
    blob = (await blobs.write(rest())).id;
  }
  return verified(blobs, { blob, inline, size, md5: md5.digest(), algorithm, value: checksum.digest() }, declared, trailers);
}

/** A payload already in memory (authentication read it whole): digested in one pass, no stream. */
async function ingestBytes(
  blobs: BlobStore,
  bytes: Buffer,
  algorithm: ChecksumAlgorithm,
  declared: DeclaredDigests,
  trailers: ReadonlyMap<string, string>,
  inlineLimit: number,
): Promise<IngestedBody> {
  if (bytes.length > MAX_PUT_BYTES) throw s3Errors.entityTooLarge(bytes.length, MAX_PUT_BYTES);
  const checksum = createChecksum(algorithm);
  checksum.update(bytes);
  const value = checksum.digest();
  const md5 = createHash("md5").update(bytes).digest();
  const inline = inlineLimit > 0 && bytes.length <= inlineLimit ? bytes : undefined;
  const blob = inline ? randomHex(16) : (await blobs.write([bytes])).id;
  return verified(blobs, { blob, inline, size: bytes.length, md5, algorithm, value }, declared, trailers);
}

/**
 * A document's declared digests (Content-MD5, `x-amz-checksum-*`) held
 * against its bytes, as S3 holds a configuration or delete request's.
 */
export function checkDocumentDigests(bytes: Buffer, headers: Record<string, string | string[] | undefined>, checksums = true): void {
  const md5 = headers["content-md5"];
  if (typeof md5 === "string" && md5 !== "") {
    if (Buffer.from(md5, "base64").length !== 16) throw s3Errors.invalidDigest(md5);
    const actual = createHash("md5").update(bytes).digest("base64");
    if (actual !== md5) throw s3Errors.badDigest(md5, actual);
  }
  for (const algorithm of checksums ? CHECKSUM_ALGORITHMS : []) {
    const declared = headers[checksumHeader(algorithm)];
    if (typeof declared !== "string") continue;
    const checksum = createChecksum(algorithm);
    checksum.update(bytes);
    if (checksum.digest() !== declared) throw s3Errors.checksumMismatch(algorithm);
  }
}

/** Checks the digests the client declared; a refused body's blob is deleted. */
async function verified(
  blobs: BlobStore,
  body: { blob: string; inline: Buffer | undefined; size: number; md5: Buffer; algorithm: ChecksumAlgorithm; value: string },
  declared: DeclaredDigests,
  trailers: ReadonlyMap<string, string>,
): Promise<IngestedBody> {
  const { blob, inline, size, md5, algorithm, value } = body;
  try {
    const expected = declared.checksum ?? trailingChecksum(declared.trailer, trailers);
    if (declared.contentMd5 !== undefined && declared.contentMd5 !== md5.toString("base64")) {
      throw s3Errors.badDigest(declared.contentMd5, md5.toString("base64"));
    }
    if (expected !== undefined && expected !== value) throw s3Errors.checksumMismatch(algorithm);
  } catch (error) {
    if (!inline) await blobs.delete(blob);
    throw error;
  }
  return { blob, inline, size, md5Hex: md5.toString("hex"), checksum: { algorithm, value } };
}

/**
 * The checksum trailer of an aws-chunked body, held to what x-amz-trailer
 * announced: a trailer not announced, an announced one missing or of
 * another algorithm is malformed, and its value must be a digest
 * (openstack/swift test_input_errors.py, run against AWS:
 * test_strm_unsgnd_pyld_trl_declared_no_trailer_sent, _mismatch_trailer,
 * _extra_trailer, _crc_in_trailer_but_not_streaming,
 * _with_trailer_checksum_invalid). Only checked where no checksum header
 * was sent.
 */
function trailingChecksum(announced: ChecksumAlgorithm | undefined, trailers: ReadonlyMap<string, string>): string | undefined {
  if (announced === undefined) {
    if (trailers.size > 0) throw s3Errors.malformedTrailer();
    return undefined;
  }
  const name = checksumHeader(announced);
  for (const received of trailers.keys()) if (received !== name) throw s3Errors.malformedTrailer();
  const value = trailers.get(name);
  if (value === undefined) throw s3Errors.malformedTrailer();
  if (!isDigestText(announced, value)) throw s3Errors.invalidRequest(`Value for ${name} trailing header is invalid.`);
  return value;
}
