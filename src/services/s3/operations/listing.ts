/**
 * ListObjects and ListObjectsV2: prefix, delimiter roll-up into
 * CommonPrefixes, markers and continuation tokens, in UTF-8 binary order.
 * ListObjectVersions too: versioning is never enabled, so every object is
 * its own one version, `null`, the latest.
 */
import type { OperationTable } from "../../../server/service.js";
import { s3Errors } from "../errors.js";
import { compareUtf8, successor, urlEncodeKey } from "../keys.js";
import { bucketArn } from "../names.js";
import { operation, owner, requireBucket, type S3Deps } from "../operation.js";
import type { ObjectRecord } from "../records.js";
import type { S3Store } from "../store.js";

interface ListInput {
  Bucket: string;
  Prefix?: string;
  Delimiter?: string;
  MaxKeys?: number;
  EncodingType?: string;
}

interface ListObjectsInput extends ListInput {
  Marker?: string;
}

interface ListObjectVersionsInput extends ListInput {
  KeyMarker?: string;
  VersionIdMarker?: string;
}

interface ListObjectsV2Input extends ListInput {
  ContinuationToken?: string;
  StartAfter?: string;
  FetchOwner?: boolean;
}

export interface Listing {
  contents: [string, ObjectRecord][];
  commonPrefixes: string[];
  truncated: boolean;
  /** The last key or common prefix returned: where the next page starts after. */
  last?: string;
}

const MAX_KEYS = 1000;

export function listingOperations({ store }: S3Deps): OperationTable {
  return {
    ListObjects: operation<ListObjectsInput>({
      authorize: (i) => [{ action: "s3:ListBucket", resource: bucketArn(i.Bucket) }],
      handle(input) {
        requireBucket(store, input.Bucket);
        const encode = encoder(input.EncodingType);
        const listing = listKeys(store, input.Bucket, input.Prefix ?? "", input.Delimiter, input.Marker, maxKeys(input.MaxKeys));
        return {
          Name: input.Bucket,
          Prefix: encode(input.Prefix ?? ""),
          Marker: encode(input.Marker ?? ""),
          // V1 gives NextMarker only with a delimiter; without one the last key is the marker.
          NextMarker: listing.truncated && input.Delimiter !== undefined ? encode(listing.last) : undefined,
          MaxKeys: maxKeys(input.MaxKeys),
          Delimiter: encode(echoedDelimiter(input.Delimiter)),
          IsTruncated: listing.truncated,
          EncodingType: input.EncodingType,
          Contents: contents(listing, encode, true),
          CommonPrefixes: listing.commonPrefixes.map((p) => ({ Prefix: encode(p) })),
        };
      },
    }),

    ListObjectVersions: operation<ListObjectVersionsInput>({
      authorize: (i) => [{ action: "s3:ListBucketVersions", resource: bucketArn(i.Bucket) }],
      handle(input) {
        requireBucket(store, input.Bucket);
        const encode = encoder(input.EncodingType);
        const versionMarker = input.VersionIdMarker;
        if (versionMarker !== undefined && versionMarker !== "") {
          if (input.KeyMarker === undefined || input.KeyMarker === "") {
            throw s3Errors.invalidArgument("A version-id marker cannot be specified without a key marker.", "version-id-marker", versionMarker);
          }
          if (versionMarker !== "null") throw s3Errors.invalidArgument("Invalid version id specified", "version-id-marker", versionMarker);
        }
        const listing = listKeys(store, input.Bucket, input.Prefix ?? "", input.Delimiter, input.KeyMarker || undefined, maxKeys(input.MaxKeys));
        const lastIsKey = listing.contents.at(-1)?.[0] === listing.last;
        return {
          Name: input.Bucket,
          Prefix: encode(input.Prefix ?? ""),
          KeyMarker: encode(input.KeyMarker ?? ""),
          VersionIdMarker: versionMarker ?? "",
          NextKeyMarker: listing.truncated ? encode(listing.last) : undefined,
          NextVersionIdMarker: listing.truncated && lastIsKey ? "null" : undefined,
          MaxKeys: maxKeys(input.MaxKeys),
          Delimiter: encode(echoedDelimiter(input.Delimiter)),
          IsTruncated: listing.truncated,
          EncodingType: input.EncodingType,
          Versions: contents(listing, encode, true).map((entry) => ({ ...entry, VersionId: "null", IsLatest: true })),
          CommonPrefixes: listing.commonPrefixes.map((p) => ({ Prefix: encode(p) })),
        };
      },
    }),

    ListObjectsV2: operation<ListObjectsV2Input>({
      authorize: (i) => [{ action: "s3:ListBucket", resource: bucketArn(i.Bucket) }],
      handle(input) {
        requireBucket(store, input.Bucket);
        const encode = encoder(input.EncodingType);
        const resume = input.ContinuationToken !== undefined ? decodeToken(input.ContinuationToken) : input.StartAfter;
        const listing = listKeys(store, input.Bucket, input.Prefix ?? "", input.Delimiter, resume, maxKeys(input.MaxKeys));
        return {
          Name: input.Bucket,
          Prefix: encode(input.Prefix ?? ""),
          MaxKeys: maxKeys(input.MaxKeys),
          Delimiter: encode(echoedDelimiter(input.Delimiter)),
          IsTruncated: listing.truncated,
          EncodingType: input.EncodingType,
          KeyCount: listing.contents.length + listing.commonPrefixes.length,
          ContinuationToken: input.ContinuationToken,
          NextContinuationToken: listing.truncated && listing.last !== undefined ? encodeToken(listing.last) : undefined,
          // A continuation token supersedes StartAfter, which is then not echoed.
          StartAfter: input.ContinuationToken === undefined ? encode(input.StartAfter) : undefined,
          Contents: contents(listing, encode, input.FetchOwner === true),
          CommonPrefixes: listing.commonPrefixes.map((p) => ({ Prefix: encode(p) })),
        };
      },
    }),
  };
}

/**
 * One page of keys under `prefix`, after `after` (exclusive), rolling keys
 * that contain `delimiter` past the prefix into common prefixes. A common
 * prefix that `after` falls inside was already returned and is skipped.
 */
export function listKeys(
  store: S3Store,
  bucket: string,
  prefix: string,
  delimiter: string | undefined,
  after: string | undefined,
  max: number,
): Listing {
  const listing: Listing = { contents: [], commonPrefixes: [], truncated: false };
  // S3 answers max-keys=0 with an empty, untruncated page.
  if (max === 0) return listing;
  const full = () => listing.contents.length + listing.commonPrefixes.length >= max;
  let from = after !== undefined && compareUtf8(after, prefix) > 0 ? after : prefix;
  const delim = delimiter === "" ? undefined : delimiter;

  scan: for (;;) {
    for (const [key, record] of store.scanObjects(bucket, from)) {
      if (key === after) continue;
      if (!key.startsWith(prefix)) {
        if (compareUtf8(key, prefix) > 0) break scan;
        continue;
      }
      const cut = delim === undefined ? -1 : key.indexOf(delim, prefix.length);
      if (cut >= 0 && delim !== undefined) {
        const common = key.slice(0, cut + delim.length);
        if (after === undefined || !after.startsWith(common)) {
          if (full()) {
            listing.truncated = true;
            break scan;
          }
          listing.commonPrefixes.push(common);
          listing.last = common;
        }
        from = successor(common);
        continue scan;
      }
      if (full()) {
        listing.truncated = true;
        break scan;
      }
      listing.contents.push([key, record]);
      listing.last = key;
    }
    break;
  }
  return listing;
}

function contents(listing: Listing, encode: (v: string | undefined) => string | undefined, withOwner: boolean) {
  return listing.contents.map(([key, r]) => ({
    Key: encode(key),
    LastModified: new Date(r.lastModified),
    ETag: r.etag,
    ...(r.checksum ? { ChecksumAlgorithm: [r.checksum.algorithm], ChecksumType: r.checksum.type } : {}),
    Size: r.size,
    StorageClass: r.storageClass ?? "STANDARD",
    Owner: withOwner ? owner(r.ownerAccountId) : undefined,
  }));
}

/** S3 leaves an empty `delimiter=` out of the answer. */
function echoedDelimiter(delimiter: string | undefined): string | undefined {
  return delimiter === "" ? undefined : delimiter;
}

function maxKeys(value: number | undefined): number {
  if (value === undefined) return MAX_KEYS;
  if (!Number.isInteger(value) || value < 0) {
    throw s3Errors.invalidArgument("Argument maxKeys must be an integer between 0 and 2147483647", "maxKeys", String(value));
  }
  return Math.min(value, MAX_KEYS);
}

/** Keys as asked for: as they are, or URL-encoded (`encoding-type=url`); any other encoding is refused. */
export function encoder(encodingType: string | undefined): (value: string | undefined) => string | undefined {
  if (encodingType === undefined) return (v) => v;
  if (encodingType !== "url") throw s3Errors.invalidArgument("Invalid Encoding Method specified in Request", "encoding-type", encodingType);
  return (v) => (v === undefined ? undefined : urlEncodeKey(v));
}

function encodeToken(last: string): string {
  return Buffer.from(`1:${last}`, "utf8").toString("base64");
}

function decodeToken(token: string): string {
  const text = Buffer.from(token, "base64").toString("utf8");
  if (token === "" || !text.startsWith("1:")) {
    // An empty token is named without a value.
    throw s3Errors.invalidArgument("The continuation token provided is incorrect", "continuation-token", token === "" ? undefined : token);
  }
  return text.slice(2);
}
