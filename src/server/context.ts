/**
 * What an operation knows about the request it serves. Operations never see
 * HTTP; everything they need beyond their typed input is here.
 */
import type { AuthorizationRequirement } from "./service.js";
import type { IncomingHttpHeaders } from "node:http";
import type { Principal, SignatureMethod } from "../auth/types.js";

export interface RequestContext {
  requestId: string;
  /** Service name as registered (e.g. `s3`). */
  service: string;
  /** AWS operation name (e.g. `PutObject`). */
  operation: string;
  /** Region from the credential scope, or the configured default. */
  region: string;
  /** Account the request acts in: the caller's. */
  accountId: string;
  principal: Principal;
  /** How the request was signed (`none` for an anonymous one). */
  signedWith: SignatureMethod;
  /** The injected clock: operations read time only through it. */
  now(): Date;
  /**
   * Trailing headers of an aws-chunked body (e.g. `x-amz-checksum-crc32`),
   * available once the streamed body has been consumed.
   */
  trailers: ReadonlyMap<string, string>;
  /** Raw request headers, for the few behaviours the models do not bind (e.g. S3's `x-amz-trailer`). */
  headers: IncomingHttpHeaders;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  /** The caller's address (aws:SourceIp). */
  sourceIp?: string;
  /**
   * Whether the caller may do what `requirement` names, for an operation
   * that decides part by part (DeleteObjects answers each key's refusal in
   * its own entry).
   */
  permits?(requirement: AuthorizationRequirement): boolean;
}
