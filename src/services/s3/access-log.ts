/**
 * S3 server access logging: each request answered for a bucket with
 * logging enabled becomes a record in S3's log format, and the records
 * are delivered as objects to the target bucket every few seconds (AWS
 * takes hours; `--s3-log-delivery-seconds` sets the pace here), named by
 * the target prefix and the key format. Deliveries are not themselves
 * logged. A record is made for requests that reached an operation: those
 * refused before (a bad signature) are not logged.
 */
import { conditionsHold, type ContextKeys } from "../../policy/conditions.js";
import { wildcardMatch } from "../../policy/match.js";
import { parseStored } from "../../policy/source.js";
import type { Structure } from "../../protocols/types.js";
import type { AnsweredRequest, WebsiteRequest } from "../../server/service.js";
import type { RequestContext } from "../../server/context.js";
import { AwsError } from "../../server/errors.js";
import { ANONYMOUS } from "../../auth/index.js";
import type { WireResponse } from "../../protocols/types.js";
import { randomHex } from "../../util/ids.js";
import { storeWholeObject } from "./shared-objects.js";
import { aclsEnabled, LOG_DELIVERY } from "./acl.js";
import { bucketArn } from "./names.js";
import { canonicalUserId } from "./operation.js";
import { parseCopySource } from "./operations/copy.js";
import type { BucketRecord } from "./records.js";
import type { S3Store } from "./store.js";

/** PutBucketLogging's `LoggingEnabled`, as given. */
export interface LoggingEnabled {
  TargetBucket: string;
  TargetPrefix: string;
  TargetGrants?: unknown[];
  TargetObjectKeyFormat?: { SimplePrefix?: Record<string, never>; PartitionedPrefix?: { PartitionDateSource?: "EventTime" | "DeliveryTime" } };
}

/** The resource part of each operation's name in the log (`REST.GET.OBJECT`); the method comes from the request. */
const RESOURCES: Readonly<Record<string, string>> = {
  GetObject: "OBJECT",
  HeadObject: "OBJECT",
  PutObject: "OBJECT",
  DeleteObject: "OBJECT",
  PostObject: "OBJECT",
  CopyObject: "OBJECT",
  GetObjectAttributes: "OBJECT_ATTRIBUTES",
  RestoreObject: "RESTORE",
  ListObjects: "BUCKET",
  ListObjectsV2: "BUCKET",
  HeadBucket: "BUCKET",
  CreateBucket: "BUCKET",
  DeleteBucket: "BUCKET",
  ListObjectVersions: "BUCKETVERSIONS",
  DeleteObjects: "MULTI_OBJECT_DELETE",
  GetBucketLocation: "LOCATION",
  GetBucketLogging: "LOGGING_STATUS",
  PutBucketLogging: "LOGGING_STATUS",
  GetBucketVersioning: "VERSIONING",
  PutBucketVersioning: "VERSIONING",
  GetBucketAcl: "ACL",
  PutBucketAcl: "ACL",
  GetObjectAcl: "ACL",
  PutObjectAcl: "ACL",
  GetBucketPolicy: "BUCKETPOLICY",
  PutBucketPolicy: "BUCKETPOLICY",
  DeleteBucketPolicy: "BUCKETPOLICY",
  GetBucketPolicyStatus: "BUCKETPOLICYSTATUS",
  GetBucketTagging: "TAGGING",
  PutBucketTagging: "TAGGING",
  DeleteBucketTagging: "TAGGING",
  GetObjectTagging: "TAGGING",
  PutObjectTagging: "TAGGING",
  DeleteObjectTagging: "TAGGING",
  GetBucketCors: "CORS",
  PutBucketCors: "CORS",
  DeleteBucketCors: "CORS",
  GetBucketWebsite: "WEBSITE",
  PutBucketWebsite: "WEBSITE",
  DeleteBucketWebsite: "WEBSITE",
  GetBucketLifecycle: "LIFECYCLE",
  GetBucketLifecycleConfiguration: "LIFECYCLE",
  PutBucketLifecycle: "LIFECYCLE",
  PutBucketLifecycleConfiguration: "LIFECYCLE",
  DeleteBucketLifecycle: "LIFECYCLE",
  GetBucketEncryption: "ENCRYPTION",
  PutBucketEncryption: "ENCRYPTION",
  DeleteBucketEncryption: "ENCRYPTION",
  GetBucketOwnershipControls: "OWNERSHIP_CONTROLS",
  PutBucketOwnershipControls: "OWNERSHIP_CONTROLS",
  DeleteBucketOwnershipControls: "OWNERSHIP_CONTROLS",
  GetPublicAccessBlock: "PUBLIC_ACCESS_BLOCK",
  PutPublicAccessBlock: "PUBLIC_ACCESS_BLOCK",
  DeletePublicAccessBlock: "PUBLIC_ACCESS_BLOCK",
  GetObjectLockConfiguration: "OBJECT_LOCK_CONFIGURATION",
  PutObjectLockConfiguration: "OBJECT_LOCK_CONFIGURATION",
  GetObjectRetention: "RETENTION",
  PutObjectRetention: "RETENTION",
  GetObjectLegalHold: "LEGAL_HOLD",
  PutObjectLegalHold: "LEGAL_HOLD",
  GetBucketAccelerateConfiguration: "ACCELERATE",
  PutBucketAccelerateConfiguration: "ACCELERATE",
  GetBucketRequestPayment: "REQUEST_PAYMENT",
  PutBucketRequestPayment: "REQUEST_PAYMENT",
  GetBucketNotificationConfiguration: "NOTIFICATION",
  GetBucketReplication: "REPLICATION",
  CreateMultipartUpload: "UPLOADS",
  ListMultipartUploads: "UPLOADS",
  UploadPart: "PART",
  UploadPartCopy: "PART",
  CompleteMultipartUpload: "UPLOAD",
  AbortMultipartUpload: "UPLOAD",
  ListParts: "UPLOAD",
};

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const two = (n: number) => String(n).padStart(2, "0");

/** `06/Feb/2019:00:00:38 +0000`. */
function logTime(ms: number): string {
  const d = new Date(ms);
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

/** A character that would end a field or a record, as `%XX`. */
const percent = (c: string): string => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`;

/** A field as the log writes it: `-` for nothing, and nothing from a request that could end the field or the record. */
// eslint-disable-next-line no-control-regex
const field = (value: string | number | undefined): string => (value === undefined || value === "" ? "-" : String(value).replace(/[\x00-\x20"\x7f]/g, percent));

/** A quoted field keeps its spaces, and escapes its quotes. */
const quoted = (value: string | undefined): string =>
  // eslint-disable-next-line no-control-regex
  `"${value === undefined || value === "" ? "-" : value.replace(/[\x00-\x1f\x7f]/g, percent).replaceAll('"', '\\"')}"`;

function header(answered: AnsweredRequest, name: string): string | undefined {
  const value = answered.ctx.headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

/** Who asked: `-` when anonymous, an account's canonical id for its root, an identity's ARN otherwise. */
function requester({ ctx: { principal } }: AnsweredRequest): string {
  if (principal.type === "anonymous") return "-";
  return principal.type === "root" ? canonicalUserId(principal.accountId) : principal.arn;
}

/** The whole object's size where the operation names one object's bytes. */
function objectSize(answered: AnsweredRequest): number | undefined {
  const { operation, response, ctx } = answered;
  if (operation === "GetObject" || operation === "HeadObject") {
    const range = response.headers["content-range"];
    const total = typeof range === "string" ? Number(range.slice(range.lastIndexOf("/") + 1)) : Number(response.headers["content-length"]);
    return response.status < 300 && Number.isFinite(total) ? total : undefined;
  }
  if (operation === "PutObject" || operation === "UploadPart") {
    const declared = Number(ctx.headers["x-amz-decoded-content-length"] ?? ctx.headers["content-length"]);
    return Number.isFinite(declared) ? declared : undefined;
  }
  return undefined;
}

/** The log's lines for one answered request (a batch delete adds one per key). */
export function logRecords(answered: AnsweredRequest, bucket: BucketRecord, now: number): string[] {
  const { ctx, input, response, error, operation } = answered;
  const { method } = answered;
  const requestLine = `${method} ${answered.url} HTTP/${answered.httpVersion}`;
  const verb = operation === "CopyObject" || operation === "UploadPartCopy" ? "COPY" : method;
  const kind = operation === "Website" ? "WEBSITE" : "REST";
  const key = typeof input.Key === "string" ? encodeURIComponent(input.Key).replaceAll("%2F", "/") : undefined;
  const length = Number(response.headers["content-length"]);
  const sent = method !== "HEAD" && length > 0 ? length : undefined;
  const elapsed = Math.max(0, Math.round(answered.elapsedMs));
  const head = `${canonicalUserId(bucket.accountId)} ${bucket.name} [${logTime(now - elapsed)}] ${field(ctx.sourceIp)} ${requester(answered)} ${ctx.requestId}`;
  const signature = ctx.principal.type === "anonymous" ? "-" : ctx.headers.authorization?.startsWith("AWS ") || answered.url.includes("AWSAccessKeyId=") ? "SigV2" : "SigV4";
  const authType = ctx.principal.type === "anonymous" ? "-" : ctx.headers.authorization !== undefined ? "AuthHeader" : "QueryString";
  const tail = `${signature} - ${authType} ${field(header(answered, "host"))} - - -`;
  const lines = [
    `${head} ${kind}.${verb}.${RESOURCES[operation] ?? (key ? "OBJECT" : "BUCKET")} ${field(key)} ${quoted(requestLine)} ${response.status} ${field(error?.code)} ` +
      `${field(sent)} ${field(objectSize(answered))} ${elapsed} ${elapsed} ${quoted(header(answered, "referer"))} ${quoted(header(answered, "user-agent"))} ` +
      `${field(typeof input.VersionId === "string" ? input.VersionId : undefined)} ${ctx.requestId} ${tail}`,
  ];
  // A batch delete also logs each key it removed.
  if (operation === "DeleteObjects" && response.status === 200 && !error) {
    const objects = ((input.Delete as Structure | undefined)?.Objects ?? []) as { Key?: string }[];
    for (const { Key } of objects) {
      lines.push(`${head} BATCH.DELETE.OBJECT ${field(Key && encodeURIComponent(Key).replaceAll("%2F", "/"))} - 204 - - - - - - - - ${ctx.requestId} ${tail}`);
    }
  }
  return lines;
}

/** A CopySource header's bucket and key, read as the copy reads them; undefined for one the copy refused. */
function copySourceOf(value: unknown): { bucket: string; key: string } | undefined {
  if (typeof value !== "string") return undefined;
  try {
    const { bucket, key } = parseCopySource(value);
    return { bucket, key };
  } catch {
    return undefined;
  }
}

/** The record a copy leaves in its source bucket's log: the read half, `REST.COPY.OBJECT_GET`. */
function copySourceRecord(answered: AnsweredRequest, source: BucketRecord, key: string, now: number): string {
  const [line] = logRecords({ ...answered, input: { Bucket: source.name, Key: key } }, source, now);
  return line!.replace(" REST.COPY.OBJECT ", " REST.COPY.OBJECT_GET ");
}

/** A log object's key: `prefix2026-11-29-14-03-05-0123456789ABCDEF`, or partitioned by account, region, bucket and date. */
export function logObjectKey(config: LoggingEnabled, source: BucketRecord, deliveredAt: number, firstEventAt: number): string {
  const unique = randomHex(8).toUpperCase();
  const stamp = (ms: number, time: boolean) => {
    const d = new Date(ms);
    const date = `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}`;
    return time ? `${date}-${two(d.getUTCHours())}-${two(d.getUTCMinutes())}-${two(d.getUTCSeconds())}` : `${date}-00-00-00`;
  };
  const partitioned = config.TargetObjectKeyFormat?.PartitionedPrefix;
  if (!partitioned) return `${config.TargetPrefix}${stamp(deliveredAt, true)}-${unique}`;
  const byEvent = partitioned.PartitionDateSource !== "DeliveryTime";
  const day = new Date(byEvent ? firstEventAt : deliveredAt);
  const path = `${source.accountId}/${source.region}/${source.name}/${day.getUTCFullYear()}/${two(day.getUTCMonth() + 1)}/${two(day.getUTCDate())}`;
  return `${config.TargetPrefix}${path}/${stamp(byEvent ? firstEventAt : deliveredAt, !byEvent)}-${unique}`;
}

/**
 * Whether the target lets S3's log delivery write there: its bucket policy
 * allows the logging service principal `s3:PutObject` on the log's key
 * (with conditions on the source met), or, where it has ACLs, they grant
 * the LogDelivery group WRITE.
 */
export function deliveryAllowed(target: BucketRecord, source: BucketRecord, key: string): boolean {
  const byAcl = aclsEnabled(target) && target.acl?.some(({ grantee, permission }) => grantee.group === LOG_DELIVERY && (permission === "WRITE" || permission === "FULL_CONTROL"));
  if (byAcl) return true;
  if (!target.policy) return false;
  const sourceKeys: Record<string, string> = { "aws:sourcearn": bucketArn(source.name), "aws:sourceaccount": source.accountId };
  const keys: ContextKeys = { get: (name) => sourceKeys[name.toLowerCase()] };
  const resource = `${bucketArn(target.name)}/${key}`;
  let allowed = false;
  for (const statement of parseStored(target.policy, "resource").statements) {
    const services = statement.principal === "*" ? ["*"] : (statement.principal?.Service ?? []);
    if (!services.some((service) => service === "*" || service === "logging.s3.amazonaws.com")) continue;
    if (!statement.action?.some((action) => wildcardMatch(action, "s3:PutObject", true))) continue;
    if (!statement.resource?.some((pattern) => wildcardMatch(pattern, resource, false))) continue;
    if (!conditionsHold(statement.condition, keys)) continue;
    if (statement.effect === "Deny") return false;
    allowed = true;
  }
  return allowed;
}

/** The records waiting for delivery from one bucket: the bucket as it was when they were made (a bucket deleted and made again is another). */
interface Batch {
  source: BucketRecord;
  lines: string[];
  firstEventAt: number;
}

/** Records kept per bucket between deliveries; beyond, new ones are dropped (AWS's logs are best effort too). */
const MAX_PENDING_LINES = 100_000;

/** Collects records per source bucket and delivers them on a timer. */
export class AccessLogger {
  private pending = new Map<string, Batch>();
  private readonly timer: NodeJS.Timeout;
  private delivering: Promise<void> | undefined;

  constructor(
    private readonly store: S3Store,
    intervalSeconds: number,
    private readonly now: () => number,
    private readonly log: (error: unknown) => void,
  ) {
    this.timer = setInterval(() => void this.deliver(), intervalSeconds * 1000);
    this.timer.unref();
  }

  /** Notes a request answered for a bucket that logs (and a copy's read of a source that does); the rest cost a bucket lookup. */
  observe(answered: AnsweredRequest): void {
    const name = answered.input.Bucket;
    if (typeof name !== "string") return;
    const bucket = this.store.bucket(name);
    const copied = answered.operation === "CopyObject" && answered.response.status === 200 ? copySourceOf(answered.input.CopySource) : undefined;
    if (!bucket?.logging && !copied) return;
    try {
      const now = this.now();
      if (bucket?.logging) this.add(bucket, logRecords(answered, bucket, now), now);
      const source = copied && this.store.bucket(copied.bucket);
      if (copied && source?.logging) this.add(source, [copySourceRecord(answered, source, copied.key, now)], now);
    } catch (error) {
      this.log(error);
    }
  }

  /** Notes a website endpoint's answer (`WEBSITE.GET.OBJECT`) for a bucket that logs. */
  observeWebsite(req: WebsiteRequest, response: WireResponse, elapsedMs: number): void {
    const bucket = this.store.bucket(req.bucket);
    if (!bucket?.logging) return;
    let key: string;
    try {
      key = decodeURIComponent(req.path.slice(1));
    } catch {
      key = req.path.slice(1);
    }
    const ctx = { requestId: req.requestId, headers: req.headers, principal: ANONYMOUS, sourceIp: req.sourceIp } as unknown as RequestContext;
    const code = response.headers["x-amz-error-code"];
    const error = typeof code === "string" ? new AwsError(code, "", response.status) : undefined;
    const answered: AnsweredRequest = { ctx, operation: "Website", input: { Bucket: bucket.name, Key: key }, response, error, method: req.method, url: req.path, httpVersion: "1.1", elapsedMs };
    const now = this.now();
    this.add(bucket, logRecords(answered, bucket, now), now);
  }

  private add(source: BucketRecord, lines: string[], now: number): void {
    const id = `${source.name}\n${source.accountId}\n${source.createdAt}`;
    let batch = this.pending.get(id);
    if (!batch) this.pending.set(id, (batch = { source, lines: [], firstEventAt: now }));
    if (batch.lines.length + lines.length <= MAX_PENDING_LINES) batch.lines.push(...lines);
  }

  /** Writes every pending batch to its target bucket, as logging is configured now (a batch whose target is gone is dropped). */
  async deliver(): Promise<void> {
    await this.delivering;
    if (this.pending.size === 0) return;
    const batches = this.pending;
    this.pending = new Map();
    this.delivering = this.write([...batches.values()]);
    await this.delivering;
    this.delivering = undefined;
  }

  private async write(batches: Batch[]): Promise<void> {
    for (const batch of batches) {
      try {
        await this.writeOne(batch);
      } catch (error) {
        this.log(error);
      }
    }
  }

  private async writeOne({ source: then, lines, firstEventAt }: Batch): Promise<void> {
    // Only the bucket the records were made for, still logging, to a target that is there.
    const source = this.store.bucket(then.name);
    if (!source || source.accountId !== then.accountId || source.createdAt !== then.createdAt) return;
    const config = source.logging;
    const target = config && this.store.bucket(config.TargetBucket);
    if (!config || !target) return;
    const deliveredAt = this.now();
    const key = logObjectKey(config, source, deliveredAt, firstEventAt);
    // As on AWS, a target that does not let log delivery write gets nothing.
    if (!deliveryAllowed(target, source, key)) return;
    await storeWholeObject(this.store, target.name, key, Buffer.from(`${lines.join("\n")}\n`), "text/plain", target.accountId, deliveredAt);
  }

  /** Stops the timer and delivers what is pending. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.deliver();
  }

  /** Forgets what is pending (a reset), once a delivery under way is done. */
  async clear(): Promise<void> {
    this.pending.clear();
    await this.delivering;
  }
}
