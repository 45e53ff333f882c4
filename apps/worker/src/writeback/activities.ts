/**
 * The writeback activity (registered on the Temporal worker next to the sync activities) and the in-process
 * drainer built from the same parts.
 */
import { noopLogger, type Logger } from "@gtm-clarity/core";
import type { Outbox } from "@gtm-clarity/store";
import { createConnectionSource } from "../activities/connection-source.js";
import { activity } from "../activities/errors.js";
import { currentRuntime } from "../activities/runtime.js";
import type { ConnectorLookup, SyncStore } from "../activities/store-port.js";
import { drainBatch, drainOutbox, type DrainDeps, type DrainHooks, type DrainOptions, type DrainTotals } from "./drain.js";
import { resolvePolicy, type WritebackPolicy } from "./policy.js";
import type { WritebackActivities, WritebackTarget } from "./types.js";

export interface WritebackDeps {
  store: SyncStore;
  outbox: Outbox;
  connectors: ConnectorLookup;
  logger?: Logger;
  policy?: Partial<WritebackPolicy>;
  hooks?: DrainHooks;
  now?: () => number;
}

export function drainDeps(deps: WritebackDeps): DrainDeps {
  const logger = deps.logger ?? noopLogger;
  return {
    outbox: deps.outbox,
    connections: createConnectionSource({
      store: deps.store,
      connectors: deps.connectors,
      logger,
      now: deps.now ?? Date.now,
      connectionCacheMs: 0,
    }),
    policy: resolvePolicy(deps.policy),
    logger,
    ...(deps.hooks ? { hooks: deps.hooks } : {}),
  };
}

/** Whether `connectorId` is deployed here and can write back to its source. */
export function connectorWritesBack(connectors: ConnectorLookup, connectorId: string): boolean {
  return connectors.has(connectorId) && connectors.get(connectorId).writeback !== undefined;
}

export function createWritebackActivities(deps: WritebackDeps): WritebackActivities {
  const drain = drainDeps(deps);
  return {
    writebackPending: activity(async (input) => {
      const connection = await deps.store.getConnection(input);
      if (connection.status !== "active" || !connectorWritesBack(deps.connectors, connection.connectorId)) {
        return { supported: false, pending: 0 };
      }
      return { supported: true, pending: await deps.outbox.due(input) };
    }),
    drainWritebackBatch: activity(async (input) => {
      const runtime = currentRuntime();
      return drainBatch(drain, input, {
        ...(input.batchSize === undefined ? {} : { batchSize: input.batchSize }),
        signal: runtime.signal,
        heartbeat: (details) => runtime.heartbeat(details),
      });
    }),
  };
}

/** In-process: drains what is due now for one connection (`worker writeback drain`, and after each `worker sync`). */
export interface WritebackDrainer {
  drain(target: WritebackTarget, options?: DrainOptions): Promise<DrainTotals>;
  /** Whether the connection's connector can write back at all (a sync of any other needs no drain). */
  supports(connectorId: string): boolean;
}

export function createWritebackDrainer(deps: WritebackDeps): WritebackDrainer {
  const drain = drainDeps(deps);
  return {
    drain: (target, options) => drainOutbox(drain, target, options),
    supports: (connectorId) => connectorWritesBack(deps.connectors, connectorId),
  };
}
