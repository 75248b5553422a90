/** Wildcard matching (`*`, `?`) and policy variables (`${aws:username}`). */

/** Stand-ins for the escapes `${*}` and `${?}`: literal characters, not wildcards. */
const LITERAL_STAR = "\uE000";
const LITERAL_QUESTION = "\uE001";

/**
 * Matches `value` against a pattern with `*` (any run) and `?` (any one
 * character). A single pass that, on a mismatch, moves the last `*` on by
 * one character: time stays proportional to the lengths' product however
 * many `*` a policy holds (a backtracking regular expression takes
 * exponential time on `**********x`, and a policy is anyone's input).
 */
export function wildcardMatch(pattern: string, value: string, ignoreCase: boolean): boolean {
  if (pattern === "*") return true;
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const v = ignoreCase ? value.toLowerCase() : value;
  if (!/[*?\uE000\uE001]/.test(p)) return p === v;
  let pi = 0;
  let vi = 0;
  let star = -1;
  let resume = 0;
  while (vi < v.length) {
    const c = p[pi];
    if (c === "*") {
      star = pi++;
      resume = vi;
      continue;
    }
    if (c !== undefined && (c === "?" || literal(c) === v[vi])) {
      pi++;
      vi++;
      continue;
    }
    if (star < 0) return false;
    pi = star + 1;
    vi = ++resume;
  }
  while (p[pi] === "*") pi++;
  return pi === p.length;
}

/** A pattern character as the value must hold it: `${*}` and `${?}` stand for themselves. */
function literal(c: string): string {
  return c === LITERAL_STAR ? "*" : c === LITERAL_QUESTION ? "?" : c;
}

/**
 * Replaces `${key}` with the request's value for it (`${aws:username}`)
 * and `${*}`, `${?}`, `${$}` with those characters taken literally. A
 * variable the request lacks makes the pattern match nothing (undefined).
 */
export function substituteVariables(text: string, lookup: (key: string) => string | undefined): string | undefined {
  if (!text.includes("${")) return text;
  let missing = false;
  const out = text.replace(/\$\{([^}]+)\}/g, (_whole, key: string) => {
    if (key === "*") return LITERAL_STAR;
    if (key === "?") return LITERAL_QUESTION;
    if (key === "$") return "$";
    const value = lookup(key);
    if (value === undefined) missing = true;
    return value ?? "";
  });
  return missing ? undefined : out;
}
