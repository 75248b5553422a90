#!/usr/bin/env python3
"""
Standalone boto3 harness for S3 bucket lifecycle configuration
(PutBucketLifecycleConfiguration / GetBucketLifecycleConfiguration /
DeleteBucketLifecycle) and the lifecycle-derived object headers
(x-amz-expiration, x-amz-abort-date / x-amz-abort-rule-id).

Every HARD assertion is backed by evidence of what real AWS answers (each
test names its source).  Assertions that
are only inferred, or backed by emulators/docs paraphrases rather than a
recorded AWS answer, are SOFT: they print a WARN line and never fail.

Usage:
    python3 s3_lifecycle.py
Environment:
    AWS_ENDPOINT_URL   default http://127.0.0.1:4566
Credentials test/test, region us-east-1, path-style addressing.
The runner is harness.py's; last line printed: "summary: N passed, M failed"; a failed run exits non-zero.
"""

import base64
import datetime as dt
import email.utils
import hashlib
import re
import urllib.error
import urllib.request
import uuid
import xml.etree.ElementTree as ET

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from harness import ENDPOINT_URL as ENDPOINT
from harness import S3 as s3
from harness import REGION, Failure, check, cleanup_bucket, conclude, eq, run, soft, soft_eq, test

ACCESS_KEY = "test"
SECRET_KEY = "test"

MALFORMED_XML_MSG = (
    "The XML you provided was not well-formed or did not validate against our published schema"
)
UTC = dt.timezone.utc


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------
def new_bucket(tag="lc"):
    name = f"{tag}-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    return name


class Bucket:
    """Context manager: a fresh uniquely-named bucket, removed afterwards."""

    def __init__(self, tag="lc", versioned=False):
        self.tag = tag
        self.versioned = versioned

    def __enter__(self):
        self.name = new_bucket(self.tag)
        if self.versioned:
            s3.put_bucket_versioning(
                Bucket=self.name, VersioningConfiguration={"Status": "Enabled"}
            )
        return self.name

    def __exit__(self, *exc):
        cleanup_bucket(self.name)
        return False


def put_lc(bucket, rules, **kw):
    return s3.put_bucket_lifecycle_configuration(
        Bucket=bucket, LifecycleConfiguration={"Rules": rules}, **kw
    )


def status_of(resp):
    return resp["ResponseMetadata"]["HTTPStatusCode"]


def expect_error(fn, status=None, code=None, message=None, soft_code=None,
                 soft_message=None, extra=None, soft_status=None):
    """Call fn, expect a ClientError. Hard-check status/code/message/extra,
    soft-check soft_*.  Returns the ClientError response dict."""
    try:
        fn()
    except ClientError as e:
        resp = e.response
        err = resp.get("Error", {})
        st = resp["ResponseMetadata"]["HTTPStatusCode"]
        if status is not None:
            eq(st, status, "HTTP status")
        if code is not None:
            eq(err.get("Code"), code, "Error.Code")
        if message is not None:
            eq(err.get("Message"), message, "Error.Message")
        for k, v in (extra or {}).items():
            eq(err.get(k), v, f"Error.{k}")
        if soft_status is not None:
            soft_eq(st, soft_status, "HTTP status")
        if soft_code is not None:
            if isinstance(soft_code, (list, tuple)):
                soft(err.get("Code") in soft_code,
                     f"Error.Code: expected one of {soft_code!r}, got {err.get('Code')!r}")
            else:
                soft_eq(err.get("Code"), soft_code, "Error.Code")
        if soft_message is not None:
            soft_eq(err.get("Message"), soft_message, "Error.Message")
        return resp
    raise Failure("expected an error response, but the call succeeded")


def expect_soft_error(fn, status=400, code=None, message=None):
    """Whole expectation is inferred: never fails, only warns."""
    try:
        fn()
    except ClientError as e:
        err = e.response.get("Error", {})
        st = e.response["ResponseMetadata"]["HTTPStatusCode"]
        soft_eq(st, status, "HTTP status")
        if code is not None:
            soft_eq(err.get("Code"), code, "Error.Code")
        if message is not None:
            soft_eq(err.get("Message"), message, "Error.Message")
        return e.response
    soft(False, "expected an error response, but the call succeeded")
    return None


EXP_RE = re.compile(r'^expiry-date="([^"]+)", rule-id="([^"]*)"$')


def parse_expiration(value):
    """x-amz-expiration: expiry-date="Sun, 14 Oct 2018 00:00:00 GMT", rule-id="x" """
    m = EXP_RE.match(value or "")
    check(m is not None, f"x-amz-expiration has unexpected format: {value!r}")
    date_str, rule_id = m.group(1), m.group(2)
    check(re.match(r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} 00:00:00 GMT$", date_str) is not None,
          f"expiry-date is not an RFC 1123 midnight-GMT date: {date_str!r}")
    when = email.utils.parsedate_to_datetime(date_str)
    return when.astimezone(UTC), rule_id


def expected_expiry(last_modified, days):
    """AWS: add `days` to the creation time, round up to the next midnight UTC."""
    t = last_modified.astimezone(UTC) + dt.timedelta(days=days)
    return dt.datetime(t.year, t.month, t.day, tzinfo=UTC) + dt.timedelta(days=1)


def check_expiry(header, last_modified, days, rule_id):
    when, rid = parse_expiration(header)
    eq(rid, rule_id, "x-amz-expiration rule-id")
    exp = expected_expiry(last_modified, days)
    lm = last_modified.astimezone(UTC)
    secs = lm.hour * 3600 + lm.minute * 60 + lm.second
    near_midnight = secs < 3 or secs > 86400 - 3
    if near_midnight:
        check(abs((when - exp).days) <= 1, f"expiry-date {when} far from {exp}")
    else:
        eq(when, exp, "x-amz-expiration expiry-date")


def raw_put_lifecycle(bucket, body, headers):
    """Signed raw PUT /bucket?lifecycle with exactly the given extra headers."""
    url = f"{ENDPOINT}/{bucket}?lifecycle"
    req = AWSRequest(method="PUT", url=url, data=body, headers=dict(headers))
    S3SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "s3", REGION).add_auth(req)
    prepared = req.prepare()
    r = urllib.request.Request(url, data=body, method="PUT", headers=dict(prepared.headers.items()))
    try:
        with urllib.request.urlopen(r, timeout=30) as resp:
            return resp.status, resp.read(), dict(resp.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read(), dict(e.headers)


def xml_error(body):
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return None, None
    code = root.findtext("Code")
    msg = root.findtext("Message")
    return code, msg


SIMPLE_RULE_XML = (
    b'<LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
    b"<Rule><ID>raw</ID><Filter><Prefix>logs/</Prefix></Filter><Status>Enabled</Status>"
    b"<Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>"
)


# ==========================================================================
# A. CRUD, not-found and round-trip shape
# ==========================================================================
@test(source="LocalStack tests/aws/services/s3/test_s3.py TestS3BucketLifecycle::test_delete_bucket_lifecycle_configuration "
      "(aws.validated, snapshot get-bucket-lifecycle-exc-1) + provider.py NoSuchLifecycleConfiguration")
def test_get_without_config_is_no_such_lifecycle():
    with Bucket() as b:
        expect_error(
            lambda: s3.get_bucket_lifecycle_configuration(Bucket=b),
            status=404,
            code="NoSuchLifecycleConfiguration",
            message="The lifecycle configuration does not exist",
            extra={"BucketName": b},
        )


@test(source="LocalStack test_delete_bucket_lifecycle_configuration (snapshot delete-bucket-lifecycle-no-bucket, "
      "get-bucket-lifecycle-exc-2); AWS API_DeleteBucketLifecycle (204 No Content)")
def test_delete_is_204_even_without_config_and_removes_config():
    with Bucket() as b:
        r = s3.delete_bucket_lifecycle(Bucket=b)
        eq(status_of(r), 204, "DeleteBucketLifecycle status without config")
        put_lc(b, [{"Expiration": {"Days": 7}, "ID": "wholebucket",
                    "Filter": {"Prefix": ""}, "Status": "Enabled"}])
        s3.get_bucket_lifecycle_configuration(Bucket=b)
        r = s3.delete_bucket_lifecycle(Bucket=b)
        eq(status_of(r), 204, "DeleteBucketLifecycle status with config")
        expect_error(lambda: s3.get_bucket_lifecycle_configuration(Bucket=b),
                     status=404, code="NoSuchLifecycleConfiguration",
                     message="The lifecycle configuration does not exist",
                     extra={"BucketName": b})
        r = s3.delete_bucket_lifecycle(Bucket=b)
        eq(status_of(r), 204, "second DeleteBucketLifecycle status")


@test(source="ceph/s3-tests s3tests_boto3/functional/test_s3.py test_lifecycle_set (HTTPStatusCode 200)")
def test_put_returns_200_two_rules_one_disabled():
    with Bucket() as b:
        r = put_lc(b, [
            {"ID": "rule1", "Expiration": {"Days": 1}, "Prefix": "test1/", "Status": "Enabled"},
            {"ID": "rule2", "Expiration": {"Days": 2}, "Prefix": "test2/", "Status": "Disabled"},
        ])
        eq(status_of(r), 200, "PutBucketLifecycleConfiguration status")


@test(source="Filter {Prefix:''} echoed: real AWS CLI output in dev.classmethod.jp 'check-the-expiration-date-of-the-object-with-awscli'; "
      "LocalStack test_delete_bucket_lifecycle_configuration get-bucket-lifecycle-conf")
def test_get_roundtrip_filter_empty_prefix():
    with Bucket() as b:
        rules = [{"Expiration": {"Days": 7}, "ID": "wholebucket",
                  "Filter": {"Prefix": ""}, "Status": "Enabled"}]
        put_lc(b, rules)
        got = s3.get_bucket_lifecycle_configuration(Bucket=b)
        eq(status_of(got), 200, "GetBucketLifecycleConfiguration status")
        eq(got["Rules"], rules, "Rules round trip")


@test(source="LocalStack test_bucket_lifecycle_configuration_object_expiry_versioned snapshot "
      "(Filter {} comes back as {}, NoncurrentVersionExpiration {NoncurrentDays:1})")
def test_get_roundtrip_empty_filter_and_noncurrent():
    with Bucket() as b:
        put_lc(b, [{"ID": "rule2", "Status": "Enabled", "Filter": {},
                    "Expiration": {"Days": 3},
                    "NoncurrentVersionExpiration": {"NoncurrentDays": 1}}])
        rule = s3.get_bucket_lifecycle_configuration(Bucket=b)["Rules"][0]
        eq(rule.get("Filter"), {}, "Filter")
        eq(rule.get("ID"), "rule2", "ID")
        eq(rule.get("Status"), "Enabled", "Status")
        eq(rule.get("NoncurrentVersionExpiration"), {"NoncurrentDays": 1}, "NoncurrentVersionExpiration")
        check("Prefix" not in rule, f"no top-level Prefix expected, got {rule!r}")
        soft_eq(rule.get("Expiration"), {"Days": 3}, "Expiration")


@test(source="LocalStack test_bucket_lifecycle_configuration_date snapshot (Expiration.Date, Filter {})")
def test_get_roundtrip_expiration_date():
    with Bucket() as b:
        put_lc(b, [{"Expiration": {"Date": dt.datetime(2023, 1, 1, tzinfo=UTC)},
                    "ID": "rule_number_one", "Filter": {}, "Status": "Enabled"}])
        rule = s3.get_bucket_lifecycle_configuration(Bucket=b)["Rules"][0]
        eq(rule.get("Filter"), {}, "Filter")
        eq(rule.get("ID"), "rule_number_one", "ID")
        eq(rule.get("Status"), "Enabled", "Status")
        date = rule.get("Expiration", {}).get("Date")
        check(isinstance(date, dt.datetime), f"Expiration.Date missing: {rule!r}")
        eq(date.astimezone(UTC), dt.datetime(2023, 1, 1, tzinfo=UTC), "Expiration.Date")


@test(source="LocalStack test_bucket_lifecycle_multiple_rules snapshot (overlapping Filter prefixes accepted, order kept)")
def test_get_roundtrip_multiple_overlapping_filter_rules():
    with Bucket() as b:
        rules = [
            {"ID": "rule_one", "Filter": {"Prefix": "testobject"}, "Status": "Enabled", "Expiration": {"Days": 7}},
            {"ID": "rule_two", "Filter": {"Prefix": "test"}, "Status": "Enabled", "Expiration": {"Days": 7}},
            {"ID": "rule_three", "Filter": {"Prefix": "t"}, "Status": "Enabled", "Expiration": {"Days": 7}},
        ]
        put_lc(b, rules)
        got = s3.get_bucket_lifecycle_configuration(Bucket=b)["Rules"]
        eq([r["ID"] for r in got], ["rule_one", "rule_two", "rule_three"], "rule order")
        eq([r["Filter"] for r in got], [r["Filter"] for r in rules], "filters")
        soft_eq(got, rules, "Rules round trip")


@test(source="LocalStack test_bucket_lifecycle_object_size_rules snapshot")
def test_get_roundtrip_size_filters():
    with Bucket() as b:
        put_lc(b, [
            {"ID": "rule_one", "Filter": {"ObjectSizeGreaterThan": 20}, "Status": "Enabled", "Expiration": {"Days": 7}},
            {"ID": "rule_two", "Filter": {"ObjectSizeLessThan": 10}, "Status": "Enabled", "Expiration": {"Days": 7}},
        ])
        got = s3.get_bucket_lifecycle_configuration(Bucket=b)["Rules"]
        eq([(r["ID"], r["Filter"], r["Status"]) for r in got],
           [("rule_one", {"ObjectSizeGreaterThan": 20}, "Enabled"),
            ("rule_two", {"ObjectSizeLessThan": 10}, "Enabled")], "rules")


@test(source="LocalStack test_bucket_lifecycle_tag_rules snapshot")
def test_get_roundtrip_tag_filters():
    with Bucket() as b:
        f1 = {"Tag": {"Key": "testlifecycle", "Value": "positive"}}
        f2 = {"And": {"Tags": [{"Key": "testlifecycle", "Value": "positive"},
                               {"Key": "testlifecycletwo", "Value": "positive-two"}]}}
        put_lc(b, [
            {"ID": "rule_one", "Filter": f1, "Status": "Enabled", "Expiration": {"Days": 7}},
            {"ID": "rule_two", "Filter": f2, "Status": "Enabled", "Expiration": {"Days": 7}},
        ])
        got = s3.get_bucket_lifecycle_configuration(Bucket=b)["Rules"]
        eq([(r["ID"], r["Filter"]) for r in got], [("rule_one", f1), ("rule_two", f2)], "rules")


@test(source="ceph/s3-tests test_lifecycle_get (legacy rule-level Prefix echoed verbatim, no Filter added)")
def test_get_roundtrip_legacy_prefix():
    with Bucket() as b:
        rules = [{"ID": "test1/", "Expiration": {"Days": 31}, "Prefix": "test1/", "Status": "Enabled"},
                 {"ID": "test2/", "Expiration": {"Days": 120}, "Prefix": "test2/", "Status": "Enabled"}]
        put_lc(b, rules)
        got = s3.get_bucket_lifecycle_configuration(Bucket=b)
        eq(got["Rules"], rules, "Rules round trip")


@test(source="ceph/s3-tests test_lifecycle_get_no_id (AWS assigns an ID when none is sent)")
def test_get_generates_id_when_missing():
    with Bucket() as b:
        put_lc(b, [{"Expiration": {"Days": 31}, "Prefix": "test1/", "Status": "Enabled"},
                   {"Expiration": {"Days": 120}, "Prefix": "test2/", "Status": "Enabled"}])
        got = s3.get_bucket_lifecycle_configuration(Bucket=b)["Rules"]
        eq(sorted(r["Prefix"] for r in got), ["test1/", "test2/"], "prefixes")
        for r in got:
            check(r.get("ID"), f"rule has no generated ID: {r!r}")
            eq(r["Expiration"]["Days"], 31 if r["Prefix"] == "test1/" else 120, "Days")
            eq(r["Status"], "Enabled", "Status")
        soft(got[0]["ID"] != got[1]["ID"], "generated IDs should differ")


@test(source="x-amz-transition-default-minimum-object-size always returned on GET: hashicorp/terraform-provider-aws "
      "#41073/#49019/#49902, floci-io/floci#441, faiscadev/fakecloud#975, getmoto/moto#9719; AWS docs default "
      "all_storage_classes_128K (CDK: since Sept 2024)")
def test_transition_default_minimum_object_size_default():
    with Bucket() as b:
        put = put_lc(b, [{"ID": "r", "Filter": {}, "Status": "Enabled", "Expiration": {"Days": 1}}])
        got = s3.get_bucket_lifecycle_configuration(Bucket=b)
        eq(got.get("TransitionDefaultMinimumObjectSize"), "all_storage_classes_128K",
           "GET TransitionDefaultMinimumObjectSize (x-amz-transition-default-minimum-object-size)")
        soft_eq(put.get("TransitionDefaultMinimumObjectSize"), "all_storage_classes_128K",
                "PUT response TransitionDefaultMinimumObjectSize")


@test(source="terraform-provider-aws #41073 (AWS returns the stored 'varies_by_storage_class'); floci#615 / fakecloud#975 round trip")
def test_transition_default_minimum_object_size_explicit():
    with Bucket() as b:
        put = put_lc(b, [{"ID": "r", "Filter": {}, "Status": "Enabled", "Expiration": {"Days": 1}}],
                     TransitionDefaultMinimumObjectSize="varies_by_storage_class")
        got = s3.get_bucket_lifecycle_configuration(Bucket=b)
        eq(got.get("TransitionDefaultMinimumObjectSize"), "varies_by_storage_class", "GET value")
        soft_eq(put.get("TransitionDefaultMinimumObjectSize"), "varies_by_storage_class", "PUT response value")
        # a later PUT without the header falls back to the default (inferred)
        put_lc(b, [{"ID": "r", "Filter": {}, "Status": "Enabled", "Expiration": {"Days": 1}}])
        got = s3.get_bucket_lifecycle_configuration(Bucket=b)
        soft_eq(got.get("TransitionDefaultMinimumObjectSize"), "all_storage_classes_128K",
                "GET after header-less PUT")


@test(source="inferred only (mantle-like emulator list: 'Invalid TransitionDefaultMinimumObjectSize found')")
def test_transition_default_minimum_object_size_invalid_soft():
    with Bucket() as b:
        expect_soft_error(lambda: put_lc(b, [{"ID": "r", "Filter": {}, "Status": "Enabled",
                                               "Expiration": {"Days": 1}}],
                                         TransitionDefaultMinimumObjectSize="bogus"),
                          400, "InvalidRequest", "Invalid TransitionDefaultMinimumObjectSize found")


@test(source="AWS API_PutBucketLifecycleConfiguration: 'this will overwrite an existing lifecycle configuration'")
def test_put_replaces_whole_configuration():
    with Bucket() as b:
        put_lc(b, [{"ID": "a", "Filter": {"Prefix": "a/"}, "Status": "Enabled", "Expiration": {"Days": 1}},
                   {"ID": "b", "Filter": {"Prefix": "b/"}, "Status": "Enabled", "Expiration": {"Days": 2}}])
        put_lc(b, [{"ID": "c", "Filter": {"Prefix": "c/"}, "Status": "Enabled", "Expiration": {"Days": 3}}])
        got = s3.get_bucket_lifecycle_configuration(Bucket=b)["Rules"]
        eq([r["ID"] for r in got], ["c"], "rule IDs after overwrite")


@test(source="LocalStack test_delete_lifecycle_configuration_on_bucket_deletion (snapshot get-bucket-lifecycle-exc)")
def test_config_removed_when_bucket_deleted_and_recreated():
    name = f"lc-recreate-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=name)
    try:
        put_lc(name, [{"Expiration": {"Days": 7}, "ID": "wholebucket",
                       "Filter": {"Prefix": ""}, "Status": "Enabled"}])
        s3.delete_bucket(Bucket=name)
        s3.create_bucket(Bucket=name)
        expect_error(lambda: s3.get_bucket_lifecycle_configuration(Bucket=name),
                     status=404, code="NoSuchLifecycleConfiguration",
                     message="The lifecycle configuration does not exist",
                     extra={"BucketName": name})
    finally:
        cleanup_bucket(name)


@test(source="LocalStack TestS3::test_bucket_availability (aws.validated, lifecycle on missing bucket); "
      "scality/cloudserver putBucketLifecycle.js 'NoSuchBucket if bucket does not exist'")
def test_missing_bucket_is_no_such_bucket():
    missing = f"lc-missing-{uuid.uuid4().hex}"
    expect_error(lambda: s3.get_bucket_lifecycle_configuration(Bucket=missing),
                 status=404, code="NoSuchBucket", extra={"BucketName": missing})
    expect_error(lambda: put_lc(missing, [{"ID": "r", "Filter": {}, "Status": "Enabled",
                                           "Expiration": {"Days": 1}}]),
                 status=404, code="NoSuchBucket")
    expect_soft_error(lambda: s3.delete_bucket_lifecycle(Bucket=missing), 404, "NoSuchBucket")


# ==========================================================================
# B. PutBucketLifecycleConfiguration validation
# ==========================================================================
@test(source="ceph/s3-tests test_lifecycle_id_too_long (400 InvalidArgument; not fails_on_aws)")
def test_id_longer_than_255_is_invalid_argument():
    with Bucket() as b:
        expect_error(lambda: put_lc(b, [{"ID": 256 * "a", "Expiration": {"Days": 2},
                                         "Prefix": "test1/", "Status": "Enabled"}]),
                     status=400, code="InvalidArgument",
                     soft_message="ID length should not exceed allowed limit of 255")
        r = put_lc(b, [{"ID": 255 * "a", "Expiration": {"Days": 2}, "Prefix": "test1/", "Status": "Enabled"}])
        soft_eq(status_of(r), 200, "255-char ID accepted")


@test(source="ceph/s3-tests test_lifecycle_same_id (400 InvalidArgument; not fails_on_aws)")
def test_duplicate_rule_id_is_invalid_argument():
    with Bucket() as b:
        expect_error(lambda: put_lc(b, [
            {"ID": "rule1", "Expiration": {"Days": 1}, "Prefix": "test1/", "Status": "Enabled"},
            {"ID": "rule1", "Expiration": {"Days": 2}, "Prefix": "test2/", "Status": "Enabled"}]),
            status=400, code="InvalidArgument",
            soft_message="Rule ID must be unique. Found same ID for more than one rule")


@test(source="ceph/s3-tests test_lifecycle_invalid_status (400 MalformedXML, also via legacy put_bucket_lifecycle); "
      "MalformedXML message text from LocalStack test_put_bucket_lifecycle_conf_exc snapshot")
def test_invalid_status_is_malformed_xml():
    with Bucket() as b:
        for status in ("enabled", "invalid"):
            expect_error(lambda: put_lc(b, [{"ID": "rule1", "Expiration": {"Days": 2},
                                             "Prefix": "test1/", "Status": status}]),
                         status=400, code="MalformedXML", message=MALFORMED_XML_MSG)
        expect_error(lambda: s3.put_bucket_lifecycle(
            Bucket=b, LifecycleConfiguration={"Rules": [{"ID": "rule1", "Expiration": {"Days": 2},
                                                          "Prefix": "test1/", "Status": "disabled"}]}),
            status=400, code="MalformedXML")


@test(source="LocalStack test_put_bucket_lifecycle_conf_exc snapshot: missing-id, missing-filter (MalformedXML)")
def test_rule_without_filter_or_prefix_is_malformed_xml():
    with Bucket() as b:
        expect_error(lambda: put_lc(b, [{"Expiration": {"Days": 7}, "Status": "Enabled"}]),
                     status=400, code="MalformedXML", message=MALFORMED_XML_MSG)
        expect_error(lambda: put_lc(b, [{"Expiration": {"Days": 7}, "ID": "wholebucket", "Status": "Enabled"}]),
                     status=400, code="MalformedXML", message=MALFORMED_XML_MSG)


@test(source="LocalStack test_put_bucket_lifecycle_conf_exc snapshot: missing-noncurrent-version-expiration-data")
def test_empty_noncurrent_version_expiration_is_malformed_xml():
    with Bucket() as b:
        expect_error(lambda: put_lc(b, [{"Expiration": {"Days": 7}, "Filter": {}, "ID": "wholebucket",
                                         "Status": "Enabled", "NoncurrentVersionExpiration": {}}]),
                     status=400, code="MalformedXML", message=MALFORMED_XML_MSG)


@test(source="LocalStack test_put_bucket_lifecycle_conf_exc snapshot: wrong-filter-and-plus-prefix, wrong-filter-and-and-object-size")
def test_filter_with_two_predicates_is_malformed_xml():
    with Bucket() as b:
        expect_error(lambda: put_lc(b, [{"Expiration": {"Days": 7}, "ID": "wholebucket", "Status": "Enabled",
                                         "Filter": {"And": {"Prefix": "test"}, "Prefix": ""}}]),
                     status=400, code="MalformedXML", message=MALFORMED_XML_MSG)
        expect_error(lambda: put_lc(b, [{"Expiration": {"Days": 7}, "ID": "wholebucket", "Status": "Enabled",
                                         "Filter": {"ObjectSizeGreaterThan": 500, "Prefix": ""}}]),
                     status=400, code="MalformedXML", message=MALFORMED_XML_MSG)


@test(source="noobaa/noobaa-core#8870 ('AWS do not allow to specify multiple filter actions without And'); "
      "code by analogy with LocalStack snapshot (soft)")
def test_filter_prefix_plus_tag_is_rejected():
    with Bucket() as b:
        expect_error(lambda: put_lc(b, [{"ID": "r", "Status": "Enabled", "Expiration": {"Days": 1},
                                         "Filter": {"Prefix": "foo", "Tag": {"Key": "k", "Value": "v"}}}]),
                     status=400, soft_code="MalformedXML")


@test(source="LocalStack test_put_bucket_lifecycle_conf_exc snapshot: wrong-data-no-midnight; "
      "real AWS CLI output quoted in noobaa/noobaa-core#8870")
def test_date_not_midnight_is_invalid_argument():
    with Bucket() as b:
        resp = expect_error(
            lambda: put_lc(b, [{"Expiration": {"Date": dt.datetime(2023, 1, 1, 2, 2, tzinfo=UTC)},
                                "ID": "wrong-data", "Filter": {}, "Status": "Enabled"}]),
            status=400, code="InvalidArgument", message="'Date' must be at midnight GMT",
            extra={"ArgumentName": "Date"})
        check(resp["Error"].get("ArgumentValue"), "Error.ArgumentValue must be present")


@test(source="ceph/s3-tests test_lifecycle_set_invalid_date ('20200101' -> botocore sends 1970-08-22T19:08:21Z -> 400)")
def test_set_invalid_date_is_400():
    with Bucket() as b:
        expect_error(lambda: put_lc(b, [{"ID": "rule1", "Expiration": {"Date": "20200101"},
                                         "Prefix": "test1/", "Status": "Enabled"}]),
                     status=400, soft_code="InvalidArgument")


@test(source="ceph/s3-tests test_lifecycle_transition_set_invalid_date (400; not fails_on_aws)")
def test_transition_invalid_date_is_400():
    with Bucket() as b:
        expect_error(lambda: put_lc(b, [{"ID": "rule1", "Expiration": {"Date": "2023-09-27"},
                                         "Transitions": [{"Date": "20220927", "StorageClass": "GLACIER"}],
                                         "Prefix": "test1/", "Status": "Enabled"}]),
                     status=400)


@test(source="LocalStack test_put_bucket_lifecycle_conf_exc snapshot: duplicate-tag-keys")
def test_duplicate_tag_keys_is_invalid_request():
    with Bucket() as b:
        expect_error(lambda: put_lc(b, [{"ID": "duplicate-tag-keys", "Status": "Enabled",
                                         "Expiration": {"Days": 1},
                                         "Filter": {"And": {"Tags": [
                                             {"Key": "testlifecycle", "Value": "positive"},
                                             {"Key": "testlifecycle", "Value": "positive-two"}]}}}]),
                     status=400, code="InvalidRequest", message="Duplicate Tag Keys are not allowed.")


@test(source="LocalStack test_put_bucket_lifecycle_conf_exc snapshot: expired-delete-marker-and-days; "
      "AWS API_LifecycleExpiration ('cannot be specified with Days or Date')")
def test_expired_delete_marker_with_days_is_malformed_xml():
    with Bucket() as b:
        expect_error(lambda: put_lc(b, [{"ID": "expired-delete-marker-and-days", "Filter": {},
                                         "Status": "Enabled",
                                         "Expiration": {"Days": 1, "ExpiredObjectDeleteMarker": True}}]),
                     status=400, code="MalformedXML", message=MALFORMED_XML_MSG)
        expect_soft_error(lambda: put_lc(b, [{"ID": "eodm-date", "Filter": {}, "Status": "Enabled",
                                              "Expiration": {"Date": dt.datetime(2030, 1, 1, tzinfo=UTC),
                                                             "ExpiredObjectDeleteMarker": True}}]),
                          400, "MalformedXML")


@test(source="ceph/s3-tests test_lifecycle_expiration_days0 (InvalidArgument; not fails_on_aws); "
      "AWS API_LifecycleExpiration 'non-zero positive integer'")
def test_expiration_days_zero_is_invalid_argument():
    with Bucket() as b:
        expect_error(lambda: put_lc(b, [{"Expiration": {"Days": 0}, "ID": "rule1",
                                         "Prefix": "days0/", "Status": "Enabled"}]),
                     status=400, code="InvalidArgument",
                     soft_message="'Days' for Expiration action must be a positive integer")


@test(source="AWS API_LifecycleExpiration ('non-zero positive integer') -> 400; code/message from "
      "scality/cloudserver putBucketLifecycle.js (soft)")
def test_expiration_days_negative_is_400():
    with Bucket() as b:
        expect_error(lambda: put_lc(b, [{"Expiration": {"Days": -1}, "ID": "rule1",
                                         "Filter": {}, "Status": "Enabled"}]),
                     status=400, soft_code="InvalidArgument",
                     soft_message="'Days' for Expiration action must be a positive integer")


@test(source="real AWS CLI error quoted in noobaa/noobaa-core#8870: "
      "'(InvalidRequest) ... AbortIncompleteMultipartUpload cannot be specified with Tags.'")
def test_abort_mpu_with_tag_filter_is_invalid_request():
    with Bucket() as b:
        expect_error(lambda: put_lc(b, [{"ID": "r", "Status": "Enabled",
                                         "Filter": {"Tag": {"Key": "k", "Value": "v"}},
                                         "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}}]),
                     status=400, code="InvalidRequest",
                     message="AbortIncompleteMultipartUpload cannot be specified with Tags.")


@test(source="inferred from emulators (mantle list, seaweedfs, s3proxy...) mirroring the AIMU message (soft)")
def test_expired_delete_marker_with_tag_filter_soft():
    with Bucket() as b:
        expect_soft_error(lambda: put_lc(b, [{"ID": "r", "Status": "Enabled",
                                              "Filter": {"Tag": {"Key": "k", "Value": "v"}},
                                              "Expiration": {"ExpiredObjectDeleteMarker": True}}]),
                          400, "InvalidRequest", "ExpiredObjectDeleteMarker cannot be specified with Tags.")
        expect_soft_error(lambda: put_lc(b, [{"ID": "r", "Status": "Enabled",
                                              "Filter": {"ObjectSizeGreaterThan": 10},
                                              "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}}]),
                          400, "InvalidRequest", "AbortIncompleteMultipartUpload cannot be specified with Object Size.")


@test(source="real AWS errors 'Filter element can only be used in Lifecycle V2.' (InvalidRequest) in ansible/ansible#53751, "
      "cloud-custodian#5826, aws-sdk-ruby#1653; 'Base level prefix cannot be used in Lifecycle V2...' in "
      "terraform-provider-aws#23299. Which message for which order is inferred (soft).")
def test_mixing_legacy_prefix_and_filter_rules_is_invalid_request():
    with Bucket() as b:
        expect_error(lambda: put_lc(b, [
            {"ID": "legacy", "Prefix": "a/", "Status": "Enabled", "Expiration": {"Days": 1}},
            {"ID": "v2", "Filter": {"Prefix": "b/"}, "Status": "Enabled", "Expiration": {"Days": 1}}]),
            status=400, code="InvalidRequest",
            soft_message="Filter element can only be used in Lifecycle V2.")
        expect_error(lambda: put_lc(b, [
            {"ID": "v2", "Filter": {"Prefix": "b/"}, "Status": "Enabled", "Expiration": {"Days": 1}},
            {"ID": "legacy", "Prefix": "a/", "Status": "Enabled", "Expiration": {"Days": 1}}]),
            status=400, code="InvalidRequest",
            soft_message="Base level prefix cannot be used in Lifecycle V2, prefixes are only supported in the Filter.")


@test(source="scality/cloudserver putBucketLifecycle.js 'Prefix and Filter' + moto models.py (weak; soft)")
def test_prefix_and_filter_in_same_rule_soft():
    with Bucket() as b:
        expect_soft_error(lambda: put_lc(b, [{"ID": "r", "Prefix": "", "Filter": {"Prefix": "foo"},
                                              "Status": "Enabled", "Expiration": {"Days": 1}}]),
                          400, "MalformedXML")


@test(source="terraform-provider-aws PR #6201 ('AWS requires at least 30' for IA transitions) -> 400; "
      "code/message from emulator lists (soft)")
def test_transition_standard_ia_under_30_days_is_400():
    with Bucket() as b:
        expect_error(lambda: put_lc(b, [{"ID": "r", "Filter": {}, "Status": "Enabled",
                                         "Transitions": [{"Days": 15, "StorageClass": "STANDARD_IA"}]}]),
                     status=400, soft_code="InvalidArgument",
                     soft_message="'Days' in Transition action must be greater than or equal to 30 "
                                  "for storageClass 'STANDARD_IA'")
        expect_error(lambda: put_lc(b, [{"ID": "r", "Filter": {}, "Status": "Enabled",
                                         "Transitions": [{"Days": 15, "StorageClass": "ONEZONE_IA"}]}]),
                     status=400, soft_code="InvalidArgument",
                     soft_message="'Days' in Transition action must be greater than or equal to 30 "
                                  "for storageClass 'ONEZONE_IA'")


@test(source="AWS docs lifecycle-configuration-examples ('Archive all object same-day upon creation', Transition Days 0); "
      "ceph/s3-tests test_lifecycle_expiration_days0 comment ('days: 0 is legal in a transition rule')")
def test_transition_days_zero_glacier_accepted():
    with Bucket() as b:
        r = put_lc(b, [{"ID": "archive", "Filter": {"Prefix": ""}, "Status": "Enabled",
                        "Transitions": [{"Days": 0, "StorageClass": "GLACIER"}]}])
        eq(status_of(r), 200, "status")
        got = s3.get_bucket_lifecycle_configuration(Bucket=b)["Rules"][0]
        soft_eq(got.get("Transitions"), [{"Days": 0, "StorageClass": "GLACIER"}], "Transitions round trip")


@test(source="inferred (schema enum / emulator lists): unknown StorageClass, duplicate class, mixed Date/Days (soft)")
def test_transition_misc_validation_soft():
    with Bucket() as b:
        expect_soft_error(lambda: put_lc(b, [{"ID": "r", "Filter": {}, "Status": "Enabled",
                                              "Transitions": [{"Days": 30, "StorageClass": "NOT_A_CLASS"}]}]),
                          400, "MalformedXML")
        expect_soft_error(lambda: put_lc(b, [{"ID": "r", "Filter": {}, "Status": "Enabled",
                                              "Transitions": [{"Days": 30, "StorageClass": "GLACIER"},
                                                              {"Days": 60, "StorageClass": "GLACIER"}]}]),
                          400, "InvalidRequest")
        expect_soft_error(lambda: put_lc(b, [{"ID": "r", "Filter": {}, "Status": "Enabled",
                                              "Expiration": {"Date": dt.datetime(2030, 1, 1, tzinfo=UTC)},
                                              "Transitions": [{"Days": 30, "StorageClass": "GLACIER"}]}]),
                          400, "InvalidRequest")


@test(source="AWS API_PutBucketLifecycleConfiguration ('up to 1,000 rules. This limit is not adjustable') -> 400; code soft")
def test_more_than_1000_rules_is_400():
    with Bucket() as b:
        rules = [{"ID": f"r{i}", "Filter": {"Prefix": f"p{i}/"}, "Status": "Enabled",
                  "Expiration": {"Days": 1}} for i in range(1001)]
        expect_error(lambda: put_lc(b, rules), status=400,
                     soft_code=["InvalidRequest", "MalformedXML"])
        r = put_lc(b, rules[:1000])
        soft_eq(status_of(r), 200, "exactly 1000 rules accepted")


@test(source="inferred (schema requires >=1 Rule) (soft)")
def test_empty_rules_soft():
    with Bucket() as b:
        expect_soft_error(lambda: put_lc(b, []), 400, "MalformedXML")


@test(source="inferred: legacy (V1) overlapping prefixes 'Found overlapping prefixes ... for same action type' (soft)")
def test_legacy_overlapping_prefixes_soft():
    with Bucket() as b:
        expect_soft_error(lambda: put_lc(b, [
            {"ID": "a", "Prefix": "test", "Status": "Enabled", "Expiration": {"Days": 1}},
            {"ID": "b", "Prefix": "testobject", "Status": "Enabled", "Expiration": {"Days": 2}}]),
            400, "InvalidRequest")


@test(source="ceph/s3-tests test_lifecycle_set_date (past date accepted, 200)")
def test_set_date_accepted():
    with Bucket() as b:
        r = put_lc(b, [{"ID": "rule1", "Expiration": {"Date": "2017-09-27"}, "Prefix": "test1/",
                        "Status": "Enabled"}])
        eq(status_of(r), 200, "status")


@test(source="ceph/s3-tests test_lifecycle_set_noncurrent")
def test_set_noncurrent_accepted():
    with Bucket() as b:
        r = put_lc(b, [
            {"ID": "rule1", "NoncurrentVersionExpiration": {"NoncurrentDays": 2}, "Prefix": "past/", "Status": "Enabled"},
            {"ID": "rule2", "NoncurrentVersionExpiration": {"NoncurrentDays": 3}, "Prefix": "future/", "Status": "Enabled"}])
        eq(status_of(r), 200, "status")


@test(source="ceph/s3-tests test_lifecycle_set_deletemarker / test_lifecycle_set_filter / test_lifecycle_set_empty_filter")
def test_set_expired_object_delete_marker_variants_accepted():
    with Bucket() as b:
        for rule in (
            {"ID": "rule1", "Expiration": {"ExpiredObjectDeleteMarker": True}, "Prefix": "test1/", "Status": "Enabled"},
            {"ID": "rule1", "Expiration": {"ExpiredObjectDeleteMarker": True}, "Filter": {"Prefix": "foo"}, "Status": "Enabled"},
            {"ID": "rule1", "Expiration": {"ExpiredObjectDeleteMarker": True}, "Filter": {}, "Status": "Enabled"},
        ):
            r = put_lc(b, [rule])
            eq(status_of(r), 200, f"status for {rule!r}")
        got = s3.get_bucket_lifecycle_configuration(Bucket=b)["Rules"][0]
        eq(got.get("Filter"), {}, "Filter")
        soft_eq(got.get("Expiration"), {"ExpiredObjectDeleteMarker": True}, "Expiration round trip")


@test(source="ceph/s3-tests test_lifecycle_set_multipart")
def test_set_multipart_abort_accepted():
    with Bucket() as b:
        r = put_lc(b, [
            {"ID": "rule1", "Prefix": "test1/", "Status": "Enabled",
             "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 2}},
            {"ID": "rule2", "Prefix": "test2/", "Status": "Disabled",
             "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 3}}])
        eq(status_of(r), 200, "status")
        got = s3.get_bucket_lifecycle_configuration(Bucket=b)["Rules"]
        soft_eq([(g.get("ID"), g.get("AbortIncompleteMultipartUpload")) for g in got],
                [("rule1", {"DaysAfterInitiation": 2}), ("rule2", {"DaysAfterInitiation": 3})],
                "AbortIncompleteMultipartUpload round trip")


@test(source="AWS API_NoncurrentVersionExpiration (NewerNoncurrentVersions) - acceptance; round trip soft")
def test_newer_noncurrent_versions_accepted():
    with Bucket() as b:
        r = put_lc(b, [{"ID": "r", "Filter": {"Prefix": "logs/"}, "Status": "Enabled",
                        "NoncurrentVersionExpiration": {"NoncurrentDays": 1, "NewerNoncurrentVersions": 2}}])
        eq(status_of(r), 200, "status")
        got = s3.get_bucket_lifecycle_configuration(Bucket=b)["Rules"][0]
        soft_eq(got.get("NoncurrentVersionExpiration"), {"NoncurrentDays": 1, "NewerNoncurrentVersions": 2},
                "NoncurrentVersionExpiration round trip")


@test(source="Content-MD5 required: real AWS 400 InvalidRequest 'Missing required header for this request: Content-MD5' "
      "(aws/aws-cli#229, boto/botocore#1888, brendanhay/amazonka#369, awslabs/aws-sdk-rust#121); "
      "checksum header accepted instead (botocore >=1.36 sends x-amz-checksum-crc32 only)")
def test_put_without_content_md5_or_checksum_is_invalid_request():
    with Bucket() as b:
        status, body, _ = raw_put_lifecycle(b, SIMPLE_RULE_XML, {})
        eq(status, 400, "status without Content-MD5/x-amz-checksum-*")
        code, msg = xml_error(body)
        eq(code, "InvalidRequest", "Error.Code")
        soft_eq(msg, "Missing required header for this request: Content-MD5", "Error.Message")
        md5 = base64.b64encode(hashlib.md5(SIMPLE_RULE_XML).digest()).decode()
        status, body, _ = raw_put_lifecycle(b, SIMPLE_RULE_XML, {"Content-MD5": md5})
        eq(status, 200, f"status with Content-MD5 (body={body[:200]!r})")
        got = s3.get_bucket_lifecycle_configuration(Bucket=b)["Rules"]
        eq([(r["ID"], r["Filter"]) for r in got], [("raw", {"Prefix": "logs/"})], "stored rule")
        bad = base64.b64encode(hashlib.md5(b"other").digest()).decode()
        st2, body2, _ = raw_put_lifecycle(b, SIMPLE_RULE_XML, {"Content-MD5": bad})
        soft_eq(st2, 400, "status with wrong Content-MD5")
        soft_eq(xml_error(body2)[0], "BadDigest", "Error.Code with wrong Content-MD5")


# ==========================================================================
# C. Lifecycle-derived object headers
# ==========================================================================
@test(source="LocalStack test_bucket_lifecycle_configuration_object_expiry (Head/Get Expiration, rule-id); "
      "format from real AWS CLI output (dev.classmethod.jp): "
      "expiry-date=\"Sun, 14 Oct 2018 00:00:00 GMT\", rule-id=\"lifecycle-test-rule\"; rounding per "
      "AWS re:Post knowledge-center s3-lifecycle-rule-delay and ceph/ceph commit 0c57b20")
def test_expiration_header_on_put_head_get():
    with Bucket() as b:
        put_lc(b, [{"Expiration": {"Days": 7}, "ID": "rule_number_one", "Filter": {"Prefix": ""},
                    "Status": "Enabled"}])
        put = s3.put_object(Bucket=b, Key="test-object-expiry", Body=b"test")
        head = s3.head_object(Bucket=b, Key="test-object-expiry")
        get = s3.get_object(Bucket=b, Key="test-object-expiry")
        get["Body"].read()
        for name, resp in (("PutObject", put), ("HeadObject", head), ("GetObject", get)):
            check("Expiration" in resp, f"{name} lacks x-amz-expiration")
            check_expiry(resp["Expiration"], head["LastModified"], 7, "rule_number_one")


@test(source="LocalStack test_object_expiry_after_bucket_lifecycle_configuration snapshot "
      "(object written before the rule gets the header on Head)")
def test_expiration_header_for_object_created_before_rule():
    with Bucket() as b:
        put = s3.put_object(Bucket=b, Key="test-object-expiry", Body=b"test")
        check("Expiration" not in put, "no x-amz-expiration before any lifecycle config")
        put_lc(b, [{"Expiration": {"Days": 7}, "ID": "rule3", "Filter": {}, "Status": "Enabled"}])
        head = s3.head_object(Bucket=b, Key="test-object-expiry")
        check("Expiration" in head, "HeadObject lacks x-amz-expiration for pre-existing object")
        check_expiry(head["Expiration"], head["LastModified"], 7, "rule3")
        put2 = s3.put_object(Bucket=b, Key="test-object-expiry", Body=b"test")
        check("Expiration" in put2, "PutObject after rule lacks x-amz-expiration")


@test(source="LocalStack test_bucket_lifecycle_multiple_rules snapshot (first matching rule reported; no match -> no header)")
def test_expiration_header_multiple_rules():
    with Bucket() as b:
        put_lc(b, [
            {"ID": "rule_one", "Filter": {"Prefix": "testobject"}, "Status": "Enabled", "Expiration": {"Days": 7}},
            {"ID": "rule_two", "Filter": {"Prefix": "test"}, "Status": "Enabled", "Expiration": {"Days": 7}},
            {"ID": "rule_three", "Filter": {"Prefix": "t"}, "Status": "Enabled", "Expiration": {"Days": 7}},
        ])
        p1 = s3.put_object(Bucket=b, Key="testobject-expiry", Body=b"test")
        eq(parse_expiration(p1.get("Expiration"))[1], "rule_one", "rule-id for testobject-expiry")
        p2 = s3.put_object(Bucket=b, Key="test-one-rule", Body=b"test")
        eq(parse_expiration(p2.get("Expiration"))[1], "rule_two", "rule-id for test-one-rule")
        p3 = s3.put_object(Bucket=b, Key="no-rules", Body=b"test")
        check("Expiration" not in p3, "no x-amz-expiration expected for non-matching key")


@test(source="LocalStack test_bucket_lifecycle_object_size_rules snapshot")
def test_expiration_header_size_rules():
    with Bucket() as b:
        put_lc(b, [
            {"ID": "rule_one", "Filter": {"ObjectSizeGreaterThan": 20}, "Status": "Enabled", "Expiration": {"Days": 7}},
            {"ID": "rule_two", "Filter": {"ObjectSizeLessThan": 10}, "Status": "Enabled", "Expiration": {"Days": 7}},
        ])
        p1 = s3.put_object(Bucket=b, Key="testobject-expiry", Body=b"a" * 22)
        eq(parse_expiration(p1.get("Expiration"))[1], "rule_one", "22-byte object rule-id")
        p2 = s3.put_object(Bucket=b, Key="test-one-rule", Body=b"a" * 5)
        eq(parse_expiration(p2.get("Expiration"))[1], "rule_two", "5-byte object rule-id")
        p3 = s3.put_object(Bucket=b, Key="no-rules", Body=b"a" * 15)
        check("Expiration" not in p3, "15-byte object must match no rule")


@test(source="LocalStack test_bucket_lifecycle_tag_rules snapshot (Put with Tagging header, Get)")
def test_expiration_header_tag_rules():
    with Bucket() as b:
        put_lc(b, [
            {"ID": "rule_one", "Filter": {"Tag": {"Key": "testlifecycle", "Value": "positive"}},
             "Status": "Enabled", "Expiration": {"Days": 7}},
            {"ID": "rule_two", "Filter": {"And": {"Tags": [
                {"Key": "testlifecycle", "Value": "positive"},
                {"Key": "testlifecycletwo", "Value": "positive-two"}]}},
             "Status": "Enabled", "Expiration": {"Days": 7}},
        ])
        p = s3.put_object(Bucket=b, Key="testobject-expiry", Body=b"test",
                          Tagging="testlifecycle=positive&testlifecycletwo=positivetwo")
        eq(parse_expiration(p.get("Expiration"))[1], "rule_one", "both-tags object rule-id (PutObject)")
        g = s3.get_object(Bucket=b, Key="testobject-expiry")
        g["Body"].read()
        eq(parse_expiration(g.get("Expiration"))[1], "rule_one", "both-tags object rule-id (GetObject)")
        eq(g.get("TagCount"), 2, "TagCount")
        p = s3.put_object(Bucket=b, Key="test-one-rule", Body=b"test", Tagging="testlifecycle=positive")
        eq(parse_expiration(p.get("Expiration"))[1], "rule_one", "one-tag object rule-id")
        p = s3.put_object(Bucket=b, Key="no-rules", Body=b"test", Tagging="testlifecycle2=positivetwo")
        check("Expiration" not in p, "non-matching tag must give no header (PutObject)")
        g = s3.get_object(Bucket=b, Key="no-rules")
        g["Body"].read()
        check("Expiration" not in g, "non-matching tag must give no header (GetObject)")
        p = s3.put_object(Bucket=b, Key="no-tags", Body=b"test")
        check("Expiration" not in p, "untagged object must give no header")


@test(source="ceph/s3-tests test_lifecycle_expiration_header_tags_head and test_lifecycle_expiration_header_and_tags_head "
      "(not fails_on_aws; tags set with PutObjectTagging after upload)")
def test_expiration_header_head_follows_object_tagging():
    with Bucket() as b:
        put_lc(b, [{"Filter": {"Tag": {"Key": "key1", "Value": "tag1"}}, "Status": "Enabled",
                    "Expiration": {"Days": 1}, "ID": "rule1"}])
        s3.put_object(Bucket=b, Key="obj_key1", Body=b"obj_key1_body")
        s3.put_object_tagging(Bucket=b, Key="obj_key1", Tagging={"TagSet": [
            {"Key": "key1", "Value": "tag1"}, {"Key": "key5", "Value": "tag5"}]})
        head = s3.head_object(Bucket=b, Key="obj_key1")
        check("Expiration" in head, "HeadObject lacks header for tag-matching object")
        check_expiry(head["Expiration"], head["LastModified"], 1, "rule1")
        put_lc(b, [{"Filter": {"Tag": {"Key": "key2", "Value": "tag1"}}, "Status": "Enabled",
                    "Expiration": {"Days": 1}, "ID": "rule1"}])
        head = s3.head_object(Bucket=b, Key="obj_key1")
        check("Expiration" not in head, "header must disappear when the tag rule no longer matches")
        put_lc(b, [{"Filter": {"And": {"Tags": [{"Key": "key1", "Value": "tag1"},
                                                 {"Key": "key5", "Value": "tag6"}]}},
                    "Status": "Enabled", "Expiration": {"Days": 1}, "ID": "rule1"}])
        head = s3.head_object(Bucket=b, Key="obj_key1")
        check("Expiration" not in head, "And-filter with one mismatching tag must not match")


@test(source="ceph/s3-tests test_lifecycle_expiration_header_put / _head (legacy Prefix rule, Days 1, "
      "(expiry - now).days == 1)")
def test_expiration_header_legacy_prefix_rule_days1():
    with Bucket() as b:
        now = dt.datetime.now(UTC)
        put_lc(b, [{"ID": "rule1", "Expiration": {"Days": 1}, "Prefix": "days1/", "Status": "Enabled"}])
        put = s3.put_object(Bucket=b, Key="days1/foo", Body=b"bar")
        eq(status_of(put), 200, "PutObject status")
        for name, resp in (("PutObject", put), ("HeadObject", s3.head_object(Bucket=b, Key="days1/foo"))):
            check("Expiration" in resp, f"{name} lacks x-amz-expiration")
            when, rid = parse_expiration(resp["Expiration"])
            eq(rid, "rule1", f"{name} rule-id")
            eq((when - now).days, 1, f"{name} whole days until expiry")


@test(source="LocalStack test_bucket_lifecycle_configuration_object_expiry_versioned snapshot "
      "(header only on current version fetched without VersionId)")
def test_expiration_header_versioned_bucket():
    with Bucket(versioned=True) as b:
        put_lc(b, [{"ID": "rule2", "Status": "Enabled", "Filter": {}, "Expiration": {"Days": 3},
                    "NoncurrentVersionExpiration": {"NoncurrentDays": 1}}])
        v1 = s3.put_object(Body=b"test", Bucket=b, Key="test-object-expiry")["VersionId"]
        head = s3.head_object(Bucket=b, Key="test-object-expiry")
        check("Expiration" in head, "current version without VersionId must carry the header")
        check_expiry(head["Expiration"], head["LastModified"], 3, "rule2")
        v2 = s3.put_object(Body=b"test", Bucket=b, Key="test-object-expiry")["VersionId"]
        check("Expiration" not in s3.head_object(Bucket=b, Key="test-object-expiry", VersionId=v1),
              "noncurrent version must not carry x-amz-expiration")
        check("Expiration" not in s3.head_object(Bucket=b, Key="test-object-expiry", VersionId=v2),
              "HEAD with VersionId (even current) must not carry x-amz-expiration")
        head = s3.head_object(Bucket=b, Key="test-object-expiry")
        eq(head.get("VersionId"), v2, "current VersionId")
        check("Expiration" in head, "current version without VersionId must carry the header")
        check_expiry(head["Expiration"], head["LastModified"], 3, "rule2")


@test(source="LocalStack test_lifecycle_expired_object_delete_marker snapshot (EODM-only rule: no header)")
def test_no_expiration_header_for_delete_marker_only_rule():
    with Bucket() as b:
        put_lc(b, [{"Expiration": {"ExpiredObjectDeleteMarker": True}, "ID": "rule-marker",
                    "Filter": {}, "Status": "Enabled"}])
        put = s3.put_object(Body=b"test", Bucket=b, Key="test-expired-object-delete-marker")
        check("Expiration" not in put, "PutObject must not carry x-amz-expiration")
        head = s3.head_object(Bucket=b, Key="test-expired-object-delete-marker")
        check("Expiration" not in head, "HeadObject must not carry x-amz-expiration")


@test(source="inferred: Disabled rule gives no header; Date rule reports the Date; rule-id URL-encoded "
      "(AWS PutObject/HeadObject docs: 'The value of the rule-id is URL-encoded') (soft)")
def test_expiration_header_misc_soft():
    with Bucket() as b:
        put_lc(b, [{"ID": "off", "Filter": {}, "Status": "Disabled", "Expiration": {"Days": 1}}])
        p = s3.put_object(Bucket=b, Key="k", Body=b"x")
        soft("Expiration" not in p, "Disabled rule should not produce x-amz-expiration")
        put_lc(b, [{"ID": "dated", "Filter": {}, "Status": "Enabled",
                    "Expiration": {"Date": dt.datetime(2031, 1, 1, tzinfo=UTC)}}])
        h = s3.head_object(Bucket=b, Key="k")
        if soft("Expiration" in h, "Date rule should produce x-amz-expiration"):
            soft_eq(h["Expiration"], 'expiry-date="Wed, 01 Jan 2031 00:00:00 GMT", rule-id="dated"',
                    "Date-rule header")
        put_lc(b, [{"ID": "rule one/ä", "Filter": {}, "Status": "Enabled", "Expiration": {"Days": 1}}])
        h = s3.head_object(Bucket=b, Key="k")
        if soft("Expiration" in h, "rule with special-character ID should produce x-amz-expiration"):
            rid = EXP_RE.match(h["Expiration"]).group(2) if EXP_RE.match(h["Expiration"]) else None
            soft(rid in ("rule%20one%2F%C3%A4", "rule+one%2F%C3%A4"),
                 f"rule-id should be URL-encoded, got {rid!r}")


@test(source="AWS API_CreateMultipartUpload docs (x-amz-abort-date + x-amz-abort-rule-id when an "
      "AbortIncompleteMultipartUpload rule's prefix matches); exact date soft")
def test_abort_headers_on_create_multipart_upload():
    with Bucket() as b:
        put_lc(b, [{"ID": "abort-rule", "Filter": {"Prefix": "mpu/"}, "Status": "Enabled",
                    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 2}}])
        r = s3.create_multipart_upload(Bucket=b, Key="mpu/obj")
        check("AbortRuleId" in r, "CreateMultipartUpload lacks x-amz-abort-rule-id")
        eq(r["AbortRuleId"], "abort-rule", "AbortRuleId")
        check(isinstance(r.get("AbortDate"), dt.datetime), "CreateMultipartUpload lacks x-amz-abort-date")
        now = dt.datetime.now(UTC)
        expect = expected_expiry(now, 2)
        soft(abs((r["AbortDate"].astimezone(UTC) - expect).total_seconds()) <= 86400,
             f"AbortDate {r['AbortDate']} expected about {expect}")
        raw = r["ResponseMetadata"]["HTTPHeaders"].get("x-amz-abort-date", "")
        soft(raw.endswith(" GMT"), f"x-amz-abort-date should be an RFC 1123 date, got {raw!r}")
        s3.abort_multipart_upload(Bucket=b, Key="mpu/obj", UploadId=r["UploadId"])
        r2 = s3.create_multipart_upload(Bucket=b, Key="other/obj")
        check("AbortRuleId" not in r2 and "AbortDate" not in r2,
              "non-matching key must not get abort headers")
        s3.abort_multipart_upload(Bucket=b, Key="other/obj", UploadId=r2["UploadId"])


# ==========================================================================
# D. Legacy V1 API (PutBucketLifecycle / GetBucketLifecycle): same wire endpoint
# ==========================================================================
@test(source="ceph/s3-tests test_lifecycle_invalid_status uses client.put_bucket_lifecycle (same PUT ?lifecycle); "
      "V1 and V2 share the subresource, so V1 get reads the V2-stored legacy rule")
def test_legacy_v1_put_and_get():
    with Bucket() as b:
        r = s3.put_bucket_lifecycle(Bucket=b, LifecycleConfiguration={"Rules": [
            {"ID": "v1", "Prefix": "old/", "Status": "Enabled", "Expiration": {"Days": 5}}]})
        eq(status_of(r), 200, "PutBucketLifecycle status")
        got = s3.get_bucket_lifecycle_configuration(Bucket=b)["Rules"]
        eq(got, [{"ID": "v1", "Prefix": "old/", "Status": "Enabled", "Expiration": {"Days": 5}}],
           "V2 Get of a V1-put config")
        v1 = s3.get_bucket_lifecycle(Bucket=b)["Rules"]
        soft_eq(v1, [{"ID": "v1", "Prefix": "old/", "Status": "Enabled", "Expiration": {"Days": 5}}],
                "V1 Get")


# --------------------------------------------------------------------------
if __name__ == "__main__":
    conclude(run())
