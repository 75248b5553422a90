/**
 * S3 Object Lock: a bucket created with it keeps versions and may set a
 * default retention; each object version may carry a retention (GOVERNANCE
 * or COMPLIANCE, until a date) and a legal hold. A version under either
 * cannot be deleted or have its lock weakened — GOVERNANCE gives way to a
 * caller that asks to bypass it, COMPLIANCE and legal holds to no one.
 */
import { AwsError } from "../../server/errors.js";
import { s3Errors } from "./errors.js";
import type { BucketRecord, ObjectRecord } from "./records.js";

export type LockMode = "GOVERNANCE" | "COMPLIANCE";
const MODES: ReadonlySet<string> = new Set<LockMode>(["GOVERNANCE", "COMPLIANCE"]);
const DAY_MS = 86_400_000;
/** The last instant an ISO 8601 date of four-digit years can name: later ones no client reads. */
const LATEST_DATE = Date.UTC(9999, 11, 31, 23, 59, 59);

/** A bucket's Object Lock: enabled, with the retention new versions get unless they name one. */
export interface ObjectLockConfig {
  defaultRetention?: { mode: LockMode; days?: number; years?: number };
}

/** What a version carries of Object Lock. */
export interface VersionLock {
  lockMode?: LockMode;
  /** Epoch ms. */
  retainUntil?: number;
  legalHold?: boolean;
}

interface LockConfigurationInput {
  ObjectLockEnabled?: string;
  Rule?: { DefaultRetention?: { Mode?: string; Days?: number; Years?: number } };
}

/** What the retention and legal-hold calls answer on a bucket without Object Lock. */
export const missingLockConfiguration = () => s3Errors.invalidRequest("Bucket is missing Object Lock Configuration");

/** PutObjectLockConfiguration's document, checked as S3 checks it. */
export function validateLockConfiguration(input: LockConfigurationInput | undefined): ObjectLockConfig {
  if (input?.ObjectLockEnabled !== "Enabled") throw s3Errors.malformedXml();
  const retention = input.Rule?.DefaultRetention;
  if (input.Rule === undefined) return {};
  if (!retention || !retention.Mode || !MODES.has(retention.Mode)) throw s3Errors.malformedXml();
  if ((retention.Days === undefined) === (retention.Years === undefined)) throw s3Errors.malformedXml();
  const period = retention.Days ?? retention.Years ?? 0;
  if (period <= 0) throw new AwsError("InvalidRetentionPeriod", "Default retention period must be a positive integer value", 400);
  // A default retention is at most 100 years, as on AWS.
  if ((retention.Days ?? 0) > 36500 || (retention.Years ?? 0) > 100) throw new AwsError("InvalidRetentionPeriod", "Default retention period cannot exceed 100 years", 400);
  return { defaultRetention: { mode: retention.Mode as LockMode, days: retention.Days, years: retention.Years } };
}

/** The answer of GetObjectLockConfiguration. */
export function lockConfigurationOutput(config: ObjectLockConfig) {
  const retention = config.defaultRetention;
  return {
    ObjectLockConfiguration: {
      ObjectLockEnabled: "Enabled",
      Rule: retention ? { DefaultRetention: { Mode: retention.mode, Days: retention.days, Years: retention.years } } : undefined,
    },
  };
}

export interface LockHeadersInput {
  ObjectLockMode?: string;
  ObjectLockRetainUntilDate?: Date;
  ObjectLockLegalHoldStatus?: string;
}

/**
 * The lock a new version gets: the one its write names, else the bucket's
 * default retention, counted from now. Naming one where the bucket has no
 * Object Lock is refused.
 */
export function newVersionLock(bucket: BucketRecord, input: LockHeadersInput, now: number): VersionLock {
  const { ObjectLockMode: mode, ObjectLockRetainUntilDate: until, ObjectLockLegalHoldStatus: hold } = input;
  const named = mode !== undefined || until !== undefined || hold !== undefined;
  // Writes word it without spaces, unlike the retention calls.
  if (named && !bucket.objectLock) throw s3Errors.invalidRequest("Bucket is missing ObjectLockConfiguration");
  if (!bucket.objectLock) return {};
  if ((mode === undefined) !== (until === undefined)) {
    throw s3Errors.invalidArgument("x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied", "x-amz-object-lock-retain-until-date");
  }
  if (mode !== undefined && !MODES.has(mode)) throw s3Errors.invalidArgument("Unknown wormMode directive.", "x-amz-object-lock-mode", mode);
  if (until !== undefined && until.getTime() <= now) throw s3Errors.invalidArgument("The retain until date must be in the future!", "x-amz-object-lock-retain-until-date");
  if (until !== undefined && until.getTime() > LATEST_DATE) throw s3Errors.invalidArgument("The retain until date is not valid", "x-amz-object-lock-retain-until-date");
  if (hold !== undefined && hold !== "ON" && hold !== "OFF") throw s3Errors.invalidArgument("Legal Hold must be either of 'ON' or 'OFF'", "x-amz-object-lock-legal-hold", hold);
  const lock: VersionLock = { legalHold: hold === "ON" ? true : undefined };
  if (mode !== undefined && until !== undefined) return { ...lock, lockMode: mode as LockMode, retainUntil: until.getTime() };
  const retention = bucket.objectLock.defaultRetention;
  if (!retention) return lock;
  const days = retention.days ?? (retention.years ?? 0) * 365;
  return { ...lock, lockMode: retention.mode, retainUntil: now + days * DAY_MS };
}

/**
 * The lock headers a read of a version answers: its retention only to a
 * caller that may read it (s3:GetObjectRetention), its legal hold likewise
 * (s3:GetObjectLegalHold), as GetObject's and HeadObject's references say.
 */
export function lockOutput(record: ObjectRecord, mayRead: (action: "s3:GetObjectRetention" | "s3:GetObjectLegalHold") => boolean): Record<string, unknown> {
  const retention = record.lockMode !== undefined && mayRead("s3:GetObjectRetention");
  const hold = record.legalHold !== undefined && mayRead("s3:GetObjectLegalHold");
  return {
    ObjectLockMode: retention ? record.lockMode : undefined,
    ObjectLockRetainUntilDate: retention && record.retainUntil !== undefined ? new Date(record.retainUntil) : undefined,
    ObjectLockLegalHoldStatus: hold ? (record.legalHold ? "ON" : "OFF") : undefined,
  };
}

/** Why a version may not be removed now, if it may not: a legal hold, or a retention not bypassed. */
export function lockedReason(record: ObjectRecord, bypassGovernance: boolean, now: number): string | undefined {
  if (record.legalHold) return "legal hold";
  if (record.retainUntil !== undefined && record.retainUntil > now && !(record.lockMode === "GOVERNANCE" && bypassGovernance)) return "retention";
  return undefined;
}

export const lockedVersion = () => new AwsError("AccessDenied", "Access Denied because object protected by object lock.", 403);

/**
 * A retention change: S3 lets a retention be lengthened, but shortened,
 * removed or moved from COMPLIANCE only where GOVERNANCE is bypassed.
 */
export function checkRetentionChange(record: ObjectRecord, next: { mode?: string; until?: Date }, bypassGovernance: boolean, now: number): void {
  const active = record.retainUntil !== undefined && record.retainUntil > now;
  if (next.mode !== undefined && !MODES.has(next.mode)) throw s3Errors.malformedXml();
  if ((next.mode === undefined) !== (next.until === undefined)) throw s3Errors.malformedXml();
  if (next.until !== undefined && next.until.getTime() <= now) throw s3Errors.invalidArgument("The retain until date must be in the future!", "RetainUntilDate");
  if (next.until !== undefined && next.until.getTime() > LATEST_DATE) throw s3Errors.malformedXml();
  if (!active) return;
  // Any change of mode counts as weakening, as does an earlier date or none.
  const weakens = next.until === undefined || next.until.getTime() < (record.retainUntil ?? 0) || next.mode !== record.lockMode;
  if (!weakens) return;
  if (record.lockMode === "COMPLIANCE" || !bypassGovernance) throw new AwsError("AccessDenied", "Access Denied because object protected by object lock.", 403);
}
