/**
 * The Delivr.ai connector: website visits (the Events API, in windows of at most 25 hours) and intent (audiences,
 * with topic names from the taxonomy), each with its own watermark in one cursor.
 *
 * `sync` returns one page per call, but a page is not one request: it keeps reading (through empty windows, and from
 * one stream into the next) until it holds a page's worth of records or has spent its request budget, so a 90-day
 * backfill of a quiet pixel does not take 90 calls. The cursor is advanced after every request, so a page that stops
 * anywhere resumes exactly there.
 */
import {
  buildSyncPage,
  checkHealth,
  ConfigError,
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
  SyncOptions,
  SyncResult,
} from "@gtm-clarity/core";
import type { z } from "zod";
import pkg from "../package.json" with { type: "json" };
import { delivrBudget } from "./budget.js";
import { DelivrEventsSchemaSchema } from "./api-schema.js";
import { createHash } from "node:crypto";
import {
  authHeaders,
  createDelivrAuth,
  DelivrSecretsSchema,
  parseDelivrCredentials,
  type DelivrAuthOptions,
  type DelivrCredentials,
} from "./auth.js";
import { DelivrClients, type DelivrClientOptions } from "./client.js";
import { delivrFieldMappings } from "./schema.js";
import { DelivrSettingsSchema, STREAM_NAMES, type DelivrSettings, type DelivrSettingsInput } from "./settings.js";
import { runSyncLoop } from "./sync/loop.js";
import { fetchTaxonomy, type Topic } from "./sync/intent.js";

export const DELIVR_CONNECTOR_ID = "delivr";

export interface DelivrConnectorOptions extends DelivrClientOptions, DelivrAuthOptions {
  logger?: Logger;
  /** Requests one `sync` call may make before it returns its page (default 30). */
  requestsPerPage?: number;
  /** How long the taxonomy (topic names) is reused before it is read again (default one hour). */
  taxonomyTtlMs?: number;
  /** When a run starts (its `until`); tests pin it. Default: the current time. */
  now?: () => Date;
}

export class DelivrConnector implements Connector<CanonicalRecord, DelivrSettings> {
  readonly id = DELIVR_CONNECTOR_ID;
  readonly name = "Delivr.ai";
  readonly version: string = pkg.version;
  /** The vendor account a connection draws on, and its documented window (./budget.ts). */
  readonly budget = delivrBudget;
  readonly settingsSchema = DelivrSettingsSchema;
  /** What a person types in to connect: the API key and secret. */
  readonly secretsSchema: z.ZodType<Credentials> = DelivrSecretsSchema;

  readonly #options: DelivrConnectorOptions;
  readonly #clients: DelivrClients;
  readonly #auth = createDelivrAuth();
  readonly #taxonomy = new Map<string, { at: number; topics: Map<string, Topic> }>();

  constructor(options: DelivrConnectorOptions = {}) {
    this.#options = options;
    this.#clients = new DelivrClients(options);
  }

  /**
   * Checks the key and secret (`config.secrets`) with the cheapest call there is, `GET /api/v1/events_schema`, and
   * returns them as the credentials to store. 401 and 403 become a non-retryable AuthError in the client.
   */
  async authenticate(config: ConnectorConfig<DelivrSettingsInput>): Promise<AuthenticateResult> {
    const settings = parseConnectorSettings(this, config.settings);
    const secrets = parseConnectorSecrets(this, config.secrets);
    return this.#auth.authenticate(secrets, async (credentials) => {
      await this.#client(parseDelivrCredentials(credentials), settings.baseUrl).getJson(
        "/api/v1/events_schema",
        DelivrEventsSchemaSchema,
      );
    });
  }

  async sync(
    credentials: Credentials,
    lastSyncCursor: string | null,
    options: SyncOptions<DelivrSettingsInput> = {},
  ): Promise<SyncResult<CanonicalRecord>> {
    const settings = parseConnectorSettings(this, options.settings);
    const logger = options.logger ?? this.#options.logger ?? noopLogger;
    const parsed = parseDelivrCredentials(credentials);
    const api = this.#client(parsed, settings.baseUrl, logger);
    const taxonomyApi = this.#client(parsed, settings.taxonomyUrl, logger);
    const before = api.stats().requests + (taxonomyApi === api ? 0 : taxonomyApi.stats().requests);
    const enabled = STREAM_NAMES.filter((stream) => settings.streams.includes(stream));
    if (enabled.includes("visits") && settings.pixelId === undefined && settings.projectId === undefined && settings.organizationId === undefined) {
      throw new ConfigError("Delivr.ai visitor events need a scope: set pixelId, projectId or organizationId");
    }
    const page = await runSyncLoop({
      api,
      settings,
      enabled,
      cursor: lastSyncCursor,
      fullSync: options.fullSync === true,
      now: this.#options.now?.() ?? new Date(),
      requestBudget: this.#options.requestsPerPage ?? 30,
      taxonomy: (signal) => this.#topics(taxonomyApi, settings.taxonomyUrl, parsed, signal),
      signal: options.signal,
    });
    const requests = api.stats().requests + (taxonomyApi === api ? 0 : taxonomyApi.stats().requests) - before;
    return buildSyncPage({
      connectorId: this.id,
      records: page.records,
      quarantined: page.quarantined,
      cursor: page.cursor,
      hasMore: page.hasMore,
      requests,
      counts: page.counts,
      notices: page.notices,
      logger,
    });
  }

  getSchema(): FieldMapping[] {
    return delivrFieldMappings.map((mapping) => ({ ...mapping }));
  }

  healthCheck(
    credentials: Credentials,
    options: HealthCheckOptions<DelivrSettingsInput> = {},
  ): Promise<ConnectorHealthStatus> {
    return checkHealth(this, credentials, options, async ({ settings, request }) => {
      const client = this.#client(parseDelivrCredentials(credentials), settings.baseUrl);
      await client.getJson("/api/v1/events_schema", DelivrEventsSchemaSchema, request);
    });
  }

  /** Topic names, read once per hour per (taxonomy URL, key). */
  async #topics(
    client: HttpClient,
    taxonomyUrl: string,
    credentials: DelivrCredentials,
    signal: AbortSignal | undefined,
  ): Promise<Map<string, Topic>> {
    // The key is hashed: nothing keeps a credential as a map key.
    const key = createHash("sha256").update(`${taxonomyUrl}\u0000${credentials.apiKey}`).digest("hex");
    const cached = this.#taxonomy.get(key);
    const ttl = this.#options.taxonomyTtlMs ?? 3_600_000;
    if (cached !== undefined && Date.now() - cached.at < ttl) return cached.topics;
    const topics = await fetchTaxonomy(client, signal);
    this.#taxonomy.set(key, { at: Date.now(), topics });
    return topics;
  }

  #client(credentials: DelivrCredentials, baseUrl: string, logger: Logger = this.#options.logger ?? noopLogger): HttpClient {
    return this.#clients.get(baseUrl, authHeaders(credentials), logger);
  }
}
