/**
 * XML at the edges: a parser configured for untrusted input (no DTDs, no
 * entity expansion beyond XML's own and numeric references, text kept
 * exactly, since S3 keys may start or end with spaces) and an escaper for
 * the writer.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";

/** A parsed element: text, or children by name (repeated names become arrays), attributes as `@_name`. */
export type XmlNode = string | XmlElement;
export interface XmlElement {
  [name: string]: XmlNode | XmlNode[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  removeNSPrefix: true,
  processEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

export class XmlSyntaxError extends Error {}

/** Parses a document into its root element's name and content; throws XmlSyntaxError. */
export function parseXml(text: string): { name: string; node: XmlNode } {
  if (/<!DOCTYPE/i.test(text)) throw new XmlSyntaxError("DOCTYPE is not allowed");
  // CDATA is only a lexical form of text: rewrite it as escaped text, since
  // entities are resolved after parsing and must not apply inside it.
  if (text.includes("<![CDATA[")) text = text.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_, data: string) => escapeText(data));
  if (text.includes("&")) checkReferences(text.includes("<!--") ? text.replace(/<!--[\s\S]*?-->/g, "") : text);
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new XmlSyntaxError(valid.err.msg);
  const doc = parser.parse(text) as XmlElement;
  const roots = Object.keys(doc).filter((k) => k !== "#text");
  if (roots.length !== 1) throw new XmlSyntaxError("a document has exactly one root element");
  const name = roots[0]!;
  const node = doc[name]!;
  return { name, node: Array.isArray(node) ? node[0]! : node };
}

/** Only XML's five named entities and references to legal characters exist without a DTD. */
function checkReferences(text: string): void {
  const refs = /&([^;&<>\s]*);?/g;
  for (let m = refs.exec(text); m; m = refs.exec(text)) {
    const ref = m[1]!;
    if (!m[0].endsWith(";")) throw new XmlSyntaxError(`'&' must start a reference`);
    if (ref in NAMED) continue;
    const numeric = /^#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}))$/.exec(ref);
    const code = numeric ? (numeric[1] !== undefined ? parseInt(numeric[1], 16) : parseInt(numeric[2]!, 10)) : -1;
    if (!isXmlChar(code)) throw new XmlSyntaxError(`undefined reference &${ref};`);
  }
}

function isXmlChar(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** Resolves XML's five named entities and numeric character references. */
export function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, ref: string) => {
    if (ref[0] === "#") {
      const code = ref[1] === "x" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[ref] ?? whole;
  });
}

/** The text of an element, whatever else it holds. */
export function textOf(node: XmlNode | undefined): string {
  if (node === undefined) return "";
  if (typeof node === "string") return decodeEntities(node);
  const text = node["#text"];
  return typeof text === "string" ? decodeEntities(text) : "";
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;", "\r": "&#13;", "\n": "&#10;", "\t": "&#9;" };

// eslint-disable-next-line no-control-regex
const TEXT_SPECIALS = /[&<>"'\r\u0000-\u0008\u000b\u000c\u000e-\u001f]/;
// eslint-disable-next-line no-control-regex
const EVERY_TEXT_SPECIAL = /[&<>"'\r\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;

/**
 * Escapes text content. CR is written as a reference so it survives XML's
 * newline normalization; quotes are escaped too, as S3 does (`<ETag>&quot;…`).
 * Other control characters, which XML 1.0 text cannot hold, are written as
 * S3 writes them in a key (`&#x1;`); parsers that read numeric references
 * (the JavaScript SDK's) get the character back.
 */
export function escapeText(value: string): string {
  return TEXT_SPECIALS.test(value) ? value.replace(EVERY_TEXT_SPECIAL, (c) => ESCAPES[c] ?? `&#x${c.charCodeAt(0).toString(16)};`) : value;
}

/** Escapes an attribute value, where whitespace would otherwise be normalized. */
export function escapeAttribute(value: string): string {
  return /[&<>"'\r\n\t]/.test(value) ? value.replace(/[&<>"'\r\n\t]/g, (c) => ESCAPES[c] ?? c) : value;
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';
