/** The table records' store, read by the authorizer's policy source without loading the rest of DynamoDB. */
export const TABLES_STORE = "dynamodb.tables";
