/**
 * The Microsoft 365 connector: the record kinds in `streams.ts`, the authentication wired in `auth.ts`.
 *
 * `sync` returns one page per call: one page of the current stream and, when that page ends the stream, the first
 * page of the next one, so an incremental sync with little to do finishes in a single call. HTTP clients are kept
 * per (base URL, credential) for the connector's lifetime, so pacing state carries across pages.
 *
 * Settings and secrets travel apart: `settingsSchema` (`src/settings.ts`) is what anyone may read, the credentials
 * (`src/auth/`) hold secrets only. `authenticate` reads `config.settings` and `config.secrets`; `sync` and
 * `healthCheck` read `options.settings` (absent: the defaults, i.e. the production API).
 */
import { buildSyncPage, noopLogger, parseConnectorSecrets, parseConnectorSettings } from "@gtm-clarity/core";
import type {
  AuthenticateResult,
  CanonicalRecord,
  Connector,
  ConnectorConfig,
  ConnectorHealthStatus,
  Credentials,
  FieldMapping,
  HealthCheckOptions,
  HttpClient,
  Logger,
  OAuthCapability,
  QuarantinedRecord,
  SyncOptions,
  SyncResult,
} from "@gtm-clarity/core";
import type { z } from "zod";
import pkg from "../package.json" with { type: "json" };
import { O365MeSchema } from "./api-schema.js";
import {
  authHeaders,
  createO365Auth,
  parseO365Credentials,
  type O365Auth,
  type O365AuthOptions,
  type O365Credentials,
} from "./auth.js";
import { O365Clients, type O365ClientOptions } from "./client.js";
import { o365Cursor } from "./cursor.js";
import { o365FieldMappings } from "./schema.js";
import { O365SettingsSchema, type O365Settings, type O365SettingsInput } from "./settings.js";
import { fetchPage } from "./sync/pull.js";
import { transformRecord, updatedAtOf } from "./sync/transform.js";

export const O365_CONNECTOR_ID = "o365";

export interface O365ConnectorOptions extends O365ClientOptions, O365AuthOptions {
  logger?: Logger;
}

export class O365Connector implements Connector<CanonicalRecord, O365Settings> {
  readonly id = O365_CONNECTOR_ID;
  readonly name = "Microsoft 365";
  readonly version: string = pkg.version;
  readonly settingsSchema = O365SettingsSchema;
  /** What a person types in to connect (API key); absent with OAuth, whose flow yields the tokens. */
  readonly secretsSchema?: z.ZodType<Credentials>;
  readonly oauth?: OAuthCapability;

  readonly #options: O365ConnectorOptions;
  readonly #clients: O365Clients;
  readonly #auth: O365Auth;

  constructor(options: O365ConnectorOptions = {}) {
    this.#options = options;
    this.#clients = new O365Clients(options);
    this.#auth = createO365Auth(options);
    if (this.#auth.secretsSchema !== undefined) this.secretsSchema = this.#auth.secretsSchema;
    if (this.#auth.oauth !== undefined) this.oauth = this.#auth.oauth;
  }

  /**
   * Checks what the person connected with (`config.secrets`) against the API at `config.settings.baseUrl` and
   * returns the credentials to store: secrets only, never settings.
   */
  async authenticate(config: ConnectorConfig<O365SettingsInput>): Promise<AuthenticateResult> {
    const settings = parseConnectorSettings(this, config.settings);
    const secrets = this.secretsSchema === undefined ? config.secrets : parseConnectorSecrets(this, config.secrets);
    // The cheapest authenticated call there is. A 401 becomes a non-retryable AuthError in the client.
    return this.#auth.authenticate(secrets, async (credentials) => {
      await this.#client(parseO365Credentials(credentials), settings).getJson("/v1/me", O365MeSchema);
    });
  }

  async sync(
    credentials: Credentials,
    lastSyncCursor: string | null,
    options: SyncOptions<O365SettingsInput> = {},
  ): Promise<SyncResult<CanonicalRecord>> {
    const settings = parseConnectorSettings(this, options.settings);
    const logger = options.logger ?? this.#options.logger ?? noopLogger;
    const client = this.#client(parseO365Credentials(credentials), settings, logger);
    const requestsBefore = client.stats().requests;
    const now = new Date();
    let state = o365Cursor.parse(lastSyncCursor);
    const records: CanonicalRecord[] = [];
    const quarantined: QuarantinedRecord[] = [];
    for (;;) {
      const window = o365Cursor.begin(state, o365Cursor.nextStream(state), {
        fullSync: options.fullSync === true,
        now,
      });
      const page = await fetchPage(client, window.stream, { updatedSince: window.since }, window.position, options.signal);
      for (const item of page.items) {
        const result = transformRecord(window.stream, item);
        if (result.ok) records.push(result.record);
        else quarantined.push(result.quarantined);
      }
      const step = o365Cursor.advance(state, window, { next: page.nextCursor, seen: page.items.map(updatedAtOf) });
      state = step.state;
      // More pages in this stream: they are the next call's. A stream that just ended hands over to the next one,
      // so an incremental sync with little to do finishes in a single call.
      if (!step.hasMore || page.nextCursor !== null) {
        return buildSyncPage({
          connectorId: this.id,
          records,
          quarantined,
          cursor: o365Cursor.serialize(state),
          hasMore: step.hasMore,
          requests: client.stats().requests - requestsBefore,
          logger,
        });
      }
    }
  }

  getSchema(): FieldMapping[] {
    return o365FieldMappings.map((mapping) => ({ ...mapping }));
  }

  async healthCheck(
    credentials: Credentials,
    options: HealthCheckOptions<O365SettingsInput> = {},
  ): Promise<ConnectorHealthStatus> {
    const started = Date.now();
    try {
      const settings = parseConnectorSettings(this, options.settings);
      const client = this.#client(parseO365Credentials(credentials), settings);
      await client.getJson("/v1/me", O365MeSchema, options.signal === undefined ? {} : { signal: options.signal });
      return { healthy: true, lastSync: null, latencyMs: Date.now() - started };
    } catch (error) {
      const latencyMs = Date.now() - started;
      return { healthy: false, lastSync: null, latencyMs, error: describeError(error, credentials) };
    }
  }

  #client(
    credentials: O365Credentials,
    settings: O365Settings,
    logger: Logger = this.#options.logger ?? noopLogger,
  ): HttpClient {
    return this.#clients.get(settings.baseUrl, authHeaders(credentials), logger);
  }
}

/** An error as one line for a health status, with every credential (all secrets) scrubbed even if echoed. */
function describeError(error: unknown, credentials: Credentials): string {
  let message = error instanceof Error ? `${error.name}: ${error.message}` : "unknown error";
  for (const value of Object.values(credentials)) {
    if (value.length >= 4) message = message.split(value).join("[redacted]");
  }
  return message;
}
