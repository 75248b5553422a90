/**
 * One Nimbus instance: storage, services, pipeline and edge wired together.
 * Instances share nothing, so two can run in one process.
 */
import { createDefaultCredentials, CredentialChain, KeyUsage, StoredKeys } from "../auth/index.js";
import type { NimbusConfig } from "../config.js";
import type { PolicySource } from "../policy/source.js";
import { IamPolicySource } from "../services/iam/policy-source.js";
import { IamStore, principalDirectory } from "../services/iam/store.js";
import { BucketPolicySource } from "../services/s3/policy-source.js";
import { TablePolicySource } from "../services/dynamodb/policy-source.js";
import type { KvEnvironment } from "../storage/types.js";
import { builtinServices } from "../services/index.js";
import { openStorage } from "../storage/index.js";
import { VERSION } from "../version.js";
import { createAuthorizer } from "./authorize.js";
import { createEdge } from "./edge.js";
import type { HealthReport, ServiceState } from "./internal.js";
import { ServiceRouter } from "./router.js";
import type { ServiceDefinition, ServiceEnvironment, ServiceRuntime } from "./service.js";

export type Logger = (level: "error" | "warn" | "info" | "debug", message: string, detail?: unknown) => void;

export interface RunningNimbus {
  /** e.g. `http://127.0.0.1:4566` */
  endpoint: string;
  port: number;
  host: string;
  config: NimbusConfig;
  health(): HealthReport;
  /** Wipes all state of every service. */
  reset(): Promise<void>;
  /** Stops accepting, finishes in-flight requests, closes storage. */
  stop(): Promise<void>;
}

/**
 * Identity policies from IAM; resource policies from S3 buckets, DynamoDB
 * tables and streams, and IAM roles (trust policies): read from storage,
 * whichever service is loaded.
 */
function policySource(kv: KvEnvironment): PolicySource {
  const iam = new IamPolicySource(kv);
  const buckets = new BucketPolicySource(kv);
  const tables = new TablePolicySource(kv);
  return {
    identityPolicies: (principal) => iam.identityPolicies(principal),
    sessionPolicies: (principal) => iam.sessionPolicies(principal),
    principalTags: (principal) => iam.principalTags(principal),
    resourcePolicies: (resource, keys, action) => {
      if (resource.startsWith("arn:aws:iam::")) return iam.resourcePolicies(resource);
      if (resource.startsWith("arn:aws:dynamodb:")) return tables.resourcePolicies(resource);
      return buckets.resourcePolicies(resource, keys, action);
    },
    resourceAccount: (resource, action, keys) => (resource.startsWith("arn:aws:s3:::") ? buckets.resourceAccount(resource, action, keys) : iam.resourceAccount(resource)),
  };
}

export async function startNimbus(config: NimbusConfig, log: Logger, now: () => number = Date.now): Promise<RunningNimbus> {
  const startedAt = now();
  const storage = await openStorage({ dataDir: config.dataDir, inMemory: config.inMemory });
  const catalog = builtinServices();
  const keyUsage = new KeyUsage(storage.kv, now);
  const env: ServiceEnvironment = {
    config,
    kv: storage.kv,
    blobs: storage.blobs,
    now: () => new Date(now()),
    keyUsage,
    log,
    principals: principalDirectory(new IamStore(storage.kv)),
  };

  const runtimes = new Map<ServiceDefinition, Promise<ServiceRuntime>>();
  /** Runtimes that finished loading, handed out without a promise. */
  const ready = new Map<ServiceDefinition, ServiceRuntime>();
  const states = new Map<string, ServiceState>(catalog.all.map((s) => [s.name, "available"]));
  env.peer = (name) => {
    const service = catalog.all.find((s) => s.name === name);
    return service ? Promise.resolve(runtime(service)) : Promise.reject(new Error(`no service named ${name}`));
  };
  const runtime = (service: ServiceDefinition): ServiceRuntime | Promise<ServiceRuntime> => {
    const done = ready.get(service);
    if (done) return done;
    let loaded = runtimes.get(service);
    if (!loaded) {
      loaded = service.load(env);
      runtimes.set(service, loaded);
      loaded.then(
        (value) => {
          ready.set(service, value);
          states.set(service.name, "running");
        },
        (error: unknown) => {
          states.set(service.name, "error");
          runtimes.delete(service);
          log("error", `service ${service.name} failed to load`, error);
        },
      );
    }
    return loaded;
  };

  const edge = createEdge(
    {
      config,
      router: new ServiceRouter(catalog.all, catalog.fallback),
      credentials: new CredentialChain([createDefaultCredentials(), new StoredKeys(storage.kv, keyUsage)]),
      authorizer: createAuthorizer({
        mode: config.auth,
        policies: policySource(storage.kv),
        logDenials: config.logAuth ? (line) => log("info", line) : undefined,
      }),
      runtime,
      now,
      log,
    },
    { health: () => health(), reset: () => reset() },
  );

  function health(): HealthReport {
    return {
      version: VERSION,
      uptimeSeconds: Math.round((now() - startedAt) / 1000),
      auth: config.auth,
      persistence: config.inMemory ? "memory" : "disk",
      services: Object.fromEntries(states),
    };
  }

  async function reset(): Promise<void> {
    const loaded = await Promise.all(runtimes.values());
    await keyUsage.clear();
    await storage.clear();
    await Promise.all(loaded.map((r) => r.reset()));
  }

  let address;
  try {
    address = await edge.listen(config.port, config.host);
  } catch (error) {
    await storage.close();
    throw error;
  }
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  let stopping: Promise<void> | undefined;
  return {
    endpoint: `http://${host}:${address.port}`,
    port: address.port,
    host: config.host,
    config,
    health,
    reset,
    stop() {
      stopping ??= (async () => {
        await edge.close();
        const loaded = await Promise.allSettled(runtimes.values());
        for (const r of loaded) if (r.status === "fulfilled") await r.value.close();
        await keyUsage.close();
        await storage.close();
      })();
      return stopping;
    },
  };
}
