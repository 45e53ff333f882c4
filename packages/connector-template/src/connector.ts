/**
 * The Template connector: the record kinds in `streams.ts`, the authentication wired in `auth.ts`.
 *
 * `sync` returns one page per call: one page of the current stream and, when that page ends the stream, the first
 * page of the next one, so an incremental sync with little to do finishes in a single call. HTTP clients are kept
 * per (base URL, credential) for the connector's lifetime, so pacing state carries across pages.
 *
 * Settings and secrets travel apart: `settingsSchema` (`src/settings.ts`) is what anyone may read, the credentials
 * (`src/auth/`) hold secrets only. `authenticate` reads `config.settings` and `config.secrets`; `sync` and
 * `healthCheck` read `options.settings` (absent: the defaults, i.e. the production API).
 */
import {
  buildSyncPage,
  checkHealth,
  noopLogger,
  parseConnectorSecrets,
  parseConnectorSettings,
} from "@gtm-clarity/core";
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
import { TemplateMeSchema } from "./api-schema.js";
import {
  authHeaders,
  createTemplateAuth,
  parseTemplateCredentials,
  type TemplateAuth,
  type TemplateAuthOptions,
  type TemplateCredentials,
} from "./auth.js";
import { TemplateClients, type TemplateClientOptions } from "./client.js";
import { templateCursor } from "./cursor.js";
import { templateFieldMappings } from "./schema.js";
import { TemplateSettingsSchema, type TemplateSettings, type TemplateSettingsInput } from "./settings.js";
import { fetchPage } from "./sync/pull.js";
import { transformRecord, updatedAtOf } from "./sync/transform.js";
import { TemplateWebhooks } from "./webhook.js";

export const TEMPLATE_CONNECTOR_ID = "template";

export interface TemplateConnectorOptions extends TemplateClientOptions, TemplateAuthOptions {
  logger?: Logger;
}

export class TemplateConnector implements Connector<CanonicalRecord, TemplateSettings> {
  readonly id = TEMPLATE_CONNECTOR_ID;
  readonly name = "Template";
  readonly version: string = pkg.version;
  readonly settingsSchema = TemplateSettingsSchema;
  /** What a person types in to connect (API key); absent with OAuth, whose flow yields the tokens. */
  readonly secretsSchema?: z.ZodType<Credentials>;
  readonly oauth?: OAuthCapability;
  readonly webhooks = new TemplateWebhooks();

  readonly #options: TemplateConnectorOptions;
  readonly #clients: TemplateClients;
  readonly #auth: TemplateAuth;

  constructor(options: TemplateConnectorOptions = {}) {
    this.#options = options;
    this.#clients = new TemplateClients(options);
    this.#auth = createTemplateAuth(options);
    if (this.#auth.secretsSchema !== undefined) this.secretsSchema = this.#auth.secretsSchema;
    if (this.#auth.oauth !== undefined) this.oauth = this.#auth.oauth;
  }

  /**
   * Checks what the person connected with (`config.secrets`) against the API at `config.settings.baseUrl` and
   * returns the credentials to store: secrets only, never settings.
   */
  async authenticate(config: ConnectorConfig<TemplateSettingsInput>): Promise<AuthenticateResult> {
    const settings = parseConnectorSettings(this, config.settings);
    const secrets = this.secretsSchema === undefined ? config.secrets : parseConnectorSecrets(this, config.secrets);
    // The cheapest authenticated call there is. A 401 becomes a non-retryable AuthError in the client.
    return this.#auth.authenticate(secrets, async (credentials) => {
      await this.#client(parseTemplateCredentials(credentials), settings).getJson("/v1/me", TemplateMeSchema);
    });
  }

  async sync(
    credentials: Credentials,
    lastSyncCursor: string | null,
    options: SyncOptions<TemplateSettingsInput> = {},
  ): Promise<SyncResult<CanonicalRecord>> {
    const settings = parseConnectorSettings(this, options.settings);
    const logger = options.logger ?? this.#options.logger ?? noopLogger;
    const client = this.#client(parseTemplateCredentials(credentials), settings, logger);
    const requestsBefore = client.stats().requests;
    const now = new Date();
    let state = templateCursor.parse(lastSyncCursor);
    const records: CanonicalRecord[] = [];
    const quarantined: QuarantinedRecord[] = [];
    for (;;) {
      const window = templateCursor.begin(state, templateCursor.nextStream(state), {
        fullSync: options.fullSync === true,
        now,
      });
      const page = await fetchPage(client, window.stream, { updatedSince: window.since }, window.position, options.signal);
      for (const item of page.items) {
        const result = transformRecord(window.stream, item);
        if (result.ok) records.push(result.record);
        else quarantined.push(result.quarantined);
      }
      const step = templateCursor.advance(state, window, { next: page.nextCursor, seen: page.items.map(updatedAtOf) });
      state = step.state;
      // More pages in this stream: they are the next call's. A stream that just ended hands over to the next one,
      // so an incremental sync with little to do finishes in a single call.
      if (!step.hasMore || page.nextCursor !== null) {
        return buildSyncPage({
          connectorId: this.id,
          records,
          quarantined,
          cursor: templateCursor.serialize(state),
          hasMore: step.hasMore,
          requests: client.stats().requests - requestsBefore,
          logger,
        });
      }
    }
  }

  getSchema(): FieldMapping[] {
    return templateFieldMappings.map((mapping) => ({ ...mapping }));
  }

  healthCheck(
    credentials: Credentials,
    options: HealthCheckOptions<TemplateSettingsInput> = {},
  ): Promise<ConnectorHealthStatus> {
    return checkHealth(this, credentials, options, async ({ settings, request }) => {
      await this.#client(parseTemplateCredentials(credentials), settings).getJson("/v1/me", TemplateMeSchema, request);
    });
  }

  #client(
    credentials: TemplateCredentials,
    settings: TemplateSettings,
    logger: Logger = this.#options.logger ?? noopLogger,
  ): HttpClient {
    return this.#clients.get(settings.baseUrl, authHeaders(credentials), logger);
  }
}
