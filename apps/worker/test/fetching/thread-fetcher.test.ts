/**
 * Pages fetched in a worker thread: the same page as in this thread (fetched ahead or not), typed errors, logs, aborts
 * and budget slots all crossing the thread boundary, and every way it can go wrong ending in a fetch done here or a retryable error.
 */
import { createServer, type Server } from "node:http";
import { getPriority } from "node:os";
import type { AddressInfo } from "node:net";
import {
  createMemoryLogger,
  isAuthError,
  isRateLimitError,
  isTransientError,
  parseConnectorSettings,
  RateLimitError,
  withRequestGate,
  type CanonicalRecord,
  type Connector,
  type RequestGate,
} from "@gtm-clarity/core";
import { fathomSandbox } from "@gtm-clarity/connector-fathom/sandbox";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "@gtm-clarity/store";
import { inThreadFetcher, type PageFetcher, type PageFetchOptions } from "../../src/fetching/page-fetcher.js";
import { createThreadFetcher, fetchThreadsFrom } from "../../src/fetching/thread-fetcher.js";
import { fastFathom } from "../support/fast-connectors.js";
import { ProbeConnector } from "./probe-connectors.js";

const PROBE = new URL("./probe-connectors.ts", import.meta.url);
const FAST = new URL("../support/fast-connectors.ts", import.meta.url);
const probe = new ProbeConnector();
/** The test process's own nice value, before any fetch thread exists. */
const MAIN_NICE = getPriority();
const open: PageFetcher[] = [];

function probeFetcher(connectorsModule = PROBE) {
  const logger = createMemoryLogger();
  const fetcher = createThreadFetcher({ threads: 1, connectorsModule, exportName: "probeConnectors", logger });
  open.push(fetcher);
  return { fetcher, logger };
}

function options(signal = new AbortController().signal): PageFetchOptions & { logger: ReturnType<typeof createMemoryLogger> } {
  return { fullSync: false, settings: { region: "eu" }, dpaAcceptedAt: new Date("2026-01-02T03:04:05Z"), signal, logger: createMemoryLogger(), limits: DEFAULT_LIMITS };
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((f) => f.close()));
});

describe("fetchThreadsFrom", () => {
  it("takes FETCH_THREADS when it is a whole number, else one per spare core within 1..4", () => {
    expect(fetchThreadsFrom({ FETCH_THREADS: "0" })).toBe(0);
    expect(fetchThreadsFrom({ FETCH_THREADS: "3" })).toBe(3);
    const fallback = fetchThreadsFrom({ FETCH_THREADS: "many" });
    expect(fallback).toBeGreaterThanOrEqual(1);
    expect(fallback).toBeLessThanOrEqual(4);
  });
});

describe("a page fetched in a fetch thread", () => {
  it("runs in another thread and comes back whole", async () => {
    const { fetcher } = probeFetcher();
    const result = await fetcher.fetch(probe, { token: "t" }, null, options());
    expect(result.stats.counts?.["thread"]).toBeGreaterThan(0);
    // Prepared for the store in the thread: validated and serialised, ready to write.
    expect(result.prepared.records.map((r) => r.externalId)).toEqual(["plain"]);
    expect(JSON.parse(result.prepared.records[0]?.json ?? "{}")).toMatchObject({ kind: "account", externalId: "plain" });
    // Linux keeps a nice value per thread: the fetch thread yields to the commits, the main thread is untouched.
    if (process.platform === "linux") {
      expect(result.stats.counts?.["nice"]).toBe(Math.max(10, MAIN_NICE));
      expect(getPriority()).toBe(MAIN_NICE);
    }
  });

  it("runs ahead along the cursor chain as far as it is allowed: later pages were fetched before they were asked for", async () => {
    const { fetcher } = probeFetcher();
    const fetchAt = async (cursor: string, pages: number) => {
      const asked = Date.now();
      const result = await fetcher.fetch(probe, { token: "t" }, cursor, { ...options(), runAhead: { pages, forMs: 60_000 } });
      return { asked, at: result.stats.counts?.["at"] ?? Number.NaN, page: result.stats.counts?.["page"], ids: result.prepared.records.map((r) => r.externalId) };
    };
    const pause = () => new Promise((resolve) => setTimeout(resolve, 30));
    // Allowed nothing ahead: page 2 is fetched when asked.
    await fetchAt("chain:1", 0);
    await pause();
    const onDemand = await fetchAt("chain:2", 0);
    expect(onDemand.at).toBeGreaterThanOrEqual(onDemand.asked);
    // Allowed two: pages 2 and 3 started before page 1 was even sent back; page 4 only once page 2 was claimed.
    await fetchAt("chain:1", 2);
    await pause();
    const second = await fetchAt("chain:2", 2);
    await pause();
    const third = await fetchAt("chain:3", 0);
    expect(second).toMatchObject({ page: 2, ids: ["c2"] });
    expect(second.at).toBeLessThan(second.asked);
    expect(third).toMatchObject({ page: 3, ids: ["c3"] });
    expect(third.at).toBeLessThan(third.asked);
    await pause();
    const fifth = await fetchAt("chain:5", 0);
    expect(fifth.at).toBeGreaterThanOrEqual(fifth.asked); // page 4 was the last allowed, and never asked for
  });

  it("logs through the caller's logger, with the settings and DPA date it was given", async () => {
    const { fetcher } = probeFetcher();
    const opts = options();
    await fetcher.fetch(probe, { token: "t" }, "log", opts);
    expect(opts.logger.entries).toEqual([
      { level: "info", message: "probe page", fields: { cursor: "log", settings: { region: "eu" }, dpa: "2026-01-02T03:04:05.000Z" } },
    ]);
  });

  it("fails with the connector's own error class, so callers still decide by it", async () => {
    const { fetcher } = probeFetcher();
    const auth = await fetcher.fetch(probe, { token: "t" }, "auth", options()).catch((e: unknown) => e);
    expect(isAuthError(auth)).toBe(true);
    expect(auth).toMatchObject({ message: "token rejected by the probe", vendorCode: "INVALID_SESSION_ID" });
    const limited = await fetcher.fetch(probe, { token: "t" }, "limit:4200", options()).catch((e: unknown) => e);
    expect(isRateLimitError(limited) && limited.retryAfterMs).toBe(4200);
  });

  it("stops when the caller aborts, and the thread goes on serving", async () => {
    const { fetcher } = probeFetcher();
    const controller = new AbortController();
    const started = Date.now();
    const hanging = fetcher.fetch(probe, { token: "t" }, "hang", options(controller.signal));
    setTimeout(() => controller.abort(new Error("stop now")), 200);
    await expect(hanging).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(30_000); // the page would otherwise hang for 60 s
    const next = await fetcher.fetch(probe, { token: "t" }, null, options());
    expect(next.prepared.records).toHaveLength(1);
  });

  it("a thread that dies fails its page as retryable, and the next page gets a new thread", async () => {
    const { fetcher } = probeFetcher();
    const died = await fetcher.fetch(probe, { token: "t" }, "exit", options()).catch((e: unknown) => e);
    expect(isTransientError(died)).toBe(true);
    expect(String(died)).toMatch(/exited with code 3/);
    const next = await fetcher.fetch(probe, { token: "t" }, null, options());
    expect(next.stats.counts?.["thread"]).toBeGreaterThan(0);
  });

  it("a page that cannot cross threads is fetched here instead, with one warning", async () => {
    const { fetcher, logger } = probeFetcher();
    const first = await fetcher.fetch(probe, { token: "t" }, "uncloneable", options());
    expect(first.prepared.records.map((r) => r.externalId)).toEqual(["u"]);
    const second = await fetcher.fetch(probe, { token: "t" }, null, options());
    expect(second.stats.counts?.["thread"]).toBe(0);
    expect(logger.entries.filter((e) => e.level === "warn")).toHaveLength(1);
  });

  it("a connector the thread holds at another version is fetched here", async () => {
    const { fetcher, logger } = probeFetcher();
    const result = await fetcher.fetch(new ProbeConnector("2.0.0"), { token: "t" }, null, options());
    expect(result.stats.counts?.["thread"]).toBe(0);
    expect(logger.entries[0]?.message).toMatch(/do not hold version 2\.0\.0/);
  });

  it("threads that cannot load the connectors leave every page to this thread, after one error", async () => {
    const { fetcher, logger } = probeFetcher(new URL("./no-such-module.ts", import.meta.url));
    for (let i = 0; i < 2; i += 1) {
      const result = await fetcher.fetch(probe, { token: "t" }, null, options());
      expect(result.stats.counts?.["thread"]).toBe(0);
    }
    expect(logger.entries.filter((e) => e.level === "error")).toHaveLength(1);
  });

  it("warm starts the threads and loads their connectors before the first page asks", async () => {
    const { fetcher } = probeFetcher();
    await fetcher.warm();
    await fetcher.warm(); // idempotent: still one thread
    const first = await fetcher.fetch(probe, { token: "t" }, null, options());
    const second = await fetcher.fetch(probe, { token: "t" }, null, options());
    expect(first.stats.counts?.["thread"]).toBeGreaterThan(0);
    expect(second.stats.counts?.["thread"]).toBe(first.stats.counts?.["thread"]);
  });

  it("with 0 threads everything runs here", async () => {
    const fetcher = createThreadFetcher({ threads: 0, logger: createMemoryLogger() });
    const result = await fetcher.fetch(probe, { token: "t" }, null, options());
    expect(result.stats.counts?.["thread"]).toBe(0);
  });
});

describe("budget slots for requests sent from a fetch thread", () => {
  let server: Server;
  let url = "";
  let requests = 0;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      requests += 1;
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("each request takes a slot from the calling scope's gate and gives it back", async () => {
    const { fetcher } = probeFetcher();
    const seen: string[] = [];
    let held = 0;
    let released = 0;
    const gate: RequestGate = {
      acquire: async (request) => {
        seen.push(`${request.method} ${request.url.pathname}`);
        held += 1;
        return () => {
          held -= 1;
          released += 1;
        };
      },
    };
    requests = 0;
    await withRequestGate(gate, () => fetcher.fetch(probe, { token: "t", url }, "http:3", options()));
    expect(seen).toEqual(["GET /r0", "GET /r1", "GET /r2"]);
    expect(requests).toBe(3);
    // A release is a message on its way when the page settles; it arrives right after.
    await expect.poll(() => released).toBe(3);
    expect(held).toBe(0);
  });

  it("a page fetched here after all (it could not cross threads) still runs inside the caller's gate", async () => {
    const { fetcher } = probeFetcher();
    // The thread starts outside any gate (its message handlers must not lend their context to the page).
    await fetcher.warm();
    let acquired = 0;
    const gate: RequestGate = { acquire: async () => (acquired += 1, () => undefined) };
    requests = 0;
    const result = await withRequestGate(gate, () => fetcher.fetch(probe, { token: "t", url }, "http-uncloneable:2", options()));
    expect(result.prepared.records.map((r) => r.externalId)).toEqual(["u"]);
    // Two requests from the thread, two more when this thread fetched the page again: all four through the gate.
    expect(requests).toBe(4);
    expect(acquired).toBe(4);
  });

  it("a gate that refuses fails the page with its error, and nothing is sent", async () => {
    const { fetcher } = probeFetcher();
    const refusing: RequestGate = { acquire: () => Promise.reject(new RateLimitError("budget spent", 9_000)) };
    requests = 0;
    const error = await withRequestGate(refusing, () => fetcher.fetch(probe, { token: "t", url }, "http:2", options())).catch((e: unknown) => e);
    expect(isRateLimitError(error) && error.retryAfterMs).toBe(9_000);
    expect(requests).toBe(0);
  });
});

describe("a real connector in a fetch thread", () => {
  it("pulls and prepares the same Fathom pages as this thread does", async () => {
    const sandbox = await fathomSandbox.start({ size: 30, rateLimit: false });
    const fetcher = createThreadFetcher({ threads: 1, connectorsModule: FAST, exportName: "fastConnectors", logger: createMemoryLogger() });
    open.push(fetcher);
    try {
      const connector: Connector<CanonicalRecord> = fastFathom();
      const settings = parseConnectorSettings<Record<string, unknown>>(connector, { baseUrl: sandbox.url });
      const pull = async (fetchPage: (cursor: string | null) => ReturnType<PageFetcher["fetch"]>) => {
        const pages: unknown[] = [];
        for (let cursor: string | null = null; ; ) {
          const result = await fetchPage(cursor);
          // The cursor holds the run's start time ("until"), which differs between the two runs.
          const cursorShape = result.cursor?.replace(/"until":"[^"]+"/, '"until":"…"') ?? null;
          pages.push({ records: result.records, documents: result.documents, prepared: result.prepared, cursorShape });
          if (!result.hasMore) return pages;
          cursor = result.cursor;
        }
      };
      const opts = { ...options(), settings };
      const here = await pull((cursor) => inThreadFetcher.fetch(connector, sandbox.credentials, cursor, opts));
      const before = sandbox.stats().requests;
      // Run ahead as a sync does: the pages fetched before they were asked for are the same pages, each fetched once.
      const there = await pull((cursor) => fetcher.fetch(connector, sandbox.credentials, cursor, { ...opts, runAhead: { pages: 2, forMs: 60_000 } }));
      expect(here.length).toBeGreaterThan(1);
      expect(there).toEqual(here);
      expect(sandbox.stats().requests - before).toBe(before);
    } finally {
      await sandbox.close();
    }
  });
});
