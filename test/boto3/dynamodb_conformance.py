#!/usr/bin/env python3
"""
DynamoDB conformance harness for Nimbus (boto3, standalone, no pytest, no skips, no name filters).

    python3 dynamodb_conformance.py

Environment:
    AWS_ENDPOINT_URL   JSON endpoint (default http://127.0.0.1:4566); credentials test/test, us-east-1.

Scope: the core control plane (CreateTable / DescribeTable / UpdateTable / DeleteTable / ListTables, tags, TTL,
continuous backups) and data plane (PutItem / GetItem / UpdateItem / DeleteItem, Query / Scan, expressions, Select,
ReturnValues, ReturnValuesOnConditionCheckFailure). Transactions, batch operations, streams and PartiQL are left to
other harnesses. Every table is made here with a unique name and deleted at the end (deletion protection first
turned off).

Evidence tiers (each test names its tier and source; a hard check inside a test may name its own tier):
  A  = LocalStack snapshot validated against real AWS: tests/aws/services/dynamodb/test_dynamodb.py (+ .snapshot.json,
       .validation.json), tests/aws/services/dynamodb/resources/test_dynamodb.py (CloudFormation-made tables,
       recorded 2025-04-11), tests/aws/services/stepfunctions/v2/services/test_dynamodb_task_service.py (the
       recorded HTTP headers of DynamoDB answers, 2025-02). Variable fields (ids, dates, account) are not compared.
  B  = other real-AWS evidence: moto tests marked @pytest.mark.aws_verified / @dynamodb_aws_verified (run against
       AWS), ScyllaDB Alternator's test/alternator suite (written and run against DynamoDB; xfail-on-AWS cases not
       used), the ack-api-quirks DynamoDB probe catalogue (real-AWS probes, verified 2026-10, finding ids DDB-TABLE-*),
       and AWS error texts quoted in public issues (getmoto/moto#7062, scylladb/scylladb#13870, #19784, moto#4428).
"""
import re
import time
import uuid
from decimal import Decimal

import boto3
from boto3.dynamodb.conditions import Key
from botocore.config import Config
from botocore.exceptions import ClientError

from harness import ENDPOINT_URL, REGION, conclude, err_of, expect_err, run, test

LS = "LocalStack tests/aws/services/dynamodb/test_dynamodb.py + .snapshot.json (aws.validated)"
LS_CFN = "LocalStack tests/aws/services/dynamodb/resources/test_dynamodb.py + .snapshot.json (aws.validated 2025-04-11)"
LS_SFN = ("LocalStack tests/aws/services/stepfunctions/v2/services/test_dynamodb_task_service.py::"
          "test_base_integrations + .snapshot.json (aws.validated 2025-02)")
MOTO = "moto tests/test_dynamodb (@pytest.mark.aws_verified, run against AWS)"
ALT = "ScyllaDB test/alternator (run against DynamoDB)"
ACK = "ack-api-quirks DynamoDB probe catalogue (real AWS, verified 2026-10)"

UUID_RE = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
INVALID = "One or more parameter values were invalid: "


def ddb_client(**cfg):
    return boto3.client("dynamodb", endpoint_url=ENDPOINT_URL, region_name=REGION, aws_access_key_id="test",
                        aws_secret_access_key="test", config=Config(retries={"max_attempts": 1}, **cfg))


DDB = ddb_client()
RAW = ddb_client(parameter_validation=False)  # shapes boto3 would refuse, so the service's own validation answers
RES = boto3.resource("dynamodb", endpoint_url=ENDPOINT_URL, region_name=REGION, aws_access_key_id="test",
                     aws_secret_access_key="test", config=Config(retries={"max_attempts": 1}))

# --------------------------------------------------------------------------------------------- helpers
CREATED = []
HASH_ID = dict(KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
               AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
PT5 = {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
TEST_DDB_TAGS = [{"Key": "Name", "Value": "test-table"}, {"Key": "TestKey", "Value": "true"}]


def new_name(prefix="nimbus-ddb"):
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def wait_active(name, timeout=600):
    """Polls DescribeTable until the table and every GSI are ACTIVE; returns the description."""
    deadline, delay = time.time() + timeout, 0.2
    while True:
        t = DDB.describe_table(TableName=name)["Table"]
        if t["TableStatus"] == "ACTIVE" and all(g.get("IndexStatus") == "ACTIVE"
                                                for g in t.get("GlobalSecondaryIndexes", [])):
            return t
        if time.time() > deadline:
            raise TimeoutError(f"{name} not ACTIVE: {t['TableStatus']}")
        time.sleep(delay)
        delay = min(delay * 2, 5)


def make_table(name=None, wait=True, **kw):
    """CreateTable (PAY_PER_REQUEST unless ProvisionedThroughput or BillingMode given); returns (name, response)."""
    name = name or new_name()
    if "ProvisionedThroughput" not in kw and "BillingMode" not in kw:
        kw["BillingMode"] = "PAY_PER_REQUEST"
    for k, v in HASH_ID.items():
        kw.setdefault(k, v)
    resp = DDB.create_table(TableName=name, **kw)
    CREATED.append(name)
    if wait:
        wait_active(name)
    return name, resp


def moto_table(add_range=False, add_gsi=False, gsi_projection="ALL", add_lsi=False, lsi_projection="ALL",
               numeric_gsi_range=False):
    """The table moto's dynamodb_aws_verified decorator makes (pk[/sk], test_gsi on gsi_pk[/gsi_sk], test_lsi on lsi_sk)."""
    ks = [{"AttributeName": "pk", "KeyType": "HASH"}]
    ad = [{"AttributeName": "pk", "AttributeType": "S"}]
    kw = {}
    if add_range:
        ks.append({"AttributeName": "sk", "KeyType": "RANGE"})
        ad.append({"AttributeName": "sk", "AttributeType": "S"})
    if add_gsi or numeric_gsi_range:
        gks = [{"AttributeName": "gsi_pk", "KeyType": "HASH"}]
        ad.append({"AttributeName": "gsi_pk", "AttributeType": "S"})
        if numeric_gsi_range:
            gks.append({"AttributeName": "gsi_sk", "KeyType": "RANGE"})
            ad.append({"AttributeName": "gsi_sk", "AttributeType": "N"})
        kw["GlobalSecondaryIndexes"] = [{"IndexName": "test_gsi", "KeySchema": gks,
                                         "Projection": {"ProjectionType": gsi_projection}}]
    if add_lsi:
        ad.append({"AttributeName": "lsi_sk", "AttributeType": "S"})
        kw["LocalSecondaryIndexes"] = [{"IndexName": "test_lsi",
                                        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                                      {"AttributeName": "lsi_sk", "KeyType": "RANGE"}],
                                        "Projection": {"ProjectionType": lsi_projection}}]
    name, _ = make_table(KeySchema=ks, AttributeDefinitions=ad, **kw)
    return name


def cleanup():
    for name in CREATED:
        try:
            DDB.update_table(TableName=name, DeletionProtectionEnabled=False)
            wait_active(name, timeout=120)
        except ClientError:
            pass
        except TimeoutError:
            pass
        try:
            DDB.delete_table(TableName=name)
        except ClientError:
            pass


def captured(client):
    """Records the raw HTTP answer (headers, body) of the client's latest call in the returned dict."""
    box = {}

    def keep(http_response, **_):
        box["status"] = http_response.status_code
        box["headers"] = {k.lower(): v for k, v in http_response.headers.items()}
        box["body"] = http_response.content

    client.meta.events.register("after-call.dynamodb", keep)
    return box


# --------------------------------------------------------------------------------------------- control plane (A)
# LocalStack test_dynamodb.py::TestDynamoDB::test_create_duplicate_table (snapshot "Error")
@test("A", LS + " ::test_create_duplicate_table")
def create_duplicate_table(ctx):
    name, _ = make_table(ProvisionedThroughput=PT5, Tags=TEST_DDB_TAGS)
    r = err_of(DDB.create_table, TableName=name, ProvisionedThroughput=PT5, Tags=TEST_DDB_TAGS, **HASH_ID)
    expect_err(ctx, r, 400, "ResourceInUseException", "CreateTable of an existing name",
               message=f"Table already exists: {name}")


# LocalStack test_dynamodb.py::TestDynamoDB::test_dynamodb_pay_per_request (snapshot "Error")
@test("A", LS + " ::test_dynamodb_pay_per_request")
def pay_per_request_refuses_throughput(ctx):
    r = err_of(DDB.create_table, TableName=new_name(), ProvisionedThroughput=PT5, BillingMode="PAY_PER_REQUEST",
               **HASH_ID)
    expect_err(ctx, r, 400, "ValidationException", "CreateTable PAY_PER_REQUEST + ProvisionedThroughput",
               message=INVALID + "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is "
                                 "PAY_PER_REQUEST")


# LocalStack resources/test_dynamodb.py::test_default_name_for_table (snapshot "table_description",
# "list_tags_of_resource") and test_billing_mode_as_conditional[PROVISIONED]
@test("A", LS_CFN + " ::test_default_name_for_table")
def describe_table_provisioned_shape(ctx):
    tags = [{"Key": "TagKey1", "Value": "TagValue1"}, {"Key": "TagKey2", "Value": "TagValue2"}]
    name, _ = make_table(KeySchema=[{"AttributeName": "keyName", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "keyName", "AttributeType": "S"}],
                         ProvisionedThroughput=PT5, Tags=tags)
    t = DDB.describe_table(TableName=name)["Table"]
    recorded = {"AttributeDefinitions", "CreationDateTime", "DeletionProtectionEnabled", "ItemCount", "KeySchema",
                "ProvisionedThroughput", "TableArn", "TableId", "TableName", "TableSizeBytes", "TableStatus"}
    ctx.eq(sorted(set(t) - {"WarmThroughput"}), sorted(recorded),
           "DescribeTable members of a PROVISIONED table (no BillingModeSummary, no TableClassSummary)")
    ctx.eq((t["ProvisionedThroughput"], t["TableStatus"], t["DeletionProtectionEnabled"], t["ItemCount"],
            t["TableSizeBytes"]),
           ({"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 5, "WriteCapacityUnits": 5}, "ACTIVE", False, 0, 0),
           "ProvisionedThroughput, TableStatus, DeletionProtectionEnabled, ItemCount, TableSizeBytes")
    ctx.check(re.fullmatch(r"arn:aws:dynamodb:us-east-1:\d{12}:table/" + re.escape(name), t["TableArn"])
              and re.fullmatch(UUID_RE, t["TableId"]), f"TableArn/TableId shape: {t['TableArn']} {t['TableId']}")
    ctx.eq(DDB.list_tags_of_resource(ResourceArn=t["TableArn"])["Tags"], tags,
           "ListTagsOfResource after CreateTable(Tags) (order kept)")


# LocalStack resources/test_dynamodb.py::test_billing_mode_as_conditional[PAY_PER_REQUEST] and
# ::test_global_table_with_ttl_and_sse (the GSI1 description)
@test("A", LS_CFN + " ::test_billing_mode_as_conditional[PAY_PER_REQUEST], ::test_global_table_with_ttl_and_sse")
def describe_table_pay_per_request_shape(ctx):
    name, _ = make_table(KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                         AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"}
                                               for n in ("gsi1pk", "gsi1sk", "pk", "sk")],
                         GlobalSecondaryIndexes=[{"IndexName": "GSI1",
                                                  "KeySchema": [{"AttributeName": "gsi1pk", "KeyType": "HASH"},
                                                                {"AttributeName": "gsi1sk", "KeyType": "RANGE"}],
                                                  "Projection": {"ProjectionType": "ALL"}}])
    t = DDB.describe_table(TableName=name)["Table"]
    zero = {"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 0, "WriteCapacityUnits": 0}
    ctx.eq((sorted(t.get("BillingModeSummary", {})), t.get("BillingModeSummary", {}).get("BillingMode"),
            t["ProvisionedThroughput"]),
           (["BillingMode", "LastUpdateToPayPerRequestDateTime"], "PAY_PER_REQUEST", zero),
           "PAY_PER_REQUEST table: BillingModeSummary members and ProvisionedThroughput 0/0")
    g = t["GlobalSecondaryIndexes"][0]
    ctx.eq(sorted(set(g) - {"WarmThroughput"}),
           ["IndexArn", "IndexName", "IndexSizeBytes", "IndexStatus", "ItemCount", "KeySchema", "Projection",
            "ProvisionedThroughput"], "GSI description members")
    ctx.eq((g["IndexArn"], g["IndexStatus"], g["IndexSizeBytes"], g["ItemCount"], g["ProvisionedThroughput"]),
           (t["TableArn"] + "/index/GSI1", "ACTIVE", 0, 0, zero), "GSI IndexArn, IndexStatus, sizes, throughput")


# LocalStack resources/test_dynamodb.py::test_default_name_for_table (WarmThroughput 5/5 ACTIVE),
# ::test_billing_mode_as_conditional[PAY_PER_REQUEST] (12000/4000) and ::test_global_table_with_ttl_and_sse (GSI 12000/4000)
@test("A", LS_CFN + " (WarmThroughput recorded 2025-04-11; also " + ACK + " DDB-TABLE-028)")
def describe_table_warm_throughput(ctx):
    prov, _ = make_table(ProvisionedThroughput=PT5)
    ppr, _ = make_table(AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"},
                                              {"AttributeName": "g", "AttributeType": "S"}],
                        GlobalSecondaryIndexes=[{"IndexName": "GSI1", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                                 "Projection": {"ProjectionType": "ALL"}}])
    p, q = DDB.describe_table(TableName=prov)["Table"], DDB.describe_table(TableName=ppr)["Table"]
    got = {"provisioned 5/5": p.get("WarmThroughput"), "pay-per-request": q.get("WarmThroughput"),
           "pay-per-request GSI": q["GlobalSecondaryIndexes"][0].get("WarmThroughput")}
    ctx.eq(got, {"provisioned 5/5": {"ReadUnitsPerSecond": 5, "Status": "ACTIVE", "WriteUnitsPerSecond": 5},
                 "pay-per-request": {"ReadUnitsPerSecond": 12000, "Status": "ACTIVE", "WriteUnitsPerSecond": 4000},
                 "pay-per-request GSI": {"ReadUnitsPerSecond": 12000, "Status": "ACTIVE", "WriteUnitsPerSecond": 4000}},
           "DescribeTable WarmThroughput (table and GSI)")


# LocalStack test_dynamodb.py::TestDynamoDB::test_dynamodb_create_table_with_partial_sse_specification ("SSEDescription")
# and ::test_dynamodb_update_table_without_sse_specification_change ("update-table-unchanged-sse-spec")
@test("A", LS + " ::test_dynamodb_create_table_with_partial_sse_specification, "
                "::test_dynamodb_update_table_without_sse_specification_change")
def sse_partial_specification(ctx):
    name, resp = make_table(ProvisionedThroughput=PT5, SSESpecification={"Enabled": True}, Tags=TEST_DDB_TAGS)
    sse = resp["TableDescription"].get("SSEDescription", {})
    ctx.eq((sse.get("SSEType"), sse.get("Status")), ("KMS", "ENABLED"), "CreateTable SSEDescription type/status")
    ctx.check(re.fullmatch(r"arn:aws:kms:us-east-1:\d{12}:key/" + UUID_RE, sse.get("KMSMasterKeyArn", "")),
              f"KMSMasterKeyArn is the account's key ARN: {sse.get('KMSMasterKeyArn')!r}")
    after = DDB.update_table(TableName=name, ProvisionedThroughput={"ReadCapacityUnits": 6, "WriteCapacityUnits": 6})
    ctx.eq(after["TableDescription"].get("SSEDescription"), sse, "UpdateTable without SSESpecification keeps SSEDescription")


# LocalStack test_dynamodb.py::TestDynamoDB::test_dynamodb_create_table_with_partial_sse_specification
# (snapshot "update-table-disable-sse-spec": KMSMasterKeyArn, SSEType KMS, Status UPDATING; recorded 2024-01-10)
@test("A", LS + " ::test_dynamodb_create_table_with_partial_sse_specification (update-table-disable-sse-spec)")
def sse_disable_answers_updating(ctx):
    name, resp = make_table(ProvisionedThroughput=PT5, SSESpecification={"Enabled": True})
    arn = resp["TableDescription"]["SSEDescription"]["KMSMasterKeyArn"]
    upd = DDB.update_table(TableName=name, SSESpecification={"Enabled": False})["TableDescription"]
    ctx.check("SSESpecification" not in wait_active(name), "DescribeTable has no SSESpecification member")
    ctx.eq(upd.get("SSEDescription"), {"KMSMasterKeyArn": arn, "SSEType": "KMS", "Status": "UPDATING"},
           "UpdateTable(SSESpecification Enabled=false) answer's SSEDescription")


# LocalStack test_dynamodb.py::TestDynamoDB::test_continuous_backup_update ("update-continuous-backup",
# "describe-continuous-backup")
@test("A", LS + " ::test_continuous_backup_update")
def continuous_backups(ctx):
    name, _ = make_table()
    spec = {"PointInTimeRecoveryEnabled": True}
    deadline = time.time() + 60  # AWS answers ContinuousBackupsUnavailableException for a few seconds after ACTIVE
    while True:
        try:
            up = DDB.update_continuous_backups(TableName=name, PointInTimeRecoverySpecification=spec)
            break
        except ClientError:
            if time.time() > deadline:
                raise
            time.sleep(2)
    d = DDB.describe_continuous_backups(TableName=name)
    for what, r in (("UpdateContinuousBackups", up), ("DescribeContinuousBackups", d)):
        cb = r["ContinuousBackupsDescription"]
        ctx.eq((cb["ContinuousBackupsStatus"], cb["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"]),
               ("ENABLED", "ENABLED"), f"{what} statuses")


# LocalStack resources/test_dynamodb.py::test_ttl_cdk (snapshot "table": TimeToLiveDescription)
@test("A", LS_CFN + " ::test_ttl_cdk; " + ACK + " DDB-TABLE-143/147 (re-enable)")
def ttl_enable_and_describe(ctx):
    name, _ = make_table()
    up = DDB.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expire_at"})
    ctx.eq(up["TimeToLiveSpecification"], {"Enabled": True, "AttributeName": "expire_at"},
           "UpdateTimeToLive echoes the specification")
    ctx.eq(DDB.describe_time_to_live(TableName=name)["TimeToLiveDescription"],
           {"AttributeName": "expire_at", "TimeToLiveStatus": "ENABLED"}, "DescribeTimeToLive after enabling")
    r = err_of(DDB.update_time_to_live, TableName=name,
               TimeToLiveSpecification={"Enabled": True, "AttributeName": "expire_at"})
    expect_err(ctx, r, 400, "ValidationException", "re-enable TTL on the same attribute", tier="B",
               message="TimeToLive is already enabled")


# --------------------------------------------------------------------------------------------- data plane (A)
# LocalStack test_dynamodb.py::TestDynamoDB::test_return_values_in_put_item (PutFirstItem .. PutSecondItemReturnNone)
@test("A", LS + " ::test_return_values_in_put_item")
def put_item_return_values(ctx):
    name, _ = make_table(ProvisionedThroughput=PT5)
    item1 = {"id": {"S": "id1"}, "data": {"S": "foobar"}}
    item1b = {"id": {"S": "id1"}, "data": {"S": "barfoo"}}
    answers = [DDB.put_item(TableName=name, Item=item1, ReturnValues="ALL_OLD"),
               DDB.put_item(TableName=name, Item=item1, ReturnValues="ALL_OLD"),
               DDB.put_item(TableName=name, Item=item1b, ReturnValues="ALL_OLD"),
               DDB.put_item(TableName=name, Item=item1),
               DDB.put_item(TableName=name, Item=item1)]
    ctx.eq([a.get("Attributes") for a in answers], [None, item1, item1, None, None],
           "Attributes of the five PutItem answers (ALL_OLD x3, default x2)")


# LocalStack test_dynamodb.py::TestDynamoDB::test_empty_and_binary_values (PutFirstItem, PutSecondItem: 200)
@test("A", LS + " ::test_empty_and_binary_values")
def empty_string_and_binary_values(ctx):
    name, _ = make_table()
    DDB.put_item(TableName=name, Item={"id": {"S": "id1"}, "data": {"S": ""}})
    DDB.put_item(TableName=name, Item={"id": {"S": "id2"}, "data": {"B": b"\x90"}})
    got = [DDB.get_item(TableName=name, Key={"id": {"S": k}}, ConsistentRead=True)["Item"]["data"] for k in ("id1", "id2")]
    ctx.eq(got, [{"S": ""}, {"B": b"\x90"}], "empty non-key string and non-UTF-8 binary stored and read back")


# LocalStack test_dynamodb.py::TestDynamoDB::test_valid_local_secondary_index (snapshot "Items")
@test("A", LS + " ::test_valid_local_secondary_index")
def query_local_secondary_index(ctx):
    name, _ = make_table(KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
                         AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"},
                                               {"AttributeName": "SK", "AttributeType": "S"},
                                               {"AttributeName": "LSI1SK", "AttributeType": "N"}],
                         LocalSecondaryIndexes=[{"IndexName": "LSI1",
                                                 "KeySchema": [{"AttributeName": "PK", "KeyType": "HASH"},
                                                               {"AttributeName": "LSI1SK", "KeyType": "RANGE"}],
                                                 "Projection": {"ProjectionType": "ALL"}}],
                         ProvisionedThroughput=PT5, Tags=TEST_DDB_TAGS)
    item = {"SK": {"S": "hello"}, "LSI1SK": {"N": "123"}, "PK": {"S": "test one"}}
    DDB.put_item(TableName=name, Item=item)
    r = DDB.query(TableName=name, IndexName="LSI1", KeyConditionExpression="PK = :v1",
                  ExpressionAttributeValues={":v1": {"S": "test one"}}, Select="ALL_ATTRIBUTES")
    ctx.eq((r["Count"], r["ScannedCount"], r["Items"]), (1, 1, [item]), "Query LSI ALL_ATTRIBUTES")


# LocalStack test_dynamodb.py::TestDynamoDB::test_return_values_on_conditions_check_failure (snapshot "items")
@test("A", LS + " ::test_return_values_on_conditions_check_failure")
def delete_item_condition_failure_returns_item(ctx):
    name, _ = make_table(ProvisionedThroughput=PT5)
    item = {"id": {"S": "456"}, "price": {"N": "650"}, "product": {"S": "sporting goods"}}
    DDB.put_item(TableName=name, Item=item)
    r = err_of(DDB.delete_item, TableName=name, Key={"id": {"S": "456"}}, ConditionExpression="price between :lo and :hi",
               ExpressionAttributeValues={":lo": {"N": "500"}, ":hi": {"N": "600"}},
               ReturnValuesOnConditionCheckFailure="ALL_OLD")
    expect_err(ctx, r, 400, "ConditionalCheckFailedException", "DeleteItem condition fails",
               message="The conditional request failed")
    ctx.eq((r.get("Item"), "message" in r), (item, False),
           "the failure carries the old Item (and, as recorded, no lower-case 'message' member)")


# LocalStack stepfunctions test_dynamodb_task_service.py::test_base_integrations[DYNAMODB_PUT_GET_ITEM,
# DYNAMODB_PUT_UPDATE_GET_ITEM, DYNAMODB_PUT_QUERY]: the recorded SdkHttpMetadata of DynamoDB's answers
@test("A", LS_SFN)
def wire_shapes_of_item_answers(ctx):
    client = ddb_client()
    box = captured(client)
    name, _ = make_table()
    client.put_item(TableName=name, Item={"data": {"S": "HelloWorld"}, "id": {"S": "id1"}})
    h = box["headers"]
    ctx.eq((box["status"], h.get("content-type"), h.get("content-length"), box["body"], "x-amz-crc32" in h),
           (200, "application/x-amz-json-1.0", "2", b"{}", True),
           "PutItem answer: status, Content-Type, Content-Length, body, x-amz-crc32 present")
    client.get_item(TableName=name, Key={"id": {"S": "id1"}})
    ctx.eq(box["headers"].get("content-length"), "53", "GetItem answer Content-Length (compact JSON Item)")
    u = client.update_item(TableName=name, Key={"id": {"S": "id1"}}, UpdateExpression="set S=:r",
                           ExpressionAttributeValues={":r": {"S": "HelloWorldUpdated"}}, ReturnValues="UPDATED_NEW")
    ctx.eq((u["Attributes"], box["headers"].get("content-length")), ({"S": {"S": "HelloWorldUpdated"}}, "46"),
           "UpdateItem UPDATED_NEW answer and its Content-Length")


# --------------------------------------------------------------------------------------------- data plane (B)
# moto tests/test_dynamodb/test_dynamodb_select.py (aws_verified): test_all_attributes_rejected_for_keys_only_gsi,
# test_select_values_are_case_sensitive, test_specific_attributes_requires_attribute_selection,
# test_all_projected_attributes_rejected_for_table, test_scan_count_omits_items_and_preserves_pagination
@test("B", MOTO + " test_dynamodb_select.py")
def select_validation(ctx):
    name = moto_table(add_range=True, add_gsi=True, gsi_projection="KEYS_ONLY", add_lsi=True, lsi_projection="KEYS_ONLY")
    q = dict(TableName=name, KeyConditionExpression="pk = :key", ExpressionAttributeValues={":key": {"S": "value"}})
    qg = dict(TableName=name, IndexName="test_gsi", KeyConditionExpression="gsi_pk = :key",
              ExpressionAttributeValues={":key": {"S": "value"}})
    ctx.eq(DDB.query(IndexName="test_lsi", Select="ALL_ATTRIBUTES", **q)["Count"], 0,
           "ALL_ATTRIBUTES on a KEYS_ONLY LSI is allowed")
    expect_err(ctx, err_of(DDB.query, Select="ALL_ATTRIBUTES", **qg), 400, "ValidationException",
               "Query ALL_ATTRIBUTES on a KEYS_ONLY GSI",
               message=INVALID + "Select type ALL_ATTRIBUTES is not supported for global secondary index test_gsi "
                                 "because its projection type is not ALL")
    expect_err(ctx, err_of(RAW.scan, TableName=name, Select="count"), 400, "ValidationException", "Select='count'",
               message="1 validation error detected: Value 'count' at 'select' failed to satisfy constraint: Member "
                       "must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]")
    expect_err(ctx, err_of(DDB.query, Select="SPECIFIC_ATTRIBUTES", **q), 400, "ValidationException",
               "Query SPECIFIC_ATTRIBUTES without a projection",
               message="1 validation error detected: Must specify the AttributesToGet or ProjectionExpression when "
                       "choosing to get SPECIFIC_ATTRIBUTES")
    expect_err(ctx, err_of(DDB.scan, TableName=name, Select="ALL_PROJECTED_ATTRIBUTES"), 400, "ValidationException",
               "Scan ALL_PROJECTED_ATTRIBUTES without IndexName",
               message="ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName")
    for k in ("first", "second"):
        DDB.put_item(TableName=name, Item={"pk": {"S": k}, "sk": {"S": "x"}})
    r = DDB.scan(TableName=name, Select="COUNT", Limit=1, ConsistentRead=True)
    ctx.eq((r["Count"], r["ScannedCount"], "Items" in r, "LastEvaluatedKey" in r), (1, 1, False, True),
           "Scan Select=COUNT Limit=1: Count, ScannedCount, no Items, LastEvaluatedKey")


# moto tests/test_dynamodb/test_dynamodb_query.py (aws_verified): test_query_pagination, test_query_lsi_pagination
@test("B", MOTO + " test_dynamodb_query.py::test_query_pagination, ::test_query_lsi_pagination")
def query_pagination(ctx):
    name = moto_table(add_range=True, add_lsi=True)
    t = RES.Table(name)
    for i in list(range(3, 7)) + list(range(9, 6, -1)) + list(range(3)):
        t.put_item(Item={"pk": "the-key", "sk": f"{i}", "lsi_sk": f"{i}"})
    p1 = t.query(KeyConditionExpression=Key("pk").eq("the-key"), Limit=6)
    p2 = t.query(KeyConditionExpression=Key("pk").eq("the-key"), Limit=6, ExclusiveStartKey=p1["LastEvaluatedKey"])
    ctx.eq(([i["sk"] for i in p1["Items"]], p1["Count"], p1["ScannedCount"], [i["sk"] for i in p2["Items"]],
            p2["Count"], "LastEvaluatedKey" in p2),
           (["0", "1", "2", "3", "4", "5"], 6, 6, ["6", "7", "8", "9"], 4, False), "two pages of Limit=6 over 10 items")
    l1 = t.query(KeyConditionExpression=Key("pk").eq("the-key"), IndexName="test_lsi", Limit=6)
    ctx.eq(l1["LastEvaluatedKey"], {"pk": "the-key", "sk": "5", "lsi_sk": "5"},
           "LSI page LastEvaluatedKey carries table and index keys")


# moto tests/test_dynamodb/test_dynamodb_query.py (aws_verified): test_key_condition_expression_with_brackets,
# test_gsi_verify_negative_number_order
@test("B", MOTO + " test_dynamodb_query.py::test_key_condition_expression_with_brackets, "
                  "::test_gsi_verify_negative_number_order")
def query_key_condition_forms(ctx):
    name = moto_table(add_range=True)
    t = RES.Table(name)
    for sk in ("aa", "ab", "ac"):
        t.put_item(Item={"pk": "TEST", "sk": sk})
    r1 = t.query(KeyConditionExpression="(#0 = :0) AND (begins_with(#1, :1))", ExpressionAttributeNames={"#0": "pk", "#1": "sk"},
                 ExpressionAttributeValues={":0": "TEST", ":1": "a"})
    r2 = t.query(KeyConditionExpression="(#0 = :0) AND (#1 BETWEEN :1 AND :2)", ExpressionAttributeNames={"#0": "pk", "#1": "sk"},
                 ExpressionAttributeValues={":0": "TEST", ":1": "ab", ":2": "ab"})
    ctx.eq((r1["Count"], r2["Items"]), (3, [{"pk": "TEST", "sk": "ab"}]), "parenthesised key conditions")
    g = RES.Table(moto_table(numeric_gsi_range=True))
    for pk, v in (("pk-3", "0.7"), ("pk-1", "-0.6"), ("pk-2", "-0.7")):
        g.put_item(Item={"pk": pk, "gsi_pk": "gsi-k1", "gsi_sk": Decimal(v)})
    got = [str(i["gsi_sk"]) for i in g.query(KeyConditionExpression=Key("gsi_pk").eq("gsi-k1"), IndexName="test_gsi")["Items"]]
    ctx.eq(got, ["-0.7", "-0.6", "0.7"], "GSI numeric sort key order with negatives")


# getmoto/moto#7062 (AWS quoted: Query with an empty partition key value -> ValidationException ... Key: PK);
# moto tests/test_dynamodb/exceptions/test_key_length_exceptions.py::test_query_empty_key_exception
@test("B", "getmoto/moto#7062 (real AWS error quoted); moto test_key_length_exceptions.py::test_query_empty_key_exception")
def query_empty_partition_key_refused(ctx):
    name = moto_table()
    r = err_of(DDB.query, TableName=name, KeyConditionExpression="pk = :v", ExpressionAttributeValues={":v": {"S": ""}})
    expect_err(ctx, r, 400, "ValidationException", "Query with pk = ''",
               message="One or more parameter values are not valid. The AttributeValue for a key attribute cannot "
                       "contain an empty string value. Key: pk")


# moto tests/test_dynamodb/test_dynamodb_update_expressions.py (aws_verified): test_update_different_map_elements_in_single_request,
# test_update_item_add_float, test_delete_last_item_from_map
@test("B", MOTO + " test_dynamodb_update_expressions.py")
def update_expression_semantics(ctx):
    t = RES.Table(moto_table())
    t.put_item(Item={"pk": "example_id", "d": {"hello": "h", "world": "w"}})
    r = t.update_item(Key={"pk": "example_id"}, UpdateExpression="set d.hello = :h, d.world = :w",
                      ExpressionAttributeValues={":h": "H", ":w": "W"}, ReturnValues="ALL_NEW")
    ctx.eq(r["Attributes"], {"pk": "example_id", "d": {"hello": "H", "world": "W"}}, "two map elements set at once")
    t.put_item(Item={"pk": "foo", "amount": Decimal(100)})
    amounts = []
    for delta in (-Decimal("88.3"), Decimal("25.41"), 6):
        t.update_item(Key={"pk": "foo"}, UpdateExpression="ADD amount :delta", ExpressionAttributeValues={":delta": delta})
        amounts.append(t.get_item(Key={"pk": "foo"}, ConsistentRead=True)["Item"]["amount"])
    ctx.eq(amounts, [Decimal("11.7"), Decimal("37.11"), Decimal("43.11")], "ADD of decimals is exact")
    t.put_item(Item={"pk": "foo2", "map": {"sset": {"foo"}}})
    r = t.update_item(Key={"pk": "foo2"}, UpdateExpression="DELETE #map.#sset :s", ExpressionAttributeNames={"#map": "map", "#sset": "sset"},
                      ExpressionAttributeValues={":s": {"foo"}}, ReturnValues="ALL_NEW")
    ctx.eq(r["Attributes"], {"pk": "foo2", "map": {}}, "DELETE of a set's last element removes the set")


# moto tests/test_dynamodb/test_dynamodb_update_expressions.py (aws_verified): test_update_expression_with_multiple_remove_clauses,
# test_update_item_with_empty_expression, test_update_item_with_empty_values, test_update_item_add_empty_set;
# real AWS error quoted for a dash in a name ('Syntax error; token: "-", near: "book-price"', blog post in the code corpus)
@test("B", MOTO + " test_dynamodb_update_expressions.py (error cases)")
def update_expression_errors(ctx):
    name = moto_table()
    key = {"pk": {"S": "foo"}}
    DDB.put_item(TableName=name, Item=key)
    cases = [
        (dict(UpdateExpression="REMOVE a SET b = :b REMOVE c", ExpressionAttributeValues={":b": {"S": "x"}}),
         'Invalid UpdateExpression: The "REMOVE" section can only be used once in an update expression;'),
        (dict(UpdateExpression=""), "Invalid UpdateExpression: The expression can not be empty;"),
        (dict(UpdateExpression="SET #d = :s", ExpressionAttributeNames={"#d": "d"}, ExpressionAttributeValues={}),
         "ExpressionAttributeValues must not be empty"),
        (dict(UpdateExpression="SET book-price = :p", ExpressionAttributeValues={":p": {"N": "1"}}),
         'Invalid UpdateExpression: Syntax error; token: "-", near: "book-price"'),
    ]
    for kw, message in cases:
        expect_err(ctx, err_of(DDB.update_item, TableName=name, Key=key, **kw), 400, "ValidationException",
                   f"UpdateItem {kw['UpdateExpression']!r}", message=message)
    r = err_of(DDB.update_item, TableName=name, Key=key, UpdateExpression="ADD stringset :emptySet",
               ExpressionAttributeValues={":emptySet": {"SS": []}})
    ctx.check(r is not None and "ExpressionAttributeValues contains invalid value: One or more parameter values were "
              "invalid: An string set  may not be empty" in r["Error"].get("Message", ""),
              f"ADD of an empty string set refused: {r and r['Error']}")


# ScyllaDB test/alternator/test_returnvalues.py::test_update_item_returnvalues_nested (run against DynamoDB)
@test("B", ALT + " test_returnvalues.py::test_update_item_returnvalues_nested")
def update_return_values_nested(ctx):
    t = RES.Table(moto_table())
    t.put_item(Item={"pk": "p", "a": {"b": "dog", "c": [1, 2, 3]}, "d": "cat"})
    got = [t.update_item(Key={"pk": "p"}, ReturnValues="UPDATED_OLD", UpdateExpression="SET a.c[1] = :val",
                         ExpressionAttributeValues={":val": 7}).get("Attributes"),
           t.update_item(Key={"pk": "p"}, ReturnValues="UPDATED_NEW", UpdateExpression="SET a.b = :val",
                         ExpressionAttributeValues={":val": "hello"}).get("Attributes"),
           t.update_item(Key={"pk": "p"}, ReturnValues="UPDATED_OLD", UpdateExpression="REMOVE a.c[1], a.c[3]").get("Attributes"),
           t.update_item(Key={"pk": "p"}, ReturnValues="UPDATED_NEW", UpdateExpression="SET a.c[100] = :val",
                         ExpressionAttributeValues={":val": 70}).get("Attributes"),
           t.update_item(Key={"pk": "p"}, ReturnValues="UPDATED_NEW", UpdateExpression="REMOVE a.c[1]").get("Attributes")]
    ctx.eq(got, [{"a": {"c": [2]}}, {"a": {"b": "hello"}}, {"a": {"c": [7]}}, None, {"a": {"c": [70]}}],
           "UPDATED_OLD/UPDATED_NEW project only the nested path (and the list-shift quirks)")


# getmoto/moto PR#4393 ("Tests have been validated against AWS"): test_empty_expressionattributenames,
# test_empty_expressionattributenames_with_projection
@test("B", "moto test_dynamodb_exceptions.py::test_empty_expressionattributenames* (PR#4393, validated against AWS)")
def empty_expression_attribute_names(ctx):
    name = moto_table()
    expect_err(ctx, err_of(DDB.get_item, TableName=name, Key={"pk": {"S": "x"}}, ExpressionAttributeNames={}), 400,
               "ValidationException", "GetItem ExpressionAttributeNames={} without expressions",
               message="ExpressionAttributeNames can only be specified when using expressions")
    expect_err(ctx, err_of(DDB.get_item, TableName=name, Key={"pk": {"S": "x"}}, ProjectionExpression="pk",
                           ExpressionAttributeNames={}), 400,
               "ValidationException", "GetItem ExpressionAttributeNames={} with a projection",
               message="ExpressionAttributeNames must not be empty")


# --------------------------------------------------------------------------------------------- control plane (B)
# scylladb/scylladb#19784 (real AWS text quoted for an unused definition without indexes); getmoto/moto PR#4428
# (verified against the real API) test_create_table_with_missing_attributes / test_create_table_with_redundant_attributes
@test("B", "scylladb/scylladb#19784; moto test_dynamodb_exceptions.py::test_create_table_with_* (PR#4428, verified on AWS)")
def create_table_attribute_definition_errors(ctx):
    cases = [
        (dict(AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}, {"AttributeName": "created_at", "AttributeType": "N"}],
              KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}]),
         INVALID + "Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions"),
        (dict(AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
              KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}, {"AttributeName": "created_at", "KeyType": "RANGE"}]),
         "Invalid KeySchema: Some index key attribute have no definition"),
        (dict(AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}], KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
              GlobalSecondaryIndexes=[{"IndexName": "gsi_user-items", "KeySchema": [{"AttributeName": "user", "KeyType": "HASH"}],
                                       "Projection": {"ProjectionType": "ALL"}}]),
         INVALID + "Some index key attributes are not defined in AttributeDefinitions. Keys: [user], AttributeDefinitions: [id]"),
    ]
    for kw, message in cases:
        expect_err(ctx, err_of(DDB.create_table, TableName=new_name(), BillingMode="PAY_PER_REQUEST", **kw), 400,
                   "ValidationException", "CreateTable with mismatched AttributeDefinitions", message=message)


# getmoto/moto PR#4428 (verified against the real API): test_create_table_with_redundant_attributes, GSI case; the same
# wording is in a real CloudFormation CREATE_FAILED log and the ack-api-quirks message catalogue
@test("B", "moto test_dynamodb_exceptions.py::test_create_table_with_redundant_attributes (PR#4428); " + ACK)
def create_table_unused_definition_with_index(ctx):
    r = err_of(DDB.create_table, TableName=new_name(), BillingMode="PAY_PER_REQUEST",
               AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}, {"AttributeName": "user", "AttributeType": "S"},
                                     {"AttributeName": "created_at", "AttributeType": "N"}],
               KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
               GlobalSecondaryIndexes=[{"IndexName": "gsi_user-items", "KeySchema": [{"AttributeName": "user", "KeyType": "HASH"}],
                                        "Projection": {"ProjectionType": "ALL"}}])
    expect_err(ctx, r, 400, "ValidationException", "unused AttributeDefinition on a table with a GSI",
               message=INVALID + "Some AttributeDefinitions are not used. AttributeDefinitions: [created_at, id, user], "
                                 "keys used: [id, user]")


# scylladb/scylladb#13870 (DynamoDB's answer quoted: "Attribute Name is duplicated: x");
# test/alternator/test_table.py::test_create_table_duplicate_attribute_name
@test("B", "scylladb/scylladb#13870; " + ALT + " test_table.py::test_create_table_duplicate_attribute_name")
def create_table_duplicate_attribute_name(ctx):
    r = err_of(DDB.create_table, TableName=new_name(), BillingMode="PAY_PER_REQUEST",
               KeySchema=[{"AttributeName": "xyz", "KeyType": "HASH"}],
               AttributeDefinitions=[{"AttributeName": "xyz", "AttributeType": "S"}, {"AttributeName": "xyz", "AttributeType": "N"}])
    expect_err(ctx, r, 400, "ValidationException", "AttributeDefinitions naming xyz twice")
    ctx.check("Attribute Name is duplicated: xyz" in r["Error"].get("Message", ""),
              f"message names the duplicate ('Attribute Name is duplicated: xyz'): got {r['Error'].get('Message')!r}")


# ScyllaDB test/alternator/test_table.py::test_delete_table_description, ::test_delete_table_description_with_si
@test("B", ALT + " test_table.py::test_delete_table_description, ::test_delete_table_description_with_si")
def delete_table_description(ctx):
    name, _ = make_table(KeySchema=[{"AttributeName": "p", "KeyType": "HASH"}, {"AttributeName": "c", "KeyType": "RANGE"}],
                         AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("p", "c", "x")],
                         GlobalSecondaryIndexes=[{"IndexName": "hello", "KeySchema": [{"AttributeName": "x", "KeyType": "HASH"}],
                                                  "Projection": {"ProjectionType": "ALL"}}],
                         LocalSecondaryIndexes=[{"IndexName": "hithere",
                                                 "KeySchema": [{"AttributeName": "p", "KeyType": "HASH"},
                                                               {"AttributeName": "x", "KeyType": "RANGE"}],
                                                 "Projection": {"ProjectionType": "ALL"}}])
    got = DDB.delete_table(TableName=name)["TableDescription"]
    ctx.eq((got["TableName"], got["TableStatus"], bool(re.fullmatch(UUID_RE, got.get("TableId", ""))),
            got.get("BillingModeSummary", {}).get("BillingMode"), got.get("ProvisionedThroughput")),
           (name, "DELETING", True, "PAY_PER_REQUEST",
            {"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 0, "WriteCapacityUnits": 0}),
           "DeleteTable answer: name, DELETING, TableId, BillingModeSummary, ProvisionedThroughput")
    ctx.eq([k for k in ("CreationDateTime", "KeySchema", "AttributeDefinitions", "GlobalSecondaryIndexes",
                        "LocalSecondaryIndexes") if k in got], [],
           "DeleteTable answer omits CreationDateTime, KeySchema, AttributeDefinitions and the indexes")


# ack-api-quirks DDB-TABLE-060 / DDB-TABLE-370: "UpdateTable response echoes the OLD ProvisionedThroughput values
# (with TableStatus=UPDATING and a new LastIncreaseDateTime)"
@test("B", ACK + " DDB-TABLE-060, DDB-TABLE-370")
def update_table_answers_old_throughput(ctx):
    name, _ = make_table(ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
    up = DDB.update_table(TableName=name, ProvisionedThroughput={"ReadCapacityUnits": 2, "WriteCapacityUnits": 2})["TableDescription"]
    after = wait_active(name)["ProvisionedThroughput"]
    ctx.eq((after["ReadCapacityUnits"], after["WriteCapacityUnits"]), (2, 2), "DescribeTable after the update settles")
    pt = up["ProvisionedThroughput"]
    ctx.eq((up["TableStatus"], pt["ReadCapacityUnits"], pt["WriteCapacityUnits"], "LastIncreaseDateTime" in pt),
           ("UPDATING", 1, 1, True), "UpdateTable answer: UPDATING with the old 1/1 and a LastIncreaseDateTime")


# ack-api-quirks DDB-TABLE-033: "CreateTable response lacks fields DescribeTable adds later: WarmThroughput (unless
# sent at create) and LastUpdateToPayPerRequestDateTime ... BillingModeSummary in the CreateTable response is {BillingMode} only"
@test("B", ACK + " DDB-TABLE-033")
def create_table_answer_billing_summary(ctx):
    name, resp = make_table()
    ctx.check("LastUpdateToPayPerRequestDateTime" in wait_active(name)["BillingModeSummary"],
              "DescribeTable adds LastUpdateToPayPerRequestDateTime", tier="A")
    d = resp["TableDescription"]
    ctx.eq((d.get("BillingModeSummary"), "WarmThroughput" in d), ({"BillingMode": "PAY_PER_REQUEST"}, False),
           "CreateTable answer: BillingModeSummary {BillingMode} only, no WarmThroughput")


# ack-api-quirks DDB-TABLE-433: "UpdateTable is one-logical-change-per-call ... 'One or more parameter values were
# invalid: <X> modification must be the only operation in the request' ... DP+SSE names SSE"
@test("B", ACK + " DDB-TABLE-433, DDB-TABLE-382")
def update_table_one_change_per_call(ctx):
    name, _ = make_table()
    r = err_of(DDB.update_table, TableName=name, DeletionProtectionEnabled=True, SSESpecification={"Enabled": True})
    expect_err(ctx, r, 400, "ValidationException", "UpdateTable DeletionProtectionEnabled + SSESpecification",
               message=INVALID + "Server-Side Encryption modification must be the only operation in the request")


# ack-api-quirks DDB-TABLE-015 / DDB-TABLE-449 (the text is identical in us-east-1 and us-west-2)
@test("B", ACK + " DDB-TABLE-015, DDB-TABLE-449")
def update_table_with_nothing_to_change(ctx):
    name, _ = make_table()
    expect_err(ctx, err_of(DDB.update_table, TableName=name), 400, "ValidationException", "UpdateTable(TableName) only",
               message="At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates, "
                       "SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, ReplicaTransitRoleArn, "
                       "MultiRegionConsistency, DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass "
                       "is required")


# ack-api-quirks DDB-TABLE-047: "SSESpecification{Enabled:false} when SSE absent -> ValidationException 'One or more
# parameter values were invalid: Table is already encrypted by default'"
@test("B", ACK + " DDB-TABLE-047")
def sse_disable_on_default_encryption(ctx):
    name, _ = make_table()
    expect_err(ctx, err_of(DDB.update_table, TableName=name, SSESpecification={"Enabled": False}), 400,
               "ValidationException", "UpdateTable SSESpecification Enabled=false on an AWS-owned-key table",
               message=INVALID + "Table is already encrypted by default")


# ack-api-quirks DDB-TABLE-070 / DDB-TABLE-098 / DDB-TABLE-011; test/alternator/test_describe_table.py::
# test_describe_table_non_existent_table; test/alternator/test_table.py::test_list_tables_wrong_limit
@test("B", ACK + " DDB-TABLE-011/070/098; " + ALT + " test_describe_table.py, test_table.py")
def table_lookup_errors_and_arn_names(ctx):
    missing = new_name("nimbus-missing")
    expect_err(ctx, err_of(DDB.describe_table, TableName=missing), 400, "ResourceNotFoundException",
               "DescribeTable of a missing table", message=f"Requested resource not found: Table: {missing} not found")
    expect_err(ctx, err_of(DDB.describe_continuous_backups, TableName=missing), 400, "TableNotFoundException",
               "DescribeContinuousBackups of a missing table", message=f"Table not found: {missing}")
    expect_err(ctx, err_of(RAW.list_tables, Limit=101), 400, "ValidationException", "ListTables Limit=101")
    name, resp = make_table()
    ctx.eq(DDB.describe_table(TableName=resp["TableDescription"]["TableArn"])["Table"]["TableName"], name,
           "DescribeTable(TableName=<table ARN>) answers with the bare name")


# --------------------------------------------------------------------------------------------- tags and TTL (B)
# ack-api-quirks DDB-TABLE-105/107 and test/alternator/test_tag.py (test_tag_resource_incorrect, test_tag_lsi_gsi)
@test("B", ACK + " DDB-TABLE-105/107; " + ALT + " test_tag.py::test_tag_resource_incorrect, ::test_tag_lsi_gsi")
def tag_validation_accepted_cases(ctx):
    name, resp = make_table(AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"},
                                                  {"AttributeName": "g", "AttributeType": "S"}],
                            GlobalSecondaryIndexes=[{"IndexName": "gsi", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                                     "Projection": {"ProjectionType": "KEYS_ONLY"}}])
    arn = resp["TableDescription"]["TableArn"]
    expect_err(ctx, err_of(RAW.tag_resource, ResourceArn=arn, Tags=[]), 400, "ValidationException", "TagResource Tags=[]",
               message="Atleast one Tag needs to be provided as Input.")
    expect_err(ctx, err_of(DDB.tag_resource, ResourceArn=arn, Tags=[{"Key": str(i), "Value": str(i)} for i in range(51)]),
               400, "ValidationException", "TagResource with 51 tags")
    ctx.eq(err_of(DDB.untag_resource, ResourceArn=arn, TagKeys=["never-set"]), None, "UntagResource of an absent key is a no-op")
    r = err_of(DDB.list_tags_of_resource, ResourceArn=arn + "/index/gsi")
    ctx.check(r is not None and r["Error"]["Code"] == "ValidationException"
              and re.search(r"[Rr]esource ?[Aa]rn", r["Error"].get("Message", "")),
              f"ListTagsOfResource of a GSI ARN is a ValidationException about the resource ARN: {r and r['Error']}")


# ack-api-quirks DDB-TABLE-105: "'aws:'-prefixed key -> ValidationException 'Tag Key cannot be prefixed with aws:, Key: aws:foo'"
@test("B", ACK + " DDB-TABLE-105")
def tag_key_aws_prefix_refused(ctx):
    _, resp = make_table()
    r = err_of(DDB.tag_resource, ResourceArn=resp["TableDescription"]["TableArn"], Tags=[{"Key": "aws:foo", "Value": "x"}])
    expect_err(ctx, r, 400, "ValidationException", "TagResource key aws:foo",
               message="Tag Key cannot be prefixed with aws:, Key: aws:foo")


# ack-api-quirks DDB-TABLE-107: "duplicate keys in one request -> ValidationException 'Duplicate Tag Keys provided as
# input: Duplicate Tag Key found dup'"
@test("B", ACK + " DDB-TABLE-107")
def tag_duplicate_keys_refused(ctx):
    _, resp = make_table()
    r = err_of(DDB.tag_resource, ResourceArn=resp["TableDescription"]["TableArn"],
               Tags=[{"Key": "dup", "Value": "a"}, {"Key": "dup", "Value": "b"}])
    expect_err(ctx, r, 400, "ValidationException", "TagResource with the key dup twice",
               message="Duplicate Tag Keys provided as input: Duplicate Tag Key found dup")


# ack-api-quirks DDB-TABLE-107 (129-char key -> 'The Tag Key provided is invalid, Key: k...') and DDB-TABLE-106
# ('#' in value -> 'The Tag Value provided is invalid, Value: bad#char'), client-side validation disabled
@test("B", ACK + " DDB-TABLE-106, DDB-TABLE-107")
def tag_invalid_key_and_value_messages(ctx):
    _, resp = make_table()
    arn = resp["TableDescription"]["TableArn"]
    got = []
    for tags in ([{"Key": "k" * 129, "Value": "dog"}], [{"Key": "dog", "Value": "bad#char"}]):
        r = err_of(RAW.tag_resource, ResourceArn=arn, Tags=tags)
        got.append(r and (r["Error"]["Code"], r["Error"].get("Message")))
    ctx.eq(got, [("ValidationException", "The Tag Key provided is invalid, Key: " + "k" * 129),
                 ("ValidationException", "The Tag Value provided is invalid, Value: bad#char")],
           "TagResource 129-character key / '#' in a value")


# ack-api-quirks DDB-TABLE-071 ("bare table NAME ... -> ('ValidationException', \"One or more parameter values were invalid:
# ARNs must start with 'arn:': <name>\")"); test/alternator/test_tag.py::test_tag_resource_incorrect (newer DynamoDB
# "returns ValidationException saying \"ARNs must start with 'arn:'\"")
@test("B", ACK + " DDB-TABLE-071; " + ALT + " test_tag.py::test_tag_resource_incorrect")
def tag_apis_refuse_bare_table_name(ctx):
    name, _ = make_table()
    expect_err(ctx, err_of(DDB.list_tags_of_resource, ResourceArn=name), 400, "ValidationException",
               "ListTagsOfResource(ResourceArn=<table name>)", message=INVALID + f"ARNs must start with 'arn:': {name}")


# ack-api-quirks DDB-TABLE-143/147 ("re-enabling the same attribute is 'TimeToLive is already enabled', another attribute
# 'active on a different AttributeName'"); AWS text quoted in code comments: "TimeToLive is active on a different
# AttributeName: current AttributeName is ttlx"
@test("B", ACK + " DDB-TABLE-143/147")
def ttl_enable_other_attribute(ctx):
    name, _ = make_table()
    DDB.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expire_at"})
    r = err_of(DDB.update_time_to_live, TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "other"})
    expect_err(ctx, r, 400, "ValidationException", "enable TTL on a second attribute")
    ctx.check(r["Error"].get("Message", "").startswith("TimeToLive is active on a different AttributeName"),
              f"message 'TimeToLive is active on a different AttributeName...': got {r['Error'].get('Message')!r}")


# --------------------------------------------------------------------------------------------- main
if __name__ == "__main__":
    conclude(run(after=cleanup))
