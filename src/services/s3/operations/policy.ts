/**
 * Bucket policies: PutBucketPolicy, GetBucketPolicy, DeleteBucketPolicy and
 * GetBucketPolicyStatus. The policy takes part in every authorization
 * decision on the bucket (src/services/s3/policy-source.ts), anonymous
 * requests included.
 */
import { unknownPrincipal, type PrincipalDirectory } from "../../../policy/principals.js";
import { parsePolicy, type PolicyDocument } from "../../../policy/document.js";
import { wildcardMatch } from "../../../policy/match.js";
import { AwsError, isAwsError } from "../../../server/errors.js";
import type { OperationTable } from "../../../server/service.js";
import { isPublic } from "../policy-source.js";
import { bucketArn } from "../names.js";
import { operation, requireBucket, type S3Deps } from "../operation.js";
import { BLOCK_ALL, type PublicAccessBlock } from "../records.js";

/** S3's limit on a bucket policy. */
const MAX_POLICY_BYTES = 20 * 1024;

interface BucketInput {
  Bucket: string;
}

const malformedPolicy = (message: string) => new AwsError("MalformedPolicy", message, 400);

export function policyOperations({ store, principals }: S3Deps): OperationTable {
  return {
    PutBucketPolicy: operation<BucketInput & { Policy?: string }>({
      authorize: (i) => [{ action: "s3:PutBucketPolicy", resource: bucketArn(i.Bucket) }],
      async handle(input, ctx) {
        const bucket = requireBucket(store, input.Bucket);
        const text = input.Policy ?? "";
        if (Buffer.byteLength(text) > MAX_POLICY_BYTES) throw malformedPolicy("Policies cannot exceed 20480 characters");
        const document = checkBucketPolicy(text, input.Bucket, principals);
        if ((bucket.publicAccessBlock === undefined ? BLOCK_ALL : bucket.publicAccessBlock)?.BlockPublicPolicy && isPublic(document)) {
          throw new AwsError(
            "AccessDenied",
            `User: ${ctx.principal.arn} is not authorized to perform: s3:PutBucketPolicy on resource: "${bucketArn(input.Bucket)}" because public policies are blocked by the BlockPublicPolicy block public access setting.`,
            403,
          );
        }
        await store.updateBucket(input.Bucket, (bucket) => ({ ...bucket, policy: text }));
        return {};
      },
    }),

    GetBucketPolicy: operation<BucketInput>({
      authorize: (i) => [{ action: "s3:GetBucketPolicy", resource: bucketArn(i.Bucket) }],
      handle(input) {
        const bucket = requireBucket(store, input.Bucket);
        if (bucket.policy === undefined) throw noSuchBucketPolicy(input.Bucket);
        return { Policy: bucket.policy };
      },
    }),

    DeleteBucketPolicy: operation<BucketInput>({
      authorize: (i) => [{ action: "s3:DeleteBucketPolicy", resource: bucketArn(i.Bucket) }],
      async handle(input) {
        requireBucket(store, input.Bucket);
        await store.updateBucket(input.Bucket, ({ policy: _dropped, ...bucket }) => bucket);
        return {};
      },
    }),

    // The four settings replace what the bucket had; an unnamed one is off.
    PutPublicAccessBlock: operation<BucketInput & { PublicAccessBlockConfiguration: Partial<PublicAccessBlock> }>({
      authorize: (i) => [{ action: "s3:PutBucketPublicAccessBlock", resource: bucketArn(i.Bucket) }],
      async handle(input) {
        requireBucket(store, input.Bucket);
        const given = input.PublicAccessBlockConfiguration;
        if (Object.values(given).every((v) => v === undefined)) throw new AwsError("InvalidRequest", "Must specify at least one configuration.", 400);
        const settings: PublicAccessBlock = {
          BlockPublicAcls: given.BlockPublicAcls ?? false,
          IgnorePublicAcls: given.IgnorePublicAcls ?? false,
          BlockPublicPolicy: given.BlockPublicPolicy ?? false,
          RestrictPublicBuckets: given.RestrictPublicBuckets ?? false,
        };
        await store.updateBucket(input.Bucket, (bucket) => ({ ...bucket, publicAccessBlock: settings }));
        return {};
      },
    }),

    DeletePublicAccessBlock: operation<BucketInput>({
      authorize: (i) => [{ action: "s3:PutBucketPublicAccessBlock", resource: bucketArn(i.Bucket) }],
      async handle(input) {
        requireBucket(store, input.Bucket);
        await store.updateBucket(input.Bucket, (bucket) => ({ ...bucket, publicAccessBlock: null }));
        return {};
      },
    }),

    GetBucketPolicyStatus: operation<BucketInput>({
      authorize: (i) => [{ action: "s3:GetBucketPolicyStatus", resource: bucketArn(i.Bucket) }],
      handle(input) {
        const bucket = requireBucket(store, input.Bucket);
        if (bucket.policy === undefined) throw noSuchBucketPolicy(input.Bucket);
        return { PolicyStatus: { IsPublic: isPublic(parsePolicy(bucket.policy, "resource")) } };
      },
    }),
  };
}

function noSuchBucketPolicy(bucket: string): AwsError {
  return new AwsError("NoSuchBucketPolicy", "The bucket policy does not exist", 404, { BucketName: bucket });
}

/** S3's checks: valid JSON, a valid resource policy, resources in this bucket. */
function checkBucketPolicy(text: string, bucket: string, principals: PrincipalDirectory | undefined): PolicyDocument {
  if (!text.trimStart().startsWith("{")) throw malformedPolicy("Policies must be valid JSON and the first byte must be '{'");
  let document: PolicyDocument;
  try {
    document = parsePolicy(text, "resource");
  } catch (error) {
    if (isAwsError(error)) throw malformedPolicy(error.message);
    throw error;
  }
  if (principals && unknownPrincipal(document, principals) !== undefined) throw malformedPolicy("Invalid principal in policy");
  for (const statement of document.statements) {
    // A bucket policy grants S3's actions only (`s3:…`, or everything).
    for (const action of [...(statement.action ?? []), ...(statement.notAction ?? [])]) {
      if (action !== "*" && !action.toLowerCase().startsWith("s3:")) throw malformedPolicy("Policy has invalid action");
    }
    for (const resource of [...(statement.resource ?? []), ...(statement.notResource ?? [])]) {
      if (!inBucket(resource, bucket)) throw malformedPolicy("Policy has invalid resource");
    }
  }
  return document;
}

const S3_ARN_PREFIX = "arn:aws:s3:::";

/**
 * Whether a policy resource can name this bucket or objects in it: its
 * bucket part (up to the first "/") matches the bucket's name, wildcards
 * and all (`arn:aws:s3:::*`, or `arn:aws:s3:::logs-*` followed by a key part).
 */
function inBucket(resource: string, bucket: string): boolean {
  if (!resource.startsWith(S3_ARN_PREFIX)) return false;
  const rest = resource.slice(S3_ARN_PREFIX.length);
  const slash = rest.indexOf("/");
  return wildcardMatch(slash < 0 ? rest : rest.slice(0, slash), bucket, false);
}


