/**
 * PostObject: a browser's form upload (`POST /<bucket>`, multipart/form-data),
 * as `generate_presigned_post` and `createPresignedPost` make them.
 * Authentication has read the fields and checked the policy's signature;
 * here the policy's conditions are held against the form, the fields
 * stand for PutObject's headers, and the file is stored as PutObject
 * stores a body.
 */
import { malformedPost, type PostForm } from "../../../auth/post-form.js";
import type { RequestBody } from "../../../protocols/shared/body.js";
import { parseXml, textOf, XmlSyntaxError, type XmlNode } from "../../../protocols/shared/xml.js";
import { AwsError, isAwsError } from "../../../server/errors.js";
import type { OperationTable } from "../../../server/service.js";
import { declaredDigests, ingestBody, INLINE_BODY_BYTES } from "../body.js";
import { s3Errors } from "../errors.js";
import { objectArn } from "../names.js";
import { headersFromInput, validateTags, type ObjectHeaderInput } from "../object-headers.js";
import { aclRequirements, checkEncryption, objectWriteAcl, operation, requireBucket, type S3Deps } from "../operation.js";
import { encryptionOutput } from "../sse-c.js";
import { checkPostPolicy } from "../post-policy.js";
import { S3ConditionKeys } from "../condition-keys.js";
import { newVersionLock, type LockHeadersInput } from "../object-lock.js";
import type { Tag } from "../records.js";
import { virtualHostUrl } from "./bucket.js";
import { storeNewObject, writtenRecord } from "./object.js";

export interface PostObjectInput {
  Bucket: string;
  /** The form's key, `${filename}` replaced by the file's name. */
  Key: string;
  Form: PostForm;
  Body: RequestBody;
}

/** Form fields that stand for PutObject's headers, by lower-cased name. */
const HEADER_FIELDS: Readonly<Record<string, keyof ObjectHeaderInput>> = {
  "content-type": "ContentType",
  "content-encoding": "ContentEncoding",
  "content-disposition": "ContentDisposition",
  "content-language": "ContentLanguage",
  "cache-control": "CacheControl",
  expires: "Expires",
  "x-amz-website-redirect-location": "WebsiteRedirectLocation",
  "x-amz-storage-class": "StorageClass",
};

/** The key a form names, or InvalidArgument as S3 words a missing one. */
export function formKey(form: PostForm): string {
  const key = form.fields.get("key");
  if (key === undefined || key === "") {
    throw new AwsError("InvalidArgument", "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.", 400, {
      ArgumentName: "key",
      ArgumentValue: "",
    });
  }
  return form.filename ? key.replaceAll("${filename}", form.filename) : key;
}

export function postObjectOperations({ store }: S3Deps): OperationTable {
  return {
    PostObject: operation<PostObjectInput>({
      authorize(i) {
        // A form's fields stand for the headers of a PUT (`x-amz-server-side-encryption`, `acl` for `x-amz-acl`).
        const keys = new S3ConditionKeys({ header: (name) => i.Form?.fields?.get(name === "x-amz-acl" ? "acl" : name) });
        const resource = objectArn(i.Bucket, i.Key);
        return [{ action: "s3:PutObject", resource, keys }, ...aclRequirements({ ACL: i.Form?.fields?.get("acl") }, "s3:PutObjectAcl", resource, keys)];
      },
      async handle(input, ctx) {
        const { Form: form, Bucket: bucket, Key: key } = input;
        const fields = form.fields;
        const bucketRecord = requireBucket(store, bucket);
        const acl = objectWriteAcl(bucketRecord, { ACL: fields.get("acl") }, ctx);
        const range = checkPostPolicy(form, bucket, key, ctx.now().getTime());
        const encryption = checkEncryption({
          ServerSideEncryption: fields.get("x-amz-server-side-encryption"),
          SSEKMSKeyId: fields.get("x-amz-server-side-encryption-aws-kms-key-id"),
          SSEKMSEncryptionContext: fields.get("x-amz-server-side-encryption-context"),
          BucketKeyEnabled: booleanField(fields.get("x-amz-server-side-encryption-bucket-key-enabled")),
          SSECustomerAlgorithm: fields.get("x-amz-server-side-encryption-customer-algorithm"),
          SSECustomerKey: fields.get("x-amz-server-side-encryption-customer-key"),
          SSECustomerKeyMD5: fields.get("x-amz-server-side-encryption-customer-key-md5"),
        }, bucketRecord, ctx);
        const lock = newVersionLock(bucketRecord, formLock(fields), ctx.now().getTime());
        const headerInput: ObjectHeaderInput = { ContentType: fields.get("content-type") ?? "binary/octet-stream", Metadata: {} };
        for (const [name, value] of fields) {
          const member = HEADER_FIELDS[name];
          if (member !== undefined && member !== "Metadata") headerInput[member] = value;
          else if (name.startsWith("x-amz-meta-")) headerInput.Metadata![name.slice("x-amz-meta-".length)] = value;
        }
        const headers = headersFromInput(headerInput);
        const tags = formTags(fields.get("tagging"));
        const checksums: Record<string, unknown> = {};
        for (const [name, value] of fields) {
          const algorithm = /^x-amz-checksum-(crc32|crc32c|crc64nvme|sha1|sha256)$/.exec(name)?.[1];
          if (algorithm) checksums[`Checksum${algorithm.toUpperCase()}`] = value;
        }
        const declared = declaredDigests(checksums, {});
        const body = await ingestBody(store.blobs, input.Body, declared, new Map(), INLINE_BODY_BYTES).catch((error: unknown) => {
          // The form ended inside the file (no closing boundary): the parser's error is the client's fault.
          throw isAwsError(error) ? error : malformedPost();
        });
        const record = writtenRecord(headers, body, tags, ctx, { lock, acl, encryption });
        try {
          if (range && body.size > range.max) throw s3Errors.entityTooLarge(body.size, range.max);
          if (range && body.size < range.min) {
            throw new AwsError("EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size", 400, { ProposedSize: body.size, MinSizeAllowed: range.min });
          }
          // Only a form with one file is an upload; the rest of it has been read by now.
          const files = await form.files;
          if (files !== 1) throw new AwsError("InvalidArgument", "POST requires exactly one file upload per request.", 400, { ArgumentName: "file", ArgumentValue: String(Math.max(files, 0)) });
        } catch (error) {
          await store.discardBody(record);
          throw error;
        }
        const versionId = await storeNewObject(store, input, record, body.inline);
        return { ...postAnswer(fields, bucket, key, record.etag, versionId, ctx.headers.host), ...encryptionOutput(encryption) };
      },
    }),
  };
}

/** A form's `true` or `false`, as a header's would be read. */
function booleanField(value: string | undefined): boolean | undefined {
  return value === undefined ? undefined : value.toLowerCase() === "true";
}

/** The Object Lock fields of a form, as PutObject's headers would name them. */
function formLock(fields: ReadonlyMap<string, string>): LockHeadersInput {
  const until = fields.get("x-amz-object-lock-retain-until-date");
  const date = until === undefined ? undefined : new Date(until);
  if (date !== undefined && Number.isNaN(date.getTime())) {
    throw s3Errors.invalidArgument("The retain until date is not valid", "x-amz-object-lock-retain-until-date", until);
  }
  return { ObjectLockMode: fields.get("x-amz-object-lock-mode"), ObjectLockRetainUntilDate: date, ObjectLockLegalHoldStatus: fields.get("x-amz-object-lock-legal-hold") };
}

/** The answer a form asks for: a redirect, 200 or 201 (with a document), else 204. */
function postAnswer(fields: ReadonlyMap<string, string>, bucket: string, key: string, etag: string, versionId: string | undefined, host: string | undefined) {
  const location = `${virtualHostUrl(bucket, host)}${encodeURIComponent(key).replaceAll("%20", "+")}`;
  const redirect = redirectUrl(fields.get("success_action_redirect") ?? fields.get("redirect"));
  const common = { Location: location, ETag: etag, VersionId: versionId, Bucket: bucket, Key: key };
  if (redirect) {
    redirect.searchParams.append("bucket", bucket);
    redirect.searchParams.append("key", key);
    redirect.searchParams.append("etag", etag);
    return { ...common, Status: 303, Location: redirect.toString() };
  }
  const status = fields.get("success_action_status");
  return { ...common, Status: status === "200" ? 200 : status === "201" ? 201 : 204 };
}

/** An absolute http(s) URL; anything else S3 treats as no redirect. */
function redirectUrl(value: string | undefined): URL | undefined {
  if (value === undefined) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:" ? url : undefined;
  } catch {
    return undefined;
  }
}

/** The `tagging` field: a Tagging document; one of another root holds no tags. */
function formTags(document: string | undefined): Tag[] {
  if (document === undefined) return [];
  let parsed: { name: string; node: XmlNode };
  try {
    parsed = parseXml(document);
  } catch (error) {
    if (error instanceof XmlSyntaxError) throw s3Errors.malformedXml();
    throw error;
  }
  if (parsed.name !== "Tagging" || typeof parsed.node === "string") return [];
  const set = parsed.node.TagSet;
  const tagSet = Array.isArray(set) ? set[0] : set;
  if (tagSet === undefined || typeof tagSet === "string") return [];
  const list = tagSet.Tag === undefined ? [] : Array.isArray(tagSet.Tag) ? tagSet.Tag : [tagSet.Tag];
  const tags: Partial<Tag>[] = list.map((tag) => (typeof tag === "string" ? {} : { Key: textOf(first(tag.Key)), Value: textOf(first(tag.Value)) }));
  validateTags(tags);
  return [...tags];
}

function first(node: XmlNode | XmlNode[] | undefined): XmlNode | undefined {
  return Array.isArray(node) ? node[0] : node;
}
