/**
 * DynamoDB's model-level validation in DynamoDB's own words and order.
 *
 * The generic validator (protocols/shared/validate.ts) finds the problems;
 * this module turns them into what DynamoDB answers: the control-plane
 * operations' `TableName` pre-checks, the members DynamoDB requires beyond
 * the model, enum lists in the order DynamoDB prints them, and the problems
 * sorted the way DynamoDB lists them (it keeps only the first ten, so the
 * order decides which ones a caller sees). The orders are those DynamoDB
 * answers with, as recorded by dynalite's suite run against DynamoDB.
 */
import type { ServiceModel } from "../../protocols/model.js";
import type { ValidationProblem } from "../../protocols/shared/validate.js";
import type { Structure } from "../../protocols/types.js";
import { ddbErrors } from "./errors.js";

const TABLE_NAME = /^[a-zA-Z0-9_.-]+$/;
const TABLE_NAME_PATTERN = "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+";

/** Operations whose `TableName` is checked for presence and length before anything else. */
const CONTROL_PLANE = new Set(["CreateTable", "DescribeTable", "DeleteTable", "UpdateTable", "DescribeTimeToLive", "UpdateTimeToLive"]);

/** Top-level members in the order DynamoDB reports their problems; members not listed follow, in model order. */
const MEMBER_ORDER: Readonly<Record<string, readonly string[]>> = {
  PutItem: ["ReturnConsumedCapacity", "TableName", "Item", "ConditionalOperator", "Expected", "ReturnValues", "ReturnItemCollectionMetrics"],
  GetItem: ["ReturnConsumedCapacity", "AttributesToGet", "TableName", "Key", "ConsistentRead"],
  DeleteItem: ["ReturnConsumedCapacity", "TableName", "ReturnValues", "ReturnItemCollectionMetrics", "Key", "ConditionalOperator", "Expected"],
  UpdateItem: ["ReturnConsumedCapacity", "TableName", "ReturnItemCollectionMetrics", "ReturnValues", "Key", "ConditionalOperator", "Expected", "AttributeUpdates"],
  Query: ["Limit", "ExclusiveStartKey", "ReturnConsumedCapacity", "AttributesToGet", "QueryFilter", "Select", "ConditionalOperator", "KeyConditions", "TableName", "ConsistentRead", "IndexName", "ScanIndexForward"],
  Scan: ["Limit", "ReturnConsumedCapacity", "AttributesToGet", "Segment", "Select", "ScanFilter", "ConditionalOperator", "TotalSegments", "TableName", "ExclusiveStartKey", "IndexName"],
  BatchGetItem: ["ReturnConsumedCapacity", "RequestItems"],
  BatchWriteItem: ["ReturnConsumedCapacity", "ReturnItemCollectionMetrics", "RequestItems"],
  CreateTable: ["AttributeDefinitions", "TableName", "BillingMode", "ProvisionedThroughput", "KeySchema", "LocalSecondaryIndexes", "GlobalSecondaryIndexes"],
  UpdateTable: ["TableName", "ProvisionedThroughput", "GlobalSecondaryIndexUpdates"],
  ListTables: ["Limit", "ExclusiveStartTableName"],
};

/** Where tags are sent: DynamoDB words a bad tag itself ("The Tag Key provided is invalid, …"), the operations check them. */
const TAG_MEMBERS: Readonly<Record<string, string>> = { CreateTable: "tags", TagResource: "tags", UntagResource: "tagKeys" };

function isTagProblem(operation: string, p: ValidationProblem): boolean {
  const member = TAG_MEMBERS[operation];
  return member !== undefined && p.path.startsWith(`${member}.`);
}

/** Enum shapes whose values DynamoDB lists in another order than the model. */
const ENUM_ORDER: Readonly<Record<string, readonly string[]>> = {
  ReturnValue: ["ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW"],
  Select: ["SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES"],
  ComparisonOperator: ["IN", "NULL", "BETWEEN", "LT", "NOT_CONTAINS", "EQ", "GT", "NOT_NULL", "NE", "LE", "BEGINS_WITH", "GE", "CONTAINS"],
  ConditionalOperator: ["OR", "AND"],
  ScalarAttributeType: ["B", "N", "S"],
  ProjectionType: ["ALL", "INCLUDE", "KEYS_ONLY"],
  AttributeAction: ["ADD", "PUT", "DELETE"],
};

export interface DynamoValidator {
  /** Throws DynamoDB's ValidationException for the request's model-level problems, if any. */
  check(operation: string, input: Structure, modelProblems: readonly ValidationProblem[]): void;
}

export function createDynamoValidator(model: ServiceModel): DynamoValidator {
  const enumTexts = new Map<string, string>();
  for (const [shape, order] of Object.entries(ENUM_ORDER)) {
    const values = model.shapes[shape]?.enum;
    if (values) enumTexts.set(`enum value set: [${values.join(", ")}]`, `enum value set: [${order.join(", ")}]`);
  }
  const rewriteEnum = (constraint: string): string => {
    const at = constraint.indexOf("enum value set: [");
    if (at < 0) return constraint;
    const replacement = enumTexts.get(constraint.slice(at));
    return replacement === undefined ? constraint : constraint.slice(0, at) + replacement;
  };

  return {
    check(operation, input, allModelProblems) {
      // A batch with no tables at all is refused before anything else.
      if ((operation === "BatchGetItem" || operation === "BatchWriteItem") && isEmptyMap(input.RequestItems)) {
        throw ddbErrors.validation(`The requestItems parameter is required for ${operation}`);
      }
      const controlPlane = CONTROL_PLANE.has(operation);
      if (controlPlane) checkControlPlaneTableName(input);
      const nameProblems = [...tableNameProblems(input.TableName, "tableName", controlPlane), ...transactionTableNameProblems(operation, input)];
      const missing = requiredProblems(operation, input);
      const modelProblems = allModelProblems.length === 0 ? allModelProblems : allModelProblems.filter((p) => !isTagProblem(operation, p));
      // Most requests are valid: nothing to gather, word or order.
      if (nameProblems.length === 0 && missing.length === 0 && modelProblems.length === 0) return;
      const problems = [
        ...nameProblems,
        ...missing,
        // DynamoDB checks a table's name and class itself, after the request's shape.
        ...modelProblems.filter((p) => !(isTableNamePath(p.path) && p.value !== "null") && p.path !== "tableClass"),
      ].map((p) => ({ ...p, constraint: rewriteEnum(p.constraint) }));
      if (problems.length === 0) {
        if (modelProblems.some((p) => p.path === "tableClass")) {
          throw ddbErrors.validation("Invalid table-class parameter provided. Please try again with a valid table-class value: [STANDARD, STANDARD_INFREQUENT_ACCESS].");
        }
        return;
      }
      const ordered = orderProblems(operation, problems);
      throw ddbErrors.validation(formatProblems(ordered.slice(0, 10)));
    },
  };
}

/** CreateTable, DescribeTable, DeleteTable, UpdateTable and the TTL calls refuse a missing or mis-sized name up front. */
function checkControlPlaneTableName(input: Structure): void {
  const name = input.TableName;
  if (name === undefined) throw ddbErrors.validation("The parameter 'TableName' is required but was not present in the request");
  if (typeof name === "string" && !name.startsWith("arn:") && (name.length < 3 || name.length > 255)) {
    throw ddbErrors.validation("TableName must be at least 3 characters long and at most 255 characters long");
  }
}

/**
 * The model types `TableName` as a table name or ARN (any 1–1024
 * characters); a plain name still has DynamoDB's name rules.
 */
function tableNameProblems(name: unknown, path: string, controlPlane: boolean): ValidationProblem[] {
  if (typeof name !== "string" || name.startsWith("arn:")) return [];
  const pattern: ValidationProblem[] = TABLE_NAME.test(name) ? [] : [{ path, value: name, constraint: TABLE_NAME_PATTERN }];
  if (controlPlane) return pattern;
  // An empty name fails the model's own minimum (a name or an ARN), and nothing else is said of it.
  if (name === "") return [{ path, value: name, constraint: "Member must have length greater than or equal to 1" }];
  const problems: ValidationProblem[] = [];
  if (name.length < 3) problems.push({ path, value: name, constraint: "Member must have length greater than or equal to 3" });
  if (name.length > 255) problems.push({ path, value: name, constraint: "Member must have length less than or equal to 255" });
  return [...problems, ...pattern];
}

/**
 * A transaction's actions name their tables too, and those names have the
 * same rules, quoted at the action's member ('transactItems.1.member.put.tableName',
 * as nubo-db's dynamodb-conformance captured it from DynamoDB).
 */
function transactionTableNameProblems(operation: string, input: Structure): ValidationProblem[] {
  if ((operation !== "TransactWriteItems" && operation !== "TransactGetItems") || !Array.isArray(input.TransactItems)) return [];
  return input.TransactItems.flatMap((entry: unknown, at) => {
    if (entry === null || typeof entry !== "object") return [];
    return Object.entries(entry as Record<string, unknown>).flatMap(([kind, action]) => {
      const name = action !== null && typeof action === "object" ? (action as Record<string, unknown>).TableName : undefined;
      const path = `transactItems.${at + 1}.member.${lowerFirst(kind)}.tableName`;
      return tableNameProblems(name, path, false);
    });
  });
}

/** Members the model leaves optional but DynamoDB requires. */
function requiredProblems(operation: string, input: Structure): ValidationProblem[] {
  if (operation !== "CreateTable" || input.GlobalTableSourceArn !== undefined) return [];
  const problems: ValidationProblem[] = [];
  for (const member of ["AttributeDefinitions", "KeySchema"]) {
    if (input[member] === undefined) problems.push({ path: lowerFirst(member), value: "null", constraint: "Member must not be null" });
  }
  return problems;
}

/**
 * DynamoDB's order: by top-level member (MEMBER_ORDER), write capacity
 * before read capacity, and for one value the pattern before its length.
 */
function orderProblems(operation: string, problems: readonly ValidationProblem[]): ValidationProblem[] {
  const list = [...problems];
  for (let i = 0; i + 1 < list.length; i++) {
    const a = list[i]!;
    const b = list[i + 1]!;
    const capacities = a.path.endsWith(".readCapacityUnits") && b.path === `${a.path.slice(0, -"readCapacityUnits".length)}writeCapacityUnits`;
    // Model constraints name the pattern first; a data-plane table name's own rules put its length first.
    const patternLast = a.path === b.path && a.path !== "tableName" && isPattern(b) && !isPattern(a);
    if (capacities || patternLast) {
      list[i] = b;
      list[i + 1] = a;
    }
  }
  const order = (MEMBER_ORDER[operation] ?? []).map(lowerFirst);
  const rank = (path: string): number => {
    const at = order.indexOf(path.split(".", 1)[0] ?? path);
    return at < 0 ? order.length : at;
  };
  // Array.prototype.sort is stable: within one member the validator's order stays.
  return list.sort((a, b) => rank(a.path) - rank(b.path));
}

/** The request's table name, or one a transaction's action names: the names tableNameProblems checks. */
function isTableNamePath(path: string): boolean {
  return path === "tableName" || /^transactItems\.\d+\.member\.[a-zA-Z]+\.tableName$/.test(path);
}

function isPattern(p: ValidationProblem): boolean {
  return p.constraint.startsWith("Member must satisfy regular expression pattern");
}

/** `1 validation error detected: …` / `2 validation errors detected: …; …` */
function formatProblems(problems: readonly ValidationProblem[]): string {
  const n = problems.length;
  const details = problems.map((p) => `Value ${p.value === "null" ? "null" : `'${p.value}'`} at '${p.path}' failed to satisfy constraint: ${p.constraint}`);
  return `${n} validation error${n === 1 ? "" : "s"} detected: ${details.join("; ")}`;
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function isEmptyMap(value: unknown): boolean {
  return value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0;
}
