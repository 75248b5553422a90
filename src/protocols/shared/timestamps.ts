/**
 * The three timestamp wire formats of the AWS protocols. Values inside
 * Nimbus are always `Date`s; these convert at the edges.
 */
import type { TimestampFormat } from "../model.js";

/** `2026-11-22T10:00:00.000Z`: XML and query bodies, rest-json bodies use epoch seconds. */
export function formatIso8601(date: Date): string {
  return date.toISOString();
}

let lastRfc822 = { ms: NaN, text: "" };

/** `Sun, 22 Nov 2026 10:00:00 GMT`: HTTP headers. The last answer is kept: hot objects repeat it. */
export function formatRfc822(date: Date): string {
  const ms = date.getTime();
  if (ms !== lastRfc822.ms) lastRfc822 = { ms, text: date.toUTCString() };
  return lastRfc822.text;
}

/** Epoch seconds with up to millisecond precision: JSON bodies. */
export function formatEpochSeconds(date: Date): number {
  return date.getTime() / 1000;
}

export function formatTimestamp(date: Date, format: TimestampFormat): string | number {
  switch (format) {
    case "iso8601":
      return formatIso8601(date);
    case "rfc822":
      return formatRfc822(date);
    case "unixTimestamp":
      return formatEpochSeconds(date);
  }
}

/**
 * Parses any of the three formats (clients are inconsistent, so every
 * location accepts each). Returns undefined for an unparseable value.
 */
export function parseTimestamp(value: string | number): Date | undefined {
  if (typeof value === "number") return validDate(value * 1000);
  const text = value.trim();
  if (/^-?\d+(\.\d+)?$/.test(text)) return validDate(Number(text) * 1000);
  return validDate(Date.parse(text));
}

/** A date only where the time is one a Date can hold (±8.64e15 ms): past that, as for NaN, none. */
function validDate(ms: number): Date | undefined {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
