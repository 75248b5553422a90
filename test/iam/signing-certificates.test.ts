/**
 * Signing certificates through the AWS SDK, as moto's AWS-verified tests
 * (test_iam_signing_certificates.py) and IAM's API reference describe them.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { before, describe, it } from "node:test";
import {
  CreateUserCommand,
  DeleteSigningCertificateCommand,
  DeleteUserCommand,
  IAMClient,
  ListSigningCertificatesCommand,
  UpdateSigningCertificateCommand,
  UpdateUserCommand,
  UploadSigningCertificateCommand,
} from "@aws-sdk/client-iam";
import { cloudFor, rejectsWith } from "../support/nimbus.js";

describe("IAM signing certificates", () => {
  const cloud = cloudFor((config) => new IAMClient(config));
  /** Three self-signed certificates (EC P-256). */
  let pems: string[];
  before(async () => {
    const text = await readFile(new URL("./fixtures/signing-certificates.pem", import.meta.url), "utf8");
    pems = text.split(/(?<=-----END CERTIFICATE-----\n)/);
    assert.equal(pems.length, 3);
  });

  it("uploads, lists, deactivates and deletes a user's certificate", async () => {
    await cloud.client.send(new CreateUserCommand({ UserName: "signer" }));
    const { Certificate: uploaded } = await cloud.client.send(new UploadSigningCertificateCommand({ UserName: "signer", CertificateBody: pems[0] }));
    assert.equal(uploaded?.UserName, "signer");
    assert.equal(uploaded?.Status, "Active");
    assert.equal(uploaded?.CertificateBody, pems[0]);
    assert.match(uploaded?.CertificateId ?? "", /^[A-Z0-9]{32}$/);
    assert.ok(uploaded?.UploadDate instanceof Date);
    const id = uploaded!.CertificateId!;

    await cloud.client.send(new UpdateSigningCertificateCommand({ UserName: "signer", CertificateId: id, Status: "Inactive" }));
    const listed = await cloud.client.send(new ListSigningCertificatesCommand({ UserName: "signer" }));
    assert.deepEqual(
      listed.Certificates?.map((c) => [c.UserName, c.CertificateId, c.CertificateBody, c.Status]),
      [["signer", id, pems[0], "Inactive"]],
    );
    assert.equal(listed.IsTruncated, false);

    // A user holding a certificate is not deleted; a renamed one keeps it.
    const conflict = await rejectsWith(cloud.client.send(new DeleteUserCommand({ UserName: "signer" })), "DeleteConflictException", 409);
    assert.equal(conflict.message, "Cannot delete entity, must delete signing certificates first.");
    await cloud.client.send(new UpdateUserCommand({ UserName: "signer", NewUserName: "signer2" }));
    const renamed = await cloud.client.send(new ListSigningCertificatesCommand({ UserName: "signer2" }));
    assert.deepEqual(renamed.Certificates?.map((c) => [c.UserName, c.CertificateId]), [["signer2", id]]);

    await cloud.client.send(new DeleteSigningCertificateCommand({ UserName: "signer2", CertificateId: id }));
    assert.deepEqual((await cloud.client.send(new ListSigningCertificatesCommand({ UserName: "signer2" }))).Certificates, []);
    await cloud.client.send(new DeleteUserCommand({ UserName: "signer2" }));
  });

  it("refuses what IAM refuses, in its words", async () => {
    await cloud.client.send(new CreateUserCommand({ UserName: "quota" }));
    const upload = (CertificateBody: string, UserName = "quota") => cloud.client.send(new UploadSigningCertificateCommand({ UserName, CertificateBody }));
    const first = (await upload(pems[1]!)).Certificate!.CertificateId!;
    await upload(pems[2]!);
    const duplicate = await rejectsWith(cloud.client.send(new UploadSigningCertificateCommand({ UserName: "quota", CertificateBody: pems[1] })), "DuplicateCertificateException", 409);
    assert.equal(duplicate.message, `The Certificate with id ${first} already exists.`);
    await cloud.client.send(new DeleteSigningCertificateCommand({ UserName: "quota", CertificateId: first }));
    await upload(pems[1]!);
    const over = await rejectsWith(upload(pems[0]!), "LimitExceededException", 409);
    assert.equal(over.message, "Cannot exceed quota for CertificatesPerUser: 2");

    await rejectsWith(upload("notacert"), "MalformedCertificateException", 400);
    const noUser = "The user with name notauser cannot be found.";
    assert.equal((await rejectsWith(upload(pems[0]!, "notauser"), "NoSuchEntityException", 404)).message, noUser);
    const calls = [
      cloud.client.send(new UpdateSigningCertificateCommand({ UserName: "notauser", CertificateId: "asdfasdfasdfasdfasdfasdfasdasdf", Status: "Inactive" })),
      cloud.client.send(new ListSigningCertificatesCommand({ UserName: "notauser" })),
      cloud.client.send(new DeleteSigningCertificateCommand({ UserName: "notauser", CertificateId: "x".repeat(32) })),
    ];
    for (const call of calls) assert.equal((await rejectsWith(call, "NoSuchEntityException", 404)).message, noUser);
    const unknown = await rejectsWith(
      cloud.client.send(new UpdateSigningCertificateCommand({ UserName: "quota", CertificateId: "x".repeat(32), Status: "Inactive" })),
      "NoSuchEntityException",
      404,
    );
    assert.equal(unknown.message, `The Certificate with id ${"x".repeat(32)} cannot be found.`);
  });

  it("keeps the root's own certificates when the root calls without UserName", async () => {
    const { Certificate } = await cloud.client.send(new UploadSigningCertificateCommand({ CertificateBody: pems[0] }));
    assert.equal(Certificate?.UserName, undefined);
    const listed = await cloud.client.send(new ListSigningCertificatesCommand({}));
    assert.deepEqual(listed.Certificates?.map((c) => c.CertificateId), [Certificate?.CertificateId]);
    await cloud.client.send(new DeleteSigningCertificateCommand({ CertificateId: Certificate?.CertificateId }));
    assert.deepEqual((await cloud.client.send(new ListSigningCertificatesCommand({}))).Certificates, []);
  });
});
