#!/usr/bin/env python3
"""
S3 ACL conformance harness for Nimbus (boto3, standalone, no pytest, no skips, no name filters).

    python3 s3_acl.py

Environment:
    AWS_ENDPOINT_URL   REST endpoint (default http://127.0.0.1:4566); credentials test/test, us-east-1, path-style.

Buckets are made with ObjectOwnership=ObjectWriter and their (default, as on AWS) public access block is deleted
before public ACLs are tried; blocked cases are tested on purpose. Canonical IDs are read from the server.

Evidence tiers (each test names its tier and source; a hard check inside a test may name its own tier):
  A  = LocalStack test/snapshot validated against real AWS (exact assertions)
  B  = other real-AWS evidence: ceph/s3-tests (AWS-targeted, incl. its fails_on_aws comments quoting AWS XML),
       real AWS error text quoted in public issues (hard assertions)
  C  = AWS docs / inference (soft: WARN only, never fail)
"""
import base64
import hashlib
import http.client
import os
import re
import sys
import uuid
from urllib.parse import urlsplit

import boto3
from botocore import UNSIGNED
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from harness import Ctx, ENDPOINT_URL, Failure, REGION, S3, cleanup_bucket, client, conclude, err_of, expect_err, raw, run, test


LS = "LocalStack tests/aws/services/s3/test_s3.py + test_s3.snapshot.json (aws.validated, recorded Aug 2023)"
CEPH = "ceph/s3-tests s3tests_boto3/functional/test_s3.py (AWS-targeted, not fails_on_aws)"
CEPH_AWS = "ceph/s3-tests fails_on_aws comments quoting AWS: <Code>InvalidArgument</Code><Message>Invalid id</Message>"
CAPTURE = ("real-AWS errors quoted in issues: multer-s3#161, aws-controllers-k8s#1282, kops#15454, aws-cdk#25288, "
           "terraform-provider-aws#26164, Sleet#180, aws-sdk-js#3048")
DOCS = "AWS docs: acl-overview canned ACL table, object-ownership-error-responses, access-control-block-public-access"

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTH_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery"
FAKE_GROUP = "http://acs.amazonaws.com/groups/s3/FakeGroup"
EC2_EXEC_READ_ID = "6aa5a366c34c1cbe25dc49211496e913e0351eb0e8c37aa3477e40942ec6b97c"  # "za-team"
UNKNOWN_ID = "0123456789abcdef" * 4  # made-up 64-hex canonical user id
MALFORMED = "The XML you provided was not well-formed or did not validate against our published schema"
BOTH_KINDS = "Specifying both Canned ACLs and Header Grants is not allowed"
NO_ACLS = "The bucket does not allow ACLs"
ENFORCED = "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting"
BPA_CREATE = "Bucket cannot have public ACLs set with BlockPublicAccess enabled"
NOT_ALLOWED = "The specified method is not allowed against this resource."


ANON = client(signature_version=UNSIGNED)

# --------------------------------------------------------------------------------------------- helpers
def new_name():
    return f"nimbus-acl-{uuid.uuid4().hex[:20]}"

class Bucket:
    """Unique bucket; ObjectWriter ownership unless told; public access block removed unless public=False."""

    def __init__(self, ownership="ObjectWriter", public=True, versioned=False):
        self.name, self.ownership, self.public, self.versioned = new_name(), ownership, public, versioned

    def __enter__(self):
        S3.create_bucket(Bucket=self.name, **({"ObjectOwnership": self.ownership} if self.ownership else {}))
        if self.public:
            S3.delete_public_access_block(Bucket=self.name)
        if self.versioned:
            S3.put_bucket_versioning(Bucket=self.name, VersioningConfiguration={"Status": "Enabled"})
        return self.name

    def __exit__(self, *exc):
        cleanup_bucket(self.name)

def grants(resp):
    """Grants as (Type, ID|URI|Email, Permission) tuples, in the order the server listed them."""
    out = []
    for g in resp.get("Grants", []):
        ge = g["Grantee"]
        ident = {"CanonicalUser": ge.get("ID"), "Group": ge.get("URI")}.get(ge.get("Type"), ge.get("EmailAddress"))
        out.append((ge.get("Type"), ident, g["Permission"]))
    return out

def owner_fc(oid):
    return ("CanonicalUser", oid, "FULL_CONTROL")

def grp(uri, perm):
    return ("Group", uri, perm)

def owner_of(bucket):
    return S3.get_bucket_acl(Bucket=bucket)["Owner"]["ID"]

def soft_err(ctx, resp, status, code, what, message=None, **fields):
    if not ctx.soft(resp is not None, f"{what}: expected {status} {code}, but the call succeeded"):
        return
    e = resp["Error"]
    ctx.soft_eq((resp["ResponseMetadata"]["HTTPStatusCode"], e.get("Code")), (status, code), f"{what} status/code")
    if message is not None:
        ctx.soft_eq(e.get("Message"), message, f"{what} Message")
    for k, v in fields.items():
        ctx.soft_eq(e.get(k), v, f"{what} {k}")

def xml_field(text, tag):
    m = re.search(rf"<{tag}>(.*?)</{tag}>", text, re.S)
    return m.group(1) if m else None

# ============================================================================================= A: LocalStack
@test("A", LS + "::test_bucket_exists get-bucket-acl; test_s3_bucket_acl")
def bucket_acl_default_and_shape(ctx):
    with Bucket() as b:
        acl = S3.get_bucket_acl(Bucket=b)
        oid = S3.list_buckets()["Owner"]["ID"]
        ctx.eq(acl["Owner"]["ID"], oid, "GetBucketAcl Owner.ID == ListBuckets Owner.ID")
        ctx.eq(grants(acl), [owner_fc(oid)], "default bucket ACL")
        ge = acl["Grants"][0]["Grantee"]
        ctx.soft(re.fullmatch(r"[0-9a-f]{64}", oid) is not None, f"canonical id should be 64 lower-hex, got {oid!r}")
        if "DisplayName" in acl["Owner"]:  # AWS is dropping DisplayName (2025); when present it must agree
            ctx.soft_eq(ge.get("DisplayName"), acl["Owner"]["DisplayName"], "grantee DisplayName == Owner DisplayName")

@test("A", LS + "::test_s3_bucket_acl")
def bucket_acl_canned_grant_and_acp(ctx):
    with Bucket() as b:
        oid = owner_of(b)
        r = S3.put_bucket_acl(Bucket=b, ACL="public-read")
        ctx.eq(r["ResponseMetadata"]["HTTPStatusCode"], 200, "PutBucketAcl status")
        ctx.eq(grants(S3.get_bucket_acl(Bucket=b)), [owner_fc(oid), grp(ALL_USERS, "READ")], "public-read")
        S3.put_bucket_acl(Bucket=b, ACL="private")
        ctx.eq(grants(S3.get_bucket_acl(Bucket=b)), [owner_fc(oid)], "private")
        # a header grant REPLACES the ACL: the owner's FULL_CONTROL grant is gone
        S3.put_bucket_acl(Bucket=b, GrantRead=f'uri="{LOG_DELIVERY}"')
        acl = S3.get_bucket_acl(Bucket=b)
        ctx.eq(grants(acl), [grp(LOG_DELIVERY, "READ")], "GrantRead LogDelivery only")
        ctx.eq(acl["Owner"]["ID"], oid, "Owner unchanged")
        acp = {"Owner": {"ID": oid}, "Grants": [
            {"Grantee": {"ID": oid, "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"},
            {"Grantee": {"URI": LOG_DELIVERY, "Type": "Group"}, "Permission": "WRITE"}]}
        S3.put_bucket_acl(Bucket=b, AccessControlPolicy=acp)
        ctx.eq(grants(S3.get_bucket_acl(Bucket=b)), [owner_fc(oid), grp(LOG_DELIVERY, "WRITE")], "ACP document")

def _acl_exceptions(ctx, put, what):
    """The exception matrix shared by PutBucketAcl and PutObjectAcl (identical recorded answers on AWS)."""
    oid = S3.list_buckets()["Owner"]["ID"]

    def acp(owner, grantee, perm="FULL_CONTROL"):
        return {"AccessControlPolicy": dict({"Grants": [{"Grantee": grantee, "Permission": perm}]},
                                            **({"Owner": {"ID": owner}} if owner else {}))}
    log, fake = {"URI": LOG_DELIVERY, "Type": "Group"}, {"URI": FAKE_GROUP, "Type": "Group"}
    bad_id = ("InvalidArgument", "Invalid id", {"ArgumentName": "CanonicalUser/ID", "ArgumentValue": "wrong-id"})
    malformed = ("MalformedACLError", MALFORMED, {})
    cases = [  # (label, kwargs, (code, message, extra fields))
        ("ACL=fake-acl", {"ACL": "fake-acl"},
         ("InvalidArgument", None, {"ArgumentName": "x-amz-acl", "ArgumentValue": "fake-acl"})),
        ("grant fake uri", {"GrantWrite": f'uri="{FAKE_GROUP}"'},
         ("InvalidArgument", "Invalid group uri", {"ArgumentName": "uri", "ArgumentValue": FAKE_GROUP})),
        ("grant fake key", {"GrantWrite": 'fakekey="1234"'}, ("InvalidArgument", "Argument format not recognized",
                                                              {"ArgumentName": "x-amz-grant-write",
                                                               "ArgumentValue": 'fakekey="1234"'})),
        ("grant wrong id", {"GrantWrite": 'id="wrong-id"'},
         ("InvalidArgument", "Invalid id", {"ArgumentName": "id", "ArgumentValue": "wrong-id"})),
        ("ACP without Owner", acp(None, log, "WRITE"), malformed),
        ("ACP bad permission", acp(oid, log, "WRONG-PERMISSION"), malformed),
        ("ACP Owner wrong-id", acp("wrong-id", log), bad_id),
        ("ACP fake group", acp(oid, fake), ("InvalidArgument", "Invalid group uri",
                                            {"ArgumentName": "Group/URI", "ArgumentValue": FAKE_GROUP})),
        ("ACP grantee wrong-id", acp(oid, {"ID": "wrong-id", "Type": "CanonicalUser"}), bad_id),
        ("ACP grantee BadType", acp(oid, {"ID": "wrong-id", "Type": "BadType"}), malformed),
        ("empty ACP", {"AccessControlPolicy": {}}, malformed),
        ("no ACL at all", {}, ("MissingSecurityHeader", "Your request was missing a required header",
                               {"MissingHeaderName": "x-amz-acl"})),
        ("canned + grant header", {"ACL": "private", "GrantRead": f'uri="{LOG_DELIVERY}"'},
         ("InvalidRequest", BOTH_KINDS, {})),
        ("canned + ACP body", dict(acp(oid, {"ID": oid, "Type": "CanonicalUser"}), ACL="private"),
         ("UnexpectedContent", "This request does not support content", {})),
    ]
    for label, kw, (code, message, fields) in cases:
        expect_err(ctx, err_of(put, **kw), 400, code, f"{what} {label}", message=message, **fields)

@test("A", LS + "::test_s3_bucket_acl_exceptions")
def bucket_acl_exceptions(ctx):
    with Bucket() as b:
        _acl_exceptions(ctx, lambda **kw: S3.put_bucket_acl(Bucket=b, **kw), "PutBucketAcl")
        ctx.eq(grants(S3.get_bucket_acl(Bucket=b)), [owner_fc(owner_of(b))], "ACL untouched by failed puts")

@test("A", LS + "::test_s3_object_acl_exceptions")
def object_acl_exceptions(ctx):
    with Bucket() as b:
        S3.put_object(Bucket=b, Key="k")
        expect_err(ctx, err_of(S3.put_object, Bucket=b, Key="k", ACL="fake-acl"), 400, "InvalidArgument",
                   "PutObject ACL=fake-acl", message=None, ArgumentName="x-amz-acl", ArgumentValue="fake-acl")
        _acl_exceptions(ctx, lambda **kw: S3.put_object_acl(Bucket=b, Key="k", **kw), "PutObjectAcl")

@test("A", LS + "::test_s3_object_acl")
def object_acl_canned_grant_and_acp(ctx):
    with Bucket() as b:
        oid = owner_of(b)
        ctx.eq(S3.put_object(Bucket=b, Key="k")["ResponseMetadata"]["HTTPStatusCode"], 200, "PutObject")
        acl = S3.get_object_acl(Bucket=b, Key="k")
        ctx.eq((acl["Owner"]["ID"], grants(acl)), (oid, [owner_fc(oid)]), "default object ACL")
        r = S3.put_object_acl(Bucket=b, Key="k", ACL="public-read")
        ctx.eq(r["ResponseMetadata"]["HTTPStatusCode"], 200, "PutObjectAcl status")
        ctx.eq(grants(S3.get_object_acl(Bucket=b, Key="k")), [owner_fc(oid), grp(ALL_USERS, "READ")], "public-read")
        S3.put_object_acl(Bucket=b, Key="k", GrantRead=f'uri="{LOG_DELIVERY}"')
        ctx.eq(grants(S3.get_object_acl(Bucket=b, Key="k")), [grp(LOG_DELIVERY, "READ")], "GrantRead replaces ACL")
        acp = {"Owner": {"ID": oid}, "Grants": [
            {"Grantee": {"ID": oid, "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"},
            {"Grantee": {"URI": LOG_DELIVERY, "Type": "Group"}, "Permission": "WRITE"}]}
        S3.put_object_acl(Bucket=b, Key="k", AccessControlPolicy=acp)
        ctx.eq(grants(S3.get_object_acl(Bucket=b, Key="k")), [owner_fc(oid), grp(LOG_DELIVERY, "WRITE")], "ACP")

@test("A", LS + "::test_s3_multipart_upload_acls")
def object_acl_not_inherited_and_multipart(ctx):
    with Bucket() as b:
        oid = owner_of(b)
        S3.put_bucket_acl(Bucket=b, ACL="public-read")
        S3.put_object(Bucket=b, Key="k0", Body=b"something")
        ctx.eq(grants(S3.get_object_acl(Bucket=b, Key="k0")), [owner_fc(oid)], "object does not inherit bucket ACL")
        up = S3.create_multipart_upload(Bucket=b, Key="k2", ACL="public-read-write")
        part = S3.upload_part(Bucket=b, Key="k2", UploadId=up["UploadId"], PartNumber=1, Body=b"x" * 10)
        S3.complete_multipart_upload(Bucket=b, Key="k2", UploadId=up["UploadId"],
                                     MultipartUpload={"Parts": [{"ETag": part["ETag"], "PartNumber": 1}]})
        ctx.eq(grants(S3.get_object_acl(Bucket=b, Key="k2")),
               [owner_fc(oid), grp(ALL_USERS, "READ"), grp(ALL_USERS, "WRITE")], "MPU public-read-write ACL")

@test("A", LS + "::test_get_object_with_anon_credentials")
def anonymous_get_public_read_object(ctx):
    with Bucket() as b:
        S3.put_bucket_acl(Bucket=b, ACL="public-read")
        S3.put_object(Bucket=b, Key="pub", Body=b"body data")
        S3.put_object_acl(Bucket=b, Key="pub", ACL="public-read")
        r = ANON.get_object(Bucket=b, Key="pub")
        ctx.eq((r["ResponseMetadata"]["HTTPStatusCode"], r["Body"].read()), (200, b"body data"), "anonymous GET")

@test("A", LS + "::test_put_object_acl_on_delete_marker")
def object_acl_on_delete_marker(ctx):
    with Bucket(versioned=True) as b:
        S3.put_object(Bucket=b, Key="k", Body=b"v1")
        dm = S3.delete_object(Bucket=b, Key="k")["VersionId"]
        for kw, what in (({}, "latest is a delete marker"), ({"VersionId": dm}, "delete marker version")):
            expect_err(ctx, err_of(S3.put_object_acl, Bucket=b, Key="k", ACL="private", **kw), 405,
                       "MethodNotAllowed", f"PutObjectAcl, {what}", message=NOT_ALLOWED, Method="PUT",
                       ResourceType="DeleteMarker")
        expect_err(ctx, err_of(S3.get_object_acl, Bucket=b, Key="k"), 404, "NoSuchKey", "GetObjectAcl latest DM",
                   message="The specified key does not exist.", Key="k")
        expect_err(ctx, err_of(S3.get_object_acl, Bucket=b, Key="k", VersionId=dm), 405, "MethodNotAllowed",
                   "GetObjectAcl DM version", message=NOT_ALLOWED, Method="GET", ResourceType="DeleteMarker")

# ============================================================================================= B: canned ACL table
@test("B", CEPH + " test_bucket_acl_canned_* / test_object_acl_canned_*; order per LS (owner first) [C]")
def canned_acls_expand(ctx):
    with Bucket() as b:
        oid = owner_of(b)
        S3.put_object(Bucket=b, Key="k")
        cases = [  # (canned, expected grants after the owner's FULL_CONTROL, tier)
            ("public-read-write", [grp(ALL_USERS, "READ"), grp(ALL_USERS, "WRITE")], "B"),
            ("authenticated-read", [grp(AUTH_USERS, "READ")], "B"),
            ("aws-exec-read", [("CanonicalUser", EC2_EXEC_READ_ID, "READ")], "C"),
        ]
        for canned, extra, tier in cases:
            for kind, put, get in (
                    ("bucket", lambda a: S3.put_bucket_acl(Bucket=b, ACL=a), lambda: S3.get_bucket_acl(Bucket=b)),
                    ("object", lambda a: S3.put_object(Bucket=b, Key="k", ACL=a),
                     lambda: S3.get_object_acl(Bucket=b, Key="k"))):
                put(canned)
                got = grants(get())
                want = [owner_fc(oid)] + extra
                if tier == "C":
                    ctx.soft_eq(sorted(got), sorted(want), f"{kind} {canned} grants (za-team READ, docs/captures)")
                else:
                    ctx.eq(sorted(got), sorted(want), f"{kind} {canned} grants")
                ctx.soft_eq(got, want, f"{kind} {canned} grant order (owner first, as LS snapshots)")
        # log-delivery-write (bucket only in the docs table): LogDelivery WRITE + READ_ACP
        S3.put_bucket_acl(Bucket=b, ACL="log-delivery-write")
        got = grants(S3.get_bucket_acl(Bucket=b))
        ctx.soft_eq(sorted(got), sorted([owner_fc(oid), grp(LOG_DELIVERY, "WRITE"), grp(LOG_DELIVERY, "READ_ACP")]),
                    "bucket log-delivery-write grants")
        # bucket-owner-* on a bucket: "Amazon S3 ignores it" -> owner FULL_CONTROL only
        for canned in ("bucket-owner-read", "bucket-owner-full-control"):
            r = err_of(S3.put_bucket_acl, Bucket=b, ACL=canned)
            if ctx.soft(r is None, f"PutBucketAcl {canned} should be accepted, got {r and r['Error']}"):
                ctx.soft_eq(grants(S3.get_bucket_acl(Bucket=b)), [owner_fc(oid)], f"bucket {canned} is ignored")

@test("C", DOCS + " (bucket-owner-* when the writer is the bucket owner)")
def bucket_owner_canned_same_account(ctx):
    with Bucket() as b:
        oid = owner_of(b)
        for canned in ("bucket-owner-read", "bucket-owner-full-control"):
            S3.put_object(Bucket=b, Key=canned, ACL=canned)
            got = grants(S3.get_object_acl(Bucket=b, Key=canned))
            ctx.soft(got and got[0] == owner_fc(oid), f"{canned}: first grant owner FULL_CONTROL, got {got}")
            ctx.soft(all(g[1] == oid for g in got) and 1 <= len(got) <= 2,
                     f"{canned}: only owner grants (1, or 2 if S3 does not merge), got {got}")

@test("B", CEPH + " test_object_header_acl_grants / test_bucket_header_acl_grants (grantee = owner here)")
def header_grants(ctx):
    with Bucket() as b:
        oid = owner_of(b)
        S3.put_object(Bucket=b, Key="k", GrantRead=f'id="{oid}"', GrantReadACP=f'uri="{AUTH_USERS}"',
                      GrantWriteACP=f'id="{oid}"', GrantFullControl=f'id="{oid}"')
        got = grants(S3.get_object_acl(Bucket=b, Key="k"))
        want = [("CanonicalUser", oid, "READ"), grp(AUTH_USERS, "READ_ACP"), ("CanonicalUser", oid, "WRITE_ACP"),
                ("CanonicalUser", oid, "FULL_CONTROL")]
        ctx.eq(sorted(got), sorted(want), "PutObject grant headers: exactly the granted set, no implicit owner grant")
        S3.put_bucket_acl(Bucket=b, GrantRead=f'uri="{ALL_USERS}", id="{oid}"', GrantWrite=f'uri="{LOG_DELIVERY}"')
        got = grants(S3.get_bucket_acl(Bucket=b))
        ctx.soft_eq(sorted(got), sorted([grp(ALL_USERS, "READ"), ("CanonicalUser", oid, "READ"),
                                         grp(LOG_DELIVERY, "WRITE")]), "comma-separated grantees in one header")

@test("B", CEPH_AWS + "; CEPH test_bucket_acl_grant_nonexist_user (400 InvalidArgument)")
def grant_unknown_canonical_user(ctx):
    with Bucket() as b:
        oid = owner_of(b)
        S3.put_object(Bucket=b, Key="k")
        acp = {"Owner": {"ID": oid}, "Grants": [
            {"Grantee": {"ID": oid, "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"},
            {"Grantee": {"ID": UNKNOWN_ID, "Type": "CanonicalUser"}, "Permission": "READ"}]}
        for what, fn, kw in (("PutBucketAcl", S3.put_bucket_acl, {}), ("PutObjectAcl", S3.put_object_acl,
                                                                         {"Key": "k"})):
            expect_err(ctx, err_of(fn, Bucket=b, AccessControlPolicy=acp, **kw), 400, "InvalidArgument",
                       f"{what} ACP unknown id", message="Invalid id", ArgumentName="CanonicalUser/ID",
                       ArgumentValue=UNKNOWN_ID)
            soft_err(ctx, err_of(fn, Bucket=b, GrantRead=f'id="{UNKNOWN_ID}"', **kw), 400, "InvalidArgument",
                     f"{what} header unknown id", message="Invalid id", ArgumentName="id", ArgumentValue=UNKNOWN_ID)
        r = err_of(S3.put_bucket_acl, Bucket=b, AccessControlPolicy=dict(acp, Owner={"ID": UNKNOWN_ID}))
        got = r and (r["ResponseMetadata"]["HTTPStatusCode"], r["Error"]["Code"])  # AWS answer not recorded
        ctx.soft(got in ((400, "InvalidArgument"), (403, "AccessDenied")), f"ACP Owner = unknown 64-hex id -> {got}")
        ctx.eq(grants(S3.get_bucket_acl(Bucket=b)), [owner_fc(oid)], "ACL untouched")

@test("B", CEPH + " test_bucket_acl_grant_email_not_exist (400 UnresolvableGrantByEmailAddress)")
def grant_by_unknown_email(ctx):
    with Bucket() as b:
        oid = owner_of(b)
        acp = {"Owner": {"ID": oid}, "Grants": [
            {"Grantee": {"ID": oid, "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"},
            {"Grantee": {"EmailAddress": "doesnotexist@example.invalid", "Type": "AmazonCustomerByEmail"},
             "Permission": "FULL_CONTROL"}]}
        r = err_of(S3.put_bucket_acl, Bucket=b, AccessControlPolicy=acp)
        expect_err(ctx, r, 400, "UnresolvableGrantByEmailAddress", "ACP AmazonCustomerByEmail")
        ctx.soft_eq(r["Error"].get("Message"), "The e-mail address you provided does not match any account on record.",
                    "UnresolvableGrantByEmailAddress Message (AWS error-code list)")
        soft_err(ctx, err_of(S3.put_bucket_acl, Bucket=b, GrantRead='emailAddress="doesnotexist@example.invalid"'),
                 400, "UnresolvableGrantByEmailAddress", "header emailAddress grant")

@test("B", CEPH + " test_bucket_acl_revoke_all")
def revoke_all_grants(ctx):
    with Bucket() as b:
        oid = owner_of(b)
        S3.put_bucket_acl(Bucket=b, AccessControlPolicy={"Owner": {"ID": oid}, "Grants": []})
        acl = S3.get_bucket_acl(Bucket=b)
        ctx.eq((acl["Owner"]["ID"], acl.get("Grants", [])), (oid, []), "empty AccessControlList read back empty")
        r = err_of(S3.get_bucket_acl, Bucket=b)
        ctx.eq(r, None, "owner keeps READ_ACP implicitly")
        S3.put_bucket_acl(Bucket=b, ACL="private")
        ctx.eq(grants(S3.get_bucket_acl(Bucket=b)), [owner_fc(oid)], "owner keeps WRITE_ACP implicitly")

@test("C", "inferred from LS test_s3_*_acl_exceptions and AWS docs")
def other_malformed_inputs(ctx):
    with Bucket() as b:
        S3.put_object(Bucket=b, Key="k")
        soft_err(ctx, err_of(S3.put_bucket_acl, Bucket=b, GrantRead="garbage"), 400, "InvalidArgument",
                 "x-amz-grant-read: garbage", message="Argument format not recognized",
                 ArgumentName="x-amz-grant-read", ArgumentValue="garbage")
        soft_err(ctx, err_of(S3.put_object, Bucket=b, Key="k2", ACL="public-read", GrantRead=f'uri="{ALL_USERS}"'),
                 400, "InvalidRequest", "PutObject canned + grant header", message=BOTH_KINDS)
        soft_err(ctx, err_of(S3.put_object_acl, Bucket=b, Key="missing", ACL="private"), 404, "NoSuchKey",
                 "PutObjectAcl missing key")
        body = b'<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>x</ID>'
        status, text = raw("PUT", b, "acl", body=body)
        ctx.soft((status, xml_field(text, "Code")) in ((400, "MalformedACLError"), (400, "MalformedXML")),
                 f"truncated ACP XML -> {status} {xml_field(text, 'Code')} (MalformedACLError per LS empty ACP)")
        ctx.soft_eq(xml_field(text, "Message"), MALFORMED, "truncated ACP XML Message")
        name = new_name()
        try:
            soft_err(ctx, err_of(S3.create_bucket, Bucket=name, ObjectOwnership="ObjectWriter", ACL="bogus"), 400,
                     "InvalidArgument", "CreateBucket x-amz-acl: bogus", ArgumentName="x-amz-acl",
                     ArgumentValue="bogus")
        finally:
            cleanup_bucket(name)

@test("C", "AWS API reference GetBucketAcl example (raw XML shape)")
def raw_acl_xml_shape(ctx):
    with Bucket() as b:
        S3.put_bucket_acl(Bucket=b, ACL="public-read")
        status, text = raw("GET", b, "acl")
        ctx.eq(status, 200, "GET ?acl status", tier="B")
        ctx.soft('<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' in text,
                 f"root element with S3 namespace: {text[:200]!r}")
        ctx.soft(re.search(r'<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                           r'xsi:type="CanonicalUser"><ID>[0-9a-f]+</ID>', text) is not None,
                 "CanonicalUser grantee carries xmlns:xsi + xsi:type, ID first")
        ctx.soft(f'xsi:type="Group"><URI>{ALL_USERS}</URI></Grantee><Permission>READ</Permission>' in text,
                 "Group grantee has only <URI>")
        ctx.soft(re.search(r"<Owner><ID>[0-9a-f]+</ID>(<DisplayName>[^<]*</DisplayName>)?</Owner>", text)
                 is not None, "Owner is <ID> then optional <DisplayName>")

# ============================================================================================= B: anonymous access
@test("B", CEPH + " test_bucket_list_objects_anonymous / test_access_bucket_publicread_object_private")
def anonymous_list_public_bucket(ctx):
    with Bucket() as b:
        S3.put_object(Bucket=b, Key="private-obj", Body=b"x")
        expect_err(ctx, err_of(ANON.list_objects_v2, Bucket=b), 403, "AccessDenied", "anon list private bucket")
        S3.put_bucket_acl(Bucket=b, ACL="public-read")
        keys = [o["Key"] for o in ANON.list_objects_v2(Bucket=b).get("Contents", [])]
        ctx.eq(keys, ["private-obj"], "anonymous ListObjectsV2 of public-read bucket")
        expect_err(ctx, err_of(ANON.get_object, Bucket=b, Key="private-obj"), 403, "AccessDenied",
                   "anon GET of private object in public-read bucket")
        expect_err(ctx, err_of(ANON.put_object, Bucket=b, Key="anon", Body=b"x"), 403, "AccessDenied",
                   "anon PUT into public-read bucket")
        S3.put_object(Bucket=b, Key="auth", Body=b"a", ACL="authenticated-read")
        expect_err(ctx, err_of(ANON.get_object, Bucket=b, Key="auth"), 403, "AccessDenied",
                   "anon GET authenticated-read object (AllUsers is not AuthenticatedUsers)")
        S3.put_object_acl(Bucket=b, Key="private-obj", ACL="public-read")
        expect_err(ctx, err_of(ANON.get_object_acl, Bucket=b, Key="private-obj"), 403, "AccessDenied",
                   "anon GetObjectAcl of a public-read object (READ is not READ_ACP)")
        S3.put_bucket_acl(Bucket=b, ACL="public-read-write")
        r = ANON.put_object(Bucket=b, Key="anon", Body=b"x")
        ctx.eq(r["ResponseMetadata"]["HTTPStatusCode"], 200, "anon PUT into public-read-write bucket")

# ============================================================================================= Block Public Access
@test("B", CEPH + " test_block_public_put_bucket_acls / test_block_public_object_canned_acls; msg " + CAPTURE)
def block_public_acls(ctx):
    with Bucket() as b:
        oid = owner_of(b)
        S3.put_object(Bucket=b, Key="k")
        S3.put_public_access_block(Bucket=b, PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": False, "BlockPublicPolicy": False,
            "RestrictPublicBuckets": False})
        for canned in ("public-read", "public-read-write", "authenticated-read"):
            expect_err(ctx, err_of(S3.put_bucket_acl, Bucket=b, ACL=canned), 403, "AccessDenied",
                       f"PutBucketAcl {canned}", message="Access Denied")
            expect_err(ctx, err_of(S3.put_object, Bucket=b, Key="n-" + canned, Body=b"", ACL=canned), 403,
                       "AccessDenied", f"PutObject {canned}", message="Access Denied")
            soft_err(ctx, err_of(S3.put_object_acl, Bucket=b, Key="k", ACL=canned), 403, "AccessDenied",
                     f"PutObjectAcl {canned}", message="Access Denied")
        soft_err(ctx, err_of(S3.put_bucket_acl, Bucket=b, GrantRead=f'uri="{ALL_USERS}"'), 403, "AccessDenied",
                 "PutBucketAcl public grant header")
        acp = {"Owner": {"ID": oid}, "Grants": [{"Grantee": {"URI": AUTH_USERS, "Type": "Group"},
                                                  "Permission": "READ"}]}
        soft_err(ctx, err_of(S3.put_object_acl, Bucket=b, Key="k", AccessControlPolicy=acp), 403, "AccessDenied",
                 "PutObjectAcl public ACP")
        ctx.eq(grants(S3.get_bucket_acl(Bucket=b)), [owner_fc(oid)], "bucket ACL unchanged")
        ctx.eq(grants(S3.get_object_acl(Bucket=b, Key="k")), [owner_fc(oid)], "object ACL unchanged")
        ctx.eq(err_of(S3.put_object, Bucket=b, Key="ok", Body=b"", ACL="private"), None, "PutObject private passes")
        ctx.soft(err_of(S3.put_bucket_acl, Bucket=b, ACL="private") is None, "PutBucketAcl private passes")
        ctx.soft(err_of(S3.put_bucket_acl, Bucket=b, ACL="log-delivery-write") is None,
                 "PutBucketAcl log-delivery-write passes (LogDelivery is not public)")
        ctx.soft(err_of(S3.head_object, Bucket=b, Key="n-public-read") is not None, "blocked PutObject wrote nothing")

@test("B", CAPTURE + " (CreateBucket: InvalidBucketAclWithBlockPublicAccessError / ...WithObjectOwnership)")
def create_bucket_with_acl(ctx):
    names = [new_name() for _ in range(4)]
    try:
        expect_err(ctx, err_of(S3.create_bucket, Bucket=names[0], ObjectOwnership="ObjectWriter", ACL="public-read"),
                   400, "InvalidBucketAclWithBlockPublicAccessError", "CreateBucket ObjectWriter public-read",
                   message=BPA_CREATE)
        ctx.soft(err_of(S3.head_bucket, Bucket=names[0]) is not None, "refused CreateBucket made no bucket")
        expect_err(ctx, err_of(S3.create_bucket, Bucket=names[1], ACL="public-read"), 400,
                   "InvalidBucketAclWithObjectOwnership", "CreateBucket default ownership public-read",
                   message=ENFORCED)
        soft_err(ctx, err_of(S3.create_bucket, Bucket=names[2], ObjectOwnership="BucketOwnerEnforced",
                             ACL="authenticated-read"), 400, "InvalidBucketAclWithObjectOwnership",
                 "CreateBucket BucketOwnerEnforced authenticated-read", message=ENFORCED)
        r = err_of(S3.create_bucket, Bucket=names[3], ObjectOwnership="ObjectWriter", ACL="private")
        if ctx.soft(r is None, f"CreateBucket ObjectWriter private should pass, got {r and r['Error']}"):
            ctx.soft_eq(grants(S3.get_bucket_acl(Bucket=names[3])), [owner_fc(owner_of(names[3]))], "private")
    finally:
        for n in names:
            cleanup_bucket(n)

@test("B", CEPH + " test_ignore_public_acls; GetBucketAcl still lists grants per " + DOCS + " [C]")
def ignore_public_acls(ctx):
    with Bucket() as b:
        oid = owner_of(b)
        S3.put_bucket_acl(Bucket=b, ACL="public-read")
        S3.put_object(Bucket=b, Key="key1", Body=b"abcde", ACL="public-read")
        ANON.list_objects_v2(Bucket=b)
        ctx.eq(ANON.get_object(Bucket=b, Key="key1")["Body"].read(), b"abcde", "anon GET before IgnorePublicAcls")
        S3.put_public_access_block(Bucket=b, PublicAccessBlockConfiguration={
            "BlockPublicAcls": False, "IgnorePublicAcls": True, "BlockPublicPolicy": False,
            "RestrictPublicBuckets": False})
        ctx.eq(err_of(S3.put_bucket_acl, Bucket=b, ACL="public-read"), None, "PutBucketAcl public-read still allowed")
        expect_err(ctx, err_of(ANON.list_objects_v2, Bucket=b), 403, "AccessDenied", "anon list (ignored ACL)")
        expect_err(ctx, err_of(ANON.get_object, Bucket=b, Key="key1"), 403, "AccessDenied", "anon GET (ignored)")
        ctx.soft_eq(grants(S3.get_bucket_acl(Bucket=b)), [owner_fc(oid), grp(ALL_USERS, "READ")],
                    "GetBucketAcl still lists the public grant")
        ctx.soft_eq(grants(S3.get_object_acl(Bucket=b, Key="key1")), [owner_fc(oid), grp(ALL_USERS, "READ")],
                    "GetObjectAcl still lists the public grant")
        S3.delete_public_access_block(Bucket=b)
        ctx.soft(err_of(ANON.get_object, Bucket=b, Key="key1") is None, "access returns once IgnorePublicAcls is off")

# ============================================================================================= Object Ownership
@test("B", CAPTURE + " (AccessControlListNotSupported 400 'The bucket does not allow ACLs'); " + DOCS)
def bucket_owner_enforced(ctx):
    with Bucket(ownership=None) as b:  # the default since April 2023: BucketOwnerEnforced
        oid = owner_of(b)
        for what, r in (("PutBucketAcl public-read", err_of(S3.put_bucket_acl, Bucket=b, ACL="public-read")),
                        ("PutObject ACL public-read",
                         err_of(S3.put_object, Bucket=b, Key="k", Body=b"", ACL="public-read"))):
            expect_err(ctx, r, 400, "AccessControlListNotSupported", what, message=NO_ACLS)
        ctx.eq(err_of(S3.put_object, Bucket=b, Key="k", Body=b"x"), None, "PutObject without ACL")
        ctx.eq(err_of(S3.put_object, Bucket=b, Key="k2", Body=b"x", ACL="bucket-owner-full-control"), None,
               "PutObject bucket-owner-full-control accepted")
        soft_err(ctx, err_of(S3.put_object_acl, Bucket=b, Key="k", ACL="public-read"), 400,
                 "AccessControlListNotSupported", "PutObjectAcl public-read", message=NO_ACLS)
        soft_err(ctx, err_of(S3.put_bucket_acl, Bucket=b, GrantRead=f'uri="{ALL_USERS}"'), 400,
                 "AccessControlListNotSupported", "PutBucketAcl grant header", message=NO_ACLS)
        ctx.soft_eq(grants(S3.get_bucket_acl(Bucket=b)), [owner_fc(oid)], "GetBucketAcl still answers (owner FC)")
        ctx.soft_eq(grants(S3.get_object_acl(Bucket=b, Key="k2")), [owner_fc(oid)], "GetObjectAcl owner FC only")

@test("B", "terraform-provider-aws#26164 (PutBucketOwnershipControls -> InvalidBucketAclWithObjectOwnership); "
           + DOCS)
def ownership_enforced_needs_private_acl(ctx):
    with Bucket() as b:
        S3.put_bucket_acl(Bucket=b, ACL="public-read")
        rule = {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
        r = err_of(S3.put_bucket_ownership_controls, Bucket=b, OwnershipControls=rule)
        expect_err(ctx, r, 400, "InvalidBucketAclWithObjectOwnership", "enforce while ACL is public-read")
        ctx.soft_eq(r["Error"].get("Message"), ENFORCED, "InvalidBucketAclWithObjectOwnership Message")
        ctx.eq(S3.get_bucket_ownership_controls(Bucket=b)["OwnershipControls"]["Rules"][0]["ObjectOwnership"],
               "ObjectWriter", "ownership unchanged after refusal")
        S3.put_bucket_acl(Bucket=b, ACL="private")
        r = err_of(S3.put_bucket_ownership_controls, Bucket=b, OwnershipControls=rule)
        ctx.soft(r is None, f"enforce after resetting the ACL to private should pass, got {r and r['Error']}")
    with Bucket(ownership="BucketOwnerPreferred") as b:
        ctx.soft(err_of(S3.put_bucket_acl, Bucket=b, ACL="public-read") is None, "BucketOwnerPreferred allows ACLs")

# --------------------------------------------------------------------------------------------- main
if __name__ == "__main__":
    conclude(run())
