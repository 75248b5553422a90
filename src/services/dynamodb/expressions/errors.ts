import { AwsError } from "../../../server/errors.js";

/** The request parameter an expression came in, named in DynamoDB's messages. */
export type ExpressionKind =
  | "ConditionExpression"
  | "FilterExpression"
  | "KeyConditionExpression"
  | "UpdateExpression"
  | "ProjectionExpression";

export function validation(message: string): AwsError {
  return new AwsError("ValidationException", message, 400);
}

/** `Invalid UpdateExpression: …` */
export function invalidExpression(kind: ExpressionKind, message: string): AwsError {
  return validation(`Invalid ${kind}: ${message}`);
}
