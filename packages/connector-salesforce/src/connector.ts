/**
 * The Salesforce connector. `sync` returns one page per call: one `nextRecordsUrl` page of one object (Account,
 * Contact, Lead, Opportunity, Task, Event, as the settings choose), read with `queryAll` from the object's watermark,
 * run through the quality pipeline. Objects take turns; the cursor holds a watermark per object.
 *
 * Auth is the OAuth web-server flow (`auth/oauth-flow.ts`); the credentials hold the tokens and the org's instance
 * URL, which every REST call goes to. A 401 `INVALID_SESSION_ID` is an AuthError: the worker refreshes under the
 * connection's lock and runs the page again, once (Salesforce's token response says nothing about expiry).
 */
import { buildSyncPage, checkHealth, noopLogger, parseConnectorSettings } from "@gtm-clarity/core";
import type {
  AuthenticateResult,
  CanonicalRecord,
  Connector,
  ConnectorConfig,
  ConnectorHealthStatus,
  Credentials,
  FieldMapping,
  HealthCheckOptions,
  HealthProbeContext,
  HttpClient,
  Logger,
  QuarantinedRecord,
  SyncOptions,
  SyncResult,
  WritebackCapability,
  WritebackOptions,
  WritebackResult,
  WatermarkWindow,
} from "@gtm-clarity/core";
import { ConfigError } from "@gtm-clarity/core";
import { z } from "zod";
import pkg from "../package.json" with { type: "json" };
import { salesforceBudget } from "./budget.js";
import { trustedOrigin } from "./auth/hosts.js";
import { SalesforceOAuth, type SalesforceOAuthOptions } from "./auth/oauth-flow.js";
import { parseSalesforceCredentials, type SalesforceCredentials } from "./auth/oauth.js";
import { SalesforceClients, type SalesforceClientOptions } from "./client.js";
import { salesforceCursor } from "./cursor.js";
import { ApiUsageTracker } from "./limits.js";
import { salesforceFieldMappings } from "./mappings.js";
import { normaliseEmail } from "./quality/normalise.js";
import { processPage, type PageContext } from "./quality/pipeline.js";
import { SalesforceSettingsSchema, type SalesforceSettings, type SalesforceSettingsInput } from "./settings.js";
import type { SObjectName } from "./objects/index.js";
import { BATCH_SIZE, continueQuery, contactsByEmail, isExpiredLocator, startQuery, type ObjectPage } from "./sync/pull.js";
import { pushRecords, type PushStats } from "./writeback/push.js";

export const SALESFORCE_CONNECTOR_ID = "salesforce";

export interface SalesforceConnectorOptions extends SalesforceClientOptions {
  logger?: Logger;
  /** The OAuth client; by default configured from the environment (`SALESFORCE_CLIENT_ID`, ...). */
  oauth?: SalesforceOAuthOptions;
  /** Origins besides Salesforce's own and loopback that may receive the access token. */
  allowedOrigins?: readonly string[];
  /** Clock for the API-usage readings (tests). */
  now?: () => number;
  /** Waits between writeback lock retries (tests). */
  sleep?: (ms: number) => Promise<void>;
}

/** `GET /limits`: the cheapest authenticated call, and the org's own view of its daily allocation. */
const LimitsSchema = z.object({
  DailyApiRequests: z.object({ Max: z.number(), Remaining: z.number() }).optional(),
});

export class SalesforceConnector implements Connector<CanonicalRecord, SalesforceSettings> {
  readonly id = SALESFORCE_CONNECTOR_ID;
  readonly name = "Salesforce";
  readonly version: string = pkg.version;
  /** The vendor account a connection draws on, and its documented window (./budget.ts). */
  readonly budget = salesforceBudget;
  readonly settingsSchema = SalesforceSettingsSchema;
  readonly oauth: SalesforceOAuth;
  readonly writeback: WritebackCapability<SalesforceSettings>;
  /** Calls and lock retries of every writeback push (the benchmark reads them). */
  readonly pushStats: PushStats = { calls: 0, lockRetries: 0 };

  readonly #options: SalesforceConnectorOptions;
  readonly #clients: SalesforceClients;

  constructor(options: SalesforceConnectorOptions = {}) {
    this.#options = options;
    this.#clients = new SalesforceClients(options, new ApiUsageTracker(options.now));
    this.oauth = new SalesforceOAuth({
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      ...(options.allowedOrigins === undefined ? {} : { allowedOrigins: options.allowedOrigins }),
      ...options.oauth,
    });
    this.writeback = { push: (credentials, records, pushOptions) => this.#push(credentials, records, pushOptions) };
  }

  /** The org's API usage as its last response reported it (`Sforce-Limit-Info`). */
  apiUsage(credentials: Credentials): { used: number; max: number } | undefined {
    return this.#clients.usage.get(this.#origin(parseSalesforceCredentials(credentials)));
  }

  /**
   * `config.secrets` are the tokens `oauth.exchangeCode` returned. They are refreshed (proving the refresh token
   * works) and checked with one REST call; the result is what the store keeps.
   */
  async authenticate(config: ConnectorConfig<SalesforceSettingsInput>): Promise<AuthenticateResult> {
    const settings = parseConnectorSettings(this, config.settings);
    if (config.secrets === undefined) {
      throw new ConfigError("Salesforce connects through its OAuth flow: pass the tokens exchangeCode returned");
    }
    const tokens = await this.oauth.refresh(config.secrets);
    const merged = { ...config.secrets, ...tokens.credentials };
    await this.#rest(parseSalesforceCredentials(merged), settings).getJson("limits", LimitsSchema);
    return { credentials: merged };
  }

  /** Revokes the connection's refresh token at Salesforce (every access token issued from it dies with it). */
  async disconnect(credentials: Credentials): Promise<void> {
    await this.oauth.revoke(credentials);
  }

  async sync(
    credentials: Credentials,
    lastSyncCursor: string | null,
    options: SyncOptions<SalesforceSettingsInput> = {},
  ): Promise<SyncResult<CanonicalRecord>> {
    const settings = parseConnectorSettings(this, options.settings);
    const logger = options.logger ?? this.#options.logger ?? noopLogger;
    const parsed = parseSalesforceCredentials(credentials);
    const client = this.#rest(parsed, settings, logger);
    // Before any request: a run that reached its share of the org's allocation pauses (retryable, with the wait).
    this.#clients.usage.assertWithinShare(this.#origin(parsed), settings.apiShareLimit);
    const requestsBefore = client.stats().requests;

    let state = salesforceCursor.parse(lastSyncCursor);
    const now = new Date();
    const records: CanonicalRecord[] = [];
    const quarantined: QuarantinedRecord[] = [];
    const counts: Record<string, number> = {};
    const objects: SObjectName[] = [];
    for (;;) {
      const object = salesforceCursor.nextStream(state, settings.objects);
      const window = salesforceCursor.begin(state, object, { fullSync: options.fullSync === true, now });
      const page = await this.#readPage(client, state, window, logger, options.signal);
      const context: PageContext = {};
      if (object === "Lead" && settings.leadContactMatching) {
        context.contactEmails = await contactsByEmail(client, leadEmails(page.records), options.signal);
      }
      const processed = processPage(object, page.records, context);
      records.push(...processed.records);
      quarantined.push(...processed.quarantined);
      for (const [name, value] of Object.entries(processed.counts)) counts[name] = (counts[name] ?? 0) + value;
      objects.push(object);
      const step = salesforceCursor.advance(state, window, { next: page.next, seen: processed.seen, enabled: settings.objects });
      state = step.state;
      // A page is one query page. An object whose run ended on its first page hands over to the next object in the
      // same call, so an incremental sync with nothing to do is one call of one query per object; a page with more
      // behind it, a full batch already read, or the org's API share reached ends this call (what was read is kept;
      // the next call pauses before any request).
      const overShare = !this.#clients.usage.withinShare(this.#origin(parsed), settings.apiShareLimit);
      if (!step.hasMore || page.next !== null || !page.fresh || records.length >= BATCH_SIZE || overShare) {
        return buildSyncPage({
          connectorId: this.id,
          stream: objects.join(","),
          records,
          quarantined,
          cursor: salesforceCursor.serialize(state),
          hasMore: step.hasMore,
          requests: client.stats().requests - requestsBefore,
          counts,
          logger,
        });
      }
    }
  }

  /** The page at the window's position: a new `queryAll`, the next locator, or (expired locator) a resumed query. */
  async #readPage(
    client: HttpClient,
    state: ReturnType<typeof salesforceCursor.parse>,
    window: WatermarkWindow<SObjectName, string>,
    logger: Logger,
    signal: AbortSignal | undefined,
  ): Promise<ObjectPage & { fresh: boolean }> {
    const object = window.stream;
    if (window.position === null) return { ...(await startQuery(client, object, window.watermark, signal)), fresh: true };
    try {
      return { ...(await continueQuery(client, window.position, signal)), fresh: false };
    } catch (error) {
      if (!isExpiredLocator(error)) throw error;
      // The locator expired (the run paused too long): query again from the last record this run read.
      const resumeFrom = state.streams[object]?.run?.highWater ?? window.watermark;
      logger.warn("salesforce: query locator expired; resuming the run from its last record", { object });
      return { ...(await startQuery(client, object, resumeFrom, signal)), fresh: false };
    }
  }

  getSchema(): FieldMapping[] {
    return salesforceFieldMappings.map((mapping) => ({ ...mapping }));
  }

  healthCheck(
    credentials: Credentials,
    options: HealthCheckOptions<SalesforceSettingsInput> = {},
  ): Promise<ConnectorHealthStatus> {
    const probe = async ({ settings, request }: HealthProbeContext<SalesforceSettings>): Promise<void> => {
      await this.#rest(parseSalesforceCredentials(credentials), settings).getJson("limits", LimitsSchema, request);
    };
    // Credential values are scrubbed from 8 characters up, the threshold this connector has always used.
    return checkHealth(this, credentials, options, probe, { minSecretLength: 8 });
  }

  async #push(
    credentials: Credentials,
    records: CanonicalRecord[],
    options: WritebackOptions<SalesforceSettings> = {},
  ): Promise<WritebackResult[]> {
    const settings = parseConnectorSettings(this, options.settings);
    const parsed = parseSalesforceCredentials(credentials);
    const client = this.#rest(parsed, settings, options.logger ?? this.#options.logger ?? noopLogger);
    const origin = this.#origin(parsed);
    return pushRecords(
      client,
      records,
      {
        externalIdField: settings.externalIdField,
        signal: options.signal,
        beforeCall: () => this.#clients.usage.assertWithinShare(origin, settings.apiShareLimit),
        ...(this.#options.sleep === undefined ? {} : { sleep: this.#options.sleep }),
      },
      this.pushStats,
    );
  }

  #origin(credentials: SalesforceCredentials): string {
    return trustedOrigin(credentials.instanceUrl, "instance URL", this.#options.allowedOrigins);
  }

  #rest(credentials: SalesforceCredentials, settings: SalesforceSettings, logger?: Logger): HttpClient {
    const origin = this.#origin(credentials);
    return this.#clients.rest(origin, settings.apiVersion, credentials.accessToken, logger ?? this.#options.logger ?? noopLogger);
  }
}

/** Emails worth a Contact lookup: of Leads neither converted (they link to their Contact already) nor deleted. */
function leadEmails(records: readonly unknown[]): string[] {
  const emails: string[] = [];
  for (const raw of records) {
    const lead = raw !== null && typeof raw === "object" ? (raw as Record<string, unknown>) : {};
    if (lead["IsConverted"] === true || lead["IsDeleted"] === true) continue;
    const value = lead["Email"];
    const email = typeof value === "string" ? normaliseEmail(value).value : undefined;
    if (email !== undefined) emails.push(email);
  }
  return emails;
}
