/**
 * Writeback rules: batch size, lease, backoff, when a failure is final, and how a connector's per-record answers
 * become outbox outcomes. Pure functions, shared by both drain loops.
 */
import type { OutboxEntry, SettleOutcome } from "@gtm-clarity/store";
import { z } from "zod";

/** A connector's cap on one push (Salesforce's composite sObject collections take 200 records). */
export const WRITEBACK_BATCH_MAX = 200;

export interface WritebackPolicy {
  batchSize: number;
  /**
   * How long a claimed batch is held before another drainer may push it again. Longer than a push can take
   * (a push call is bounded by `pushTimeoutMs`), or a slow push could land after a newer change to the same record.
   */
  leaseMs: number;
  /** Longest a single push may take; aborted past it and the batch is retried later. */
  pushTimeoutMs: number;
  /** Attempts before a retryable per-record failure becomes final. */
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_WRITEBACK_POLICY: WritebackPolicy = {
  batchSize: WRITEBACK_BATCH_MAX,
  leaseMs: 5 * 60_000,
  pushTimeoutMs: 2 * 60_000,
  maxAttempts: 8,
  initialBackoffMs: 30_000,
  maxBackoffMs: 60 * 60_000,
};

export function resolvePolicy(overrides: Partial<WritebackPolicy> = {}): WritebackPolicy {
  const policy = { ...DEFAULT_WRITEBACK_POLICY, ...overrides };
  policy.batchSize = Math.min(WRITEBACK_BATCH_MAX, Math.max(1, Math.floor(policy.batchSize)));
  policy.leaseMs = Math.max(policy.leaseMs, 1);
  return policy;
}

/** Exponential: the wait before attempt `attempts + 1`, after `attempts` tries. */
export function backoffMs(policy: WritebackPolicy, attempts: number): number {
  const exponent = Math.max(0, attempts - 1);
  return Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** Math.min(exponent, 30));
}

/** What a connector answers: outside data as far as the outbox is concerned. */
const WritebackResultSchema = z.object({
  externalId: z.string(),
  ok: z.boolean(),
  error: z.string().optional(),
  retryable: z.boolean().optional(),
});

/**
 * One outcome per claimed change. Answers are matched by position and checked by external id; a change the
 * connector did not answer for (a short or shuffled reply, a malformed entry) is retried, never confirmed.
 */
export function outcomesFor(entries: readonly OutboxEntry[], results: unknown, policy: WritebackPolicy): SettleOutcome[] {
  const list = Array.isArray(results) ? results : [];
  const parsed = list.map((item) => WritebackResultSchema.safeParse(item));
  const byId = new Map<string, z.output<typeof WritebackResultSchema>[]>();
  for (const p of parsed) if (p.success) byId.set(p.data.externalId, [...(byId.get(p.data.externalId) ?? []), p.data]);
  return entries.map((entry, index): SettleOutcome => {
    const atIndex = parsed[index];
    const fromIndex = atIndex?.success && atIndex.data.externalId === entry.externalId ? atIndex.data : undefined;
    const matches = byId.get(entry.externalId);
    const result = fromIndex ?? (matches?.length === 1 ? matches[0] : undefined);
    if (!result) return retry(entry, "the connector returned no result for this change", policy);
    if (result.ok) return { id: entry.id, outcome: "confirmed" };
    const error = result.error ?? "rejected by the source (no reason given)";
    return result.retryable === true ? retry(entry, error, policy) : { id: entry.id, outcome: "failed", error };
  });
}

function retry(entry: OutboxEntry, error: string, policy: WritebackPolicy): SettleOutcome {
  if (entry.attempts >= policy.maxAttempts) {
    return { id: entry.id, outcome: "failed", error: `gave up after ${entry.attempts} attempts: ${error}` };
  }
  return { id: entry.id, outcome: "retry", error, delayMs: backoffMs(policy, entry.attempts) };
}
