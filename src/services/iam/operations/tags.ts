/**
 * Tags as IAM keeps them on users, roles, policies and instance profiles:
 * keys unique without regard to case, at most 50 per entity, listed in key
 * order with IAM's paging.
 */
import { iamErrors } from "../errors.js";
import type { Tag } from "../store.js";
import { pageOf, type Paging } from "./paging.js";

/** IAM allows this many tags on an entity. */
const MAX_TAGS = 50;

/** Refuses duplicate keys and too many tags; `quota` names the entity's quota (`TagsPerUser`). */
export function checkTags(tags: Tag[], quota: string): Tag[] {
  const keys = new Set<string>();
  for (const tag of tags) {
    const lower = tag.Key.toLowerCase();
    if (keys.has(lower)) throw iamErrors.invalidInput("Duplicate tag keys found. Please note that Tag keys are case insensitive.");
    keys.add(lower);
  }
  if (tags.length > MAX_TAGS) throw iamErrors.limitExceeded(quota, MAX_TAGS);
  return tags;
}

/** `existing` with `added` set over it (a new value replaces an old one of the same key). */
export function mergeTags(existing: readonly Tag[], added: readonly Tag[], quota: string): Tag[] {
  checkTags([...added], quota);
  const merged = new Map(existing.map((t) => [t.Key.toLowerCase(), t]));
  for (const tag of added) merged.set(tag.Key.toLowerCase(), tag);
  return checkTags([...merged.values()], quota);
}

export function withoutTags(existing: readonly Tag[], keys: readonly string[]): Tag[] {
  const drop = new Set(keys.map((k) => k.toLowerCase()));
  return existing.filter((t) => !drop.has(t.Key.toLowerCase()));
}

/** A page of tags in key order, as the List…Tags operations answer. */
export function tagPage(tags: readonly Tag[], paging: Paging) {
  const sorted = [...tags].sort((a, b) => (a.Key < b.Key ? -1 : a.Key > b.Key ? 1 : 0));
  const { items, marker } = pageOf(sorted, paging, (t) => t.Key);
  return { Tags: items, IsTruncated: marker !== undefined, Marker: marker };
}
