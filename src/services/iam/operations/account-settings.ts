/**
 * The console side of IAM that courses walk through: a user's login
 * profile (CreateLoginProfile and its Get/Update/Delete), the account's
 * password policy (Update/Get/DeleteAccountPasswordPolicy, which a login
 * profile's password must meet), its alias (Create/List/DeleteAccountAlias)
 * and GetAccountSummary, the counts and quotas the console's dashboard shows.
 * Nimbus has no console: a password is checked against the policy and
 * then forgotten, never stored.
 */
import type { RequestContext } from "../../../server/context.js";
import { AwsError } from "../../../server/errors.js";
import { defineOperation, type OperationTable } from "../../../server/service.js";
import { prefixRange } from "../../../storage/index.js";
import { iamErrors } from "../errors.js";
import type { IamStore, UserRecord } from "../store.js";
import { OIDC_PROVIDERS_STORE } from "./oidc-providers.js";
import { SERVER_CERTIFICATES_STORE } from "./server-certificates.js";
import { ROOT_OWNER, SIGNING_CERTIFICATES_STORE } from "./signing-certificates.js";
import { targetUserName, targetUserResource, wholeSeconds } from "./users.js";

/** Login profiles keyed [account, user id] (a renamed user keeps its own); account settings keyed [account, setting]. */
export const LOGIN_PROFILES_STORE = "iam.login-profiles";
export const ACCOUNT_SETTINGS_STORE = "iam.account-settings";

export interface LoginProfileRecord {
  createdAt: number;
  /** When the password was last set (absent: at creation). */
  passwordChangedAt?: number;
  passwordResetRequired: boolean;
}

export interface PasswordPolicy {
  MinimumPasswordLength: number;
  RequireSymbols: boolean;
  RequireNumbers: boolean;
  RequireUppercaseCharacters: boolean;
  RequireLowercaseCharacters: boolean;
  AllowUsersToChangePassword: boolean;
  MaxPasswordAge?: number;
  PasswordReusePrevention?: number;
  HardExpiry?: boolean;
}

type AccountSetting = PasswordPolicy | { alias: string };

export const PASSWORD_POLICY = "password-policy";
const ALIAS = "alias";

/** The symbols a password policy counts as such. */
const SYMBOLS = /[!@#$%^&*()_+\-=[\]{}|']/;

interface LoginProfileInput {
  UserName?: string;
  Password?: string;
  PasswordResetRequired?: boolean;
}

const noProfile = (userName: string) => new AwsError("NoSuchEntity", `Login Profile for User ${userName} cannot be found.`, 404);

export function accountSettingOperations(store: IamStore): OperationTable {
  const profiles = store.kv.store<LoginProfileRecord>(LOGIN_PROFILES_STORE);
  const settings = store.kv.store<AccountSetting>(ACCOUNT_SETTINGS_STORE);

  /** The user a login-profile call is about: the one named, or the calling user. */
  const userOf = (ctx: RequestContext, name: string | undefined): UserRecord => {
    const userName = targetUserName(ctx, name);
    const user = store.user(ctx.accountId, userName);
    if (!user) throw iamErrors.noSuchEntity("user", userName);
    return user;
  };
  const accountResource = (ctx: RequestContext) => `arn:aws:iam::${ctx.accountId}:*`;
  const policyOf = (ctx: RequestContext) => settings.get([ctx.accountId, PASSWORD_POLICY]) as PasswordPolicy | undefined;

  /** Refuses a password the account's policy does not allow, naming the first rule it breaks. */
  const checkPassword = (ctx: RequestContext, password: string | undefined) => {
    const policy = policyOf(ctx);
    if (!policy || password === undefined) return;
    const violation = (rule: string) => new AwsError("PasswordPolicyViolation", `Password should ${rule}`, 400);
    if (password.length < policy.MinimumPasswordLength) throw violation(`have a minimum length of ${policy.MinimumPasswordLength}`);
    if (policy.RequireSymbols && !SYMBOLS.test(password)) throw violation("have at least one symbol");
    if (policy.RequireNumbers && !/[0-9]/.test(password)) throw violation("have at least one number");
    if (policy.RequireUppercaseCharacters && !/[A-Z]/.test(password)) throw violation("have at least one uppercase letter");
    if (policy.RequireLowercaseCharacters && !/[a-z]/.test(password)) throw violation("have at least one lowercase letter");
  };

  const profileView = (user: UserRecord, p: LoginProfileRecord) => ({
    UserName: user.userName,
    CreateDate: new Date(p.createdAt),
    PasswordResetRequired: p.passwordResetRequired,
  });

  return {
    CreateLoginProfile: defineOperation<LoginProfileInput>({
      authorize: (i, ctx) => [{ action: "iam:CreateLoginProfile", resource: targetUserResource(store, ctx, i.UserName) }],
      async handle(input, ctx) {
        const user = userOf(ctx, input.UserName);
        checkPassword(ctx, input.Password);
        const record: LoginProfileRecord = { createdAt: wholeSeconds(ctx.now()), passwordResetRequired: input.PasswordResetRequired ?? false };
        await profiles.transaction((tx) => {
          if (tx.get([ctx.accountId, user.userId])) {
            throw new AwsError("EntityAlreadyExists", `Login Profile for user ${user.userName} already exists.`, 409);
          }
          tx.put([ctx.accountId, user.userId], record);
        });
        return { LoginProfile: profileView(user, record) };
      },
    }),

    GetLoginProfile: defineOperation<LoginProfileInput>({
      authorize: (i, ctx) => [{ action: "iam:GetLoginProfile", resource: targetUserResource(store, ctx, i.UserName) }],
      handle(input, ctx) {
        const user = userOf(ctx, input.UserName);
        const profile = profiles.get([ctx.accountId, user.userId]);
        if (!profile) throw noProfile(user.userName);
        return { LoginProfile: profileView(user, profile) };
      },
    }),

    UpdateLoginProfile: defineOperation<LoginProfileInput>({
      authorize: (i, ctx) => [{ action: "iam:UpdateLoginProfile", resource: targetUserResource(store, ctx, i.UserName) }],
      async handle(input, ctx) {
        const user = userOf(ctx, input.UserName);
        await profiles.transaction((tx) => {
          const profile = tx.get([ctx.accountId, user.userId]);
          if (!profile) throw noProfile(user.userName);
          checkPassword(ctx, input.Password);
          const changed = input.Password !== undefined ? { passwordChangedAt: wholeSeconds(ctx.now()) } : {};
          tx.put([ctx.accountId, user.userId], { ...profile, ...changed, passwordResetRequired: input.PasswordResetRequired ?? profile.passwordResetRequired });
        });
        return {};
      },
    }),

    DeleteLoginProfile: defineOperation<LoginProfileInput>({
      authorize: (i, ctx) => [{ action: "iam:DeleteLoginProfile", resource: targetUserResource(store, ctx, i.UserName) }],
      async handle(input, ctx) {
        const user = userOf(ctx, input.UserName);
        await profiles.transaction((tx) => {
          if (!tx.get([ctx.accountId, user.userId])) throw noProfile(user.userName);
          tx.remove([ctx.accountId, user.userId]);
        });
        return {};
      },
    }),

    // Credentials Nimbus cannot issue (MFA devices, SSH keys, service-specific
    // credentials) are listed as IAM lists a user without any, so that tools
    // which clean a user up before deleting it find nothing to clean.
    ListMFADevices: defineOperation<{ UserName?: string }>({
      authorize: (i, ctx) => [{ action: "iam:ListMFADevices", resource: targetUserResource(store, ctx, i.UserName) }],
      handle(input, ctx) {
        if (input.UserName !== undefined || ctx.principal.type !== "root") userOf(ctx, input.UserName);
        return { MFADevices: [], IsTruncated: false };
      },
    }),

    ListVirtualMFADevices: defineOperation<Record<string, never>>({
      authorize: (_i, ctx) => [{ action: "iam:ListVirtualMFADevices", resource: `arn:aws:iam::${ctx.accountId}:mfa/*` }],
      handle: () => ({ VirtualMFADevices: [], IsTruncated: false }),
    }),

    // CreateSAMLProvider is not supported, so an account has none; scanners list them all the same.
    ListSAMLProviders: defineOperation<Record<string, never>>({
      authorize: () => [{ action: "iam:ListSAMLProviders", resource: "*" }],
      handle: () => ({ SAMLProviderList: [] }),
    }),

    ListSSHPublicKeys: defineOperation<{ UserName?: string }>({
      authorize: (i, ctx) => [{ action: "iam:ListSSHPublicKeys", resource: targetUserResource(store, ctx, i.UserName) }],
      handle(input, ctx) {
        if (input.UserName !== undefined || ctx.principal.type !== "root") userOf(ctx, input.UserName);
        return { SSHPublicKeys: [], IsTruncated: false };
      },
    }),

    ListServiceSpecificCredentials: defineOperation<{ UserName?: string; AllUsers?: boolean }>({
      authorize: (i, ctx) => [{ action: "iam:ListServiceSpecificCredentials", resource: targetUserResource(store, ctx, i.UserName) }],
      handle(input, ctx) {
        if (!input.AllUsers && (input.UserName !== undefined || ctx.principal.type !== "root")) userOf(ctx, input.UserName);
        return { ServiceSpecificCredentials: [], IsTruncated: false };
      },
    }),

    UpdateAccountPasswordPolicy: defineOperation<Partial<PasswordPolicy>>({
      authorize: (_i, ctx) => [{ action: "iam:UpdateAccountPasswordPolicy", resource: accountResource(ctx) }],
      async handle(input, ctx) {
        // What the call leaves out takes IAM's default, not the value set before.
        const policy: PasswordPolicy = {
          MinimumPasswordLength: input.MinimumPasswordLength ?? 6,
          RequireSymbols: input.RequireSymbols ?? false,
          RequireNumbers: input.RequireNumbers ?? false,
          RequireUppercaseCharacters: input.RequireUppercaseCharacters ?? false,
          RequireLowercaseCharacters: input.RequireLowercaseCharacters ?? false,
          AllowUsersToChangePassword: input.AllowUsersToChangePassword ?? false,
          MaxPasswordAge: input.MaxPasswordAge,
          PasswordReusePrevention: input.PasswordReusePrevention,
          HardExpiry: input.HardExpiry,
        };
        await settings.transaction((tx) => tx.put([ctx.accountId, PASSWORD_POLICY], policy));
        return {};
      },
    }),

    GetAccountPasswordPolicy: defineOperation<Record<string, never>>({
      authorize: (_i, ctx) => [{ action: "iam:GetAccountPasswordPolicy", resource: accountResource(ctx) }],
      handle(_input, ctx) {
        const policy = policyOf(ctx);
        if (!policy) throw noPasswordPolicy(ctx.accountId);
        return { PasswordPolicy: { ...policy, ExpirePasswords: (policy.MaxPasswordAge ?? 0) > 0 } };
      },
    }),

    DeleteAccountPasswordPolicy: defineOperation<Record<string, never>>({
      authorize: (_i, ctx) => [{ action: "iam:DeleteAccountPasswordPolicy", resource: accountResource(ctx) }],
      async handle(_input, ctx) {
        await settings.transaction((tx) => {
          if (!tx.get([ctx.accountId, PASSWORD_POLICY])) throw noPasswordPolicy(ctx.accountId);
          tx.remove([ctx.accountId, PASSWORD_POLICY]);
        });
        return {};
      },
    }),

    CreateAccountAlias: defineOperation<{ AccountAlias: string }>({
      authorize: (_i, ctx) => [{ action: "iam:CreateAccountAlias", resource: accountResource(ctx) }],
      async handle(input, ctx) {
        await settings.transaction((tx) => {
          // Aliases are unique across accounts; an account's one alias is replaced by a new one.
          for (const { key, value } of settings.range()) {
            if ("alias" in value && value.alias === input.AccountAlias && (key as readonly string[])[0] !== ctx.accountId) {
              throw new AwsError("EntityAlreadyExists", `The account alias ${input.AccountAlias} already exists.`, 409);
            }
          }
          tx.put([ctx.accountId, ALIAS], { alias: input.AccountAlias });
        });
        return {};
      },
    }),

    ListAccountAliases: defineOperation<Record<string, never>>({
      authorize: (_i, ctx) => [{ action: "iam:ListAccountAliases", resource: accountResource(ctx) }],
      handle(_input, ctx) {
        const alias = aliasOf(settings.get([ctx.accountId, ALIAS]));
        return { AccountAliases: alias === undefined ? [] : [alias], IsTruncated: false };
      },
    }),

    GetAccountSummary: defineOperation<Record<string, never>>({
      authorize: (_i, ctx) => [{ action: "iam:GetAccountSummary", resource: accountResource(ctx) }],
      handle(_input, ctx) {
        const count = (name: string, prefix: readonly string[] = [ctx.accountId]) => [...store.kv.store(name).range(prefixRange(prefix))].length;
        const policies = [...store.policies.range()].map((e) => e.value).filter((p) => p.accountId === ctx.accountId);
        const rootKeys = store.rootKeysOf(ctx.accountId).length > 0;
        const counts: Record<string, number> = {
          Users: [...store.usersOf(ctx.accountId)].length,
          Groups: store.groupsOf(ctx.accountId).length,
          Roles: store.rolesOf(ctx.accountId).length,
          Policies: policies.length,
          PolicyVersionsInUse: policies.filter((p) => p.attachmentCount > 0).length,
          InstanceProfiles: store.instanceProfilesOf(ctx.accountId).length,
          Providers: count(OIDC_PROVIDERS_STORE),
          ServerCertificates: count(SERVER_CERTIFICATES_STORE),
          MFADevices: 0,
          MFADevicesInUse: 0,
          AccountMFAEnabled: 0,
          AccountAccessKeysPresent: rootKeys ? 1 : 0,
          AccountPasswordPresent: 0,
          AccountSigningCertificatesPresent: count(SIGNING_CERTIFICATES_STORE, [ctx.accountId, ROOT_OWNER]) > 0 ? 1 : 0,
        };
        return { SummaryMap: { ...counts, ...QUOTAS } };
      },
    }),

    DeleteAccountAlias: defineOperation<{ AccountAlias: string }>({
      authorize: (_i, ctx) => [{ action: "iam:DeleteAccountAlias", resource: accountResource(ctx) }],
      async handle(input, ctx) {
        await settings.transaction((tx) => {
          if (aliasOf(tx.get([ctx.accountId, ALIAS])) !== input.AccountAlias) {
            throw new AwsError("NoSuchEntity", `The account alias ${input.AccountAlias} cannot be found.`, 404);
          }
          tx.remove([ctx.accountId, ALIAS]);
        });
        return {};
      },
    }),
  };
}

/** IAM's default quotas, as GetAccountSummary reports them. */
const QUOTAS: Readonly<Record<string, number>> = {
  UsersQuota: 5000,
  GroupsQuota: 300,
  RolesQuota: 1000,
  PoliciesQuota: 1500,
  InstanceProfilesQuota: 1000,
  ServerCertificatesQuota: 20,
  GroupsPerUserQuota: 10,
  AccessKeysPerUserQuota: 2,
  SigningCertificatesPerUserQuota: 2,
  AttachedPoliciesPerUserQuota: 10,
  AttachedPoliciesPerGroupQuota: 10,
  AttachedPoliciesPerRoleQuota: 10,
  UserPolicySizeQuota: 2048,
  GroupPolicySizeQuota: 5120,
  RolePolicySizeQuota: 10240,
  AssumeRolePolicySizeQuota: 2048,
  PolicySizeQuota: 6144,
  PolicyVersionsInUseQuota: 10000,
  VersionsPerPolicyQuota: 5,
  GlobalEndpointTokenVersion: 1,
};

function aliasOf(setting: AccountSetting | undefined): string | undefined {
  return setting && "alias" in setting ? setting.alias : undefined;
}

function noPasswordPolicy(accountId: string): AwsError {
  return new AwsError("NoSuchEntity", `The Password Policy with domain name ${accountId} cannot be found.`, 404);
}

/** Whether a user has a login profile (DeleteUser refuses while one does). */
export function hasLoginProfile(store: IamStore, accountId: string, userId: string): boolean {
  return store.kv.store<LoginProfileRecord>(LOGIN_PROFILES_STORE).get([accountId, userId]) !== undefined;
}
