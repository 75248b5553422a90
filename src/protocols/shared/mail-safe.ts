/**
 * User metadata as S3 sends it back: as it is when it is printable ASCII,
 * otherwise RFC 2047 encoded, `=?UTF-8?B?…?=`, "to make it mail-safe".
 *
 * A header's bytes arrive read as Latin-1, one character per byte, and S3
 * encodes each of those characters as UTF-8 before the base64: `ö` sent as
 * its UTF-8 bytes C3 B6 comes back as `=?UTF-8?B?w4PCtg==?=`, the base64 of
 * C3 83 C2 B6. Encoding the Latin-1 reading as UTF-8 gives exactly that;
 * text that came in decoded (a POST form's fields) is encoded once.
 */
export function mailSafe(value: string): string {
  // eslint-disable-next-line no-control-regex
  return /[^\t\x20-\x7e]/.test(value) ? `=?UTF-8?B?${Buffer.from(value, "utf8").toString("base64")}?=` : value;
}
