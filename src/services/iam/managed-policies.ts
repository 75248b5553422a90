/**
 * AWS managed policies every account can attach, the ones tutorials and
 * templates reach for most, with AWS's descriptions and the documents AWS
 * publishes (abridged to the statements that matter locally).
 */
import type { ManagedPolicyRecord } from "./store.js";

const CREATED = Date.UTC(2015, 1, 6, 18, 39, 46);

interface ManagedPolicySpec {
  name: string;
  path?: string;
  id: string;
  description: string;
  statements: object[];
  /** AWS's current default version, where the policy has been revised. */
  version?: string;
}

function managed({ name, path = "/", id, description, statements, version = "v1" }: ManagedPolicySpec): ManagedPolicyRecord {
  const document = JSON.stringify({ Version: "2012-10-17", Statement: statements });
  return {
    arn: `arn:aws:iam::aws:policy${path}${name}`,
    accountId: "aws",
    policyName: name,
    policyId: id,
    path,
    description,
    createdAt: CREATED,
    updatedAt: CREATED,
    defaultVersionId: version,
    versions: [{ versionId: version, document, createdAt: CREATED }],
    nextVersion: Number(version.slice(1)) + 1,
    attachmentCount: 0,
    tags: [],
  };
}

const LOGS = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"];
const allow = (Action: string | string[], Resource: string | string[] = "*") => ({ Effect: "Allow", Action, Resource });

const POLICIES: ManagedPolicyRecord[] = [
  managed({ name: "AdministratorAccess", id: "ANPAIWMBCKSKIEE64ZLYK", description: "Provides full access to AWS services and resources.", statements: [allow("*")] }),
  managed({
    name: "PowerUserAccess",
    id: "ANPAJYRXTHIB4FOVS3ZXS",
    description: "Provides full access to AWS services and resources, but does not allow management of Users and groups.",
    statements: [
      { Effect: "Allow", NotAction: ["iam:*", "organizations:*", "account:*"], Resource: "*" },
      allow(["iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:ListRoles", "organizations:DescribeOrganization", "account:ListRegions", "account:GetAccountInformation"]),
    ],
  }),
  managed({
    name: "ReadOnlyAccess",
    id: "ANPAILL3HVNFSB6DCOWYQ",
    description: "Provides read-only access to AWS services and resources.",
    statements: [allow(["s3:Get*", "s3:List*", "dynamodb:Describe*", "dynamodb:Get*", "dynamodb:List*", "dynamodb:Query", "dynamodb:Scan", "dynamodb:BatchGetItem", "iam:Get*", "iam:List*", "lambda:Get*", "lambda:List*", "sts:GetCallerIdentity"])],
  }),
  managed({ name: "AmazonS3FullAccess", id: "ANPAIFIR6V6BVTRAHWINE", description: "Provides full access to all buckets via the AWS Management Console.", statements: [allow(["s3:*", "s3-object-lambda:*"])] }),
  managed({
    name: "AmazonS3ReadOnlyAccess",
    id: "ANPAIZTJ4DXE7G6AGAE6M",
    description: "Provides read only access to all buckets via the AWS Management Console.",
    statements: [allow(["s3:Get*", "s3:List*", "s3:Describe*", "s3-object-lambda:Get*", "s3-object-lambda:List*"])],
  }),
  managed({ name: "AmazonDynamoDBFullAccess", id: "ANPAINUGF2JSOSUY76KYA", description: "Provides full access to Amazon DynamoDB via the AWS Management Console.", statements: [allow(["dynamodb:*"])] }),
  managed({
    name: "AmazonDynamoDBReadOnlyAccess",
    id: "ANPAIY2XFNA232XJ6J7X2",
    description: "Provides read only access to Amazon DynamoDB via the AWS Management Console.",
    statements: [allow(["dynamodb:BatchGetItem", "dynamodb:Describe*", "dynamodb:List*", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:PartiQLSelect", "dynamodb:GetRecords", "dynamodb:GetShardIterator"])],
  }),
  managed({ name: "IAMFullAccess", id: "ANPAI7XKCFMBPM3QQRRVQ", description: "Provides full access to IAM via the AWS Management Console.", statements: [allow(["iam:*", "organizations:DescribeAccount", "organizations:DescribeOrganization", "organizations:DescribeOrganizationalUnit", "organizations:DescribePolicy", "organizations:ListChildren", "organizations:ListParents", "organizations:ListPoliciesForTarget", "organizations:ListRoots", "organizations:ListPolicies", "organizations:ListTargetsForPolicy"])] }),
  managed({
    name: "IAMReadOnlyAccess",
    id: "ANPAJKSO7NDY4T57MWDSQ",
    description: "Provides read only access to IAM via the AWS Management Console.",
    statements: [allow(["iam:GenerateCredentialReport", "iam:GenerateServiceLastAccessedDetails", "iam:Get*", "iam:List*", "iam:SimulateCustomPolicy", "iam:SimulatePrincipalPolicy"])],
  }),
  managed({
    name: "IAMUserChangePassword",
    id: "ANPAJ4L4MM2A7QIEB56MS",
    description: "Provides the ability for an IAM user to change their own password.",
    version: "v5",
    statements: [allow(["iam:ChangePassword"], ["arn:aws:iam::*:user/${aws:username}"]), allow(["iam:GetAccountPasswordPolicy"])],
  }),
  managed({
    name: "AWSLambda_FullAccess",
    id: "ANPAZKAPJZG4JYK7DL3XE",
    description: "Grants full access to AWS Lambda service, AWS Lambda console features, and other related AWS services.",
    statements: [allow(["lambda:*", "logs:*", "iam:PassRole", "iam:GetRole", "iam:ListRoles", "s3:GetObject", "s3:ListBucket"])],
  }),
  managed({
    name: "AWSLambdaExecute",
    id: "ANPAJE5FX7FQZSU5XAKGO",
    description: "Provides Put, Get access to S3 and full access to CloudWatch Logs.",
    version: "v4",
    statements: [allow("logs:*", "arn:aws:logs:*:*:*"), allow(["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::*")],
  }),
  managed({ name: "AWSLambdaBasicExecutionRole", path: "/service-role/", id: "ANPAJNCQGXC42545SKXIK", description: "Provides write permissions to CloudWatch Logs.", statements: [allow(LOGS)] }),
  managed({
    name: "AWSLambdaDynamoDBExecutionRole",
    path: "/service-role/",
    id: "ANPAIP7WNAGMIPYNW4WQG",
    description: "Provides list and read access to DynamoDB streams and write permissions to CloudWatch logs.",
    statements: [allow(["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams", ...LOGS])],
  }),
  managed({
    name: "AWSLambdaSQSQueueExecutionRole",
    path: "/service-role/",
    id: "ANPAJFWJZI6JNND4TSELK",
    description: "Provides receive message, delete message, and read attribute access to SQS queues, and write permissions to CloudWatch logs.",
    statements: [allow(["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", ...LOGS])],
  }),
  managed({
    name: "AWSLambdaKinesisExecutionRole",
    path: "/service-role/",
    id: "ANPAJHOLKJPXV4GBRMJUQ",
    description: "Provides list and read access to Kinesis streams and write permissions to CloudWatch logs.",
    statements: [allow(["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards", "kinesis:ListStreams", "kinesis:SubscribeToShard", ...LOGS])],
  }),
  managed({
    name: "AWSLambdaVPCAccessExecutionRole",
    path: "/service-role/",
    id: "ANPAJVTME3YLVNL72YR2K",
    description: "Provides minimum permissions for a Lambda function to execute while accessing a resource within a VPC - create, describe, delete network interfaces and write permissions to CloudWatch Logs.",
    statements: [allow([...LOGS, "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"])],
  }),
  managed({
    name: "AmazonElasticMapReduceforEC2Role",
    path: "/service-role/",
    id: "ANPAIGALS5RCDLZLB3PGS",
    description: "Default policy for the Amazon Elastic MapReduce for EC2 service role.",
    version: "v3",
    statements: [
      allow([
        "cloudwatch:*", "dynamodb:*", "ec2:Describe*", "elasticmapreduce:Describe*", "elasticmapreduce:ListBootstrapActions", "elasticmapreduce:ListClusters",
        "elasticmapreduce:ListInstanceGroups", "elasticmapreduce:ListInstances", "elasticmapreduce:ListSteps", "kinesis:CreateStream", "kinesis:DeleteStream",
        "kinesis:DescribeStream", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:MergeShards", "kinesis:PutRecord", "kinesis:SplitShard",
        "rds:Describe*", "s3:*", "sdb:*", "sns:*", "sqs:*", "glue:CreateDatabase", "glue:UpdateDatabase", "glue:DeleteDatabase", "glue:GetDatabase",
        "glue:GetDatabases", "glue:CreateTable", "glue:UpdateTable", "glue:DeleteTable", "glue:GetTable", "glue:GetTables", "glue:GetTableVersions",
        "glue:CreatePartition", "glue:BatchCreatePartition", "glue:UpdatePartition", "glue:DeletePartition", "glue:BatchDeletePartition", "glue:GetPartition",
        "glue:GetPartitions", "glue:BatchGetPartition", "glue:CreateUserDefinedFunction", "glue:UpdateUserDefinedFunction", "glue:DeleteUserDefinedFunction",
        "glue:GetUserDefinedFunction", "glue:GetUserDefinedFunctions",
      ]),
    ],
  }),
  managed({ name: "CloudWatchLogsFullAccess", id: "ANPAIAYWDAX5D4GBJ3RHI", description: "Provides full access to CloudWatch Logs", statements: [allow(["logs:*", "cloudwatch:GenerateQuery"])] }),
  managed({ name: "AmazonSQSFullAccess", id: "ANPAI65L554VRJ33ECQS6", description: "Provides full access to Amazon SQS via the AWS Management Console.", statements: [allow(["sqs:*"])] }),
  managed({ name: "AmazonSNSFullAccess", id: "ANPAJWEKLCXXUNT2SOLSG", description: "Provides full access to Amazon SNS via the AWS Management Console.", statements: [allow(["sns:*"])] }),
  managed({ name: "AmazonAPIGatewayInvokeFullAccess", id: "ANPAIIIAAWVKKXMKAD5T4", description: "Provides full access to invoke APIs in Amazon API Gateway.", statements: [allow(["execute-api:Invoke", "execute-api:ManageConnections"], "arn:aws:execute-api:*:*:*")] }),
  managed({
    name: "AWSXrayWriteOnlyAccess",
    id: "ANPAIAACM4LMYSRGBCTM6",
    description: "AWS X-Ray write only managed policy",
    statements: [allow(["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:GetSamplingStatisticSummaries"])],
  }),
];

const BY_ARN = new Map(POLICIES.map((p) => [p.arn, p]));

export function awsManagedPolicy(arn: string): ManagedPolicyRecord | undefined {
  return BY_ARN.get(arn);
}

export function awsManagedPolicies(): readonly ManagedPolicyRecord[] {
  return POLICIES;
}
