/**
 * S3 replication: PutBucketReplication's checks, and new versions copied
 * to the destination as replicas with the same version id, the source
 * reading COMPLETED (or FAILED) and the replica REPLICA.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketReplicationCommand,
  DeleteObjectCommand,
  GetBucketReplicationCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketPolicyCommand,
  PutBucketReplicationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectLegalHoldCommand,
  PutObjectRetentionCommand,
  PutObjectTaggingCommand,
  type ReplicationRule,
  type S3Client,
} from "@aws-sdk/client-s3";
import { CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";

const ROLE = "arn:aws:iam::000000000000:role/replication";

/** A V2 rule to `destination`, everything or a prefix, delete markers too unless told. */
const rule = (destination: string, extra: Partial<ReplicationRule> = {}): ReplicationRule => ({
  Status: "Enabled",
  Priority: 1,
  Filter: {},
  DeleteMarkerReplication: { Status: "Enabled" },
  Destination: { Bucket: `arn:aws:s3:::${destination}` },
  ...extra,
});

/** Polls until `check` holds (replication is asynchronous). */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let i = 0; i < 100 && !check(value); i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    value = await read();
  }
  return value;
}

describe("S3 replication", () => {
  let t: TestCloud;
  let s3: S3Client;
  const versioned = async (Bucket: string) => {
    await s3.send(new CreateBucketCommand({ Bucket }));
    await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: "Enabled" } }));
  };
  before(async () => {
    t = await startCloud();
    s3 = t.s3();
    // The role a destination's bucket policy names must exist, as IAM resolves principals when a policy is saved.
    const iam = new IAMClient(t.cloud.clientConfig);
    const trust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }] };
    await iam.send(new CreateRoleCommand({ RoleName: "replication", AssumeRolePolicyDocument: JSON.stringify(trust) }));
    iam.destroy();
    await versioned("repl-source");
    await versioned("repl-dest");
  });
  after(() => t.stop());

  it("refuses a configuration on an unversioned bucket or to a destination that is missing or unversioned", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "repl-plain" }));
    const put = (Bucket: string, destination: string) =>
      s3.send(new PutBucketReplicationCommand({ Bucket, ReplicationConfiguration: { Role: ROLE, Rules: [rule(destination)] } }));
    const unversioned = await rejectsWith(put("repl-plain", "repl-dest"), "InvalidRequest", 400);
    assert.equal(unversioned.message, "Versioning must be 'Enabled' on the bucket to apply a replication configuration");
    await rejectsWith(put("repl-source", "repl-missing"), "InvalidRequest", 400);
    await rejectsWith(put("repl-source", "repl-plain"), "InvalidRequest", 400);
    const noPriority = { ...rule("repl-dest"), Priority: undefined };
    await rejectsWith(s3.send(new PutBucketReplicationCommand({ Bucket: "repl-source", ReplicationConfiguration: { Role: ROLE, Rules: [noPriority] } })), "InvalidRequest", 400);
    await rejectsWith(s3.send(new GetBucketReplicationCommand({ Bucket: "repl-source" })), "ReplicationConfigurationNotFoundError", 404);
  });

  it("copies each new version to the destination as a replica with its id, metadata and tags", async () => {
    await s3.send(new PutBucketReplicationCommand({ Bucket: "repl-source", ReplicationConfiguration: { Role: ROLE, Rules: [rule("repl-dest", { ID: "all" })] } }));
    const stored = await s3.send(new GetBucketReplicationCommand({ Bucket: "repl-source" }));
    assert.equal(stored.ReplicationConfiguration?.Rules?.[0]?.ID, "all");

    const put = await s3.send(new PutObjectCommand({ Bucket: "repl-source", Key: "docs/a.txt", Body: "replicate me", Metadata: { team: "blue" }, Tagging: "env=test" }));
    const source = await eventually(
      () => s3.send(new HeadObjectCommand({ Bucket: "repl-source", Key: "docs/a.txt" })),
      (head) => head.ReplicationStatus === "COMPLETED",
    );
    assert.equal(source.ReplicationStatus, "COMPLETED");
    const replica = await s3.send(new GetObjectCommand({ Bucket: "repl-dest", Key: "docs/a.txt" }));
    assert.equal(await replica.Body?.transformToString(), "replicate me");
    assert.deepEqual([replica.VersionId, replica.ETag, replica.ReplicationStatus, replica.Metadata?.team], [put.VersionId, put.ETag, "REPLICA", "blue"]);
    assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket: "repl-dest", Key: "docs/a.txt" }))).TagSet, [{ Key: "env", Value: "test" }]);

    // A change to the source's tags reaches the replica.
    await s3.send(new PutObjectTaggingCommand({ Bucket: "repl-source", Key: "docs/a.txt", Tagging: { TagSet: [{ Key: "env", Value: "prod" }] } }));
    const retagged = await eventually(
      () => s3.send(new GetObjectTaggingCommand({ Bucket: "repl-dest", Key: "docs/a.txt" })),
      (tags) => tags.TagSet?.[0]?.Value === "prod",
    );
    assert.deepEqual(retagged.TagSet, [{ Key: "env", Value: "prod" }]);
    assert.equal(retagged.VersionId, put.VersionId);

    // A delete marker follows where the rule says so; deleting a version by id is never replicated.
    await s3.send(new DeleteObjectCommand({ Bucket: "repl-source", Key: "docs/a.txt" }));
    const markers = await eventually(
      () => s3.send(new ListObjectVersionsCommand({ Bucket: "repl-dest", Prefix: "docs/" })),
      (listed) => (listed.DeleteMarkers ?? []).length === 1,
    );
    assert.equal(markers.DeleteMarkers?.length, 1);
    await s3.send(new DeleteObjectCommand({ Bucket: "repl-source", Key: "docs/a.txt", VersionId: put.VersionId }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal((await s3.send(new ListObjectVersionsCommand({ Bucket: "repl-dest", Prefix: "docs/" }))).Versions?.length, 1);
  });

  it("keeps a replica's own retention and legal hold when a tag change at the source is copied again", async () => {
    await versioned("repl-locked-source");
    await s3.send(new CreateBucketCommand({ Bucket: "repl-locked-dest", ObjectLockEnabledForBucket: true }));
    await s3.send(new PutBucketReplicationCommand({ Bucket: "repl-locked-source", ReplicationConfiguration: { Role: ROLE, Rules: [rule("repl-locked-dest", { ID: "all" })] } }));
    const { VersionId } = await s3.send(new PutObjectCommand({ Bucket: "repl-locked-source", Key: "k", Body: "data" }));
    const replica = () => s3.send(new HeadObjectCommand({ Bucket: "repl-locked-dest", Key: "k", VersionId }));
    await eventually(
      () => replica().catch(() => undefined),
      (head) => head?.ReplicationStatus === "REPLICA",
    );
    await s3.send(new PutObjectLegalHoldCommand({ Bucket: "repl-locked-dest", Key: "k", VersionId, LegalHold: { Status: "ON" } }));
    const until = new Date(Date.now() + 86_400_000);
    await s3.send(new PutObjectRetentionCommand({ Bucket: "repl-locked-dest", Key: "k", VersionId, Retention: { Mode: "COMPLIANCE", RetainUntilDate: until } }));
    await s3.send(new PutObjectTaggingCommand({ Bucket: "repl-locked-source", Key: "k", VersionId, Tagging: { TagSet: [{ Key: "t", Value: "1" }] } }));
    await eventually(
      () => s3.send(new GetObjectTaggingCommand({ Bucket: "repl-locked-dest", Key: "k", VersionId })),
      (tags) => tags.TagSet?.[0]?.Value === "1",
    );
    const after = await replica();
    assert.deepEqual([after.ObjectLockLegalHoldStatus, after.ObjectLockMode, after.ObjectLockRetainUntilDate?.getTime()], ["ON", "COMPLIANCE", until.getTime()]);
    await rejectsWith(s3.send(new DeleteObjectCommand({ Bucket: "repl-locked-dest", Key: "k", VersionId })), "AccessDenied", 403);
  });

  it("leaves keys outside every rule alone, marks what cannot be delivered FAILED, and refuses to suspend versioning", async () => {
    await versioned("repl-doomed");
    const rules = [rule("repl-dest", { ID: "logs", Filter: { Prefix: "logs/" } }), rule("repl-doomed", { ID: "tmp", Priority: 2, Filter: { Prefix: "tmp/" } })];
    await s3.send(new PutBucketReplicationCommand({ Bucket: "repl-source", ReplicationConfiguration: { Role: ROLE, Rules: rules } }));
    await s3.send(new PutObjectCommand({ Bucket: "repl-source", Key: "other/x", Body: "x" }));
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: "repl-source", Key: "other/x" }))).ReplicationStatus, undefined);

    await s3.send(new DeleteBucketCommand({ Bucket: "repl-doomed" }));
    await s3.send(new PutObjectCommand({ Bucket: "repl-source", Key: "tmp/y", Body: "y" }));
    const failed = await eventually(
      () => s3.send(new HeadObjectCommand({ Bucket: "repl-source", Key: "tmp/y" })),
      (head) => head.ReplicationStatus === "FAILED",
    );
    assert.equal(failed.ReplicationStatus, "FAILED");

    // Replicating into another account's bucket takes that bucket's consent: its policy allows the role s3:ReplicateObject.
    const other = t.s3({ credentials: { accessKeyId: "444444444444", secretAccessKey: "test" } });
    await other.send(new CreateBucketCommand({ Bucket: "repl-foreign" }));
    await other.send(new PutBucketVersioningCommand({ Bucket: "repl-foreign", VersioningConfiguration: { Status: "Enabled" } }));
    await s3.send(new PutBucketReplicationCommand({ Bucket: "repl-source", ReplicationConfiguration: { Role: ROLE, Rules: [rule("repl-foreign", { Filter: { Prefix: "x/" } })] } }));
    const replicated = (Key: string) => eventually(() => s3.send(new HeadObjectCommand({ Bucket: "repl-source", Key })), (head) => head.ReplicationStatus !== "PENDING");
    await s3.send(new PutObjectCommand({ Bucket: "repl-source", Key: "x/refused", Body: "x" }));
    assert.equal((await replicated("x/refused")).ReplicationStatus, "FAILED");
    const consent = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: ROLE }, Action: "s3:ReplicateObject", Resource: "arn:aws:s3:::repl-foreign/*" }] };
    await other.send(new PutBucketPolicyCommand({ Bucket: "repl-foreign", Policy: JSON.stringify(consent) }));
    await s3.send(new PutObjectCommand({ Bucket: "repl-source", Key: "x/allowed", Body: "x" }));
    assert.equal((await replicated("x/allowed")).ReplicationStatus, "COMPLETED");
    assert.equal((await other.send(new HeadObjectCommand({ Bucket: "repl-foreign", Key: "x/allowed" }))).ReplicationStatus, "REPLICA");
    const self = s3.send(new PutBucketReplicationCommand({ Bucket: "repl-source", ReplicationConfiguration: { Role: ROLE, Rules: [rule("repl-source")] } }));
    assert.equal((await rejectsWith(self, "InvalidRequest", 400)).message, "Destination bucket cannot be the same as the source bucket.");

    const suspend = new PutBucketVersioningCommand({ Bucket: "repl-source", VersioningConfiguration: { Status: "Suspended" } });
    await rejectsWith(s3.send(suspend), "InvalidBucketState", 409);
    await s3.send(new DeleteBucketReplicationCommand({ Bucket: "repl-source" }));
    await s3.send(suspend);
  });
});
