/**
 * A loopback fake of the Fathom External API (`/external/v1`), close enough to the real one to test the connector
 * end to end: `X-Api-Key` auth, `GET /meetings` newest first in cursor pages of 10 (no page-size parameter, `limit`
 * echoed, `next_cursor: null` at the end), `created_after`/`created_before` and domain-type filters, the `include_*`
 * flags, `RateLimit-*` headers with a 429 beyond the budget, and injectable faults.
 *
 * Error bodies are JSON; Fathom does not document them, and the connector must not depend on them.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import type { FathomApiMeeting } from "../api-schema.js";
import { generateMeeting, malformMeeting } from "./data.js";
import { FathomRateLimiter, type WindowMode } from "./rate-limit.js";
import { createWebhookSecret, sendFathomWebhook, type WebhookDelivery } from "./webhook-sender.js";

export const SANDBOX_BASE_PATH = "/external/v1";

export interface SandboxRateLimitOptions {
  /** Global budget per window. Default 60 (Fathom's documented limit). */
  requests?: number;
  /** Budget for "heavy" requests (include_transcript or include_summary). Default 30. */
  heavyRequests?: number;
  /** Window length. Default 60,000 ms. */
  windowMs?: number;
  /** Fixed windows (start at the first request) or a sliding log. Default "fixed". */
  mode?: WindowMode;
}

export interface SandboxFaults {
  /** 1-based numbers of requests (every request the server receives counts) answered with `failStatus`. */
  failRequests?: readonly number[];
  /** Default 503. */
  failStatus?: number;
  /** Positions (0 = newest) in the current newest-first list whose meeting is served malformed. */
  malformedMeetingIndexes?: readonly number[];
  /** Request numbers answered 200 with a body that is not a meetings page. */
  malformedPageRequests?: readonly number[];
  /** Added to every response. */
  latencyMs?: number;
  /** Request numbers answered after `slowMs` (default 2,000 ms) instead. */
  slowRequests?: readonly number[];
  slowMs?: number;
}

export interface FathomSandboxOptions {
  /** The one API key the sandbox accepts. Default: a random one, see `sandbox.apiKey`. */
  apiKey?: string;
  /** How many seeded meetings to serve. Default 25. */
  meetings?: number;
  seed?: number;
  /** Serve these meetings instead of generated ones (any order; they are sorted newest first). */
  data?: readonly FathomApiMeeting[];
  /** Meetings per page. Fathom's is 10 and is not settable by clients. */
  pageSize?: number;
  /** `false` turns rate limiting (and its headers) off. */
  rateLimit?: SandboxRateLimitOptions | false;
  faults?: SandboxFaults;
  /** The secret `sendWebhook` signs with. Default: a fresh `whsec_` secret. */
  webhookSecret?: string;
  /** Milliseconds clock for the rate-limit windows. Default `Date.now`. */
  clock?: () => number;
}

export interface SandboxRequestRecord {
  n: number;
  method: string;
  path: string;
  query: Record<string, string[]>;
  status: number;
  heavy: boolean;
  at: number;
}

export interface SandboxStats {
  /** Every request received, whatever its outcome. */
  requests: number;
  meetingsRequests: number;
  heavyRequests: number;
  rateLimited: number;
  unauthorized: number;
  /** Injected 5xx responses. */
  serverErrors: number;
  /** Meetings sent in 200 pages (a meeting re-read by an overlap counts again). */
  meetingsServed: number;
}

export interface FathomSandbox {
  /** Base URL to use as `settings.baseUrl`: `http://127.0.0.1:<port>/external/v1`. */
  readonly url: string;
  readonly port: number;
  readonly apiKey: string;
  readonly webhookSecret: string;
  /** The served meetings, newest first, with every include field present. */
  meetings(): FathomApiMeeting[];
  /** Appends `count` further seeded meetings, newer than every existing one. Returns them. */
  addMeetings(count: number): FathomApiMeeting[];
  /** Adds given meetings (e.g. one created inside the lookback window that became visible late). */
  insertMeetings(meetings: readonly FathomApiMeeting[]): void;
  setFaults(faults: SandboxFaults): void;
  stats(): SandboxStats;
  requests(): SandboxRequestRecord[];
  resetStats(): void;
  /** Signs a meeting as Fathom does and POSTs it to `url`. Default meeting: the newest one. */
  sendWebhook(
    url: string,
    options?: { meeting?: unknown; id?: string; timestamp?: number; secret?: string },
  ): Promise<WebhookDelivery>;
  close(): Promise<void>;
}

interface StoredMeeting {
  meeting: FathomApiMeeting;
  createdAtMs: number;
  recordingId: number;
}

interface PageKey {
  t: number;
  r: number;
}

const BOOLEAN_PARAMS = ["include_transcript", "include_summary", "include_action_items", "include_crm_matches"] as const;
type IncludeFlags = Record<(typeof BOOLEAN_PARAMS)[number], boolean>;

class BadRequest extends Error {}

function newestFirst(a: StoredMeeting, b: StoredMeeting): number {
  return b.createdAtMs - a.createdAtMs || b.recordingId - a.recordingId;
}

function encodeKey(key: PageKey): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

function decodeKey(cursor: string): PageKey {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (key !== null && typeof key === "object") {
      const { t, r } = key as Record<string, unknown>;
      if (typeof t === "number" && typeof r === "number") return { t, r };
    }
  } catch {
    // fall through
  }
  throw new BadRequest("invalid cursor");
}

function isAfterKey(item: StoredMeeting, key: PageKey): boolean {
  return item.createdAtMs < key.t || (item.createdAtMs === key.t && item.recordingId < key.r);
}

function parseBoolean(query: URLSearchParams, name: string): boolean {
  const value = query.get(name);
  if (value === null || value === "false") return false;
  if (value === "true") return true;
  throw new BadRequest(`${name} must be true or false`);
}

function parseInstant(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new BadRequest(`${name} must be an ISO-8601 date-time`);
  return ms;
}

/** What Fathom sends for a meeting given the request's include flags. */
function present(meeting: FathomApiMeeting, include: IncludeFlags): FathomApiMeeting {
  return {
    ...meeting,
    calendar_invitees: meeting.calendar_invitees.map((invitee) => {
      if (include.include_transcript) return invitee;
      const { matched_speaker_display_name: _matched, ...rest } = invitee;
      return rest;
    }),
    transcript: include.include_transcript ? (meeting.transcript ?? null) : null,
    default_summary: include.include_summary ? (meeting.default_summary ?? null) : null,
    action_items: include.include_action_items ? (meeting.action_items ?? null) : null,
    crm_matches: include.include_crm_matches ? (meeting.crm_matches ?? null) : null,
  };
}

function store(meeting: FathomApiMeeting): StoredMeeting {
  return { meeting, createdAtMs: Date.parse(meeting.created_at), recordingId: meeting.recording_id };
}

function queryRecord(query: URLSearchParams): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, value] of query) (out[key] ??= []).push(value);
  return out;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function startFathomSandbox(options: FathomSandboxOptions = {}): Promise<FathomSandbox> {
  const apiKey = options.apiKey ?? `sandbox_${randomBytes(16).toString("hex")}`;
  const webhookSecret = options.webhookSecret ?? createWebhookSecret();
  const seed = options.seed ?? 1;
  const pageSize = options.pageSize ?? 10;
  const clock = options.clock ?? Date.now;
  const limiter =
    options.rateLimit === false
      ? undefined
      : new FathomRateLimiter({
          requests: options.rateLimit?.requests ?? 60,
          heavyRequests: options.rateLimit?.heavyRequests ?? 30,
          windowMs: options.rateLimit?.windowMs ?? 60_000,
          mode: options.rateLimit?.mode ?? "fixed",
        });

  let nextSequence = options.data ? 0 : (options.meetings ?? 25);
  const meetings: StoredMeeting[] = (
    options.data ?? Array.from({ length: nextSequence }, (_, sequence) => generateMeeting(seed, sequence))
  ).map(store);
  meetings.sort(newestFirst);

  const insertMeetings = (added: readonly FathomApiMeeting[]) => {
    meetings.push(...added.map(store));
    meetings.sort(newestFirst);
  };

  let faults: SandboxFaults = {};
  let malformedIds = new Set<number>();
  const setFaults = (next: SandboxFaults) => {
    faults = { ...next };
    malformedIds = new Set(
      (next.malformedMeetingIndexes ?? []).flatMap((index) => {
        const item = meetings[index];
        return item ? [item.recordingId] : [];
      }),
    );
  };
  setFaults(options.faults ?? {});

  const emptyStats = (): SandboxStats => ({
    requests: 0,
    meetingsRequests: 0,
    heavyRequests: 0,
    rateLimited: 0,
    unauthorized: 0,
    serverErrors: 0,
    meetingsServed: 0,
  });
  let stats = emptyStats();
  let log: SandboxRequestRecord[] = [];

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
    res.end(text);
  };

  const listMeetings = (query: URLSearchParams) => {
    const include = Object.fromEntries(BOOLEAN_PARAMS.map((name) => [name, parseBoolean(query, name)])) as IncludeFlags;
    const createdAfter = parseInstant(query, "created_after");
    const createdBefore = parseInstant(query, "created_before");
    const domainsType = query.get("calendar_invitees_domains_type") ?? "all";
    if (!["all", "only_internal", "one_or_more_external"].includes(domainsType)) {
      throw new BadRequest("calendar_invitees_domains_type must be all, only_internal or one_or_more_external");
    }
    const recordedBy = query.getAll("recorded_by[]").map((email) => email.toLowerCase());
    const domains = query.getAll("calendar_invitees_domains[]").map((domain) => domain.toLowerCase());
    const cursor = query.get("cursor");
    const key = cursor === null || cursor === "" ? undefined : decodeKey(cursor);

    const page: StoredMeeting[] = [];
    let more = false;
    for (const item of meetings) {
      if (key && !isAfterKey(item, key)) continue;
      if (createdAfter !== undefined && !(item.createdAtMs > createdAfter)) continue;
      if (createdBefore !== undefined && !(item.createdAtMs < createdBefore)) continue;
      if (domainsType !== "all" && item.meeting.calendar_invitees_domains_type !== domainsType) continue;
      if (recordedBy.length > 0 && !recordedBy.includes(item.meeting.recorded_by.email.toLowerCase())) continue;
      if (
        domains.length > 0 &&
        !item.meeting.calendar_invitees.some((invitee) => domains.includes((invitee.email_domain ?? "").toLowerCase()))
      ) {
        continue;
      }
      if (page.length === pageSize) {
        more = true;
        break;
      }
      page.push(item);
    }
    const last = page[page.length - 1];
    stats.meetingsServed += page.length;
    return {
      limit: pageSize,
      next_cursor: more && last ? encodeKey({ t: last.createdAtMs, r: last.recordingId }) : null,
      items: page.map((item) =>
        malformedIds.has(item.recordingId) ? malformMeeting(item.meeting) : present(item.meeting, include),
      ),
    };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    stats.requests += 1;
    const n = stats.requests;
    const url = new URL(req.url ?? "/", "http://sandbox.invalid");
    const path = url.pathname.startsWith(SANDBOX_BASE_PATH) ? url.pathname.slice(SANDBOX_BASE_PATH.length) : url.pathname;
    const heavy = parseBooleanLoose(url.searchParams, "include_transcript") || parseBooleanLoose(url.searchParams, "include_summary");
    const record: SandboxRequestRecord = {
      n,
      method: req.method ?? "GET",
      path,
      query: queryRecord(url.searchParams),
      status: 0,
      heavy,
      at: clock(),
    };
    log.push(record);
    const reply = (status: number, body: unknown, headers?: Record<string, string>) => {
      record.status = status;
      send(res, status, body, headers);
    };

    const delay = (faults.latencyMs ?? 0) + (faults.slowRequests?.includes(n) ? (faults.slowMs ?? 2_000) : 0);
    if (delay > 0) await sleep(delay);

    if (!url.pathname.startsWith(`${SANDBOX_BASE_PATH}/`)) return reply(404, { error: "Not Found" });
    if (req.headers["x-api-key"] !== apiKey) {
      stats.unauthorized += 1;
      return reply(401, { error: "Unauthorized", message: "Invalid or missing API key" });
    }
    if (path !== "/meetings") return reply(404, { error: "Not Found" });
    if (req.method !== "GET") return reply(405, { error: "Method Not Allowed" }, { allow: "GET" });

    stats.meetingsRequests += 1;
    if (heavy) stats.heavyRequests += 1;
    const decision = limiter?.take(clock(), heavy);
    if (decision && !decision.allowed) {
      stats.rateLimited += 1;
      return reply(429, { error: "Too Many Requests", message: "Rate limit exceeded" }, decision.headers);
    }
    const headers = decision?.headers ?? {};
    if (faults.failRequests?.includes(n)) {
      stats.serverErrors += 1;
      const status = faults.failStatus ?? 503;
      return reply(status, { error: status === 503 ? "Service Unavailable" : "Internal Server Error" }, headers);
    }
    if (faults.malformedPageRequests?.includes(n)) {
      return reply(200, { limit: pageSize, next_cursor: 42, items: "this is not a list" }, headers);
    }
    try {
      return reply(200, listMeetings(url.searchParams), headers);
    } catch (error) {
      if (error instanceof BadRequest) return reply(400, { error: "Bad Request", message: error.message }, headers);
      throw error;
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { error: "Internal Server Error", message: String(error) });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}${SANDBOX_BASE_PATH}`,
    port,
    apiKey,
    webhookSecret,
    meetings: () => meetings.map((item) => item.meeting),
    addMeetings(count) {
      const added = Array.from({ length: count }, () => generateMeeting(seed, nextSequence++));
      insertMeetings(added);
      return added;
    },
    insertMeetings,
    setFaults,
    stats: () => ({ ...stats }),
    requests: () => log.map((entry) => ({ ...entry })),
    resetStats() {
      stats = emptyStats();
      log = [];
    },
    sendWebhook(url, webhook = {}) {
      const meeting = webhook.meeting ?? meetings[0]?.meeting;
      if (meeting === undefined) throw new Error("the sandbox has no meeting to send");
      return sendFathomWebhook(url, meeting, {
        secret: webhook.secret ?? webhookSecret,
        ...(webhook.id === undefined ? {} : { id: webhook.id }),
        ...(webhook.timestamp === undefined ? {} : { timestamp: webhook.timestamp }),
      });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** For classifying a request as heavy: anything but "true" reads as false (validation happens later). */
function parseBooleanLoose(query: URLSearchParams, name: string): boolean {
  return query.get(name) === "true";
}
