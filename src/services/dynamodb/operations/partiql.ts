/**
 * PartiQL: ExecuteStatement, BatchExecuteStatement and ExecuteTransaction.
 * Statements are parsed and bound to their tables first; reads and writes
 * then go through the same store calls and prepared writes as the
 * item operations.
 */
import { createHash } from "node:crypto";
import type { RequestContext } from "../../../server/context.js";
import { isAwsError } from "../../../server/errors.js";
import { defineOperation, type AuthorizationRequirement, type OperationTable } from "../../../server/service.js";
import { consumedCapacity, readUnits, type CapacityMode, type Consumption } from "../capacity.js";
import { ddbErrors, type CancellationReason } from "../errors.js";
import { tableResource, type DynamoDeps } from "../operation.js";
import type { TableRecord } from "../tables.js";
import type { AttributeValue, Item } from "../values.js";
import { applyWrite, returnedAttributes, type WriteResult } from "../writes.js";
import { addUnits } from "./batch.js";
import { bindStatement, selectOne, selectPage, type Bound, type BoundSelect, type BoundWrite } from "../partiql/execute.js";
import { partiqlErrors } from "../partiql/errors.js";
import { parseStatement, type Statement } from "../partiql/parser.js";
import { IDEMPOTENCY_MS } from "./transactions.js";

interface StatementRequest {
  Statement: string;
  Parameters?: AttributeValue[];
  ConsistentRead?: boolean;
  ReturnValuesOnConditionCheckFailure?: "ALL_OLD" | "NONE";
}

interface ExecuteStatementInput extends StatementRequest {
  NextToken?: string;
  Limit?: number;
  ReturnConsumedCapacity?: CapacityMode;
}

const ACTIONS: Record<Statement["kind"], string> = {
  select: "dynamodb:PartiQLSelect",
  insert: "dynamodb:PartiQLInsert",
  update: "dynamodb:PartiQLUpdate",
  delete: "dynamodb:PartiQLDelete",
  exists: "dynamodb:PartiQLSelect",
};

/** The IAM action and table (or index) a statement needs; a statement that does not parse needs PartiQLSelect on any table. */
function statementRequirement(request: { Statement?: unknown; Parameters?: unknown }, ctx: RequestContext): AuthorizationRequirement {
  try {
    const parameters = Array.isArray(request.Parameters) ? (request.Parameters as AttributeValue[]) : [];
    const statement = parseStatement(String(request.Statement), parameters);
    const suffix = statement.kind === "select" && statement.from.index !== undefined ? `/index/${statement.from.index}` : "";
    // PartiQL reaches the caller's own tables only: another account's table policy cannot grant it.
    return { action: ACTIONS[statement.kind], resource: tableResource(statement.from.table, ctx, suffix), sameAccountOnly: true };
  } catch {
    return { action: ACTIONS.select, resource: tableResource("*", ctx) };
  }
}

function requirementsOf(list: unknown, ctx: RequestContext): AuthorizationRequirement[] {
  const requests = Array.isArray(list) ? (list as { Statement?: unknown; Parameters?: unknown }[]) : [];
  const requirements = requests.map((r) => statementRequirement(r ?? {}, ctx));
  return requirements.length > 0 ? requirements : [{ action: ACTIONS.select, resource: tableResource("*", ctx) }];
}

/** Runs one bound write; an INSERT over an existing item is DuplicateItemException. */
function runWrite(deps: DynamoDeps, bound: BoundWrite, now: number): Promise<WriteResult> {
  return deps.store
    .write(now, (w) => applyWrite(w, bound.write))
    .catch((error: unknown) => {
      throw duplicateIfInsert(bound, error);
    });
}

function duplicateIfInsert(bound: BoundWrite, error: unknown): unknown {
  if (bound.statement.kind === "insert" && isAwsError(error) && error.code === "ConditionalCheckFailedException") return partiqlErrors.duplicateItem();
  return error;
}

function checkConsistentRead(bound: BoundSelect, consistent: boolean | undefined): void {
  if (consistent && bound.global) throw partiqlErrors.consistentReadOnGsi();
}

/** BatchStatementError codes of DynamoDB's errors. */
const BATCH_CODES: Record<string, string> = {
  ValidationException: "ValidationError",
  ConditionalCheckFailedException: "ConditionalCheckFailed",
  DuplicateItemException: "DuplicateItem",
  ResourceNotFoundException: "ResourceNotFound",
  TransactionConflictException: "TransactionConflict",
};

export function partiqlOperations(deps: DynamoDeps): OperationTable {
  const { store } = deps;

  return {
    ExecuteStatement: defineOperation<ExecuteStatementInput>({
      authorize: (input, ctx) => [statementRequirement(input, ctx)],
      async handle(input, ctx) {
        const statement = parseStatement(input.Statement, input.Parameters ?? []);
        if (statement.kind === "exists") throw existsOutsideTransaction();
        const bound = bindStatement(deps, statement, ctx, input.ReturnValuesOnConditionCheckFailure === "ALL_OLD");
        const now = ctx.now().getTime();
        if (bound.kind === "select") {
          checkConsistentRead(bound, input.ConsistentRead);
          const page = selectPage(deps, bound, { limit: input.Limit, nextToken: input.NextToken }, now);
          const units = readUnits(page.bytes, input.ConsistentRead ?? false);
          // Each item read back from the table is its own read.
          const tableUnits = page.readBack.reduce((sum, size) => sum + readUnits(size, input.ConsistentRead ?? false), 0);
          const consumed = consumedCapacity(bound.table, input.ReturnConsumedCapacity, bound.index ? { table: tableUnits, indexes: { [bound.index.name]: units } } : { table: units });
          return {
            Items: page.items,
            ...(page.next ? { NextToken: page.next.token, LastEvaluatedKey: page.next.lastKey } : {}),
            ...(consumed ? { ConsumedCapacity: consumed } : {}),
          };
        }
        const result = await runWrite(deps, bound, now);
        const returned = bound.returning ? returnedAttributes(bound.returning, result) : undefined;
        const consumed = consumedCapacity(bound.table, input.ReturnConsumedCapacity, result.consumed);
        return { Items: returned ? [returned] : [], ...(consumed ? { ConsumedCapacity: consumed } : {}) };
      },
    }),

    BatchExecuteStatement: defineOperation<{ Statements: StatementRequest[]; ReturnConsumedCapacity?: CapacityMode }>({
      authorize: (input, ctx) => requirementsOf(input.Statements, ctx),
      async handle(input, ctx) {
        const now = ctx.now().getTime();
        const totals = new Map<string, Consumption>();
        const tables = new Map<string, TableRecord>();
        const responses: Record<string, unknown>[] = [];
        for (const request of input.Statements) {
          let bound: Bound | undefined;
          // A member refused before it ran names no table.
          let ran = false;
          try {
            const statement = parseStatement(request.Statement, request.Parameters ?? []);
            if (statement.kind === "exists") throw existsOutsideTransaction();
            // ReturnValuesOnConditionCheckFailure is inert on a batch member: its error carries no Item.
            bound = bindStatement(deps, statement, ctx);
            tables.set(bound.table.name, bound.table);
            if (bound.kind === "select") {
              // Each read names one item by its whole primary key.
              if (!bound.key) throw partiqlErrors.batchSelectKey();
              checkConsistentRead(bound, request.ConsistentRead);
              ran = true;
              const { item, bytes } = selectOne(deps, bound, now);
              addUnits(totals, bound.table.name, { table: readUnits(bytes, request.ConsistentRead ?? false) });
              responses.push({ TableName: bound.table.name, ...(item ? { Item: item } : {}) });
            } else {
              ran = true;
              const result = await runWrite(deps, bound, now);
              addUnits(totals, bound.table.name, result.consumed);
              // Unlike a transaction, a batch member honours RETURNING.
              const returned = bound.returning ? returnedAttributes(bound.returning, result) : undefined;
              responses.push({ TableName: bound.table.name, ...(returned ? { Item: returned } : {}) });
            }
          } catch (error) {
            if (!isAwsError(error)) throw error;
            responses.push({
              Error: { Code: BATCH_CODES[error.code] ?? "InternalServerError", Message: error.message },
              ...(bound && ran ? { TableName: bound.table.name } : {}),
            });
          }
        }
        const consumed = capacityOf(tables, totals, input.ReturnConsumedCapacity);
        return { Responses: responses, ...(consumed.length > 0 ? { ConsumedCapacity: consumed } : {}) };
      },
    }),

    ExecuteTransaction: defineOperation<{ TransactStatements: StatementRequest[]; ClientRequestToken?: string; ReturnConsumedCapacity?: CapacityMode }>({
      authorize: (input, ctx) => requirementsOf(input.TransactStatements, ctx),
      async handle(input, ctx) {
        const now = ctx.now().getTime();
        const bound = input.TransactStatements.map((request, at) => {
          const statement = parseStatement(request.Statement, request.Parameters ?? []);
          // What a statement cannot do in a transaction is named with the statement's place.
          return inTransaction(at, () => {
            if ((statement.kind === "update" || statement.kind === "delete") && statement.returning) throw partiqlErrors.transactionReturning();
            const one = bindStatement(deps, statement, ctx, request.ReturnValuesOnConditionCheckFailure === "ALL_OLD");
            if (one.kind === "select" && one.index) throw partiqlErrors.transactionIndex();
            return one;
          });
        });
        const reads = bound.filter((b): b is BoundSelect => b.kind === "select");
        const writes = bound.filter((b): b is BoundWrite => b.kind === "write");
        if (reads.length > 0 && writes.length > 0) throw ddbErrors.validation("Unsupported operation in transaction.");
        const totals = new Map<string, Consumption>();
        const tables = new Map<string, TableRecord>();

        if (reads.length > 0) {
          for (const read of reads) {
            if (!read.key) throw partiqlErrors.transactionSelectKey();
          }
          const responses = reads.map((read) => {
            const { item, bytes } = selectOne(deps, read, now);
            addUnits(totals, read.table.name, { table: readUnits(bytes, true) * 2 });
            tables.set(read.table.name, read.table);
            return item ? { Item: item } : {};
          });
          const consumed = capacityOf(tables, totals, input.ReturnConsumedCapacity, "read");
          return { Responses: responses, ...(consumed.length > 0 ? { ConsumedCapacity: consumed } : {}) };
        }

        const seen = new Set<string>();
        for (const w of writes) {
          const id = JSON.stringify(w.write.key);
          if (seen.has(id)) throw ddbErrors.validation("Transaction request cannot include multiple operations on one item");
          seen.add(id);
        }
        const tokenKey = input.ClientRequestToken === undefined ? undefined : [ctx.accountId, ctx.region, `partiql:${input.ClientRequestToken}`];
        const hash = createHash("sha256").update(JSON.stringify(input.TransactStatements, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString("base64") : v))).digest("hex");
        let replayed = false;
        await store.write(now, (w) => {
          if (tokenKey) {
            const previous = w.tokens().get(tokenKey);
            if (previous && now - previous.at < IDEMPOTENCY_MS) {
              if (previous.hash !== hash) throw ddbErrors.idempotentMismatch();
              replayed = true;
              return;
            }
            w.tokens().put(tokenKey, { hash, at: now });
          }
          const reasons: CancellationReason[] = [];
          let failed = false;
          for (const write of writes) {
            try {
              const result = applyWrite(w, write.write);
              addUnits(totals, write.table.name, { table: result.consumed.table * 2 });
              tables.set(write.table.name, write.table);
              reasons.push({ Code: "None" });
            } catch (caught) {
              const error = duplicateIfInsert(write, caught);
              if (!isAwsError(error)) throw error;
              failed = true;
              const item = error.fields.Item as Item | undefined;
              const code = BATCH_CODES[error.code];
              if (!code) throw error;
              reasons.push({ Code: code, Message: error.message, ...(item ? { Item: item } : {}) });
            }
          }
          if (failed) throw ddbErrors.transactionCanceled(reasons);
        });
        if (replayed) {
          // A replay reads the stored outcome, transactionally: two read units an item.
          for (const write of writes) {
            addUnits(totals, write.table.name, { table: 2 });
            tables.set(write.table.name, write.table);
          }
        }
        const consumed = capacityOf(tables, totals, input.ReturnConsumedCapacity, replayed ? "read" : "write");
        return { Responses: [], ...(consumed.length > 0 ? { ConsumedCapacity: consumed } : {}) };
      },
    }),
  };
}

/** `Validation failed in TransactStatements[i]: …` for what statement i cannot do in a transaction. */
function inTransaction<T>(at: number, bind: () => T): T {
  try {
    return bind();
  } catch (error) {
    if (isAwsError(error) && error.code === "ValidationException" && TRANSACTION_RULES.has(error.message)) {
      throw ddbErrors.validation(`Validation failed in TransactStatements[${at}]: ${error.message}`);
    }
    throw error;
  }
}

const TRANSACTION_RULES: ReadonlySet<string> = new Set([partiqlErrors.transactionIndex().message, partiqlErrors.transactionReturning().message]);

/** EXISTS is a transaction's condition check; a statement on its own has nothing to check it for. */
function existsOutsideTransaction() {
  return ddbErrors.validation("EXISTS is only supported in ExecuteTransaction");
}

function capacityOf(tables: Map<string, TableRecord>, totals: Map<string, Consumption>, mode: CapacityMode, split?: "read" | "write") {
  return [...tables.values()]
    .map((table) => consumedCapacity(table, mode, totals.get(table.name) ?? { table: 0 }, { split }))
    .filter((c): c is Record<string, unknown> => c !== undefined);
}
