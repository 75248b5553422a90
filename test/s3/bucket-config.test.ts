/**
 * Bucket sub-resources a bucket without them answers as AWS does: the
 * defaults (versioning never enabled, SSE-S3, bucket-owner-enforced
 * ownership) or each one's "not configured" error; bucket tags, default
 * encryption and the owner's ACL are real; setting what Nimbus does not
 * model is a 501.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CreateBucketCommand,
  DeleteBucketEncryptionCommand,
  DeleteBucketTaggingCommand,
  GetBucketAccelerateConfigurationCommand,
  GetBucketAclCommand,
  GetBucketCorsCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLoggingCommand,
  GetBucketNotificationConfigurationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketReplicationCommand,
  GetBucketRequestPaymentCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetBucketWebsiteCommand,
  GetObjectAclCommand,
  GetObjectLockConfigurationCommand,
  GetPublicAccessBlockCommand,
  PutBucketAccelerateConfigurationCommand,
  PutBucketEncryptionCommand,
  PutBucketRequestPaymentCommand,
  PutBucketNotificationConfigurationCommand,
  PutBucketTaggingCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";

const Bucket = "config-bucket";

describe("S3 bucket configuration reads", () => {
  let t: TestCloud;
  let s3: S3Client;
  before(async () => {
    t = await startCloud();
    s3 = t.s3();
    await s3.send(new CreateBucketCommand({ Bucket }));
  });
  after(() => t.stop());

  it("answers AWS's defaults for a bucket configured with nothing", async () => {
    const versioning = await s3.send(new GetBucketVersioningCommand({ Bucket }));
    assert.equal(versioning.Status, undefined);
    const encryption = await s3.send(new GetBucketEncryptionCommand({ Bucket }));
    assert.deepEqual(encryption.ServerSideEncryptionConfiguration?.Rules, [
      { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" }, BucketKeyEnabled: false, BlockedEncryptionTypes: { EncryptionType: ["SSE-C"] } },
    ]);
    const ownership = await s3.send(new GetBucketOwnershipControlsCommand({ Bucket }));
    assert.deepEqual(ownership.OwnershipControls?.Rules, [{ ObjectOwnership: "BucketOwnerEnforced" }]);
    assert.equal((await s3.send(new GetBucketRequestPaymentCommand({ Bucket }))).Payer, "BucketOwner");
    assert.equal((await s3.send(new GetBucketLoggingCommand({ Bucket }))).LoggingEnabled, undefined);
    assert.equal((await s3.send(new GetBucketAccelerateConfigurationCommand({ Bucket }))).Status, undefined);
    assert.equal((await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket }))).TopicConfigurations, undefined);
    // New buckets block all public access, as AWS's have since April 2023.
    assert.deepEqual((await s3.send(new GetPublicAccessBlockCommand({ Bucket }))).PublicAccessBlockConfiguration, {
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
  });

  it("answers each missing configuration's own error", async () => {
    const cases: [Promise<unknown>, string, string][] = [
      [s3.send(new GetBucketCorsCommand({ Bucket })), "NoSuchCORSConfiguration", "The CORS configuration does not exist"],
      [s3.send(new GetBucketWebsiteCommand({ Bucket })), "NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration"],
      [s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket })), "NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist"],
      [s3.send(new GetObjectLockConfigurationCommand({ Bucket })), "ObjectLockConfigurationNotFoundError", "Object Lock configuration does not exist for this bucket"],
      [s3.send(new GetBucketReplicationCommand({ Bucket })), "ReplicationConfigurationNotFoundError", "The replication configuration was not found"],
      [s3.send(new GetBucketTaggingCommand({ Bucket })), "NoSuchTagSet", "The TagSet does not exist"],
    ];
    for (const [call, code, message] of cases) {
      const error = await rejectsWith(call, code, 404);
      assert.equal(error.message, message);
    }
    await rejectsWith(s3.send(new GetBucketVersioningCommand({ Bucket: "no-such-config-bucket" })), "NoSuchBucket", 404);
  });

  it("keeps bucket tags", async () => {
    await s3.send(new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet: [{ Key: "team", Value: "data" }, { Key: "env", Value: "dev" }] } }));
    assert.deepEqual((await s3.send(new GetBucketTaggingCommand({ Bucket }))).TagSet, [
      { Key: "team", Value: "data" },
      { Key: "env", Value: "dev" },
    ]);
    const tooMany = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: "v" }));
    const error = await rejectsWith(s3.send(new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet: tooMany } })), "InvalidTag", 400);
    assert.equal(error.message, "Bucket tag count cannot be greater than 50");
    await rejectsWith(s3.send(new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet: [{ Key: "a", Value: "1" }, { Key: "a", Value: "2" }] } })), "InvalidTag", 400);
    const del = await s3.send(new DeleteBucketTaggingCommand({ Bucket }));
    assert.equal(del.$metadata.httpStatusCode, 204);
    await rejectsWith(s3.send(new GetBucketTaggingCommand({ Bucket })), "NoSuchTagSet", 404);
  });

  it("answers the owner's full control as the ACL of buckets and objects", async () => {
    const acl = await s3.send(new GetBucketAclCommand({ Bucket }));
    assert.match(acl.Owner?.ID ?? "", /^[0-9a-f]{64}$/);
    assert.deepEqual(acl.Grants, [{ Grantee: { ID: acl.Owner?.ID, Type: "CanonicalUser" }, Permission: "FULL_CONTROL" }]);
    await s3.send(new PutObjectCommand({ Bucket, Key: "k", Body: "v" }));
    const objectAcl = await s3.send(new GetObjectAclCommand({ Bucket, Key: "k" }));
    assert.equal(objectAcl.Grants?.[0]?.Permission, "FULL_CONTROL");
    await rejectsWith(s3.send(new GetObjectAclCommand({ Bucket, Key: "missing" })), "NoSuchKey", 404);
  });

  it("sets default encryption to SSE-S3 or a KMS key, and deletes back to the default", async () => {
    const rules = (BucketKeyEnabled: boolean, SSEAlgorithm = "AES256", KMSMasterKeyID?: string) => ({
      Bucket,
      ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: SSEAlgorithm as "AES256", KMSMasterKeyID }, BucketKeyEnabled }] },
    });
    await s3.send(new PutBucketEncryptionCommand(rules(true)));
    const set = await s3.send(new GetBucketEncryptionCommand({ Bucket }));
    assert.deepEqual(set.ServerSideEncryptionConfiguration?.Rules, [
      { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" }, BucketKeyEnabled: true, BlockedEncryptionTypes: { EncryptionType: ["SSE-C"] } },
    ]);

    await s3.send(new PutBucketEncryptionCommand(rules(false, "aws:kms:dsse", "alias/key")));
    const kms = await s3.send(new GetBucketEncryptionCommand({ Bucket }));
    assert.deepEqual(kms.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault, { SSEAlgorithm: "aws:kms:dsse", KMSMasterKeyID: "alias/key" });
    const keyed = await rejectsWith(s3.send(new PutBucketEncryptionCommand(rules(false, "AES256", "alias/key"))), "InvalidArgument", 400);
    assert.equal(keyed.message, "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse");
    await rejectsWith(s3.send(new PutBucketEncryptionCommand(rules(false, "AES"))), "MalformedXML", 400);
    await rejectsWith(s3.send(new PutBucketEncryptionCommand({ Bucket, ServerSideEncryptionConfiguration: { Rules: [] } })), "MalformedXML", 400);

    assert.equal((await s3.send(new DeleteBucketEncryptionCommand({ Bucket }))).$metadata.httpStatusCode, 204);
    const reset = await s3.send(new GetBucketEncryptionCommand({ Bucket }));
    assert.equal(reset.ServerSideEncryptionConfiguration?.Rules?.[0]?.BucketKeyEnabled, false);
  });

  it("keeps who pays for requests and the acceleration status", async () => {
    await s3.send(new PutBucketRequestPaymentCommand({ Bucket, RequestPaymentConfiguration: { Payer: "Requester" } }));
    assert.equal((await s3.send(new GetBucketRequestPaymentCommand({ Bucket }))).Payer, "Requester");
    await s3.send(new PutBucketRequestPaymentCommand({ Bucket, RequestPaymentConfiguration: { Payer: "BucketOwner" } }));
    assert.equal((await s3.send(new GetBucketRequestPaymentCommand({ Bucket }))).Payer, "BucketOwner");
    await rejectsWith(s3.send(new PutBucketRequestPaymentCommand({ Bucket, RequestPaymentConfiguration: { Payer: "Nobody" as "Requester" } })), "MalformedXML", 400);

    await s3.send(new PutBucketAccelerateConfigurationCommand({ Bucket, AccelerateConfiguration: { Status: "Enabled" } }));
    assert.equal((await s3.send(new GetBucketAccelerateConfigurationCommand({ Bucket }))).Status, "Enabled");
    await s3.send(new CreateBucketCommand({ Bucket: "dotted.bucket" }));
    // The name is judged before the document, in the words S3 answers with (LocalStack's AWS-recorded snapshot).
    for (const Status of ["Enabled", "random"]) {
      const dotted = await rejectsWith(s3.send(new PutBucketAccelerateConfigurationCommand({ Bucket: "dotted.bucket", AccelerateConfiguration: { Status: Status as "Enabled" } })), "InvalidRequest", 400);
      assert.equal(dotted.message, "S3 Transfer Acceleration is not supported for buckets with periods (.) in their names");
    }
  });

  it("takes a notification configuration of none, as tools send to clear one", async () => {
    await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket, NotificationConfiguration: {} }));
    assert.deepEqual(Object.keys(await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket }))).filter((k) => k !== "$metadata"), []);
  });

  it("refuses to set a configuration it does not model", async () => {
    const error = await rejectsWith(
      s3.send(
        new PutBucketNotificationConfigurationCommand({
          Bucket,
          NotificationConfiguration: { QueueConfigurations: [{ QueueArn: "arn:aws:sqs:us-east-1:000000000000:events", Events: ["s3:ObjectCreated:*"] }] },
        }),
      ),
      "NotImplemented",
      501,
    );
    assert.match(error.message, /PutBucketNotificationConfiguration/);
  });
});
