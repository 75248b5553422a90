/**
 * The tokenizer shared by every expression kind: one linear pass, no
 * regular expressions, and a table of matching parentheses so that the
 * parsers can decide between `(a) = :v` and `(a = :v)` without backtracking.
 */

export type TokenKind =
  | "ident" // a bare word: attribute name, function name or keyword
  | "name" // #placeholder
  | "value" // :placeholder
  | "number" // digits, used as a list index
  | "punct" // ( ) [ ] , . = <> < <= > >= + -
  | "bad" // a character no expression may hold
  | "eof";

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

export interface Tokens {
  readonly source: string;
  readonly list: readonly Token[];
  /** For a "(" token at index i, the index of its ")" (or -1 when unmatched). */
  readonly closing: readonly number[];
}

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

export function tokenize(source: string): Tokens {
  const list: Token[] = [];
  const closing: number[] = [];
  const open: number[] = [];
  const n = source.length;
  let i = 0;
  while (i < n) {
    const c = source.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    const start = i;
    let kind: TokenKind;
    if (c === 35 || c === 58) {
      // #name / :value: the sigil and the word after it, with no space between.
      i++;
      while (i < n && isWordChar(source.charCodeAt(i))) i++;
      kind = i === start + 1 ? "bad" : c === 35 ? "name" : "value";
    } else if (isDigit(c)) {
      while (i < n && isDigit(source.charCodeAt(i))) i++;
      kind = "number";
    } else if (c === 95) {
      // A bare name cannot start with "_" (DynamoDB: token "_", near "AND __").
      i++;
      kind = "bad";
    } else if (isWordChar(c)) {
      while (i < n && isWordChar(source.charCodeAt(i))) i++;
      kind = "ident";
    } else if (c === 60 || c === 62) {
      // < <= <> > >=
      i++;
      const next = source.charCodeAt(i);
      if (next === 61 || (c === 60 && next === 62)) i++;
      kind = "punct";
    } else if (c === 40 || c === 41 || c === 91 || c === 93 || c === 44 || c === 46 || c === 61 || c === 43 || c === 45) {
      i++;
      kind = "punct";
    } else {
      // One whole code point, so that the message quotes it intact.
      i += c >= 0xd800 && c <= 0xdbff && i + 1 < n ? 2 : 1;
      kind = "bad";
    }
    const index = list.length;
    const text = source.slice(start, i);
    list.push({ kind, text, start, end: i });
    closing.push(-1);
    if (kind === "punct" && text === "(") open.push(index);
    else if (kind === "punct" && text === ")") {
      const at = open.pop();
      if (at !== undefined) closing[at] = index;
    }
  }
  list.push({ kind: "eof", text: "<EOF>", start: n, end: n });
  closing.push(-1);
  return { source, list, closing };
}
