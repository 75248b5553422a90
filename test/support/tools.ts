/**
 * External clients the tests drive (the AWS CLI, boto3). Locally a missing
 * tool skips its tests; under CI=true it fails them, since CI machines
 * carry both.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command without blocking the event loop (the server under test
 * may live in this process) and never throws on a non-zero exit.
 */
export async function runTool(command: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<ToolResult> {
  try {
    const { stdout, stderr } = await run(command, args, { env, cwd, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number | string; stdout?: string; stderr?: string };
    if (typeof e.code !== "number") throw error;
    return { code: e.code, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

/**
 * `false` when the tool is present; otherwise the skip reason for
 * `describe(..., { skip })`. Throws under CI=true.
 */
export async function toolMissing(command: string, args: string[]): Promise<string | false> {
  try {
    await run(command, args, { timeout: 30_000 });
    return false;
  } catch {
    const reason = `${command} is not installed`;
    if (process.env.CI === "true") throw new Error(`${reason}, and CI=true requires it`);
    return reason;
  }
}

/** Environment for a CLI/boto3 child: test credentials, no user config leaking in. */
export function awsEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_DEFAULT_REGION: "us-east-1",
    AWS_CONFIG_FILE: "/nonexistent/nimbus-aws-config",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/nimbus-aws-credentials",
    AWS_PAGER: "",
    ...extra,
  };
}
