/**
 * PartiQL's own messages, as DynamoDB words them.
 */
import { AwsError } from "../../../server/errors.js";
import { ddbErrors } from "../errors.js";

/** A statement the parser cannot read; some answer nothing after the colon. */
export const statementError = (detail: string) => ddbErrors.validation(`Statement wasn't well formed, can't be processed: ${detail}`);

export const partiqlErrors = {
  leftover: () => statementError("Unexpected token after expression"),
  aliasing: () => ddbErrors.validation("Aliasing is not supported"),
  parameterCount: () => ddbErrors.validation("Number of parameters in request and statement don't match."),
  incompleteKey: () => ddbErrors.validation("Where clause does not contain a mandatory equality on all key attributes"),
  duplicateItem: () => new AwsError("DuplicateItemException", "Duplicate primary key exists in table", 400),
  emptyBag: () => ddbErrors.validation("Empty bags are not supported"),
  mixedBag: () => ddbErrors.validation("Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags"),
  duplicateTupleKey: (key: string, under: string) => ddbErrors.validation(`Duplicate keys in tuple. Key: ${key} under ${under}`),
  returningInInsert: () => ddbErrors.validation("RETURNING is not supported in INSERT"),
  returningInDelete: (clause: string) =>
    ddbErrors.validation(`Invalid returning clause: RETURNING ${clause}. Only RETURNING ALL OLD * is allowed in DELETE statements.`),
  multipleKeyConditions: (key: string) => ddbErrors.validation(`Multiple conditions on same key ${key}. Only single item Update/Insert/Delete are supported`),
  starAndOthers: () => ddbErrors.validation("Other attributes should not be present in the projection when '*' is used."),
  orderByWithoutWhere: () => ddbErrors.validation("Must have WHERE clause in the statement when using ORDER BY clause."),
  orderByWithoutHash: () => ddbErrors.validation("Must have at least one non-optional hash key condition in WHERE clause when using ORDER BY clause."),
  orderByNotKey: (name: string) => ddbErrors.validation(`Variable reference ${name} in ORDER BY clause must be part of the primary key`),
  consistentReadOnGsi: () => ddbErrors.validation("Strongly consistent read is not supported on Global Secondary Indexes"),
  batchSelectKey: () => ddbErrors.validation("Select statements within BatchExecuteStatement must specify the primary key in the where clause."),
  transactionSelectKey: () => ddbErrors.validation("Select statements within ExecuteTransaction must specify the primary key in the where clause."),
  transactionIndex: () => ddbErrors.validation("Reads on indices are not supported within transactions."),
  transactionReturning: () => ddbErrors.validation("RETURNING clause is not supported in ExecuteTransaction."),
  pathComponents: () => ddbErrors.validation("A path may contain at most 2 components in the FROM clause"),
  invalidNextToken: () => ddbErrors.validation("Invalid NextToken"),
  unrecognizedFunction: (name: string) => ddbErrors.validation(`Unrecognized function: ${name}`),
};
