#!/usr/bin/env python3
"""
S3 core-operation conformance harness for Nimbus, ported from ceph/s3-tests (boto3, standalone, no pytest, no skips).

    python3 s3_core_ceph.py

Environment:
    AWS_ENDPOINT_URL   REST endpoint (default http://127.0.0.1:4566); credentials test/test, us-east-1, path-style.

Every test ports one or more functions of ceph/s3-tests s3tests_boto3/functional/test_s3.py (named in its source),
written and checked against AWS. Cases already ported by s3_conformance.py are not repeated; cases marked
fails_on_aws, rgw extensions (allow-unordered, usage, x-rgw-*), ACL / CORS / versioning / lifecycle / website /
Object Lock / SSE-C / logging / replication / POST-form cases are left out (other harnesses cover them).

Where s3-tests asserts something other AWS evidence contradicts (LocalStack's AWS-validated snapshots, moto's
AWS-verified tests), that one assertion is dropped or replaced by AWS's answer and the reason is given beside it:
  - test_multipart_upload_empty (MalformedXML; AWS: InvalidRequest "You must specify at least one part")
  - test_bucket_listv2_continuationtoken_empty (AWS refuses an empty token)
  - test_put_excess_tags' code InvalidTag (AWS: BadRequest "Object tags cannot be greater than 10")
  - test_multipart_get_part's out-of-range answer (400 InvalidPart; AWS: 416 InvalidPartNumber) and its per-part ETag
  - test_object_raw_get_x_amz_expires_out_max_range (403; AWS: 400 AuthorizationQueryParametersError)
  - test_multipart_copy_invalid_range (InvalidRange; AWS: InvalidArgument)
  - GetObjectAttributes' composite checksum with its '-N' (real S3 leaves it off: floci-io/floci#3083 capture)
  - test_multipart_checksum_sha256's BadDigest for a part sent without its checksum (real S3: InvalidRequest,
    floci-io/floci#3093 capture)
  - test_bucket_create_exists / test_bucket_recreate_*_acl (us-east-1 answers the owner's re-create with 200)
  - test_object_checksum_sha256 / _crc64nvme's BadDigest for the malformed value 'bad' (real S3: InvalidRequest
    "Value for x-amz-checksum-<algorithm> header is invalid.", openstack/swift test/s3api/test_object_checksums.py)
  - test_object_write_with_chunked_transfer_encoding's success (real S3: 501 NotImplemented naming
    Transfer-Encoding, Automattic/knox#43, aws/aws-sdk-js-v3#3383)
  - test_put_obj_with_tags' tag order (S3 keeps none: boto/boto3#1171; s3-tests sorts since ceph/s3-tests#321)

Evidence tier: B = ceph/s3-tests (AWS-targeted, not fails_on_aws), with the real-S3 captures named beside a test.
Every check is hard.
"""
import base64
import datetime
import functools
import os
import random
import socket
import string
import time
import uuid
from urllib.parse import urlsplit

import requests

from harness import ENDPOINT_URL, S3, cleanup_bucket, client, conclude, err_of, expect_err, run, test

CEPH = "ceph/s3-tests s3tests_boto3/functional/test_s3.py::"
MB = 1024 * 1024

_created = []


def new_bucket(c=None, name=None):
    """A new bucket (as client `c`), removed when its test ends."""
    c = c or S3
    name = name or f"ceph-core-{uuid.uuid4().hex[:16]}"
    c.create_bucket(Bucket=name)
    _created.append((name, c))
    return name


def create_objects(keys, c=None):
    c = c or S3
    b = new_bucket(c)
    for k in keys:
        c.put_object(Bucket=b, Key=k, Body=k)
    return b


def ceph(*functions, also=""):
    """Registers a tier-B test porting the named s3-tests functions (plus `also` evidence); its buckets are removed afterwards."""
    source = CEPH + ", ".join(functions) + also

    def deco(fn):
        @functools.wraps(fn)
        def wrapped(ctx):
            try:
                fn(ctx)
            finally:
                while _created:
                    name, c = _created.pop()
                    cleanup_bucket(name, c)
        return test("B", source)(wrapped)
    return deco


def keys_of(r):
    return [o["Key"] for o in r.get("Contents", [])]


def prefixes_of(r):
    return [p["Prefix"] for p in r.get("CommonPrefixes", [])]


def body_of(r):
    return r["Body"].read()


def status_code(resp):
    return resp["ResponseMetadata"]["HTTPStatusCode"] if resp else None


class FakeWriteFile:
    """s3-tests' FakeWriteFile: `size` copies of one character, calling `interrupt` when the last byte is read."""

    def __init__(self, size, char="A", interrupt=None):
        self.size, self.char, self.interrupt, self.offset = size, char.encode(), interrupt, 0

    def seek(self, offset, whence=os.SEEK_SET):
        self.offset = {os.SEEK_SET: offset, os.SEEK_CUR: self.offset + offset, os.SEEK_END: self.size + offset}[whence]

    def tell(self):
        return self.offset

    def read(self, size=-1):
        if size is None or size < 0:
            size = self.size - self.offset
        count = min(size, self.size - self.offset)
        self.offset += count
        if self.interrupt is not None and self.offset == self.size and count > 0:
            self.interrupt()
        return self.char * count


def gen_data(size, part_size=5 * MB):
    """Parts of random letters (each 1 KiB repeated), as s3-tests' generate_random."""
    parts = []
    for x in range(0, size, part_size):
        chunk = "".join(random.choice(string.ascii_letters) for _ in range(1024)).encode()
        n = min(size - x, part_size)
        parts.append((chunk * (n // 1024 + 1))[:n])
    return parts


def multipart_upload(bucket, key, size, part_size=5 * MB, c=None, resend_parts=(), **create):
    """s3-tests' _multipart_upload: (upload_id, data, parts)."""
    c = c or S3
    upload_id = c.create_multipart_upload(Bucket=bucket, Key=key, **create)["UploadId"]
    parts, data = [], b""
    for i, part in enumerate(gen_data(size, part_size)):
        data += part
        r = c.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=i + 1, Body=part)
        parts.append({"ETag": r["ETag"].strip('"'), "PartNumber": i + 1})
        if i in resend_parts:
            c.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=i + 1, Body=part)
    return upload_id, data, parts


def check_content_using_range(ctx, bucket, key, data, step):
    size = S3.head_object(Bucket=bucket, Key=key)["ContentLength"]
    for ofs in range(0, size, step):
        end = min(ofs + step, size) - 1
        r = S3.get_object(Bucket=bucket, Key=key, Range=f"bytes={ofs}-{end}")
        ctx.eq(r["ContentLength"], end - ofs + 1, f"range {ofs}-{end} length")
        ctx.check(body_of(r) == data[ofs:end + 1], f"range {ofs}-{end} body differs")


def with_headers(c, event, headers):
    c.meta.events.register(f"before-call.s3.{event}", lambda **kw: kw["params"]["headers"].update(headers))
    return c


# ============================================================================================= listing
def validate_list(ctx, bucket, prefix, delimiter, marker, max_keys, truncated, objs, prefixes, next_marker):
    r = S3.list_objects(Bucket=bucket, Delimiter=delimiter, Marker=marker, MaxKeys=max_keys, Prefix=prefix)
    what = f"v1 prefix={prefix!r} marker={marker!r} max={max_keys}"
    ctx.eq((r["IsTruncated"], r.get("NextMarker"), keys_of(r), prefixes_of(r)),
           (truncated, next_marker, objs, prefixes), what)
    return r.get("NextMarker")


def validate_listv2(ctx, bucket, prefix, delimiter, token, max_keys, truncated, objs, prefixes, last=False):
    params = dict(Bucket=bucket, Delimiter=delimiter, MaxKeys=max_keys, Prefix=prefix)
    if token is not None:
        params["ContinuationToken"] = token
    else:
        params["StartAfter"] = ""
    r = S3.list_objects_v2(**params)
    what = f"v2 prefix={prefix!r} max={max_keys} token={'yes' if token else 'no'}"
    ctx.eq((r["IsTruncated"], keys_of(r), prefixes_of(r)), (truncated, objs, prefixes), what)
    if last:
        ctx.eq(r.get("NextContinuationToken"), None, f"{what} NextContinuationToken")
    return r.get("NextContinuationToken")


@ceph("test_bucket_list_many", "test_bucket_listv2_many")
def list_many(ctx):
    b = create_objects(["foo", "bar", "baz"])
    r = S3.list_objects(Bucket=b, MaxKeys=2)
    ctx.eq((keys_of(r), r["IsTruncated"]), (["bar", "baz"], True), "v1 first page")
    r = S3.list_objects(Bucket=b, Marker="baz", MaxKeys=2)
    ctx.eq((keys_of(r), r["IsTruncated"]), (["foo"], False), "v1 after marker")
    r = S3.list_objects_v2(Bucket=b, MaxKeys=2)
    ctx.eq((keys_of(r), r["IsTruncated"]), (["bar", "baz"], True), "v2 first page")
    r = S3.list_objects_v2(Bucket=b, StartAfter="baz", MaxKeys=2)
    ctx.eq((keys_of(r), r["IsTruncated"]), (["foo"], False), "v2 after start-after")


@ceph("test_basic_key_count", "test_bucket_listv2_delimiter_basic", "test_bucket_list_delimiter_basic")
def list_key_count_and_delimiter_basic(ctx):
    b = new_bucket()
    for j in range(5):
        S3.put_object(Bucket=b, Key=str(j))
    ctx.eq(S3.list_objects_v2(Bucket=b)["KeyCount"], 5, "KeyCount")
    b = create_objects(["foo/bar", "foo/bar/xyzzy", "quux/thud", "asdf"])
    for fn in (S3.list_objects, S3.list_objects_v2):
        r = fn(Bucket=b, Delimiter="/")
        ctx.eq((r["Delimiter"], keys_of(r), prefixes_of(r)), ("/", ["asdf"], ["foo/", "quux/"]), fn.__name__)
    ctx.eq(S3.list_objects_v2(Bucket=b, Delimiter="/")["KeyCount"], 3, "KeyCount counts prefixes")


@ceph("test_bucket_list_delimiter_prefix_underscore", "test_bucket_listv2_delimiter_prefix_underscore")
def list_delimiter_prefix_underscore(ctx):
    b = create_objects(["_obj1_", "_under1/bar", "_under1/baz/xyzzy", "_under2/thud", "_under2/bla"])
    m = validate_list(ctx, b, "", "/", "", 1, True, ["_obj1_"], [], "_obj1_")
    m = validate_list(ctx, b, "", "/", m, 1, True, [], ["_under1/"], "_under1/")
    validate_list(ctx, b, "", "/", m, 1, False, [], ["_under2/"], None)
    m = validate_list(ctx, b, "", "/", "", 2, True, ["_obj1_"], ["_under1/"], "_under1/")
    validate_list(ctx, b, "", "/", m, 2, False, [], ["_under2/"], None)
    m = validate_list(ctx, b, "_under1/", "/", "", 1, True, ["_under1/bar"], [], "_under1/bar")
    validate_list(ctx, b, "_under1/", "/", m, 1, False, [], ["_under1/baz/"], None)
    validate_list(ctx, b, "_under1/", "/", "", 2, False, ["_under1/bar"], ["_under1/baz/"], None)
    t = validate_listv2(ctx, b, "", "/", None, 1, True, ["_obj1_"], [])
    t = validate_listv2(ctx, b, "", "/", t, 1, True, [], ["_under1/"])
    validate_listv2(ctx, b, "", "/", t, 1, False, [], ["_under2/"], last=True)
    t = validate_listv2(ctx, b, "", "/", None, 2, True, ["_obj1_"], ["_under1/"])
    validate_listv2(ctx, b, "", "/", t, 2, False, [], ["_under2/"], last=True)
    t = validate_listv2(ctx, b, "_under1/", "/", None, 1, True, ["_under1/bar"], [])
    validate_listv2(ctx, b, "_under1/", "/", t, 1, False, [], ["_under1/baz/"], last=True)
    validate_listv2(ctx, b, "_under1/", "/", None, 2, False, ["_under1/bar"], ["_under1/baz/"], last=True)


@ceph("test_bucket_list_delimiter_not_exist", "test_bucket_listv2_delimiter_not_exist",
      "test_bucket_list_prefix_delimiter_delimiter_not_exist",
      "test_bucket_list_prefix_delimiter_prefix_delimiter_not_exist",
      "test_bucket_listv2_prefix_delimiter_prefix_delimiter_not_exist")
def list_unused_delimiter(ctx):
    names = ["bar", "baz", "cab", "foo"]
    b = create_objects(names)
    for fn in (S3.list_objects, S3.list_objects_v2):
        r = fn(Bucket=b, Delimiter="/")
        ctx.eq((r["Delimiter"], keys_of(r), prefixes_of(r)), ("/", names, []), f"{fn.__name__} delimiter '/'")
    b = create_objects(["b/a/c", "b/a/g", "b/a/r", "g"])
    for fn in (S3.list_objects, S3.list_objects_v2):
        r = fn(Bucket=b, Delimiter="z", Prefix="y")
        ctx.eq((keys_of(r), prefixes_of(r)), ([], []), f"{fn.__name__} unmatched prefix and delimiter")
    r = S3.list_objects(Bucket=b, Delimiter="z", Prefix="b")
    ctx.eq((keys_of(r), prefixes_of(r)), (["b/a/c", "b/a/g", "b/a/r"], []), "v1 unused delimiter under prefix")


@ceph("test_bucket_list_prefix_basic", "test_bucket_listv2_prefix_basic", "test_bucket_list_prefix_alt",
      "test_bucket_listv2_prefix_alt", "test_bucket_list_prefix_delimiter_basic",
      "test_bucket_listv2_prefix_delimiter_basic", "test_bucket_listv2_prefix_delimiter_alt")
def list_prefixes(ctx):
    b = create_objects(["foo/bar", "foo/baz", "quux"])
    for fn in (S3.list_objects, S3.list_objects_v2):
        r = fn(Bucket=b, Prefix="foo/")
        ctx.eq((r["Prefix"], keys_of(r), prefixes_of(r)), ("foo/", ["foo/bar", "foo/baz"], []), f"{fn.__name__} foo/")
    b = create_objects(["bar", "baz", "foo"])
    for fn in (S3.list_objects, S3.list_objects_v2):
        r = fn(Bucket=b, Prefix="ba")
        ctx.eq((r["Prefix"], keys_of(r)), ("ba", ["bar", "baz"]), f"{fn.__name__} ba")
    b = create_objects(["foo/bar", "foo/baz/xyzzy", "quux/thud", "asdf"])
    for fn in (S3.list_objects, S3.list_objects_v2):
        r = fn(Bucket=b, Delimiter="/", Prefix="foo/")
        ctx.eq((r["Prefix"], r["Delimiter"], keys_of(r), prefixes_of(r)), ("foo/", "/", ["foo/bar"], ["foo/baz/"]),
               f"{fn.__name__} prefix+delimiter")
    b = create_objects(["bar", "bazar", "cab", "foo"])
    r = S3.list_objects_v2(Bucket=b, Delimiter="a", Prefix="ba")
    ctx.eq((keys_of(r), prefixes_of(r)), (["bar"], ["baza"]), "v2 non-slash delimiter under prefix")


@ceph("test_bucket_list_maxkeys_one", "test_bucket_listv2_maxkeys_one", "test_bucket_list_special_prefix")
def list_maxkeys_one_and_special_prefix(ctx):
    names = ["bar", "baz", "foo", "quxx"]
    b = create_objects(names)
    r = S3.list_objects(Bucket=b, MaxKeys=1)
    ctx.eq((r["IsTruncated"], keys_of(r)), (True, names[:1]), "v1 max-keys=1")
    r = S3.list_objects(Bucket=b, Marker=names[0])
    ctx.eq((r["IsTruncated"], keys_of(r)), (False, names[1:]), "v1 marker")
    r = S3.list_objects_v2(Bucket=b, MaxKeys=1)
    ctx.eq((r["IsTruncated"], keys_of(r)), (True, names[:1]), "v2 max-keys=1")
    r = S3.list_objects_v2(Bucket=b, StartAfter=names[0])
    ctx.eq((r["IsTruncated"], keys_of(r)), (False, names[1:]), "v2 start-after")
    b = create_objects(["_bla/1", "_bla/2", "_bla/3", "_bla/4", "abcd"])
    ctx.eq(len(keys_of(S3.list_objects(Bucket=b))), 5, "all keys")
    ctx.eq(len(keys_of(S3.list_objects(Bucket=b, Prefix="_bla/"))), 4, "keys under _bla/")


@ceph("test_bucket_list_delimiter_not_skip_special")
def list_delimiter_not_skip_special(ctx):
    # The full-size case: a thousand keys under one common prefix must fold into it, not fill max-keys.
    b = new_bucket()
    names = ["0/"] + [f"0/{i}" for i in range(1000, 1999)]
    tail = ["1999", "1999#", "1999+", "2000"]
    for k in names + tail:
        S3.put_object(Bucket=b, Key=k, Body=k)
    r = S3.list_objects(Bucket=b, Delimiter="/")
    ctx.eq((r["Delimiter"], keys_of(r), prefixes_of(r), r["IsTruncated"]), ("/", tail, ["0/"], False), "v1")
    r = S3.list_objects_v2(Bucket=b, Delimiter="/")
    ctx.eq((keys_of(r), prefixes_of(r), r["KeyCount"], r["IsTruncated"]), (tail, ["0/"], 5, False), "v2")


@ceph("test_bucket_list_return_data")
def list_return_data(ctx):
    b = create_objects(["bar", "baz", "foo"])
    for obj in S3.list_objects(Bucket=b)["Contents"]:
        head = S3.head_object(Bucket=b, Key=obj["Key"])
        owner = S3.get_object_acl(Bucket=b, Key=obj["Key"])["Owner"]
        ctx.eq((obj["ETag"], obj["Size"]), (head["ETag"], head["ContentLength"]), f"{obj['Key']} ETag/Size")
        ctx.eq(obj["Owner"]["ID"], owner["ID"], f"{obj['Key']} Owner.ID (as GetObjectAcl)")
        ctx.eq(obj["LastModified"].replace(microsecond=0), head["LastModified"], f"{obj['Key']} LastModified")


# ============================================================================================= buckets
@ceph("test_bucket_create_delete", "test_bucket_head", "test_bucket_head_notexist", "test_bucket_create_exists")
def bucket_create_head_delete(ctx):
    b = new_bucket()
    ctx.eq(S3.head_bucket(Bucket=b)["ResponseMetadata"]["HTTPStatusCode"], 200, "HeadBucket")
    # us-east-1 answers the owner's re-create with 200 (s3-tests also accepts 409 BucketAlreadyOwnedByYou).
    r = err_of(S3.create_bucket, Bucket=b)
    ctx.check(r is None or (status_code(r), r["Error"]["Code"]) == (409, "BucketAlreadyOwnedByYou"),
              f"re-create by owner: {r and r['Error']}")
    S3.delete_bucket(Bucket=b)
    expect_err(ctx, err_of(S3.delete_bucket, Bucket=b), 404, "NoSuchBucket", "delete of a deleted bucket")
    ctx.eq(status_code(err_of(S3.head_bucket, Bucket=b)), 404, "HeadBucket of a deleted bucket")


@ceph("test_bucket_create_naming_good_long_60", "test_bucket_create_naming_good_long_61",
      "test_bucket_create_naming_good_long_62", "test_bucket_create_naming_good_long_63",
      "test_bucket_list_long_name", "test_bucket_create_naming_good_starts_alpha",
      "test_bucket_create_naming_good_starts_digit")
def bucket_good_names(ctx):
    # The 60-62 cases carry fails_on_aws with "Should now pass on AWS even though it has 'fails_on_aws' attr."
    for length in (60, 61, 62, 63):
        prefix = f"ceph-core-{uuid.uuid4().hex[:8]}-"
        name = prefix + "a" * (length - len(prefix))
        ctx.eq(status_code(err_of(new_bucket, name=name)), None, f"create a {length}-char name")
        if length == 61:
            ctx.eq(keys_of(S3.list_objects(Bucket=name)), [], "list a 61-char bucket")
    for first in ("a", "0"):
        name = f"{first}ceph-core-{uuid.uuid4().hex[:8]}foo"
        ctx.eq(status_code(err_of(new_bucket, name=name)), None, f"create a name starting {first!r}")


@ceph("test_buckets_create_then_list", "test_buckets_list_ctime")
def list_buckets(ctx):
    before = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)
    names = [new_bucket() for _ in range(5)]
    listed = {b["Name"]: b["CreationDate"] for b in S3.list_buckets()["Buckets"]}
    for n in names:
        ctx.check(n in listed, f"{n} missing from ListBuckets")
        ctx.check(n not in listed or listed[n] >= before, f"{n} CreationDate {listed.get(n)} older than a day")


@ceph("test_list_buckets_paginated")
def list_buckets_paginated(ctx):
    # A fresh account so that its bucket list starts empty: where auth is lenient, a 12-digit key is that account.
    c = client(key=str(random.randrange(10 ** 11, 10 ** 12)))
    r = c.list_buckets(MaxBuckets=1)
    ctx.eq((len(r["Buckets"]), "ContinuationToken" in r), (0, False), "no buckets")
    b1 = new_bucket(c, name=f"ceph-core-a-{uuid.uuid4().hex[:12]}")
    r = c.list_buckets(MaxBuckets=1)
    ctx.eq(([x["Name"] for x in r["Buckets"]], "ContinuationToken" in r), ([b1], False), "one bucket")
    b2 = new_bucket(c, name=f"ceph-core-b-{uuid.uuid4().hex[:12]}")
    r = c.list_buckets(MaxBuckets=1)
    ctx.eq([x["Name"] for x in r["Buckets"]], [b1], "first page")
    ctx.check("ContinuationToken" in r, "first page of two should carry a ContinuationToken")
    r = c.list_buckets(MaxBuckets=1, ContinuationToken=r.get("ContinuationToken", ""))
    ctx.eq(([x["Name"] for x in r["Buckets"]], "ContinuationToken" in r), ([b2], False), "second page")


@ceph("test_list_buckets_bad_auth")
def list_buckets_bad_secret(ctx):
    c = client()
    c._request_signer._credentials.secret_key = "wrong-secret"
    r = err_of(c.list_buckets)
    expect_err(ctx, r, 403, "SignatureDoesNotMatch", "ListBuckets with the wrong secret")


@ceph("test_set_bucket_tagging")
def bucket_tagging(ctx):
    b = new_bucket()
    expect_err(ctx, err_of(S3.get_bucket_tagging, Bucket=b), 404, "NoSuchTagSet", "no tags yet")
    S3.put_bucket_tagging(Bucket=b, Tagging={"TagSet": [{"Key": "Hello", "Value": "World"}]})
    ctx.eq(S3.get_bucket_tagging(Bucket=b)["TagSet"], [{"Key": "Hello", "Value": "World"}], "tags")
    ctx.eq(S3.delete_bucket_tagging(Bucket=b)["ResponseMetadata"]["HTTPStatusCode"], 204, "delete status")
    expect_err(ctx, err_of(S3.get_bucket_tagging, Bucket=b), 404, "NoSuchTagSet", "tags deleted")


@ceph("test_expected_bucket_owner")
def expected_bucket_owner(ctx):
    # s3-tests sends the owner's id + 'foo' anonymously to a public bucket; the owner sending a well-formed
    # account id that is not the owner's must be refused the same way (403 AccessDenied).
    b = new_bucket()
    S3.put_object(Bucket=b, Key="foo", Body="bar")
    owner = "000000000000"  # the account of the key test/test (as LocalStack's)
    ctx.eq(keys_of(S3.list_objects(Bucket=b, ExpectedBucketOwner=owner)), ["foo"], "ListObjects naming the true owner")
    wrong = "999988887777"
    expect_err(ctx, err_of(S3.list_objects, Bucket=b, ExpectedBucketOwner=wrong), 403, "AccessDenied",
               "ListObjects with another ExpectedBucketOwner")
    expect_err(ctx, err_of(S3.put_object, Bucket=b, Key="bar", Body="coffee", ExpectedBucketOwner=wrong), 403,
               "AccessDenied", "PutObject with another ExpectedBucketOwner")
    expect_err(ctx, err_of(S3.get_object, Bucket=b, Key="bar"), 404, "NoSuchKey", "the refused PUT wrote nothing")


# ============================================================================================= objects
@ceph("test_object_write_read_update_read_delete", "test_object_raw_authenticated_object_gone",
      "test_object_set_get_metadata_overwrite_to_empty", "test_object_write_file")
def object_lifecycle(ctx):
    b = new_bucket()
    S3.put_object(Bucket=b, Key="foo", Body=b"bar")
    ctx.eq(body_of(S3.get_object(Bucket=b, Key="foo")), b"bar", "read")
    S3.put_object(Bucket=b, Key="foo", Body="soup")
    ctx.eq(body_of(S3.get_object(Bucket=b, Key="foo")), b"soup", "re-read")
    ctx.eq(S3.delete_object(Bucket=b, Key="foo")["ResponseMetadata"]["HTTPStatusCode"], 204, "delete status")
    expect_err(ctx, err_of(S3.get_object, Bucket=b, Key="foo"), 404, "NoSuchKey", "read after delete")
    S3.put_object(Bucket=b, Key="foo", Body="bar", Metadata={"meta1": "oldmeta"})
    ctx.eq(S3.get_object(Bucket=b, Key="foo")["Metadata"], {"meta1": "oldmeta"}, "metadata")
    S3.put_object(Bucket=b, Key="foo", Body="bar", Metadata={"meta1": ""})
    ctx.eq(S3.get_object(Bucket=b, Key="foo")["Metadata"], {"meta1": ""}, "metadata overwritten to empty")


@ceph("test_object_set_get_unicode_metadata")
def object_unicode_metadata_signed(ctx):
    b = new_bucket()
    c = client()
    # botocore signs the value as UTF-8 and sends it as UTF-8: the signature is over the bytes received.
    c.meta.events.register("before-call.s3.PutObject",
                           lambda params, **kw: params["headers"].__setitem__("x-amz-meta-meta1", "Hello World\xe9"))
    ctx.eq(status_code(c.put_object(Bucket=b, Key="foo", Body="bar")), 200, "PUT with UTF-8 metadata, signed as UTF-8")
    # S3 answers non-ASCII metadata RFC 2047 encoded, each byte received (read as Latin-1) as UTF-8:
    # C3 A9 comes back as the base64 of C3 83 C2 A9 (as MinIO recorded AWS doing, minio/minio#21282).
    mail_safe = "=?UTF-8?B?" + base64.b64encode("Hello World\xc3\xa9".encode("utf-8")).decode() + "?="
    ctx.eq(S3.get_object(Bucket=b, Key="foo")["Metadata"]["meta1"], mail_safe, "GetObject metadata")
    ctx.eq(S3.head_object(Bucket=b, Key="foo")["Metadata"]["meta1"], mail_safe, "HeadObject metadata")


@ceph("test_object_write_with_chunked_transfer_encoding")
def object_write_chunked_transfer_encoding(ctx):
    b = new_bucket()
    c = client()
    c.meta.events.register_first("before-sign.*.*", lambda request, **kw: request.headers.add_header("Transfer-Encoding", "chunked"))
    r = err_of(c.put_object, Bucket=b, Key="foo", Body="bar")
    # s3-tests (written for an RGW fix) wants this taken. botocore sends Transfer-Encoding instead of
    # Content-Length, and a plain (not aws-chunked) body framed so is refused by S3 with 501 naming the header:
    # real-S3 answers in Automattic/knox#43, chilts/awssum#30, aws/aws-sdk-js-v3#3383 and #4979; chunked framing is
    # only taken around an aws-chunked body with x-amz-decoded-content-length (AWS sigv4-streaming docs).
    expect_err(ctx, r, 501, "NotImplemented", "PUT with Transfer-Encoding: chunked",
               message="A header you provided implies functionality that is not implemented", Header="Transfer-Encoding")
    expect_err(ctx, err_of(S3.get_object, Bucket=b, Key="foo"), 404, "NoSuchKey", "the refused PUT stored nothing")


@ceph("test_object_content_encoding_aws_chunked")
def object_content_encoding_aws_chunked(ctx):
    b = new_bucket()
    for sent, kept in [("gzip", "gzip"), ("deflate, gzip", "deflate, gzip"), ("gzip, aws-chunked", "gzip"),
                       ("aws-chunked, gzip", "gzip"), ("aws-chunked", None), ("aws-chunked, aws-chunked", None)]:
        S3.put_object(Bucket=b, Key="encoding", ContentEncoding=sent)
        ctx.eq(S3.head_object(Bucket=b, Key="encoding").get("ContentEncoding"), kept, f"Content-Encoding {sent!r} stored")


@ceph("test_get_object_ifmodifiedsince_failed")
def get_if_modified_since_after(ctx):
    b = new_bucket()
    S3.put_object(Bucket=b, Key="foo", Body="bar")
    r = S3.get_object(Bucket=b, Key="foo")
    etag, mtime = r["ETag"], r["LastModified"]
    after = (mtime + datetime.timedelta(seconds=1)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    time.sleep(1.1)
    e = err_of(S3.get_object, Bucket=b, Key="foo", IfModifiedSince=after)
    ctx.eq((status_code(e), e and e["Error"].get("Message")), (304, "Not Modified"), "If-Modified-Since a second later")
    ctx.eq(e and e["ResponseMetadata"]["HTTPHeaders"].get("etag"), etag, "304 carries the ETag")


@ceph("test_sse_kms_read_declare")
def get_declaring_sse_refused(ctx):
    b = new_bucket()
    S3.put_object(Bucket=b, Key="testobj", Body="A" * 100)
    c = with_headers(client(), "GetObject", {"x-amz-server-side-encryption": "aws:kms",
                                             "x-amz-server-side-encryption-aws-kms-key-id": "testkey-1"})
    ctx.eq(status_code(err_of(c.get_object, Bucket=b, Key="testobj")), 400, "GET declaring SSE-KMS")


@ceph("test_sse_s3_default_method_head", "test_sse_s3_encrypted_upload_1kb")
def head_declaring_sse_refused(ctx):
    b = new_bucket()
    r = S3.put_object(Bucket=b, Key="testobj", Body="A" * 1024, ServerSideEncryption="AES256")
    ctx.eq(r["ResponseMetadata"]["HTTPHeaders"].get("x-amz-server-side-encryption"), "AES256", "PUT reports SSE-S3")
    g = S3.get_object(Bucket=b, Key="testobj")
    ctx.eq((g["ResponseMetadata"]["HTTPHeaders"].get("x-amz-server-side-encryption"), body_of(g)), ("AES256", b"A" * 1024), "GET")
    h = S3.head_object(Bucket=b, Key="testobj")
    ctx.eq(h["ResponseMetadata"]["HTTPHeaders"].get("x-amz-server-side-encryption"), "AES256", "HEAD reports SSE-S3")
    c = with_headers(client(), "HeadObject", {"x-amz-server-side-encryption": "AES256"})
    ctx.eq(status_code(err_of(c.head_object, Bucket=b, Key="testobj")), 400, "HEAD declaring SSE-S3")


@ceph("test_object_presigned_put_object_with_acl")
def presigned_put_with_acl(ctx):
    # On AWS a new bucket disables ACLs; s3-tests' 'private' ACL needs a bucket that takes them.
    name = f"ceph-core-{uuid.uuid4().hex[:16]}"
    S3.create_bucket(Bucket=name, ObjectOwnership="ObjectWriter")
    _created.append((name, S3))
    url = S3.generate_presigned_url("put_object", Params={"Bucket": name, "Key": "foo", "ACL": "private"}, HttpMethod="PUT")
    r = requests.put(url, data=b"hello world", headers={"x-amz-acl": "private"})
    ctx.eq(r.status_code, 200, f"presigned PUT with its signed x-amz-acl ({r.text[:200]})")
    url = S3.generate_presigned_url("get_object", Params={"Bucket": name, "Key": "foo"}, HttpMethod="GET")
    r = requests.get(url)
    ctx.eq((r.status_code, r.text), (200, "hello world"), "presigned GET")


@ceph("test_100_continue")
def expect_100_continue_refused(ctx):
    # Only the first half: the anonymous PUT must be answered 403 before the body is sent
    # (the second half needs a public-read-write ACL).
    b = new_bucket()
    u = urlsplit(ENDPOINT_URL)
    req = (f"PUT /{b}/testobj HTTP/1.1\r\nHost: {u.hostname}\r\nAccept-Encoding: identity\r\n"
           "Content-Length: 123\r\nExpect: 100-continue\r\n\r\n").encode()
    s = socket.create_connection((u.hostname, u.port or 80), timeout=5)
    try:
        s.sendall(req)
        data = s.recv(1024).decode("latin-1")
    finally:
        s.close()
    ctx.eq(data.split(" ")[1] if data.startswith("HTTP") else data[:40], "403", "first status line of an anonymous PUT with Expect")


@ceph("test_ranged_big_request_response_code")
def ranged_big_request(ctx):
    b = new_bucket()
    content = "".join(random.choice(string.ascii_letters + string.digits) for _ in range(1024)).encode() * 8192
    S3.put_object(Bucket=b, Key="testobj", Body=content)
    r = S3.get_object(Bucket=b, Key="testobj", Range="bytes=3145728-5242880")
    ctx.eq((r["ResponseMetadata"]["HTTPStatusCode"], r["ResponseMetadata"]["HTTPHeaders"].get("content-range")),
           (206, "bytes 3145728-5242880/8388608"), "status and Content-Range")
    ctx.check(body_of(r) == content[3145728:5242881], "ranged body differs")


@ceph("test_atomic_read_1mb", "test_atomic_write_1mb", "test_atomic_dual_write_1mb")
def atomic_reads_and_writes(ctx):
    size = MB
    b = new_bucket()
    S3.put_object(Bucket=b, Key="testobj", Body=FakeWriteFile(size, "A"))
    # A read under way keeps its version while another PUT lands.
    r = S3.get_object(Bucket=b, Key="testobj")
    first = r["Body"].read(1024)
    S3.put_object(Bucket=b, Key="testobj", Body=FakeWriteFile(size, "B"))
    rest = r["Body"].read()
    ctx.check(first + rest == b"A" * size, f"read under way saw other bytes ({len(first + rest)} bytes)")
    ctx.eq(body_of(S3.get_object(Bucket=b, Key="testobj")), b"B" * size, "later read sees B")
    # A PUT under way is invisible until done.
    seen = []
    S3.put_object(Bucket=b, Key="w", Body=FakeWriteFile(size, "A"))
    S3.put_object(Bucket=b, Key="w", Body=FakeWriteFile(size, "B", lambda: seen.append(body_of(S3.get_object(Bucket=b, Key="w")))))
    ctx.check(all(s == b"A" * size for s in seen), "object changed before the PUT finished")
    ctx.eq(body_of(S3.get_object(Bucket=b, Key="w")), b"B" * size, "after write")
    # Two writers: the one that finishes last wins.
    S3.put_object(Bucket=b, Key="d", Body="")
    fp_a = FakeWriteFile(size, "A")

    def rewind_put_a():
        fp_a.seek(0)
        S3.put_object(Bucket=b, Key="d", Body=fp_a)
    S3.put_object(Bucket=b, Key="d", Body=FakeWriteFile(size, "B", rewind_put_a))
    ctx.eq(body_of(S3.get_object(Bucket=b, Key="d")), b"B" * size, "dual write")


# ============================================================================================= copy
@ceph("test_object_copy_16m", "test_object_copy_diff_bucket")
def copy_large_and_across_buckets(ctx):
    b, b2 = new_bucket(), new_bucket()
    S3.put_object(Bucket=b, Key="obj1", Body=bytearray(16 * MB))
    S3.copy_object(Bucket=b, Key="obj2", CopySource={"Bucket": b, "Key": "obj1"})
    ctx.eq(S3.get_object(Bucket=b, Key="obj2")["ContentLength"], 16 * MB, "16 MiB copy")
    S3.put_object(Bucket=b, Key="foo123bar", Body="foo")
    S3.copy({"Bucket": b, "Key": "foo123bar"}, b2, "bar321foo")
    ctx.eq(body_of(S3.get_object(Bucket=b2, Key="bar321foo")), b"foo", "copy to another bucket")


@ceph("test_object_copy_retaining_metadata", "test_object_copy_replacing_metadata")
def copy_metadata_directives(ctx):
    for size in (3, MB):
        b = new_bucket()
        S3.put_object(Bucket=b, Key="foo123bar", Metadata={"key1": "value1", "key2": "value2"},
                      ContentType="audio/ogg", Body=bytearray(size))
        S3.copy_object(Bucket=b, CopySource={"Bucket": b, "Key": "foo123bar"}, Key="bar321foo")
        r = S3.get_object(Bucket=b, Key="bar321foo")
        ctx.eq((r["ContentType"], r["Metadata"], r["ContentLength"]),
               ("audio/ogg", {"key1": "value1", "key2": "value2"}, size), f"COPY directive, {size} bytes")
        S3.copy_object(Bucket=b, CopySource={"Bucket": b, "Key": "foo123bar"}, Key="baz",
                       Metadata={"key3": "value3", "key2": "value2"}, MetadataDirective="REPLACE", ContentType="audio/mpeg")
        r = S3.get_object(Bucket=b, Key="baz")
        ctx.eq((r["ContentType"], r["Metadata"], r["ContentLength"]),
               ("audio/mpeg", {"key3": "value3", "key2": "value2"}, size), f"REPLACE directive, {size} bytes")


# ============================================================================================= multipart
@ceph("test_multipart_upload", "test_multipart_upload_contents")
def multipart_upload_30mb(ctx):
    b = new_bucket()
    upload_id, data, parts = multipart_upload(b, "mymultipart", 30 * MB, ContentType="text/bla", Metadata={"foo": "bar"})
    S3.complete_multipart_upload(Bucket=b, Key="mymultipart", UploadId=upload_id, MultipartUpload={"Parts": parts})
    S3.complete_multipart_upload(Bucket=b, Key="mymultipart", UploadId=upload_id, MultipartUpload={"Parts": parts})
    r = S3.list_objects_v2(Bucket=b, Prefix="mymultipart")
    ctx.eq([(o["Key"], o["Size"]) for o in r.get("Contents", [])], [("mymultipart", 30 * MB)], "listed")
    r = S3.get_object(Bucket=b, Key="mymultipart")
    ctx.eq((r["ContentType"], r["Metadata"], r["ContentLength"]), ("text/bla", {"foo": "bar"}, 30 * MB), "object")
    ctx.check(body_of(r) == data, "body differs")
    check_content_using_range(ctx, b, "mymultipart", data, 1000000)
    check_content_using_range(ctx, b, "mymultipart", data, 10000000)


@ceph("test_multipart_upload_resend_part")
def multipart_resend_parts(ctx):
    b = new_bucket()
    for resend in ([0], [1], [2], [1, 2], [0, 1, 2, 3, 4, 5]):
        upload_id, data, parts = multipart_upload(b, "mymultipart", 30 * MB, resend_parts=resend,
                                                  ContentType="text/bla", Metadata={"foo": "bar"})
        S3.complete_multipart_upload(Bucket=b, Key="mymultipart", UploadId=upload_id, MultipartUpload={"Parts": parts})
        r = S3.get_object(Bucket=b, Key="mymultipart")
        ctx.eq((r["ContentType"], r["Metadata"]), ("text/bla", {"foo": "bar"}), f"resent {resend}")
        ctx.check(body_of(r) == data, f"body differs (resent {resend})")


@ceph("test_multipart_upload_multiple_sizes")
def multipart_multiple_sizes(ctx):
    b = new_bucket()
    for size in (5 * MB, 5 * MB + 100 * 1024, 5 * MB + 600 * 1024, 10 * MB + 100 * 1024, 10 * MB + 600 * 1024, 10 * MB):
        upload_id, data, parts = multipart_upload(b, "mymultipart", size)
        r = err_of(S3.complete_multipart_upload, Bucket=b, Key="mymultipart", UploadId=upload_id, MultipartUpload={"Parts": parts})
        ctx.check(r is None, f"complete of {size} bytes: {r and r['Error']}")
        ctx.eq(S3.head_object(Bucket=b, Key="mymultipart")["ContentLength"], size, f"{size} bytes")


@ceph("test_multipart_copy_multiple_sizes", "test_multipart_copy_small", "test_multipart_copy_without_range")
def multipart_copy_sizes(ctx):
    src = new_bucket()
    source = gen_data(12 * MB, 12 * MB)[0]
    S3.put_object(Bucket=src, Key="foo", Body=source)
    dst = new_bucket()
    for size in (1, 5 * MB, 5 * MB + 100 * 1024, 5 * MB + 600 * 1024, 10 * MB + 100 * 1024, 10 * MB + 600 * 1024, 10 * MB):
        upload_id = S3.create_multipart_upload(Bucket=dst, Key="mymultipart")["UploadId"]
        parts = []
        for i, start in enumerate(range(0, size, 5 * MB)):
            end = min(start + 5 * MB, size) - 1
            r = S3.upload_part_copy(Bucket=dst, Key="mymultipart", CopySource={"Bucket": src, "Key": "foo"},
                                    PartNumber=i + 1, UploadId=upload_id, CopySourceRange=f"bytes={start}-{end}")
            parts.append({"ETag": r["CopyPartResult"]["ETag"], "PartNumber": i + 1})
        S3.complete_multipart_upload(Bucket=dst, Key="mymultipart", UploadId=upload_id, MultipartUpload={"Parts": parts})
        ctx.check(body_of(S3.get_object(Bucket=dst, Key="mymultipart")) == source[:size], f"copied {size} bytes differ")
    S3.put_object(Bucket=src, Key="ten", Body=source[:10])
    upload_id = S3.create_multipart_upload(Bucket=dst, Key="whole")["UploadId"]
    r = S3.upload_part_copy(Bucket=dst, Key="whole", CopySource={"Bucket": src, "Key": "ten"}, PartNumber=1, UploadId=upload_id)
    S3.complete_multipart_upload(Bucket=dst, Key="whole", UploadId=upload_id,
                                 MultipartUpload={"Parts": [{"ETag": r["CopyPartResult"]["ETag"], "PartNumber": 1}]})
    ctx.eq(body_of(S3.get_object(Bucket=dst, Key="whole")), source[:10], "copy without a range")


@ceph("test_multipart_upload_overwrite_existing_object", "test_abort_multipart_upload")
def multipart_overwrite_and_abort(ctx):
    b = new_bucket()
    payload = b"12345" * MB
    S3.put_object(Bucket=b, Key="mymultipart", Body=payload)
    upload_id = S3.create_multipart_upload(Bucket=b, Key="mymultipart")["UploadId"]
    parts = []
    for n in (1, 2):
        r = S3.upload_part(UploadId=upload_id, Bucket=b, Key="mymultipart", PartNumber=n, Body=payload)
        parts.append({"ETag": r["ETag"].strip('"'), "PartNumber": n})
    S3.complete_multipart_upload(Bucket=b, Key="mymultipart", UploadId=upload_id, MultipartUpload={"Parts": parts})
    ctx.check(body_of(S3.get_object(Bucket=b, Key="mymultipart")) == payload * 2, "overwritten body differs")
    upload_id, _, _ = multipart_upload(b, "aborted", 10 * MB)
    S3.abort_multipart_upload(Bucket=b, Key="aborted", UploadId=upload_id)
    ctx.eq(keys_of(S3.list_objects_v2(Bucket=b, Prefix="aborted")), [], "aborted upload leaves no object")
    ctx.eq(S3.list_multipart_uploads(Bucket=b).get("Uploads", []), [], "aborted upload not listed")


@ceph("test_list_multipart_upload")
def list_multipart_uploads_with_parts(ctx):
    b = new_bucket()
    u1, _, _ = multipart_upload(b, "mymultipart", 5 * MB)
    u2, _, _ = multipart_upload(b, "mymultipart", 6 * MB)
    u3, _, _ = multipart_upload(b, "mymultipart2", 5 * MB)
    listed = [(u["Key"], u["UploadId"]) for u in S3.list_multipart_uploads(Bucket=b)["Uploads"]]
    ctx.eq(sorted(listed), sorted([("mymultipart", u1), ("mymultipart", u2), ("mymultipart2", u3)]), "uploads")
    ctx.eq([k for k, _ in listed], ["mymultipart", "mymultipart", "mymultipart2"], "listed in key order")
    for key, u in (("mymultipart", u1), ("mymultipart", u2), ("mymultipart2", u3)):
        S3.abort_multipart_upload(Bucket=b, Key=key, UploadId=u)
    ctx.eq(S3.list_multipart_uploads(Bucket=b).get("Uploads", []), [], "all aborted")


@ceph("test_multipart_get_part", "test_multipart_single_get_part")
def multipart_get_part(ctx):
    # s3-tests' per-part ETag and its 400 InvalidPart for an out-of-range part are left out (see the docstring).
    b = new_bucket()
    for key, sizes in (("mymultipart", [5 * MB, 5 * MB, 5 * MB, MB]), ("single", [5 * MB])):
        upload_id, data, parts = multipart_upload(b, key, sum(sizes), 5 * MB, resend_parts=[2])
        expect_err(ctx, err_of(S3.get_object, Bucket=b, Key=key, PartNumber=1), 404, "NoSuchKey", f"{key}: part before complete")
        S3.complete_multipart_upload(Bucket=b, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts})
        offset = 0
        for part, size in zip(parts, sizes):
            n = part["PartNumber"]
            h = S3.head_object(Bucket=b, Key=key, PartNumber=n)
            ctx.eq((h.get("PartsCount"), h["ContentLength"]), (len(sizes), size), f"{key}: HEAD part {n}")
            g = S3.get_object(Bucket=b, Key=key, PartNumber=n)
            ctx.eq((g.get("PartsCount"), g["ContentLength"]), (len(sizes), size), f"{key}: GET part {n}")
            ctx.check(body_of(g) == data[offset:offset + size], f"{key}: part {n} body differs")
            offset += size


@ceph("test_non_multipart_get_part")
def non_multipart_get_part(ctx):
    b = new_bucket()
    etag = S3.put_object(Bucket=b, Key="singlepart", Body="body")["ETag"]
    ctx.eq(status_code(err_of(S3.get_object, Bucket=b, Key="singlepart", PartNumber=2)) in (400, 416), True,
           "part 2 of a simple object refused")
    r = S3.get_object(Bucket=b, Key="singlepart", PartNumber=1)
    ctx.eq((r["ETag"], body_of(r)), (etag, b"body"), "part 1 is the object")


@ceph("test_set_multipart_tagging")
def multipart_tagging(ctx):
    b = new_bucket()
    upload_id, _, parts = multipart_upload(b, "mymultipart", 1, Tagging="Hello=World&foo=bar")
    S3.complete_multipart_upload(Bucket=b, Key="mymultipart", UploadId=upload_id, MultipartUpload={"Parts": parts})
    ctx.eq(S3.get_object_tagging(Bucket=b, Key="mymultipart")["TagSet"],
           [{"Key": "Hello", "Value": "World"}, {"Key": "foo", "Value": "bar"}], "tags from CreateMultipartUpload")
    ctx.eq(S3.delete_object_tagging(Bucket=b, Key="mymultipart")["ResponseMetadata"]["HTTPStatusCode"], 204, "delete status")
    ctx.eq(S3.get_object_tagging(Bucket=b, Key="mymultipart")["TagSet"], [], "deleted")


# ============================================================================================= tagging
def random_string(n):
    return "".join(random.choice(string.ascii_letters) for _ in range(n))


@ceph("test_put_max_kvsize_tags", "test_put_modify_tags", "test_put_delete_tags", "test_get_obj_tagging")
def object_tagging_sizes_and_replace(ctx):
    b = new_bucket()
    S3.put_object(Bucket=b, Key="k", Body="x")
    tags = [{"Key": random_string(128), "Value": random_string(256)} for _ in range(10)]
    ctx.eq(S3.put_object_tagging(Bucket=b, Key="k", Tagging={"TagSet": tags})["ResponseMetadata"]["HTTPStatusCode"], 200, "put")
    got = S3.get_object_tagging(Bucket=b, Key="k")["TagSet"]
    ctx.eq(sorted(map(tuple, (t.values() for t in got))), sorted(map(tuple, (t.values() for t in tags))), "10 maximal tags")
    S3.put_object_tagging(Bucket=b, Key="k", Tagging={"TagSet": [{"Key": "key", "Value": "val"}, {"Key": "key2", "Value": "val2"}]})
    S3.put_object_tagging(Bucket=b, Key="k", Tagging={"TagSet": [{"Key": "key3", "Value": "val3"}]})
    ctx.eq(S3.get_object_tagging(Bucket=b, Key="k")["TagSet"], [{"Key": "key3", "Value": "val3"}], "put replaces")
    ctx.eq(S3.delete_object_tagging(Bucket=b, Key="k")["ResponseMetadata"]["HTTPStatusCode"], 204, "delete status")
    ctx.eq(S3.get_object_tagging(Bucket=b, Key="k")["TagSet"], [], "deleted")


@ceph("test_put_excess_tags", "test_put_excess_key_tags", "test_put_excess_val_tags")
def object_tagging_refused_leaves_none(ctx):
    b = new_bucket()
    S3.put_object(Bucket=b, Key="k", Body="x")
    # s3-tests wants InvalidTag for 11 tags; AWS answers BadRequest (moto's AWS-verified test): status only here.
    r = err_of(S3.put_object_tagging, Bucket=b, Key="k", Tagging={"TagSet": [{"Key": str(i), "Value": str(i)} for i in range(11)]})
    ctx.eq(status_code(r), 400, "11 tags refused")
    ctx.eq(S3.get_object_tagging(Bucket=b, Key="k")["TagSet"], [], "no tags after the refusal")
    for what, k, v in (("key", 129, 256), ("value", 128, 257)):
        tags = [{"Key": random_string(k), "Value": random_string(v)} for _ in range(10)]
        expect_err(ctx, err_of(S3.put_object_tagging, Bucket=b, Key="k", Tagging={"TagSet": tags}), 400, "InvalidTag",
                   f"{what} too long")
        ctx.eq(S3.get_object_tagging(Bucket=b, Key="k")["TagSet"], [], f"no tags after the {what} refusal")


@ceph("test_put_obj_with_tags")
def put_object_tagging_header(ctx):
    b = new_bucket()
    c = with_headers(client(), "PutObject", {"x-amz-tagging": "foo=bar&bar"})
    c.put_object(Bucket=b, Key="testtagobj1", Body="A" * 100)
    ctx.eq(body_of(S3.get_object(Bucket=b, Key="testtagobj1")), b"A" * 100, "body")
    got = S3.get_object_tagging(Bucket=b, Key="testtagobj1")["TagSet"]
    want = [{"Key": "bar", "Value": ""}, {"Key": "foo", "Value": "bar"}]
    # Compared as a set: S3 keeps no tag order (boto/boto3#1171: neither sent nor alphabetical order comes
    # back), and s3-tests itself sorts both lists since ceph/s3-tests#317 / #321.
    ctx.eq(sorted(got, key=lambda t: t["Key"]), want, "tags from 'foo=bar&bar'")


# ============================================================================================= checksums
SHA256_A1K = "arcu6553sHVAiX4MjW0j7I7vD4w6R+Gz9Ok0Q9lTa+0="
# Real S3's answer to a PutObject / UploadPart checksum header that is not a digest of the algorithm's size
# ('shrt', 'short===', '^^^^^^=='): openstack/swift test/s3api/test_object_checksums.py, a suite run against AWS.
MALFORMED_CHECKSUM = " (s3-tests wants BadDigest; real S3 per openstack/swift test/s3api/test_object_checksums.py)"


def check_object_checksum(ctx, algorithm, digest):
    """A 1 KiB PutObject with its checksum echoed, answered on HEAD only in checksum mode, and a malformed one refused."""
    member = f"Checksum{algorithm}"
    b = new_bucket()
    r = S3.put_object(Bucket=b, Key="myobj", Body=b"A" * 1024, ChecksumAlgorithm=algorithm, **{member: digest})
    ctx.eq(r.get(member), digest, "PutObject echoes the checksum")
    ctx.eq(member in S3.head_object(Bucket=b, Key="myobj"), False, "HEAD without checksum mode")
    ctx.eq(S3.head_object(Bucket=b, Key="myobj", ChecksumMode="ENABLED").get(member), digest, "HEAD checksum mode")
    r = err_of(S3.put_object, Bucket=b, Key="myobj", Body=b"A" * 1024, ChecksumAlgorithm=algorithm, **{member: "bad"})
    # s3-tests wants BadDigest; S3 refuses a value that is not a digest of the algorithm's size before comparing
    # (see MALFORMED_CHECKSUM), and BadDigest is its answer to a well-formed wrong one.
    expect_err(ctx, r, 400, "InvalidRequest", "a malformed checksum" + MALFORMED_CHECKSUM,
               message=f"Value for x-amz-checksum-{algorithm.lower()} header is invalid.")


@ceph("test_object_checksum_sha256")
def object_checksum_sha256(ctx):
    check_object_checksum(ctx, "SHA256", SHA256_A1K)


@ceph("test_object_checksum_crc64nvme")
def object_checksum_crc64nvme(ctx):
    check_object_checksum(ctx, "CRC64NVME", "Qeh8oXvGiSo=")


ARROW = " (+ real S3 in apache/arrow-rs-object-store#709: BadDigest 'The sha256 you specified did not match the calculated checksum.')"
FLOCI = " (+ real-S3 capture in floci-io/floci#3093 / #3083)"


def sha256_upload(ctx, b, key):
    r = S3.create_multipart_upload(Bucket=b, Key=key, ChecksumAlgorithm="SHA256")
    ctx.eq(r.get("ChecksumAlgorithm"), "SHA256", f"{key}: CreateMultipartUpload ChecksumAlgorithm")
    p = S3.upload_part(UploadId=r["UploadId"], Bucket=b, Key=key, PartNumber=1, Body=b"A" * 1024,
                       ChecksumAlgorithm="SHA256", ChecksumSHA256=SHA256_A1K)
    ctx.eq(p.get("ChecksumSHA256"), SHA256_A1K, f"{key}: UploadPart echoes the part checksum")
    return r["UploadId"], p


@ceph("test_multipart_checksum_sha256")
def multipart_checksum_sha256(ctx):
    b = new_bucket()
    upload_id, p = sha256_upload(ctx, b, "mymultipart3")
    composite = "Ok6Cs5b96ux6+MWQkJO7UBT5sKPBeXBLwvj/hK89smg=-1"
    r = S3.complete_multipart_upload(Bucket=b, Key="mymultipart3", UploadId=upload_id, ChecksumSHA256=composite,
                                     MultipartUpload={"Parts": [{"ETag": p["ETag"].strip('"'), "ChecksumSHA256": p["ChecksumSHA256"], "PartNumber": 1}]})
    ctx.eq(r.get("ChecksumSHA256"), composite, "CompleteMultipartUpload composite checksum")
    ctx.eq("ChecksumSHA256" in S3.head_object(Bucket=b, Key="mymultipart3"), False, "HEAD without checksum mode")
    ctx.eq(S3.head_object(Bucket=b, Key="mymultipart3", ChecksumMode="ENABLED").get("ChecksumSHA256"), composite, "HEAD checksum mode")


@ceph("test_multipart_checksum_sha256 (first case)", also=ARROW)
def multipart_checksum_sha256_wrong_full_checksum(ctx):
    b = new_bucket()
    upload_id, p = sha256_upload(ctx, b, "mymultipart")
    parts = {"Parts": [{"ETag": p["ETag"].strip('"'), "ChecksumSHA256": p["ChecksumSHA256"], "PartNumber": 1}]}
    wrong = SHA256_A1K + "-1"  # well formed, but the part's own digest, not the composite
    r = err_of(S3.complete_multipart_upload, Bucket=b, Key="mymultipart", UploadId=upload_id, ChecksumSHA256=wrong, MultipartUpload=parts)
    mismatch = "The sha256 you specified did not match the calculated checksum."
    expect_err(ctx, r, 400, "BadDigest", "a well-formed wrong composite checksum on Complete", message=mismatch)
    ctx.eq(status_code(err_of(S3.head_object, Bucket=b, Key="mymultipart")), 404, "nothing completed")
    # Complete's checksum names the object, not the request: S3 compares whatever is sent, and s3-tests'
    # 'bad' gets the same BadDigest as a wrong digest (s3-tests' own assertion, not fails_on_aws).
    upload_id, p = sha256_upload(ctx, b, "mymultipart-bad")
    parts = {"Parts": [{"ETag": p["ETag"].strip('"'), "ChecksumSHA256": p["ChecksumSHA256"], "PartNumber": 1}]}
    r = err_of(S3.complete_multipart_upload, Bucket=b, Key="mymultipart-bad", UploadId=upload_id, ChecksumSHA256="bad", MultipartUpload=parts)
    expect_err(ctx, r, 400, "BadDigest", "s3-tests' 'bad' composite checksum on Complete", message=mismatch)
    ctx.eq(status_code(err_of(S3.head_object, Bucket=b, Key="mymultipart-bad")), 404, "nothing completed ('bad')")


@ceph("test_multipart_checksum_sha256 (second case)", also=FLOCI)
def multipart_checksum_sha256_part_checksum_missing(ctx):
    b = new_bucket()
    upload_id, p = sha256_upload(ctx, b, "mymultipart2")
    r = err_of(S3.complete_multipart_upload, Bucket=b, Key="mymultipart2", UploadId=upload_id,
               MultipartUpload={"Parts": [{"ETag": p["ETag"].strip('"'), "PartNumber": 1}]})
    # s3-tests also sends ChecksumSHA256='bad' and wants BadDigest; real S3 names the missing part checksum
    # (floci#3093: InvalidRequest "The upload was created using a sha256 checksum. The complete request must
    # include the checksum for each part. ..."), so the part checksum alone is left out here.
    expect_err(ctx, r, 400, "InvalidRequest", "Complete without the part's checksum")


def multipart_checksum_3parts(ctx, algo, ctype, part_sums, composite):
    b = new_bucket()
    key = "mymultipart3"
    r = S3.create_multipart_upload(Bucket=b, Key=key, ChecksumAlgorithm=algo, ChecksumType=ctype)
    ctx.eq(r.get("ChecksumAlgorithm"), algo, "CreateMultipartUpload ChecksumAlgorithm")
    upload_id, name, parts = r["UploadId"], "Checksum" + algo, []
    for n, (char, cksum) in enumerate(zip("ABC", part_sums), 1):
        p = S3.upload_part(UploadId=upload_id, Bucket=b, Key=key, PartNumber=n, Body=char.encode() * (5 * MB),
                           ChecksumAlgorithm=algo, **{name: cksum})
        ctx.eq(p.get(name), cksum, f"part {n} checksum")
        parts.append({"ETag": p["ETag"].strip('"'), name: p.get(name, cksum), "PartNumber": n})
    r = S3.complete_multipart_upload(Bucket=b, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts}, **{name: composite})
    ctx.eq((r.get("ChecksumType"), r.get(name)), (ctype, composite), "CompleteMultipartUpload checksum")
    ctx.eq(name in S3.head_object(Bucket=b, Key=key), False, "HEAD without checksum mode")
    h = S3.head_object(Bucket=b, Key=key, ChecksumMode="ENABLED")
    ctx.eq((h.get("ChecksumType"), h.get(name)), (ctype, composite), "HEAD checksum mode")
    a = S3.get_object_attributes(Bucket=b, Key=key, ObjectAttributes=["Checksum"]).get("Checksum", {})
    # s3-tests wants the value with its '-3'; real S3 leaves the part count off in GetObjectAttributes
    # (floci-io/floci#3083, captured on S3 2026-09): the suffix-less value is checked.
    ctx.eq((a.get("ChecksumType"), a.get(name)), (ctype, composite.split("-")[0]), "GetObjectAttributes Checksum")


@ceph("test_multipart_use_cksum_helper_sha256")
def multipart_checksum_sha256_composite(ctx):
    multipart_checksum_3parts(ctx, "SHA256", "COMPOSITE",
                              ["275VF5loJr1YYawit0XSHREhkFXYkkPKGuoK0x9VKxI=", "mrHwOfjTL5Zwfj74F05HOQGLdUb7E5szdCbxgUSq6NM=",
                               "Vw7oB/nKQ5xWb3hNgbyfkvDiivl+U+/Dft48nfJfDow="], "uWBwpe1dxI4Vw8Gf0X9ynOdw/SS6VBzfWm9giiv1sf4=-3")


@ceph("test_multipart_use_cksum_helper_sha1")
def multipart_checksum_sha1_composite(ctx):
    multipart_checksum_3parts(ctx, "SHA1", "COMPOSITE",
                              ["iIaTCGbm+vdVjNqIMF2S0T7ibMk=", "LS/TJ32bAVKEwRu+sE3X7awh/lk=", "6DDwovUaHwrKNXDMzOGbuvj9kxI="],
                              "sizjvY4eud3MrcHdZM3cQ/ol39o=-3")


@ceph("test_multipart_use_cksum_helper_crc32")
def multipart_checksum_crc32_full(ctx):
    multipart_checksum_3parts(ctx, "CRC32", "FULL_OBJECT", ["JRTCyQ==", "QoZTGg==", "YAgjqw=="], "WgDhBQ==")


@ceph("test_multipart_use_cksum_helper_crc32c")
def multipart_checksum_crc32c_full(ctx):
    multipart_checksum_3parts(ctx, "CRC32C", "FULL_OBJECT", ["MDaLrw==", "TH4EZg==", "Z7mBIQ=="], "xU+Krw==")


@ceph("test_multipart_use_cksum_helper_crc64nvme")
def multipart_checksum_crc64nvme_full(ctx):
    multipart_checksum_3parts(ctx, "CRC64NVME", "FULL_OBJECT", ["L/E4WYn8v98=", "xW1l19VobYM=", "cK5MnNaWrW4="], "i+6LR0y3eFo=")


# --------------------------------------------------------------------------------------------- main
def _cleanup():
    while _created:
        name, c = _created.pop()
        cleanup_bucket(name, c)


if __name__ == "__main__":
    conclude(run(after=_cleanup))
