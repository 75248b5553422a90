/**
 * Types of the official AWS service models (botocore's JSON format, copied
 * into models/ by scripts/sync-models.js) and their loader. Everything
 * wire-shaped in Nimbus is derived from these models.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export type Protocol = "rest-xml" | "rest-json" | "json" | "query" | "ec2";

export type MemberLocation = "uri" | "querystring" | "header" | "headers" | "statusCode";

/** A reference from a member (or list member, map key/value) to a shape, with its wire traits. */
export interface ShapeRef {
  shape: string;
  location?: MemberLocation;
  locationName?: string;
  queryName?: string;
  xmlNamespace?: { prefix?: string; uri: string };
  xmlAttribute?: boolean;
  flattened?: boolean;
  streaming?: boolean;
  jsonvalue?: boolean;
  timestampFormat?: TimestampFormat;
  idempotencyToken?: boolean;
  hostLabel?: boolean;
  eventpayload?: boolean;
  contextParam?: { name: string };
  /** On an operation's output: the query protocol's `<XResult>` wrapper. */
  resultWrapper?: string;
}

export type TimestampFormat = "iso8601" | "rfc822" | "unixTimestamp";

export type ShapeType =
  | "structure" | "list" | "map" | "string" | "integer" | "long" | "float" | "double"
  | "boolean" | "timestamp" | "blob" | "bigdecimal" | "biginteger";

export interface Shape {
  type: ShapeType;
  members?: Record<string, ShapeRef>;
  required?: string[];
  member?: ShapeRef;
  key?: ShapeRef;
  value?: ShapeRef;
  enum?: string[];
  min?: number;
  max?: number;
  pattern?: string;
  /** Structure member sent as the whole HTTP body (REST protocols). */
  payload?: string;
  locationName?: string;
  flattened?: boolean;
  xmlNamespace?: { prefix?: string; uri: string };
  timestampFormat?: TimestampFormat;
  streaming?: boolean;
  requiresLength?: boolean;
  sensitive?: boolean;
  document?: boolean;
  union?: boolean;
  event?: boolean;
  eventstream?: boolean;
  exception?: boolean;
  fault?: boolean;
  error?: { code?: string; httpStatusCode?: number; senderFault?: boolean };
}

export interface Operation {
  name: string;
  http: { method: string; requestUri: string; responseCode?: number };
  input?: ShapeRef;
  output?: ShapeRef;
  errors?: ShapeRef[];
  httpChecksum?: { requestChecksumRequired?: boolean; requestAlgorithmMember?: string; requestValidationModeMember?: string; responseAlgorithms?: string[] };
  httpChecksumRequired?: boolean;
  deprecated?: boolean;
}

export interface ServiceMetadata {
  apiVersion: string;
  endpointPrefix: string;
  protocol: Protocol;
  protocols?: Protocol[];
  serviceId: string;
  signingName?: string;
  targetPrefix?: string;
  jsonVersion?: string;
  xmlNamespace?: string;
  globalEndpoint?: string;
  awsQueryCompatible?: Record<string, unknown>;
}

export interface ServiceModel {
  metadata: ServiceMetadata;
  operations: Record<string, Operation>;
  shapes: Record<string, Shape>;
}

const cache = new Map<string, ServiceModel>();

/** Loads models/<name>.json once; services call this lazily, on first use. */
export function loadModel(name: string): ServiceModel {
  let model = cache.get(name);
  if (!model) {
    const url = new URL(`../../models/${name}.json`, import.meta.url);
    model = JSON.parse(readFileSync(fileURLToPath(url), "utf8")) as ServiceModel;
    // Operations are looked up by names clients send: `toString` must find nothing.
    model.operations = Object.assign(Object.create(null) as Record<string, Operation>, model.operations);
    cache.set(name, model);
  }
  return model;
}

/** The shape a reference points to; throws on a broken model (a bug, not user input). */
export function resolveShape(model: ServiceModel, ref: ShapeRef): Shape {
  const shape = model.shapes[ref.shape];
  if (!shape) throw new Error(`model ${model.metadata.serviceId}: unknown shape ${ref.shape}`);
  return shape;
}
