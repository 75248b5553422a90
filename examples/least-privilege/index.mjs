#!/usr/bin/env node
/**
 * Scenario S7, least privilege: with Nimbus in strict mode, a user allowed
 * to put and get objects in one bucket can do exactly that; a public bucket
 * policy opens one bucket to anonymous reads; presigned URLs expire; a wrong
 * secret is refused.
 *
 *   NIMBUS_AUTH=strict npm start                       # one terminal
 *   node examples/least-privilege/index.mjs            # another
 *
 * The same code runs against AWS: set AWS_ENDPOINT_URL (or nothing, for
 * AWS itself) and root-like credentials in the environment.
 */
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  IAMClient,
  ListUsersCommand,
} from "@aws-sdk/client-iam";
import { CreateBucketCommand, GetObjectCommand, PutBucketPolicyCommand, PutObjectCommand, PutPublicAccessBlockCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";

const endpoint = process.env.AWS_ENDPOINT_URL ?? "http://127.0.0.1:4566";
const region = process.env.AWS_REGION ?? "us-east-1";
const admin = {
  accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? "test",
  secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? "test",
};
const s3As = (credentials) => new S3Client({ endpoint, region, credentials, forcePathStyle: true });
const iamAs = (credentials) => new IAMClient({ endpoint, region, credentials });

let failures = 0;
function check(what, ok, detail = "") {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}${detail ? `: ${detail}` : ""}`);
  if (!ok) failures++;
}

/** Runs `call`, expecting AWS to refuse it with `code`. */
async function refused(what, call, code) {
  try {
    await call();
    check(what, false, `succeeded, expected ${code}`);
  } catch (error) {
    check(what, error.name === code, `${error.name}: ${error.message}`);
  }
}

// ── the administrator sets up the account ──────────────────────────────
const adminS3 = s3As(admin);
const adminIam = iamAs(admin);
for (const Bucket of ["mybucket1", "mybucket2", "mybucket567"]) await adminS3.send(new CreateBucketCommand({ Bucket }));

await adminIam.send(new CreateUserCommand({ UserName: "user1" }));
const policy = await adminIam.send(
  new CreatePolicyCommand({
    PolicyName: "mybucket1-objects",
    PolicyDocument: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: ["s3:PutObject", "s3:GetObject"], Resource: "arn:aws:s3:::mybucket1/*" }],
    }),
  }),
);
await adminIam.send(new AttachUserPolicyCommand({ UserName: "user1", PolicyArn: policy.Policy.Arn }));
const { AccessKey } = await adminIam.send(new CreateAccessKeyCommand({ UserName: "user1" }));
const user1 = { accessKeyId: AccessKey.AccessKeyId, secretAccessKey: AccessKey.SecretAccessKey };
console.log(`user1 has key ${user1.accessKeyId}`);

// ── user1 may put and get in mybucket1, nothing else ───────────────────
const userS3 = s3As(user1);
await userS3.send(new PutObjectCommand({ Bucket: "mybucket1", Key: "notes.txt", Body: "hello from user1" }));
const got = await userS3.send(new GetObjectCommand({ Bucket: "mybucket1", Key: "notes.txt" }));
check("user1 puts and gets in mybucket1", (await got.Body.transformToString()) === "hello from user1");
await refused("user1 is refused another bucket", () => userS3.send(new PutObjectCommand({ Bucket: "mybucket2", Key: "x", Body: "x" })), "AccessDenied");
await refused("user1 is refused IAM", () => iamAs(user1).send(new ListUsersCommand({})), "AccessDenied");

// ── a public bucket policy opens mybucket567 to anonymous reads ────────
// New buckets block public policies, on AWS as here: turn that off first.
await adminS3.send(
  new PutPublicAccessBlockCommand({
    Bucket: "mybucket567",
    PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: false, RestrictPublicBuckets: false },
  }),
);
await adminS3.send(
  new PutBucketPolicyCommand({
    Bucket: "mybucket567",
    Policy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::mybucket567/*" }],
    }),
  }),
);
await adminS3.send(new PutObjectCommand({ Bucket: "mybucket567", Key: "public.txt", Body: "for everyone" }));
const anonymous = await fetch(`${endpoint}/mybucket567/public.txt`);
check("anyone reads mybucket567", anonymous.status === 200 && (await anonymous.text()) === "for everyone", `HTTP ${anonymous.status}`);
const privateRead = await fetch(`${endpoint}/mybucket1/notes.txt`);
check("nobody reads mybucket1 anonymously", privateRead.status === 403, `HTTP ${privateRead.status}`);

// ── presigned URLs work until they expire ──────────────────────────────
const fresh = await getSignedUrl(userS3, new GetObjectCommand({ Bucket: "mybucket1", Key: "notes.txt" }), { expiresIn: 60 });
const freshAnswer = await fetch(fresh);
check("a presigned URL works", freshAnswer.status === 200, `HTTP ${freshAnswer.status}`);
// Signed ten minutes ago for one minute: expired nine minutes ago.
const stale = await getSignedUrl(userS3, new GetObjectCommand({ Bucket: "mybucket1", Key: "notes.txt" }), {
  expiresIn: 60,
  signingDate: new Date(Date.now() - 10 * 60 * 1000),
});
const staleAnswer = await fetch(stale);
const staleText = await staleAnswer.text();
check("an expired presigned URL is refused", staleAnswer.status === 403 && staleText.includes("Request has expired"), `HTTP ${staleAnswer.status}`);

// ── a wrong secret is refused ──────────────────────────────────────────
await refused(
  "a wrong secret key is refused",
  () => s3As({ ...user1, secretAccessKey: "not-the-secret" }).send(new GetObjectCommand({ Bucket: "mybucket1", Key: "notes.txt" })),
  "SignatureDoesNotMatch",
);

console.log(failures === 0 ? "least privilege holds" : `${failures} check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
