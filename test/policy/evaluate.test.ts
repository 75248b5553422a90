/**
 * Policy evaluation, table-driven: examples in the spirit of the IAM User
 * Guide's policy examples and its evaluation-logic and condition-operator
 * references. Each case: identity policies, a request, the expected verdict.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Principal } from "../../src/auth/types.js";
import { AwsError } from "../../src/server/errors.js";
import { parsePolicy } from "../../src/policy/document.js";
import { evaluate, globalContextKeys, type DecisionKind } from "../../src/policy/evaluate.js";
import { conditionsHold, inCidr } from "../../src/policy/conditions.js";
import { substituteVariables, wildcardMatch } from "../../src/policy/match.js";

const alice: Principal = { type: "user", accountId: "111122223333", arn: "arn:aws:iam::111122223333:user/alice", userId: "AIDAALICE" };
const root: Principal = { type: "root", accountId: "111122223333", arn: "arn:aws:iam::111122223333:root", userId: "111122223333" };
const anonymous: Principal = { type: "anonymous", accountId: "", arn: "*", userId: "anonymous" };
const session: Principal = {
  type: "assumed-role",
  accountId: "111122223333",
  arn: "arn:aws:sts::111122223333:assumed-role/app/run-1",
  userId: "AROAAPP:run-1",
  roleArn: "arn:aws:iam::111122223333:role/svc/app",
};

type Statement = Record<string, unknown>;
interface Case {
  name: string;
  statements: Statement[];
  action: string;
  resource: string;
  principal?: Principal;
  keys?: Record<string, string | string[]>;
  /** Resource-policy statements (need a Principal). */
  resourceStatements?: Statement[];
  expect: DecisionKind;
}

const allow = (Action: unknown, Resource: unknown = "*", extra: Statement = {}): Statement => ({ Effect: "Allow", Action, Resource, ...extra });
const deny = (Action: unknown, Resource: unknown = "*", extra: Statement = {}): Statement => ({ Effect: "Deny", Action, Resource, ...extra });
const when = (Condition: Statement): Statement => ({ Condition });

const CASES: Case[] = [
  // Basics: implicit deny, allow, explicit deny wins.
  { name: "no policy: implicit deny", statements: [], action: "s3:GetObject", resource: "arn:aws:s3:::b/k", expect: "implicit-deny" },
  { name: "exact action and resource", statements: [allow("s3:GetObject", "arn:aws:s3:::b/k")], action: "s3:GetObject", resource: "arn:aws:s3:::b/k", expect: "allow" },
  { name: "other action", statements: [allow("s3:GetObject", "*")], action: "s3:PutObject", resource: "arn:aws:s3:::b/k", expect: "implicit-deny" },
  { name: "explicit deny beats allow", statements: [allow("s3:*"), deny("s3:DeleteObject")], action: "s3:DeleteObject", resource: "arn:aws:s3:::b/k", expect: "explicit-deny" },
  { name: "deny elsewhere does not apply", statements: [allow("s3:*"), deny("s3:DeleteObject", "arn:aws:s3:::other/*")], action: "s3:DeleteObject", resource: "arn:aws:s3:::b/k", expect: "allow" },
  { name: "admin: * on *", statements: [allow("*")], action: "iam:CreateUser", resource: "arn:aws:iam::111122223333:user/bob", expect: "allow" },
  { name: "root needs no policy", statements: [], action: "s3:GetObject", resource: "arn:aws:s3:::b/k", principal: root, expect: "allow" },
  { name: "root is still bound by a resource-policy deny", statements: [], action: "s3:GetObject", resource: "arn:aws:s3:::b/k", principal: root, resourceStatements: [deny("s3:GetObject", "arn:aws:s3:::b/*", { Principal: "*" })], expect: "explicit-deny" },
  // A role named in a resource policy reaches its sessions; NotPrincipal spares only the session it names.
  { name: "role ARN grants its sessions", statements: [], action: "s3:GetObject", resource: "arn:aws:s3:::b/k", principal: session, resourceStatements: [allow("s3:GetObject", "arn:aws:s3:::b/*", { Principal: { AWS: "arn:aws:iam::111122223333:role/svc/app" } })], expect: "allow" },
  { name: "another role's ARN does not", statements: [], action: "s3:GetObject", resource: "arn:aws:s3:::b/k", principal: session, resourceStatements: [allow("s3:GetObject", "arn:aws:s3:::b/*", { Principal: { AWS: "arn:aws:iam::111122223333:role/svc/other" } })], expect: "implicit-deny" },
  { name: "NotPrincipal naming only the role denies its session", statements: [allow("*")], action: "s3:GetObject", resource: "arn:aws:s3:::b/k", principal: session, resourceStatements: [deny("s3:GetObject", "arn:aws:s3:::b/*", { NotPrincipal: { AWS: "arn:aws:iam::111122223333:role/svc/app" } })], expect: "explicit-deny" },
  { name: "NotPrincipal naming the session spares it", statements: [allow("*")], action: "s3:GetObject", resource: "arn:aws:s3:::b/k", principal: session, resourceStatements: [deny("s3:GetObject", "arn:aws:s3:::b/*", { NotPrincipal: { AWS: ["arn:aws:iam::111122223333:role/svc/app", "arn:aws:sts::111122223333:assumed-role/app/run-1"] } })], expect: "allow" },
  { name: "a session's aws:PrincipalArn is its role", statements: [allow("*", "*", when({ ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::111122223333:role/svc/app" } }))], action: "s3:GetObject", resource: "arn:aws:s3:::b/k", principal: session, expect: "allow" },
  // Action matching.
  { name: "service wildcard", statements: [allow("s3:*")], action: "s3:ListBucket", resource: "arn:aws:s3:::b", expect: "allow" },
  { name: "prefix wildcard", statements: [allow("s3:Get*")], action: "s3:GetObjectTagging", resource: "arn:aws:s3:::b/k", expect: "allow" },
  { name: "prefix wildcard misses", statements: [allow("s3:Get*")], action: "s3:PutObject", resource: "arn:aws:s3:::b/k", expect: "implicit-deny" },
  { name: "actions ignore case", statements: [allow("S3:getobject")], action: "s3:GetObject", resource: "arn:aws:s3:::b/k", expect: "allow" },
  { name: "? matches one character", statements: [allow("iam:?etUser")], action: "iam:GetUser", resource: "*", expect: "allow" },
  { name: "action list", statements: [allow(["s3:PutObject", "s3:GetObject"], "arn:aws:s3:::mybucket1/*")], action: "s3:GetObject", resource: "arn:aws:s3:::mybucket1/a/b", expect: "allow" },
  { name: "NotAction allows the rest", statements: [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }], action: "s3:GetObject", resource: "arn:aws:s3:::b/k", expect: "allow" },
  { name: "NotAction excludes its own", statements: [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }], action: "iam:CreateUser", resource: "*", expect: "implicit-deny" },
  { name: "Deny with NotAction denies everything else", statements: [allow("*"), { Effect: "Deny", NotAction: ["iam:ChangePassword", "sts:GetSessionToken"], Resource: "*" }], action: "s3:ListBucket", resource: "arn:aws:s3:::b", expect: "explicit-deny" },
  { name: "Deny with NotAction spares the listed", statements: [allow("*"), { Effect: "Deny", NotAction: ["iam:ChangePassword"], Resource: "*" }], action: "iam:ChangePassword", resource: "*", expect: "allow" },
  // Resource matching.
  { name: "bucket ARN is not its objects", statements: [allow("s3:*", "arn:aws:s3:::b")], action: "s3:GetObject", resource: "arn:aws:s3:::b/k", expect: "implicit-deny" },
  { name: "objects ARN is not the bucket", statements: [allow("s3:*", "arn:aws:s3:::b/*")], action: "s3:ListBucket", resource: "arn:aws:s3:::b", expect: "implicit-deny" },
  { name: "resources are case sensitive", statements: [allow("s3:GetObject", "arn:aws:s3:::B/*")], action: "s3:GetObject", resource: "arn:aws:s3:::b/k", expect: "implicit-deny" },
  { name: "wildcard spans slashes", statements: [allow("s3:GetObject", "arn:aws:s3:::b/home/*")], action: "s3:GetObject", resource: "arn:aws:s3:::b/home/a/b/c.txt", expect: "allow" },
  { name: "wildcard in the middle", statements: [allow("s3:GetObject", "arn:aws:s3:::b/*/public/*")], action: "s3:GetObject", resource: "arn:aws:s3:::b/x/public/y", expect: "allow" },
  { name: "NotResource allows the rest", statements: [{ Effect: "Allow", Action: "s3:*", NotResource: "arn:aws:s3:::secret/*" }], action: "s3:GetObject", resource: "arn:aws:s3:::b/k", expect: "allow" },
  { name: "NotResource excludes its own", statements: [{ Effect: "Allow", Action: "s3:*", NotResource: "arn:aws:s3:::secret/*" }], action: "s3:GetObject", resource: "arn:aws:s3:::secret/k", expect: "implicit-deny" },
  { name: "resource list", statements: [allow("s3:ListBucket", ["arn:aws:s3:::a", "arn:aws:s3:::b"])], action: "s3:ListBucket", resource: "arn:aws:s3:::b", expect: "allow" },
  // Policy variables.
  { name: "${aws:username} home folder", statements: [allow("s3:*", "arn:aws:s3:::home/${aws:username}/*")], action: "s3:PutObject", resource: "arn:aws:s3:::home/alice/notes", expect: "allow" },
  { name: "${aws:username} not someone else's", statements: [allow("s3:*", "arn:aws:s3:::home/${aws:username}/*")], action: "s3:PutObject", resource: "arn:aws:s3:::home/bob/notes", expect: "implicit-deny" },
  { name: "variable the root lacks matches nothing", statements: [deny("s3:*", "arn:aws:s3:::home/${aws:username}/*")], action: "s3:PutObject", resource: "arn:aws:s3:::home/x/notes", principal: root, expect: "allow" },
  { name: "own IAM user by variable", statements: [allow("iam:*AccessKey*", "arn:aws:iam::111122223333:user/${aws:username}")], action: "iam:CreateAccessKey", resource: "arn:aws:iam::111122223333:user/alice", expect: "allow" },
  { name: "${*} is a literal star", statements: [allow("s3:GetObject", "arn:aws:s3:::b/${*}")], action: "s3:GetObject", resource: "arn:aws:s3:::b/anything", expect: "implicit-deny" },
  { name: "${*} matches a star", statements: [allow("s3:GetObject", "arn:aws:s3:::b/${*}")], action: "s3:GetObject", resource: "arn:aws:s3:::b/*", expect: "allow" },
  // A variable's default stands in where the request lacks its key (IAM User Guide, "Specifying default values").
  { name: "variable default where the key is missing", statements: [allow("s3:GetObject", "arn:aws:s3:::b/${aws:username, 'shared'}/*")], action: "s3:GetObject", resource: "arn:aws:s3:::b/shared/k", principal: session, expect: "allow" },
  { name: "variable default unused where the key is there", statements: [allow("s3:GetObject", "arn:aws:s3:::b/${aws:username, 'shared'}/*")], action: "s3:GetObject", resource: "arn:aws:s3:::b/shared/k", expect: "implicit-deny" },
  { name: "variable with a default, key there", statements: [allow("s3:GetObject", "arn:aws:s3:::b/${aws:username, 'shared'}/*")], action: "s3:GetObject", resource: "arn:aws:s3:::b/alice/k", expect: "allow" },
  { name: "variable default in a condition", statements: [allow("s3:ListBucket", "*", when({ StringEquals: { "s3:prefix": "${aws:username, 'public'}/" } }))], action: "s3:ListBucket", resource: "arn:aws:s3:::b", principal: session, keys: { "s3:prefix": "public/" }, expect: "allow" },
  { name: "${*} in StringEquals is a star", statements: [allow("s3:ListBucket", "*", when({ StringEquals: { "s3:prefix": "a${*}" } }))], action: "s3:ListBucket", resource: "arn:aws:s3:::b", keys: { "s3:prefix": "a*" }, expect: "allow" },
  { name: "${?} in StringNotEquals is a question mark", statements: [allow("*"), deny("s3:ListBucket", "*", when({ StringNotEquals: { "s3:prefix": "why${?}" } }))], action: "s3:ListBucket", resource: "arn:aws:s3:::b", keys: { "s3:prefix": "why?" }, expect: "allow" },
  // String conditions.
  { name: "StringEquals on a request key", statements: [allow("s3:ListBucket", "arn:aws:s3:::b", when({ StringEquals: { "s3:prefix": "home/" } }))], action: "s3:ListBucket", resource: "arn:aws:s3:::b", keys: { "s3:prefix": "home/" }, expect: "allow" },
  { name: "StringEquals misses", statements: [allow("s3:ListBucket", "arn:aws:s3:::b", when({ StringEquals: { "s3:prefix": "home/" } }))], action: "s3:ListBucket", resource: "arn:aws:s3:::b", keys: { "s3:prefix": "other/" }, expect: "implicit-deny" },
  { name: "condition keys ignore case", statements: [allow("s3:ListBucket", "*", when({ StringEquals: { "S3:Prefix": "a" } }))], action: "s3:ListBucket", resource: "arn:aws:s3:::b", keys: { "s3:prefix": "a" }, expect: "allow" },
  { name: "StringEquals with a missing key is false", statements: [allow("s3:ListBucket", "*", when({ StringEquals: { "s3:prefix": "a" } }))], action: "s3:ListBucket", resource: "arn:aws:s3:::b", expect: "implicit-deny" },
  { name: "StringNotEquals with a missing key is true", statements: [deny("s3:*", "*", when({ StringNotEquals: { "aws:RequestedRegion": "eu-west-1" } }))], action: "s3:ListBucket", resource: "arn:aws:s3:::b", keys: {}, expect: "explicit-deny" },
  { name: "values are ORed", statements: [allow("s3:ListBucket", "*", when({ StringEquals: { "s3:prefix": ["a/", "b/"] } }))], action: "s3:ListBucket", resource: "arn:aws:s3:::b", keys: { "s3:prefix": "b/" }, expect: "allow" },
  { name: "keys are ANDed", statements: [allow("s3:ListBucket", "*", when({ StringEquals: { "s3:prefix": "a/", "s3:delimiter": "/" } }))], action: "s3:ListBucket", resource: "arn:aws:s3:::b", keys: { "s3:prefix": "a/" }, expect: "implicit-deny" },
  { name: "StringLike with wildcards", statements: [allow("s3:ListBucket", "*", when({ StringLike: { "s3:prefix": ["home/${aws:username}/*"] } }))], action: "s3:ListBucket", resource: "arn:aws:s3:::b", keys: { "s3:prefix": "home/alice/docs/" }, expect: "allow" },
  { name: "StringNotLike", statements: [deny("s3:PutObject", "*", when({ StringNotLike: { "s3:x-amz-acl": "private" } })), allow("s3:*")], action: "s3:PutObject", resource: "arn:aws:s3:::b/k", keys: { "s3:x-amz-acl": "public-read" }, expect: "explicit-deny" },
  { name: "StringEqualsIgnoreCase", statements: [allow("s3:*", "*", when({ StringEqualsIgnoreCase: { "aws:username": "ALICE" } }))], action: "s3:GetObject", resource: "arn:aws:s3:::b/k", expect: "allow" },
  { name: "StringEquals is case sensitive", statements: [allow("s3:*", "*", when({ StringEquals: { "aws:username": "ALICE" } }))], action: "s3:GetObject", resource: "arn:aws:s3:::b/k", expect: "implicit-deny" },
  { name: "StringEqualsIfExists, key absent", statements: [allow("s3:*", "*", when({ StringEqualsIfExists: { "s3:x-amz-acl": "private" } }))], action: "s3:PutObject", resource: "arn:aws:s3:::b/k", expect: "allow" },
  { name: "StringEqualsIfExists, key present and wrong", statements: [allow("s3:*", "*", when({ StringEqualsIfExists: { "s3:x-amz-acl": "private" } }))], action: "s3:PutObject", resource: "arn:aws:s3:::b/k", keys: { "s3:x-amz-acl": "public-read" }, expect: "implicit-deny" },
  // Global keys from the caller.
  { name: "aws:PrincipalArn", statements: [allow("*", "*", when({ ArnLike: { "aws:PrincipalArn": "arn:aws:iam::111122223333:user/*" } }))], action: "s3:GetObject", resource: "arn:aws:s3:::b/k", expect: "allow" },
  { name: "aws:userid", statements: [allow("*", "*", when({ StringLike: { "aws:userid": "AIDA*" } }))], action: "s3:GetObject", resource: "arn:aws:s3:::b/k", expect: "allow" },
  { name: "aws:PrincipalAccount", statements: [deny("*", "*", when({ StringNotEquals: { "aws:PrincipalAccount": "111122223333" } })), allow("*")], action: "s3:GetObject", resource: "arn:aws:s3:::b/k", expect: "allow" },
  { name: "aws:RequestedRegion", statements: [deny("*", "*", when({ StringNotEquals: { "aws:RequestedRegion": ["us-east-1", "eu-west-1"] } })), allow("*")], action: "s3:GetObject", resource: "arn:aws:s3:::b/k", keys: { "aws:requestedregion": "ap-south-1" }, expect: "explicit-deny" },
  // Signed requests carry aws:PrincipalIsAWSService and aws:ViaAWSService (global condition keys' Availability), false here.
  { name: "aws:PrincipalIsAWSService is false", statements: [allow("*"), deny("s3:*", "*", when({ Bool: { "aws:PrincipalIsAWSService": "false" }, StringNotEquals: { "aws:PrincipalAccount": "444455556666" } }))], action: "s3:GetObject", resource: "arn:aws:s3:::b/k", expect: "explicit-deny" },
  { name: "aws:ViaAWSService is false", statements: [allow("*"), deny("s3:*", "*", when({ Bool: { "aws:ViaAWSService": "false" } }))], action: "s3:GetObject", resource: "arn:aws:s3:::b/k", principal: session, expect: "explicit-deny" },
  { name: "aws:ViaAWSService is there: Null false", statements: [allow("*", "*", when({ Null: { "aws:ViaAWSService": "false", "aws:PrincipalIsAWSService": "false" } }))], action: "s3:GetObject", resource: "arn:aws:s3:::b/k", expect: "allow" },
  // Numeric, date, bool, IP, ARN, Null.
  { name: "NumericLessThanEquals max-keys", statements: [allow("s3:ListBucket", "*", when({ NumericLessThanEquals: { "s3:max-keys": "10" } }))], action: "s3:ListBucket", resource: "arn:aws:s3:::b", keys: { "s3:max-keys": "10" }, expect: "allow" },
  { name: "NumericLessThanEquals exceeded", statements: [allow("s3:ListBucket", "*", when({ NumericLessThanEquals: { "s3:max-keys": "10" } }))], action: "s3:ListBucket", resource: "arn:aws:s3:::b", keys: { "s3:max-keys": "11" }, expect: "implicit-deny" },
  { name: "NumericGreaterThan", statements: [allow("*", "*", when({ NumericGreaterThan: { "s3:object-lock-remaining-retention-days": "5" } }))], action: "s3:PutObject", resource: "arn:aws:s3:::b/k", keys: { "s3:object-lock-remaining-retention-days": "6" }, expect: "allow" },
  { name: "NumericEquals with a non-number", statements: [allow("*", "*", when({ NumericEquals: { "s3:max-keys": "10" } }))], action: "s3:ListBucket", resource: "arn:aws:s3:::b", keys: { "s3:max-keys": "ten" }, expect: "implicit-deny" },
  { name: "DateLessThan before the date", statements: [allow("*", "*", when({ DateLessThan: { "aws:CurrentTime": "2030-01-01T00:00:00Z" } }))], action: "s3:GetObject", resource: "arn:aws:s3:::b/k", expect: "allow" },
  { name: "DateGreaterThan not yet", statements: [allow("*", "*", when({ DateGreaterThan: { "aws:CurrentTime": "2030-01-01T00:00:00Z" } }))], action: "s3:GetObject", resource: "arn:aws:s3:::b/k", expect: "implicit-deny" },
  { name: "DateGreaterThanEquals with epoch seconds", statements: [allow("*", "*", when({ DateGreaterThanEquals: { "aws:EpochTime": "1700000000" } }))], action: "s3:GetObject", resource: "arn:aws:s3:::b/k", expect: "allow" },
  { name: "Bool SecureTransport false denies", statements: [allow("s3:*"), deny("s3:*", "*", when({ Bool: { "aws:SecureTransport": "false" } }))], action: "s3:GetObject", resource: "arn:aws:s3:::b/k", expect: "explicit-deny" },
  { name: "Bool true does not match false", statements: [allow("s3:*", "*", when({ Bool: { "aws:SecureTransport": "true" } }))], action: "s3:GetObject", resource: "arn:aws:s3:::b/k", expect: "implicit-deny" },
  { name: "IpAddress inside the block", statements: [allow("*", "*", when({ IpAddress: { "aws:SourceIp": "203.0.113.0/24" } }))], action: "s3:GetObject", resource: "arn:aws:s3:::b/k", keys: { "aws:sourceip": "203.0.113.7" }, expect: "allow" },
  { name: "IpAddress outside the block", statements: [allow("*", "*", when({ IpAddress: { "aws:SourceIp": "203.0.113.0/24" } }))], action: "s3:GetObject", resource: "arn:aws:s3:::b/k", keys: { "aws:sourceip": "198.51.100.7" }, expect: "implicit-deny" },
  { name: "NotIpAddress denies outsiders", statements: [allow("*"), deny("*", "*", when({ NotIpAddress: { "aws:SourceIp": ["192.0.2.0/24", "127.0.0.1/32"] } }))], action: "s3:GetObject", resource: "arn:aws:s3:::b/k", keys: { "aws:sourceip": "127.0.0.1" }, expect: "allow" },
  { name: "IpAddress with IPv6", statements: [allow("*", "*", when({ IpAddress: { "aws:SourceIp": "2001:db8::/32" } }))], action: "s3:GetObject", resource: "arn:aws:s3:::b/k", keys: { "aws:sourceip": "2001:db8:1::7" }, expect: "allow" },
  { name: "ArnEquals", statements: [allow("*", "*", when({ ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::111122223333:user/alice" } }))], action: "s3:GetObject", resource: "arn:aws:s3:::b/k", expect: "allow" },
  { name: "ArnNotLike", statements: [allow("*"), deny("*", "*", when({ ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/Admin*" } }))], action: "s3:GetObject", resource: "arn:aws:s3:::b/k", expect: "explicit-deny" },
  { name: "Null true: key absent", statements: [allow("*", "*", when({ Null: { "s3:x-amz-server-side-encryption": "true" } }))], action: "s3:PutObject", resource: "arn:aws:s3:::b/k", expect: "allow" },
  { name: "Null false: key present", statements: [allow("*", "*", when({ Null: { "s3:x-amz-server-side-encryption": "false" } }))], action: "s3:PutObject", resource: "arn:aws:s3:::b/k", expect: "implicit-deny" },
  { name: "Null false with the key", statements: [allow("*", "*", when({ Null: { "s3:x-amz-server-side-encryption": "false" } }))], action: "s3:PutObject", resource: "arn:aws:s3:::b/k", keys: { "s3:x-amz-server-side-encryption": "AES256" }, expect: "allow" },
  // Multivalued keys.
  { name: "ForAllValues: every tag key allowed", statements: [allow("*", "*", when({ "ForAllValues:StringEquals": { "aws:TagKeys": ["env", "team"] } }))], action: "iam:TagUser", resource: "*", keys: { "aws:tagkeys": ["env"] }, expect: "allow" },
  { name: "ForAllValues: one tag key not allowed", statements: [allow("*", "*", when({ "ForAllValues:StringEquals": { "aws:TagKeys": ["env", "team"] } }))], action: "iam:TagUser", resource: "*", keys: { "aws:tagkeys": ["env", "cost"] }, expect: "implicit-deny" },
  { name: "ForAllValues: no keys is true", statements: [allow("*", "*", when({ "ForAllValues:StringEquals": { "aws:TagKeys": ["env"] } }))], action: "iam:TagUser", resource: "*", expect: "allow" },
  { name: "ForAnyValue: one matches", statements: [allow("*", "*", when({ "ForAnyValue:StringEquals": { "aws:TagKeys": ["env"] } }))], action: "iam:TagUser", resource: "*", keys: { "aws:tagkeys": ["cost", "env"] }, expect: "allow" },
  { name: "ForAnyValue: none matches", statements: [allow("*", "*", when({ "ForAnyValue:StringEquals": { "aws:TagKeys": ["env"] } }))], action: "iam:TagUser", resource: "*", keys: { "aws:tagkeys": ["cost"] }, expect: "implicit-deny" },
  // A set qualifier applies a negated operator to each request value (IAM User Guide, "Single-valued vs. multivalued context keys").
  { name: "ForAnyValue:StringNotEquals: one value outside the list", statements: [allow("*", "*", when({ "ForAnyValue:StringNotEquals": { "aws:TagKeys": ["DataClass", "Owner"] } }))], action: "iam:TagUser", resource: "*", keys: { "aws:tagkeys": ["Dept", "DataClass"] }, expect: "allow" },
  { name: "ForAnyValue:StringNotEquals: every value listed", statements: [allow("*", "*", when({ "ForAnyValue:StringNotEquals": { "aws:TagKeys": ["DataClass", "Owner"] } }))], action: "iam:TagUser", resource: "*", keys: { "aws:tagkeys": ["Owner", "DataClass"] }, expect: "implicit-deny" },
  { name: "ForAnyValue:StringNotLike denies a request with one unlisted tag", statements: [allow("*"), deny("iam:TagUser", "*", when({ "ForAnyValue:StringNotLike": { "aws:TagKeys": ["team-*"] } }))], action: "iam:TagUser", resource: "*", keys: { "aws:tagkeys": ["team-a", "cost"] }, expect: "explicit-deny" },
  { name: "ForAnyValue:StringNotEquals: no keys is false", statements: [allow("*", "*", when({ "ForAnyValue:StringNotEquals": { "aws:TagKeys": ["env"] } }))], action: "iam:TagUser", resource: "*", expect: "implicit-deny" },
  { name: "ForAnyValue: no keys is false", statements: [allow("*", "*", when({ "ForAnyValue:StringEquals": { "aws:TagKeys": ["env"] } }))], action: "iam:TagUser", resource: "*", expect: "implicit-deny" },
  // Resource-based policies and principals.
  { name: "public read: Principal * lets anonymous in", statements: [], principal: anonymous, action: "s3:GetObject", resource: "arn:aws:s3:::public/k", resourceStatements: [allow("s3:GetObject", "arn:aws:s3:::public/*", { Principal: "*" })], expect: "allow" },
  { name: "public read does not cover writes", statements: [], principal: anonymous, action: "s3:PutObject", resource: "arn:aws:s3:::public/k", resourceStatements: [allow("s3:GetObject", "arn:aws:s3:::public/*", { Principal: "*" })], expect: "implicit-deny" },
  { name: "resource policy naming the user allows without identity policy", statements: [], action: "s3:GetObject", resource: "arn:aws:s3:::b/k", resourceStatements: [allow("s3:GetObject", "arn:aws:s3:::b/*", { Principal: { AWS: "arn:aws:iam::111122223333:user/alice" } })], expect: "allow" },
  { name: "resource policy naming another user", statements: [], action: "s3:GetObject", resource: "arn:aws:s3:::b/k", resourceStatements: [allow("s3:GetObject", "arn:aws:s3:::b/*", { Principal: { AWS: "arn:aws:iam::111122223333:user/bob" } })], expect: "implicit-deny" },
  { name: "resource policy naming the account", statements: [], action: "s3:GetObject", resource: "arn:aws:s3:::b/k", resourceStatements: [allow("s3:GetObject", "arn:aws:s3:::b/*", { Principal: { AWS: "111122223333" } })], expect: "allow" },
  { name: "resource policy deny beats identity allow", statements: [allow("s3:*")], action: "s3:GetObject", resource: "arn:aws:s3:::b/k", resourceStatements: [deny("s3:GetObject", "arn:aws:s3:::b/*", { Principal: { AWS: "*" } })], expect: "explicit-deny" },
  { name: "NotPrincipal deny spares the named", statements: [allow("s3:*")], action: "s3:GetObject", resource: "arn:aws:s3:::b/k", resourceStatements: [deny("s3:*", "arn:aws:s3:::b/*", { NotPrincipal: { AWS: "arn:aws:iam::111122223333:user/alice" } })], expect: "allow" },
  { name: "NotPrincipal deny hits others", statements: [allow("s3:*")], principal: { ...alice, arn: "arn:aws:iam::111122223333:user/bob" }, action: "s3:GetObject", resource: "arn:aws:s3:::b/k", resourceStatements: [deny("s3:*", "arn:aws:s3:::b/*", { NotPrincipal: { AWS: "arn:aws:iam::111122223333:user/alice" } })], expect: "explicit-deny" },
];

describe("policy evaluation", () => {
  for (const c of CASES) {
    it(c.name, () => {
      const principal = c.principal ?? alice;
      const document = parsePolicy(JSON.stringify({ Version: "2012-10-17", Statement: c.statements.length ? c.statements : [deny("none:none", "arn:aws:none:::none")] }), "identity");
      const resource = c.resourceStatements ? [{ name: "bucket policy", document: parsePolicy(JSON.stringify({ Version: "2012-10-17", Statement: c.resourceStatements }), "resource") }] : [];
      const keys = globalContextKeys(principal, { now: new Date(), secure: false, region: "us-east-1" });
      for (const [k, v] of Object.entries(c.keys ?? {})) keys.set(k.toLowerCase(), v);
      const decision = evaluate({ principal, action: c.action, resource: c.resource, keys }, [{ name: "identity", document }], resource);
      assert.equal(decision.kind, c.expect);
    });
  }

  it("has at least 80 cases", () => assert.ok(CASES.length >= 80, `${CASES.length} cases`));
});

describe("role trust policies as resource policies", () => {
  const roleArn = "arn:aws:iam::111122223333:role/deploy";
  const trustOf = (statements: Statement[]) => [
    { name: "trust", document: parsePolicy(JSON.stringify({ Version: "2012-10-17", Statement: statements }), "trust"), accountDelegates: true },
  ];
  const identityOf = (statements: Statement[]) => [
    { name: "identity", document: parsePolicy(JSON.stringify({ Version: "2012-10-17", Statement: statements.length ? statements : [deny("none:none", "arn:aws:none:::none")] }), "identity") },
  ];
  const decide = (principal: Principal, identity: Statement[], trust: Statement[]) =>
    evaluate(
      { principal, action: "sts:AssumeRole", resource: roleArn, keys: globalContextKeys(principal, { now: new Date(), secure: false, region: "us-east-1" }) },
      identityOf(identity),
      trustOf(trust),
    ).kind;
  const trusting = (AWS: string) => ({ Effect: "Allow", Principal: { AWS }, Action: "sts:AssumeRole" });

  it("a trust policy naming the user's ARN allows without an identity policy", () => {
    assert.equal(decide(alice, [], [trusting(alice.arn)]), "allow");
  });
  it("a trust policy naming the account delegates: the user needs an identity policy", () => {
    assert.equal(decide(alice, [], [trusting("arn:aws:iam::111122223333:root")]), "implicit-deny");
    assert.equal(decide(alice, [], [trusting("111122223333")]), "implicit-deny");
    assert.equal(decide(alice, [allow("sts:AssumeRole", roleArn)], [trusting("111122223333")]), "allow");
  });
  it("the account's root is named by its account", () => {
    assert.equal(decide(root, [], [trusting("111122223333")]), "allow");
  });
  it("a deny naming the account still reaches its users", () => {
    const denyAccount = { Effect: "Deny", Principal: { AWS: "111122223333" }, Action: "sts:AssumeRole" };
    assert.equal(decide(alice, [allow("sts:AssumeRole")], [trusting(alice.arn), denyAccount]), "explicit-deny");
  });
});

describe("another account's resources", () => {
  const bob: Principal = { type: "user", accountId: "444455556666", arn: "arn:aws:iam::444455556666:user/bob", userId: "AIDABOB" };
  const bobRoot: Principal = { type: "root", accountId: "444455556666", arn: "arn:aws:iam::444455556666:root", userId: "444455556666" };
  const policyOf = (statements: Statement[], kind: "identity" | "resource") =>
    statements.length === 0 ? [] : [{ name: kind, document: parsePolicy(JSON.stringify({ Version: "2012-10-17", Statement: statements }), kind) }];
  const decide = (principal: Principal, identity: Statement[], bucketPolicy: Statement[], identityTrusted = false) => {
    const keys = globalContextKeys(principal, { now: new Date(), secure: false, region: "us-east-1" });
    const decision = evaluate({ principal, action: "s3:GetObject", resource: "arn:aws:s3:::theirs/k", keys }, policyOf(identity, "identity"), policyOf(bucketPolicy, "resource"), { crossAccount: true, identityTrusted });
    return decision.kind === "implicit-deny" ? `implicit-deny (${decision.missing})` : decision.kind;
  };
  const granting = (AWS: string) => allow("s3:GetObject", "arn:aws:s3:::theirs/*", { Principal: { AWS } });

  it("needs the resource's account to grant, whatever the caller's own policies allow", () => {
    assert.equal(decide(bob, [allow("s3:*")], []), "implicit-deny (resource)");
    assert.equal(decide(bobRoot, [], []), "implicit-deny (resource)");
    assert.equal(decide(bob, [], [], true), "implicit-deny (resource)");
  });
  it("needs the caller's account to allow too: an identity policy, or being its root", () => {
    assert.equal(decide(bob, [], [granting("444455556666")]), "implicit-deny (identity)");
    assert.equal(decide(bob, [], [granting(bob.arn)]), "implicit-deny (identity)");
    assert.equal(decide(bob, [allow("s3:GetObject")], [granting("444455556666")]), "allow");
    assert.equal(decide(bobRoot, [], [granting("arn:aws:iam::444455556666:root")]), "allow");
    assert.equal(decide(bob, [], [granting("444455556666")], true), "allow", "lenient mode takes the caller's account to allow");
  });
  it("lets a deny from either account win", () => {
    assert.equal(decide(bob, [allow("s3:*"), deny("s3:GetObject")], [granting("444455556666")]), "explicit-deny");
    assert.equal(decide(bobRoot, [], [granting("444455556666"), deny("s3:GetObject", "*", { Principal: "*" })]), "explicit-deny");
  });
  it("makes a trust policy naming the account its half of the grant", () => {
    const trust = [{ name: "trust", document: parsePolicy(JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "444455556666" }, Action: "sts:AssumeRole" }] }), "trust"), accountDelegates: true }];
    const assume = (identity: Statement[]) =>
      evaluate({ principal: bob, action: "sts:AssumeRole", resource: "arn:aws:iam::111122223333:role/deploy", keys: globalContextKeys(bob, { now: new Date(), secure: false, region: "us-east-1" }) }, policyOf(identity, "identity"), trust, { crossAccount: true }).kind;
    assert.equal(assume([allow("sts:AssumeRole")]), "allow");
    assert.equal(assume([]), "implicit-deny");
  });
});

describe("policy documents", () => {
  const malformed = (document: unknown, kind: "identity" | "resource" | "trust" = "identity") => {
    try {
      parsePolicy(typeof document === "string" ? document : JSON.stringify(document), kind);
    } catch (error) {
      assert.ok(error instanceof AwsError);
      assert.equal(error.code, "MalformedPolicyDocument");
      return error.message;
    }
    throw new Error("expected MalformedPolicyDocument");
  };
  it("refuses what IAM refuses, with IAM's messages", () => {
    assert.equal(malformed("{not json"), "Syntax errors in policy.");
    assert.equal(malformed({ Version: "2012-10-17", Statement: [{ Action: "s3:*", Resource: "*" }] }), "Syntax errors in policy.");
    assert.equal(malformed({ Version: "2012-10-17", Statement: [{ Action: "s3:*", Resource: "*" }] }, "resource"), "Missing required field Effect");
    assert.equal(malformed({ Version: "2012-10-17", Statement: [{ Effect: "invalid", Action: "s3:*", Resource: "*" }] }), "Syntax errors in policy.");
    assert.equal(malformed({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }], "Extra field": "value" }), "Syntax errors in policy.");
    assert.equal(malformed({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Resource: "*" }] }), "Policy statement must contain actions.");
    assert.equal(malformed({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*" }] }), "Policy statement must contain resources.");
    assert.equal(malformed({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3GetObject", Resource: "*" }] }), "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
    assert.equal(malformed({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:List:Bucket", Resource: "*" }] }), "Actions/Condition can contain only one colon.");
    assert.equal(malformed({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole", Resource: "*" }] }, "trust"), "Has prohibited field Resource");
    assert.equal(malformed({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:*", Resource: "*" }] }), "Policy document should not specify a principal.");
    assert.equal(malformed({ Version: "2020-01-01", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] }), "Syntax errors in policy.");
    assert.equal(malformed({ Version: "2020-01-01", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:*", Resource: "*" }] }, "resource"), "The policy failed legacy parsing");
    assert.equal(malformed({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] }, "resource"), "Missing required field Principal");
  });

  it("refuses condition operators outside the grammar, and values that are not text, numbers or booleans", () => {
    const withCondition = (Condition: unknown) => ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*", Condition }] });
    assert.equal(malformed(withCondition({ Foo: { "aws:SourceIp": "1.2.3.4" } }), "resource"), "Invalid Condition type : Foo");
    assert.equal(malformed(withCondition({ stringequals: { "aws:username": "a" } }), "resource"), "Invalid Condition type : stringequals");
    const trust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "111122223333" }, Action: "sts:AssumeRole", Condition: { Foo: { "aws:SourceIp": "1.2.3.4" } } }] };
    assert.equal(malformed(trust, "trust"), "Syntax errors in policy.");
    assert.equal(malformed(withCondition({ StringEquals: { "aws:username": { x: 1 } } }), "resource"), "Syntax errors in policy.");
    assert.equal(malformed(withCondition({ StringEquals: { "aws:username": [["a"]] } }), "resource"), "Syntax errors in policy.");
    // Set qualifiers and IfExists are part of an operator's name; numbers and booleans are values.
    const ok = parsePolicy(JSON.stringify(withCondition({ "ForAnyValue:StringLikeIfExists": { "aws:TagKeys": ["a*"] }, NumericLessThan: { "s3:max-keys": 10 }, Bool: { "aws:SecureTransport": false } })), "resource");
    assert.deepEqual(ok.statements[0]!.condition, { "ForAnyValue:StringLikeIfExists": { "aws:TagKeys": ["a*"] }, NumericLessThan: { "s3:max-keys": ["10"] }, Bool: { "aws:SecureTransport": ["false"] } });
  });

  it("keeps a condition on a key named __proto__, which no request has", () => {
    for (const kind of ["identity", "resource", "trust"] as const) {
      const statement = { Effect: "Allow", ...(kind === "identity" ? {} : { Principal: "*" }), Action: "sts:AssumeRole", ...(kind === "trust" ? {} : { Resource: "*" }), Condition: { StringEquals: { __proto__: "never" } } };
      const text = `{"Version":"2012-10-17","Statement":[${JSON.stringify(statement).replace('"Condition":{"StringEquals":{}}', '"Condition":{"StringEquals":{"__proto__":"never"}}')}]}`;
      const condition = parsePolicy(text, kind).statements[0]!.condition!;
      assert.deepEqual(Object.keys(condition.StringEquals!), ["__proto__"], kind);
      assert.equal(conditionsHold(condition, new Map()), false, kind);
    }
  });

  it("matches wildcards in time proportional to the lengths, however many stars a pattern holds", { timeout: 10_000 }, async () => {
    assert.ok(wildcardMatch("arn:aws:s3:::b/*", "arn:aws:s3:::b/a/b/c", false));
    assert.ok(!wildcardMatch("arn:aws:s3:::b/*", "arn:aws:s3:::c/a", false));
    assert.ok(wildcardMatch("a*b*c", "aXXbYYc", false));
    assert.ok(wildcardMatch("a*b*c", "abc", false));
    assert.ok(!wildcardMatch("a*b*c", "aXXbYY", false));
    assert.ok(wildcardMatch("a?c", "abc", false));
    assert.ok(!wildcardMatch("a?c", "ac", false));
    assert.ok(wildcardMatch("*a", "aaa", false));
    assert.ok(wildcardMatch("a**", "a", false));
    assert.ok(wildcardMatch("line*", "line\nbreak", false));
    assert.ok(wildcardMatch("ABC*", "abcdef", true));
    assert.ok(!wildcardMatch("ABC*", "abcdef", false));
    // `${*}` and `${?}` stand for the characters themselves.
    const literalStar = substituteVariables("a${*}c", () => undefined)!;
    assert.ok(wildcardMatch(literalStar, "a*c", false));
    assert.ok(!wildcardMatch(literalStar, "abc", false));
    // A backtracking matcher takes exponential time here.
    assert.ok(!wildcardMatch(`${"*".repeat(40)}x`, "a".repeat(20_000), false));
    assert.ok(wildcardMatch(`${"*a".repeat(40)}`, "a".repeat(20_000), false));
    // A synchronous test settles before its timer can fire, however long it ran: let the timer have its turn.
    await new Promise((resolve) => setTimeout(resolve, 0));
  });

  it("reads a policy variable's default in time proportional to its length", { timeout: 2_000 }, async () => {
    assert.equal(substituteVariables("${aws:username, 'guest'}/x", () => undefined), "guest/x");
    assert.equal(substituteVariables("${ aws:username ,'guest' }", (key) => (key === "aws:username" ? "alice" : undefined)), "alice");
    assert.equal(substituteVariables("${aws:username,''}", () => undefined), "");
    assert.equal(substituteVariables("${aws:username 'guest'}", () => undefined), undefined);
    // A stored policy's long run of spaces: a backtracking read took seconds, the server blocked meanwhile.
    assert.equal(substituteVariables(`\${${" ".repeat(60_000)}x}`, () => undefined), undefined);
    // A synchronous hang ends before the test's timer can fire: let the timer have its turn.
    await new Promise((resolve) => setTimeout(resolve, 0));
  });

  it("matches CIDR blocks", () => {
    assert.ok(inCidr("10.1.2.3", "10.0.0.0/8"));
    assert.ok(!inCidr("11.1.2.3", "10.0.0.0/8"));
    assert.ok(inCidr("::1", "::1/128"));
    assert.ok(!inCidr("10.1.2.3", "2001:db8::/32"));
  });
});
