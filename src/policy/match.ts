/** Wildcard matching (`*`, `?`) and policy variables (`${aws:username}`). */

/** Stand-ins for the escapes `${*}` and `${?}`: literal characters, not wildcards. */
const LITERAL_STAR = "\uE000";
const LITERAL_QUESTION = "\uE001";

const cache = new Map<string, RegExp>();

/** Matches `value` against a pattern with `*` (any run) and `?` (any one character). */
export function wildcardMatch(pattern: string, value: string, ignoreCase: boolean): boolean {
  if (pattern === "*") return true;
  if (!/[*?\uE000\uE001]/.test(pattern)) return ignoreCase ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
  const id = `${ignoreCase ? "i" : "s"}${pattern}`;
  let regex = cache.get(id);
  if (!regex) {
    const source = pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")
      .replace(/\uE000/g, "\\*")
      .replace(/\uE001/g, "\\?");
    regex = new RegExp(`^${source}$`, ignoreCase ? "is" : "s");
    if (cache.size > 10_000) cache.clear();
    cache.set(id, regex);
  }
  return regex.test(value);
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
