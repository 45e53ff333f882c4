/**
 * The Template connector: the record kinds in `streams.ts`, the authentication wired in `auth.ts`.
 *
 * `sync` returns one page per call: one page of the current stream and, when that page ends the stream, the first
 * page of the next one, so an incremental sync with little to do finishes in a single call. HTTP clients are kept
 * per (base URL, credential) for the connector's lifetime, so pacing state carries across pages.
 */
import { buildSyncPage, noopLogger } from "@gtm-clarity/core";
import type {
  AuthenticateResult,
  CanonicalRecord,
  Connector,
  ConnectorConfig,
  ConnectorHealthStatus,
  Credentials,
  FieldMapping,
  HttpClient,
  Logger,
  OAuthCapability,
  QuarantinedRecord,
  SyncOptions,
  SyncResult,
} from "@gtm-clarity/core";
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
import { fetchPage } from "./sync/pull.js";
import { transformRecord, updatedAtOf } from "./sync/transform.js";
import { TemplateWebhooks } from "./webhook.js";

export const TEMPLATE_CONNECTOR_ID = "template";

export interface TemplateConnectorOptions extends TemplateClientOptions, TemplateAuthOptions {
  logger?: Logger;
}

export class TemplateConnector implements Connector<CanonicalRecord> {
  readonly id = TEMPLATE_CONNECTOR_ID;
  readonly name = "Template";
  readonly version: string = pkg.version;
  readonly oauth?: OAuthCapability;
  readonly webhooks = new TemplateWebhooks();

  readonly #options: TemplateConnectorOptions;
  readonly #clients: TemplateClients;
  readonly #auth: TemplateAuth;

  constructor(options: TemplateConnectorOptions = {}) {
    this.#options = options;
    this.#clients = new TemplateClients(options);
    this.#auth = createTemplateAuth(options);
    if (this.#auth.oauth !== undefined) this.oauth = this.#auth.oauth;
  }

  async authenticate(config: ConnectorConfig): Promise<AuthenticateResult> {
    // The cheapest authenticated call there is. A 401 becomes a non-retryable AuthError in the client.
    return this.#auth.authenticate(config, async (credentials) => {
      await this.#client(parseTemplateCredentials(credentials)).getJson("/v1/me", TemplateMeSchema);
    });
  }

  async sync(
    credentials: Credentials,
    lastSyncCursor: string | null,
    options: SyncOptions = {},
  ): Promise<SyncResult<CanonicalRecord>> {
    const logger = options.logger ?? this.#options.logger ?? noopLogger;
    const client = this.#client(parseTemplateCredentials(credentials), logger);
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

  async healthCheck(credentials: Credentials): Promise<ConnectorHealthStatus> {
    const started = Date.now();
    try {
      await this.#client(parseTemplateCredentials(credentials)).getJson("/v1/me", TemplateMeSchema);
      return { healthy: true, lastSync: null, latencyMs: Date.now() - started };
    } catch (error) {
      const latencyMs = Date.now() - started;
      return { healthy: false, lastSync: null, latencyMs, error: describeError(error, credentials) };
    }
  }

  #client(credentials: TemplateCredentials, logger: Logger = this.#options.logger ?? noopLogger): HttpClient {
    return this.#clients.get(credentials.baseUrl, authHeaders(credentials), logger);
  }
}

/** An error as one line for a health status, with every credential scrubbed even if some layer echoed one. */
function describeError(error: unknown, credentials: Credentials): string {
  let message = error instanceof Error ? `${error.name}: ${error.message}` : "unknown error";
  for (const [key, value] of Object.entries(credentials)) {
    if (key !== "baseUrl" && value.length >= 4) message = message.split(value).join("[redacted]");
  }
  return message;
}
