"""boto3 smoke test of S3 against Nimbus; driven by boto3-s3.test.ts.

Usage: python3 s3_smoke.py <case>. The endpoint comes from AWS_ENDPOINT_URL
(boto3 reads it itself), credentials from the environment. Prints OK on
success; any failure raises and exits non-zero with a traceback.
"""
import hashlib
import os
import sys
import time
import http.client
import urllib.parse

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT = os.environ["AWS_ENDPOINT_URL"]
BUCKET = "boto3-bucket"


def client(**config):
    return boto3.client("s3", config=Config(**config) if config else None)


def fetch(url, method="GET", data=None):
    """A bare HTTP request, as curl would send it: no headers the URL did not sign."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port)
    connection.request(method, f"{parts.path}?{parts.query}", body=data)
    response = connection.getresponse()
    return response.status, response.read()


def expect_error(code, status, fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except ClientError as error:
        actual = error.response["Error"]["Code"]
        actual_status = error.response["ResponseMetadata"]["HTTPStatusCode"]
        assert (actual, actual_status) == (code, status), f"expected {code} {status}, got {actual} {actual_status}"
        return error
    raise AssertionError(f"expected {code}, call succeeded")


def case_flows():
    s3 = client()
    s3.create_bucket(Bucket=BUCKET)
    assert BUCKET in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    # us-east-1 keeps its legacy answer: the owner re-creating a bucket gets 200.
    s3.create_bucket(Bucket=BUCKET)
    west = boto3.client("s3", region_name="eu-west-1")
    expect_error("BucketAlreadyOwnedByYou", 409, west.create_bucket, Bucket=BUCKET,
                 CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})

    body = b"hello from boto3"
    put = s3.put_object(Bucket=BUCKET, Key="a/b c.txt", Body=body, Metadata={"k": "v"}, ContentType="text/plain")
    assert put["ETag"] == '"%s"' % hashlib.md5(body).hexdigest()
    got = s3.get_object(Bucket=BUCKET, Key="a/b c.txt")
    assert got["Body"].read() == body
    assert got["Metadata"] == {"k": "v"}
    assert got["ContentType"] == "text/plain"
    ranged = s3.get_object(Bucket=BUCKET, Key="a/b c.txt", Range="bytes=0-4")
    assert ranged["ResponseMetadata"]["HTTPStatusCode"] == 206 and ranged["Body"].read() == b"hello"
    expect_error("NoSuchKey", 404, s3.get_object, Bucket=BUCKET, Key="missing")

    for i in range(5):
        s3.put_object(Bucket=BUCKET, Key=f"page/{i:02d}", Body=b"x")
    keys = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix="page/", PaginationConfig={"PageSize": 2}):
        keys += [o["Key"] for o in page.get("Contents", [])]
    assert keys == [f"page/{i:02d}" for i in range(5)], keys

    s3.copy_object(Bucket=BUCKET, Key="copy.txt", CopySource={"Bucket": BUCKET, "Key": "a/b c.txt"})
    assert s3.get_object(Bucket=BUCKET, Key="copy.txt")["Body"].read() == body

    upload = s3.create_multipart_upload(Bucket=BUCKET, Key="multi.bin")
    part1 = os.urandom(5 * 1024 * 1024)
    part2 = b"tail"
    e1 = s3.upload_part(Bucket=BUCKET, Key="multi.bin", UploadId=upload["UploadId"], PartNumber=1, Body=part1)["ETag"]
    e2 = s3.upload_part(Bucket=BUCKET, Key="multi.bin", UploadId=upload["UploadId"], PartNumber=2, Body=part2)["ETag"]
    done = s3.complete_multipart_upload(
        Bucket=BUCKET, Key="multi.bin", UploadId=upload["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": e1}, {"PartNumber": 2, "ETag": e2}]},
    )
    assert done["ETag"].endswith('-2"'), done["ETag"]
    assert s3.get_object(Bucket=BUCKET, Key="multi.bin")["Body"].read() == part1 + part2

    deleted = s3.delete_objects(Bucket=BUCKET, Delete={"Objects": [{"Key": f"page/{i:02d}"} for i in range(5)]})
    assert len(deleted["Deleted"]) == 5
    print("OK")


def case_transfer():
    """upload_file/download_file: boto3's managed (multipart, threaded) transfers."""
    s3 = client()
    data = os.urandom(12 * 1024 * 1024)
    path = os.path.join(os.environ["WORK_DIR"], "transfer.bin")
    with open(path, "wb") as f:
        f.write(data)
    s3.upload_file(path, BUCKET, "transfer.bin")
    s3.download_file(BUCKET, "transfer.bin", path + ".back")
    with open(path + ".back", "rb") as f:
        assert f.read() == data
    print("OK")


def presign_round_trip(s3, key):
    body = b"presigned body " + key.encode()
    put_url = s3.generate_presigned_url("put_object", Params={"Bucket": BUCKET, "Key": key}, ExpiresIn=300)
    status, _ = fetch(put_url, "PUT", body)
    assert status == 200, f"presigned PUT answered {status}: {put_url}"
    get_url = s3.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": key}, ExpiresIn=300)
    status, got = fetch(get_url)
    assert status == 200 and got == body, f"presigned GET answered {status}: {got!r}"
    return get_url


def case_presign():
    default_url = presign_round_trip(client(), "presigned-default.txt")
    v2_url = presign_round_trip(client(signature_version="s3"), "presigned-v2.txt")
    assert "AWSAccessKeyId=" in v2_url and "Signature=" in v2_url, v2_url
    v4_url = presign_round_trip(client(signature_version="s3v4"), "presigned-v4.txt")
    assert "X-Amz-Signature=" in v4_url, v4_url
    print("default signer:", "v2" if "AWSAccessKeyId=" in default_url else "v4")

    # A tampered signature is refused.
    status, body = fetch(v4_url.replace("X-Amz-Signature=", "X-Amz-Signature=0"))
    assert status == 403 and b"<Code>SignatureDoesNotMatch</Code>" in body, (status, body)

    for version in ("s3", "s3v4"):
        url = client(signature_version=version).generate_presigned_url(
            "get_object", Params={"Bucket": BUCKET, "Key": "presigned-v4.txt"}, ExpiresIn=1)
        time.sleep(2.2)
        status, body = fetch(url)
        assert status == 403, (version, status, body)
        assert b"<Code>AccessDenied</Code>" in body and b"<Message>Request has expired</Message>" in body, (version, body)
    print("OK")


def case_identity():
    """IAM and STS; botocore signs the global IAM endpoint with an empty region when it has none."""
    iam = boto3.client("iam")
    iam.create_user(UserName="boto-user")
    key = iam.create_access_key(UserName="boto-user")["AccessKey"]
    as_user = boto3.client("sts", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
    assert as_user.get_caller_identity()["Arn"] == "arn:aws:iam::000000000000:user/boto-user"
    # No region at all: the credential scope reads AKID/date//iam/aws4_request.
    regionless = boto3.session.Session(region_name="").client("iam", endpoint_url=ENDPOINT)
    assert [u["UserName"] for u in regionless.list_users()["Users"]] == ["boto-user"]
    try:
        iam.get_user(UserName="nobody")
        raise AssertionError("expected NoSuchEntity")
    except ClientError as error:
        assert error.response["Error"]["Code"] == "NoSuchEntity", error.response
    print("OK")


if __name__ == "__main__":
    globals()["case_" + sys.argv[1]]()
