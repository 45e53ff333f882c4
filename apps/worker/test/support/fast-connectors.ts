/**
 * Connectors for tests and benchmarks that a fetch thread can load too (the thread imports this module by URL and
 * uses its `fastConnectors` export): Fathom with the sandbox's budgets lifted, so runs are not paced at 60 requests a
 * minute.
 */
import type { CanonicalRecord, Connector } from "@gtm-clarity/core";
import { FathomConnector } from "@gtm-clarity/connector-fathom";
import type { ConnectorLookup } from "../../src/activities/store-port.js";

/** A Fathom connector with the sandbox's budgets lifted, so tests are not paced at 60 requests a minute. */
export function fastFathom(): FathomConnector {
  return new FathomConnector({ rateLimit: { requests: 1_000_000, heavyRequests: 1_000_000, windowMs: 60_000 }, timeoutMs: 10_000 });
}

/** A lookup over `connectors`, listing them like the registry does (a fetch thread checks ids and versions). */
export function lookup(...connectors: Connector<CanonicalRecord>[]): ConnectorLookup & { list(): { id: string; version: string }[] } {
  const byId = new Map(connectors.map((c) => [c.id, c]));
  return {
    has: (id) => byId.has(id),
    get: (id) => {
      const connector = byId.get(id);
      if (!connector) throw new Error(`no connector ${id}`);
      return connector;
    },
    list: () => connectors.map(({ id, version }) => ({ id, version })),
  };
}

export const fastConnectors = lookup(fastFathom());
