/**
 * STS AssumeRoleWithWebIdentity through the AWS SDK, in strict mode: an
 * unsigned call with an OpenID Connect ID token (as GitHub Actions, EKS
 * service accounts and Cognito hand out) gets a role's session when an
 * IAM OIDC provider for the token's issuer lists its audience and the
 * role's trust policy names the provider with conditions on its claims.
 * Errors in STS's words, as AWS answers them (quoted in
 * aws-actions/configure-aws-credentials#280 and awslabs/amazon-eks-irsa-cfn#18).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { AttachRolePolicyCommand, CreateOpenIDConnectProviderCommand, CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { CreateBucketCommand, ListBucketsCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";

const ISSUER = "https://token.actions.githubusercontent.com";
const PROVIDER = "arn:aws:iam::000000000000:oidc-provider/token.actions.githubusercontent.com";
const ROLE = "arn:aws:iam::000000000000:role/deployer";

/** An unsigned JWT with these claims: Nimbus reads the claims and, offline, cannot check the issuer's signature. */
function token(claims: Record<string, unknown>): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "RS256", typ: "JWT" })}.${part(claims)}.c2lnbmF0dXJl`;
}

describe("STS AssumeRoleWithWebIdentity (strict mode)", () => {
  let t: TestCloud;
  let sts: STSClient;
  const now = () => Math.floor(Date.now() / 1000);
  const claims = (extra: Record<string, unknown> = {}) => ({
    iss: ISSUER,
    aud: "sts.amazonaws.com",
    sub: "repo:acme/site:ref:refs/heads/main",
    exp: now() + 300,
    ...extra,
  });
  const assume = (webToken: string, role = ROLE) =>
    sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: role, RoleSessionName: "ci", WebIdentityToken: webToken }));

  before(async () => {
    t = await startCloud({ auth: "strict", inMemory: true });
    const iam = new IAMClient(t.cloud.clientConfig);
    await iam.send(new CreateOpenIDConnectProviderCommand({ Url: ISSUER, ClientIDList: ["sts.amazonaws.com"], ThumbprintList: ["6938fd4d98bab03faadb97b34396831e3780aea1"] }));
    const trust = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Federated: PROVIDER },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
            StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme/site:*" },
          },
        },
      ],
    };
    await iam.send(new CreateRoleCommand({ RoleName: "deployer", AssumeRolePolicyDocument: JSON.stringify(trust) }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: "deployer", PolicyArn: "arn:aws:iam::aws:policy/AmazonS3FullAccess" }));
    iam.destroy();
    // No credentials at all: the SDK sends this call unsigned.
    sts = new STSClient({ endpoint: t.cloud.endpoint, region: "us-east-1", credentials: { accessKeyId: "unused", secretAccessKey: "unused" } });
  });
  after(async () => {
    sts.destroy();
    await t.stop();
  });

  it("gives a session of the role for a token the trust policy accepts", async () => {
    const answer = await assume(token(claims()));
    assert.equal(answer.SubjectFromWebIdentityToken, "repo:acme/site:ref:refs/heads/main");
    assert.equal(answer.Provider, ISSUER);
    assert.equal(answer.Audience, "sts.amazonaws.com");
    assert.match(answer.AssumedRoleUser!.AssumedRoleId!, /^AROA[A-Z0-9]+:ci$/);
    assert.equal(answer.AssumedRoleUser!.Arn, "arn:aws:sts::000000000000:assumed-role/deployer/ci");
    assert.match(answer.Credentials!.AccessKeyId!, /^ASIA/);

    const credentials = { accessKeyId: answer.Credentials!.AccessKeyId!, secretAccessKey: answer.Credentials!.SecretAccessKey!, sessionToken: answer.Credentials!.SessionToken! };
    const session = new STSClient({ ...t.cloud.clientConfig, credentials });
    assert.equal((await session.send(new GetCallerIdentityCommand({}))).Arn, "arn:aws:sts::000000000000:assumed-role/deployer/ci");
    session.destroy();
    const s3 = t.s3({ credentials });
    await s3.send(new CreateBucketCommand({ Bucket: "site" }));
    await s3.send(new PutObjectCommand({ Bucket: "site", Key: "index.html", Body: "<h1>hi</h1>" }));
    assert.ok((await s3.send(new ListBucketsCommand({}))).Buckets!.some((b) => b.Name === "site"));
  });

  it("refuses a token the trust policy's conditions do not accept", async () => {
    const other = await rejectsWith(assume(token(claims({ sub: "repo:evil/fork:ref:refs/heads/main" }))), "AccessDenied", 403);
    assert.equal(other.message, "Not authorized to perform sts:AssumeRoleWithWebIdentity");
    await rejectsWith(assume(token(claims()), "arn:aws:iam::000000000000:role/nobody"), "AccessDenied", 403);
  });

  it("answers STS's errors for tokens it cannot take", async () => {
    const unknown = await rejectsWith(assume(token(claims({ iss: "https://vstoken.actions.githubusercontent.com" }))), "InvalidIdentityTokenException", 400);
    assert.equal(unknown.message, "No OpenIDConnect provider found in your account for https://vstoken.actions.githubusercontent.com");
    const audience = await rejectsWith(assume(token(claims({ aud: "sts.amazon.com" }))), "InvalidIdentityTokenException", 400);
    assert.equal(audience.message, "Incorrect token audience");
    const expired = await rejectsWith(assume(token(claims({ exp: now() - 60 }))), "ExpiredTokenException", 400);
    assert.match(expired.message, /^Token expired: current date\/time \d+ must be before the expiration date\/time\d+$/);
    const garbage = await rejectsWith(assume("not-a-jwt"), "InvalidIdentityTokenException", 400);
    assert.match(garbage.message, /not a valid JWT/);
  });

  it("names the audience the provider lists, and reads Google's `azp` as its audience", async () => {
    const answer = await assume(token(claims({ aud: ["other-client", "sts.amazonaws.com"] })));
    assert.equal(answer.Audience, "sts.amazonaws.com");
    const iam = new IAMClient(t.cloud.clientConfig);
    const trust = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Federated: "accounts.google.com" }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { "accounts.google.com:aud": "my-app" } } }],
    };
    await iam.send(new CreateRoleCommand({ RoleName: "google-app", AssumeRolePolicyDocument: JSON.stringify(trust) }));
    iam.destroy();
    const google = await assume(token({ iss: "https://accounts.google.com", aud: "service-account", azp: "my-app", sub: "1234", exp: now() + 300 }), "arn:aws:iam::000000000000:role/google-app");
    assert.equal(google.Audience, "my-app");
    await rejectsWith(assume(token({ iss: "https://accounts.google.com", aud: "service-account", sub: "1234", exp: now() + 300 }), "arn:aws:iam::000000000000:role/google-app"), "AccessDenied", 403);
  });

  it("refuses every other STS call made without credentials", async () => {
    const response = await fetch(t.cloud.endpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "Action=GetCallerIdentity&Version=2011-06-15",
    });
    assert.equal(response.status, 403);
    assert.match(await response.text(), /<Code>MissingAuthenticationToken<\/Code>/);
    // So is an unsigned call of another query service (IAM's), which lacks its signature before anything.
    const iam = await fetch(t.cloud.endpoint, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "Action=ListUsers&Version=2010-05-08" });
    assert.equal(iam.status, 403);
    assert.match(await iam.text(), /<Code>MissingAuthenticationToken<\/Code>/);
    // The unsigned call itself, as the AWS CLI sends it: STS's own code on the wire.
    const raw = await fetch(t.cloud.endpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=${encodeURIComponent(ROLE)}&RoleSessionName=ci&WebIdentityToken=x.y.z`,
    });
    assert.equal(raw.status, 400);
    assert.match(await raw.text(), /<Code>InvalidIdentityToken<\/Code>/);
  });
});
