/**
 * Signing certificates (X.509, for the SOAP-era services that sign with
 * them): UploadSigningCertificate, ListSigningCertificates,
 * UpdateSigningCertificate and DeleteSigningCertificate, for a user or,
 * called as the root without UserName, for the account's root. Nimbus
 * keeps them and refuses what IAM refuses; nothing signs with them.
 */
import { X509Certificate } from "node:crypto";
import type { RequestContext } from "../../../server/context.js";
import { AwsError } from "../../../server/errors.js";
import { defineOperation, type OperationTable } from "../../../server/service.js";
import { prefixRange } from "../../../storage/index.js";
import { iamErrors } from "../errors.js";
import { newCertificateId } from "../ids.js";
import type { IamStore } from "../store.js";
import { pageOf, type Paging } from "./paging.js";
import { targetUserName, targetUserResource, wholeSeconds } from "./users.js";

/** Keyed [account, owner (a user's id, or ROOT_OWNER), certificate id]: a renamed user keeps its certificates. */
export const SIGNING_CERTIFICATES_STORE = "iam.signing-certificates";
/** The owner key of the root's own certificates (user ids start AIDA, so none is this). */
export const ROOT_OWNER = "root";

/** IAM's quota: two signing certificates per user. */
const CERTIFICATES_PER_USER = 2;

export interface SigningCertificateRecord {
  certificateId: string;
  /** The PEM as uploaded. */
  body: string;
  /** SHA-256 fingerprint of the certificate, to tell a second upload of it. */
  fingerprint: string;
  status: "Active" | "Inactive";
  uploadedAt: number;
}

interface OwnerInput {
  UserName?: string;
}

interface CertificateInput extends OwnerInput {
  CertificateId: string;
}

const notFound = (id: string) => new AwsError("NoSuchEntity", `The Certificate with id ${id} cannot be found.`, 404);

/** The certificate a PEM body holds, or IAM's refusal. */
function parseCertificate(body: string): X509Certificate {
  const pem = /^\s*-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\s*$/;
  try {
    if (pem.test(body)) return new X509Certificate(body);
  } catch {
    // not DER inside
  }
  throw new AwsError("MalformedCertificate", "Unable to parse certificate. Please ensure the certificate is in PEM format.", 400);
}

export function signingCertificateOperations(store: IamStore): OperationTable {
  const certificates = store.kv.store<SigningCertificateRecord>(SIGNING_CERTIFICATES_STORE);

  /** Whose certificates a call is about: the user named, the calling user, or (the root calling without a name) the root. */
  const ownerOf = (ctx: RequestContext, name: string | undefined): { owner: string; userName?: string } => {
    if (name === undefined && ctx.principal.type === "root") return { owner: ROOT_OWNER };
    const userName = targetUserName(ctx, name);
    const user = store.user(ctx.accountId, userName);
    if (!user) throw iamErrors.noSuchEntity("user", userName);
    return { owner: user.userId, userName: user.userName };
  };
  const ownedBy = (ctx: RequestContext, owner: string) => [...certificates.range(prefixRange([ctx.accountId, owner]))].map((e) => e.value);
  const view = (c: SigningCertificateRecord, userName: string | undefined) => ({
    UserName: userName,
    CertificateId: c.certificateId,
    CertificateBody: c.body,
    Status: c.status,
    UploadDate: new Date(c.uploadedAt),
  });

  return {
    UploadSigningCertificate: defineOperation<OwnerInput & { CertificateBody: string }>({
      authorize: (i, ctx) => [{ action: "iam:UploadSigningCertificate", resource: targetUserResource(store, ctx, i.UserName) }],
      async handle(input, ctx) {
        const { owner, userName } = ownerOf(ctx, input.UserName);
        const fingerprint = parseCertificate(input.CertificateBody).fingerprint256;
        const record: SigningCertificateRecord = {
          certificateId: newCertificateId(),
          body: input.CertificateBody,
          fingerprint,
          status: "Active",
          uploadedAt: wholeSeconds(ctx.now()),
        };
        await certificates.transaction((tx) => {
          const same = [...certificates.range(prefixRange([ctx.accountId]))].find((e) => e.value.fingerprint === fingerprint);
          if (same) throw new AwsError("DuplicateCertificate", `The Certificate with id ${same.value.certificateId} already exists.`, 409);
          if (ownedBy(ctx, owner).length >= CERTIFICATES_PER_USER) throw iamErrors.limitExceeded("CertificatesPerUser", CERTIFICATES_PER_USER);
          tx.put([ctx.accountId, owner, record.certificateId], record);
        });
        return { Certificate: view(record, userName) };
      },
    }),

    ListSigningCertificates: defineOperation<OwnerInput & Paging>({
      authorize: (i, ctx) => [{ action: "iam:ListSigningCertificates", resource: targetUserResource(store, ctx, i.UserName) }],
      handle(input, ctx) {
        const { owner, userName } = ownerOf(ctx, input.UserName);
        const { items, marker } = pageOf(ownedBy(ctx, owner), input, (c) => c.certificateId);
        return { Certificates: items.map((c) => view(c, userName)), IsTruncated: marker !== undefined, Marker: marker };
      },
    }),

    UpdateSigningCertificate: defineOperation<CertificateInput & { Status: "Active" | "Inactive" }>({
      authorize: (i, ctx) => [{ action: "iam:UpdateSigningCertificate", resource: targetUserResource(store, ctx, i.UserName) }],
      async handle(input, ctx) {
        const { owner } = ownerOf(ctx, input.UserName);
        const key = [ctx.accountId, owner, input.CertificateId];
        await certificates.transaction((tx) => {
          const found = tx.get(key);
          if (!found) throw notFound(input.CertificateId);
          tx.put(key, { ...found, status: input.Status });
        });
        return {};
      },
    }),

    DeleteSigningCertificate: defineOperation<CertificateInput>({
      authorize: (i, ctx) => [{ action: "iam:DeleteSigningCertificate", resource: targetUserResource(store, ctx, i.UserName) }],
      async handle(input, ctx) {
        const { owner } = ownerOf(ctx, input.UserName);
        const key = [ctx.accountId, owner, input.CertificateId];
        await certificates.transaction((tx) => {
          if (!tx.get(key)) throw notFound(input.CertificateId);
          tx.remove(key);
        });
        return {};
      },
    }),
  };
}

/** Whether a user still holds signing certificates (DeleteUser refuses while one does). */
export function holdsSigningCertificates(store: IamStore, accountId: string, userId: string): boolean {
  for (const _ of store.kv.store<SigningCertificateRecord>(SIGNING_CERTIFICATES_STORE).range({ ...prefixRange([accountId, userId]), limit: 1 })) return true;
  return false;
}
