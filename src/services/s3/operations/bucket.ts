/**
 * Bucket operations: CreateBucket, HeadBucket, DeleteBucket, ListBuckets,
 * GetBucketLocation.
 */
import { knownRegions } from "../../../util/regions.js";
import type { OperationTable } from "../../../server/service.js";
import { AwsError } from "../../../server/errors.js";
import { s3Errors } from "../errors.js";
import { assertValidBucketName, bucketArn } from "../names.js";
import { validateTags } from "../object-headers.js";
import { aclRequirements, newBucketAcl, operation, owner, requireBucket, type AclInput, type S3Deps } from "../operation.js";
import { OBJECT_OWNERSHIPS, type ObjectOwnership, type Tag } from "../records.js";

interface BucketInput {
  Bucket: string;
}

interface CreateBucketInput extends BucketInput, AclInput {
  CreateBucketConfiguration?: { LocationConstraint?: string; Location?: { Type?: string; Name?: string }; Bucket?: { Type?: string; DataRedundancy?: string }; Tags?: Tag[] };
  ObjectOwnership?: string;
  ObjectLockEnabledForBucket?: boolean;
}

interface ListDirectoryBucketsInput {
  MaxDirectoryBuckets?: number;
  ContinuationToken?: string;
}

interface ListBucketsInput {
  MaxBuckets?: number;
  ContinuationToken?: string;
  Prefix?: string;
  BucketRegion?: string;
}


export function bucketOperations({ store }: S3Deps): OperationTable {
  return {
    CreateBucket: operation<CreateBucketInput>({
      // A name another account holds is BucketAlreadyExists, so the request is judged as on a bucket of the caller's.
      authorize: (i) =>
        [{ action: "s3:CreateBucket", resource: bucketArn(i.Bucket) }, ...aclRequirements(i, "s3:PutBucketAcl", bucketArn(i.Bucket))].map((r) => ({ ...r, ownAccount: true })),
      async handle(input, ctx) {
        const configuration = input.CreateBucketConfiguration;
        if (configuration?.Location !== undefined || configuration?.Bucket !== undefined) throw directoryBucketsNotImplemented();
        assertValidBucketName(input.Bucket);
        if (input.ObjectOwnership !== undefined && !OBJECT_OWNERSHIPS.has(input.ObjectOwnership)) {
          throw s3Errors.invalidArgument(`Invalid x-amz-object-ownership header: ${input.ObjectOwnership}`, "x-amz-object-ownership");
        }
        const ownership = input.ObjectOwnership ?? "BucketOwnerEnforced";
        const acl = newBucketAcl(ownership, input, ctx);
        const region = bucketRegion(input.CreateBucketConfiguration?.LocationConstraint, ctx.region);
        const tags = input.CreateBucketConfiguration?.Tags ?? [];
        validateTags(tags, "bucket");
        const existing = await store.createBucket({
          name: input.Bucket,
          accountId: ctx.accountId,
          region,
          createdAt: ctx.now().getTime(),
          ...(tags.length > 0 ? { tags } : {}),
          ...(acl ? { acl } : {}),
          // SSE-C writes are blocked on new buckets, as on AWS since April 2026.
          sseCustomerKeys: "blocked",
          ...(ownership === "BucketOwnerPreferred" || ownership === "ObjectWriter" ? { objectOwnership: ownership as ObjectOwnership } : {}),
          // Object Lock needs versions: a bucket created with it keeps them from the start.
          ...(input.ObjectLockEnabledForBucket === true ? { versioning: "Enabled" as const, objectLock: {} } : {}),
        });
        if (existing) {
          if (existing.accountId !== ctx.accountId) throw s3Errors.bucketAlreadyExists(input.Bucket);
          // For legacy compatibility us-east-1 answers 200 to the owner.
          if (!(existing.region === "us-east-1" && ctx.region === "us-east-1")) throw s3Errors.bucketAlreadyOwnedByYou(input.Bucket);
        }
        return { Location: bucketLocation(input.Bucket, region, ctx.headers.host) };
      },
    }),

    HeadBucket: operation<BucketInput>({
      authorize: (i) => [{ action: "s3:ListBucket", resource: bucketArn(i.Bucket) }],
      handle(input) {
        const bucket = requireBucket(store, input.Bucket);
        return { BucketRegion: bucket.region, AccessPointAlias: false };
      },
    }),

    DeleteBucket: operation<BucketInput>({
      authorize: (i) => [{ action: "s3:DeleteBucket", resource: bucketArn(i.Bucket) }],
      async handle(input) {
        const bucket = requireBucket(store, input.Bucket);
        if (!(await store.deleteBucket(input.Bucket))) throw s3Errors.bucketNotEmpty(input.Bucket, bucket.versioning !== undefined);
        return {};
      },
    }),

    ListBuckets: operation<ListBucketsInput>({
      // No bucket is named: a statement on `*` or on every bucket (`arn:aws:s3:::*`, as IAM's examples write it) applies.
      authorize: () => [{ action: "s3:ListAllMyBuckets", resource: "arn:aws:s3:::*" }],
      handle(input, ctx) {
        const max = input.MaxBuckets ?? 10000;
        if (!Number.isInteger(max) || max < 1 || max > 10000) {
          throw s3Errors.invalidArgument("Argument max-buckets must be an integer between 1 and 10000", "max-buckets", String(max));
        }
        if (input.BucketRegion !== undefined && !isRegion(input.BucketRegion)) {
          throw s3Errors.invalidArgument(`Argument value ${input.BucketRegion} is not a valid AWS Region`, "bucket-region");
        }
        const after = input.ContinuationToken === undefined ? undefined : decodeToken(input.ContinuationToken);
        const mine = store
          .allBuckets()
          .filter((b) => b.accountId === ctx.accountId)
          .filter((b) => input.Prefix === undefined || b.name.startsWith(input.Prefix))
          .filter((b) => input.BucketRegion === undefined || b.region === input.BucketRegion)
          .filter((b) => after === undefined || b.name > after);
        const page = mine.slice(0, max);
        const truncated = mine.length > page.length;
        return {
          // S3 answers a bucket's creation time to the second (`.000Z`); the milliseconds kept tell a bucket from one of the same name made again.
          Buckets: page.map((b) => ({ Name: b.name, CreationDate: new Date(Math.floor(b.createdAt / 1000) * 1000), BucketRegion: b.region })),
          Owner: owner(ctx.accountId),
          Prefix: input.Prefix,
          ContinuationToken: truncated ? encodeToken(page[page.length - 1]?.name ?? "") : undefined,
        };
      },
    }),

    // Nimbus has general purpose buckets only, so every account's list of directory buckets is empty.
    ListDirectoryBuckets: operation<ListDirectoryBucketsInput>({
      authorize: () => [{ action: "s3express:ListAllMyDirectoryBuckets", resource: "*" }],
      handle() {
        return { Buckets: [] };
      },
    }),

    GetBucketLocation: operation<BucketInput>({
      authorize: (i) => [{ action: "s3:GetBucketLocation", resource: bucketArn(i.Bucket) }],
      handle(input) {
        const bucket = requireBucket(store, input.Bucket);
        // us-east-1 is reported as an empty constraint, as AWS does.
        return { LocationConstraint: bucket.region === "us-east-1" ? undefined : bucket.region };
      },
    }),
  };
}

/**
 * A CreateBucket asking for a directory bucket (S3 Express One Zone: a
 * Location of an Availability or Local Zone, a Bucket of type Directory)
 * is refused rather than answered with a general purpose bucket.
 */
function directoryBucketsNotImplemented(): AwsError {
  return new AwsError("NotImplemented", "Directory buckets (CreateBucketConfiguration Location and Bucket) are not supported by Nimbus yet.", 501);
}

/**
 * CreateBucket's Location: a path in us-east-1; elsewhere, as AWS answers
 * `http://<bucket>.s3.amazonaws.com/`, the bucket's virtual-host address
 * on this endpoint.
 */
function bucketLocation(bucket: string, region: string, host: string | undefined): string {
  if (region === "us-east-1") return `/${bucket}`;
  return virtualHostUrl(bucket, host);
}

/** `http://<bucket>.s3.localhost:<port>/`: the bucket's address on this endpoint, as AWS names `<bucket>.s3.amazonaws.com`. */
export function virtualHostUrl(bucket: string, host: string | undefined): string {
  return `http://${virtualHost(bucket, host)}/`;
}

/** `<bucket>.s3.localhost:<port>`, the host of virtualHostUrl. */
export function virtualHost(bucket: string, host: string | undefined): string {
  const port = /:(\d+)$/.exec(host ?? "")?.[1];
  return `${bucket}.s3.localhost${port ? `:${port}` : ""}`;
}

/**
 * The region a new bucket lands in. On AWS the constraint must name the
 * endpoint's region, and us-east-1 is expressed by omitting it.
 */
function bucketRegion(constraint: string | undefined, endpointRegion: string): string {
  if (constraint === undefined || constraint === "") {
    if (endpointRegion !== "us-east-1") throw s3Errors.illegalLocationConstraint(undefined);
    return "us-east-1";
  }
  // A constraint another region's endpoint cannot take is told as such first, us-east-1 included.
  if (endpointRegion !== constraint && endpointRegion !== "us-east-1" && !(constraint === "EU" && endpointRegion === "eu-west-1")) {
    throw s3Errors.illegalLocationConstraint(constraint);
  }
  if (constraint === "us-east-1") throw s3Errors.invalidLocationConstraint(constraint);
  if (constraint === "EU") return "eu-west-1";
  return constraint;
}

/** A region S3 has buckets in. */
function isRegion(name: string): boolean {
  return knownRegions().has(name);
}

function encodeToken(name: string): string {
  return Buffer.from(name, "utf8").toString("base64");
}

function decodeToken(token: string): string {
  return Buffer.from(token, "base64").toString("utf8");
}
