/**
 * DynamoDB's errors, with its own message texts. Every operation throws
 * these; the json codec renders them (structured members such as
 * `CancellationReasons` and `Item` through the model's error shapes).
 */
import { AwsError } from "../../server/errors.js";
import type { Item } from "./values.js";

export interface CancellationReason {
  Code: string;
  Message?: string;
  Item?: Item;
}

export const ddbErrors = {
  validation: (message: string) => new AwsError("ValidationException", message, 400),
  /** `__proto__` names a JavaScript object's prototype: Nimbus refuses it as a name rather than mishandle it. */
  unsupportedName: () => new AwsError("ValidationException", "One or more parameter values were invalid: Nimbus does not support the attribute name __proto__", 400),
  /** Data-plane calls on a missing table say no more than this. */
  resourceNotFound: (message = "Requested resource not found") => new AwsError("ResourceNotFoundException", message, 400),
  tableNotFound: (name: string) => new AwsError("ResourceNotFoundException", `Requested resource not found: Table: ${name} not found`, 400),
  resourceInUse: (message: string) => new AwsError("ResourceInUseException", message, 400),
  conditionalCheckFailed: (item?: Item) =>
    new AwsError("ConditionalCheckFailedException", "The conditional request failed", 400, item ? { Item: item } : {}),
  transactionCanceled: (reasons: CancellationReason[]) =>
    new AwsError(
      "TransactionCanceledException",
      `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(", ")}]`,
      400,
      { CancellationReasons: reasons },
    ),
  idempotentMismatch: () =>
    new AwsError(
      "IdempotentParameterMismatchException",
      "Specified idempotency token was used with different request parameters within the 10 minutes idempotency window",
      400,
    ),
  limitExceeded: (message: string) => new AwsError("LimitExceededException", message, 400),
  serialization: (message: string) => new AwsError("SerializationException", message, 400),
  /** An unexpected failure (a commit the disk refused): SDKs retry this one. */
  internal: () => new AwsError("InternalServerError", "Internal server error", 500),
  /** The generic "provided key element" error of key validation. */
  keySchemaMismatch: () => new AwsError("ValidationException", "The provided key element does not match the schema", 400),
  invalid: (detail: string) => new AwsError("ValidationException", `One or more parameter values were invalid: ${detail}`, 400),
  /** DynamoDB Streams. */
  expiredIterator: (message: string) => new AwsError("ExpiredIteratorException", message, 400),
  trimmedData: (message: string) => new AwsError("TrimmedDataAccessException", message, 400),
};
