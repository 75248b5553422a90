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
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new XmlSyntaxError(valid.err.msg);
  const doc = parser.parse(text) as XmlElement;
  const roots = Object.keys(doc).filter((k) => k !== "#text");
  if (roots.length !== 1) throw new XmlSyntaxError("a document has exactly one root element");
  const name = roots[0]!;
  const node = doc[name]!;
  return { name, node: Array.isArray(node) ? node[0]! : node };
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

/** Escapes text content; CR is written as a reference so it survives XML's newline normalization. */
export function escapeText(value: string): string {
  return /[&<>\r]/.test(value) ? value.replace(/[&<>\r]/g, (c) => ESCAPES[c]!) : value;
}

/** Escapes an attribute value, where whitespace would otherwise be normalized. */
export function escapeAttribute(value: string): string {
  return /[&<>"'\r\n\t]/.test(value) ? value.replace(/[&<>"'\r\n\t]/g, (c) => ESCAPES[c]!) : value;
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';
