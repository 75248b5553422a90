/**
 * Resource-based policies of tables and streams through the AWS SDK: the
 * revisions and canonical documents DynamoDB answers, its words for every
 * ARN and document it refuses (as measured against AWS, and as moto's
 * AWS-verified tests assert), and the policies at work: another account
 * reaching a table by its ARN only where the table's policy grants it, and
 * a user of the table's own account granted by the policy alone (strict
 * mode).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CreateTableCommand,
  DeleteResourcePolicyCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ExecuteStatementCommand,
  GetItemCommand,
  GetResourcePolicyCommand,
  PutItemCommand,
  PutResourcePolicyCommand,
  QueryCommand,
  UpdateTableCommand,
} from "@aws-sdk/client-dynamodb";
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from "@aws-sdk/client-iam";
import { DescribeStreamCommand, DynamoDBStreamsClient, GetShardIteratorCommand } from "@aws-sdk/client-dynamodb-streams";
import { stringKeyedTable } from "../support/dynamodb.js";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";

const ACCOUNT = "000000000000";
const OTHER = "222233334444";
const arnOf = (table: string, account = ACCOUNT) => `arn:aws:dynamodb:us-east-1:${account}:table/${table}`;
const policy = (statements: object[], version: string | undefined = "2012-10-17") => JSON.stringify({ ...(version ? { Version: version } : {}), Statement: statements });
const allow = (principal: string, action: string | string[], resource: string | string[]) => ({ Effect: "Allow", Principal: { AWS: principal }, Action: action, Resource: resource });

describe("DynamoDB resource-based policies", () => {
  let t: TestCloud;
  let ddb: DynamoDBClient;
  before(async () => {
    t = await startCloud({ inMemory: true });
    ddb = new DynamoDBClient(t.cloud.clientConfig);
  });
  after(async () => {
    ddb.destroy();
    await t.stop();
  });

  it("keeps a table's policy in canonical form, its revision the time of its last change", async () => {
    await ddb.send(new CreateTableCommand(stringKeyedTable("policed")));
    const arn = arnOf("policed");
    const missing = await rejectsWith(ddb.send(new GetResourcePolicyCommand({ ResourceArn: arn })), "PolicyNotFoundException", 400);
    assert.equal(missing.message, `Resource-based policy not found for the provided ResourceArn: ${arn}`);
    assert.deepEqual(Object.keys(await ddb.send(new DeleteResourcePolicyCommand({ ResourceArn: arn }))).filter((k) => k !== "$metadata"), []);

    const sent = {
      Statement: [{ Resource: [arn], Action: ["dynamodb:GetItem"], Principal: { AWS: [OTHER] }, Effect: "allow", Sid: "Reader" }],
    };
    const { RevisionId: first } = await ddb.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: JSON.stringify(sent, null, 2) }));
    assert.match(first!, /^\d{13}$/);
    const read = await ddb.send(new GetResourcePolicyCommand({ ResourceArn: arn }));
    assert.equal(read.RevisionId, first);
    assert.equal(read.Policy, `{"Version":"2008-10-17","Statement":[{"Sid":"Reader","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::${OTHER}:root"},"Action":"dynamodb:GetItem","Resource":"${arn}"}]}`);
    // The same document, however written, is no change.
    assert.equal((await ddb.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: JSON.stringify(sent) }))).RevisionId, first);

    const { RevisionId: second } = await ddb.send(
      new PutResourcePolicyCommand({ ResourceArn: arn, Policy: policy([allow(OTHER, ["dynamodb:GetItem", "dynamodb:Query"], arn)]), ExpectedRevisionId: first }),
    );
    assert.ok(Number(second) > Number(first));
    const stale = await rejectsWith(ddb.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: policy([allow(OTHER, "dynamodb:Scan", arn)]), ExpectedRevisionId: first })), "PolicyNotFoundException", 400);
    assert.equal(stale.message, `Resource-based policy not found for the provided ResourceArn: Requested update for policy with revision id ${first}, but the policy associated to target table policed has revision id ${second}.`);
    const expectingNone = await rejectsWith(ddb.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: policy([allow(OTHER, "dynamodb:Scan", arn)]), ExpectedRevisionId: "NO_POLICY" })), "PolicyNotFoundException", 400);
    assert.equal(expectingNone.message, `Resource-based policy not found for the provided ResourceArn: Requested policy update expecting none to be present for table policed, but a policy exists with revision id ${second}.`);
    await rejectsWith(ddb.send(new DeleteResourcePolicyCommand({ ResourceArn: arn, ExpectedRevisionId: "unknown" })), "PolicyNotFoundException", 400);

    assert.equal((await ddb.send(new DeleteResourcePolicyCommand({ ResourceArn: arn, ExpectedRevisionId: second }))).RevisionId, second);
    await rejectsWith(ddb.send(new GetResourcePolicyCommand({ ResourceArn: arn })), "PolicyNotFoundException", 400);
    const fresh = await ddb.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: policy([allow(OTHER, "dynamodb:GetItem", arn)]), ExpectedRevisionId: "NO_POLICY" }));
    assert.ok(Number(fresh.RevisionId) > Number(second));
  });

  it("refuses ARNs and documents as DynamoDB does", async () => {
    await ddb.send(new CreateTableCommand({ ...stringKeyedTable("strict-doc"), StreamSpecification: { StreamEnabled: true, StreamViewType: "KEYS_ONLY" } }));
    const arn = arnOf("strict-doc");
    const put = (ResourceArn: string, Policy = policy([allow(OTHER, "dynamodb:GetItem", arn)])) => ddb.send(new PutResourcePolicyCommand({ ResourceArn, Policy }));
    const refusals: [() => Promise<unknown>, string, string][] = [
      [() => put("strict-doc"), "ValidationException", "One or more parameter values were invalid: ARNs must start with 'arn:': strict-doc"],
      [() => put(arnOf("no-such-table")), "ResourceNotFoundException", "Requested resource not found: Table: no-such-table not found"],
      [() => put(arnOf("strict-doc", OTHER)), "ValidationException", "This action is only supported by accounts that match the resource owner\u2019s account."],
      [() => put(arn.replace("us-east-1", "eu-west-1")), "ValidationException", `One or more parameter values were invalid: Invalid resource Arn: ${arn.replace("us-east-1", "eu-west-1")}`],
      [() => put(`${arn}/index/by-x`), "ValidationException", `One or more parameter values were invalid: Invalid resource arn provided, only table or stream is accepted. Provided resource arn: ${arn}/index/by-x`],
      [() => put(`${arn}/backup/01700000000000-abcdefgh`), "ValidationException", `One or more parameter values were invalid: Provided Arn is not a DynamoDB resource arn: ${arn}/backup/01700000000000-abcdefgh`],
      [() => ddb.send(new GetResourcePolicyCommand({ ResourceArn: `${arn}/stream/2000-01-01T00:00:00.000` })), "ResourceNotFoundException", "Requested resource not found: Stream: 2000-01-01T00:00:00.000 not found for Table: strict-doc"],
      [() => put(arn, "{not json"), "ValidationException", "One or more parameter values were invalid: Invalid policy document: This policy contains invalid Json"],
      [() => put(arn, policy([])), "ValidationException", "One or more parameter values were invalid: Invalid policy document: Could not parse the policy: Statement is empty!"],
      [() => put(arn, policy([{ Effect: "Allow", Principal: { AWS: OTHER }, Action: "dynamodb:GetItem" }])), "ValidationException", "One or more parameter values were invalid: Invalid policy document: Missing required field Resource"],
      [() => put(arn, policy([{ ...allow(OTHER, "dynamodb:GetItem", arn), Sid: "a" }, { ...allow(OTHER, "dynamodb:Query", arn), Sid: "a" }])), "ValidationException", "One or more parameter values were invalid: Invalid policy document: The Statement Ids in the policy are not unique"],
      [() => put(arn, policy([allow(OTHER, ["dynamodb:GetRecords", "dynamodb:DescribeStream"], "*")])), "ValidationException", 'One or more parameter values were invalid: Invalid policy document: The following action names are invalid: "dynamodb:GetRecords", "dynamodb:DescribeStream"'],
      [() => put(arn, policy([allow(`arn:aws:iam::${ACCOUNT}:role/nobody`, "dynamodb:GetItem", arn)])), "ValidationException", "One or more parameter values were invalid: Invalid principal in policy document."],
      [() => put(arn, policy([allow("*", "dynamodb:GetItem", arn)])), "ValidationException", "Resource-based policy grants unbounded access in one or more elements. Please revise the policy to ensure least-privilege form of access"],
      [() => put(arn, `${policy([allow(OTHER, "dynamodb:GetItem", arn)])}${" ".repeat(20_480)}`), "ValidationException", "One or more parameter values were invalid: Maximum policy size of 20480 bytes exceeded"],
    ];
    for (const [attempt, code, message] of refusals) assert.equal((await rejectsWith(attempt(), code, 400)).message, message);
    await rejectsWith(ddb.send(new GetResourcePolicyCommand({ ResourceArn: arn })), "PolicyNotFoundException", 400);

    // A stream has its own policy, apart from its table's.
    const { TableDescription } = await ddb.send(new UpdateTableCommand({ TableName: "strict-doc", BillingMode: "PAY_PER_REQUEST" }));
    const streamArn = TableDescription!.LatestStreamArn!;
    await ddb.send(new PutResourcePolicyCommand({ ResourceArn: streamArn, Policy: policy([allow(OTHER, ["dynamodb:GetRecords", "dynamodb:DescribeStream"], streamArn)]) }));
    assert.match((await ddb.send(new GetResourcePolicyCommand({ ResourceArn: streamArn }))).Policy!, /GetRecords/);
    // The account it names reads the stream.
    const otherStreams = new DynamoDBStreamsClient({ ...t.cloud.clientConfig, credentials: { accessKeyId: OTHER, secretAccessKey: "test" } });
    assert.equal((await otherStreams.send(new DescribeStreamCommand({ StreamArn: streamArn }))).StreamDescription?.StreamArn, streamArn);
    const refused = await rejectsWith(otherStreams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: "shardId-00000000000000000000-00000000", ShardIteratorType: "LATEST" })), "AccessDeniedException", 400);
    assert.match(refused.message, /because no resource-based policy allows the dynamodb:GetShardIterator action$/);
    otherStreams.destroy();
    await rejectsWith(ddb.send(new GetResourcePolicyCommand({ ResourceArn: arn })), "PolicyNotFoundException", 400);
  });

  it("asks for confirmation before a policy denies its author further changes", async () => {
    await ddb.send(new CreateTableCommand(stringKeyedTable("locked")));
    const arn = arnOf("locked");
    const lockout = policy([{ Effect: "Deny", Principal: "*", Action: ["dynamodb:PutResourcePolicy", "dynamodb:DeleteResourcePolicy"], Resource: arn }]);
    const refused = await rejectsWith(ddb.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: lockout })), "AccessDeniedException", 400);
    assert.equal(refused.message, "The new resource policy will not allow you to update the resource policy in the future.");
    await rejectsWith(ddb.send(new GetResourcePolicyCommand({ ResourceArn: arn })), "PolicyNotFoundException", 400);
    await ddb.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: lockout, ConfirmRemoveSelfResourceAccess: true }));
  });

  it("lets another account reach a table by its ARN only where the table's policy grants it", async () => {
    await ddb.send(new CreateTableCommand({
      ...stringKeyedTable("shared"),
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }, { AttributeName: "kind", AttributeType: "S" }],
      GlobalSecondaryIndexes: [{ IndexName: "by-kind", KeySchema: [{ AttributeName: "kind", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" } }],
      ResourcePolicy: policy([allow(OTHER, "dynamodb:Query", `${arnOf("shared")}/index/*`)]),
    }));
    const arn = arnOf("shared");
    await ddb.send(new PutItemCommand({ TableName: "shared", Item: { id: { S: "1" }, kind: { S: "report" } } }));
    const other = new DynamoDBClient({ ...t.cloud.clientConfig, credentials: { accessKeyId: OTHER, secretAccessKey: "test" } });
    const refused = await rejectsWith(other.send(new GetItemCommand({ TableName: arn, Key: { id: { S: "1" } } })), "AccessDeniedException", 400);
    assert.equal(refused.message, `User: arn:aws:iam::${OTHER}:root is not authorized to perform: dynamodb:GetItem on resource: ${arn} because no resource-based policy allows the dynamodb:GetItem action`);
    const byIndex = await other.send(new QueryCommand({ TableName: arn, IndexName: "by-kind", KeyConditionExpression: "kind = :k", ExpressionAttributeValues: { ":k": { S: "report" } } }));
    assert.equal(byIndex.Count, 1);
    // Its own table of that name is another table.
    await rejectsWith(other.send(new GetItemCommand({ TableName: "shared", Key: { id: { S: "1" } } })), "ResourceNotFoundException", 400);

    const { RevisionId } = await ddb.send(new GetResourcePolicyCommand({ ResourceArn: arn }));
    await ddb.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: policy([allow(OTHER, ["dynamodb:GetItem"], arn)]), ExpectedRevisionId: RevisionId }));
    assert.deepEqual((await other.send(new GetItemCommand({ TableName: arn, Key: { id: { S: "1" } } }))).Item?.kind, { S: "report" });
    await rejectsWith(other.send(new PutItemCommand({ TableName: arn, Item: { id: { S: "2" } } })), "AccessDeniedException", 400);
    await rejectsWith(other.send(new GetResourcePolicyCommand({ ResourceArn: arn })), "ValidationException", 400);
    // PartiQL and table settings are not for another account, whatever the policy grants.
    await ddb.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: policy([allow(OTHER, ["dynamodb:GetItem", "dynamodb:PartiQLSelect", "dynamodb:DescribeTimeToLive"], arn)]) }));
    await rejectsWith(other.send(new ExecuteStatementCommand({ Statement: `SELECT * FROM "${arn}"` })), "AccessDeniedException", 400);
    await rejectsWith(other.send(new DescribeTimeToLiveCommand({ TableName: arn })), "AccessDeniedException", 400);
    assert.deepEqual((await other.send(new GetItemCommand({ TableName: arn, Key: { id: { S: "1" } } }))).Item?.kind, { S: "report" });
    // A condition's wildcards are matched in linear time: forty stars that cannot match answer at once (a backtracking matcher never would).
    const stars = { ...allow(OTHER, "dynamodb:GetItem", arn), Condition: { StringLike: { "aws:PrincipalArn": `${"*".repeat(40)}x` } } };
    await ddb.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: policy([stars]) }));
    await rejectsWith(other.send(new GetItemCommand({ TableName: arn, Key: { id: { S: "1" } } })), "AccessDeniedException", 400);
    other.destroy();
  });
});

describe("DynamoDB resource-based policies in strict mode", () => {
  let t: TestCloud;
  before(async () => {
    t = await startCloud({ inMemory: true, auth: "strict" });
  });
  after(() => t.stop());

  it("grant a user of the table's own account by themselves, and deny past its identity policies", async () => {
    const ddb = new DynamoDBClient(t.cloud.clientConfig);
    const iam = new IAMClient(t.cloud.clientConfig);
    await iam.send(new CreateUserCommand({ UserName: "reader" }));
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: "reader" }));
    const reader = new DynamoDBClient({ ...t.cloud.clientConfig, credentials: { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! } });
    await ddb.send(new CreateTableCommand(stringKeyedTable("readable")));
    await ddb.send(new PutItemCommand({ TableName: "readable", Item: { id: { S: "1" } } }));
    const get = () => reader.send(new GetItemCommand({ TableName: "readable", Key: { id: { S: "1" } } }));
    await rejectsWith(get(), "AccessDeniedException", 400);

    const arn = arnOf("readable");
    await ddb.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: policy([allow(`arn:aws:iam::${ACCOUNT}:user/reader`, "dynamodb:GetItem", arn)]) }));
    assert.deepEqual((await get()).Item, { id: { S: "1" } });
    const denied = policy([allow(`arn:aws:iam::${ACCOUNT}:user/reader`, "dynamodb:GetItem", arn), { Effect: "Deny", Principal: "*", Action: "dynamodb:PutItem", Resource: arn }]);
    await ddb.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: denied }));
    const refused = await rejectsWith(ddb.send(new PutItemCommand({ TableName: "readable", Item: { id: { S: "2" } } })), "AccessDeniedException", 400);
    assert.match(refused.message, /with an explicit deny in a resource-based policy$/);
    reader.destroy();
    ddb.destroy();
  });
});
