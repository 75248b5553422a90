/**
 * Request text as bytes. Node hands header values over as Latin-1 text, a
 * character a byte; signatures are computed over the bytes received, so
 * text that takes part in one is kept, and hashed, in that form.
 */

/**
 * Text built from the request (a canonical request, a string to sign) as
 * the bytes it stands for: a value sent as UTF-8 (`é` from botocore, signed
 * as its UTF-8) is hashed as those bytes again, not re-encoded. ASCII text,
 * most requests, is hashed as it is.
 */
export function wireBytes(text: string): string | Buffer {
  return Buffer.byteLength(text) === text.length ? text : Buffer.from(text, "latin1");
}

/**
 * Text taken from a decoded query (a presigned URL's header values, SigV2's
 * subresources), in the form header values arrive in: its UTF-8 bytes as
 * Latin-1 text, which is how signers hash it.
 */
export function asWireText(text: string): string {
  return Buffer.byteLength(text) === text.length ? text : Buffer.from(text, "utf8").toString("latin1");
}

/** ASCII whitespace only: the bytes of a UTF-8 character (0xA0 in `à`) are not spaces. */
const ASCII_SPACES = /[\t\n\v\f\r ]+/g;
const ASCII_TRIM = /^[\t\n\v\f\r ]+|[\t\n\v\f\r ]+$/g;

/** A header value trimmed, with each run of spaces made one, as signers form canonical values. */
export function collapseSpaces(value: string): string {
  return value.replace(ASCII_TRIM, "").replace(ASCII_SPACES, " ");
}

/** A header value trimmed of ASCII whitespace. */
export function trimSpaces(value: string): string {
  return value.replace(ASCII_TRIM, "");
}
