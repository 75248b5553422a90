/**
 * Configuration: flags override NIMBUS_* environment variables, which
 * override defaults. Read once at startup and passed down; nothing deeper
 * reads process.env.
 */
import { resolve } from "node:path";
import type { AuthMode } from "./auth/types.js";

export type LogLevel = "error" | "warn" | "info" | "debug";

export interface NimbusConfig {
  port: number;
  host: string;
  /** Absolute path of the data directory (unused when inMemory). */
  dataDir: string;
  inMemory: boolean;
  auth: AuthMode;
  /** Log every authorization denial with the statement that decided it. */
  logAuth: boolean;
  logLevel: LogLevel;
  /** Region assumed when a request names none (SigV2, anonymous). */
  defaultRegion: string;
  /** How often S3 server access logs are delivered to their target buckets (AWS takes hours). */
  s3LogDeliverySeconds: number;
  /** How long an S3 upload's body may stall before the request is answered RequestTimeout (S3's is about 20 s). */
  requestIdleSeconds: number;
}

export type ConfigInput = Partial<NimbusConfig>;

export const DEFAULT_PORT = 4566;

export function resolveConfig(input: ConfigInput = {}, env: NodeJS.ProcessEnv = {}): NimbusConfig {
  const port = input.port ?? parsePort(env.NIMBUS_PORT) ?? DEFAULT_PORT;
  const auth = input.auth ?? parseAuth(env.NIMBUS_AUTH) ?? "lenient";
  return {
    port,
    host: input.host ?? env.NIMBUS_HOST ?? "127.0.0.1",
    dataDir: resolve(input.dataDir ?? env.NIMBUS_DATA_DIR ?? ".nimbus"),
    inMemory: input.inMemory ?? isTrue(env.NIMBUS_IN_MEMORY),
    auth,
    logAuth: input.logAuth ?? isTrue(env.NIMBUS_LOG_AUTH),
    logLevel: input.logLevel ?? parseLogLevel(env.NIMBUS_LOG_LEVEL) ?? "info",
    defaultRegion: input.defaultRegion ?? env.NIMBUS_DEFAULT_REGION ?? "us-east-1",
    s3LogDeliverySeconds: input.s3LogDeliverySeconds ?? parseSeconds(env.NIMBUS_S3_LOG_DELIVERY_SECONDS) ?? 10,
    requestIdleSeconds: input.requestIdleSeconds ?? parseSeconds(env.NIMBUS_REQUEST_IDLE_SECONDS) ?? 20,
  };
}

export function parsePort(value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port: ${value}`);
  return port;
}

export function parseSeconds(value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 86_400) throw new Error(`invalid number of seconds: ${value} (expected more than 0, at most 86400)`);
  return seconds;
}

export function parseAuth(value: string | undefined): AuthMode | undefined {
  if (value === undefined || value === "") return undefined;
  if (value === "lenient" || value === "strict") return value;
  throw new Error(`invalid auth mode: ${value} (expected lenient or strict)`);
}

function parseLogLevel(value: string | undefined): LogLevel | undefined {
  if (value === undefined || value === "") return undefined;
  if (value === "error" || value === "warn" || value === "info" || value === "debug") return value;
  throw new Error(`invalid log level: ${value}`);
}

function isTrue(value: string | undefined): boolean {
  return value === "1" || value === "true" || value === "yes";
}
