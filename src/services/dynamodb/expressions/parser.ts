/**
 * What every expression parser shares: a cursor over the tokens, document
 * paths, placeholder resolution, and DynamoDB's way of reporting problems.
 *
 * DynamoDB reports a syntax error at once, but its semantic errors (reserved
 * words, undefined placeholders, wrong operand types…) only after the whole
 * expression parsed, the most important kind first. `Problems` keeps the
 * first message of each kind and throws by priority at the end.
 */
import type { AttributeValue } from "../values.js";
import type { DocumentPath, PathElement } from "./ast.js";
import { invalidExpression, type ExpressionKind } from "./errors.js";
import { ddbErrors } from "../errors.js";
import type { ExpressionContext } from "./index.js";
import { tokenize, type Token, type Tokens } from "./lexer.js";
import { isReserved } from "./reserved-words.js";

/** DynamoDB's limit on an expression's length in UTF-8 bytes. */
export const MAX_EXPRESSION_BYTES = 4096;

/** A document path reaches 32 levels deep at most, as items do. */
const MAX_PATH_LEVELS = 32;

/**
 * How deep groups (parentheses, NOTs, function calls) may nest. A group
 * takes at least two bytes of the 4096 an expression may have, so deeper
 * nesting can never be closed: it is a syntax error at the end of the text,
 * reported at once rather than after recursing further.
 */
const MAX_NESTING = MAX_EXPRESSION_BYTES / 2;

/** `[a, b, [2]]`: how DynamoDB prints a document path in messages. */
export function pathText(path: DocumentPath): string {
  return "[" + path.map((e) => (typeof e === "number" ? `[${e}]` : e)).join(", ") + "]";
}

/**
 * The first problem of each kind, reported by the kinds' precedence. A
 * group of kinds in `order` has one rank: among them the problem met first
 * in the text wins, as DynamoDB checks them in one left-to-right walk.
 */
export class Problems<Slot extends string> {
  private readonly found = new Map<Slot, string>();
  /** Per group: the first message met, whichever of the group's kinds. */
  private readonly groupFirst = new Map<number, string>();
  private readonly groupOf = new Map<Slot, number>();

  constructor(order: readonly (Slot | readonly Slot[])[]) {
    order.forEach((entry, rank) => {
      for (const slot of typeof entry === "string" ? [entry as Slot] : (entry as readonly Slot[])) this.groupOf.set(slot, rank);
    });
  }

  add(slot: Slot, message: string): void {
    if (this.found.has(slot)) return;
    this.found.set(slot, message);
    const rank = this.groupOf.get(slot);
    if (rank !== undefined && !this.groupFirst.has(rank)) this.groupFirst.set(rank, message);
  }

  has(slot: Slot): boolean {
    return this.found.has(slot);
  }

  first(): string | undefined {
    let best: { rank: number; message: string } | undefined;
    for (const [rank, message] of this.groupFirst) if (!best || rank < best.rank) best = { rank, message };
    return best?.message;
  }
}

/** The problem kinds every parser records while reading paths and placeholders. */
export type CommonSlot = "reserved" | "attrName" | "attrValue";

export class Parser<Slot extends string> {
  readonly tokens: Tokens;
  private index = 0;
  private depth = 0;

  constructor(
    readonly kind: ExpressionKind,
    text: string,
    readonly ctx: ExpressionContext,
    readonly problems: Problems<Slot | CommonSlot>,
    /** Words that are grammar here, never attribute names (AND, SET…). */
    private readonly keywords: ReadonlySet<string>,
  ) {
    if (text === "") throw invalidExpression(kind, "The expression can not be empty;");
    const bytes = Buffer.byteLength(text, "utf8");
    if (bytes > MAX_EXPRESSION_BYTES) {
      // Only conditions and filters give the size; DynamoDB ends the others' message at the ";".
      const size = kind === "ConditionExpression" || kind === "FilterExpression" ? ` expression size: ${bytes}` : "";
      throw invalidExpression(kind, `Expression size has exceeded the maximum allowed size;${size}`);
    }
    this.tokens = tokenize(text);
  }

  get position(): number {
    return this.index;
  }

  peek(offset = 0): Token {
    const list = this.tokens.list;
    return list[Math.min(this.index + offset, list.length - 1)];
  }

  next(): Token {
    const token = this.peek();
    if (token.kind !== "eof") this.index++;
    return token;
  }

  isPunct(text: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token.kind === "punct" && token.text === text;
  }

  /** A bare word compared case-insensitively (keywords: AND, SET, BETWEEN…). */
  isKeyword(word: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token.kind === "ident" && token.text.length === word.length && token.text.toUpperCase() === word;
  }

  expectPunct(text: string): Token {
    if (!this.isPunct(text)) throw this.syntaxError();
    return this.next();
  }

  expectEnd(): void {
    if (this.peek().kind !== "eof") throw this.syntaxError();
  }

  /** The index of the ")" closing the "(" at the cursor, or -1. */
  closingParen(): number {
    return this.tokens.closing[this.index];
  }

  tokenAt(index: number): Token {
    const list = this.tokens.list;
    return list[Math.min(index, list.length - 1)];
  }

  enter(): void {
    if (++this.depth > MAX_NESTING) throw this.syntaxError(this.tokens.list.length - 1);
  }

  leave(): void {
    this.depth--;
  }

  /** `Syntax error; token: "x", near: "a x b"`: the token with its neighbours as written. */
  syntaxError(at = this.index): Error {
    const list = this.tokens.list;
    const bad = list[Math.min(at, list.length - 1)];
    const before = at > 0 ? list[at - 1] : undefined;
    const after = bad.kind !== "eof" && list[at + 1].kind !== "eof" ? list[at + 1] : undefined;
    const from = (before ?? bad).start;
    const to = bad.kind === "eof" ? (before ?? bad).end : (after ?? bad).end;
    const near = this.tokens.source.slice(from, to);
    return invalidExpression(this.kind, `Syntax error; token: "${bad.text}", near: "${near}"`);
  }

  /** Throws the most important problem recorded, if any. */
  finish(): void {
    const message = this.problems.first();
    if (message !== undefined) throw invalidExpression(this.kind, message);
  }

  /** A bare word that is grammar here (AND, SET…). */
  isAnyKeyword(offset = 0): boolean {
    const token = this.peek(offset);
    return token.kind === "ident" && this.keywords.has(token.text.toUpperCase());
  }

  /** `a.#b[2].c`, names resolved. */
  parsePath(): DocumentPath {
    const path: PathElement[] = [this.pathName()];
    for (;;) {
      if (this.isPunct(".")) {
        this.next();
        path.push(this.pathName());
      } else if (this.isPunct("[")) {
        this.next();
        const token = this.peek();
        if (token.kind !== "number") throw this.syntaxError();
        this.next();
        this.expectPunct("]");
        path.push(Number(token.text));
      } else break;
    }
    if (path.length > MAX_PATH_LEVELS) {
      throw invalidExpression(this.kind, `The document path has too many nesting levels; nesting levels: ${path.length}`);
    }
    return path;
  }

  private pathName(): string {
    const token = this.peek();
    if (token.kind === "ident" && !this.keywords.has(token.text.toUpperCase())) {
      this.next();
      if (isReserved(token.text)) {
        this.problems.add("reserved", `Attribute name is a reserved keyword; reserved keyword: ${token.text}`);
      }
      if (token.text === "__proto__") throw ddbErrors.unsupportedName();
      return token.text;
    }
    if (token.kind === "name") {
      this.next();
      return this.resolveName(token.text);
    }
    throw this.syntaxError();
  }

  resolveName(placeholder: string): string {
    const name = this.ctx.names?.[placeholder];
    if (name === undefined) {
      this.problems.add(
        "attrName",
        `An expression attribute name used in the document path is not defined; attribute name: ${placeholder}`,
      );
      return placeholder;
    }
    this.ctx.usedNames.add(placeholder);
    if (name === "__proto__") throw ddbErrors.unsupportedName();
    return name;
  }

  /** The value of a `:placeholder` token, or undefined (problem recorded) when not supplied. */
  resolveValue(placeholder: string): AttributeValue | undefined {
    const value = this.ctx.values?.[placeholder];
    if (value === undefined) {
      this.problems.add(
        "attrValue",
        `An expression attribute value used in expression is not defined; attribute value: ${placeholder}`,
      );
      return undefined;
    }
    this.ctx.usedValues.add(placeholder);
    return value;
  }
}

/** Same path, element by element. */
export function samePath(a: DocumentPath, b: DocumentPath): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * DynamoDB refuses two paths of one expression when one is a prefix of the
 * other (overlap) or they disagree on whether a step is a name or an index
 * (conflict).
 */
export function pathClash(
  a: DocumentPath,
  b: DocumentPath,
): { kind: "pathOverlap" | "pathConflict"; message: string } | undefined {
  const n = Math.min(a.length, b.length);
  const paths = `must remove or rewrite one of these paths; path one: ${pathText(a)}, path two: ${pathText(b)}`;
  for (let i = 0; i < n; i++) {
    if (typeof a[i] !== typeof b[i]) {
      return { kind: "pathConflict", message: `Two document paths conflict with each other; ${paths}` };
    }
    if (a[i] !== b[i]) return undefined;
  }
  return { kind: "pathOverlap", message: `Two document paths overlap with each other; ${paths}` };
}
