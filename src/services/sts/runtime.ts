/**
 * STS's runtime: GetCallerIdentity, AssumeRole and AssumeRoleWithWebIdentity
 * (the role's trust policy decides; temporary ASIA… keys with a session
 * token that expire, limited by the session policies given),
 * GetSessionToken and GetAccessKeyInfo. Temporary keys go where
 * authentication reads keys.
 */
import { secureTransport } from "../../server/authorize.js";
import { lenientPrincipal } from "../../auth/credentials.js";
import { missingAuthentication } from "../../auth/errors.js";
import { ACCESS_KEYS_STORE, type AccessKeyRecord } from "../../auth/stored-keys.js";
import type { Principal } from "../../auth/types.js";
import { parsePolicy } from "../../policy/document.js";
import { parseStored } from "../../policy/source.js";
import { evaluate, globalContextKeys } from "../../policy/evaluate.js";
import { createCodec, validateInput } from "../../protocols/index.js";
import { formatValidationMessage } from "../../protocols/shared/validate.js";
import { loadModel } from "../../protocols/model.js";
import type { RequestContext } from "../../server/context.js";
import { AwsError } from "../../server/errors.js";
import { defineOperation, type ServiceEnvironment, type ServiceRuntime } from "../../server/service.js";
import { newSecretAccessKey, newSessionToken, newTemporaryKeyId } from "../iam/ids.js";
import { OIDC_PROVIDERS_STORE } from "../iam/operations/oidc-providers.js";
import { roleArn } from "../iam/operations/roles.js";
import { principalTags } from "../iam/policy-source.js";
import { IamStore, type RoleRecord } from "../iam/store.js";

interface AssumeRoleInput {
  RoleArn: string;
  RoleSessionName: string;
  DurationSeconds?: number;
  Policy?: string;
  PolicyArns?: { arn?: string }[];
  Tags?: { Key: string; Value: string }[];
  TransitiveTagKeys?: string[];
  ExternalId?: string;
  SourceIdentity?: string;
  SerialNumber?: string;
  TokenCode?: string;
}

/**
 * The condition keys an AssumeRole request brings to the role's trust
 * policy (`sts:ExternalId`, the session name and tags...), named in lower
 * case as the policy engine looks them up.
 */
function assumeRoleKeys(input: AssumeRoleInput): Map<string, string | string[]> {
  const keys = new Map<string, string | string[]>();
  keys.set("sts:rolesessionname", input.RoleSessionName);
  if (input.ExternalId !== undefined) keys.set("sts:externalid", input.ExternalId);
  if (input.SourceIdentity !== undefined) keys.set("sts:sourceidentity", input.SourceIdentity);
  if (input.Tags && input.Tags.length > 0) {
    for (const tag of input.Tags) if (typeof tag.Key === "string") keys.set(`aws:requesttag/${tag.Key.toLowerCase()}`, tag.Value);
    keys.set("aws:tagkeys", input.Tags.map((tag) => tag.Key));
  }
  if (input.TransitiveTagKeys && input.TransitiveTagKeys.length > 0) keys.set("sts:transitivetagkeys", input.TransitiveTagKeys);
  return keys;
}

/**
 * Session tags: keys unique without regard to case, every transitive key
 * among them, and none that a calling role session passes down as
 * transitive. Answers the new session's transitive tags: those inherited,
 * then those this call marks.
 */
function transitiveSessionTags(input: AssumeRoleInput, caller: Principal): { Key: string; Value: string }[] | undefined {
  const keys = new Set<string>();
  for (const { Key } of input.Tags ?? []) {
    if (keys.has(Key.toLowerCase())) throw invalidParameter("Duplicate tag keys found. Please note that Tag keys are case insensitive.");
    keys.add(Key.toLowerCase());
  }
  for (const key of input.TransitiveTagKeys ?? []) {
    if (!keys.has(key.toLowerCase())) throw invalidParameter("The specified transitive tag key must be included in the requested tags.");
  }
  const inherited = caller.transitiveTags ?? [];
  if (inherited.some(({ Key }) => keys.has(Key.toLowerCase()))) {
    throw invalidParameter("One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.");
  }
  const marked = new Set((input.TransitiveTagKeys ?? []).map((k) => k.toLowerCase()));
  const tags = [...inherited, ...(input.Tags ?? []).filter(({ Key }) => marked.has(Key.toLowerCase()))];
  return tags.length > 0 ? tags : undefined;
}

/** Whether an AssumeRole call passes session tags of its own (inherited transitive tags need no sts:TagSession). */
const passesTags = (input: AssumeRoleInput): boolean => (input.Tags?.length ?? 0) > 0;

const invalidParameter = (message: string) => new AwsError("InvalidParameterValue", message, 400);

/**
 * PackedPolicySize, only when the call passed session policies or tags:
 * their share of the packed limit, approximated from their plain size
 * against the 2,048-character limit at AWS's typical 2:1 packing. Past
 * 100% the call is refused, naming the tags when they alone overflow.
 */
function packedPolicySize(input: Pick<AssumeRoleInput, "Policy" | "PolicyArns" | "Tags">): number | undefined {
  if (input.Policy === undefined && input.PolicyArns === undefined && input.Tags === undefined) return undefined;
  const share = (size: number) => Math.ceil((size * 100) / 2048 / 2);
  const tags = share(JSON.stringify(input.Tags ?? []).length);
  const total = share((input.Policy?.length ?? 0) + JSON.stringify(input.PolicyArns ?? []).length + JSON.stringify(input.Tags ?? []).length);
  if (tags > 100) throw new AwsError("PackedPolicyTooLarge", `Packed size of session tags consumes ${tags}% of allotted space.`, 400);
  if (total > 100) throw new AwsError("PackedPolicyTooLarge", `Packed policy consumes ${total}% of allotted space`, 400);
  return Math.max(1, total);
}

const invalid = (message: string) => new AwsError("ValidationError", message, 400);

/**
 * MFA authentication (AssumeRole, GetSessionToken): a device's serial
 * number and its code come together, and name a device of the caller's.
 * Nimbus keeps no MFA devices (CreateVirtualMFADevice is not supported),
 * so no serial number names one, as for an unknown device on AWS.
 */
function checkMfa(input: { SerialNumber?: string; TokenCode?: string }): void {
  if (input.SerialNumber === undefined && input.TokenCode === undefined) return;
  if (input.SerialNumber === undefined || input.TokenCode === undefined) {
    throw new AwsError("AccessDenied", "MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.", 403);
  }
  throw new AwsError(
    "AccessDenied",
    "MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.",
    403,
  );
}

/** The STS calls made without AWS credentials. */
const UNSIGNED_CALLS: ReadonlySet<string> = new Set(["AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"]);

/** Issuers whose tokens STS takes with no OIDC provider in IAM: the trust policy names them as they are. */
const BUILT_IN_PROVIDERS: ReadonlySet<string> = new Set(["accounts.google.com", "cognito-identity.amazonaws.com"]);

interface WebIdentityInput {
  RoleArn: string;
  RoleSessionName: string;
  WebIdentityToken: string;
  ProviderId?: string;
  PolicyArns?: { arn?: string }[];
  Policy?: string;
  DurationSeconds?: number;
}

const invalidIdentityToken = (message: string) => new AwsError("InvalidIdentityToken", message, 400);

/**
 * The claims of an OpenID Connect ID token (a JWT): its issuer and
 * audiences, its expiry, and the rest as they are. The signature is not
 * checked: that takes the issuer's published keys, which a cloud run
 * offline cannot fetch.
 */
function jwtClaims(token: string): { iss: string; aud: string[]; exp?: number; raw: Record<string, unknown> } {
  const notJwt = () => invalidIdentityToken("The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)");
  const parts = token.split(".");
  if (parts.length !== 3) throw notJwt();
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8"));
  } catch {
    throw notJwt();
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw notJwt();
  const claims = raw as Record<string, unknown>;
  if (typeof claims.iss !== "string") throw notJwt();
  const aud = typeof claims.aud === "string" ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud.filter((a): a is string => typeof a === "string") : [];
  return { iss: claims.iss, aud, ...(typeof claims.exp === "number" ? { exp: claims.exp } : {}), raw: claims };
}

export function createStsRuntime(env: ServiceEnvironment): ServiceRuntime {
  const model = loadModel("sts");
  const iam = new IamStore(env.kv);
  const oidcProviders = env.kv.store<{ clientIds: string[] }>(OIDC_PROVIDERS_STORE);
  const keys = env.kv.store<AccessKeyRecord>(ACCESS_KEYS_STORE);

  async function issue(ctx: RequestContext, principal: Principal, seconds: number) {
    const expiresAt = Math.floor(ctx.now().getTime() / 1000 + seconds) * 1000;
    const record: AccessKeyRecord = {
      accessKeyId: newTemporaryKeyId(),
      secretAccessKey: newSecretAccessKey(),
      status: "Active",
      createdAt: ctx.now().getTime(),
      principal,
      sessionToken: newSessionToken(),
      expiresAt,
    };
    record.principal = { ...principal, accessKeyId: record.accessKeyId };
    await keys.transaction((tx) => tx.put(record.accessKeyId, record));
    return { AccessKeyId: record.accessKeyId, SecretAccessKey: record.secretAccessKey, SessionToken: record.sessionToken, Expiration: new Date(expiresAt) };
  }

  return {
    codec: createCodec(model, { malformedError: (detail) => new AwsError("InvalidParameterValue", detail, 400) }),
    operations: {
      // Needs no permission: any valid credentials may ask who they are.
      GetCallerIdentity: defineOperation<Record<string, never>>({
        authorize: () => [],
        handle: (_input, ctx) => ({ UserId: ctx.principal.userId, Account: ctx.principal.accountId, Arn: ctx.principal.arn }),
      }),

      AssumeRole: defineOperation<AssumeRoleInput>({
        // Passing session tags is sts:TagSession on the role too, for the caller's policies and the trust policy alike.
        authorize: (i) => [
          { action: "sts:AssumeRole", resource: i.RoleArn, keys: assumeRoleKeys(i) },
          ...(passesTags(i) ? [{ action: "sts:TagSession", resource: i.RoleArn, keys: assumeRoleKeys(i) }] : []),
        ],
        async handle(input, ctx) {
          if (!isArn(input.RoleArn)) throw invalid(`${input.RoleArn} is invalid`);
          // A session policy is an identity policy; one IAM would not take is refused before anything else.
          if (input.Policy !== undefined) parsePolicy(input.Policy, "identity");
          for (const { arn } of input.PolicyArns ?? []) if (arn === undefined || !isArn(arn)) throw invalid(`${arn} is invalid`);
          checkMfa(input);
          const transitiveTags = transitiveSessionTags(input, ctx.principal);
          const match = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(input.RoleArn);
          const role = match ? iam.role(match[1]!, match[2]!) : undefined;
          const refused = () =>
            new AwsError("AccessDenied", `User: ${ctx.principal.arn} is not authorized to perform: sts:AssumeRole on resource: ${input.RoleArn}`, 403);
          // AWS refuses root credentials outright; lenient mode lets the
          // default root key (`test`) assume roles, as local clouds do.
          if (ctx.principal.type === "root" && env.config.auth === "strict") {
            throw new AwsError("AccessDenied", "Roles may not be assumed by root accounts.", 403);
          }
          if (!role || roleArn(role) !== input.RoleArn) throw refused();
          const duration = input.DurationSeconds ?? 3600;
          // A role session assuming a role (role chaining) gets an hour at most, whatever the role allows.
          if (ctx.principal.type === "assumed-role" && duration > 3600) {
            throw invalid("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.");
          }
          if (duration > role.maxSessionDuration) {
            throw invalid(`The requested DurationSeconds exceeds the MaxSessionDuration set for this role.`);
          }
          // The trust policy is the role's resource policy: it must name the caller.
          const trust = { name: `trust policy of role ${role.roleName}`, document: parseStored(role.assumeRolePolicy, "trust") };
          const keysOf = globalContextKeys(ctx.principal, {
            now: ctx.now(),
            sourceIp: ctx.sourceIp,
            secure: secureTransport(ctx.sourceIp),
            region: ctx.region,
            principalTags: principalTags(iam, ctx.principal),
          });
          for (const [key, value] of assumeRoleKeys(input)) keysOf.set(key, value);
          // From another account, naming that account in the trust policy is its half of the grant; the caller's
          // own half (its identity policy) is the authorizer's to check, in strict mode.
          const trusted = (action: string) =>
            evaluate({ principal: ctx.principal, action, resource: input.RoleArn, keys: keysOf }, [], [trust], {
              rootAllowed: false,
              crossAccount: role.accountId !== ctx.principal.accountId,
              identityTrusted: true,
            }).kind === "allow";
          if (!trusted("sts:AssumeRole")) throw refused();
          if (passesTags(input) && !trusted("sts:TagSession")) {
            throw new AwsError("AccessDenied", `User: ${ctx.principal.arn} is not authorized to perform: sts:TagSession on resource: ${input.RoleArn}`, 403);
          }
          const principal = roleSession(role, input, transitiveTags, [...(ctx.principal.transitiveTags ?? []), ...(input.Tags ?? [])]);
          const packedSize = packedPolicySize(input);
          return {
            Credentials: await issue(ctx, principal, duration),
            AssumedRoleUser: { AssumedRoleId: principal.userId, Arn: principal.arn },
            PackedPolicySize: packedSize,
          };
        },
      }),

      AssumeRoleWithWebIdentity: defineOperation<WebIdentityInput>({
        // Called without AWS credentials: the role's trust policy decides, on the token's provider and claims.
        authorize: () => [],
        async handle(input, ctx) {
          if (!isArn(input.RoleArn)) throw invalid(`${input.RoleArn} is invalid`);
          if (input.Policy !== undefined) parsePolicy(input.Policy, "identity");
          for (const { arn } of input.PolicyArns ?? []) if (arn === undefined || !isArn(arn)) throw invalid(`${arn} is invalid`);
          if (input.ProviderId !== undefined) {
            throw new AwsError("NotImplemented", "OAuth 2.0 access tokens (ProviderId) are not supported by Nimbus yet: it takes OpenID Connect ID tokens.", 501);
          }
          const claims = jwtClaims(input.WebIdentityToken);
          if (claims.raw["https://aws.amazon.com/tags"] !== undefined || claims.raw["https://aws.amazon.com/source_identity"] !== undefined) {
            throw new AwsError("NotImplemented", "Session tags and source identity carried in a web identity token are not supported by Nimbus yet.", 501);
          }
          const refused = () => new AwsError("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403);
          const match = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(input.RoleArn);
          const role = match ? iam.role(match[1]!, match[2]!) : undefined;
          if (!role || roleArn(role) !== input.RoleArn) throw refused();
          const issuer = claims.iss.replace(/^https:\/\//, "");
          // Google's and Cognito's tokens need no provider in IAM; any other issuer must be one of the account's OIDC providers.
          let federated = issuer;
          // A token naming its authorized party (`azp`, Google's) is for that client: its `aud` becomes the `oaud` key.
          const azp = typeof claims.raw.azp === "string" ? claims.raw.azp : undefined;
          let audience: string | undefined = azp ?? claims.aud[0];
          if (!BUILT_IN_PROVIDERS.has(issuer)) {
            federated = `arn:aws:iam::${role.accountId}:oidc-provider/${issuer}`;
            const provider = oidcProviders.get([role.accountId, federated]);
            if (!provider) throw invalidIdentityToken(`No OpenIDConnect provider found in your account for ${claims.iss}`);
            audience = claims.aud.find((aud) => provider.clientIds.includes(aud));
            if (audience === undefined) throw invalidIdentityToken("Incorrect token audience");
          }
          const now = Math.floor(ctx.now().getTime() / 1000);
          if (claims.exp !== undefined && claims.exp <= now) {
            throw new AwsError("ExpiredTokenException", `Token expired: current date/time ${now} must be before the expiration date/time${claims.exp}`, 400);
          }
          const duration = input.DurationSeconds ?? 3600;
          if (duration > role.maxSessionDuration) throw invalid("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
          const caller: Principal = { type: "anonymous", accountId: "", arn: "*", userId: "", federated };
          const keysOf = globalContextKeys(caller, { now: ctx.now(), sourceIp: ctx.sourceIp, secure: secureTransport(ctx.sourceIp), region: ctx.region });
          keysOf.set("aws:federatedprovider", federated);
          keysOf.set("sts:rolesessionname", input.RoleSessionName);
          const prefix = issuer.toLowerCase();
          if (azp !== undefined && BUILT_IN_PROVIDERS.has(issuer)) {
            keysOf.set(`${prefix}:aud`, azp);
            keysOf.set(`${prefix}:oaud`, claims.aud);
          } else {
            keysOf.set(`${prefix}:aud`, claims.aud);
          }
          for (const claim of ["sub", "amr", "azp", "email"] as const) {
            const value = claims.raw[claim];
            if (typeof value === "string" || (Array.isArray(value) && value.every((v) => typeof v === "string"))) keysOf.set(`${prefix}:${claim}`, value as string | string[]);
          }
          const trust = { name: `trust policy of role ${role.roleName}`, document: parseStored(role.assumeRolePolicy, "trust") };
          const facts = { principal: caller, action: "sts:AssumeRoleWithWebIdentity", resource: input.RoleArn, keys: keysOf };
          if (evaluate(facts, [], [trust], { rootAllowed: false, crossAccount: false, identityTrusted: true }).kind !== "allow") throw refused();
          const principal = roleSession(role, input, undefined);
          const packedSize = packedPolicySize(input);
          return {
            Credentials: await issue(ctx, principal, duration),
            SubjectFromWebIdentityToken: typeof claims.raw.sub === "string" ? claims.raw.sub : undefined,
            AssumedRoleUser: { AssumedRoleId: principal.userId, Arn: principal.arn },
            PackedPolicySize: packedSize,
            Provider: claims.iss,
            Audience: audience,
          };
        },
      }),

      // The account a key belongs to, whoever asks; unknown keys are placed as lenient authentication places them.
      GetAccessKeyInfo: defineOperation<{ AccessKeyId: string }>({
        authorize: () => [{ action: "sts:GetAccessKeyInfo", resource: "*" }],
        handle: (input) => ({ Account: (keys.get(input.AccessKeyId)?.principal ?? lenientPrincipal(input.AccessKeyId)).accountId }),
      }),

      GetSessionToken: defineOperation<{ DurationSeconds?: number; SerialNumber?: string; TokenCode?: string }>({
        authorize: () => [],
        async handle(input, ctx) {
          if (ctx.principal.type === "assumed-role") {
            throw new AwsError("AccessDenied", "Cannot call GetSessionToken with session credentials", 403);
          }
          checkMfa(input);
          // A root session lasts an hour at most, whatever was asked.
          const seconds = ctx.principal.type === "root" ? Math.min(input.DurationSeconds ?? 3600, 3600) : (input.DurationSeconds ?? 43200);
          return { Credentials: await issue(ctx, ctx.principal, seconds) };
        },
      }),
    },
    validate(op, input, ctx) {
      // Only the calls that take no AWS credentials may come unsigned.
      if (ctx.principal.type === "anonymous" && !UNSIGNED_CALLS.has(op.name)) throw missingAuthentication("query");
      const problems = validateInput(model, op, input);
      if (problems.length > 0) throw invalid(formatValidationMessage(problems));
    },
    responseHeaders: (requestId) => ({ "x-amzn-requestid": requestId }),
    reset: async () => {},
    close: async () => {},
  };
}

/** A session of `role` named as asked, with the session policies and tags it carries. */
function roleSession(
  role: RoleRecord,
  input: { RoleSessionName: string; Policy?: string; PolicyArns?: { arn?: string }[] },
  transitiveTags: Principal["transitiveTags"],
  sessionTags: Principal["sessionTags"] = [],
): Principal {
  const session = input.RoleSessionName;
  const sessionPolicyArns = input.PolicyArns?.map((p) => p.arn ?? "");
  return {
    type: "assumed-role",
    accountId: role.accountId,
    arn: `arn:aws:sts::${role.accountId}:assumed-role/${role.roleName}/${session}`,
    userId: `${role.roleId}:${session}`,
    roleArn: roleArn(role),
    ...(transitiveTags ? { transitiveTags } : {}),
    ...(sessionTags.length > 0 ? { sessionTags } : {}),
    ...(input.Policy !== undefined ? { sessionPolicy: input.Policy } : {}),
    ...(sessionPolicyArns && sessionPolicyArns.length > 0 ? { sessionPolicyArns } : {}),
  };
}

/** `arn:partition:service:region:account:resource`, with a partition, a service and a resource. */
function isArn(text: string): boolean {
  const parts = text.split(":");
  return parts.length >= 6 && parts[0] === "arn" && parts[1] !== "" && parts[2] !== "" && parts.slice(5).join(":") !== "";
}
