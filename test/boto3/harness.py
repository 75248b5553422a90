"""
What the S3 conformance harnesses share: a boto3 client for the endpoint
under test, the check context with its evidence tiers, the test registry,
bucket clean-up and the runner that prints each result and the summary.

Evidence tiers:
  A  = an answer recorded on AWS (LocalStack's AWS-validated snapshots)
  B  = other real-AWS evidence (captures, ceph/s3-tests written against AWS)
  C  = documentation or inference: soft, a WARN line (which CI also refuses)
A harness that names its evidence per test rather than per tier registers its tests without a tier:
their checks are hard, but for soft() and soft_eq().

A test takes the check context, fn(ctx), or nothing, fn(): then it checks through the module-level
check / eq / soft / soft_eq, which act on the context of the test running.
"""
import base64
import contextlib
import hashlib
import http.client
import inspect
import os
import sys
import time
import traceback
from collections import Counter

from urllib.parse import urlsplit

import boto3
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

ENDPOINT_URL = os.environ.get("AWS_ENDPOINT_URL", "http://127.0.0.1:4566").rstrip("/")
REGION = "us-east-1"


def client(region=REGION, key="test", endpoint=None, **cfg):
    """An S3 client for the endpoint under test (or `endpoint`), path-style, one attempt; `cfg` adds to its Config."""
    return boto3.client("s3", endpoint_url=endpoint or ENDPOINT_URL, region_name=region, aws_access_key_id=key,
                        aws_secret_access_key="test",
                        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1},
                                      read_timeout=120, **cfg))


S3 = client()


class Failure(AssertionError):
    pass


class Ctx:
    """One test's checks: hard ones raise Failure, soft ones (tier C) collect warnings. A harness may
    subclass it (keeping the (tier, name) signature) for what its tests make and cleanup() removes."""

    def __init__(self, tier=None, name=None):
        self.tier, self.name, self.warnings, self.counts = tier, name, [], Counter()

    def check(self, cond, msg, tier=None):
        tier = tier or self.tier
        if tier == "C":
            return self.soft(cond, msg)
        self.counts[tier or "hard"] += 1
        if not cond:
            raise Failure(f"[{tier}] {msg}" if tier else msg)
        return True

    def eq(self, actual, expected, what="", tier=None):
        return self.check(actual == expected, f"{what}: expected {expected!r}, got {actual!r}", tier)

    def soft(self, cond, msg):
        self.counts["C"] += 1
        if not cond:
            self.warnings.append(f"[C] {msg}")
        return cond

    def soft_eq(self, actual, expected, what=""):
        return self.soft(actual == expected, f"{what}: expected {expected!r}, got {actual!r}")

    def cleanup(self):
        """Runs after the test, passed or not."""


_current = None  # the context of the test running


def check(cond, msg, tier=None):
    return _current.check(cond, msg, tier)


def eq(actual, expected, what="", tier=None):
    return _current.eq(actual, expected, what, tier)


def soft(cond, msg):
    return _current.soft(cond, msg)


def soft_eq(actual, expected, what=""):
    return _current.soft_eq(actual, expected, what)


TESTS = []


def test(tier=None, source=None):
    """Registers a test: @test("A", "where AWS's answer was recorded"), @test(source="...") or a bare @test."""
    if callable(tier):
        return test()(tier)

    def deco(fn):
        TESTS.append((fn.__name__, tier, source, fn))
        return fn
    return deco


def err_of(fn, **kw):
    """The error response of a call, or None where it succeeded (its body drained)."""
    try:
        resp = fn(**kw)
    except ClientError as e:
        return e.response
    if "Body" in resp and hasattr(resp["Body"], "read"):
        resp["Body"].read()
    return None


def expect_err(ctx, resp, status, code, what, message=..., tier=None, **fields):
    """An error response (from err_of) with this status and code, and, where given, message and other fields."""
    ctx.check(resp is not None, f"{what}: expected {status} {code}, but the call succeeded", tier)
    if resp is None:
        return
    e = resp["Error"]
    ctx.eq((resp["ResponseMetadata"]["HTTPStatusCode"], e.get("Code")), (status, code), f"{what} status/code", tier)
    if message is not ...:
        ctx.check("Message" in e if message is None else True, f"{what}: <Message> element missing", tier)
        ctx.eq(e.get("Message"), message, f"{what} Message", tier)
    for k, v in fields.items():
        ctx.eq(e.get(k), v, f"{what} <{k}>", tier)


def raw(method, bucket, query, body=b"", headers=None):
    """A SigV4-signed request with an arbitrary body (malformed documents, raw response shapes): (status, text)."""
    hdrs = dict(headers or {})
    if body:
        hdrs["Content-MD5"] = base64.b64encode(hashlib.md5(body).digest()).decode()
    req = AWSRequest(method=method, url=f"{ENDPOINT_URL}/{bucket}?{query}", data=body, headers=hdrs)
    S3SigV4Auth(Credentials("test", "test"), "s3", REGION).add_auth(req)
    u = urlsplit(ENDPOINT_URL)
    cls = http.client.HTTPSConnection if u.scheme == "https" else http.client.HTTPConnection
    conn = cls(u.hostname, u.port or (443 if u.scheme == "https" else 80), timeout=30)
    try:
        conn.request(method, f"/{bucket}?{query}", body=body or None, headers=dict(req.headers.items()))
        r = conn.getresponse()
        return r.status, r.read().decode("utf-8", "replace")
    finally:
        conn.close()


def cleanup_bucket(name, c=None):
    """Removes a bucket (as client `c`, by default S3) with every version, delete marker and upload in it; errors ignored."""
    c = c or S3
    with contextlib.suppress(ClientError):
        for up in c.list_multipart_uploads(Bucket=name).get("Uploads", []):
            c.abort_multipart_upload(Bucket=name, Key=up["Key"], UploadId=up["UploadId"])
    with contextlib.suppress(ClientError):
        for page in c.get_paginator("list_object_versions").paginate(Bucket=name):
            for v in page.get("Versions", []) + page.get("DeleteMarkers", []):
                c.delete_object(Bucket=name, Key=v["Key"], VersionId=v["VersionId"])
    with contextlib.suppress(ClientError):
        c.delete_bucket(Bucket=name)


class ChecksFailed(Exception):
    """Raised at the end of a harness with failures: the uncaught exception gives the process a non-zero status."""


def conclude(failed):
    """Ends a harness: quietly when every check passed, else with ChecksFailed (so CI sees a failed run)."""
    if failed:
        raise ChecksFailed(f"{failed} failed: see the FAIL lines above")


SUMMARY = "summary: {passed} passed, {failed} failed"


def run(after=None, summary=SUMMARY, context=Ctx):
    """Runs every registered test, each with its own context(tier, name), then `after` (clean-up); prints
    PASS/FAIL, WARN lines, the checks run and `summary`, formatted with passed, failed (failures + errors),
    failures (a check refuted), errors (anything else raised), warnings and total; returns how many failed."""
    print(f"endpoint: {ENDPOINT_URL}  tests: {len(TESTS)}")
    totals, n = Counter(), Counter()
    try:
        _run_all(totals, n, context)
    finally:
        if after:
            after()
    graded = any(tier for _, tier, _, _ in TESTS)
    checks = (f"A={totals['A']} B={totals['B']} C={totals['C']} (C is soft)" if graded
              else f"{totals['hard']} hard, {totals['C']} soft")
    print(f"checks run: {checks}")
    print(f"soft warnings: {n['warnings']}")
    failed = n["failures"] + n["errors"]
    print(summary.format(passed=n["passed"], failed=failed, failures=n["failures"], errors=n["errors"],
                         warnings=n["warnings"], total=len(TESTS)))
    return failed


def _run_all(totals, n, context):
    global _current
    for name, tier, source, fn in TESTS:
        ctx = _current = context(tier, name)
        label = f"{name} [{tier}]" if tier else name
        cited = f"  [source: {source}]" if source else ""
        t0 = time.time()
        try:
            try:
                fn(ctx) if inspect.signature(fn).parameters else fn()
            finally:
                ctx.cleanup()
        except AssertionError as e:
            n["failures"] += 1
            print(f"FAIL {label} ({time.time() - t0:.1f}s){cited}\n    {e}")
            if not isinstance(e, Failure):  # a bare assert: where it stands
                at = traceback.extract_tb(e.__traceback__)[-1]
                print(f"    at {os.path.basename(at.filename)}:{at.lineno}: {at.line}")
        except Exception as e:  # noqa: BLE001 - unexpected errors are failures
            n["errors"] += 1
            detail = e.response.get("Error") if isinstance(e, ClientError) else e
            print(f"FAIL {label} ({time.time() - t0:.1f}s){cited}\n    unexpected {type(e).__name__}: {detail}")
            print("    " + "\n    ".join(traceback.format_exc().strip().splitlines()[-6:]))
        else:
            n["passed"] += 1
            print(f"PASS {label} ({time.time() - t0:.1f}s)")
        for w in ctx.warnings:
            print(f"    WARN {w}")
        n["warnings"] += len(ctx.warnings)
        totals.update(ctx.counts)
        sys.stdout.flush()
    _current = None
