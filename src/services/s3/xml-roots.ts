/**
 * Root element names of S3's XML responses. The botocore models name
 * shapes, not S3's document roots (the Smithy models carry them as
 * @xmlName), and clients such as the AWS CLI and SDKs accept any root, but
 * tools that read raw XML expect AWS's names.
 */
export const S3_XML_ROOTS: Readonly<Record<string, string>> = {
  ListBucketsOutput: "ListAllMyBucketsResult",
  ListDirectoryBucketsOutput: "ListAllMyDirectoryBucketsResult",
  ListObjectsOutput: "ListBucketResult",
  ListObjectsV2Output: "ListBucketResult",
  ListObjectVersionsOutput: "ListVersionsResult",
  DeleteObjectsOutput: "DeleteResult",
  CreateMultipartUploadOutput: "InitiateMultipartUploadResult",
  CompleteMultipartUploadOutput: "CompleteMultipartUploadResult",
  ListPartsOutput: "ListPartsResult",
  ListMultipartUploadsOutput: "ListMultipartUploadsResult",
  GetObjectTaggingOutput: "Tagging",
  GetBucketTaggingOutput: "Tagging",
  GetBucketAclOutput: "AccessControlPolicy",
  GetObjectAclOutput: "AccessControlPolicy",
  GetBucketVersioningOutput: "VersioningConfiguration",
  GetBucketLoggingOutput: "BucketLoggingStatus",
  GetBucketRequestPaymentOutput: "RequestPaymentConfiguration",
  GetBucketAccelerateConfigurationOutput: "AccelerateConfiguration",
  GetBucketCorsOutput: "CORSConfiguration",
  GetBucketLifecycleConfigurationOutput: "LifecycleConfiguration",
  GetBucketLifecycleOutput: "LifecycleConfiguration",
  GetBucketWebsiteOutput: "WebsiteConfiguration",
  GetObjectAttributesOutput: "GetObjectAttributesResponse",
  ListBucketMetricsConfigurationsOutput: "ListMetricsConfigurationsResult",
  ListBucketAnalyticsConfigurationsOutput: "ListBucketAnalyticsConfigurationsResult",
  ListBucketInventoryConfigurationsOutput: "ListInventoryConfigurationsResult",
  ListBucketIntelligentTieringConfigurationsOutput: "ListIntelligentTieringConfigurationsResult",
  CopyObjectResult: "CopyObjectResult",
  CopyPartResult: "CopyPartResult",
};
