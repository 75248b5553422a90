#!/usr/bin/env node
/**
 * The first hour on a cloud, against Nimbus (scenario S4 with the plain AWS
 * SDK): IAM (a user, its key, a policy, a group, a role for Lambda),
 * NoSQL (a table keyed by `hash_att` and `range_att`: write, read, batch
 * write, query, scan) and object storage (upload a string and a file,
 * download, rename, presigned upload and download URLs).
 *
 *   npm start                                   # one terminal
 *   node examples/getting-started/index.mjs     # another
 *
 * Point AWS_ENDPOINT_URL elsewhere (or unset it, with real credentials)
 * and the same code runs on AWS.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AddUserToGroupCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetGroupCommand,
  IAMClient,
} from "@aws-sdk/client-iam";
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
import { CopyObjectCommand, CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";

const endpoint = process.env.AWS_ENDPOINT_URL ?? "http://127.0.0.1:4566";
const config = {
  endpoint,
  region: process.env.AWS_REGION ?? "us-east-1",
  credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? "test", secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? "test" },
};

let failures = 0;
function check(what, ok, detail = "") {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}${detail ? `: ${detail}` : ""}`);
  if (!ok) failures++;
}

// ── IAM ─────────────────────────────────────────────────────────────────
const iam = new IAMClient(config);
await iam.send(new CreateUserCommand({ UserName: "user1" }));
const key = await iam.send(new CreateAccessKeyCommand({ UserName: "user1" }));
const policy = await iam.send(
  new CreatePolicyCommand({
    PolicyName: "buckets-1-and-2",
    PolicyDocument: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: ["s3:PutObject", "s3:GetObject"], Resource: ["arn:aws:s3:::mybucket1/*", "arn:aws:s3:::mybucket2"] }],
    }),
  }),
);
await iam.send(new AttachUserPolicyCommand({ UserName: "user1", PolicyArn: policy.Policy.Arn }));
await iam.send(new CreateGroupCommand({ GroupName: "developers" }));
await iam.send(new AddUserToGroupCommand({ GroupName: "developers", UserName: "user1" }));
const role = await iam.send(
  new CreateRoleCommand({
    RoleName: "lambda-basic",
    AssumeRolePolicyDocument: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
    }),
  }),
);
await iam.send(new AttachRolePolicyCommand({ RoleName: "lambda-basic", PolicyArn: policy.Policy.Arn }));
const group = await iam.send(new GetGroupCommand({ GroupName: "developers" }));
check("IAM: user1 with a key, a policy, a group", key.AccessKey.AccessKeyId.startsWith("AKIA") && group.Users.length === 1);
check("IAM: a role for Lambda", role.Role.Arn.endsWith(":role/lambda-basic"));

// ── NoSQL ───────────────────────────────────────────────────────────────
const dynamodb = new DynamoDBClient(config);
await dynamodb.send(
  new CreateTableCommand({
    TableName: "mytable",
    AttributeDefinitions: [
      { AttributeName: "hash_att", AttributeType: "S" },
      { AttributeName: "range_att", AttributeType: "N" },
    ],
    KeySchema: [
      { AttributeName: "hash_att", KeyType: "HASH" },
      { AttributeName: "range_att", KeyType: "RANGE" },
    ],
    BillingMode: "PAY_PER_REQUEST",
  }),
);
await waitUntilTableExists({ client: dynamodb, maxWaitTime: 30 }, { TableName: "mytable" });
for (const [hash, range] of [["A", 1], ["A", 5], ["A", 9], ["B", 7]]) {
  await dynamodb.send(new PutItemCommand({ TableName: "mytable", Item: { hash_att: { S: hash }, range_att: { N: String(range) }, note: { S: `${hash}${range}` } } }));
}
const one = await dynamodb.send(new GetItemCommand({ TableName: "mytable", Key: { hash_att: { S: "A" }, range_att: { N: "5" } } }));
check("NoSQL: read one item", one.Item?.note?.S === "A5");
await dynamodb.send(
  new BatchWriteItemCommand({
    RequestItems: {
      mytable: [
        { PutRequest: { Item: { hash_att: { S: "A" }, range_att: { N: "12" }, note: { S: "A12" } } } },
        { PutRequest: { Item: { hash_att: { S: "C" }, range_att: { N: "3" }, note: { S: "C3" } } } },
      ],
    },
  }),
);
const queried = await dynamodb.send(
  new QueryCommand({
    TableName: "mytable",
    KeyConditionExpression: "hash_att = :h AND range_att >= :r",
    ExpressionAttributeValues: { ":h": { S: "A" }, ":r": { N: "5" } },
  }),
);
check("NoSQL: query hash_att = A and range_att >= 5", queried.Items.map((i) => i.range_att.N).join(",") === "5,9,12");
const scanned = await dynamodb.send(new ScanCommand({ TableName: "mytable" }));
check("NoSQL: scan the table", scanned.Count === 6, `${scanned.Count} items`);

// ── object storage ──────────────────────────────────────────────────────
const s3 = new S3Client({ ...config, forcePathStyle: true });
await s3.send(new CreateBucketCommand({ Bucket: "mybucket1" }));
await s3.send(new PutObjectCommand({ Bucket: "mybucket1", Key: "hello.txt", Body: "hello, cloud" }));
const work = await mkdtemp(join(tmpdir(), "getting-started-"));
const file = join(work, "report.csv");
await writeFile(file, "day,visits\nmon,12\ntue,30\n");
await s3.send(new PutObjectCommand({ Bucket: "mybucket1", Key: "reports/report.csv", Body: await readFile(file) }));
const downloaded = await s3.send(new GetObjectCommand({ Bucket: "mybucket1", Key: "reports/report.csv" }));
check("objects: upload a string and a file, download", (await downloaded.Body.transformToString()) === (await readFile(file, "utf8")));
// S3 has no rename: copy, then delete the original.
await s3.send(new CopyObjectCommand({ Bucket: "mybucket1", Key: "greeting.txt", CopySource: "mybucket1/hello.txt" }));
await s3.send(new DeleteObjectCommand({ Bucket: "mybucket1", Key: "hello.txt" }));
const listed = await s3.send(new ListObjectsV2Command({ Bucket: "mybucket1" }));
check("objects: rename", listed.Contents.map((o) => o.Key).join(",") === "greeting.txt,reports/report.csv");
const uploadUrl = await getSignedUrl(s3, new PutObjectCommand({ Bucket: "mybucket1", Key: "shared/upload.txt" }), { expiresIn: 60 });
const uploaded = await fetch(uploadUrl, { method: "PUT", body: "sent through a presigned URL" });
const downloadUrl = await getSignedUrl(s3, new GetObjectCommand({ Bucket: "mybucket1", Key: "shared/upload.txt" }), { expiresIn: 60 });
const fetched = await fetch(downloadUrl);
check("objects: presigned upload and download URLs", uploaded.status === 200 && (await fetched.text()) === "sent through a presigned URL");
await rm(work, { recursive: true, force: true });

console.log(failures === 0 ? "all done" : `${failures} check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
