#!/usr/bin/env python3
"""
S3 static-website-hosting conformance harness for Nimbus.

Runs without pytest:
    python3 s3_website.py

Environment:
    AWS_ENDPOINT_URL   REST endpoint (default http://127.0.0.1:4566); credentials test/test, us-east-1, path-style.
The website endpoint is reached by plain unsigned HTTP (http.client) to the same host:port, with the Host header
set from WEBSITE_HOST below.

Evidence tiers:
  A  = LocalStack test/snapshot validated against real AWS (exact assertions)
  B  = other real-AWS evidence (captures, ceph/s3-tests, scality suite run against AWS) (hard assertions)
  C  = docs / inference (soft warnings only; never fail)
"""
import http.client
import json
import re
import uuid
from urllib.parse import urlsplit

from botocore.exceptions import ClientError, ParamValidationError
from harness import ENDPOINT_URL, S3, Failure, cleanup_bucket, client, conclude, run, test

WEBSITE_HOST = "{bucket}.s3-website.localhost:{port}"
# Set to True if Nimbus decides 404-vs-403 for missing keys through s3:ListBucket (REST semantics).
# AWS docs say the website endpoint returns 404 for a missing key with only s3:GetObject granted.
GRANT_LIST_BUCKET = False

_ep = urlsplit(ENDPOINT_URL)
CONNECT_HOST = _ep.hostname or "127.0.0.1"
CONNECT_PORT = _ep.port or (443 if _ep.scheme == "https" else 80)
USE_TLS = _ep.scheme == "https"

LS = "LocalStack AWS-validated: localstack tests/aws/services/s3/test_s3.py::TestS3StaticWebsiteHosting"
LS_SNAP = "LocalStack snapshot (recorded on AWS 26-08-2023): test_s3.snapshot.json"
CEPH = "ceph/s3-tests s3tests/functional/test_s3_website.py (written against AWS)"
SCALITY = "scality/cloudserver tests/functional/aws-node-sdk/test/object/website*.js (AWS_ON_AIR)"
CAPTURE = "real AWS website-endpoint captures quoted in public issues and write-ups"
DOCS = "AWS docs (inferred)"


S3_NOVALIDATE = client(parameter_validation=False)


# --------------------------------------------------------------------------------------------- helpers
def website_host(bucket):
    return WEBSITE_HOST.format(bucket=bucket, port=CONNECT_PORT)


WEBSITE_HOST_SUFFIX = WEBSITE_HOST.format(bucket="", port=CONNECT_PORT)  # ".s3-website.localhost:4566"


def website_url(bucket):
    return f"http://{website_host(bucket)}"


class WebResponse:
    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.headers = headers  # lower-cased keys
        self.body = body
        try:
            self.text = body.decode("utf-8")
        except UnicodeDecodeError:
            self.text = body.decode("latin-1")

    def __repr__(self):
        return f"<{self.status} {self.reason} {self.headers.get('location', '')} {self.text[:120]!r}>"


def web(bucket=None, path="/", method="GET", headers=None, body=None, host=None):
    """Plain unsigned HTTP request to the website endpoint."""
    host = host or website_host(bucket)
    hdrs = {"Host": host}
    if headers:
        hdrs.update(headers)
    if body is not None and not isinstance(body, bytes):
        body = body.encode()
    cls = http.client.HTTPSConnection if USE_TLS else http.client.HTTPConnection
    conn = cls(CONNECT_HOST, CONNECT_PORT, timeout=30)
    try:
        conn.request(method, path, body=body, headers=hdrs)
        resp = conn.getresponse()
        data = resp.read()
        hdr = {}
        for k, v in resp.getheaders():
            k = k.lower()
            hdr[k] = v if k not in hdr else hdr[k] + ", " + v
        return WebResponse(resp.status, resp.reason, hdr, data)
    finally:
        conn.close()


def web_follow(bucket, path="/", method="GET", max_hops=6):
    """Follow redirects that stay on local website hosts; returns (final, chain)."""
    host = website_host(bucket)
    chain = []
    for _ in range(max_hops):
        r = web(path=path, method=method, host=host)
        chain.append(r)
        loc = r.headers.get("location")
        if r.status in (301, 302, 303, 307, 308) and loc:
            u = urlsplit(loc)
            if u.scheme:
                if not u.netloc.endswith(WEBSITE_HOST_SUFFIX):
                    return r, chain  # external redirect, stop
                host = u.netloc
                path = (u.path or "/") + (("?" + u.query) if u.query else "")
            else:
                path = loc
            continue
        return r, chain
    raise Failure(f"too many redirects: {chain}")


def unique_bucket():
    return f"nimbus-web-{uuid.uuid4().hex[:16]}"


class Bucket:
    """Context manager: creates a uniquely named bucket, optionally public; empties and deletes it afterwards."""

    def __init__(self, public=True, website=None, name=None):
        self.name = name or unique_bucket()
        self.public = public
        self.website = website

    def __enter__(self):
        S3.create_bucket(Bucket=self.name)
        if self.public:
            make_public(self.name)
        if self.website is not None:
            S3.put_bucket_website(Bucket=self.name, WebsiteConfiguration=self.website)
        return self.name

    def __exit__(self, *exc):
        cleanup_bucket(self.name)
        return False


def make_public(bucket, resources=None, list_bucket=None):
    if list_bucket is None:
        list_bucket = GRANT_LIST_BUCKET
    try:
        S3.delete_public_access_block(Bucket=bucket)
    except ClientError:
        pass
    resources = resources or [f"arn:aws:s3:::{bucket}/*"]
    statements = [
        {
            "Sid": "PublicReadGetObject",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": resources,
        }
    ]
    if list_bucket:
        statements.append(
            {
                "Sid": "PublicList",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:ListBucket",
                "Resource": f"arn:aws:s3:::{bucket}",
            }
        )
    S3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": statements}))


def put(bucket, key, body="", content_type=None, **kw):
    args = {"Bucket": bucket, "Key": key, "Body": body.encode() if isinstance(body, str) else body}
    if content_type:
        args["ContentType"] = content_type
    args.update(kw)
    return S3.put_object(**args)


def client_error(fn, **kw):
    try:
        fn(**kw)
    except ClientError as e:
        return e.response
    return None


_ID_RE = [
    (re.compile(r"<li>RequestId: [^<]*</li>"), "<li>RequestId: <request-id></li>"),
    (re.compile(r"<li>HostId: [^<]*</li>"), "<li>HostId: <host-id></li>"),
]


def norm_ids(text):
    for rx, repl in _ID_RE:
        text = rx.sub(repl, text)
    return text


def page(status_title, items, nested=None):
    """Build the exact AWS website error page (layout per LocalStack AWS snapshots)."""
    lines = ["<html>", f"<head><title>{status_title}</title></head>", "<body>", f"<h1>{status_title}</h1>", "<ul>"]
    lines += [f"<li>{k}: {v}</li>" for k, v in items]
    lines += ["<li>RequestId: <request-id></li>", "<li>HostId: <host-id></li>", "</ul>"]
    if nested:
        lines += ["<h3>An Error Occurred While Attempting to Retrieve a Custom Error Document</h3>", "<ul>"]
        lines += [f"<li>{k}: {v}</li>" for k, v in nested]
        lines += ["</ul>"]
    lines += ["<hr/>", "</body>", "</html>", ""]
    return "\n".join(lines)


def check_page(ctx, r, status, expected_body, what):
    ctx.eq(r.status, status, f"{what} status")
    got = norm_ids(r.text)
    if got != expected_body:
        raise Failure(f"{what} body mismatch:\n--- expected ---\n{expected_body}--- got ---\n{r.text}")
    error_page_headers_soft(ctx, r, what)


def error_page_headers_soft(ctx, r, what):
    ctx.soft_eq(r.headers.get("content-type"), "text/html; charset=utf-8", f"[C] {what} Content-Type")
    ctx.soft("x-amz-request-id" in r.headers, f"[C] {what}: x-amz-request-id header missing")
    ctx.soft("x-amz-id-2" in r.headers, f"[C] {what}: x-amz-id-2 header missing")
    ctx.soft_eq(r.headers.get("server"), "AmazonS3", f"[C] {what} Server header")
    ctx.soft(re.search(r"<li>RequestId: [0-9A-Z]{16}</li>", r.text) is not None,
             f"[C] {what}: RequestId should look like 16 upper-case alphanumerics")


NOT_FOUND = "404 Not Found"
FORBIDDEN = "403 Forbidden"
NO_SUCH_KEY = [("Code", "NoSuchKey"), ("Message", "The specified key does not exist.")]


def no_such_key_items(key):
    return NO_SUCH_KEY + [("Key", key)]


# ============================================================================================= REST API
@test(source=LS_SNAP + "::test_crud_website_configuration [A]")
def api_crud_website_configuration(ctx):
    with Bucket(public=False) as b:
        err = client_error(S3.get_bucket_website, Bucket=b)
        ctx.check(err is not None, "GetBucketWebsite without config must fail")
        ctx.eq(err["ResponseMetadata"]["HTTPStatusCode"], 404, "status")
        ctx.eq(err["Error"]["Code"], "NoSuchWebsiteConfiguration", "code")
        ctx.eq(err["Error"]["Message"], "The specified bucket does not have a website configuration", "message")
        ctx.eq(err["Error"].get("BucketName"), b, "BucketName error field")

        resp = S3.delete_bucket_website(Bucket=b)
        ctx.eq(resp["ResponseMetadata"]["HTTPStatusCode"], 204, "DeleteBucketWebsite without config")

        resp = S3.put_bucket_website(Bucket=b, WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"}})
        ctx.eq(resp["ResponseMetadata"]["HTTPStatusCode"], 200, "PutBucketWebsite status")

        resp = S3.get_bucket_website(Bucket=b)
        ctx.eq(resp["ResponseMetadata"]["HTTPStatusCode"], 200, "GetBucketWebsite status")
        got = {k: v for k, v in resp.items() if k != "ResponseMetadata"}
        ctx.eq(got, {"IndexDocument": {"Suffix": "index.html"}}, "GetBucketWebsite body")

        S3.delete_bucket_website(Bucket=b)
        err = client_error(S3.get_bucket_website, Bucket=b)
        ctx.check(err is not None and err["Error"]["Code"] == "NoSuchWebsiteConfiguration",
                  f"after delete expected NoSuchWebsiteConfiguration, got {err}")


def _invalid_config(ctx, config, status, code, message, arg_name=None, arg_value=None, client=None):
    client = client or S3
    with Bucket(public=False) as b:
        try:
            err = client_error(client.put_bucket_website, Bucket=b, WebsiteConfiguration=config)
        except ParamValidationError as e:
            raise Failure(f"boto3 refused the config client-side: {e}")
        ctx.check(err is not None, f"{config} should have been rejected")
        ctx.eq(err["ResponseMetadata"]["HTTPStatusCode"], status, "status")
        ctx.eq(err["Error"]["Code"], code, "code")
        ctx.eq(err["Error"]["Message"], message, "message")
        if arg_name is not None:
            ctx.eq(err["Error"].get("ArgumentName"), arg_name, "ArgumentName")
        if arg_value is not None:
            ctx.eq(err["Error"].get("ArgumentValue"), arg_value, "ArgumentValue")


@test(source=LS_SNAP + "::test_validate_website_configuration invalid-website-conf-0 [A]")
def api_validate_index_suffix_with_slash(ctx):
    _invalid_config(ctx, {"IndexDocument": {"Suffix": "/index.html"}}, 400, "InvalidArgument",
                    "The IndexDocument Suffix is not well formed", "IndexDocument", "/index.html")


@test(source=LS_SNAP + "::test_validate_website_configuration invalid-website-conf-1 [A]")
def api_validate_index_suffix_empty(ctx):
    _invalid_config(ctx, {"IndexDocument": {"Suffix": ""}}, 400, "InvalidArgument",
                    "The IndexDocument Suffix is not well formed", "IndexDocument")


@test(source=LS_SNAP + "::test_validate_website_configuration invalid-website-conf-2 [A]")
def api_validate_redirect_all_with_other_fields(ctx):
    _invalid_config(ctx, {"RedirectAllRequestsTo": {"HostName": "test"}, "IndexDocument": {"Suffix": "/index.html"}},
                    400, "InvalidArgument",
                    "RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules.",
                    "RedirectAllRequestsTo", "not null")


@test(source=LS_SNAP + "::test_validate_website_configuration invalid-website-conf-3 [A]")
def api_validate_missing_index_document(ctx):
    _invalid_config(ctx, {"ErrorDocument": {"Key": "/index.html"}}, 400, "InvalidArgument",
                    "A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty",
                    "IndexDocument", "null")


@test(source=LS_SNAP + "::test_validate_website_configuration invalid-website-conf-4 [A]")
def api_validate_invalid_protocol(ctx):
    _invalid_config(ctx, {"IndexDocument": {"Suffix": "index.html"},
                          "RoutingRules": [{"Redirect": {"Protocol": "protocol"}}]},
                    400, "InvalidRequest",
                    "Invalid protocol, protocol can be http or https. If not defined the protocol will be "
                    "selected automatically.")


@test(source=LS_SNAP + "::test_validate_website_configuration invalid-website-conf-5 [A]")
def api_validate_replace_key_and_prefix_both(ctx):
    _invalid_config(ctx, {"IndexDocument": {"Suffix": "index.html"},
                          "RoutingRules": [{"Redirect": {"ReplaceKeyPrefixWith": "prefix",
                                                         "ReplaceKeyWith": "key-name"}}]},
                    400, "InvalidRequest", "You can only define ReplaceKeyPrefix or ReplaceKey but not both.")


@test(source=LS_SNAP + "::test_validate_website_configuration invalid-website-conf-6 [A]")
def api_validate_empty_condition(ctx):
    _invalid_config(ctx, {"IndexDocument": {"Suffix": "index.html"},
                          "RoutingRules": [{"Redirect": {"ReplaceKeyPrefixWith": "prefix"}, "Condition": {}}]},
                    400, "InvalidRequest",
                    "Condition cannot be empty. To redirect all requests without a condition, the condition "
                    "element shouldn't be present.")


@test(source=LS_SNAP + "::test_validate_website_configuration invalid-website-conf-7 [A]")
def api_validate_empty_routing_rules(ctx):
    _invalid_config(ctx, {"IndexDocument": {"Suffix": "index.html"}, "RoutingRules": []},
                    400, "MalformedXML",
                    "The XML you provided was not well-formed or did not validate against our published schema")


@test(source="ceph/ceph PR #23429 (boto3 vs AWS) + AWS S3Exception quote; limit in AWS docs how-to-page-redirect [B]")
def api_validate_more_than_50_routing_rules(ctx):
    rules = [{"Condition": {"KeyPrefixEquals": f"v1/{i}/"}, "Redirect": {"ReplaceKeyPrefixWith": f"v2/{i}/"}}
             for i in range(51)]
    _invalid_config(ctx, {"IndexDocument": {"Suffix": "index.html"}, "RoutingRules": rules}, 400, "InvalidRequest",
                    "51 routing rules provided, the number of routing rules in a website configuration is limited "
                    "to 50.")
    # exactly 50 must be accepted
    with Bucket(public=False) as b:
        resp = S3.put_bucket_website(Bucket=b, WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"},
                                                                     "RoutingRules": rules[:50]})
        ctx.eq(resp["ResponseMetadata"]["HTTPStatusCode"], 200, "50 rules accepted")
        got = S3.get_bucket_website(Bucket=b)
        ctx.eq(len(got.get("RoutingRules", [])), 50, "50 rules stored")


@test(source=CEPH + " VALID_AMZ_REDIRECT comment [B: status; C: code/message]")
def api_validate_http_redirect_code(ctx):
    for code in ("300", "314", "200"):
        with Bucket(public=False) as b:
            err = client_error(S3.put_bucket_website, Bucket=b, WebsiteConfiguration={
                "IndexDocument": {"Suffix": "index.html"},
                "RoutingRules": [{"Condition": {"KeyPrefixEquals": "a/"},
                                  "Redirect": {"HttpRedirectCode": code}}]})
            ctx.check(err is not None, f"HttpRedirectCode {code} must be rejected")
            ctx.eq(err["ResponseMetadata"]["HTTPStatusCode"], 400, f"HttpRedirectCode {code} status")
            ctx.soft_eq(err["Error"]["Code"], "InvalidRequest", f"[C] HttpRedirectCode {code} code")
            ctx.soft_eq(err["Error"]["Message"],
                        f"The provided HTTP redirect code ({code}) is not valid. Valid codes are 3XX except 300.",
                        f"[C] HttpRedirectCode {code} message")
    for code in ("301", "302", "303", "307", "308"):
        with Bucket(public=False) as b:
            resp = S3.put_bucket_website(Bucket=b, WebsiteConfiguration={
                "IndexDocument": {"Suffix": "index.html"},
                "RoutingRules": [{"Condition": {"KeyPrefixEquals": "a/"}, "Redirect": {"HttpRedirectCode": code}}]})
            ctx.eq(resp["ResponseMetadata"]["HTTPStatusCode"], 200, f"HttpRedirectCode {code} accepted")


@test(source="scality Arsenal + versitygw validation (impl) [C]")
def api_validate_http_error_code(ctx):
    with Bucket(public=False) as b:
        err = client_error(S3.put_bucket_website, Bucket=b, WebsiteConfiguration={
            "IndexDocument": {"Suffix": "index.html"},
            "RoutingRules": [{"Condition": {"HttpErrorCodeReturnedEquals": "200"},
                              "Redirect": {"HostName": "example.com"}}]})
        if ctx.soft(err is not None, "[C] HttpErrorCodeReturnedEquals=200 should be rejected"):
            ctx.soft_eq(err["ResponseMetadata"]["HTTPStatusCode"], 400, "[C] status")
            ctx.soft_eq(err["Error"]["Code"], "InvalidRequest", "[C] code")
            ctx.soft_eq(err["Error"]["Message"],
                        "The provided HTTP error code (200) is not valid. Valid codes are 4XX or 5XX.", "[C] message")


@test(source="AWS docs: a RoutingRule must have a Redirect element (inferred MalformedXML) [C]")
def api_validate_routing_rule_without_redirect(ctx):
    with Bucket(public=False) as b:
        err = client_error(S3_NOVALIDATE.put_bucket_website, Bucket=b, WebsiteConfiguration={
            "IndexDocument": {"Suffix": "index.html"},
            "RoutingRules": [{"Condition": {"KeyPrefixEquals": "a/"}}]})
        if ctx.soft(err is not None, "[C] RoutingRule without Redirect should be rejected"):
            ctx.soft_eq(err["ResponseMetadata"]["HTTPStatusCode"], 400, "[C] status")
            ctx.soft_eq(err["Error"]["Code"], "MalformedXML", "[C] code")


@test(source="ceph/s3-tests _test_website_prep (GET echoes PUT) [B: accepted; C: exact echo]")
def api_roundtrip_full_config(ctx):
    config = {
        "IndexDocument": {"Suffix": "index.html"},
        "ErrorDocument": {"Key": "error.html"},
        "RoutingRules": [
            {"Condition": {"KeyPrefixEquals": "docs/"},
             "Redirect": {"ReplaceKeyPrefixWith": "documents/", "HttpRedirectCode": "302", "Protocol": "https",
                          "HostName": "example.com"}},
            {"Condition": {"HttpErrorCodeReturnedEquals": "404"}, "Redirect": {"ReplaceKeyWith": "404.html"}},
            {"Redirect": {"HostName": "catch-all.example.com"}},
        ],
    }
    with Bucket(public=False) as b:
        resp = S3.put_bucket_website(Bucket=b, WebsiteConfiguration=config)
        ctx.eq(resp["ResponseMetadata"]["HTTPStatusCode"], 200, "put full config")
        got = S3.get_bucket_website(Bucket=b)
        got = {k: v for k, v in got.items() if k != "ResponseMetadata"}
        ctx.eq(got.get("IndexDocument"), config["IndexDocument"], "IndexDocument echo")
        ctx.eq(got.get("ErrorDocument"), config["ErrorDocument"], "ErrorDocument echo")
        ctx.soft_eq(got, config, "[C] full config echo")
    with Bucket(public=False) as b:
        cfg = {"RedirectAllRequestsTo": {"HostName": "example.com", "Protocol": "https"}}
        S3.put_bucket_website(Bucket=b, WebsiteConfiguration=cfg)
        got = S3.get_bucket_website(Bucket=b)
        ctx.eq(got.get("RedirectAllRequestsTo"), cfg["RedirectAllRequestsTo"], "RedirectAllRequestsTo echo")
        ctx.soft("IndexDocument" not in got, "[C] no IndexDocument when only RedirectAllRequestsTo set")


@test(source="standard S3 NoSuchBucket (inferred) [C]")
def api_website_ops_no_such_bucket(ctx):
    name = unique_bucket()
    for fn, kw in ((S3.get_bucket_website, {}), (S3.delete_bucket_website, {}),
                   (S3.put_bucket_website, {"WebsiteConfiguration": {"IndexDocument": {"Suffix": "i.html"}}})):
        err = client_error(fn, Bucket=name, **kw)
        if ctx.soft(err is not None, f"[C] {fn.__name__} on missing bucket should fail"):
            ctx.soft_eq(err["Error"]["Code"], "NoSuchBucket", f"[C] {fn.__name__} code")
            ctx.soft_eq(err["ResponseMetadata"]["HTTPStatusCode"], 404, f"[C] {fn.__name__} status")


@test(source="aws/aws-cli issue #1130 (AWS output) + scality/Arsenal PR #212 [B]")
def api_put_object_invalid_redirect_location(ctx):
    with Bucket(public=False) as b:
        err = client_error(S3.put_object, Bucket=b, Key="page", Body=b"x", WebsiteRedirectLocation="example.com/x")
        ctx.check(err is not None, "invalid WebsiteRedirectLocation must be rejected")
        ctx.eq(err["ResponseMetadata"]["HTTPStatusCode"], 400, "status")
        ctx.eq(err["Error"]["Code"], "InvalidRedirectLocation", "code")
        ctx.eq(err["Error"]["Message"],
               "The website redirect location must have a prefix of 'http://' or 'https://' or '/'.", "message")
        for ok in ("/other.html", "http://example.com/a", "https://example.com/b"):
            put(b, "page-ok", "x", WebsiteRedirectLocation=ok)
            ctx.eq(S3.head_object(Bucket=b, Key="page-ok").get("WebsiteRedirectLocation"), ok, f"stored {ok}")


# ============================================================================================= website endpoint
@test(source=LS + "::test_s3_static_website_index [A]")
def web_index_root(ctx):
    with Bucket(website={"IndexDocument": {"Suffix": "index.html"}}) as b:
        put(b, "index.html", "index", "text/html")
        r = web(b, "/")
        ctx.eq(r.status, 200, "GET / status")
        ctx.eq(r.text, "index", "GET / body")
        r = web(b, "")  # bare request-target (http.client sends "/" for "", keep for symmetry)
        ctx.eq(r.status, 200, "GET (empty) status")


@test(source=LS + "::test_s3_static_website_hosting [A]")
def web_static_hosting_full(ctx):
    with Bucket(website={"IndexDocument": {"Suffix": "index.html"},
                         "ErrorDocument": {"Key": "test/error.html"}}) as b:
        index_obj = put(b, "test/index.html", "index", "text/html")
        error_obj = put(b, "test/error.html", "error", "text/html")
        actual = put(b, "actual/key.html", "key", "text/html")
        js = put(b, "with-content-type/key.js", "some js", "application/javascript; charset=utf-8")
        put(b, "to-be-redirected.html", "", WebsiteRedirectLocation="/actual/key.html")

        r = web(b, "/actual/key.html")
        ctx.eq(r.status, 200, "actual key status")
        ctx.eq(r.text, "key", "actual key body")
        ctx.eq(r.headers.get("content-type"), "text/html", "actual key content-type")
        ctx.check(actual["ETag"] in r.headers.get("etag", ""), f"etag {r.headers.get('etag')} vs {actual['ETag']}")
        ctx.soft("last-modified" in r.headers, "[C] Last-Modified header on object GET")

        r = web(b, "/actual/key.html", headers={"If-None-Match": actual["ETag"]})
        ctx.eq(r.status, 304, "If-None-Match status")
        ctx.soft_eq(r.body, b"", "[C] 304 body empty")

        r = web(b, "/with-content-type/key.js")
        ctx.eq(r.status, 200, "js status")
        ctx.eq(r.text, "some js", "js body")
        ctx.eq(r.headers.get("content-type"), "application/javascript; charset=utf-8", "js content-type")
        ctx.eq(r.headers.get("etag"), js["ETag"], "js etag")

        r, chain = web_follow(b, "/test")
        ctx.eq(chain[0].status, 302, "/test first hop (folder redirect)")
        ctx.eq(chain[0].headers.get("location"), "/test/", "/test Location")
        ctx.eq(r.status, 200, "/test final status")
        ctx.eq(r.text, "index", "/test final body")
        ctx.check("text/html" in r.headers.get("content-type", ""), "index content-type")
        ctx.eq(r.headers.get("etag"), index_obj["ETag"], "index etag")

        for path in ("/", "/something"):
            r = web(b, path)
            ctx.eq(r.status, 404, f"{path} status (error document)")
            ctx.eq(r.text, "error", f"{path} body is error document")
            ctx.check("text/html" in r.headers.get("content-type", ""), f"{path} error doc content-type")
            ctx.eq(r.headers.get("etag"), error_obj["ETag"], f"{path} error doc etag")

        r = web(b, "/to-be-redirected.html")
        ctx.eq(r.status, 301, "object redirect status")
        ctx.check("actual/key.html" in r.headers.get("location", ""), f"object redirect location {r.headers}")
        r, _ = web_follow(b, "/to-be-redirected.html")
        ctx.eq(r.status, 200, "followed object redirect status")
        ctx.eq(r.headers.get("etag"), actual["ETag"], "followed object redirect etag")


@test(source=LS_SNAP + "::test_website_hosting_no_such_website no-such-bucket [A]")
def web_no_such_bucket_html(ctx):
    name = unique_bucket()
    r = web(name, "/")
    check_page(ctx, r, 404, page(NOT_FOUND, [("Code", "NoSuchBucket"),
                                             ("Message", "The specified bucket does not exist"),
                                             ("BucketName", name)]), "NoSuchBucket page")


@test(source=LS_SNAP + "::test_website_hosting_no_such_website no-such-website-config(-key) [A]")
def web_no_such_website_config_html(ctx):
    with Bucket() as b:
        put(b, "actual/key.html", "key", "text/html")
        expected = page(NOT_FOUND, [("Code", "NoSuchWebsiteConfiguration"),
                                    ("Message", "The specified bucket does not have a website configuration"),
                                    ("BucketName", b)])
        check_page(ctx, web(b, "/"), 404, expected, "NoSuchWebsiteConfiguration page (/)")
        check_page(ctx, web(b, "/actual/key.html"), 404, expected, "NoSuchWebsiteConfiguration page (key)")
        # object with a website redirect in a bucket without website config: still NoSuchWebsiteConfiguration (ceph)
        put(b, "page", "wrong-content", WebsiteRedirectLocation="/relative")
        r = web(b, "/page")
        ctx.eq(r.status, 404, "[B ceph xredirect_nonwebsite] status")
        ctx.check("<li>Code: NoSuchWebsiteConfiguration</li>" in r.text, "[B ceph] NoSuchWebsiteConfiguration page")


@test(source=LS_SNAP + "::test_website_hosting_http_methods not-allowed-post/delete [A]")
def web_method_not_allowed(ctx):
    with Bucket(website={"IndexDocument": {"Suffix": "index.html"}}) as b:
        for method, body in (("POST", "test"), ("DELETE", None)):
            r = web(b, "/", method=method, body=body)
            expected = page("405 Method Not Allowed", [
                ("Code", "MethodNotAllowed"),
                ("Message", "The specified method is not allowed against this resource."),
                ("Method", method), ("ResourceType", "OBJECT")])
            check_page(ctx, r, 405, expected, f"{method} 405 page")
        r = web(b, "/some/key", method="PUT", body="x")
        ctx.soft_eq(r.status, 405, "[C] PUT on website endpoint")
        r = web(b, "/some/key", method="PATCH", body="x")
        ctx.soft_eq(r.status, 405, "[C] PATCH on website endpoint")


@test(source=LS + "::test_website_hosting_http_methods (405 not replaced by ErrorDocument) [A]")
def web_method_not_allowed_with_error_document(ctx):
    with Bucket(website={"IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "error.html"}}) as b:
        put(b, "error.html", "error", "text/html")
        r = web(b, "/", method="POST", body="test")
        ctx.eq(r.status, 405, "POST with error document status")
        ctx.soft(r.text != "error", "[C] 405 must not serve the error document body")


@test(source=LS_SNAP + "::test_website_hosting_index_lookup [A]")
def web_index_lookup_and_trailing_slash(ctx):
    with Bucket(website={"IndexDocument": {"Suffix": "index.html"}}) as b:
        put(b, "index.html", "index", "text/html")
        r = web(b, "/")
        ctx.eq((r.status, r.text), (200, "index"), "GET /")
        put(b, "directory/index.html", "index", "text/html")
        r = web(b, "/directory")
        ctx.eq(r.status, 302, "GET /directory status")
        ctx.eq(r.headers.get("location"), "/directory/", "GET /directory Location")
        # AWS captures: '302 Moved Temporarily', x-amz-error-code Found, x-amz-error-message Resource Found [B]
        ctx.eq(r.headers.get("x-amz-error-code"), "Found", "GET /directory x-amz-error-code")
        ctx.eq(r.headers.get("x-amz-error-message"), "Resource Found", "GET /directory x-amz-error-message")
        ctx.eq("<h1>302 Moved Temporarily</h1>" in r.text and "<li>Code: Found</li>" in r.text, True, "GET /directory page")
        r = web(b, "/directory/")
        ctx.eq((r.status, r.text), (200, "index"), "GET /directory/")
        check_page(ctx, web(b, "/directory-wrong"), 404, page(NOT_FOUND, no_such_key_items("directory-wrong")),
                   "404-no-trailing-slash")
        check_page(ctx, web(b, "/directory-wrong/"), 404,
                   page(NOT_FOUND, no_such_key_items("directory-wrong/index.html")), "404-with-trailing-slash")
        # an object named like the folder wins over the folder redirect (AWS docs IndexDocumentSupport) [C]
        put(b, "directory", "file-named-directory", "text/plain")
        r = web(b, "/directory")
        ctx.soft_eq((r.status, r.text), (200, "file-named-directory"), "[C] exact key wins over folder redirect")


@test(source=LS_SNAP + "::test_website_hosting_404 [A]")
def web_404_default_and_custom_error_document(ctx):
    with Bucket(website={"IndexDocument": {"Suffix": "index.html"}}) as b:
        check_page(ctx, web(b, "/"), 404, page(NOT_FOUND, no_such_key_items("index.html")), "404-no-such-key")
        S3.put_bucket_website(Bucket=b, WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"},
                                                              "ErrorDocument": {"Key": "error.html"}})
        check_page(ctx, web(b, "/"), 404,
                   page(NOT_FOUND, no_such_key_items("index.html"), nested=no_such_key_items("error.html")),
                   "404-no-such-key-nor-custom")
        put(b, "error.html", "error", "text/html")
        r = web(b, "/")
        ctx.eq((r.status, r.text), (404, "error"), "custom error document")
        ctx.eq(r.headers.get("content-type"), "text/html", "custom error document content-type")


@test(source=LS + "::test_object_website_redirect_location [A]")
def web_object_redirect_chain_via_error_document(ctx):
    with Bucket(website={"IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "error.html"}}) as b:
        put(b, "index.html", "", WebsiteRedirectLocation="/another/index.html")
        put(b, "error.html", "error_redirected", WebsiteRedirectLocation="/another/error.html")
        put(b, "another/error.html", "error")
        r, chain = web_follow(b, "/")
        ctx.eq(r.status, 200, "final status (status lost through error-document redirect)")
        ctx.eq(r.text, "error", "final body")
        ctx.eq([c.status for c in chain], [301, 301, 200], "redirect chain statuses")
        ctx.eq(chain[0].headers.get("location"), "/another/index.html", "[B ceph: Location is stored value] hop 1")
        ctx.eq(chain[1].headers.get("location"), "/another/error.html", "[B ceph] hop 2")


@test(source=LS + "::test_routing_rules_conditions [A]")
def web_routing_rules_conditions(ctx):
    cfg = {
        "IndexDocument": {"Suffix": "index.html"},
        "ErrorDocument": {"Key": "error.html"},
        "RoutingRules": [
            {"Condition": {"KeyPrefixEquals": "both-prefixed/", "HttpErrorCodeReturnedEquals": "404"},
             "Redirect": {"ReplaceKeyWith": "redirected-both.html"}},
            {"Condition": {"KeyPrefixEquals": "prefixed"}, "Redirect": {"ReplaceKeyWith": "redirected.html"}},
            {"Condition": {"HttpErrorCodeReturnedEquals": "404"}, "Redirect": {"ReplaceKeyWith": "redirected.html"}},
        ],
    }
    with Bucket(website=cfg) as b:
        put(b, "redirected.html", "redirected")
        put(b, "prefixed-key-test", "prefixed")
        put(b, "redirected-both.html", "redirected-both")
        r = web(b, "/non-existent-key")
        ctx.eq(r.status, 301, "404-condition redirect status")
        ctx.eq(r.headers.get("location"), f"{website_url(b)}/redirected.html", "404-condition Location")
        ctx.eq(r.body, b"", "[B ceph] redirect body empty")
        r, _ = web_follow(b, "/non-existent-key")
        ctx.eq((r.status, r.text), (200, "redirected"), "followed (no error.html)")
        put(b, "error.html", "error")
        r, _ = web_follow(b, "/non-existent-key")
        ctx.eq((r.status, r.text), (200, "redirected"), "routing rule beats existing error document")
        r, _ = web_follow(b, "/prefixed-key-test")
        ctx.eq((r.status, r.text), (200, "redirected"), "prefix rule applies even though key exists")
        r, _ = web_follow(b, "/both-prefixed/")
        ctx.eq((r.status, r.text), (200, "redirected-both"), "prefix+404 rule")


@test(source=LS + "::test_routing_rules_redirects [A]")
def web_routing_rules_redirects(ctx):
    cfg = {
        "IndexDocument": {"Suffix": "index.html"},
        "ErrorDocument": {"Key": "error.html"},
        "RoutingRules": [
            {"Condition": {"KeyPrefixEquals": "host/"}, "Redirect": {"HostName": "random-hostname"}},
            {"Condition": {"KeyPrefixEquals": "replace-prefix/"},
             "Redirect": {"ReplaceKeyPrefixWith": "replaced-prefix/"}},
            {"Condition": {"KeyPrefixEquals": "protocol/"}, "Redirect": {"Protocol": "https"}},
            {"Condition": {"KeyPrefixEquals": "code/"}, "Redirect": {"HttpRedirectCode": "307"}},
        ],
    }
    with Bucket(website=cfg) as b:
        r = web(b, "/host/key")
        ctx.eq((r.status, r.headers.get("location")), (301, "http://random-hostname/host/key"), "HostName rule")
        r = web(b, "/replace-prefix/key")
        ctx.eq((r.status, r.headers.get("location")), (301, f"{website_url(b)}/replaced-prefix/key"),
               "ReplaceKeyPrefixWith rule")
        r = web(b, "/protocol/key")
        ctx.eq(r.status, 301, "Protocol rule status")
        ctx.check(r.headers.get("location", "").startswith("https"), f"Protocol rule Location {r.headers}")
        ctx.soft_eq(r.headers.get("location"), f"https://{website_host(b)}/protocol/key", "[C] Protocol rule Location")
        r = web(b, "/code/key")
        ctx.eq(r.status, 307, "HttpRedirectCode rule status")
        ctx.soft_eq(r.headers.get("location"), f"{website_url(b)}/code/key", "[C] HttpRedirectCode-only Location")


@test(source=LS + "::test_routing_rules_empty_replace_prefix [A]")
def web_routing_rules_empty_replace_prefix(ctx):
    with Bucket() as b:
        put(b, "index.html", "index")
        put(b, "test.html", "test")
        put(b, "error.html", "error")
        put(b, "mydocs/test.html", "mydocs")
        S3.put_bucket_website(Bucket=b, WebsiteConfiguration={
            "IndexDocument": {"Suffix": "index.html"},
            "ErrorDocument": {"Key": "error.html"},
            "RoutingRules": [
                {"Condition": {"KeyPrefixEquals": "docs/"}, "Redirect": {"ReplaceKeyPrefixWith": ""}},
                {"Condition": {"KeyPrefixEquals": "another/path/"}, "Redirect": {"ReplaceKeyPrefixWith": ""}},
            ]})
        for path, body in (("/docs/test.html", "test"), ("/another/path/test.html", "test"),
                           ("/docs/mydocs/test.html", "mydocs")):
            r, chain = web_follow(b, path)
            ctx.eq((r.status, r.text), (200, body), f"GET {path}")
            ctx.eq(chain[0].status, 301, f"{path} first hop")
        r = web(b, "/docs/test.html")
        ctx.soft_eq(r.headers.get("location"), f"{website_url(b)}/test.html", "[C] empty prefix replacement Location")
        r, _ = web_follow(b, "/docs2/test.html")
        ctx.eq((r.status, r.text), (404, "error"), "no rule -> error document")


@test(source=LS + "::test_routing_rules_order [A]")
def web_routing_rules_order(ctx):
    cfg = {
        "IndexDocument": {"Suffix": "index.html"},
        "ErrorDocument": {"Key": "error.html"},
        "RoutingRules": [
            {"Condition": {"KeyPrefixEquals": "prefix"}, "Redirect": {"ReplaceKeyWith": "redirected.html"}},
            {"Condition": {"KeyPrefixEquals": "index"}, "Redirect": {"ReplaceKeyWith": "redirected.html"}},
        ],
    }
    with Bucket(website=cfg) as b:
        put(b, "index.html", "index")
        put(b, "redirected.html", "redirected")
        put(b, "website-redirected.html", "website-redirected")
        put(b, "prefixed-key-test", "prefixed", WebsiteRedirectLocation="/website-redirected.html")
        r, _ = web_follow(b, "/prefixed-key-test")
        ctx.eq((r.status, r.text), (200, "redirected"), "routing rule beats object redirect")
        r = web(b, "/")
        ctx.eq((r.status, r.text), (200, "index"), "root not matched by prefix rule 'index'")


@test(source="scality websiteHead.js 'redirect with multiple redirect rules' (first rule wins) [B]")
def web_routing_rules_first_match_wins(ctx):
    cfg = {"IndexDocument": {"Suffix": "index.html"},
           "RoutingRules": [{"Condition": {"KeyPrefixEquals": "about/"}, "Redirect": {"HostName": "www.google.com"}},
                            {"Condition": {"KeyPrefixEquals": "about/"}, "Redirect": {"HostName": "s3.google.com"}}]}
    with Bucket(website=cfg) as b:
        for method in ("GET", "HEAD"):
            r = web(b, "/about/", method=method)
            ctx.eq((r.status, r.headers.get("location")), (301, "http://www.google.com/about/"), f"{method} first rule")


@test(source=LS + "::test_website_hosting_redirect_all [A] + Location form from " + CEPH + " / " + SCALITY + " [B]")
def web_redirect_all_requests(ctx):
    with Bucket(website={"IndexDocument": {"Suffix": "index.html"}}) as target, Bucket() as src:
        put(target, "index.html", "index", "text/html")
        S3.put_bucket_website(Bucket=src, WebsiteConfiguration={
            "RedirectAllRequestsTo": {"HostName": website_host(target)}})
        r = web(src, "/")
        ctx.eq(r.status, 301, "redirect-all status")
        ctx.eq(r.body, b"", "redirect-all body empty")
        ctx.eq(r.headers.get("location"), f"http://{website_host(target)}/", "redirect-all Location (root)")
        r = web(src, "/random-key")
        ctx.eq(r.headers.get("location"), f"http://{website_host(target)}/random-key", "redirect-all keeps path")
        r, _ = web_follow(src, "/")
        ctx.eq((r.status, r.text), (200, "index"), "followed redirect-all")
        r, _ = web_follow(src, "/random-key")
        ctx.eq(r.status, 404, "followed redirect-all to missing key")
        r = web(src, "/about/", method="HEAD")
        ctx.eq((r.status, r.headers.get("location")), (301, f"http://{website_host(target)}/about/"),
               "[B scality] HEAD redirect-all")


@test(source=CEPH + " redirectall_path_upgrade / private bucket [B]")
def web_redirect_all_https_private_bucket(ctx):
    with Bucket(public=False, website={"RedirectAllRequestsTo": {"HostName": "www.example.com",
                                                                  "Protocol": "https"}}) as b:
        r = web(b, "/")
        ctx.eq((r.status, r.headers.get("location")), (301, "https://www.example.com/"), "https root")
        r = web(b, "/some/path.html")
        ctx.eq((r.status, r.headers.get("location")), (301, "https://www.example.com/some/path.html"), "https path")
        ctx.eq(r.body, b"", "body empty")
        ctx.soft_eq(r.reason, "Moved Permanently", "[C] reason phrase")


@test(source=CAPTURE + " (403 page: jhashimoto/ot-nemoto curl) + " + CEPH + " + " + SCALITY + " [B]")
def web_access_denied_private_object(ctx):
    with Bucket(public=False, website={"IndexDocument": {"Suffix": "index.html"}}) as b:
        put(b, "index.html", "index", "text/html")
        put(b, "welcome.html", "welcome", "text/html")
        expected = page(FORBIDDEN, [("Code", "AccessDenied"), ("Message", "Access Denied")])
        check_page(ctx, web(b, "/"), 403, expected, "403 page (index)")
        check_page(ctx, web(b, "/welcome.html"), 403, expected, "403 page (key)")
        # nonexistent index in a private bucket -> 403, not 404 (ceph private_bucket_list_empty; scality)
        check_page(ctx, web(b, "/nothing-here/"), 403, expected, "403 page (missing key, private bucket)")
        r = web(b, "/", method="HEAD")
        ctx.eq(r.status, 403, "HEAD 403 status")
        ctx.eq(r.body, b"", "HEAD 403 body")
        ctx.eq(r.headers.get("x-amz-error-code"), "AccessDenied", "HEAD x-amz-error-code")
        ctx.eq(r.headers.get("x-amz-error-message"), "Access Denied", "HEAD x-amz-error-message")


@test(source=CAPTURE + " (nested AccessDenied section) + scality 403-retrieve-error-document [B fields; C layout]")
def web_access_denied_error_document_missing(ctx):
    with Bucket(public=False, website={"IndexDocument": {"Suffix": "index.html"},
                                       "ErrorDocument": {"Key": "error.html"}}) as b:
        put(b, "index.html", "index", "text/html")
        r = web(b, "/")
        ctx.eq(r.status, 403, "status")
        t = r.text
        ctx.check("<title>403 Forbidden</title>" in t and "<h1>403 Forbidden</h1>" in t, f"403 title/h1: {t!r}")
        head, sep, tail = t.partition("<h3>An Error Occurred While Attempting to Retrieve a Custom Error Document</h3>")
        ctx.check(sep, f"nested custom-error-document section missing: {t!r}")
        ctx.check("<li>Code: AccessDenied</li>" in head and "<li>Message: Access Denied</li>" in head, "outer fields")
        ctx.check("<li>Code: AccessDenied</li>" in tail and "<li>Message: Access Denied</li>" in tail, "nested fields")
        ctx.soft_eq(norm_ids(t), page(FORBIDDEN, [("Code", "AccessDenied"), ("Message", "Access Denied")],
                                      nested=[("Code", "AccessDenied"), ("Message", "Access Denied")]),
                    "[C] exact nested 403 layout")


@test(source=CEPH + " private_bucket_list_empty_gooderrordoc + scality 'error-user' (error doc served with 403) [B]")
def web_access_denied_serves_error_document(ctx):
    with Bucket(public=False, website={"IndexDocument": {"Suffix": "index.html"},
                                       "ErrorDocument": {"Key": "error.html"}}) as b:
        make_public(b, resources=[f"arn:aws:s3:::{b}/error.html"], list_bucket=False)
        put(b, "index.html", "index", "text/html")
        put(b, "error.html", "<h1>custom error</h1>", "text/html")
        r = web(b, "/")
        ctx.eq(r.status, 403, "private index -> 403")
        ctx.eq(r.text, "<h1>custom error</h1>", "403 serves the readable error document")
        r = web(b, "/error.html")
        ctx.eq((r.status, r.text), (200, "<h1>custom error</h1>"), "error document directly readable")


@test(source=CEPH + " public_bucket_list_empty_blockederrordoc [B status; C nested fields]")
def web_404_with_unreadable_error_document(ctx):
    with Bucket(public=False, website={"IndexDocument": {"Suffix": "index.html"},
                                       "ErrorDocument": {"Key": "error.html"}}) as b:
        # everything public except error.html
        try:
            S3.delete_public_access_block(Bucket=b)
        except ClientError:
            pass
        policy = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{b}/*"},
            {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{b}/error.html"},
        ]}
        S3.put_bucket_policy(Bucket=b, Policy=json.dumps(policy))
        put(b, "error.html", "SECRET-ERRDOC", "text/html")
        r = web(b, "/missing.html")
        ctx.eq(r.status, 404, "status")
        ctx.check("SECRET-ERRDOC" not in r.text, "unreadable error document must not be served")
        ctx.check("<li>Code: NoSuchKey</li>" in r.text and "<li>Key: missing.html</li>" in r.text, "NoSuchKey page")
        ctx.soft("<h3>An Error Occurred While Attempting to Retrieve a Custom Error Document</h3>" in r.text
                 and "<li>Code: AccessDenied</li>" in r.text, "[C] nested AccessDenied section for errordoc")


@test(source=SCALITY + " websiteHead.js [B]; HEAD 404 headers from real captures (blog.tmtk.net) [C]")
def web_head_requests(ctx):
    with Bucket(website={"IndexDocument": {"Suffix": "index.html"}}) as b:
        obj = put(b, "index.html", "<html>hi</html>", "text/html", Metadata={"test": "value"})
        put(b, "pathprefix/index.html", "<html>hi</html>", "text/html", Metadata={"test": "value"})
        for path in ("/", "/index.html", "/pathprefix/", "/pathprefix/index.html"):
            r = web(b, path, method="HEAD")
            ctx.eq(r.status, 200, f"HEAD {path} status")
            ctx.eq(r.body, b"", f"HEAD {path} body")
            ctx.eq(r.headers.get("etag"), obj["ETag"], f"HEAD {path} etag")
            ctx.eq(r.headers.get("x-amz-meta-test"), "value", f"HEAD {path} x-amz-meta-test")
            ctx.soft_eq(r.headers.get("content-length"), "15", f"[C] HEAD {path} content-length")
        put(b, "redir.html", "x", WebsiteRedirectLocation="/")
        r = web(b, "/redir.html", method="HEAD")
        ctx.eq((r.status, r.headers.get("location")), (301, "/"), "HEAD object redirect")
        r = web(b, "/missing", method="HEAD")
        ctx.eq(r.status, 404, "HEAD missing status")
        ctx.eq(r.body, b"", "HEAD missing body")
        ctx.soft_eq(r.headers.get("x-amz-error-code"), "NoSuchKey", "[C] HEAD 404 x-amz-error-code")
        ctx.soft_eq(r.headers.get("x-amz-error-message"), "The specified key does not exist.",
                    "[C] HEAD 404 x-amz-error-message")
        ctx.soft_eq(r.headers.get("x-amz-error-detail-key"), "missing", "[C] HEAD 404 x-amz-error-detail-Key")
    r = web(unique_bucket(), "/", method="HEAD")
    ctx.eq(r.status, 404, "HEAD no such bucket status")
    ctx.soft_eq(r.headers.get("x-amz-error-code"), "NoSuchBucket", "[B scality] HEAD NoSuchBucket error code")
    with Bucket() as b:
        r = web(b, "/", method="HEAD")
        ctx.eq(r.status, 404, "HEAD no website config status")
        ctx.soft_eq(r.headers.get("x-amz-error-code"), "NoSuchWebsiteConfiguration",
                    "[B scality] HEAD NoSuchWebsiteConfiguration error code")
        ctx.soft_eq(r.headers.get("x-amz-error-message"), "The specified bucket does not have a website configuration",
                    "[B scality] HEAD NoSuchWebsiteConfiguration message")


@test(source=CEPH + " test_website_xredirect_public_relative/abs + private [B]")
def web_object_redirect_location_exact(ctx):
    with Bucket(website={"IndexDocument": {"Suffix": "index.html"}}) as b:
        put(b, "page", "wrong-content", WebsiteRedirectLocation="/relative")
        r = web(b, "/page")
        ctx.eq((r.status, r.headers.get("location"), r.body), (301, "/relative", b""), "relative redirect")
        put(b, "page2", "wrong-content", WebsiteRedirectLocation="http://example.com/foo")
        r = web(b, "/page2")
        ctx.eq((r.status, r.headers.get("location"), r.body), (301, "http://example.com/foo", b""), "absolute redirect")
    with Bucket(public=False, website={"IndexDocument": {"Suffix": "index.html"}}) as b:
        put(b, "page", "wrong-content", WebsiteRedirectLocation="/relative")
        r = web(b, "/page")
        ctx.eq(r.status, 403, "private object with redirect -> 403")
        ctx.check("<li>Code: AccessDenied</li>" in r.text, "403 page")


@test(source=CEPH + " ROUTING_RULES_TESTS (AmazonExample1/2/3) [B]")
def web_routing_rule_examples(ctx):
    base = {"IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "error.html"}}
    with Bucket(website=base) as b:
        put(b, "index.html", "<h1>IndexDoc</h1>", "text/html")
        put(b, "error.html", "<h1>ErrorDoc</h1>", "text/html")
        host = website_host(b)
        cases = [
            ([{"Condition": {"KeyPrefixEquals": "docs/"}, "Redirect": {"ReplaceKeyPrefixWith": "documents/"}}],
             [("/", 200, None), ("/x", 404, None), ("/docs/", 301, f"http://{host}/documents/"),
              ("/docs/x", 301, f"http://{host}/documents/x")]),
            ([{"Condition": {"KeyPrefixEquals": "docs/"},
               "Redirect": {"Protocol": "https", "HostName": "xyzzy", "ReplaceKeyPrefixWith": "documents/"}}],
             [("/docs/x", 301, "https://xyzzy/documents/x")]),
            ([{"Condition": {"KeyPrefixEquals": "images/"}, "Redirect": {"ReplaceKeyWith": "folderdeleted.html"}}],
             [("/images/", 301, f"http://{host}/folderdeleted.html"),
              ("/images/x", 301, f"http://{host}/folderdeleted.html")]),
            ([{"Condition": {"HttpErrorCodeReturnedEquals": "404"},
               "Redirect": {"HostName": "ec2-11-22-333-44.compute-1.amazonaws.com",
                            "ReplaceKeyPrefixWith": "report-404/"}}],
             [("/x", 301, "http://ec2-11-22-333-44.compute-1.amazonaws.com/report-404/x"),
              ("/images/x", 301, "http://ec2-11-22-333-44.compute-1.amazonaws.com/report-404/images/x")]),
            ([{"Condition": {"KeyPrefixEquals": "images/", "HttpErrorCodeReturnedEquals": "404"},
               "Redirect": {"HostName": "ec2-11-22-333-44.compute-1.amazonaws.com",
                            "ReplaceKeyPrefixWith": "report-404/"}}],
             [("/x", 404, None), ("/images/x", 301, "http://ec2-11-22-333-44.compute-1.amazonaws.com/report-404/x")]),
        ]
        for rules, checks in cases:
            S3.put_bucket_website(Bucket=b, WebsiteConfiguration=dict(base, RoutingRules=rules))
            for path, status, loc in checks:
                r = web(b, path)
                ctx.eq(r.status, status, f"{rules} {path} status")
                if loc is not None:
                    ctx.eq(r.headers.get("location"), loc, f"{rules} {path} Location")
                    ctx.eq(r.body, b"", f"{path} redirect body empty")
                if status == 404:
                    ctx.eq(r.text, "<h1>ErrorDoc</h1>", f"{path} error document")


@test(source=CEPH + " VALID_AMZ_REDIRECT {301,302,303,307,308} [B]; 304/305 [C]")
def web_routing_rule_http_redirect_codes(ctx):
    with Bucket(website={"IndexDocument": {"Suffix": "index.html"}}) as b:
        for code in (301, 302, 303, 307, 308, 304, 305):
            err = client_error(S3.put_bucket_website, Bucket=b, WebsiteConfiguration={
                "IndexDocument": {"Suffix": "index.html"},
                "RoutingRules": [{"Condition": {"KeyPrefixEquals": "images/"},
                                  "Redirect": {"HttpRedirectCode": str(code), "ReplaceKeyWith": "folderdeleted.html"}}]})
            if err is not None:
                if code in (304, 305):
                    ctx.soft(False, f"[C] HttpRedirectCode {code} rejected: {err['Error']}")
                    continue
                raise Failure(f"HttpRedirectCode {code} rejected: {err['Error']}")
            r = web(b, "/images/x")
            expected = (code, f"{website_url(b)}/folderdeleted.html")
            got = (r.status, r.headers.get("location"))
            if code in (304, 305):
                ctx.soft_eq(got, expected, f"[C] HttpRedirectCode {code}")
            else:
                ctx.eq(got, expected, f"HttpRedirectCode {code}")


@test(source="AWS docs CustomErrorDocSupport (304/412) + Range (inferred) [C]")
def web_conditional_and_range(ctx):
    with Bucket(website={"IndexDocument": {"Suffix": "index.html"}}) as b:
        obj = put(b, "data.txt", "0123456789", "text/plain")
        r = web(b, "/data.txt", headers={"If-Match": '"nope"'})
        ctx.soft_eq(r.status, 412, "[C] If-Match mismatch")
        r = web(b, "/data.txt", headers={"If-Match": obj["ETag"]})
        ctx.soft_eq(r.status, 200, "[C] If-Match match")
        r = web(b, "/data.txt", headers={"If-Modified-Since": "Wed, 01 Jan 2100 00:00:00 GMT"})
        ctx.soft(r.status in (200, 304), f"[C] If-Modified-Since future -> {r.status}")
        lm = web(b, "/data.txt").headers.get("last-modified")
        if lm:
            r = web(b, "/data.txt", headers={"If-Modified-Since": lm})
            ctx.soft_eq(r.status, 304, "[C] If-Modified-Since == Last-Modified")
        r = web(b, "/data.txt", headers={"Range": "bytes=2-4"})
        ctx.soft_eq(r.status, 206, "[C] Range status")
        ctx.soft_eq(r.body, b"234", "[C] Range body")
        ctx.soft_eq(r.headers.get("content-range"), "bytes 2-4/10", "[C] Content-Range")


@test(source="user reports: 302 folder redirect drops query (cloud-gov/pages-core #804, gatsby-plugin-s3 #51) [C]")
def web_query_strings(ctx):
    with Bucket(website={"IndexDocument": {"Suffix": "index.html"}}) as b:
        put(b, "index.html", "index", "text/html")
        put(b, "search/index.html", "search", "text/html")
        r = web(b, "/index.html?utm_source=x&foo=bar")
        ctx.soft_eq((r.status, r.text), (200, "index"), "[C] query string ignored for lookup")
        r = web(b, "/?a=1")
        ctx.soft_eq((r.status, r.text), (200, "index"), "[C] root with query")
        r = web(b, "/search?query=asdf")
        ctx.soft_eq(r.status, 302, "[C] folder redirect with query status")
        ctx.soft_eq(r.headers.get("location"), "/search/", "[C] folder redirect drops query string")


@test(source=CAPTURE + " headers on object GET (Server/x-amz-request-id/x-amz-id-2) [C]")
def web_response_headers(ctx):
    with Bucket(website={"IndexDocument": {"Suffix": "index.html"}}) as b:
        put(b, "index.html", "index", "text/html")
        r = web(b, "/")
        ctx.eq(r.status, 200, "status")
        ctx.soft_eq(r.headers.get("server"), "AmazonS3", "[C] Server")
        ctx.soft("x-amz-request-id" in r.headers, "[C] x-amz-request-id on 200")
        ctx.soft("x-amz-id-2" in r.headers, "[C] x-amz-id-2 on 200")
        ctx.soft("last-modified" in r.headers, "[C] Last-Modified on 200")
        ctx.soft_eq(r.headers.get("content-length"), "5", "[C] Content-Length on 200")
        r = web(b, "/nope")
        ctx.eq(r.status, 404, "404 status")
        error_page_headers_soft(ctx, r, "404 page")


# --------------------------------------------------------------------------------------------- main
if __name__ == "__main__":
    conclude(run())
