/**
 * The DynamoDB suite: PutItem (1 KB items), GetItem, a Query answering 100
 * items and a conditional UpdateItem, Nimbus (signatures verified, data on
 * disk) against the floor and dynalite with its data on disk; then GetItem
 * and Query on a 1,000,000-item table against the same on a 1,000-item one.
 */
import { waitForQuiet } from "./lib/cpu.js";
import { replay, type LoadOptions, type Replay } from "./lib/load.js";
import { paired, settle, step, type Log, type Measured } from "./lib/measure.js";
import type { Row, SuiteResult } from "./lib/report.js";
import { signJson, type Credentials } from "./lib/sign.js";
import { startDynalite, startFloor, startNimbus, type Server } from "./lib/servers.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1);
const LOAD: LoadOptions = { connections: 32, seconds: SECONDS, warmupSeconds: WARMUP };
/** Items in the large table; `BENCH_DYNAMODB_LARGE=0` skips the scale rows. */
const LARGE_ITEMS = Number(process.env.BENCH_DYNAMODB_LARGE ?? 1_000_000);
const SMALL_ITEMS = 1000;
const QUERY_ITEMS = 100;
const KEYS: Credentials = { accessKeyId: "test", secretAccessKey: "test" };
const PAYLOAD = "x".repeat(1000);

type Attr = { S: string } | { N: string };
type Item = Record<string, Attr>;

const call = (server: Server, operation: string, document: unknown) => signJson(server.origin, KEYS, "dynamodb", `DynamoDB_20120810.${operation}`, document);

async function send(server: Server, r: Replay): Promise<unknown> {
  const res = await fetch(`${server.origin}${r.path}`, { method: r.method, headers: r.headers, body: r.body ? new Uint8Array(r.body) : undefined });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${server.origin} ${r.headers["x-amz-target"] ?? ""}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as unknown;
}

async function createTable(server: Server, name: string): Promise<void> {
  await send(
    server,
    await call(server, "CreateTable", {
      TableName: name,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [
        { AttributeName: "pk", AttributeType: "S" },
        { AttributeName: "sk", AttributeType: "N" },
      ],
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
    }),
  );
  // Both answer ACTIVE at once or on the next describe (dynalite: createTableMs 0).
  for (let i = 0; i < 100; i++) {
    const described = (await send(server, await call(server, "DescribeTable", { TableName: name }))) as { Table: { TableStatus: string } };
    if (described.Table.TableStatus === "ACTIVE") return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${server.origin}: table ${name} never became ACTIVE`);
}

/** Writes `count` items with BatchWriteItem (25 per call, 16 calls in flight). */
async function fill(server: Server, table: string, count: number, item: (i: number) => Item, log: Log): Promise<void> {
  let next = 0;
  let lastReport = performance.now();
  const worker = async () => {
    while (next < count) {
      const from = next;
      next = Math.min(count, next + 25);
      const requests = [];
      for (let i = from; i < next; i++) requests.push({ PutRequest: { Item: item(i) } });
      let pending: unknown = { [table]: requests };
      while (pending && Object.keys(pending).length > 0) {
        const answer = (await send(server, await call(server, "BatchWriteItem", { RequestItems: pending }))) as { UnprocessedItems?: unknown };
        pending = answer.UnprocessedItems;
      }
      if (performance.now() - lastReport > 10_000) {
        lastReport = performance.now();
        log(`  ${table}: ${next.toLocaleString("en-US")} of ${count.toLocaleString("en-US")} items`);
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

/** Spreads keys over partitions of 10 items: `p<n>` / sort key 0–9; partition "q" holds the query's 100 items. */
const spread = (i: number): Item => ({ pk: { S: `p${Math.floor(i / 10)}` }, sk: { N: String(i % 10) }, payload: { S: PAYLOAD } });

interface Requests {
  put: Replay;
  get: Replay;
  query: Replay;
  update: Replay;
}

async function prepare(server: Server, table: string, log: Log, items: number): Promise<Requests> {
  await createTable(server, table);
  await fill(server, table, items, spread, log);
  await fill(server, table, QUERY_ITEMS, (i) => ({ pk: { S: "q" }, sk: { N: String(i) }, n: { N: String(i) } }), log);
  await send(server, await call(server, "PutItem", { TableName: table, Item: { pk: { S: "counter" }, sk: { N: "0" }, hits: { N: "0" } } }));
  const requests: Requests = {
    put: await call(server, "PutItem", { TableName: table, Item: { pk: { S: "put-target" }, sk: { N: "1" }, payload: { S: PAYLOAD } } }),
    get: await call(server, "GetItem", { TableName: table, Key: { pk: { S: `p${Math.floor(items / 20)}` }, sk: { N: "5" } } }),
    query: await call(server, "Query", { TableName: table, KeyConditionExpression: "pk = :q", ExpressionAttributeValues: { ":q": { S: "q" } } }),
    update: await call(server, "UpdateItem", {
      TableName: table,
      Key: { pk: { S: "counter" }, sk: { N: "0" } },
      UpdateExpression: "SET hits = hits + :one",
      ConditionExpression: "attribute_exists(pk)",
      ExpressionAttributeValues: { ":one": { N: "1" } },
    }),
  };
  // Every replayed request answers 200 with what it should before it is measured.
  await send(server, requests.put);
  const got = (await send(server, requests.get)) as { Item?: Item };
  if (!got.Item) throw new Error(`${server.origin}: GetItem found nothing`);
  const queried = (await send(server, requests.query)) as { Count: number };
  if (queried.Count !== QUERY_ITEMS) throw new Error(`${server.origin}: Query answered ${queried.Count} items, expected ${QUERY_ITEMS}`);
  await send(server, requests.update);
  return requests;
}

interface Figures {
  put: Measured;
  get: Measured;
  query: Measured;
  update: Measured;
}

async function measure(who: string, server: Server, r: Requests, log: Log, notes: string[]): Promise<Figures> {
  const run = (what: string, request: Replay) => step(who, what, server, (o) => replay(server.origin, request, { ...LOAD, ...o }), log, notes);
  return {
    put: await run("PutItem 1 KB", r.put),
    get: await run("GetItem", r.get),
    query: await run(`Query, ${QUERY_ITEMS} items`, r.query),
    update: await run("UpdateItem with a condition", r.update),
  };
}

export async function runDynamodbSuite(log: Log): Promise<SuiteResult> {
  const notes: string[] = [];
  const floor = await startFloor();
  const peer = await startDynalite();
  const nimbus = await startNimbus();
  try {
    log("seeding dynalite and Nimbus (1,000-item tables)");
    const peerRequests = await prepare(peer, "bench", log, SMALL_ITEMS);
    const nimbusRequests = await prepare(nimbus, "bench", log, SMALL_ITEMS);
    await Promise.all([settle(peer.pid), settle(nimbus.pid)]);

    log("dynalite (data on disk)");
    const p = await measure("dynalite", peer, peerRequests, log, notes);
    await peer.stop();

    log("floor and Nimbus (data on disk, signatures verified)");
    const floorPut: Replay = { method: "POST", path: "/", headers: { "content-type": "application/x-amz-json-1.0" }, body: peerRequests.put.body };
    const onFloor = () => step("floor", "POST (1 KB body)", floor, (o) => replay(floor.origin, floorPut, { ...LOAD, ...o }), log, notes);
    const onNimbus = (what: string, request: Replay) => step("Nimbus", what, nimbus, (o) => replay(nimbus.origin, request, { ...LOAD, ...o }), log, notes);
    const put = await paired("PutItem 1 KB", onFloor, () => onNimbus("PutItem 1 KB", nimbusRequests.put), notes);
    const get = await paired("GetItem", onFloor, () => onNimbus("GetItem", nimbusRequests.get), notes);
    await floor.stop();
    const n: Figures = {
      put: put.nimbus,
      get: get.nimbus,
      query: await onNimbus(`Query, ${QUERY_ITEMS} items`, nimbusRequests.query),
      update: await onNimbus("UpdateItem with a condition", nimbusRequests.update),
    };
    // Rows without a floor target show the floor of GetItem's pair.
    const f = get.floor;

    const rows: Row[] = [
      rate("PutItem 1 KB", n.put, put.floor, p.put, 0.2),
      rate("GetItem", n.get, get.floor, p.get, 0.35),
      rate(`Query, ${QUERY_ITEMS} items`, n.query, f, p.query),
      rate("UpdateItem with a condition", n.update, f, p.update),
      cpu("PutItem: server CPU per request", n.put, put.floor, p.put),
      cpu("GetItem: server CPU per request", n.get, f, p.get),
      cpu(`Query (${QUERY_ITEMS} items): server CPU per request`, n.query, f, p.query),
      cpu("UpdateItem: server CPU per request", n.update, f, p.update),
    ];

    if (LARGE_ITEMS > 0) {
      log(`Nimbus: a ${LARGE_ITEMS.toLocaleString("en-US")}-item table`);
      const large = await prepare(nimbus, "bench-large", log, LARGE_ITEMS);
      await settle(nimbus.pid);
      await waitForQuiet(10_000);
      const run = (what: string, request: Replay) => step("Nimbus", what, nimbus, (o) => replay(nimbus.origin, request, { ...LOAD, ...o }), log, notes);
      // The small table measured again now, right beside the large one.
      const smallGet = await run("GetItem, 1,000-item table", nimbusRequests.get);
      const largeGet = await run(`GetItem, ${LARGE_ITEMS.toLocaleString("en-US")}-item table`, large.get);
      const smallQuery = await run("Query, 1,000-item table", nimbusRequests.query);
      const largeQuery = await run(`Query, ${LARGE_ITEMS.toLocaleString("en-US")}-item table`, large.query);
      rows.push(scale(`GetItem, ${LARGE_ITEMS.toLocaleString("en-US")} items (peer: 1,000 items)`, largeGet, f, smallGet));
      rows.push(scale(`Query, ${LARGE_ITEMS.toLocaleString("en-US")} items (peer: 1,000 items)`, largeQuery, f, smallQuery));
      notes.push("Scale rows: the peer column is Nimbus itself on the 1,000-item table, measured right before; target: within 20% of it.");
    }
    notes.push(
      "dynalite runs with its data on disk (`path`) and verifies no signatures; Nimbus verifies every SigV4 signature and syncs each write to disk before answering.",
      "The floor answers a 1 KB POST with 200 (a bare node:http server).",
    );
    return { rows, notes, peer: "dynalite" };
  } finally {
    await Promise.all([floor.stop(), peer.stop(), nimbus.stop()]);
  }
}

function rate(metric: string, nimbus: Measured, floor: Measured, peer: Measured, ofFloor?: number): Row {
  const targets = [ofFloor === undefined ? undefined : `≥ ${ofFloor * 100}% of floor`, "≥ 1.5× dynalite"].filter(Boolean).join(", ");
  const pass = (ofFloor === undefined || nimbus.requestsPerSecond >= ofFloor * floor.requestsPerSecond) && nimbus.requestsPerSecond >= 1.5 * peer.requestsPerSecond;
  return { metric, unit: "ops/s", nimbus: nimbus.requestsPerSecond, floor: floor.requestsPerSecond, peer: peer.requestsPerSecond, target: targets, pass };
}

function cpu(metric: string, nimbus: Measured, floor: Measured, peer: Measured): Row {
  return { metric, unit: "µs", nimbus: nimbus.cpuMicros, floor: floor.cpuMicros, peer: peer.cpuMicros, target: "—" };
}

function scale(metric: string, large: Measured, floor: Measured, small: Measured): Row {
  return {
    metric,
    unit: "ops/s",
    nimbus: large.requestsPerSecond,
    floor: floor.requestsPerSecond,
    peer: small.requestsPerSecond,
    target: "≥ 80% of 1,000 items",
    pass: large.requestsPerSecond >= 0.8 * small.requestsPerSecond,
  };
}
