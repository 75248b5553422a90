/**
 * A bucket's reporting configurations, by id: request metrics
 * (`?metrics`), storage class analysis (`?analytics`), inventory
 * (`?inventory`) and S3 Intelligent-Tiering archive settings
 * (`?intelligent-tiering`). Each kind has Put, Get, Delete and List,
 * checked and answered as S3 does; Nimbus keeps them for tools that manage
 * them (Terraform, CloudFormation) but produces no metrics, reports or
 * archive tiers from them.
 */
import { AwsError } from "../../../server/errors.js";
import type { OperationTable } from "../../../server/service.js";
import { s3Errors } from "../errors.js";
import { bucketArn } from "../names.js";
import { operation, requireBucket, type S3Deps } from "../operation.js";
import type { ReportKind } from "../records.js";

type Configuration = Record<string, unknown> & { Id?: unknown };

interface Kind {
  /** The configuration's member in requests and answers (`MetricsConfiguration`). */
  member: string;
  /** The list's member in ListBucket…Configurations answers. */
  list: string;
  /** The IAM action of Put and Delete, and that of Get and List. */
  put: string;
  get: string;
  /** Checks beyond the id; throws S3's error. */
  validate(configuration: Configuration): void;
}

const MAX_CONFIGURATIONS = 1000;
const PAGE = 100;
const ID = /^[A-Za-z0-9._-]{1,64}$/;
const DESTINATION_BUCKET = /^arn:aws[a-z-]*:s3:::([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])$/;

const KINDS: Record<ReportKind, Kind> = {
  Metrics: { member: "MetricsConfiguration", list: "MetricsConfigurationList", put: "s3:PutMetricsConfiguration", get: "s3:GetMetricsConfiguration", validate: validateMetrics },
  Analytics: {
    member: "AnalyticsConfiguration",
    list: "AnalyticsConfigurationList",
    put: "s3:PutAnalyticsConfiguration",
    get: "s3:GetAnalyticsConfiguration",
    validate: validateAnalytics,
  },
  Inventory: {
    member: "InventoryConfiguration",
    list: "InventoryConfigurationList",
    put: "s3:PutInventoryConfiguration",
    get: "s3:GetInventoryConfiguration",
    validate: validateInventory,
  },
  IntelligentTiering: {
    member: "IntelligentTieringConfiguration",
    list: "IntelligentTieringConfigurationList",
    put: "s3:PutIntelligentTieringConfiguration",
    get: "s3:GetIntelligentTieringConfiguration",
    validate: validateIntelligentTiering,
  },
};

const noSuchConfiguration = () => new AwsError("NoSuchConfiguration", "The specified configuration does not exist.", 404);

/**
 * A filter is one predicate (a prefix, a tag, an access point), or an And
 * of two or more (an empty one filters nothing); anything else is not a
 * schema S3 takes. Which predicates
 * each kind allows is the model's.
 */
function checkFilter(filter: unknown): void {
  if (filter === undefined) return;
  if (!isObject(filter)) throw s3Errors.malformedXml();
  const { And: and, ...single } = filter;
  if (and === undefined) {
    if (Object.keys(single).length > 1) throw s3Errors.malformedXml();
    checkPredicates(single);
    return;
  }
  if (Object.keys(single).length > 0 || !isObject(and)) throw s3Errors.malformedXml();
  checkPredicates(and);
  const tags = Array.isArray(and.Tags) ? and.Tags.length : 0;
  if ((and.Prefix === undefined ? 0 : 1) + tags + (and.AccessPointArn === undefined ? 0 : 1) < 2) throw s3Errors.malformedXml();
}

/** Each tag of a filter has its key and value. */
function checkPredicates(predicates: Record<string, unknown>): void {
  const tags = predicates.Tag !== undefined ? [predicates.Tag] : Array.isArray(predicates.Tags) ? predicates.Tags : [];
  for (const tag of tags) if (!isObject(tag) || typeof tag.Key !== "string" || typeof tag.Value !== "string") throw s3Errors.malformedXml();
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function validateMetrics(configuration: Configuration): void {
  checkFilter(configuration.Filter);
}

function validateAnalytics(configuration: Configuration): void {
  checkFilter(configuration.Filter);
  if (!isObject(configuration.StorageClassAnalysis)) throw s3Errors.malformedXml();
  const analysis = configuration.StorageClassAnalysis as { DataExport?: { OutputSchemaVersion?: string; Destination?: { S3BucketDestination?: S3Destination } } };
  const exported = analysis.DataExport;
  if (exported === undefined) return;
  if (exported.OutputSchemaVersion !== "V_1") throw s3Errors.malformedXml();
  checkDestination(exported.Destination?.S3BucketDestination, ["CSV"]);
}

interface S3Destination {
  Bucket?: string;
  Format?: string;
  AccountId?: string;
  Prefix?: string;
  Encryption?: { SSES3?: unknown; SSEKMS?: { KeyId?: string } };
}

/** A report's destination: a bucket named by its ARN (without an account), in a format S3 writes. */
function checkDestination(destination: S3Destination | undefined, formats: readonly string[]): void {
  if (destination === undefined || destination.Bucket === undefined || !formats.includes(destination.Format ?? "")) throw s3Errors.malformedXml();
  if (/^arn:aws[a-z-]*:s3:[^:]*:\d+:/.test(destination.Bucket)) {
    throw new AwsError("InvalidS3DestinationBucket", "Bucket ARN should not specify a namespace.", 400);
  }
  if (!DESTINATION_BUCKET.test(destination.Bucket)) throw new AwsError("InvalidS3DestinationBucket", "Invalid bucket ARN.", 400);
  const encryption = destination.Encryption;
  if (encryption?.SSEKMS !== undefined && !encryption.SSEKMS.KeyId) throw s3Errors.malformedXml();
}

const INVENTORY_FIELDS = new Set([
  "Size",
  "LastModifiedDate",
  "StorageClass",
  "ETag",
  "IsMultipartUploaded",
  "ReplicationStatus",
  "EncryptionStatus",
  "ObjectLockRetainUntilDate",
  "ObjectLockMode",
  "ObjectLockLegalHoldStatus",
  "IntelligentTieringAccessTier",
  "BucketKeyStatus",
  "ChecksumAlgorithm",
  "ObjectAccessControlList",
  "ObjectOwner",
  "LifecycleExpirationDate",
]);

function validateInventory(configuration: Configuration): void {
  const c = configuration as { IsEnabled?: unknown; IncludedObjectVersions?: string; Schedule?: { Frequency?: string }; OptionalFields?: string[]; Destination?: { S3BucketDestination?: S3Destination } };
  if (typeof c.IsEnabled !== "boolean") throw s3Errors.malformedXml();
  if (c.IncludedObjectVersions !== "All" && c.IncludedObjectVersions !== "Current") throw s3Errors.malformedXml();
  if (c.Schedule?.Frequency !== "Daily" && c.Schedule?.Frequency !== "Weekly") throw s3Errors.malformedXml();
  if ((c.OptionalFields ?? []).some((field) => !INVENTORY_FIELDS.has(field))) throw s3Errors.malformedXml();
  checkDestination(c.Destination?.S3BucketDestination, ["CSV", "ORC", "Parquet"]);
}

/** The fewest days before each archive tier, and the most for either. */
const TIER_MINIMUM_DAYS: Readonly<Record<string, number>> = { ARCHIVE_ACCESS: 90, DEEP_ARCHIVE_ACCESS: 180 };
const TIER_MAXIMUM_DAYS = 730;

function validateIntelligentTiering(configuration: Configuration): void {
  const c = configuration as { Status?: string; Tierings?: { Days?: number; AccessTier?: string }[]; Filter?: unknown };
  if (c.Status !== "Enabled" && c.Status !== "Disabled") throw s3Errors.malformedXml();
  checkFilter(c.Filter);
  const tierings = c.Tierings ?? [];
  if (tierings.length === 0) throw s3Errors.malformedXml();
  const seen = new Set<string>();
  for (const { Days: days, AccessTier: tier } of tierings) {
    const minimum = tier !== undefined && Object.hasOwn(TIER_MINIMUM_DAYS, tier) ? TIER_MINIMUM_DAYS[tier] : undefined;
    if (minimum === undefined || days === undefined || seen.has(tier!)) throw s3Errors.malformedXml();
    seen.add(tier!);
    if (days < minimum) throw s3Errors.invalidArgument(`Days specified in ${tier} tier should not be less than ${minimum}.`, "Days", String(days));
    if (days > TIER_MAXIMUM_DAYS) throw s3Errors.invalidArgument(`Days specified in ${tier} tier should not be more than ${TIER_MAXIMUM_DAYS}.`, "Days", String(days));
  }
}

interface IdInput {
  Bucket: string;
  Id: string;
}

interface ListInput {
  Bucket: string;
  ContinuationToken?: string;
}

export function reportConfigOperations({ store }: S3Deps): OperationTable {
  const table: Record<string, OperationTable[string]> = {};
  for (const [name, kind] of Object.entries(KINDS) as [ReportKind, Kind][]) {
    /** The bucket's configurations of this kind, in id order. */
    const stored = (bucket: string): readonly Configuration[] => store.bucket(bucket)?.reports?.[name] ?? [];
    const find = (bucket: string, id: string) => stored(bucket).find((configuration) => configuration.Id === id);

    table[`PutBucket${name}Configuration`] = operation<IdInput & Record<string, unknown>>({
      authorize: (i) => [{ action: kind.put, resource: bucketArn(i.Bucket) }],
      async handle(input) {
        requireBucket(store, input.Bucket);
        const configuration = input[kind.member] as Configuration;
        // The id is the query's and the document's alike, of letters, digits and `._-`, up to 64.
        if (!ID.test(input.Id)) throw s3Errors.malformedXml();
        if (configuration.Id !== input.Id) {
          throw name === "Inventory" ? new AwsError("IdMismatch", "Document ID does not match the specified configuration ID.", 400) : s3Errors.malformedXml();
        }
        kind.validate(configuration);
        const tooMany = () => new AwsError("TooManyConfigurations", "You are attempting to create a new configuration but have already reached the 1,000-configuration limit.", 400);
        if (find(input.Bucket, input.Id) === undefined && stored(input.Bucket).length >= MAX_CONFIGURATIONS) throw tooMany();
        await store.updateBucket(input.Bucket, (bucket) => {
          const others = (bucket.reports?.[name] ?? []).filter((c) => c.Id !== input.Id);
          if (others.length >= MAX_CONFIGURATIONS) throw tooMany();
          const next = [...others, configuration].sort((a, b) => (String(a.Id) < String(b.Id) ? -1 : 1));
          return { ...bucket, reports: { ...bucket.reports, [name]: next } };
        });
        return {};
      },
    });

    table[`GetBucket${name}Configuration`] = operation<IdInput>({
      authorize: (i) => [{ action: kind.get, resource: bucketArn(i.Bucket) }],
      handle(input) {
        requireBucket(store, input.Bucket);
        const configuration = find(input.Bucket, input.Id);
        if (configuration === undefined) throw noSuchConfiguration();
        return { [kind.member]: configuration };
      },
    });

    table[`DeleteBucket${name}Configuration`] = operation<IdInput>({
      authorize: (i) => [{ action: kind.put, resource: bucketArn(i.Bucket) }],
      async handle(input) {
        requireBucket(store, input.Bucket);
        if (find(input.Bucket, input.Id) === undefined) throw noSuchConfiguration();
        await store.updateBucket(input.Bucket, (bucket) => ({ ...bucket, reports: { ...bucket.reports, [name]: (bucket.reports?.[name] ?? []).filter((c) => c.Id !== input.Id) } }));
        return {};
      },
    });

    table[`ListBucket${name}Configurations`] = operation<ListInput>({
      authorize: (i) => [{ action: kind.get, resource: bucketArn(i.Bucket) }],
      handle(input) {
        requireBucket(store, input.Bucket);
        // In id order, 100 a page; a token names the last id of the page before.
        const after = input.ContinuationToken === undefined ? undefined : tokenId(input.ContinuationToken);
        const rest = after === undefined ? stored(input.Bucket) : stored(input.Bucket).filter((c) => String(c.Id) > after);
        const page = rest.slice(0, PAGE);
        const truncated = rest.length > PAGE;
        return {
          IsTruncated: truncated,
          ContinuationToken: input.ContinuationToken,
          NextContinuationToken: truncated ? Buffer.from(String(page[page.length - 1]!.Id)).toString("base64") : undefined,
          ...(page.length > 0 ? { [kind.list]: page } : {}),
        };
      },
    });
  }
  return table;
}

function tokenId(token: string): string {
  const id = Buffer.from(token, "base64").toString("utf8");
  if (!ID.test(id)) throw s3Errors.invalidArgument("The continuation token provided is incorrect", "continuation-token", token);
  return id;
}
