/**
 * IAM's list paging: `MaxItems` (1–1000, default 100) and an opaque
 * `Marker` naming where the next page starts.
 */
import { iamErrors } from "../errors.js";

export interface Paging {
  Marker?: string;
  MaxItems?: number;
}

const DEFAULT_MAX_ITEMS = 100;

/** The page of `items` (sorted by `keyOf`) after the marker, and the next marker if more remain. */
export function pageOf<T>(items: readonly T[], paging: Paging, keyOf: (item: T) => string): { items: T[]; marker?: string } {
  const max = paging.MaxItems ?? DEFAULT_MAX_ITEMS;
  let start = 0;
  if (paging.Marker !== undefined) {
    const after = decodeMarker(paging.Marker);
    start = items.findIndex((item) => keyOf(item) > after);
    if (start < 0) start = items.length;
  }
  const page = items.slice(start, start + max);
  const more = start + max < items.length;
  return { items: page, marker: more ? encodeMarker(keyOf(page[page.length - 1]!)) : undefined };
}

/**
 * The page of `items` (in an order of their own, not by key) after the
 * item the marker names. An item gone since the marker was made (a
 * policy detached while its list was paged through, as a cleanup does)
 * leaves nothing to resume after: the page starts from the first item again.
 */
export function pageAfter<T>(items: readonly T[], paging: Paging, keyOf: (item: T) => string): { items: T[]; marker?: string } {
  const max = paging.MaxItems ?? DEFAULT_MAX_ITEMS;
  let start = 0;
  if (paging.Marker !== undefined) {
    const after = decodeMarker(paging.Marker);
    start = items.findIndex((item) => keyOf(item) === after) + 1;
  }
  const page = items.slice(start, start + max);
  const more = start + max < items.length;
  return { items: page, marker: more ? encodeMarker(keyOf(page[page.length - 1]!)) : undefined };
}

/** The page of `items` (computed the same way on every call) from the position the marker holds. */
export function pageAt<T>(items: readonly T[], paging: Paging): { items: T[]; marker?: string } {
  const max = paging.MaxItems ?? DEFAULT_MAX_ITEMS;
  let start = 0;
  if (paging.Marker !== undefined) {
    start = Number(decodeMarker(paging.Marker));
    if (!Number.isInteger(start) || start < 0 || start > items.length) throw iamErrors.invalidInput("Invalid Marker.");
  }
  const more = start + max < items.length;
  return { items: items.slice(start, start + max), marker: more ? encodeMarker(String(start + max)) : undefined };
}

function encodeMarker(key: string): string {
  return Buffer.from(key, "utf8").toString("base64url");
}

function decodeMarker(marker: string): string {
  const key = Buffer.from(marker, "base64url").toString("utf8");
  if (encodeMarker(key) !== marker) throw iamErrors.invalidInput("Invalid Marker.");
  return key;
}
