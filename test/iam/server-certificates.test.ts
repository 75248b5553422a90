/**
 * Server certificates through the AWS SDK: uploaded with a matching key,
 * read back without it, listed by path, renamed, tagged and deleted, in
 * IAM's words.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { before, describe, it } from "node:test";
import {
  DeleteServerCertificateCommand,
  GetAccountSummaryCommand,
  GetServerCertificateCommand,
  IAMClient,
  ListServerCertificatesCommand,
  ListServerCertificateTagsCommand,
  TagServerCertificateCommand,
  UpdateServerCertificateCommand,
  UploadServerCertificateCommand,
} from "@aws-sdk/client-iam";
import { cloudFor, rejectsWith } from "../support/nimbus.js";

describe("IAM server certificates", () => {
  const cloud = cloudFor((config) => new IAMClient(config));
  /** A self-signed certificate, its key, and a key of another pair. */
  let certificate: string, key: string, otherKey: string;
  before(async () => {
    const text = await readFile(new URL("./fixtures/server-certificate.pem", import.meta.url), "utf8");
    [certificate, key, otherKey] = text.split(/(?<=-----END [A-Z ]+-----\n)/) as [string, string, string];
  });

  it("uploads, reads, lists, renames, tags and deletes a certificate", async () => {
    const { ServerCertificateMetadata: uploaded, Tags } = await cloud.client.send(
      new UploadServerCertificateCommand({ ServerCertificateName: "web", Path: "/cloudfront/", CertificateBody: certificate, PrivateKey: key, Tags: [{ Key: "env", Value: "dev" }] }),
    );
    assert.equal(uploaded?.Arn, "arn:aws:iam::000000000000:server-certificate/cloudfront/web");
    assert.match(uploaded?.ServerCertificateId ?? "", /^ASCA[A-Z0-9]{17}$/);
    assert.ok(uploaded?.Expiration instanceof Date && uploaded.Expiration.getTime() > Date.now());
    assert.deepEqual(Tags, [{ Key: "env", Value: "dev" }]);

    const { ServerCertificate } = await cloud.client.send(new GetServerCertificateCommand({ ServerCertificateName: "web" }));
    assert.equal(ServerCertificate?.CertificateBody, certificate);
    assert.deepEqual(Object.keys(ServerCertificate ?? {}).includes("PrivateKey"), false);
    assert.deepEqual((await cloud.client.send(new ListServerCertificatesCommand({ PathPrefix: "/cloudfront/" }))).ServerCertificateMetadataList?.map((m) => m.ServerCertificateName), ["web"]);
    assert.deepEqual((await cloud.client.send(new ListServerCertificatesCommand({ PathPrefix: "/elb/" }))).ServerCertificateMetadataList, []);
    assert.equal((await cloud.client.send(new GetAccountSummaryCommand({}))).SummaryMap?.ServerCertificates, 1);

    await cloud.client.send(new UpdateServerCertificateCommand({ ServerCertificateName: "web", NewServerCertificateName: "site", NewPath: "/elb/" }));
    await rejectsWith(cloud.client.send(new GetServerCertificateCommand({ ServerCertificateName: "web" })), "NoSuchEntityException", 404);
    const moved = await cloud.client.send(new GetServerCertificateCommand({ ServerCertificateName: "site" }));
    assert.equal(moved.ServerCertificate?.ServerCertificateMetadata?.Arn, "arn:aws:iam::000000000000:server-certificate/elb/site");
    await cloud.client.send(new TagServerCertificateCommand({ ServerCertificateName: "site", Tags: [{ Key: "team", Value: "web" }] }));
    assert.deepEqual((await cloud.client.send(new ListServerCertificateTagsCommand({ ServerCertificateName: "site" }))).Tags?.map((t) => t.Key), ["env", "team"]);

    await cloud.client.send(new DeleteServerCertificateCommand({ ServerCertificateName: "site" }));
    const gone = await rejectsWith(cloud.client.send(new DeleteServerCertificateCommand({ ServerCertificateName: "site" })), "NoSuchEntityException", 404);
    assert.equal(gone.message, "The Server Certificate with name site cannot be found.");
  });

  it("refuses what IAM refuses", async () => {
    const upload = (input: { CertificateBody?: string; PrivateKey?: string }) =>
      cloud.client.send(new UploadServerCertificateCommand({ ServerCertificateName: "checked", CertificateBody: certificate, PrivateKey: key, ...input }));
    await rejectsWith(upload({ CertificateBody: "not a certificate" }), "MalformedCertificateException", 400);
    const mismatch = await rejectsWith(upload({ PrivateKey: otherKey }), "KeyPairMismatchException", 400);
    assert.equal(mismatch.message, "Public key certificate and private key doesn't match");
    // A certificate whose expiry (month 13) OpenSSL cannot read, with its own key: refused, and nothing is stored.
    const badDate = await readFile(new URL("./fixtures/server-certificate-bad-date.pem", import.meta.url), "utf8");
    const [undated, undatedKey] = badDate.split(/(?<=-----END [A-Z ]+-----\n)/) as [string, string];
    await rejectsWith(upload({ CertificateBody: undated, PrivateKey: undatedKey }), "MalformedCertificateException", 400);
    await rejectsWith(cloud.client.send(new GetServerCertificateCommand({ ServerCertificateName: "checked" })), "NoSuchEntityException", 404);
    await upload({});
    const twice = await rejectsWith(upload({}), "EntityAlreadyExistsException", 409);
    assert.equal(twice.message, "The Server Certificate with name checked already exists.");
  });
});
