/**
 * Consumed capacity as DynamoDB counts it: a read unit per 4 KB read
 * (half for eventually consistent reads), a write unit per 1 KB written,
 * doubled inside transactions.
 */
import type { TableRecord } from "./tables.js";

export type CapacityMode = "INDEXES" | "TOTAL" | "NONE" | undefined;

export function readUnits(bytes: number, consistent: boolean): number {
  const units = Math.max(1, Math.ceil(bytes / 4096));
  return consistent ? units : units / 2;
}

export function writeUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / 1024));
}

export interface Consumption {
  table: number;
  /** Units per index name, for INDEXES. */
  indexes?: Record<string, number>;
}

/** Whether a request asked for ConsumedCapacity (sizes are counted only then). */
export function wantsCapacity(mode: CapacityMode): boolean {
  return mode === "TOTAL" || mode === "INDEXES";
}

export interface CapacityOptions {
  /** Only transactions split the units into ReadCapacityUnits or WriteCapacityUnits; other operations give CapacityUnits alone. */
  split?: "read" | "write";
  /** The table as the request named it: a table named by its ARN is answered by its ARN. */
  tableName?: string;
}

/**
 * The ConsumedCapacity member, or undefined when the caller did not ask.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ConsumedCapacity.html
 */
export function consumedCapacity(table: TableRecord, mode: CapacityMode, use: Consumption, { split, tableName }: CapacityOptions = {}): Record<string, unknown> | undefined {
  if (!wantsCapacity(mode)) return undefined;
  const indexTotal = Object.values(use.indexes ?? {}).reduce((a, b) => a + b, 0);
  const field = split === undefined ? undefined : split === "read" ? "ReadCapacityUnits" : "WriteCapacityUnits";
  const units = (n: number): Record<string, number> => (field === undefined ? { CapacityUnits: n } : { CapacityUnits: n, [field]: n });
  const result: Record<string, unknown> = { TableName: tableName ?? table.name, ...units(use.table + indexTotal) };
  if (mode === "INDEXES") {
    result.Table = units(use.table);
    const gsis: Record<string, unknown> = {};
    const lsis: Record<string, unknown> = {};
    for (const [name, n] of Object.entries(use.indexes ?? {})) {
      const target = table.gsis.some((g) => g.name === name) ? gsis : lsis;
      target[name] = units(n);
    }
    if (Object.keys(gsis).length > 0) result.GlobalSecondaryIndexes = gsis;
    if (Object.keys(lsis).length > 0) result.LocalSecondaryIndexes = lsis;
  }
  return result;
}
