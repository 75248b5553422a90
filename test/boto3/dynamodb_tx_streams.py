#!/usr/bin/env python3
"""
DynamoDB transactions, batches, Streams and PartiQL conformance harness for Nimbus
(boto3, standalone, no pytest, no skips, no name filters).

    AWS_ENDPOINT_URL=http://127.0.0.1:4566 python3 dynamodb_tx_streams.py

Covers TransactWriteItems / TransactGetItems (cancellation reasons, idempotency, limits, validation text),
BatchGetItem / BatchWriteItem (limits, duplicates, UnprocessedItems), DynamoDB Streams (ListStreams,
DescribeStream, GetShardIterator, GetRecords record shapes per StreamViewType, TTL deletions' userIdentity)
and PartiQL (ExecuteStatement, BatchExecuteStatement, ExecuteTransaction). Single-item operations,
Query/Scan and table management are covered elsewhere.

Evidence tiers (each test names its tier and source; a hard check inside a test may name its own tier):
  A  = LocalStack tests/aws/services/dynamodb/test_dynamodb.py + test_dynamodb.snapshot.json, marked
       @markers.aws.validated (snapshots recorded on AWS, 2023-08 .. 2024-12)
  B  = other real-AWS evidence: tests written and run against AWS DynamoDB (ScyllaDB Alternator's
       test/alternator suite, whose xfail marks are Alternator-only gaps; moto tests marked aws_verified;
       nubo-db/dynamodb-conformance, validated against live DynamoDB) and AWS responses quoted in issues
Variable fields (ids, ARNs' labels, timestamps, sequence numbers' exact values, request ids) are not compared.
Streams are read with short polls so that the harness also tolerates AWS's asynchronous stream delivery;
TTL deletion on AWS can take days, so that one test is only meaningful against an emulator.
"""
import re
import time
import uuid
from datetime import datetime

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from harness import ENDPOINT_URL, REGION, conclude, err_of, expect_err, run, test

# --------------------------------------------------------------------------------------------- sources
LS = "LocalStack tests/aws/services/dynamodb/test_dynamodb.py + test_dynamodb.snapshot.json (aws.validated)"
ALT_TX = "scylladb test/alternator/test_transact.py (run against AWS DynamoDB)"
ALT_STREAMS = "scylladb test/alternator/test_streams.py (run against AWS DynamoDB)"
ALT_BATCH = "scylladb test/alternator/test_batch.py (run against AWS DynamoDB)"
MOTO = "getmoto/moto tests/test_dynamodb (tests marked @pytest.mark.aws_verified)"
CONF = "nubo-db/dynamodb-conformance tests (validated against live DynamoDB)"
ISSUES = "AWS responses quoted in issues (cited per test)"


def _client(service, validate=True):
    return boto3.client(service, endpoint_url=ENDPOINT_URL, region_name=REGION, aws_access_key_id="test",
                        aws_secret_access_key="test",
                        config=Config(retries={"max_attempts": 1}, parameter_validation=validate))


DDB = _client("dynamodb")
STREAMS = _client("dynamodbstreams")
# For requests boto3 would refuse before sending (out-of-range limits, empty lists, bad enums).
RAW_DDB = _client("dynamodb", validate=False)
RAW_STREAMS = _client("dynamodbstreams", validate=False)

CREATED = []


# --------------------------------------------------------------------------------------------- helpers
def new_name(tag):
    return f"nimbus-{tag}-{uuid.uuid4().hex[:12]}"


def make_table(tag, key="id", range_key=None, view=None, key_type="S"):
    """A PAY_PER_REQUEST table (hash `key`, optional range key, optional stream); returns (name, TableDescription)."""
    name = new_name(tag)
    schema = [{"AttributeName": key, "KeyType": "HASH"}]
    attrs = [{"AttributeName": key, "AttributeType": key_type}]
    if range_key:
        schema.append({"AttributeName": range_key, "KeyType": "RANGE"})
        attrs.append({"AttributeName": range_key, "AttributeType": "S"})
    extra = {"StreamSpecification": {"StreamEnabled": True, "StreamViewType": view}} if view else {}
    desc = DDB.create_table(TableName=name, KeySchema=schema, AttributeDefinitions=attrs,
                            BillingMode="PAY_PER_REQUEST", **extra)["TableDescription"]
    CREATED.append(name)
    DDB.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    return name, desc


def cleanup():
    for name in CREATED:
        try:
            DDB.delete_table(TableName=name)
        except ClientError:
            pass


def body(resp):
    return {k: v for k, v in resp.items() if k != "ResponseMetadata"}


def shard_of(arn):
    return STREAMS.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]


def iterator(arn, kind="TRIM_HORIZON", **kw):
    return STREAMS.get_shard_iterator(StreamArn=arn, ShardId=shard_of(arn), ShardIteratorType=kind, **kw)["ShardIterator"]


def read_records(it, want, timeout=15.0):
    """Reads from iterator `it` until `want` records arrived or `timeout` passed; returns (records, last response)."""
    records, deadline, resp = [], time.time() + timeout, {}
    while it and time.time() < deadline:
        resp = STREAMS.get_records(ShardIterator=it)
        records.extend(resp["Records"])
        if len(records) >= want:
            break
        it = resp.get("NextShardIterator")
        if not resp["Records"]:
            time.sleep(0.5)
    return records, resp


def shape(records):
    """The comparable part of stream records: (eventName, Keys, NewImage, OldImage, SizeBytes)."""
    return [(r["eventName"], r["dynamodb"]["Keys"], r["dynamodb"].get("NewImage"), r["dynamodb"].get("OldImage"),
             r["dynamodb"].get("SizeBytes")) for r in records]


def constant_fields(ctx, records, view, what):
    """Fields every AWS-recorded stream record carries with fixed values (LocalStack get-records snapshots)."""
    ctx.eq(sorted({(r["eventSource"], r["eventVersion"], r["awsRegion"], r["dynamodb"]["StreamViewType"])
                   for r in records}), [("aws:dynamodb", "1.1", REGION, view)],
           f"{what}: eventSource/eventVersion/awsRegion/StreamViewType")
    seqs = [r["dynamodb"]["SequenceNumber"] for r in records]
    ctx.check(all(s.isdecimal() for s in seqs) and [int(s) for s in seqs] == sorted({int(s) for s in seqs}),
              f"{what}: SequenceNumbers decimal and strictly increasing, got {seqs}")


def msg(resp):
    return (resp or {}).get("Error", {}).get("Message", "")


def code(resp):
    return (resp or {}).get("Error", {}).get("Code")


S = lambda v: {"S": v}  # noqa: E731
N = lambda v: {"N": str(v)}  # noqa: E731


# ================================================================================== TransactWriteItems
@test("A", LS)
def transact_write_items_all_four_actions(ctx):
    # LocalStack test_transaction_write_items: ConditionCheck + Put + Update + Delete succeed; empty response body.
    t, _ = make_table("txw")
    resp = DDB.transact_write_items(TransactItems=[
        {"ConditionCheck": {"TableName": t, "ConditionExpression": "attribute_not_exists(id)", "Key": {"id": S("test1")}}},
        {"Put": {"TableName": t, "Item": {"id": S("test2")}}},
        {"Update": {"TableName": t, "Key": {"id": S("test3")}, "UpdateExpression": "SET attr1 = :v1, attr2 = :v2",
                    "ExpressionAttributeValues": {":v1": S("value1"), ":v2": S("value2")}}},
        {"Delete": {"TableName": t, "Key": {"id": S("test4")}}},
    ])
    ctx.eq(body(resp), {}, "TransactWriteItems response body")


@test("A", LS)
def transact_write_canceled_reasons(ctx):
    # LocalStack test_transaction_write_canceled (message); CancellationReasons as AWS sends them
    # (tier B: pynamodb#1144 / erlcloud#607 quote the raw AWS body: None reasons carry no Message).
    t, _ = make_table("txc", key="Username")
    DDB.put_item(TableName=t, Item={"Username": S("Fred")})
    resp = err_of(DDB.transact_write_items, TransactItems=[
        {"ConditionCheck": {"TableName": t, "ConditionExpression": "attribute_not_exists(Username)",
                            "Key": {"Username": S("Fred")}}},
        {"Delete": {"TableName": t, "Key": {"Username": S("Bert")}}},
    ])
    expect_err(ctx, resp, 400, "TransactionCanceledException", "failed ConditionCheck",
               message="Transaction cancelled, please refer cancellation reasons for specific reasons "
                       "[ConditionalCheckFailed, None]")
    ctx.eq((resp or {}).get("CancellationReasons"),
           [{"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}, {"Code": "None"}],
           "CancellationReasons", tier="B")


@test("A", LS)
def transact_write_binary_and_get(ctx):
    # LocalStack test_transaction_write_binary_data + test_transact_get_items.
    t, _ = make_table("txb")
    DDB.transact_write_items(TransactItems=[{"Put": {"TableName": t, "Item": {"id": S("someUser"), "binaryData": {"B": b"foobar"}}}}])
    ctx.eq(DDB.get_item(TableName=t, Key={"id": S("someUser")})["Item"],
           {"id": S("someUser"), "binaryData": {"B": b"foobar"}}, "item written by the transaction")
    DDB.put_item(TableName=t, Item={"id": S("John")})
    got = DDB.transact_get_items(TransactItems=[{"Get": {"Key": {"id": S("John")}, "TableName": t}}])
    ctx.eq(body(got), {"Responses": [{"Item": {"id": S("John")}}]}, "TransactGetItems response")


@test("A", LS)
def transact_write_idempotent_token(ctx):
    # LocalStack test_dynamodb_idempotent_writing: same ClientRequestToken, same item with its map keys in
    # another order, is accepted twice. Tier B after it: alternator test_transact_write_items_clientrequesttoken
    # (a replay does not write again) and ..._clientrequesttoken_mismatch (different payload).
    t, _ = make_table("txi", range_key="name")
    token = uuid.uuid4().hex
    first = DDB.transact_write_items(ClientRequestToken=token, TransactItems=[
        {"Put": {"TableName": t, "Item": {"id": S("id1"), "name": S("name1")}}}])
    second = DDB.transact_write_items(ClientRequestToken=token, TransactItems=[
        {"Put": {"TableName": t, "Item": {"name": S("name1"), "id": S("id1")}}}])
    ctx.eq((body(first), body(second)), ({}, {}), "both calls with the token")
    DDB.put_item(TableName=t, Item={"id": S("c"), "name": S("c"), "x": N(42)})
    inc = [{"Update": {"TableName": t, "Key": {"id": S("c"), "name": S("c")}, "UpdateExpression": "SET x = x + :one",
                       "ExpressionAttributeValues": {":one": N(1)}}}]
    token2 = uuid.uuid4().hex
    DDB.transact_write_items(ClientRequestToken=token2, TransactItems=inc)
    DDB.transact_write_items(ClientRequestToken=token2, TransactItems=inc)
    ctx.eq(DDB.get_item(TableName=t, Key={"id": S("c"), "name": S("c")}, ConsistentRead=True)["Item"]["x"], N(43),
           "counter after a replayed transaction", tier="B")
    resp = err_of(DDB.transact_write_items, ClientRequestToken=token2, TransactItems=[
        {"Put": {"TableName": t, "Item": {"id": S("other"), "name": S("x")}}}])
    expect_err(ctx, resp, 400, "IdempotentParameterMismatchException", "token reused with another payload", tier="B")


@test("A", LS)
def transact_write_missing_table(ctx):
    # LocalStack test_batch_write_not_existing_table (snapshot: Code, Message and lower-case `message`).
    resp = err_of(DDB.transact_write_items, TransactItems=[{"Put": {"TableName": "non-existing-table", "Item": {}}}])
    expect_err(ctx, resp, 400, "ResourceNotFoundException", "Put into a missing table",
               message="Requested resource not found")
    ctx.eq((resp or {}).get("message"), "Requested resource not found", "body `message` member")


@test("B", ALT_TX)
def transact_write_reasons_order(ctx):
    # alternator test_transact_write_cancellation_reasons_conditionalcheckfailed: every failed condition is
    # reported, in request order; "None" reasons carry no Message. ..._validationerror: only the first
    # validation error is reported, the rest (even a false condition) are "None".
    t, _ = make_table("txr")
    p = [uuid.uuid4().hex for _ in range(4)]
    resp = err_of(DDB.transact_write_items, TransactItems=[
        {"Put": {"TableName": t, "Item": {"id": S(p[0])}}},
        {"Put": {"TableName": t, "Item": {"id": S(p[1])}, "ConditionExpression": "attribute_not_exists(id)"}},
        {"ConditionCheck": {"TableName": t, "Key": {"id": S(p[2])}, "ConditionExpression": "attribute_exists(id)"}},
        {"Put": {"TableName": t, "Item": {"id": S(p[3])}, "ConditionExpression": "attribute_exists(id)"}},
    ])
    reasons = (resp or {}).get("CancellationReasons", [])
    ctx.eq([(r["Code"], "Message" in r) for r in reasons],
           [("None", False), ("None", False), ("ConditionalCheckFailed", True), ("ConditionalCheckFailed", True)],
           "reasons for two false conditions")
    ctx.eq([DDB.get_item(TableName=t, Key={"id": S(k)}, ConsistentRead=True).get("Item") for k in p[:2]], [None, None],
           "nothing written by the cancelled transaction")
    resp = err_of(RAW_DDB.transact_write_items, TransactItems=[
        {"Put": {"TableName": t, "Item": {"id": N(7)}}},
        {"Put": {"TableName": t, "Item": {"id": N(8)}}},
        {"Put": {"TableName": t, "Item": {"id": S(p[0])}, "ConditionExpression": "attribute_exists(id)"}},
    ])
    ctx.eq((code(resp), [(r["Code"], "Message" in r) for r in (resp or {}).get("CancellationReasons", [])]),
           ("TransactionCanceledException", [("ValidationError", True), ("None", False), ("None", False)]),
           "reasons for two wrongly typed keys and a false condition")


@test("B", "aws/aws-sdk-net#1292 (AWS body: [None, ValidationError] 'The provided expression refers to an attribute "
           "that does not exist in the item'); aws/aws-sdk-java-v2#3561 (AWS: 2 null updateExpression errors)")
def transact_write_runtime_and_null_update_errors(ctx):
    t, _ = make_table("txv")
    DDB.put_item(TableName=t, Item={"id": S("a")})
    resp = err_of(DDB.transact_write_items, TransactItems=[
        {"Put": {"TableName": t, "Item": {"id": S("b")}}},
        {"Update": {"TableName": t, "Key": {"id": S("a")}, "UpdateExpression": "SET c = c + :one",
                    "ExpressionAttributeValues": {":one": N(1)}}},
    ])
    ctx.eq(((resp or {}).get("Message"), (resp or {}).get("CancellationReasons")),
           ("Transaction cancelled, please refer cancellation reasons for specific reasons [None, ValidationError]",
            [{"Code": "None"}, {"Code": "ValidationError",
                                "Message": "The provided expression refers to an attribute that does not exist in the item"}]),
           "Update on a missing attribute inside a transaction")
    resp = err_of(RAW_DDB.transact_write_items, TransactItems=[
        {"Update": {"TableName": t, "Key": {"id": S("a")}}},
        {"Put": {"TableName": t, "Item": {"id": S("b")}}},
        {"Update": {"TableName": t, "Key": {"id": S("c")}}},
    ])
    expect_err(ctx, resp, 400, "ValidationException", "two Updates without UpdateExpression",
               message="2 validation errors detected: Value null at 'transactItems.1.member.update.updateExpression' "
                       "failed to satisfy constraint: Member must not be null; Value null at "
                       "'transactItems.3.member.update.updateExpression' failed to satisfy constraint: Member must not be null")


@test("B", MOTO)
def transact_write_validation_texts(ctx):
    # moto test_dynamodb_transactions.py aws_verified: test_transact_write_items__put_and_delete_on_same_item,
    # test_transaction_with_empty_key, test_transact_write_items__update_with_multiple_set_clauses.
    t, _ = make_table("txm", key="pk", range_key="sk")
    resp = err_of(DDB.transact_write_items, TransactItems=[
        {"Put": {"TableName": t, "Item": {"pk": S("test-pk"), "sk": S("test-sk"), "field": S("f")}}},
        {"Delete": {"TableName": t, "Key": {"pk": S("test-pk"), "sk": S("test-sk")}}},
    ])
    expect_err(ctx, resp, 400, "ValidationException", "Put and Delete of one item",
               message="Transaction request cannot include multiple operations on one item")
    resp = err_of(DDB.transact_write_items, TransactItems=[
        {"Update": {"TableName": t, "Key": {"pk": S(""), "sk": S("x")}, "UpdateExpression": "SET sth = :v",
                    "ExpressionAttributeValues": {":v": N(0)}}}])
    expect_err(ctx, resp, 400, "ValidationException", "empty key value",
               message="One or more parameter values are not valid. The AttributeValue for a key attribute cannot "
                       "contain an empty string value. Key: pk")
    resp = err_of(DDB.transact_write_items, TransactItems=[
        {"Update": {"TableName": t, "Key": {"pk": S("s"), "sk": S("t")},
                    "UpdateExpression": "SET expire_at_utc = :e SET is_final = :true ADD version :one",
                    "ExpressionAttributeValues": {":true": {"BOOL": True}, ":one": N(1), ":e": S("asdf")}}}])
    expect_err(ctx, resp, 400, "ValidationException", "two SET sections",
               message='Invalid UpdateExpression: The "SET" section can only be used once in an update expression;')


@test("B", ALT_TX)
def transact_limits_and_request_level_errors(ctx):
    # alternator: test_transact_write_items_101 / _empty / _multi_action_conflict / _clientrequesttoken_length /
    # _put_5MB / _delete_5MB / test_transact_get_items_101 / _missing_* / _unused_* / _syntax_error /
    # _serialization_exception / _single_conditioncheck_unconditional (errors of the whole request).
    t, _ = make_table("txl")
    put = lambda k: {"Put": {"TableName": t, "Item": {"id": S(k)}}}  # noqa: E731
    cases = [
        ("101 writes", RAW_DDB.transact_write_items, {"TransactItems": [put(f"k{i}") for i in range(101)]},
         "ValidationException", r"[tT]ransactItems.*100"),
        ("no writes", RAW_DDB.transact_write_items, {"TransactItems": []}, "ValidationException", r"[tT]ransactItems"),
        ("101 reads", RAW_DDB.transact_get_items,
         {"TransactItems": [{"Get": {"TableName": t, "Key": {"id": S(str(i))}}} for i in range(101)]},
         "ValidationException", r"[tT]ransactItems.*100"),
        ("Put and ConditionCheck of one item", DDB.transact_write_items,
         {"TransactItems": [put("p1"), {"ConditionCheck": {"TableName": t, "Key": {"id": S("p1")},
                                                           "ConditionExpression": "attribute_not_exists(id)"}}]},
         "ValidationException", r"one item"),
        ("37-character token", RAW_DDB.transact_write_items,
         {"ClientRequestToken": "x" * 37, "TransactItems": [put("p2")]}, "ValidationException", r"[cC]lientRequestToken"),
        ("ConditionCheck without condition", RAW_DDB.transact_write_items,
         {"TransactItems": [{"ConditionCheck": {"TableName": t, "Key": {"id": S("p3")}}}]},
         "ValidationException", r"[cC]onditionExpression"),
        ("undefined #name", DDB.transact_write_items,
         {"TransactItems": [{"Put": {"TableName": t, "Item": {"id": S("q")}, "ConditionExpression": "attribute_exists(#xyz)"}}]},
         "ValidationException", r"#xyz"),
        ("unused :value", DDB.transact_write_items,
         {"TransactItems": [{"Put": {"TableName": t, "Item": {"id": S("q")}, "ConditionExpression": "attribute_exists(id)",
                                     "ExpressionAttributeValues": {":xyz": N(7)}}}]}, "ValidationException", r"unused.*:xyz"),
        ("syntax error", DDB.transact_write_items,
         {"TransactItems": [{"Put": {"TableName": t, "Item": {"id": S("q")}, "ConditionExpression": "hello!"}}]},
         "ValidationException", r"Syntax error"),
        ("number as attribute name", RAW_DDB.transact_write_items,
         {"TransactItems": [{"Put": {"TableName": t, "Item": {"id": S("q")}, "ConditionExpression": "attribute_exists(id)",
                                     "ExpressionAttributeNames": {"#xyz": 7}}}]}, "SerializationException", r""),
        ("unused #name in a Get", DDB.transact_get_items,
         {"TransactItems": [{"Get": {"TableName": t, "Key": {"id": S("q")}, "ProjectionExpression": "#xx",
                                     "ExpressionAttributeNames": {"#xx": "x", "#qq": "q"}}}]}, "ValidationException", r"unused.*#qq"),
    ]
    got = []
    for what, fn, kw, want_code, pattern in cases:
        resp = err_of(fn, **kw)
        ok = resp is not None and code(resp) == want_code and re.search(pattern, msg(resp)) is not None
        got.append((what, "ok" if ok else (code(resp), msg(resp)[-160:])))
    ctx.eq([g for g in got if g[1] != "ok"], [], "request-level errors (type and message pattern)")
    long = "x" * 100000
    resp = err_of(DDB.transact_write_items, TransactItems=[
        {"Put": {"TableName": t, "Item": {"id": S(f"big{i}"), "x": S(long)}}} for i in range(50)])
    ctx.check(code(resp) == "ValidationException" and "size cannot exceed" in msg(resp),
              f"50 x 100 KB Puts: expected ValidationException '...size cannot exceed...', got {code(resp)} {msg(resp)!r}")
    for i in range(0, 50, 25):
        DDB.batch_write_item(RequestItems={t: [{"PutRequest": {"Item": {"id": S(f"big{j}"), "x": S(long)}}}
                                               for j in range(i, i + 25)]})
    resp = err_of(DDB.transact_write_items, TransactItems=[
        {"Delete": {"TableName": t, "Key": {"id": S(f"big{i}")}}} for i in range(50)])
    ctx.eq(code(resp), None, "deleting 5 MB of items in a small transaction")


@test("B", ALT_TX + "; boto/boto3#2657 (AWS body with Item in the reason)")
def transact_write_return_values_on_failure(ctx):
    # alternator test_transact_write_items_returnvaluesonconditioncheckfailure.
    t, _ = make_table("txo")
    item = {"id": S("p"), "x": N(42), "y": S("dog")}
    DDB.put_item(TableName=t, Item=item)
    upd = lambda rv: {"Update": {"ReturnValuesOnConditionCheckFailure": rv, "TableName": t, "Key": {"id": S("p")},  # noqa: E731
                                 "ConditionExpression": "x = :fourtythree", "UpdateExpression": "SET x = x + :one",
                                 "ExpressionAttributeValues": {":one": N(1), ":fourtythree": N(43)}}}
    resp = err_of(DDB.transact_write_items, TransactItems=[upd("ALL_OLD")])
    ctx.eq((resp or {}).get("CancellationReasons"),
           [{"Code": "ConditionalCheckFailed", "Message": "The conditional request failed", "Item": item}], "ALL_OLD reason")
    resp = err_of(DDB.transact_write_items, TransactItems=[upd("NONE")])
    ctx.eq([("Item" in r, r["Code"]) for r in (resp or {}).get("CancellationReasons", [])],
           [(False, "ConditionalCheckFailed")], "NONE reason")
    resp = err_of(RAW_DDB.transact_write_items, TransactItems=[upd("none")])
    ctx.check(code(resp) == "ValidationException" and re.search(r"[rR]eturnValuesOnConditionCheckFailure", msg(resp)),
              f"'none': expected ValidationException naming ReturnValuesOnConditionCheckFailure, got {code(resp)} {msg(resp)!r}")


# ================================================================================== TransactGetItems / Batch*
@test("B", "getmoto/moto test_dynamodb_transact.py test_invalid_transact_get_items; " + CONF)
def transact_get_missing_table_and_item(ctx):
    t, _ = make_table("tg")
    DDB.put_item(TableName=t, Item={"id": S("1")})
    resp = err_of(DDB.transact_get_items, TransactItems=[
        {"Get": {"Key": {"id": S("1")}, "TableName": t}},
        {"Get": {"Key": {"id": S("1")}, "TableName": "non_exists_table"}}])
    expect_err(ctx, resp, 400, "ResourceNotFoundException", "Get from a missing table", message="Requested resource not found")
    got = DDB.transact_get_items(TransactItems=[{"Get": {"Key": {"id": S("1")}, "TableName": t}},
                                                {"Get": {"Key": {"id": S("2")}, "TableName": t}}])
    ctx.eq(got["Responses"], [{"Item": {"id": S("1")}}, {}], "an absent item answers {}")


@test("A", LS)
def batch_write_and_get_basics(ctx):
    # LocalStack test_batch_write_items, test_batch_write_binary, test_dynamodb_get_batch_items.
    t, _ = make_table("bw")
    DDB.put_item(TableName=t, Item={"id": S("Fred")})
    resp = DDB.batch_write_item(RequestItems={t: [{"DeleteRequest": {"Key": {"id": S("Fred")}}},
                                                  {"PutRequest": {"Item": {"id": S("Bob")}}}]})
    ctx.eq(body(resp), {"UnprocessedItems": {}}, "BatchWriteItem response")
    resp = DDB.batch_write_item(RequestItems={t: [{"PutRequest": {"Item": {"id": S("b1"), "data": {"B": b"test-1"}}}},
                                                  {"PutRequest": {"Item": {"id": S("b2"), "data": {"B": b"test \xc0 \xed"}}}}]})
    ctx.eq(body(resp), {"UnprocessedItems": {}}, "BatchWriteItem with non-UTF-8 binary")
    resp = DDB.batch_get_item(RequestItems={t: {"Keys": [{"id": S("test-key")}]}})
    ctx.eq(body(resp), {"Responses": {t: []}, "UnprocessedKeys": {}}, "BatchGetItem of an absent key")


@test("A", LS)
def batch_write_not_matching_schema(ctx):
    # LocalStack test_batch_write_not_matching_schema.
    t, _ = make_table("bws", range_key="sortKey")
    resp = err_of(DDB.batch_write_item, RequestItems={t: [{"PutRequest": {"Item": {"nonKey": S("hello")}}}]})
    expect_err(ctx, resp, 400, "ValidationException", "item without its keys",
               message="The provided key element does not match the schema")


@test("B", CONF + " tier3/error-messages/batchWriteItem.test.ts + batchGetItem.test.ts")
def batch_limits_and_messages(ctx):
    t, _ = make_table("bwl", key="pk")
    resp = err_of(RAW_DDB.batch_write_item, RequestItems={})
    expect_err(ctx, resp, 400, "ValidationException", "BatchWriteItem {}",
               message="The requestItems parameter is required for BatchWriteItem")
    resp = err_of(RAW_DDB.batch_get_item, RequestItems={})
    expect_err(ctx, resp, 400, "ValidationException", "BatchGetItem {}",
               message="The requestItems parameter is required for BatchGetItem")
    resp = err_of(DDB.batch_write_item, RequestItems={t: [{"PutRequest": {"Item": {"pk": S(f"bw-{i}")}}} for i in range(26)]})
    pattern = (rf"^1 validation error detected: Value '\{{{re.escape(t)}=\[.+\]\}}' at 'requestItems' failed to satisfy "
               r"constraint: Map value must satisfy constraint: \[Member must have length less than or equal to 25, "
               r"Member must have length greater than or equal to 1\]$")
    ctx.check(code(resp) == "ValidationException" and re.match(pattern, msg(resp), re.S),
              f"26 writes: expected the 'Map value must satisfy constraint' error, got {code(resp)} {msg(resp)[-200:]!r}")
    resp = err_of(RAW_DDB.batch_get_item, RequestItems={t: {"Keys": [{"pk": S(f"bg-{i}")} for i in range(101)]}})
    # The echoed value and the field's case changed during AWS's 2026 rewording (captures/2026-06-09-*.json):
    # the contract kept across regions is the field path and the constraint.
    pattern = (rf"^1 validation error detected: Value .*at '(?i:requestItems\.{re.escape(t)}\.member\.keys)' failed to "
               r"satisfy constraint: Member must have length less than or equal to 100$")
    ctx.check(code(resp) == "ValidationException" and re.match(pattern, msg(resp), re.S),
              f"101 keys: expected the keys-length error, got {code(resp)} {msg(resp)[-200:]!r}")
    for what, fn, kw in [("BatchWriteItem", DDB.batch_write_item,
                          {"RequestItems": {"_conformance_does_not_exist_em_bw": [{"PutRequest": {"Item": {"pk": S("test")}}}]}}),
                         ("BatchGetItem", DDB.batch_get_item,
                          {"RequestItems": {"_conformance_does_not_exist_em_bg": {"Keys": [{"pk": S("test")}]}}})]:
        expect_err(ctx, err_of(fn, **kw), 400, "ResourceNotFoundException", f"{what} on a missing table",
                   message="Requested resource not found")


@test("B", ALT_BATCH + "; " + CONF)
def batch_duplicates(ctx):
    # alternator test_batch_write_duplicate_write / _delete / _write_and_delete / _nonduplicate_multiple_tables /
    # test_batch_write_invalid_operation; conformance 'duplicate keys in one Keys array'.
    t, _ = make_table("bwd", key="p", range_key="c")
    t2, _ = make_table("bwd2", key="p", range_key="c")
    k = {"p": S("p"), "c": S("c")}
    dups = {
        "put+put": [{"PutRequest": {"Item": k}}, {"PutRequest": {"Item": k}}],
        "delete+delete": [{"DeleteRequest": {"Key": k}}, {"DeleteRequest": {"Key": k}}],
        "delete+put": [{"DeleteRequest": {"Key": k}}, {"PutRequest": {"Item": k}}],
    }
    got = {name: (code(r), msg(r)) for name, reqs in dups.items() for r in [err_of(DDB.batch_write_item, RequestItems={t: reqs})]}
    want = {name: ("ValidationException", "Provided list of item keys contains duplicates") for name in dups}
    ctx.eq(got, want, "BatchWriteItem touching one key twice")
    resp = err_of(DDB.batch_get_item, RequestItems={t: {"Keys": [k, k]}})
    ctx.eq((code(resp), msg(resp)), ("ValidationException", "Provided list of item keys contains duplicates"),
           "BatchGetItem asking one key twice")
    ok = err_of(DDB.batch_write_item, RequestItems={
        t: [{"PutRequest": {"Item": k}}, {"PutRequest": {"Item": {"p": S("p"), "c": S("other")}}}],
        t2: [{"PutRequest": {"Item": k}}]})
    ctx.eq(code(ok), None, "one key in two tables, and keys sharing one component, are not duplicates")
    resp = err_of(RAW_DDB.batch_write_item, RequestItems={t: [{"PutRequest": {"Item": {"p": S("v1"), "c": S("x")}}},
                                                              {"PutRequest": {"Item": {"p": N(3), "c": S("x")}}}]})
    ctx.eq((code(resp), DDB.get_item(TableName=t, Key={"p": S("v1"), "c": S("x")}, ConsistentRead=True).get("Item")),
           ("ValidationException", None), "a batch with one wrongly typed key is refused whole")


# ================================================================================== DynamoDB Streams
@test("A", LS)
def stream_keys_only_records(ctx):
    # LocalStack test_dynamodb_stream_stream_view_type (create-table, describe-stream, get-shard-iterator,
    # get-records snapshots; a second identical PutItem writes no record; PartiQL writes do).
    t, desc = make_table("sko", key="Username", view="KEYS_ONLY")
    arn = desc["LatestStreamArn"]
    ctx.eq((desc["StreamSpecification"], arn.endswith(f":table/{t}/stream/{desc['LatestStreamLabel']}")),
           ({"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}, True), "CreateTable stream members")
    DDB.put_item(TableName=t, Item={"Username": S("Fred")})
    DDB.put_item(TableName=t, Item={"Username": S("Fred")})
    DDB.update_item(TableName=t, Key={"Username": S("Fred")}, UpdateExpression="set S=:r",
                    ExpressionAttributeValues={":r": S("Fred_Modified")}, ReturnValues="UPDATED_NEW")
    DDB.delete_item(TableName=t, Key={"Username": S("Fred")})
    sd = STREAMS.describe_stream(StreamArn=arn)["StreamDescription"]
    ctx.eq((sorted(sd), [sorted(s) for s in sd["Shards"]], sorted(sd["Shards"][0]["SequenceNumberRange"]),
            sd["StreamStatus"], sd["StreamViewType"], sd["TableName"], sd["KeySchema"]),
           (["CreationRequestDateTime", "KeySchema", "Shards", "StreamArn", "StreamLabel", "StreamStatus",
             "StreamViewType", "TableName"], [["SequenceNumberRange", "ShardId"]], ["StartingSequenceNumber"],
            "ENABLED", "KEYS_ONLY", t, [{"AttributeName": "Username", "KeyType": "HASH"}]), "DescribeStream")
    DDB.execute_statement(Statement=f"INSERT INTO \"{t}\" VALUE {{'Username': 'Alice'}}")
    DDB.execute_statement(Statement=f"UPDATE \"{t}\" SET partiql=1 WHERE Username='Alice'")
    DDB.execute_statement(Statement=f"DELETE FROM \"{t}\" WHERE Username='Alice'")
    start = sd["Shards"][0]["SequenceNumberRange"]["StartingSequenceNumber"]
    it = STREAMS.get_shard_iterator(StreamArn=arn, ShardId=sd["Shards"][0]["ShardId"],
                                    ShardIteratorType="AT_SEQUENCE_NUMBER", SequenceNumber=start)["ShardIterator"]
    records, _ = read_records(it, 6)
    fred, alice = {"Username": S("Fred")}, {"Username": S("Alice")}
    ctx.eq(shape(records), [("INSERT", fred, None, None, 12), ("MODIFY", fred, None, None, 12),
                            ("REMOVE", fred, None, None, 12), ("INSERT", alice, None, None, 13),
                            ("MODIFY", alice, None, None, 13), ("REMOVE", alice, None, None, 13)], "KEYS_ONLY records")
    ctx.eq(sorted({tuple(sorted(r)) for r in records}),
           [("awsRegion", "dynamodb", "eventID", "eventName", "eventSource", "eventVersion")], "record members")
    constant_fields(ctx, records, "KEYS_ONLY", "KEYS_ONLY records")


@test("A", LS)
def stream_batch_write_records(ctx):
    # LocalStack test_batch_write_items_streaming: overwriting with the same item writes no record.
    t, desc = make_table("sbw", view="NEW_AND_OLD_IMAGES")
    it = iterator(desc["LatestStreamArn"])
    DDB.put_item(TableName=t, Item={"id": S("Fred")})
    r1 = DDB.batch_write_item(RequestItems={t: [{"PutRequest": {"Item": {"id": S("Fred")}}},
                                                {"PutRequest": {"Item": {"id": S("NewKey")}}}]})
    r2 = DDB.batch_write_item(RequestItems={t: [{"DeleteRequest": {"Key": {"id": S("NewKey")}}},
                                                {"PutRequest": {"Item": {"id": S("Fred"), "name": S("Fred")}}}]})
    ctx.eq((body(r1), body(r2)), ({"UnprocessedItems": {}}, {"UnprocessedItems": {}}), "BatchWriteItem responses")
    records, _ = read_records(it, 4)
    fred, new = {"id": S("Fred")}, {"id": S("NewKey")}
    ctx.eq(shape(records), [("INSERT", fred, fred, None, 12), ("INSERT", new, new, None, 16),
                            ("REMOVE", new, None, new, 16), ("MODIFY", fred, {"id": S("Fred"), "name": S("Fred")}, fred, 26)],
           "NEW_AND_OLD_IMAGES records of BatchWriteItem")
    constant_fields(ctx, records, "NEW_AND_OLD_IMAGES", "BatchWriteItem records")


@test("A", LS)
def stream_transact_write_records(ctx):
    # LocalStack test_transact_write_items_streaming and ..._for_different_tables.
    t, desc = make_table("stw", view="NEW_AND_OLD_IMAGES")
    plain, _ = make_table("stw-plain")
    it = iterator(desc["LatestStreamArn"])
    DDB.put_item(TableName=t, Item={"id": S("Fred")})
    set1 = lambda key: {"Update": {"TableName": t, "Key": {"id": S(key)}, "UpdateExpression": "SET attr1 = :v1",  # noqa: E731
                                   "ExpressionAttributeValues": {":v1": S("value1")}}}
    responses = [
        DDB.transact_write_items(TransactItems=[{"Put": {"TableName": t, "Item": {"id": S("Fred")}}},
                                                {"Put": {"TableName": t, "Item": {"id": S("NewKey")}}}]),
        DDB.transact_write_items(TransactItems=[{"Update": {
            "TableName": t, "Key": {"id": S("NewKey")}, "UpdateExpression": "SET attr1 = :v1, attr2 = :v2",
            "ExpressionAttributeValues": {":v1": S("value1"), ":v2": S("value2")}}}]),
        DDB.transact_write_items(TransactItems=[set1("NonExistentKey")]),
        DDB.transact_write_items(TransactItems=[{"Delete": {"TableName": t, "Key": {"id": S("NewKey")}}},
                                                {"Put": {"TableName": t, "Item": {"id": S("Fred"), "name": S("Fred")}}},
                                                set1("NonExistentKey")]),
        DDB.transact_write_items(TransactItems=[{"Put": {"TableName": plain, "Item": {"id": S("Fred2")}}},
                                                {"Put": {"TableName": t, "Item": {"id": S("Fred2")}}}]),
    ]
    ctx.eq([body(r) for r in responses], [{}] * 5, "TransactWriteItems responses")
    records, _ = read_records(it, 7)
    fred, new, nek = {"id": S("Fred")}, {"id": S("NewKey")}, {"id": S("NonExistentKey")}
    new_full = {"id": S("NewKey"), "attr1": S("value1"), "attr2": S("value2")}
    ctx.eq(shape(records), [
        ("INSERT", fred, fred, None, 12), ("INSERT", new, new, None, 16), ("MODIFY", new, new_full, new, 46),
        ("INSERT", nek, {"id": S("NonExistentKey"), "attr1": S("value1")}, None, 43), ("REMOVE", new, None, new_full, 38),
        ("MODIFY", fred, {"id": S("Fred"), "name": S("Fred")}, fred, 26), ("INSERT", {"id": S("Fred2")}, {"id": S("Fred2")}, None, 14),
    ], "records of the transactions (no record for unchanged items; none for the stream-less table)")
    constant_fields(ctx, records, "NEW_AND_OLD_IMAGES", "TransactWriteItems records")


@test("A", LS)
def stream_update_item_records(ctx):
    # LocalStack test_dynamodb_stream_records_with_update_item: a no-op update writes no record;
    # ApproximateCreationDateTime is whole seconds; records follow the shard's StartingSequenceNumber.
    t, desc = make_table("sui", view="NEW_AND_OLD_IMAGES")
    arn = desc["LatestStreamArn"]
    start = int(STREAMS.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["SequenceNumberRange"]["StartingSequenceNumber"])
    it = iterator(arn)
    upd = lambda a, b: DDB.update_item(TableName=t, Key={"id": S("my-item-id")},  # noqa: E731
                                       UpdateExpression="SET attr1 = :v1, attr2 = :v2",
                                       ExpressionAttributeValues={":v1": S(a), ":v2": S(b)})
    upd("value1", "value2")
    upd("value1", "value2")
    upd("value2", "value3")
    records, _ = read_records(it, 2)
    k = {"id": S("my-item-id")}
    v12 = {"id": S("my-item-id"), "attr1": S("value1"), "attr2": S("value2")}
    ctx.eq(shape(records), [("INSERT", k, v12, None, 46),
                            ("MODIFY", k, {"id": S("my-item-id"), "attr1": S("value2"), "attr2": S("value3")}, v12, 80)],
           "UpdateItem records")
    times = [r["dynamodb"]["ApproximateCreationDateTime"] for r in records]
    ctx.check(all(isinstance(x, datetime) and x.microsecond == 0 for x in times)
              and all(int(r["dynamodb"]["SequenceNumber"]) > start for r in records),
              f"ApproximateCreationDateTime whole seconds and SequenceNumber > StartingSequenceNumber: {times}")


@test("A", LS)
def stream_binary_images(ctx):
    # LocalStack test_data_encoding_consistency: binary values come back unchanged in stream images.
    t, desc = make_table("sbin", view="NEW_AND_OLD_IMAGES")
    it = iterator(desc["LatestStreamArn"])
    DDB.put_item(TableName=t, Item={"id": S("id1"), "version": N(1), "data": {"B": b"\x90"}})
    DDB.update_item(TableName=t, Key={"id": S("id1")}, UpdateExpression="SET version=:v", ExpressionAttributeValues={":v": N(2)})
    records, _ = read_records(it, 2)
    ctx.eq([r["dynamodb"].get("NewImage") for r in records],
           [{"id": S("id1"), "version": N(1), "data": {"B": b"\x90"}}, {"id": S("id1"), "version": N(2), "data": {"B": b"\x90"}}],
           "NewImage of the put and of the update")


@test("A", LS)
def stream_shard_iterator_format_and_paging(ctx):
    # LocalStack test_dynamodb_streams_shard_iterator_format (stream enabled by UpdateTable; iterators are
    # '<stream arn>|<digit>|...'; an empty shard answers no records and a next iterator) and
    # test_dynamodb_streams_describe_with_exclusive_start_shard_id.
    t, _ = make_table("sif", key="my_partition_key")
    arn = DDB.update_table(TableName=t, StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
                           )["TableDescription"]["LatestStreamArn"]
    it = iterator(arn)
    matches = lambda s: bool(re.match(rf"^{re.escape(arn)}\|\d\|.+$", s or ""))  # noqa: E731
    resp = STREAMS.get_records(ShardIterator=it)
    ctx.eq((matches(it), resp["Records"], matches(resp.get("NextShardIterator"))), (True, [], True),
           "iterator format, empty first read, next iterator format")
    shard = shard_of(arn)
    after = STREAMS.describe_stream(StreamArn=arn, ExclusiveStartShardId=shard)["StreamDescription"]["Shards"]
    ctx.check(all(s["ShardId"] != shard for s in after), f"ExclusiveStartShardId excluded from {after}")


@test("B", "localstack/localstack#11343 (TTL REMOVE record logged on AWS: no NewImage, size_bytes 91, "
           "user_identity principalId dynamodb.amazonaws.com, type Service)")
def stream_ttl_deletion_record(ctx):
    # The same item as in the issue: expired_at=1723213300, id a 36-character uuid, NEW_AND_OLD_IMAGES.
    # AWS deletes expired items within days; an emulator may delete them when read. TTL ignores expiry times
    # more than five years old, so this recorded item stays usable until August 2029.
    t, desc = make_table("sttl", view="NEW_AND_OLD_IMAGES")
    DDB.update_time_to_live(TableName=t, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expired_at"})
    it = iterator(desc["LatestStreamArn"])
    key = {"id": S("1e561388-7ae6-4e9d-8c16-328c3703bd94")}
    item = {**key, "expired_at": N(1723213300)}
    DDB.put_item(TableName=t, Item=item)
    deadline, records = time.time() + 20, []
    while time.time() < deadline and len(records) < 2:
        DDB.get_item(TableName=t, Key=key)
        records, _ = read_records(it, 2, timeout=2)
    ctx.eq(shape(records[1:2]), [("REMOVE", key, None, item, 91)], "the TTL deletion's record")
    ctx.eq(records[1].get("userIdentity") if len(records) > 1 else None,
           {"PrincipalId": "dynamodb.amazonaws.com", "Type": "Service"}, "userIdentity of the TTL deletion")
    ctx.eq("userIdentity" in records[0] if records else None, False, "no userIdentity on the user's own PutItem")


@test("B", ALT_STREAMS)
def stream_view_type_images(ctx):
    # alternator test_streams_new_image / test_streams_new_and_old_images / test_streams_updateitem_old_image_empty_item
    # and do_updates_1: an UpdateItem with only a Key creates an empty item; REMOVE of all attributes leaves a
    # key-only image; deleting an absent item and re-putting an equal item write nothing.
    k = {"p": S("p1"), "c": S("c1")}
    kx2 = {**k, "x": N(2)}
    kx2y3 = {**kx2, "y": N(3)}
    results = {}
    for view in ("NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"):
        t, desc = make_table(f"sv{view[:3].lower()}", key="p", range_key="c", view=view)
        it = iterator(desc["LatestStreamArn"], "LATEST")
        DDB.update_item(TableName=t, Key=k, UpdateExpression="SET x = :v", ExpressionAttributeValues={":v": N(2)})
        DDB.put_item(TableName=t, Item=kx2)
        DDB.update_item(TableName=t, Key=k, UpdateExpression="SET y = :v", ExpressionAttributeValues={":v": N(3)})
        DDB.update_item(TableName=t, Key=k, UpdateExpression="REMOVE x, y")
        DDB.delete_item(TableName=t, Key=k)
        DDB.delete_item(TableName=t, Key=k)
        DDB.update_item(TableName=t, Key=k)
        records, _ = read_records(it, 5)
        results[view] = [(name, new, old) for name, _, new, old, _ in shape(records)]
    full = [("INSERT", kx2, None), ("MODIFY", kx2y3, kx2), ("MODIFY", k, kx2y3), ("REMOVE", None, k), ("INSERT", k, None)]
    want = {"NEW_IMAGE": [(n, new, None) for n, new, _ in full], "OLD_IMAGE": [(n, None, old) for n, _, old in full],
            "NEW_AND_OLD_IMAGES": full}
    ctx.eq(results, want, "images per StreamViewType")


@test("B", ALT_STREAMS)
def stream_api_errors(ctx):
    # alternator test_get_shard_iterator, test_get_shard_iterator_for_nonexistent_stream / _shard,
    # test_describe_nonexistent_stream, test_describe_stream_with_nonexistent_last_shard,
    # test_get_records_nonexistent_iterator, test_list_streams_with_nonexistent_last_stream,
    # test_list_streams_zero_limit, test_get_records_too_high_limit.
    t, desc = make_table("serr", view="KEYS_ONLY")
    arn = desc["LatestStreamArn"]
    shard = STREAMS.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
    sid, seq = shard["ShardId"], shard["SequenceNumberRange"]["StartingSequenceNumber"]
    ok = {kind: bool(STREAMS.get_shard_iterator(StreamArn=arn, ShardId=sid, ShardIteratorType=kind,
                                                **({"SequenceNumber": seq} if "SEQUENCE" in kind else {})).get("ShardIterator"))
          for kind in ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER", "TRIM_HORIZON", "LATEST")}
    ctx.eq(ok, dict.fromkeys(ok, True), "iterators of every type")
    latest = STREAMS.get_shard_iterator(StreamArn=arn, ShardId=sid, ShardIteratorType="LATEST")["ShardIterator"]
    gsi = RAW_STREAMS.get_shard_iterator
    cases = [
        ("AT_SEQUENCE_NUMBER without SequenceNumber", gsi, {"StreamArn": arn, "ShardId": sid, "ShardIteratorType": "AT_SEQUENCE_NUMBER"}, "ValidationException"),
        ("TRIM_HORIZON with SequenceNumber", gsi, {"StreamArn": arn, "ShardId": sid, "ShardIteratorType": "TRIM_HORIZON", "SequenceNumber": seq}, "ValidationException"),
        ("unknown iterator type", gsi, {"StreamArn": arn, "ShardId": sid, "ShardIteratorType": "bulle", "SequenceNumber": seq}, "ValidationException"),
        ("garbage SequenceNumber", gsi, {"StreamArn": arn, "ShardId": sid, "ShardIteratorType": "LATEST", "SequenceNumber": "sdfsafglldfngjdafnasdflgnaldklkafdsgklnasdlv"}, "ValidationException"),
        ("garbage StreamArn", gsi, {"StreamArn": "sdfadfsddafgdafsgjnadflkgnalngalsdfnlkasnlkasdfasdfasf", "ShardId": sid, "ShardIteratorType": "LATEST"}, "ValidationException"),
        ("unknown ShardId", gsi, {"StreamArn": arn, "ShardId": "adfasdasdasdasdasdasdasdasdasasdasd", "ShardIteratorType": "LATEST"}, "ResourceNotFoundException"),
        ("DescribeStream of garbage", RAW_STREAMS.describe_stream, {"StreamArn": "sdfadfsdfnlfkajakfgjalksfgklasjklasdjfklasdfasdfgasf"}, "ValidationException"),
        ("GetRecords of garbage", RAW_STREAMS.get_records, {"ShardIterator": "sdfsdfsgagaddafgagasgasgasdfasdfasdfasdfasdgasdasdgasdg", "Limit": 1000}, "ValidationException"),
        ("ListStreams after garbage", RAW_STREAMS.list_streams, {"TableName": t, "ExclusiveStartStreamArn": "kossaapaaasdafsdaasdasdasdasasdasfadfadfasdasdas"}, "ValidationException"),
        ("ListStreams Limit=0", RAW_STREAMS.list_streams, {"Limit": 0}, "ValidationException"),
        ("GetRecords Limit=1001", RAW_STREAMS.get_records, {"ShardIterator": latest, "Limit": 1001}, "ValidationException"),
        ("GetRecords Limit=0", RAW_STREAMS.get_records, {"ShardIterator": latest, "Limit": 0}, "ValidationException"),
    ]
    got = {what: code(err_of(fn, **kw)) for what, fn, kw, _ in cases}
    ctx.eq(got, {what: want for what, _, _, want in cases}, "stream API errors (codes)")
    empty = STREAMS.describe_stream(StreamArn=arn, ExclusiveStartShardId="zzzzzzzzzzzzzzzzzzzzzzzzsfasdgagadfadfgagkjsdfsfsdjfjks")
    ctx.eq((empty["StreamDescription"]["Shards"], body(STREAMS.get_records(ShardIterator=latest, Limit=1000))["Records"]),
           ([], []), "DescribeStream after an unknown last shard; GetRecords Limit=1000 at LATEST")


@test("B", ALT_STREAMS + " test_list_streams_too_high_limit (xfail on Alternator only: AWS refuses Limit > 100)")
def stream_list_streams_limit_over_100(ctx):
    make_table("sls", view="KEYS_ONLY")
    resp = err_of(RAW_STREAMS.list_streams, Limit=101)
    ctx.check(code(resp) == "ValidationException",
              f"ListStreams Limit=101: expected ValidationException (the documented upper limit is 100), "
              f"got {code(resp) or 'a 200 answer'}")


@test("B", "SeanRoy/lambda-maven-plugin#121 (AWS: 'Requested resource not found: Stream: <arn> not found'); "
           "ironSource/node-dynamodb-stream#16 (AWS: 'Requested resource not found: Shard does not exist')")
def stream_not_found_messages(ctx):
    t, desc = make_table("snf", view="KEYS_ONLY")
    arn = desc["LatestStreamArn"]
    gone = arn.replace(f"table/{t}/", "table/nimbus-no-such-table-x/")
    expect_err(ctx, err_of(STREAMS.describe_stream, StreamArn=gone), 400, "ResourceNotFoundException",
               "DescribeStream of an unknown stream", message=f"Requested resource not found: Stream: {gone} not found")
    expect_err(ctx, err_of(STREAMS.get_shard_iterator, StreamArn=arn, ShardId="shardId-00000001414576573621-f55eea83",
                           ShardIteratorType="LATEST"), 400, "ResourceNotFoundException", "GetShardIterator of an unknown shard",
               message="Requested resource not found: Shard does not exist")


@test("B", ALT_STREAMS)
def stream_enable_disable_rules(ctx):
    # alternator test_streams_change_type, test_streams_enable_on_enabled, test_streams_disable_on_disabled,
    # test_latest_stream_arn / _label, test_list_streams_paged.
    t, desc = make_table("sed", view="KEYS_ONLY")
    plain, _ = make_table("sed-plain")
    make_table("sed-2", view="KEYS_ONLY")
    listed = STREAMS.list_streams(TableName=t)["Streams"]
    table = DDB.describe_table(TableName=t)["Table"]
    ctx.eq(([s["StreamArn"] for s in listed], [s["StreamLabel"] for s in listed], table["LatestStreamArn"],
            table["LatestStreamLabel"], table["StreamSpecification"]),
           ([desc["LatestStreamArn"]], [desc["LatestStreamLabel"]], desc["LatestStreamArn"], desc["LatestStreamLabel"],
            {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}), "stream ARN/label in CreateTable, DescribeTable, ListStreams")
    cases = [(t, {"StreamEnabled": True, "StreamViewType": "OLD_IMAGE"}, r"already"),
             (t, {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}, r"already.*enabled"),
             (plain, {"StreamEnabled": False}, r"stream.*disable")]
    got = [(code(r), bool(re.search(p, msg(r)))) for tb, spec, p in cases
           for r in [err_of(DDB.update_table, TableName=tb, StreamSpecification=spec)]]
    ctx.eq(got, [("ValidationException", True)] * 3, "change type / enable again / disable without a stream")
    page = STREAMS.list_streams(Limit=1)
    ctx.eq((len(page["Streams"]), "LastEvaluatedStreamArn" in page), (1, True), "ListStreams Limit=1 pages")


@test("B", "ack-api-quirks dynamodb findings DDB-TABLE-050 + DDB-TABLE-442 (live probes on AWS us-west-2/us-east-1, "
           "verified 2026-10-09: the StreamSpecification ValidationException texts)")
def stream_specification_messages(ctx):
    base = {"KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}], "BillingMode": "PAY_PER_REQUEST"}
    t, _ = make_table("ssm", view="KEYS_ONLY")
    got = {
        "UpdateTable {true}": msg(err_of(RAW_DDB.update_table, TableName=t, StreamSpecification={"StreamEnabled": True})),
        "UpdateTable {false, KEYS_ONLY}": msg(err_of(DDB.update_table, TableName=t,
                                                     StreamSpecification={"StreamEnabled": False, "StreamViewType": "KEYS_ONLY"})),
        "CreateTable {true}": msg(err_of(RAW_DDB.create_table, TableName=new_name("ssm-c1"),
                                         StreamSpecification={"StreamEnabled": True}, **base)),
        "CreateTable {false, KEYS_ONLY}": msg(err_of(DDB.create_table, TableName=new_name("ssm-c2"),
                                                     StreamSpecification={"StreamEnabled": False, "StreamViewType": "KEYS_ONLY"}, **base)),
    }
    DDB.update_table(TableName=t, StreamSpecification={"StreamEnabled": False})
    got["UpdateTable {false} again"] = msg(err_of(DDB.update_table, TableName=t, StreamSpecification={"StreamEnabled": False}))
    invalid = "One or more parameter values were invalid: "
    ctx.eq(got, {
        "UpdateTable {true}": invalid + "If stream is being enabled then UpdateViewType is required",
        "UpdateTable {false, KEYS_ONLY}": invalid + "If stream is being disabled, then UpdateViewType must not be specified",
        "CreateTable {true}": invalid + "Table is being created with a stream enabled, UpdateViewType is required",
        "CreateTable {false, KEYS_ONLY}": invalid + "Table is being created with a stream disabled, UpdateViewType should not be specified",
        "UpdateTable {false} again": f"Table has no stream to disable: TableName: {t}",
    }, "StreamSpecification ValidationException messages")


@test("B", ALT_STREAMS)
def stream_closed_shard_reads(ctx):
    # alternator test_streams_closed_read / test_streams_disabled_stream / test_streams_last_result:
    # after disabling, the stream stays listed, DISABLED, its shard closed (decimal EndingSequenceNumber),
    # still readable; the end of a closed shard is a response without NextShardIterator.
    t, desc = make_table("scl", key="p", range_key="c", view="KEYS_ONLY")
    arn = desc["LatestStreamArn"]
    it = iterator(arn, "LATEST")
    DDB.update_item(TableName=t, Key={"p": S("a"), "c": S("b")}, UpdateExpression="SET x = :v", ExpressionAttributeValues={":v": N(5)})
    records, resp = read_records(it, 1)
    again = STREAMS.get_records(ShardIterator=resp["NextShardIterator"])
    ctx.eq((len(records), again["Records"], "NextShardIterator" in again), (1, [], True), "one record, then nothing more")
    DDB.update_table(TableName=t, StreamSpecification={"StreamEnabled": False})
    deadline, sd = time.time() + 60, {}
    while time.time() < deadline:
        sd = STREAMS.describe_stream(StreamArn=arn)["StreamDescription"]
        if sd["StreamStatus"] == "DISABLED":
            break
        time.sleep(1)
    rng = sd["Shards"][0]["SequenceNumberRange"] if sd.get("Shards") else {}
    ctx.eq((arn in [s["StreamArn"] for s in STREAMS.list_streams(TableName=t)["Streams"]], sd.get("StreamStatus"),
            rng.get("EndingSequenceNumber", "").isdecimal()), (True, "DISABLED", True), "the disabled stream")
    closed, _ = read_records(iterator(arn), 1)
    last = STREAMS.get_records(ShardIterator=again["NextShardIterator"])
    ctx.eq((len(closed), last["Records"], "NextShardIterator" in last), (1, [], False), "reading the closed shard to its end")


# ================================================================================== PartiQL
@test("A", LS)
def partiql_transaction_and_batch(ctx):
    # LocalStack test_dynamodb_execute_transaction, test_dynamodb_batch_execute_statement, test_dynamodb_partiql_missing.
    t, _ = make_table("pq", key="Username")
    resp = DDB.execute_transaction(TransactStatements=[
        {"Statement": f"INSERT INTO \"{t}\" VALUE {{'Username': 'user01'}}"},
        {"Statement": f"INSERT INTO \"{t}\" VALUE {{'Username': 'user02'}}"}])
    ctx.eq((body(resp), sorted(i["Username"]["S"] for i in DDB.scan(TableName=t)["Items"])),
           ({"Responses": []}, ["user01", "user02"]), "ExecuteTransaction of two INSERTs")
    t2, _ = make_table("pqb", key="Username")
    DDB.put_item(TableName=t2, Item={"Username": S("user02")})
    resp = DDB.batch_execute_statement(Statements=[
        {"Statement": f"INSERT INTO \"{t2}\" VALUE {{'Username': 'user01'}}"},
        {"Statement": f"UPDATE \"{t2}\" SET Age=20 WHERE Username='user02'"}])
    ctx.eq((body(resp), DDB.get_item(TableName=t2, Key={"Username": S("user02")})["Item"]),
           ({"Responses": [{"TableName": t2}, {"TableName": t2}]}, {"Username": S("user02"), "Age": N(20)}),
           "BatchExecuteStatement INSERT + UPDATE")
    DDB.execute_statement(Statement=f"INSERT INTO \"{t}\" VALUE {{'Username': 'Alice123', 'FirstName':'Alice'}}")
    present = DDB.execute_statement(Statement=f"SELECT * FROM \"{t}\" WHERE FirstName IS NOT MISSING")["Items"]
    missing = DDB.execute_statement(Statement=f"SELECT * FROM \"{t}\" WHERE FirstName IS MISSING AND Username = 'Alice123'")["Items"]
    ctx.eq((present, missing), ([{"FirstName": S("Alice"), "Username": S("Alice123")}], []), "IS [NOT] MISSING")


@test("B", MOTO + " (test_dynamodb_statements.py)")
def partiql_statements(ctx):
    # moto aws_verified: test_execute_statement_select_attr / _with_quoted_table / _with_no_results /
    # test_insert_data / test_update_data / test_delete_data / test_execute_statement_with_all_clauses.
    t, _ = make_table("pqs", key="pk")
    item1 = {"pk": S("msg1"), "body": S("some text"), "nested_attrs": {"M": {"some": S("key")}}, "price": N("123.4"),
             "list_attrs": {"L": [{"BOOL": True}, {"BOOL": False}]}, "bool_attr": {"BOOL": True}}
    item2 = {"pk": S("msg2"), "body": S("n/a"), "unique_key": S("key")}
    DDB.put_item(TableName=t, Item=item1)
    DDB.put_item(TableName=t, Item=item2)
    attrs = DDB.execute_statement(Statement=f'select unique_key from "{t}"')["Items"]
    ctx.eq(sorted(attrs, key=len), [{}, {"unique_key": S("key")}], "SELECT of an attribute some items lack")
    got = (DDB.execute_statement(Statement=f'select * from "{t}" where pk = ?', Parameters=[S("msg1")])["Items"],
           DDB.execute_statement(Statement=f'select * from "{t}" where pk = ?', Parameters=[S("msg3")])["Items"],
           body(DDB.execute_statement(Statement=f"INSERT INTO \"{t}\" value {{'pk': 'msg4', 'attr':{{'sth': ['other']}}}}")))
    ctx.eq(got, ([item1], [], {"Items": []}), "SELECT by key, SELECT of nothing, INSERT's answer")
    DDB.execute_statement(Statement=f"UPDATE \"{t}\" SET new_attr='asdf' WHERE pk='msg1'")
    DDB.execute_statement(Statement=f"UPDATE \"{t}\" REMOVE new_attr WHERE pk='msg1'")
    DDB.execute_statement(Statement=f"DELETE FROM \"{t}\" WHERE pk='msg2'")
    ctx.eq(sorted(DDB.scan(TableName=t)["Items"], key=lambda i: i["pk"]["S"]),
           [item1, {"pk": S("msg4"), "attr": {"M": {"sth": {"L": [S("other")]}}}}], "table after UPDATE/REMOVE/DELETE")
    t2, _ = make_table("pqc", key="pk")
    for pk, extra in [("0", {"NameLower": S("lambda"), "DescriptionLower": S("run code in under 15 minutes"), "Price": N("2E-7"),
                             "Category": S("free"), "FreeTier": N("1E+6")}),
                      ("1", {"NameLower": S("auto scaling"), "DescriptionLower": S("scale ec2"), "Price": N(0),
                             "Category": S("free"), "FreeTier": {"NULL": True}}),
                      ("3", {"NameLower": S("config"), "DescriptionLower": S("audit code"), "Price": N("0.003"), "Category": S("paid")})]:
        DDB.put_item(TableName=t2, Item={"pk": S(pk), **extra})
    stmt = (f"SELECT pk FROM \"{t2}\" WHERE (contains(\"NameLower\", 'code') OR contains(\"DescriptionLower\", 'code')) "
            "AND Category = 'free' AND Price >= 0 AND Price <= 1 AND FreeTier IS NOT MISSING AND attribute_type(\"FreeTier\", 'N')")
    ctx.eq(DDB.execute_statement(Statement=stmt)["Items"], [{"pk": S("0")}], "SELECT with every clause")


@test("B", CONF + " tier3/error-messages/partiql.test.ts + tier2/partiql/batchExecuteStatement.test.ts")
def partiql_error_messages(ctx):
    t, _ = make_table("pqe", key="pk")
    texts = {}
    for ret in ("MODIFIED OLD", "ALL NEW", "MODIFIED NEW"):
        texts[ret] = msg(err_of(DDB.execute_statement, Statement=f"DELETE FROM \"{t}\" WHERE pk = 'x' RETURNING {ret} *"))
    ctx.eq(texts, {r: f"Invalid returning clause: RETURNING {r} *. Only RETURNING ALL OLD * is allowed in DELETE statements."
                   for r in texts}, "DELETE ... RETURNING other than ALL OLD")
    resp = err_of(DDB.execute_transaction, TransactStatements=[
        {"Statement": f"UPDATE \"{t}\" SET data = 'v' WHERE pk = 'x' RETURNING ALL NEW *"}])
    expect_err(ctx, resp, 400, "ValidationException", "ExecuteTransaction with RETURNING",
               message="Validation failed in TransactStatements[0]: RETURNING clause is not supported in ExecuteTransaction.")
    resp = err_of(DDB.execute_statement, Statement=f"SELECT pk FROM \"{t}\" WHERE pk = 'x' AND val < ?", Parameters=[{"BOOL": True}])
    expect_err(ctx, resp, 400, "ValidationException", "< on a BOOL",
               message="Incorrect operand type for operator or function; operator or function: <, operand type: BOOL")
    DDB.put_item(TableName=t, Item={"pk": S("batch-partial-1"), "data": S("exists")})
    resp = DDB.batch_execute_statement(Statements=[
        {"Statement": f"SELECT * FROM \"{t}\" WHERE pk = 'batch-partial-1'"},
        {"Statement": "SELECT * FROM \"table_that_does_not_exist_xyz\" WHERE pk = 'x'"}])
    ctx.eq([r.get("Error", {}).get("Code") for r in resp["Responses"]], [None, "ResourceNotFound"],
           "BatchExecuteStatement with one missing table")
    ctx.eq(code(err_of(RAW_DDB.batch_execute_statement, Statements=[])), "ValidationException", "BatchExecuteStatement []")


@test("B", "awsdocs/aws-sdk-for-javascript-v3#98 (AWS Lambda runtime: ValidationException \"Statement wasn't well "
           "formed, can't be processed: Expected data manipulation\" for an unquoted hyphenated table name)")
def partiql_unquoted_hyphenated_table(ctx):
    # The issue's statement: `UPDATE Payment-${tableName} SET active=? WHERE subscriptionId=?` with
    # Parameters [{BOOL: false}, {S: subscriptionId}]; the table name is left unquoted on purpose.
    resp = err_of(DDB.execute_statement, Statement="UPDATE Payment-abc123-dev SET active=? WHERE subscriptionId=?",
                  Parameters=[{"BOOL": False}, S("sub_123")])
    expect_err(ctx, resp, 400, "ValidationException", "unquoted hyphenated table name",
               message="Statement wasn't well formed, can't be processed: Expected data manipulation")


if __name__ == "__main__":
    failed = run(after=cleanup)
    conclude(failed)
