/**
 * Object tagging: PutObjectTagging, GetObjectTagging, DeleteObjectTagging.
 */
import type { OperationTable } from "../../../server/service.js";
import { s3Errors } from "../errors.js";
import { objectArn } from "../names.js";
import { validateTags } from "../object-headers.js";
import { objectKeySources, objectRequirement, checkVersionId, notAllowedOnDeleteMarker, operation, requireBucket, requireVersion, versionHeader, type S3Deps } from "../operation.js";
import { isDeleteMarker, type Tag, type VersionRecord } from "../records.js";

interface ObjectInput {
  Bucket: string;
  Key: string;
  VersionId?: string;
}

interface PutObjectTaggingInput extends ObjectInput {
  Tagging: { TagSet?: Tag[] };
}

/** Tags belong to object versions: a delete marker, even as the current version, refuses them (405). */
function refuseDeleteMarker(version: VersionRecord | undefined, method: string): void {
  if (version && isDeleteMarker(version)) throw notAllowedOnDeleteMarker(version, method);
}

export function taggingOperations({ store }: S3Deps): OperationTable {
  /** Sets the tags of the object or version named; answers its version id in a bucket that has had versioning. */
  const update = async (input: ObjectInput, tags: Tag[], method: string) => {
    const bucket = requireBucket(store, input.Bucket);
    checkVersionId(bucket, input.VersionId);
    const found = await store.updateObject(input.Bucket, input.Key, input.VersionId, (record) => ({ ...record, tags }));
    // What is missing, or a delete marker, is told as a read would tell it.
    if (!found || isDeleteMarker(found)) {
      refuseDeleteMarker(found, method);
      requireVersion(store, bucket, input.Key, input.VersionId, method);
      throw s3Errors.noSuchKey(input.Key);
    }
    return { VersionId: versionHeader(bucket, found) };
  };
  return {
    PutObjectTagging: operation<PutObjectTaggingInput>({
      authorize: (i, ctx) => [
        objectRequirement("s3:PutObjectTagging", i.Bucket, i.Key, i.VersionId, {
          ...objectKeySources(store, ctx, i.Bucket, i.Key, i.VersionId),
          requestTags: () => i.Tagging?.TagSet,
        }),
      ],
      async handle(input) {
        const tags = input.Tagging.TagSet ?? [];
        validateTags(tags);
        return update(input, tags, "PUT");
      },
    }),

    GetObjectTagging: operation<ObjectInput>({
      authorize: (i, ctx) => [objectRequirement("s3:GetObjectTagging", i.Bucket, i.Key, i.VersionId, objectKeySources(store, ctx, i.Bucket, i.Key, i.VersionId))],
      handle(input) {
        const bucket = requireBucket(store, input.Bucket);
        // Here alone S3 names the missing key with its bucket.
        if (input.VersionId === undefined && !store.object(input.Bucket, input.Key) && bucket.versioning === undefined) {
          throw s3Errors.noSuchKey(`${input.Bucket}/${input.Key}`);
        }
        if (input.VersionId === undefined && bucket.versioning !== undefined && !store.object(input.Bucket, input.Key)) {
          refuseDeleteMarker(store.latestVersion(input.Bucket, input.Key), "GET");
        }
        const record = requireVersion(store, bucket, input.Key, input.VersionId, "GET");
        return { VersionId: versionHeader(bucket, record), TagSet: record.tags };
      },
    }),

    DeleteObjectTagging: operation<ObjectInput>({
      authorize: (i, ctx) => [objectRequirement("s3:DeleteObjectTagging", i.Bucket, i.Key, i.VersionId, objectKeySources(store, ctx, i.Bucket, i.Key, i.VersionId))],
      async handle(input) {
        return update(input, [], "DELETE");
      },
    }),
  };
}
