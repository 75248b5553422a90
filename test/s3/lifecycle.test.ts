import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketLifecycleCommand,
  DeleteObjectCommand,
  GetBucketLifecycleConfigurationCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  RestoreObjectCommand,
  S3Client,
  UploadPartCommand,
  type LifecycleRule,
} from "@aws-sdk/client-s3";
import { rawRequest } from "../support/raw.js";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";

const BUCKET = "lifecycle-bucket";
const DAY = 86_400_000;

describe("S3 bucket lifecycle configuration", () => {
  let t: TestCloud;
  let s3: S3Client;
  const put = (Rules: LifecycleRule[]) => s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket: BUCKET, LifecycleConfiguration: { Rules } }));

  before(async () => {
    t = await startCloud();
    s3 = t.s3();
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  });
  after(() => t.stop());

  it("keeps the rules as given, with the transition minimum size AWS answers, until deleted", async () => {
    await rejectsWith(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: BUCKET })), "NoSuchLifecycleConfiguration", 404);
    const rules: LifecycleRule[] = [
      { ID: "logs", Status: "Enabled", Filter: { Prefix: "logs/" }, Expiration: { Days: 30 }, Transitions: [{ Days: 0, StorageClass: "GLACIER" }] },
      { ID: "uploads", Status: "Disabled", Filter: {}, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } },
    ];
    const set = await put(rules);
    assert.equal(set.TransitionDefaultMinimumObjectSize, "all_storage_classes_128K");
    const got = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: BUCKET }));
    assert.deepEqual(got.Rules, rules);
    assert.equal(got.TransitionDefaultMinimumObjectSize, "all_storage_classes_128K");

    await s3.send(new DeleteBucketLifecycleCommand({ Bucket: BUCKET }));
    await rejectsWith(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: BUCKET })), "NoSuchLifecycleConfiguration", 404);
  });

  it("refuses rules S3 refuses", async () => {
    const days0 = await rejectsWith(put([{ ID: "a", Status: "Enabled", Filter: {}, Expiration: { Days: 0 } }]), "InvalidArgument", 400);
    assert.equal(days0.message, "'Days' for Expiration action must be a positive integer");
    const noon = await rejectsWith(put([{ ID: "a", Status: "Enabled", Filter: {}, Expiration: { Date: new Date("2030-01-01T12:00:00Z") } }]), "InvalidArgument", 400);
    assert.equal(noon.message, "'Date' must be at midnight GMT");
    await rejectsWith(put([{ ID: "a", Status: "enabled" as "Enabled", Filter: {}, Expiration: { Days: 1 } }]), "MalformedXML", 400);
    await rejectsWith(put([{ ID: "a", Status: "Enabled", Expiration: { Days: 1 } }]), "MalformedXML", 400);
    const same = [{ ID: "a", Status: "Enabled" as const, Filter: {}, Expiration: { Days: 1 } }];
    await rejectsWith(put([...same, ...same]), "InvalidArgument", 400);
    const tagged = await rejectsWith(
      put([{ ID: "a", Status: "Enabled", Filter: { Tag: { Key: "k", Value: "v" } }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }]),
      "InvalidRequest",
      400,
    );
    assert.equal(tagged.message, "AbortIncompleteMultipartUpload cannot be specified with Tags.");
    // Expiring before (or as) the transition is refused, in the words Terraform and CDK users quote from S3.
    const early = await rejectsWith(
      put([{ ID: "a", Status: "Enabled", Filter: { Prefix: "logs/" }, Transitions: [{ Days: 30, StorageClass: "STANDARD_IA" }], Expiration: { Days: 30 } }]),
      "InvalidArgument",
      400,
    );
    assert.equal(early.message, "'Days' in the Expiration action for filter '(prefix=logs/)' must be greater than 'Days' in the Transition action");
    await put([{ ID: "a", Status: "Enabled", Filter: {}, Transitions: [{ Days: 30, StorageClass: "STANDARD_IA" }], Expiration: { Days: 31 } }]);
    // A filter's tag has a key and a value in S3's schema (the model requires both).
    await rejectsWith(put([{ ID: "a", Status: "Enabled", Filter: { Tag: { Key: "k" } as { Key: string; Value: string } }, Expiration: { Days: 1 } }]), "MalformedXML", 400);
    const keyless = { And: { Prefix: "p/", Tags: [{ Value: "v" } as { Key: string; Value: string }] } };
    await rejectsWith(put([{ ID: "a", Status: "Enabled", Filter: keyless, Expiration: { Days: 1 } }]), "MalformedXML", 400);
    // Counts that would make the sweep destroy what it should keep.
    await rejectsWith(put([{ ID: "a", Status: "Enabled", Filter: {}, AbortIncompleteMultipartUpload: { DaysAfterInitiation: -1 } }]), "InvalidArgument", 400);
    await rejectsWith(put([{ ID: "a", Status: "Enabled", Filter: {}, NoncurrentVersionExpiration: { NewerNoncurrentVersions: -5 } }]), "InvalidArgument", 400);

    // A configuration document whose Content-MD5 is not its own is refused before it is read.
    const body = `<LifecycleConfiguration><Rule><ID>a</ID><Status>Enabled</Status><Filter/><Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>`;
    const wrong = await rawRequest(t.cloud.endpoint, { method: "PUT", path: `/${BUCKET}`, query: { lifecycle: "" }, body, headers: { "content-md5": "1B2M2Y8AsgTpgAmY7PhCfg==" } });
    assert.equal(wrong.status, 400);
    assert.match(wrong.body, /<Code>BadDigest<\/Code>/);
  });

  it("tells each object when a rule will expire it, and each upload when it will be aborted", async () => {
    await put([
      { ID: "temp files", Status: "Enabled", Filter: { Prefix: "tmp/" }, Expiration: { Days: 3 } },
      { ID: "stale uploads", Status: "Enabled", Filter: { Prefix: "" }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 2 } },
    ]);
    const written = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "tmp/scratch", Body: "x" }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "tmp/scratch" }));
    // Three days from creation, rounded up to the next midnight UTC.
    const expected = new Date(Math.floor((head.LastModified!.getTime() + 3 * DAY) / DAY) * DAY + DAY).toUTCString();
    assert.equal(written.Expiration, `expiry-date="${expected}", rule-id="temp%20files"`);
    assert.equal(head.Expiration, written.Expiration);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "kept", Body: "x" }));
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "kept" }))).Expiration, undefined);

    const upload = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: "big" }));
    assert.equal(upload.AbortRuleId, "stale uploads");
    assert.equal(upload.AbortDate?.getUTCHours(), 0);
  });
});

describe("S3 lifecycle rules applied as days pass", () => {
  let t: TestCloud;
  let offset = 0;
  const clock = () => Date.now() + offset;
  /** A client signing by Nimbus's clock, moved ahead. */
  const client = () => t.s3({ systemClockOffset: offset });
  /** The sweep runs on the first request after the clock moved; its effects land soon after. */
  const eventually = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 50; i++) {
      if (await check()) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.fail("the lifecycle sweep did not apply the rule");
  };

  before(async () => {
    t = await startCloud({ inMemory: true, clock });
  });
  after(() => t.stop());

  it("expires current objects, noncurrent versions and lone delete markers, and aborts stale uploads", async () => {
    const s3 = client();
    await s3.send(new CreateBucketCommand({ Bucket: "plain-sweep" }));
    await s3.send(new CreateBucketCommand({ Bucket: "versioned-sweep" }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: "versioned-sweep", VersioningConfiguration: { Status: "Enabled" } }));
    for (const Bucket of ["plain-sweep", "versioned-sweep"]) {
      await s3.send(
        new PutBucketLifecycleConfigurationCommand({
          Bucket,
          LifecycleConfiguration: {
            Rules: [
              { ID: "tmp", Status: "Enabled", Filter: { Prefix: "tmp/" }, Expiration: { Days: 1 } },
              { ID: "old versions", Status: "Enabled", Filter: {}, NoncurrentVersionExpiration: { NoncurrentDays: 1 } },
              { ID: "markers", Status: "Enabled", Filter: { Prefix: "gone/" }, Expiration: { ExpiredObjectDeleteMarker: true } },
              { ID: "uploads", Status: "Enabled", Filter: {}, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } },
              { ID: "cold", Status: "Enabled", Filter: { Prefix: "cold/" }, Transitions: [{ Days: 1, StorageClass: "GLACIER" }] },
            ],
          },
        }),
      );
      await s3.send(new PutObjectCommand({ Bucket, Key: "tmp/scratch", Body: "x" }));
      await s3.send(new PutObjectCommand({ Bucket, Key: "keep", Body: "old" }));
      await s3.send(new PutObjectCommand({ Bucket, Key: "keep", Body: "new" }));
      await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: "big" }));
    }
    // Under the default minimum (128 KB) an object transitions nowhere.
    await s3.send(new PutObjectCommand({ Bucket: "plain-sweep", Key: "cold/archive", Body: Buffer.alloc(130 * 1024, 1) }));
    await s3.send(new PutObjectCommand({ Bucket: "plain-sweep", Key: "cold/small", Body: "x" }));
    await s3.send(new PutObjectCommand({ Bucket: "versioned-sweep", Key: "gone/x", Body: "x" }));
    await s3.send(new DeleteObjectCommand({ Bucket: "versioned-sweep", Key: "gone/x" }));

    offset += 3 * DAY;
    const later = client();
    await eventually(async () => {
      const plain = await later.send(new ListObjectsV2Command({ Bucket: "plain-sweep" }));
      const uploads = await later.send(new ListMultipartUploadsCommand({ Bucket: "plain-sweep" }));
      return plain.Contents?.map((o) => `${o.Key}:${o.StorageClass}`).join() === "cold/archive:GLACIER,cold/small:STANDARD,keep:STANDARD" && uploads.Uploads === undefined;
    });
    // An archived object must be restored before it is read.
    await rejectsWith(later.send(new GetObjectCommand({ Bucket: "plain-sweep", Key: "cold/archive" })), "InvalidObjectState", 403);
    const versions = async (s3: S3Client) => {
      const out = await s3.send(new ListObjectVersionsCommand({ Bucket: "versioned-sweep" }));
      return [...(out.Versions ?? []), ...(out.DeleteMarkers ?? [])].map((v) => `${v.Key}:${"ETag" in v ? "version" : "marker"}:${v.IsLatest}`).sort();
    };
    // The expired current object became a delete marker over a kept version (noncurrent only from now);
    // the old version of `keep` and the version under `gone/x`'s marker are gone.
    const swept = ["gone/x:marker:true", "keep:version:true", "tmp/scratch:marker:true", "tmp/scratch:version:false"];
    await eventually(async () => (await versions(later)).join() === swept.join());
    // The next run finds gone/x's marker alone, and removes it.
    offset += 2 * 60_000;
    const next = client();
    await eventually(async () => (await versions(next)).join() === swept.slice(1).join());
    assert.equal(await (await later.send(new GetObjectCommand({ Bucket: "versioned-sweep", Key: "keep" }))).Body?.transformToString(), "new");
  });

  it("counts a version noncurrent from when it was replaced, not from when the upload replacing it began", async () => {
    const s3 = client();
    const Bucket = "upload-over-version";
    await s3.send(new CreateBucketCommand({ Bucket }));
    await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: "Enabled" } }));
    await s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket,
        LifecycleConfiguration: { Rules: [{ ID: "old versions", Status: "Enabled", Filter: {}, NoncurrentVersionExpiration: { NoncurrentDays: 3 } }] },
      }),
    );
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: "k" }));
    offset += 2 * DAY;
    const dayTwo = client();
    const { VersionId: written } = await dayTwo.send(new PutObjectCommand({ Bucket, Key: "k", Body: "written on day two" }));
    const part = await dayTwo.send(new UploadPartCommand({ Bucket, Key: "k", UploadId, PartNumber: 1, Body: "uploaded" }));
    // The completed object is dated day zero, when its upload began; the version it replaces is noncurrent from day two.
    await dayTwo.send(new CompleteMultipartUploadCommand({ Bucket, Key: "k", UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
    const kept = async (s3: S3Client) => ((await s3.send(new ListObjectVersionsCommand({ Bucket }))).Versions ?? []).some((v) => v.VersionId === written);
    offset += 2 * DAY;
    const dayFour = client();
    await dayFour.send(new ListObjectsV2Command({ Bucket }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(await kept(dayFour), true, "expired a day early");
    offset += 2 * DAY;
    const daySix = client();
    await eventually(async () => !(await kept(daySix)));
  });
});

describe("S3 RestoreObject", () => {
  let t: TestCloud;
  let s3: S3Client;
  before(async () => {
    t = await startCloud({ inMemory: true });
    s3 = t.s3();
    await s3.send(new CreateBucketCommand({ Bucket: "archive" }));
  });
  after(() => t.stop());

  it("makes an archived object readable for the days asked, and refuses objects not archived", async () => {
    await s3.send(new PutObjectCommand({ Bucket: "archive", Key: "cold", Body: "frozen", StorageClass: "GLACIER" }));
    await rejectsWith(s3.send(new GetObjectCommand({ Bucket: "archive", Key: "cold" })), "InvalidObjectState", 403);
    // Nor can it be copied out before it is restored.
    const frozen = await rejectsWith(s3.send(new CopyObjectCommand({ Bucket: "archive", Key: "thawed", CopySource: "archive/cold" })), "InvalidObjectState", 403);
    // S3's words (s3tools/s3cmd#193).
    assert.equal(frozen.message, "Operation is not valid for the source object's storage class");

    const listed = () => s3.send(new ListObjectsV2Command({ Bucket: "archive", OptionalObjectAttributes: ["RestoreStatus"] }));
    assert.equal((await listed()).Contents?.[0]?.RestoreStatus, undefined, "a copy never restored has no restore status");
    const first = await s3.send(new RestoreObjectCommand({ Bucket: "archive", Key: "cold", RestoreRequest: { Days: 2, GlacierJobParameters: { Tier: "Standard" } } }));
    assert.equal(first.$metadata.httpStatusCode, 202);
    const head = await s3.send(new HeadObjectCommand({ Bucket: "archive", Key: "cold" }));
    assert.match(head.Restore ?? "", /^ongoing-request="false", expiry-date="\w{3}, \d{2} \w{3} \d{4} 00:00:00 GMT"$/);
    // Listings tell the restore where asked to (x-amz-optional-object-attributes), and only then.
    const expiry = new Date(/expiry-date="([^"]+)"/.exec(head.Restore!)![1]!);
    assert.deepEqual((await listed()).Contents?.[0]?.RestoreStatus, { IsRestoreInProgress: false, RestoreExpiryDate: expiry });
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: "archive", OptionalObjectAttributes: ["RestoreStatus"] }));
    assert.deepEqual(versions.Versions?.[0]?.RestoreStatus, { IsRestoreInProgress: false, RestoreExpiryDate: expiry });
    assert.equal((await s3.send(new ListObjectsV2Command({ Bucket: "archive" }))).Contents?.[0]?.RestoreStatus, undefined);
    assert.equal(await (await s3.send(new GetObjectCommand({ Bucket: "archive", Key: "cold" }))).Body?.transformToString(), "frozen");
    const again = await s3.send(new RestoreObjectCommand({ Bucket: "archive", Key: "cold", RestoreRequest: { Days: 5 } }));
    assert.equal(again.$metadata.httpStatusCode, 200);

    await s3.send(new PutObjectCommand({ Bucket: "archive", Key: "warm", Body: "x" }));
    await rejectsWith(s3.send(new RestoreObjectCommand({ Bucket: "archive", Key: "warm", RestoreRequest: { Days: 1 } })), "InvalidObjectState", 403);
  });
});
