/**
 * A hook for budgets kept outside one client: a request gate, set for a scope of async work, that every HTTP client
 * of core consults before each attempt it sends and tells when that attempt is over. The worker uses it for rate
 * budgets shared by several connections to one vendor account and kept in the database, so they hold across
 * processes and restarts; the client's own pacer still applies on top.
 *
 * The gate travels with the async context (AsyncLocalStorage), not with the client: pooled clients created earlier
 * serve callers of different scopes, and each attempt asks the gate of the call that makes it.
 */
import { AsyncLocalStorage } from "node:async_hooks";

export interface GatedRequest {
  /** The client's name (its connector). */
  client: string;
  method: string;
  url: URL;
  /** Aborts when the call is abandoned; a gate that waits must stop waiting then. */
  signal: AbortSignal;
}

export interface RequestGate {
  /**
   * Resolves when the attempt may be sent, with a function the client calls once the attempt is over (answered or
   * failed). Rejecting refuses the attempt: the call fails with that error.
   */
  acquire(request: GatedRequest): Promise<() => void>;
}

const scope = new AsyncLocalStorage<RequestGate>();

/** Runs `fn` with `gate` consulted by every request sent from within it (nested scopes: the innermost wins). */
export function withRequestGate<T>(gate: RequestGate, fn: () => Promise<T>): Promise<T> {
  return scope.run(gate, fn);
}

/** The gate of the current async scope, if any. */
export function currentRequestGate(): RequestGate | undefined {
  return scope.getStore();
}
