/** RFC 3986 encoding as the AWS signers apply it. */

/** Encodes everything but unreserved characters (A-Z a-z 0-9 - _ . ~). */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Decodes a query component as a form does (`+` is a space), the way the
 * operation reads it; SDKs send a literal plus as `%2B`.
 */
export function uriDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, " "));
  } catch {
    return value;
  }
}

/** Splits a raw query string into decoded [name, value] pairs, in order. */
export function queryPairs(rawQuery: string): [string, string][] {
  if (rawQuery === "") return [];
  return rawQuery.split("&").filter((p) => p !== "").map((part) => {
    const eq = part.indexOf("=");
    return eq < 0 ? [uriDecode(part), ""] : [uriDecode(part.slice(0, eq)), uriDecode(part.slice(eq + 1))];
  });
}
