/**
 * The IAM suite: what the policy engine costs. Decisions per second for a
 * user with 10 attached policies of 10 statements each (the engine alone,
 * then the whole strict-mode step with the policies read from IAM's store),
 * and the S3 small GET signed by that user, strict mode against lenient.
 */
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, AttachUserPolicyCommand, CreatePolicyCommand } from "@aws-sdk/client-iam";
import { waitForQuiet } from "./lib/cpu.js";
import { replay, type LoadOptions } from "./lib/load.js";
import { step, type Log, type Measured } from "./lib/measure.js";
import type { Row, SuiteResult } from "./lib/report.js";
import { signS3, type Credentials } from "./lib/sign.js";
import { startFloor, startNimbus, type Server } from "./lib/servers.js";
import type { Principal } from "../src/auth/types.js";
import { parsePolicy } from "../src/policy/document.js";
import { evaluate, globalContextKeys, type NamedPolicy, type RequestFacts } from "../src/policy/evaluate.js";
import { createAuthorizer } from "../src/server/authorize.js";
import type { RequestContext } from "../src/server/context.js";
import { IamPolicySource } from "../src/services/iam/policy-source.js";
import { createIamRuntime } from "../src/services/iam/runtime.js";
import { openMemoryBlobStore } from "../src/storage/blobs.js";
import { openMemoryEnvironment } from "../src/storage/memory-kv.js";
import type { KvEnvironment } from "../src/storage/types.js";
import { rootPrincipal } from "../src/auth/credentials.js";
import { resolveConfig } from "../src/config.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1);
const SMALL_LOAD: LoadOptions = { connections: 32, seconds: SECONDS, warmupSeconds: WARMUP };
const POLICIES = 10;
const STATEMENTS = 10;
const ACCOUNT = "000000000000";
const USER = "bench-user";
const BUCKET = "bench";
const ROOT_KEYS: Credentials = { accessKeyId: "test", secretAccessKey: "test" };

/**
 * Ten statements of the kinds real policies hold: exact and wildcard
 * actions, resource prefixes, a condition. Only the very last statement
 * of the last policy allows the benchmark's request, so every decision
 * scans all 100.
 */
function policyDocument(p: number): string {
  const statements: object[] = [];
  for (let s = 0; s < STATEMENTS; s++) {
    const n = p * STATEMENTS + s;
    const last = p === POLICIES - 1 && s === STATEMENTS - 1;
    switch (s % 4) {
      case 0:
        statements.push({ Sid: `Exact${n}`, Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:Query"], Resource: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/t${n}` });
        break;
      case 1:
        statements.push({ Sid: `Prefix${n}`, Effect: "Allow", Action: "s3:Put*", Resource: `arn:aws:s3:::other-${n}/*` });
        break;
      case 2:
        statements.push({
          Sid: `Cond${n}`,
          Effect: "Allow",
          Action: ["s3:GetObject", "s3:GetObjectTagging"],
          Resource: `arn:aws:s3:::data-${n}/home/\${aws:username}/*`,
          Condition: { StringEquals: { "aws:RequestedRegion": "eu-west-1" } },
        });
        break;
      default:
        statements.push({ Sid: `Deny${n}`, Effect: "Deny", Action: "iam:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } });
    }
    if (last) statements[statements.length - 1] = { Sid: "TheOne", Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${BUCKET}/*` };
  }
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

const user: Principal = { type: "user", accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/${USER}`, userId: "AIDABENCHUSER0000000" };

/** Calls `decide` repeatedly for `seconds` (after a warm-up) and returns calls per second. */
function perSecond(decide: () => unknown, seconds: number): number {
  const runFor = (ms: number) => {
    let n = 0;
    const until = performance.now() + ms;
    // Check the clock every 1,000 calls: reading it costs more than a decision.
    while (performance.now() < until) for (let i = 0; i < 1000; i++, n++) decide();
    return n;
  };
  runFor(300);
  const started = performance.now();
  const n = runFor(seconds * 1000);
  return n / ((performance.now() - started) / 1000);
}

interface EngineFigures {
  allow: number;
  deny: number;
  step: number;
  /** The least an engine could do: one string comparison per statement. */
  floor: number;
}

async function engine(log: Log): Promise<EngineFigures> {
  const policies: NamedPolicy[] = Array.from({ length: POLICIES }, (_, p) => ({ name: `arn:aws:iam::${ACCOUNT}:policy/p${p}`, document: parsePolicy(policyDocument(p), "identity") }));
  const keys = globalContextKeys(user, { now: new Date(), secure: false, region: "us-east-1" });
  // Both made by one literal, as the authorizer makes them: objects of one shape (a spread copy would be
  // another shape, and evaluate's property reads would measure V8's polymorphic lookups instead).
  const facts = (resource: string): RequestFacts => ({ principal: user, action: "s3:GetObject", resource, keys });
  const allowed = facts(`arn:aws:s3:::${BUCKET}/key`);
  const denied = facts("arn:aws:s3:::elsewhere/key");
  if (evaluate(allowed, policies).kind !== "allow" || evaluate(denied, policies).kind !== "implicit-deny") throw new Error("benchmark policies decide wrongly");

  await waitForQuiet(10_000);
  const allow = perSecond(() => evaluate(allowed, policies), SECONDS);
  log(`  engine, allowed by the 100th statement: ${Math.round(allow).toLocaleString("en-US")} decisions/s`);
  const deny = perSecond(() => evaluate(denied, policies), SECONDS);
  log(`  engine, implicitly denied: ${Math.round(deny).toLocaleString("en-US")} decisions/s`);

  // The whole strict-mode step: the user's attached policies read from IAM's
  // store (in memory), context keys built, the decision made.
  const kv = openMemoryEnvironment();
  const iamPolicies = await seedIam(kv);
  const source = new IamPolicySource(kv);
  const authorizer = createAuthorizer({ mode: "strict", policies: { identityPolicies: (p) => source.identityPolicies(p), sessionPolicies: (p) => source.sessionPolicies(p), principalTags: (p) => source.principalTags(p), resourcePolicies: () => [], resourceAccount: () => undefined } });
  const ctx = { principal: user, now: () => new Date(), region: "us-east-1", sourceIp: "127.0.0.1" } as RequestContext;
  const requirement = [{ action: "s3:GetObject", resource: `arn:aws:s3:::${BUCKET}/key` }];
  if (source.identityPolicies(user).length !== iamPolicies) throw new Error("the IAM store holds the wrong policies");
  const stepRate = perSecond(() => authorizer.authorize(ctx, requirement, "s3"), SECONDS);
  log(`  strict-mode step (policies read from the store): ${Math.round(stepRate).toLocaleString("en-US")} decisions/s`);
  await kv.close();

  // The floor: compare the action and resource of each of the 100 statements as plain strings.
  const flat = policies.flatMap((p) => p.document.statements.map((s) => [s.action?.[0] ?? "", s.resource?.[0] ?? ""] as const));
  const floor = perSecond(() => {
    for (let i = 0; i < flat.length; i++) if (flat[i]![0] === allowed.action && flat[i]![1] === allowed.resource) return true;
    return false;
  }, SECONDS);
  log(`  floor (100 string comparisons): ${Math.round(floor).toLocaleString("en-US")} decisions/s`);
  return { allow, deny, step: stepRate, floor };
}

/** The bench user and its 10 attached policies, made by IAM's own operations on an in-memory store; returns the policy count. */
async function seedIam(kv: KvEnvironment): Promise<number> {
  const env = { kv, blobs: openMemoryBlobStore(), config: resolveConfig({ inMemory: true }), now: () => new Date() };
  const iam = createIamRuntime(env);
  const ctx = { principal: rootPrincipal(ACCOUNT), accountId: ACCOUNT, region: "us-east-1", now: () => new Date() } as RequestContext;
  const call = async (operation: string, input: Record<string, unknown>) => {
    const definition = iam.operations[operation];
    if (!definition) throw new Error(`IAM has no ${operation}`);
    return definition.handle(input, ctx);
  };
  await call("CreateUser", { UserName: USER });
  for (let p = 0; p < POLICIES; p++) {
    const created = (await call("CreatePolicy", { PolicyName: `p${p}`, PolicyDocument: policyDocument(p) })) as { Policy: { Arn: string } };
    await call("AttachUserPolicy", { UserName: USER, PolicyArn: created.Policy.Arn });
  }
  return POLICIES;
}

/** Through Nimbus's own IAM API: the user, its 10 policies attached, and its access key. */
async function provision(server: Server): Promise<Credentials> {
  const iam = new IAMClient({ endpoint: server.origin, region: "us-east-1", credentials: ROOT_KEYS });
  await iam.send(new CreateUserCommand({ UserName: USER }));
  for (let p = 0; p < POLICIES; p++) {
    const created = await iam.send(new CreatePolicyCommand({ PolicyName: `p${p}`, PolicyDocument: policyDocument(p) }));
    await iam.send(new AttachUserPolicyCommand({ UserName: USER, PolicyArn: created.Policy?.Arn }));
  }
  const key = await iam.send(new CreateAccessKeyCommand({ UserName: USER }));
  iam.destroy();
  return { accessKeyId: key.AccessKey?.AccessKeyId ?? "", secretAccessKey: key.AccessKey?.SecretAccessKey ?? "" };
}

/** A bucket and a 1 KiB object made by root, and the user's signed GET of it, checked to answer 200. */
async function signedGet(server: Server, keys: Credentials) {
  const send = async (r: Awaited<ReturnType<typeof signS3>>) => {
    const res = await fetch(`${server.origin}${r.path}`, { method: r.method, headers: r.headers, body: r.body ? new Uint8Array(r.body) : undefined });
    if (res.status !== 200) throw new Error(`${r.method} ${r.path}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  };
  await send(await signS3(server.origin, ROOT_KEYS, "PUT", `/${BUCKET}`));
  await send(await signS3(server.origin, ROOT_KEYS, "PUT", `/${BUCKET}/small`, {}, Buffer.alloc(1024, 7)));
  const get = await signS3(server.origin, keys, "GET", `/${BUCKET}/small`);
  await send(get);
  return get;
}

async function http(log: Log, notes: string[]): Promise<{ floor: Measured; lenient: Measured; strict: Measured }> {
  const floorServer = await startFloor();
  const lenientServer = await startNimbus(["--auth", "lenient"]);
  const strictServer = await startNimbus(["--auth", "strict"]);
  try {
    const lenientGet = await signedGet(lenientServer, await provision(lenientServer));
    const strictGet = await signedGet(strictServer, await provision(strictServer));
    const floor = await step("floor", "GET (2-byte body)", floorServer, (o) => replay(floorServer.origin, { method: "GET", path: "/x", headers: {} }, { ...SMALL_LOAD, ...o }), log, notes);
    const lenient = await step("Nimbus lenient", "GetObject 1 KiB", lenientServer, (o) => replay(lenientServer.origin, lenientGet, { ...SMALL_LOAD, ...o }), log, notes);
    const strict = await step("Nimbus strict", "GetObject 1 KiB", strictServer, (o) => replay(strictServer.origin, strictGet, { ...SMALL_LOAD, ...o }), log, notes);
    return { floor, lenient, strict };
  } finally {
    await Promise.all([floorServer.stop(), lenientServer.stop(), strictServer.stop()]);
  }
}

export async function runIamSuite(log: Log): Promise<SuiteResult> {
  const notes: string[] = [];
  log("policy engine (in process)");
  const e = await engine(log);
  log("S3 small GET signed by the user, lenient and strict");
  const h = await http(log, notes);
  notes.push(
    "Engine rows: the peer column is empty; the floor is 100 plain string comparisons per decision (the least any engine could do).",
    "The strict-mode row's peer column is the same server in lenient mode (the same user's key, signature verified, policies not evaluated).",
  );
  const rows: Row[] = [
    { metric: `Policy decisions, ${POLICIES}×${STATEMENTS} statements, allowed by the last`, unit: "decisions/s", nimbus: e.allow, floor: e.floor, target: "≥ 200,000/s", pass: e.allow >= 200_000 },
    { metric: `Policy decisions, ${POLICIES}×${STATEMENTS} statements, implicitly denied`, unit: "decisions/s", nimbus: e.deny, floor: e.floor, target: "≥ 200,000/s", pass: e.deny >= 200_000 },
    { metric: "Strict-mode step (policies read from IAM's store)", unit: "decisions/s", nimbus: e.step, floor: e.floor, target: "—" },
    {
      metric: "GetObject 1 KiB, strict mode (peer: lenient)",
      unit: "ops/s",
      nimbus: h.strict.requestsPerSecond,
      floor: h.floor.requestsPerSecond,
      peer: h.lenient.requestsPerSecond,
      target: "≥ 85% of lenient",
      pass: h.strict.requestsPerSecond >= 0.85 * h.lenient.requestsPerSecond,
    },
    { metric: "GetObject 1 KiB: server CPU per request, strict (peer: lenient)", unit: "µs", nimbus: h.strict.cpuMicros, floor: h.floor.cpuMicros, peer: h.lenient.cpuMicros, target: "—" },
  ];
  return { rows, notes, peer: "lenient" };
}
