/**
 * S3 ACLs on buckets whose object ownership enables them: canned ACLs,
 * grant headers and AccessControlPolicy documents are kept and read back,
 * Block Public Access refuses or ignores public grants, and the grants are
 * enforced (anonymous readers of a public object, another account named by
 * its canonical id in strict mode).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeletePublicAccessBlockCommand,
  GetBucketAclCommand,
  GetObjectAclCommand,
  GetObjectCommand,
  PutBucketAclCommand,
  PutBucketOwnershipControlsCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutBucketWebsiteCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  UploadPartCommand,
  type BucketCannedACL,
  type Grant,
  type S3Client,
} from "@aws-sdk/client-s3";
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from "@aws-sdk/client-iam";
import { rawRequest } from "../support/raw.js";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";

const ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";
const AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
const LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery";

/** A grant as `<grantee> <permission>`, for comparing lists in order. */
const brief = (grants: Grant[] | undefined) => (grants ?? []).map((g) => `${g.Grantee?.Type === "Group" ? g.Grantee.URI : g.Grantee?.ID} ${g.Permission}`);

async function aclBucket(s3: S3Client, Bucket: string, open = true): Promise<string> {
  await s3.send(new CreateBucketCommand({ Bucket, ObjectOwnership: "ObjectWriter" }));
  if (open) await s3.send(new DeletePublicAccessBlockCommand({ Bucket }));
  const acl = await s3.send(new GetBucketAclCommand({ Bucket }));
  return acl.Owner!.ID!;
}

describe("S3 ACLs", () => {
  let t: TestCloud;
  let s3: S3Client;
  const anonymousGet = (path: string, query?: Record<string, string>) => rawRequest(t.cloud.endpoint, { method: "GET", path, query, anonymous: true });
  before(async () => {
    t = await startCloud();
    s3 = t.s3();
  });
  after(() => t.stop());

  it("keeps a bucket's canned ACL, lists its grants in S3's order and lets everyone list a public-read bucket", async () => {
    const owner = await aclBucket(s3, "acl-canned");
    assert.deepEqual(brief((await s3.send(new GetBucketAclCommand({ Bucket: "acl-canned" }))).Grants), [`${owner} FULL_CONTROL`]);
    assert.equal((await anonymousGet("/acl-canned")).status, 403);

    await s3.send(new PutBucketAclCommand({ Bucket: "acl-canned", ACL: "public-read" }));
    assert.deepEqual(brief((await s3.send(new GetBucketAclCommand({ Bucket: "acl-canned" }))).Grants), [`${owner} FULL_CONTROL`, `${ALL_USERS} READ`]);
    assert.equal((await anonymousGet("/acl-canned")).status, 200);

    await s3.send(new PutBucketAclCommand({ Bucket: "acl-canned", ACL: "log-delivery-write" as BucketCannedACL }));
    assert.deepEqual(brief((await s3.send(new GetBucketAclCommand({ Bucket: "acl-canned" }))).Grants), [
      `${owner} FULL_CONTROL`,
      `${LOG_DELIVERY} WRITE`,
      `${LOG_DELIVERY} READ_ACP`,
    ]);
    assert.equal((await anonymousGet("/acl-canned")).status, 403);
  });

  it("keeps the ACL an object is written with, and lets anyone read a public-read object until its ACL changes", async () => {
    const owner = await aclBucket(s3, "acl-objects");
    await s3.send(new PutObjectCommand({ Bucket: "acl-objects", Key: "open", Body: "hello", ACL: "public-read" }));
    const acl = await s3.send(new GetObjectAclCommand({ Bucket: "acl-objects", Key: "open" }));
    assert.equal(acl.Owner?.ID, owner);
    assert.deepEqual(brief(acl.Grants), [`${owner} FULL_CONTROL`, `${ALL_USERS} READ`]);
    const read = await anonymousGet("/acl-objects/open");
    assert.equal(read.status, 200);
    assert.equal(read.body, "hello");

    await s3.send(new PutObjectAclCommand({ Bucket: "acl-objects", Key: "open", ACL: "private" }));
    assert.deepEqual(brief((await s3.send(new GetObjectAclCommand({ Bucket: "acl-objects", Key: "open" }))).Grants), [`${owner} FULL_CONTROL`]);
    assert.equal((await anonymousGet("/acl-objects/open")).status, 403);

    // A copy gets the ACL its request names, not its source's; an upload, the one its creation named.
    await s3.send(new PutObjectCommand({ Bucket: "acl-objects", Key: "src", Body: "x", ACL: "public-read" }));
    await s3.send(new CopyObjectCommand({ Bucket: "acl-objects", Key: "copy", CopySource: "acl-objects/src" }));
    assert.deepEqual(brief((await s3.send(new GetObjectAclCommand({ Bucket: "acl-objects", Key: "copy" }))).Grants), [`${owner} FULL_CONTROL`]);
    await s3.send(new CopyObjectCommand({ Bucket: "acl-objects", Key: "copy", CopySource: "acl-objects/src", ACL: "authenticated-read" }));
    assert.deepEqual(brief((await s3.send(new GetObjectAclCommand({ Bucket: "acl-objects", Key: "copy" }))).Grants), [
      `${owner} FULL_CONTROL`,
      `${AUTHENTICATED_USERS} READ`,
    ]);
    // Authenticated users are signed callers: an anonymous one is still refused.
    assert.equal((await anonymousGet("/acl-objects/copy")).status, 403);

    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: "acl-objects", Key: "mp", ACL: "public-read" }));
    const { ETag } = await s3.send(new UploadPartCommand({ Bucket: "acl-objects", Key: "mp", UploadId, PartNumber: 1, Body: "part" }));
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: "acl-objects", Key: "mp", UploadId, MultipartUpload: { Parts: [{ ETag, PartNumber: 1 }] } }));
    assert.equal((await anonymousGet("/acl-objects/mp")).status, 200);

    // A website serves what its readers may read: the public-read object, not the private one.
    await s3.send(new PutBucketWebsiteCommand({ Bucket: "acl-objects", WebsiteConfiguration: { IndexDocument: { Suffix: "index.html" } } }));
    const site = (path: string) =>
      rawRequest(t.cloud.endpoint, { method: "GET", path, anonymous: true, headers: { host: `acl-objects.s3-website.localhost:${new URL(t.cloud.endpoint).port}` } });
    assert.equal((await site("/mp")).status, 200);
    assert.equal((await site("/open")).status, 403);
  });

  it("takes grant headers and AccessControlPolicy documents, and refuses grantees S3 cannot resolve", async () => {
    const owner = await aclBucket(s3, "acl-grants");
    await s3.send(new PutBucketAclCommand({ Bucket: "acl-grants", GrantRead: `uri="${ALL_USERS}"`, GrantFullControl: `id="${owner}"` }));
    assert.deepEqual(brief((await s3.send(new GetBucketAclCommand({ Bucket: "acl-grants" }))).Grants), [`${ALL_USERS} READ`, `${owner} FULL_CONTROL`]);

    const policy = (grants: Grant[], id = owner) => ({ Bucket: "acl-grants", AccessControlPolicy: { Owner: { ID: id }, Grants: grants } });
    await s3.send(
      new PutBucketAclCommand(
        policy([
          { Grantee: { Type: "CanonicalUser", ID: owner }, Permission: "FULL_CONTROL" },
          { Grantee: { Type: "Group", URI: AUTHENTICATED_USERS }, Permission: "READ_ACP" },
        ]),
      ),
    );
    assert.deepEqual(brief((await s3.send(new GetBucketAclCommand({ Bucket: "acl-grants" }))).Grants), [`${owner} FULL_CONTROL`, `${AUTHENTICATED_USERS} READ_ACP`]);

    const unknown = "f".repeat(64);
    await rejectsWith(s3.send(new PutBucketAclCommand({ Bucket: "acl-grants", GrantRead: `id="${unknown}"` })), "InvalidArgument", 400);
    await rejectsWith(s3.send(new PutBucketAclCommand({ Bucket: "acl-grants", GrantRead: "garbage" })), "InvalidArgument", 400);
    await rejectsWith(s3.send(new PutBucketAclCommand({ Bucket: "acl-grants", GrantRead: 'emailAddress="someone@example.com"' })), "UnresolvableGrantByEmailAddress", 400);
    await rejectsWith(s3.send(new PutBucketAclCommand({ Bucket: "acl-grants", GrantRead: 'uri="http://acs.amazonaws.com/groups/global/Nobody"' })), "InvalidArgument", 400);
    await rejectsWith(s3.send(new PutBucketAclCommand({ Bucket: "acl-grants", ACL: "public-read", GrantRead: `id="${owner}"` })), "InvalidRequest", 400);
    await rejectsWith(s3.send(new PutBucketAclCommand({ Bucket: "acl-grants", ACL: "public-reed" as BucketCannedACL })), "InvalidArgument", 400);
    await rejectsWith(s3.send(new PutBucketAclCommand({ Bucket: "acl-grants" })), "MissingSecurityHeader", 400);
    await rejectsWith(s3.send(new PutBucketAclCommand(policy([], unknown))), "InvalidArgument", 400);
    // An ACL cannot give the bucket to another account.
    const other = t.s3({ credentials: { accessKeyId: "111111111111", secretAccessKey: "test" } });
    await other.send(new CreateBucketCommand({ Bucket: "acl-theirs" }));
    const otherId = (await other.send(new GetBucketAclCommand({ Bucket: "acl-theirs" }))).Owner!.ID!;
    await rejectsWith(s3.send(new PutBucketAclCommand(policy([{ Grantee: { Type: "CanonicalUser", ID: otherId }, Permission: "FULL_CONTROL" }], otherId))), "AccessDenied", 403);
    // Nothing refused changed the ACL.
    assert.deepEqual(brief((await s3.send(new GetBucketAclCommand({ Bucket: "acl-grants" }))).Grants), [`${owner} FULL_CONTROL`, `${AUTHENTICATED_USERS} READ_ACP`]);
  });

  it("refuses public ACLs under BlockPublicAcls and leaves them unenforced under IgnorePublicAcls", async () => {
    await aclBucket(s3, "acl-blocked", false);
    await rejectsWith(s3.send(new PutBucketAclCommand({ Bucket: "acl-blocked", ACL: "public-read" })), "AccessDenied", 403);
    await rejectsWith(s3.send(new PutObjectCommand({ Bucket: "acl-blocked", Key: "k", Body: "x", ACL: "public-read" })), "AccessDenied", 403);
    await rejectsWith(s3.send(new PutObjectCommand({ Bucket: "acl-blocked", Key: "k", Body: "x", GrantRead: `uri="${AUTHENTICATED_USERS}"` })), "AccessDenied", 403);
    await s3.send(new PutObjectCommand({ Bucket: "acl-blocked", Key: "k", Body: "x", ACL: "private" }));
    await rejectsWith(s3.send(new GetObjectCommand({ Bucket: "acl-blocked", Key: "missing" })), "NoSuchKey", 404);

    const config = { BlockPublicAcls: false, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
    await s3.send(new PutPublicAccessBlockCommand({ Bucket: "acl-blocked", PublicAccessBlockConfiguration: config }));
    await s3.send(new PutObjectAclCommand({ Bucket: "acl-blocked", Key: "k", ACL: "public-read" }));
    assert.equal((await s3.send(new GetObjectAclCommand({ Bucket: "acl-blocked", Key: "k" }))).Grants?.length, 2);
    assert.equal((await anonymousGet("/acl-blocked/k")).status, 403);
    await s3.send(new PutPublicAccessBlockCommand({ Bucket: "acl-blocked", PublicAccessBlockConfiguration: { ...config, IgnorePublicAcls: false } }));
    assert.equal((await anonymousGet("/acl-blocked/k")).status, 200);
  });

  it("applies each version's own ACL, never lets a bucket WRITE grant remove versions, and takes keys literally", async () => {
    await aclBucket(s3, "acl-versions");
    await s3.send(new PutBucketVersioningCommand({ Bucket: "acl-versions", VersioningConfiguration: { Status: "Enabled" } }));
    const first = await s3.send(new PutObjectCommand({ Bucket: "acl-versions", Key: "k", Body: "private v1" }));
    const second = await s3.send(new PutObjectCommand({ Bucket: "acl-versions", Key: "k", Body: "public v2", ACL: "public-read" }));
    assert.equal((await anonymousGet("/acl-versions/k", { versionId: first.VersionId! })).status, 403);
    assert.equal((await anonymousGet("/acl-versions/k", { versionId: second.VersionId! })).body, "public v2");
    await s3.send(new PutObjectAclCommand({ Bucket: "acl-versions", Key: "k", VersionId: first.VersionId, ACL: "public-read" }));
    await s3.send(new PutObjectAclCommand({ Bucket: "acl-versions", Key: "k", ACL: "private" }));
    assert.equal((await anonymousGet("/acl-versions/k", { versionId: first.VersionId! })).body, "private v1");
    assert.equal((await anonymousGet("/acl-versions/k")).status, 403);

    await s3.send(new PutBucketAclCommand({ Bucket: "acl-versions", ACL: "public-read-write" }));
    const erase = await rawRequest(t.cloud.endpoint, { method: "DELETE", path: "/acl-versions/k", query: { versionId: first.VersionId! }, anonymous: true });
    assert.equal(erase.status, 403);
    assert.equal((await rawRequest(t.cloud.endpoint, { method: "PUT", path: "/acl-versions/anonymous", anonymous: true, body: "x" })).status, 200);
    // Setting an ACL takes the permission to set one, which WRITE does not give.
    const publicWrite = await rawRequest(t.cloud.endpoint, { method: "PUT", path: "/acl-versions/anonymous", anonymous: true, body: "x", headers: { "x-amz-acl": "public-read" } });
    assert.equal(publicWrite.status, 403);

    for (const Key of ["${aws:userid}", "a*b", "what?", "$dollar"]) {
      await s3.send(new PutObjectCommand({ Bucket: "acl-versions", Key, Body: Key, ACL: "public-read" }));
      assert.equal((await anonymousGet(`/acl-versions/${Key}`)).body, Key);
    }
    await s3.send(new PutObjectCommand({ Bucket: "acl-versions", Key: "aXb", Body: "private" }));
    assert.equal((await anonymousGet("/acl-versions/aXb")).status, 403);
  });

  it("refuses more than 100 grants, and lets another account write to a bucket without ACLs with the bucket owner's full control", async () => {
    const owner = await aclBucket(s3, "acl-limits");
    const grants = Array.from({ length: 101 }, () => ({ Grantee: { Type: "CanonicalUser" as const, ID: owner }, Permission: "READ" as const }));
    await rejectsWith(s3.send(new PutBucketAclCommand({ Bucket: "acl-limits", AccessControlPolicy: { Owner: { ID: owner }, Grants: grants } })), "MalformedACLError", 400);

    const other = t.s3({ credentials: { accessKeyId: "222222222222", secretAccessKey: "test" } });
    await s3.send(new CreateBucketCommand({ Bucket: "acl-disabled" }));
    const put = new PutObjectCommand({ Bucket: "acl-disabled", Key: "theirs", Body: "x", ACL: "bucket-owner-full-control" });
    await rejectsWith(other.send(put), "AccessDenied", 403);
    const Policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "222222222222" }, Action: ["s3:PutObject", "s3:PutObjectAcl"], Resource: "arn:aws:s3:::acl-disabled/*" }] });
    await s3.send(new PutBucketPolicyCommand({ Bucket: "acl-disabled", Policy }));
    await other.send(new PutObjectCommand({ Bucket: "acl-disabled", Key: "theirs", Body: "x", ACL: "bucket-owner-full-control" }));
    // With ACLs disabled the bucket owner owns every object.
    assert.equal((await s3.send(new GetObjectAclCommand({ Bucket: "acl-disabled", Key: "theirs" }))).Owner?.ID, (await s3.send(new GetBucketAclCommand({ Bucket: "acl-disabled" }))).Owner?.ID);
    await rejectsWith(other.send(new PutObjectCommand({ Bucket: "acl-disabled", Key: "theirs", Body: "x", ACL: "public-read" })), "AccessControlListNotSupported", 400);
  });

  it("stops applying ACLs once ownership is bucket-owner-enforced, which a bucket granting others cannot take", async () => {
    const owner = await aclBucket(s3, "acl-enforced");
    await s3.send(new PutObjectCommand({ Bucket: "acl-enforced", Key: "k", Body: "x", ACL: "public-read" }));
    await s3.send(new PutBucketAclCommand({ Bucket: "acl-enforced", ACL: "public-read" }));
    const enforce = new PutBucketOwnershipControlsCommand({ Bucket: "acl-enforced", OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] } });
    await rejectsWith(s3.send(enforce), "InvalidBucketAclWithObjectOwnership", 400);
    await s3.send(new PutBucketAclCommand({ Bucket: "acl-enforced", ACL: "private" }));
    await s3.send(enforce);
    assert.deepEqual(brief((await s3.send(new GetObjectAclCommand({ Bucket: "acl-enforced", Key: "k" }))).Grants), [`${owner} FULL_CONTROL`]);
    assert.equal((await anonymousGet("/acl-enforced/k")).status, 403);
    await rejectsWith(s3.send(new PutObjectAclCommand({ Bucket: "acl-enforced", Key: "k", ACL: "public-read" })), "AccessControlListNotSupported", 400);
    // An ACL of no grants would take the owner's own control away.
    const none = { Owner: { ID: owner }, Grants: [] };
    await rejectsWith(s3.send(new PutBucketAclCommand({ Bucket: "acl-enforced", AccessControlPolicy: none })), "AccessControlListNotSupported", 400);
    await rejectsWith(s3.send(new PutObjectCommand({ Bucket: "acl-enforced", Key: "k", Body: "x", ACL: "public-reed" as never })), "InvalidArgument", 400);
  });

  it("names the bucket owner as every object's owner once ACLs are disabled, those another account wrote before too", async () => {
    const owner = await aclBucket(s3, "acl-writer-owned");
    const writer = "111111111111";
    await s3.send(new PutBucketPolicyCommand({ Bucket: "acl-writer-owned", Policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: writer }, Action: "s3:PutObject", Resource: "arn:aws:s3:::acl-writer-owned/*" }] }) }));
    const other = t.s3({ credentials: { accessKeyId: writer, secretAccessKey: "test" } });
    await other.send(new PutObjectCommand({ Bucket: "acl-writer-owned", Key: "theirs", Body: "x" }));
    // The writer owns it: the bucket owner, without a grant, lists it under the writer's name.
    assert.notEqual((await s3.send(new ListObjectsV2Command({ Bucket: "acl-writer-owned", FetchOwner: true }))).Contents?.[0]?.Owner?.ID, owner);
    await s3.send(new PutBucketOwnershipControlsCommand({ Bucket: "acl-writer-owned", OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] } }));
    const acl = await s3.send(new GetObjectAclCommand({ Bucket: "acl-writer-owned", Key: "theirs" }));
    assert.equal(acl.Owner?.ID, owner);
    assert.deepEqual(brief(acl.Grants), [`${owner} FULL_CONTROL`]);
    assert.equal((await s3.send(new ListObjectsV2Command({ Bucket: "acl-writer-owned", FetchOwner: true }))).Contents?.[0]?.Owner?.ID, owner);
    assert.equal((await s3.send(new ListObjectVersionsCommand({ Bucket: "acl-writer-owned" }))).Versions?.[0]?.Owner?.ID, owner);
  });
});

describe("S3 ACLs in strict mode", () => {
  let t: TestCloud;
  before(async () => {
    t = await startCloud({ auth: "strict" });
  });
  after(() => t.stop());

  it("lets a caller with no policy of its own do what the grants to authenticated users allow, and nothing more", async () => {
    const owner = t.s3();
    const iam = new IAMClient(t.cloud.clientConfig);
    await iam.send(new CreateUserCommand({ UserName: "reader" }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: "reader" }))).AccessKey!;
    iam.destroy();
    const reader = t.s3({ credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! } });
    await owner.send(new CreateBucketCommand({ Bucket: "acl-shared", ObjectOwnership: "BucketOwnerPreferred" }));
    await owner.send(new DeletePublicAccessBlockCommand({ Bucket: "acl-shared" }));
    await owner.send(new PutObjectCommand({ Bucket: "acl-shared", Key: "k", Body: "shared" }));
    await rejectsWith(reader.send(new GetObjectCommand({ Bucket: "acl-shared", Key: "k" })), "AccessDenied", 403);

    await owner.send(new PutObjectAclCommand({ Bucket: "acl-shared", Key: "k", ACL: "authenticated-read" }));
    const read = await reader.send(new GetObjectCommand({ Bucket: "acl-shared", Key: "k" }));
    assert.equal(await read.Body?.transformToString(), "shared");
    await rejectsWith(reader.send(new GetObjectAclCommand({ Bucket: "acl-shared", Key: "k" })), "AccessDenied", 403);
    await rejectsWith(reader.send(new PutObjectCommand({ Bucket: "acl-shared", Key: "new", Body: "x" })), "AccessDenied", 403);

    // Naming a public ACL on a write takes s3:PutObjectAcl as well, which the reader's grants do not give.
    await owner.send(new PutBucketAclCommand({ Bucket: "acl-shared", GrantWrite: `uri="${AUTHENTICATED_USERS}"` }));
    await rejectsWith(reader.send(new PutObjectCommand({ Bucket: "acl-shared", Key: "new", Body: "x", ACL: "public-read" })), "AccessDenied", 403);
    await reader.send(new PutObjectCommand({ Bucket: "acl-shared", Key: "new", Body: "x" }));
    assert.equal((await rawRequest(t.cloud.endpoint, { method: "PUT", path: "/acl-shared/anon", anonymous: true, body: "x" })).status, 403);
  });
});
