/**
 * The S3 condition keys a bucket or identity policy may test, worked out
 * only when a policy asks for them
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html#amazons3-policy-keys):
 *
 * - the keys named after request headers (`s3:x-amz-acl`,
 *   `s3:x-amz-server-side-encryption`, `s3:x-amz-copy-source`...),
 *   and those of Object Lock headers (`s3:object-lock-mode`...);
 * - the tags a write asks for (`s3:RequestObjectTag/<key>`,
 *   `s3:RequestObjectTagKeys`) and those the object has
 *   (`s3:ExistingObjectTag/<key>`);
 * - a listing's `s3:prefix`, `s3:delimiter` and `s3:max-keys`;
 * - the version a request names (`s3:versionid`).
 *
 * Names are looked up in lower case, tag keys included.
 */
import type { RequestKeys } from "../../server/service.js";
import type { Tag } from "./records.js";

/** The header-named keys: `s3:` and the header's name. */
const HEADER_KEYS: ReadonlySet<string> = new Set([
  "x-amz-acl",
  "x-amz-grant-read",
  "x-amz-grant-write",
  "x-amz-grant-read-acp",
  "x-amz-grant-write-acp",
  "x-amz-grant-full-control",
  "x-amz-server-side-encryption",
  "x-amz-server-side-encryption-aws-kms-key-id",
  "x-amz-server-side-encryption-customer-algorithm",
  "x-amz-storage-class",
  "x-amz-copy-source",
  "x-amz-metadata-directive",
  "x-amz-website-redirect-location",
  "x-amz-content-sha256",
]);

/** Object Lock's keys, from their headers. */
const LOCK_KEYS: ReadonlyMap<string, string> = new Map([
  ["s3:object-lock-mode", "x-amz-object-lock-mode"],
  ["s3:object-lock-retain-until-date", "x-amz-object-lock-retain-until-date"],
  ["s3:object-lock-legal-hold", "x-amz-object-lock-legal-hold"],
]);

export interface S3KeySources {
  /** A request header (or a POST form's field) by lower-case name. */
  header?: (name: string) => string | undefined;
  versionId?: string;
  /** The tags the request gives the object. */
  requestTags?: () => readonly Tag[] | undefined;
  /** The tags the object has now (read only if a policy asks). */
  existingTags?: () => readonly Tag[] | undefined;
  /** A listing's parameters. */
  listing?: { prefix?: string; delimiter?: string; maxKeys?: number };
}

export class S3ConditionKeys implements RequestKeys {
  private requested?: readonly Tag[] | null;
  private existing?: readonly Tag[] | null;

  constructor(private readonly sources: S3KeySources) {}

  get(key: string): string | string[] | undefined {
    const { sources } = this;
    if (key === "s3:versionid") return sources.versionId;
    if (key.startsWith("s3:x-amz-")) return HEADER_KEYS.has(key.slice(3)) ? sources.header?.(key.slice(3)) : undefined;
    const lockHeader = LOCK_KEYS.get(key);
    if (lockHeader !== undefined) return sources.header?.(lockHeader);
    if (key.startsWith("s3:requestobjecttag/")) return tagValue(this.requestTags(), key.slice("s3:requestobjecttag/".length));
    if (key === "s3:requestobjecttagkeys") return this.requestTags()?.map((tag) => tag.Key);
    if (key.startsWith("s3:existingobjecttag/")) {
      this.existing ??= sources.existingTags?.() ?? null;
      return tagValue(this.existing ?? undefined, key.slice("s3:existingobjecttag/".length));
    }
    const listing = sources.listing;
    if (listing) {
      if (key === "s3:prefix") return listing.prefix;
      if (key === "s3:delimiter") return listing.delimiter;
      if (key === "s3:max-keys") return listing.maxKeys === undefined ? undefined : String(listing.maxKeys);
    }
    return undefined;
  }

  private requestTags(): readonly Tag[] | undefined {
    this.requested ??= this.sources.requestTags?.() ?? null;
    return this.requested ?? undefined;
  }
}

function tagValue(tags: readonly Tag[] | undefined, lowerKey: string): string | undefined {
  return tags?.find((tag) => tag.Key.toLowerCase() === lowerKey)?.Value;
}
