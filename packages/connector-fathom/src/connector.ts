/**
 * The Fathom connector: meetings become activities, invitees people, external invitee domains accounts, and
 * transcripts/summaries documents stored apart from the activity.
 *
 * `sync` returns one page per call. HTTP clients are kept per (base URL, key, budget) for the connector's lifetime,
 * so pacing state (the client-side window and the server's RateLimit-Remaining/-Reset) carries across pages.
 */
import {
  HttpError,
  SchemaError,
  parseConnectorSecrets,
  parseConnectorSettings,
  createHttpClient,
  createHttpClientPool,
  isHttpError,
  noopLogger,
  type AuthenticateResult,
  type CanonicalRecord,
  type Connector,
  type ConnectorConfig,
  type ConnectorDocument,
  type ConnectorHealthStatus,
  type Credentials,
  type FieldMapping,
  type HealthCheckOptions,
  type HttpClient,
  type HttpClientOptions,
  type Logger,
  type QuarantinedRecord,
  type RetryPolicy,
  type SyncOptions,
  type SyncResult,
} from "@gtm-clarity/core";
import pkg from "../package.json" with { type: "json" };
import { legacyCredentials, readLegacyConfig, settingsFromLegacyCredentials } from "./legacy.js";
import {
  FathomSecretsSchema,
  FathomSettingsSchema,
  isHeavy,
  parseFathomApiKey,
  type FathomSettings,
  type FathomSettingsInput,
} from "./settings.js";
import { MeetingSchema } from "./api-schema.js";
import {
  createdAfterFor,
  laterOf,
  readCursorForSync,
  serializeCursor,
  type CursorState,
  type PagingCursor,
} from "./cursor.js";
import { fathomFieldMappings } from "./schema.js";
import { fetchMeetingsPage, type MeetingsPage, type MeetingsQuery } from "./sync/pull.js";
import { dedupeRecords, transformRawMeeting } from "./sync/transform.js";
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
  readonly settingsSchema = FathomSettingsSchema;
  readonly secretsSchema = FathomSecretsSchema;
  readonly webhooks = new FathomWebhooks();

  readonly #options: FathomConnectorOptions;
  /** Per (base URL, key, budget), so pacing state carries across pages and calls. */
  readonly #clients = createHttpClientPool();

  constructor(options: FathomConnectorOptions = {}) {
    this.#options = options;
  }

  /**
   * Checks `config.secrets.apiKey` with one metadata-only `GET /meetings` and returns `{ apiKey }` as the credentials
   * (secrets only). A 401 becomes a non-retryable AuthError in the client.
   */
  async authenticate(config: ConnectorConfig<FathomSettingsInput>): Promise<AuthenticateResult> {
    if (config.secrets === undefined) {
      // legacy (src/legacy.ts): the key encrypted in settings, the settings carried in the credentials.
      const { apiKey, settings } = readLegacyConfig(config);
      await fetchMeetingsPage(this.#client({ apiKey, settings }), {}, null);
      return { credentials: legacyCredentials(apiKey, settings) };
    }
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
    const creds = this.#connection(credentials, options.settings);
    const logger = options.logger ?? this.#options.logger ?? noopLogger;
    const client = this.#client(creds, logger);
    const requestsBefore = client.stats().requests;
    const fullSync = options.fullSync === true;

    const stored = readCursorForSync(lastSyncCursor, fullSync);
    if (stored.discarded) {
      logger.warn("fathom: the stored cursor could not be read; the full sync starts over", {
        connector: this.id,
        reason: stored.discarded.message,
      });
    }
    const { run, page } = await this.#readPage(client, stored.state, creds, fullSync, logger, options.signal);

    const records: CanonicalRecord[] = [];
    const documents: ConnectorDocument[] = [];
    const quarantined: QuarantinedRecord[] = [];
    let highWater = run.highWater;
    for (const item of page.items) {
      const result = transformRawMeeting(item);
      records.push(...result.records);
      documents.push(...result.documents);
      quarantined.push(...result.quarantined);
      const createdAt = createdAtOf(item);
      if (createdAt !== undefined) highWater = laterOf(highWater, createdAt);
    }

    const next: CursorState =
      page.nextCursor === null
        ? { v: 1, phase: "idle", watermark: laterOf(run.watermark, highWater) }
        : {
            v: 1,
            phase: "paging",
            watermark: run.watermark,
            createdAfter: run.createdAfter,
            pageCursor: page.nextCursor,
            highWater,
          };
    const unique = dedupeRecords(records);
    const requests = client.stats().requests - requestsBefore;
    logger.info("fathom: synced a page of meetings", {
      connector: this.id,
      meetings: page.items.length,
      records: unique.length,
      documents: documents.length,
      quarantined: quarantined.length,
      incremental: run.createdAfter !== null,
      hasMore: next.phase === "paging",
      requests,
    });
    if (quarantined.length > 0) {
      logger.warn("fathom: quarantined malformed records", {
        connector: this.id,
        externalIds: quarantined.map((item) => item.externalId ?? null),
      });
    }
    return {
      records: unique,
      cursor: serializeCursor(next),
      hasMore: next.phase === "paging",
      syncedAt: new Date(this.#options.clock?.now() ?? Date.now()),
      stats: { created: unique.length, updated: 0, errors: quarantined.length, requests },
      documents,
      quarantined,
    };
  }

  getSchema(): FieldMapping[] {
    return fathomFieldMappings.map((mapping) => ({ ...mapping }));
  }

  async healthCheck(credentials: Credentials, options: HealthCheckOptions<FathomSettingsInput> = {}): Promise<ConnectorHealthStatus> {
    const started = Date.now();
    try {
      const creds = this.#connection(credentials, options.settings);
      await fetchMeetingsPage(this.#client(creds), {}, null, options.signal);
      return { healthy: true, lastSync: null, latencyMs: Date.now() - started };
    } catch (error) {
      return { healthy: false, lastSync: null, latencyMs: Date.now() - started, error: describeError(error, credentials) };
    }
  }

  /**
   * Fetches the page the cursor points at. A paging position Fathom refuses (e.g. one that expired) fails an
   * incremental run with an error that names the remedy; a full run starts over from the first page instead.
   */
  /** The key from the credentials, and the settings: the caller's, else (legacy) those inside the credentials. */
  #connection(credentials: Credentials, settings: FathomSettingsInput | undefined): Connection {
    const apiKey = parseFathomApiKey(credentials);
    if (settings === undefined) return { apiKey, settings: settingsFromLegacyCredentials(credentials) }; // legacy
    return { apiKey, settings: parseConnectorSettings(this, settings) };
  }

  async #readPage(
    client: HttpClient,
    state: CursorState,
    creds: Connection,
    fullSync: boolean,
    logger: Logger,
    signal: AbortSignal | undefined,
  ): Promise<{ run: RunState; page: MeetingsPage }> {
    const run = this.#startOrResume(state, creds, fullSync);
    try {
      return { run, page: await fetchMeetingsPage(client, this.#query(run, creds), run.pageCursor, signal) };
    } catch (error) {
      const refused = run.pageCursor;
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
      // A full sync reads everything anyway: start the run over rather than stay stuck on a dead position.
      logger.warn("fathom: the stored paging position was refused; the full sync starts over from the first page", {
        connector: this.id,
        status,
      });
      const restarted = this.#startOrResume({ v: 1, phase: "idle", watermark: run.watermark }, creds, true);
      const page = await fetchMeetingsPage(client, this.#query(restarted, creds), null, signal);
      if (page.nextCursor === refused) {
        throw new SchemaError("Fathom refuses the paging position it hands out: a full sync would loop", [
          { path: "next_cursor", message: "refused when passed back as cursor" },
        ]);
      }
      return { run: restarted, page };
    }
  }

  #query(run: { createdAfter: string | null }, { settings }: Connection): MeetingsQuery {
    return {
      createdAfter: run.createdAfter,
      includeTranscript: settings.includeTranscript,
      includeSummary: settings.includeSummary,
      includeActionItems: settings.includeActionItems,
      includeCrmMatches: settings.includeCrmMatches,
    };
  }

  /**
   * Continues the run in the cursor, or starts one: full from nothing, incremental from the watermark.
   *
   * `fullSync` means "ignore the incremental watermark": it restarts an idle cursor or an incremental run's paging
   * position, but continues a full run's own paging position, because the caller passes `fullSync` on every page of
   * a full run together with the cursor the previous page committed (ignoring that would read page one forever).
   * A full run's stale position is cleared by the caller at the start of a run (the worker stores a null cursor),
   * and, if Fathom refuses it anyway, `sync` starts the full run over.
   */
  #startOrResume(state: CursorState, creds: Connection, fullSync: boolean): RunState {
    const restartAsFull = fullSync && (state.phase === "idle" || state.createdAfter !== null);
    if (state.phase === "paging" && !restartAsFull) return state;
    return {
      v: 1,
      phase: "paging",
      watermark: state.watermark,
      createdAfter: fullSync ? null : createdAfterFor(state.watermark, creds.settings.lookbackMinutes * 60_000),
      pageCursor: null,
      highWater: null,
    };
  }

  #client({ apiKey, settings }: Connection, logger: Logger = this.#options.logger ?? noopLogger): HttpClient {
    const override = this.#options.rateLimit ?? {};
    const requests = isHeavy(settings)
      ? (override.heavyRequests ?? FATHOM_RATE_LIMIT.heavyRequests)
      : (override.requests ?? FATHOM_RATE_LIMIT.requests);
    const windowMs = override.windowMs ?? FATHOM_RATE_LIMIT.windowMs;
    return this.#clients.get([settings.baseUrl, apiKey, `${requests}/${windowMs}`], logger, (log) =>
      createHttpClient({
        name: "fathom",
        baseUrl: settings.baseUrl,
        headers: { "X-Api-Key": apiKey, Accept: "application/json" },
        rateLimit: {
          requests,
          windowMs,
          respectHeaders: true,
          ...(override.maxConcurrency === undefined ? {} : { maxConcurrency: override.maxConcurrency }),
        },
        logger: log,
        ...(this.#options.fetch === undefined ? {} : { fetch: this.#options.fetch }),
        ...(this.#options.retry === undefined ? {} : { retry: this.#options.retry }),
        ...(this.#options.timeoutMs === undefined ? {} : { timeoutMs: this.#options.timeoutMs }),
        ...(this.#options.clock === undefined ? {} : { clock: this.#options.clock }),
      }),
    );
  }
}

/** A run in progress: a paging cursor whose first page (`pageCursor: null`) may not have been read yet. */
type RunState = Omit<PagingCursor, "pageCursor"> & { pageCursor: string | null };

/**
 * The status when Fathom refused a request as invalid (400, 410 Gone, 422). With the run's own filters already
 * accepted on its first page, what changed is the paging position.
 */
function rejectedPagingStatus(error: unknown): number | undefined {
  return isHttpError(error) && [400, 410, 422].includes(error.status) ? error.status : undefined;
}

/** The `created_at` of a page item, if it is a valid meeting's (malformed ones do not move the watermark). */
function createdAtOf(item: unknown): string | undefined {
  const parsed = MeetingSchema.safeParse(item);
  return parsed.success ? (parsed.data.created_at ?? undefined) : undefined;
}

/** An error as one line for a health status, with the key scrubbed even if some layer echoed it. */
function describeError(error: unknown, credentials: Credentials): string {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : "unknown error";
  const apiKey = credentials["apiKey"];
  return apiKey && apiKey.length >= 4 ? message.split(apiKey).join("[redacted]") : message;
}
