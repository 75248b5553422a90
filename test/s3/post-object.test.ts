import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";

const BUCKET = "form-uploads";

describe("S3 browser form uploads (POST Object)", () => {
  let t: TestCloud;
  let s3: S3Client;
  /** Posts a form as a browser does: the fields in order, the file last. */
  const submit = (url: string, fields: Record<string, string>, file: Blob | string, filename = "photo.jpg") => {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    form.append("file", typeof file === "string" ? new Blob([file]) : file, filename);
    return fetch(url, { method: "POST", body: form });
  };
  /** The error's code and message, as an XML parser reads them. */
  const code = async (res: Response) =>
    /<Code>([^<]*)<\/Code>[\s\S]*<Message>([^<]*)<\/Message>/
      .exec(await res.text())
      ?.slice(1)
      .map((text) => text.replaceAll("&quot;", '"').replaceAll("&amp;", "&"));

  before(async () => {
    t = await startCloud();
    s3 = t.s3();
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  });
  after(() => t.stop());

  it("stores a file posted with createPresignedPost's fields, its metadata from the form", async () => {
    const { url, fields } = await createPresignedPost(s3, {
      Bucket: BUCKET,
      Key: "uploads/${filename}",
      Conditions: [["content-length-range", 1, 1024], ["starts-with", "$Content-Type", "image/"], ["starts-with", "$x-amz-meta-owner", ""]],
      Fields: { "Content-Type": "image/jpeg", "x-amz-meta-owner": "ada" },
      Expires: 300,
    });
    const res = await submit(url, fields, "jpeg bytes");
    assert.equal(res.status, 204);
    assert.equal(res.headers.get("content-type"), null);
    assert.match(res.headers.get("location") ?? "", /uploads%2Fphoto\.jpg$/);

    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "uploads/photo.jpg" }));
    assert.equal(await got.Body?.transformToString(), "jpeg bytes");
    assert.equal(got.ContentType, "image/jpeg");
    assert.deepEqual(got.Metadata, { owner: "ada" });
    assert.equal(res.headers.get("etag"), got.ETag);
  });

  it("holds the form to its policy: size range, conditions, fields it does not name", async () => {
    const { url, fields } = await createPresignedPost(s3, { Bucket: BUCKET, Key: "small.txt", Conditions: [["content-length-range", 1, 5]], Expires: 300 });
    const large = await submit(url, fields, "more than five");
    assert.equal(large.status, 400);
    assert.deepEqual(await code(large), ["EntityTooLarge", "Your proposed upload exceeds the maximum allowed size"]);
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "small.txt" })), "NotFound", 404);

    const renamed = await submit(url, { ...fields, key: "elsewhere.txt" }, "ok");
    assert.equal(renamed.status, 403);
    assert.deepEqual(await code(renamed), ["AccessDenied", 'Invalid according to Policy: Policy Condition failed: ["eq", "$key", "small.txt"]']);

    const extra = await submit(url, { ...fields, "x-amz-meta-extra": "1" }, "ok");
    assert.equal(extra.status, 403);
    assert.deepEqual(await code(extra), ["AccessDenied", "Invalid according to Policy: Extra input fields: x-amz-meta-extra"]);

    const tampered = await submit(url, { ...fields, "X-Amz-Signature": "0".repeat(64) }, "ok");
    assert.equal(tampered.status, 403);
    assert.equal((await code(tampered))?.[0], "SignatureDoesNotMatch");

    const expired = await createPresignedPost(s3, { Bucket: BUCKET, Key: "late.txt", Expires: -60 });
    const late = await submit(expired.url, expired.fields, "ok");
    assert.deepEqual([late.status, await code(late)], [403, ["AccessDenied", "Invalid according to Policy: Policy expired."]]);

    assert.equal((await submit(url, fields, "ok")).status, 204);
  });

  it("answers as the form asks: 201 with a PostResponse, or 303 to its redirect", async () => {
    const created = await createPresignedPost(s3, { Bucket: BUCKET, Key: "doc.txt", Fields: { success_action_status: "201" }, Expires: 300 });
    const res = await submit(created.url, created.fields, "hello");
    assert.equal(res.status, 201);
    const body = await res.text();
    assert.match(body, /<PostResponse><Location>[^<]+doc\.txt<\/Location><Bucket>form-uploads<\/Bucket><Key>doc\.txt<\/Key><ETag>&quot;[0-9a-f]{32}&quot;<\/ETag><\/PostResponse>/);

    const redirect = "https://app.example.com/done";
    const sent = await createPresignedPost(s3, { Bucket: BUCKET, Key: "r.txt", Fields: { success_action_redirect: redirect }, Expires: 300 });
    const form = new FormData();
    for (const [name, value] of Object.entries(sent.fields)) form.append(name, value);
    form.append("file", new Blob(["x"]), "r.txt");
    const moved = await fetch(sent.url, { method: "POST", body: form, redirect: "manual" });
    assert.equal(moved.status, 303);
    const location = new URL(moved.headers.get("location") ?? "");
    assert.deepEqual([location.origin + location.pathname, location.searchParams.get("bucket"), location.searchParams.get("key")], [redirect, BUCKET, "r.txt"]);
  });

  it("refuses a form without its file, and a POST that is not a form", async () => {
    const { url, fields } = await createPresignedPost(s3, { Bucket: BUCKET, Key: "none.txt", Expires: 300 });
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    const missing = await fetch(url, { method: "POST", body: form });
    assert.deepEqual([missing.status, await code(missing)], [400, ["InvalidArgument", "POST requires exactly one file upload per request."]]);

    const plain = await fetch(url, { method: "POST", body: "key=x", headers: { "content-type": "text/plain" } });
    assert.deepEqual([plain.status, (await code(plain))?.[0]], [412, "PreconditionFailed"]);

    // A form that ends inside its file, before anything reads it: refused, and the server stays up.
    const parts = Object.entries(fields).map(([name, value]) => `--zz\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
    const cut = `${parts.join("")}--zz\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nabc`;
    for (let i = 0; i < 3; i++) {
      const res = await fetch(url, { method: "POST", body: cut, headers: { "content-type": "multipart/form-data; boundary=zz" } });
      assert.deepEqual([res.status, (await code(res))?.[0]], [400, "MalformedPOSTRequest"]);
    }
    assert.equal((await fetch(`${t.cloud.endpoint}/_nimbus/health`)).status, 200);

    // A part without a name, before any authentication: refused, and the server stays up.
    const nameless = await fetch(`${t.cloud.endpoint}/${BUCKET}`, {
      method: "POST",
      body: "--B\r\nContent-Disposition: form-data\r\n\r\nx\r\n--B--\r\n",
      headers: { "content-type": "multipart/form-data; boundary=B" },
    });
    assert.deepEqual([nameless.status, (await code(nameless))?.[0]], [400, "MalformedPOSTRequest"]);
    assert.equal((await fetch(`${t.cloud.endpoint}/_nimbus/health`)).status, 200);
  });

  it("refuses a policy whose condition nests thousands deep, and stays up", async () => {
    const { url, fields } = await createPresignedPost(s3, { Bucket: BUCKET, Key: "deep.txt", Expires: 300 });
    const depth = 6000;
    const deep = `{"expiration":"2099-01-01T00:00:00.000Z","conditions":[${"[".repeat(depth)}"eq"${"]".repeat(depth)}]}`;
    // An access key Nimbus does not know (lenient mode) leaves the policy's signature unchecked: the policy is read as sent.
    const credential = fields["X-Amz-Credential"]!.replace(/^[^/]+/, "AKIAUNKNOWNPOSTKEY00");
    const res = await submit(url, { ...fields, "X-Amz-Credential": credential, Policy: Buffer.from(deep).toString("base64") }, "x");
    assert.deepEqual([res.status, (await code(res))?.[0]], [400, "InvalidPolicyDocument"]);
    assert.equal((await fetch(`${t.cloud.endpoint}/_nimbus/health`)).status, 200);
  });

  it("stores a file sent as a plain field (no file name) byte for byte", async () => {
    const { url, fields } = await createPresignedPost(s3, { Bucket: BUCKET, Key: "raw.bin", Expires: 300 });
    const bytes = Buffer.from(Array.from({ length: 40_000 }, (_, i) => (i * 7) % 256));
    const head = Object.entries(fields).map(([name, value]) => `--B\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
    const body = Buffer.concat([Buffer.from(`${head.join("")}--B\r\nContent-Disposition: form-data; name="file"\r\n\r\n`), bytes, Buffer.from("\r\n--B--\r\n")]);
    const res = await fetch(url, { method: "POST", body, headers: { "content-type": "multipart/form-data; boundary=B" } });
    assert.equal(res.status, 204);
    const stored = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "raw.bin" }));
    assert.ok(Buffer.from(await stored.Body!.transformToByteArray()).equals(bytes));
  });
});
