/**
 * S3 access control lists, for buckets whose object ownership enables
 * them (ObjectWriter, BucketOwnerPreferred): what a write's canned ACL,
 * grant headers or AccessControlPolicy document grant, kept with the
 * bucket or object, read back by GetBucketAcl and GetObjectAcl, and
 * enforced as the resource-policy statements AWS maps each permission to.
 * Block Public Access refuses public grants (BlockPublicAcls) or leaves
 * them unenforced (IgnorePublicAcls); with ACLs disabled none apply.
 */
import { AwsError } from "../../server/errors.js";
import type { Statement } from "../../policy/document.js";
import { s3Errors } from "./errors.js";
import { bucketArn } from "./names.js";
import { canonicalUserId } from "./operation.js";
import { BLOCK_ALL, type BucketRecord, type PublicAccessBlock } from "./records.js";

export type Permission = "FULL_CONTROL" | "WRITE" | "WRITE_ACP" | "READ" | "READ_ACP";
const PERMISSIONS: ReadonlySet<string> = new Set<Permission>(["FULL_CONTROL", "WRITE", "WRITE_ACP", "READ", "READ_ACP"]);

export const ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";
export const AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
export const LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery";
const GROUPS: ReadonlySet<string> = new Set([ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY]);

/**
 * A grant's grantee: an account Nimbus knows (shown by its canonical user
 * id), a canonical user id of AWS's own (`aws-exec-read`'s), or one of
 * S3's predefined groups.
 */
export type Grantee =
  | { account: string; id?: undefined; group?: undefined }
  | { id: string; account?: undefined; group?: undefined }
  | { group: string; account?: undefined; id?: undefined };

/** The canonical user of EC2's bundling service, which `aws-exec-read` lets read. */
const EC2_BUNDLE_READER = "6aa5a366c34c1cbe25dc49211496e913e0351eb0e8c37aa3477e40942ec6b97c";

export interface Grant {
  grantee: Grantee;
  permission: Permission;
}

/** The ACL a write names: a canned ACL or grant headers (never both). */
export interface AclInput {
  ACL?: string;
  GrantFullControl?: string;
  GrantRead?: string;
  GrantReadACP?: string;
  GrantWrite?: string;
  GrantWriteACP?: string;
}

/** An AccessControlPolicy document, as the XML parser reads it. */
export interface AccessControlPolicy {
  Owner?: { ID?: string; DisplayName?: string };
  Grants?: { Grantee?: { Type?: string; ID?: string; URI?: string; EmailAddress?: string; DisplayName?: string }; Permission?: string }[];
}

/** Who an ACL is worked out for: the resource's owner, the bucket's owner, and the accounts a canonical id may name. */
export interface AclParties {
  owner: string;
  bucketOwner: string;
  /** The account whose canonical user id this is, if Nimbus knows it. */
  accountOf(canonicalId: string): string | undefined;
}

const CANNED: ReadonlySet<string> = new Set([
  "private",
  "public-read",
  "public-read-write",
  "authenticated-read",
  "aws-exec-read",
  "bucket-owner-read",
  "bucket-owner-full-control",
  "log-delivery-write",
]);

/** Whether `ACL` names one of S3's canned ACLs (another is refused before anything else, with S3's empty message). */
export function checkCannedAcl(acl: string | undefined): void {
  if (acl !== undefined && !CANNED.has(acl)) throw s3Errors.invalidArgument("", "x-amz-acl", acl);
}

const ownerGrant = (account: string): Grant => ({ grantee: { account }, permission: "FULL_CONTROL" });
const groupGrant = (group: string, permission: Permission): Grant => ({ grantee: { group }, permission });

/** The grants a canned ACL stands for, the owner's full control first, as S3 lists them. */
function cannedGrants(acl: string, parties: AclParties): Grant[] {
  const grants = [ownerGrant(parties.owner)];
  switch (acl) {
    case "public-read":
      grants.push(groupGrant(ALL_USERS, "READ"));
      break;
    case "public-read-write":
      grants.push(groupGrant(ALL_USERS, "READ"), groupGrant(ALL_USERS, "WRITE"));
      break;
    case "authenticated-read":
      grants.push(groupGrant(AUTHENTICATED_USERS, "READ"));
      break;
    case "log-delivery-write":
      grants.push(groupGrant(LOG_DELIVERY, "WRITE"), groupGrant(LOG_DELIVERY, "READ_ACP"));
      break;
    case "aws-exec-read":
      grants.push({ grantee: { id: EC2_BUNDLE_READER }, permission: "READ" });
      break;
    // On a bucket, the bucket-owner ACLs are its owner's full control alone.
    case "bucket-owner-read":
      if (parties.bucketOwner !== parties.owner) grants.push({ grantee: { account: parties.bucketOwner }, permission: "READ" });
      break;
    case "bucket-owner-full-control":
      if (parties.bucketOwner !== parties.owner) grants.push(ownerGrant(parties.bucketOwner));
      break;
  }
  return grants;
}

const GRANT_HEADERS: readonly [keyof AclInput, Permission, string][] = [
  ["GrantRead", "READ", "x-amz-grant-read"],
  ["GrantWrite", "WRITE", "x-amz-grant-write"],
  ["GrantReadACP", "READ_ACP", "x-amz-grant-read-acp"],
  ["GrantWriteACP", "WRITE_ACP", "x-amz-grant-write-acp"],
  ["GrantFullControl", "FULL_CONTROL", "x-amz-grant-full-control"],
];

/** `id="…", uri="…", emailAddress="…"`: one grantee per comma-separated pair (the quotes are optional). */
const GRANTEE_PAIR = /^\s*(id|uri|emailAddress)\s*=\s*(?:"([^"]*)"|([^",\s]+))\s*$/i;

function headerGrants(input: AclInput, parties: AclParties): Grant[] | undefined {
  let grants: Grant[] | undefined;
  for (const [member, permission, header] of GRANT_HEADERS) {
    const value = input[member];
    if (value === undefined) continue;
    grants ??= [];
    for (const pair of value.split(",")) {
      const match = GRANTEE_PAIR.exec(pair);
      if (!match) throw s3Errors.invalidArgument("Argument format not recognized", header, value);
      const kind = match[1]!.toLowerCase();
      const named = match[2] ?? match[3]!;
      const type = kind === "id" ? "CanonicalUser" : kind === "uri" ? "Group" : "AmazonCustomerByEmail";
      grants.push({ grantee: grantee(type, named, parties, kind), permission });
    }
  }
  return grants;
}

/**
 * A grantee as named; an id or group S3 does not know is refused, as is
 * an email address (Nimbus's accounts have none). A grant header's errors
 * name its key (`id`, `uri`), a document's the element (`CanonicalUser/ID`).
 */
function grantee(type: string, value: string, parties: AclParties, headerKey?: string): Grantee {
  switch (type) {
    case "CanonicalUser": {
      const account = parties.accountOf(value);
      if (account !== undefined) return { account };
      if (value === EC2_BUNDLE_READER) return { id: value };
      throw s3Errors.invalidArgument("Invalid id", headerKey ?? "CanonicalUser/ID", value);
    }
    case "Group":
      if (!GROUPS.has(value)) throw s3Errors.invalidArgument("Invalid group uri", headerKey ?? "Group/URI", value);
      return { group: value };
    case "AmazonCustomerByEmail":
      throw new AwsError("UnresolvableGrantByEmailAddress", "The e-mail address you provided does not match any account on record.", 400, { EmailAddress: value });
    default:
      throw malformedAcl();
  }
}

/** The most grants an ACL may hold. */
const MAX_GRANTS = 100;

const malformedAcl = () =>
  new AwsError("MalformedACLError", "The XML you provided was not well-formed or did not validate against our published schema", 400);

/** The grants of an AccessControlPolicy document; its owner must be the resource's. */
function documentGrants(policy: AccessControlPolicy, parties: AclParties): Grant[] {
  const ownerId = policy.Owner?.ID;
  if (ownerId === undefined) throw malformedAcl();
  // The owner named must be an account S3 knows, and the resource's: an ACL cannot give a resource away.
  const named = parties.accountOf(ownerId);
  if (named === undefined) throw s3Errors.invalidArgument("Invalid id", "CanonicalUser/ID", ownerId);
  if (named !== parties.owner) throw s3Errors.accessDenied();
  return (policy.Grants ?? []).map(({ Grantee: who, Permission: permission }) => {
    if (!who || permission === undefined || !PERMISSIONS.has(permission)) throw malformedAcl();
    const value = who.Type === "CanonicalUser" ? who.ID : who.Type === "Group" ? who.URI : who.EmailAddress;
    if (value === undefined) throw malformedAcl();
    return { grantee: grantee(who.Type ?? "", value, parties), permission: permission as Permission };
  });
}

/**
 * The grants a write asks for, or undefined where it names none (the
 * resource keeps, or starts with, its owner's full control). One way only:
 * a canned ACL with grant headers is refused.
 */
export function requestedGrants(input: AclInput & { AccessControlPolicy?: AccessControlPolicy }, parties: AclParties, target: "bucket" | "object"): Grant[] | undefined {
  checkCannedAcl(input.ACL);
  const fromHeaders = headerGrants(input, parties);
  if (input.ACL !== undefined && fromHeaders) throw s3Errors.invalidRequest("Specifying both Canned ACLs and Header Grants is not allowed");
  if ((input.ACL !== undefined || fromHeaders) && input.AccessControlPolicy !== undefined) {
    throw new AwsError("UnexpectedContent", "This request does not support content", 400);
  }
  if (input.ACL !== undefined) return cannedGrants(input.ACL, target === "bucket" ? { ...parties, bucketOwner: parties.owner } : parties);
  const granted = fromHeaders ?? (input.AccessControlPolicy !== undefined ? documentGrants(input.AccessControlPolicy, parties) : undefined);
  if (granted && granted.length > MAX_GRANTS) throw malformedAcl();
  return granted;
}

/** Whether some grant reaches everyone, or every AWS account. */
export function isPublicAcl(grants: readonly Grant[] | undefined): boolean {
  return grants !== undefined && grants.some(({ grantee: { group } }) => group === ALL_USERS || group === AUTHENTICATED_USERS);
}

/** A bucket's Block Public Access settings in force: absent is AWS's default for new buckets, everything blocked. */
export function publicAccessBlockOf(bucket: BucketRecord): PublicAccessBlock | null {
  return bucket.publicAccessBlock === undefined ? BLOCK_ALL : bucket.publicAccessBlock;
}

/** BlockPublicAcls: a write that would make a public ACL is refused. */
export function refusePublicAcl(bucket: BucketRecord, grants: readonly Grant[] | undefined): void {
  if (publicAccessBlockOf(bucket)?.BlockPublicAcls && isPublicAcl(grants)) throw s3Errors.accessDenied();
}

/** Whether a bucket's object ownership lets ACLs apply: not with ACLs disabled (bucket owner enforced, the default). */
export function aclsEnabled(bucket: BucketRecord): boolean {
  return bucket.objectOwnership !== undefined && bucket.objectOwnership !== "BucketOwnerEnforced";
}

/** GetBucketAcl's and GetObjectAcl's answer. A resource never given an ACL has its owner's full control. */
export function aclOutput(owner: string, grants: readonly Grant[] | undefined) {
  return {
    Owner: { ID: canonicalUserId(owner) },
    Grants: (grants ?? [ownerGrant(owner)]).map(({ grantee: { account, id, group }, permission }) => ({
      Grantee: group !== undefined ? { Type: "Group", URI: group } : { ID: account !== undefined ? canonicalUserId(account) : id, Type: "CanonicalUser" },
      Permission: permission,
    })),
  };
}

/** A key as a policy's resource takes it literally: `*`, `?` and `$` escaped as policy variables. */
const literal = (key: string): string => key.replace(/[$*?]/g, (c) => `\${${c}}`);

/** The IAM actions each ACL permission grants, on the bucket or on an object (AWS's mapping of ACL permissions to policy actions). */
const BUCKET_ACTIONS: Record<Permission, { bucket: string[]; objects: string[] }> = {
  READ: { bucket: ["s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads"], objects: [] },
  WRITE: { bucket: [], objects: ["s3:PutObject", "s3:DeleteObject"] },
  READ_ACP: { bucket: ["s3:GetBucketAcl"], objects: [] },
  WRITE_ACP: { bucket: ["s3:PutBucketAcl"], objects: [] },
  FULL_CONTROL: { bucket: [], objects: [] },
};
const OBJECT_ACTIONS: Record<Permission, string[]> = {
  READ: ["s3:GetObject", "s3:GetObjectVersion"],
  WRITE: [],
  READ_ACP: ["s3:GetObjectAcl", "s3:GetObjectVersionAcl"],
  WRITE_ACP: ["s3:PutObjectAcl", "s3:PutObjectVersionAcl"],
  FULL_CONTROL: [],
};
for (const name of ["READ", "WRITE", "READ_ACP", "WRITE_ACP"] as const) {
  BUCKET_ACTIONS.FULL_CONTROL.bucket.push(...BUCKET_ACTIONS[name].bucket);
  BUCKET_ACTIONS.FULL_CONTROL.objects.push(...BUCKET_ACTIONS[name].objects);
  OBJECT_ACTIONS.FULL_CONTROL.push(...OBJECT_ACTIONS[name]);
}

/**
 * A bucket's or object's grants as Allow statements. An account grant
 * names the account (its identities still need their own permission, as
 * with a bucket policy); AuthenticatedUsers is every signed caller.
 * Public grants are left out under IgnorePublicAcls.
 */
export function aclStatements(bucket: BucketRecord, grants: readonly Grant[] | undefined, resource: { key: string; owner: string } | undefined): Statement[] {
  if (!grants || !aclsEnabled(bucket)) return [];
  const ignorePublic = publicAccessBlockOf(bucket)?.IgnorePublicAcls === true;
  const owner = resource?.owner ?? bucket.accountId;
  const statements: Statement[] = [];
  for (const { grantee, permission } of grants) {
    // The resource owner's account has its access already (its identities by their own policies); log delivery is not a caller here.
    if (grantee.account === owner || grantee.id !== undefined || grantee.group === LOG_DELIVERY) continue;
    if (ignorePublic && grantee.group !== undefined) continue;
    const principal = grantee.account !== undefined ? { AWS: [`arn:aws:iam::${grantee.account}:root`] } : { AWS: ["*"] };
    const condition = grantee.group === AUTHENTICATED_USERS ? { Null: { "aws:PrincipalArn": ["false"] } } : undefined;
    const arn = bucketArn(bucket.name);
    const granted: [string[], string][] = resource
      ? [[OBJECT_ACTIONS[permission], `${arn}/${literal(resource.key)}`]]
      : [
          [BUCKET_ACTIONS[permission].bucket, arn],
          [BUCKET_ACTIONS[permission].objects, `${arn}/*`],
        ];
    for (const [action, on] of granted) {
      if (action.length > 0) statements.push({ effect: "Allow", principal, action, resource: [on], condition });
    }
  }
  return statements;
}
