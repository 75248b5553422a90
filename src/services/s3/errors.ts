/**
 * S3's error catalogue: codes, statuses and messages as AWS returns them
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
 */
import { AwsError } from "../../server/errors.js";

/** Integer query parameters, by member name. */
const INTEGER_QUERY_NAMES: Readonly<Record<string, string>> = {
  MaxKeys: "max-keys",
  MaxParts: "max-parts",
  MaxUploads: "max-uploads",
  PartNumberMarker: "part-number-marker",
  MaxBuckets: "max-buckets",
};

export const s3Errors = {
  noSuchBucket: (bucket: string) =>
    new AwsError("NoSuchBucket", "The specified bucket does not exist", 404, { BucketName: bucket }),
  noSuchKey: (key: string) => new AwsError("NoSuchKey", "The specified key does not exist.", 404, { Key: key }),
  noSuchUpload: (uploadId: string) =>
    new AwsError(
      "NoSuchUpload",
      "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
      404,
      { UploadId: uploadId },
    ),
  bucketAlreadyExists: (bucket: string) =>
    new AwsError(
      "BucketAlreadyExists",
      "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.",
      409,
      { BucketName: bucket },
    ),
  bucketAlreadyOwnedByYou: (bucket: string) =>
    new AwsError(
      "BucketAlreadyOwnedByYou",
      "Your previous request to create the named bucket succeeded and you already own it.",
      409,
      { BucketName: bucket },
    ),
  /** A bucket that has had versioning adds what is easily missed: versions and delete markers count. */
  bucketNotEmpty: (bucket: string, versioned = false) =>
    new AwsError("BucketNotEmpty", `The bucket you tried to delete is not empty${versioned ? ". You must delete all versions in the bucket." : ""}`, 409, { BucketName: bucket }),
  invalidBucketName: (bucket: string) =>
    new AwsError("InvalidBucketName", "The specified bucket is not valid.", 400, { BucketName: bucket }),
  keyTooLong: () =>
    new AwsError("KeyTooLongError", "Your key is too long", 400),
  invalidArgument: (message: string, name?: string, value?: string) =>
    new AwsError("InvalidArgument", message, 400, name === undefined ? {} : { ArgumentName: name, ArgumentValue: value }),
  invalidRequest: (message: string) => new AwsError("InvalidRequest", message, 400),
  missingRequestBody: () => new AwsError("MissingRequestBodyError", "Request Body is empty", 400),
  malformedXml: () =>
    new AwsError(
      "MalformedXML",
      "The XML you provided was not well-formed or did not validate against our published schema",
      400,
    ),
  missingContentLength: () => new AwsError("MissingContentLength", "You must provide the Content-Length HTTP header.", 411),
  /** A header S3 reads as asking for something it does not do (a chunked upload body). */
  headerNotImplemented: (header: string) =>
    new AwsError("NotImplemented", "A header you provided implies functionality that is not implemented", 501, { Header: header }),
  entityTooLarge: (size: number, max: number) =>
    new AwsError("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", 400, {
      ProposedSize: size,
      MaxSizeAllowed: max,
    }),
  /** A part under the minimum: S3 names it, its ETag bare. */
  entityTooSmall: (size: number, min: number, partNumber?: number, etag?: string) =>
    new AwsError("EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size", 400, {
      ProposedSize: size,
      MinSizeAllowed: min,
      PartNumber: partNumber,
      ETag: etag === undefined ? undefined : bareEtag(etag),
    }),
  badDigest: (expected: string, computed: string) =>
    new AwsError("BadDigest", "The Content-MD5 you specified did not match what we received.", 400, {
      ExpectedDigest: expected,
      CalculatedDigest: computed,
    }),
  invalidDigest: (value: string) =>
    new AwsError("InvalidDigest", "The Content-MD5 you specified was invalid.", 400, { "Content-MD5": value }),
  checksumMismatch: (algorithm: string) =>
    new AwsError("BadDigest", `The ${algorithm} you specified did not match the calculated checksum.`, 400),
  /** A part named on Complete with a checksum of another algorithm than its upload's. */
  partChecksumMismatch: (algorithm: string, partNumber: number) =>
    new AwsError("BadDigest", `The ${algorithm.toLowerCase()} you specified for part ${partNumber} did not match what we received.`, 400),
  invalidChecksum: (algorithm: string) =>
    new AwsError("InvalidRequest", `Value for x-amz-checksum-${algorithm.toLowerCase()} header is invalid.`, 400),
  /** An aws-chunked body's trailers other than x-amz-trailer announced. */
  malformedTrailer: () =>
    new AwsError("MalformedTrailerError", "The request contained trailing data that was not well-formed or did not conform to our published schema.", 400),
  invalidRange: (range: string, size: number) =>
    new AwsError("InvalidRange", "The requested range is not satisfiable", 416, {
      RangeRequested: range,
      ActualObjectSize: size,
    }),
  preconditionFailed: (condition: string) =>
    new AwsError("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", 412, {
      Condition: condition,
    }),
  notModified: (headers: Record<string, string>) => new AwsError("NotModified", "Not Modified", 304, {}, headers),
  invalidPart: (uploadId: string, partNumber: number, etag: string) =>
    new AwsError(
      "InvalidPart",
      "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
      400,
      { UploadId: uploadId, PartNumber: partNumber, ETag: bareEtag(etag) },
    ),
  invalidPartOrder: (uploadId: string) =>
    new AwsError(
      "InvalidPartOrder",
      "The list of parts was not in ascending order. Parts must be ordered by part number.",
      400,
      { UploadId: uploadId },
    ),
  invalidTag: (message: string, fields: Record<string, string> = {}) => new AwsError("InvalidTag", message, 400, fields),
  /**
   * A signed request for a bucket of another region, as a region's endpoint
   * answers it: 301, naming the bucket's endpoint and, in
   * x-amz-bucket-region, its region, which SDKs follow (botocore at once,
   * the JavaScript SDK with followRegionRedirects).
   */
  permanentRedirect: (bucket: string, bucketRegion: string, endpoint: string) =>
    new AwsError(
      "PermanentRedirect",
      "The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.",
      301,
      { Endpoint: endpoint, Bucket: bucket },
      { "x-amz-bucket-region": bucketRegion },
    ),
  illegalLocationConstraint: (constraint: string | undefined) =>
    new AwsError(
      "IllegalLocationConstraintException",
      constraint === undefined
        ? "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to."
        : `The ${constraint} location constraint is incompatible for the region specific endpoint this request was sent to.`,
      400,
    ),
  invalidLocationConstraint: (constraint: string) =>
    new AwsError("InvalidLocationConstraint", "The specified location-constraint is not valid", 400, {
      LocationConstraint: constraint,
    }),
  // No full stop, as S3 answers it (an S3 answer, Size 3072, kept in a client's nock fixtures; seaweedfs's error table).
  metadataTooLarge: (size: number, max: number) =>
    new AwsError("MetadataTooLarge", "Your metadata headers exceed the maximum allowed metadata size", 400, {
      Size: size,
      MaxSizeAllowed: max,
    }),
  accessDenied: () => new AwsError("AccessDenied", "Access Denied", 403),
  /** A query or header value of the wrong type, in S3's words where we know them. */
  invalidValue: (member: string, value: string): AwsError | undefined => {
    if (member === "PartNumber") {
      return s3Errors.invalidArgument("Part number must be an integer between 1 and 10000, inclusive", "partNumber", value);
    }
    // As captured from S3 in versity/versitygw#1398.
    if (member === "MpuObjectSize") return s3Errors.invalidRequest(`Value for x-amz-mp-object-size header is invalid: '${value}'`);
    const name = INTEGER_QUERY_NAMES[member];
    return name === undefined ? undefined : s3Errors.invalidArgument(`Provided ${name} not an integer or within integer range`, name, value);
  },
} as const;

/** An ETag as S3 echoes it in errors: without its quotes. */
function bareEtag(etag: string): string {
  return etag.replace(/^"|"$/g, "");
}
