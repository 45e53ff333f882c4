/**
 * A loopback fake of Delivr.ai's data APIs (vendor-apis.md §5.3) on testkit's sandbox kit. SYNTHETIC data
 * (`data.ts`). Both auth headers required; `GET /api/v1/events` and `/api/v2/events` (v2 with `source` and renamed
 * fields) scoped by pixel, project or organisation, with a required time range of at most 25 hours (400 beyond),
 * inclusive bounds, `offset` + `limit` (default 300), `filter`, `select` and `distinct`; `/api/v1/events_schema`;
 * audiences with their members; the taxonomy. Rate limited with RateLimit-* headers (the budget used up once early
 * on by default, so every run proves the client waits); faults from a kit FaultPlan.
 */
import {
  FaultPlan,
  hasContentFault,
  json,
  malformItems,
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
import { EVENT_FIELDS } from "../events/fields.js";
import { DelivrSettingsSchema, type DelivrSettings } from "../settings.js";
import { createSandboxAuth, type SandboxAuth } from "./auth.js";
import {
  byTime,
  expectedRecords,
  SANDBOX_ORGANIZATION,
  SANDBOX_PIXEL,
  sandboxDataSet,
  type SandboxDataOptions,
  type SandboxDataSet,
} from "./data.js";
import { parseFilter, type Row } from "./filter.js";

export const MAX_RANGE_MS = 25 * 3_600_000;
export const DEFAULT_LIMIT = 300;
export const MAX_LIMIT = 1000;

export interface DelivrSandboxOptions extends Partial<SandboxDataOptions> {
  /** Replaces the generated data. */
  data?: SandboxDataSet;
  /**
   * How the server reads `start_ms`/`end_ms`: `inclusive` (Delivr's docs), or `sloppy`, a server that also returns
   * rows up to a second outside the range (the connector must still keep each event once).
   */
  bounds?: "inclusive" | "sloppy";
  /** Send `total` with each events page. Default false: paging must end on a short page. */
  withTotal?: boolean;
  /** Requests per second. Default 50. `false`: no limit and no headers. */
  rateLimit?: { requests?: number; windowMs?: number } | false;
  /** 1-based numbers of data requests for which the budget is used up. Default [2]; [] for none. */
  rateLimitOnRequests?: readonly number[];
  faults?: FaultPlan;
  clock?: Clock;
}

export interface DelivrSandbox extends RunningSandbox<DelivrSettings> {
  readonly auth: SandboxAuth;
  readonly anchorMs: number;
  readonly data: SandboxDataSet;
  /** Adds an event row (v1 names), as if a visit happened. */
  put(row: Row): void;
  /** Every `GET .../events` query string received, in order. */
  eventRequests(): URLSearchParams[];
  stats(): SandboxStats;
}

function isRow(value: unknown): value is Row {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

const ERROR = (status: number, error: string, message: string): Reply => json(status, { error, message });

/** Epoch ms from `start_ms`/`end_ms`, or `start_time`/`end_time` (RFC3339, YYYY-MM-DD or unix seconds). */
function readBound(query: URLSearchParams, ms: string, time: string): number | undefined {
  const direct = query.get(ms);
  if (direct !== null) return /^\d{1,16}$/.test(direct) ? Number(direct) : Number.NaN;
  const text = query.get(time);
  if (text === null) return undefined;
  if (/^\d{1,12}$/.test(text)) return Number(text) * 1000;
  const parsed = Date.parse(text);
  return Number.isNaN(parsed) ? Number.NaN : parsed;
}

const V2_NAMES = new Map<string, string>(Object.values(EVENT_FIELDS).map((names) => [names[0], names[1]]));

/** v2's "proxy transforms": field renaming (and the values as they are; our synthetic names are already title-cased). */
function toV2(row: Row): Row {
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [V2_NAMES.get(key) ?? key, value]));
}

export async function startDelivrSandbox(options: DelivrSandboxOptions = {}): Promise<DelivrSandbox> {
  const clockNow = options.clock?.() ?? Date.now();
  const anchorMs = options.anchorMs ?? clockNow;
  const seed = options.seed ?? 1;
  const data =
    options.data ??
    sandboxDataSet({
      seed,
      anchorMs,
      ...(options.days === undefined ? {} : { days: options.days }),
      ...(options.events === undefined ? {} : { events: options.events }),
      ...(options.accounts === undefined ? {} : { accounts: options.accounts }),
      ...(options.visitorsPerAccount === undefined ? {} : { visitorsPerAccount: options.visitorsPerAccount }),
    });
  const auth = createSandboxAuth(seed);
  const clock = options.clock === undefined ? {} : { clock: options.clock };
  const limiter =
    options.rateLimit === false
      ? undefined
      : new RateLimiter({
          windows: [
            { name: "api", limit: options.rateLimit?.requests ?? 50, windowMs: options.rateLimit?.windowMs ?? 1000, mode: "fixed" },
          ],
          rateLimitHeaders: "fractional",
          retryAfter: "fractional",
          ...clock,
        });
  const exhaustOn = new Set(options.rateLimitOnRequests ?? [2]);
  const queries: URLSearchParams[] = [];
  let dataRequests = 0;

  const events = (version: "v1" | "v2") => (req: SandboxRequest): Reply => {
    const query = req.query;
    queries.push(new URLSearchParams(query));
    if (version === "v2") {
      const source = query.get("source");
      if (source !== "pixel" && source !== "dsp") return ERROR(400, "bad_request", "source must be pixel or dsp");
      if (source === "dsp") return json(200, { data: [] });
    }
    const pixel = query.get("pixel_id");
    const project = query.get("project_id");
    const organization = query.get("organization_id");
    if (pixel === null && project === null && organization === null) {
      return ERROR(400, "bad_request", "one of pixel_id, project_id or organization_id is required");
    }
    if (organization !== null && pixel === null && project === null && organization !== SANDBOX_ORGANIZATION) {
      return ERROR(403, "forbidden", "organization not accessible with this key");
    }
    const start = readBound(query, "start_ms", "start_time");
    const end = readBound(query, "end_ms", "end_time");
    if (start === undefined || end === undefined) return ERROR(400, "bad_request", "a time range is required");
    if (Number.isNaN(start) || Number.isNaN(end) || end < start) return ERROR(400, "bad_request", "invalid time range");
    if (end - start > MAX_RANGE_MS) return ERROR(400, "bad_request", "time range must not exceed 25 hours");
    const offset = Number(query.get("offset") ?? "0");
    const limitParam = Number(query.get("limit") ?? String(DEFAULT_LIMIT));
    if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(limitParam) || limitParam < 1) {
      return ERROR(400, "bad_request", "offset and limit must be non-negative integers (limit at least 1)");
    }
    const limit = Math.min(limitParam, MAX_LIMIT);
    let filter: ((row: Row) => boolean) | undefined;
    try {
      const expression = query.get("filter");
      filter = expression === null ? undefined : parseFilter(expression);
    } catch (error) {
      return ERROR(400, "bad_request", error instanceof Error ? error.message : "invalid filter");
    }
    const slack = options.bounds === "sloppy" ? 1000 : 0;
    let rows = data.events.filter((row) => {
      const ts = row["timestamp"];
      // A row whose time is not a number sits at its neighbour's place: served in the window holding that place.
      const at = typeof ts === "number" ? ts : Number(row["_at"] ?? Number.NaN);
      if (!(at >= start - slack && at <= end + slack)) return false;
      if (pixel !== null) return row["pixel_id"] === pixel;
      if (project !== null) return row["project_id"] === project;
      return true;
    });
    if (filter !== undefined) rows = rows.filter(filter);
    const select = query.get("select")?.split(",").filter((field) => field !== "");
    const distinct = query.get("distinct")?.split(",").filter((field) => field !== "");
    let served: Row[] = rows.map((row) => Object.fromEntries(Object.entries(row).filter(([key]) => key !== "_at")));
    if (select !== undefined && select.length > 0) {
      served = served.map((row) => Object.fromEntries(select.map((field) => [field, row[field] ?? null])));
    }
    if (distinct !== undefined && distinct.length > 0) {
      const seen = new Set<string>();
      served = served.filter((row) => {
        const key = JSON.stringify(distinct.map((field) => row[field] ?? null));
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    }
    if (hasContentFault(req.contentFaults, "malformed-page")) return json(200, { unexpected: "not a page" });
    // A server that ignores `offset` (the kit's repeat-cursor fault): the first page again.
    const from = hasContentFault(req.contentFaults, "repeat-cursor") ? 0 : offset;
    const slice = malformItems(served.slice(from, from + limit), req.contentFaults, {
      idOf: (row) => String(row["visitor_id"]),
      malform: (row) => ({ ...row, timestamp: "not-a-time" }),
    });
    const page = slice.map((row) => (version === "v2" && isRow(row) ? toV2(row) : row));
    return json(200, { data: page, offset, limit, ...(options.withTotal === true ? { total: served.length } : {}) });
  };

  const paged = (rows: readonly Row[], req: SandboxRequest): Reply => {
    const offset = Number(req.query.get("offset") ?? "0");
    const limit = Math.min(Number(req.query.get("limit") ?? String(DEFAULT_LIMIT)), MAX_LIMIT);
    if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit) || limit < 1) {
      return ERROR(400, "bad_request", "offset and limit must be non-negative integers (limit at least 1)");
    }
    return json(200, { data: rows.slice(offset, offset + limit) });
  };

  const server = await startSandboxServer({
    routes: [
      route("GET", "/api/v1/events_schema", () =>
        json(200, {
          fields: Object.values(EVENT_FIELDS).map((names) => ({ name: names[0], type: "string", nullable: true })),
        }),
      ),
      route("GET", "/api/v1/events", events("v1"), { contentFaults: true }),
      route("GET", "/api/v2/events", events("v2"), { contentFaults: true }),
      route("GET", "/api/v1/audiences", (req) => paged(data.audiences, req)),
      route("GET", "/api/v1/audiences/:id/preview", (req) => {
        const id = req.params["id"] ?? "";
        if (!data.audiences.some((audience) => String(audience["audience_id"]) === id)) {
          return ERROR(404, "not_found", "audience not found");
        }
        return paged(data.members.get(id) ?? [], req);
      }),
      route("GET", "/taxonomy/topics", () => json(200, { response: { topics: data.topics } })),
    ],
    guards: [
      auth.guard,
      (req) => {
        dataRequests += 1;
        req.count("dataRequests");
        if (exhaustOn.has(dataRequests)) limiter?.exhaust("", "api");
        return undefined;
      },
      ...(limiter === undefined ? [] : [rateLimitGuard(limiter, () => ERROR(429, "rate_limited", "Too many requests"))]),
    ],
    faults: options.faults ?? new FaultPlan(),
    counters: ["dataRequests"],
    ...clock,
  });

  // Rows without a numeric time keep their neighbour's place, so the sandbox serves them once, in one window.
  let last = anchorMs;
  for (const row of data.events) {
    if (typeof row["timestamp"] === "number") last = row["timestamp"];
    else row["_at"] = last;
  }
  const sinceOf = (settings: DelivrSettings) => anchorMs - settings.backfillDays * 86_400_000;
  const settings = (): DelivrSettings =>
    DelivrSettingsSchema.parse({
      baseUrl: server.baseUrl,
      taxonomyUrl: server.baseUrl,
      pixelId: SANDBOX_PIXEL,
      projectId: "prj_sandbox",
      // The sandbox holds days of data, not months; pages small enough that a sync pages.
      backfillDays: 7,
      pageSize: 25,
    });
  return {
    url: server.baseUrl,
    auth,
    anchorMs,
    data,
    settings,
    credentials: auth.credentials(),
    badCredentials: auth.badCredentials(),
    get expectedRecords() {
      return expectedRecords(data, SANDBOX_PIXEL, sinceOf(settings()));
    },
    async addNewData(count) {
      const now = options.clock?.() ?? Date.now();
      const template = data.events.find((row) => row["pixel_id"] === SANDBOX_PIXEL && typeof row["timestamp"] === "number");
      for (let i = 0; i < count; i += 1) {
        data.events.push({ ...template, timestamp: now - count + i, visitor_id: `vis_new_${now}_${i}`, session_id: `ses_new_${i}` });
      }
      data.events.sort(byTime);
      return count;
    },
    put(row) {
      data.events.push(row);
      data.events.sort(byTime);
    },
    eventRequests: () => [...queries],
    faults: server.faults,
    stats: () => server.stats(),
    close: () => server.close(),
  };
}
