/**
 * The Fathom connector: meetings become activities, invitees people, external invitee domains accounts, and
 * transcripts/summaries documents stored apart from the activity.
 *
 * `sync` returns one page per call. HTTP clients are kept per (base URL, key, budget) for the connector's lifetime,
 * so pacing state (the client-side window and the server's RateLimit-Remaining/-Reset) carries across pages.
 */
import {
  buildSyncPage,
  checkHealth,
  HttpError,
  isHttpError,
  nextPosition,
  noopLogger,
  parseConnectorSecrets,
  parseConnectorSettings,
  SchemaError,
  VendorClients,
  type AuthenticateResult,
  type CanonicalRecord,
  type Connector,
  type ConnectorConfig,
  type ConnectorHealthStatus,
  type Credentials,
  type FieldMapping,
  type HealthCheckOptions,
  type HttpClient,
  type HttpClientOptions,
  type Logger,
  type RetryPolicy,
  type SyncOptions,
  type SyncResult,
  type WatermarkWindow,
} from "@gtm-clarity/core";
import pkg from "../package.json" with { type: "json" };
import { fathomBudget } from "./budget.js";
import {
  fathomCursor,
  MEETINGS_STREAM,
  readCursorForSync,
  serializeCursor,
  type FathomCursor,
  type FathomCursorState,
} from "./cursor.js";
import { fathomFieldMappings } from "./schema.js";
import {
  FathomSecretsSchema,
  FathomSettingsSchema,
  isHeavy,
  parseFathomApiKey,
  type FathomSettings,
  type FathomSettingsInput,
} from "./settings.js";
import { fetchMeetingsPage, MEETINGS_PAGING, type MeetingsPage, type MeetingsQuery } from "./sync/pull.js";
import { transformMeetingsPage } from "./sync/transform.js";
import { FathomWebhooks } from "./webhook.js";

export const FATHOM_CONNECTOR_ID = "fathom";

/** Fathom's documented budgets: 60 requests per 60 s, 30 per 60 s for "heavy" requests. */
export const FATHOM_RATE_LIMIT = { requests: 60, heavyRequests: 30, windowMs: 60_000 } as const;

export interface FathomRateLimitOverride {
  requests?: number;
  heavyRequests?: number;
  windowMs?: number;
  maxConcurrency?: number;
}

export interface FathomConnectorOptions {
  /** Injected into the HTTP client (tests). */
  fetch?: typeof fetch;
  logger?: Logger;
  /** Overrides Fathom's published budgets (a sandbox with other limits, the benchmark). */
  rateLimit?: FathomRateLimitOverride;
  retry?: RetryPolicy;
  timeoutMs?: number;
  clock?: NonNullable<HttpClientOptions["clock"]>;
}

/** What a call works with: the key from the credentials, the settings from `options.settings`. */
interface Connection {
  apiKey: string;
  settings: FathomSettings;
}

export class FathomConnector implements Connector<CanonicalRecord, FathomSettings> {
  readonly id = FATHOM_CONNECTOR_ID;
  readonly name = "Fathom";
  readonly version: string = pkg.version;
  /** The vendor account a connection draws on, and its documented window (./budget.ts). */
  readonly budget = fathomBudget;
  readonly settingsSchema = FathomSettingsSchema;
  readonly secretsSchema = FathomSecretsSchema;
  readonly webhooks = new FathomWebhooks();

  readonly #options: FathomConnectorOptions;
  /** Per (base URL, key, budget), so pacing state carries across pages and calls. */
  readonly #clients: VendorClients;

  constructor(options: FathomConnectorOptions = {}) {
    this.#options = options;
    const { fetch, retry, timeoutMs, clock } = options;
    const vendor = { name: "fathom", headers: { Accept: "application/json" } };
    this.#clients = new VendorClients(vendor, { fetch, retry, timeoutMs, clock });
  }

  /**
   * Checks `config.secrets.apiKey` with one metadata-only `GET /meetings` and returns `{ apiKey }` as the credentials
   * (secrets only). A 401 becomes a non-retryable AuthError in the client.
   */
  async authenticate(config: ConnectorConfig<FathomSettingsInput>): Promise<AuthenticateResult> {
    const apiKey = parseFathomApiKey(parseConnectorSecrets(this, config.secrets));
    const settings = parseConnectorSettings(this, config.settings);
    await fetchMeetingsPage(this.#client({ apiKey, settings }), {}, null);
    return { credentials: { apiKey } };
  }

  async sync(
    credentials: Credentials,
    lastSyncCursor: string | null,
    options: SyncOptions<FathomSettingsInput> = {},
  ): Promise<SyncResult<CanonicalRecord>> {
    const connection = this.#connection(credentials, options.settings);
    const logger = options.logger ?? this.#options.logger ?? noopLogger;
    const client = this.#client(connection, logger);
    const requestsBefore = client.stats().requests;
    const fullSync = options.fullSync === true;

    const stored = readCursorForSync(lastSyncCursor, fullSync);
    if (stored.discarded) {
      logger.warn("fathom: the stored cursor could not be read; the full sync starts over", {
        connector: this.id,
        reason: stored.discarded.message,
      });
    }
    const cursor = fathomCursor(connection.settings.lookbackMinutes);
    const { window, page } = await this.#readPage(client, cursor, stored.state, connection, fullSync, logger, options.signal);
    const result = transformMeetingsPage(page.items);
    const step = nextPosition(MEETINGS_PAGING, page, window.position);
    const next = cursor.advance(stored.state, window, { next: step.next, seen: result.createdAt });
    return buildSyncPage({
      connectorId: this.id,
      records: result.records,
      documents: result.documents,
      quarantined: result.quarantined,
      cursor: serializeCursor(next.state),
      hasMore: next.hasMore,
      requests: client.stats().requests - requestsBefore,
      logger,
      now: this.#now(),
    });
  }

  getSchema(): FieldMapping[] {
    return fathomFieldMappings.map((mapping) => ({ ...mapping }));
  }

  healthCheck(credentials: Credentials, options: HealthCheckOptions<FathomSettingsInput> = {}): Promise<ConnectorHealthStatus> {
    return checkHealth(this, credentials, options, async ({ settings, request }) => {
      const client = this.#client({ apiKey: parseFathomApiKey(credentials), settings });
      await fetchMeetingsPage(client, {}, null, request.signal);
    });
  }

  /**
   * Fetches the page the cursor points at. A paging position Fathom refuses (e.g. one that expired) fails an
   * incremental run with an error that names the remedy; a full run starts over from the first page instead (the
   * caller passes `fullSync` on every page of a full run, and clears the cursor when one starts).
   */
  async #readPage(
    client: HttpClient,
    cursor: FathomCursor,
    state: FathomCursorState,
    connection: Connection,
    fullSync: boolean,
    logger: Logger,
    signal: AbortSignal | undefined,
  ): Promise<{ window: MeetingsWindow; page: MeetingsPage }> {
    const now = this.#now();
    const window = cursor.begin(state, MEETINGS_STREAM, { fullSync, now });
    try {
      return { window, page: await fetchMeetingsPage(client, queryFor(window, connection), window.position, signal) };
    } catch (error) {
      const refused = window.position;
      const status = refused === null ? undefined : rejectedPagingStatus(error);
      if (status === undefined) throw error;
      if (!fullSync) {
        throw new HttpError(
          `Fathom refused the stored paging position with HTTP ${status} (it may have expired); ` +
            "a full sync (fullSync: true) starts this connection over from scratch",
          status,
          false,
          { cause: error, details: { pageCursorRefused: true } },
        );
      }
      logger.warn("fathom: the stored paging position was refused; the full sync starts over from the first page", {
        connector: this.id,
        status,
      });
      const watermark = state.streams[MEETINGS_STREAM]?.watermark ?? null;
      const cleared = { ...state, streams: { [MEETINGS_STREAM]: { watermark, run: null } } };
      const restarted = cursor.begin(cleared, MEETINGS_STREAM, { fullSync: true, now });
      const page = await fetchMeetingsPage(client, queryFor(restarted, connection), null, signal);
      if (page.nextCursor === refused) {
        throw new SchemaError("Fathom refuses the paging position it hands out: a full sync would loop", [
          { path: "next_cursor", message: "refused when passed back as cursor" },
        ]);
      }
      return { window: restarted, page };
    }
  }

  /** The key from the credentials; the settings from the caller (absent: the schema's defaults). */
  #connection(credentials: Credentials, settings: FathomSettingsInput | undefined): Connection {
    return { apiKey: parseFathomApiKey(credentials), settings: parseConnectorSettings(this, settings) };
  }

  #now(): Date {
    return new Date(this.#options.clock?.now() ?? Date.now());
  }

  #client({ apiKey, settings }: Connection, logger: Logger = this.#options.logger ?? noopLogger): HttpClient {
    const override = this.#options.rateLimit ?? {};
    const requests = isHeavy(settings)
      ? (override.heavyRequests ?? FATHOM_RATE_LIMIT.heavyRequests)
      : (override.requests ?? FATHOM_RATE_LIMIT.requests);
    const windowMs = override.windowMs ?? FATHOM_RATE_LIMIT.windowMs;
    const concurrency = override.maxConcurrency === undefined ? {} : { maxConcurrency: override.maxConcurrency };
    return this.#clients.client(
      {
        baseUrl: settings.baseUrl,
        headers: { "X-Api-Key": apiKey },
        // One key's heavy and light connections have budgets of their own, so clients of their own.
        partition: [`${requests}/${windowMs}`],
        rateLimit: { requests, windowMs, respectHeaders: true, ...concurrency },
      },
      logger,
    );
  }
}

type MeetingsWindow = WatermarkWindow<typeof MEETINGS_STREAM, string>;

/** The listing a window reads: from its `since` (none on a full run), with the content the settings ask for. */
function queryFor(window: MeetingsWindow, { settings }: Connection): MeetingsQuery {
  return {
    createdAfter: window.since,
    includeTranscript: settings.includeTranscript,
    includeSummary: settings.includeSummary,
    includeActionItems: settings.includeActionItems,
    includeCrmMatches: settings.includeCrmMatches,
  };
}

/**
 * The status when Fathom refused a request as invalid (400, 410 Gone, 422). With the run's own filters already
 * accepted on its first page, what changed is the paging position.
 */
function rejectedPagingStatus(error: unknown): number | undefined {
  return isHttpError(error) && [400, 410, 422].includes(error.status) ? error.status : undefined;
}
