#!/usr/bin/env python3
"""
S3 replication conformance harness for Nimbus (boto3, standalone, no pytest, no skips, no name filters).

    python3 s3_replication.py          (next to harness.py)

Environment:
    AWS_ENDPOINT_URL                  REST endpoint (default http://127.0.0.1:4566); creds test/test, us-east-1, path-style.
    NIMBUS_REPLICATION_WAIT_SECONDS   how long replication may take (default 10). Replication results are polled every
                                      0.2 s for up to that long; no result by then is a FAILURE (AWS takes seconds to
                                      hours; this targets Nimbus, which replicates within the same process).

Evidence tiers (each test names its tier and source; a check inside a test may name its own tier):
  A  = LocalStack AWS-validated snapshots -- none exist for replication (LocalStack's provider only stores the
       configuration), so this harness has no tier-A checks.
  B  = other real-AWS evidence: AWS error text quoted with request IDs in public issues (terraform, CloudFormation,
       crossplane, rust-lang/simpleinfra), real AWS responses quoted in issues (terraform#5940, crossplane#765,
       scality/cloudserver#792, s7cmd#19, aws-sdk#242), and the botocore s3 service model (the published contract).
  C  = AWS user-guide prose, emulator behaviour (LocalStack, moto, Scality, OVH swift) or inference: soft, WARN only.
"""
import contextlib, os, sys, time, uuid

from harness import Failure, S3, cleanup_bucket, conclude, err_of, expect_err, run, test

WAIT = float(os.environ.get("NIMBUS_REPLICATION_WAIT_SECONDS", "10"))
POLL = 0.2
ROLE = "arn:aws:iam::000000000000:role/nimbus-replication"

MODEL = "botocore s3 model (HeadObjectOutput.ReplicationStatus, ReplicationRule, Destination, Get/PutBucketReplication docs)"
NOT_FOUND = ("terraform-provider-aws errs.go ReplicationConfigurationNotFoundError; AWS CLI capture 'An error occurred "
             "(ReplicationConfigurationNotFoundError) ... The replication configuration was not found'; moto/LocalStack agree")
SRC_VERS = ("terraform-provider-aws resource_aws_s3_bucket.go retries on InvalidRequest \"Versioning must be 'Enabled' on "
            "the bucket\"; moto test_create_replication_without_versioning (full message)")
DST_VERS = ("real AWS errors with request IDs: CloudFormation event 5MEPD1BK1N44S9FK, terraform SAXTXWQGD2DPWBG4, "
            "nozaq/terraform-aws-remote-state-s3-backend#107, terraform-aws-modules/terraform-aws-s3-bucket#172")
DST_MISSING = ("LocalStack's AWS-recorded snapshot test_replication_config_without_filter: the same error as an unversioned "
               "destination (a 2024 CloudTrail write-up quotes 'Destination bucket must exist.')")
DMR_V1 = "rust-lang/simpleinfra#468 (AWS, request id 9NQ7D1PSAP9T14FZ)"
NO_FILTER = "crossplane-contrib/provider-aws#554 (AWS request id 64CFFAC56D920C2E), boto/boto3#4783, aws/aws-sdk#334"
EXISTING = "terraform-provider-aws#23803 (maintainer), aws-controllers-k8s/community#1885, pulumi aws BucketReplicationConfig docs"
V1_SHAPE = "terraform-provider-aws#5940 (real get-bucket-replication output of V1 rules, 2018)"
EMPTY_FILTER = "crossplane-contrib/provider-aws#765 (get-bucket-replication shows \"Filter\": {} for a console rule)"
GET_HEADER = "scality/cloudserver#792 (real AWS GetObject response carries ReplicationStatus)"
IDENTICAL = "nidor1998/s7cmd#19 (real AWS: source and replica differ only in ReplicationStatus COMPLETED/REPLICA)"
WIRE = "aws/aws-sdk#242, brendanhay/amazonka#371 (wire value is COMPLETED, not the model's legacy COMPLETE)"
GUIDE = "AWS S3 User Guide: replication.md, replication-what-is-isnot-replicated.md, replication-status.md"
DM_GUIDE = "AWS S3 User Guide delete-marker-replication.md; API_DeleteMarkerReplication; replication-add-config (V1 compat)"
MALFORMED = "The XML you provided was not well-formed or did not validate against our published schema"

CREATED = []

# --------------------------------------------------------------------------------------------- helpers
def new_bucket(versioning="Enabled"):
    name = f"nimbus-repl-{uuid.uuid4().hex[:16]}"
    S3.create_bucket(Bucket=name)
    CREATED.append(name)
    if versioning:
        S3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": versioning})
    return name

def arn(bucket):
    return f"arn:aws:s3:::{bucket}"

def v2(dest, rid="r1", priority=1, flt=None, dmr="Disabled", status="Enabled", **dest_extra):
    return {"ID": rid, "Priority": priority, "Status": status, "Filter": {} if flt is None else flt,
            "DeleteMarkerReplication": {"Status": dmr}, "Destination": dict({"Bucket": arn(dest)}, **dest_extra)}

def v1(dest, rid="r1", prefix="", status="Enabled"):
    return {"ID": rid, "Prefix": prefix, "Status": status, "Destination": {"Bucket": arn(dest)}}

def put_repl(src, *rules, role=ROLE):
    return S3.put_bucket_replication(Bucket=src, ReplicationConfiguration={"Role": role, "Rules": list(rules)})

def put_err(src, *rules, role=ROLE):
    return err_of(S3.put_bucket_replication, Bucket=src, ReplicationConfiguration={"Role": role, "Rules": list(rules)})

def pair(**rule_kw):
    src, dst = new_bucket(), new_bucket()
    put_repl(src, v2(dst, **rule_kw))
    return src, dst

def head(bucket, key, **kw):
    try:
        return S3.head_object(Bucket=bucket, Key=key, **kw)
    except Exception as e:  # noqa: BLE001 - 404 and friends mean "not there"
        if getattr(e, "response", {}).get("ResponseMetadata", {}).get("HTTPStatusCode") in (403, 404, 405):
            return None
        raise

def wait_for(fn, what):
    deadline = time.time() + WAIT
    while True:
        value = fn()
        if value:
            return value
        if time.time() > deadline:
            raise Failure(f"[B] timed out after {WAIT:g}s (NIMBUS_REPLICATION_WAIT_SECONDS) waiting for {what}")
        time.sleep(POLL)

def wait_completed(src, key, vid=None):
    kw = {"VersionId": vid} if vid else {}

    def done():
        h = head(src, key, **kw)
        return h if h and h.get("ReplicationStatus") in ("COMPLETED", "FAILED") else None
    h = wait_for(done, f"{src}/{key} ReplicationStatus COMPLETED")
    if h["ReplicationStatus"] != "COMPLETED":
        raise Failure(f"[B] {src}/{key} replication FAILED")
    return h

def wait_replica(dst, key, vid=None):
    kw = {"VersionId": vid} if vid else {}
    return wait_for(lambda: head(dst, key, **kw), f"replica {dst}/{key}" + (f" version {vid}" if vid else ""))

def versions(bucket, key):
    r = S3.list_object_versions(Bucket=bucket, Prefix=key)
    return ([v for v in r.get("Versions", []) if v["Key"] == key], [d for d in r.get("DeleteMarkers", []) if d["Key"] == key])

def settle():
    time.sleep(min(1.0, WAIT / 10))  # grace after a sentinel completed, before asserting that something did NOT happen

# ============================================================================================= configuration API
@test("B", NOT_FOUND + "; NoSuchBucket per moto/LocalStack")
def get_without_configuration(ctx):
    b = new_bucket()
    expect_err(ctx, err_of(S3.get_bucket_replication, Bucket=b), 404, "ReplicationConfigurationNotFoundError",
               "GetBucketReplication, no configuration", message="The replication configuration was not found")
    r = err_of(S3.get_bucket_replication, Bucket=b)
    ctx.soft_eq(r and r["Error"].get("BucketName"), b, "<BucketName> in ReplicationConfigurationNotFoundError (moto/LocalStack)")
    r = err_of(S3.delete_bucket_replication, Bucket=b)
    ctx.check(r is None, f"DeleteBucketReplication without configuration succeeds (no-op), got {r and r['Error']}")
    ghost = f"nimbus-repl-missing-{uuid.uuid4().hex[:12]}"
    for what, fn in (("Get", S3.get_bucket_replication), ("Delete", S3.delete_bucket_replication)):
        expect_err(ctx, err_of(fn, Bucket=ghost), 404, "NoSuchBucket", f"{what}BucketReplication, missing bucket",
                   message="The specified bucket does not exist")

@test("B", MODEL + " ('The response also returns those elements'; 'creates ... or replaces an existing one')")
def v2_roundtrip_replace_delete(ctx):
    src, dst = new_bucket(), new_bucket()
    rule = v2(dst, rid="logs-rule", priority=5, flt={"Prefix": "logs/"}, StorageClass="STANDARD_IA")
    r = put_repl(src, rule)
    ctx.eq(r["ResponseMetadata"]["HTTPStatusCode"], 200, "PutBucketReplication status")
    got = S3.get_bucket_replication(Bucket=src)["ReplicationConfiguration"]
    ctx.eq(got.get("Role"), ROLE, "Role echoed")
    ctx.eq(got.get("Rules"), [rule], "V2 rule echoed with ID, Priority, Filter, Status, DeleteMarkerReplication, Destination")
    tagged = v2(dst, rid="and-rule", priority=2, flt={"And": {"Prefix": "p/", "Tags": [
        {"Key": "k1", "Value": "v1"}, {"Key": "k2", "Value": "v2"}]}})
    put_repl(src, tagged)
    got = S3.get_bucket_replication(Bucket=src)["ReplicationConfiguration"]["Rules"]
    ctx.eq([g["ID"] for g in got], ["and-rule"], "PUT replaces the whole configuration")
    ctx.soft_eq(got[0].get("Filter"), tagged["Filter"], "Filter.And (Prefix + 2 Tags) echoed")
    put_repl(src, v2(dst, rid="all", priority=0))
    ctx.eq(S3.get_bucket_replication(Bucket=src)["ReplicationConfiguration"]["Rules"][0].get("Filter"), {},
           "empty Filter echoed as {}", tier="B")
    r = S3.delete_bucket_replication(Bucket=src)
    ctx.soft_eq(r["ResponseMetadata"]["HTTPStatusCode"], 204, "DeleteBucketReplication status (API reference sample)")
    expect_err(ctx, err_of(S3.get_bucket_replication, Bucket=src), 404, "ReplicationConfigurationNotFoundError",
               "GetBucketReplication after DeleteBucketReplication")

@test("B", V1_SHAPE + "; generated ID per the get-bucket-replication CLI example [C]")
def v1_roundtrip_and_generated_id(ctx):
    src, dst = new_bucket(), new_bucket()
    put_repl(src, v1(dst, rid="legacy", prefix="docs/"))
    rule = S3.get_bucket_replication(Bucket=src)["ReplicationConfiguration"]["Rules"][0]
    ctx.eq((rule.get("ID"), rule.get("Prefix"), rule.get("Status"), rule.get("Destination")),
           ("legacy", "docs/", "Enabled", {"Bucket": arn(dst)}), "V1 rule echoed")
    ctx.check("Filter" not in rule, f"V1 rule comes back without Filter: {rule}")
    ctx.soft("Priority" not in rule and "DeleteMarkerReplication" not in rule,
             f"V1 rule comes back without Priority / DeleteMarkerReplication (2018 capture): {rule}")
    no_id = v2(dst)
    del no_id["ID"]
    put_repl(src, no_id)
    rule = S3.get_bucket_replication(Bucket=src)["ReplicationConfiguration"]["Rules"][0]
    ctx.soft(isinstance(rule.get("ID"), str) and len(rule["ID"]) > 0, f"ID generated when omitted: {rule.get('ID')!r}")

# ============================================================================================= validation
@test("B", SRC_VERS + "; no BucketName field (LocalStack's AWS snapshot) and Suspended source [C]")
def source_versioning_required(ctx):
    dst = new_bucket()
    for state in (None, "Suspended"):
        src = new_bucket(versioning=state)
        r = put_err(src, v2(dst))
        tier = "B" if state is None else "C"
        expect_err(ctx, r, 400, "InvalidRequest", f"source versioning {state or 'never enabled'}", tier=tier,
                   message="Versioning must be 'Enabled' on the bucket to apply a replication configuration")
        ctx.soft_eq(r and r["Error"].get("BucketName"), None, "no <BucketName> on the versioning error (LocalStack's AWS-recorded test_replication_config)")
        expect_err(ctx, err_of(S3.get_bucket_replication, Bucket=src), 404, "ReplicationConfigurationNotFoundError",
                   "refused PUT stored nothing")

@test("B", DST_VERS + " | missing destination: " + DST_MISSING)
def destination_must_exist_and_be_versioned(ctx):
    src = new_bucket()
    for state in (None, "Suspended"):
        r = put_err(src, v2(new_bucket(versioning=state)))
        expect_err(ctx, r, 400, "InvalidRequest", f"destination versioning {state or 'never enabled'}",
                   message="Destination bucket must have versioning enabled.", tier="B" if state is None else "C")
    r = put_err(src, v2(f"nimbus-repl-missing-{uuid.uuid4().hex[:12]}"))
    expect_err(ctx, r, 400, "InvalidRequest", "destination bucket missing")
    ctx.soft_eq(r and r["Error"].get("Message"), "Destination bucket must have versioning enabled.",
                "missing destination worded as an unversioned one (LocalStack's AWS-recorded test_replication_config_without_filter)")
    expect_err(ctx, err_of(S3.get_bucket_replication, Bucket=src), 404, "ReplicationConfigurationNotFoundError",
               "refused PUTs stored nothing")

@test("B", DMR_V1 + " | " + NO_FILTER + " | " + EXISTING)
def schema_version_errors(ctx):
    src, dst = new_bucket(), new_bucket()
    bad = dict(v1(dst), DeleteMarkerReplication={"Status": "Disabled"})
    expect_err(ctx, put_err(src, bad), 400, "InvalidRequest", "V1 rule (Prefix) with DeleteMarkerReplication",
               message="DeleteMarkerReplication cannot be used for this version of Cross Region Replication "
                       "configuration schema. Please refer to S3 Developer Guide for more information.")
    bare = {"ID": "bare", "Status": "Enabled", "Destination": {"Bucket": arn(dst)}}
    expect_err(ctx, put_err(src, bare), 400, "MalformedXML", "rule with neither Prefix nor Filter", message=MALFORMED)
    expect_err(ctx, put_err(src, dict(v2(dst), ExistingObjectReplication={"Status": "Enabled"})), 400, "MalformedXML",
               "ExistingObjectReplication Enabled (needs AWS Support / Batch Replication)")
    expect_err(ctx, put_err(src, dict(v1(dst), Filter={"Prefix": "x"})), 400, "MalformedXML",
               "rule with both Prefix and Filter (model: 'either Prefix or Filter, not both', boto3#4783)", tier="C")

@test("C", "AWS docs (PutBucketReplication, API_DeleteMarkerReplication, ReplicationRule limits) + OVH swift s3api / "
           "Scality cloudserver emulations of AWS messages")
def rule_validation_soft(ctx):
    src, dst, dst2 = new_bucket(), new_bucket(), new_bucket()
    no_prio = v2(dst)
    del no_prio["Priority"]
    expect_err(ctx, put_err(src, no_prio), 400, "InvalidRequest", "V2 rule without Priority",
               message="Priority must be specified for this version of Cross Region Replication configuration schema. "
                       "Please refer to S3 Developer Guide for more information.")
    no_dmr = v2(dst)
    del no_dmr["DeleteMarkerReplication"]
    expect_err(ctx, put_err(src, no_dmr), 400, "InvalidRequest", "V2 rule without DeleteMarkerReplication",
               message="DeleteMarkerReplication must be specified for this version of Cross Region Replication "
                       "configuration schema. Please refer to S3 Developer Guide for more information.")
    tag_dm = v2(dst, flt={"Tag": {"Key": "k", "Value": "v"}}, dmr="Enabled")
    r = put_err(src, tag_dm)
    ctx.soft(r is not None and r["ResponseMetadata"]["HTTPStatusCode"] == 400,
             f"tag-based rule with DeleteMarkerReplication Enabled refused (docs: must be Disabled): {r and r['Error']}")
    r = put_err(src, v2(dst, rid="same", priority=1, flt={"Prefix": "a/"}), v2(dst, rid="same", priority=2, flt={"Prefix": "b/"}))
    expect_err(ctx, r, 400, "InvalidRequest", "duplicate rule IDs (Scality; swift 'Rule Id must be unique')")
    r = put_err(src, v2(dst, rid="p1", priority=1), v2(dst2, rid="p2", priority=1))
    ctx.soft(r is not None and r["ResponseMetadata"]["HTTPStatusCode"] == 400,
             f"two rules with the same Priority refused (multi-destination blog: unique priorities): {r and r['Error']}")
    many = [v2(dst, rid=f"r{i}", priority=i, flt={"Prefix": f"p{i}/"}) for i in range(1001)]
    r = put_err(src, *many)
    ctx.soft(r is not None and r["ResponseMetadata"]["HTTPStatusCode"] == 400, f"1001 rules refused (max 1,000): {r and r['Error']}")
    r = put_err(src, dict(v2(dst), Destination={"Bucket": dst}))
    ctx.soft(r is not None and r["ResponseMetadata"]["HTTPStatusCode"] == 400,
             f"Destination.Bucket not an ARN refused (swift 'Invalid bucket ARN.', Scality InvalidArgument): {r and r['Error']}")
    expect_err(ctx, put_err(src, v2(dst, status="Bogus")), 400, "MalformedXML", "rule Status 'Bogus' (schema enum)")
    r = put_repl(src, v2(dst, rid="ok", priority=3))
    ctx.check(r["ResponseMetadata"]["HTTPStatusCode"] == 200, "a valid configuration is still accepted", tier="B")
    ctx.soft_eq([x["ID"] for x in S3.get_bucket_replication(Bucket=src)["ReplicationConfiguration"]["Rules"]], ["ok"],
                "refused PUTs did not alter the stored configuration")

@test("B", "message: AWS error quoted in a public S3-replication exfiltration lab README (terraform destroy of the "
           "versioning resource); code/status: scality/cloudserver#3005 ('compatibility with AWS S3'), rustfs#6006 [C]")
def cannot_suspend_versioning_with_replication(ctx):
    src, _ = pair()
    r = err_of(S3.put_bucket_versioning, Bucket=src, VersioningConfiguration={"Status": "Suspended"})
    ctx.check(r is not None, "suspending versioning on a replication source is refused")
    expect_err(ctx, r, 409, "InvalidBucketState", "suspending versioning on a replication source", tier="C")
    ctx.eq(r["Error"].get("Message"), "A replication configuration is present on this bucket, so you cannot change the "
           "versioning state. To change the versioning state, first delete the replication configuration.", "Message")
    ctx.eq(S3.get_bucket_versioning(Bucket=src).get("Status"), "Enabled", "versioning still Enabled")
    S3.delete_bucket_replication(Bucket=src)
    r = err_of(S3.put_bucket_versioning, Bucket=src, VersioningConfiguration={"Status": "Suspended"})
    ctx.check(r is None, f"suspension allowed once the configuration is deleted (the message's advice): {r and r['Error']}")

# ============================================================================================= replication behaviour
@test("B", MODEL + " | " + WIRE + " | " + GET_HEADER + " | " + IDENTICAL + " | version id / tags / time: " + GUIDE + " [C]")
def new_object_is_replicated(ctx):
    src, dst = pair()
    put = S3.put_object(Bucket=src, Key="doc.txt", Body=b"hello replication", ContentType="text/plain",
                        Metadata={"color": "blue"}, Tagging="team=core&env=test")
    first = head(src, "doc.txt")
    ctx.check(first is not None and first.get("ReplicationStatus") in ("PENDING", "COMPLETED"),
              f"source HEAD right after PUT shows PENDING or COMPLETED: {first and first.get('ReplicationStatus')}")
    ctx.check("ReplicationStatus" not in put, "PutObject response itself carries no x-amz-replication-status")
    s = wait_completed(src, "doc.txt")
    ctx.eq(s["ResponseMetadata"]["HTTPHeaders"].get("x-amz-replication-status"), "COMPLETED", "wire value COMPLETED")
    rep = wait_replica(dst, "doc.txt")
    ctx.eq(rep.get("ReplicationStatus"), "REPLICA", "replica HEAD x-amz-replication-status")
    g = S3.get_object(Bucket=dst, Key="doc.txt")
    ctx.eq((g["Body"].read(), g.get("ReplicationStatus")), (b"hello replication", "REPLICA"), "replica GET body + header")
    gs = S3.get_object(Bucket=src, Key="doc.txt")
    gs["Body"].read()
    ctx.eq(gs.get("ReplicationStatus"), "COMPLETED", "source GET also carries the header")
    ctx.eq((rep["ETag"], rep["ContentLength"], rep.get("ContentType"), rep.get("Metadata")),
           (s["ETag"], s["ContentLength"], "text/plain", {"color": "blue"}), "replica ETag/size/Content-Type/metadata")
    ctx.soft_eq(rep.get("VersionId"), put["VersionId"], "replica keeps the source version id")
    ctx.soft_eq(rep.get("LastModified"), s.get("LastModified"), "replica keeps the original creation time")
    ctx.soft_eq(rep.get("StorageClass"), s.get("StorageClass"), "replica storage class = source's (no Destination.StorageClass)")
    tags = S3.get_object_tagging(Bucket=dst, Key="doc.txt")["TagSet"]
    ctx.soft_eq(sorted((t["Key"], t["Value"]) for t in tags), [("env", "test"), ("team", "core")], "object tags replicated")
    put2 = S3.put_object(Bucket=src, Key="doc.txt", Body=b"v2")
    wait_completed(src, "doc.txt", put2["VersionId"])
    vers, _ = versions(dst, "doc.txt")
    ctx.check(len(vers) == 2, f"overwrite replicated as a second version in the destination: {len(vers)} versions")
    ctx.soft_eq(sorted(v["VersionId"] for v in vers), sorted([put["VersionId"], put2["VersionId"]]),
                "destination version ids = source version ids")

@test("B", MODEL + " (StorageClass; priority 'higher number wins'; multi-destination COMPLETED only when all succeed)")
def storage_class_priority_and_multiple_destinations(ctx):
    src, dst = new_bucket(), new_bucket()
    put_repl(src, v2(dst, rid="lo", priority=1, flt={"Prefix": "a/"}, StorageClass="STANDARD_IA"),
             v2(dst, rid="hi", priority=2, flt={"Prefix": "a/b/"}, StorageClass="ONEZONE_IA"))
    S3.put_object(Bucket=src, Key="a/x", Body=b"1")
    S3.put_object(Bucket=src, Key="a/b/y", Body=b"2")
    ctx.eq(wait_replica(dst, "a/x").get("StorageClass"), "STANDARD_IA", "Destination.StorageClass applied to replica")
    ctx.eq(wait_replica(dst, "a/b/y").get("StorageClass"), "ONEZONE_IA", "overlapping rules: higher Priority wins")
    src2, d1, d2 = new_bucket(), new_bucket(), new_bucket()
    put_repl(src2, v2(d1, rid="one", priority=1), v2(d2, rid="two", priority=2))
    put = S3.put_object(Bucket=src2, Key="fan-out", Body=b"x")
    wait_completed(src2, "fan-out")
    for d in (d1, d2):
        rep = head(d, "fan-out")
        ctx.check(rep is not None and rep.get("ReplicationStatus") == "REPLICA",
                  f"source COMPLETED only once every destination has the replica ({d}): {rep}")
        ctx.soft_eq(rep and rep.get("VersionId"), put["VersionId"], f"replica version id in {d}")

@test("C", GUIDE + " (eligible objects only; no retroactive replication; disabled rules; deleting the configuration)")
def what_is_not_replicated(ctx):
    src, dst = new_bucket(), new_bucket()
    S3.put_object(Bucket=src, Key="logs/old", Body=b"before the configuration")
    put_repl(src, v2(dst, rid="logs", priority=1, flt={"Prefix": "logs/"}), v2(dst, rid="off", priority=2,
                                                                             flt={"Prefix": "off/"}, status="Disabled"))
    S3.put_object(Bucket=src, Key="other/x", Body=b"no rule matches")
    S3.put_object(Bucket=src, Key="off/x", Body=b"disabled rule")
    S3.put_object(Bucket=src, Key="logs/new", Body=b"sentinel")
    wait_completed(src, "logs/new")
    settle()
    for key, why in (("other/x", "matches no rule"), ("off/x", "matches only a Disabled rule"),
                     ("logs/old", "existed before the configuration")):
        ctx.soft(head(dst, key) is None, f"{key} ({why}) not replicated")
        h = head(src, key)
        ctx.soft(h is not None and "ReplicationStatus" not in h,
                 f"{key} ({why}): source HEAD has no x-amz-replication-status: {h and h.get('ReplicationStatus')}")
    S3.delete_bucket_replication(Bucket=src)
    S3.put_object(Bucket=src, Key="logs/after-delete", Body=b"x")
    time.sleep(min(2.0, WAIT / 5))
    ctx.soft(head(dst, "logs/after-delete") is None, "no replication after DeleteBucketReplication")
    h = head(src, "logs/after-delete")
    ctx.soft(h is not None and "ReplicationStatus" not in h, "no status header once the configuration is gone")

@test("C", DM_GUIDE + "; version-id deletes never replicated (replication-what-is-isnot-replicated.md)")
def delete_behaviour(ctx):
    for dmr in ("Disabled", "Enabled"):
        src, dst = pair(dmr=dmr)
        put = S3.put_object(Bucket=src, Key="k", Body=b"data")
        wait_completed(src, "k")
        wait_replica(dst, "k", put["VersionId"])
        marker = S3.delete_object(Bucket=src, Key="k")
        S3.put_object(Bucket=src, Key="sentinel", Body=b"s")
        wait_completed(src, "sentinel")
        settle()
        _, dms = versions(dst, "k")
        if dmr == "Enabled":
            ctx.soft(len(dms) == 1, f"DeleteMarkerReplication Enabled: delete marker replicated: {dms}")
            ctx.soft(bool(dms) and dms[0]["VersionId"] == marker.get("VersionId"), "replicated marker keeps its version id")
            ctx.soft(head(dst, "k") is None, "replica key now reads as deleted in the destination")
        else:
            ctx.soft(not dms and head(dst, "k") is not None, f"DeleteMarkerReplication Disabled: no marker in destination: {dms}")
    src, dst = new_bucket(), new_bucket()
    put_repl(src, v1(dst))
    put = S3.put_object(Bucket=src, Key="k", Body=b"data")
    wait_completed(src, "k")
    wait_replica(dst, "k")
    S3.delete_object(Bucket=src, Key="k")
    S3.put_object(Bucket=src, Key="sentinel", Body=b"s")
    wait_completed(src, "sentinel")
    settle()
    ctx.soft(len(versions(dst, "k")[1]) == 1, "V1 (Prefix) rule replicates user delete markers")
    S3.delete_object(Bucket=src, Key="k", VersionId=put["VersionId"])
    S3.put_object(Bucket=src, Key="sentinel2", Body=b"s")
    wait_completed(src, "sentinel2")
    settle()
    ctx.soft(head(dst, "k", VersionId=put["VersionId"]) is not None, "deleting a version id is not replicated")

@test("C", GUIDE + " ('objects in the source bucket that are replicas created by another replication rule' are not replicated)")
def replicas_are_not_replicated_again(ctx):
    a, b, c = new_bucket(), new_bucket(), new_bucket()
    put_repl(a, v2(b))
    put_repl(b, v2(c))
    S3.put_object(Bucket=a, Key="from-a", Body=b"a")
    wait_replica(b, "from-a")
    S3.put_object(Bucket=b, Key="from-b", Body=b"b")
    ctx.check(wait_replica(c, "from-b").get("ReplicationStatus") == "REPLICA", "B's own objects replicate to C", tier="B")
    settle()
    ctx.soft(head(c, "from-a") is None, "a replica in B (from A) is not replicated on to C")
    ctx.soft_eq(head(b, "from-a").get("ReplicationStatus"), "REPLICA", "replica in a source bucket stays REPLICA")

# --------------------------------------------------------------------------------------------- main
def cleanup():
    for b in reversed(CREATED):
        with contextlib.suppress(Exception):
            S3.delete_bucket_replication(Bucket=b)
    for b in reversed(CREATED):
        cleanup_bucket(b)

if __name__ == "__main__":
    conclude(run(after=cleanup))
