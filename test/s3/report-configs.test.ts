/**
 * A bucket's reporting configurations (request metrics, storage class
 * analysis, inventory, Intelligent-Tiering) through the AWS SDK: kept by
 * id, checked, listed and deleted as S3 does.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CreateBucketCommand,
  DeleteBucketAnalyticsConfigurationCommand,
  DeleteBucketIntelligentTieringConfigurationCommand,
  DeleteBucketMetricsConfigurationCommand,
  GetBucketAnalyticsConfigurationCommand,
  GetBucketIntelligentTieringConfigurationCommand,
  GetBucketInventoryConfigurationCommand,
  GetBucketMetricsConfigurationCommand,
  ListBucketAnalyticsConfigurationsCommand,
  ListBucketIntelligentTieringConfigurationsCommand,
  ListBucketInventoryConfigurationsCommand,
  ListBucketMetricsConfigurationsCommand,
  PutBucketAnalyticsConfigurationCommand,
  PutBucketIntelligentTieringConfigurationCommand,
  PutBucketInventoryConfigurationCommand,
  PutBucketMetricsConfigurationCommand,
  S3Client,
  type InventoryConfiguration,
} from "@aws-sdk/client-s3";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";

const Bucket = "reporting-bucket";

const inventory = (Id: string, destination = "arn:aws:s3:::reporting-bucket"): InventoryConfiguration => ({
  Id,
  IsEnabled: true,
  IncludedObjectVersions: "Current",
  Schedule: { Frequency: "Weekly" },
  OptionalFields: ["Size", "ETag", "StorageClass"],
  Destination: { S3BucketDestination: { Bucket: destination, Format: "Parquet", Prefix: "inventory/", Encryption: { SSES3: {} } } },
  Filter: { Prefix: "data/" },
});

describe("S3 bucket reporting configurations", () => {
  let t: TestCloud;
  let s3: S3Client;
  before(async () => {
    t = await startCloud({ inMemory: true });
    s3 = t.s3();
    await s3.send(new CreateBucketCommand({ Bucket }));
  });
  after(() => t.stop());

  it("keeps request metrics configurations by id, lists them in pages of 100 in id order, and deletes them", async () => {
    const put = await s3.send(new PutBucketMetricsConfigurationCommand({ Bucket, Id: "EntireBucket", MetricsConfiguration: { Id: "EntireBucket" } }));
    assert.equal(put.$metadata.httpStatusCode, 204);
    const tagged = { Id: "docs", Filter: { And: { Prefix: "docs/", Tags: [{ Key: "team", Value: "web" }] } } };
    await s3.send(new PutBucketMetricsConfigurationCommand({ Bucket, Id: "docs", MetricsConfiguration: tagged }));
    assert.deepEqual((await s3.send(new GetBucketMetricsConfigurationCommand({ Bucket, Id: "docs" }))).MetricsConfiguration, tagged);
    // A Put to an id replaces what it had.
    await s3.send(new PutBucketMetricsConfigurationCommand({ Bucket, Id: "docs", MetricsConfiguration: { Id: "docs", Filter: { Prefix: "documents/" } } }));
    assert.deepEqual((await s3.send(new GetBucketMetricsConfigurationCommand({ Bucket, Id: "docs" }))).MetricsConfiguration, { Id: "docs", Filter: { Prefix: "documents/" } });

    for (let i = 0; i < 100; i++) {
      const Id = `m${String(i).padStart(3, "0")}`;
      await s3.send(new PutBucketMetricsConfigurationCommand({ Bucket, Id, MetricsConfiguration: { Id } }));
    }
    const first = await s3.send(new ListBucketMetricsConfigurationsCommand({ Bucket }));
    assert.equal(first.IsTruncated, true);
    assert.equal(first.MetricsConfigurationList?.length, 100);
    assert.deepEqual(first.MetricsConfigurationList?.slice(0, 3).map((c) => c.Id), ["EntireBucket", "docs", "m000"].sort());
    const second = await s3.send(new ListBucketMetricsConfigurationsCommand({ Bucket, ContinuationToken: first.NextContinuationToken }));
    assert.deepEqual([second.IsTruncated, second.ContinuationToken, second.NextContinuationToken], [false, first.NextContinuationToken, undefined]);
    assert.equal(second.MetricsConfigurationList?.length, 2);

    const deleted = await s3.send(new DeleteBucketMetricsConfigurationCommand({ Bucket, Id: "docs" }));
    assert.equal(deleted.$metadata.httpStatusCode, 204);
    const missing = await rejectsWith(s3.send(new GetBucketMetricsConfigurationCommand({ Bucket, Id: "docs" })), "NoSuchConfiguration", 404);
    assert.equal(missing.message, "The specified configuration does not exist.");
    await rejectsWith(s3.send(new DeleteBucketMetricsConfigurationCommand({ Bucket, Id: "docs" })), "NoSuchConfiguration", 404);
  });

  it("refuses an id that is not the document's or not of S3's characters", async () => {
    await rejectsWith(s3.send(new PutBucketMetricsConfigurationCommand({ Bucket, Id: "one", MetricsConfiguration: { Id: "two" } })), "MalformedXML", 400);
    await rejectsWith(s3.send(new PutBucketMetricsConfigurationCommand({ Bucket, Id: "with space", MetricsConfiguration: { Id: "with space" } })), "MalformedXML", 400);
    await rejectsWith(s3.send(new PutBucketMetricsConfigurationCommand({ Bucket, Id: "x".repeat(65), MetricsConfiguration: { Id: "x".repeat(65) } })), "MalformedXML", 400);
    const mismatch = await rejectsWith(s3.send(new PutBucketInventoryConfigurationCommand({ Bucket, Id: "one", InventoryConfiguration: inventory("two") })), "IdMismatch", 400);
    assert.equal(mismatch.message, "Document ID does not match the specified configuration ID.");
    await rejectsWith(s3.send(new GetBucketMetricsConfigurationCommand({ Bucket: "no-such-reporting-bucket", Id: "x" })), "NoSuchBucket", 404);
    // Ids that name an object's own properties in JavaScript are ids like any other.
    for (const Id of ["constructor", "__proto__", "toString"]) {
      await rejectsWith(s3.send(new GetBucketMetricsConfigurationCommand({ Bucket, Id })), "NoSuchConfiguration", 404);
    }
    await s3.send(new PutBucketMetricsConfigurationCommand({ Bucket, Id: "__proto__", MetricsConfiguration: { Id: "__proto__", Filter: { Prefix: "p/" } } }));
    assert.deepEqual((await s3.send(new GetBucketMetricsConfigurationCommand({ Bucket, Id: "__proto__" }))).MetricsConfiguration, { Id: "__proto__", Filter: { Prefix: "p/" } });
    await s3.send(new DeleteBucketMetricsConfigurationCommand({ Bucket, Id: "__proto__" }));
    // A filter is one predicate or an And of them, each tag whole.
    const both = { Id: "both", Filter: { Prefix: "a/", Tag: { Key: "k", Value: "v" } } as never };
    await rejectsWith(s3.send(new PutBucketMetricsConfigurationCommand({ Bucket, Id: "both", MetricsConfiguration: both })), "MalformedXML", 400);
    await rejectsWith(
      s3.send(new PutBucketMetricsConfigurationCommand({ Bucket, Id: "tagless", MetricsConfiguration: { Id: "tagless", Filter: { Tag: { Key: "k" } as never } } })),
      "MalformedXML",
      400,
    );
  });

  it("keeps inventory configurations, their destination a bucket ARN without an account", async () => {
    const put = await s3.send(new PutBucketInventoryConfigurationCommand({ Bucket, Id: "weekly", InventoryConfiguration: inventory("weekly") }));
    assert.equal(put.$metadata.httpStatusCode, 204);
    assert.deepEqual((await s3.send(new GetBucketInventoryConfigurationCommand({ Bucket, Id: "weekly" }))).InventoryConfiguration, inventory("weekly"));
    assert.deepEqual((await s3.send(new ListBucketInventoryConfigurationsCommand({ Bucket }))).InventoryConfigurationList?.map((c) => c.Id), ["weekly"]);
    const namespaced = await rejectsWith(
      s3.send(new PutBucketInventoryConfigurationCommand({ Bucket, Id: "bad", InventoryConfiguration: inventory("bad", "arn:aws:s3::000000000000:reporting-bucket") })),
      "InvalidS3DestinationBucket",
      400,
    );
    assert.equal(namespaced.message, "Bucket ARN should not specify a namespace.");
    const invalid = await rejectsWith(s3.send(new PutBucketInventoryConfigurationCommand({ Bucket, Id: "bad", InventoryConfiguration: inventory("bad", "reporting-bucket") })), "InvalidS3DestinationBucket", 400);
    assert.equal(invalid.message, "Invalid bucket ARN.");
    const fields = { ...inventory("bad"), OptionalFields: ["Size", "Colour"] } as InventoryConfiguration;
    await rejectsWith(s3.send(new PutBucketInventoryConfigurationCommand({ Bucket, Id: "bad", InventoryConfiguration: fields })), "MalformedXML", 400);
  });

  it("keeps Intelligent-Tiering configurations within S3's archive days", async () => {
    const tiering = { Id: "archive", Status: "Enabled" as const, Tierings: [{ Days: 90, AccessTier: "ARCHIVE_ACCESS" as const }, { Days: 180, AccessTier: "DEEP_ARCHIVE_ACCESS" as const }] };
    const put = await s3.send(new PutBucketIntelligentTieringConfigurationCommand({ Bucket, Id: "archive", IntelligentTieringConfiguration: tiering }));
    assert.equal(put.$metadata.httpStatusCode, 204);
    assert.deepEqual((await s3.send(new GetBucketIntelligentTieringConfigurationCommand({ Bucket, Id: "archive" }))).IntelligentTieringConfiguration, tiering);
    assert.equal((await s3.send(new ListBucketIntelligentTieringConfigurationsCommand({ Bucket }))).IntelligentTieringConfigurationList?.length, 1);
    const early = await rejectsWith(
      s3.send(new PutBucketIntelligentTieringConfigurationCommand({ Bucket, Id: "early", IntelligentTieringConfiguration: { ...tiering, Id: "early", Tierings: [{ Days: 60, AccessTier: "ARCHIVE_ACCESS" }] } })),
      "InvalidArgument",
      400,
    );
    assert.equal(early.message, "Days specified in ARCHIVE_ACCESS tier should not be less than 90.");
    await rejectsWith(
      s3.send(new PutBucketIntelligentTieringConfigurationCommand({ Bucket, Id: "odd", IntelligentTieringConfiguration: { ...tiering, Id: "odd", Tierings: [{ Days: 90, AccessTier: "toString" as never }] } })),
      "MalformedXML",
      400,
    );
    await s3.send(new DeleteBucketIntelligentTieringConfigurationCommand({ Bucket, Id: "archive" }));
    assert.equal((await s3.send(new ListBucketIntelligentTieringConfigurationsCommand({ Bucket }))).IntelligentTieringConfigurationList, undefined);
  });

  it("keeps storage class analysis configurations with their CSV export", async () => {
    const analytics = {
      Id: "classes",
      Filter: { Prefix: "logs/" },
      StorageClassAnalysis: { DataExport: { OutputSchemaVersion: "V_1" as const, Destination: { S3BucketDestination: { Format: "CSV" as const, Bucket: "arn:aws:s3:::reporting-bucket", Prefix: "analysis/" } } } },
    };
    await s3.send(new PutBucketAnalyticsConfigurationCommand({ Bucket, Id: "classes", AnalyticsConfiguration: analytics }));
    assert.deepEqual((await s3.send(new GetBucketAnalyticsConfigurationCommand({ Bucket, Id: "classes" }))).AnalyticsConfiguration, analytics);
    assert.deepEqual((await s3.send(new ListBucketAnalyticsConfigurationsCommand({ Bucket }))).AnalyticsConfigurationList?.map((c) => c.Id), ["classes"]);
    // Without its storage class analysis, or with an And of one predicate, it is not a configuration S3 takes.
    await rejectsWith(s3.send(new PutBucketAnalyticsConfigurationCommand({ Bucket, Id: "bare", AnalyticsConfiguration: { Id: "bare" } as never })), "MalformedXML", 400);
    await rejectsWith(
      s3.send(new PutBucketAnalyticsConfigurationCommand({ Bucket, Id: "one", AnalyticsConfiguration: { Id: "one", Filter: { And: { Prefix: "a/" } }, StorageClassAnalysis: {} } })),
      "MalformedXML",
      400,
    );
    await s3.send(new DeleteBucketAnalyticsConfigurationCommand({ Bucket, Id: "classes" }));
    await rejectsWith(s3.send(new DeleteBucketAnalyticsConfigurationCommand({ Bucket, Id: "classes" })), "NoSuchConfiguration", 404);
  });
});
