/**
 * The `nimbus` command: start, status, reset.
 */
import { parseArgs } from "node:util";
import { DEFAULT_PORT, parseAuth, parsePort, parseSeconds, resolveConfig, type LogLevel } from "../config.js";
import { startNimbus, type Logger } from "../server/nimbus.js";
import { isFailedCommit } from "../storage/commit-failure.js";
import { VERSION } from "../version.js";

const USAGE = `Usage: nimbus <command> [options]

Commands:
  start     Serve every service on one port
  status    Print the health of a running Nimbus
  reset     Wipe all state of a running Nimbus

Options for start:
  --port <n>          Port (env NIMBUS_PORT, default ${DEFAULT_PORT}; 0 picks a free one)
  --host <addr>       Address to bind (env NIMBUS_HOST, default 127.0.0.1)
  --data-dir <dir>    Where state is kept (env NIMBUS_DATA_DIR, default ./.nimbus)
  --in-memory         Keep nothing on disk (env NIMBUS_IN_MEMORY=1)
  --auth <mode>       lenient (default) or strict (env NIMBUS_AUTH)
  --log-auth          Log every authorization denial (env NIMBUS_LOG_AUTH=1)
  --log-level <lvl>   error, warn, info (default) or debug (env NIMBUS_LOG_LEVEL)
  --s3-log-delivery-seconds <n>
                      How often S3 server access logs are delivered (env NIMBUS_S3_LOG_DELIVERY_SECONDS, default 10)
  --request-idle-seconds <n>
                      How long an upload's body may stall before S3's RequestTimeout (env NIMBUS_REQUEST_IDLE_SECONDS, default 20)

Options for status and reset:
  --endpoint <url>    Nimbus to talk to (env NIMBUS_ENDPOINT, default http://127.0.0.1:${DEFAULT_PORT})
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "start":
      return startCommand(rest);
    case "status":
      return statusCommand(rest);
    case "reset":
      return resetCommand(rest);
    case "--version":
    case "-v":
      console.log(VERSION);
      return 0;
    case undefined:
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(USAGE);
      return command === undefined ? 1 : 0;
    default:
      process.stderr.write(`nimbus: unknown command '${command}'\n\n${USAGE}`);
      return 1;
  }
}

async function startCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      "data-dir": { type: "string" },
      "in-memory": { type: "boolean" },
      auth: { type: "string" },
      "log-auth": { type: "boolean" },
      "log-level": { type: "string" },
      "s3-log-delivery-seconds": { type: "string" },
      "request-idle-seconds": { type: "string" },
    },
  });
  const config = resolveConfig(
    {
      port: parsePort(values.port),
      host: values.host,
      dataDir: values["data-dir"],
      inMemory: values["in-memory"],
      auth: parseAuth(values.auth),
      logAuth: values["log-auth"],
      logLevel: values["log-level"] as LogLevel | undefined,
      s3LogDeliverySeconds: parseSeconds(values["s3-log-delivery-seconds"]),
      requestIdleSeconds: parseSeconds(values["request-idle-seconds"]),
    },
    process.env,
  );
  const log = consoleLogger(config.logLevel);
  // A commit that failed leaves lmdb a rejected promise no caller holds; its
  // requests were answered 500 and logged, and the server goes on. Any other
  // unhandled rejection still ends the process, as Node would.
  process.on("unhandledRejection", (reason) => {
    if (isFailedCommit(reason)) return;
    throw reason;
  });
  const nimbus = await startNimbus(config, log);
  const where = config.inMemory ? "in memory" : `data in ${config.dataDir}`;
  console.log(`Nimbus ${VERSION} ready on ${nimbus.endpoint} (${where}, auth ${config.auth})`);

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log("info", `${signal}: finishing in-flight requests`);
      nimbus.stop().then(resolve, (error: unknown) => {
        log("error", "shutdown failed", error);
        resolve();
      });
    };
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
  });
  return 0;
}

async function statusCommand(args: string[]): Promise<number> {
  const endpoint = endpointOption(args);
  try {
    const response = await fetch(`${endpoint}/_nimbus/health`);
    console.log(JSON.stringify(await response.json(), null, 2));
    return response.ok ? 0 : 1;
  } catch {
    console.error(`nimbus: no Nimbus answers at ${endpoint}`);
    return 1;
  }
}

async function resetCommand(args: string[]): Promise<number> {
  const endpoint = endpointOption(args);
  try {
    const response = await fetch(`${endpoint}/_nimbus/reset`, { method: "POST" });
    if (!response.ok) throw new Error(String(response.status));
    console.log(`reset ${endpoint}`);
    return 0;
  } catch {
    console.error(`nimbus: no Nimbus answers at ${endpoint}`);
    return 1;
  }
}

function endpointOption(args: string[]): string {
  const { values } = parseArgs({ args, options: { endpoint: { type: "string" } } });
  return (values.endpoint ?? process.env.NIMBUS_ENDPOINT ?? `http://127.0.0.1:${DEFAULT_PORT}`).replace(/\/$/, "");
}

const LEVELS: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

function consoleLogger(level: LogLevel): Logger {
  return (lvl, message, detail) => {
    if (LEVELS[lvl] > LEVELS[level]) return;
    const line = `${new Date().toISOString()} ${lvl.padEnd(5)} ${message}`;
    if (detail === undefined) console.error(line);
    else console.error(line, detail instanceof Error ? (detail.stack ?? detail.message) : detail);
  };
}
