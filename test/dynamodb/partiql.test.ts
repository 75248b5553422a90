/**
 * DynamoDB PartiQL through the AWS SDK: ExecuteStatement (SELECT, INSERT,
 * UPDATE, DELETE, parameters, paging), BatchExecuteStatement and
 * ExecuteTransaction, with DynamoDB's errors for the common mistakes.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  BatchExecuteStatementCommand,
  CreateTableCommand,
  DynamoDBClient,
  ExecuteStatementCommand,
  ExecuteTransactionCommand,
  GetItemCommand,
  TransactionCanceledException,
  type AttributeValue,
} from "@aws-sdk/client-dynamodb";
import { rejectsWith, startCloud, type TestCloud } from "../support/nimbus.js";

describe("DynamoDB PartiQL", () => {
  let t: TestCloud;
  let ddb: DynamoDBClient;
  before(async () => {
    t = await startCloud({ inMemory: true });
    ddb = new DynamoDBClient(t.cloud.clientConfig);
    await ddb.send(
      new CreateTableCommand({
        TableName: "music",
        AttributeDefinitions: [
          { AttributeName: "artist", AttributeType: "S" },
          { AttributeName: "track", AttributeType: "N" },
          { AttributeName: "genre", AttributeType: "S" },
        ],
        KeySchema: [{ AttributeName: "artist", KeyType: "HASH" }, { AttributeName: "track", KeyType: "RANGE" }],
        GlobalSecondaryIndexes: [{ IndexName: "by-genre", KeySchema: [{ AttributeName: "genre", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" } }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
  });
  after(async () => {
    ddb.destroy();
    await t.stop();
  });

  const run = (Statement: string, Parameters?: AttributeValue[], extra: { Limit?: number; NextToken?: string; ConsistentRead?: boolean } = {}) =>
    ddb.send(new ExecuteStatementCommand({ Statement, ...(Parameters ? { Parameters } : {}), ...extra }));
  async function message(promise: Promise<unknown>, code = "ValidationException"): Promise<string> {
    return (await rejectsWith(promise, code, 400)).message;
  }

  it("inserts items and selects them by key, with filters and projections", async () => {
    for (let i = 1; i <= 5; i++) {
      const insert = await run(`INSERT INTO "music" VALUE {'artist': 'Arca', 'track': ${i}, 'title': 'T${i}', 'genre': ?, 'tags': <<'a', 'b'>>, 'meta': {'len': ${i * 60}, 'live': ${i % 2 === 0}}}`, [
        { S: i % 2 === 0 ? "pop" : "electronic" },
      ]);
      assert.deepEqual(insert.Items, []);
    }
    const one = await run(`SELECT * FROM music WHERE artist = 'Arca' AND track = 2`);
    assert.deepEqual(one.Items, [
      { artist: { S: "Arca" }, track: { N: "2" }, title: { S: "T2" }, genre: { S: "pop" }, tags: { SS: ["a", "b"] }, meta: { M: { len: { N: "120" }, live: { BOOL: true } } } },
    ]);
    const filtered = await run(`SELECT title, meta.len FROM "music" WHERE artist = ? AND track >= 2 AND meta.live = false`, [{ S: "Arca" }]);
    assert.deepEqual(filtered.Items, [
      // A nested path answers under its last name, as DynamoDB does.
      { title: { S: "T3" }, len: { N: "180" } },
      { title: { S: "T5" }, len: { N: "300" } },
    ]);
    const desc = await run(`SELECT track FROM "music" WHERE artist = 'Arca' ORDER BY track DESC`);
    assert.deepEqual(desc.Items?.map((i) => i.track?.N), ["5", "4", "3", "2", "1"]);
    const functions = await run(`SELECT track FROM "music" WHERE begins_with(title, 'T') AND contains(tags, 'a') AND attribute_type(genre, 'S') AND size(title) = 2 AND track IN [1, 4] AND note IS MISSING`);
    assert.deepEqual(functions.Items?.map((i) => i.track?.N).sort(), ["1", "4"]);
    const index = await run(`SELECT track FROM "music"."by-genre" WHERE genre = 'pop'`);
    assert.deepEqual(index.Items?.map((i) => i.track?.N).sort(), ["2", "4"]);
  });

  it("pages with Limit and NextToken", async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await run(`SELECT track FROM "music" WHERE artist = 'Arca'`, undefined, { Limit: 2, ...(token ? { NextToken: token } : {}) });
      seen.push(...(page.Items ?? []).map((i) => i.track!.N!));
      token = page.NextToken;
      if (token) assert.deepEqual(page.LastEvaluatedKey, { artist: { S: "Arca" }, track: { N: seen[seen.length - 1]! } });
      pages += 1;
    } while (token);
    assert.deepEqual(seen, ["1", "2", "3", "4", "5"]);
    assert.equal(pages, 3);
    // A condition on the sort key narrows what is read, as a Query's key condition does: Limit counts only those items.
    const one = await run(`SELECT track FROM "music" WHERE artist = 'Arca' AND track = 4`, undefined, { Limit: 1 });
    assert.deepEqual(one.Items, [{ track: { N: "4" } }]);
    const above = await run(`SELECT track FROM "music" WHERE artist = 'Arca' AND 3 < track`, undefined, { Limit: 1 });
    assert.deepEqual(above.Items, [{ track: { N: "4" } }]);
    const next = await run(`SELECT track FROM "music" WHERE artist = 'Arca' AND 3 < track`, undefined, { Limit: 1, NextToken: above.NextToken! });
    assert.deepEqual(next.Items, [{ track: { N: "5" } }]);
    const between = await run(`SELECT track FROM "music" WHERE artist = 'Arca' AND track BETWEEN 2 AND 3 ORDER BY track DESC`, undefined, { Limit: 1 });
    assert.deepEqual(between.Items, [{ track: { N: "3" } }]);
    const below = await run(`SELECT track FROM "music" WHERE artist = 'Arca' AND track <= 2 ORDER BY track DESC`, undefined, { Limit: 1 });
    assert.deepEqual(below.Items, [{ track: { N: "2" } }]);
    assert.equal(await message(run(`SELECT * FROM "music"`, undefined, { NextToken: "not-a-token" })), "Invalid NextToken");
  });

  it("refuses an INSERT of an existing key", async () => {
    const error = await rejectsWith(run(`INSERT INTO "music" VALUE {'artist': 'Arca', 'track': 1}`), "DuplicateItemException", 400);
    assert.equal(error.message, "Duplicate primary key exists in table");
  });

  it("updates with SET and REMOVE, never creating an item", async () => {
    const updated = await run(`UPDATE "music" SET plays = 10 SET meta.len = meta.len + 5 REMOVE tags WHERE artist = 'Arca' AND track = 1 RETURNING ALL NEW *`);
    assert.deepEqual(updated.Items?.[0]?.plays, { N: "10" });
    assert.deepEqual(updated.Items?.[0]?.meta, { M: { len: { N: "65" }, live: { BOOL: false } } });
    assert.equal(updated.Items?.[0]?.tags, undefined);
    const plain = await run(`UPDATE "music" SET history = list_append(if_not_exists(history, []), ['x']) WHERE artist = 'Arca' AND track = 1`);
    assert.deepEqual(plain.Items, []);
    const fromFirst = await run(`FROM "music" WHERE artist = 'Arca' AND track = 1 SET tags = set_add(tags, <<'z'>>)`);
    assert.deepEqual(fromFirst.Items, []);
    const stored = await ddb.send(new GetItemCommand({ TableName: "music", Key: { artist: { S: "Arca" }, track: { N: "1" } } }));
    assert.deepEqual(stored.Item?.history, { L: [{ S: "x" }] });
    assert.deepEqual(stored.Item?.tags, { SS: ["z"] });

    await rejectsWith(run(`UPDATE "music" SET plays = 1 WHERE artist = 'Nobody' AND track = 1`), "ConditionalCheckFailedException", 400);
    await rejectsWith(run(`UPDATE "music" SET plays = 1 WHERE artist = 'Arca' AND track = 1 AND plays = 99`), "ConditionalCheckFailedException", 400);
    assert.equal(
      await message(run(`UPDATE "music" SET plays = 1 WHERE artist = 'Arca'`)),
      "Where clause does not contain a mandatory equality on all key attributes",
    );
    assert.equal(await message(run(`UPDATE "music" SET track = 1 WHERE artist = 'Arca' AND track = 1`)), "One or more parameter values were invalid: Cannot update attribute track. This attribute is part of the key");
  });

  it("deletes, returning the old item when asked", async () => {
    await run(`INSERT INTO "music" VALUE {'artist': 'Gone', 'track': 1, 'x': 'y'}`);
    const deleted = await run(`DELETE FROM "music" WHERE artist = 'Gone' AND track = 1 RETURNING ALL OLD *`);
    assert.deepEqual(deleted.Items, [{ artist: { S: "Gone" }, track: { N: "1" }, x: { S: "y" } }]);
    assert.deepEqual((await run(`DELETE FROM "music" WHERE artist = 'Gone' AND track = 1`)).Items, []);
    // The rest of the WHERE clause holds an item that exists to it; one that does not is deleted as a no-op (nubo-db, AWS-verified).
    assert.deepEqual((await run(`DELETE FROM "music" WHERE artist = 'Gone' AND track = 1 AND x = 'other'`)).Items, []);
    await run(`INSERT INTO "music" VALUE {'artist': 'Gone', 'track': 2, 'x': 'y'}`);
    await rejectsWith(run(`DELETE FROM "music" WHERE artist = 'Gone' AND track = 2 AND x = 'other'`), "ConditionalCheckFailedException", 400);
    assert.deepEqual((await run(`DELETE FROM "music" WHERE artist = 'Gone' AND track = 2 AND x = 'y' RETURNING ALL OLD *`)).Items, [{ artist: { S: "Gone" }, track: { N: "2" }, x: { S: "y" } }]);
    assert.equal(
      await message(run(`DELETE FROM "music" WHERE artist = 'Gone' AND track = 1 RETURNING ALL NEW *`)),
      "Invalid returning clause: RETURNING ALL NEW *. Only RETURNING ALL OLD * is allowed in DELETE statements.",
    );
  });

  it("answers DynamoDB's errors for malformed statements", async () => {
    assert.equal(await message(run(`SELECT * FROM "music" WHERE artist = 'a' foo`)), "Statement wasn't well formed, can't be processed: Unexpected token after expression");
    // An 8 KB statement holds thousands of levels; the parser follows a hundred.
    const nested = "Statement wasn't well formed, can't be processed: Statement nests too deeply";
    assert.equal(await message(run(`SELECT * FROM "music" WHERE ${"(".repeat(4000)}artist = 'a'${")".repeat(4000)}`)), nested);
    assert.equal(await message(run(`SELECT * FROM "music" WHERE ${"NOT ".repeat(1500)}artist = 'a'`)), nested);
    assert.equal(await message(run(`UPDATE "music" SET x = ${"[".repeat(2000)}1${"]".repeat(2000)} WHERE artist = 'a' AND track = 1`)), nested);
    assert.deepEqual((await run(`SELECT * FROM "music" WHERE ${"(".repeat(50)}artist = 'nobody'${")".repeat(50)}`)).Items, []);
    assert.equal(await message(run(`SELECT * FROM "music" m WHERE artist = 'a'`)), "Aliasing is not supported");
    // An unquoted hyphenated name leaves the UPDATE without its SET (as AWS answers it).
    assert.equal(
      await message(run(`UPDATE Payment-abc123-dev SET active=? WHERE subscriptionId=?`, [{ BOOL: false }, { S: "sub_123" }])),
      "Statement wasn't well formed, can't be processed: Expected data manipulation",
    );
    assert.equal(await message(run(`SELECT * FROM "music" WHERE artist = ? AND track = ?`, [{ S: "a" }])), "Number of parameters in request and statement don't match.");
    assert.equal(await message(run(`INSERT INTO "music" VALUE {'artist': 'a', 'track': 1} RETURNING ALL OLD *`)), "RETURNING is not supported in INSERT");
    assert.equal(await message(run(`INSERT INTO "music" VALUE {'artist': 'a', 'track': 1, 's': <<>>}`)), "Empty bags are not supported");
    assert.equal(await message(run(`SELECT * FROM "music" ORDER BY track`)), "Must have WHERE clause in the statement when using ORDER BY clause.");
    assert.equal(await message(run(`SELECT * FROM "music"."by-genre" WHERE genre = 'pop'`, undefined, { ConsistentRead: true })), "Strongly consistent read is not supported on Global Secondary Indexes");
    assert.equal(await message(run(`SELECT * FROM "nothing" WHERE a = 1`), "ResourceNotFoundException"), "Requested resource not found");
    assert.equal(await message(run(`SELECT * FROM "music"."no-such-index" WHERE genre = 'pop'`)), "The table does not have the specified index");
    assert.equal(await message(run(`SELECT * FROM "music"."by-genre"."more" WHERE genre = 'pop'`)), "A path may contain at most 2 components in the FROM clause");
    assert.equal(
      await message(run(`SELECT * FROM "music" WHERE artist = 'a' AND plays < ?`, [{ BOOL: true }])),
      "Incorrect operand type for operator or function; operator or function: <, operand type: BOOL",
    );
    assert.match(await message(run(`SELECT * FROM "music" WHERE artist = 'a' AND plays BETWEEN ? AND ?`, [{ BOOL: true }, { BOOL: false }])), /operator or function: BETWEEN, operand type: BOOL$/);
    const transacted = async (Statement: string) =>
      (await rejectsWith(ddb.send(new ExecuteTransactionCommand({ TransactStatements: [{ Statement }] })), "ValidationException", 400)).message;
    assert.equal(
      await transacted(`UPDATE "music" SET plays = 1 WHERE artist = 'a' AND track = 1 RETURNING ALL NEW *`),
      "Validation failed in TransactStatements[0]: RETURNING clause is not supported in ExecuteTransaction.",
    );
    assert.equal(
      await transacted(`SELECT * FROM "music"."by-genre" WHERE genre = 'pop'`),
      "Validation failed in TransactStatements[0]: Reads on indices are not supported within transactions.",
    );
  });

  it("runs batches statement by statement, with an error per statement", async () => {
    const reads = await ddb.send(
      new BatchExecuteStatementCommand({
        Statements: [
          { Statement: `SELECT title FROM "music" WHERE artist = 'Arca' AND track = 2` },
          { Statement: `SELECT * FROM "music" WHERE artist = 'Arca' AND track = 99` },
          { Statement: `SELECT * FROM "music" WHERE artist = 'Arca'` },
          { Statement: `SELECT * FROM "nothing" WHERE artist = 'Arca' AND track = 1` },
        ],
      }),
    );
    assert.deepEqual(reads.Responses, [
      { TableName: "music", Item: { title: { S: "T2" } } },
      { TableName: "music" },
      // Refused before it ran: no table named (as DynamoDB answers).
      { Error: { Code: "ValidationError", Message: "Select statements within BatchExecuteStatement must specify the primary key in the where clause." } },
      { Error: { Code: "ResourceNotFound", Message: "Requested resource not found" } },
    ]);
    const writes = await ddb.send(
      new BatchExecuteStatementCommand({
        Statements: [
          { Statement: `INSERT INTO "music" VALUE {'artist': 'Batch', 'track': 1}` },
          { Statement: `INSERT INTO "music" VALUE {'artist': 'Arca', 'track': 1}` },
          { Statement: `UPDATE "music" SET n = 1 WHERE artist = 'Batch' AND track = 2`, ReturnValuesOnConditionCheckFailure: "ALL_OLD" },
        ],
      }),
    );
    assert.deepEqual(writes.Responses, [
      { TableName: "music" },
      { TableName: "music", Error: { Code: "DuplicateItem", Message: "Duplicate primary key exists in table" } },
      { TableName: "music", Error: { Code: "ConditionalCheckFailed", Message: "The conditional request failed" } },
    ]);
    // ReturnValuesOnConditionCheckFailure does nothing on a batch member: no Item beside the error (nubo-db, AWS-verified).
    const failed = await ddb.send(
      new BatchExecuteStatementCommand({
        Statements: [{ Statement: `UPDATE "music" SET n = 1 WHERE artist = 'Batch' AND track = 1 AND n = 2`, ReturnValuesOnConditionCheckFailure: "ALL_OLD" }],
      }),
    );
    assert.deepEqual(failed.Responses, [{ TableName: "music", Error: { Code: "ConditionalCheckFailed", Message: "The conditional request failed" } }]);
  });

  it("honours RETURNING in a batch member, and refuses a malformed member there alone", async () => {
    await ddb.send(new ExecuteStatementCommand({ Statement: `INSERT INTO "music" VALUE {'artist': 'Returning', 'track': 1, 'gone': 'soon'}` }));
    const batch = await ddb.send(
      new BatchExecuteStatementCommand({
        Statements: [
          { Statement: `SLECT * FROM "music" WHERE artist = 'Returning' AND track = 1` },
          { Statement: `DELETE FROM "music" WHERE artist = 'Returning' AND track = 1 RETURNING ALL OLD *` },
        ],
      }),
    );
    assert.deepEqual(batch.Responses?.[0], { Error: { Code: "ValidationError", Message: "Statement wasn't well formed, can't be processed: Expected data manipulation" } });
    assert.equal(batch.Responses?.[1]?.Item?.gone?.S, "soon");
  });

  it("refuses what an index does not project, in a selection or in a filter beside its key", async () => {
    await ddb.send(
      new CreateTableCommand({
        TableName: "projected",
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, { AttributeName: "g", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        GlobalSecondaryIndexes: [{ IndexName: "by-g", KeySchema: [{ AttributeName: "g", KeyType: "HASH" }], Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: ["shown"] } }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    assert.equal(await message(run(`SELECT hidden FROM "projected"."by-g" WHERE g = 'x'`)), "One or more parameter values were invalid: Global secondary index by-g does not project [hidden]");
    assert.equal(
      await message(run(`SELECT pk FROM "projected"."by-g" WHERE g = 'x' AND hidden = 'y'`)),
      "One or more parameter values were invalid: Secondary index by-g does not project one or more filter attributes: [hidden]",
    );
    // Without a condition on the index key, or inside an OR, the filter just matches nothing.
    assert.deepEqual((await ddb.send(new ExecuteStatementCommand({ Statement: `SELECT pk FROM "projected"."by-g" WHERE hidden = 'y'` }))).Items, []);
    assert.deepEqual((await ddb.send(new ExecuteStatementCommand({ Statement: `SELECT pk FROM "projected"."by-g" WHERE g = 'x' AND (hidden = 'y' OR shown = 'z')` }))).Items, []);
    assert.match(await message(run(`INSERT INTO "projected"."by-g" VALUE {'pk': 'a'}`)), /FROM clause may only contain a single table name$/);
  });

  it("reads what a local index does not project back from the table, charging the table for each row walked", async () => {
    await ddb.send(
      new CreateTableCommand({
        TableName: "local",
        AttributeDefinitions: [
          { AttributeName: "pk", AttributeType: "S" },
          { AttributeName: "sk", AttributeType: "S" },
          { AttributeName: "lsk", AttributeType: "S" },
        ],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }],
        LocalSecondaryIndexes: [{ IndexName: "by-lsk", KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "lsk", KeyType: "RANGE" }], Projection: { ProjectionType: "KEYS_ONLY" } }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    for (const n of ["1", "2", "3"]) await run(`INSERT INTO "local" VALUE {'pk': 'p', 'sk': 's${n}', 'lsk': 'l${n}', 'hidden': 'h${n}'}`);
    const select = async (Statement: string, Limit?: number) => {
      const out = await ddb.send(new ExecuteStatementCommand({ Statement, Limit, ReturnConsumedCapacity: "INDEXES" }));
      return { items: out.Items ?? [], table: out.ConsumedCapacity?.Table?.CapacityUnits ?? 0 };
    };
    const all = await select(`SELECT hidden FROM "local"."by-lsk" WHERE pk = 'p'`);
    assert.deepEqual(all.items, [{ hidden: { S: "h1" } }, { hidden: { S: "h2" } }, { hidden: { S: "h3" } }]);
    assert.equal(all.table, 1.5);
    const one = await select(`SELECT hidden FROM "local"."by-lsk" WHERE pk = 'p'`, 1);
    assert.deepEqual([one.items.length, one.table], [1, 0.5]);
    // What the index holds costs the table nothing, and a * takes just that.
    assert.equal((await select(`SELECT lsk FROM "local"."by-lsk" WHERE pk = 'p'`)).table, 0);
    const star = await select(`SELECT * FROM "local"."by-lsk" WHERE pk = 'p'`, 1);
    assert.deepEqual([star.items, star.table], [[{ pk: { S: "p" }, sk: { S: "s1" }, lsk: { S: "l1" } }], 0]);
  });

  it("answers a nested path under its last name, and a transaction replay as a read", async () => {
    await ddb.send(new ExecuteStatementCommand({ Statement: `INSERT INTO "music" VALUE {'artist': 'Nested', 'track': 1, 'info': {'label': 'deep'}}` }));
    const nested = await ddb.send(new ExecuteStatementCommand({ Statement: `SELECT info.label FROM "music" WHERE artist = 'Nested' AND track = 1` }));
    assert.deepEqual(nested.Items, [{ label: { S: "deep" } }]);
    const request = {
      ClientRequestToken: "replayed-once",
      ReturnConsumedCapacity: "TOTAL" as const,
      TransactStatements: [{ Statement: `UPDATE "music" SET replays = 1 WHERE artist = 'Nested' AND track = 1` }],
    };
    const first = await ddb.send(new ExecuteTransactionCommand(request));
    const replay = await ddb.send(new ExecuteTransactionCommand(request));
    assert.deepEqual([first.ConsumedCapacity?.[0]?.WriteCapacityUnits, first.ConsumedCapacity?.[0]?.ReadCapacityUnits], [2, undefined]);
    assert.deepEqual([replay.ConsumedCapacity?.[0]?.ReadCapacityUnits, replay.ConsumedCapacity?.[0]?.WriteCapacityUnits], [2, undefined]);
  });

  it("checks EXISTS in a transaction as a condition on one item", async () => {
    const missing = await rejectsWith(
      ddb.send(
        new ExecuteTransactionCommand({
          TransactStatements: [
            { Statement: `EXISTS(SELECT * FROM "music" WHERE artist = 'Nobody' AND track = 1)` },
            { Statement: `INSERT INTO "music" VALUE {'artist': 'Checked', 'track': 1}` },
          ],
        }),
      ),
      "TransactionCanceledException",
      400,
    );
    assert.deepEqual(
      (missing as Error & { CancellationReasons?: unknown }).CancellationReasons,
      [{ Code: "ConditionalCheckFailed", Message: "The conditional request failed" }, { Code: "None" }],
    );
    await ddb.send(
      new ExecuteTransactionCommand({
        TransactStatements: [
          { Statement: `EXISTS(SELECT * FROM "music" WHERE artist = 'Arca' AND track = 1 AND plays > 0)` },
          { Statement: `INSERT INTO "music" VALUE {'artist': 'Checked', 'track': 1}` },
        ],
      }),
    );
    await rejectsWith(ddb.send(new ExecuteStatementCommand({ Statement: `EXISTS(SELECT * FROM "music" WHERE artist = 'Arca' AND track = 1)` })), "ValidationException", 400);
  });

  it("runs transactions all or nothing", async () => {
    const written = await ddb.send(
      new ExecuteTransactionCommand({
        TransactStatements: [
          { Statement: `INSERT INTO "music" VALUE {'artist': 'Tx', 'track': 1}` },
          { Statement: `UPDATE "music" SET plays = plays + 1 WHERE artist = 'Arca' AND track = 1` },
        ],
      }),
    );
    assert.deepEqual(written.Responses, []);
    const read = await ddb.send(
      new ExecuteTransactionCommand({
        TransactStatements: [
          { Statement: `SELECT plays FROM "music" WHERE artist = 'Arca' AND track = 1` },
          { Statement: `SELECT * FROM "music" WHERE artist = 'Tx' AND track = 2` },
        ],
      }),
    );
    assert.deepEqual(read.Responses, [{ Item: { plays: { N: "11" } } }, {}]);

    const error = await rejectsWith(
      ddb.send(
        new ExecuteTransactionCommand({
          TransactStatements: [
            { Statement: `INSERT INTO "music" VALUE {'artist': 'Tx', 'track': 2}` },
            { Statement: `INSERT INTO "music" VALUE {'artist': 'Tx', 'track': 1}` },
          ],
        }),
      ),
      "TransactionCanceledException",
      400,
    );
    assert.deepEqual((error as TransactionCanceledException).CancellationReasons, [
      { Code: "None" },
      { Code: "DuplicateItem", Message: "Duplicate primary key exists in table" },
    ]);
    assert.equal((await run(`SELECT * FROM "music" WHERE artist = 'Tx' AND track = 2`)).Items?.length, 0);
    assert.equal(
      await message(ddb.send(new ExecuteTransactionCommand({ TransactStatements: [{ Statement: `SELECT * FROM "music" WHERE artist = 'Tx'` }] }))),
      "Select statements within ExecuteTransaction must specify the primary key in the where clause.",
    );
  });
});
