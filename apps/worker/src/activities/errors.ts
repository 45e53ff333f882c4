/**
 * Error classification, shared by both runners. A connector or store error becomes a Temporal ApplicationFailure
 * whose `type` names the error class, so the workflow's retry policy (and the in-process runner, which reads the
 * same fields) decides: auth/config/DPA problems never retry and block the connection; rate limits retry after the
 * delay the source asked for; transient faults retry with backoff.
 */
import {
  isAuthError,
  isConfigError,
  isConnectorError,
  isDpaRequiredError,
  isPagingLoopError,
  isRateLimitError,
  redactString,
} from "@gtm-clarity/core";
import { ApplicationFailure, ApplicationFailureCategory, CancelledFailure } from "@temporalio/common";
import { blockedStatusFor, isNonRetryableFailureType } from "../sync-policy.js";
import { ConnectorNotDeployedError } from "./connection-source.js";
import { currentRuntime, inTemporalActivity } from "./runtime.js";
import { PageCancelledError } from "./sync-page.js";
import type { BlockedConnectionStatus } from "./types.js";

export interface ErrorClassification {
  /** AuthError, ConfigError, DpaRequiredError, RateLimitError, TransientError, ... or the error's name. */
  type: string;
  /** Redacted: safe for logs, run records and Temporal history. */
  message: string;
  retryable: boolean;
  /** Set for rate limits: wait this long before the next attempt. */
  retryAfterMs?: number;
  /** Set when no retry can help until a human acts. */
  blockConnection?: BlockedConnectionStatus;
}

export function classifyError(error: unknown): ErrorClassification {
  const message = redactString(error instanceof Error ? error.message : String(error));
  if (error instanceof ApplicationFailure) {
    const type = error.type ?? "Error";
    return {
      type,
      message,
      retryable: !error.nonRetryable,
      ...(isNonRetryableFailureType(type) ? { blockConnection: blockedStatusFor(type) } : {}),
    };
  }
  if (isAuthError(error)) return { type: "AuthError", message, retryable: false, blockConnection: "needs_reauth" };
  if (isConfigError(error)) return { type: "ConfigError", message, retryable: false, blockConnection: "disabled" };
  if (isDpaRequiredError(error)) return { type: "DpaRequiredError", message, retryable: false, blockConnection: "dpa_required" };
  // A connector or vendor paging in circles: fail the run, never retry, but leave the connection alone (its
  // credentials and settings are fine; the next scheduled sync may well succeed).
  if (isPagingLoopError(error)) return { type: "PagingLoopError", message, retryable: false };
  if (isRateLimitError(error)) return { type: "RateLimitError", message, retryable: true, retryAfterMs: error.retryAfterMs };
  if (isConnectorError(error)) return { type: error.name, message, retryable: error.retryable };
  // Unknown errors (a bug, a network error from outside our HTTP client) may be passing: retry with backoff.
  return { type: error instanceof Error ? error.name : "Error", message, retryable: true };
}

/** The ApplicationFailure a Temporal activity throws for `error`. Cancellation passes through untouched. */
export function toApplicationFailure(error: unknown): Error {
  if (error instanceof CancelledFailure || error instanceof ApplicationFailure) return error;
  if (error instanceof ConnectorNotDeployedError) return ApplicationFailure.nonRetryable(error.message, "ConnectorNotDeployed");
  const c = classifyError(error);
  if (!c.retryable) {
    // BENIGN: an expected, human-fixable condition, not a worker fault; keeps error logs and alerts quiet.
    return ApplicationFailure.create({
      message: c.message,
      type: c.type,
      nonRetryable: true,
      ...(c.blockConnection ? { category: ApplicationFailureCategory.BENIGN } : {}),
    });
  }
  return ApplicationFailure.create({
    message: c.message,
    type: c.type,
    nonRetryable: false,
    ...(c.retryAfterMs === undefined ? {} : { nextRetryDelay: Math.max(1, c.retryAfterMs) }),
  });
}

/**
 * What an activity throws for `error`: a cancelled page (or any failure of an activity Temporal cancelled, whose
 * fetch died of the abort) as a CancelledFailure, everything else as `toApplicationFailure` says.
 */
export function toActivityFailure(error: unknown): Error {
  if (error instanceof CancelledFailure) return error;
  const { signal } = currentRuntime();
  if (error instanceof PageCancelledError) return new CancelledFailure(error.message);
  if (signal.aborted && inTemporalActivity()) return new CancelledFailure(String(signal.reason ?? "cancelled"));
  return toApplicationFailure(error);
}

/** An activity: `run`, with every error mapped by `toActivityFailure`. The one place activities translate errors. */
export function activity<I, O>(run: (input: I) => Promise<O>): (input: I) => Promise<O> {
  return async (input) => {
    try {
      return await run(input);
    } catch (error) {
      throw toActivityFailure(error);
    }
  };
}
