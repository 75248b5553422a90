/**
 * The policy simulator through the AWS SDK: SimulatePrincipalPolicy over a
 * user's own and its groups' policies, SimulateCustomPolicy over policies
 * given as text, decided by the engine strict mode enforces with.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  CreateGroupCommand,
  CreateUserCommand,
  GetContextKeysForCustomPolicyCommand,
  GetContextKeysForPrincipalPolicyCommand,
  IAMClient,
  PutUserPolicyCommand,
  SimulateCustomPolicyCommand,
  SimulatePrincipalPolicyCommand,
} from "@aws-sdk/client-iam";
import { cloudFor, rejectsWith } from "../support/nimbus.js";

/** Laid out as the AWS CLI's example (its statement opens at line 3, column 19). */
const CODECOMMIT_POLICY = `{
    "Version": "2012-10-17",
    "Statement": [{
            "Sid": "ListRepositories",
            "Effect": "Allow",
            "Action": "codecommit:ListRepositories",
            "Resource": "*"
        }
    ]
}`;

const policy = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });

describe("IAM policy simulator", () => {
  const cloud = cloudFor((config) => new IAMClient(config));

  it("simulates a user's inline policies and its groups' attached ones", async () => {
    await cloud.client.send(new CreateUserCommand({ UserName: "alejandro" }));
    await cloud.client.send(new PutUserPolicyCommand({ UserName: "alejandro", PolicyName: "Grant-Access-To-CodeCommit-ListRepo", PolicyDocument: CODECOMMIT_POLICY }));
    await cloud.client.send(new CreateGroupCommand({ GroupName: "readers" }));
    await cloud.client.send(new AttachGroupPolicyCommand({ GroupName: "readers", PolicyArn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" }));
    await cloud.client.send(new AddUserToGroupCommand({ GroupName: "readers", UserName: "alejandro" }));

    const { EvaluationResults, IsTruncated } = await cloud.client.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: "arn:aws:iam::000000000000:user/alejandro",
        ActionNames: ["codecommit:ListRepositories", "s3:GetObject", "s3:PutObject"],
      }),
    );
    assert.equal(IsTruncated, false);
    assert.deepEqual(
      EvaluationResults?.map((r) => [r.EvalActionName, r.EvalResourceName, r.EvalDecision, r.MissingContextValues]),
      [
        ["codecommit:ListRepositories", "*", "allowed", []],
        ["s3:GetObject", "*", "allowed", []],
        ["s3:PutObject", "*", "implicitDeny", []],
      ],
    );
    assert.deepEqual(EvaluationResults?.[0]?.MatchedStatements, [
      { SourcePolicyId: "Grant-Access-To-CodeCommit-ListRepo", SourcePolicyType: "user", StartPosition: { Line: 3, Column: 19 }, EndPosition: { Line: 8, Column: 10 } },
    ]);
    assert.deepEqual(
      EvaluationResults?.[1]?.MatchedStatements?.map((s) => [s.SourcePolicyId, s.SourcePolicyType]),
      [["AmazonS3ReadOnlyAccess", "aws-managed"]],
    );
    assert.deepEqual(EvaluationResults?.[2]?.MatchedStatements, []);

    const missing = await rejectsWith(
      cloud.client.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: "arn:aws:iam::000000000000:user/nobody", ActionNames: ["s3:GetObject"] })),
      "NoSuchEntityException",
      404,
    );
    assert.equal(missing.message, "The user with name nobody cannot be found.");
  });

  it("simulates policies given as text: denies, resources, context keys and a permissions boundary", async () => {
    const allowBucket = policy(
      { Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::lab/*" },
      { Effect: "Deny", Action: "s3:DeleteObject", Resource: "*" },
      { Effect: "Allow", Action: "dynamodb:CreateBackup", Resource: "*", Condition: { DateGreaterThan: { "aws:CurrentTime": "2026-01-01T00:00:00Z" } } },
    );
    const simulate = (input: Partial<ConstructorParameters<typeof SimulateCustomPolicyCommand>[0]>) =>
      cloud.client.send(new SimulateCustomPolicyCommand({ PolicyInputList: [allowBucket], ActionNames: [], ...input }));

    const onResources = await simulate({ ActionNames: ["s3:GetObject", "s3:DeleteObject"], ResourceArns: ["arn:aws:s3:::lab/a.txt", "arn:aws:s3:::other/a.txt"] });
    assert.deepEqual(
      onResources.EvaluationResults?.map((r) => [r.EvalActionName, r.EvalResourceName, r.EvalDecision, r.MatchedStatements?.map((s) => s.SourcePolicyId)]),
      [
        ["s3:GetObject", "arn:aws:s3:::lab/a.txt", "allowed", ["PolicyInputList.1"]],
        ["s3:GetObject", "arn:aws:s3:::other/a.txt", "implicitDeny", []],
        ["s3:DeleteObject", "arn:aws:s3:::lab/a.txt", "explicitDeny", ["PolicyInputList.1"]],
        ["s3:DeleteObject", "arn:aws:s3:::other/a.txt", "explicitDeny", ["PolicyInputList.1"]],
      ],
    );

    const [named] = onResources.EvaluationResults!;
    assert.deepEqual(named?.MissingContextValues, [], "with ResourceArns, told per resource");
    assert.deepEqual(
      named?.ResourceSpecificResults?.map((r) => [r.EvalResourceName, r.EvalResourceDecision, r.MatchedStatements?.length, r.MissingContextValues]),
      [["arn:aws:s3:::lab/a.txt", "allowed", 1, []]],
    );

    const refused: [Promise<unknown>, string][] = [
      [simulate({ ActionNames: ["s3:GetObject"], ResourcePolicy: allowBucket.replace('"Effect"', '"Principal":"*","Effect"') }), "CallerArn"],
      [simulate({ ActionNames: ["s3:GetObject"], CallerArn: "arn:aws:iam::000000000000:role/r" }), "CallerArn"],
      [simulate({ ActionNames: ["s3:GetObject"], PermissionsBoundaryPolicyInputList: [allowBucket, allowBucket] }), "permissions boundary"],
    ];
    for (const [call, mention] of refused) assert.match((await rejectsWith(call, "InvalidInputException", 400)).message, new RegExp(mention));

    const unknownTime = await simulate({ ActionNames: ["dynamodb:CreateBackup"] });
    assert.deepEqual(unknownTime.EvaluationResults?.map((r) => [r.EvalDecision, r.MissingContextValues]), [["implicitDeny", ["aws:CurrentTime"]]]);
    const later = await simulate({
      ActionNames: ["dynamodb:CreateBackup"],
      ContextEntries: [{ ContextKeyName: "aws:CurrentTime", ContextKeyValues: ["2026-06-01T00:00:00Z"], ContextKeyType: "date" }],
    });
    assert.deepEqual(later.EvaluationResults?.map((r) => [r.EvalDecision, r.MissingContextValues]), [["allowed", []]]);

    const bounded = await simulate({
      ActionNames: ["s3:GetObject", "s3:PutObject"],
      ResourceArns: ["arn:aws:s3:::lab/a.txt"],
      PermissionsBoundaryPolicyInputList: [policy({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" })],
    });
    assert.deepEqual(
      bounded.EvaluationResults?.map((r) => [r.EvalActionName, r.EvalDecision, r.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary]),
      [
        ["s3:GetObject", "allowed", true],
        ["s3:PutObject", "implicitDeny", false],
      ],
    );

    // A boundary caps identity policies, not what a resource policy grants the caller, whether identity policies allow it too or not.
    const caller = "arn:aws:iam::000000000000:user/simulation-caller";
    const grantedByBucket = await simulate({
      ActionNames: ["s3:GetObject"],
      ResourceArns: ["arn:aws:s3:::lab/a.txt"],
      CallerArn: caller,
      ResourcePolicy: policy({ Effect: "Allow", Principal: { AWS: caller }, Action: "s3:GetObject", Resource: "arn:aws:s3:::lab/*" }),
      PermissionsBoundaryPolicyInputList: [policy({ Effect: "Allow", Action: "s3:ListBucket", Resource: "*" })],
    });
    assert.deepEqual(
      grantedByBucket.EvaluationResults?.map((r) => [r.EvalDecision, r.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary]),
      [["allowed", false]],
    );

    const paged = await simulate({ ActionNames: ["s3:GetObject", "s3:PutObject", "s3:ListBucket"], MaxItems: 2 });
    assert.deepEqual([paged.EvaluationResults?.length, paged.IsTruncated], [2, true]);
    const rest = await simulate({ ActionNames: ["s3:GetObject", "s3:PutObject", "s3:ListBucket"], MaxItems: 2, Marker: paged.Marker });
    assert.deepEqual([rest.EvaluationResults?.map((r) => r.EvalActionName), rest.IsTruncated], [["s3:ListBucket"], false]);

    await rejectsWith(simulate({ PolicyInputList: ["{not json"], ActionNames: ["s3:GetObject"] }), "InvalidInputException", 400);
  });

  it("lists the condition keys the policies use", async () => {
    const conditioned = policy(
      { Effect: "Allow", Action: "s3:GetObject", Resource: "*", Condition: { StringEquals: { "s3:prefix": "home/", "aws:SourceIp": "10.0.0.1" } } },
      { Effect: "Deny", Action: "*", Resource: "*", Condition: { Bool: { "aws:MultiFactorAuthPresent": "false" }, IpAddress: { "AWS:SourceIp": "10.0.0.0/8" } } },
    );
    const custom = await cloud.client.send(new GetContextKeysForCustomPolicyCommand({ PolicyInputList: [conditioned] }));
    assert.deepEqual(custom.ContextKeyNames, ["s3:prefix", "aws:SourceIp", "aws:MultiFactorAuthPresent"]);
    await cloud.client.send(new CreateUserCommand({ UserName: "keyed" }));
    await cloud.client.send(new PutUserPolicyCommand({ UserName: "keyed", PolicyName: "p", PolicyDocument: conditioned }));
    const principal = await cloud.client.send(new GetContextKeysForPrincipalPolicyCommand({ PolicySourceArn: "arn:aws:iam::000000000000:user/keyed" }));
    assert.deepEqual(principal.ContextKeyNames, ["s3:prefix", "aws:SourceIp", "aws:MultiFactorAuthPresent"]);
  });
});
