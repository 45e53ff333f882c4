/**
 * `startSandboxServer`: a loopback server with a route table, guards (credentials, rate limits), the fault plan,
 * counters and a request log. Every request goes through the same steps, in the order a real API front door takes
 * them:
 *
 *   route lookup -> guards (unless the route is public) -> 404/405 -> faults drawn -> latency -> fault reply or
 *   handler -> write (normally, trickling or dropped)
 *
 * Guards run before a 404, as real APIs authenticate before saying what exists.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { DEFAULT_MAX_BODY_BYTES } from "./body.js";
import { systemClock, type Clock } from "./clock.js";
import { writeReply } from "./delivery.js";
import { FaultPlan, type DrawnFaults, type FaultKind } from "./faults.js";
import { listenOnLoopback } from "./loopback.js";
import { defaultErrorReply, html, json, SandboxHttpError, type ErrorReply, type Reply } from "./reply.js";
import { LiveSandboxRequest, type SandboxRequest } from "./request.js";
import { RouteTable, type Route } from "./routes.js";
import { Counters, type SandboxStats } from "./stats.js";

/** Runs before the handler; a reply ends the request there (401, 429), undefined lets it through. */
export type Guard = (req: SandboxRequest) => Reply | undefined | Promise<Reply | undefined>;

export interface SandboxServerOptions {
  routes: readonly Route[];
  /** Path prefix of every route, e.g. `/external/v1`; requests outside it are 404s. Default "". */
  basePath?: string;
  guards?: readonly Guard[];
  /** Default: an empty plan (see `server.faults`). */
  faults?: FaultPlan;
  /** The vendor's error body for errors the kit answers itself (400, 404, 405, 413, 500, faults without a body). */
  errorReply?: ErrorReply;
  /** Request bodies larger than this are refused with 413. Default 1 MiB. */
  maxBodyBytes?: number;
  clock?: Clock;
  /** Counters the sandbox adds, listed (at 0) in `stats()` from the start. */
  counters?: readonly string[];
  /** Newest requests kept in the log. Default 100,000. */
  logLimit?: number;
  /** See `LoopbackOptions.lifetimeMs`. */
  lifetimeMs?: number;
  /** Sees errors thrown by handlers (the client got a 500). */
  onError?: (error: unknown, req: SandboxRequest) => void;
}

export interface RequestRecord {
  n: number;
  method: string;
  /** Relative to the base path. */
  path: string;
  query: Record<string, string[]>;
  /** The status sent; 0 while the request is in flight. */
  status: number;
  /** Clock reading on arrival. */
  at: number;
  /** Kinds of the faults applied to it. */
  faults: FaultKind[];
}

export interface SandboxServer {
  /** Origin, e.g. `http://127.0.0.1:53121`. */
  readonly url: string;
  /** `url` + base path: what a connector's base URL setting points at. */
  readonly baseUrl: string;
  readonly port: number;
  readonly faults: FaultPlan;
  stats(): SandboxStats;
  /** Adds to a counter from outside a request (e.g. data served by a side channel). */
  count(counter: string, by?: number): void;
  /** Copies of the logged requests, oldest first. */
  requests(): RequestRecord[];
  /** Zeroes the counters and empties the log (the fault plan is untouched). */
  resetStats(): void;
  close(): Promise<void>;
}

const HTML_ERROR = (status: number) =>
  `<!DOCTYPE html>\n<html><head><title>${status} Error</title></head><body><h1>${status}</h1><p>The server is temporarily unable to service your request.</p></body></html>\n`;

function queryRecord(query: URLSearchParams): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, value] of query) (out[key] ??= []).push(value);
  return out;
}

function lowerCaseKeys(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

function outcomeOf(reply: Reply): "unauthorized" | "rate-limited" | undefined {
  if (reply.outcome !== undefined) return reply.outcome;
  if (reply.status === 401) return "unauthorized";
  return reply.status === 429 ? "rate-limited" : undefined;
}

export async function startSandboxServer(options: SandboxServerOptions): Promise<SandboxServer> {
  const table = new RouteTable(options.routes);
  const basePath = (options.basePath ?? "").replace(/\/+$/, "");
  const guards = options.guards ?? [];
  const faults = options.faults ?? new FaultPlan();
  const errorReply = options.errorReply ?? defaultErrorReply;
  const clock = options.clock ?? systemClock;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const logLimit = options.logLimit ?? 100_000;
  const counters = new Counters(options.counters);
  let log: RequestRecord[] = [];
  let received = 0;

  const fail = (status: number, message: string, code?: string) => errorReply({ status, message, code });

  /** Everything up to the reply; never throws (errors become the vendor's error replies). */
  async function respond(req: LiveSandboxRequest, inBase: boolean, drawn: { value: DrawnFaults | undefined }): Promise<Reply> {
    try {
      if (!inBase) return fail(404, `no route for ${req.url.pathname}`, "not_found");
      const match = table.match(req.method, req.path);
      if (match.kind !== "found" || match.route.public !== true) {
        for (const guard of guards) {
          const refusal = await guard(req);
          if (refusal !== undefined) return refusal;
        }
      }
      if (match.kind === "not-found") return fail(404, `no route for ${req.method} ${req.path}`, "not_found");
      if (match.kind === "wrong-method") {
        const allow = match.allowed.join(", ");
        const base = fail(405, `${req.method} is not allowed here; use ${allow}`, "method_not_allowed");
        return { ...base, headers: { ...base.headers, allow } };
      }
      req.params = match.params;
      const faultsForRequest = faults.draw(req, match.route.contentFaults === true);
      drawn.value = faultsForRequest;
      counters.add("faultsInjected", faultsForRequest.applied.length);
      if (faultsForRequest.latencyMs > 0) await sleep(faultsForRequest.latencyMs, undefined, { signal: req.signal });
      const injected = faultsForRequest.reply;
      if (injected?.kind === "html") return html(injected.status, injected.html ?? HTML_ERROR(injected.status));
      if (injected?.kind === "status") {
        const base = injected.body === undefined ? fail(injected.status, "injected fault", "injected_fault") : json(injected.status, injected.body);
        return { ...base, headers: { ...base.headers, ...(injected.headers ?? {}) } };
      }
      req.contentFaults = faultsForRequest.content;
      return await match.route.handler(req);
    } catch (error) {
      if (error instanceof SandboxHttpError) {
        const base = fail(error.status, error.message, error.code);
        return { ...base, headers: { ...base.headers, ...error.headers } };
      }
      if (req.signal.aborted) return fail(503, "the sandbox is shutting down", "shutting_down");
      options.onError?.(error, req);
      return fail(500, error instanceof Error ? error.message : "sandbox handler error", "sandbox_error");
    }
  }

  async function handle(incoming: IncomingMessage, res: ServerResponse): Promise<void> {
    received += 1;
    counters.add("requests");
    const url = new URL(incoming.url ?? "/", "http://sandbox.invalid");
    const inBase = basePath === "" || url.pathname === basePath || url.pathname.startsWith(`${basePath}/`);
    const path = inBase ? url.pathname.slice(basePath.length) || "/" : url.pathname;
    const req = new LiveSandboxRequest({
      n: received,
      incoming,
      url,
      path,
      receivedAt: clock(),
      maxBodyBytes,
      signal: listener.signal,
      count: (name, by) => counters.add(name, by),
    });
    const record: RequestRecord = { n: req.n, method: req.method, path, query: queryRecord(url.searchParams), status: 0, at: req.receivedAt, faults: [] };
    log.push(record);
    if (log.length > logLimit) log.splice(0, log.length - logLimit);

    const drawn: { value: DrawnFaults | undefined } = { value: undefined };
    const reply = await respond(req, inBase, drawn);
    record.status = reply.status;
    record.faults = (drawn.value?.applied ?? []).map((fault) => fault.kind);
    const outcome = outcomeOf(reply);
    if (outcome === "unauthorized") counters.add("unauthorized");
    if (outcome === "rate-limited") counters.add("rateLimited");
    if (reply.status >= 500) counters.add("serverErrors");
    if (listener.closed) return;
    const headers = { ...req.responseHeaders, ...lowerCaseKeys(reply.headers) };
    // The rest of an oversized body was discarded unread: this connection cannot carry another request.
    if (reply.status === 413) headers["connection"] = "close";
    await writeReply(res, reply, headers, drawn.value?.delivery, listener.signal);
  }

  const listener = await listenOnLoopback(
    (incoming, res) => {
      handle(incoming, res).catch(() => {
        // Only the socket write itself can fail here (client gone): nothing left to answer.
        if (!res.destroyed) res.destroy();
      });
    },
    options.lifetimeMs === undefined ? {} : { lifetimeMs: options.lifetimeMs },
  );

  return {
    url: listener.url,
    baseUrl: `${listener.url}${basePath}`,
    port: listener.port,
    faults,
    stats: () => counters.snapshot(),
    count: (name, by = 1) => counters.add(name, by),
    requests: () => log.map((entry) => ({ ...entry, query: { ...entry.query }, faults: [...entry.faults] })),
    resetStats() {
      counters.reset();
      log = [];
    },
    close: () => listener.close(),
  };
}
