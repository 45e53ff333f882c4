/**
 * Sync rules shared by the Temporal workflow and the in-process runner. Pure and dependency-free on purpose:
 * the workflow bundle imports it, and anything reaching Node APIs would break workflow determinism.
 */
import type { BlockedConnectionStatus, SyncCounters, SyncPageResult } from "./activities/types.js";

/**
 * Failure types no retry can fix. Activities throw `ApplicationFailure.nonRetryable(message, type)` with one of
 * these; the loop then marks the connection and fails the run.
 */
export const NON_RETRYABLE_FAILURE_TYPES = ["AuthError", "ConfigError", "DpaRequiredError"] as const;
export type NonRetryableFailureType = (typeof NON_RETRYABLE_FAILURE_TYPES)[number];

export function isNonRetryableFailureType(type: string | undefined | null): type is NonRetryableFailureType {
  return (NON_RETRYABLE_FAILURE_TYPES as readonly string[]).includes(type ?? "");
}

/** Revoked credentials need a reconnect; a bad configuration or a missing DPA needs an admin: disable. */
export function blockedStatusFor(type: NonRetryableFailureType): BlockedConnectionStatus {
  return type === "AuthError" ? "needs_reauth" : "disabled";
}

/** Pages per workflow run before `continueAsNew` keeps the history short (each page adds ~6 events). */
export const DEFAULT_MAX_PAGES_PER_RUN = 200;

export function zeroCounters(): SyncCounters {
  return { pages: 0, records: 0, quarantined: 0, documents: 0 };
}

export function addPage(counters: SyncCounters, page: SyncPageResult): SyncCounters {
  return {
    pages: counters.pages + 1,
    records: counters.records + page.records,
    quarantined: counters.quarantined + page.quarantined,
    documents: counters.documents + page.documents,
  };
}

/** Temporal ids: one schedule and one workflow-id prefix per connection. */
export function syncWorkflowId(tenantId: string, connectionId: string): string {
  return `sync:${tenantId}:${connectionId}`;
}
