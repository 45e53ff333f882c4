/**
 * Where a sync activity gets its connection from: the row (refused when it cannot sync for a reason no retry fixes),
 * the deployed connector, the DPA check, the settings parsed with the connector's own schema, and the decrypted
 * credentials (refreshed under the connection's lock by ./credentials.ts when an OAuth token has expired).
 *
 * Pages of one run reuse what a previous page loaded for a short while, so a page costs one cursor read and one
 * commit; a refreshed token is written through to that cache, and a failed page drops it.
 */
import {
  AuthError,
  ConfigError,
  DpaRequiredError,
  parseConnectorSettings,
  type CanonicalRecord,
  type Connector,
  type Credentials,
  type Logger,
} from "@gtm-clarity/core";
import { createCredentialSource, tokenExpired } from "./credentials.js";
import type { ConnectionInfo, ConnectionRef, ConnectorLookup, SyncStore } from "./store-port.js";

/** The connection names a connector this worker does not carry: a deployment problem, not the connection's. */
export class ConnectorNotDeployedError extends Error {
  override readonly name = "ConnectorNotDeployedError";
  readonly connectorId: string;
  constructor(connectorId: string) {
    super(`connector "${connectorId}" is not deployed in this worker`);
    this.connectorId = connectorId;
  }
}

export type ConnectionSettings = Record<string, unknown>;

export interface LoadedConnection {
  connection: ConnectionInfo;
  connector: Connector<CanonicalRecord>;
  /** `parseConnectorSettings(connector, connection.settings)`: typed by the connector's schema when it has one. */
  settings: ConnectionSettings;
  /** When the tenant accepted the data processing agreement (passed to the connector, which may check it too). */
  dpaAcceptedAt: Date | null;
}

export interface PageConnection {
  connector: Connector<CanonicalRecord>;
  credentials: Credentials;
  settings: ConnectionSettings;
  dpaAcceptedAt: Date | null;
}

export interface ConnectionSourceDeps {
  store: SyncStore;
  connectors: ConnectorLookup;
  logger: Logger;
  now: () => number;
  /** How long a run's pages reuse a loaded connection; 0 reloads it for every page. */
  connectionCacheMs: number;
  refreshTimeoutMs?: number;
}

export interface ConnectionSource {
  /** The connection and its connector; throws when it must not sync (needs_reauth, disabled, no DPA, not deployed). */
  load(ref: ConnectionRef): Promise<LoadedConnection>;
  /** The connection with decrypted (and, if expired, refreshed) credentials for one page of `runId`. */
  forPage(ref: ConnectionRef, runId: string): Promise<PageConnection>;
  /**
   * Runs `call` with the page's credentials; an OAuth connector's AuthError refreshes (under the lock) and retries
   * once, and the refreshed credentials replace the run's cached ones.
   */
  withAuthRetry<T>(ref: ConnectionRef, runId: string, page: PageConnection, call: (credentials: Credentials) => Promise<T>): Promise<T>;
  /** Drops what a run cached (a failed page reloads on its retry; a finished run needs nothing more). */
  forget(runId: string): void;
}

/** Bounded: one entry per run in flight on this worker; the oldest goes first. */
const MAX_CACHED_RUNS = 1_000;

export function createConnectionSource(deps: ConnectionSourceDeps): ConnectionSource {
  const { store, connectors, now, connectionCacheMs } = deps;
  const credentialSource = createCredentialSource({
    store,
    logger: deps.logger,
    now,
    ...(deps.refreshTimeoutMs === undefined ? {} : { refreshTimeoutMs: deps.refreshTimeoutMs }),
  });
  const cache = new Map<string, PageConnection & { at: number }>();

  async function load(ref: ConnectionRef): Promise<LoadedConnection> {
    const connection = await store.getConnection(ref);
    const because = connection.lastError ? ` (${connection.lastError})` : "";
    if (connection.status === "needs_reauth") throw new AuthError(`connection needs re-authentication${because}`);
    if (connection.status === "disabled") throw new ConfigError(`connection is disabled${because}`);
    if (connection.status === "dpa_required") {
      throw new DpaRequiredError(`connection needs the tenant's data processing agreement${because}`);
    }
    if (!connectors.has(connection.connectorId)) throw new ConnectorNotDeployedError(connection.connectorId);
    const connector = connectors.get(connection.connectorId);
    const dpaAcceptedAt = await store.tenantDpaAcceptedAt(ref.tenantId);
    if (connector.requiresDpa === true && dpaAcceptedAt === null) {
      throw new DpaRequiredError(`${connector.name} needs the tenant's data processing agreement before it may sync`);
    }
    const settings = parseConnectorSettings<ConnectionSettings>(connector, connection.settings);
    return { connection, connector, settings, dpaAcceptedAt };
  }

  return {
    load,

    async forPage(ref, runId) {
      const cached = cache.get(runId);
      if (cached && now() - cached.at < connectionCacheMs && !tokenExpired(cached.credentials, now())) return cached;
      const { connector, settings, dpaAcceptedAt } = await load(ref);
      const credentials = await credentialSource.load(ref, connector, { settings, dpaAcceptedAt });
      const page: PageConnection = { connector, credentials, settings, dpaAcceptedAt };
      if (connectionCacheMs > 0) {
        if (cache.size >= MAX_CACHED_RUNS) cache.delete(cache.keys().next().value ?? "");
        cache.set(runId, { ...page, at: now() });
      }
      return page;
    },

    withAuthRetry(ref, runId, page, call) {
      const refresh = { settings: page.settings, dpaAcceptedAt: page.dpaAcceptedAt };
      return credentialSource.withAuthRetry(
        ref,
        page.connector,
        page.credentials,
        call,
        (fresh) => {
          const entry = cache.get(runId);
          if (entry) cache.set(runId, { ...entry, credentials: fresh });
        },
        refresh,
      );
    },

    forget(runId) {
      cache.delete(runId);
    },
  };
}
