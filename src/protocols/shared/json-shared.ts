/**
 * Values a service hands to many answers unchanged, such as an item that
 * is read again and again: frozen once, their JSON text is made on first
 * use and spliced into every later document that carries them as a
 * top-level member, instead of being encoded afresh each time.
 */
import { deepFreeze } from "../../util/frozen.js";
import { unmarkWholeDoubles } from "./json-compiled.js";

/** Shared values and their JSON text once made (null until then). */
const texts = new WeakMap<object, string | null>();
/** The bytes of a document whose one member is a shared value (`{"Item":…}`), kept with that value. */
const soleMemberBytes = new WeakMap<object, { name: string; bytes: Buffer }>();

/** Deep-freezes `value` and lets documents reuse its JSON text. */
export function shareJson<T extends object>(value: T): T {
  deepFreeze(value);
  if (!texts.has(value)) texts.set(value, null);
  return value;
}

/**
 * `JSON.stringify(document)` of a written document (its whole doubles as
 * `1.0`), with shared top-level member values spliced in from their kept text.
 */
export function stringifyDocument(document: Record<string, unknown>): string {
  if (!holdsShared(document)) return unmarkWholeDoubles(JSON.stringify(document));
  let out = "{";
  for (const key in document) {
    const value = document[key];
    let text = isShared(value) ? sharedText(value) : (JSON.stringify(value) as string | undefined);
    if (text === undefined) continue;
    // Shared values are items, which hold no doubles.
    if (!isShared(value)) text = unmarkWholeDoubles(text);
    out += `${out.length > 1 ? "," : ""}${JSON.stringify(key)}:${text}`;
  }
  return `${out}}`;
}

function holdsShared(document: Record<string, unknown>): boolean {
  for (const key in document) if (isShared(document[key])) return true;
  return false;
}

function isShared(value: unknown): value is object {
  return typeof value === "object" && value !== null && texts.has(value);
}

function sharedText(value: object): string {
  let text = texts.get(value);
  if (text == null) {
    text = JSON.stringify(value);
    texts.set(value, text);
  }
  return text;
}

/**
 * The UTF-8 bytes of `JSON.stringify(document)` when its one member holds
 * a shared value, made once and kept with the value (callers never write
 * to them); undefined for any other document.
 */
export function keptDocumentBytes(document: Record<string, unknown>): Buffer | undefined {
  let name: string | undefined;
  for (const key in document) {
    if (document[key] === undefined) continue;
    if (name !== undefined) return undefined;
    name = key;
  }
  if (name === undefined) return undefined;
  const value = document[name];
  if (!isShared(value)) return undefined;
  const kept = soleMemberBytes.get(value);
  if (kept && kept.name === name) return kept.bytes;
  const bytes = Buffer.from(stringifyDocument(document));
  soleMemberBytes.set(value, { name, bytes });
  return bytes;
}
