/**
 * What STS refuses in an AssumeRole or GetSessionToken request before any
 * credentials are issued: MFA devices it cannot validate, malformed token
 * codes, session policies and tags past the packed size, session tags a
 * trust policy does not allow (sts:TagSession), in STS's words.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { AssumeRoleCommand, GetSessionTokenCommand, STSClient } from "@aws-sdk/client-sts";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";

const TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { AWS: "000000000000" }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
});
const RoleArn = "arn:aws:iam::000000000000:role/requests";
const SerialNumber = "arn:aws:iam::000000000000:mfa/nobody";

describe("STS: what AssumeRole and GetSessionToken refuse", () => {
  let t: TestCloud;
  let iam: IAMClient;
  let sts: STSClient;
  before(async () => {
    t = await startCloud({ inMemory: true });
    iam = new IAMClient(t.cloud.clientConfig);
    sts = new STSClient(t.cloud.clientConfig);
    await iam.send(new CreateRoleCommand({ RoleName: "requests", AssumeRolePolicyDocument: TRUST }));
  });
  after(async () => {
    iam.destroy();
    sts.destroy();
    await t.stop();
  });

  it("refuses an MFA device that is not the caller's, and a serial number or code alone", async () => {
    const unknown =
      "MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.";
    const both = "MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.";
    const assumed = await rejectsWith(sts.send(new AssumeRoleCommand({ RoleArn, RoleSessionName: "mfa", SerialNumber, TokenCode: "123456" })), "AccessDenied", 403);
    assert.equal(assumed.message, unknown);
    const session = await rejectsWith(sts.send(new GetSessionTokenCommand({ SerialNumber, TokenCode: "123456" })), "AccessDenied", 403);
    assert.equal(session.message, unknown);
    for (const mfa of [{ SerialNumber }, { TokenCode: "123456" }]) {
      assert.equal((await rejectsWith(sts.send(new AssumeRoleCommand({ RoleArn, RoleSessionName: "mfa", ...mfa })), "AccessDenied", 403)).message, both);
      assert.equal((await rejectsWith(sts.send(new GetSessionTokenCommand(mfa)), "AccessDenied", 403)).message, both);
    }
    // Without MFA the role is assumed as ever.
    assert.ok((await sts.send(new AssumeRoleCommand({ RoleArn, RoleSessionName: "mfa" }))).Credentials);
  });

  it("holds a token code to six digits", async () => {
    const short = await rejectsWith(sts.send(new AssumeRoleCommand({ RoleArn, RoleSessionName: "mfa", SerialNumber, TokenCode: "12345" })), "ValidationError", 400);
    assert.equal(short.message, "1 validation error detected: Value '12345' at 'tokenCode' failed to satisfy constraint: Member must have length greater than or equal to 6");
    const letters = await rejectsWith(sts.send(new AssumeRoleCommand({ RoleArn, RoleSessionName: "mfa", SerialNumber, TokenCode: "abcdef" })), "ValidationError", 400);
    assert.equal(letters.message, "1 validation error detected: Value 'abcdef' at 'tokenCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\d]*");
  });

  it("refuses session tags and policies past the packed size limit", async () => {
    const Tags = Array.from({ length: 50 }, (_, i) => ({ Key: `${String(i).padStart(2, "0")}${"k".repeat(126)}`, Value: "v".repeat(256) }));
    const tags = await rejectsWith(sts.send(new AssumeRoleCommand({ RoleArn, RoleSessionName: "packed", Tags })), "PackedPolicyTooLargeException", 400);
    assert.match(tags.message, /^Packed size of session tags consumes \d{3,}% of allotted space\.$/);
    const Policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: Array.from({ length: 60 }, (_, i) => ({ Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::a-rather-long-bucket-name-${i}/*` })),
    });
    const policy = await rejectsWith(sts.send(new AssumeRoleCommand({ RoleArn, RoleSessionName: "packed", Policy })), "PackedPolicyTooLargeException", 400);
    assert.match(policy.message, /^Packed policy consumes \d{3,}% of allotted space$/);
    // Within the limit, the share is answered as PackedPolicySize.
    const fits = await sts.send(new AssumeRoleCommand({ RoleArn, RoleSessionName: "packed", Tags: Tags.slice(0, 2) }));
    const size = fits.PackedPolicySize ?? 0;
    assert.ok(size > 0 && size <= 100, `PackedPolicySize ${size}`);
  });

  it("takes session tags only where the trust policy allows sts:TagSession", async () => {
    const assumeOnly = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "000000000000" }, Action: "sts:AssumeRole" }] });
    await iam.send(new CreateRoleCommand({ RoleName: "untagged", AssumeRolePolicyDocument: assumeOnly }));
    const untagged = "arn:aws:iam::000000000000:role/untagged";
    const tagged = await rejectsWith(sts.send(new AssumeRoleCommand({ RoleArn: untagged, RoleSessionName: "tags", Tags: [{ Key: "team", Value: "blue" }] })), "AccessDenied", 403);
    assert.equal(tagged.message, `User: arn:aws:iam::000000000000:root is not authorized to perform: sts:TagSession on resource: ${untagged}`);
    assert.ok((await sts.send(new AssumeRoleCommand({ RoleArn: untagged, RoleSessionName: "tags" }))).Credentials);
    assert.ok((await sts.send(new AssumeRoleCommand({ RoleArn, RoleSessionName: "tags", Tags: [{ Key: "team", Value: "blue" }] }))).Credentials);
  });
});
