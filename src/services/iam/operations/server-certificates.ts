/**
 * Server certificates (the TLS certificates IAM keeps for load balancers
 * and CloudFront): UploadServerCertificate (the certificate, its private
 * key, which must match it, and a chain), GetServerCertificate (never the
 * key), ListServerCertificates, UpdateServerCertificate (rename, move),
 * DeleteServerCertificate and their tags. Nimbus serves no TLS with them,
 * so a private key is checked against its certificate and not kept.
 */
import { createPrivateKey, X509Certificate } from "node:crypto";
import type { RequestContext } from "../../../server/context.js";
import { AwsError } from "../../../server/errors.js";
import { defineOperation, type OperationTable } from "../../../server/service.js";
import { prefixRange } from "../../../storage/index.js";
import { newServerCertificateId } from "../ids.js";
import type { IamStore, Tag } from "../store.js";
import { pageOf, type Paging } from "./paging.js";
import { checkTags, mergeTags, tagPage, withoutTags } from "./tags.js";
import { wholeSeconds } from "./users.js";

/** Keyed [account, name (lower case)]. */
export const SERVER_CERTIFICATES_STORE = "iam.server-certificates";

/** IAM's quota of server certificates per account. */
const MAX_SERVER_CERTIFICATES = 20;

interface ServerCertificateRecord {
  accountId: string;
  name: string;
  id: string;
  path: string;
  body: string;
  chain?: string;
  uploadedAt: number;
  expiresAt: number;
  tags: Tag[];
}

interface NameInput {
  ServerCertificateName: string;
}

interface UploadInput extends NameInput {
  Path?: string;
  CertificateBody: string;
  PrivateKey: string;
  CertificateChain?: string;
  Tags?: Tag[];
}

const QUOTA = "TagsPerServerCertificate";
const malformed = (message: string) => new AwsError("MalformedCertificate", message, 400);
const noSuch = (name: string) => new AwsError("NoSuchEntity", `The Server Certificate with name ${name} cannot be found.`, 404);
const exists = (name: string) => new AwsError("EntityAlreadyExists", `The Server Certificate with name ${name} already exists.`, 409);

const arnOf = (c: Pick<ServerCertificateRecord, "accountId" | "path" | "name">) => `arn:aws:iam::${c.accountId}:server-certificate${c.path}${c.name}`;

function metadata(c: ServerCertificateRecord) {
  return {
    Path: c.path,
    ServerCertificateName: c.name,
    ServerCertificateId: c.id,
    Arn: arnOf(c),
    UploadDate: new Date(c.uploadedAt),
    Expiration: new Date(c.expiresAt),
  };
}

/** The certificate, checked to be PEM and to match its private key, and its expiry. */
function checkedCertificate(body: string, privateKey: string, chain: string | undefined): { expiresAt: number } {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(body);
  } catch {
    throw malformed("Unable to parse certificate. Please ensure the certificate is in PEM format.");
  }
  if (chain !== undefined) {
    try {
      new X509Certificate(chain);
    } catch {
      throw malformed("Unable to parse certificate chain. Please ensure the certificate chain is in PEM format.");
    }
  }
  let key;
  try {
    key = createPrivateKey(privateKey);
  } catch {
    throw malformed("Unable to parse private key. Please ensure the private key is in PEM format.");
  }
  if (!certificate.checkPrivateKey(key)) throw new AwsError("KeyPairMismatch", "Public key certificate and private key doesn't match", 400);
  // A validity date OpenSSL cannot read comes back as the text "Bad time value".
  const expiresAt = Date.parse(certificate.validTo);
  if (Number.isNaN(expiresAt)) throw malformed("Unable to parse certificate. Please ensure the certificate is in PEM format.");
  return { expiresAt };
}

export function serverCertificateOperations(store: IamStore): OperationTable {
  const certificates = store.kv.store<ServerCertificateRecord>(SERVER_CERTIFICATES_STORE);
  const key = (ctx: RequestContext, name: string) => [ctx.accountId, name.toLowerCase()];
  const requireCertificate = (ctx: RequestContext, name: string) => {
    const found = certificates.get(key(ctx, name));
    if (!found) throw noSuch(name);
    return found;
  };
  /** A certificate's ARN: with the path given, else its own (`/` if there is none). */
  const resource = (ctx: RequestContext, name: string, path?: string) =>
    arnOf({ accountId: ctx.accountId, path: path ?? certificates.get(key(ctx, name))?.path ?? "/", name });
  const update = (ctx: RequestContext, name: string, change: (c: ServerCertificateRecord) => ServerCertificateRecord) =>
    certificates.transaction((tx) => {
      const found = tx.get(key(ctx, name));
      if (!found) throw noSuch(name);
      tx.put(key(ctx, name), change(found));
    });

  return {
    UploadServerCertificate: defineOperation<UploadInput>({
      authorize: (i, ctx) => [{ action: "iam:UploadServerCertificate", resource: resource(ctx, i.ServerCertificateName, i.Path ?? "/") }],
      async handle(input, ctx) {
        const tags = checkTags(input.Tags ?? [], QUOTA);
        const { expiresAt } = checkedCertificate(input.CertificateBody, input.PrivateKey, input.CertificateChain);
        const record: ServerCertificateRecord = {
          accountId: ctx.accountId,
          name: input.ServerCertificateName,
          id: newServerCertificateId(),
          path: input.Path ?? "/",
          body: input.CertificateBody,
          chain: input.CertificateChain,
          uploadedAt: wholeSeconds(ctx.now()),
          expiresAt,
          tags,
        };
        await certificates.transaction((tx) => {
          if (tx.get(key(ctx, record.name))) throw exists(record.name);
          if ([...certificates.range(prefixRange([ctx.accountId]))].length >= MAX_SERVER_CERTIFICATES) {
            throw new AwsError("LimitExceeded", `Cannot exceed quota for ServerCertificatesPerAccount: ${MAX_SERVER_CERTIFICATES}`, 409);
          }
          tx.put(key(ctx, record.name), record);
        });
        return { ServerCertificateMetadata: metadata(record), Tags: tags.length > 0 ? tags : undefined };
      },
    }),

    GetServerCertificate: defineOperation<NameInput>({
      authorize: (i, ctx) => [{ action: "iam:GetServerCertificate", resource: resource(ctx, i.ServerCertificateName) }],
      handle(input, ctx) {
        const c = requireCertificate(ctx, input.ServerCertificateName);
        return { ServerCertificate: { ServerCertificateMetadata: metadata(c), CertificateBody: c.body, CertificateChain: c.chain, Tags: c.tags } };
      },
    }),

    ListServerCertificates: defineOperation<Paging & { PathPrefix?: string }>({
      authorize: (_i, ctx) => [{ action: "iam:ListServerCertificates", resource: `arn:aws:iam::${ctx.accountId}:server-certificate/` }],
      handle(input, ctx) {
        const all = [...certificates.range(prefixRange([ctx.accountId]))].map((e) => e.value).filter((c) => c.path.startsWith(input.PathPrefix ?? "/"));
        const { items, marker } = pageOf(all, input, (c) => c.name.toLowerCase());
        return { ServerCertificateMetadataList: items.map(metadata), IsTruncated: marker !== undefined, Marker: marker };
      },
    }),

    UpdateServerCertificate: defineOperation<NameInput & { NewPath?: string; NewServerCertificateName?: string }>({
      authorize: (i, ctx) => [
        { action: "iam:UpdateServerCertificate", resource: resource(ctx, i.ServerCertificateName) },
        ...(i.NewServerCertificateName !== undefined || i.NewPath !== undefined
          ? [{ action: "iam:UpdateServerCertificate", resource: resource(ctx, i.NewServerCertificateName ?? i.ServerCertificateName, i.NewPath ?? certificates.get(key(ctx, i.ServerCertificateName))?.path) }]
          : []),
      ],
      async handle(input, ctx) {
        await certificates.transaction((tx) => {
          const found = tx.get(key(ctx, input.ServerCertificateName));
          if (!found) throw noSuch(input.ServerCertificateName);
          const name = input.NewServerCertificateName ?? found.name;
          if (name.toLowerCase() !== found.name.toLowerCase() && tx.get(key(ctx, name))) throw exists(name);
          tx.remove(key(ctx, found.name));
          tx.put(key(ctx, name), { ...found, name, path: input.NewPath ?? found.path });
        });
        return {};
      },
    }),

    DeleteServerCertificate: defineOperation<NameInput>({
      authorize: (i, ctx) => [{ action: "iam:DeleteServerCertificate", resource: resource(ctx, i.ServerCertificateName) }],
      async handle(input, ctx) {
        await certificates.transaction((tx) => {
          if (!tx.get(key(ctx, input.ServerCertificateName))) throw noSuch(input.ServerCertificateName);
          tx.remove(key(ctx, input.ServerCertificateName));
        });
        return {};
      },
    }),

    TagServerCertificate: defineOperation<NameInput & { Tags: Tag[] }>({
      authorize: (i, ctx) => [{ action: "iam:TagServerCertificate", resource: resource(ctx, i.ServerCertificateName) }],
      async handle(input, ctx) {
        await update(ctx, input.ServerCertificateName, (c) => ({ ...c, tags: mergeTags(c.tags, input.Tags, QUOTA) }));
        return {};
      },
    }),

    UntagServerCertificate: defineOperation<NameInput & { TagKeys: string[] }>({
      authorize: (i, ctx) => [{ action: "iam:UntagServerCertificate", resource: resource(ctx, i.ServerCertificateName) }],
      async handle(input, ctx) {
        await update(ctx, input.ServerCertificateName, (c) => ({ ...c, tags: withoutTags(c.tags, input.TagKeys, QUOTA) }));
        return {};
      },
    }),

    ListServerCertificateTags: defineOperation<NameInput & Paging>({
      authorize: (i, ctx) => [{ action: "iam:ListServerCertificateTags", resource: resource(ctx, i.ServerCertificateName) }],
      handle: (input, ctx) => tagPage(requireCertificate(ctx, input.ServerCertificateName).tags, input),
    }),
  };
}
