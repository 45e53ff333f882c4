/**
 * The Customer.io connector: the record kinds in `streams.ts`, the authentication wired in `auth.ts`.
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
import { CustomerioMeSchema } from "./api-schema.js";
import {
  authHeaders,
  createCustomerioAuth,
  parseCustomerioCredentials,
  type CustomerioAuth,
  type CustomerioAuthOptions,
  type CustomerioCredentials,
} from "./auth.js";
import { CustomerioClients, type CustomerioClientOptions } from "./client.js";
import { customerioCursor } from "./cursor.js";
import { customerioFieldMappings } from "./schema.js";
import { CustomerioSettingsSchema, type CustomerioSettings, type CustomerioSettingsInput } from "./settings.js";
import { fetchPage } from "./sync/pull.js";
import { transformRecord, updatedAtOf } from "./sync/transform.js";
import { CustomerioWebhooks } from "./webhook.js";

export const CUSTOMERIO_CONNECTOR_ID = "customerio";

export interface CustomerioConnectorOptions extends CustomerioClientOptions, CustomerioAuthOptions {
  logger?: Logger;
}

export class CustomerioConnector implements Connector<CanonicalRecord, CustomerioSettings> {
  readonly id = CUSTOMERIO_CONNECTOR_ID;
  readonly name = "Customer.io";
  readonly version: string = pkg.version;
  readonly settingsSchema = CustomerioSettingsSchema;
  /** What a person types in to connect (API key); absent with OAuth, whose flow yields the tokens. */
  readonly secretsSchema?: z.ZodType<Credentials>;
  readonly oauth?: OAuthCapability;
  readonly webhooks = new CustomerioWebhooks();

  readonly #options: CustomerioConnectorOptions;
  readonly #clients: CustomerioClients;
  readonly #auth: CustomerioAuth;

  constructor(options: CustomerioConnectorOptions = {}) {
    this.#options = options;
    this.#clients = new CustomerioClients(options);
    this.#auth = createCustomerioAuth(options);
    if (this.#auth.secretsSchema !== undefined) this.secretsSchema = this.#auth.secretsSchema;
    if (this.#auth.oauth !== undefined) this.oauth = this.#auth.oauth;
  }

  /**
   * Checks what the person connected with (`config.secrets`) against the API at `config.settings.baseUrl` and
   * returns the credentials to store: secrets only, never settings.
   */
  async authenticate(config: ConnectorConfig<CustomerioSettingsInput>): Promise<AuthenticateResult> {
    const settings = parseConnectorSettings(this, config.settings);
    const secrets = this.secretsSchema === undefined ? config.secrets : parseConnectorSecrets(this, config.secrets);
    // The cheapest authenticated call there is. A 401 becomes a non-retryable AuthError in the client.
    return this.#auth.authenticate(secrets, async (credentials) => {
      await this.#client(parseCustomerioCredentials(credentials), settings).getJson("/v1/me", CustomerioMeSchema);
    });
  }

  async sync(
    credentials: Credentials,
    lastSyncCursor: string | null,
    options: SyncOptions<CustomerioSettingsInput> = {},
  ): Promise<SyncResult<CanonicalRecord>> {
    const settings = parseConnectorSettings(this, options.settings);
    const logger = options.logger ?? this.#options.logger ?? noopLogger;
    const client = this.#client(parseCustomerioCredentials(credentials), settings, logger);
    const requestsBefore = client.stats().requests;
    const now = new Date();
    let state = customerioCursor.parse(lastSyncCursor);
    const records: CanonicalRecord[] = [];
    const quarantined: QuarantinedRecord[] = [];
    for (;;) {
      const window = customerioCursor.begin(state, customerioCursor.nextStream(state), {
        fullSync: options.fullSync === true,
        now,
      });
      const page = await fetchPage(client, window.stream, { updatedSince: window.since }, window.position, options.signal);
      for (const item of page.items) {
        const result = transformRecord(window.stream, item);
        if (result.ok) records.push(result.record);
        else quarantined.push(result.quarantined);
      }
      const step = customerioCursor.advance(state, window, { next: page.nextCursor, seen: page.items.map(updatedAtOf) });
      state = step.state;
      // More pages in this stream: they are the next call's. A stream that just ended hands over to the next one,
      // so an incremental sync with little to do finishes in a single call.
      if (!step.hasMore || page.nextCursor !== null) {
        return buildSyncPage({
          connectorId: this.id,
          records,
          quarantined,
          cursor: customerioCursor.serialize(state),
          hasMore: step.hasMore,
          requests: client.stats().requests - requestsBefore,
          logger,
        });
      }
    }
  }

  getSchema(): FieldMapping[] {
    return customerioFieldMappings.map((mapping) => ({ ...mapping }));
  }

  async healthCheck(
    credentials: Credentials,
    options: HealthCheckOptions<CustomerioSettingsInput> = {},
  ): Promise<ConnectorHealthStatus> {
    const started = Date.now();
    try {
      const settings = parseConnectorSettings(this, options.settings);
      const client = this.#client(parseCustomerioCredentials(credentials), settings);
      await client.getJson("/v1/me", CustomerioMeSchema, options.signal === undefined ? {} : { signal: options.signal });
      return { healthy: true, lastSync: null, latencyMs: Date.now() - started };
    } catch (error) {
      const latencyMs = Date.now() - started;
      return { healthy: false, lastSync: null, latencyMs, error: describeError(error, credentials) };
    }
  }

  #client(
    credentials: CustomerioCredentials,
    settings: CustomerioSettings,
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
