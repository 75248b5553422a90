/**
 * ListObjects and ListObjectsV2: prefix, delimiter roll-up into
 * CommonPrefixes, markers and continuation tokens, in UTF-8 binary order.
 * ListObjectVersions too: in a bucket that never had versioning every
 * object is its own one version, `null`, the latest.
 */
import { XML_SEQUENCE, type XmlSequence } from "../../../protocols/shared/xml-shapes.js";
import type { AuthorizationRequirement, OperationTable } from "../../../server/service.js";
import { aclsEnabled } from "../acl.js";
import { S3ConditionKeys } from "../condition-keys.js";
import { s3Errors } from "../errors.js";
import { compareUtf8, successor, urlEncodeKey } from "../keys.js";
import { bucketArn } from "../names.js";
import { isVersionId, operation, owner, requireBucket, type S3Deps } from "../operation.js";
import { isDeleteMarker, versionIdOf, type BucketRecord, type ObjectRecord, type VersionRecord } from "../records.js";
import { versionOrder } from "../version-ids.js";
import type { S3Store } from "../store.js";

interface ListInput {
  Bucket: string;
  Prefix?: string;
  Delimiter?: string;
  MaxKeys?: number;
  EncodingType?: string;
  /** `RestoreStatus` adds each restored object's restore to its entry. */
  OptionalObjectAttributes?: string[];
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

/** A listing's requirement, with its prefix, delimiter and max-keys for policies' conditions. */
function listRequirement(action: string, input: { Bucket: string; Prefix?: string; Delimiter?: string; MaxKeys?: number }): AuthorizationRequirement {
  return { action, resource: bucketArn(input.Bucket), keys: new S3ConditionKeys({ listing: { prefix: input.Prefix, delimiter: input.Delimiter, maxKeys: input.MaxKeys } }) };
}

export function listingOperations({ store }: S3Deps): OperationTable {
  return {
    ListObjects: operation<ListObjectsInput>({
      authorize: (i) => [listRequirement("s3:ListBucket", i)],
      handle(input, ctx) {
        const bucket = requireBucket(store, input.Bucket);
        const encode = encoder(input.EncodingType);
        const listing = listKeys(store, input.Bucket, input.Prefix ?? "", input.Delimiter, input.Marker, maxKeys(input.MaxKeys));
        const restores = restoresAsked(input, ctx.now().getTime());
        return {
          BucketRegion: bucket.region,
          Name: input.Bucket,
          Prefix: encode(input.Prefix ?? ""),
          Marker: encode(input.Marker ?? ""),
          // V1 gives NextMarker only with a delimiter; without one the last key is the marker.
          NextMarker: listing.truncated && input.Delimiter !== undefined ? encode(listing.last) : undefined,
          MaxKeys: maxKeys(input.MaxKeys),
          Delimiter: encode(echoedDelimiter(input.Delimiter)),
          IsTruncated: listing.truncated,
          EncodingType: input.EncodingType,
          Contents: contents(listing, encode, restores, ownerOf(bucket)),
          CommonPrefixes: listing.commonPrefixes.map((p) => ({ Prefix: encode(p) })),
        };
      },
    }),

    ListObjectVersions: operation<ListObjectVersionsInput>({
      authorize: (i) => [listRequirement("s3:ListBucketVersions", i)],
      handle(input, ctx) {
        const bucket = requireBucket(store, input.Bucket);
        const max = maxKeys(input.MaxKeys);
        const restores = restoresAsked(input, ctx.now().getTime());
        const keyMarker = input.KeyMarker || undefined;
        const versionMarker = input.VersionIdMarker || undefined;
        if (input.VersionIdMarker === "" && keyMarker !== undefined) {
          throw s3Errors.invalidArgument("A version-id marker cannot be empty.", "version-id-marker", "");
        }
        if (versionMarker !== undefined) {
          if (keyMarker === undefined) {
            throw s3Errors.invalidArgument("A version-id marker cannot be specified without a key marker.", "version-id-marker", versionMarker);
          }
          if (!isVersionId(bucket, versionMarker)) throw s3Errors.invalidArgument("Invalid version id specified", "version-id-marker", versionMarker);
        }
        const encode = encoder(input.EncodingType);
        const listing = listVersions(store, bucket, input.Prefix ?? "", input.Delimiter, keyMarker, versionMarker, max);
        const ownerIn = ownerOf(bucket);
        const entries = listing.versions.map(({ key, version, latest }): [string, Record<string, unknown>] =>
          isDeleteMarker(version)
            ? ["DeleteMarkers", { Owner: owner(ownerIn(version)), Key: encode(key), VersionId: versionIdOf(version), IsLatest: latest, LastModified: new Date(version.lastModified) }]
            : ["Versions", { ...describe(key, version, encode, restores, ownerIn), VersionId: versionIdOf(version), IsLatest: latest }],
        );
        const of = (member: string) => entries.filter(([m]) => m === member).map(([, entry]) => entry);
        return {
          // On the wire, versions and delete markers come as one sequence, newest first within each key.
          [XML_SEQUENCE]: { members: ["Versions", "DeleteMarkers"], items: entries } satisfies XmlSequence,
          BucketRegion: bucket.region,
          Name: input.Bucket,
          Prefix: encode(input.Prefix ?? ""),
          KeyMarker: encode(input.KeyMarker ?? ""),
          VersionIdMarker: input.VersionIdMarker ?? "",
          NextKeyMarker: listing.truncated ? encode(listing.last) : undefined,
          NextVersionIdMarker: listing.truncated ? listing.lastVersionId : undefined,
          MaxKeys: max,
          Delimiter: encode(echoedDelimiter(input.Delimiter)),
          IsTruncated: listing.truncated,
          EncodingType: input.EncodingType,
          Versions: of("Versions"),
          DeleteMarkers: of("DeleteMarkers"),
          CommonPrefixes: listing.commonPrefixes.map((p) => ({ Prefix: encode(p) })),
        };
      },
    }),

    ListObjectsV2: operation<ListObjectsV2Input>({
      authorize: (i) => [listRequirement("s3:ListBucket", i)],
      handle(input, ctx) {
        const bucket = requireBucket(store, input.Bucket);
        const encode = encoder(input.EncodingType);
        const restores = restoresAsked(input, ctx.now().getTime());
        const resume = input.ContinuationToken !== undefined ? decodeToken(input.ContinuationToken) : input.StartAfter;
        const listing = listKeys(store, input.Bucket, input.Prefix ?? "", input.Delimiter, resume, maxKeys(input.MaxKeys));
        return {
          BucketRegion: bucket.region,
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
          Contents: contents(listing, encode, restores, input.FetchOwner === true ? ownerOf(bucket) : undefined),
          CommonPrefixes: listing.commonPrefixes.map((p) => ({ Prefix: encode(p) })),
        };
      },
    }),
  };
}

/**
 * One page of entries under `prefix`, from the scan of a store in key
 * order, rolling keys that contain `delimiter` past the prefix into common
 * prefixes. A common prefix that `marker` falls inside was already
 * returned and is skipped; `skip` passes over entries of earlier pages.
 */
function page<E>(
  scan: (from: string) => Iterable<E>,
  keyOf: (entry: E) => string,
  skip: (entry: E, key: string) => boolean,
  prefix: string,
  delimiter: string | undefined,
  marker: string | undefined,
  max: number,
): { items: E[]; commonPrefixes: string[]; truncated: boolean; last?: string; lastIsItem: boolean } {
  const out = { items: [] as E[], commonPrefixes: [] as string[], truncated: false, last: undefined as string | undefined, lastIsItem: false };
  // S3 answers max-keys=0 with an empty, untruncated page.
  if (max === 0) return out;
  const full = () => out.items.length + out.commonPrefixes.length >= max;
  let from = marker !== undefined && compareUtf8(marker, prefix) > 0 ? marker : prefix;
  const delim = delimiter === "" ? undefined : delimiter;

  scan: for (;;) {
    for (const entry of scan(from)) {
      const key = keyOf(entry);
      if (skip(entry, key)) continue;
      if (!key.startsWith(prefix)) {
        if (compareUtf8(key, prefix) > 0) break scan;
        continue;
      }
      const cut = delim === undefined ? -1 : key.indexOf(delim, prefix.length);
      if (cut >= 0 && delim !== undefined) {
        const common = key.slice(0, cut + delim.length);
        if (marker === undefined || !marker.startsWith(common)) {
          if (full()) {
            out.truncated = true;
            break scan;
          }
          out.commonPrefixes.push(common);
          out.last = common;
          out.lastIsItem = false;
        }
        from = successor(common);
        continue scan;
      }
      if (full()) {
        out.truncated = true;
        break scan;
      }
      out.items.push(entry);
      out.last = key;
      out.lastIsItem = true;
    }
    break;
  }
  return out;
}

const entryKey = (entry: [string, ObjectRecord]): string => entry[0];

/** One page of current objects under `prefix`, after the key `after` (exclusive). */
export function listKeys(
  store: S3Store,
  bucket: string,
  prefix: string,
  delimiter: string | undefined,
  after: string | undefined,
  max: number,
): Listing {
  const found = page((from) => store.scanObjects(bucket, from), entryKey, (_, key) => key === after, prefix, delimiter, after, max);
  return { contents: found.items, commonPrefixes: found.commonPrefixes, truncated: found.truncated, last: found.last };
}

type ListedVersion = { key: string; version: VersionRecord; latest: boolean };

/**
 * One page of versions: a bucket that never had versioning lists each
 * object as its `null` version; otherwise every version and delete
 * marker, keys in order and each key's newest first. A page resumes after
 * `keyMarker`'s versions, or, with `versionMarker`, after that version of
 * it: by the order its id carries, so a version deleted since still marks
 * the place.
 */
function listVersions(
  store: S3Store,
  bucket: BucketRecord,
  prefix: string,
  delimiter: string | undefined,
  keyMarker: string | undefined,
  versionMarker: string | undefined,
  max: number,
): { versions: ListedVersion[]; commonPrefixes: string[]; truncated: boolean; last?: string; lastVersionId?: string } {
  if (bucket.versioning === undefined) {
    // Only `null` versions here: a marker's `null` version is its last, so the page starts after the key either way.
    const keys = listKeys(store, bucket.name, prefix, delimiter, keyMarker, max);
    const last = keys.contents.at(-1);
    return {
      versions: keys.contents.map(([key, version]) => ({ key, version, latest: true })),
      commonPrefixes: keys.commonPrefixes,
      truncated: keys.truncated,
      last: keys.last,
      lastVersionId: last !== undefined && last[0] === keys.last ? "null" : undefined,
    };
  }
  // Within the marker's key, versions up to the version marker were listed already.
  const markerOrder = versionMarker === undefined || versionMarker === "null" ? undefined : versionOrder(versionMarker);
  let nullMarkerPassed = false;
  const skip = (e: { key: string; order: number; version: VersionRecord }): boolean => {
    if (e.key !== keyMarker || versionMarker === undefined) return e.key === keyMarker;
    if (markerOrder !== undefined) return e.order <= markerOrder;
    if (nullMarkerPassed) return false;
    nullMarkerPassed = e.version.versionId === undefined;
    return true;
  };
  const found = page((from) => store.scanVersions(bucket.name, from), (e) => e.key, skip, prefix, delimiter, keyMarker, max);
  const lastItem = found.items.at(-1);
  return {
    versions: found.items,
    commonPrefixes: found.commonPrefixes,
    truncated: found.truncated,
    last: found.last,
    lastVersionId: found.lastIsItem && lastItem ? versionIdOf(lastItem.version) : undefined,
  };
}

/** The account a listing names as an entry's owner: its writer's, or, with ACLs disabled, the bucket's, which then owns every object. */
function ownerOf(bucket: BucketRecord): (entry: { ownerAccountId: string }) => string {
  return aclsEnabled(bucket) ? (entry) => entry.ownerAccountId : () => bucket.accountId;
}

/**
 * With `x-amz-optional-object-attributes: RestoreStatus`, the time (epoch ms)
 * before which a restored copy still counts; undefined when not asked.
 */
function restoresAsked(input: ListInput, now: number): number | undefined {
  return input.OptionalObjectAttributes?.includes("RestoreStatus") ? now : undefined;
}

/** An object's restore as a listing tells it: only for a restored copy still readable, ready at once here (API_RestoreStatus). */
function restoreStatus(r: ObjectRecord, restores: number | undefined) {
  if (restores === undefined || r.restoredUntil === undefined || r.restoredUntil <= restores) return undefined;
  return { IsRestoreInProgress: false, RestoreExpiryDate: new Date(r.restoredUntil) };
}

function contents(listing: Listing, encode: (v: string | undefined) => string | undefined, restores: number | undefined, ownerIn?: (entry: ObjectRecord) => string) {
  return listing.contents.map(([key, r]) => describe(key, r, encode, restores, ownerIn));
}

function describe(key: string, r: ObjectRecord, encode: (v: string | undefined) => string | undefined, restores: number | undefined, ownerIn?: (entry: ObjectRecord) => string) {
  return {
    Key: encode(key),
    LastModified: new Date(r.lastModified),
    ETag: r.etag,
    ...(r.checksum ? { ChecksumAlgorithm: [r.checksum.algorithm], ChecksumType: r.checksum.type } : {}),
    Size: r.size,
    StorageClass: r.storageClass ?? "STANDARD",
    Owner: ownerIn ? owner(ownerIn(r)) : undefined,
    RestoreStatus: restoreStatus(r, restores),
  };
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
