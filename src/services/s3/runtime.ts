/**
 * S3's runtime: its codec (rest-xml with S3's own error and status
 * conventions) and its operation table.
 */
import { sharedObjects } from "./shared-objects.js";
import { AccessLogger } from "./access-log.js";
import { Replicator } from "./replication.js";
import { loadModel, type Operation } from "../../protocols/model.js";
import { inWireOrder } from "./wire-order.js";
import { escapeText, XML_DECLARATION } from "../../protocols/shared/xml.js";
import { createCodec } from "../../protocols/index.js";
import type { ProtocolCodec, Structure, WireResponse } from "../../protocols/types.js";
import type { ServiceEnvironment, ServiceRuntime } from "../../server/service.js";
import { AwsError } from "../../server/errors.js";
import { credentialScopeService } from "../../server/router.js";
import { crossOrigin } from "./cors.js";
import { LifecycleSweeper } from "./lifecycle-sweep.js";
import { serveWebsite } from "./website.js";
import { s3Errors } from "./errors.js";
import { checkDocumentDigests, checksumHeader } from "./body.js";
import { CHECKSUM_ALGORITHMS } from "./records.js";
import { HeldBody, readBody } from "../../protocols/shared/body.js";
import type { IncomingHttpHeaders } from "node:http";
import { assertValidKey } from "./names.js";
import { checkExpectedOwners } from "./expected-owner.js";
import { bucketConfigOperations } from "./operations/bucket-config.js";
import { reportConfigOperations } from "./operations/report-configs.js";
import { bucketOperations, virtualHost } from "./operations/bucket.js";
import { copyOperations } from "./operations/copy.js";
import { listingOperations } from "./operations/listing.js";
import { multipartOperations } from "./operations/multipart.js";
import { objectOperations } from "./operations/object.js";
import { policyOperations } from "./operations/policy.js";
import { formKey, postObjectOperations } from "./operations/post-object.js";
import { taggingOperations } from "./operations/tagging.js";
import { S3Store } from "./store.js";
import { S3_XML_ROOTS } from "./xml-roots.js";

/** Largest XML request body S3 reads (DeleteObjects with 1,000 long keys fits). */
const MAX_XML_BODY = 2 * 1024 * 1024;

/** Operations whose answers carry `x-amz-bucket-region`, given by their handlers as BucketRegion. */
const LISTINGS = new Set(["ListObjects", "ListObjectsV2", "ListObjectVersions"]);

/** The regions that still take Signature Version 2 (those opened before 2014); the others answer it InvalidRequest. */
const SIGV2_REGIONS: ReadonlySet<string> = new Set(["us-east-1", "us-west-1", "us-west-2", "eu-west-1", "ap-northeast-1", "ap-southeast-1", "ap-southeast-2", "sa-east-1"]);

/** Operations answered whatever region their bucket is in. */
const REGION_FREE = new Set(["CreateBucket", "GetBucketLocation"]);

export async function createS3Runtime(env: ServiceEnvironment): Promise<ServiceRuntime> {
  const store = new S3Store(env.kv, env.blobs);
  await store.collectOrphanBlobs();
  const deps = { store, principals: env.principals };
  const sweeper = new LifecycleSweeper(store, () => env.now().getTime(), (error) => env.log?.("error", "s3 lifecycle sweep failed", error));
  const replicator = new Replicator(store, () => env.now().getTime(), (error) => env.log?.("error", "s3 replication failed", error));
  store.onReplicable = (bucket, key, versionId) => replicator.enqueue(bucket, key, versionId);
  for (const { bucket, key, versionId } of store.unreplicated.splice(0)) replicator.enqueue(bucket, key, versionId);
  const accessLog = new AccessLogger(store, env.config.s3LogDeliverySeconds, () => env.now().getTime(), (error) =>
    env.log?.("error", "s3 access log delivery failed", error),
  );
  return {
    codec: s3Codec(createCodec(inWireOrder(loadModel("s3")), {
      errorWrapping: false,
      xmlRootNames: S3_XML_ROOTS,
      maxBodyBytes: MAX_XML_BODY,
      malformedError: () => s3Errors.malformedXml(),
      missingPayloadError: () => s3Errors.missingRequestBody(),
      invalidValueError: (member, value) => s3Errors.invalidValue(member, value),
      emptyQueryNumbersAbsent: true,
    })),
    operations: {
      ...bucketOperations(deps),
      ...bucketConfigOperations(deps),
      ...reportConfigOperations(deps),
      ...objectOperations(deps),
      ...copyOperations(deps),
      ...taggingOperations(deps),
      ...listingOperations(deps),
      ...multipartOperations(deps),
      ...policyOperations(deps),
      ...postObjectOperations(deps),
    },
    // Runs before authorization: S3 tells even an anonymous caller that a bucket does not exist.
    validate(op, input, ctx) {
      sweeper.poke();
      // No key is longer: every operation on one refuses it, reads and deletes too.
      if (typeof input.Key === "string") assertValidKey(input.Key);
      refuseUnsupportedChecksums(input);
      if (ctx.principal.type === "anonymous" && op.name !== "CreateBucket" && typeof input.Bucket === "string" && !store.bucket(input.Bucket)) {
        throw s3Errors.noSuchBucket(input.Bucket);
      }
      // A request signed (SigV4) for another region than its bucket's is sent there, as a region's endpoint sends it.
      // CreateBucket answers for the name itself, and GetBucketLocation is how a caller finds the region.
      if ((ctx.signedWith === "v4-header" || ctx.signedWith === "v4-query") && typeof input.Bucket === "string" && !REGION_FREE.has(op.name)) {
        const region = store.bucket(input.Bucket)?.region;
        if (region !== undefined && region !== ctx.region) throw s3Errors.permanentRedirect(input.Bucket, region, virtualHost(input.Bucket, ctx.headers.host));
      }
      // Regions opened since 2014 take Signature Version 4 only (GetBucketLocation, which finds the region, is answered globally).
      if ((ctx.signedWith === "v2-header" || ctx.signedWith === "v2-query" || ctx.signedWith === "v2-form") && typeof input.Bucket === "string" && !REGION_FREE.has(op.name)) {
        const region = store.bucket(input.Bucket)?.region;
        if (region !== undefined && !SIGV2_REGIONS.has(region)) throw s3Errors.invalidRequest("The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.");
      }
      // Every operation that takes a bucket owner condition checks it here, before its handler reads the bucket.
      checkExpectedOwners(store, input);
    },
    crossOrigin: (req) => crossOrigin(store, req),
    website: async (req) => {
      const started = performance.now();
      const response = await serveWebsite(store, req);
      accessLog.observeWebsite(req, response, performance.now() - started);
      return response;
    },
    responseHeaders: (requestId) => ({ "x-amz-request-id": requestId, "x-amz-id-2": requestId, server: "AmazonS3" }),
    keyTooLarge: () => s3Errors.keyTooLong(),
    sharedObjects: sharedObjects(store, () => env.now().getTime()),
    observe: (answered) => accessLog.observe(answered),
    reset: async () => {
      await sweeper.settled();
      replicator.clear();
      await replicator.settled();
      await accessLog.clear();
      store.forgetCaches();
    },
    close: async () => {
      await replicator.settled();
      await accessLog.close();
      await sweeper.close();
    },
  };
}

/** The bucket of a `/<bucket>` path (a virtual host's bucket is folded in), as sent if its escapes are not UTF-8. */
function bucketOfPath(path: string): string {
  const segment = path.split("/")[1] ?? "";
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Operations whose body is an object's bytes, streamed and digested as they are stored. */
const STREAMED_BODIES: ReadonlySet<string> = new Set(["PutObject", "UploadPart", "PostObject"]);

/** The `x-amz-checksum-*` header names, made once: every request that is not an upload looks for them. */
const CHECKSUM_HEADERS: readonly string[] = CHECKSUM_ALGORITHMS.map(checksumHeader);

function hasDeclaredDigest(headers: IncomingHttpHeaders, checksums: boolean): boolean {
  if (headers["content-md5"] !== undefined && headers["content-md5"] !== "") return true;
  if (!checksums) return false;
  for (const name of CHECKSUM_HEADERS) if (headers[name] !== undefined) return true;
  return false;
}

/** S3's newer checksum algorithms, which Nimbus neither verifies nor keeps. */
const UNSUPPORTED_CHECKSUMS: readonly string[] = ["MD5", "SHA512", "XXHASH64", "XXHASH3", "XXHASH128"];

/**
 * A checksum of an algorithm Nimbus does not compute is refused as S3
 * refuses a header whose feature it lacks, naming the header, rather than
 * taken unchecked and dropped.
 */
function refuseUnsupportedChecksums(input: Structure): void {
  for (const algorithm of UNSUPPORTED_CHECKSUMS) {
    if (input[`Checksum${algorithm}`] !== undefined) throw s3Errors.headerNotImplemented(`x-amz-checksum-${algorithm.toLowerCase()}`);
  }
}

/** Writes S3 answers with 204 where the model says 200. */
const NO_CONTENT_PUTS: ReadonlySet<string> = new Set([
  "PutBucketPolicy",
  "PutBucketTagging",
  "PutBucketMetricsConfiguration",
  "PutBucketAnalyticsConfiguration",
  "PutBucketInventoryConfiguration",
  "PutBucketIntelligentTieringConfiguration",
]);

/** PostObject, which the service model does not describe. */
const POST_OBJECT: Operation = { name: "PostObject", http: { method: "POST", requestUri: "/{Bucket}" } };

/** A form upload's answer: 303 to its redirect, 201 with a PostResponse document, or an empty 200 or 204. */
function postObjectResponse(output: Record<string, unknown>): WireResponse {
  const text = (name: string) => String(output[name] ?? "");
  const headers: Record<string, string> = { location: text("Location"), etag: text("ETag") };
  // SSE-S3, a KMS key, or the customer key the form named.
  if (output.SSECustomerKeyMD5 === undefined) headers["x-amz-server-side-encryption"] = text("ServerSideEncryption");
  else Object.assign(headers, { "x-amz-server-side-encryption-customer-algorithm": "AES256", "x-amz-server-side-encryption-customer-key-md5": text("SSECustomerKeyMD5") });
  if (output.SSEKMSKeyId !== undefined) headers["x-amz-server-side-encryption-aws-kms-key-id"] = text("SSEKMSKeyId");
  if (output.BucketKeyEnabled === true) headers["x-amz-server-side-encryption-bucket-key-enabled"] = "true";
  if (output.VersionId !== undefined) headers["x-amz-version-id"] = text("VersionId");
  const status = Number(output.Status);
  if (status !== 201) return { status, headers };
  const body =
    `${XML_DECLARATION}\n<PostResponse><Location>${escapeText(text("Location"))}</Location><Bucket>${escapeText(text("Bucket"))}</Bucket>` +
    `<Key>${escapeText(text("Key"))}</Key><ETag>${escapeText(text("ETag"))}</ETag></PostResponse>`;
  return { status, headers: { ...headers, "content-type": "application/xml" }, body };
}

/**
 * S3 conventions the model does not describe: a ranged GET or HEAD answers 206,
 * PutBucketPolicy and PutBucketTagging 204, HeadBucket names XML as its type, a 304 carries no
 * body, and GetBucketLocation's document is a bare `<LocationConstraint>`
 * element.
 */
function s3Codec(codec: ProtocolCodec): ProtocolCodec {
  return {
    model: codec.model,
    resolve(req) {
      // Browser form uploads are not in the service model: authentication read their form.
      if (req.form) return POST_OBJECT;
      const op = codec.resolve(req);
      // `GET /` signed for s3express without an x-id (botocore sends none) lists directory buckets.
      if (op?.name === "ListBuckets" && credentialScopeService(req.headers.authorization, req.rawQuery) === "s3express") return codec.model.operations.ListDirectoryBuckets;
      // S3 Express's CreateSession, as SDKs send it path-style (`/bucket//?session`): named in its 501.
      if (op === undefined && req.method === "GET" && req.query.has("session")) return codec.model.operations.CreateSession;
      if (op === undefined && req.method === "POST" && req.rawQuery === "" && /^\/[^/]+\/?$/.test(req.path)) {
        throw new AwsError("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", 412, {
          Condition: "Bucket POST must be of the enclosure-type multipart/form-data",
        });
      }
      return op;
    },
    parseInput(op, req) {
      // A part belongs to an upload, not to a version: S3 refuses a version id on UploadPart, whatever its value (AWS capture).
      const versionId = op.name === "UploadPart" ? req.query.get("versionId") : null;
      if (versionId !== null) throw s3Errors.invalidArgument("This operation does not accept a version-id.", "versionId", versionId);
      // A Complete's checksum headers name the object's checksum, not its document's.
      const checksums = op.name !== "CompleteMultipartUpload";
      if (!STREAMED_BODIES.has(op.name) && hasDeclaredDigest(req.headers, checksums)) {
        // A document is read whole anyway: its declared digests are checked first.
        return readBody(req.body, MAX_XML_BODY).then((bytes) => {
          checkDocumentDigests(bytes, req.headers, checksums);
          req.body = new HeldBody(bytes);
          return codec.parseInput(op, req);
        });
      }
      if (op !== POST_OBJECT || !req.form) return codec.parseInput(op, req);
      return { Bucket: bucketOfPath(req.path), Key: formKey(req.form), Form: req.form, Body: req.body };
    },
    serializeOutput(op, output, ctx) {
      if (op === POST_OBJECT) return postObjectResponse(output);
      if (op.name === "GetBucketLocation") {
        const region = typeof output.LocationConstraint === "string" ? output.LocationConstraint : "";
        const body = `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${region}</LocationConstraint>`;
        return { status: 200, headers: { "content-type": "application/xml" }, body };
      }
      const response = codec.serializeOutput(op, output, ctx);
      // A satisfiable Range answers 206 on HEAD as on GET, and so does a part (whose HEAD has no Content-Range).
      if ((op.name === "GetObject" || op.name === "HeadObject") && (output.ContentRange !== undefined || output.PartsCount !== undefined)) response.status = 206;
      // S3 answers a stored bucket policy, tag set or reporting configuration with 204, and a bucket's HEAD as XML.
      if (NO_CONTENT_PUTS.has(op.name)) response.status = 204;
      if (op.name === "HeadBucket") response.headers["content-type"] = "application/xml";
      // The listings name their bucket's region as HeadBucket does, though their model has no member for it.
      if (LISTINGS.has(op.name) && typeof output.BucketRegion === "string") response.headers["x-amz-bucket-region"] = output.BucketRegion;
      // A restore begun answers 202; one of a copy already restored, 200.
      if (op.name === "RestoreObject" && output.Accepted === true) response.status = 202;
      return response;
    },
    serializeError(error, ctx, op) {
      if (error.status === 304) return { status: 304, headers: { ...error.headers } };
      return codec.serializeError(error, ctx, op);
    },
  };
}
