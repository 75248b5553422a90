/**
 * Tables' and streams' resource-based policies as resource policies for
 * the authorizer, read straight from the table records: a table's policy
 * covers the table and its indexes, a stream's its stream.
 */
import type { NamedPolicy } from "../../policy/evaluate.js";
import { parseStored } from "../../policy/source.js";
import type { KvEnvironment, KvStore } from "../../storage/types.js";
import { TABLES_STORE } from "./store-names.js";
import type { TableRecord } from "./tables.js";

const RESOURCE = /^arn:aws:dynamodb:([^:]+):(\d{12}):table\/([^/]+)(?:\/(index|stream)\/([^/]+))?/;

export class TablePolicySource {
  private readonly tables: KvStore<TableRecord>;
  /** Each table's record as last read, valid while the tables store keeps its generation. */
  private cached = new Map<string, TableRecord | undefined>();
  private cachedGeneration = -1;

  constructor(kv: KvEnvironment) {
    this.tables = kv.store<TableRecord>(TABLES_STORE);
  }

  resourcePolicies(resource: string): readonly NamedPolicy[] {
    const match = RESOURCE.exec(resource);
    if (!match) return [];
    const [, region, accountId, name, kind, label] = match;
    const table = this.table(accountId!, region!, name!);
    const stored = kind === "stream" ? table?.streamPolicies?.[label!] : table?.resourcePolicy;
    if (!stored) return [];
    const owner = kind === "stream" ? `stream ${label} of table ${name}` : `table ${name}`;
    return [{ name: `resource-based policy of ${owner}`, document: parseStored(stored.document, "resource") }];
  }

  private table(accountId: string, region: string, name: string): TableRecord | undefined {
    if (this.cachedGeneration !== this.tables.generation || this.cached.size >= 1000) {
      this.cached = new Map();
      this.cachedGeneration = this.tables.generation;
    }
    const id = `${accountId}\n${region}\n${name}`;
    if (!this.cached.has(id)) this.cached.set(id, this.tables.get([accountId, region, name]));
    return this.cached.get(id);
  }
}
