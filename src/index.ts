/**
 * Nimbus as a library: start a private cloud inside a test runner.
 *
 *   import { start } from "nimbus";
 *   const cloud = await start({ port: 0, inMemory: true });
 *   const s3 = new S3Client(cloud.clientConfig);
 *   ...
 *   await cloud.stop();
 */
import { resolveConfig, type ConfigInput } from "./config.js";
import { startNimbus, type Logger, type RunningNimbus } from "./server/nimbus.js";

export type { NimbusConfig, ConfigInput } from "./config.js";
export type { HealthReport } from "./server/internal.js";

export interface StartOptions extends ConfigInput {
  /** Receives log lines; silent by default in-process. */
  logger?: Logger;
  /** The clock (epoch ms) Nimbus goes by, `Date.now` by default; tests of expiry inject one rather than sleep. */
  clock?: () => number;
}

export interface ClientConfig {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** S3 path-style addressing: `endpoint/bucket/key`. */
  forcePathStyle: true;
}

export interface Nimbus extends RunningNimbus {
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Ready-made configuration for any AWS SDK v3 client. */
  clientConfig: ClientConfig;
}

/** The root of account 000000000000, as other local clouds use. */
export const DEFAULT_CREDENTIALS = Object.freeze({ accessKeyId: "test", secretAccessKey: "test" });

/**
 * Starts Nimbus. In-process defaults differ from the CLI's: an ephemeral
 * port and in-memory state unless a data dir is given.
 */
export async function start(options: StartOptions = {}): Promise<Nimbus> {
  const { logger, clock, ...input } = options;
  const config = resolveConfig({ port: 0, inMemory: input.dataDir === undefined, ...input });
  const running = await startNimbus(config, logger ?? (() => {}), clock);
  const credentials = { ...DEFAULT_CREDENTIALS };
  return Object.assign(running, {
    region: config.defaultRegion,
    credentials,
    clientConfig: { endpoint: running.endpoint, region: config.defaultRegion, credentials, forcePathStyle: true as const },
  });
}
