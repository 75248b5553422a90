/**
 * DynamoDB's runtime: the json 1.0 codec over the DynamoDB model, model
 * validation answered in DynamoDB's words, and the operation table.
 */
import { createCodec, validateInput, type ValidationProblem } from "../../protocols/index.js";
import { loadModel } from "../../protocols/model.js";
import { formatValidationMessage } from "../../protocols/shared/validate.js";
import type { Structure } from "../../protocols/types.js";
import type { ServiceEnvironment, ServiceRuntime } from "../../server/service.js";
import { ddbErrors } from "./errors.js";
import type { DynamoDeps } from "./operation.js";
import { batchOperations } from "./operations/batch.js";
import { itemOperations } from "./operations/items.js";
import { partiqlOperations } from "./operations/partiql.js";
import { queryOperations } from "./operations/query.js";
import { tableOperations } from "./operations/tables.js";
import { tagOperations } from "./operations/tags.js";
import { transactionOperations } from "./operations/transactions.js";
import { DynamoStore } from "./store.js";
import { TtlSweeper } from "./ttl.js";

/** DynamoDB refuses request bodies over 16 MB. */
const MAX_BODY = 16 * 1024 * 1024;

const TABLE_NAME = /^[a-zA-Z0-9_.-]+$/;

export function createDynamoRuntime(env: ServiceEnvironment): ServiceRuntime {
  const model = loadModel("dynamodb");
  const store = new DynamoStore(env.kv);
  const ttl = new TtlSweeper(store, () => env.now().getTime());
  ttl.start();
  const deps: DynamoDeps = { store, creatingMs: 0, ttl };
  return {
    codec: createCodec(model, { maxBodyBytes: MAX_BODY, malformedError: (detail) => ddbErrors.serialization(detail) }),
    operations: {
      ...tableOperations(deps),
      ...tagOperations(deps),
      ...itemOperations(deps),
      ...queryOperations(deps),
      ...batchOperations(deps),
      ...transactionOperations(deps),
      ...partiqlOperations(deps),
    },
    validate(op, input) {
      const problems = [...tableNameProblems(input), ...validateInput(model, op, input)];
      if (problems.length > 0) throw ddbErrors.validation(formatValidationMessage(problems.slice(0, 10)));
    },
    responseHeaders: (requestId) => ({ "x-amzn-requestid": requestId }),
    reset: async () => {},
    close: () => ttl.stop(),
  };
}

/**
 * The model types `TableName` as a table name or ARN (any 1–1024
 * characters); a plain name still has DynamoDB's name rules.
 */
function tableNameProblems(input: Structure): ValidationProblem[] {
  const name = input.TableName;
  if (typeof name !== "string" || name.startsWith("arn:")) return [];
  const problems: ValidationProblem[] = [];
  if (!TABLE_NAME.test(name)) problems.push({ path: "tableName", value: name, constraint: "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+" });
  if (name.length < 3) problems.push({ path: "tableName", value: name, constraint: "Member must have length greater than or equal to 3" });
  if (name.length > 255) problems.push({ path: "tableName", value: name, constraint: "Member must have length less than or equal to 255" });
  return problems;
}
