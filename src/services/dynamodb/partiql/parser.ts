/**
 * DynamoDB's PartiQL statements: SELECT, INSERT, UPDATE (also the
 * FROM-first form), DELETE. WHERE clauses become the expression library's
 * `Condition` and SET/REMOVE clauses its `Update`, so statements are
 * evaluated by the same code as ConditionExpression and UpdateExpression.
 * `?` parameters are substituted while parsing.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-reference.html
 */
import type { Condition, DocumentPath, Operand, Update, UpdateAction, UpdateValue } from "../expressions/index.js";
import { ddbErrors } from "../errors.js";
import { checkedValue } from "../requests.js";
import { typeOf, type AttributeValue, type Item } from "../values.js";
import { partiqlErrors, statementError } from "./errors.js";
import { tokenize, type Token } from "./lexer.js";

export interface TableRef {
  table: string;
  index?: string;
}

/** RETURNING clauses, named as the ReturnValues they amount to. */
export type Returning = "ALL_OLD" | "UPDATED_OLD" | "ALL_NEW" | "UPDATED_NEW";

export type Statement =
  | { kind: "select"; from: TableRef; projection?: DocumentPath[]; where?: Condition; orderBy?: { name: string; descending: boolean } }
  | { kind: "insert"; from: TableRef; item: Item }
  | { kind: "update"; from: TableRef; update: Update; where?: Condition; returning?: Returning }
  | { kind: "delete"; from: TableRef; where?: Condition; returning?: Returning }
  /** `EXISTS(SELECT … WHERE <key> …)`: a transaction's condition check on one item. */
  | { kind: "exists"; from: TableRef; where?: Condition };

const KEYWORDS = new Set([
  "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "BETWEEN", "IN", "IS", "MISSING", "NULL", "TRUE", "FALSE", "SET", "REMOVE",
  "RETURNING", "ORDER", "BY", "ASC", "DESC", "VALUE", "VALUES", "INTO", "INSERT", "UPDATE", "DELETE", "AS", "EXISTS",
]);

const COMPARATORS = new Set(["=", "<>", "!=", "<", "<=", ">", ">="]);

/**
 * How deep parentheses, NOTs, function arguments and literals may nest. A
 * statement fits 8 KB, room for thousands of levels, each a frame of this
 * recursive-descent parser and of the evaluation after it.
 */
const MAX_NESTING = 100;

export function parseStatement(source: string, parameters: readonly AttributeValue[] = []): Statement {
  return new Parser(tokenize(source), parameters).statement();
}

class Parser {
  private pos = 0;
  private used = 0;
  private depth = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly parameters: readonly AttributeValue[],
  ) {}

  statement(): Statement {
    let statement: Statement;
    if (this.keyword("SELECT")) statement = this.select();
    else if (this.keyword("INSERT")) statement = this.insert();
    else if (this.keyword("UPDATE")) statement = this.update();
    else if (this.keyword("DELETE")) statement = this.delete();
    else if (this.keyword("FROM")) statement = this.fromFirstUpdate();
    else if (this.keyword("EXISTS")) statement = this.exists();
    else throw statementError("Expected data manipulation");
    this.punct(";");
    if (this.peek().kind !== "end") throw partiqlErrors.leftover();
    // Parameters the statement has no `?` for are as wrong as too few.
    if (this.used !== this.parameters.length) throw partiqlErrors.parameterCount();
    return statement;
  }

  // ── statements ──────────────────────────────────────────────────────

  private select(): Statement {
    let projection: DocumentPath[] | undefined;
    if (this.punct("*")) {
      if (this.punct(",")) throw partiqlErrors.starAndOthers();
    } else {
      projection = [this.path()];
      while (this.punct(",")) {
        if (this.punct("*")) throw partiqlErrors.starAndOthers();
        projection.push(this.path());
      }
    }
    this.expectKeyword("FROM");
    const from = this.tableRef(true);
    const where = this.keyword("WHERE") ? this.condition() : undefined;
    let orderBy: { name: string; descending: boolean } | undefined;
    if (this.keyword("ORDER")) {
      this.expectKeyword("BY");
      const name = this.name();
      const descending = this.keyword("DESC") ? true : (this.keyword("ASC"), false);
      orderBy = { name, descending };
    }
    return { kind: "select", from, ...(projection ? { projection } : {}), ...(where ? { where } : {}), ...(orderBy ? { orderBy } : {}) };
  }

  private exists(): Statement {
    this.expectPunct("(");
    this.expectKeyword("SELECT");
    const select = this.select();
    this.expectPunct(")");
    if (select.kind !== "select") throw statementError("Unexpected token");
    return { kind: "exists", from: select.from, ...(select.where ? { where: select.where } : {}) };
  }

  private insert(): Statement {
    this.expectKeyword("INTO");
    const from = this.tableRef(false);
    // An INSERT names a table only; UPDATE and DELETE refuse an index later, when they run.
    if (from.index !== undefined) throw statementError("FROM clause may only contain a single table name");
    if (!this.keyword("VALUE")) throw partiqlErrors.leftover();
    if (this.peek().kind !== "punct" || (this.peek() as { text: string }).text !== "{") {
      throw this.peekKeyword("VALUES") ? statementError("Unexpected keyword") : statementError("Unsupported format in item expression. Please use struct format {...} to express item values for insert statement.");
    }
    const value = this.value("root");
    if (!("M" in value)) throw statementError("Unexpected token");
    if (this.keyword("RETURNING")) throw partiqlErrors.returningInInsert();
    return { kind: "insert", from, item: value.M };
  }

  private update(): Statement {
    const from = this.tableRef(true);
    // An UPDATE's target is followed by its SET or REMOVE clauses, whatever else comes (an unquoted `a-b` name, say).
    if (!this.peekKeyword("SET") && !this.peekKeyword("REMOVE")) throw statementError("Expected data manipulation");
    const actions = this.updateClauses();
    const where = this.keyword("WHERE") ? this.condition() : undefined;
    const returning = this.returning();
    return { kind: "update", from, update: { actions }, ...(where ? { where } : {}), ...(returning ? { returning } : {}) };
  }

  /** `FROM "T" WHERE … SET … REMOVE …`: an UPDATE with its clauses in that order. */
  private fromFirstUpdate(): Statement {
    const from = this.tableRef(true);
    const where = this.keyword("WHERE") ? this.condition() : undefined;
    const actions = this.updateClauses();
    const returning = this.returning();
    return { kind: "update", from, update: { actions }, ...(where ? { where } : {}), ...(returning ? { returning } : {}) };
  }

  private delete(): Statement {
    this.expectKeyword("FROM");
    const from = this.tableRef(true);
    const where = this.keyword("WHERE") ? this.condition() : undefined;
    const start = this.pos;
    const returning = this.returning();
    if (returning && returning !== "ALL_OLD") {
      const words = this.tokens.slice(start + 1, this.pos).map((t) => (t.kind === "word" ? t.upper : t.kind === "punct" ? t.text : ""));
      throw partiqlErrors.returningInDelete(words.join(" "));
    }
    return { kind: "delete", from, ...(where ? { where } : {}), ...(returning ? { returning } : {}) };
  }

  private returning(): Returning | undefined {
    if (!this.keyword("RETURNING")) return undefined;
    const which = this.keyword("ALL") ? "ALL" : this.keyword("MODIFIED") ? "UPDATED" : undefined;
    const age = this.keyword("OLD") ? "OLD" : this.keyword("NEW") ? "NEW" : undefined;
    if (!which || !age || !this.punct("*")) throw ddbErrors.validation("Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause");
    return `${which}_${age}` as Returning;
  }

  private tableRef(aliasable: boolean): TableRef {
    const table = this.name();
    const ref: TableRef = { table };
    if (this.punct(".")) ref.index = this.name();
    if (this.peek().kind === "punct" && (this.peek() as { text: string }).text === ".") throw partiqlErrors.pathComponents();
    if (aliasable && (this.peekKeyword("AS") || this.peek().kind === "quoted" || (this.peek().kind === "word" && !KEYWORDS.has((this.peek() as { upper: string }).upper)))) {
      throw partiqlErrors.aliasing();
    }
    return ref;
  }

  private updateClauses(): UpdateAction[] {
    const actions: UpdateAction[] = [];
    for (;;) {
      if (this.keyword("SET")) {
        do actions.push(this.setAction());
        while (this.punct(","));
      } else if (this.keyword("REMOVE")) {
        do actions.push({ kind: "REMOVE", path: this.path() });
        while (this.punct(","));
      } else {
        break;
      }
    }
    if (actions.length === 0) throw statementError(`Unexpected ${this.describe(this.peek())}`);
    return actions;
  }

  private setAction(): UpdateAction {
    const path = this.path();
    this.expectPunct("=");
    const fn = this.peekFunction();
    if (fn === "SET_ADD" || fn === "SET_DELETE") {
      this.pos += 2;
      const target = this.path();
      if (!this.punct(",")) throw ddbErrors.validation(`${fn} must have exactly two arguments`);
      const value = this.value("root");
      this.expectPunct(")");
      if (JSON.stringify(target) !== JSON.stringify(path)) throw ddbErrors.validation(`The first argument to ${fn} must equal the assignment value`);
      if (!("SS" in value || "NS" in value || "BS" in value)) throw ddbErrors.validation(`The second argument to ${fn} must be a value with type SET`);
      return { kind: fn === "SET_ADD" ? "ADD" : "DELETE", path, value };
    }
    return { kind: "SET", path, value: this.updateValue() };
  }

  private updateValue(): UpdateValue {
    let left = this.updateTerm();
    for (;;) {
      if (this.punct("+")) left = { kind: "+", left, right: this.updateTerm() };
      else if (this.punct("-")) left = { kind: "-", left, right: this.updateTerm() };
      else return left;
    }
  }

  private updateTerm(): UpdateValue {
    if (this.punct("(")) {
      const inner = this.nested(() => this.updateValue());
      this.expectPunct(")");
      return inner;
    }
    const fn = this.peekFunction();
    if (fn === "LIST_APPEND") {
      this.pos += 2;
      const left = this.nested(() => this.updateValue());
      this.expectPunct(",");
      const right = this.nested(() => this.updateValue());
      this.expectPunct(")");
      return { kind: "list_append", left, right };
    }
    if (fn === "IF_NOT_EXISTS") {
      this.pos += 2;
      const path = this.path();
      this.expectPunct(",");
      const fallback = this.nested(() => this.updateValue());
      this.expectPunct(")");
      return { kind: "if_not_exists", path, fallback };
    }
    if (fn !== undefined) throw partiqlErrors.unrecognizedFunction((this.peek() as { text: string }).text);
    if (this.startsPath()) return { kind: "path", path: this.path() };
    return { kind: "value", value: this.value("root") };
  }

  // ── conditions ──────────────────────────────────────────────────────

  condition(): Condition {
    let left = this.conjunction();
    while (this.keyword("OR")) left = { kind: "or", left, right: this.conjunction() };
    return left;
  }

  private conjunction(): Condition {
    let left = this.negation();
    while (this.keyword("AND")) left = { kind: "and", left, right: this.negation() };
    return left;
  }

  private negation(): Condition {
    if (this.keyword("NOT")) return { kind: "not", condition: this.nested(() => this.negation()) };
    return this.predicate();
  }

  private predicate(): Condition {
    if (this.punct("(")) {
      const inner = this.nested(() => this.condition());
      this.expectPunct(")");
      return inner;
    }
    const fn = this.peekFunction();
    if (fn === "BEGINS_WITH" || fn === "CONTAINS" || fn === "ATTRIBUTE_TYPE") {
      this.pos += 2;
      const path = this.path();
      this.expectPunct(",");
      const right: Operand = { kind: "value", value: this.value("root") };
      this.expectPunct(")");
      if (fn === "ATTRIBUTE_TYPE") return { kind: "attribute_type", operand: { kind: "path", path }, type: right };
      return { kind: fn === "BEGINS_WITH" ? "begins_with" : "contains", left: { kind: "path", path }, right };
    }
    const operand = this.operand();
    if (this.keyword("IS")) {
      if (operand.kind === "value") throw ddbErrors.validation("The left hand side argument to IS must be a Variable Reference, Literal, or Path");
      const negated = this.keyword("NOT");
      let condition: Condition;
      if (this.keyword("MISSING")) condition = { kind: "attribute_not_exists", path: operand.path };
      else if (this.keyword("NULL")) condition = { kind: "attribute_type", operand, type: { kind: "value", value: { S: "NULL" } } };
      else throw statementError(`Unexpected ${this.describe(this.peek())}`);
      return negated ? { kind: "not", condition } : condition;
    }
    if (this.keyword("BETWEEN")) {
      const low = this.operand();
      this.expectKeyword("AND");
      const high = this.operand();
      checkOrderable("BETWEEN", [operand, low, high]);
      return { kind: "between", operand, low, high };
    }
    if (this.keyword("IN")) {
      const close = this.punct("[") ? "]" : this.punct("(") ? ")" : undefined;
      if (!close) throw ddbErrors.validation("IN operator must have a left hand argument of type Variable Reference and right hand argument of type Seq with at least one member");
      const list: Operand[] = [this.operand()];
      while (this.punct(",")) list.push(this.operand());
      this.expectPunct(close);
      return { kind: "in", operand, list };
    }
    const op = this.peek();
    if (op.kind === "punct" && COMPARATORS.has(op.text)) {
      this.pos += 1;
      const right = this.operand();
      const comparator = op.text === "!=" ? "<>" : (op.text as "=" | "<>" | "<" | "<=" | ">" | ">=");
      if (comparator !== "=" && comparator !== "<>") checkOrderable(comparator, [operand, right]);
      return { kind: "compare", op: comparator, left: operand, right };
    }
    throw ddbErrors.validation("WHERE clause must contain an expression that resolves to a boolean");
  }

  private operand(): Operand {
    if (this.peekFunction() === "SIZE") {
      this.pos += 2;
      const path = this.path();
      this.expectPunct(")");
      return { kind: "size", path };
    }
    if (this.peekKeyword("MISSING")) throw ddbErrors.validation("MISSING must be compared using IS operator");
    if (this.startsPath()) return { kind: "path", path: this.path() };
    return { kind: "value", value: this.value("root") };
  }

  // ── paths and values ────────────────────────────────────────────────

  private startsPath(): boolean {
    const t = this.peek();
    return t.kind === "quoted" || (t.kind === "word" && !KEYWORDS.has(t.upper));
  }

  private path(): DocumentPath {
    const path: (string | number)[] = [this.name()];
    for (;;) {
      if (this.punct(".")) {
        path.push(this.name());
      } else if (this.punct("[")) {
        const t = this.next();
        if (t.kind === "number" && /^\d+$/.test(t.text)) path.push(Number(t.text));
        else if (t.kind === "string") path.push(t.text);
        else throw statementError("Unexpected path component");
        this.expectPunct("]");
      } else {
        return path;
      }
    }
  }

  private name(): string {
    const t = this.next();
    if ((t.kind === "quoted" || t.kind === "word") && t.text === "__proto__") throw ddbErrors.unsupportedName();
    if (t.kind === "quoted") {
      if (t.text === "") throw ddbErrors.validation("Path component cannot be an empty string");
      return t.text;
    }
    if (t.kind === "word" && !KEYWORDS.has(t.upper)) return t.text;
    throw statementError(`Unexpected ${this.describe(t)}`);
  }

  /** One level deeper into the statement, up to MAX_NESTING. */
  private nested<T>(parse: () => T): T {
    if (this.depth >= MAX_NESTING) throw statementError("Statement nests too deeply");
    this.depth += 1;
    try {
      return parse();
    } finally {
      this.depth -= 1;
    }
  }

  /** A literal or parameter, as an attribute value; `under` names where, for messages. */
  private value(under: string): AttributeValue {
    const t = this.next();
    switch (t.kind) {
      case "param": {
        const parameter = this.parameters[this.used];
        if (parameter === undefined) throw partiqlErrors.parameterCount();
        this.used += 1;
        return checkedValue(parameter);
      }
      case "string":
        return { S: t.text };
      case "number":
        return checkedValue({ N: t.text });
      case "word":
        if (t.upper === "TRUE" || t.upper === "FALSE") return { BOOL: t.upper === "TRUE" };
        if (t.upper === "NULL") return { NULL: true };
        break;
      case "punct":
        if (t.text === "-" && this.peek().kind === "number") return checkedValue({ N: `-${(this.next() as { text: string }).text}` });
        if (t.text === "{") return this.nested(() => this.tuple(under));
        if (t.text === "[") return this.nested(() => this.list(under));
        if (t.text === "<<") return this.nested(() => this.bag(under));
        break;
    }
    throw statementError(`Unexpected ${this.describe(t)}`);
  }

  private tuple(under: string): AttributeValue {
    const map: Item = {};
    if (this.punct("}")) return { M: map };
    do {
      const key = this.next();
      if (key.kind !== "string") throw ddbErrors.validation(`Tuple keys must be of type String. Actual type: ${key.kind === "number" ? "DECIMAL" : "SYMBOL"} under ${under}`);
      this.expectPunct(":");
      if (Object.hasOwn(map, key.text)) throw partiqlErrors.duplicateTupleKey(key.text, under);
      if (key.text === "__proto__") throw ddbErrors.unsupportedName();
      map[key.text] = this.value(`${under}.${key.text}`);
    } while (this.punct(","));
    this.expectPunct("}");
    return { M: map };
  }

  private list(under: string): AttributeValue {
    const list: AttributeValue[] = [];
    if (this.punct("]")) return { L: list };
    do list.push(this.value(`${under}[${list.length}]`));
    while (this.punct(","));
    this.expectPunct("]");
    return { L: list };
  }

  private bag(under: string): AttributeValue {
    if (this.punct(">>")) throw partiqlErrors.emptyBag();
    const members: AttributeValue[] = [];
    do members.push(this.value(under));
    while (this.punct(","));
    this.expectPunct(">>");
    if (members.every((m) => "S" in m)) return checkedValue({ SS: members.map((m) => (m as { S: string }).S) });
    if (members.every((m) => "N" in m)) return checkedValue({ NS: members.map((m) => (m as { N: string }).N) });
    throw partiqlErrors.mixedBag();
  }

  // ── tokens ──────────────────────────────────────────────────────────

  private peek(): Token {
    return this.tokens[this.pos]!;
  }

  private next(): Token {
    const t = this.tokens[this.pos]!;
    if (t.kind !== "end") this.pos += 1;
    return t;
  }

  private peekKeyword(word: string): boolean {
    const t = this.peek();
    return t.kind === "word" && t.upper === word;
  }

  private keyword(word: string): boolean {
    if (!this.peekKeyword(word)) return false;
    this.pos += 1;
    return true;
  }

  private expectKeyword(word: string): void {
    if (!this.keyword(word)) throw statementError(`Unexpected ${this.describe(this.peek())}`);
  }

  private punct(text: string): boolean {
    const t = this.peek();
    if (t.kind !== "punct" || t.text !== text) return false;
    this.pos += 1;
    return true;
  }

  private expectPunct(text: string): void {
    if (!this.punct(text)) throw statementError(`Unexpected ${this.describe(this.peek())}`);
  }

  /** The upper-cased name of a function call starting here (a word followed by `(`). */
  private peekFunction(): string | undefined {
    const t = this.peek();
    const after = this.tokens[this.pos + 1];
    if (t.kind === "word" && after?.kind === "punct" && after.text === "(") return t.upper;
    return undefined;
  }

  private describe(t: Token): string {
    switch (t.kind) {
      case "end":
        return "end of statement";
      case "word":
        return KEYWORDS.has(t.upper) ? `keyword: ${t.upper}` : `identifier: ${t.text}`;
      case "punct":
        return `token: ${t.text}`;
      case "param":
        return "token: ?";
      default:
        return `token: ${t.text}`;
    }
  }
}

/** Ordering compares numbers, strings and binaries: a literal or parameter of another type is refused. */
function checkOrderable(operator: string, operands: readonly Operand[]): void {
  for (const operand of operands) {
    if (operand.kind !== "value") continue;
    const type = typeOf(operand.value);
    if (type !== "N" && type !== "S" && type !== "B") {
      throw ddbErrors.validation(`Incorrect operand type for operator or function; operator or function: ${operator}, operand type: ${type}`);
    }
  }
}
