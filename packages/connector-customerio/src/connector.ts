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
  checkHealth,
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
} from "@gtm-clarity/core";
import pkg from "../package.json" with { type: "json" };
import { customerioBudget } from "./budget.js";
import { authHeaders, CustomerioSecretsSchema, parseCustomerioCredentials, parseCustomerioSecrets } from "./auth.js";
import { CustomerioClients, type CustomerioClientOptions } from "./client.js";
import { customerioCursor, STREAMS, type CustomerioStream } from "./cursor.js";
import { customerioFieldMappings } from "./schema.js";
import { appApiUrl, CustomerioSettingsSchema, type CustomerioSettings, type CustomerioSettingsInput } from "./settings.js";
import { fetchActivityPage, type ActivityPage } from "./sync/activities.js";
import { activityNext, activityOutcome, HISTORY_NOTICE, type PageOutcome } from "./sync/activity-page.js";
import { fetchPeoplePage, type PeoplePage } from "./sync/people.js";
import { transformCustomer } from "./transform/person.js";
import { quarantine } from "./transform/record.js";
import { CustomerioWebhooks } from "./webhook.js";

export { HISTORY_NOTICE };

export const CUSTOMERIO_CONNECTOR_ID = "customerio";

/**
 * Log pages per `sync` call: each is requested while the one before is transformed, so the pull keeps close to the
 * App API's 10 requests per second; 10 pages (1,000 entries) stay a small unit of work to commit.
 */
export const LOG_PAGES_PER_SYNC = 10;

export interface CustomerioConnectorOptions extends CustomerioClientOptions {
  logger?: Logger;
}


export class CustomerioConnector implements Connector<CanonicalRecord, CustomerioSettings> {
  readonly id = CUSTOMERIO_CONNECTOR_ID;
  readonly name = "Customer.io";
  readonly version: string = pkg.version;
  /** The vendor account a connection draws on, and its documented window (./budget.ts). */
  readonly budget = customerioBudget;
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
    const signal = options.signal === undefined ? {} : { signal: options.signal };
    const now = new Date();
    let state = customerioCursor.parse(lastSyncCursor);
    const records: CanonicalRecord[] = [];
    const quarantined: QuarantinedRecord[] = [];
    const counts: Record<string, number> = {};
    const notices = new Set<string>();
    // The next log page, requested while the current one is transformed (the pacer still spaces the requests).
    let prefetched: { start: string | null; page: Promise<ActivityPage> } | undefined;
    let logPages = 0;
    for (;;) {
      const stream = prefetched === undefined ? customerioCursor.nextStream(state, enabled) : "activities";
      const window = customerioCursor.begin(state, stream, { fullSync: options.fullSync === true, now });
      let page: PageOutcome;
      if (stream === "activities") {
        const pending = prefetched?.start === window.position ? prefetched.page : fetchActivityPage(client, window.position, signal);
        prefetched = undefined;
        const fetched = await pending;
        const next = activityNext(fetched, window);
        logPages += 1;
        if (next !== null && logPages < LOG_PAGES_PER_SYNC) {
          prefetched = { start: next, page: fetchActivityPage(client, next, signal) };
          // Awaited on the next turn; until then a failure must not count as unhandled.
          prefetched.page.catch(() => undefined);
        }
        page = await activityOutcome(fetched, window, next);
      } else {
        const fetched = await fetchPeoplePage(client, window.position, { segmentId: settings.peopleSegmentId, ...signal });
        // The last people page hands over to the log: its first page is requested while the people are transformed.
        if (fetched.next === null && enabled.includes("activities") && !state.pass.done.includes("activities")) {
          const start = customerioCursor.begin(state, "activities", { fullSync: options.fullSync === true, now }).position;
          prefetched = { start, page: fetchActivityPage(client, start, signal) };
          prefetched.page.catch(() => undefined);
        }
        page = peopleOutcome(fetched);
      }
      for (const result of page.results) {
        if (result.ok) records.push(result.record);
        else quarantined.push(result.quarantined);
      }
      for (const [name, value] of Object.entries(page.counts)) counts[name] = (counts[name] ?? 0) + value;
      for (const notice of page.notices) notices.add(notice);
      const step = customerioCursor.advance(state, window, { next: page.next, seen: page.seen, enabled });
      state = step.state;
      // More pages in this stream: the next call's, unless the next log page is already on its way. A stream that
      // just ended hands over to the next one.
      if (!step.hasMore || (page.next !== null && prefetched === undefined)) {
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

  getSchema(): FieldMapping[] {
    return customerioFieldMappings.map((mapping) => ({ ...mapping }));
  }

  healthCheck(
    credentials: Credentials,
    options: HealthCheckOptions<CustomerioSettingsInput> = {},
  ): Promise<ConnectorHealthStatus> {
    return checkHealth(this, credentials, options, async ({ settings, request }) => {
      await fetchActivityPage(this.#client(credentials, settings), null, { limit: 1, ...request });
    });
  }

  #client(credentials: Credentials, settings: CustomerioSettings, logger: Logger = this.#options.logger ?? noopLogger): HttpClient {
    return this.#clients.get(appApiUrl(settings), authHeaders(parseCustomerioCredentials(credentials)), logger);
  }
}

function peopleOutcome(page: PeoplePage): PageOutcome {
  const results = [
    ...page.customers.map((customer) => transformCustomer(customer)),
    ...page.unreadable.map((raw) =>
      quarantine(raw, [{ path: "identifiers", message: "the search returned a person with neither id nor cio_id" }]),
    ),
  ];
  return { results, next: page.next, seen: [], counts: { "people.read": page.customers.length }, notices: [] };
}
