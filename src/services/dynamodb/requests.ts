/**
 * Request-level rules shared by the item operations: expression and
 * legacy parameters are exclusive, placeholders need an expression,
 * values are checked and normalised, and items fit DynamoDB's limits.
 */
import { AwsError } from "../../server/errors.js";
import { ddbErrors } from "./errors.js";
import { checkAllUsed, createContext, type ExpressionContext } from "./expressions/index.js";
import { itemSize, validateItem, validateItemValue, type AttributeValue, type Item } from "./values.js";

export const MAX_ITEM_BYTES = 400 * 1024;

export interface ExpressionInput {
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
}

/** "A is null", "A and B are null", "A, B and C are null". */
function nullList(names: readonly string[]): string {
  if (names.length === 1) return `${names[0]} is null`;
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]} are null`;
}

/**
 * DynamoDB's first check of a request's expression (`expressions`) and
 * legacy (`legacy`) parameters: they are exclusive, and placeholders need
 * an expression. It comes before the request's attribute values are checked.
 */
export function checkExpressionParams(
  input: ExpressionInput,
  expressions: Readonly<Record<string, string | undefined>>,
  legacy: Readonly<Record<string, unknown>>,
): void {
  const usedExpressions = Object.keys(expressions).filter((k) => expressions[k] !== undefined);
  const usedLegacy = Object.keys(legacy).filter((k) => legacy[k] !== undefined);
  if (usedExpressions.length > 0 && usedLegacy.length > 0) {
    throw ddbErrors.validation(
      `Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {${usedLegacy.join(", ")}} Expression parameters: {${usedExpressions.join(", ")}}`,
    );
  }
  if (input.ExpressionAttributeNames !== undefined && usedExpressions.length === 0) throw ddbErrors.validation("ExpressionAttributeNames can only be specified when using expressions");
  if (input.ExpressionAttributeValues !== undefined) {
    // Values need an expression that can hold them: a ProjectionExpression cannot, where another kind exists.
    const holders = Object.keys(expressions).filter((k) => k !== "ProjectionExpression");
    const named = holders.length > 0 ? holders : Object.keys(expressions);
    if (named.every((k) => expressions[k] === undefined)) {
      throw ddbErrors.validation(`ExpressionAttributeValues can only be specified when using expressions: ${nullList(named)}`);
    }
  }
}

const NAME_KEY = /^#[0-9a-zA-Z_]+$/;
const VALUE_KEY = /^:[0-9a-zA-Z_]+$/;
/** The longest placeholder, sigil included, in UTF-8 bytes. */
const MAX_PLACEHOLDER_BYTES = 255;
const KEY_TOO_LONG = "The expression attribute map contains a key that is too long;";

/**
 * The expression context of a request, after DynamoDB's checks of how its
 * expression (`expressions`) and legacy (`legacy`) parameters combine and
 * of the placeholders' keys and values.
 */
export function expressionContext(
  input: ExpressionInput,
  expressions: Readonly<Record<string, string | undefined>>,
  legacy: Readonly<Record<string, unknown>>,
): ExpressionContext {
  checkExpressionParams(input, expressions, legacy);
  const names = input.ExpressionAttributeNames;
  const values = input.ExpressionAttributeValues;
  if (names !== undefined) {
    if (Object.keys(names).length === 0) throw ddbErrors.validation("ExpressionAttributeNames must not be empty");
    for (const key in names) {
      // DynamoDB checks a key's length before its syntax, then its value.
      const bytes = Buffer.byteLength(key, "utf8");
      if (bytes > MAX_PLACEHOLDER_BYTES) throw ddbErrors.validation(`ExpressionAttributeNames contains invalid key: ${KEY_TOO_LONG} size of key: ${bytes}`);
      if (!NAME_KEY.test(key)) throw ddbErrors.validation(`ExpressionAttributeNames contains invalid key: Syntax error; key: "${key}"`);
      if (names[key] === "") throw ddbErrors.validation(`ExpressionAttributeNames contains invalid value: Empty attribute name for key ${key}`);
    }
  }
  let checked: Record<string, AttributeValue> | undefined;
  if (values !== undefined) {
    if (Object.keys(values).length === 0) throw ddbErrors.validation("ExpressionAttributeValues must not be empty");
    for (const key in values) {
      // Unlike the names', this message does not give the key's size.
      if (Buffer.byteLength(key, "utf8") > MAX_PLACEHOLDER_BYTES) throw ddbErrors.validation(`ExpressionAttributeValues contains invalid key: ${KEY_TOO_LONG}`);
      if (!VALUE_KEY.test(key)) throw ddbErrors.validation(`ExpressionAttributeValues contains invalid key: Syntax error; key: "${key}"`);
    }
    checked = {};
    for (const [name, value] of Object.entries(values)) checked[name] = checkedValue(value, `ExpressionAttributeValues contains invalid value: `, name);
  }
  return createContext(names, checked);
}

/** Unused placeholders are an error once every expression of the request was parsed. */
export function finishExpressions(ctx: ExpressionContext): void {
  if (ctx.names !== undefined || ctx.values !== undefined) checkAllUsed(ctx);
}

/** An attribute value from a request: exactly one type, valid content, canonical numbers. */
export function checkedValue(value: AttributeValue, prefix = "", name?: string): AttributeValue {
  const types = Object.keys(value);
  const suffix = name ? ` for key ${name}` : "";
  if (types.length === 0) {
    throw ddbErrors.validation(`${prefix}Supplied AttributeValue is empty, must contain exactly one of the supported datatypes${suffix}`);
  }
  if (types.length > 1) {
    // DynamoDB checks each type's content before it counts the types.
    for (const type of types) checkedValue({ [type]: (value as Record<string, unknown>)[type] } as AttributeValue, prefix, name);
    throw ddbErrors.validation(`${prefix}Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes${suffix}`);
  }
  if (prefix === "") return validateItemValue(value);
  try {
    return validateItemValue(value);
  } catch (error) {
    // ExpressionAttributeValues name the offending placeholder around the value's own message.
    if (error instanceof AwsError && error.code === "ValidationException") throw ddbErrors.validation(`${prefix}${error.message}${suffix}`);
    throw error;
  }
}

/** An item (or key) from a request, checked attribute by attribute. */
export function checkedItem(item: Item): Item {
  for (const name in item) {
    checkAttributeName(name);
    if (Object.keys(item[name]!).length !== 1) checkedValue(item[name]!);
  }
  return validateItem(item);
}

/** DynamoDB's longest attribute name, in UTF-8 bytes (64 KB itself is refused). */
const MAX_ATTRIBUTE_NAME_BYTES = 65535;

export function checkAttributeName(name: string): void {
  if (name.length > MAX_ATTRIBUTE_NAME_BYTES / 3 && Buffer.byteLength(name) > MAX_ATTRIBUTE_NAME_BYTES) {
    throw ddbErrors.invalid(`Attribute name exceeds the maximum size of ${MAX_ATTRIBUTE_NAME_BYTES} bytes`);
  }
}

/** Refuses an item over 400 KB; an update's result is refused with `Item size to update has…`. */
export function checkItemSize(item: Item, what: "item" | "update" = "item"): void {
  if (itemSize(item) > MAX_ITEM_BYTES) {
    throw ddbErrors.validation(what === "update" ? "Item size to update has exceeded the maximum allowed size" : "Item size has exceeded the maximum allowed size");
  }
}

export function checkReturnValues(value: string | undefined, allowed: readonly string[], message: string): void {
  if (value !== undefined && !allowed.includes(value)) throw ddbErrors.validation(message);
}
