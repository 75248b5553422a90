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

/** A pattern's text with `${*}` and `${?}` as the characters: for operators that have no wildcards (StringEquals). */
export function literalText(pattern: string): string {
  return /[\uE000\uE001]/.test(pattern) ? pattern.replace(/[\uE000\uE001]/g, literal) : pattern;
}

/**
 * `aws:PrincipalTag/team, 'company-wide'`: a variable's key and the default
 * it falls back on. Read from the end by index, not by a regular
 * expression: a lazy key before `\s*,` backtracks quadratically over a
 * stored policy's long run of spaces, blocking the server on every request
 * the policy is evaluated for.
 */
function variableDefault(variable: string): { key: string; fallback: string } | undefined {
  const text = variable.trimEnd();
  if (text.length < 2 || !text.endsWith("'")) return undefined;
  const open = text.lastIndexOf("'", text.length - 2);
  if (open < 0) return undefined;
  const head = text.slice(0, open).trimEnd();
  if (!head.endsWith(",")) return undefined;
  return { key: head.slice(0, -1).trim(), fallback: text.slice(open + 1, -1) };
}

/**
 * Replaces `${key}` with the request's value for it (`${aws:username}`),
 * or with its default where it gives one and the request lacks the key
 * (`${aws:username, 'guest'}`), and `${*}`, `${?}`, `${$}` with those
 * characters taken literally. A variable the request lacks, without a
 * default, makes the pattern match nothing (undefined).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-default-values
 */
export function substituteVariables(text: string, lookup: (key: string) => string | undefined): string | undefined {
  if (!text.includes("${")) return text;
  let missing = false;
  const out = text.replace(/\$\{([^}]+)\}/g, (_whole, variable: string) => {
    if (variable === "*") return LITERAL_STAR;
    if (variable === "?") return LITERAL_QUESTION;
    if (variable === "$") return "$";
    const withDefault = variableDefault(variable);
    const value = lookup(withDefault ? withDefault.key : variable) ?? withDefault?.fallback;
    if (value === undefined) missing = true;
    return value ?? "";
  });
  return missing ? undefined : out;
}
