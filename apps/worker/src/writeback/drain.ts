/**
 * Draining the writeback outbox of one connection, shared by the `drainWriteback` workflow's activity and the
 * in-process runner. One batch: load the connection → claim due changes (marked `sent` under a new attempt id, in
 * their own transaction) → push them through the connector's idempotent `writeback.push` → settle each change.
 * A kill -9 between any two steps leaves `sent` rows whose lease runs out; the next drain pushes them again, which
 * the source applies once because the push is idempotent.
 */
import { randomUUID } from "node:crypto";
import { ConfigError, type Logger } from "@gtm-clarity/core";
import type { Outbox, OutboxEntry, SettleOutcome } from "@gtm-clarity/store";
import { classifyError } from "../activities/errors.js";
import type { ConnectionSource } from "../activities/connection-source.js";
import { outcomesFor, backoffMs, type WritebackPolicy } from "./policy.js";
import type { DrainBatchResult, WritebackTarget } from "./types.js";

/** Test seams: called between the steps, so a test can kill the process exactly there. */
export interface DrainHooks {
  afterClaim?(entries: readonly OutboxEntry[]): Promise<void> | void;
  afterPush?(entries: readonly OutboxEntry[]): Promise<void> | void;
  afterSettle?(result: DrainBatchResult): Promise<void> | void;
}

export interface DrainDeps {
  outbox: Outbox;
  /** Built with connectionCacheMs 0: every batch sees the connection's current status and credentials. */
  connections: ConnectionSource;
  policy: WritebackPolicy;
  logger: Logger;
  hooks?: DrainHooks;
}

export interface DrainBatchOptions {
  batchSize?: number;
  signal?: AbortSignal;
  heartbeat?: (details: unknown) => void;
}

const emptyResult = (): DrainBatchResult => ({ claimed: 0, confirmed: 0, retried: 0, failed: 0, stale: 0, more: false });

/** Claims, pushes and settles one batch. Throws only what no later batch can fix (credentials, configuration). */
export async function drainBatch(deps: DrainDeps, target: WritebackTarget, options: DrainBatchOptions = {}): Promise<DrainBatchResult> {
  const { outbox, connections, policy, logger, hooks } = deps;
  const batchSize = Math.min(policy.batchSize, Math.max(1, options.batchSize ?? policy.batchSize));
  // Before claiming: a connection that cannot write (blocked, no writeback) must not burn its changes' attempts.
  const cacheKey = `writeback:${randomUUID()}`;
  const page = await connections.forPage(target, cacheKey);
  connections.forget(cacheKey);
  const writeback = page.connector.writeback;
  if (!writeback) throw new ConfigError(`connector "${page.connector.id}" cannot write back to its source`);

  const batch = await outbox.claim({ ...target, limit: batchSize, leaseMs: policy.leaseMs });
  if (batch.attemptId === null) return emptyResult();
  const attemptId = batch.attemptId;
  const { entries } = batch;
  await hooks?.afterClaim?.(entries);
  options.heartbeat?.({ attemptId, claimed: entries.length });

  const timeout = AbortSignal.timeout(policy.pushTimeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let outcomes: SettleOutcome[];
  let fatal: unknown;
  try {
    const results = await connections.withAuthRetry(target, cacheKey, page, (credentials) =>
      writeback.push(
        credentials,
        entries.map((entry) => entry.record),
        { settings: page.settings, signal, logger },
      ),
    );
    await hooks?.afterPush?.(entries);
    outcomes = outcomesFor(entries, results, policy);
  } catch (error) {
    const c = classifyError(error);
    const message = `${c.type}: ${c.message}`;
    if (options.signal?.aborted || c.blockConnection !== undefined || c.retryAfterMs !== undefined) {
      // Not the changes' fault (stopped, refused credentials, a rate limit): back to queued, attempt not counted.
      const delayMs = options.signal?.aborted ? 0 : (c.retryAfterMs ?? backoffMs(policy, 1));
      outcomes = entries.map((entry) => ({ id: entry.id, outcome: "release", error: message, delayMs }));
    } else {
      outcomes = entries.map((entry) =>
        entry.attempts >= policy.maxAttempts
          ? { id: entry.id, outcome: "failed", error: `gave up after ${entry.attempts} attempts: ${message}` }
          : { id: entry.id, outcome: "retry", error: message, delayMs: backoffMs(policy, entry.attempts) },
      );
    }
    if (!c.retryable || options.signal?.aborted) fatal = error;
    logger.warn("writeback push failed", { ...target, attemptId, changes: entries.length, error: message });
  }

  const settled = await outbox.settle({ ...target, attemptId, outcomes });
  const result: DrainBatchResult = {
    claimed: entries.length,
    confirmed: settled.confirmed,
    retried: settled.retried + settled.released,
    failed: settled.failed,
    stale: settled.stale,
    // Anything settled for good may have unblocked a later change to the same record, so look again; a batch that
    // only went back to the queue would find nothing due (backoff) and is not worth another claim.
    more: fatal === undefined && settled.confirmed + settled.failed > 0,
  };
  logger.info("writeback batch settled", { ...target, attemptId, ...result });
  await hooks?.afterSettle?.(result);
  if (fatal !== undefined) throw fatal;
  return result;
}

export interface DrainOptions extends DrainBatchOptions {
  /** Stop after this many batches even if more are due (the caller drains again later). Default: no limit. */
  maxBatches?: number;
  onBatch?: (result: DrainBatchResult) => void;
}

export interface DrainTotals extends Omit<DrainBatchResult, "more"> {
  batches: number;
}

/** Batches until nothing more is due now (changes waiting out a backoff stay queued for a later drain). */
export async function drainOutbox(deps: DrainDeps, target: WritebackTarget, options: DrainOptions = {}): Promise<DrainTotals> {
  const totals: DrainTotals = { batches: 0, claimed: 0, confirmed: 0, retried: 0, failed: 0, stale: 0 };
  for (;;) {
    if (options.signal?.aborted) return totals;
    if (options.maxBatches !== undefined && totals.batches >= options.maxBatches) return totals;
    const result = await drainBatch(deps, target, options);
    if (result.claimed === 0) return totals;
    totals.batches += 1;
    totals.claimed += result.claimed;
    totals.confirmed += result.confirmed;
    totals.retried += result.retried;
    totals.failed += result.failed;
    totals.stale += result.stale;
    options.onBatch?.(result);
    if (!result.more) return totals;
  }
}
