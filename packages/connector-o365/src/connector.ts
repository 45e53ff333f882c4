/**
 * The Microsoft 365 connector: directory people, mail and meeting metadata through Graph delta queries, never a
 * message body. Every method that could reach Microsoft refuses first without the tenant's DPA acceptance
 * (`requiresDpa`). `sync` returns one Graph page of one stream per call (see `sync/step.ts`).
 */
import {
  assertDpaAccepted,
  buildSyncPage,
  checkHealth,
  ConfigError,
  noopLogger,
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
  Logger,
  SyncOptions,
  SyncResult,
} from "@gtm-clarity/core";
import pkg from "../package.json" with { type: "json" };
import { o365Budget } from "./budget.js";
import { CONNECTOR_NAME, O365OAuth, parseO365Credentials, type O365OAuthOptions } from "./auth/oauth.js";
import { GraphClients, graphPreferHeader, type GraphClientOptions } from "./graph/client.js";
import { MeSchema } from "./graph/schemas.js";
import { o365FieldMappings } from "./schema.js";
import { O365SettingsSchema, type O365Settings, type O365SettingsInput } from "./settings.js";
import { parseCursor, serializeCursor } from "./sync/cursor.js";
import { syncStep } from "./sync/step.js";

export const O365_CONNECTOR_ID = "o365";

export interface O365ConnectorOptions extends GraphClientOptions {
  /** The app registration and authority; by default from the environment (`O365_OAUTH_ENV`). */
  oauth?: O365OAuthOptions;
  logger?: Logger;
  /** Clock for the calendar window and tombstone times (tests). */
  now?: () => Date;
}

export class O365Connector implements Connector<CanonicalRecord, O365Settings> {
  readonly id = O365_CONNECTOR_ID;
  readonly name = CONNECTOR_NAME;
  readonly version: string = pkg.version;
  /** The vendor account a connection draws on, and its documented window (./budget.ts). */
  readonly budget = o365Budget;
  readonly settingsSchema = O365SettingsSchema;
  readonly requiresDpa = true;
  readonly oauth: O365OAuth;

  readonly #options: O365ConnectorOptions;
  readonly #clients: GraphClients;

  constructor(options: O365ConnectorOptions = {}) {
    this.#options = options;
    this.#clients = new GraphClients(options);
    this.oauth = new O365OAuth(options.oauth);
  }

  /**
   * `config.secrets` are the credentials `oauth.exchangeCode` returned. Refreshes them through MSAL (so they are
   * known to work and fresh) and reads `/me`; the caller stores what comes back, rotated cache included.
   */
  async authenticate(config: ConnectorConfig<O365SettingsInput>): Promise<AuthenticateResult> {
    assertDpaAccepted(this.name, config.dpaAcceptedAt);
    const settings = parseConnectorSettings(this, config.settings);
    if (config.secrets === undefined) {
      throw new ConfigError("Microsoft 365 connects through its OAuth flow: pass the credentials exchangeCode returned");
    }
    const tokens = await this.oauth.refresh(config.secrets, { dpaAcceptedAt: config.dpaAcceptedAt ?? null });
    const credentials = parseO365Credentials(tokens.credentials);
    const client = this.#clients.get(settings.baseUrl, credentials.homeAccountId, this.#logger());
    await client.getJson("/me?$select=id,userPrincipalName", MeSchema, {
      headers: { Authorization: `Bearer ${credentials.accessToken}`, Prefer: graphPreferHeader() },
    });
    return tokens;
  }

  async sync(
    credentials: Credentials,
    lastSyncCursor: string | null,
    options: SyncOptions<O365SettingsInput> = {},
  ): Promise<SyncResult<CanonicalRecord>> {
    assertDpaAccepted(this.name, options.dpaAcceptedAt);
    const settings = parseConnectorSettings(this, options.settings);
    const logger = this.#logger(options.logger);
    const { accessToken, homeAccountId } = parseO365Credentials(credentials);
    const client = this.#clients.get(settings.baseUrl, homeAccountId, logger);
    const requestsBefore = client.stats().requests;
    const step = await syncStep({
      client,
      accessToken,
      settings,
      cursor: parseCursor(lastSyncCursor),
      fullSync: options.fullSync === true,
      now: this.#options.now?.() ?? new Date(),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    return buildSyncPage({
      connectorId: this.id,
      stream: step.stream,
      records: step.records,
      quarantined: step.quarantined,
      cursor: serializeCursor(step.cursor),
      hasMore: step.hasMore,
      requests: client.stats().requests - requestsBefore,
      counts: step.counts,
      notices: step.notices,
      logger,
    });
  }

  getSchema(): FieldMapping[] {
    return o365FieldMappings.map((mapping) => ({ ...mapping }));
  }

  healthCheck(
    credentials: Credentials,
    options: HealthCheckOptions<O365SettingsInput> = {},
  ): Promise<ConnectorHealthStatus> {
    // The DPA gate runs in checkHealth (`requiresDpa`), before any request leaves.
    return checkHealth(this, credentials, options, async ({ settings, request }) => {
      const { accessToken, homeAccountId } = parseO365Credentials(credentials);
      const client = this.#clients.get(settings.baseUrl, homeAccountId, this.#logger());
      await client.getJson("/me?$select=id,userPrincipalName", MeSchema, {
        headers: { Authorization: `Bearer ${accessToken}`, Prefer: graphPreferHeader() },
        ...request,
      });
    });
  }

  #logger(logger?: Logger): Logger {
    return logger ?? this.#options.logger ?? noopLogger;
  }
}
