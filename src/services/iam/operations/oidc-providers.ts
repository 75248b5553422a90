/**
 * OpenID Connect identity providers: CreateOpenIDConnectProvider,
 * GetOpenIDConnectProvider, ListOpenIDConnectProviders,
 * DeleteOpenIDConnectProvider, Add/RemoveClientID…,
 * UpdateOpenIDConnectProviderThumbprint and the provider's tags. A provider is named by its URL without the
 * scheme (`arn:aws:iam::<account>:oidc-provider/<host and path>`), which
 * is also how IAM answers its URL (which must be https); its client ids
 * and thumbprints are kept as given, within IAM's quotas.
 */
import type { RequestContext } from "../../../server/context.js";
import { AwsError } from "../../../server/errors.js";
import { iamErrors } from "../errors.js";
import { defineOperation, type OperationTable } from "../../../server/service.js";
import { prefixRange } from "../../../storage/index.js";
import type { IamStore, Tag } from "../store.js";
import { checkTags, mergeTags, tagPage, withoutTags } from "./tags.js";
import type { Paging } from "./paging.js";
import { wholeSeconds } from "./users.js";

export const OIDC_PROVIDERS_STORE = "iam.oidc-providers";

interface ProviderRecord {
  accountId: string;
  arn: string;
  url: string;
  clientIds: string[];
  thumbprints: string[];
  tags: Tag[];
  createdAt: number;
}

interface ProviderInput {
  OpenIDConnectProviderArn: string;
}

/** IAM's quotas on a provider's thumbprints and client ids. */
const MAX_THUMBPRINTS = 5;
const MAX_CLIENT_IDS = 100;

export function oidcProviderOperations(store: IamStore): OperationTable {
  const providers = store.kv.store<ProviderRecord>(OIDC_PROVIDERS_STORE);
  const key = (ctx: RequestContext, arn: string) => [ctx.accountId, arn];
  const notFound = (arn: string) => new AwsError("NoSuchEntity", `OpenIDConnect Provider not found for arn ${arn}`, 404);
  const requireProvider = (ctx: RequestContext, arn: string) => {
    const provider = providers.get(key(ctx, arn));
    if (!provider) throw notFound(arn);
    return provider;
  };
  /** Changes a provider in one transaction. */
  const changeProvider = (ctx: RequestContext, arn: string, change: (provider: ProviderRecord) => ProviderRecord) =>
    providers.transaction((tx) => {
      const provider = tx.get(key(ctx, arn));
      if (!provider) throw notFound(arn);
      tx.put(key(ctx, arn), change(provider));
    });
  const onProvider = (action: string) => (i: ProviderInput) => [{ action: `iam:${action}`, resource: typeof i.OpenIDConnectProviderArn === "string" ? i.OpenIDConnectProviderArn : "*" }];

  return {
    CreateOpenIDConnectProvider: defineOperation<{ Url: string; ClientIDList?: string[]; ThumbprintList?: string[]; Tags?: Tag[] }>({
      authorize: (i, ctx) => [{ action: "iam:CreateOpenIDConnectProvider", resource: `arn:aws:iam::${ctx.accountId}:oidc-provider/${String(i.Url).replace(/^[a-z]+:\/\//i, "")}` }],
      async handle(input, ctx) {
        if (!/^https:\/\/[^/]/i.test(input.Url)) throw iamErrors.validation("Invalid Open ID Connect Provider URL");
        if ((input.ThumbprintList?.length ?? 0) > MAX_THUMBPRINTS) throw iamErrors.invalidInput(`Thumbprint list must contain fewer than ${MAX_THUMBPRINTS} entries.`);
        if ((input.ClientIDList?.length ?? 0) > MAX_CLIENT_IDS) throw iamErrors.limitExceeded("ClientIdsPerOpenIdConnectProvider", MAX_CLIENT_IDS);
        const tags = checkTags(input.Tags ?? [], "TagsPerOpenIdConnectProvider");
        const name = input.Url.replace(/^[a-z]+:\/\//i, "");
        const arn = `arn:aws:iam::${ctx.accountId}:oidc-provider/${name}`;
        const record: ProviderRecord = {
          accountId: ctx.accountId,
          arn,
          url: name,
          clientIds: input.ClientIDList ?? [],
          thumbprints: input.ThumbprintList ?? [],
          tags,
          createdAt: wholeSeconds(ctx.now()),
        };
        await providers.transaction((tx) => {
          if (tx.get(key(ctx, arn))) throw new AwsError("EntityAlreadyExists", `Provider with url ${input.Url} already exists.`, 409);
          tx.put(key(ctx, arn), record);
        });
        return { OpenIDConnectProviderArn: arn, ...(tags.length > 0 ? { Tags: tags } : {}) };
      },
    }),

    GetOpenIDConnectProvider: defineOperation<ProviderInput>({
      authorize: onProvider("GetOpenIDConnectProvider"),
      handle(input, ctx) {
        const provider = requireProvider(ctx, input.OpenIDConnectProviderArn);
        return {
          Url: provider.url,
          ClientIDList: provider.clientIds,
          ThumbprintList: provider.thumbprints,
          CreateDate: new Date(provider.createdAt),
          Tags: provider.tags,
        };
      },
    }),

    ListOpenIDConnectProviders: defineOperation<Record<string, never>>({
      authorize: (_i, ctx) => [{ action: "iam:ListOpenIDConnectProviders", resource: `arn:aws:iam::${ctx.accountId}:oidc-provider/*` }],
      handle(_input, ctx) {
        const listed = [...providers.range(prefixRange([ctx.accountId]))];
        return { OpenIDConnectProviderList: listed.map(({ value }) => ({ Arn: value.arn })) };
      },
    }),

    // Adding a client id already there, or removing one that is not, changes nothing and is no error (the references say so).
    AddClientIDToOpenIDConnectProvider: defineOperation<ProviderInput & { ClientID: string }>({
      authorize: onProvider("AddClientIDToOpenIDConnectProvider"),
      async handle(input, ctx) {
        await changeProvider(ctx, input.OpenIDConnectProviderArn, (provider) => {
          if (provider.clientIds.includes(input.ClientID)) return provider;
          if (provider.clientIds.length >= MAX_CLIENT_IDS) throw iamErrors.limitExceeded("ClientIdsPerOpenIdConnectProvider", MAX_CLIENT_IDS);
          return { ...provider, clientIds: [...provider.clientIds, input.ClientID] };
        });
        return {};
      },
    }),

    RemoveClientIDFromOpenIDConnectProvider: defineOperation<ProviderInput & { ClientID: string }>({
      authorize: onProvider("RemoveClientIDFromOpenIDConnectProvider"),
      async handle(input, ctx) {
        await changeProvider(ctx, input.OpenIDConnectProviderArn, (provider) => ({ ...provider, clientIds: provider.clientIds.filter((id) => id !== input.ClientID) }));
        return {};
      },
    }),

    UpdateOpenIDConnectProviderThumbprint: defineOperation<ProviderInput & { ThumbprintList: string[] }>({
      authorize: onProvider("UpdateOpenIDConnectProviderThumbprint"),
      async handle(input, ctx) {
        if (input.ThumbprintList.length > MAX_THUMBPRINTS) throw iamErrors.invalidInput(`Thumbprint list must contain fewer than ${MAX_THUMBPRINTS} entries.`);
        await changeProvider(ctx, input.OpenIDConnectProviderArn, (provider) => ({ ...provider, thumbprints: input.ThumbprintList }));
        return {};
      },
    }),

    TagOpenIDConnectProvider: defineOperation<ProviderInput & { Tags: Tag[] }>({
      authorize: onProvider("TagOpenIDConnectProvider"),
      async handle(input, ctx) {
        await changeProvider(ctx, input.OpenIDConnectProviderArn, (provider) => ({ ...provider, tags: mergeTags(provider.tags, input.Tags, "TagsPerOpenIdConnectProvider") }));
        return {};
      },
    }),

    UntagOpenIDConnectProvider: defineOperation<ProviderInput & { TagKeys: string[] }>({
      authorize: onProvider("UntagOpenIDConnectProvider"),
      async handle(input, ctx) {
        await changeProvider(ctx, input.OpenIDConnectProviderArn, (provider) => ({ ...provider, tags: withoutTags(provider.tags, input.TagKeys, "TagsPerOpenIdConnectProvider") }));
        return {};
      },
    }),

    ListOpenIDConnectProviderTags: defineOperation<ProviderInput & Paging>({
      authorize: onProvider("ListOpenIDConnectProviderTags"),
      handle: (input, ctx) => tagPage(requireProvider(ctx, input.OpenIDConnectProviderArn).tags, input),
    }),

    DeleteOpenIDConnectProvider: defineOperation<ProviderInput>({
      authorize: onProvider("DeleteOpenIDConnectProvider"),
      async handle(input, ctx) {
        await providers.transaction((tx) => {
          const arn = input.OpenIDConnectProviderArn;
          if (!tx.get(key(ctx, arn))) throw new AwsError("NoSuchEntity", `OpenId connect Provider ${arn} cannot be found.`, 404);
          tx.remove(key(ctx, arn));
        });
        return {};
      },
    }),
  };
}
