/**
 * Tags as IAM keeps them on users, roles, policies and instance profiles:
 * keys unique (without regard to case, but for managed policies), at most
 * 50 per entity, listed in key order with IAM's paging.
 */
import { iamErrors } from "../errors.js";
import type { Tag } from "../store.js";
import { pageOf, type Paging } from "./paging.js";

/** IAM allows this many tags on an entity. */
const MAX_TAGS = 50;

/**
 * Managed policies tell keys apart by case (`a` and `A` are two tags);
 * users, roles and instance profiles do not.
 */
const CASE_SENSITIVE_QUOTAS: ReadonlySet<string> = new Set(["TagsPerPolicy"]);

function keyOf(quota: string): (key: string) => string {
  return CASE_SENSITIVE_QUOTAS.has(quota) ? (key) => key : (key) => key.toLowerCase();
}

/** Refuses duplicate keys and too many tags; `quota` names the entity's quota (`TagsPerUser`). */
export function checkTags(tags: Tag[], quota: string): Tag[] {
  const key = keyOf(quota);
  const keys = new Set<string>();
  for (const tag of tags) {
    if (keys.has(key(tag.Key))) {
      throw iamErrors.invalidInput(
        CASE_SENSITIVE_QUOTAS.has(quota) ? "Duplicate tag keys found." : "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
      );
    }
    keys.add(key(tag.Key));
  }
  if (tags.length > MAX_TAGS) throw iamErrors.limitExceeded(quota, MAX_TAGS);
  return tags;
}

/** `existing` with `added` set over it (a new value replaces an old one of the same key). */
export function mergeTags(existing: readonly Tag[], added: readonly Tag[], quota: string): Tag[] {
  checkTags([...added], quota);
  const key = keyOf(quota);
  const merged = new Map(existing.map((t) => [key(t.Key), t]));
  for (const tag of added) merged.set(key(tag.Key), tag);
  return checkTags([...merged.values()], quota);
}

export function withoutTags(existing: readonly Tag[], keys: readonly string[], quota: string): Tag[] {
  const key = keyOf(quota);
  const drop = new Set(keys.map(key));
  return existing.filter((t) => !drop.has(key(t.Key)));
}

/** A page of tags in key order, as the List…Tags operations answer. */
export function tagPage(tags: readonly Tag[], paging: Paging) {
  const sorted = [...tags].sort((a, b) => (a.Key < b.Key ? -1 : a.Key > b.Key ? 1 : 0));
  const { items, marker } = pageOf(sorted, paging, (t) => t.Key);
  return { Tags: items, IsTruncated: marker !== undefined, Marker: marker };
}
