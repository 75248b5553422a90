/**
 * DynamoDB Streams: ListStreams, DescribeStream, GetShardIterator and
 * GetRecords over the stream records DynamoDB writes in each item write's
 * transaction. Each stream has one shard, whose records are in write order.
 */
import { anyOriginCors } from "../../../server/json-cors.js";
import { createHash } from "node:crypto";
import { createCodec, validateInput } from "../../../protocols/index.js";
import { loadModel } from "../../../protocols/model.js";
import { formatValidationMessage } from "../../../protocols/shared/validate.js";
import type { RequestContext } from "../../../server/context.js";
import { defineOperation, type ServiceEnvironment, type ServiceRuntime } from "../../../server/service.js";
import { prefixRange } from "../../../storage/index.js";
import { ddbErrors } from "../errors.js";
import { DynamoStore, STREAM_RETENTION_MS, type StreamMeta, type StreamRecordStored } from "../store.js";

/** GetRecords answers at most 1 MB of records. */
const MAX_PAGE_BYTES = 1024 * 1024;

/** ListStreams answers at most 100 streams a page, its documented maximum Limit. */
const MAX_LIST_STREAMS = 100;

/** Shard iterators stop working after 15 minutes, as DynamoDB's do. */
const ITERATOR_MS = 15 * 60 * 1000;

interface Iterator {
  arn: string;
  shard: string;
  /** Sequence number of the next record to read. */
  next: number;
  at: number;
}

export function sequenceNumber(seq: number): string {
  return String(seq).padStart(21, "0");
}

/** A stream ARN: `arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>`; anything else is refused as invalid. */
function checkStreamArn(arn: string): void {
  if (!/^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/[^/]+\/stream\/[^/]+$/.test(arn)) throw ddbErrors.validation(`Invalid StreamArn: ${arn}`);
}

export function shardIdOf(meta: StreamMeta): string {
  return `shardId-${String(meta.createdAt).padStart(20, "0")}-${createHash("md5").update(meta.arn).digest("hex").slice(0, 8)}`;
}

/** DynamoDB Streams' iterator form: `<stream ARN>|1|<opaque>`; ours carries its state, base64url JSON, as the opaque part. */
function encodeIterator(it: Iterator): string {
  return `${it.arn}|1|${Buffer.from(JSON.stringify(it)).toString("base64url")}`;
}

function decodeIterator(text: string): Iterator | undefined {
  try {
    const it = JSON.parse(Buffer.from(text.slice(text.lastIndexOf("|") + 1), "base64url").toString("utf8")) as Partial<Iterator>;
    // The opaque part is the client's to alter: only a state this runtime could have written is taken.
    const valid =
      typeof it.arn === "string" &&
      text.startsWith(`${it.arn}|1|`) &&
      typeof it.shard === "string" &&
      isCount(it.next) &&
      isCount(it.at);
    if (valid) return it as Iterator;
  } catch {
    // not ours
  }
  return undefined;
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

export function createStreamsRuntime(env: ServiceEnvironment): ServiceRuntime {
  const model = loadModel("dynamodbstreams");
  const store = new DynamoStore(env.kv);

  /** The stream as DynamoDB Streams holds it now: records past 24 hours trimmed, a stream ended that long ago gone. */
  const streamOf = async (arn: string, ctx: RequestContext): Promise<StreamMeta> => {
    checkStreamArn(arn);
    // The stream of the account its ARN names: another account's where its stream policy let the caller in.
    const stored = store.streamMeta(arn.split(":")[4] ?? ctx.accountId, ctx.region, arn);
    const meta = stored && (await store.trimStream(stored, ctx.now().getTime()));
    if (!meta) throw ddbErrors.resourceNotFound(`Requested resource not found: Stream: ${arn} not found`);
    return meta;
  };
  // An empty shard (never written, or trimmed to nothing) starts right after its last trimmed record.
  const lastSeq = (meta: StreamMeta): number => {
    for (const { value } of store.streamRecords.range({ ...prefixRange([meta.arn]), reverse: true, limit: 1 })) return value.seq;
    return meta.trimmedThrough ?? 0;
  };
  const firstSeq = (meta: StreamMeta): number => {
    for (const { value } of store.streamRecords.range({ ...prefixRange([meta.arn]), limit: 1 })) return value.seq;
    return (meta.trimmedThrough ?? 0) + 1;
  };
  // A shard starts just before its first record, as DynamoDB's do, and keeps that start once records are trimmed.
  const shardStart = (meta: StreamMeta): number => meta.startSeq ?? firstSeq(meta) - 1;
  const isTrimmed = (meta: StreamMeta, seq: number): boolean => meta.trimmedThrough !== undefined && seq <= meta.trimmedThrough;
  const trimmed = () => ddbErrors.trimmedData("The operation attempted to read past the oldest stream record in a shard.");
  const onStream = (action: string) => (input: { StreamArn?: unknown }, ctx: RequestContext) => [
    {
      action: `dynamodb:${action}`,
      resource: typeof input.StreamArn === "string" && input.StreamArn.startsWith("arn:") ? input.StreamArn : `arn:aws:dynamodb:${ctx.region}:${ctx.accountId}:table/*/stream/*`,
    },
  ];

  function toRecord(meta: StreamMeta, r: StreamRecordStored) {
    return {
      eventID: r.eventID,
      eventName: r.eventName,
      eventVersion: "1.1",
      eventSource: "aws:dynamodb",
      awsRegion: meta.region,
      dynamodb: {
        ApproximateCreationDateTime: new Date(Math.floor(r.at / 1000) * 1000),
        Keys: r.keys,
        ...(r.newImage ? { NewImage: r.newImage } : {}),
        ...(r.oldImage ? { OldImage: r.oldImage } : {}),
        SequenceNumber: sequenceNumber(r.seq),
        SizeBytes: Math.max(1, r.sizeBytes),
        StreamViewType: meta.viewType,
      },
      ...(r.ttl ? { userIdentity: { PrincipalId: "dynamodb.amazonaws.com", Type: "Service" } } : {}),
    };
  }

  return {
    codec: createCodec(model, { malformedError: (detail) => ddbErrors.serialization(detail) }),
    operations: {
      ListStreams: defineOperation<{ TableName?: string; Limit?: number; ExclusiveStartStreamArn?: string }>({
        authorize: (_input, ctx) => [{ action: "dynamodb:ListStreams", resource: `arn:aws:dynamodb:${ctx.region}:${ctx.accountId}:table/*/stream/*` }],
        handle(input, ctx) {
          // The model sets no maximum; DynamoDB Streams refuses more than 100 in its model-constraint words.
          if (input.Limit !== undefined && input.Limit > MAX_LIST_STREAMS) {
            throw ddbErrors.validation(`1 validation error detected: Value '${input.Limit}' at 'limit' failed to satisfy constraint: Member must have value less than or equal to ${MAX_LIST_STREAMS}`);
          }
          const cutoff = ctx.now().getTime() - STREAM_RETENTION_MS;
          const all = [...store.streamsOf(ctx.accountId, ctx.region)]
            .filter((s) => (input.TableName === undefined || s.tableName === input.TableName) && !(s.endedAt !== undefined && s.endedAt < cutoff))
            .sort((a, b) => a.tableName.localeCompare(b.tableName) || a.createdAt - b.createdAt);
          let startAt = 0;
          if (input.ExclusiveStartStreamArn !== undefined) {
            checkStreamArn(input.ExclusiveStartStreamArn);
            startAt = all.findIndex((s) => s.arn === input.ExclusiveStartStreamArn) + 1;
          }
          const limit = input.Limit ?? MAX_LIST_STREAMS;
          const page = all.slice(startAt, startAt + limit);
          const streams = page.map((s) => ({ StreamArn: s.arn, TableName: s.tableName, StreamLabel: s.label }));
          return startAt + limit < all.length ? { Streams: streams, LastEvaluatedStreamArn: page[page.length - 1]?.arn } : { Streams: streams };
        },
      }),

      DescribeStream: defineOperation<{ StreamArn: string; Limit?: number; ExclusiveStartShardId?: string; ShardFilter?: { Type?: string; ShardId?: string } }>({
        authorize: onStream("DescribeStream"),
        async handle(input, ctx) {
          const meta = await streamOf(input.StreamArn, ctx);
          const shardId = shardIdOf(meta);
          const range: Record<string, string> = { StartingSequenceNumber: sequenceNumber(shardStart(meta)) };
          if (meta.endedAt !== undefined) range.EndingSequenceNumber = sequenceNumber(lastSeq(meta));
          // Shards after the one named, in shard-id order (an unknown id still pages by its place).
          const start = input.ExclusiveStartShardId;
          // A CHILD_SHARDS filter asks for the shards split from the one it names: a stream's one shard never splits, and has no parent.
          const children = input.ShardFilter !== undefined;
          const shards = children || (start !== undefined && start >= shardId) ? [] : [{ ShardId: shardId, SequenceNumberRange: range }];
          return {
            StreamDescription: {
              StreamArn: meta.arn,
              StreamLabel: meta.label,
              StreamStatus: meta.endedAt === undefined ? "ENABLED" : "DISABLED",
              StreamViewType: meta.viewType,
              CreationRequestDateTime: new Date(meta.createdAt),
              TableName: meta.tableName,
              KeySchema: meta.keySchema,
              Shards: shards,
            },
          };
        },
      }),

      GetShardIterator: defineOperation<{ StreamArn: string; ShardId: string; ShardIteratorType: string; SequenceNumber?: string }>({
        authorize: onStream("GetShardIterator"),
        async handle(input, ctx) {
          const meta = await streamOf(input.StreamArn, ctx);
          if (input.ShardId !== shardIdOf(meta)) {
            throw ddbErrors.resourceNotFound(`Requested resource not found: Shard does not exist`);
          }
          const type = input.ShardIteratorType;
          const needsSeq = type === "AT_SEQUENCE_NUMBER" || type === "AFTER_SEQUENCE_NUMBER";
          if (needsSeq && input.SequenceNumber === undefined) {
            throw ddbErrors.validation(`Must provide SequenceNumber for ShardIteratorType ${type}`);
          }
          if (!needsSeq && input.SequenceNumber !== undefined) {
            throw ddbErrors.validation(`Must not provide SequenceNumber for ShardIteratorType ${type}`);
          }
          let next: number;
          if (type === "TRIM_HORIZON") next = firstSeq(meta);
          else if (type === "LATEST") next = lastSeq(meta) + 1;
          else {
            const seq = Number(input.SequenceNumber);
            if (!/^\d+$/.test(input.SequenceNumber ?? "") || !Number.isSafeInteger(seq)) throw ddbErrors.validation(`Invalid SequenceNumber: ${input.SequenceNumber}`);
            const at = type === "AT_SEQUENCE_NUMBER" ? seq : seq + 1;
            // The shard's StartingSequenceNumber is a start too: its oldest record kept, trimmed or not.
            if (type === "AT_SEQUENCE_NUMBER" && seq === shardStart(meta)) next = firstSeq(meta);
            else if (isTrimmed(meta, at)) throw trimmed();
            else next = Math.max(at, firstSeq(meta));
          }
          return { ShardIterator: encodeIterator({ arn: meta.arn, shard: input.ShardId, next, at: ctx.now().getTime() }) };
        },
      }),

      GetRecords: defineOperation<{ ShardIterator: string; Limit?: number }>({
        authorize: (input, ctx) => [
          {
            action: "dynamodb:GetRecords",
            resource: (typeof input.ShardIterator === "string" ? decodeIterator(input.ShardIterator)?.arn : undefined) ?? `arn:aws:dynamodb:${ctx.region}:${ctx.accountId}:table/*/stream/*`,
          },
        ],
        async handle(input, ctx) {
          const it = decodeIterator(input.ShardIterator);
          if (!it) throw ddbErrors.validation("Invalid ShardIterator");
          const now = ctx.now().getTime();
          if (now - it.at > ITERATOR_MS) throw ddbErrors.expiredIterator("Iterator expired. The iterator was created at time " + new Date(it.at).toISOString() + " while right now it is " + new Date(now).toISOString() + " which is further in the future than the tolerated delay of 900000 milliseconds.");
          const meta = await streamOf(it.arn, ctx);
          if (it.shard !== shardIdOf(meta)) throw ddbErrors.validation("Invalid ShardIterator");
          if (input.Limit !== undefined && input.Limit > 1000) {
            throw ddbErrors.validation(`1 validation error detected: Value '${input.Limit}' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 1000`);
          }
          // Records trimmed since the iterator was made: AWS's own account of this case.
          if (isTrimmed(meta, it.next)) throw trimmed();
          const limit = input.Limit ?? 1000;
          const records: ReturnType<typeof toRecord>[] = [];
          let next = it.next;
          let bytes = 0;
          for (const { value } of store.streamRecords.range({ start: [meta.arn, it.next], end: prefixRange([meta.arn]).end, limit })) {
            // A page holds 1 MB of records at most (always at least one).
            bytes += value.sizeBytes;
            if (bytes > MAX_PAGE_BYTES && records.length > 0) break;
            records.push(toRecord(meta, value));
            next = value.seq + 1;
          }
          const exhausted = meta.endedAt !== undefined && next > lastSeq(meta);
          return exhausted ? { Records: records } : { Records: records, NextShardIterator: encodeIterator({ ...it, next, at: now }) };
        },
      }),
    },
    validate(op, input) {
      const problems = validateInput(model, op, input);
      if (problems.length > 0) throw ddbErrors.validation(formatValidationMessage(problems.slice(0, 10)));
    },
    crossOrigin: anyOriginCors,
    internalError: ddbErrors.internal,
    responseHeaders: (requestId) => ({ "x-amzn-requestid": requestId, server: "Server" }),
    reset: async () => {},
    close: async () => {},
  };
}
