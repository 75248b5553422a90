/**
 * Bucket lifecycle rules as S3 takes and applies them: validation with
 * S3's errors, the `x-amz-expiration` header an object's reads and writes
 * carry, and the sweep that expires objects, versions, delete markers and
 * abandoned uploads once their day has come (days counted from creation
 * and rounded up to the next midnight UTC, as S3 counts them).
 */
import { randomBytes } from "node:crypto";
import { AwsError } from "../../server/errors.js";
import { s3Errors } from "./errors.js";
import type { ObjectRecord, Tag } from "./records.js";

const DAY_MS = 86_400_000;
const MAX_RULES = 1000;
const MAX_ID_LENGTH = 255;
/** A rule's days count past which no date can be written (S3's own bound is not documented). */
const MAX_DAYS = 1_000_000;
const TRANSITION_CLASSES: ReadonlySet<string> = new Set(["GLACIER", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "DEEP_ARCHIVE", "GLACIER_IR"]);
/** Storage classes S3 lets objects reach only after 30 days. */
const THIRTY_DAY_CLASSES: ReadonlySet<string> = new Set(["STANDARD_IA", "ONEZONE_IA"]);
export const MINIMUM_OBJECT_SIZES: ReadonlySet<string> = new Set(["all_storage_classes_128K", "varies_by_storage_class"]);

interface SizeBounds {
  Prefix?: string;
  ObjectSizeGreaterThan?: number;
  ObjectSizeLessThan?: number;
}

export interface LifecycleFilter extends SizeBounds {
  Tag?: Tag;
  And?: SizeBounds & { Tags?: Tag[] };
}

/** A rule as PutBucketLifecycleConfiguration takes it; dates are kept as ISO text. */
export interface LifecycleRule {
  ID?: string;
  Status?: string;
  Prefix?: string;
  Filter?: LifecycleFilter;
  Expiration?: { Date?: string; Days?: number; ExpiredObjectDeleteMarker?: boolean };
  Transitions?: { Date?: string; Days?: number; StorageClass?: string }[];
  NoncurrentVersionTransitions?: { NoncurrentDays?: number; StorageClass?: string; NewerNoncurrentVersions?: number }[];
  NoncurrentVersionExpiration?: { NoncurrentDays?: number; NewerNoncurrentVersions?: number };
  AbortIncompleteMultipartUpload?: { DaysAfterInitiation?: number };
}

/** The rules a bucket keeps, and the header that came with them. */
export interface LifecycleConfiguration {
  rules: LifecycleRule[];
  minimumObjectSize: string;
}

/** Checks rules as S3 does and answers them as kept (dates as ISO text, missing ids made). */
export function validateLifecycle(rules: readonly LifecycleRule[]): LifecycleRule[] {
  if (rules.length === 0) throw s3Errors.malformedXml();
  if (rules.length > MAX_RULES) throw s3Errors.invalidRequest(`The number of lifecycle rules must not exceed the allowed limit of ${MAX_RULES} rules.`);
  // Rule-level prefixes (lifecycle V1) and filters (V2) do not mix.
  const legacy = rules.map((rule) => rule.Prefix !== undefined && rule.Filter === undefined);
  if (legacy.some((v) => v) && legacy.some((v) => !v)) {
    throw s3Errors.invalidRequest(legacy[0] ? "Filter element can only be used in Lifecycle V2." : "Base level prefix cannot be used in Lifecycle V2, prefixes are only supported in the Filter.");
  }
  if (legacy.every((v) => v)) checkOverlappingPrefixes(rules);
  const ids = new Set<string>();
  return rules.map((rule) => {
    const checked = validateRule(rule);
    if (ids.has(checked.ID!)) throw s3Errors.invalidArgument("Rule ID must be unique. Found same ID for more than one rule", "ID", checked.ID);
    ids.add(checked.ID!);
    return checked;
  });
}

/** Lifecycle V1: two rules whose prefixes overlap may not share an action. */
function checkOverlappingPrefixes(rules: readonly LifecycleRule[]): void {
  const actions = (rule: LifecycleRule): string[] =>
    [
      rule.Expiration && "Expiration",
      rule.Transitions?.length && "Transition",
      rule.NoncurrentVersionExpiration && "NoncurrentVersionExpiration",
      rule.NoncurrentVersionTransitions?.length && "NoncurrentVersionTransition",
      rule.AbortIncompleteMultipartUpload && "AbortIncompleteMultipartUpload",
    ].filter((a): a is string => typeof a === "string");
  for (const [i, a] of rules.entries()) {
    for (const b of rules.slice(i + 1)) {
      const [pa, pb] = [a.Prefix ?? "", b.Prefix ?? ""];
      if (!pa.startsWith(pb) && !pb.startsWith(pa)) continue;
      const shared = actions(a).find((action) => actions(b).includes(action));
      if (shared) throw s3Errors.invalidRequest(`Found overlapping prefixes '${pa}' and '${pb}' for same action type '${shared}'`);
    }
  }
}

function validateRule(rule: LifecycleRule): LifecycleRule {
  if (rule.Status !== "Enabled" && rule.Status !== "Disabled") throw s3Errors.malformedXml();
  if ((rule.Filter === undefined) === (rule.Prefix === undefined)) throw s3Errors.malformedXml();
  if (rule.ID !== undefined && rule.ID.length > MAX_ID_LENGTH) throw s3Errors.invalidArgument(`ID length should not exceed allowed limit of ${MAX_ID_LENGTH}`, "ID", rule.ID);
  const filter = rule.Filter ?? {};
  const kinds = (["Prefix", "Tag", "And", "ObjectSizeGreaterThan", "ObjectSizeLessThan"] as const).filter((k) => filter[k] !== undefined);
  if (kinds.length > 1) throw s3Errors.malformedXml();
  const tags = filter.Tag ? [filter.Tag] : (filter.And?.Tags ?? []);
  // S3's schema gives every tag a key and a value.
  if (tags.some((t) => typeof t.Key !== "string" || typeof t.Value !== "string")) throw s3Errors.malformedXml();
  if (new Set(tags.map((t) => t.Key)).size !== tags.length) throw s3Errors.invalidRequest("Duplicate Tag Keys are not allowed.");
  const sized = [filter, filter.And ?? {}].some((f) => f.ObjectSizeGreaterThan !== undefined || f.ObjectSizeLessThan !== undefined);
  for (const bounds of [filter, filter.And ?? {}]) checkSizes(bounds);

  const { Expiration: expiration, NoncurrentVersionExpiration: noncurrent, AbortIncompleteMultipartUpload: abort } = rule;
  const transitions = rule.Transitions ?? [];
  const noncurrentTransitions = rule.NoncurrentVersionTransitions ?? [];
  if (!expiration && !noncurrent && !abort && transitions.length === 0 && noncurrentTransitions.length === 0) {
    throw s3Errors.invalidRequest("At least one action needs to be specified in a rule");
  }
  const kept: LifecycleRule = { ...rule, ID: rule.ID ?? randomBytes(36).toString("base64") };
  if (expiration) {
    const { Days: days, Date: date, ExpiredObjectDeleteMarker: marker } = expiration;
    const given = [days, date, marker].filter((v) => v !== undefined).length;
    if (given === 0 || (given > 1 && (marker !== undefined || (days !== undefined && date !== undefined)))) throw s3Errors.malformedXml();
    if (days !== undefined && days <= 0) throw s3Errors.invalidArgument("'Days' for Expiration action must be a positive integer", "Days", String(days));
    if (marker !== undefined && tags.length > 0) throw s3Errors.invalidRequest("ExpiredObjectDeleteMarker cannot be specified with Tags.");
    if (marker !== undefined && sized) throw s3Errors.invalidRequest("ExpiredObjectDeleteMarker cannot be specified with Object Size.");
    kept.Expiration = { ...expiration, Date: midnight(date) };
  }
  if (expiration?.Days !== undefined && expiration.Days > MAX_DAYS) throw s3Errors.invalidArgument(`'Days' for Expiration action must not exceed ${MAX_DAYS}`, "Days", String(expiration.Days));
  if (noncurrent) {
    if (noncurrent.NoncurrentDays === undefined && noncurrent.NewerNoncurrentVersions === undefined) throw s3Errors.malformedXml();
    if (noncurrent.NoncurrentDays !== undefined && noncurrent.NoncurrentDays <= 0) {
      throw s3Errors.invalidArgument("'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer", "NoncurrentDays", String(noncurrent.NoncurrentDays));
    }
    checkNewerVersions(noncurrent.NewerNoncurrentVersions, "NoncurrentVersionExpiration");
  }
  if (abort) {
    if (abort.DaysAfterInitiation === undefined) throw s3Errors.malformedXml();
    if (abort.DaysAfterInitiation <= 0) {
      throw s3Errors.invalidArgument("'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer", "DaysAfterInitiation", String(abort.DaysAfterInitiation));
    }
    if (tags.length > 0) throw s3Errors.invalidRequest("AbortIncompleteMultipartUpload cannot be specified with Tags.");
    if (sized) throw s3Errors.invalidRequest("AbortIncompleteMultipartUpload cannot be specified with Object Size.");
  }
  kept.Transitions = rule.Transitions?.map((t) => {
    if (!t.StorageClass || !TRANSITION_CLASSES.has(t.StorageClass) || (t.Days === undefined) === (t.Date === undefined)) throw s3Errors.malformedXml();
    if (t.Days !== undefined && t.Days < 0) throw s3Errors.invalidArgument("'Days' in Transition action must be nonnegative", "Days", String(t.Days));
    if (t.Days !== undefined && t.Days < 30 && THIRTY_DAY_CLASSES.has(t.StorageClass)) {
      throw s3Errors.invalidArgument(`'Days' in Transition action must be greater than or equal to 30 for storageClass '${t.StorageClass}'`, "Days", String(t.Days));
    }
    return { ...t, Date: midnight(t.Date) };
  });
  const prefix = rule.Prefix ?? filter.Prefix ?? filter.And?.Prefix ?? "";
  const classes = transitions.map((t) => t.StorageClass);
  if (new Set(classes).size !== classes.length) {
    throw s3Errors.invalidRequest(`'StorageClass' must be different for 'Transition' actions in same 'Rule' with prefix '${prefix}'`);
  }
  const timed = [...transitions, ...(expiration && !expiration.ExpiredObjectDeleteMarker ? [expiration] : [])];
  if (timed.some((a) => a.Date !== undefined) && timed.some((a) => a.Days !== undefined)) {
    throw s3Errors.invalidRequest(`Found mixed 'Date' and 'Days' based Expiration and Transition actions in lifecycle rule for prefix '${prefix}'`);
  }
  // An object must be transitioned before it expires (AWS's words, as Terraform and CDK users quote them, name the filter by its prefix).
  if (expiration?.Days !== undefined && transitions.some((t) => t.Days !== undefined && t.Days >= (expiration.Days ?? 0))) {
    throw s3Errors.invalidArgument(`'Days' in the Expiration action for filter '(prefix=${prefix})' must be greater than 'Days' in the Transition action`);
  }
  for (const t of noncurrentTransitions) {
    if (!t.StorageClass || !TRANSITION_CLASSES.has(t.StorageClass) || t.NoncurrentDays === undefined) throw s3Errors.malformedXml();
    if (t.NoncurrentDays < 0) throw s3Errors.invalidArgument("'NoncurrentDays' in NoncurrentVersionTransition action must be nonnegative", "NoncurrentDays", String(t.NoncurrentDays));
    checkNewerVersions(t.NewerNoncurrentVersions, "NoncurrentVersionTransition");
  }
  return kept;
}

/** NewerNoncurrentVersions keeps 1 to 100 versions. */
function checkNewerVersions(count: number | undefined, action: string): void {
  if (count !== undefined && (count < 1 || count > 100)) {
    throw s3Errors.invalidArgument(`'NewerNoncurrentVersions' for ${action} action must be a positive integer up to 100`, "NewerNoncurrentVersions", String(count));
  }
}

function checkSizes(bounds: SizeBounds): void {
  const { ObjectSizeGreaterThan: above, ObjectSizeLessThan: below } = bounds;
  if (above !== undefined && above < 0) throw s3Errors.invalidRequest("'ObjectSizeGreaterThan' should be between 0 and 1099511627776000.");
  if (below !== undefined && (below < 1 || below > 1099511627776000)) throw s3Errors.invalidRequest("'ObjectSizeLessThan' should be between 1 and 1099511627776000.");
  if (above !== undefined && below !== undefined && below <= above) throw s3Errors.invalidRequest("'ObjectSizeLessThan' has to be a value greater than 'ObjectSizeGreaterThan'.");
}

/** A rule's date, which must fall on a midnight UTC, as ISO text. */
function midnight(date: string | Date | undefined): string | undefined {
  if (date === undefined) return undefined;
  const time = new Date(date);
  if (Number.isNaN(time.getTime()) || time.getTime() % DAY_MS !== 0) {
    throw new AwsError("InvalidArgument", "'Date' must be at midnight GMT", 400, { ArgumentName: "Date", ArgumentValue: date instanceof Date && !Number.isNaN(date.getTime()) ? date.toISOString() : String(date) });
  }
  return time.toISOString();
}

/** Rules as GetBucketLifecycleConfiguration answers them: dates as dates. */
export function rulesForOutput(rules: readonly LifecycleRule[]): unknown[] {
  return rules.map((rule) => ({
    ...rule,
    Expiration: rule.Expiration ? { ...rule.Expiration, Date: asDate(rule.Expiration.Date) } : undefined,
    Transitions: rule.Transitions?.map((t) => ({ ...t, Date: asDate(t.Date) })),
  }));
}

function asDate(iso: string | undefined): Date | undefined {
  return iso === undefined ? undefined : new Date(iso);
}

/** What a rule's filter sees of an object. */
interface Subject {
  key: string;
  size: number;
  tags: readonly Tag[];
}

export function ruleApplies(rule: LifecycleRule, subject: Subject): boolean {
  if (rule.Status !== "Enabled") return false;
  if (rule.Prefix !== undefined) return subject.key.startsWith(rule.Prefix);
  const filter = rule.Filter ?? {};
  const hasTag = (tag: Tag) => subject.tags.some((t) => t.Key === tag.Key && t.Value === tag.Value);
  const within = (b: SizeBounds) =>
    (b.Prefix === undefined || subject.key.startsWith(b.Prefix)) &&
    (b.ObjectSizeGreaterThan === undefined || subject.size > b.ObjectSizeGreaterThan) &&
    (b.ObjectSizeLessThan === undefined || subject.size < b.ObjectSizeLessThan);
  if (filter.Tag && !hasTag(filter.Tag)) return false;
  if (filter.And && !(within(filter.And) && (filter.And.Tags ?? []).every(hasTag))) return false;
  return within(filter);
}

/** The midnight UTC a count of days from `from` ends on, rounded up as S3 rounds it. */
export function dueDate(from: number, days: number): number {
  // A day count past the calendar's end (a Date holds 100,000,000 days either side of 1970) falls due at its end.
  return Math.min(Math.floor((from + days * DAY_MS) / DAY_MS) * DAY_MS + DAY_MS, LAST_TIME);
}

/** The last moment a Date can hold, a midnight. */
const LAST_TIME = 8.64e15;

/** When the current version of an object expires, and by which rule (the earliest; the first of equals). */
export function expiryOf(rules: readonly LifecycleRule[], subject: Subject, created: number): { at: number; ruleId: string } | undefined {
  let found: { at: number; ruleId: string } | undefined;
  for (const rule of rules) {
    const expiration = rule.Expiration;
    if (!expiration || (expiration.Days === undefined && expiration.Date === undefined) || !ruleApplies(rule, subject)) continue;
    const at = expiration.Date !== undefined ? Date.parse(expiration.Date) : dueDate(created, expiration.Days ?? 0);
    if (!found || at < found.at) found = { at, ruleId: rule.ID ?? "" };
  }
  return found;
}

/** When an upload begun at `initiated` will be aborted, and by which rule, if one applies to its key. */
export function abortOf(configuration: LifecycleConfiguration | undefined, key: string, initiated: number): { at: number; ruleId: string } | undefined {
  let found: { at: number; ruleId: string } | undefined;
  for (const rule of configuration?.rules ?? []) {
    const days = rule.AbortIncompleteMultipartUpload?.DaysAfterInitiation;
    if (days === undefined || !ruleApplies(rule, { key, size: 0, tags: [] })) continue;
    const at = dueDate(initiated, days);
    if (!found || at < found.at) found = { at, ruleId: rule.ID ?? "" };
  }
  return found;
}

/** The `x-amz-expiration` header of an object, when a rule will expire it. */
export function expirationHeader(configuration: LifecycleConfiguration | undefined, key: string, record: ObjectRecord): string | undefined {
  if (!configuration) return undefined;
  const expiry = expiryOf(configuration.rules, { key, size: record.size, tags: record.tags }, record.lastModified);
  return expiry && `expiry-date="${new Date(expiry.at).toUTCString()}", rule-id="${encodeURIComponent(expiry.ruleId)}"`;
}
