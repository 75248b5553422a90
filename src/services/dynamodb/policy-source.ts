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

const NONE: readonly NamedPolicy[] = [];

export class TablePolicySource {
  private readonly tables: KvStore<TableRecord>;
  /** Each resource's policies as last read, valid while the tables store keeps its generation. */
  private cached = new Map<string, readonly NamedPolicy[]>();
  private cachedGeneration = -1;

  constructor(kv: KvEnvironment) {
    this.tables = kv.store<TableRecord>(TABLES_STORE);
  }

  /** The policies of a table, index or stream ARN, as last worked out: every request on a table asks. */
  resourcePolicies(resource: string): readonly NamedPolicy[] {
    if (this.cachedGeneration !== this.tables.generation || this.cached.size >= 1000) {
      this.cached = new Map();
      this.cachedGeneration = this.tables.generation;
    }
    let policies = this.cached.get(resource);
    if (!policies) {
      policies = this.read(resource);
      this.cached.set(resource, policies);
    }
    return policies;
  }

  private read(resource: string): readonly NamedPolicy[] {
    const match = RESOURCE.exec(resource);
    if (!match) return NONE;
    const [, region, accountId, name, kind, label] = match;
    const table = this.tables.get([accountId!, region!, name!]);
    const stored = kind === "stream" ? table?.streamPolicies?.[label!] : table?.resourcePolicy;
    if (!stored) return NONE;
    const owner = kind === "stream" ? `stream ${label} of table ${name}` : `table ${name}`;
    return [{ name: `resource-based policy of ${owner}`, document: parseStored(stored.document, "resource") }];
  }
}
