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

/** A filter is one predicate, or an And of them (what each kind allows is the model's; an And of fewer than two is not a schema S3 takes). */
function checkFilter(filter: unknown): void {
  if (filter === undefined) return;
  const and = (filter as { And?: Record<string, unknown> }).And;
  if (and === undefined) return;
  const predicates = (and.Prefix === undefined ? 0 : 1) + (Array.isArray(and.Tags) ? and.Tags.length : 0) + (and.AccessPointArn === undefined ? 0 : 1);
  if (predicates < 2) throw s3Errors.malformedXml();
}

function validateMetrics(configuration: Configuration): void {
  checkFilter(configuration.Filter);
}

function validateAnalytics(configuration: Configuration): void {
  checkFilter(configuration.Filter);
  const analysis = configuration.StorageClassAnalysis as { DataExport?: { OutputSchemaVersion?: string; Destination?: { S3BucketDestination?: S3Destination } } } | undefined;
  const exported = analysis?.DataExport;
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
    const minimum = tier === undefined ? undefined : TIER_MINIMUM_DAYS[tier];
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
    const stored = (bucket: string): Readonly<Record<string, Configuration>> => store.bucket(bucket)?.reports?.[name] ?? {};

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
        const current = stored(input.Bucket);
        if (current[input.Id] === undefined && Object.keys(current).length >= MAX_CONFIGURATIONS) {
          throw new AwsError("TooManyConfigurations", "You are attempting to create a new configuration but have already reached the 1,000-configuration limit.", 400);
        }
        await store.updateBucket(input.Bucket, (bucket) => ({ ...bucket, reports: { ...bucket.reports, [name]: { ...bucket.reports?.[name], [input.Id]: configuration } } }));
        return {};
      },
    });

    table[`GetBucket${name}Configuration`] = operation<IdInput>({
      authorize: (i) => [{ action: kind.get, resource: bucketArn(i.Bucket) }],
      handle(input) {
        requireBucket(store, input.Bucket);
        const configuration = stored(input.Bucket)[input.Id];
        if (configuration === undefined) throw noSuchConfiguration();
        return { [kind.member]: configuration };
      },
    });

    table[`DeleteBucket${name}Configuration`] = operation<IdInput>({
      authorize: (i) => [{ action: kind.put, resource: bucketArn(i.Bucket) }],
      async handle(input) {
        requireBucket(store, input.Bucket);
        if (stored(input.Bucket)[input.Id] === undefined) throw noSuchConfiguration();
        await store.updateBucket(input.Bucket, (bucket) => {
          const { [input.Id]: _removed, ...rest } = bucket.reports?.[name] ?? {};
          return { ...bucket, reports: { ...bucket.reports, [name]: rest } };
        });
        return {};
      },
    });

    table[`ListBucket${name}Configurations`] = operation<ListInput>({
      authorize: (i) => [{ action: kind.get, resource: bucketArn(i.Bucket) }],
      handle(input) {
        requireBucket(store, input.Bucket);
        // In id order, 100 a page; a token names the last id of the page before.
        const ids = Object.keys(stored(input.Bucket)).sort();
        const after = input.ContinuationToken === undefined ? undefined : tokenId(input.ContinuationToken);
        const rest = after === undefined ? ids : ids.filter((id) => id > after);
        const page = rest.slice(0, PAGE);
        const truncated = rest.length > PAGE;
        return {
          IsTruncated: truncated,
          ContinuationToken: input.ContinuationToken,
          NextContinuationToken: truncated ? Buffer.from(page[page.length - 1]!).toString("base64") : undefined,
          ...(page.length > 0 ? { [kind.list]: page.map((id) => stored(input.Bucket)[id]) } : {}),
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
