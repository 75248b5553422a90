#!/usr/bin/env python3
"""
S3 SSE-C (server-side encryption with customer-provided keys) conformance harness (boto3, standalone,
no pytest, no skips, no name filters).

    python3 s3_sse_c.py

Environment:
    AWS_ENDPOINT_URL   REST endpoint (default http://127.0.0.1:4566); credentials test/test, us-east-1, path-style.

Real AWS refuses SSE-C over plain HTTP ("You must use HTTPS when specifying SSE-C headers", UG
ServerSideEncryptionCustomerKeys); a local emulator on http must accept it, so that refusal is NOT checked.
Since April 2026 new AWS buckets block SSE-C by default (403 on writes) until PutBucketEncryption sets
BlockedEncryptionTypes NONE; this harness assumes an emulator without that block (the captures predate it).

Keys are sent exactly as written: every call passes the base64 key AND its MD5, so botocore's sse_md5 handler
(which base64-encodes the key and computes the MD5 only when the MD5 is absent) leaves them alone; malformed
keys go through a before-call hook that sets raw headers.

Evidence tiers (each test names its tier and source; a check inside a test may name its own tier):
  A  = LocalStack tests/aws/services/s3/test_s3.py class TestS3SSECEncryption (aws.validated 2024-08-14; the class
       is snapshot-verified against LocalStack's own provider with only $..ETag skipped, so the provider's
       validation.py validate_sse_c / provider.py messages are the recorded AWS ones)
  B  = other real-AWS evidence: ceph/s3-tests s3tests_boto3/functional/test_s3.py (not fails_on_aws), raw AWS
       answers quoted in issues (minio#4894, opendal#1858, boto3#982, aws-sdk-php#1291, kafka-connect-storage-cloud
       #389, jenkinsci/s3-plugin#366, aws-cli#1349, aws-cli#6906), AWS docs statements made explicit by captures
  C  = AWS docs / inference (soft: WARN only, never fail)
"""
import base64
import hashlib
import os
import sys
import uuid

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from harness import Ctx, ENDPOINT_URL, Failure, REGION, S3, cleanup_bucket, client, conclude, err_of, run, test


LS = "LocalStack test_s3.py TestS3SSECEncryption (aws.validated 2024-08-14) + validation.py/provider.py"
CEPH = "ceph/s3-tests test_s3.py (AWS-targeted, not fails_on_aws)"

KEY1 = b"1234567890abcdef1234567890abcdef"  # LocalStack ENCRYPTION_KEY (MD5 b64 JMwgiexXqwuPqIPjYFmIZQ==)
KEY2 = b"abcdef1234567890abcdef1234567890"  # LocalStack ENCRYPTION_KEY_2
H_ALG = "x-amz-server-side-encryption-customer-algorithm"
H_KEY = "x-amz-server-side-encryption-customer-key"
H_MD5 = "x-amz-server-side-encryption-customer-key-MD5"

STORED_SSE = ("The object was stored using a form of Server Side Encryption. "
              "The correct parameters must be provided to retrieve the object.")
WRONG_KEY = ("Requests specifying Server Side Encryption with Customer provided keys must provide the correct "
             "secret key.")
NOT_APPLICABLE = "The encryption parameters are not applicable to this object."
BAD_ALGO = "The Encryption request you specified is not valid. Supported value: AES256."
INCOMPATIBLE = ("Server Side Encryption with Customer provided key is incompatible with the encryption method "
                "specified")
NEED_ALGO = ("Requests specifying Server Side Encryption with Customer provided keys must provide a valid "
             "encryption algorithm.")
NEED_KEY = ("Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate "
            "secret key.")
KEY_INVALID = "The secret key was invalid for the specified algorithm."
MD5_MISMATCH = "The calculated MD5 hash of the key did not match the hash that was provided."
MPU_NEEDS_SSE = ("The multipart upload initiate requested encryption. Subsequent part requests must include the "
                 "appropriate encryption parameters.")
MPU_KEY_MISMATCH = "The provided encryption parameters did not match the ones used originally."
SSE_ARG = "x-amz-server-side-encryption"
BODY = b"test_data"





def b64(raw):
    return base64.b64encode(raw).decode()


def md5b64(raw):
    return b64(hashlib.md5(raw).digest())


def sse(key=KEY1, algo="AES256", prefix="SSECustomer", md5=None):
    """The SSE-C trio as boto3 parameters, key already base64 and MD5 given (botocore then sends them as-is)."""
    return {f"{prefix}Algorithm": algo, f"{prefix}Key": b64(key), f"{prefix}KeyMD5": md5 or md5b64(key)}


def src(key=KEY1, algo="AES256"):
    return sse(key, algo, prefix="CopySourceSSECustomer")


def hooked(op, headers):
    """A client whose <op> calls carry these raw headers (set after serialization, before signing)."""
    c = client()

    def hook(params, **_):
        params["headers"].update(headers)

    c.meta.events.register(f"before-call.s3.{op}", hook)
    return c


# --------------------------------------------------------------------------------------------- helpers
class Bucket:
    def __init__(self, versioned=False):
        self.name, self.versioned = f"nimbus-ssec-{uuid.uuid4().hex[:20]}", versioned

    def __enter__(self):
        S3.create_bucket(Bucket=self.name)
        # Buckets made since April 2026 block SSE-C writes until their encryption configuration allows them.
        S3.put_bucket_encryption(Bucket=self.name, ServerSideEncryptionConfiguration={"Rules": [{
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BlockedEncryptionTypes": {"EncryptionType": ["NONE"]}}]})
        if self.versioned:
            S3.put_bucket_versioning(Bucket=self.name, VersioningConfiguration={"Status": "Enabled"})
        return self.name

    def __exit__(self, *exc):
        cleanup_bucket(self.name)



def status(resp):
    return resp["ResponseMetadata"]["HTTPStatusCode"]


def expect_err(ctx, resp, st, code, what, message=None, tier=None, arg_name=None, arg_value=None):
    """Hard status/code/message (+ ArgumentName); ArgumentValue is soft. code=None: HEAD, no body to read."""
    if not ctx.check(resp is not None, f"{what}: expected {st} {code or ''}, but the call succeeded", tier):
        return {}
    e = resp.get("Error", {})
    if code is None:
        ctx.eq(status(resp), st, f"{what} status", tier)
        return e
    ctx.eq((status(resp), e.get("Code")), (st, code), f"{what} status/code", tier)
    if message is not None:
        ctx.eq(e.get("Message"), message, f"{what} Message", tier)
    if arg_name is not None:
        ctx.eq(e.get("ArgumentName"), arg_name, f"{what} ArgumentName", tier)
    if arg_value is not None:
        ctx.soft_eq(e.get("ArgumentValue"), arg_value, f"{what} ArgumentValue")
    return e


def put_ssec(b, key="obj", body=BODY, k=KEY1, **kw):
    return S3.put_object(Bucket=b, Key=key, Body=body, **sse(k), **kw)


def echoes(ctx, resp, k, what, tier=None):
    ctx.eq(resp.get("SSECustomerAlgorithm"), "AES256", f"{what} SSECustomerAlgorithm", tier)
    ctx.eq(resp.get("SSECustomerKeyMD5"), md5b64(k), f"{what} SSECustomerKeyMD5", tier)


def get_body(b, key="obj", **kw):
    return S3.get_object(Bucket=b, Key=key, **kw)["Body"].read()


def mpu_ssec(b, key, parts, k=KEY1, complete_kw=None):
    """Multipart upload with SSE-C on create and every part; complete without the key unless told."""
    up = S3.create_multipart_upload(Bucket=b, Key=key, **sse(k))
    done = []
    for i, data in enumerate(parts, 1):
        r = S3.upload_part(Bucket=b, Key=key, UploadId=up["UploadId"], PartNumber=i, Body=data, **sse(k))
        done.append({"ETag": r["ETag"], "PartNumber": i})
    c = S3.complete_multipart_upload(Bucket=b, Key=key, UploadId=up["UploadId"],
                                     MultipartUpload={"Parts": done}, **(complete_kw or {}))
    return up, c


# ============================================================================================= A: LocalStack
@test("A", LS + " test_put_object_lifecycle_with_sse_c; HEAD length + GOA ETag: " + CEPH +
      " test_get_sse_c_encrypted_object_attributes [B]")
def put_head_get_attributes_delete(ctx):
    with Bucket() as b:
        p = put_ssec(b)
        echoes(ctx, p, KEY1, "PutObject")
        ctx.check("ServerSideEncryption" not in p, f"PutObject has ServerSideEncryption {p.get('ServerSideEncryption')!r}")
        h = S3.head_object(Bucket=b, Key="obj", **sse())
        echoes(ctx, h, KEY1, "HeadObject")
        ctx.check("ServerSideEncryption" not in h, "HeadObject carries ServerSideEncryption for an SSE-C object")
        ctx.eq(h.get("ContentLength"), len(BODY), "HeadObject ContentLength (plaintext size)", "B")
        g = S3.get_object(Bucket=b, Key="obj", **sse())
        ctx.eq(g["Body"].read(), BODY, "GetObject body")
        echoes(ctx, g, KEY1, "GetObject")
        ctx.check("ServerSideEncryption" not in g, "GetObject carries ServerSideEncryption for an SSE-C object")
        ctx.soft_eq(g.get("ETag"), p.get("ETag"), "GetObject ETag equals PutObject ETag")
        a = S3.get_object_attributes(Bucket=b, Key="obj", ObjectAttributes=["ETag", "ObjectSize"], **sse())
        ctx.eq(a.get("ObjectSize"), len(BODY), "GetObjectAttributes ObjectSize")
        ctx.eq(a.get("ETag"), p["ETag"].strip('"'), "GetObjectAttributes ETag (unquoted PUT ETag)", "B")
        d = S3.delete_object(Bucket=b, Key="obj")
        ctx.eq(status(d), 204, "DeleteObject without the key")


@test("B", "AWS API PutObject SSE-C example ('The ETag that is returned is not the MD5 of the object') + "
      "LocalStack TestS3SSECEncryption skip_snapshot_verify($..ETag): 'LocalStack does not apply encryption, so the "
      "ETag is different'")
def put_etag_is_not_body_md5(ctx):
    with Bucket() as b:
        etag = put_ssec(b)["ETag"]
        ctx.check(etag.strip('"') != hashlib.md5(BODY).hexdigest(), f"SSE-C ETag {etag} is the MD5 of the body")
        ctx.soft(len(etag.strip('"')) == 32, f"SSE-C ETag {etag} is not 32 hex characters")
        ctx.soft(S3.list_objects_v2(Bucket=b)["Contents"][0]["ETag"] == etag, "ListObjectsV2 ETag differs from PUT")
        ctx.eq(S3.list_objects_v2(Bucket=b)["Contents"][0]["Size"], len(BODY), "ListObjectsV2 Size (plaintext)",
               "B")


@test("A", LS + " test_put_object_validation_sse_c; live captures: jenkinsci/s3-plugin#366 (no key), aws-cli#6906 "
      "(MD5 mismatch), minio#4894 raw AWS XML (ArgumentName x-amz-server-side-encryption, ArgumentValue = the bad "
      "algorithm) [B]")
def put_validation(ctx):
    with Bucket() as b:
        k, m = b64(KEY1), md5b64(KEY1)
        cases = [
            ("SSE AES256 + SSE-C", dict(ServerSideEncryption="AES256", SSECustomerAlgorithm="KMS", SSECustomerKey=k,
                                        SSECustomerKeyMD5=m), "InvalidArgument", INCOMPATIBLE, "AES256"),
            ("algorithm KMS", sse(algo="KMS"), "InvalidEncryptionAlgorithmError", BAD_ALGO, "KMS"),
            ("key without algorithm", dict(SSECustomerKey=k, SSECustomerKeyMD5=m), "InvalidArgument", NEED_ALGO,
             "null"),
            ("algorithm without key", dict(SSECustomerAlgorithm="AES256", SSECustomerKeyMD5=m), "InvalidArgument",
             NEED_KEY, "null"),
            ("10-byte key, matching MD5", sse(KEY1[:10]), "InvalidArgument", KEY_INVALID, "null"),
            ("MD5 mismatch", sse(md5=("a" if m[0] != "a" else "b") + m[1:]), "InvalidArgument", MD5_MISMATCH,
             "null"),
        ]
        for what, kw, code, msg, value in cases:
            r = err_of(S3.put_object, Bucket=b, Key="obj", Body=BODY, **kw)
            expect_err(ctx, r, 400, code, f"PutObject {what}", msg, arg_name=SSE_ARG, arg_value=value)
        ctx.check(err_of(S3.head_object, Bucket=b, Key="obj") is not None, "a refused PUT left an object behind", "B")


@test("A", LS + " test_object_retrieval_sse_c; live: minio#4894 (GET without key, Server: AmazonS3), "
      "aws-cli#1349 (algorithm aws:kms on GET) [B]")
def get_errors(ctx):
    with Bucket() as b:
        put_ssec(b)
        expect_err(ctx, err_of(S3.get_object, Bucket=b, Key="obj"), 400, "InvalidRequest", "GET without key",
                   STORED_SSE)
        expect_err(ctx, err_of(S3.get_object, Bucket=b, Key="obj", **sse(KEY2)), 403, "AccessDenied",
                   "GET with another key", WRONG_KEY)
        expect_err(ctx, err_of(S3.get_object, Bucket=b, Key="obj", **sse(algo="KMS")), 400,
                   "InvalidEncryptionAlgorithmError", "GET algorithm KMS", BAD_ALGO, arg_name=SSE_ARG,
                   arg_value="KMS")
        expect_err(ctx, err_of(S3.head_object, Bucket=b, Key="obj", **sse(algo="KMS")), 400, None,
                   "HEAD algorithm KMS")
        expect_err(ctx, err_of(S3.get_object_attributes, Bucket=b, Key="obj", ObjectAttributes=["ETag"],
                               **sse(algo="KMS")), 400, "InvalidEncryptionAlgorithmError",
                   "GetObjectAttributes algorithm KMS", BAD_ALGO, arg_name=SSE_ARG, arg_value="KMS")


@test("A", LS + " test_sse_c_with_versioning")
def per_version_keys(ctx):
    with Bucket(versioned=True) as b:
        v1 = S3.put_object(Bucket=b, Key="v", Body=b"version1", **sse(KEY1))
        v2 = S3.put_object(Bucket=b, Key="v", Body=b"version2", **sse(KEY2))
        echoes(ctx, v1, KEY1, "PUT v1")
        echoes(ctx, v2, KEY2, "PUT v2")
        ctx.check(v1.get("VersionId") and v2.get("VersionId") and v1["VersionId"] != v2["VersionId"],
                  f"version ids {v1.get('VersionId')!r} {v2.get('VersionId')!r}")
        ctx.eq(get_body(b, "v", **sse(KEY2)), b"version2", "current version with key 2")
        ctx.eq(get_body(b, "v", VersionId=v2["VersionId"], **sse(KEY2)), b"version2", "v2 with key 2")
        expect_err(ctx, err_of(S3.get_object, Bucket=b, Key="v", VersionId=v1["VersionId"], **sse(KEY2)), 403,
                   "AccessDenied", "v1 with key 2", WRONG_KEY)
        g = S3.get_object(Bucket=b, Key="v", VersionId=v1["VersionId"], **sse(KEY1))
        ctx.eq(g["Body"].read(), b"version1", "v1 with key 1")
        echoes(ctx, g, KEY1, "GET v1")


@test("A", LS + " test_copy_object_with_sse_c; live: apache/opendal#1858 (copy of SSE-C source without source "
      "headers, Server: AmazonS3) [B]")
def copy_object_sse_c(ctx):
    with Bucket() as b:
        put_ssec(b, "src")
        c = S3.copy_object(Bucket=b, Key="plain", CopySource=f"{b}/src", **src())
        ctx.check("SSECustomerAlgorithm" not in c, "copy to a plain target echoes SSECustomerAlgorithm")
        ctx.eq(c.get("ServerSideEncryption"), "AES256", "copy to a plain target: bucket default SSE-S3", "B")
        ctx.eq(get_body(b, "plain"), BODY, "plain copy readable without a key", "B")
        c = S3.copy_object(Bucket=b, Key="enc", CopySource=f"{b}/src", **src(), **sse(KEY1))
        echoes(ctx, c, KEY1, "CopyObject to SSE-C")
        ctx.check("ServerSideEncryption" not in c, "CopyObject to SSE-C carries ServerSideEncryption")
        expect_err(ctx, err_of(S3.get_object, Bucket=b, Key="enc"), 400, "InvalidRequest",
                   "GET SSE-C copy without key", STORED_SSE)
        ctx.eq(get_body(b, "enc", **sse(KEY1)), BODY, "SSE-C copy body with key")
        expect_err(ctx, err_of(S3.copy_object, Bucket=b, Key="enc", CopySource=f"{b}/src", **sse(KEY1)), 400,
                   "InvalidRequest", "copy without copy-source key", STORED_SSE)
        expect_err(ctx, err_of(S3.copy_object, Bucket=b, Key="enc", CopySource=f"{b}/src", **src(algo="KMS")), 400,
                   "InvalidEncryptionAlgorithmError", "copy-source algorithm KMS", BAD_ALGO, arg_name=SSE_ARG,
                   arg_value="KMS")
        expect_err(ctx, err_of(S3.copy_object, Bucket=b, Key="enc", CopySource=f"{b}/src", **src(),
                               **sse(algo="KMS")), 400, "InvalidEncryptionAlgorithmError",
                   "copy target algorithm KMS", BAD_ALGO, arg_name=SSE_ARG, arg_value="KMS")
        expect_err(ctx, err_of(S3.copy_object, Bucket=b, Key="enc", CopySource=f"{b}/src", **src(), **sse(),
                               ServerSideEncryption="AES256"), 400, "InvalidArgument", "copy target SSE-S3 + SSE-C",
                   INCOMPATIBLE, arg_name=SSE_ARG, arg_value="AES256")


@test("A", LS + " test_multipart_upload_sse_c (ListParts and Complete without the key succeed; Complete echoes "
      "no SSE-C); ETag -N form: AWS UG checking-object-integrity [C]")
def multipart_sse_c(ctx):
    with Bucket() as b:
        big, tail = b"a" * (5 * 1024 * 1024), b"tail-part"
        up = S3.create_multipart_upload(Bucket=b, Key="mpu", **sse())
        echoes(ctx, up, KEY1, "CreateMultipartUpload")
        ctx.check("ServerSideEncryption" not in up, "CreateMultipartUpload carries ServerSideEncryption")
        parts = []
        for n, data in ((1, big), (2, tail)):
            r = S3.upload_part(Bucket=b, Key="mpu", UploadId=up["UploadId"], PartNumber=n, Body=data, **sse())
            echoes(ctx, r, KEY1, f"UploadPart {n}")
            parts.append({"ETag": r["ETag"], "PartNumber": n})
        lp = S3.list_parts(Bucket=b, Key="mpu", UploadId=up["UploadId"])
        ctx.eq([p["PartNumber"] for p in lp.get("Parts", [])], [1, 2], "ListParts without the key")
        c = S3.complete_multipart_upload(Bucket=b, Key="mpu", UploadId=up["UploadId"],
                                         MultipartUpload={"Parts": parts})
        ctx.eq(status(c), 200, "CompleteMultipartUpload without the key")
        ctx.check("SSECustomerAlgorithm" not in c and "SSECustomerKeyMD5" not in c,
                  f"CompleteMultipartUpload echoes SSE-C: {c.get('SSECustomerAlgorithm')!r}")
        ctx.soft(c.get("ETag", "").endswith('-2"'), f"multipart ETag {c.get('ETag')!r} lacks -2")
        expect_err(ctx, err_of(S3.get_object, Bucket=b, Key="mpu"), 400, "InvalidRequest", "GET MPU without key",
                   STORED_SSE)
        g = S3.get_object(Bucket=b, Key="mpu", **sse())
        ctx.eq(g["Body"].read() == big + tail, True, "GET MPU body with key")
        echoes(ctx, g, KEY1, "GET MPU")
        ctx.eq(S3.list_objects_v2(Bucket=b)["Contents"][0]["Size"], len(big) + len(tail),
               "ListObjectsV2 Size of SSE-C multipart (plaintext)", "B")


@test("A", LS + " test_multipart_upload_sse_c_validation; live: aws-sdk-php#1291 raw XML, aws-sdk-go#1095 (400) [B]")
def multipart_part_validation(ctx):
    with Bucket() as b:
        plain = S3.create_multipart_upload(Bucket=b, Key="m")
        expect_err(ctx, err_of(S3.upload_part, Bucket=b, Key="m", UploadId=plain["UploadId"], PartNumber=1,
                               Body=b"testbody", **sse()), 400, "InvalidRequest", "SSE-C part on a plain upload",
                   MPU_NEEDS_SSE)
        S3.abort_multipart_upload(Bucket=b, Key="m", UploadId=plain["UploadId"])
        enc = S3.create_multipart_upload(Bucket=b, Key="m", **sse())
        expect_err(ctx, err_of(S3.upload_part, Bucket=b, Key="m", UploadId=enc["UploadId"], PartNumber=1,
                               Body=b"testbody"), 400, "InvalidRequest", "part without SSE-C on an SSE-C upload",
                   MPU_NEEDS_SSE)
        expect_err(ctx, err_of(S3.upload_part, Bucket=b, Key="m", UploadId=enc["UploadId"], PartNumber=1,
                               Body=b"testbody", **sse(KEY2)), 400, "InvalidRequest", "part with another key",
                   MPU_KEY_MISMATCH)
        ctx.eq(S3.list_parts(Bucket=b, Key="m", UploadId=enc["UploadId"]).get("Parts", []), [],
               "refused parts are not stored", "B")


# ============================================================================================= B: other AWS evidence
@test("B", CEPH + " test_encryption_sse_c_method_head (HEAD without key 400); wrong key 403: LocalStack provider "
      "head_object + minio#5600 ('supposed to return 403 Access denied'); HEAD errors have no body")
def head_errors(ctx):
    with Bucket() as b:
        put_ssec(b)
        expect_err(ctx, err_of(S3.head_object, Bucket=b, Key="obj"), 400, None, "HEAD without key")
        expect_err(ctx, err_of(S3.head_object, Bucket=b, Key="obj", **sse(KEY2)), 403, None, "HEAD with another key")
        ctx.eq(status(S3.head_object(Bucket=b, Key="obj", **sse())), 200, "HEAD with the key")


@test("B", "boto3#982 (AWS: InvalidRequest 'The encryption parameters are not applicable to this object.'), "
      "minio#7332 (working as intended, mirrors AWS)")
def sse_c_headers_on_plain_object(ctx):
    with Bucket() as b:
        S3.put_object(Bucket=b, Key="plain", Body=BODY)
        expect_err(ctx, err_of(S3.get_object, Bucket=b, Key="plain", **sse()), 400, "InvalidRequest",
                   "GET plain object with SSE-C", NOT_APPLICABLE)
        expect_err(ctx, err_of(S3.head_object, Bucket=b, Key="plain", **sse()), 400, None,
                   "HEAD plain object with SSE-C", tier="C")


@test("B", CEPH + " _check_content_using_range_enc (ranged GETs with the key return the plaintext slice)")
def ranged_get(ctx):
    with Bucket() as b:
        put_ssec(b)
        g = S3.get_object(Bucket=b, Key="obj", Range="bytes=2-5", **sse())
        ctx.eq(status(g), 206, "ranged GET status")
        ctx.eq(g["Body"].read(), BODY[2:6], "ranged GET body")
        ctx.eq(g.get("ContentRange"), f"bytes 2-5/{len(BODY)}", "Content-Range")
        ctx.soft_eq(g.get("SSECustomerKeyMD5"), md5b64(KEY1), "ranged GET SSECustomerKeyMD5")
        expect_err(ctx, err_of(S3.get_object, Bucket=b, Key="obj", Range="bytes=2-5"), 400, "InvalidRequest",
                   "ranged GET without key", STORED_SSE, tier="C")


@test("B", CEPH + " test_get_sse_c_encrypted_object_attributes (without key 400); code/message as GET [C]")
def object_attributes_without_key(ctx):
    with Bucket() as b:
        put_ssec(b)
        r = err_of(S3.get_object_attributes, Bucket=b, Key="obj", ObjectAttributes=["ETag", "ObjectSize"])
        expect_err(ctx, r, 400, None, "GetObjectAttributes without key")
        ctx.soft_eq((r or {}).get("Error", {}).get("Code"), "InvalidRequest", "GetObjectAttributes without key Code")
        ctx.soft_eq((r or {}).get("Error", {}).get("Message"), STORED_SSE, "GetObjectAttributes without key Message")


@test("B", "kafka-connect-storage-cloud#389 (AWS XML: SSE AES256 + valid SSE-C trio -> InvalidArgument); "
      + CEPH + " test_put_obj_enc_conflict_c_s3 / _c_kms (400 InvalidArgument)")
def sse_c_with_managed_encryption(ctx):
    with Bucket() as b:
        expect_err(ctx, err_of(S3.put_object, Bucket=b, Key="o", Body=BODY, ServerSideEncryption="AES256", **sse()),
                   400, "InvalidArgument", "PUT SSE AES256 + SSE-C", INCOMPATIBLE, arg_name=SSE_ARG,
                   arg_value="AES256")
        r = err_of(S3.put_object, Bucket=b, Key="o", Body=BODY, ServerSideEncryption="aws:kms", **sse())
        expect_err(ctx, r, 400, "InvalidArgument", "PUT SSE aws:kms + SSE-C")
        ctx.soft_eq(r["Error"].get("Message"), INCOMPATIBLE, "PUT aws:kms + SSE-C Message")
        r = err_of(S3.create_multipart_upload, Bucket=b, Key="o", ServerSideEncryption="AES256", **sse())
        expect_err(ctx, r, 400, "InvalidArgument", "CreateMultipartUpload SSE AES256 + SSE-C", INCOMPATIBLE,
                   tier="C")


@test("B", CEPH + " test_encryption_sse_c_multipart_upload / _bad_download (SSE-C headers sent on Complete too)")
def multipart_complete_with_key(ctx):
    with Bucket() as b:
        _, c = mpu_ssec(b, "k", [b"only-part"], complete_kw=sse())
        ctx.eq(status(c), 200, "CompleteMultipartUpload with the key")
        ctx.eq(get_body(b, "k", **sse()), b"only-part", "body with key")
        expect_err(ctx, err_of(S3.get_object, Bucket=b, Key="k", **sse(KEY2)), 403, "AccessDenied",
                   "GET multipart with another key", WRONG_KEY, tier="A")


@test("B", "AWS API UploadPartCopy (copy-source SSE-C trio decrypts the source, SSE-C trio must match the upload) + "
      + CEPH + " test_copy_part_enc; refusals [C]")
def upload_part_copy_sse_c(ctx):
    with Bucket() as b:
        put_ssec(b, "src", body=b"0123456789", k=KEY1)
        up = S3.create_multipart_upload(Bucket=b, Key="dst", **sse(KEY2))
        r = S3.upload_part_copy(Bucket=b, Key="dst", UploadId=up["UploadId"], PartNumber=1, CopySource=f"{b}/src",
                                **src(KEY1), **sse(KEY2))
        ctx.soft_eq(r.get("SSECustomerKeyMD5"), md5b64(KEY2), "UploadPartCopy SSECustomerKeyMD5 (destination key)")
        S3.complete_multipart_upload(Bucket=b, Key="dst", UploadId=up["UploadId"], MultipartUpload={
            "Parts": [{"ETag": r["CopyPartResult"]["ETag"], "PartNumber": 1}]})
        ctx.eq(get_body(b, "dst", **sse(KEY2)), b"0123456789", "part-copied body with destination key")
        up = S3.create_multipart_upload(Bucket=b, Key="dst2", **sse(KEY2))
        kw = dict(Bucket=b, Key="dst2", UploadId=up["UploadId"], PartNumber=1, CopySource=f"{b}/src")
        expect_err(ctx, err_of(S3.upload_part_copy, **kw, **sse(KEY2)), 400, "InvalidRequest",
                   "UploadPartCopy without copy-source key", STORED_SSE, tier="C")
        expect_err(ctx, err_of(S3.upload_part_copy, **kw, **src(KEY1)), 400, "InvalidRequest",
                   "UploadPartCopy into SSE-C upload without destination key", MPU_NEEDS_SSE, tier="C")
        expect_err(ctx, err_of(S3.upload_part_copy, **kw, **src(KEY2), **sse(KEY2)), 403, "AccessDenied",
                   "UploadPartCopy with wrong copy-source key", tier="C")


@test("B", "minio/minio#6581 (the real-AWS half: plain or SSE-S3 source copied to an SSE-C target needs no source "
      "headers), aws/aws-cli#9559 (AWS maintainer: unencrypted -> encrypted copy)")
def copy_plain_to_sse_c(ctx):
    with Bucket() as b:
        S3.put_object(Bucket=b, Key="plain", Body=BODY)
        c = S3.copy_object(Bucket=b, Key="enc", CopySource=f"{b}/plain", **sse(KEY2))
        echoes(ctx, c, KEY2, "CopyObject plain -> SSE-C")
        expect_err(ctx, err_of(S3.get_object, Bucket=b, Key="enc"), 400, "InvalidRequest", "GET without key",
                   STORED_SSE)
        ctx.eq(get_body(b, "enc", **sse(KEY2)), BODY, "body with key")
        expect_err(ctx, err_of(S3.copy_object, Bucket=b, Key="x", CopySource=f"{b}/plain", **src()), 400,
                   "InvalidRequest", "copy-source SSE-C on a plain source", NOT_APPLICABLE, tier="C")


@test("B", CEPH + " test_encryption_sse_c_post_object_authenticated_request (POST form with the SSE-C fields -> 204); "
      "AWS DG RESTObjectPOST SSE-C form fields")
def post_object_sse_c(ctx):
    import http.client
    import urllib.parse
    with Bucket() as b:
        fields = {H_ALG: "AES256", H_KEY: b64(KEY1), H_MD5: md5b64(KEY1)}
        p = client(signature_version="s3v4").generate_presigned_post(
            b, "posted", Fields=dict(fields), Conditions=[{k: v} for k, v in fields.items()], ExpiresIn=300)
        boundary = "----ssec" + uuid.uuid4().hex
        body = bytearray()
        for name, value in list(p["fields"].items()) + [("file", BODY)]:
            extra = '; filename="file"' if name == "file" else ""
            body += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"{extra}\r\n\r\n'.encode()
            body += (value if isinstance(value, bytes) else value.encode()) + b"\r\n"
        body += f"--{boundary}--\r\n".encode()
        u = urllib.parse.urlsplit(p["url"])
        conn = (http.client.HTTPSConnection if u.scheme == "https" else http.client.HTTPConnection)(
            u.hostname, u.port, timeout=60)
        conn.request("POST", u.path or "/", body=bytes(body),
                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        r = conn.getresponse()
        data = r.read()
        conn.close()
        ctx.eq(r.status, 204, f"POST status (body {data[:200]!r})")
        ctx.soft_eq(r.getheader(H_MD5), md5b64(KEY1), "POST response key-MD5 header")
        expect_err(ctx, err_of(S3.get_object, Bucket=b, Key="posted"), 400, "InvalidRequest",
                   "GET posted object without key", STORED_SSE)
        ctx.eq(get_body(b, "posted", **sse()), BODY, "posted body with key")


# ============================================================================================= C: docs / inference
@test("C", "AWS UG ServerSideEncryptionCustomerKeys (key must be base64 of 256 bits; MD5 'for a message integrity "
      "check'); " + CEPH + " test_encryption_sse_c_no_md5 (any error); exact answers unrecorded")
def malformed_key_headers(ctx):
    with Bucket() as b:
        cases = [("key not base64", {H_ALG: "AES256", H_KEY: "not*base64*at*all!", H_MD5: md5b64(KEY1)}),
                 ("key-MD5 header absent", {H_ALG: "AES256", H_KEY: b64(KEY1)})]
        for what, headers in cases:
            r = err_of(hooked("PutObject", headers).put_object, Bucket=b, Key="o", Body=BODY)
            if ctx.soft(r is not None, f"PutObject {what}: accepted, expected 400 InvalidArgument"):
                ctx.soft_eq((status(r), r["Error"].get("Code")), (400, "InvalidArgument"), f"PutObject {what}")


@test("C", "AWS UG ServerSideEncryptionCustomerKeys ('copy the object to itself' with new encryption); the illegal "
      "self-copy message exempts changed 'encryption attributes' (LocalStack test_s3_copy_object_in_place, A)")
def copy_in_place_key_rotation(ctx):
    with Bucket() as b:
        put_ssec(b, "obj", k=KEY1)
        r = err_of(S3.copy_object, Bucket=b, Key="obj", CopySource=f"{b}/obj", **src(KEY1), **sse(KEY2))
        if ctx.soft(r is None, f"self-copy with a new key refused: {r and r['Error']}"):
            ctx.soft_eq(get_body(b, "obj", **sse(KEY2)), BODY, "body with the new key")
            r = err_of(S3.get_object, Bucket=b, Key="obj", **sse(KEY1))
            ctx.soft_eq(r and (status(r), r["Error"].get("Code")), (403, "AccessDenied"), "GET with the old key")


@test("C", "LocalStack provider copy_object answers a wrong copy-source key with AccessDenied 'Access Denied' (no AWS "
      "capture); GET's wrong-key answer is 403 AccessDenied [A]")
def copy_wrong_source_key(ctx):
    with Bucket() as b:
        put_ssec(b, "src", k=KEY1)
        r = err_of(S3.copy_object, Bucket=b, Key="dst", CopySource=f"{b}/src", **src(KEY2))
        if ctx.soft(r is not None, "copy with a wrong copy-source key succeeded"):
            ctx.soft_eq((status(r), r["Error"].get("Code")), (403, "AccessDenied"), "copy wrong source key")
        ctx.soft(err_of(S3.head_object, Bucket=b, Key="dst") is not None, "a refused copy left a target behind")


# --------------------------------------------------------------------------------------------- main
if __name__ == "__main__":
    conclude(run())
