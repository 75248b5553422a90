/**
 * PutResourcePolicy, GetResourcePolicy and DeleteResourcePolicy: a table's
 * policy (which its indexes share) and each stream's own, in DynamoDB's
 * words for every ARN it refuses and every revision that does not match.
 * Nimbus applies a policy at once: AWS's eventual consistency (reads that
 * lag, a 15-second throttle between changes) is not reproduced.
 */
import { secureTransport } from "../../../server/authorize.js";
import type { RequestContext } from "../../../server/context.js";
import { AwsError } from "../../../server/errors.js";
import { defineOperation, type AuthorizationRequirement, type OperationTable } from "../../../server/service.js";
import { evaluate, globalContextKeys } from "../../../policy/evaluate.js";
import { parsePolicy } from "../../../policy/document.js";
import { ddbErrors } from "../errors.js";
import type { DynamoDeps } from "../operation.js";
import { canonicalPolicy, nextRevision, type StoredPolicy } from "../resource-policy.js";
import type { TableRecord } from "../tables.js";

const POLICY_ARN = /^arn:([^:]+):dynamodb:([^:]*):([^:]*):table\/([^/]+)(?:\/stream\/([^/]+))?$/;

interface PolicyTarget {
  table: TableRecord;
  /** The stream's label, for a stream's policy. */
  stream?: string;
}

const policyNotFound = (detail: string) => new AwsError("PolicyNotFoundException", `Resource-based policy not found for the provided ResourceArn: ${detail}`, 400);

/** The policy a target holds now. */
function heldPolicy(table: TableRecord, stream: string | undefined): StoredPolicy | undefined {
  return stream === undefined ? table.resourcePolicy : table.streamPolicies?.[stream];
}

/** `table` with the target's policy replaced (or removed). */
function withPolicy(table: TableRecord, stream: string | undefined, policy: StoredPolicy | undefined): TableRecord {
  if (stream === undefined) {
    const { resourcePolicy: _, ...rest } = table;
    return policy ? { ...rest, resourcePolicy: policy } : rest;
  }
  const streamPolicies = { ...table.streamPolicies };
  if (policy) streamPolicies[stream] = policy;
  else delete streamPolicies[stream];
  return { ...table, streamPolicies };
}

/** ExpectedRevisionId: the revision the caller last saw, or NO_POLICY for none. */
function checkExpected(expected: string | undefined, held: StoredPolicy | undefined, tableName: string): void {
  if (expected === undefined) return;
  if (expected === "NO_POLICY") {
    if (held) throw policyNotFound(`Requested policy update expecting none to be present for table ${tableName}, but a policy exists with revision id ${held.revisionId}.`);
    return;
  }
  if (!held) throw policyNotFound(`Requested update for policy with revision id ${expected}, but table ${tableName} has no associated policy.`);
  if (held.revisionId !== expected) {
    throw policyNotFound(`Requested update for policy with revision id ${expected}, but the policy associated to target table ${tableName} has revision id ${held.revisionId}.`);
  }
}

export function resourcePolicyOperations({ store, principals }: DynamoDeps): OperationTable {
  /** The table or stream an ARN names, refused in DynamoDB's words. */
  function target(arn: string, ctx: RequestContext): PolicyTarget {
    if (!arn.startsWith("arn:")) throw ddbErrors.invalid(`ARNs must start with 'arn:': ${arn}`);
    if (arn.split(":")[2] !== "dynamodb" || /^arn:[^:]*:[^:]*:[^:]*:[^:]*:table\/[^/]+\/backup\//.test(arn)) {
      throw ddbErrors.invalid(`Provided Arn is not a DynamoDB resource arn: ${arn}`);
    }
    if (/^arn:[^:]*:[^:]*:[^:]*:[^:]*:table\/[^/]+\/index\//.test(arn)) {
      throw ddbErrors.invalid(`Invalid resource arn provided, only table or stream is accepted. Provided resource arn: ${arn}`);
    }
    const match = POLICY_ARN.exec(arn);
    if (!match) throw ddbErrors.invalid(`Invalid resource Arn: ${arn}`);
    const [, partition, region, accountId, name, stream] = match;
    if (accountId !== ctx.accountId) throw new AwsError("ValidationException", "This action is only supported by accounts that match the resource owner\u2019s account.", 400);
    if (partition !== "aws" || region !== ctx.region) throw ddbErrors.invalid(`Invalid resource Arn: ${arn}`);
    const table = store.table(accountId, region, name!);
    if (!table) throw ddbErrors.resourceNotFound(`Requested resource not found: Table: ${name} not found`);
    if (stream !== undefined && table.stream?.label !== stream) {
      throw ddbErrors.resourceNotFound(`Requested resource not found: Stream: ${stream} not found for Table: ${name}`);
    }
    return { table, stream };
  }

  // The policy calls answer for the caller's own account only (another's ARN is a ValidationException, not a denial).
  const onPolicy =
    (action: string) =>
    (input: { ResourceArn?: unknown }, ctx: RequestContext): AuthorizationRequirement[] => [
      {
        action: `dynamodb:${action}`,
        resource: typeof input.ResourceArn === "string" ? input.ResourceArn : `arn:aws:dynamodb:${ctx.region}:${ctx.accountId}:table/*`,
        ownAccount: true,
      },
    ];

  return {
    PutResourcePolicy: defineOperation<{ ResourceArn: string; Policy: string; ExpectedRevisionId?: string; ConfirmRemoveSelfResourceAccess?: boolean }>({
      authorize: onPolicy("PutResourcePolicy"),
      async handle(input, ctx) {
        const { table, stream } = target(input.ResourceArn, ctx);
        const document = canonicalPolicy(input.Policy, stream === undefined ? "table" : "stream", principals);
        if (!input.ConfirmRemoveSelfResourceAccess && deniesCaller(document, input.ResourceArn, ctx)) {
          throw new AwsError("AccessDeniedException", "The new resource policy will not allow you to update the resource policy in the future.", 400);
        }
        const now = ctx.now().getTime();
        let revisionId = "";
        const updated = await store.updateTable(table, now, (current) => {
          const held = heldPolicy(current, stream);
          checkExpected(input.ExpectedRevisionId, held, current.name);
          // The same document again is no change, and keeps its revision.
          if (held?.document === document) {
            revisionId = held.revisionId;
            return current;
          }
          revisionId = nextRevision(now, held);
          return withPolicy(current, stream, { document, revisionId });
        });
        if (!updated) throw ddbErrors.resourceNotFound(`Requested resource not found: Table: ${table.name} not found`);
        return { RevisionId: revisionId };
      },
    }),

    GetResourcePolicy: defineOperation<{ ResourceArn: string }>({
      authorize: onPolicy("GetResourcePolicy"),
      handle(input, ctx) {
        const { table, stream } = target(input.ResourceArn, ctx);
        const held = heldPolicy(table, stream);
        if (!held) throw policyNotFound(input.ResourceArn);
        return { Policy: held.document, RevisionId: held.revisionId };
      },
    }),

    DeleteResourcePolicy: defineOperation<{ ResourceArn: string; ExpectedRevisionId?: string }>({
      authorize: onPolicy("DeleteResourcePolicy"),
      async handle(input, ctx) {
        const { table, stream } = target(input.ResourceArn, ctx);
        let removed: StoredPolicy | undefined;
        await store.updateTable(table, ctx.now().getTime(), (current) => {
          removed = heldPolicy(current, stream);
          checkExpected(input.ExpectedRevisionId, removed, current.name);
          return removed ? withPolicy(current, stream, undefined) : current;
        });
        // The answer names the revision removed; deleting no policy answers nothing.
        return removed ? { RevisionId: removed.revisionId } : {};
      },
    }),
  };
}

/** Would `document` refuse its own author a later PutResourcePolicy (ConfirmRemoveSelfResourceAccess guards against it)? */
function deniesCaller(document: string, resource: string, ctx: RequestContext): boolean {
  const keys = globalContextKeys(ctx.principal, { now: ctx.now(), sourceIp: ctx.sourceIp, secure: secureTransport(ctx.sourceIp), region: ctx.region });
  const policy = { name: "the new resource-based policy", document: parsePolicy(document, "resource") };
  return evaluate({ principal: ctx.principal, action: "dynamodb:PutResourcePolicy", resource, keys }, [], [policy]).kind === "explicit-deny";
}
