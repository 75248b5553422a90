#!/usr/bin/env python3
"""
S3 server access logging conformance harness for Nimbus (boto3, standalone, no pytest, no skips, no name filters).

    python3 s3_logging.py

Environment:
    AWS_ENDPOINT_URL          REST endpoint (default http://127.0.0.1:4566); creds test/test, us-east-1, path-style.
    NIMBUS_LOG_WAIT_SECONDS   Nimbus's log delivery delay (default 30). Logs are polled every 0.5 s for up to
                              that delay + 15 s; no delivery by then is a FAILURE (real AWS takes hours; this targets
                              Nimbus). All traffic is generated once and awaited once, then several tests inspect it.

Evidence tiers (each test names its tier and source; a check inside a test may name its own tier):
  A  = LocalStack TestS3BucketLogging, AWS-validated snapshots (exact assertions)
  B  = other real-AWS evidence: AWS error XML quoted in public issues, real log lines captured from AWS
       (Hadoop S3A auditing / cloud-integration S3LogRecordParser, Feb 2021), Hadoop S3LogVerbs, the botocore
       service model (the published API contract) -- hard assertions
  C  = AWS user-guide prose / inference (soft: WARN only, never fail)
"""
import base64, contextlib, datetime, hashlib, http.client, json, os, re, sys, time, uuid
from urllib.parse import quote, urlsplit

import boto3
from botocore import UNSIGNED
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from harness import ENDPOINT_URL, REGION, S3, cleanup_bucket, client, conclude, err_of, expect_err, raw, run, test
WAIT = float(os.environ.get("NIMBUS_LOG_WAIT_SECONDS", "30"))
DEADLINE_SLACK = 15.0
MARK = f"nimbus-logtest/{uuid.uuid4().hex[:12]}"

LS = "LocalStack tests/aws/services/s3/test_s3.py::TestS3BucketLogging + test_s3.snapshot.json (AWS 2023-08..2024-08)"
LS_PROV = "LocalStack provider put_bucket_logging after PR #9737 (AWS parity fix, validated by test_..._cross_locations)"
OWNER_ERR = "zalando-stups/sevenseconds#29 (raw AWS XML), aws-samples/amazon-guardduty-...-terraform#4"
TF_GRANTS = "hashicorp/terraform-provider-aws#31771 and #32916 (AWS error text, 2023)"
CAPTURE = "real AWS log lines (24 Feb 2021) in cloud-integration S3LogRecordParser.scala + apache/hadoop S3LogVerbs"
MODEL = "botocore s3 service model (LoggingEnabled / TargetObjectKeyFormat / PartitionedPrefix docs)"
DOCS = "AWS docs: ServerLogs.html, LogFormat.html, enable-server-access-logging.html"
NOT_EXIST = "The target bucket for logging does not exist"
CROSS = "Cross S3 location logging not allowed. "  # trailing space is in the AWS snapshot
OWNER_MSG = "The owner for the bucket to be logged and the target bucket must be the same."
ENFORCED_MSG = "Target grants not allowed for bucket owner enforced buckets"
LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery"


MARKED = client(user_agent_extra=MARK)
ANON = client(signature_version=UNSIGNED, user_agent_extra=MARK + "-anon")
WEST, EAST2 = client("us-west-2"), client("us-east-2")
OTHER = client(key="111111111111")  # Nimbus lenient mode: a 12-digit key is that account's root

# --------------------------------------------------------------------------------------------- helpers
CREATED = []  # (client, bucket) for final cleanup

def new_bucket(c=S3, ownership=None, region=None):
    name = f"nimbus-log-{uuid.uuid4().hex[:18]}"
    kw = {"ObjectOwnership": ownership} if ownership else {}
    if region and region != REGION:
        kw["CreateBucketConfiguration"] = {"LocationConstraint": region}
    c.create_bucket(Bucket=name, **kw)
    CREATED.append((c, name))
    return name

def enabled(target, prefix, **extra):
    return {"LoggingEnabled": dict({"TargetBucket": target, "TargetPrefix": prefix}, **extra)}

def allow_log_delivery(target):
    """Docs-recommended bucket policy granting the logging service principal s3:PutObject on the target."""
    S3.put_bucket_policy(Bucket=target, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "S3ServerAccessLogsPolicy", "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
        "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{target}/*",
        "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::nimbus-log-*"}}}]}))

def rid(resp):
    return resp["ResponseMetadata"]["HTTPHeaders"].get("x-amz-request-id")

# The record regex, one group per documented field, in LogFormat.html order. Fields 1-24 appear in real 2021
# captures; access point ARN and aclRequired were added later; AWS may append more ("handle trailing fields").
RECORD = re.compile(
    r'^(?P<owner>\S+) (?P<bucket>\S+) \[(?P<time>\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4})\] '
    r'(?P<ip>\S+) (?P<requester>\S+) (?P<request_id>\S+) (?P<operation>\S+) (?P<key>\S+) '
    r'(?P<uri>"[^"]*"|-) (?P<status>\d{3}|-) (?P<error>\S+) (?P<bytes_sent>\d+|-) (?P<object_size>\d+|-) '
    r'(?P<total_time>\d+|-) (?P<turnaround>\d+|-) (?P<referer>"[^"]*"|-) (?P<user_agent>"[^"]*"|-) '
    r'(?P<version_id>\S+) (?P<host_id>\S+) (?P<sig>SigV2|SigV4|-) (?P<cipher>\S+) '
    r'(?P<auth>AuthHeader|QueryString|-) (?P<host>\S+) (?P<tls>\S+)'
    r'(?: (?P<ap_arn>\S+) (?P<acl_required>Yes|-))?(?P<trailing>(?: \S+)*)$')
SIMPLE_KEY = r"\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-(?P<unique>[A-Za-z0-9]+)"

def log_objects(bucket, prefix):
    out = {}
    for page in S3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for o in page.get("Contents", []):
            out[o["Key"]] = S3.get_object(Bucket=bucket, Key=o["Key"])["Body"].read().decode("utf-8", "replace")
    return out

def lines_of(objs):
    return [ln for body in objs.values() for ln in body.splitlines() if ln.strip()]

# --------------------------------------------------------------------------------------------- shared traffic
STATE = {}

def traffic():
    """Configure logging on several sources, generate requests once, then wait once for all deliveries."""
    if "error" in STATE:
        raise Failure(f"shared traffic/delivery setup failed earlier: {STATE['error']}")
    if "records" in STATE:
        return STATE
    try:
        return _traffic(STATE)
    except Exception as e:
        STATE["error"] = f"{type(e).__name__}: {e}"
        raise

def _traffic(st):
    st["owner"] = S3.list_buckets()["Owner"]["ID"]
    st["t0"] = datetime.datetime.now(datetime.timezone.utc)
    tgt, tgt2 = new_bucket(), new_bucket()           # tgt2 grants nothing to log delivery
    allow_log_delivery(tgt)
    src = new_bucket(ownership="ObjectWriter")
    part_ev, part_dl, unpriv, selfb = new_bucket(), new_bucket(), new_bucket(), new_bucket()
    allow_log_delivery(selfb)
    S3.put_bucket_logging(Bucket=src, BucketLoggingStatus=enabled(tgt, "logs/"))
    S3.put_bucket_logging(Bucket=part_ev, BucketLoggingStatus=enabled(tgt, "part/", TargetObjectKeyFormat={
        "PartitionedPrefix": {"PartitionDateSource": "EventTime"}}))
    S3.put_bucket_logging(Bucket=part_dl, BucketLoggingStatus=enabled(tgt, "deliv/", TargetObjectKeyFormat={
        "PartitionedPrefix": {"PartitionDateSource": "DeliveryTime"}}))
    S3.put_bucket_logging(Bucket=unpriv, BucketLoggingStatus=enabled(tgt2, "none/"))
    S3.put_bucket_logging(Bucket=selfb, BucketLoggingStatus=enabled(selfb, "self/"))
    st.update(tgt=tgt, tgt2=tgt2, src=src, part_ev=part_ev, part_dl=part_dl, selfb=selfb)
    S3.delete_public_access_block(Bucket=src)
    r = st["rids"] = {}
    calls = 0

    def call(name, fn, **kw):
        nonlocal calls
        calls += 1
        r[name] = rid(fn(**kw))
    call("put", MARKED.put_object, Bucket=src, Key="k1", Body=b"hello-1")
    call("get", MARKED.get_object, Bucket=src, Key="k1")
    call("head", MARKED.head_object, Bucket=src, Key="k1")
    calls += 1
    with contextlib.suppress(ClientError):
        MARKED.head_object(Bucket=src, Key="missing")
    call("list", MARKED.list_objects_v2, Bucket=src)
    call("versioning", MARKED.get_bucket_versioning, Bucket=src)
    call("get_acl", MARKED.get_object_acl, Bucket=src, Key="k1")
    call("put_acl", MARKED.put_object_acl, Bucket=src, Key="k1", ACL="private")
    call("get_logging", MARKED.get_bucket_logging, Bucket=src)
    call("copy", MARKED.copy_object, Bucket=src, Key="k2", CopySource={"Bucket": src, "Key": "k1"})
    call("mpu", MARKED.create_multipart_upload, Bucket=src, Key="mp")
    up = S3.list_multipart_uploads(Bucket=src)["Uploads"][0]["UploadId"]
    part = MARKED.upload_part(Bucket=src, Key="mp", UploadId=up, PartNumber=1, Body=b"x" * 10)
    r["part"], calls = rid(part), calls + 1
    call("complete", MARKED.complete_multipart_upload, Bucket=src, Key="mp", UploadId=up,
         MultipartUpload={"Parts": [{"ETag": part["ETag"], "PartNumber": 1}]})
    call("multi_delete", MARKED.delete_objects, Bucket=src, Delete={"Objects": [{"Key": "k2"}, {"Key": "mp"}]})
    call("enc_put", MARKED.put_object, Bucket=src, Key="dir/a b+c.txt", Body=b"e")
    call("pub_put", MARKED.put_object, Bucket=src, Key="pub", Body=b"public", ACL="public-read")
    call("anon_get", ANON.get_object, Bucket=src, Key="pub")
    u = urlsplit(MARKED.generate_presigned_url("get_object", Params={"Bucket": src, "Key": "pub"}, ExpiresIn=300))
    conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=30)  # presigned: Authentication Type QueryString
    conn.request("GET", f"{u.path}?{u.query}", headers={"User-Agent": MARK + "-presigned"})
    r["presigned"], calls = conn.getresponse().getheader("x-amz-request-id"), calls + 1
    conn.close()
    call("delete", MARKED.delete_object, Bucket=src, Key="k1")
    st["iam_arn"] = iam_put(src)
    for b in (part_ev, part_dl, unpriv, selfb):
        S3.put_object(Bucket=b, Key="x", Body=b"x")
    st["marked_calls"] = calls
    deadline = time.time() + WAIT + DEADLINE_SLACK
    while True:
        st["logs"] = log_objects(tgt, "logs/")
        done = sum(MARK in ln for ln in lines_of(st["logs"])) >= calls and \
            st["iam_arn"] in "".join(st["logs"].values())
        st["part"], st["deliv"] = log_objects(tgt, "part/"), log_objects(tgt, "deliv/")
        if (done and st["part"] and st["deliv"]) or time.time() > deadline:
            break
        time.sleep(0.5)
    st["waited"] = time.time() - st["t0"].timestamp()
    st["self"], st["unpriv"] = log_objects(selfb, "self/"), log_objects(tgt2, "")
    st["t1"] = datetime.datetime.now(datetime.timezone.utc)
    st["records"] = [m.groupdict() for m in map(RECORD.match, lines_of(st["logs"])) if m]
    return st

def iam_put(src):
    """An IAM user's request: the Requester field must be the user's ARN (2021 capture: arn:aws:iam::A:user/N)."""
    iam = boto3.client("iam", endpoint_url=ENDPOINT_URL, region_name=REGION, aws_access_key_id="test",
                       aws_secret_access_key="test")
    name = f"nimbus-log-{uuid.uuid4().hex[:10]}"
    arn = iam.create_user(UserName=name)["User"]["Arn"]
    iam.put_user_policy(UserName=name, PolicyName="s3", PolicyDocument=json.dumps({"Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
    k = iam.create_access_key(UserName=name)["AccessKey"]
    user = boto3.client("s3", endpoint_url=ENDPOINT_URL, region_name=REGION, aws_access_key_id=k["AccessKeyId"],
                        aws_secret_access_key=k["SecretAccessKey"],
                        config=Config(s3={"addressing_style": "path"}, user_agent_extra=MARK + "-iam"))
    user.put_object(Bucket=src, Key="by-iam", Body=b"i")
    STATE["iam_cleanup"] = (iam, name, k["AccessKeyId"])
    return arn

def find(st, op, key=None, rid_name=None):
    for rec in st["records"]:
        if rec["operation"] == op and (key is None or rec["key"] == key) and \
                (rid_name is None or rec["request_id"] == st["rids"].get(rid_name)):
            return rec
    return None

# ============================================================================================= A: LocalStack
@test("A", LS + "::test_put_bucket_logging")
def get_put_disable_roundtrip(ctx):
    src, tgt = new_bucket(), new_bucket()
    r = S3.get_bucket_logging(Bucket=src)
    ctx.eq((r["ResponseMetadata"]["HTTPStatusCode"], "LoggingEnabled" in r), (200, False), "default GetBucketLogging")
    # target grants nothing to LogDelivery (owner FULL_CONTROL only, no policy): AWS still accepts the PUT
    r = S3.put_bucket_logging(Bucket=src, BucketLoggingStatus=enabled(tgt, "log"))
    ctx.eq(r["ResponseMetadata"]["HTTPStatusCode"], 200, "PutBucketLogging status (no permission check at PUT)")
    ctx.eq(S3.get_bucket_logging(Bucket=src).get("LoggingEnabled"), {"TargetBucket": tgt, "TargetPrefix": "log"},
           "GetBucketLogging LoggingEnabled (no TargetGrants / TargetObjectKeyFormat echoed)")
    r = S3.put_bucket_logging(Bucket=src, BucketLoggingStatus={})
    ctx.eq(r["ResponseMetadata"]["HTTPStatusCode"], 200, "PutBucketLogging {} (disable) status")
    ctx.eq("LoggingEnabled" in S3.get_bucket_logging(Bucket=src), False, "disabled -> no LoggingEnabled", tier="B")

@test("A", LS + "::test_put_bucket_logging_accept_wrong_grants")
def target_grants_accepted_and_echoed(ctx):
    src, tgt = new_bucket(), new_bucket(ownership="ObjectWriter")
    grants = [{"Grantee": {"URI": LOG_DELIVERY, "Type": "Group"}, "Permission": p} for p in ("WRITE", "READ_ACP")]
    S3.put_bucket_logging(Bucket=src, BucketLoggingStatus=enabled(tgt, "log", TargetGrants=grants))
    got = S3.get_bucket_logging(Bucket=src)["LoggingEnabled"]
    ctx.eq(got, {"TargetBucket": tgt, "TargetPrefix": "log", "TargetGrants": [
        {"Grantee": {"Type": "Group", "URI": LOG_DELIVERY}, "Permission": "WRITE"},
        {"Grantee": {"Type": "Group", "URI": LOG_DELIVERY}, "Permission": "READ_ACP"}]},
        "LoggingEnabled with READ_ACP grant (not a BucketLogsPermission, yet AWS accepts it)")

@test("A", LS + "::test_put_bucket_logging_wrong_target")
def wrong_target(ctx):
    src, west = new_bucket(), new_bucket(WEST, region="us-west-2")
    expect_err(ctx, err_of(S3.put_bucket_logging, Bucket=src, BucketLoggingStatus=enabled(west, "log")), 403,
               "CrossLocationLoggingProhibitted", "us-east-1 source -> us-west-2 target", message=CROSS,
               TargetBucketLocation="us-west-2", SourceBucketLocation=None)
    ghost = f"target-bucket-{uuid.uuid4().hex}"
    expect_err(ctx, err_of(S3.put_bucket_logging, Bucket=src, BucketLoggingStatus=enabled(ghost, "log")), 400,
               "InvalidTargetBucketForLogging", "missing target", message=NOT_EXIST, TargetBucket=ghost)
    ctx.eq("LoggingEnabled" in S3.get_bucket_logging(Bucket=src), False, "refused PUTs left logging off", tier="B")

@test("A", LS + "::test_put_bucket_logging_cross_locations; SourceBucketLocation per " + LS_PROV + " [B]")
def cross_locations_non_us_east_1(ctx):
    src, west = new_bucket(EAST2, region="us-east-2"), new_bucket(WEST, region="us-west-2")
    resp = err_of(EAST2.put_bucket_logging, Bucket=src, BucketLoggingStatus=enabled(west, "log"))
    expect_err(ctx, resp, 403, "CrossLocationLoggingProhibitted", "us-east-2 -> us-west-2", message=CROSS,
               TargetBucketLocation="us-west-2")
    ctx.eq(resp["Error"].get("SourceBucketLocation"), "us-east-2", "SourceBucketLocation (non-us-east-1 source)",
           tier="B")

# ============================================================================================= B: captured AWS errors
@test("B", OWNER_ERR)
def target_owned_by_other_account(ctx):
    src, foreign = new_bucket(), new_bucket(OTHER)
    expect_err(ctx, err_of(S3.put_bucket_logging, Bucket=src, BucketLoggingStatus=enabled(foreign, "log")), 400,
               "InvalidTargetBucketForLogging", "target in another account", message=OWNER_MSG, TargetBucket=foreign)

@test("B", TF_GRANTS + "; docs: BucketOwnerEnforced targets cannot take target grants")
def target_grants_on_owner_enforced_target(ctx):
    src, tgt = new_bucket(), new_bucket()  # default ownership: BucketOwnerEnforced
    grants = [{"Grantee": {"URI": LOG_DELIVERY, "Type": "Group"}, "Permission": "READ"}]
    expect_err(ctx, err_of(S3.put_bucket_logging, Bucket=src, BucketLoggingStatus=enabled(tgt, "l", TargetGrants=grants)),
               400, "AccessControlListNotSupported", "TargetGrants on BucketOwnerEnforced target", message=ENFORCED_MSG)
    ctx.eq("LoggingEnabled" in S3.get_bucket_logging(Bucket=src), False, "refused PUT left logging off")

@test("B", "LocalStack snapshots of NoSuchBucket on bucket subresources (test_get_bucket_notification_..._no_such_bucket)")
def source_bucket_missing(ctx):
    ghost, tgt = f"nimbus-log-missing-{uuid.uuid4().hex[:12]}", new_bucket()
    for what, resp in (("GetBucketLogging", err_of(S3.get_bucket_logging, Bucket=ghost)),
                       ("PutBucketLogging", err_of(S3.put_bucket_logging, Bucket=ghost,
                                                   BucketLoggingStatus=enabled(tgt, "l")))):
        expect_err(ctx, resp, 404, "NoSuchBucket", what, message="The specified bucket does not exist",
                   BucketName=ghost)

@test("B", MODEL + "; LoggingEnabled.TargetObjectKeyFormat round trip; odd inputs [C]")
def key_format_config(ctx):
    src, tgt = new_bucket(), new_bucket()
    for fmt in ({"SimplePrefix": {}}, {"PartitionedPrefix": {"PartitionDateSource": "EventTime"}},
                {"PartitionedPrefix": {"PartitionDateSource": "DeliveryTime"}}):
        S3.put_bucket_logging(Bucket=src, BucketLoggingStatus=enabled(tgt, "p/", TargetObjectKeyFormat=fmt))
        ctx.eq(S3.get_bucket_logging(Bucket=src)["LoggingEnabled"].get("TargetObjectKeyFormat"), fmt,
               f"TargetObjectKeyFormat {fmt} echoed")
    r = err_of(S3.put_bucket_logging, Bucket=src, BucketLoggingStatus=enabled(tgt, "p/", TargetObjectKeyFormat={
        "PartitionedPrefix": {}}))
    ctx.soft(r is None, f"PartitionedPrefix {{}} (no date source) accepted, as aws-cdk#28790 deploys; got {r and r['Error']}")
    r = err_of(S3.put_bucket_logging, Bucket=src, BucketLoggingStatus=enabled(tgt, "p/", TargetObjectKeyFormat={
        "SimplePrefix": {}, "PartitionedPrefix": {"PartitionDateSource": "EventTime"}}))
    ctx.soft(r is not None and r["ResponseMetadata"]["HTTPStatusCode"] == 400,
             f"both SimplePrefix and PartitionedPrefix -> 400 ('Only one format ... is allowed'); got {r and r['Error']}")
    r = err_of(S3.put_bucket_logging, Bucket=src, BucketLoggingStatus=enabled(tgt, "p/", TargetObjectKeyFormat={
        "PartitionedPrefix": {"PartitionDateSource": "Bogus"}}))
    ctx.soft(r is not None and r["Error"].get("Code") == "MalformedXML", f"bad PartitionDateSource -> MalformedXML: {r and r['Error']}")
    r = err_of(S3.put_bucket_logging, Bucket=src, BucketLoggingStatus=enabled(tgt, "p/", TargetGrants=[
        {"Grantee": {"URI": LOG_DELIVERY, "Type": "Group"}, "Permission": "NOTAREALPERM"}]))
    ctx.soft(r is not None and r["Error"].get("Code") in ("MalformedXML", "AccessControlListNotSupported"),
             f"bogus grant permission refused (moto: MalformedXML, unverified), got {r and r['Error']}")
    r = err_of(S3.put_bucket_logging, Bucket=src, BucketLoggingStatus=enabled(src, "self/"))
    ctx.soft(r is None, f"target == source accepted (docs: 'including the source bucket itself'), got {r and r['Error']}")

# ============================================================================================= delivery
@test("B", DOCS + " key layout (TargetPrefixYYYY-mm-DD-HH-MM-SS-UniqueString) + " + CAPTURE)
def delivery_simple_prefix(ctx):
    st = traffic()
    ctx.check(bool(st["logs"]), f"no log object under {st['tgt']}/logs/ after {st['waited']:.1f}s "
              f"(NIMBUS_LOG_WAIT_SECONDS={WAIT:g} + {DEADLINE_SLACK:g}s)")
    for key in st["logs"]:
        m = re.fullmatch("logs/" + SIMPLE_KEY, key)
        ctx.check(m is not None, f"log key {key!r} is not TargetPrefixYYYY-mm-DD-HH-MM-SS-UniqueString")
        ctx.soft(re.fullmatch(r"[0-9A-F]{16}", m.group("unique")) is not None,
                 f"UniqueString {m.group('unique')!r}: 16 upper-hex like the docs' E568B2907131C0C0")
        when = datetime.datetime.strptime(key[5:24], "%Y-%m-%d-%H-%M-%S").replace(tzinfo=datetime.timezone.utc)
        ctx.soft(st["t0"] - datetime.timedelta(seconds=5) <= when <= st["t1"] + datetime.timedelta(seconds=5),
                 f"key time {when} is the (UTC) delivery time, within the run")
    lines = lines_of(st["logs"])
    bad = [ln for ln in lines if not RECORD.match(ln)]
    ctx.check(not bad, f"{len(bad)} of {len(lines)} lines do not parse as a server access log record: {bad[:2]}")
    ctx.check(sum(MARK in ln for ln in lines) >= st["marked_calls"],
              f"expected >= {st['marked_calls']} records for this run's requests, saw {sum(MARK in ln for ln in lines)}")
    ctx.check(all(r["bucket"] == st["src"] for r in st["records"]), "every record's Bucket field is the source bucket")
    ctx.soft(all(b.endswith("\n") for b in st["logs"].values()), "each log object ends with a newline")
    head = S3.head_object(Bucket=st["tgt"], Key=next(iter(st["logs"])))
    ctx.soft_eq(head.get("ContentType"), "text/plain", "delivered log object Content-Type")
    owners = {o.get("Owner", {}).get("ID") for o in S3.list_objects_v2(Bucket=st["tgt"], Prefix="logs/",
                                                                         FetchOwner=True).get("Contents", [])}
    ctx.soft_eq(owners, {st["owner"]}, "log objects in a BucketOwnerEnforced target are owned by the bucket owner")
    ctx.soft(not st["unpriv"], f"no logs delivered to a target granting nothing to log delivery: {list(st['unpriv'])[:2]}")
    ctx.soft(bool(st["self"]) and all(re.fullmatch("self/" + SIMPLE_KEY, k) for k in st["self"]),
             "a bucket logging to itself gets its logs under its prefix")

@test("B", CAPTURE + "; field semantics from LogFormat.html [C]")
def record_fields(ctx):
    st = traffic()
    put = find(st, "REST.PUT.OBJECT", "k1")
    ctx.check(put is not None, f"no REST.PUT.OBJECT record for key k1 among {len(st['records'])} records")
    ctx.eq(put["owner"], st["owner"], "Bucket Owner = source owner's canonical ID")
    t = datetime.datetime.strptime(put["time"], "%d/%b/%Y:%H:%M:%S %z")
    ctx.check(st["t0"] - datetime.timedelta(seconds=60) <= t <= st["t1"], f"Time {put['time']} within the run")
    ctx.eq(put["time"][-5:], "+0000", "Time is UTC")
    ctx.eq((put["uri"], put["status"], put["error"], put["bytes_sent"], put["object_size"]),
           (f'"PUT /{st["src"]}/k1 HTTP/1.1"', "200", "-", "-", "7"), "PUT Request-URI/status/error/bytes/size")
    ctx.check(put["user_agent"].startswith('"') and MARK in put["user_agent"], f"User-Agent quoted: {put['user_agent']}")
    ctx.eq((put["version_id"], put["sig"], put["auth"]), ("-", "SigV4", "AuthHeader"), "PUT version/sig/auth")
    ctx.check(put["requester"] != "-", "signed request has a Requester")
    ctx.soft(put["requester"] in (st["owner"], "arn:aws:iam::000000000000:root"),
             f"root Requester is the canonical ID (docs) or the root ARN, got {put['requester']}")
    ctx.soft_eq(put["request_id"], st["rids"]["put"], "Request ID == x-amz-request-id of the response")
    ctx.soft(re.fullmatch(r"[0-9A-F]{16}", put["request_id"]) is not None, f"Request ID 16 upper-hex: {put['request_id']}")
    ctx.soft_eq(put["referer"], '"-"', "no Referer -> quoted dash (docs example)")
    ctx.soft_eq(put["host"], urlsplit(ENDPOINT_URL).netloc, "Host Header field")
    if urlsplit(ENDPOINT_URL).scheme == "http":
        ctx.soft_eq((put["cipher"], put["tls"]), ("-", "-"), "cipher suite / TLS version over plain HTTP")
    ctx.soft_eq((put["ap_arn"], put["acl_required"]), ("-", "-"), "access point ARN / aclRequired present and '-'")
    get = find(st, "REST.GET.OBJECT", "k1")
    ctx.check(get is not None and get["status"] == "200", f"REST.GET.OBJECT k1 200: {get}")
    ctx.soft_eq((get["bytes_sent"], get["object_size"]), ("7", "7"), "GET Bytes Sent / Object Size")
    miss = find(st, "REST.HEAD.OBJECT", "missing")
    ctx.check(miss is not None, "REST.HEAD.OBJECT record for a missing key")
    ctx.eq((miss["status"], miss["error"], miss["object_size"]), ("404", "NoSuchKey", "-"), "HEAD missing key")
    enc = next((r for r in st["records"] if r["operation"] == "REST.PUT.OBJECT" and r["key"].startswith("dir/")), None)
    ctx.check(enc is not None, "REST.PUT.OBJECT record for 'dir/a b+c.txt'")
    ctx.soft_eq(enc["key"], quote("dir/a b+c.txt", safe="/"), "Key field is URL-encoded")
    iam = next((r for r in st["records"] if r["operation"] == "REST.PUT.OBJECT" and r["key"] == "by-iam"), None)
    ctx.check(iam is not None, "record for the IAM user's PUT")
    ctx.eq(iam["requester"], st["iam_arn"], "IAM user Requester = user ARN (2021 capture: arn:aws:iam::A:user/N)")
    anon = find(st, "REST.GET.OBJECT", "pub", "anon_get")
    ctx.check(anon is not None or find(st, "REST.GET.OBJECT", "pub") is not None, "anonymous GET of 'pub' recorded")
    anon = anon or find(st, "REST.GET.OBJECT", "pub")
    ctx.soft_eq((anon["requester"], anon["sig"], anon["auth"]), ("-", "-", "-"), "anonymous Requester/sig/auth")
    pre = next((r for r in st["records"] if r["auth"] == "QueryString"), None)
    # boto3 presigns S3 URLs with SigV2 (AWSAccessKeyId/Signature) unless told otherwise: the record names the one used.
    expected_sig = "SigV4" if pre is not None and "X-Amz-Signature=" in pre["uri"] else "SigV2"
    ctx.soft(pre is not None and pre["operation"] == "REST.GET.OBJECT" and pre["sig"] == expected_sig,
             f"presigned GET logged with Authentication Type QueryString, {expected_sig}: {pre}")

@test("B", CAPTURE + " (Hadoop S3LogVerbs, BATCH.DELETE.OBJECT rows); REST.GET.VERSIONING/PUT.ACL/COPY.OBJECT_GET docs [C]")
def operation_names(ctx):
    st = traffic()
    for op, key in (("REST.HEAD.OBJECT", "k1"), ("REST.GET.BUCKET", "-"), ("REST.GET.ACL", "k1"),
                    ("REST.GET.LOGGING_STATUS", "-"), ("REST.COPY.OBJECT", "k2"), ("REST.POST.UPLOADS", "mp"),
                    ("REST.PUT.PART", "mp"), ("REST.POST.UPLOAD", "mp"), ("REST.DELETE.OBJECT", "k1")):
        ctx.check(find(st, op, key) is not None, f"{op} record with Key {key!r}")
    ctx.eq(find(st, "REST.DELETE.OBJECT", "k1")["status"], "204", "REST.DELETE.OBJECT status")
    for op, key in (("REST.GET.VERSIONING", "-"), ("REST.PUT.ACL", "k1"), ("REST.COPY.OBJECT_GET", "k1")):
        ctx.soft(find(st, op, key) is not None, f"{op} record with Key {key!r}")
    md = find(st, "REST.POST.MULTI_OBJECT_DELETE", "-")
    ctx.check(md is not None, "REST.POST.MULTI_OBJECT_DELETE record (Key '-')")
    ctx.check(md["uri"].startswith(f'"POST /{st["src"]}?delete') and md["uri"].endswith(' HTTP/1.1"'),
              f"multi-delete Request-URI: {md['uri']}")
    rows = {r["key"]: r for r in st["records"] if r["operation"] == "BATCH.DELETE.OBJECT"}
    ctx.eq(sorted(rows), ["k2", "mp"], "one BATCH.DELETE.OBJECT row per deleted key")
    for k, r in rows.items():
        ctx.eq((r["request_id"], r["uri"], r["status"]), (md["request_id"], "-", "204"),
               f"BATCH.DELETE.OBJECT {k}: shares the request ID, Request-URI '-', status 204")
    ctx.soft(not any(r["operation"] == "REST.DELETE.OBJECT" and r["key"] in ("k2", "mp") for r in st["records"]),
             "multi-delete keys are not also logged as REST.DELETE.OBJECT")

@test("B", MODEL + " (PartitionedPrefix key layout; EventTime hh-mm-ss = 00)")
def delivery_partitioned_prefix(ctx):
    st = traffic()
    acct = st["iam_arn"].split(":")[4]
    for prefix, objs, src in (("part/", st["part"], st["part_ev"]), ("deliv/", st["deliv"], st["part_dl"])):
        ctx.check(bool(objs), f"no log object under {st['tgt']}/{prefix} after {st['waited']:.1f}s")
        for key in objs:
            m = re.fullmatch(rf"{prefix}{acct}/{REGION}/{src}/(\d{{4}})/(\d{{2}})/(\d{{2}})/"
                             rf"(\d{{4}})-(\d{{2}})-(\d{{2}})-(\d{{2}})-(\d{{2}})-(\d{{2}})-(?P<u>[A-Za-z0-9]+)", key)
            ctx.check(m is not None, f"{key!r} is not {prefix}{{acct}}/{{region}}/{{bucket}}/YYYY/MM/DD/"
                                     "YYYY-MM-DD-hh-mm-ss-UniqueString")
            ctx.eq(m.groups()[0:3], m.groups()[3:6], f"{key}: partition date == file-name date")
            if prefix == "part/":
                ctx.eq(m.groups()[6:9], ("00", "00", "00"), f"{key}: EventTime keys zero hh-mm-ss")
                ctx.eq("-".join(m.groups()[0:3]), st["t0"].strftime("%Y-%m-%d"), "EventTime date is the event day")
            ctx.soft(re.fullmatch(r"[0-9A-F]{16}", m.group("u")) is not None, f"UniqueString 16 upper-hex: {key}")
        ctx.check(all(RECORD.match(ln) for ln in lines_of(objs)), f"records under {prefix} parse")

@test("C", "AWS API reference GetBucketLogging/PutBucketLogging (raw XML); TargetPrefix is required in " + MODEL)
def raw_xml_shape(ctx):
    src, tgt = new_bucket(), new_bucket()
    status, text = raw("GET", src, "logging")
    ctx.check(status == 200, f"raw GET ?logging status {status}", tier="B")
    ctx.soft(re.search(r'<BucketLoggingStatus xmlns="http://s3.amazonaws.com/doc/2006-03-01/"\s*(/>|>\s*</BucketLoggingStatus>)',
                       text) is not None, f"empty BucketLoggingStatus element with the S3 namespace: {text[:200]!r}")
    body = (f'<BucketLoggingStatus xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LoggingEnabled>'
            f'<TargetBucket>{tgt}</TargetBucket></LoggingEnabled></BucketLoggingStatus>').encode()
    status, text = raw("PUT", src, "logging", body)
    ctx.soft(status in (200, 400), f"PUT without TargetPrefix -> 400 MalformedXML or accepted as '' (LocalStack): {status}")
    if status == 200:
        ctx.soft_eq(S3.get_bucket_logging(Bucket=src)["LoggingEnabled"].get("TargetPrefix"), "", "missing TargetPrefix")
    else:
        ctx.soft("<Code>MalformedXML</Code>" in text, f"missing TargetPrefix error code: {text[:200]!r}")
    S3.put_bucket_logging(Bucket=src, BucketLoggingStatus=enabled(tgt, "x/"))
    status, text = raw("GET", src, "logging")
    ctx.soft(re.search(rf"<LoggingEnabled>\s*<TargetBucket>{tgt}</TargetBucket>\s*<TargetPrefix>x/</TargetPrefix>"
                       r"\s*</LoggingEnabled>", text) is not None, f"LoggingEnabled child order: {text[:300]!r}")

# --------------------------------------------------------------------------------------------- main
def cleanup():
    for c, b in reversed(CREATED):
        cleanup_bucket(b, c)
    if "iam_cleanup" in STATE:
        iam, user, key = STATE["iam_cleanup"]
        for fn, kw in ((iam.delete_access_key, {"AccessKeyId": key}), (iam.delete_user_policy, {"PolicyName": "s3"}),
                       (iam.delete_user, {})):
            with contextlib.suppress(ClientError):
                fn(UserName=user, **kw)

if __name__ == "__main__":
    conclude(run(after=cleanup))
