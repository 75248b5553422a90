/**
 * Object tagging: PutObjectTagging, GetObjectTagging, DeleteObjectTagging.
 */
import type { OperationTable } from "../../../server/service.js";
import { s3Errors } from "../errors.js";
import { objectArn } from "../names.js";
import { validateTags } from "../object-headers.js";
import { checkVersionId, operation, requireBucket, type S3Deps } from "../operation.js";
import type { Tag } from "../records.js";

interface ObjectInput {
  Bucket: string;
  Key: string;
  VersionId?: string;
}

interface PutObjectTaggingInput extends ObjectInput {
  Tagging: { TagSet?: Tag[] };
}

export function taggingOperations({ store }: S3Deps): OperationTable {
  const update = async (input: ObjectInput, tags: Tag[]) => {
    requireBucket(store, input.Bucket);
    checkVersionId(input.VersionId);
    const found = await store.updateObject(input.Bucket, input.Key, (record) => ({ ...record, tags }));
    if (!found) throw s3Errors.noSuchKey(input.Key);
  };
  return {
    PutObjectTagging: operation<PutObjectTaggingInput>({
      authorize: (i) => [{ action: "s3:PutObjectTagging", resource: objectArn(i.Bucket, i.Key) }],
      async handle(input) {
        const tags = input.Tagging.TagSet ?? [];
        validateTags(tags);
        await update(input, tags);
        return {};
      },
    }),

    GetObjectTagging: operation<ObjectInput>({
      authorize: (i) => [{ action: "s3:GetObjectTagging", resource: objectArn(i.Bucket, i.Key) }],
      handle(input) {
        requireBucket(store, input.Bucket);
        const record = store.object(input.Bucket, input.Key);
        // Here alone S3 names the missing key with its bucket.
        if (!record) throw s3Errors.noSuchKey(`${input.Bucket}/${input.Key}`);
        checkVersionId(input.VersionId);
        return { TagSet: record.tags };
      },
    }),

    DeleteObjectTagging: operation<ObjectInput>({
      authorize: (i) => [{ action: "s3:DeleteObjectTagging", resource: objectArn(i.Bucket, i.Key) }],
      async handle(input) {
        await update(input, []);
        return {};
      },
    }),
  };
}
