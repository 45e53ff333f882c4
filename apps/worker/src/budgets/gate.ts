/**
 * The worker's request gate (core's `withRequestGate`): every request a connector sends within the scope first takes
 * a slot of its vendor account's budget in the store, waiting as long as the store says, and gives it back when the
 * request is over. `budgeted` wraps activities so each call runs in the scope of its connection's budget, under
 * Temporal and in-process alike.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { noopLogger, withRequestGate, type Credentials, type Logger, type RequestGate } from "@gtm-clarity/core";
import type { VendorBudgets } from "@gtm-clarity/store";
import { vendorBudgetFor, type BudgetConnection, type BudgetedConnector, type BudgetWindow, type VendorBudgetSpec } from "./accounts.js";

/** A slot never given back (a killed process) counts this long plus the window: a request's longest life. */
export const DEFAULT_MAX_REQUEST_MS = 2 * 60_000;
/** Re-asks the store at least this often while waiting, so a slot freed early is seen. */
const MAX_POLL_MS = 5_000;

export interface BudgetGateOptions {
  budgets: VendorBudgets;
  tenantId: string;
  spec: VendorBudgetSpec;
  maxRequestMs?: number;
  logger?: Logger;
}

export function createBudgetGate(options: BudgetGateOptions): RequestGate {
  const { budgets, tenantId, spec } = options;
  const logger = options.logger ?? noopLogger;
  const maxRequestMs = options.maxRequestMs ?? DEFAULT_MAX_REQUEST_MS;
  return {
    async acquire({ signal }) {
      for (;;) {
        const admission = await budgets.acquire({ tenantId, key: spec.key, limit: spec.requests, windowMs: spec.windowMs, maxRequestMs });
        if (admission.granted) {
          return () => {
            budgets.release({ tenantId, key: spec.key, slotId: admission.slotId, windowMs: spec.windowMs }).catch((error: unknown) => {
              // The slot then stays held for maxRequestMs + window: slower, never over budget.
              logger.warn("vendor budget release failed", { key: spec.key, error: error instanceof Error ? error.message : String(error) });
            });
          };
        }
        await sleep(Math.min(admission.waitMs, MAX_POLL_MS), undefined, { signal });
      }
    },
  };
}

export interface BudgetResolverDeps {
  budgets: VendorBudgets;
  getConnection(ref: { tenantId: string; connectionId: string }): Promise<BudgetConnection>;
  getCredentials(ref: { tenantId: string; connectionId: string }): Promise<Credentials>;
  windows: Record<string, BudgetWindow | null>;
  /** The deployed connector of an id, for the account it says a connection draws on; undefined when not deployed. */
  connectorOf(id: string): BudgetedConnector | undefined;
  maxRequestMs?: number;
  logger?: Logger;
  now?: () => number;
  /** How long a connection's resolved budget is reused. Default 60 s. */
  cacheMs?: number;
}

/** Runs `fn` inside the budget of `ref`'s vendor account (or plainly, when its connector has no window). */
export type BudgetScope = <T>(ref: { tenantId: string; connectionId: string }, fn: () => Promise<T>) => Promise<T>;

export function createBudgetScope(deps: BudgetResolverDeps): BudgetScope {
  const now = deps.now ?? Date.now;
  const cacheMs = deps.cacheMs ?? 60_000;
  const cache = new Map<string, { gate: RequestGate | undefined; at: number }>();
  async function gateFor(ref: { tenantId: string; connectionId: string }): Promise<RequestGate | undefined> {
    const cacheKey = `${ref.tenantId}\u0000${ref.connectionId}`;
    const hit = cache.get(cacheKey);
    if (hit && now() - hit.at < cacheMs) return hit.gate;
    const connection = await deps.getConnection(ref);
    const spec = deps.windows[connection.connectorId]
      ? vendorBudgetFor(deps.connectorOf(connection.connectorId), connection, await deps.getCredentials(ref), deps.windows)
      : undefined;
    const gate =
      spec &&
      createBudgetGate({
        budgets: deps.budgets,
        tenantId: ref.tenantId,
        spec,
        ...(deps.maxRequestMs === undefined ? {} : { maxRequestMs: deps.maxRequestMs }),
        ...(deps.logger ? { logger: deps.logger } : {}),
      });
    if (cache.size > 1_000) cache.clear();
    cache.set(cacheKey, { gate, at: now() });
    return gate;
  }
  return async (ref, fn) => {
    const gate = await gateFor(ref);
    return gate ? withRequestGate(gate, fn) : fn();
  };
}

type AnyActivities = Record<string, (input: never) => Promise<unknown>>;

/** The activities that call vendors; bookkeeping (start/finish a run, mark a connection) stays out of the scope. */
export const VENDOR_ACTIVITIES: ReadonlySet<string> = new Set(["syncPage", "syncPages", "drainWritebackBatch"]);

/** Each vendor-calling activity runs in the budget scope of the connection its input names. */
export function budgeted<A extends AnyActivities>(activities: A, scope: BudgetScope, names: ReadonlySet<string> = VENDOR_ACTIVITIES): A {
  const wrapped: Record<string, (input: never) => Promise<unknown>> = {};
  for (const [name, fn] of Object.entries(activities)) {
    if (!names.has(name)) {
      wrapped[name] = fn;
      continue;
    }
    wrapped[name] = (input: never) => {
      const ref = input as { tenantId?: unknown; connectionId?: unknown } | undefined;
      if (typeof ref?.tenantId === "string" && typeof ref.connectionId === "string") {
        return scope({ tenantId: ref.tenantId, connectionId: ref.connectionId }, () => fn(input));
      }
      return fn(input);
    };
  }
  return wrapped as A;
}
