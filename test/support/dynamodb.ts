/** DynamoDB fixtures shared by the service tests. */
import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb";

/** A pay-per-request table keyed by one string attribute, which most DynamoDB tests start from. */
export function stringKeyedTable(name: string, key = "id"): CreateTableCommandInput {
  return {
    TableName: name,
    AttributeDefinitions: [{ AttributeName: key, AttributeType: "S" }],
    KeySchema: [{ AttributeName: key, KeyType: "HASH" }],
    BillingMode: "PAY_PER_REQUEST",
  };
}
