/**
 * The Customer.io connector: reporting webhooks (`webhook.ts`) and the App API pull (`sync`), which produce the same
 * record for the same message event (see transform/message-event.ts).
 *
 * `sync` returns one page per call: one page of the current stream and, when that page ends the stream, the first page
 * of the next, so an incremental sync with little to do finishes in one call. A first (or full) run of the activity
 * stream says in its stats that the API only keeps about 30 days of history.
 */
import {
  buildSyncPage,
  noopLogger,
  parseConnectorSettings,
  type AuthenticateResult,
  type CanonicalRecord,
  type Connector,
  type ConnectorConfig,
  type ConnectorHealthStatus,
  type Credentials,
  type FieldMapping,
  type HealthCheckOptions,
  type HttpClient,
  type Logger,
  type QuarantinedRecord,
  type SyncOptions,
  type SyncResult,
  type WatermarkWindow,
} from "@gtm-clarity/core";
import pkg from "../package.json" with { type: "json" };
import { authHeaders, CustomerioSecretsSchema, parseCustomerioCredentials, parseCustomerioSecrets } from "./auth.js";
import { CustomerioClients, type CustomerioClientOptions } from "./client.js";
import { customerioCursor, STREAMS, type CustomerioStream } from "./cursor.js";
import { customerioFieldMappings } from "./schema.js";
import { appApiUrl, CustomerioSettingsSchema, type CustomerioSettings, type CustomerioSettingsInput } from "./settings.js";
import { activityTimestamp, fetchActivityPage } from "./sync/activities.js";
import { fetchPeoplePage } from "./sync/people.js";
import { transformActivity } from "./transform/activity.js";
import { transformCustomer } from "./transform/person.js";
import { quarantine, type TransformResult } from "./transform/record.js";
import { CustomerioWebhooks } from "./webhook.js";

export const CUSTOMERIO_CONNECTOR_ID = "customerio";

/** Shown once per run whose activity stream starts from nothing (a first sync, or a full resync). */
export const HISTORY_NOTICE =
  "Customer.io's App API keeps about 30 days of activity history: this sync backfilled what the API still holds; " +
  "older activity cannot be pulled (reporting webhooks deliver everything from now on).";

export interface CustomerioConnectorOptions extends CustomerioClientOptions {
  logger?: Logger;
}

interface PageOutcome {
  results: TransformResult[];
  next: string | null;
  seen: { at: Date; id: string | null }[];
  counts: Record<string, number>;
  notices: string[];
}

type Window = WatermarkWindow<CustomerioStream, string>;

export class CustomerioConnector implements Connector<CanonicalRecord, CustomerioSettings> {
  readonly id = CUSTOMERIO_CONNECTOR_ID;
  readonly name = "Customer.io";
  readonly version: string = pkg.version;
  readonly settingsSchema = CustomerioSettingsSchema;
  readonly secretsSchema = CustomerioSecretsSchema;
  readonly webhooks = new CustomerioWebhooks();

  readonly #options: CustomerioConnectorOptions;
  readonly #clients: CustomerioClients;

  constructor(options: CustomerioConnectorOptions = {}) {
    this.#options = options;
    this.#clients = new CustomerioClients(options);
  }

  /** Checks the App API key with the cheapest authenticated read (one activity); a 401 is an AuthError. */
  async authenticate(config: ConnectorConfig<CustomerioSettingsInput>): Promise<AuthenticateResult> {
    const settings = parseConnectorSettings(this, config.settings);
    const credentials = parseCustomerioSecrets(config.secrets);
    await fetchActivityPage(this.#client(credentials, settings), null, { limit: 1 });
    return { credentials };
  }

  async sync(
    credentials: Credentials,
    lastSyncCursor: string | null,
    options: SyncOptions<CustomerioSettingsInput> = {},
  ): Promise<SyncResult<CanonicalRecord>> {
    const settings = parseConnectorSettings(this, options.settings);
    const logger = options.logger ?? this.#options.logger ?? noopLogger;
    const client = this.#client(credentials, settings, logger);
    const enabled: CustomerioStream[] = settings.syncPeople ? [...STREAMS] : ["activities"];
    const requestsBefore = client.stats().requests;
    const now = new Date();
    let state = customerioCursor.parse(lastSyncCursor);
    const records: CanonicalRecord[] = [];
    const quarantined: QuarantinedRecord[] = [];
    const counts: Record<string, number> = {};
    const notices = new Set<string>();
    for (;;) {
      const stream = customerioCursor.nextStream(state, enabled);
      const window = customerioCursor.begin(state, stream, { fullSync: options.fullSync === true, now });
      const page =
        stream === "activities"
          ? await this.#activityPage(client, window, options.signal)
          : await this.#peoplePage(client, window, settings, options.signal);
      for (const result of page.results) {
        if (result.ok) records.push(result.record);
        else quarantined.push(result.quarantined);
      }
      for (const [name, value] of Object.entries(page.counts)) counts[name] = (counts[name] ?? 0) + value;
      for (const notice of page.notices) notices.add(notice);
      const step = customerioCursor.advance(state, window, { next: page.next, seen: page.seen, enabled });
      state = step.state;
      // More pages in this stream: the next call's. A stream that just ended hands over to the next one.
      if (!step.hasMore || page.next !== null) {
        return buildSyncPage({
          connectorId: this.id,
          records,
          quarantined,
          cursor: customerioCursor.serialize(state),
          hasMore: step.hasMore,
          requests: client.stats().requests - requestsBefore,
          counts,
          notices: [...notices],
          logger,
        });
      }
    }
  }

  async #activityPage(client: HttpClient, window: Window, signal: AbortSignal | undefined): Promise<PageOutcome> {
    const page = await fetchActivityPage(client, window.position, signal === undefined ? {} : { signal });
    const sinceSeconds = window.since === null ? undefined : Date.parse(window.since) / 1000;
    const results: TransformResult[] = [];
    const seen: PageOutcome["seen"] = [];
    let passedWatermark = false;
    let oldest: number | undefined;
    for (const item of page.items) {
      const timestamp = activityTimestamp(item);
      if (timestamp !== undefined) {
        // Newest first: an entry older than the window means everything after it was read by an earlier run.
        if (sinceSeconds !== undefined && timestamp < sinceSeconds) {
          passedWatermark = true;
          continue;
        }
        oldest = Math.min(oldest ?? timestamp, timestamp);
        seen.push({ at: new Date(timestamp * 1000), id: null });
      }
      results.push(transformActivity(item));
    }
    const next = passedWatermark ? null : page.next;
    const backfill = window.watermark === null;
    const counts: Record<string, number> = { "activities.read": results.length };
    if (backfill) counts["backfill.activities"] = results.length;
    // The log is newest first, so the last page of a backfill holds its oldest entry: how far back history went.
    if (backfill && next === null && oldest !== undefined) {
      counts["backfill.days"] = Math.ceil((Date.parse(window.until) / 1000 - oldest) / 86_400);
    }
    return { results, next, seen, counts, notices: backfill ? [HISTORY_NOTICE] : [] };
  }

  async #peoplePage(
    client: HttpClient,
    window: Window,
    settings: CustomerioSettings,
    signal: AbortSignal | undefined,
  ): Promise<PageOutcome> {
    const page = await fetchPeoplePage(client, window.position, {
      segmentId: settings.peopleSegmentId,
      ...(signal === undefined ? {} : { signal }),
    });
    const results = [
      ...page.customers.map((customer) => transformCustomer(customer)),
      ...page.unreadable.map((raw) =>
        quarantine(raw, [{ path: "identifiers", message: "the search returned a person with neither id nor cio_id" }]),
      ),
    ];
    return { results, next: page.next, seen: [], counts: { "people.read": page.customers.length }, notices: [] };
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
      const signal = options.signal === undefined ? {} : { signal: options.signal };
      await fetchActivityPage(this.#client(credentials, settings), null, { limit: 1, ...signal });
      return { healthy: true, lastSync: null, latencyMs: Date.now() - started };
    } catch (error) {
      return { healthy: false, lastSync: null, latencyMs: Date.now() - started, error: describeError(error, credentials) };
    }
  }

  #client(credentials: Credentials, settings: CustomerioSettings, logger: Logger = this.#options.logger ?? noopLogger): HttpClient {
    return this.#clients.get(appApiUrl(settings), authHeaders(parseCustomerioCredentials(credentials)), logger);
  }
}

/** An error as one line for a health status, every credential value scrubbed even if a server echoed it. */
function describeError(error: unknown, credentials: Credentials): string {
  let message = error instanceof Error ? `${error.name}: ${error.message}` : "unknown error";
  for (const value of Object.values(credentials)) {
    if (value.length >= 4) message = message.split(value).join("[redacted]");
  }
  return message;
}
