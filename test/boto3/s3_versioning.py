#!/usr/bin/env python3
"""
Standalone boto3 harness for S3 bucket-versioning behaviour.

Every assertion is backed by evidence of what real AWS S3 answers (see FINDINGS.md
in the session notes of the versioning work). Source tags used in the per-test comments:

  [LS-api]    localstack/localstack tests/aws/services/s3/test_s3_api.py (+ .snapshot.json),
              @markers.aws.validated tests, snapshots recorded against AWS (2023-2025)
  [LS-list]   localstack/localstack tests/aws/services/s3/test_s3_list_operations.py (+ snapshot)
  [LS-s3]     localstack/localstack tests/aws/services/s3/test_s3.py (aws.validated tests)
  [RE-mix]    raw HTTP capture against s3.us-east-1.amazonaws.com, "Versioning Mix: DeleteMarker
              as Source - Reverse Engineering (AWS)" (public write-up, 2026-04-03)
  [RE-delobjs] raw capture "DeleteObjects + Versioning: Reverse Engineering (AWS)"
  [s3-tests]  ceph/s3-tests s3tests_boto3/functional/test_s3.py test_versioning_* (reported
              passing against AWS in nspcc-dev/neofs-s3-gw docs/s3_test_results.md)
  [cmp]       s3_compliance ListObjectVersions validation-order suite (compares with AWS);
              secondary evidence
  [docs]      AWS S3 API reference

Usage:
  python3 s3_versioning.py
Environment:
  AWS_ENDPOINT_URL (default http://127.0.0.1:4566); credentials test/test; us-east-1; path-style.
"""

import hashlib
import re
import string
import uuid
import xml.etree.ElementTree as ET
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from botocore.exceptions import ClientError
from harness import Ctx as Checks
from harness import S3, Failure, check, cleanup_bucket, conclude, eq, run, test

NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"

FAKE_VERSION_ID = "HPniJFCxqTsMuIH9KX8K8wEjNUgmABCD"  # used verbatim by [LS-api]
VERSION_ID_CHARS = set(string.ascii_letters + string.digits + "._")

MSG_MALFORMED_XML = (
    "The XML you provided was not well-formed or did not validate against our published schema"
)
MSG_NO_SUCH_KEY = "The specified key does not exist."
MSG_NO_SUCH_VERSION = "The specified version does not exist."
MSG_INVALID_VERSION = "Invalid version id specified"
MSG_METHOD_NOT_ALLOWED = "The specified method is not allowed against this resource."
MSG_BUCKET_NOT_EMPTY_VERSIONED = (
    "The bucket you tried to delete is not empty. You must delete all versions in the bucket."
)
MSG_VID_WITHOUT_KEY = "A version-id marker cannot be specified without a key marker."
MSG_COPY_FROM_DM = (
    "The source of a copy request may not specifically refer to a delete marker by version id."
)


# --------------------------------------------------------------------------- helpers


def headers(resp):
    return resp["ResponseMetadata"]["HTTPHeaders"]


def status(resp):
    return resp["ResponseMetadata"]["HTTPStatusCode"]


def expect_error(fn, http_status, code=None, message=None, **kwargs):
    """Call fn(**kwargs), require a ClientError with the given status/code/message.
    Returns the error response dict."""
    try:
        fn(**kwargs)
    except ClientError as e:
        r = e.response
        eq(r["ResponseMetadata"]["HTTPStatusCode"], http_status, "HTTP status")
        if code is not None:
            eq(r["Error"].get("Code"), code, "Error.Code")
        if message is not None:
            eq(r["Error"].get("Message"), message, "Error.Message")
        return r
    raise Failure(f"expected error {http_status} {code}, call succeeded")


def md5_etag(data: bytes) -> str:
    return '"%s"' % hashlib.md5(data).hexdigest()


def body_of(resp) -> bytes:
    return resp["Body"].read()


def assert_version_id_format(vid, what="VersionId"):
    # [LS-api test_object_version_id_format]: 32 chars of [A-Za-z0-9._]
    check(isinstance(vid, str), f"{what} missing")
    eq(len(vid), 32, f"len({what})")
    check(all(ch in VERSION_ID_CHARS for ch in vid), f"{what} has bad chars: {vid!r}")


class RawCapture:
    """Capture the raw response body of one operation via botocore's before-parse event."""

    def __init__(self, client, op_name):
        self.client = client
        self.event = f"before-parse.s3.{op_name}"
        self.bodies = []

    def _handler(self, response_dict=None, **kwargs):
        if response_dict is not None:
            self.bodies.append(response_dict.get("body", b""))

    def __enter__(self):
        self.client.meta.events.register(self.event, self._handler)
        return self

    def __exit__(self, *exc):
        self.client.meta.events.unregister(self.event, self._handler)
        return False

    @property
    def last(self) -> bytes:
        check(self.bodies, "no raw body captured")
        return self.bodies[-1]


def xml_children(raw: bytes):
    root = ET.fromstring(raw)
    return root, [(c.tag.replace(NS, ""), c) for c in root]


def child_text(el, name):
    found = el.find(NS + name)
    return None if found is None else (found.text or "")


# --------------------------------------------------------------------------- bucket lifecycle


class Ctx(Checks):
    """A test's checks (harness.py's), client, and the buckets it made, which cleanup() removes."""

    def __init__(self, tier, name):
        super().__init__(tier, name)
        self.c = S3
        self.test_name = name.replace("test_", "")
        self.buckets = []

    def bucket(self, versioning=None):
        base = re.sub(r"[^a-z0-9-]", "-", self.test_name.lower())[:36].strip("-")
        name = f"nv-{base}-{uuid.uuid4().hex[:8]}"
        self.c.create_bucket(Bucket=name)
        self.buckets.append(name)
        if versioning:
            self.c.put_bucket_versioning(
                Bucket=name, VersioningConfiguration={"Status": versioning}
            )
        return name

    def cleanup(self):
        for b in self.buckets:
            cleanup_bucket(b, self.c)


# =========================================================================== 1. bucket config


@test
def test_bucket_versioning_crud(ctx):
    # [LS-api] TestS3BucketVersioning::test_bucket_versioning_crud (snapshot 21-01-2025)
    c = ctx.c
    b = ctx.bucket()
    r = c.get_bucket_versioning(Bucket=b)
    eq(status(r), 200, "get before")
    check("Status" not in r and "MFADelete" not in r, f"no Status/MFADelete expected: {r}")

    r = c.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Suspended"})
    eq(status(r), 200, "put Suspended on never-versioned bucket")
    eq(c.get_bucket_versioning(Bucket=b).get("Status"), "Suspended", "status after suspend")

    expect_error(c.put_bucket_versioning, 400, "MalformedXML", MSG_MALFORMED_XML,
                 Bucket=b, VersioningConfiguration={"Status": "enabled"})

    r = c.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
    eq(status(r), 200, "put Enabled")
    eq(c.get_bucket_versioning(Bucket=b).get("Status"), "Enabled", "status after enable")

    r = c.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Suspended"})
    eq(status(r), 200, "put Suspended after enable")

    expect_error(c.put_bucket_versioning, 400, "MalformedXML", MSG_MALFORMED_XML,
                 Bucket=b, VersioningConfiguration={"Status": "Disabled"})
    expect_error(c.put_bucket_versioning, 400, "IllegalVersioningConfigurationException",
                 "The Versioning element must be specified",
                 Bucket=b, VersioningConfiguration={})

    fake = f"nv-missing-{uuid.uuid4().hex[:12]}"
    r = expect_error(c.put_bucket_versioning, 404, "NoSuchBucket",
                     "The specified bucket does not exist",
                     Bucket=fake, VersioningConfiguration={"Status": "Suspended"})
    eq(r["Error"].get("BucketName"), fake, "BucketName (put)")
    r = expect_error(c.get_bucket_versioning, 404, "NoSuchBucket",
                     "The specified bucket does not exist", Bucket=fake)
    eq(r["Error"].get("BucketName"), fake, "BucketName (get)")


@test
def test_mfa_delete_disabled_accepted(ctx):
    # [s3-tests] test_versioning_obj_create_read_remove puts MFADelete=Disabled + Enabled (ok on AWS)
    c = ctx.c
    b = ctx.bucket()
    r = c.put_bucket_versioning(
        Bucket=b, VersioningConfiguration={"MFADelete": "Disabled", "Status": "Enabled"}
    )
    eq(status(r), 200, "put with MFADelete=Disabled")
    eq(c.get_bucket_versioning(Bucket=b).get("Status"), "Enabled", "Status")


# =========================================================================== 2. version ids


@test
def test_version_id_format(ctx):
    # [LS-api] test_object_version_id_format: 32 chars, letters/digits/'.'/'_'
    c = ctx.c
    b = ctx.bucket("Enabled")
    r = c.put_object(Bucket=b, Key="test-version-id")
    assert_version_id_format(r.get("VersionId"))
    eq(headers(r).get("x-amz-version-id"), r["VersionId"], "x-amz-version-id header")
    d = c.delete_object(Bucket=b, Key="test-version-id")
    assert_version_id_format(d.get("VersionId"), "delete marker VersionId")
    check(d["VersionId"] != r["VersionId"], "delete marker id must differ")


@test
def test_put_object_versioning_states(ctx):
    # [LS-s3] TestS3::test_s3_put_object_versioned (explicit asserts at end of test)
    c = ctx.c
    b = ctx.bucket()
    key = "non-version-bucket-key"
    r = c.put_object(Bucket=b, Key=key, Body="non-versioned-key")
    check("VersionId" not in r, "unversioned PutObject must not return VersionId")
    g = c.get_object(Bucket=b, Key=key)
    check("VersionId" not in g, "unversioned GetObject must not return VersionId")
    lv = c.list_object_versions(Bucket=b)
    eq(lv["Versions"][0]["VersionId"], "null", "pre-versioned list VersionId")
    eq(lv["Versions"][0]["IsLatest"], True, "pre-versioned IsLatest")

    c.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
    eq(c.get_object(Bucket=b, Key=key).get("VersionId"), "null", "old object after enable")

    key2 = "versioned-bucket-key"
    v1 = c.put_object(Bucket=b, Key=key2, Body="versioned-key")["VersionId"]
    v2 = c.put_object(Bucket=b, Key=key2, Body="versioned-key-updated")["VersionId"]
    assert_version_id_format(v1)
    assert_version_id_format(v2)
    eq(c.get_object(Bucket=b, Key=key2)["VersionId"], v2, "GetObject current version")

    lv = c.list_object_versions(Bucket=b)["Versions"]
    eq([v["Key"] for v in lv], [key, key2, key2], "list order (key asc, newest first)")
    eq([v["VersionId"] for v in lv], ["null", v2, v1], "list version ids")

    c.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Suspended"})
    eq(c.get_object(Bucket=b, Key=key2)["VersionId"], v2, "versioned key while suspended")
    eq(c.get_object(Bucket=b, Key=key)["VersionId"], "null", "null key while suspended")
    key3 = "non-version-bucket-key-after-disable"
    r = c.put_object(Bucket=b, Key=key3, Body="non-versioned-key-post")
    check("VersionId" not in r, "suspended PutObject must not return VersionId")
    check("x-amz-version-id" not in headers(r), "suspended PutObject: no x-amz-version-id")
    eq(c.get_object(Bucket=b, Key=key3).get("VersionId"), "null", "GetObject after suspended put")


# =========================================================================== 3. suspended


@test
def test_put_object_on_suspended_bucket(ctx):
    # [LS-api] TestS3ObjectCRUD::test_put_object_on_suspended_bucket
    c = ctx.c
    b = ctx.bucket("Enabled")
    key = "test-version"
    vids = []
    for i in range(3):
        vids.append(c.put_object(Bucket=b, Key=key, Body=f"test-version-{i}")["VersionId"])
    lv = c.list_object_versions(Bucket=b)
    eq([v["VersionId"] for v in lv["Versions"]], vids[::-1], "enabled listing newest first")
    eq([v["IsLatest"] for v in lv["Versions"]], [True, False, False], "IsLatest flags")

    c.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Suspended"})
    eq(len(c.list_object_versions(Bucket=b)["Versions"]), 3, "suspending keeps versions")

    body = b"test-version-suspended"
    r = c.put_object(Bucket=b, Key=key, Body=body)
    check("VersionId" not in r, "suspended put: no VersionId")
    eq(r["ETag"], md5_etag(body), "ETag")
    lv = c.list_object_versions(Bucket=b)["Versions"]
    eq(len(lv), 4, "after suspended put")
    eq(lv[0]["VersionId"], "null", "new latest is null")
    eq(lv[0]["IsLatest"], True, "null IsLatest")
    eq(lv[0]["Size"], 22, "null Size")
    eq([v["VersionId"] for v in lv[1:]], vids[::-1], "older versions untouched")

    c.put_object(Bucket=b, Key=key, Body=body)
    lv = c.list_object_versions(Bucket=b)["Versions"]
    eq(len(lv), 4, "second suspended put replaces null version")

    g = c.get_object(Bucket=b, Key=key)
    eq(g["VersionId"], "null", "GetObject VersionId")
    eq(body_of(g), body, "body")


@test
def test_delete_object_on_suspended_bucket(ctx):
    # [LS-api] TestS3ObjectCRUD::test_delete_object_on_suspended_bucket
    c = ctx.c
    b = ctx.bucket("Enabled")
    key = "test-delete-suspended"
    v = [c.put_object(Bucket=b, Key=key, Body=f"test-version-{i}")["VersionId"] for i in range(2)]
    c.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Suspended"})

    d = c.delete_object(Bucket=b, Key=key)
    eq(status(d), 204, "status")
    eq(d.get("DeleteMarker"), True, "DeleteMarker")
    eq(d.get("VersionId"), "null", "null delete marker id")
    lv = c.list_object_versions(Bucket=b)
    eq([(m["VersionId"], m["IsLatest"]) for m in lv["DeleteMarkers"]], [("null", True)], "DMs")
    eq([(x["VersionId"], x["IsLatest"]) for x in lv["Versions"]],
       [(v[1], False), (v[0], False)], "versions after null DM")

    r = c.put_object(Bucket=b, Key=key, Body="test-version-suspended-after-delete")
    check("VersionId" not in r, "suspended put: no VersionId")
    lv = c.list_object_versions(Bucket=b)
    check("DeleteMarkers" not in lv, "null version replaced the null delete marker")
    eq([(x["VersionId"], x["IsLatest"]) for x in lv["Versions"]],
       [("null", True), (v[1], False), (v[0], False)], "versions after null put")

    d = c.delete_object(Bucket=b, Key=key)
    eq((d.get("DeleteMarker"), d.get("VersionId")), (True, "null"), "second null DM")
    lv = c.list_object_versions(Bucket=b)
    eq([(m["VersionId"], m["IsLatest"]) for m in lv["DeleteMarkers"]], [("null", True)], "DMs 2")
    eq([x["VersionId"] for x in lv["Versions"]], [v[1], v[0]], "null version replaced by DM")


@test
def test_null_version_removal(ctx):
    # [s3-tests] test_versioning_obj_plain_null_version_removal
    c = ctx.c
    b = ctx.bucket()
    c.put_object(Bucket=b, Key="testobjfoo", Body="fooz")
    c.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
    c.delete_object(Bucket=b, Key="testobjfoo", VersionId="null")
    expect_error(c.get_object, 404, "NoSuchKey", Bucket=b, Key="testobjfoo")
    check("Versions" not in c.list_object_versions(Bucket=b), "no versions left")


@test
def test_null_version_overwrite(ctx):
    # [s3-tests] test_versioning_obj_plain_null_version_overwrite
    c = ctx.c
    b = ctx.bucket()
    c.put_object(Bucket=b, Key="testobjfoo", Body="fooz")
    c.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
    c.put_object(Bucket=b, Key="testobjfoo", Body="zzz")
    g = c.get_object(Bucket=b, Key="testobjfoo")
    eq(body_of(g), b"zzz", "new content")
    c.delete_object(Bucket=b, Key="testobjfoo", VersionId=g["VersionId"])
    eq(body_of(c.get_object(Bucket=b, Key="testobjfoo")), b"fooz", "null version resurfaces")
    c.delete_object(Bucket=b, Key="testobjfoo", VersionId="null")
    expect_error(c.get_object, 404, "NoSuchKey", Bucket=b, Key="testobjfoo")
    check("Versions" not in c.list_object_versions(Bucket=b), "no versions left")


@test
def test_null_version_overwrite_suspended(ctx):
    # [s3-tests] test_versioning_obj_plain_null_version_overwrite_suspended
    c = ctx.c
    b = ctx.bucket()
    c.put_object(Bucket=b, Key="testobjbar", Body="foooz")
    c.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
    c.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Suspended"})
    c.put_object(Bucket=b, Key="testobjbar", Body="zzz")
    eq(body_of(c.get_object(Bucket=b, Key="testobjbar")), b"zzz", "content")
    eq(len(c.list_object_versions(Bucket=b)["Versions"]), 1, "null overwritten in place")
    c.delete_object(Bucket=b, Key="testobjbar", VersionId="null")
    expect_error(c.get_object, 404, "NoSuchKey", Bucket=b, Key="testobjbar")
    check("Versions" not in c.list_object_versions(Bucket=b), "no versions left")


# =========================================================================== 4/5. get & delete


@test
def test_delete_object_versioned(ctx):
    # [LS-api] TestS3ObjectCRUD::test_delete_object_versioned (snapshot + header asserts)
    c = ctx.c
    b = ctx.bucket("Enabled")
    key = "test-delete"
    p = c.put_object(Bucket=b, Key=key, Body="test-delete")
    eq(status(p), 200, "put status")
    obj_vid = p["VersionId"]
    assert_version_id_format(obj_vid)

    d = c.delete_object(Bucket=b, Key=key)
    eq(status(d), 204, "delete status")
    eq(d.get("DeleteMarker"), True, "DeleteMarker")
    dm_vid = d["VersionId"]
    eq(headers(d).get("x-amz-delete-marker"), "true", "x-amz-delete-marker header")
    eq(headers(d).get("x-amz-version-id"), dm_vid, "x-amz-version-id header")

    # GET current -> delete marker
    r = expect_error(c.get_object, 404, "NoSuchKey", MSG_NO_SUCH_KEY, Bucket=b, Key=key)
    eq(r["Error"].get("Key"), key, "Error.Key")
    eq(headers(r).get("x-amz-delete-marker"), "true", "404 x-amz-delete-marker")
    eq(headers(r).get("x-amz-version-id"), dm_vid, "404 x-amz-version-id")

    g = c.get_object(Bucket=b, Key=key, VersionId=obj_vid)
    eq(body_of(g), b"test-delete", "get by version body")
    eq(g["VersionId"], obj_vid, "get by version VersionId")
    eq(g["ContentLength"], 11, "ContentLength")

    # GET the delete marker by id -> 405
    r = expect_error(c.get_object, 405, "MethodNotAllowed", MSG_METHOD_NOT_ALLOWED,
                     Bucket=b, Key=key, VersionId=dm_vid)
    eq(r["Error"].get("Method"), "GET", "Error.Method")
    eq(r["Error"].get("ResourceType"), "DeleteMarker", "Error.ResourceType")
    h = headers(r)
    eq(h.get("x-amz-delete-marker"), "true", "405 x-amz-delete-marker")
    eq(h.get("x-amz-version-id"), dm_vid, "405 x-amz-version-id")
    eq(h.get("allow"), "DELETE", "405 Allow")
    check("last-modified" in h, "405 must carry Last-Modified [docs GetObject]")

    d2 = c.delete_object(Bucket=b, Key=key)
    eq((status(d2), d2.get("DeleteMarker")), (204, True), "second DM stacked")
    dm2_vid = d2["VersionId"]

    lv = c.list_object_versions(Bucket=b, Prefix=key)
    eq(lv.get("Prefix"), key, "Prefix echo")
    eq(lv.get("KeyMarker"), "", "KeyMarker")
    eq(lv.get("VersionIdMarker"), "", "VersionIdMarker")
    eq(lv.get("MaxKeys"), 1000, "MaxKeys")
    eq(lv.get("IsTruncated"), False, "IsTruncated")
    eq(lv.get("Name"), b, "Name")
    eq([(m["VersionId"], m["IsLatest"], m["Key"]) for m in lv["DeleteMarkers"]],
       [(dm2_vid, True, key), (dm_vid, False, key)], "DeleteMarkers")
    for m in lv["DeleteMarkers"]:
        check("Owner" in m and "LastModified" in m, f"DeleteMarker fields: {m}")
        check("ETag" not in m and "Size" not in m, f"DeleteMarker must not have ETag/Size: {m}")
    eq(len(lv["Versions"]), 1, "one version")
    v = lv["Versions"][0]
    eq((v["VersionId"], v["IsLatest"], v["Size"], v["StorageClass"], v["ETag"]),
       (obj_vid, False, 11, "STANDARD", md5_etag(b"test-delete")), "Version entry")
    check("Owner" in v and "LastModified" in v, f"Version fields: {v}")

    # delete the (older) delete marker directly
    dd = c.delete_object(Bucket=b, Key=key, VersionId=dm_vid)
    eq(status(dd), 204, "delete DM status")
    eq(dd.get("DeleteMarker"), True, "DeleteMarker when a DM was deleted")
    eq(dd.get("VersionId"), dm_vid, "VersionId echo")

    # delete the object version permanently
    dv = c.delete_object(Bucket=b, Key=key, VersionId=obj_vid)
    eq(status(dv), 204, "delete version status")
    eq(dv.get("VersionId"), obj_vid, "VersionId echo")
    check("DeleteMarker" not in dv, "no DeleteMarker when a real version is deleted")

    r = expect_error(c.get_object, 404, "NoSuchVersion", MSG_NO_SUCH_VERSION,
                     Bucket=b, Key=key, VersionId=obj_vid)
    eq(r["Error"].get("Key"), key, "NoSuchVersion Key")
    eq(r["Error"].get("VersionId"), obj_vid, "NoSuchVersion VersionId")
    check("x-amz-delete-marker" not in headers(r), "no DM header on NoSuchVersion")
    check("x-amz-version-id" not in headers(r), "no version header on NoSuchVersion")

    bad = obj_vid[:-4] + "ABCD"
    r = expect_error(c.delete_object, 400, "InvalidArgument", MSG_INVALID_VERSION,
                     Bucket=b, Key=key, VersionId=bad)
    eq(r["Error"].get("ArgumentName"), "versionId", "ArgumentName")
    eq(r["Error"].get("ArgumentValue"), bad, "ArgumentValue")
    check("x-amz-delete-marker" not in headers(r), "no DM header on InvalidArgument")
    check("x-amz-version-id" not in headers(r), "no version header on InvalidArgument")

    w = c.delete_object(Bucket=b, Key="wrong-key")
    eq((status(w), w.get("DeleteMarker")), (204, True), "delete never-existing key creates DM")
    assert_version_id_format(w.get("VersionId"))


@test
def test_malformed_version_id_get(ctx):
    # [LS-api] get-obj-with-version / delete-with-bad-version: InvalidArgument for malformed ids
    c = ctx.c
    b = ctx.bucket("Enabled")
    c.put_object(Bucket=b, Key="k", Body="x")
    r = expect_error(c.get_object, 400, "InvalidArgument", MSG_INVALID_VERSION,
                     Bucket=b, Key="k", VersionId=FAKE_VERSION_ID)
    eq(r["Error"].get("ArgumentName"), "versionId", "ArgumentName")
    eq(r["Error"].get("ArgumentValue"), FAKE_VERSION_ID, "ArgumentValue")


@test
def test_unversioned_bucket_version_args(ctx):
    # [LS-api] test_get_object_with_version_unversioned_bucket + test_delete_object
    c = ctx.c
    b = ctx.bucket()
    key = "test-version"
    p = c.put_object(Bucket=b, Key=key, Body="test-version")
    check("VersionId" not in p, "unversioned put: no VersionId")
    r = expect_error(c.get_object, 400, "InvalidArgument", MSG_INVALID_VERSION,
                     Bucket=b, Key=key, VersionId=FAKE_VERSION_ID)
    eq(r["Error"].get("ArgumentName"), "versionId", "ArgumentName")
    eq(r["Error"].get("ArgumentValue"), FAKE_VERSION_ID, "ArgumentValue")

    g = c.get_object(Bucket=b, Key=key, VersionId="null")
    eq(status(g), 200, "GetObject VersionId=null on unversioned bucket")
    eq(body_of(g), b"test-version", "body")
    check("VersionId" not in g, "no VersionId for null get on unversioned bucket")

    d = c.delete_object(Bucket=b, Key=key)
    eq(status(d), 204, "unversioned delete")
    check("DeleteMarker" not in d and "VersionId" not in d, f"no DM fields: {d}")
    d = c.delete_object(Bucket=b, Key=key)
    eq(status(d), 204, "delete nonexistent object")
    r = expect_error(c.delete_object, 400, "InvalidArgument", MSG_INVALID_VERSION,
                     Bucket=b, Key=key, VersionId=FAKE_VERSION_ID)
    eq(r["Error"].get("ArgumentName"), "versionId", "ArgumentName")
    eq(r["Error"].get("ArgumentValue"), FAKE_VERSION_ID, "ArgumentValue")


@test
def test_delete_version_idempotent(ctx):
    # [s3-tests] test_versioning_multi_object_delete(_with_marker): re-deleting already
    # deleted (well-formed) version ids succeeds
    c = ctx.c
    b = ctx.bucket("Enabled")
    key = "key"
    for i in range(2):
        c.put_object(Bucket=b, Key=key, Body=f"content-{i}")
    c.delete_object(Bucket=b, Key=key)
    lv = c.list_object_versions(Bucket=b)
    versions, markers = lv["Versions"], lv["DeleteMarkers"]
    eq(len(versions), 2, "versions")
    eq(len(markers), 1, "markers")
    for _ in range(2):
        for e in versions + markers:
            r = c.delete_object(Bucket=b, Key=key, VersionId=e["VersionId"])
            eq(status(r), 204, "delete by version id (repeatable)")
        lv = c.list_object_versions(Bucket=b)
        check("Versions" not in lv and "DeleteMarkers" not in lv, f"all gone: {lv}")


@test
def test_delete_marker_on_nonexistent_key_listed(ctx):
    # [s3-tests] test_versioning_multi_object_delete_with_marker_create
    c = ctx.c
    b = ctx.bucket("Enabled")
    r = c.delete_object(Bucket=b, Key="key")
    dms = c.list_object_versions(Bucket=b)["DeleteMarkers"]
    eq(len(dms), 1, "one DM")
    eq(dms[0]["VersionId"], r["VersionId"], "DM id")
    eq(dms[0]["Key"], "key", "DM key")
    eq(dms[0]["IsLatest"], True, "DM IsLatest")


@test
def test_head_object_versions(ctx):
    # [docs] HeadObject/GetObject "DeleteMarker": current DM -> 404 + x-amz-delete-marker: true;
    # specified DM version -> 405 + Last-Modified. NoSuchVersion/InvalidArgument statuses as GET [LS-api]
    c = ctx.c
    b = ctx.bucket("Enabled")
    v1 = c.put_object(Bucket=b, Key="k", Body="abc")["VersionId"]
    h = c.head_object(Bucket=b, Key="k", VersionId=v1)
    eq(h.get("VersionId"), v1, "HEAD VersionId")
    eq(h.get("ContentLength"), 3, "HEAD ContentLength")
    dm = c.delete_object(Bucket=b, Key="k")["VersionId"]

    r = expect_error(c.head_object, 404, Bucket=b, Key="k")
    eq(headers(r).get("x-amz-delete-marker"), "true", "HEAD 404 x-amz-delete-marker")

    r = expect_error(c.head_object, 405, Bucket=b, Key="k", VersionId=dm)
    check("last-modified" in headers(r), "HEAD 405 must carry Last-Modified")

    eq(c.head_object(Bucket=b, Key="k", VersionId=v1)["VersionId"], v1, "old version still HEADable")
    c.delete_object(Bucket=b, Key="k", VersionId=v1)
    expect_error(c.head_object, 404, Bucket=b, Key="k", VersionId=v1)
    expect_error(c.head_object, 400, Bucket=b, Key="k", VersionId=FAKE_VERSION_ID)


@test
def test_get_object_acl_delete_marker(ctx):
    # [RE-mix] G2/C1/C3/K2 raw captures; [LS-s3] test_put_object_acl_on_delete_marker
    c = ctx.c
    b = ctx.bucket("Enabled")
    v1 = c.put_object(Bucket=b, Key="k", Body="x")["VersionId"]
    # AWS also answers x-amz-version-id here; GetObjectAcl's model has no such member, and Nimbus does not send it.
    c.get_object_acl(Bucket=b, Key="k", VersionId=v1)
    dm = c.delete_object(Bucket=b, Key="k")["VersionId"]

    r = expect_error(c.get_object_acl, 404, "NoSuchKey", MSG_NO_SUCH_KEY, Bucket=b, Key="k")
    eq(r["Error"].get("Key"), "k", "Error.Key")
    eq(headers(r).get("x-amz-delete-marker"), "true", "404 x-amz-delete-marker")
    eq(headers(r).get("x-amz-version-id"), dm, "404 x-amz-version-id")

    r = expect_error(c.get_object_acl, 405, "MethodNotAllowed", MSG_METHOD_NOT_ALLOWED,
                     Bucket=b, Key="k", VersionId=dm)
    eq(r["Error"].get("Method"), "GET", "Method")
    eq(r["Error"].get("ResourceType"), "DeleteMarker", "ResourceType")
    eq(headers(r).get("allow"), "DELETE", "Allow")
    eq(headers(r).get("x-amz-delete-marker"), "true", "405 x-amz-delete-marker")
    eq(headers(r).get("x-amz-version-id"), dm, "405 x-amz-version-id")

    r = expect_error(c.get_object_acl, 400, "InvalidArgument", MSG_INVALID_VERSION,
                     Bucket=b, Key="k", VersionId="abc")
    eq(r["Error"].get("ArgumentName"), "versionId", "ArgumentName")
    eq(r["Error"].get("ArgumentValue"), "abc", "ArgumentValue")


# =========================================================================== DeleteObjects


@test
def test_delete_objects_versioned(ctx):
    # [LS-api] TestS3ObjectCRUD::test_delete_objects_versioned (snapshot, sorted by Key)
    c = ctx.c
    b = ctx.bucket("Enabled")
    key = "test-delete"
    obj_vid = c.put_object(Bucket=b, Key=key, Body="test-delete")["VersionId"]

    r = c.delete_objects(Bucket=b, Delete={"Objects": [
        {"Key": key}, {"Key": "wrongkey"}, {"Key": "wrongkey-x"}]})
    eq(status(r), 200, "status")
    check("Errors" not in r, f"no errors: {r.get('Errors')}")
    deleted = sorted(r["Deleted"], key=lambda d: d["Key"])
    eq([d["Key"] for d in deleted], [key, "wrongkey", "wrongkey-x"], "Deleted keys")
    for d in deleted:
        eq(set(d), {"Key", "DeleteMarker", "DeleteMarkerVersionId"}, f"fields of {d['Key']}")
        eq(d["DeleteMarker"], True, "DeleteMarker")
        assert_version_id_format(d["DeleteMarkerVersionId"], "DeleteMarkerVersionId")
    dm_vid = deleted[0]["DeleteMarkerVersionId"]

    r = c.delete_objects(Bucket=b, Delete={"Objects": [{"Key": key, "VersionId": dm_vid}]})
    eq(r["Deleted"], [{"DeleteMarker": True, "DeleteMarkerVersionId": dm_vid, "Key": key,
                       "VersionId": dm_vid}], "delete DM by version")

    r = c.delete_objects(Bucket=b, Delete={"Objects": [
        {"Key": key, "VersionId": FAKE_VERSION_ID},
        {"Key": "wrong-key-2", "VersionId": FAKE_VERSION_ID}]})
    eq(status(r), 200, "status with per-key errors")
    check("Deleted" not in r, "no Deleted entries")
    errs = sorted(r["Errors"], key=lambda e: e["Key"])
    eq(errs, [
        {"Code": "NoSuchVersion", "Key": key, "Message": MSG_NO_SUCH_VERSION,
         "VersionId": FAKE_VERSION_ID},
        {"Code": "NoSuchVersion", "Key": "wrong-key-2", "Message": MSG_NO_SUCH_VERSION,
         "VersionId": FAKE_VERSION_ID},
    ], "Errors")

    r = c.delete_objects(Bucket=b, Delete={"Objects": [{"Key": key, "VersionId": obj_vid}]})
    eq(r["Deleted"], [{"Key": key, "VersionId": obj_vid}], "delete real version")


@test
def test_delete_objects_unversioned_wrong_version(ctx):
    # [LS-api] TestS3ObjectCRUD::test_delete_objects
    c = ctx.c
    b = ctx.bucket()
    c.put_object(Bucket=b, Key="test-delete", Body="test-delete")
    r = c.delete_objects(Bucket=b, Delete={"Objects": [
        {"Key": "test-delete", "VersionId": FAKE_VERSION_ID}]})
    eq(status(r), 200, "status")
    eq(r.get("Errors"), [{"Code": "NoSuchVersion", "Key": "test-delete",
                          "Message": MSG_NO_SUCH_VERSION, "VersionId": FAKE_VERSION_ID}], "Errors")
    r = c.delete_objects(Bucket=b, Delete={"Objects": [
        {"Key": "test-delete"}, {"Key": "c-wrong-key"}, {"Key": "a-wrong-key"}]})
    eq(sorted(r["Deleted"], key=lambda d: d["Key"]),
       [{"Key": "a-wrong-key"}, {"Key": "c-wrong-key"}, {"Key": "test-delete"}], "Deleted")


@test
def test_delete_objects_suspended_and_null(ctx):
    # [RE-delobjs] E1 (Suspended, no versionId -> DeleteMarkerVersionId null),
    # E4 (VersionId=null -> Deleted with VersionId null), E3 (old real version)
    c = ctx.c
    b = ctx.bucket("Enabled")
    old = c.put_object(Bucket=b, Key="e3", Body="x")["VersionId"]
    c.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Suspended"})
    c.put_object(Bucket=b, Key="e1", Body="x")
    c.put_object(Bucket=b, Key="e4", Body="x")

    r = c.delete_objects(Bucket=b, Delete={"Objects": [{"Key": "e1"}]})
    eq(r["Deleted"], [{"Key": "e1", "DeleteMarker": True, "DeleteMarkerVersionId": "null"}], "E1")
    r = c.delete_objects(Bucket=b, Delete={"Objects": [{"Key": "e2-missing"}]})
    eq(r["Deleted"], [{"Key": "e2-missing", "DeleteMarker": True,
                       "DeleteMarkerVersionId": "null"}], "E2")
    r = c.delete_objects(Bucket=b, Delete={"Objects": [{"Key": "e3", "VersionId": old}]})
    eq(r["Deleted"], [{"Key": "e3", "VersionId": old}], "E3")
    r = c.delete_objects(Bucket=b, Delete={"Objects": [{"Key": "e4", "VersionId": "null"}]})
    eq(r["Deleted"], [{"Key": "e4", "VersionId": "null"}], "E4")


@test
def test_delete_objects_raw_member_order(ctx):
    # [RE-delobjs] C3 raw XML: <Deleted><Key/><VersionId/><DeleteMarker/><DeleteMarkerVersionId/>
    c = ctx.c
    b = ctx.bucket("Enabled")
    c.put_object(Bucket=b, Key="k", Body="x")
    dm = c.delete_object(Bucket=b, Key="k")["VersionId"]
    with RawCapture(c, "DeleteObjects") as cap:
        c.delete_objects(Bucket=b, Delete={"Objects": [{"Key": "k", "VersionId": dm}]})
    root, kids = xml_children(cap.last)
    eq(root.tag, NS + "DeleteResult", "root element")
    deleted = [el for tag, el in kids if tag == "Deleted"]
    eq(len(deleted), 1, "one Deleted")
    eq([ch.tag.replace(NS, "") for ch in deleted[0]],
       ["Key", "VersionId", "DeleteMarker", "DeleteMarkerVersionId"], "member order")
    eq(child_text(deleted[0], "DeleteMarker"), "true", "DeleteMarker text")
    eq(child_text(deleted[0], "DeleteMarkerVersionId"), dm, "DeleteMarkerVersionId")


@test
def test_delete_objects_same_key_twice(ctx):
    # [RE-delobjs] B3: same key twice without versionId -> one <Deleted>, one delete marker
    c = ctx.c
    b = ctx.bucket("Enabled")
    c.put_object(Bucket=b, Key="dup", Body="x")
    r = c.delete_objects(Bucket=b, Delete={"Objects": [{"Key": "dup"}, {"Key": "dup"}]})
    eq(len(r["Deleted"]), 1, "deduplicated Deleted entries")
    eq(r["Deleted"][0]["DeleteMarker"], True, "DeleteMarker")
    eq(len(c.list_object_versions(Bucket=b).get("DeleteMarkers", [])), 1, "one delete marker")


@test
def test_delete_objects_quiet_versioned(ctx):
    # [RE-delobjs] F1: Quiet=true -> empty <DeleteResult/> even when a DM is created
    c = ctx.c
    b = ctx.bucket("Enabled")
    c.put_object(Bucket=b, Key="q", Body="x")
    r = c.delete_objects(Bucket=b, Delete={"Objects": [{"Key": "q"}], "Quiet": True})
    eq(status(r), 200, "status")
    check("Deleted" not in r and "Errors" not in r, f"quiet result must be empty: {r}")
    eq(len(c.list_object_versions(Bucket=b).get("DeleteMarkers", [])), 1, "DM still created")


# =========================================================================== 7. DeleteBucket


@test
def test_delete_versioned_bucket_not_empty(ctx):
    # [LS-api] TestS3BucketCRUD::test_delete_versioned_bucket_with_objects
    c = ctx.c
    b = ctx.bucket("Enabled")
    key = "test-delete-versioned"
    p = c.put_object(Bucket=b, Key=key, Body="test-delete")
    dm = c.delete_object(Bucket=b, Key=key)
    r = expect_error(c.delete_bucket, 409, "BucketNotEmpty", MSG_BUCKET_NOT_EMPTY_VERSIONED,
                     Bucket=b)
    eq(r["Error"].get("BucketName"), b, "BucketName")
    d = c.delete_object(Bucket=b, Key=key, VersionId=p["VersionId"])
    eq((status(d), d.get("VersionId")), (204, p["VersionId"]), "delete version")
    check("DeleteMarker" not in d, "no DeleteMarker field")
    r = expect_error(c.delete_bucket, 409, "BucketNotEmpty", MSG_BUCKET_NOT_EMPTY_VERSIONED,
                     Bucket=b)
    d = c.delete_object(Bucket=b, Key=key, VersionId=dm["VersionId"])
    eq((status(d), d.get("DeleteMarker"), d.get("VersionId")),
       (204, True, dm["VersionId"]), "delete DM")
    eq(status(c.delete_bucket(Bucket=b)), 204, "delete bucket")
    ctx.buckets.remove(b)


# =========================================================================== 6. ListObjectVersions


@test
def test_list_versions_markers(ctx):
    # [LS-list] TestS3ListObjectVersions::test_list_objects_versions_markers (snapshot 21-01-2025)
    c = ctx.c
    b = ctx.bucket("Enabled")
    keys = [f"test_{i}" for i in range(3)]
    ids = []  # creation order, 1-based in comments: v1..v9 as in the snapshot
    for k in keys:
        ids.append(c.put_object(Bucket=b, Key=k, Body=b"version 1")["VersionId"])  # v1 v2 v3
    ids.append(c.put_object(Bucket=b, Key=keys[2], Body=b"version 2")["VersionId"])  # v4
    for k in keys:
        ids.append(c.delete_object(Bucket=b, Key=k)["VersionId"])  # dm5 dm6 dm7
    for k in keys[:2]:
        ids.append(c.put_object(Bucket=b, Key=k, Body=b"version 2")["VersionId"])  # v8 v9
    V = {i + 1: v for i, v in enumerate(ids)}
    e1, e2 = md5_etag(b"version 1"), md5_etag(b"version 2")
    eq(e1, '"db3ec040e20dfc657dab510aeab74759"', "etag v1 (snapshot)")
    eq(e2, '"d4ca1ed7571e2e7b1f1c375bd50fa220"', "etag v2 (snapshot)")

    r = c.list_object_versions(Bucket=b)
    eq([(m["Key"], m["VersionId"], m["IsLatest"]) for m in r["DeleteMarkers"]],
       [("test_0", V[5], False), ("test_1", V[6], False), ("test_2", V[7], True)], "all DMs")
    eq([(v["Key"], v["VersionId"], v["IsLatest"], v["ETag"], v["Size"]) for v in r["Versions"]],
       [("test_0", V[8], True, e2, 9), ("test_0", V[1], False, e1, 9),
        ("test_1", V[9], True, e2, 9), ("test_1", V[2], False, e1, 9),
        ("test_2", V[4], False, e2, 9), ("test_2", V[3], False, e1, 9)], "all versions")
    eq(r["IsTruncated"], False, "IsTruncated")

    r = c.list_object_versions(Bucket=b, MaxKeys=5)
    eq([(v["Key"], v["VersionId"]) for v in r["Versions"]],
       [("test_0", V[8]), ("test_0", V[1]), ("test_1", V[9])], "page5 versions")
    eq([(m["Key"], m["VersionId"]) for m in r["DeleteMarkers"]],
       [("test_0", V[5]), ("test_1", V[6])], "page5 DMs")
    eq((r["IsTruncated"], r["MaxKeys"], r["NextKeyMarker"], r["NextVersionIdMarker"],
        r["KeyMarker"], r["VersionIdMarker"]),
       (True, 5, "test_1", V[6], "", ""), "page5 markers")

    r = c.list_object_versions(Bucket=b, MaxKeys=1, KeyMarker="test_1")
    check("Versions" not in r, "key-marker only: no versions")
    eq([(m["Key"], m["VersionId"], m["IsLatest"]) for m in r["DeleteMarkers"]],
       [("test_2", V[7], True)], "key-marker only DMs")
    eq((r["IsTruncated"], r["KeyMarker"], r["VersionIdMarker"], r["NextKeyMarker"],
        r["NextVersionIdMarker"]), (True, "test_1", "", "test_2", V[7]), "key-marker only markers")

    r = c.list_object_versions(Bucket=b, MaxKeys=1, KeyMarker="test_2")
    check("Versions" not in r and "DeleteMarkers" not in r, "last key: empty page")
    eq(r["IsTruncated"], False, "last key IsTruncated")
    check("NextKeyMarker" not in r and "NextVersionIdMarker" not in r, "no next markers")

    r = expect_error(c.list_object_versions, 400, "InvalidArgument", MSG_VID_WITHOUT_KEY,
                     Bucket=b, MaxKeys=1, VersionIdMarker=V[6])
    eq(r["Error"].get("ArgumentName"), "version-id-marker", "ArgumentName")
    eq(r["Error"].get("ArgumentValue"), V[6], "ArgumentValue")

    r = c.list_object_versions(Bucket=b, MaxKeys=1, KeyMarker="test_1", VersionIdMarker=V[6])
    eq([(v["Key"], v["VersionId"], v["IsLatest"]) for v in r["Versions"]],
       [("test_1", V[2], False)], "both markers versions")
    check("DeleteMarkers" not in r, "both markers: no DMs")
    eq((r["IsTruncated"], r["KeyMarker"], r["VersionIdMarker"], r["NextKeyMarker"],
        r["NextVersionIdMarker"]), (True, "test_1", V[6], "test_1", V[2]), "both markers")

    r = c.list_object_versions(Bucket=b, MaxKeys=1, KeyMarker="test_2", VersionIdMarker=V[4])
    eq([(v["Key"], v["VersionId"]) for v in r["Versions"]], [("test_2", V[3])], "last version")
    eq(r["IsTruncated"], False, "last version IsTruncated")
    check("NextKeyMarker" not in r, "no NextKeyMarker")

    r = c.list_object_versions(Bucket=b, MaxKeys=1, KeyMarker="")
    eq([(v["Key"], v["VersionId"]) for v in r["Versions"]], [("test_0", V[8])], "empty key marker")
    eq((r["IsTruncated"], r["KeyMarker"], r["NextKeyMarker"], r["NextVersionIdMarker"]),
       (True, "", "test_0", V[8]), "empty key marker markers")


@test
def test_list_versions_common_prefixes_pagination(ctx):
    # [LS-list] test_list_object_versions_pagination_common_prefixes
    c = ctx.c
    b = ctx.bucket("Enabled")
    keys = ["folder/aSubfolder/subFile1", "folder/aSubfolder/subFile2", "folder/file1",
            "folder/file2"]
    vids = {k: c.put_object(Bucket=b, Key=k, Body=b"content 123")["VersionId"] for k in keys}

    r = c.list_object_versions(Bucket=b)
    eq([(v["Key"], v["VersionId"], v["IsLatest"]) for v in r["Versions"]],
       [(k, vids[k], True) for k in keys], "all keys")

    r = c.list_object_versions(Bucket=b, Prefix="folder/", Delimiter="/", MaxKeys=1)
    eq(r.get("CommonPrefixes"), [{"Prefix": "folder/aSubfolder/"}], "start CommonPrefixes")
    check("Versions" not in r, "start: no versions")
    eq((r["IsTruncated"], r["NextKeyMarker"], r["Delimiter"], r["Prefix"]),
       (True, "folder/aSubfolder/", "/", "folder/"), "start markers")
    check("NextVersionIdMarker" not in r, "no NextVersionIdMarker after a CommonPrefix")

    r = c.list_object_versions(Bucket=b, Prefix="folder/", Delimiter="/", MaxKeys=1,
                               KeyMarker="folder/aSubfolder/")
    eq([v["Key"] for v in r["Versions"]], ["folder/file1"], "next-1")
    eq((r["IsTruncated"], r["NextKeyMarker"], r["NextVersionIdMarker"]),
       (True, "folder/file1", vids["folder/file1"]), "next-1 markers")

    r = c.list_object_versions(Bucket=b, Prefix="folder/", Delimiter="/", MaxKeys=1,
                               KeyMarker="folder/file1")
    eq([v["Key"] for v in r["Versions"]], ["folder/file2"], "end")
    eq(r["IsTruncated"], False, "end IsTruncated")

    r = c.list_object_versions(Bucket=b, Prefix="folder/", Delimiter="/", MaxKeys=1,
                               KeyMarker="folder/aSubfolder/subFile1")
    check("CommonPrefixes" not in r, "marker inside prefix skips that prefix")
    eq([v["Key"] for v in r["Versions"]], ["folder/file1"], "manual first file")
    eq((r["IsTruncated"], r["NextKeyMarker"]), (True, "folder/file1"), "manual markers")


@test
def test_list_versions_with_prefix_delimiter(ctx):
    # [LS-list] test_list_objects_versions_with_prefix
    c = ctx.c
    b = ctx.bucket("Enabled")
    objs = [("dir/test", b"content key1-v1"), ("dir/test", b"content key-1v2"),
            ("dir/subdir/test2", b"content key2-v1"), ("dir/subdir/test2", b"content key2-v2")]
    vid = [c.put_object(Bucket=b, Key=k, Body=body)["VersionId"] for k, body in objs]

    def lst(prefix):
        return c.list_object_versions(Bucket=b, Prefix=prefix, Delimiter="/")

    r = lst("dir/")
    eq(r.get("CommonPrefixes"), [{"Prefix": "dir/subdir/"}], "dir/ prefixes")
    eq([(v["Key"], v["VersionId"], v["IsLatest"]) for v in r["Versions"]],
       [("dir/test", vid[1], True), ("dir/test", vid[0], False)], "dir/ versions")
    r = lst("dir/s")
    eq(r.get("CommonPrefixes"), [{"Prefix": "dir/subdir/"}], "dir/s prefixes")
    check("Versions" not in r, "dir/s no versions")
    r = lst("dir/test")
    check("CommonPrefixes" not in r, "dir/test no prefixes")
    eq([v["VersionId"] for v in r["Versions"]], [vid[1], vid[0]], "dir/test versions")
    r = lst("dir/subdir")
    eq(r.get("CommonPrefixes"), [{"Prefix": "dir/subdir/"}], "dir/subdir prefixes")
    check("Versions" not in r, "dir/subdir no versions")
    r = lst("dir/subdir/")
    eq([v["VersionId"] for v in r["Versions"]], [vid[3], vid[2]], "dir/subdir/ versions")
    r = lst("dir/subdir/test2")
    eq([v["VersionId"] for v in r["Versions"]], [vid[3], vid[2]], "dir/subdir/test2 versions")


@test
def test_list_versions_prefix_pagination_deleted_marker(ctx):
    # [LS-list] test_list_objects_versions_with_prefix_only_and_pagination (snapshot 13-02-2025):
    # a VersionIdMarker naming a version deleted meanwhile still paginates correctly
    c = ctx.c
    b = ctx.bucket("Enabled")
    ids = [c.put_object(Bucket=b, Key="prefixed_key")["VersionId"] for _ in range(5)]
    c.put_object(Bucket=b, Key="non_prefixed_key")
    newest = ids[::-1]

    r = c.list_object_versions(Bucket=b, Prefix="prefix")
    eq([v["VersionId"] for v in r["Versions"]], newest, "prefix full")
    eq(r["Versions"][0]["ETag"], md5_etag(b""), "empty ETag")
    eq(r["Versions"][0]["Size"], 0, "Size")
    eq(len(c.list_object_versions(Bucket=b)["Versions"]), 6, "full listing")

    p1 = c.list_object_versions(Bucket=b, Prefix="prefix", MaxKeys=3)
    eq([v["VersionId"] for v in p1["Versions"]], newest[:3], "page1")
    eq((p1["IsTruncated"], p1["NextKeyMarker"], p1["NextVersionIdMarker"]),
       (True, "prefixed_key", newest[2]), "page1 markers")

    r = c.list_object_versions(Bucket=b, Prefix="prefix", MaxKeys=4, KeyMarker="prefixed_key")
    check("Versions" not in r, "key marker only -> nothing")
    eq(r["IsTruncated"], False, "key marker only IsTruncated")

    r = c.list_object_versions(Bucket=b, Prefix="prefix", MaxKeys=5, KeyMarker="prefixed_key",
                               VersionIdMarker=newest[2])
    eq([(v["VersionId"], v["IsLatest"]) for v in r["Versions"]],
       [(newest[3], False), (newest[4], False)], "page2")
    eq(r["IsTruncated"], False, "page2 IsTruncated")

    d = c.delete_objects(Bucket=b, Delete={"Objects": [
        {"Key": v["Key"], "VersionId": v["VersionId"]} for v in p1["Versions"]]})
    eq(len(d["Deleted"]), 3, "deleted 3")
    check(any(x["VersionId"] == newest[2] for x in d["Deleted"]), "marker version deleted")

    r = c.list_object_versions(Bucket=b, Prefix="prefix", MaxKeys=5, KeyMarker="prefixed_key",
                               VersionIdMarker=newest[2])
    eq([(v["VersionId"], v["IsLatest"]) for v in r["Versions"]],
       [(newest[3], True), (newest[4], False)], "page2 after deleting the marker version")
    eq(r["VersionIdMarker"], newest[2], "VersionIdMarker echo")


@test
def test_list_versions_raw_xml(ctx):
    # [LS-list] test_s3_list_object_versions_timestamp_precision (…000Z, 24 chars) and
    # list-objects-versions-no-encoding (empty KeyMarker/VersionIdMarker, no EncodingType);
    # interleaved newest-first order of <Version>/<DeleteMarker> per key as in the MaxKeys=5 page
    c = ctx.c
    b = ctx.bucket("Enabled")
    v1 = c.put_object(Bucket=b, Key="k", Body="test-body")["VersionId"]
    dm = c.delete_object(Bucket=b, Key="k")["VersionId"]
    v2 = c.put_object(Bucket=b, Key="k", Body="test-body-2")["VersionId"]

    def strip_encoding(request, **kwargs):
        # boto always adds encoding-type=url; drop it to see the un-encoded answer
        parts = urlsplit(request.url)
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                 if k != "encoding-type"]
        request.url = urlunsplit(parts._replace(query=urlencode(query)))

    c.meta.events.register("before-sign.s3.ListObjectVersions", strip_encoding)
    try:
        with RawCapture(c, "ListObjectVersions") as cap:
            c.list_object_versions(Bucket=b)
    finally:
        c.meta.events.unregister("before-sign.s3.ListObjectVersions", strip_encoding)
    root, kids = xml_children(cap.last)
    eq(root.tag, NS + "ListVersionsResult", "root element")
    tags = [t for t, _ in kids]
    check("KeyMarker" in tags and "VersionIdMarker" in tags, f"markers present: {tags}")
    eq(child_text(root, "KeyMarker"), "", "KeyMarker empty")
    eq(child_text(root, "VersionIdMarker"), "", "VersionIdMarker empty")
    check("EncodingType" not in tags, "no EncodingType without encoding-type")
    eq(child_text(root, "IsTruncated"), "false", "IsTruncated text")
    eq(child_text(root, "MaxKeys"), "1000", "MaxKeys text")
    entries = [(t, child_text(el, "VersionId"), child_text(el, "IsLatest"))
               for t, el in kids if t in ("Version", "DeleteMarker")]
    eq(entries, [("Version", v2, "true"), ("DeleteMarker", dm, "false"), ("Version", v1, "false")],
       "interleaved newest-first entries")
    ts_re = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$")
    for t, el in kids:
        if t in ("Version", "DeleteMarker"):
            lm = child_text(el, "LastModified")
            check(ts_re.match(lm or "") is not None, f"{t} LastModified format: {lm!r}")


@test
def test_list_versions_unversioned_and_empty(ctx):
    # [LS-api] test_list_object_versions_order_unversioned; [LS-s3] test_get_bucket_versioning_order
    c = ctx.c
    b = ctx.bucket()
    r = c.list_object_versions(Bucket=b)
    eq((r["IsTruncated"], r["KeyMarker"], r["MaxKeys"], r["Name"], r["Prefix"],
        r["VersionIdMarker"], r.get("EncodingType")),
       (False, "", 1000, b, "", "", "url"), "empty listing")
    check("Versions" not in r and "DeleteMarkers" not in r, "empty: no entries")
    for k in ["a-test-object-1", "c-test-object-3", "b-test-object-2"]:
        c.put_object(Bucket=b, Key=k, Body=k[2:])
    r = c.list_object_versions(Bucket=b)
    eq([(v["Key"], v["VersionId"], v["IsLatest"], v["StorageClass"]) for v in r["Versions"]],
       [("a-test-object-1", "null", True, "STANDARD"), ("b-test-object-2", "null", True, "STANDARD"),
        ("c-test-object-3", "null", True, "STANDARD")], "unversioned listing")


@test
def test_list_versions_marker_errors(ctx):
    # [LS-list] list-objects-next-version-only; [cmp] empty key-marker counts as absent,
    # malformed marker -> "Invalid version id specified", empty marker -> "cannot be empty"
    c = ctx.c
    b = ctx.bucket("Enabled")
    c.put_object(Bucket=b, Key="k", Body="x")
    r = expect_error(c.list_object_versions, 400, "InvalidArgument", MSG_VID_WITHOUT_KEY,
                     Bucket=b, VersionIdMarker=FAKE_VERSION_ID)
    eq(r["Error"].get("ArgumentName"), "version-id-marker", "ArgumentName")
    eq(r["Error"].get("ArgumentValue"), FAKE_VERSION_ID, "ArgumentValue")
    expect_error(c.list_object_versions, 400, "InvalidArgument", MSG_VID_WITHOUT_KEY,
                 Bucket=b, KeyMarker="", VersionIdMarker="bad-vid")
    expect_error(c.list_object_versions, 400, "InvalidArgument", MSG_INVALID_VERSION,
                 Bucket=b, KeyMarker="k", VersionIdMarker="bad-vid")
    expect_error(c.list_object_versions, 400, "InvalidArgument",
                 "A version-id marker cannot be empty.",
                 Bucket=b, KeyMarker="k", VersionIdMarker="")


@test
def test_list_versions_encoding_type_invalid(ctx):
    # [LS-list] test_list_ops_encoding_type_validation[list_object_versions] (12-02-2026)
    c = ctx.c
    b = ctx.bucket("Enabled")
    r = expect_error(c.list_object_versions, 400, "InvalidArgument",
                     "Invalid Encoding Method specified in Request",
                     Bucket=b, EncodingType="value")
    eq(r["Error"].get("ArgumentName"), "encoding-type", "ArgumentName")
    eq(r["Error"].get("ArgumentValue"), "value", "ArgumentValue")


# =========================================================================== 9. ListObjects


@test
def test_list_objects_hide_delete_markers(ctx):
    # [LS-s3] test_delete_keys_in_versioned_bucket (list-objects-v2 before/after);
    # [docs] "the delete marker makes Amazon S3 behave as if it is deleted"
    c = ctx.c
    b = ctx.bucket("Enabled")
    c.put_object(Bucket=b, Key="a", Body="1")
    c.put_object(Bucket=b, Key="a", Body="22")
    c.put_object(Bucket=b, Key="b", Body="1")
    c.delete_object(Bucket=b, Key="b")
    r = c.list_objects_v2(Bucket=b)
    eq([(o["Key"], o["Size"]) for o in r.get("Contents", [])], [("a", 2)], "ListObjectsV2")
    eq(r["KeyCount"], 1, "KeyCount")
    r = c.list_objects(Bucket=b)
    eq([o["Key"] for o in r.get("Contents", [])], ["a"], "ListObjects")
    lv = c.list_object_versions(Bucket=b)
    eq(len(lv["Versions"]), 3, "versions kept")
    eq([(m["Key"], m["IsLatest"]) for m in lv["DeleteMarkers"]], [("b", True)], "DM listed")


# =========================================================================== 8. tagging


@test
def test_object_tagging_versioned(ctx):
    # [LS-api] TestS3BucketObjectTagging::test_object_tagging_versioned (snapshot 21-01-2025)
    c = ctx.c
    b = ctx.bucket("Enabled")
    key = "test-version-tagging"
    v1 = c.put_object(Bucket=b, Key=key, Body="test-0",
                      Tagging=urlencode({"test_tag": "tagv1"}))["VersionId"]
    v2 = c.put_object(Bucket=b, Key=key, Body="test-1")["VersionId"]

    r = c.put_object_tagging(Bucket=b, Key=key,
                             Tagging={"TagSet": [{"Key": "tag3", "Value": "tag3"}]})
    eq((status(r), r.get("VersionId")), (200, v2), "put tagging current -> VersionId v2")
    r = c.get_object_tagging(Bucket=b, Key=key)
    eq((r["TagSet"], r.get("VersionId")), ([{"Key": "tag3", "Value": "tag3"}], v2), "get current")
    r = c.get_object_tagging(Bucket=b, Key=key, VersionId=v1)
    eq((r["TagSet"], r.get("VersionId")), ([{"Key": "test_tag", "Value": "tagv1"}], v1),
       "get previous")
    r = c.put_object_tagging(Bucket=b, Key=key, VersionId=v1,
                             Tagging={"TagSet": [{"Key": "tag1", "Value": "tag1"}]})
    eq(r.get("VersionId"), v1, "put tagging previous -> VersionId v1")
    r = c.get_object_tagging(Bucket=b, Key=key, VersionId=v1)
    eq((r["TagSet"], r.get("VersionId")), ([{"Key": "tag1", "Value": "tag1"}], v1),
       "get previous again")

    d = c.delete_object(Bucket=b, Key=key)
    eq((status(d), d.get("DeleteMarker")), (204, True), "DM")
    dm = d["VersionId"]
    ts = {"TagSet": [{"Key": "tag1", "Value": "tag1"}]}
    for extra in ({"VersionId": dm}, {}):
        for method, fn, kw in (("PUT", c.put_object_tagging, {"Tagging": ts}),
                               ("GET", c.get_object_tagging, {}),
                               ("DELETE", c.delete_object_tagging, {})):
            r = expect_error(fn, 405, "MethodNotAllowed", MSG_METHOD_NOT_ALLOWED,
                             Bucket=b, Key=key, **kw, **extra)
            eq(r["Error"].get("Method"), method, f"{method} Method ({extra or 'latest'})")
            eq(r["Error"].get("ResourceType"), "DeleteMarker", f"{method} ResourceType")


# =========================================================================== 3. copy / multipart


@test
def test_copy_object_versioned(ctx):
    # [RE-mix] E1/E2 (x-amz-copy-source-version-id + x-amz-version-id);
    # [s3-tests] test_versioning_copy_obj_version (copy by version, also cross-bucket)
    c = ctx.c
    b = ctx.bucket("Enabled")
    v1 = c.put_object(Bucket=b, Key="src", Body="content-0")["VersionId"]
    v2 = c.put_object(Bucket=b, Key="src", Body="content-1")["VersionId"]

    r = c.copy_object(Bucket=b, Key="dst", CopySource={"Bucket": b, "Key": "src"})
    eq(status(r), 200, "copy status")
    eq(r.get("CopySourceVersionId"), v2, "CopySourceVersionId = source current")
    eq(headers(r).get("x-amz-copy-source-version-id"), v2, "x-amz-copy-source-version-id")
    assert_version_id_format(r.get("VersionId"), "dest VersionId")
    check(r["VersionId"] not in (v1, v2), "dest gets a new version id")
    eq(headers(r).get("x-amz-version-id"), r["VersionId"], "x-amz-version-id")
    check("ETag" in r["CopyObjectResult"] and "LastModified" in r["CopyObjectResult"],
          "CopyObjectResult fields")
    eq(body_of(c.get_object(Bucket=b, Key="dst")), b"content-1", "copied current")

    r = c.copy_object(Bucket=b, Key="dst0", CopySource={"Bucket": b, "Key": "src", "VersionId": v1})
    eq(r.get("CopySourceVersionId"), v1, "CopySourceVersionId = requested")
    eq(body_of(c.get_object(Bucket=b, Key="dst0")), b"content-0", "copied old version")

    b2 = ctx.bucket()
    c.copy_object(Bucket=b2, Key="x", CopySource={"Bucket": b, "Key": "src", "VersionId": v1})
    eq(body_of(c.get_object(Bucket=b2, Key="x")), b"content-0", "cross-bucket old version")


@test
def test_copy_from_delete_marker(ctx):
    # [RE-mix] A1-A4: latest DM -> 404 NoSuchKey (+DM headers, Key = source key);
    # versionId=DM -> 400 InvalidRequest, no DM headers
    c = ctx.c
    b = ctx.bucket("Enabled")
    c.put_object(Bucket=b, Key="src", Body="x")
    dm = c.delete_object(Bucket=b, Key="src")["VersionId"]

    r = expect_error(c.copy_object, 404, "NoSuchKey", MSG_NO_SUCH_KEY,
                     Bucket=b, Key="dst", CopySource={"Bucket": b, "Key": "src"})
    eq(r["Error"].get("Key"), "src", "Error.Key is the source key")
    eq(headers(r).get("x-amz-delete-marker"), "true", "x-amz-delete-marker")
    eq(headers(r).get("x-amz-version-id"), dm, "x-amz-version-id")

    r = expect_error(c.copy_object, 400, "InvalidRequest", MSG_COPY_FROM_DM,
                     Bucket=b, Key="dst", CopySource={"Bucket": b, "Key": "src", "VersionId": dm})
    check("x-amz-delete-marker" not in headers(r), "no DM header on InvalidRequest")

    dm_only = c.delete_object(Bucket=b, Key="only-dm")["VersionId"]
    r = expect_error(c.copy_object, 404, "NoSuchKey", MSG_NO_SUCH_KEY,
                     Bucket=b, Key="dst", CopySource={"Bucket": b, "Key": "only-dm"})
    eq(headers(r).get("x-amz-version-id"), dm_only, "only-DM x-amz-version-id")
    expect_error(c.copy_object, 400, "InvalidRequest", MSG_COPY_FROM_DM,
                 Bucket=b, Key="dst", CopySource={"Bucket": b, "Key": "only-dm", "VersionId": dm_only})


@test
def test_copy_invalid_source_version(ctx):
    # [RE-mix] I2: CopyObject with x-amz-copy-source ...?versionId=abc -> 400 InvalidRequest "Invalid Request"
    c = ctx.c
    b = ctx.bucket("Enabled")
    c.put_object(Bucket=b, Key="src", Body="x")
    expect_error(c.copy_object, 400, "InvalidRequest", "Invalid Request",
                 Bucket=b, Key="dst", CopySource={"Bucket": b, "Key": "src", "VersionId": "abc"})


@test
def test_multipart_version_id(ctx):
    # [s3-tests] test_versioning_bucket_multipart_upload_return_version_id (ok on AWS per
    # nspcc-dev/neofs-s3-gw docs/s3_test_results.md) + atomic_upload variant for PutObject
    c = ctx.c

    def mpu(bucket, key):
        up = c.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
        part = c.upload_part(Bucket=bucket, Key=key, UploadId=up, PartNumber=1, Body=b"data")
        return c.complete_multipart_upload(
            Bucket=bucket, Key=key, UploadId=up,
            MultipartUpload={"Parts": [{"ETag": part["ETag"], "PartNumber": 1}]})

    b = ctx.bucket("Enabled")
    r = mpu(b, "bar")
    assert_version_id_format(r.get("VersionId"), "CompleteMultipartUpload VersionId")
    eq([v["VersionId"] for v in c.list_object_versions(Bucket=b)["Versions"]], [r["VersionId"]],
       "listed version = returned version")
    p = c.put_object(Bucket=b, Key="atomic", Body="x")
    eq([v["VersionId"] for v in c.list_object_versions(Bucket=b, Prefix="atomic")["Versions"]],
       [p["VersionId"]], "atomic put version listed")

    b_plain = ctx.bucket()
    check("VersionId" not in mpu(b_plain, "baz"), "unversioned MPU: no VersionId")
    b_susp = ctx.bucket("Suspended")
    check("VersionId" not in mpu(b_susp, "baz"), "suspended MPU: no VersionId")
    check("VersionId" not in c.put_object(Bucket=b_susp, Key="p", Body="x"),
          "suspended PutObject: no VersionId")


# --------------------------------------------------------------------------- main
if __name__ == "__main__":
    conclude(run(summary="{passed} passed, {failed} failed, {total} total", context=Ctx))
