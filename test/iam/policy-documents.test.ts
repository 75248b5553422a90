/**
 * IAM's checks of identity policy documents through the SDK: which fault
 * IAM reports first, and in which words. The cases are a selection of the
 * AWS-validated ones in LocalStack's tests/aws/services/iam/test_iam_policies.py.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CreateGroupCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from "@aws-sdk/client-iam";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";

const BUCKET = "arn:aws:s3:::example_bucket";
const statement = (fields: object) => ({ Version: "2012-10-17", Statement: fields });
const statements = (...list: object[]) => ({ Version: "2012-10-17", Statement: list });
const listBucket = (fields: object = {}) => statement({ Effect: "Allow", Action: "s3:ListBucket", Resource: BUCKET, ...fields });

const SYNTAX = "Syntax errors in policy.";
const VERSION = "Policy document must be version 2012-10-17 or greater.";
const LEGACY = "The policy failed legacy parsing";
const NO_ACTIONS = "Policy statement must contain actions.";
const NO_RESOURCES = "Policy statement must contain resources.";

/** [why, document, IAM's message]; each case's document also has the fault a later check would report, where that shows the order. */
const REFUSED: [string, unknown, string][] = [
  ["not JSON", "This is not a json document", SYNTAX],
  ["an unknown Version", { Version: "2013-10-17", Statement: { Effect: "Allow", Action: "s3:ListBucket", Resource: BUCKET } }, SYNTAX],
  ["an Id that is no string", { Version: "2012-10-17", Id: ["a"], Statement: { Effect: "Allow", Action: "s3:ListBucket", Resource: BUCKET } }, SYNTAX],
  ["an unknown Effect", listBucket({ Effect: "invalid" }), SYNTAX],
  ["a condition value that is an object, before missing actions", statement({ Effect: "Allow", Resource: BUCKET, Condition: { DateGreaterThan: { a: {} } } }), SYNTAX],
  ["an unknown condition operator with keys", listBucket({ Condition: { x: { a: "1" } } }), SYNTAX],
  ["a doubled set qualifier", listBucket({ Condition: { "ForAnyValue::StringEqualsIfExists": { a: "asf" } } }), SYNTAX],
  ["no Version in a managed policy, before legacy parsing", { Statement: { Effect: "denY", Action: "s3:ListBucket", Resource: BUCKET } }, VERSION],
  ["an Effect not spelled exactly", listBucket({ Effect: "denY" }), LEGACY],
  ["an Effect not spelled exactly, before missing actions", statement({ Effect: "allow", Resource: "arn:aws:s3:us-east-1::example_bucket" }), LEGACY],
  ["an unreadable date, before missing actions", statement({ Effect: "Allow", Condition: { DateGreaterThan: { a: "sdfdsf" } } }), LEGACY],
  ["a one-digit time zone", listBucket({ Condition: { DateLessThanEquals: { a: "2016-12-13t2:00:00.593194+1" } } }), LEGACY],
  ["epoch seconds beyond a long", listBucket({ Condition: { DateLessThan: { a: "9223372036854775808" } } }), LEGACY],
  ["an ARN with an empty field and too few fields", listBucket({ Resource: "arn:aws:s3::example_bucket" }), LEGACY],
  ["an ARN without a service", listBucket({ Resource: "arn:aws::fdsasf" }), LEGACY],
  ["a repeated Sid, before missing actions", statements({ Sid: "sdf", Effect: "Allow", Action: "s3:ListBucket", Resource: BUCKET }, { Sid: "sdf", Effect: "Allow" }), "Statement IDs (SID) in a single policy must be unique."],
  ["a statement without actions", statements({ Effect: "Deny" }, { Effect: "Allow", Action: "s3:ListBucket", Resource: BUCKET }), NO_ACTIONS],
  ["an empty action list", listBucket({ Action: [] }), NO_ACTIONS],
  ["no resources, before the action's vendor", statement({ Effect: "Allow", Action: "invalid" }), NO_RESOURCES],
  ["an empty resource list", listBucket({ Resource: [] }), NO_RESOURCES],
  ["a resource that is no ARN, before the action's colons", statement({ Effect: "Allow", Action: "s:3:ListBucket", Resource: "sdfsadf" }), 'Resource sdfsadf must be in ARN format or "*".'],
  ["an unknown partition", statement({ Effect: "Allow", NotAction: "s3s:ListBucket", Resource: "a:b:cadfsdf" }), 'Partition "b" is not valid for resource "arn:b:cadfsdf:*:*:*".'],
  ["a resource list read as a sorted set", listBucket({ Resource: ["arn:error:s3:::example_bucket", "arn:error:s3::example_bucket"] }), 'Partition "error" is not valid for resource "arn:error:s3:::example_bucket".'],
  ["an ARN without a service field", listBucket({ Resource: "arn:aws" }), "Resource vendor must be fully qualified and cannot contain regexes."],
  ["an IAM resource of no IAM type", listBucket({ Resource: "arn:aws:iam:::example_bucket" }), 'IAM resource path must either be "*", root, or start with user/, federated-user/, role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/.'],
  ["an IAM resource with a region", listBucket({ Resource: "arn:aws:iam:us-east-1::example_bucket" }), "IAM resource arn:aws:iam:us-east-1::example_bucket cannot contain region information."],
  ["a bucket with a region", listBucket({ Resource: "arn:aws:s3:us-east-1::example_bucket" }), "Resource arn:aws:s3:us-east-1::example_bucket can not contain region information."],
  ["an action without a vendor", statement({ Effect: "Allow", NotAction: "", Resource: BUCKET }), "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."],
  ["an action with two colons", listBucket({ Action: "s3:List:Bucket" }), "Actions/Condition can contain only one colon."],
  ["a vendor with a space", listBucket({ Action: "a a:ListBucket" }), "Vendor a a is not valid"],
  ["a principal", listBucket({ Principal: { AWS: "*" } }), "Policy document should not specify a principal."],
];

const ACCEPTED: [string, object][] = [
  ["a vendor with a dot", listBucket({ Action: "s3.s:ListBucket" })],
  ["an S3 access point, which has a region", listBucket({ Resource: "arn:aws:s3:us-west-2:123456789012:accesspoint/my-access-point" })],
  ["an IAM resource with a policy variable", listBucket({ Resource: "arn:aws:iam::*:user/${aws:username}" })],
  ["an unknown condition operator with no keys, and ISO dates", listBucket({ Condition: { x: {}, DateGreaterThan: { a: "-292275054" }, DateLessThan: { b: "2016-12-13T21:20:37.593194+00:00" } } })],
  ["an Id, a NotAction and empty Sids", { Version: "2012-10-17", Id: "sdf", Statement: [{ Sid: "", Effect: "Allow", NotAction: "s3:ListBucket", Resource: BUCKET }, { Sid: "", Effect: "Deny", Action: "*", NotResource: "*" }] }],
];

describe("IAM identity policy documents", () => {
  let t: TestCloud;
  let iam: IAMClient;
  let policyArn: string;
  let n = 0;
  const createPolicy = (document: unknown) =>
    iam.send(new CreatePolicyCommand({ PolicyName: `p${n++}`, PolicyDocument: typeof document === "string" ? document : JSON.stringify(document) }));

  before(async () => {
    t = await startCloud();
    iam = new IAMClient(t.cloud.clientConfig);
    await iam.send(new CreateUserCommand({ UserName: "pat" }));
    await iam.send(new CreateGroupCommand({ GroupName: "staff" }));
    const trust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }] };
    await iam.send(new CreateRoleCommand({ RoleName: "worker", AssumeRolePolicyDocument: JSON.stringify(trust) }));
    const created = await createPolicy(listBucket());
    policyArn = created.Policy?.Arn ?? "";
    assert.ok(policyArn);
  });
  after(async () => {
    iam.destroy();
    await t.stop();
  });

  for (const [why, document, message] of REFUSED) {
    it(`refuses ${why}`, async () => {
      const error = await rejectsWith(createPolicy(document), "MalformedPolicyDocumentException", 400);
      assert.equal(error.message, message);
    });
  }

  for (const [why, document] of ACCEPTED) {
    it(`accepts ${why}`, async () => {
      await createPolicy(document);
    });
  }

  it("checks new versions and inline policies the same way", async () => {
    const document = JSON.stringify(listBucket({ Resource: "arn:aws:s3:us-east-1::example_bucket" }));
    const message = "Resource arn:aws:s3:us-east-1::example_bucket can not contain region information.";
    const calls: (() => Promise<unknown>)[] = [
      () => iam.send(new CreatePolicyVersionCommand({ PolicyArn: policyArn, PolicyDocument: document })),
      () => iam.send(new PutUserPolicyCommand({ UserName: "pat", PolicyName: "p", PolicyDocument: document })),
      () => iam.send(new PutGroupPolicyCommand({ GroupName: "staff", PolicyName: "p", PolicyDocument: document })),
      () => iam.send(new PutRolePolicyCommand({ RoleName: "worker", PolicyName: "p", PolicyDocument: document })),
    ];
    for (const call of calls) {
      const error = await rejectsWith(call(), "MalformedPolicyDocumentException", 400);
      assert.equal(error.message, message);
    }
  });

  it("lets inline policies keep the 2008-10-17 language, which managed ones may not", async () => {
    const legacy = JSON.stringify({ Version: "2008-10-17", Statement: { Effect: "Allow", Action: "s3:ListBucket", Resource: BUCKET } });
    await iam.send(new PutUserPolicyCommand({ UserName: "pat", PolicyName: "old", PolicyDocument: legacy }));
    const error = await rejectsWith(iam.send(new CreatePolicyVersionCommand({ PolicyArn: policyArn, PolicyDocument: legacy })), "MalformedPolicyDocumentException", 400);
    assert.equal(error.message, VERSION);
  });
});
