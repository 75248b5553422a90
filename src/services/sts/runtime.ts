/**
 * STS's runtime: GetCallerIdentity, AssumeRole (the role's trust policy
 * decides; temporary ASIA… keys with a session token that expire, limited
 * by the session policies given), GetSessionToken and GetAccessKeyInfo. Temporary keys go where authentication reads keys.
 */
import { secureTransport } from "../../server/authorize.js";
import { lenientPrincipal } from "../../auth/credentials.js";
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
import { roleArn } from "../iam/operations/roles.js";
import { IamStore } from "../iam/store.js";

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

const invalidParameter = (message: string) => new AwsError("InvalidParameterValue", message, 400);

/**
 * PackedPolicySize, only when the call passed session policies or tags:
 * their share of the packed limit, approximated from their plain size
 * against the 2,048-character limit at AWS's typical 2:1 packing.
 */
function packedPolicySize(input: AssumeRoleInput): number | undefined {
  if (input.Policy === undefined && input.PolicyArns === undefined && input.Tags === undefined) return undefined;
  const size = (input.Policy?.length ?? 0) + JSON.stringify(input.PolicyArns ?? []).length + JSON.stringify(input.Tags ?? []).length;
  return Math.max(1, Math.ceil((size * 100) / 2048 / 2));
}

const invalid = (message: string) => new AwsError("ValidationError", message, 400);

export function createStsRuntime(env: ServiceEnvironment): ServiceRuntime {
  const model = loadModel("sts");
  const iam = new IamStore(env.kv);
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
        authorize: (i) => [{ action: "sts:AssumeRole", resource: i.RoleArn, keys: assumeRoleKeys(i) }],
        async handle(input, ctx) {
          if (!isArn(input.RoleArn)) throw invalid(`${input.RoleArn} is invalid`);
          // A session policy is an identity policy; one IAM would not take is refused before anything else.
          if (input.Policy !== undefined) parsePolicy(input.Policy, "identity");
          for (const { arn } of input.PolicyArns ?? []) if (arn === undefined || !isArn(arn)) throw invalid(`${arn} is invalid`);
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
          if (duration > role.maxSessionDuration) {
            throw invalid(`The requested DurationSeconds exceeds the MaxSessionDuration set for this role.`);
          }
          // The trust policy is the role's resource policy: it must name the caller.
          const trust = { name: `trust policy of role ${role.roleName}`, document: parseStored(role.assumeRolePolicy, "trust") };
          const keysOf = globalContextKeys(ctx.principal, { now: ctx.now(), sourceIp: ctx.sourceIp, secure: secureTransport(ctx.sourceIp), region: ctx.region });
          for (const [key, value] of assumeRoleKeys(input)) keysOf.set(key, value);
          const facts = { principal: ctx.principal, action: "sts:AssumeRole", resource: input.RoleArn, keys: keysOf };
          // From another account, naming that account in the trust policy is its half of the grant; the caller's
          // own half (its identity policy) is the authorizer's to check, in strict mode.
          const decision = evaluate(facts, [], [trust], { rootAllowed: false, crossAccount: role.accountId !== ctx.principal.accountId, identityTrusted: true });
          if (decision.kind !== "allow") throw refused();
          const session = input.RoleSessionName;
          const sessionPolicyArns = input.PolicyArns?.map((p) => p.arn ?? "");
          const principal: Principal = {
            type: "assumed-role",
            accountId: role.accountId,
            arn: `arn:aws:sts::${role.accountId}:assumed-role/${role.roleName}/${session}`,
            userId: `${role.roleId}:${session}`,
            roleArn: roleArn(role),
            ...(transitiveTags ? { transitiveTags } : {}),
            ...(input.Policy !== undefined ? { sessionPolicy: input.Policy } : {}),
            ...(sessionPolicyArns && sessionPolicyArns.length > 0 ? { sessionPolicyArns } : {}),
          };
          return {
            Credentials: await issue(ctx, principal, duration),
            AssumedRoleUser: { AssumedRoleId: principal.userId, Arn: principal.arn },
            PackedPolicySize: packedPolicySize(input),
          };
        },
      }),

      // The account a key belongs to, whoever asks; unknown keys are placed as lenient authentication places them.
      GetAccessKeyInfo: defineOperation<{ AccessKeyId: string }>({
        authorize: () => [{ action: "sts:GetAccessKeyInfo", resource: "*" }],
        handle: (input) => ({ Account: (keys.get(input.AccessKeyId)?.principal ?? lenientPrincipal(input.AccessKeyId)).accountId }),
      }),

      GetSessionToken: defineOperation<{ DurationSeconds?: number }>({
        authorize: () => [],
        async handle(input, ctx) {
          if (ctx.principal.type === "assumed-role") {
            throw new AwsError("AccessDenied", "Cannot call GetSessionToken with session credentials", 403);
          }
          // A root session lasts an hour at most, whatever was asked.
          const seconds = ctx.principal.type === "root" ? Math.min(input.DurationSeconds ?? 3600, 3600) : (input.DurationSeconds ?? 43200);
          return { Credentials: await issue(ctx, ctx.principal, seconds) };
        },
      }),
    },
    validate(op, input) {
      const problems = validateInput(model, op, input);
      if (problems.length > 0) throw invalid(formatValidationMessage(problems));
    },
    responseHeaders: (requestId) => ({ "x-amzn-requestid": requestId }),
    reset: async () => {},
    close: async () => {},
  };
}

/** `arn:partition:service:region:account:resource`, with a partition, a service and a resource. */
function isArn(text: string): boolean {
  const parts = text.split(":");
  return parts.length >= 6 && parts[0] === "arn" && parts[1] !== "" && parts[2] !== "" && parts.slice(5).join(":") !== "";
}
