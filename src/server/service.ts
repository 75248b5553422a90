/**
 * What a service registers with the edge. A service is its operations plus
 * its store; routing, authentication, parsing, authorization and
 * serialization are shared steps of the pipeline.
 */
import type { PrincipalDirectory } from "../policy/principals.js";
import type { KeyUsage } from "../auth/key-usage.js";
import type { AuthDialect } from "../auth/types.js";
import type { NimbusConfig } from "../config.js";
import type { Operation } from "../protocols/model.js";
import type { IncomingHttpHeaders } from "node:http";
import type { ProtocolCodec, Structure, WireResponse } from "../protocols/types.js";
import type { BlobStore, KvEnvironment } from "../storage/types.js";
import type { RequestContext } from "./context.js";
import type { AwsError } from "./errors.js";

/** One operation: what it needs to be allowed, and what it does. */
export interface OperationDefinition<I extends Structure = Structure, O extends Structure = Structure> {
  /**
   * The IAM actions and resource ARNs this call needs, as the AWS Service
   * Authorization Reference lists them; the policy engine checks each.
   */
  authorize(input: I, ctx: RequestContext): AuthorizationRequirement[];
  handle(input: I, ctx: RequestContext): Promise<O> | O;
}

/** A request's own condition keys, looked up by lower-case name (a Map, or keys worked out when asked). */
export interface RequestKeys {
  get(key: string): string | string[] | undefined;
}

export interface AuthorizationRequirement {
  action: string;
  resource: string;
  /** Condition keys of this request beyond the global ones (`sts:ExternalId`...), named in lower case. */
  keys?: RequestKeys;
  /**
   * What is required instead when the resource turns out not to exist
   * (S3 answers a read of a missing key 404 to who may list the bucket,
   * 403 to others). Asked only where policies are evaluated.
   */
  ifMissing?: { missing(): boolean; requirement: AuthorizationRequirement };
  /**
   * The resource is judged as the caller's own, whoever holds it now: where
   * another account holds it, that account's policies have no say and the
   * operation answers (CreateBucket of a taken name is BucketAlreadyExists,
   * not AccessDenied).
   */
  ownAccount?: boolean;
  /**
   * No resource policy can grant this to another account (DynamoDB's
   * PartiQL and table settings such as time to live): from another
   * account it is refused, whatever the resource's policy says.
   */
  sameAccountOnly?: boolean;
  /**
   * The caller acts as the resource's owner would (an upload's initiator
   * aborting it in another account's bucket): the account that holds the
   * resource need not grant it, but its explicit denials stand.
   */
  actsAsOwner?: boolean;
}

/**
 * An operation with a typed view of its input. The codec has decoded (and
 * the runtime validated) the input against the model shape that `I`
 * describes, so the view is sound.
 */
export function defineOperation<I>(definition: {
  authorize(input: I, ctx: RequestContext): AuthorizationRequirement[];
  handle(input: I, ctx: RequestContext): Promise<Structure> | Structure;
}): OperationDefinition {
  return definition as unknown as OperationDefinition;
}

/** Operation table keyed by AWS operation name; missing names answer NotImplemented. */
export type OperationTable = Readonly<Record<string, OperationDefinition>>;

/** What a service gets from the server: storage and time, never globals. */
export interface ServiceEnvironment {
  config: NimbusConfig;
  kv: KvEnvironment;
  blobs: BlobStore;
  now(): Date;
  /** When IAM users' access keys were last used (read by IAM's GetAccessKeyLastUsed). */
  keyUsage?: KeyUsage;
  /** The server's log, for work a service does outside any request. */
  log?: (level: "error" | "warn" | "info" | "debug", message: string, detail?: unknown) => void;
  /** Another service of the same instance, loaded if it was not (DynamoDB's exports write to S3). */
  peer?(name: string): Promise<ServiceRuntime>;
  /** The users and roles IAM holds, which resource policies may name as principals. */
  principals?: PrincipalDirectory;
}

/** How another service reads and writes objects of S3, as an account would (DynamoDB's exports and imports). */
export interface SharedObjects {
  /** The owner and region of a bucket, if it exists. */
  bucket(name: string): { accountId: string; region: string } | undefined;
  /** The keys of a bucket's current objects under `prefix`, in key order. */
  keys(bucket: string, prefix: string): Iterable<string>;
  /** An object's bytes, or undefined if it is gone. */
  read(bucket: string, key: string): Promise<Buffer | undefined>;
  /**
   * Writes an object as a PUT of `accountId` would, the bucket's defaults
   * applied, or under a KMS key where `kms` says so (the AWS-managed key
   * where it names none); answers its ETag (quoted).
   */
  put(accountId: string, bucket: string, key: string, body: Buffer, contentType: string, kms?: { keyId?: string }): Promise<string>;
}

/** What a service sees of a request that may be cross-origin: it carries an Origin, or is a preflight. */
export interface CrossOriginRequest {
  method: string;
  /** The raw path, as sent. */
  path: string;
  virtualHostBucket?: string;
  headers: IncomingHttpHeaders;
}

/** A preflight's answer, or headers to add to the answer of the request, whatever its status. */
export type CrossOrigin = { preflight: WireResponse } | { headers: Record<string, string> };

/** A request to a bucket's website endpoint: anonymous, answered in HTML. */
export interface WebsiteRequest {
  method: string;
  /** The raw path, as sent. */
  path: string;
  headers: IncomingHttpHeaders;
  bucket: string;
  requestId: string;
  /** The caller's address. */
  sourceIp?: string;
  /** Nimbus's clock (epoch ms). */
  now(): number;
  /** Whether an anonymous caller may do `action` on `resource` (a bucket policy grants it). */
  allowed(action: string, resource: string): boolean;
}

/** A loaded service: codec, operations and lifecycle. */
/** A request an operation answered, as a service's observer sees it. */
export interface AnsweredRequest {
  ctx: RequestContext;
  operation: string;
  input: Structure;
  response: WireResponse;
  error: AwsError | undefined;
  /** The request line's parts, as received. */
  method: string;
  url: string;
  httpVersion: string;
  /** How long the answer took to make, in milliseconds. */
  elapsedMs: number;
}

export interface ServiceRuntime {
  codec: ProtocolCodec;
  operations: OperationTable;
  /**
   * Browsers' cross-origin requests (S3's bucket CORS), seen before
   * authentication, since a preflight carries no credentials. Throws the
   * AwsError a refused preflight answers.
   */
  crossOrigin?(req: CrossOriginRequest): CrossOrigin | undefined;
  /** Serves a bucket's website endpoint (S3 static website hosting). */
  website?(req: WebsiteRequest): Promise<WireResponse>;
  /** Service-specific input checks with its own error codes, after decoding. */
  validate?(op: Operation, input: Structure, ctx: RequestContext): void;
  /** Response headers every answer of this service carries (request ids). */
  responseHeaders(requestId: string): Record<string, string>;
  /** Sees each request an operation answered, successfully or not (S3's server access logs). */
  observe?(answered: AnsweredRequest): void;
  /** What a key too long for the store answers (an S3 key of control characters, escaped past LMDB's limit). */
  keyTooLarge?(): AwsError;
  /** The service's answer to an unexpected failure, where it is not S3's InternalError (DynamoDB's InternalServerError). */
  internalError?(): AwsError;
  /** Large answers are compressed when the request's Accept-Encoding allows it (DynamoDB's). */
  compressesAnswers?: boolean;
  /** Objects written by other services (S3's). */
  sharedObjects?: SharedObjects;
  /** Drops all state (POST /_nimbus/reset). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export interface ServiceDefinition {
  /** Name used in health output and logs. */
  name: string;
  /** Credential-scope service names that route here (SigV4). */
  signingNames: readonly string[];
  /** `X-Amz-Target` prefixes that route here (json protocols). */
  targetPrefixes?: readonly string[];
  dialect: AuthDialect;
  /** Unsigned requests may reach operations (S3 public objects, STS's AssumeRoleWithWebIdentity). */
  allowAnonymous?: boolean;
  /** Unsigned form posts and `Action=` queries to `/` come here (STS: the only query service with unsigned calls). */
  takesUnsignedQueries?: boolean;
  /** Signature version 2 accepted (S3). */
  allowV2?: boolean;
  /** A new request id in the service's own form; by default S3's, 16 upper-case hex digits. */
  newRequestId?(): string;
  /** Built on first use, so idle services cost neither time nor memory. */
  load(env: ServiceEnvironment): Promise<ServiceRuntime>;
}
