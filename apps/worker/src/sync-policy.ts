/**
 * Sync rules shared by the Temporal workflow and the in-process runner. Pure and dependency-free on purpose:
 * the workflow bundle imports it, and anything reaching Node APIs would break workflow determinism.
 */
import type { BlockedConnectionStatus, SyncCounters, SyncPageResult, SyncPagesResult } from "./activities/types.js";

/**
 * Failure types no retry can fix. Activities throw `ApplicationFailure.nonRetryable(message, type)` with one of
 * these; the loop then marks the connection and fails the run.
 */
export const NON_RETRYABLE_FAILURE_TYPES = ["AuthError", "ConfigError", "DpaRequiredError"] as const;
export type NonRetryableFailureType = (typeof NON_RETRYABLE_FAILURE_TYPES)[number];

export function isNonRetryableFailureType(type: string | undefined | null): type is NonRetryableFailureType {
  return (NON_RETRYABLE_FAILURE_TYPES as readonly string[]).includes(type ?? "");
}

/**
 * Revoked credentials need a reconnect; a missing DPA needs the tenant to accept it (which makes the connection
 * active again); a bad configuration needs an admin: disable.
 */
export function blockedStatusFor(type: NonRetryableFailureType): BlockedConnectionStatus {
  if (type === "AuthError") return "needs_reauth";
  return type === "DpaRequiredError" ? "dpa_required" : "disabled";
}

/**
 * Pages one `syncPages` call may commit (it also stops at its time budget). Big enough that the prefetch pays off
 * and the workflow history stays short, small enough that a call reports back every few seconds.
 */
export const PAGES_PER_CALL = 50;

/** Pages per workflow run before `continueAsNew` keeps the history short (each call adds ~6 events). */
export const DEFAULT_MAX_PAGES_PER_RUN = 200;

export function zeroCounters(): SyncCounters {
  return { pages: 0, records: 0, quarantined: 0, documents: 0 };
}

/** A run keeps at most this many distinct notices, each cut to NOTICE_MAX_CHARS: they travel in workflow state. */
export const MAX_NOTICES = 20;
export const NOTICE_MAX_CHARS = 500;

/** `a` and `b`'s named counts summed per name; absent when neither has any. */
export function sumCounts(
  a: Readonly<Record<string, number>> | undefined,
  b: Readonly<Record<string, number>> | undefined,
): Record<string, number> | undefined {
  if (!b || Object.keys(b).length === 0) return a ? { ...a } : undefined;
  const out: Record<string, number> = { ...a };
  for (const [name, value] of Object.entries(b)) {
    if (Number.isFinite(value)) out[name] = (out[name] ?? 0) + value;
  }
  return out;
}

/** `a` then the notices of `b` not already in it (each once), bounded; absent when neither has any. */
export function mergeNotices(a: readonly string[] | undefined, b: readonly string[] | undefined): string[] | undefined {
  if (!b || b.length === 0) return a ? [...a] : undefined;
  const out = [...(a ?? [])];
  for (const raw of b) {
    const notice = raw.length > NOTICE_MAX_CHARS ? `${raw.slice(0, NOTICE_MAX_CHARS - 1)}…` : raw;
    if (out.length >= MAX_NOTICES) break;
    if (!out.includes(notice)) out.push(notice);
  }
  return out;
}

function withStats<T extends object>(base: T, counts: Record<string, number> | undefined, notices: string[] | undefined) {
  return { ...base, ...(counts ? { counts } : {}), ...(notices ? { notices } : {}) };
}

export function addPage(counters: SyncCounters, page: SyncPageResult): SyncCounters {
  return addPages(counters, { ...page, pages: 1 });
}

/** Counters after a `syncPages` call (its pages and totals). */
export function addPages(counters: SyncCounters, batch: SyncPagesResult): SyncCounters {
  return withStats(
    {
      pages: counters.pages + batch.pages,
      records: counters.records + batch.records,
      quarantined: counters.quarantined + batch.quarantined,
      documents: counters.documents + batch.documents,
    },
    sumCounts(counters.counts, batch.counts),
    mergeNotices(counters.notices, batch.notices),
  );
}

/** What a `syncPages` call has done before its first page: nothing, at the cursor it starts from. */
export function emptyTotal(cursor: string | null): SyncPagesResult {
  return { cursor, hasMore: true, pages: 0, records: 0, quarantined: 0, documents: 0 };
}

/** A call's totals after one more committed page: that page's cursor and hasMore, the sums. */
export function addPageToTotal(total: SyncPagesResult, page: SyncPageResult): SyncPagesResult {
  const counters = addPage(total, page);
  return { ...counters, cursor: page.cursor, hasMore: page.hasMore };
}

/** One page's result from a one-page call's totals. */
export function pageOf(total: SyncPagesResult): SyncPageResult {
  const { cursor, hasMore, records, quarantined, documents, counts, notices } = total;
  return withStats({ cursor, hasMore, records, quarantined, documents }, counts, notices);
}

/** Temporal ids: one schedule and one workflow-id prefix per connection. */
export function syncWorkflowId(tenantId: string, connectionId: string): string {
  return `sync:${tenantId}:${connectionId}`;
}
