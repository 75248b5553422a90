/**
 * Table tags (TagResource, UntagResource, ListTagsOfResource) and time to
 * live (UpdateTimeToLive, DescribeTimeToLive).
 */
import type { RequestContext } from "../../../server/context.js";
import { defineOperation, type OperationTable } from "../../../server/service.js";
import { ddbErrors } from "../errors.js";
import { describedTable, onTable, type DynamoDeps } from "../operation.js";
import type { Tag, TableRecord } from "../tables.js";

const RESOURCE_ARN = /^arn:aws[a-z-]*:dynamodb:([a-z0-9-]+):(\d{12}):table\/([a-zA-Z0-9_.-]{3,255})$/;
const MAX_TAGS = 50;
/** How long an UpdateTimeToLive takes to settle, during which another is refused. */
const TTL_SETTLE_MS = 60 * 60 * 1000;
/** The characters AWS allows in tag keys and values: letters, digits, white space and `_ . : / = + - @`, in any script. */
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const TAG_PATTERN = "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*";

/**
 * A table's tags after a change: keys and values in the allowed characters,
 * at most 50 in all (CreateTable's and TagResource's refusal alike).
 */
export function checkedTags(tags: readonly Tag[]): Tag[] {
  tags.forEach((tag, i) => {
    for (const [member, text] of [["key", tag.Key], ["value", tag.Value]] as const) {
      if (!TAG_TEXT.test(text)) {
        throw ddbErrors.validation(
          `1 validation error detected: Value '${text}' at 'tags.${i + 1}.member.${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${TAG_PATTERN}`,
        );
      }
    }
  });
  if (tags.length > MAX_TAGS) throw ddbErrors.validation("One or more parameter values were invalid: The number of tags exceeds the limit of 50");
  return [...tags];
}

export function tagOperations(deps: DynamoDeps): OperationTable {
  const { store } = deps;

  function tableOfArn(arn: string, ctx: RequestContext): TableRecord {
    const match = RESOURCE_ARN.exec(arn);
    if (!match) throw ddbErrors.validation(`Invalid TableArn: Invalid ResourceArn provided as input ${arn}`);
    const table = store.table(match[2]!, match[1]!, match[3]!);
    if (!table || match[2] !== ctx.accountId) throw ddbErrors.resourceNotFound(`Requested resource not found: ResourcArn: ${arn} not found`);
    return table;
  }

  const onArn = (action: string) => (input: { ResourceArn?: unknown }, ctx: RequestContext) => [
    {
      action: `dynamodb:${action}`,
      resource: typeof input.ResourceArn === "string" && input.ResourceArn.startsWith("arn:") ? input.ResourceArn : `arn:aws:dynamodb:${ctx.region}:${ctx.accountId}:table/*`,
    },
  ];

  return {
    TagResource: defineOperation<{ ResourceArn: string; Tags: Tag[] }>({
      authorize: onArn("TagResource"),
      async handle(input, ctx) {
        if (input.Tags.length === 0) throw ddbErrors.validation("Atleast one Tag needs to be provided as Input.");
        const table = tableOfArn(input.ResourceArn, ctx);
        const updated = await store.updateTable(table, ctx.now().getTime(), (current) => {
          const tags = new Map(current.tags.map((t) => [t.Key, t.Value]));
          for (const t of input.Tags) tags.set(t.Key, t.Value);
          return { ...current, tags: checkedTags([...tags].map(([Key, Value]) => ({ Key, Value }))) };
        });
        if (!updated) throw ddbErrors.resourceNotFound(`Requested resource not found: ResourcArn: ${input.ResourceArn} not found`);
        return {};
      },
    }),

    UntagResource: defineOperation<{ ResourceArn: string; TagKeys: string[] }>({
      authorize: onArn("UntagResource"),
      async handle(input, ctx) {
        if (input.TagKeys.length === 0) throw ddbErrors.validation("Atleast one Tag Key needs to be provided as Input.");
        const table = tableOfArn(input.ResourceArn, ctx);
        await store.updateTable(table, ctx.now().getTime(), (current) => ({
          ...current,
          tags: current.tags.filter((t) => !input.TagKeys.includes(t.Key)),
        }));
        return {};
      },
    }),

    ListTagsOfResource: defineOperation<{ ResourceArn: string; NextToken?: string }>({
      authorize: onArn("ListTagsOfResource"),
      handle(input, ctx) {
        return { Tags: tableOfArn(input.ResourceArn, ctx).tags };
      },
    }),

    UpdateTimeToLive: defineOperation<{ TableName: string; TimeToLiveSpecification: { Enabled: boolean; AttributeName: string } }>({
      authorize: onTable("UpdateTimeToLive"),
      async handle(input, ctx) {
        const table = describedTable(deps, input.TableName, ctx);
        const spec = input.TimeToLiveSpecification;
        const enabled = table.ttl?.enabled ?? false;
        if (spec.Enabled && enabled) throw ddbErrors.validation("TimeToLive is already enabled");
        if (!spec.Enabled && !enabled) throw ddbErrors.validation("TimeToLive is already disabled");
        if (!spec.Enabled && table.ttl && table.ttl.attributeName !== spec.AttributeName) {
          throw ddbErrors.validation(`TimeToLive is active on a different AttributeName: current AttributeName is ${table.ttl.attributeName}`);
        }
        const now = ctx.now().getTime();
        // A change takes up to an hour to settle on AWS, and another one meanwhile is refused.
        if (table.ttl?.changedAt !== undefined && now - table.ttl.changedAt < TTL_SETTLE_MS) {
          throw ddbErrors.validation("Time to live has been modified multiple times within a fixed interval");
        }
        await store.updateTable(table, now, (current) => ({
          ...current,
          ttl: { attributeName: spec.AttributeName, enabled: spec.Enabled, changedAt: now },
        }));
        return { TimeToLiveSpecification: spec };
      },
    }),

    DescribeTimeToLive: defineOperation<{ TableName: string }>({
      authorize: onTable("DescribeTimeToLive"),
      handle(input, ctx) {
        const table = describedTable(deps, input.TableName, ctx);
        const ttl = table.ttl;
        return {
          TimeToLiveDescription: ttl?.enabled ? { TimeToLiveStatus: "ENABLED", AttributeName: ttl.attributeName } : { TimeToLiveStatus: "DISABLED" },
        };
      },
    }),
  };
}
