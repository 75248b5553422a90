/**
 * PartiQL tokens as DynamoDB reads them: keywords and bare names,
 * "quoted names", 'strings' (a doubled quote escapes one), numbers (with
 * exponents, or no leading digit), `?` parameters, and punctuation
 * including `<<` `>>` for sets. `--` and `/* *\/` comments are whitespace.
 */
import { statementError } from "./errors.js";

export type Token =
  | { kind: "word"; text: string; upper: string }
  | { kind: "quoted"; text: string }
  | { kind: "string"; text: string }
  | { kind: "number"; text: string }
  | { kind: "param" }
  | { kind: "punct"; text: string }
  | { kind: "end" };

const PUNCTUATION = ["<<", ">>", "<=", ">=", "<>", "!=", "=", "<", ">", ",", ".", "[", "]", "{", "}", "(", ")", ":", "*", "+", "-", ";"];

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = source.length;
  while (i < n) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i += 1;
      continue;
    }
    if (source.startsWith("--", i)) {
      const eol = source.indexOf("\n", i);
      i = eol < 0 ? n : eol + 1;
      continue;
    }
    if (source.startsWith("/*", i)) {
      const close = source.indexOf("*/", i + 2);
      if (close < 0) throw statementError("");
      i = close + 2;
      continue;
    }
    if (c === "'" || c === '"') {
      let text = "";
      let j = i + 1;
      for (;;) {
        if (j >= n) throw statementError(c === "'" ? "Unterminated string literal" : "Unterminated quoted identifier");
        if (source[j] === c) {
          if (source[j + 1] === c) {
            text += c;
            j += 2;
            continue;
          }
          break;
        }
        text += source[j];
        j += 1;
      }
      tokens.push(c === "'" ? { kind: "string", text } : { kind: "quoted", text });
      i = j + 1;
      continue;
    }
    const number = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(source.slice(i, i + 1200));
    if (number && (/\d/.test(c) || (c === "." && /\d/.test(source[i + 1] ?? "")))) {
      tokens.push({ kind: "number", text: number[0] });
      i += number[0].length;
      continue;
    }
    const word = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(source.slice(i, i + 1024));
    if (word) {
      tokens.push({ kind: "word", text: word[0], upper: word[0].toUpperCase() });
      i += word[0].length;
      continue;
    }
    if (c === "?") {
      tokens.push({ kind: "param" });
      i += 1;
      continue;
    }
    const punct = PUNCTUATION.find((p) => source.startsWith(p, i));
    if (!punct) throw statementError("");
    tokens.push({ kind: "punct", text: punct });
    i += punct.length;
  }
  tokens.push({ kind: "end" });
  return tokens;
}
