/**
 * What S3 keeps per bucket, object, upload and part. Times are epoch
 * milliseconds; object bytes live in the blob store under `blob`.
 */
import type { LifecycleConfiguration } from "./lifecycle.js";
import type { WebsiteConfiguration } from "./website.js";
import type { LockMode, ObjectLockConfig, VersionLock } from "./object-lock.js";
import type { Grant } from "./acl.js";
import type { LoggingEnabled } from "./access-log.js";
import type { ReplicationConfiguration } from "./replication.js";
import type { KmsDefault, KmsEncryption } from "./sse-kms.js";

export type ChecksumAlgorithm = "CRC32" | "CRC32C" | "CRC64NVME" | "SHA1" | "SHA256";
export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"];

export interface Tag {
  Key: string;
  Value: string;
}

export interface StoredChecksum {
  algorithm: ChecksumAlgorithm;
  /** Base64 digest; composite checksums end in `-<parts>`. */
  value: string;
  type: "FULL_OBJECT" | "COMPOSITE";
}

export type ObjectOwnership = "BucketOwnerPreferred" | "ObjectWriter" | "BucketOwnerEnforced";

/** The object ownership settings a bucket can have. */
export const OBJECT_OWNERSHIPS: ReadonlySet<string> = new Set<ObjectOwnership>(["BucketOwnerPreferred", "ObjectWriter", "BucketOwnerEnforced"]);

export interface PublicAccessBlock {
  BlockPublicAcls: boolean;
  IgnorePublicAcls: boolean;
  BlockPublicPolicy: boolean;
  RestrictPublicBuckets: boolean;
}

/** What a new bucket has had since April 2023: all public access blocked. */
export const BLOCK_ALL: PublicAccessBlock = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };

/** One rule of a bucket's CORS configuration, as PutBucketCors takes it. */
export interface CorsRule {
  ID?: string;
  AllowedHeaders?: string[];
  AllowedMethods: string[];
  AllowedOrigins: string[];
  ExposeHeaders?: string[];
  MaxAgeSeconds?: number;
}

/** A bucket's versioning once it has been set; a bucket never set has none (unversioned). */
export type Versioning = "Enabled" | "Suspended";

export interface BucketRecord {
  name: string;
  accountId: string;
  region: string;
  createdAt: number;
  /** The bucket policy, as given. */
  policy?: string;
  /** Bucket tags (PutBucketTagging); absent until set. */
  tags?: Tag[];
  /**
   * PutPublicAccessBlock's settings; absent is AWS's default for new
   * buckets (everything blocked), null is none (DeletePublicAccessBlock).
   */
  publicAccessBlock?: PublicAccessBlock | null;
  /**
   * The bucket's object ownership: absent is BucketOwnerEnforced (ACLs
   * disabled), AWS's default; null is none (DeleteBucketOwnershipControls),
   * which behaves as ObjectWriter.
   */
  objectOwnership?: ObjectOwnership | null;
  /** PutBucketVersioning's status; absent while versioning was never set. */
  versioning?: Versioning;
  /** Whether PutBucketEncryption has set a default encryption (else the bucket has S3's own SSE-S3 default). */
  encryptionConfigured?: true;
  /** PutBucketEncryption's bucket key setting. */
  bucketKeyEnabled?: boolean;
  /** PutBucketEncryption's default encryption where it is a KMS key; absent is SSE-S3. */
  kmsDefault?: KmsDefault;
  /**
   * SSE-C writes: blocked on every bucket made since April 2026 (as AWS's
   * are) until BlockedEncryptionTypes says NONE; absent on buckets made
   * before Nimbus had the setting, which keep taking them.
   */
  sseCustomerKeys?: "allowed" | "blocked";
  /** Object Lock, enabled when the bucket was created (or later, on a versioned bucket), with its default retention. */
  objectLock?: ObjectLockConfig;
  /** PutBucketRequestPayment's payer, when it is the requester. */
  requestPayer?: "Requester";
  /** PutBucketAccelerateConfiguration's status; absent while never set. */
  accelerate?: "Enabled" | "Suspended";
  /** PutBucketWebsite's configuration; absent when none is set. */
  website?: WebsiteConfiguration;
  /** PutBucketLifecycleConfiguration's rules; absent when none is set. */
  lifecycle?: LifecycleConfiguration;
  /** PutBucketCors's rules, in order; absent when none is set. */
  cors?: CorsRule[];
  /** The bucket's ACL where ACLs are enabled; absent is its owner's full control. */
  acl?: Grant[];
  /** PutBucketLogging's `LoggingEnabled`: where its server access logs go; absent when it logs nothing. */
  logging?: LoggingEnabled;
  /** PutBucketReplication's configuration; absent when none is set. */
  replication?: ReplicationConfiguration;
  /** Reporting configurations (metrics, analytics, inventory, Intelligent-Tiering), each kind's as put, in id order. */
  reports?: Partial<Record<ReportKind, Record<string, unknown>[]>>;
}

/** The kinds of a bucket's reporting configurations, as their operations name them. */
export type ReportKind = "Metrics" | "Analytics" | "Inventory" | "IntelligentTiering";

/** Headers that S3 stores with an object and returns on GET/HEAD. */
export interface ObjectHeaders {
  contentType?: string;
  contentEncoding?: string;
  contentDisposition?: string;
  contentLanguage?: string;
  cacheControl?: string;
  expires?: string;
  websiteRedirectLocation?: string;
  storageClass?: string;
  metadata: Record<string, string>;
}

export interface ObjectRecord extends ObjectHeaders {
  /** Blob id of the body; with `inline`, its key in the s3.bodies store. */
  blob: string;
  /** The body is small and kept in the metadata store (s3.bodies). */
  inline?: boolean;
  size: number;
  /** Quoted, as it goes on the wire: `"d41d8cd98f00b204e9800998ecf8427e"` or `"…-3"`. */
  etag: string;
  /** Whole seconds, as S3 keeps them. */
  lastModified: number;
  ownerAccountId: string;
  checksum?: StoredChecksum;
  tags: Tag[];
  /** Number of parts when the object came from a multipart upload. */
  partsCount?: number;
  /** Their sizes, for GET ?partNumber=. */
  partSizes?: number[];
  /** Their checksums (base64), for GetObjectAttributes, when the object's checksum is COMPOSITE. */
  partChecksums?: string[];
  /** The version's id in a bucket that has had versioning; absent is the `null` version. */
  versionId?: string;
  /** An archived object's restored copy is readable until then (RestoreObject). */
  restoredUntil?: number;
  /** Object Lock retention: its mode, and until when (epoch ms). */
  lockMode?: LockMode;
  retainUntil?: number;
  /** An Object Lock legal hold is on. */
  legalHold?: boolean;
  /** The version's ACL where ACLs are enabled; absent is its owner's full control. */
  acl?: Grant[];
  /** SSE-C: the MD5 (base64) of the customer key every read must present. */
  sseCustomerKeyMd5?: string;
  /** SSE-KMS: the KMS key the object is encrypted under; absent with SSE-S3 or SSE-C. */
  kms?: KmsEncryption;
  /** Where replication has got to with this version, or REPLICA for a copy made by it. */
  replicationStatus?: "PENDING" | "COMPLETED" | "FAILED" | "REPLICA";
}

/** How an object is encrypted at rest: SSE-S3 where it has neither a customer key (SSE-C) nor a KMS key. */
export type Encryption = Pick<ObjectRecord, "sseCustomerKeyMd5" | "kms">;

/** The version a delete leaves in a versioned bucket: the key reads as absent while it is the latest. */
export interface DeleteMarker {
  deleteMarker: true;
  /** Absent is the `null` version (a delete while versioning is suspended). */
  versionId?: string;
  lastModified: number;
  ownerAccountId: string;
}

/** One version of a key in a bucket that has had versioning. */
export type VersionRecord = ObjectRecord | DeleteMarker;

export function isDeleteMarker(version: VersionRecord): version is DeleteMarker {
  return (version as DeleteMarker).deleteMarker === true;
}

/** The id S3 shows for a version: the `null` version has none of its own. */
export function versionIdOf(version: VersionRecord): string {
  return version.versionId ?? "null";
}

export interface UploadRecord extends ObjectHeaders {
  uploadId: string;
  bucket: string;
  key: string;
  initiated: number;
  ownerAccountId: string;
  tags: Tag[];
  checksumAlgorithm?: ChecksumAlgorithm;
  checksumType?: "FULL_OBJECT" | "COMPOSITE";
  /** The Object Lock the upload's object gets, as CreateMultipartUpload named it. */
  lock?: VersionLock;
  /** The ACL the upload's object gets, as CreateMultipartUpload named it. */
  acl?: Grant[];
  /** The object's owner where it is not the upload's initiator (the bucket owner's, by object ownership). */
  objectOwnerAccountId?: string;
  /** SSE-C: the MD5 (base64) of the customer key every part must present. */
  sseCustomerKeyMd5?: string;
  /** SSE-KMS: the KMS key the upload's parts and object are encrypted under. */
  kms?: KmsEncryption;
  /**
   * The blob of the object the key held when the upload began, null for
   * none: a conditional Complete finds a write or delete in between by it.
   * Absent on uploads recorded before it was kept.
   */
  baseline?: string | null;
}

export interface PartRecord {
  partNumber: number;
  blob: string;
  size: number;
  etag: string;
  lastModified: number;
  /** Base64 digest: in the upload's checksum algorithm, or in `checksumAlgorithm` where the upload has none. */
  checksum?: string;
  /** The algorithm of `checksum` in an upload without one of its own: the part's, as sent (S3's default CRC64NVME otherwise). */
  checksumAlgorithm?: ChecksumAlgorithm;
}
