/**
 * The order S3 sends the elements of its listings and copy results in.
 * The serializer follows the model's member order, and botocore's model
 * lists these members otherwise: IsTruncated and Contents before the
 * bucket's Name, Buckets before their Owner, a part listing's Initiator
 * after its parts, an owner's DisplayName before its ID, a copy's ETag
 * before its time. Clients that read the XML as a stream, and tests that
 * compare documents with AWS's, see AWS's order instead; the orders are
 * those of S3's API reference examples.
 */
import type { ServiceModel, ShapeRef } from "../../protocols/model.js";

const WIRE_ORDER: Record<string, readonly string[]> = {
  Owner: ["ID", "DisplayName"],
  CopyObjectResult: ["LastModified", "ETag"],
  CopyPartResult: ["LastModified", "ETag"],
  ObjectVersion: ["Key", "VersionId", "IsLatest", "LastModified", "ETag", "ChecksumAlgorithm", "ChecksumType", "Size", "StorageClass", "Owner"],
  DeleteMarkerEntry: ["Key", "VersionId", "IsLatest", "LastModified", "Owner"],
  ListMultipartUploadsOutput: ["Bucket", "KeyMarker", "UploadIdMarker", "NextKeyMarker", "NextUploadIdMarker", "Delimiter", "Prefix", "MaxUploads", "IsTruncated", "Uploads", "CommonPrefixes"],
  MultipartUpload: ["Key", "UploadId", "Initiator", "Owner", "StorageClass", "Initiated"],
  ListPartsOutput: ["Bucket", "Key", "UploadId", "Initiator", "Owner", "StorageClass", "PartNumberMarker", "NextPartNumberMarker", "MaxParts", "IsTruncated", "Parts"],
  ListBucketsOutput: ["Owner", "Buckets", "ContinuationToken", "Prefix"],
  ListObjectsOutput: ["Name", "Prefix", "Marker", "NextMarker", "MaxKeys", "Delimiter", "EncodingType", "IsTruncated", "Contents", "CommonPrefixes"],
  ListObjectsV2Output: [
    "Name",
    "Prefix",
    "ContinuationToken",
    "NextContinuationToken",
    "StartAfter",
    "KeyCount",
    "MaxKeys",
    "Delimiter",
    "EncodingType",
    "IsTruncated",
    "Contents",
    "CommonPrefixes",
  ],
  ListObjectVersionsOutput: [
    "Name",
    "Prefix",
    "KeyMarker",
    "VersionIdMarker",
    "NextKeyMarker",
    "NextVersionIdMarker",
    "MaxKeys",
    "Delimiter",
    "EncodingType",
    "IsTruncated",
    "Versions",
    "DeleteMarkers",
    "CommonPrefixes",
  ],
};

/** Puts the listed output shapes' members in S3's wire order (members not listed keep theirs, after them). */
export function inWireOrder(model: ServiceModel): ServiceModel {
  for (const [name, order] of Object.entries(WIRE_ORDER)) {
    const shape = model.shapes[name];
    if (!shape?.members) throw new Error(`s3 wire order: the model has no structure ${name}`);
    const members = shape.members;
    const ordered: Record<string, ShapeRef> = {};
    for (const member of order) if (members[member]) ordered[member] = members[member];
    for (const [member, ref] of Object.entries(members)) ordered[member] ??= ref;
    shape.members = ordered;
  }
  return model;
}
