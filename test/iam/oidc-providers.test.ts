/**
 * OpenID Connect providers through the AWS SDK: created, listed, described
 * and deleted as IAM does, named by their URL without its scheme.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CreateOpenIDConnectProviderCommand,
  DeleteOpenIDConnectProviderCommand,
  GetOpenIDConnectProviderCommand,
  IAMClient,
  ListOpenIDConnectProvidersCommand,
} from "@aws-sdk/client-iam";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";

describe("IAM OpenID Connect providers", () => {
  let t: TestCloud;
  let iam: IAMClient;
  before(async () => {
    t = await startCloud({ inMemory: true });
    iam = new IAMClient(t.cloud.clientConfig);
  });
  after(async () => {
    iam.destroy();
    await t.stop();
  });

  it("creates, lists, gets and deletes a provider (ceph s3-tests' test_account_oidc_provider)", async () => {
    const created = await iam.send(
      new CreateOpenIDConnectProviderCommand({ Url: "https://token.example.com/issuer", ClientIDList: ["my-app"], ThumbprintList: ["3768084dfb3d2b68b7897bf5f565da8efEXAMPLE"], Tags: [{ Key: "team", Value: "web" }] }),
    );
    const arn = created.OpenIDConnectProviderArn!;
    assert.equal(arn, "arn:aws:iam::000000000000:oidc-provider/token.example.com/issuer");
    assert.deepEqual(created.Tags, [{ Key: "team", Value: "web" }]);
    assert.deepEqual((await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList, [{ Arn: arn }]);
    const got = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
    assert.deepEqual([got.Url, got.ClientIDList, got.ThumbprintList], ["token.example.com/issuer", ["my-app"], ["3768084dfb3d2b68b7897bf5f565da8efEXAMPLE"]]);
    assert.ok(got.CreateDate instanceof Date);
    await rejectsWith(iam.send(new CreateOpenIDConnectProviderCommand({ Url: "https://token.example.com/issuer" })), "EntityAlreadyExistsException", 409);
    await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
    assert.deepEqual((await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList, []);
    await rejectsWith(iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })), "NoSuchEntityException", 404);
    const gone = await rejectsWith(iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })), "NoSuchEntityException", 404);
    assert.equal(gone.message, `OpenId connect Provider ${arn} cannot be found.`);
  });

  it("refuses what IAM refuses, in its words (LocalStack's AWS-recorded OIDC snapshots)", async () => {
    const create = (input: { Url: string; ThumbprintList?: string[]; ClientIDList?: string[] }) => iam.send(new CreateOpenIDConnectProviderCommand(input));
    const cases: [Promise<unknown>, string, number, string][] = [
      [create({ Url: "example.org", ThumbprintList: ["a".repeat(40)] }), "ValidationError", 400, "Invalid Open ID Connect Provider URL"],
      [create({ Url: "http://example.org", ThumbprintList: ["a".repeat(40)] }), "ValidationError", 400, "Invalid Open ID Connect Provider URL"],
      [create({ Url: "https://thumbs.example.com", ThumbprintList: "abcdef".split("").map((c) => c.repeat(40)) }), "InvalidInputException", 400, "Thumbprint list must contain fewer than 5 entries."],
      [
        create({ Url: "https://clients.example.com", ThumbprintList: ["a".repeat(40)], ClientIDList: Array.from({ length: 101 }, (_, i) => String(i)) }),
        "LimitExceededException",
        409,
        "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100",
      ],
    ];
    for (const [call, code, status, message] of cases) assert.equal((await rejectsWith(call, code, status)).message, message);
    assert.deepEqual((await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList, []);
  });
});
