/**
 * A loopback fake of the Delivr.ai API on testkit's sandbox kit, close enough to test the connector end to end:
 * the credentials of the wired auth variant (`auth.ts`, or `options.auth`), `GET /v1/<stream>` in cursor pages
 * (`limit` capped by the server, `next_cursor: null` at the end) filtered by `updated_since`, `RateLimit-*` headers
 * with a 429 (and `Retry-After`) beyond the budget and, by default, the budget used up once early on, so that every
 * test run proves the client waits and retries; faults from a kit `FaultPlan`. Errors are `{ error: { code, message } }`.
 */
import {
  FaultPlan,
  json,
  RateLimiter,
  rateLimitGuard,
  route,
  startSandboxServer,
  type Clock,
  type Reply,
  type RunningSandbox,
  type SandboxRequest,
  type SandboxStats,
} from "@gtm-clarity/testkit/sandbox";
import { DelivrSettingsSchema, type DelivrSettings } from "../settings.js";
import { STREAMS, STREAM_KINDS, type StreamKind } from "../streams.js";
import { createSandboxAuth, type SandboxAuth } from "./auth.js";
import { sandboxRecords, SANDBOX_KINDS, type SandboxData } from "./data.js";

export interface DelivrSandboxOptions {
  /** Records per stream (wire shape, malformed ones allowed). Default: `sandboxData({}, seed)`. */
  data?: SandboxData;
  /** Seed of the default data. */
  seed?: number;
  /** Items per page at most, whatever `limit` asks. Default 10, so the default data spans several pages. */
  pageSize?: number;
  /** How requests authenticate. Default: the wired variant's `createSandboxAuth()`. */
  auth?: SandboxAuth;
  /**
   * The budget: `requests` per `windowMs`. Default 100 per second, a short window so that a 429 costs a test
   * well under a second. `false` turns rate limiting (and its headers) off.
   */
  rateLimit?: { requests?: number; windowMs?: number } | false;
  /**
   * 1-based numbers of list requests for which the budget is used up (as by another client of the account), so
   * they get a 429 and the client must wait for the window to reset. Default [2]; [] for none.
   */
  rateLimitOnRequests?: readonly number[];
  faults?: FaultPlan;
  clock?: Clock;
}

export interface DelivrSandbox extends RunningSandbox<DelivrSettings> {
  readonly auth: SandboxAuth;
  /** Records served, malformed ones included: what a full sync must emit or quarantine. */
  recordCount(): number;
  /** Adds or replaces a record (matched by `id`), as if it changed at the source. */
  put(kind: StreamKind, record: { id: string; updated_at: string }): void;
  /** The kit's counters, and `listRequests`: requests to list endpoints, 429s included. */
  stats(): SandboxStats;
}

function field(record: unknown, name: string): unknown {
  return record !== null && typeof record === "object" ? (record as Record<string, unknown>)[name] : undefined;
}

function updatedAtMs(record: unknown): number {
  const value = field(record, "updated_at");
  const time = typeof value === "string" ? Date.parse(value) : Number.NaN;
  return Number.isNaN(time) ? 0 : time;
}

function idOf(record: unknown): string {
  const value = field(record, "id");
  return typeof value === "string" ? value : "";
}

/** Oldest change first, ties by id: a stable order for cursors and for `updated_since`. */
function byUpdate(a: unknown, b: unknown): number {
  return updatedAtMs(a) - updatedAtMs(b) || idOf(a).localeCompare(idOf(b));
}

function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString("base64url");
}

function decodeCursor(cursor: string): number | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    const offset = field(value, "offset");
    return typeof offset === "number" && Number.isInteger(offset) && offset >= 0 ? offset : undefined;
  } catch {
    return undefined;
  }
}

const API_ERROR = (status: number, code: string, message: string): Reply => json(status, { error: { code, message } });

export async function startDelivrSandbox(options: DelivrSandboxOptions = {}): Promise<DelivrSandbox> {
  const streams = new Map<StreamKind, unknown[]>(
    STREAM_KINDS.map((kind) => [kind, [...(options.data?.[kind] ?? sandboxRecords(kind, undefined, options.seed))].sort(byUpdate)]),
  );
  const auth = options.auth ?? createSandboxAuth();
  const pageSize = options.pageSize ?? 10;
  const clock = options.clock === undefined ? {} : { clock: options.clock };
  const limiter =
    options.rateLimit === false
      ? undefined
      : new RateLimiter({
          windows: [
            {
              name: "api",
              limit: options.rateLimit?.requests ?? 100,
              windowMs: options.rateLimit?.windowMs ?? 1000,
              mode: "fixed",
            },
          ],
          // Fractional seconds, as some APIs send them, so that a sandbox window can be short.
          rateLimitHeaders: "fractional",
          retryAfter: "fractional",
          ...clock,
        });
  const exhaustOn = new Set(options.rateLimitOnRequests ?? [2]);
  let listRequests = 0;
  const isList = (req: SandboxRequest) => STREAMS.some((stream) => stream.path === req.path);

  const list = (kind: StreamKind, req: SandboxRequest): Reply => {
    const since = req.query.get("updated_since");
    const sinceMs = since === null ? undefined : Date.parse(since);
    if (sinceMs !== undefined && Number.isNaN(sinceMs)) {
      return API_ERROR(400, "invalid_request", "updated_since is not a date");
    }
    const cursor = req.query.get("cursor");
    const offset = cursor === null ? 0 : decodeCursor(cursor);
    if (offset === undefined) return API_ERROR(400, "invalid_request", "cursor is not valid");
    const limit = Number(req.query.get("limit") ?? pageSize);
    const size = Math.min(pageSize, Number.isInteger(limit) && limit > 0 ? limit : pageSize);
    const all = streams.get(kind) ?? [];
    const matching = sinceMs === undefined ? all : all.filter((record) => updatedAtMs(record) >= sinceMs);
    const data = matching.slice(offset, offset + size);
    const next = offset + size < matching.length ? encodeCursor(offset + size) : null;
    return json(200, { data, next_cursor: next });
  };

  const server = await startSandboxServer({
    routes: [
      ...auth.routes,
      route("GET", "/v1/me", () => json(200, { id: "usr_sandbox", name: "Sandbox User" })),
      ...STREAMS.map((stream) => route("GET", stream.path, (req) => list(stream.kind, req))),
    ],
    guards: [
      auth.guard,
      (req) => {
        if (!isList(req)) return undefined;
        listRequests += 1;
        req.count("listRequests");
        if (exhaustOn.has(listRequests)) limiter?.exhaust("", "api");
        return undefined;
      },
      ...(limiter === undefined
        ? []
        : [rateLimitGuard(limiter, () => API_ERROR(429, "rate_limited", "Too many requests"))]),
    ],
    faults: options.faults ?? new FaultPlan(),
    counters: ["listRequests"],
    ...clock,
  });
  const recordCount = () => [...streams.values()].reduce((total, records) => total + records.length, 0);
  return {
    url: server.baseUrl,
    auth,
    // Settings point at the sandbox (the binding changes nothing: no secret lives in settings).
    settings: () => DelivrSettingsSchema.parse({ baseUrl: server.baseUrl }),
    credentials: auth.credentials(),
    badCredentials: auth.badCredentials(),
    get expectedRecords() {
      return recordCount();
    },
    recordCount,
    async addNewData(count) {
      // New records of the first kind, after everything there: what an incremental sync must pick up.
      const [kind] = STREAM_KINDS;
      const records = streams.get(kind) ?? [];
      const added = Array.from({ length: count }, (_, index) =>
        SANDBOX_KINDS[kind].make(records.length + index, options.seed),
      );
      streams.set(kind, [...records, ...added].sort(byUpdate));
      return count;
    },
    put(kind, record) {
      const records = (streams.get(kind) ?? []).filter((existing) => idOf(existing) !== record.id);
      streams.set(kind, [...records, record].sort(byUpdate));
    },
    faults: server.faults,
    stats: () => server.stats(),
    close: () => server.close(),
  };
}
