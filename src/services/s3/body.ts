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
  /** Algorithm named by x-amz-sdk-checksum-algorithm, a checksum header or x-amz-trailer. */
  algorithm?: ChecksumAlgorithm;
  /** Checksum value sent as a header (trailers are read after the body). */
  checksum?: string;
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

/** Reads the client's declared digests from the operation input and raw headers: one checksum at most. */
export function declaredDigests(input: Record<string, unknown>, headers: Record<string, string | string[] | undefined>): DeclaredDigests {
  const declared: DeclaredDigests = {};
  if (typeof input.ContentMD5 === "string") {
    const md5 = Buffer.from(input.ContentMD5, "base64");
    if (md5.length !== 16) throw s3Errors.invalidDigest(input.ContentMD5);
    declared.contentMd5 = input.ContentMD5;
  }
  if (CHECKSUM_ALGORITHMS.filter((a) => input[`Checksum${a}`] !== undefined).length > 1) {
    throw s3Errors.invalidRequest("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
  }
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const value = input[`Checksum${algorithm}`];
    if (typeof value === "string") {
      // A value that is not a digest of the algorithm's size is refused before any comparison.
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || Buffer.from(value, "base64").length !== DIGEST_BYTES[algorithm]) {
        throw s3Errors.invalidRequest(`Value for ${checksumHeader(algorithm)} header is invalid.`);
      }
      declared.algorithm = algorithm;
      declared.checksum = value;
    }
  }
  const trailer = headers["x-amz-trailer"];
  if (declared.algorithm === undefined && typeof trailer === "string") {
    declared.algorithm = CHECKSUM_ALGORITHMS.find((a) => checksumHeader(a) === trailer.trim().toLowerCase());
  }
  const named = input.ChecksumAlgorithm;
  if (declared.algorithm === undefined && typeof named === "string") {
    const algorithm = CHECKSUM_ALGORITHMS.find((a) => a === named.toUpperCase());
    if (!algorithm) throw s3Errors.invalidRequest(`Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]`);
    declared.algorithm = algorithm;
  }
  return declared;
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
    if (declared.contentMd5 !== undefined && declared.contentMd5 !== md5.toString("base64")) {
      throw s3Errors.badDigest(declared.contentMd5, md5.toString("base64"));
    }
    const expected = declared.checksum ?? trailers.get(checksumHeader(algorithm));
    if (expected !== undefined && expected !== value) throw s3Errors.checksumMismatch(algorithm);
  } catch (error) {
    if (!inline) await blobs.delete(blob);
    throw error;
  }
  return { blob, inline, size, md5Hex: md5.toString("hex"), checksum: { algorithm, value } };
}
