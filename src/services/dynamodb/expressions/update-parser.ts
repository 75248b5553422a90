/**
 * UpdateExpression:
 *
 *   update  := clause+            (each of SET, REMOVE, ADD, DELETE at most once)
 *   SET     := path "=" value ("," path "=" value)*
 *   value   := operand | operand "+" operand | operand "-" operand   (optionally in parentheses)
 *   operand := path | :value | if_not_exists(path, operand) | list_append(operand, operand) | "(" operand ")"
 *   REMOVE  := path ("," path)*
 *   ADD / DELETE := path :value ("," path :value)*
 */
import { typeOf, type AttributeValue } from "../values.js";
import type { DocumentPath, Update, UpdateAction, UpdateValue } from "./ast.js";
import type { ExpressionContext } from "./index.js";
import { Parser, Problems, pathClash } from "./parser.js";

type Slot = "unknownFunction" | "section" | "pathOverlap" | "pathConflict" | "operand" | "function";

const ORDER = [
  "reserved",
  "unknownFunction",
  "section",
  "attrName",
  "attrValue",
  "pathOverlap",
  "pathConflict",
  "operand",
  "function",
] as const;

const CLAUSES = ["SET", "REMOVE", "ADD", "DELETE"] as const;
type Clause = (typeof CLAUSES)[number];
const KEYWORDS: ReadonlySet<string> = new Set(CLAUSES);

/** DynamoDB's type names in ADD / DELETE operand messages. */
const TYPE_NAMES: Readonly<Partial<Record<string, string>>> = {
  S: "STRING",
  N: "NUMBER",
  B: "BINARY",
  NULL: "NULL",
  BOOL: "BOOLEAN",
  L: "LIST",
  M: "MAP",
};

const PLACEHOLDER: AttributeValue = { NULL: true };

class UpdateParser extends Parser<Slot> {
  private readonly paths: DocumentPath[] = [];

  constructor(text: string, ctx: ExpressionContext) {
    super("UpdateExpression", text, ctx, new Problems(ORDER), KEYWORDS);
  }

  parse(): Update {
    const actions: UpdateAction[] = [];
    const seen = new Set<Clause>();
    do {
      const clause = CLAUSES.find((c) => this.isKeyword(c));
      if (clause === undefined) throw this.syntaxError();
      this.next();
      if (seen.has(clause)) this.problems.add("section", `The "${clause}" section can only be used once in an update expression;`);
      seen.add(clause);
      actions.push(this.parseAction(clause));
      while (this.isPunct(",")) {
        this.next();
        actions.push(this.parseAction(clause));
      }
    } while (this.peek().kind !== "eof");
    this.finish();
    return { actions };
  }

  private parseAction(clause: Clause): UpdateAction {
    const path = this.parsePath();
    this.checkPath(path);
    switch (clause) {
      case "SET": {
        this.expectPunct("=");
        return { kind: "SET", path, value: this.parseSetValue() };
      }
      case "REMOVE":
        return { kind: "REMOVE", path };
      case "ADD":
      case "DELETE": {
        const token = this.peek();
        if (token.kind !== "value") throw this.syntaxError();
        this.next();
        const value = this.resolveValue(token.text) ?? PLACEHOLDER;
        if (this.ctx.values?.[token.text] !== undefined) {
          const type = TYPE_NAMES[typeOf(value)];
          if (type !== undefined && !(clause === "ADD" && type === "NUMBER")) {
            this.problems.add("operand", `Incorrect operand type for operator or function; operator: ${clause}, operand type: ${type}`);
          }
        }
        return { kind: clause, path, value };
      }
    }
  }

  private checkPath(path: DocumentPath): void {
    for (const other of this.paths) {
      const clash = pathClash(other, path);
      if (clash !== undefined) {
        this.problems.add(clash.kind, clash.message);
        return;
      }
    }
    this.paths.push(path);
  }

  private parseSetValue(): UpdateValue {
    // Parentheses may wrap the whole value, "(a + b)": they do when the
    // group ends the action.
    if (this.isPunct("(")) {
      const after = this.tokenAt(this.closingParen() + 1);
      const endsAction =
        after.kind === "eof" ||
        (after.kind === "punct" && after.text === ",") ||
        (after.kind === "ident" && KEYWORDS.has(after.text.toUpperCase()));
      if (this.closingParen() >= 0 && endsAction) {
        this.next();
        const value = this.parseSum();
        this.expectPunct(")");
        return value;
      }
    }
    return this.parseSum();
  }

  private parseSum(): UpdateValue {
    const left = this.parseOperand();
    if (this.isPunct("+") || this.isPunct("-")) {
      const op = this.next().text === "+" ? "+" : "-";
      const right = this.parseOperand();
      for (const side of [left, right]) {
        if (side.kind === "value" && !("N" in side.value)) {
          this.problems.add("function", `Incorrect operand type for operator or function; operator or function: ${op}, operand type: ${typeOf(side.value)}`);
          break;
        }
      }
      return { kind: op, left, right };
    }
    return left;
  }

  private parseOperand(): UpdateValue {
    const token = this.peek();
    if (token.kind === "punct" && token.text === "(") {
      this.next();
      this.enter();
      const inner = this.parseOperand();
      this.leave();
      this.expectPunct(")");
      return inner;
    }
    if (token.kind === "value") {
      this.next();
      return { kind: "value", value: this.resolveValue(token.text) ?? PLACEHOLDER };
    }
    if (token.kind === "ident" && this.isPunct("(", 1) && !this.isAnyKeyword()) {
      this.next();
      this.next();
      this.enter();
      const args = [this.parseOperand()];
      while (this.isPunct(",")) {
        this.next();
        args.push(this.parseOperand());
      }
      this.leave();
      this.expectPunct(")");
      return this.call(token.text, args);
    }
    return { kind: "path", path: this.parsePath() };
  }

  private call(name: string, args: readonly UpdateValue[]): UpdateValue {
    if (name !== "if_not_exists" && name !== "list_append") {
      this.problems.add("unknownFunction", `Invalid function name; function: ${name}`);
      return { kind: "value", value: PLACEHOLDER };
    }
    if (args.length !== 2) {
      this.problems.add(
        "function",
        `Incorrect number of operands for operator or function; operator or function: ${name}, number of operands: ${args.length}`,
      );
      return { kind: "value", value: PLACEHOLDER };
    }
    const [first, second] = args;
    if (name === "if_not_exists") {
      if (first.kind !== "path") {
        this.problems.add("function", `Operator or function requires a document path; operator or function: ${name}`);
        return { kind: "value", value: PLACEHOLDER };
      }
      return { kind: "if_not_exists", path: first.path, fallback: second };
    }
    // list_append takes lists and paths, and if_not_exists, but not another list_append.
    if (args.some((arg) => arg.kind === "list_append")) {
      this.problems.add("function", `The function is not allowed to be used this way in an expression; function: ${name}`);
      return { kind: "value", value: PLACEHOLDER };
    }
    for (const arg of args) {
      if (arg.kind === "value" && !("L" in arg.value)) {
        this.problems.add("function", `Incorrect operand type for operator or function; operator or function: ${name}, operand type: ${typeOf(arg.value)}`);
        break;
      }
    }
    return { kind: "list_append", left: first, right: second };
  }
}

/** Parses an UpdateExpression. */
export function parseUpdate(text: string, ctx: ExpressionContext): Update {
  return new UpdateParser(text, ctx).parse();
}
