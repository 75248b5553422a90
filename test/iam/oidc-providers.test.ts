/**
 * OpenID Connect providers through the AWS SDK: created, listed, described
 * and deleted as IAM does, named by their URL without its scheme.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AddClientIDToOpenIDConnectProviderCommand,
  CreateOpenIDConnectProviderCommand,
  DeleteOpenIDConnectProviderCommand,
  GetOpenIDConnectProviderCommand,
  IAMClient,
  ListOpenIDConnectProviderTagsCommand,
  ListOpenIDConnectProvidersCommand,
  RemoveClientIDFromOpenIDConnectProviderCommand,
  TagOpenIDConnectProviderCommand,
  UntagOpenIDConnectProviderCommand,
  UpdateOpenIDConnectProviderThumbprintCommand,
} from "@aws-sdk/client-iam";
import { cloudFor, rejectsWith } from "../support/nimbus.js";

describe("IAM OpenID Connect providers", () => {
  const cloud = cloudFor((config) => new IAMClient(config));

  it("creates, lists, gets and deletes a provider (ceph s3-tests' test_account_oidc_provider)", async () => {
    const created = await cloud.client.send(
      new CreateOpenIDConnectProviderCommand({ Url: "https://token.example.com/issuer", ClientIDList: ["my-app"], ThumbprintList: ["3768084dfb3d2b68b7897bf5f565da8efEXAMPLE"], Tags: [{ Key: "team", Value: "web" }] }),
    );
    const arn = created.OpenIDConnectProviderArn!;
    assert.equal(arn, "arn:aws:iam::000000000000:oidc-provider/token.example.com/issuer");
    assert.deepEqual(created.Tags, [{ Key: "team", Value: "web" }]);
    assert.deepEqual((await cloud.client.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList, [{ Arn: arn }]);
    const got = await cloud.client.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
    assert.deepEqual([got.Url, got.ClientIDList, got.ThumbprintList], ["token.example.com/issuer", ["my-app"], ["3768084dfb3d2b68b7897bf5f565da8efEXAMPLE"]]);
    assert.ok(got.CreateDate instanceof Date);
    await rejectsWith(cloud.client.send(new CreateOpenIDConnectProviderCommand({ Url: "https://token.example.com/issuer" })), "EntityAlreadyExistsException", 409);
    await cloud.client.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
    assert.deepEqual((await cloud.client.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList, []);
    await rejectsWith(cloud.client.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })), "NoSuchEntityException", 404);
    const gone = await rejectsWith(cloud.client.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })), "NoSuchEntityException", 404);
    assert.equal(gone.message, `OpenId connect Provider ${arn} cannot be found.`);
  });

  it("refuses what IAM refuses, in its words (LocalStack's AWS-recorded OIDC snapshots)", async () => {
    const create = (input: { Url: string; ThumbprintList?: string[]; ClientIDList?: string[] }) => cloud.client.send(new CreateOpenIDConnectProviderCommand(input));
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
    assert.deepEqual((await cloud.client.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList, []);
  });

  it("adds and removes client ids, replaces thumbprints and keeps tags (LocalStack's AWS-validated OIDC tests, the operations' references)", async () => {
    const { OpenIDConnectProviderArn: arn } = await cloud.client.send(
      new CreateOpenIDConnectProviderCommand({ Url: "https://oidc-update.example.com", ClientIDList: ["a"], ThumbprintList: ["b".repeat(40)] }),
    );
    const get = () => cloud.client.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));

    await cloud.client.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: "b" }));
    await cloud.client.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: "b" }));
    assert.deepEqual((await get()).ClientIDList, ["a", "b"], "adding a client id twice changes nothing");
    await cloud.client.send(new RemoveClientIDFromOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: "a" }));
    await cloud.client.send(new RemoveClientIDFromOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: "never-added" }));
    assert.deepEqual((await get()).ClientIDList, ["b"]);

    await cloud.client.send(new UpdateOpenIDConnectProviderThumbprintCommand({ OpenIDConnectProviderArn: arn, ThumbprintList: ["c".repeat(40), "d".repeat(40)] }));
    assert.deepEqual((await get()).ThumbprintList, ["c".repeat(40), "d".repeat(40)]);
    const tooMany = await rejectsWith(
      cloud.client.send(new UpdateOpenIDConnectProviderThumbprintCommand({ OpenIDConnectProviderArn: arn, ThumbprintList: "abcdef".split("").map((c) => c.repeat(40)) })),
      "InvalidInputException",
      400,
    );
    assert.equal(tooMany.message, "Thumbprint list must contain fewer than 5 entries.");

    await cloud.client.send(new TagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, Tags: [{ Key: "k2", Value: "v2" }, { Key: "k1", Value: "v1" }] }));
    await cloud.client.send(new UntagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, TagKeys: ["k2"] }));
    assert.deepEqual((await get()).Tags, [{ Key: "k1", Value: "v1" }]);
    const listed = await cloud.client.send(new ListOpenIDConnectProviderTagsCommand({ OpenIDConnectProviderArn: arn }));
    assert.deepEqual([listed.Tags, listed.IsTruncated], [[{ Key: "k1", Value: "v1" }], false]);

    const missing = "arn:aws:iam::000000000000:oidc-provider/missing.example.com";
    const send = cloud.client.send.bind(cloud.client);
    const calls = [
      send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: missing, ClientID: "x" })),
      send(new RemoveClientIDFromOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: missing, ClientID: "x" })),
      send(new UpdateOpenIDConnectProviderThumbprintCommand({ OpenIDConnectProviderArn: missing, ThumbprintList: ["a".repeat(40)] })),
      send(new TagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: missing, Tags: [{ Key: "k", Value: "v" }] })),
      send(new UntagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: missing, TagKeys: ["k"] })),
      send(new ListOpenIDConnectProviderTagsCommand({ OpenIDConnectProviderArn: missing })),
    ];
    for (const call of calls) {
      const refused = await rejectsWith(call, "NoSuchEntityException", 404);
      assert.equal(refused.message, `OpenIDConnect Provider not found for arn ${missing}`);
    }
  });
});
