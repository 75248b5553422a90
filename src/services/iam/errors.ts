/** IAM's errors, in AWS's words. */
import { AwsError } from "../../server/errors.js";

export type EntityKind = "user" | "access key";

const KIND_NAME: Record<EntityKind, string> = { user: "user", "access key": "Access Key" };

const entity = (message: string) => new AwsError("NoSuchEntity", message, 404);

export const iamErrors = {
  noSuchEntity: (kind: EntityKind, name: string) =>
    kind === "access key"
      ? new AwsError("NoSuchEntity", `The Access Key with id ${name} cannot be found.`, 404)
      : new AwsError("NoSuchEntity", `The ${KIND_NAME[kind]} with name ${name} cannot be found.`, 404),
  entityAlreadyExists: (name: string, kind = "User") => new AwsError("EntityAlreadyExists", `${kind} with name ${name} already exists.`, 409),
  /** How attaching (and the version calls) name a policy that does not exist. */
  noSuchPolicy: (arn: string) => entity(`Policy ${arn} does not exist or is not attachable.`),
  noSuchPolicyVersion: (arn: string, version: string) => entity(`Policy ${arn} version ${version} does not exist or is not attachable.`),
  notAttached: (arn: string) => entity(`Policy ${arn} was not found.`),
  /** How GetPolicy, DeletePolicy and the tagging calls name a policy that does not exist. */
  policyNotFound: (arn: string) => entity(`Policy ${arn} was not found.`),
  noSuchInlinePolicy: (kind: string, name: string) => entity(`The ${kind} policy with name ${name} cannot be found.`),
  noSuchNamedEntity: (kind: string, name: string) => entity(`The ${kind} with name ${name} cannot be found.`),
  noSuchInstanceProfile: (name: string) => entity(`Instance Profile ${name} cannot be found.`),
  roleNotInProfile: (role: string, profile: string) => entity(`Role ${role} in Instance Profile ${profile} cannot be found.`),
  instanceProfileExists: (name: string) => new AwsError("EntityAlreadyExists", `Instance Profile ${name} already exists.`, 409),
  deleteConflict: (what: string) => new AwsError("DeleteConflict", `Cannot delete entity, must ${what} first.`, 409),
  /** DeleteConflict in the words AWS uses for managed policies. */
  policyConflict: (message: string) => new AwsError("DeleteConflict", message, 409),
  policyVersionLimit: (max: number) =>
    new AwsError("LimitExceeded", `A managed policy can have up to ${max} versions. Before you create a new version, you must delete an existing version.`, 409),
  policyExists: (name: string) => new AwsError("EntityAlreadyExists", `A policy called ${name} already exists. Duplicate names are not allowed.`, 409),
  limitExceeded: (quota: string, limit: number) => new AwsError("LimitExceeded", `Cannot exceed quota for ${quota}: ${limit}`, 409),
  /** LimitExceeded worded its own way (inline policy sizes). */
  quotaExceeded: (message: string) => new AwsError("LimitExceeded", message, 409),
  invalidInput: (message: string) => new AwsError("InvalidInput", message, 400),
  /** Permissions boundaries are not modelled: refused rather than dropped. */
  boundaryUnsupported: (operation: string) =>
    new AwsError("NotImplemented", `The PermissionsBoundary parameter of ${operation} is not supported by Nimbus yet.`, 501),
  validation: (message: string) => new AwsError("ValidationError", message, 400),
};
