/**
 * Who is calling. Authentication turns a request's signature into a
 * Principal; the policy engine (strict mode) later decides what it may do.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";
import type { RequestBody } from "../protocols/shared/body.js";
import type { PostForm } from "./post-form.js";

export type PrincipalType = "root" | "user" | "assumed-role" | "anonymous";

export interface Principal {
  type: PrincipalType;
  accountId: string;
  /** e.g. `arn:aws:iam::000000000000:root`; `*` for anonymous. */
  arn: string;
  /** aws:userid: the account id for root, AIDA… for users, AROA…:session for roles. */
  userId: string;
  accessKeyId?: string;
  /** A role session's transitive session tags: they pass down a role chain and cannot be set again along it. */
  transitiveTags?: readonly { Key: string; Value: string }[];
  /** A role session's session tags, those it inherited along a role chain among them: its `aws:PrincipalTag/…` over the role's own tags. */
  sessionTags?: readonly { Key: string; Value: string }[];
  /**
   * A role session's role, `arn:aws:iam::<account>:role/<path><name>`: a
   * policy naming the role reaches its sessions, and it is the session's
   * `aws:PrincipalArn`. (Sessions made before it was kept: see roleArnOf.)
   */
  roleArn?: string;
  /**
   * A role session's session policies (AssumeRole's `Policy` text and
   * `PolicyArns`): in strict mode the session may do only what these allow
   * as well as the role's own policies.
   */
  sessionPolicy?: string;
  sessionPolicyArns?: readonly string[];
  /**
   * The identity provider a web-identity caller comes through (an OIDC
   * provider's ARN, or `accounts.google.com`...): the `Federated`
   * principal a role's trust policy names, while its
   * AssumeRoleWithWebIdentity is judged.
   */
  federated?: string;
}

export interface KnownCredentials {
  secretAccessKey: string;
  principal: Principal;
  /** Temporary credentials require this token in X-Amz-Security-Token. */
  sessionToken?: string;
  /** Epoch ms after which temporary credentials stop working. */
  expiresAt?: number;
  active: boolean;
}

/** Where keys come from: the built-in `test` key, and later IAM and STS. */
export interface CredentialProvider {
  lookup(accessKeyId: string): KnownCredentials | undefined;
  /**
   * A request signed with this known key was authenticated (for IAM's
   * GetAccessKeyLastUsed). Called on every such request: must not wait or write.
   */
  noteUse?(accessKeyId: string, service: string, region: string, when: number): void;
}

export type AuthMode = "lenient" | "strict";

/**
 * Each protocol family names auth failures its own way (S3's
 * `SignatureDoesNotMatch` is DynamoDB's `InvalidSignatureException`).
 */
export type AuthDialect = "s3" | "json" | "query";

/** The request as it came off the socket, before any routing rewrite. */
export interface AuthRequest {
  method: string;
  /** Raw path as received, percent-encoded, without the query. */
  path: string;
  /** Raw query string without `?`. */
  rawQuery: string;
  headers: IncomingHttpHeaders;
  body: Readable;
  /** S3 bucket named by the Host header (`<bucket>.s3.localhost`); SigV2 signs `/<bucket><path>`. */
  virtualHostBucket?: string;
}

export interface AuthResult {
  principal: Principal;
  /** How the request was signed; `none` for anonymous requests. */
  method: SignatureMethod;
  /** Region and service of the SigV4 credential scope, when signed with v4. */
  region?: string;
  service?: string;
  /**
   * The payload to hand on: aws-chunked framing removed, hashes and chunk
   * signatures verified as it flows; the bytes themselves when
   * authentication read the document whole.
   */
  body: RequestBody;
  /** Payload length when known (`x-amz-decoded-content-length` for aws-chunked). */
  contentLength?: number;
  /**
   * Trailing headers of an aws-chunked body (e.g. `x-amz-checksum-crc32`),
   * lower-cased; filled in when `body` ends, empty before.
   */
  trailers: ReadonlyMap<string, string>;
  /** An S3 POST form's fields, read ahead of its file (which is `body`). */
  form: PostForm | undefined;
}

export interface AuthOptions {
  mode: AuthMode;
  dialect: AuthDialect;
  credentials: CredentialProvider;
  /** Injected clock (epoch ms), for expiry and skew checks. */
  now: () => number;
  /** Anonymous (unsigned) requests are allowed through as the anonymous principal (S3). */
  allowAnonymous: boolean;
  /** Signature version 2 is accepted (S3 only). */
  allowV2: boolean;
}

/** How a request was signed: Signature Version 4 or 2, in its header, query string or POST form; `none` when unsigned. */
export type SignatureMethod = "v4-header" | "v4-query" | "v2-header" | "v2-query" | "v4-form" | "v2-form" | "none";
