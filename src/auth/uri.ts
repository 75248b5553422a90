/** RFC 3986 encoding as the AWS signers apply it. */

/** Encodes everything but unreserved characters (A-Z a-z 0-9 - _ . ~). */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Decodes a query component; `+` stays a plus sign, as the AWS signers treat it. */
export function uriDecode(value: string): string {
  try {
    return decodeURIComponent(value);
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
