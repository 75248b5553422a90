/**
 * Shape-driven XML: reads an element tree into a typed structure and
 * writes a structure as XML, following the botocore model's traits
 * (locationName, flattened, xmlAttribute, xmlNamespace). Shared by
 * rest-xml and the query protocol's responses.
 */
import type { ServiceModel, Shape, ShapeRef } from "../model.js";
import { resolveShape } from "../model.js";
import { coerceScalar, type ScalarError } from "./scalars.js";
import { formatIso8601 } from "./timestamps.js";
import { escapeAttribute, escapeText, textOf, type XmlElement, type XmlNode } from "./xml.js";

// ── reading ─────────────────────────────────────────────────────────────

export function readXmlValue(model: ServiceModel, ref: ShapeRef, node: XmlNode, path: string): unknown {
  const shape = resolveShape(model, ref);
  switch (shape.type) {
    case "structure":
      return readStructure(model, shape, node, path);
    case "list":
      return readList(model, shape, asElement(node)[itemName(shape)], path);
    case "map":
      return readMap(model, shape, asElement(node).entry, path);
    default:
      return coerceScalar(shape, textOf(node), path, "xml");
  }
}

function readStructure(model: ServiceModel, shape: Shape, node: XmlNode, path: string): Record<string, unknown> {
  const element = asElement(node);
  const out: Record<string, unknown> = {};
  for (const [member, ref] of Object.entries(shape.members ?? {})) {
    const name = ref.locationName ?? member;
    if (ref.xmlAttribute) {
      const value = element[`@_${localName(name)}`];
      if (typeof value === "string") out[member] = coerceScalar(resolveShape(model, ref), textOf(value), `${path}.${member}`, "xml");
      continue;
    }
    const child = element[name];
    if (child === undefined) continue;
    const target = resolveShape(model, ref);
    if ((target.type === "list" || target.type === "map") && (ref.flattened || target.flattened)) {
      out[member] = target.type === "list" ? readList(model, target, child, `${path}.${member}`) : readMap(model, target, child, `${path}.${member}`);
    } else {
      out[member] = readXmlValue(model, ref, Array.isArray(child) ? child[0]! : child, `${path}.${member}`);
    }
  }
  return out;
}

function readList(model: ServiceModel, shape: Shape, items: XmlNode | XmlNode[] | undefined, path: string): unknown[] {
  if (items === undefined) return [];
  const list = Array.isArray(items) ? items : [items];
  return list.map((item, i) => readXmlValue(model, shape.member!, item, `${path}.${i + 1}`));
}

function readMap(model: ServiceModel, shape: Shape, entries: XmlNode | XmlNode[] | undefined, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (entries === undefined) return out;
  const keyName = shape.key?.locationName ?? "key";
  const valueName = shape.value?.locationName ?? "value";
  for (const entry of Array.isArray(entries) ? entries : [entries]) {
    const element = asElement(entry);
    const key = textOf(first(element[keyName]));
    const value = first(element[valueName]);
    if (value !== undefined) out[key] = readXmlValue(model, shape.value!, value, `${path}.${key}`);
  }
  return out;
}

function asElement(node: XmlNode | undefined): XmlElement {
  return typeof node === "object" && node !== null ? node : {};
}

function first(node: XmlNode | XmlNode[] | undefined): XmlNode | undefined {
  return Array.isArray(node) ? node[0] : node;
}

function itemName(shape: Shape): string {
  return shape.member?.locationName ?? "member";
}

function localName(name: string): string {
  const colon = name.indexOf(":");
  return colon < 0 ? name : name.slice(colon + 1);
}

export type { ScalarError };

// ── writing ─────────────────────────────────────────────────────────────

export interface XmlWriteOptions {
  /** Default timestamp format inside documents. */
  timestampFormat?: "iso8601";
}

/** Writes `<name attrs>…</name>` for a value of the referenced shape. */
export function writeXmlElement(model: ServiceModel, ref: ShapeRef, name: string, value: unknown, xmlns?: string): string {
  const shape = resolveShape(model, ref);
  const namespace = ref.xmlNamespace ?? shape.xmlNamespace;
  let attrs = xmlns ? ` xmlns="${escapeAttribute(xmlns)}"` : "";
  if (namespace && !xmlns) {
    attrs += namespace.prefix ? ` xmlns:${namespace.prefix}="${escapeAttribute(namespace.uri)}"` : ` xmlns="${escapeAttribute(namespace.uri)}"`;
  }
  switch (shape.type) {
    case "structure": {
      const record = value as Record<string, unknown>;
      for (const [member, memberRef] of Object.entries(shape.members ?? {})) {
        if (memberRef.xmlAttribute && record[member] !== undefined) {
          attrs += ` ${memberRef.locationName ?? member}="${escapeAttribute(scalarText(resolveShape(model, memberRef), record[member]))}"`;
        }
      }
      return `<${name}${attrs}>${writeMembers(model, shape, record)}</${name}>`;
    }
    case "list": {
      const item = itemName(shape);
      const items = (value as unknown[]).map((v) => writeXmlElement(model, shape.member!, item, v)).join("");
      return `<${name}${attrs}>${items}</${name}>`;
    }
    case "map":
      return `<${name}${attrs}>${writeMapEntries(model, shape, value as Record<string, unknown>, "entry")}</${name}>`;
    default:
      return `<${name}${attrs}>${escapeText(scalarText(shape, value))}</${name}>`;
  }
}

/**
 * Set on a structure to write some of its flattened list members as one
 * sequence of elements, in the order given, where the first of them
 * stands: S3's ListVersionsResult interleaves `<Version>` and
 * `<DeleteMarker>` newest first, which two lists in model order cannot say.
 */
export const XML_SEQUENCE = Symbol("nimbus.xmlSequence");

export interface XmlSequence {
  members: readonly string[];
  items: readonly (readonly [member: string, item: unknown])[];
}

/** The child elements of a structure, in model order, skipping absent and located members. */
export function writeMembers(model: ServiceModel, shape: Shape, record: Record<string, unknown>): string {
  let out = "";
  const sequence = (record as { [XML_SEQUENCE]?: XmlSequence })[XML_SEQUENCE];
  let sequenceWritten = false;
  for (const [member, ref] of Object.entries(shape.members ?? {})) {
    if (sequence?.members.includes(member)) {
      if (!sequenceWritten) out += writeSequence(model, shape, sequence);
      sequenceWritten = true;
      continue;
    }
    const value = record[member];
    if (value === undefined || value === null || ref.location || ref.xmlAttribute) continue;
    const name = ref.locationName ?? member;
    const target = resolveShape(model, ref);
    if (target.type === "list" && (ref.flattened || target.flattened)) {
      for (const item of value as unknown[]) out += writeXmlElement(model, target.member!, name, item);
    } else if (target.type === "map" && (ref.flattened || target.flattened)) {
      out += writeMapEntries(model, target, value as Record<string, unknown>, name);
    } else {
      out += writeXmlElement(model, ref, name, value);
    }
  }
  return out;
}

function writeSequence(model: ServiceModel, shape: Shape, sequence: XmlSequence): string {
  let out = "";
  for (const [member, item] of sequence.items) {
    const ref = shape.members?.[member];
    const target = ref && resolveShape(model, ref);
    if (!ref || target?.type !== "list") throw new Error(`xml: ${member} is not a list member of the structure`);
    out += writeXmlElement(model, target.member!, ref.locationName ?? member, item);
  }
  return out;
}

function writeMapEntries(model: ServiceModel, shape: Shape, map: Record<string, unknown>, entryName: string): string {
  const keyName = shape.key?.locationName ?? "key";
  const valueName = shape.value?.locationName ?? "value";
  let out = "";
  for (const [key, value] of Object.entries(map)) {
    out += `<${entryName}><${keyName}>${escapeText(key)}</${keyName}>${writeXmlElement(model, shape.value!, valueName, value)}</${entryName}>`;
  }
  return out;
}

/** A scalar as XML text: timestamps ISO 8601 with milliseconds, blobs base64. */
export function scalarText(shape: Shape, value: unknown): string {
  if (value instanceof Date) {
    return shape.timestampFormat === "unixTimestamp" ? String(value.getTime() / 1000) : shape.timestampFormat === "rfc822" ? value.toUTCString() : formatIso8601(value);
  }
  if (Buffer.isBuffer(value)) return value.toString("base64");
  return String(value);
}
