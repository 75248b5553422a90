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
/** Table sub-resources that are not taggable: an index is refused as such, a backup as no DynamoDB resource at all. */
const INDEX_ARN = /^arn:[^:]*:dynamodb:[^:]*:[^:]*:table\/[^/]+\/index\//;
const BACKUP_ARN = /^arn:[^:]*:dynamodb:[^:]*:[^:]*:table\/[^/]+\/backup\//;
const MAX_TAGS = 50;
/** How long an UpdateTimeToLive takes to settle, during which another is refused. */
const TTL_SETTLE_MS = 60 * 60 * 1000;
/** The characters AWS allows in tag keys and values: letters, digits, white space and `_ . : / = + - @`, in any script. */
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** A tag key: 1 to 128 allowed characters, not in the `aws:` namespace (whatever its case). */
function checkedTagKey(key: string | undefined): string {
  if (key === undefined || key.length === 0 || key.length > 128 || !TAG_TEXT.test(key)) {
    throw ddbErrors.validation(`The Tag Key provided is invalid, Key: ${key ?? "null"}`);
  }
  if (key.toLowerCase().startsWith("aws:")) throw ddbErrors.validation(`Tag Key cannot be prefixed with aws:, Key: ${key}`);
  return key;
}

/** A tag value: up to 256 allowed characters (an empty one is fine). */
function checkedTagValue(value: string | undefined): string {
  if (value === undefined || value.length > 256 || !TAG_TEXT.test(value)) {
    throw ddbErrors.validation(`The Tag Value provided is invalid, Value: ${value ?? "null"}`);
  }
  return value;
}

/**
 * The tags of a request (CreateTable, TagResource), each key and value
 * checked, then no key twice. DynamoDB words these itself, not as model
 * constraints (request-validation.ts leaves them to this).
 */
export function checkRequestTags(tags: readonly Partial<Tag>[]): Tag[] {
  const checked = tags.map((tag) => ({ Key: checkedTagKey(tag.Key), Value: checkedTagValue(tag.Value) }));
  const seen = new Set<string>();
  for (const { Key } of checked) {
    if (seen.has(Key)) throw ddbErrors.validation(`Duplicate Tag Keys provided as input: Duplicate Tag Key found ${Key}`);
    seen.add(Key);
  }
  return checked;
}

/** A table keeps at most 50 tags, however many a request sends or the table had. */
function checkTagCount(count: number): void {
  if (count > MAX_TAGS) throw ddbErrors.validation("Number of Tags exceed the current limit for the provided ResourceArn");
}

/** CreateTable's tags: valid, and at most 50. */
export function checkedTags(tags: readonly Partial<Tag>[]): Tag[] {
  const checked = checkRequestTags(tags);
  checkTagCount(checked.length);
  return checked;
}

export function tagOperations(deps: DynamoDeps): OperationTable {
  const { store } = deps;

  /** The table a tagging call's ResourceArn names, refusing other shapes in DynamoDB's words. */
  function tableOfArn(arn: string, ctx: RequestContext): TableRecord {
    if (!arn.startsWith("arn:")) throw ddbErrors.invalid(`ARNs must start with 'arn:': ${arn}`);
    if (arn.split(":")[2] !== "dynamodb" || BACKUP_ARN.test(arn)) throw ddbErrors.invalid(`Provided Arn is not a DynamoDB resource arn: ${arn}`);
    if (INDEX_ARN.test(arn)) throw ddbErrors.invalid(`Invalid resource arn provided, only table or stream is accepted. Provided resource arn: ${arn}`);
    const match = RESOURCE_ARN.exec(arn);
    // Another region's table is no table of this endpoint's (AWS capture of ListTagsOfResource: ack-api-quirks' DynamoDB message catalogue).
    if (!match || match[1] !== ctx.region) throw ddbErrors.validation(`Invalid TableArn: Invalid ResourceArn provided as input ${arn}`);
    const table = store.table(match[2]!, match[1]!, match[3]!);
    if (!table || match[2] !== ctx.accountId) throw ddbErrors.resourceNotFound(`Requested resource not found: ResourcArn: ${arn} not found`);
    return table;
  }

  // Tags are the table's own account's business: no resource policy grants them to another.
  const onArn = (action: string) => (input: { ResourceArn?: unknown }, ctx: RequestContext) => [
    {
      action: `dynamodb:${action}`,
      resource: typeof input.ResourceArn === "string" && input.ResourceArn.startsWith("arn:") ? input.ResourceArn : `arn:aws:dynamodb:${ctx.region}:${ctx.accountId}:table/*`,
      sameAccountOnly: true,
    },
  ];

  return {
    TagResource: defineOperation<{ ResourceArn: string; Tags: Tag[] }>({
      authorize: onArn("TagResource"),
      async handle(input, ctx) {
        if (input.Tags.length === 0) throw ddbErrors.validation("Atleast one Tag needs to be provided as Input.");
        const requested = checkRequestTags(input.Tags);
        const table = tableOfArn(input.ResourceArn, ctx);
        const updated = await store.updateTable(table, ctx.now().getTime(), (current) => {
          const tags = new Map(current.tags.map((t) => [t.Key, t.Value]));
          for (const t of requested) tags.set(t.Key, t.Value);
          // The limit holds for the tags the table would have: an overwrite does not count twice.
          checkTagCount(tags.size);
          return { ...current, tags: [...tags].map(([Key, Value]) => ({ Key, Value })) };
        });
        if (!updated) throw ddbErrors.resourceNotFound(`Requested resource not found: ResourcArn: ${input.ResourceArn} not found`);
        return {};
      },
    }),

    UntagResource: defineOperation<{ ResourceArn: string; TagKeys: string[] }>({
      authorize: onArn("UntagResource"),
      async handle(input, ctx) {
        if (input.TagKeys.length === 0) throw ddbErrors.validation("Atleast one Tag Key needs to be provided as Input.");
        for (const key of input.TagKeys) checkedTagKey(key);
        // More keys than a table can hold is refused, though removing them would be harmless.
        checkTagCount(input.TagKeys.length);
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
        if (spec.Enabled && enabled && table.ttl?.attributeName !== spec.AttributeName) {
          throw ddbErrors.validation(`TimeToLive is active on a different AttributeName: current AttributeName is ${table.ttl?.attributeName}`);
        }
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
        // A global table's replicas share their time to live.
        await store.updateGroup(table, now, (current) => ({
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
