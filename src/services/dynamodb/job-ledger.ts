/**
 * What DynamoDB's background jobs (exports to S3, imports from S3) share:
 * their records by account, region and ARN; the client tokens that make a
 * request idempotent for eight hours; the jobs under way, which a stop of
 * the service waits for; and the records a stop cut short, failed when the
 * service loads again.
 */
import type { KvEnvironment, KvStore, KvTransaction } from "../../storage/types.js";
import { prefixRange } from "../../storage/index.js";

/** How long a ClientToken names its job (DynamoDB: eight hours). */
const TOKEN_LIFETIME_MS = 8 * 60 * 60 * 1000;

export interface JobRecord {
  arn: string;
  accountId: string;
  region: string;
  status: string;
  clientToken: string;
  startTime: number;
  endTime?: number;
  failureCode?: string;
  failureMessage?: string;
}

export class JobLedger<R extends JobRecord, T extends object> {
  private readonly records: KvStore<R>;
  private readonly running = new Set<Promise<void>>();
  /** Set once the service stops: jobs stop writing, and their records are left for the next load to fail. */
  closing = false;

  constructor(
    private readonly kv: KvEnvironment,
    private readonly names: { records: string; tokens: string },
    private readonly now: () => number,
  ) {
    this.records = kv.store<R>(names.records);
  }

  get(accountId: string, region: string, arn: string): R | undefined {
    return this.records.get([accountId, region, arn]);
  }

  /** An account's jobs in a region, newest first within each table (ARNs end in a time), after the ARN `after`. */
  *list(accountId: string, region: string, after: string | undefined): Iterable<R> {
    const range = prefixRange([accountId, region]);
    for (const { value } of this.records.range({ ...range, reverse: true, ...(after !== undefined ? { end: [accountId, region, after] } : {}) })) yield value;
  }

  /** What a live ClientToken was given with. */
  token(accountId: string, region: string, token: string): (T & { at: number }) | undefined {
    const found = this.kv.store<T & { at: number }>(this.names.tokens).get([accountId, region, token]);
    return found && this.now() - found.at < TOKEN_LIFETIME_MS ? found : undefined;
  }

  /**
   * Records a new job and its token in one transaction, unless a request
   * with the same token got there first: then `earlier` decides, from what
   * that token was given with and its job's record, what this request gets
   * (that job, or a thrown conflict), and nothing is recorded. `claim`
   * takes, in the same transaction, what the new job needs to itself (it
   * throws, recording nothing, if that is taken).
   */
  async open(record: R, token: T, earlier: (token: T & { at: number }, job: R | undefined) => R, claim?: (tx: KvTransaction) => void): Promise<{ record: R; opened: boolean }> {
    return this.kv.transaction((tx) => {
      const tokens = tx.store<T & { at: number }>(this.names.tokens);
      const records = tx.store<R>(this.names.records);
      const tokenKey = [record.accountId, record.region, record.clientToken];
      const held = tokens.get(tokenKey);
      if (held && this.now() - held.at < TOKEN_LIFETIME_MS) {
        return { record: earlier(held, records.get([record.accountId, record.region, (held as { arn?: string }).arn ?? ""])), opened: false };
      }
      claim?.(tx);
      records.put([record.accountId, record.region, record.arn], record);
      tokens.put(tokenKey, { ...token, at: record.startTime });
      return { record, opened: true };
    });
  }

  /** Tracks a job's work, so that a stop waits for it. */
  track(work: Promise<void>): void {
    const tracked = work.finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  /** Writes a job's end into its record (unless the service is stopping). */
  async settle(record: R, outcome: Partial<R>): Promise<void> {
    if (this.closing) return;
    const endTime = Math.max(this.now(), record.startTime + 1);
    await this.records.transaction((tx) => {
      const key = [record.accountId, record.region, record.arn];
      const current = tx.get(key);
      if (current) tx.put(key, { ...current, ...outcome, endTime });
    });
  }

  /** Jobs a stop cut short are failed: their work will not go on. */
  async failUnfinished(what: string): Promise<void> {
    const unfinished = [...this.records.range()].filter((entry) => entry.value.status === "IN_PROGRESS");
    if (unfinished.length === 0) return;
    await this.records.transaction((tx) => {
      for (const { key, value } of unfinished) {
        tx.put(key, { ...value, status: "FAILED", failureCode: "UnknownInternalFailure", failureMessage: `The ${what} was interrupted by a stop of the server.`, endTime: this.now() });
      }
    });
  }

  /** Stops the jobs under way and waits for them. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([...this.running]);
  }

  /** Stops the jobs under way (a reset), and takes new ones again. */
  async interrupt(): Promise<void> {
    await this.close();
    this.closing = false;
  }
}

/** What a job's description tells of its end, once it has one: when, and why it failed. */
export function jobEnd(record: JobRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (record.endTime !== undefined) out.EndTime = new Date(record.endTime);
  if (record.failureCode !== undefined) out.FailureCode = record.failureCode;
  if (record.failureMessage !== undefined) out.FailureMessage = record.failureMessage;
  return out;
}

/** Lets the event loop run what waits (requests) before a job goes on. */
export function yieldTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
