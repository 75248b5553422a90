/**
 * AWS managed policies every account can attach, with the documents AWS
 * publishes (abridged to the statements that matter locally).
 */
import type { ManagedPolicyRecord } from "./store.js";

const CREATED = Date.UTC(2015, 1, 6, 18, 39, 46);

function managed(name: string, path: string, statements: object[], id: string): ManagedPolicyRecord {
  const document = JSON.stringify({ Version: "2012-10-17", Statement: statements });
  return {
    arn: `arn:aws:iam::aws:policy${path}${name}`,
    accountId: "aws",
    policyName: name,
    policyId: id,
    path,
    createdAt: CREATED,
    updatedAt: CREATED,
    defaultVersionId: "v1",
    versions: [{ versionId: "v1", document, createdAt: CREATED }],
    nextVersion: 2,
    attachmentCount: 0,
    tags: [],
  };
}

const POLICIES: ManagedPolicyRecord[] = [
  managed("AdministratorAccess", "/", [{ Effect: "Allow", Action: "*", Resource: "*" }], "ANPAIWMBCKSKIEE64ZLYK"),
  managed("ReadOnlyAccess", "/", [{ Effect: "Allow", Action: ["s3:Get*", "s3:List*", "dynamodb:Describe*", "dynamodb:Get*", "dynamodb:List*", "dynamodb:Query", "dynamodb:Scan", "dynamodb:BatchGetItem", "iam:Get*", "iam:List*", "lambda:Get*", "lambda:List*", "sts:GetCallerIdentity"], Resource: "*" }], "ANPAILL3HVNFSB6DCOWYQ"),
  managed("AmazonS3FullAccess", "/", [{ Effect: "Allow", Action: ["s3:*", "s3-object-lambda:*"], Resource: "*" }], "ANPAIFIR6V6BVTRAHWINE"),
  managed("AmazonS3ReadOnlyAccess", "/", [{ Effect: "Allow", Action: ["s3:Get*", "s3:List*", "s3:Describe*", "s3-object-lambda:Get*", "s3-object-lambda:List*"], Resource: "*" }], "ANPAIZTJ4DXE7G6AGAE6M"),
  managed("AmazonDynamoDBFullAccess", "/", [{ Effect: "Allow", Action: ["dynamodb:*"], Resource: "*" }], "ANPAINUGF2JSOSUY76KYA"),
  managed("AWSLambda_FullAccess", "/", [{ Effect: "Allow", Action: ["lambda:*", "logs:*", "iam:PassRole", "iam:GetRole", "iam:ListRoles", "s3:GetObject", "s3:ListBucket"], Resource: "*" }], "ANPAZKAPJZG4JYK7DL3XE"),
  managed("AWSLambdaBasicExecutionRole", "/service-role/", [{ Effect: "Allow", Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], Resource: "*" }], "ANPAJNCQGXC42545SKXIK"),
  managed("IAMFullAccess", "/", [{ Effect: "Allow", Action: ["iam:*", "organizations:DescribeAccount", "organizations:DescribeOrganization", "organizations:DescribeOrganizationalUnit", "organizations:DescribePolicy", "organizations:ListChildren", "organizations:ListParents", "organizations:ListPoliciesForTarget", "organizations:ListRoots", "organizations:ListPolicies", "organizations:ListTargetsForPolicy"], Resource: "*" }], "ANPAI7XKCFMBPM3QQRRVQ"),
];

const BY_ARN = new Map(POLICIES.map((p) => [p.arn, p]));

export function awsManagedPolicy(arn: string): ManagedPolicyRecord | undefined {
  return BY_ARN.get(arn);
}

export function awsManagedPolicies(): readonly ManagedPolicyRecord[] {
  return POLICIES;
}
