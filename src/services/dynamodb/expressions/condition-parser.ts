/**
 * ConditionExpression / FilterExpression (and the raw form of a
 * KeyConditionExpression): recursive descent over
 *
 *   or      := and (OR and)*
 *   and     := not (AND not)*
 *   not     := NOT not | primary
 *   primary := "(" or ")" | operand comparator operand
 *            | operand BETWEEN operand AND operand | operand IN "(" operand, … ")"
 *            | function "(" operand, … ")"
 *   operand := path | :value | function "(" operand, … ")" | "(" operand ")"
 */
import { compareValues, typeOf, type AttributeValue } from "../values.js";
import type { Comparator, Condition, DocumentPath, Operand } from "./ast.js";
import { invalidExpression, type ExpressionKind } from "./errors.js";
import type { ConditionKind, ExpressionContext } from "./index.js";
import { Parser, Problems, pathText, samePath } from "./parser.js";

/** An operand before its checks: function calls are still calls. */
type RawOperand =
  | { readonly k: "path"; readonly path: DocumentPath }
  | { readonly k: "value"; readonly value: AttributeValue | undefined }
  | { readonly k: "call"; readonly name: string; readonly args: readonly RawOperand[] };

type Slot = "parens" | "unknownFunction" | "misusedFunction" | "operand" | "distinct" | "function";

/**
 * DynamoDB's order of precedence among the problems of one condition: what
 * its parser finds (parentheses, functions, reserved words) first; then
 * placeholders and operands, checked in one walk where the first problem
 * met in the text wins.
 */
const ORDER = [
  "parens",
  "unknownFunction",
  "misusedFunction",
  "reserved",
  ["attrName", "attrValue", "operand", "distinct", "function"],
] as const;

const KEYWORDS: ReadonlySet<string> = new Set(["AND", "OR", "NOT", "BETWEEN", "IN"]);

const COMPARATORS: ReadonlySet<string> = new Set(["=", "<>", "<", "<=", ">", ">="]);

/** Functions usable as a whole condition, with their operand counts. */
const CONDITION_FUNCTIONS: ReadonlyMap<string, number> = new Map([
  ["attribute_exists", 1],
  ["attribute_not_exists", 1],
  ["attribute_type", 2],
  ["begins_with", 2],
  ["contains", 2],
]);

/** Functions of UpdateExpressions, which a condition may not use. */
const UPDATE_FUNCTIONS: ReadonlySet<string> = new Set(["if_not_exists", "list_append"]);

const ATTRIBUTE_TYPES: ReadonlySet<string> = new Set(["S", "N", "B", "NULL", "SS", "BOOL", "L", "BS", "NS", "M"]);

/** DynamoDB's IN limit. */
const MAX_IN_OPERANDS = 100;

/**
 * DynamoDB's limit on a condition's operators: AND, OR, NOT, each
 * comparison, BETWEEN and IN, and each call of a known function.
 */
const MAX_OPERATORS = 300;

class ConditionParser extends Parser<Slot> {
  /** Conditions that were written in parentheses, to spot "((…))". */
  private readonly grouped = new WeakSet<Condition>();
  private operators = 0;

  constructor(kind: ExpressionKind, text: string, ctx: ExpressionContext) {
    super(kind, text, ctx, new Problems(ORDER), KEYWORDS);
  }

  parse(): Condition {
    const condition = this.parseOr();
    this.expectEnd();
    this.finish();
    return condition;
  }

  private parseOr(): Condition {
    let left = this.parseAnd();
    while (this.isKeyword("OR")) {
      this.next();
      this.countOperator();
      left = { kind: "or", left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): Condition {
    let left = this.parseNot();
    while (this.isKeyword("AND")) {
      this.next();
      this.countOperator();
      left = { kind: "and", left, right: this.parseNot() };
    }
    return left;
  }

  private parseNot(): Condition {
    if (this.isKeyword("NOT")) {
      this.next();
      this.countOperator();
      this.enter();
      const condition = this.parseNot();
      this.leave();
      return { kind: "not", condition };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): Condition {
    if (this.isPunct("(") && !this.operandInParens()) {
      this.next();
      this.enter();
      const inner = this.parseOr();
      this.leave();
      this.expectPunct(")");
      if (this.grouped.has(inner)) this.problems.add("parens", "The expression has redundant parentheses;");
      this.grouped.add(inner);
      return inner;
    }
    const left = this.parseOperand();
    const token = this.peek();
    if (token.kind === "punct" && COMPARATORS.has(token.text)) {
      this.next();
      this.countOperator();
      const right = this.parseOperand();
      return this.comparison(token.text as Comparator, left, right);
    }
    if (this.isKeyword("BETWEEN")) {
      this.next();
      this.countOperator();
      const low = this.parseOperand();
      if (!this.isKeyword("AND")) throw this.syntaxError();
      this.next();
      const high = this.parseOperand();
      return this.between(left, low, high);
    }
    if (this.isKeyword("IN")) {
      this.next();
      this.countOperator();
      this.expectPunct("(");
      const list = [this.parseOperand()];
      while (this.isPunct(",")) {
        this.next();
        list.push(this.parseOperand());
      }
      this.expectPunct(")");
      return this.in(left, list);
    }
    if (left.k === "call") return this.functionCondition(left.name, left.args);
    throw this.syntaxError();
  }

  /** At "(": does the group hold an operand (followed by a comparator, BETWEEN or IN)? */
  private operandInParens(): boolean {
    const close = this.closingParen();
    if (close < 0) return false;
    const after = this.tokenAt(close + 1);
    if (after.kind === "punct") return COMPARATORS.has(after.text);
    if (after.kind !== "ident") return false;
    const word = after.text.toUpperCase();
    return word === "BETWEEN" || word === "IN";
  }

  private parseOperand(): RawOperand {
    const token = this.peek();
    if (token.kind === "punct" && token.text === "(") {
      this.next();
      this.enter();
      const redundant = this.isPunct("(");
      const inner = this.parseOperand();
      this.leave();
      this.expectPunct(")");
      if (redundant) this.problems.add("parens", "The expression has redundant parentheses;");
      return inner;
    }
    if (token.kind === "value") {
      this.next();
      return { k: "value", value: this.resolveValue(token.text) };
    }
    if (token.kind === "ident" && this.isPunct("(", 1) && !this.isAnyKeyword()) {
      this.next();
      this.next();
      if (token.text === "size" || CONDITION_FUNCTIONS.has(token.text)) this.countOperator();
      this.enter();
      const args = [this.parseOperand()];
      while (this.isPunct(",")) {
        this.next();
        args.push(this.parseOperand());
      }
      this.leave();
      this.expectPunct(")");
      return { k: "call", name: token.text, args };
    }
    return { k: "path", path: this.parsePath() };
  }

  /** Reported as soon as the count passes the limit, as DynamoDB's parser does. */
  private countOperator(): void {
    if (++this.operators > MAX_OPERATORS) {
      throw invalidExpression(this.kind, `The expression contains too many operators; operator count: ${this.operators}`);
    }
  }

  // -- checks and conversion to the AST --------------------------------------

  private comparison(op: Comparator, left: RawOperand, right: RawOperand): Condition {
    const l = this.operand(left);
    const r = this.operand(right);
    this.distinct(op, left, right);
    if (op !== "=" && op !== "<>") this.orderable(op, [left, right]);
    return { kind: "compare", op, left: l, right: r };
  }

  /**
   * Ordering compares numbers, strings and binaries only: a constant of
   * another type is a faulty expression, not a failed condition (what an
   * attribute holds is only known at evaluation, where it fails).
   */
  private orderable(operator: string, operands: readonly RawOperand[]): void {
    for (const operand of operands) {
      const type = operand.k === "value" && operand.value !== undefined ? typeOf(operand.value) : undefined;
      if (type !== undefined && type !== "N" && type !== "S" && type !== "B") {
        this.problems.add("function", `Incorrect operand type for operator or function; operator or function: ${operator}, operand type: ${type}`);
        return;
      }
    }
  }

  private between(operand: RawOperand, low: RawOperand, high: RawOperand): Condition {
    const o = this.operand(operand);
    const lo = this.operand(low);
    const hi = this.operand(high);
    this.orderable("BETWEEN", [operand, low, high]);
    if (!this.problems.has("function") && low.k === "value" && high.k === "value" && low.value !== undefined && high.value !== undefined) {
      const bounds = `lower bound operand: AttributeValue: {${valueText(low.value)}}, upper bound operand: AttributeValue: {${valueText(high.value)}}`;
      if (typeOf(low.value) !== typeOf(high.value)) {
        this.problems.add("function", `The BETWEEN operator requires same data type for lower and upper bounds; ${bounds}`);
      } else if ((compareValues(low.value, high.value) ?? 0) > 0) {
        this.problems.add(
          "function",
          `The BETWEEN operator requires upper bound to be greater than or equal to lower bound; ${bounds}`,
        );
      }
    }
    return { kind: "between", operand: o, low: lo, high: hi };
  }

  private in(operand: RawOperand, list: readonly RawOperand[]): Condition {
    const o = this.operand(operand);
    const operands = list.map((x) => this.operand(x));
    if (list.length > MAX_IN_OPERANDS) {
      this.problems.add("operand", `The IN operator is provided with too many operands; number of operands: ${list.length}`);
    }
    return { kind: "in", operand: o, list: operands };
  }

  private functionCondition(name: string, args: readonly RawOperand[]): Condition {
    const count = CONDITION_FUNCTIONS.get(name);
    if (count === undefined) {
      if (name === "size") this.misused(name);
      else this.problems.add("unknownFunction", `Invalid function name; function: ${name}`);
      return { kind: "attribute_exists", path: [name] };
    }
    const operands = args.map((a) => this.operand(a));
    if (args.length !== count) {
      this.problems.add(
        "operand",
        `Incorrect number of operands for operator or function; operator or function: ${name}, number of operands: ${args.length}`,
      );
      return { kind: "attribute_exists", path: [name] };
    }
    if (count === 2) this.distinct(name, args[0], args[1]);
    const first = args[0];
    switch (name) {
      case "attribute_exists":
      case "attribute_not_exists":
      case "attribute_type": {
        // attribute_type also takes a constant: `attribute_type(:v, :t)`.
        if (first.k !== "path" && (name !== "attribute_type" || first.k !== "value")) {
          this.problems.add("function", `Operator or function requires a document path; operator or function: ${name}`);
          return { kind: "attribute_exists", path: [name] };
        }
        if (name !== "attribute_type") return { kind: name, path: (first as { path: DocumentPath }).path };
        const type = args[1].k === "value" ? args[1].value : undefined;
        if (type === undefined || !("S" in type)) {
          const typeName = type !== undefined ? typeOf(type) : rawType(args[1]) ?? "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}";
          this.problems.add(
            "function",
            `Incorrect operand type for operator or function; operator or function: ${name}, operand type: ${typeName}`,
          );
        } else if (!ATTRIBUTE_TYPES.has(type.S)) {
          this.problems.add(
            "function",
            `Invalid attribute type name found; type: ${type.S}, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}`,
          );
        }
        return { kind: "attribute_type", operand: operands[0]!, type: operands[1]! };
      }
      case "begins_with":
        for (const arg of args) {
          const type = rawType(arg);
          if (type !== undefined && type !== "S" && type !== "B") {
            this.problems.add(
              "function",
              `Incorrect operand type for operator or function; operator or function: ${name}, operand type: ${type}`,
            );
            break;
          }
        }
        return { kind: "begins_with", left: operands[0], right: operands[1] };
      default:
        return { kind: "contains", left: operands[0], right: operands[1] };
    }
  }

  /** An operand of a comparison or function; only `size` may be a call there. */
  private operand(raw: RawOperand): Operand {
    if (raw.k === "path") return { kind: "path", path: raw.path };
    if (raw.k === "value") return { kind: "value", value: raw.value ?? { NULL: true } };
    if (raw.name !== "size") {
      // Condition functions, and update functions, are known but misplaced here.
      if (CONDITION_FUNCTIONS.has(raw.name) || UPDATE_FUNCTIONS.has(raw.name)) this.misused(raw.name);
      else this.problems.add("unknownFunction", `Invalid function name; function: ${raw.name}`);
      return { kind: "value", value: { NULL: true } };
    }
    for (const arg of raw.args) if (arg.k === "call" && arg.name !== "size") this.misused(arg.name);
    if (raw.args.length !== 1) {
      this.problems.add(
        "operand",
        `Incorrect number of operands for operator or function; operator or function: size, number of operands: ${raw.args.length}`,
      );
      return { kind: "value", value: { NULL: true } };
    }
    const arg = raw.args[0];
    const type = rawType(arg);
    if (type === "N" || type === "BOOL" || type === "NULL") {
      this.problems.add("function", `Incorrect operand type for operator or function; operator or function: size, operand type: ${type}`);
      return { kind: "value", value: { NULL: true } };
    }
    if (arg.k === "path") return { kind: "size", path: arg.path };
    // size(:value) is a constant.
    if (arg.k === "value" && arg.value !== undefined) return { kind: "value", value: { N: String(sizeOfValue(arg.value)) } };
    return { kind: "value", value: { NULL: true } };
  }

  private misused(name: string): void {
    this.problems.add("misusedFunction", `The function is not allowed to be used this way in an expression; function: ${name}`);
  }

  private distinct(operator: string, a: RawOperand, b: RawOperand): void {
    if (a.k === "path" && b.k === "path" && samePath(a.path, b.path)) {
      this.problems.add(
        "distinct",
        `The first operand must be distinct from the remaining operands for this operator or function; operator: ${operator}, first operand: ${pathText(a.path)}`,
      );
    }
  }
}

/** The type an operand is known to have before evaluation (values and functions). */
function rawType(raw: RawOperand): string | undefined {
  if (raw.k === "value") return raw.value === undefined ? undefined : typeOf(raw.value);
  if (raw.k === "call") return raw.name === "size" ? "N" : "BOOL";
  return undefined;
}

/** `N:5`, `S:abc`: a value as DynamoDB prints it inside BETWEEN messages. */
function valueText(value: AttributeValue): string {
  const type = typeOf(value);
  if ("S" in value) return `${type}:${value.S}`;
  if ("N" in value) return `${type}:${value.N}`;
  if ("B" in value) return `${type}:${Buffer.from(value.B).toString("base64")}`;
  return `${type}:${JSON.stringify(Object.values(value)[0])}`;
}

/** What `size()` answers for a value (also used at evaluation). */
export function sizeOfValue(value: AttributeValue): number | undefined {
  // DynamoDB counts a string's UTF-16 code units ("é𝄞" is 3), not its UTF-8 bytes.
  if ("S" in value) return value.S.length;
  if ("B" in value) return value.B.length;
  if ("SS" in value) return value.SS.length;
  if ("NS" in value) return value.NS.length;
  if ("BS" in value) return value.BS.length;
  if ("L" in value) return value.L.length;
  if ("M" in value) return Object.keys(value.M).length;
  return undefined;
}

/** Parses a ConditionExpression or FilterExpression (`kind` names it in error messages). */
export function parseCondition(text: string, ctx: ExpressionContext, kind: ConditionKind): Condition {
  return new ConditionParser(kind, text, ctx).parse();
}

/** The same parser for KeyConditionExpression, whose shape is checked afterwards. */
export function parseRawKeyCondition(text: string, ctx: ExpressionContext): Condition {
  return new ConditionParser("KeyConditionExpression", text, ctx).parse();
}
