/**
 * Access keys: CreateAccessKey (the secret is shown once), ListAccessKeys,
 * UpdateAccessKey (an inactive key is refused at authentication),
 * DeleteAccessKey and GetAccessKeyLastUsed. Keys are written where
 * authentication reads them, in the same transaction as their user.
 */
import { rootPrincipal } from "../../../auth/index.js";
import { ACCESS_KEY_USAGE_STORE, type KeyUsage } from "../../../auth/key-usage.js";
import { ACCESS_KEYS_STORE, type AccessKeyRecord } from "../../../auth/stored-keys.js";
import type { RequestContext } from "../../../server/context.js";
import { defineOperation, type OperationTable } from "../../../server/service.js";
import { AwsError } from "../../../server/errors.js";
import { iamErrors } from "../errors.js";
import { newAccessKeyId, newSecretAccessKey } from "../ids.js";
import { type IamStore, type UserRecord, userArn, userKey, USERS_STORE } from "../store.js";
import { pageOf, type Paging } from "./paging.js";
import { targetUserName, targetUserResource, wholeSeconds } from "./users.js";

/** IAM's quota: two access keys per user. */
const KEYS_PER_USER = 2;

interface UserNameInput {
  UserName?: string;
}

interface KeyInput extends UserNameInput {
  AccessKeyId: string;
}

interface UpdateKeyInput extends KeyInput {
  Status: "Active" | "Inactive";
}

/** `usage` knows when keys were last used (absent when IAM runs without authentication, as in unit tests). */
export function accessKeyOperations(store: IamStore, usage?: KeyUsage): OperationTable {
  /**
   * The account root's own keys, managed by the root itself (a call without
   * UserName signed as root): stored like users' keys, but for no user.
   */
  const forRoot = (ctx: RequestContext, name: string | undefined) => name === undefined && ctx.principal.type === "root";
  const rootKeys = (ctx: RequestContext): AccessKeyRecord[] => store.rootKeysOf(ctx.accountId);
  const requireRootKey = (ctx: RequestContext, id: string): AccessKeyRecord => {
    const key = rootKeys(ctx).find((k) => k.accessKeyId === id);
    if (!key) throw iamErrors.noSuchEntity("access key", id);
    return key;
  };

  /** The key, checked to belong to the user (IAM answers NoSuchEntity otherwise). */
  const requireKey = (ctx: RequestContext, user: UserRecord | undefined, userName: string, id: string): AccessKeyRecord => {
    if (!user) throw iamErrors.noSuchEntity("user", userName);
    const key = store.keys.get(id);
    if (!key || !user.accessKeyIds.includes(id)) throw iamErrors.noSuchEntity("access key", id);
    return key;
  };

  return {
    CreateAccessKey: defineOperation<UserNameInput>({
      authorize: (i, ctx) => [{ action: "iam:CreateAccessKey", resource: targetUserResource(store, ctx, i.UserName) }],
      async handle(input, ctx) {
        if (forRoot(ctx, input.UserName)) {
          if (rootKeys(ctx).length >= KEYS_PER_USER) throw iamErrors.limitExceeded("AccessKeysPerUser", KEYS_PER_USER);
          const accessKeyId = newAccessKeyId();
          const record: AccessKeyRecord = {
            accessKeyId,
            secretAccessKey: newSecretAccessKey(),
            status: "Active",
            createdAt: wholeSeconds(ctx.now()),
            principal: rootPrincipal(ctx.accountId, accessKeyId),
          };
          await store.keys.transaction((tx) => tx.put(accessKeyId, record));
          return { AccessKey: { AccessKeyId: accessKeyId, Status: record.status, SecretAccessKey: record.secretAccessKey, CreateDate: new Date(record.createdAt) } };
        }
        const userName = targetUserName(ctx, input.UserName);
        const key = await store.kv.transaction((tx) => {
          const users = tx.store<UserRecord>(USERS_STORE);
          const user = users.get([ctx.accountId, userName.toLowerCase()]);
          if (!user) throw iamErrors.noSuchEntity("user", userName);
          if (user.accessKeyIds.length >= KEYS_PER_USER) throw iamErrors.limitExceeded("AccessKeysPerUser", KEYS_PER_USER);
          const record: AccessKeyRecord = {
            accessKeyId: newAccessKeyId(),
            secretAccessKey: newSecretAccessKey(),
            status: "Active",
            createdAt: wholeSeconds(ctx.now()),
            userName: user.userName,
            principal: { type: "user", accountId: ctx.accountId, arn: userArn(user), userId: user.userId },
          };
          record.principal.accessKeyId = record.accessKeyId;
          tx.store<AccessKeyRecord>(ACCESS_KEYS_STORE).put(record.accessKeyId, record);
          users.put(userKey(user), { ...user, accessKeyIds: [...user.accessKeyIds, record.accessKeyId] });
          return record;
        });
        return {
          AccessKey: {
            UserName: key.userName,
            AccessKeyId: key.accessKeyId,
            Status: key.status,
            SecretAccessKey: key.secretAccessKey,
            CreateDate: new Date(key.createdAt),
          },
        };
      },
    }),

    ListAccessKeys: defineOperation<UserNameInput & Paging>({
      authorize: (i, ctx) => [{ action: "iam:ListAccessKeys", resource: targetUserResource(store, ctx, i.UserName) }],
      handle(input, ctx) {
        if (forRoot(ctx, input.UserName)) {
          const { items, marker } = pageOf(rootKeys(ctx), input, (k) => k.accessKeyId);
          return {
            AccessKeyMetadata: items.map((k) => ({ AccessKeyId: k.accessKeyId, Status: k.status, CreateDate: new Date(k.createdAt) })),
            IsTruncated: marker !== undefined,
            Marker: marker,
          };
        }
        const userName = targetUserName(ctx, input.UserName);
        const user = store.user(ctx.accountId, userName);
        if (!user) throw iamErrors.noSuchEntity("user", userName);
        // In key order, as the marker resumes after a key id.
        const keys = user.accessKeyIds
          .map((id) => store.keys.get(id))
          .filter((k): k is AccessKeyRecord => k !== undefined)
          .sort((a, b) => (a.accessKeyId < b.accessKeyId ? -1 : a.accessKeyId > b.accessKeyId ? 1 : 0));
        const { items, marker } = pageOf(keys, input, (k) => k.accessKeyId);
        return {
          AccessKeyMetadata: items.map((k) => ({ UserName: user.userName, AccessKeyId: k.accessKeyId, Status: k.status, CreateDate: new Date(k.createdAt) })),
          IsTruncated: marker !== undefined,
          Marker: marker,
        };
      },
    }),

    UpdateAccessKey: defineOperation<UpdateKeyInput>({
      authorize: (i, ctx) => [{ action: "iam:UpdateAccessKey", resource: targetUserResource(store, ctx, i.UserName) }],
      async handle(input, ctx) {
        if (forRoot(ctx, input.UserName)) {
          const key = requireRootKey(ctx, input.AccessKeyId);
          await store.keys.transaction((tx) => tx.put(key.accessKeyId, { ...key, status: input.Status }));
          return {};
        }
        const userName = targetUserName(ctx, input.UserName);
        const key = requireKey(ctx, store.user(ctx.accountId, userName), userName, input.AccessKeyId);
        await store.keys.transaction((tx) => tx.put(key.accessKeyId, { ...key, status: input.Status }));
        return {};
      },
    }),

    DeleteAccessKey: defineOperation<KeyInput>({
      authorize: (i, ctx) => [{ action: "iam:DeleteAccessKey", resource: targetUserResource(store, ctx, i.UserName) }],
      async handle(input, ctx) {
        if (forRoot(ctx, input.UserName)) {
          requireRootKey(ctx, input.AccessKeyId);
          await store.kv.transaction((tx) => {
            tx.store<AccessKeyRecord>(ACCESS_KEYS_STORE).remove(input.AccessKeyId);
            tx.store(ACCESS_KEY_USAGE_STORE).remove(input.AccessKeyId);
          });
          usage?.forget(input.AccessKeyId);
          return {};
        }
        const userName = targetUserName(ctx, input.UserName);
        await store.kv.transaction((tx) => {
          const users = tx.store<UserRecord>(USERS_STORE);
          const user = users.get([ctx.accountId, userName.toLowerCase()]);
          requireKey(ctx, user, userName, input.AccessKeyId);
          tx.store<AccessKeyRecord>(ACCESS_KEYS_STORE).remove(input.AccessKeyId);
          tx.store(ACCESS_KEY_USAGE_STORE).remove(input.AccessKeyId);
          users.put(userKey(user!), { ...user!, accessKeyIds: user!.accessKeyIds.filter((id) => id !== input.AccessKeyId) });
        });
        usage?.forget(input.AccessKeyId);
        return {};
      },
    }),

    GetAccessKeyLastUsed: defineOperation<{ AccessKeyId: string }>({
      // The resource is the key's owner (any user of the account when the key is unknown).
      authorize: (i, ctx) => {
        const key = store.keys.get(i.AccessKeyId);
        const owner = key?.userName !== undefined && key.principal.accountId === ctx.accountId ? key.principal.arn : `arn:aws:iam::${ctx.accountId}:user/*`;
        return [{ action: "iam:GetAccessKeyLastUsed", resource: owner }];
      },
      handle(input, ctx) {
        const key = store.keys.get(input.AccessKeyId);
        if (!key || key.principal.accountId !== ctx.accountId || key.userName === undefined) {
          // IAM does not say whether a key it cannot show exists.
          throw new AwsError(
            "AccessDenied",
            `User: ${ctx.principal.arn} is not authorized to perform iam:GetAccessKeyLastUsed on resource: access key ${input.AccessKeyId}`,
            403,
          );
        }
        const used = usage?.lastUsed(key.accessKeyId);
        // A key never used: no date, and N/A for service and region, as AWS answers.
        if (!used) return { UserName: key.userName, AccessKeyLastUsed: { ServiceName: "N/A", Region: "N/A" } };
        return {
          UserName: key.userName,
          AccessKeyLastUsed: { LastUsedDate: new Date(wholeSeconds(new Date(used.lastUsedAt))), ServiceName: used.serviceName, Region: used.region },
        };
      },
    }),
  };
}
