/** DynamoDB fixtures shared by the service tests. */
import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb";
import type { TableRecord } from "../../src/services/dynamodb/tables.js";

/** A pay-per-request table keyed by one string attribute, which most DynamoDB tests start from. */
export function stringKeyedTable(name: string, key = "id"): CreateTableCommandInput {
  return {
    TableName: name,
    AttributeDefinitions: [{ AttributeName: key, AttributeType: "S" }],
    KeySchema: [{ AttributeName: key, KeyType: "HASH" }],
    BillingMode: "PAY_PER_REQUEST",
  };
}

/** The stored record of a pay-per-request table keyed by a string `id`, for tests of the store itself. */
export function tableRecord(name: string, id: string, extra: Partial<TableRecord> = {}): TableRecord {
  return {
    accountId: "000000000000",
    region: "us-east-1",
    name,
    id,
    createdAt: 0,
    attributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
    keySchema: [{ AttributeName: "id", KeyType: "HASH" }],
    billingMode: "PAY_PER_REQUEST",
    throughput: { read: 0, write: 0, decreasesToday: 0 },
    gsis: [],
    lsis: [],
    tags: [],
    deletionProtection: false,
    ...extra,
  };
}
