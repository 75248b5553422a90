/**
 * A bucket's configuration sub-resources as AWS answers them for a bucket
 * that has none set: tools that read every sub-resource of a bucket
 * (Terraform, CDK, the console) expect these reads to work. Reading
 * answers AWS's defaults or its "not configured" error; setting a
 * configuration Nimbus does not model stays a 501, so nothing is
 * accepted and then ignored. Bucket tags and ACLs are real.
 */
import { AwsError } from "../../../server/errors.js";
import type { OperationTable } from "../../../server/service.js";
import { validateTags } from "../object-headers.js";
import { bucketArn, objectArn } from "../names.js";
import { aclParties, changedGrants, objectKeySources, objectRequirement, operation, refuseAclOfDeleteMarker, requireBucket, requireIntegrityHeader, requireVersion, versionHeader, type AclChangeInput, type S3Deps } from "../operation.js";
import { aclOutput, aclsEnabled } from "../acl.js";
import type { LoggingEnabled } from "../access-log.js";
import { refuseVersioningChange, validateReplication, type ReplicationConfiguration } from "../replication.js";
import type { S3Store } from "../store.js";
import { BLOCK_ALL, OBJECT_OWNERSHIPS, type BucketRecord, type CorsRule, type ObjectOwnership, type Tag } from "../records.js";
import { validateCorsRules } from "../cors.js";
import { validateWebsite, type WebsiteConfiguration } from "../website.js";
import { lockConfigurationOutput, validateLockConfiguration } from "../object-lock.js";
import { objectLockOperations } from "./object-lock.js";
import { MINIMUM_OBJECT_SIZES, rulesForOutput, validateLifecycle, type LifecycleRule } from "../lifecycle.js";
import { s3Errors } from "../errors.js";
import { isKmsMethod, type KmsDefault } from "../sse-kms.js";

interface BucketInput {
  Bucket: string;
}

interface EncryptionRule {
  ApplyServerSideEncryptionByDefault?: { SSEAlgorithm?: string; KMSMasterKeyID?: string };
  BucketKeyEnabled?: boolean;
  BlockedEncryptionTypes?: { EncryptionType?: string[] };
}

interface ObjectInput extends BucketInput {
  Key: string;
  VersionId?: string;
}

/** An S3 error for a sub-resource the bucket does not have. */
const notConfigured = (code: string, message: string, bucket: string) => new AwsError(code, message, 404, { BucketName: bucket });

/**
 * Where a bucket's access logs may go: an existing bucket of the same
 * owner in the same region; grants in the configuration only where the
 * target has ACLs.
 */
function checkLoggingTarget(store: S3Store, source: BucketRecord, enabled: LoggingEnabled): void {
  // A target bucket and prefix, both required by S3's schema.
  if (typeof enabled.TargetBucket !== "string" || typeof enabled.TargetPrefix !== "string") throw s3Errors.malformedXml();
  // One key format at most, and a partition date S3 knows.
  const format = enabled.TargetObjectKeyFormat;
  const dateSource = format?.PartitionedPrefix?.PartitionDateSource;
  if ((format?.SimplePrefix && format.PartitionedPrefix) || (dateSource !== undefined && dateSource !== "EventTime" && dateSource !== "DeliveryTime")) {
    throw s3Errors.malformedXml();
  }
  const target = store.bucket(enabled.TargetBucket);
  if (!target) {
    throw new AwsError("InvalidTargetBucketForLogging", "The target bucket for logging does not exist", 400, { TargetBucket: enabled.TargetBucket });
  }
  if (target.region !== source.region) {
    const where = source.region === "us-east-1" ? { TargetBucketLocation: target.region } : { SourceBucketLocation: source.region, TargetBucketLocation: target.region };
    throw new AwsError("CrossLocationLoggingProhibitted", "Cross S3 location logging not allowed. ", 403, where);
  }
  if (target.accountId !== source.accountId) {
    throw new AwsError("InvalidTargetBucketForLogging", "The owner for the bucket to be logged and the target bucket must be the same.", 400, {
      TargetBucket: enabled.TargetBucket,
    });
  }
  if (enabled.TargetGrants !== undefined && enabled.TargetGrants.length > 0 && !aclsEnabled(target)) {
    throw new AwsError("AccessControlListNotSupported", "Target grants not allowed for bucket owner enforced buckets", 400);
  }
}

/**
 * A read of a sub-resource: its IAM action, and what a bucket without it
 * answers (a value, or a thrown "not configured" error).
 */
function read(action: string, answer: (bucket: string) => Record<string, unknown>, deps: S3Deps) {
  return operation<BucketInput>({
    authorize: (i) => [{ action, resource: bucketArn(i.Bucket) }],
    handle(input) {
      requireBucket(deps.store, input.Bucket);
      return answer(input.Bucket);
    },
  });
}

interface LifecycleInput extends BucketInput {
  LifecycleConfiguration?: { Rules?: LifecycleRule[] };
  TransitionDefaultMinimumObjectSize?: string;
}

/**
 * Lifecycle rules: kept as given once valid (V1's rule-level prefixes
 * too: one URL serves both APIs), answered with the transition minimum
 * size header AWS always sends.
 */
function lifecycleOperations({ store }: S3Deps): OperationTable {
  const put = operation<LifecycleInput>({
    authorize: (i) => [{ action: "s3:PutLifecycleConfiguration", resource: bucketArn(i.Bucket) }],
    async handle(input, ctx) {
      requireBucket(store, input.Bucket);
      requireIntegrityHeader(ctx, "Content-MD5");
      const minimumObjectSize = input.TransitionDefaultMinimumObjectSize ?? "all_storage_classes_128K";
      if (!MINIMUM_OBJECT_SIZES.has(minimumObjectSize)) throw s3Errors.invalidRequest("Invalid TransitionDefaultMinimumObjectSize found");
      const rules = validateLifecycle(input.LifecycleConfiguration?.Rules ?? []);
      await store.updateBucket(input.Bucket, (bucket) => ({ ...bucket, lifecycle: { rules, minimumObjectSize } }));
      return { TransitionDefaultMinimumObjectSize: minimumObjectSize };
    },
  });
  const get = operation<BucketInput>({
    authorize: (i) => [{ action: "s3:GetLifecycleConfiguration", resource: bucketArn(i.Bucket) }],
    handle(input) {
      const lifecycle = requireBucket(store, input.Bucket).lifecycle;
      if (!lifecycle) throw notConfigured("NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist", input.Bucket);
      return { Rules: rulesForOutput(lifecycle.rules), TransitionDefaultMinimumObjectSize: lifecycle.minimumObjectSize };
    },
  });
  return {
    PutBucketLifecycleConfiguration: put,
    PutBucketLifecycle: put,
    GetBucketLifecycleConfiguration: get,
    GetBucketLifecycle: get,
    // Answered alike whether or not rules were set.
    DeleteBucketLifecycle: operation<BucketInput>({
      authorize: (i) => [{ action: "s3:PutLifecycleConfiguration", resource: bucketArn(i.Bucket) }],
      async handle(input) {
        requireBucket(store, input.Bucket);
        await store.updateBucket(input.Bucket, ({ lifecycle: _dropped, ...bucket }) => bucket);
        return {};
      },
    }),
  };
}

export function bucketConfigOperations(deps: S3Deps): OperationTable {
  const { store } = deps;
  return {
    GetBucketAcl: operation<BucketInput>({
      authorize: (i) => [{ action: "s3:GetBucketAcl", resource: bucketArn(i.Bucket) }],
      handle(input) {
        const bucket = requireBucket(store, input.Bucket);
        return aclOutput(bucket.accountId, aclsEnabled(bucket) ? bucket.acl : undefined);
      },
    }),

    PutBucketAcl: operation<BucketInput & AclChangeInput>({
      authorize: (i) => [{ action: "s3:PutBucketAcl", resource: bucketArn(i.Bucket) }],
      async handle(input, ctx) {
        const bucket = requireBucket(store, input.Bucket);
        const grants = changedGrants(bucket, input, aclParties(bucket.accountId, bucket.accountId), "bucket");
        if (grants) await store.updateBucket(input.Bucket, (b) => ({ ...b, acl: grants }));
        return {};
      },
    }),

    PutObjectAcl: operation<ObjectInput & AclChangeInput & { VersionId?: string }>({
      authorize: (i, ctx) => [objectRequirement("s3:PutObjectAcl", i.Bucket, i.Key, i.VersionId, objectKeySources(store, ctx, i.Bucket, i.Key, i.VersionId))],
      async handle(input, ctx) {
        const bucket = requireBucket(store, input.Bucket);
        // A key whose latest version is a delete marker has no ACL to change.
        refuseAclOfDeleteMarker(store, bucket, input.Key, input.VersionId, "PUT");
        const record = requireVersion(store, bucket, input.Key, input.VersionId, "PUT");
        const grants = changedGrants(bucket, input, aclParties(record.ownerAccountId, bucket.accountId), "object");
        if (grants) await store.updateObject(input.Bucket, input.Key, input.VersionId, (r) => ({ ...r, acl: grants }));
        return { VersionId: versionHeader(bucket, record) };
      },
    }),

    GetObjectAcl: operation<ObjectInput & { VersionId?: string }>({
      authorize: (i, ctx) => [objectRequirement("s3:GetObjectAcl", i.Bucket, i.Key, i.VersionId, objectKeySources(store, ctx, i.Bucket, i.Key, i.VersionId))],
      handle(input) {
        const bucket = requireBucket(store, input.Bucket);
        refuseAclOfDeleteMarker(store, bucket, input.Key, input.VersionId, "GET");
        const record = requireVersion(store, bucket, input.Key, input.VersionId, "GET");
        // With ACLs disabled the bucket owner owns every object, those written before as well.
        return aclsEnabled(bucket) ? aclOutput(record.ownerAccountId, record.acl) : aclOutput(bucket.accountId, undefined);
      },
    }),

    GetBucketTagging: operation<BucketInput>({
      authorize: (i) => [{ action: "s3:GetBucketTagging", resource: bucketArn(i.Bucket) }],
      handle(input) {
        const bucket = requireBucket(store, input.Bucket);
        if (!bucket.tags) throw notConfigured("NoSuchTagSet", "The TagSet does not exist", input.Bucket);
        return { TagSet: bucket.tags };
      },
    }),

    PutBucketTagging: operation<BucketInput & { Tagging: { TagSet?: Tag[] } }>({
      authorize: (i) => [{ action: "s3:PutBucketTagging", resource: bucketArn(i.Bucket) }],
      async handle(input, ctx) {
        requireBucket(store, input.Bucket);
        requireIntegrityHeader(ctx);
        const tags = input.Tagging.TagSet ?? [];
        validateTags(tags, "bucket");
        // An empty tag set is no tag set: GetBucketTagging then answers NoSuchTagSet.
        await store.updateBucket(input.Bucket, ({ tags: _replaced, ...bucket }) => (tags.length > 0 ? { ...bucket, tags } : bucket));
        return {};
      },
    }),

    DeleteBucketTagging: operation<BucketInput>({
      authorize: (i) => [{ action: "s3:PutBucketTagging", resource: bucketArn(i.Bucket) }],
      async handle(input) {
        requireBucket(store, input.Bucket);
        await store.updateBucket(input.Bucket, ({ tags: _dropped, ...bucket }) => bucket);
        return {};
      },
    }),

    // A bucket whose versioning was never set answers an empty configuration.
    GetBucketVersioning: read("s3:GetBucketVersioning", (bucket) => ({ Status: deps.store.bucket(bucket)?.versioning }), deps),
    PutBucketVersioning: operation<BucketInput & { MFA?: string; VersioningConfiguration: { Status?: string; MFADelete?: string } }>({
      authorize: (i) => [{ action: "s3:PutBucketVersioning", resource: bucketArn(i.Bucket) }],
      async handle(input) {
        requireBucket(store, input.Bucket);
        const { Status: status, MFADelete: mfaDelete } = input.VersioningConfiguration;
        if ((status !== undefined && status !== "Enabled" && status !== "Suspended") || (mfaDelete !== undefined && mfaDelete !== "Enabled" && mfaDelete !== "Disabled")) {
          throw s3Errors.malformedXml();
        }
        if (mfaDelete === "Enabled" || input.MFA !== undefined) {
          throw new AwsError("NotImplemented", "MFA delete is not supported by Nimbus yet.", 501, { Header: "x-amz-mfa" });
        }
        if (status === undefined) throw new AwsError("IllegalVersioningConfigurationException", "The Versioning element must be specified", 400);
        if (status === "Suspended") refuseVersioningChange(requireBucket(store, input.Bucket));
        if (status === "Suspended" && store.bucket(input.Bucket)?.objectLock) {
          throw new AwsError("InvalidBucketState", "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.", 409);
        }
        await store.setVersioning(input.Bucket, status);
        return {};
      },
    }),
    // Since January 2023 every bucket encrypts with SSE-S3 unless set otherwise; a KMS key is answered as it was named.
    GetBucketEncryption: read(
      "s3:GetEncryptionConfiguration",
      (bucket) => {
        const record = deps.store.bucket(bucket);
        const bucketKey = record?.bucketKeyEnabled ?? false;
        const blocked = { EncryptionType: [record?.sseCustomerKeys === "blocked" ? "SSE-C" : "NONE"] };
        const kms = record?.kmsDefault;
        const byDefault = kms === undefined ? { SSEAlgorithm: "AES256" } : { SSEAlgorithm: kms.method, KMSMasterKeyID: kms.keyId };
        return {
          ServerSideEncryptionConfiguration: {
            Rules: [{ ApplyServerSideEncryptionByDefault: byDefault, BucketKeyEnabled: bucketKey, BlockedEncryptionTypes: blocked }],
          },
        };
      },
      deps,
    ),
    // One rule: SSE-S3, or a KMS key (the AWS-managed one where none is named).
    // Unlike the model says, S3 takes it without Content-MD5 or a checksum (minio/minio#9750: the AWS CLI sent neither).
    PutBucketEncryption: operation<BucketInput & { ServerSideEncryptionConfiguration: { Rules?: EncryptionRule[] } }>({
      authorize: (i) => [{ action: "s3:PutEncryptionConfiguration", resource: bucketArn(i.Bucket) }],
      async handle(input) {
        requireBucket(store, input.Bucket);
        const rules = input.ServerSideEncryptionConfiguration.Rules ?? [];
        const byDefault = rules[0]?.ApplyServerSideEncryptionByDefault;
        const algorithm = byDefault?.SSEAlgorithm;
        if (rules.length !== 1 || !byDefault || (algorithm !== "AES256" && algorithm !== "aws:kms" && algorithm !== "aws:kms:dsse")) throw s3Errors.malformedXml();
        if (algorithm === "AES256" && byDefault.KMSMasterKeyID !== undefined) {
          throw s3Errors.invalidArgument("a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse", "ApplyServerSideEncryptionByDefault");
        }
        const kmsDefault: KmsDefault | undefined = isKmsMethod(algorithm) ? { method: algorithm, ...(byDefault.KMSMasterKeyID === undefined ? {} : { keyId: byDefault.KMSMasterKeyID }) } : undefined;
        const bucketKeyEnabled = rules[0]?.BucketKeyEnabled === true ? true : undefined;
        // SSE-C stays as it was unless the rule names it: blocked (SSE-C) or allowed (NONE).
        const types = rules[0]?.BlockedEncryptionTypes?.EncryptionType;
        if (types !== undefined && (types.length !== 1 || (types[0] !== "NONE" && types[0] !== "SSE-C"))) throw s3Errors.malformedXml();
        await store.updateBucket(input.Bucket, ({ bucketKeyEnabled: _replaced, kmsDefault: _replacedKey, sseCustomerKeys, ...bucket }) => {
          const setting = types === undefined ? sseCustomerKeys : types[0] === "NONE" ? "allowed" : "blocked";
          return {
            ...bucket,
            encryptionConfigured: true as const,
            ...(bucketKeyEnabled ? { bucketKeyEnabled } : {}),
            ...(kmsDefault ? { kmsDefault } : {}),
            ...(setting ? { sseCustomerKeys: setting } : {}),
          };
        });
        return {};
      },
    }),
    // Back to the default every new bucket has: SSE-S3, SSE-C blocked.
    DeleteBucketEncryption: operation<BucketInput>({
      authorize: (i) => [{ action: "s3:PutEncryptionConfiguration", resource: bucketArn(i.Bucket) }],
      async handle(input) {
        requireBucket(store, input.Bucket);
        await store.updateBucket(input.Bucket, ({ encryptionConfigured: _unset, bucketKeyEnabled: _dropped, kmsDefault: _droppedKey, ...bucket }) => ({
          ...bucket,
          sseCustomerKeys: "blocked" as const,
        }));
        return {};
      },
    }),
    // Since April 2023 new buckets have ACLs disabled (bucket owner enforced) unless created or set otherwise.
    GetBucketOwnershipControls: read(
      "s3:GetBucketOwnershipControls",
      (bucket) => {
        const ownership = deps.store.bucket(bucket)?.objectOwnership;
        if (ownership === null) throw notConfigured("OwnershipControlsNotFoundError", "The bucket ownership controls were not found", bucket);
        return { OwnershipControls: { Rules: [{ ObjectOwnership: ownership ?? "BucketOwnerEnforced" }] } };
      },
      deps,
    ),
    // One rule naming one of the three settings; anything else is malformed.
    PutBucketOwnershipControls: operation<BucketInput & { OwnershipControls: { Rules?: { ObjectOwnership?: string }[] } }>({
      authorize: (i) => [{ action: "s3:PutBucketOwnershipControls", resource: bucketArn(i.Bucket) }],
      async handle(input) {
        const rules = input.OwnershipControls.Rules ?? [];
        const ownership = rules[0]?.ObjectOwnership;
        if (rules.length !== 1 || !OBJECT_OWNERSHIPS.has(ownership ?? "")) throw s3Errors.malformedXml();
        // ACLs are disabled only once the bucket's own grants no one but its owner.
        const bucket = requireBucket(deps.store, input.Bucket);
        if (ownership === "BucketOwnerEnforced" && bucket.acl?.some(({ grantee, permission }) => grantee.account !== bucket.accountId || permission !== "FULL_CONTROL")) {
          throw new AwsError("InvalidBucketAclWithObjectOwnership", "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting", 400);
        }
        await deps.store.updateBucket(input.Bucket, (bucket) => ({ ...bucket, objectOwnership: ownership as ObjectOwnership }));
        return {};
      },
    }),
    DeleteBucketOwnershipControls: operation<BucketInput>({
      authorize: (i) => [{ action: "s3:PutBucketOwnershipControls", resource: bucketArn(i.Bucket) }],
      async handle(input) {
        requireBucket(deps.store, input.Bucket);
        await deps.store.updateBucket(input.Bucket, (bucket) => ({ ...bucket, objectOwnership: null }));
        return {};
      },
    }),
    GetBucketLogging: read("s3:GetBucketLogging", (bucket) => ({ LoggingEnabled: deps.store.bucket(bucket)?.logging }), deps),
    PutBucketLogging: operation<BucketInput & { BucketLoggingStatus?: { LoggingEnabled?: LoggingEnabled } }>({
      authorize: (i) => [{ action: "s3:PutBucketLogging", resource: bucketArn(i.Bucket) }],
      async handle(input, ctx) {
        const bucket = requireBucket(store, input.Bucket);
        requireIntegrityHeader(ctx);
        const enabled = input.BucketLoggingStatus?.LoggingEnabled;
        if (enabled) checkLoggingTarget(store, bucket, enabled);
        await store.updateBucket(input.Bucket, ({ logging: _replaced, ...rest }) =>
          enabled ? { ...rest, logging: { ...enabled, TargetPrefix: enabled.TargetPrefix ?? "" } } : rest,
        );
        return {};
      },
    }),
    // Who pays is billing, which Nimbus has none of: the setting is kept and answered.
    GetBucketRequestPayment: read("s3:GetBucketRequestPayment", (bucket) => ({ Payer: deps.store.bucket(bucket)?.requestPayer ?? "BucketOwner" }), deps),
    PutBucketRequestPayment: operation<BucketInput & { RequestPaymentConfiguration?: { Payer?: string } }>({
      authorize: (i) => [{ action: "s3:PutBucketRequestPayment", resource: bucketArn(i.Bucket) }],
      async handle(input) {
        requireBucket(store, input.Bucket);
        const payer = input.RequestPaymentConfiguration?.Payer;
        if (payer !== "BucketOwner" && payer !== "Requester") throw s3Errors.malformedXml();
        await store.updateBucket(input.Bucket, ({ requestPayer: _replaced, ...bucket }) => (payer === "Requester" ? { ...bucket, requestPayer: payer } : bucket));
        return {};
      },
    }),
    // Acceleration is a network path: on one machine the setting is all there is.
    GetBucketAccelerateConfiguration: read("s3:GetAccelerateConfiguration", (bucket) => ({ Status: deps.store.bucket(bucket)?.accelerate }), deps),
    PutBucketAccelerateConfiguration: operation<BucketInput & { AccelerateConfiguration?: { Status?: string } }>({
      authorize: (i) => [{ action: "s3:PutAccelerateConfiguration", resource: bucketArn(i.Bucket) }],
      async handle(input) {
        requireBucket(store, input.Bucket);
        // The name is judged before the document, in S3's own words (which differ from its documentation's).
        if (input.Bucket.includes(".")) throw s3Errors.invalidRequest("S3 Transfer Acceleration is not supported for buckets with periods (.) in their names");
        const status = input.AccelerateConfiguration?.Status;
        if (status !== "Enabled" && status !== "Suspended") throw s3Errors.malformedXml();
        await store.updateBucket(input.Bucket, (bucket) => ({ ...bucket, accelerate: status }));
        return {};
      },
    }),
    GetBucketNotificationConfiguration: read("s3:GetBucketNotification", () => ({}), deps),
    // No destination (queue, topic, function, EventBridge) exists here to send events to: only a configuration of none is taken.
    PutBucketNotificationConfiguration: operation<BucketInput & { NotificationConfiguration?: Record<string, unknown> }>({
      authorize: (i) => [{ action: "s3:PutBucketNotification", resource: bucketArn(i.Bucket) }],
      handle(input) {
        requireBucket(store, input.Bucket);
        const config = input.NotificationConfiguration ?? {};
        const named = ["TopicConfigurations", "QueueConfigurations", "LambdaFunctionConfigurations"].some((list) => ((config[list] as unknown[] | undefined) ?? []).length > 0);
        if (named || config.EventBridgeConfiguration !== undefined) {
          throw new AwsError("NotImplemented", "The PutBucketNotificationConfiguration operation of s3 is not supported by Nimbus yet: event notifications need SQS, SNS, Lambda or EventBridge, which Nimbus does not have.", 501);
        }
        return {};
      },
    }),
    GetBucketCors: read(
      "s3:GetBucketCORS",
      (bucket) => {
        const rules = deps.store.bucket(bucket)?.cors;
        if (!rules) throw notConfigured("NoSuchCORSConfiguration", "The CORS configuration does not exist", bucket);
        return { CORSRules: rules };
      },
      deps,
    ),
    PutBucketCors: operation<BucketInput & { CORSConfiguration: { CORSRules?: Partial<CorsRule>[] } }>({
      authorize: (i) => [{ action: "s3:PutBucketCORS", resource: bucketArn(i.Bucket) }],
      async handle(input, ctx) {
        requireBucket(store, input.Bucket);
        requireIntegrityHeader(ctx);
        const cors = validateCorsRules(input.CORSConfiguration.CORSRules ?? []);
        await store.updateBucket(input.Bucket, (bucket) => ({ ...bucket, cors }));
        return {};
      },
    }),
    ...lifecycleOperations(deps),
    // Answered alike whether or not a configuration was set.
    DeleteBucketCors: operation<BucketInput>({
      authorize: (i) => [{ action: "s3:PutBucketCORS", resource: bucketArn(i.Bucket) }],
      async handle(input) {
        requireBucket(store, input.Bucket);
        await store.updateBucket(input.Bucket, ({ cors: _dropped, ...bucket }) => bucket);
        return {};
      },
    }),
    GetBucketWebsite: read(
      "s3:GetBucketWebsite",
      (bucket) => {
        const website = deps.store.bucket(bucket)?.website;
        if (!website) throw notConfigured("NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration", bucket);
        return { ...website };
      },
      deps,
    ),
    PutBucketWebsite: operation<BucketInput & { WebsiteConfiguration: WebsiteConfiguration }>({
      authorize: (i) => [{ action: "s3:PutBucketWebsite", resource: bucketArn(i.Bucket) }],
      async handle(input) {
        requireBucket(store, input.Bucket);
        const website = validateWebsite(input.WebsiteConfiguration);
        await store.updateBucket(input.Bucket, (bucket) => ({ ...bucket, website }));
        return {};
      },
    }),
    // Answered alike whether or not a configuration was set.
    DeleteBucketWebsite: operation<BucketInput>({
      authorize: (i) => [{ action: "s3:DeleteBucketWebsite", resource: bucketArn(i.Bucket) }],
      async handle(input) {
        requireBucket(store, input.Bucket);
        await store.updateBucket(input.Bucket, ({ website: _dropped, ...bucket }) => bucket);
        return {};
      },
    }),
    // New buckets block all public access (AWS's default since April 2023) until PutPublicAccessBlock or DeletePublicAccessBlock.
    GetPublicAccessBlock: read(
      "s3:GetBucketPublicAccessBlock",
      (bucket) => {
        const settings = deps.store.bucket(bucket)?.publicAccessBlock;
        if (settings === null) throw notConfigured("NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found", bucket);
        return { PublicAccessBlockConfiguration: settings ?? BLOCK_ALL };
      },
      deps,
    ),
    GetObjectLockConfiguration: read(
      "s3:GetBucketObjectLockConfiguration",
      (bucket) => {
        const lock = deps.store.bucket(bucket)?.objectLock;
        if (!lock) throw notConfigured("ObjectLockConfigurationNotFoundError", "Object Lock configuration does not exist for this bucket", bucket);
        return lockConfigurationOutput(lock);
      },
      deps,
    ),
    // Object Lock may be turned on for a bucket that keeps versions; never off.
    PutObjectLockConfiguration: operation<BucketInput & { ObjectLockConfiguration?: Parameters<typeof validateLockConfiguration>[0]; Token?: string }>({
      authorize: (i) => [{ action: "s3:PutBucketObjectLockConfiguration", resource: bucketArn(i.Bucket) }],
      async handle(input, ctx) {
        const bucket = requireBucket(store, input.Bucket);
        requireIntegrityHeader(ctx);
        if (input.ObjectLockConfiguration === undefined) throw s3Errors.missingRequestBody();
        const lock = validateLockConfiguration(input.ObjectLockConfiguration);
        if (bucket.versioning !== "Enabled") {
          throw new AwsError("InvalidBucketState", "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration", 409);
        }
        await store.updateBucket(input.Bucket, (b) => ({ ...b, objectLock: lock }));
        return {};
      },
    }),
    ...objectLockOperations(deps),
    GetBucketReplication: read(
      "s3:GetReplicationConfiguration",
      (bucket) => {
        const replication = store.bucket(bucket)?.replication;
        if (!replication) throw notConfigured("ReplicationConfigurationNotFoundError", "The replication configuration was not found", bucket);
        return { ReplicationConfiguration: replication };
      },
      deps,
    ),
    PutBucketReplication: operation<BucketInput & { ReplicationConfiguration: ReplicationConfiguration; Token?: string }>({
      // Replication acts as its role: whoever configures it must be allowed to pass that role.
      authorize: (i) => {
        const role = i.ReplicationConfiguration?.Role;
        const passRole = typeof role === "string" && role.startsWith("arn:") ? [{ action: "iam:PassRole", resource: role }] : [];
        return [{ action: "s3:PutReplicationConfiguration", resource: bucketArn(i.Bucket) }, ...passRole];
      },
      async handle(input, ctx) {
        const bucket = requireBucket(store, input.Bucket);
        requireIntegrityHeader(ctx);
        const replication = validateReplication(input.ReplicationConfiguration, bucket, store);
        await store.updateBucket(input.Bucket, (b) => ({ ...b, replication }));
        return {};
      },
    }),
    DeleteBucketReplication: operation<BucketInput>({
      authorize: (i) => [{ action: "s3:PutReplicationConfiguration", resource: bucketArn(i.Bucket) }],
      async handle(input) {
        requireBucket(store, input.Bucket);
        await store.updateBucket(input.Bucket, ({ replication: _dropped, ...bucket }) => bucket);
        return {};
      },
    }),
  };
}
