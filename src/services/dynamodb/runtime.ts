/**
 * DynamoDB's runtime: the json 1.0 codec over the DynamoDB model, model
 * validation answered in DynamoDB's words, and the operation table.
 */
import { createCodec, validateInput } from "../../protocols/index.js";
import { loadModel, type ServiceModel } from "../../protocols/model.js";
import type { ServiceEnvironment, ServiceRuntime } from "../../server/service.js";
import { ddbErrors } from "./errors.js";
import type { DynamoDeps } from "./operation.js";
import { batchOperations } from "./operations/batch.js";
import { itemOperations } from "./operations/items.js";
import { globalTableOperations } from "./operations/global-tables.js";
import { exportOperations } from "./operations/exports.js";
import { ExportStore } from "./export-store.js";
import { importOperations } from "./operations/imports.js";
import { insightsOperations } from "./operations/insights.js";
import { ImportStore } from "./import-store.js";
import { anyOriginCors } from "../../server/json-cors.js";
import { partiqlOperations } from "./operations/partiql.js";
import { queryOperations } from "./operations/query.js";
import { createDynamoValidator } from "./request-validation.js";
import { tableOperations } from "./operations/tables.js";
import { backupOperations, deletedTableBackup } from "./operations/backups.js";
import { restoreOperations } from "./operations/restores.js";
import { tagOperations } from "./operations/tags.js";
import { resourcePolicyOperations } from "./operations/resource-policies.js";
import { transactionOperations } from "./operations/transactions.js";
import { BackupStore } from "./backup-store.js";
import { DynamoStore } from "./store.js";
import { TtlSweeper } from "./ttl.js";

/** DynamoDB refuses request bodies over 16 MB. */
const MAX_BODY = 16 * 1024 * 1024;

/**
 * Errors DynamoDB answers from its front end (request validation,
 * deserialization, authentication) carry Coral's namespaces, not the
 * service's; SerializationException and AccessDeniedException name their
 * message `Message`.
 */
const CORAL_ERRORS: Readonly<Record<string, { type: string; messageName: "message" | "Message" }>> = {
  ValidationException: { type: "com.amazon.coral.validate#ValidationException", messageName: "message" },
  SerializationException: { type: "com.amazon.coral.service#SerializationException", messageName: "Message" },
  UnknownOperationException: { type: "com.amazon.coral.service#UnknownOperationException", messageName: "message" },
  AccessDeniedException: { type: "com.amazon.coral.service#AccessDeniedException", messageName: "Message" },
  MissingAuthenticationTokenException: { type: "com.amazon.coral.service#MissingAuthenticationTokenException", messageName: "message" },
  IncompleteSignatureException: { type: "com.amazon.coral.service#IncompleteSignatureException", messageName: "message" },
  InvalidSignatureException: { type: "com.amazon.coral.service#InvalidSignatureException", messageName: "message" },
  UnrecognizedClientException: { type: "com.amazon.coral.service#UnrecognizedClientException", messageName: "message" },
};

/** A failed condition that hands back the old item names its message `Message`, as DynamoDB does. */
const OLD_ITEM_CONDITION_FAILURE = { type: "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException", messageName: "Message" } as const;

export async function createDynamoRuntime(env: ServiceEnvironment): Promise<ServiceRuntime> {
  const model = withTableKeyLimit(loadModel("dynamodb"));
  const store = new DynamoStore(env.kv);
  const ttl = new TtlSweeper(store, () => env.now().getTime());
  ttl.start();
  const deps: DynamoDeps = { store, creatingMs: 0, ttl, principals: env.principals };
  // A new replica's copy that a stop cut short is finished.
  void store.resumeSeeding(env.now().getTime()).catch((error: unknown) => env.log?.("error", "dynamodb: finishing replica copies failed", error));
  const backups = new BackupStore(store);
  // A table deleted under point-in-time recovery leaves a SYSTEM backup of its items as they stood.
  store.onDeleted = async (table, at) => {
    if (table.pitr) await backups.createBackup(deletedTableBackup(table, at));
  };
  // A backup or restore cut short by a stop left a partial copy behind; its caller got no answer.
  void backups.dropUnfinished().catch((error: unknown) => env.log?.("warn", "dynamodb: dropping unfinished backup copies failed", error));
  // Deletes a stop cut short are finished (their SYSTEM backups made first), after the partial copies are marked for dropping.
  void store.finishDeletes().catch((error: unknown) => env.log?.("error", "dynamodb: finishing table deletes failed", error));
  // SYSTEM backups go 35 days after their table.
  const expiry = setInterval(() => void backups.dropExpired(env.now().getTime()).catch(() => {}), 10 * 60 * 1000);
  expiry.unref();
  // Exports write into S3, loaded when the first export needs it.
  const exports = new ExportStore(store, async () => (await env.peer?.("s3"))?.sharedObjects, () => env.now().getTime());

  const imports = new ImportStore(store, async () => (await env.peer?.("s3"))?.sharedObjects, () => env.now().getTime());
  // Jobs a stop cut short read FAILED before any request can see them.
  await exports.ledger.failUnfinished("export");
  await imports.ledger.failUnfinished("import");
  const validator = createDynamoValidator(model);
  return {
    codec: createCodec(model, {
      maxBodyBytes: MAX_BODY,
      // A body that is not JSON at all gets a SerializationException without a message.
      malformedError: (detail) => ddbErrors.serialization(detail === "Start of structure or map found where not expected." ? "" : detail),
      // Nimbus keeps strings as UTF-8, where "\ud800" and "\udc00" would both become U+FFFD: two keys would be one item.
      unpairedSurrogateError: () => ddbErrors.validation("One or more parameter values were invalid: Nimbus does not support strings holding an unpaired UTF-16 surrogate"),
      errorType: (code, error) => CORAL_ERRORS[code] ?? (code === "ConditionalCheckFailedException" && error.fields.Item !== undefined ? OLD_ITEM_CONDITION_FAILURE : undefined),
    }),
    operations: {
      ...tableOperations(deps),
      ...tagOperations(deps),
      ...insightsOperations(deps),
      ...resourcePolicyOperations(deps),
      ...backupOperations(deps, backups),
      ...restoreOperations(deps, backups),
      ...itemOperations(deps),
      ...queryOperations(deps),
      ...batchOperations(deps),
      ...transactionOperations(deps),
      ...partiqlOperations(deps),
      ...globalTableOperations(),
      ...exportOperations(deps, exports),
      ...importOperations(deps, imports),
    },
    validate(op, input) {
      validator.check(op.name, input, validateInput(model, op, input));
    },
    crossOrigin: anyOriginCors,
    compressesAnswers: true,
    internalError: ddbErrors.internal,
    // DynamoDB names no server software: its answers say `Server: Server`.
    responseHeaders: (requestId) => ({ "x-amzn-requestid": requestId, server: "Server" }),
    // A reset stops the jobs under way: none writes into what the reset left.
    reset: async () => {
      await exports.ledger.interrupt();
      await imports.ledger.interrupt();
    },
    close: async () => {
      clearInterval(expiry);
      await exports.ledger.close();
      await imports.ledger.close();
      await backups.close();
      await ttl.stop();
    },
  };
}

/**
 * The model's KeySchema has no upper bound since global indexes may key on
 * several attributes; a table's own key schema and a local index's still
 * hold two elements at most, and the request validator says so in Coral's
 * words ("Member must have length less than or equal to 2").
 */
function withTableKeyLimit(model: ServiceModel): ServiceModel {
  if (model.shapes.TableKeySchema) return model;
  model.shapes.TableKeySchema = { ...model.shapes.KeySchema!, max: 2 };
  for (const shape of ["CreateTableInput", "LocalSecondaryIndex"]) {
    const member = model.shapes[shape]?.members?.KeySchema;
    if (member) member.shape = "TableKeySchema";
  }
  return model;
}
