/**
 * How lmdb reports a commit that failed (a full disk, an I/O error): it
 * rejects every transaction of the commit with an error carrying
 * `commitError`, a promise it rejects with the cause. It also rejects a
 * promise of its own for the batch, which no caller holds. The
 * transactions' callers answer and log the failure; these keep the other
 * two from ending the process. Kept apart from the LMDB store so the
 * command line can name them without loading lmdb.
 */

/** Whether `reason` is lmdb's rejection of a transaction whose commit failed. */
export function isFailedCommit(reason: unknown): boolean {
  return reason instanceof Error && (reason as { commitError?: unknown }).commitError instanceof Promise;
}

/** Marks the cause a failed commit's rejection carries as handled: it is reported through the rejection itself. */
export function causeHandled(error: unknown): void {
  if (isFailedCommit(error)) (error as unknown as { commitError: Promise<unknown> }).commitError.catch(() => {});
}
