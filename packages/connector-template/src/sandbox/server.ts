/**
 * A loopback fake of the Template API, close enough to test the connector end to end:
 * the credentials of the wired auth variant (`auth.ts`, or `options.auth`),
 * `GET /v1/<stream>` in cursor pages (`limit` capped by the server, `next_cursor: null` at the end) filtered by
 * `updated_since`, `RateLimit-*` headers with a 429 (and `Retry-After`) beyond the budget, and, by default, the
 * budget used up once early on, so that every test run proves the client waits and retries. Error bodies are JSON.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Credentials } from "@gtm-clarity/core";
import { RateLimiter } from "@gtm-clarity/testkit/sandbox";
import { STREAMS, STREAM_KINDS, type StreamKind } from "../streams.js";
import { sandboxRecords, type SandboxData } from "./data.js";
import { listenOnLoopback, sendJson } from "./http.js";
import { createSandboxAuth, type SandboxAuth } from "./auth.js";

export interface TemplateSandboxOptions {
  /** Records per stream (wire shape, malformed ones allowed). Default: `sandboxData()`. */
  data?: SandboxData;
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
}

export interface SandboxStats {
  /** Every request received, whatever its outcome. */
  requests: number;
  /** Requests to list endpoints (`/v1/<stream>`), 429s included. */
  listRequests: number;
  rateLimited: number;
  unauthorized: number;
}

export interface TemplateSandbox {
  /** Base URL, for `settings.baseUrl` and the credentials: `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly auth: SandboxAuth;
  /** Good credentials for `sync` and `healthCheck`, pointing at this sandbox. */
  readonly credentials: Credentials;
  /** The same shape with a wrong secret. */
  readonly badCredentials: Credentials;
  /** Records served, malformed ones included: what a full sync must emit or quarantine. */
  recordCount(): number;
  /** Adds or replaces a record (matched by `id`), as if it changed at the source. */
  put(kind: StreamKind, record: { id: string; updated_at: string }): void;
  stats(): SandboxStats;
  close(): Promise<void>;
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

export async function startTemplateSandbox(options: TemplateSandboxOptions = {}): Promise<TemplateSandbox> {
  const streams = new Map<StreamKind, unknown[]>(
    STREAM_KINDS.map((kind) => [kind, [...(options.data?.[kind] ?? sandboxRecords(kind))].sort(byUpdate)]),
  );
  const auth = options.auth ?? createSandboxAuth();
  const pageSize = options.pageSize ?? 10;
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
        });
  const exhaustOn = new Set(options.rateLimitOnRequests ?? [2]);
  const stats: SandboxStats = { requests: 0, listRequests: 0, rateLimited: 0, unauthorized: 0 };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    stats.requests += 1;
    const url = new URL(req.url ?? "/", "http://sandbox.invalid");
    if (await auth.handle(req, res, url)) return;
    if (!auth.authorized(req)) {
      stats.unauthorized += 1;
      return sendJson(res, 401, { error: { code: "unauthorized", message: "Invalid or missing credentials" } });
    }
    const kind = STREAMS.find((stream) => stream.path === url.pathname)?.kind;
    if (kind !== undefined) {
      stats.listRequests += 1;
      if (exhaustOn.has(stats.listRequests)) limiter?.exhaust("", "api");
    }
    const rate = limiter?.take("", ["api"]);
    if (rate !== undefined && !rate.allowed) {
      stats.rateLimited += 1;
      return sendJson(res, 429, { error: { code: "rate_limited", message: "Too many requests" } }, rate.headers);
    }
    const headers = rate?.headers ?? {};
    if (req.method !== "GET") {
      return sendJson(res, 405, { error: { code: "method_not_allowed", message: "GET only" } }, headers);
    }
    if (url.pathname === "/v1/me") return sendJson(res, 200, { id: "usr_sandbox", name: "Sandbox User" }, headers);
    if (kind === undefined) {
      return sendJson(res, 404, { error: { code: "not_found", message: `No route ${url.pathname}` } }, headers);
    }

    const since = url.searchParams.get("updated_since");
    const sinceMs = since === null ? undefined : Date.parse(since);
    if (sinceMs !== undefined && Number.isNaN(sinceMs)) {
      const error = { code: "invalid_request", message: "updated_since is not a date" };
      return sendJson(res, 400, { error }, headers);
    }
    const cursor = url.searchParams.get("cursor");
    const offset = cursor === null ? 0 : decodeCursor(cursor);
    if (offset === undefined) {
      return sendJson(res, 400, { error: { code: "invalid_request", message: "cursor is not valid" } }, headers);
    }
    const limit = Number(url.searchParams.get("limit") ?? pageSize);
    const size = Math.min(pageSize, Number.isInteger(limit) && limit > 0 ? limit : pageSize);
    const all = streams.get(kind) ?? [];
    const matching = sinceMs === undefined ? all : all.filter((record) => updatedAtMs(record) >= sinceMs);
    const data = matching.slice(offset, offset + size);
    const next = offset + size < matching.length ? encodeCursor(offset + size) : null;
    return sendJson(res, 200, { data, next_cursor: next }, headers);
  };

  const server = await listenOnLoopback(handle);
  return {
    url: server.url,
    auth,
    credentials: auth.credentials(server.url),
    badCredentials: auth.badCredentials(server.url),
    recordCount: () => [...streams.values()].reduce((total, records) => total + records.length, 0),
    put(kind, record) {
      const records = (streams.get(kind) ?? []).filter((existing) => idOf(existing) !== record.id);
      streams.set(kind, [...records, record].sort(byUpdate));
    },
    stats: () => ({ ...stats }),
    close: () => server.close(),
  };
}
