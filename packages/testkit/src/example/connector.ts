/**
 * The example connector: a small but complete API-key connector used to prove the conformance suite passes on a
 * correct connector, and to drive the demo. Real connectors follow the same shape.
 *
 * One `sync` call fetches one API page of one stream (accounts, then people, then activities). The cursor carries
 * the position inside the current run plus one `updated_after` watermark per stream, so the next run only asks for
 * what changed. A stream page that comes back empty and last does not end the call: the next stream is fetched in
 * the same call, so an incremental sync with nothing new finishes in one page.
 */
import {
  ConfigError,
  createHttpClient,
  decryptApiKey,
  isAuthError,
  isConnectorError,
  noopLogger,
  validateCanonicalRecord,
  type AnyCanonical,
  type AuthenticateResult,
  type CanonicalRecordInput,
  type Connector,
  type ConnectorConfig,
  type ConnectorHealthStatus,
  type Credentials,
  type FieldMapping,
  type HttpClient,
  type Logger,
  type QuarantinedRecord,
  type RetryPolicy,
  type SyncOptions,
  type SyncResult,
} from "@gtm-clarity/core";
import { z } from "zod";
import packageJson from "../../package.json" with { type: "json" };
import {
  EXAMPLE_STREAMS,
  ExampleMeSchema,
  ExamplePageSchemas,
  type ExampleAccount,
  type ExampleActivity,
  type ExamplePerson,
  type ExampleStream,
} from "./api.js";
import { exampleFieldMappings } from "./schema.js";
import { transformAccount, transformActivity, transformPerson } from "./transform.js";

export const EXAMPLE_CONNECTOR_ID = "example";
export const EXAMPLE_DEFAULT_BASE_URL = "https://api.example.com/v1";

export interface ExampleConnectorOptions {
  /** Rows per API page (1-100). Default 25. */
  pageSize?: number;
  /** Injected fetch, for tests. */
  fetch?: typeof fetch;
  retry?: RetryPolicy;
}

const CursorSchema = z.object({
  v: z.literal(1),
  /** Per stream: only rows updated after this were still to be read when the run started. */
  watermarks: z.object({
    accounts: z.string().nullable(),
    people: z.string().nullable(),
    activities: z.string().nullable(),
  }),
  /** The run in progress, or null when the last run finished. */
  run: z
    .object({
      stream: z.enum(EXAMPLE_STREAMS),
      /** The API's page cursor inside `stream`; null for its first page. */
      page: z.string().nullable(),
      /** Highest `updated_at` seen so far in `stream`: becomes its watermark when the stream is done. */
      highWater: z.string().nullable(),
    })
    .nullable(),
});
type SyncCursor = z.output<typeof CursorSchema>;

function encodeCursor(cursor: SyncCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

function decodeCursor(value: string): SyncCursor {
  try {
    return CursorSchema.parse(JSON.parse(Buffer.from(value, "base64url").toString("utf8")));
  } catch {
    throw new ConfigError("The example connector cannot read this sync cursor; run a full sync to start over");
  }
}

interface TransformedRow {
  raw: ExampleAccount | ExamplePerson | ExampleActivity;
  input: CanonicalRecordInput;
}

function freshCursor(): SyncCursor {
  return { v: 1, watermarks: { accounts: null, people: null, activities: null }, run: null };
}

const later = (a: string | null, b: string | null): string | null => {
  if (a === null) return b;
  if (b === null) return a;
  return Date.parse(b) > Date.parse(a) ? b : a;
};

export class ExampleConnector implements Connector {
  readonly id: string = EXAMPLE_CONNECTOR_ID;
  readonly name: string = "Example Source";
  readonly version: string = packageJson.version;
  readonly #options: ExampleConnectorOptions;

  constructor(options: ExampleConnectorOptions = {}) {
    this.#options = options;
  }

  /** Decrypts the stored API key (bound to its tenant and connection) and proves it works against `/me`. */
  async authenticate(config: ConnectorConfig): Promise<AuthenticateResult> {
    const encrypted = config.settings["encryptedApiKey"];
    if (typeof encrypted !== "string" || encrypted === "") {
      throw new ConfigError("Example connection settings have no encryptedApiKey");
    }
    const baseUrl = config.settings["baseUrl"];
    const apiKey = decryptApiKey(encrypted, { tenantId: config.tenantId, connectionId: config.connectionId });
    const credentials: Credentials = { apiKey, ...(typeof baseUrl === "string" ? { baseUrl } : {}) };
    await this.client(credentials, noopLogger).getJson("me", ExampleMeSchema);
    return { credentials };
  }

  async sync(credentials: Credentials, lastSyncCursor: string | null, options: SyncOptions = {}): Promise<SyncResult<AnyCanonical>> {
    const logger = options.logger ?? noopLogger;
    const client = this.client(credentials, logger, options.signal);
    const cursor = lastSyncCursor === null || options.fullSync ? freshCursor() : decodeCursor(lastSyncCursor);
    const state: SyncCursor = structuredClone(cursor);
    state.run ??= { stream: "accounts", page: null, highWater: null };

    const records: AnyCanonical[] = [];
    const quarantined: QuarantinedRecord[] = [];
    let created = 0;

    for (;;) {
      const run: SyncCursor["run"] = state.run;
      if (run === null) break;
      const page = await this.fetchPage(client, run.stream, state.watermarks[run.stream], run.page, options.signal);
      for (const { raw, input } of page.rows) {
        run.highWater = later(run.highWater, raw.updated_at);
        const validation = validateCanonicalRecord(input);
        if (validation.ok) {
          records.push(validation.record);
          if (raw.created_at === raw.updated_at) created += 1;
        } else {
          quarantined.push({ externalId: raw.id, raw, reasons: validation.reasons });
        }
      }
      logger.debug("example page fetched", { stream: run.stream, rows: page.rows.length, more: page.next !== null });
      if (page.next !== null) {
        run.page = page.next;
        break;
      }
      state.watermarks[run.stream] = later(state.watermarks[run.stream], run.highWater);
      const nextStream: ExampleStream | undefined = EXAMPLE_STREAMS[EXAMPLE_STREAMS.indexOf(run.stream) + 1];
      state.run = nextStream === undefined ? null : { stream: nextStream, page: null, highWater: null };
      // A page is what one call returns: stop once this one produced something, else go on to the next stream.
      if (records.length > 0 || quarantined.length > 0) break;
    }

    const stats = client.stats();
    logger.info("example sync page done", {
      records: records.length,
      quarantined: quarantined.length,
      hasMore: state.run !== null,
      requests: stats.requests,
      rateLimited: stats.rateLimited,
    });
    return {
      records,
      cursor: encodeCursor(state),
      hasMore: state.run !== null,
      syncedAt: new Date(),
      stats: { created, updated: records.length - created, errors: quarantined.length, requests: stats.requests },
      quarantined,
    };
  }

  getSchema(): FieldMapping[] {
    return exampleFieldMappings.map((mapping) => ({ ...mapping }));
  }

  async healthCheck(credentials: Credentials): Promise<ConnectorHealthStatus> {
    const started = performance.now();
    const latency = () => Math.round(performance.now() - started);
    try {
      await this.client(credentials, noopLogger, undefined, { maxAttempts: 2, maxTotalWaitMs: 5_000 }).getJson("me", ExampleMeSchema);
      return { healthy: true, lastSync: null, latencyMs: latency() };
    } catch (error) {
      const reason = isAuthError(error)
        ? "The example API rejected the API key (401): reconnect with a valid key"
        : isConnectorError(error)
          ? error.message
          : "The example API could not be reached";
      return { healthy: false, lastSync: null, error: reason, latencyMs: latency() };
    }
  }

  private client(credentials: Credentials, logger: Logger, signal?: AbortSignal, retry?: RetryPolicy): HttpClient {
    const apiKey = credentials["apiKey"];
    if (apiKey === undefined || apiKey === "") throw new ConfigError("Example credentials have no apiKey");
    const policy = retry ?? this.#options.retry;
    return createHttpClient({
      name: "example",
      baseUrl: credentials["baseUrl"] ?? EXAMPLE_DEFAULT_BASE_URL,
      headers: { authorization: `Bearer ${apiKey}`, accept: "application/json" },
      rateLimit: { requests: 50, windowMs: 1_000, respectHeaders: true },
      retry: policy ?? { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 2_000, maxTotalWaitMs: 30_000 },
      timeoutMs: 15_000,
      logger,
      ...(this.#options.fetch ? { fetch: this.#options.fetch } : {}),
      ...(signal ? { signal } : {}),
    });
  }

  /** One API page of one stream, each row paired with its (not yet validated) canonical input. */
  private async fetchPage(
    client: HttpClient,
    stream: ExampleStream,
    updatedAfter: string | null,
    pageCursor: string | null,
    signal: AbortSignal | undefined,
  ): Promise<{ rows: TransformedRow[]; next: string | null }> {
    const searchParams = {
      limit: this.#options.pageSize ?? 25,
      updated_after: updatedAfter ?? undefined,
      cursor: pageCursor ?? undefined,
    };
    const requestOptions = { searchParams, ...(signal ? { signal } : {}) };
    switch (stream) {
      case "accounts": {
        const page = await client.getJson("accounts", ExamplePageSchemas.accounts, requestOptions);
        return { rows: page.data.map((raw) => ({ raw, input: transformAccount(raw) })), next: page.next_cursor };
      }
      case "people": {
        const page = await client.getJson("people", ExamplePageSchemas.people, requestOptions);
        return { rows: page.data.map((raw) => ({ raw, input: transformPerson(raw) })), next: page.next_cursor };
      }
      case "activities": {
        const page = await client.getJson("activities", ExamplePageSchemas.activities, requestOptions);
        return { rows: page.data.map((raw) => ({ raw, input: transformActivity(raw) })), next: page.next_cursor };
      }
    }
  }
}
