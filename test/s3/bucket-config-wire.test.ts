/**
 * Bucket configuration documents as they go on the wire, read with raw
 * HTTP: the root element each Get answers under (what clients that read
 * the XML themselves look for), and the integrity header each Put needs.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { md5Base64, rawRequest, type RawResponse } from "../support/raw.js";
import { startCloud, type TestCloud } from "../support/nimbus.js";

const Bucket = "config-wire";

describe("S3 bucket configuration documents on the wire", () => {
  let t: TestCloud;
  const send = (method: string, sub: string, body?: string, headers: Record<string, string> = {}): Promise<RawResponse> =>
    rawRequest(t.cloud.endpoint, { method, path: `/${Bucket}`, query: { [sub]: "" }, body, headers });
  const put = (sub: string, body: string) => send("PUT", sub, body, { "content-md5": md5Base64(body) });
  const root = (response: RawResponse) => /<\?xml[^>]*\?>\s*<([A-Za-z]+)/.exec(response.body)?.[1];
  before(async () => {
    t = await startCloud();
    assert.equal((await rawRequest(t.cloud.endpoint, { method: "PUT", path: `/${Bucket}` })).status, 200);
  });
  after(() => t.stop());

  // The roots of the S3 API reference's response syntax, which the AWS SDK for Java 1.x's readers require.
  it("answers each configuration under S3's root element", async () => {
    const documents: [string, string, string][] = [
      ["cors", "CORSConfiguration", "<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>"],
      [
        "lifecycle",
        "LifecycleConfiguration",
        "<LifecycleConfiguration><Rule><ID>r</ID><Filter></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>",
      ],
      ["website", "WebsiteConfiguration", "<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument></WebsiteConfiguration>"],
      ["tagging", "Tagging", "<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>"],
    ];
    for (const [sub, element, body] of documents) {
      assert.ok((await put(sub, body)).status < 300, sub);
      const read = await send("GET", sub);
      assert.equal(read.status, 200, sub);
      assert.equal(root(read), element, sub);
      assert.match(read.body, new RegExp(`<${element} xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`), sub);
    }
  });

  // Captured answers: PutBucketTagging (versity/versitygw#1521, 2025) and PutObjectLockConfiguration (#1301) name both
  // headers; lifecycle rules Content-MD5 alone (boto/botocore#3415); PutBucketEncryption needs neither (minio/minio#9750).
  it("needs Content-MD5 or a checksum where S3 does, refused in S3's words", async () => {
    const refusals: [string, string, string][] = [
      ["tagging", "<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>", "Content-MD5 OR x-amz-checksum-*"],
      ["cors", "<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>", "Content-MD5 OR x-amz-checksum-*"],
      [
        "lifecycle",
        "<LifecycleConfiguration><Rule><ID>r</ID><Filter></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>",
        "Content-MD5",
      ],
    ];
    for (const [sub, body, missing] of refusals) {
      const refused = await send("PUT", sub, body);
      assert.equal(refused.status, 400, sub);
      assert.match(refused.body, /<Code>InvalidRequest<\/Code>/, sub);
      assert.ok(refused.body.includes(`<Message>Missing required header for this request: ${missing}</Message>`), `${sub}: ${refused.body}`);
      assert.ok((await put(sub, body)).status < 300, sub);
    }
    const encryption = "<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>";
    assert.equal((await send("PUT", "encryption", encryption)).status, 200);
  });
});
