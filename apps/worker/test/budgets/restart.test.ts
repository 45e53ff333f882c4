/**
 * Durable, shared vendor budgets against a loopback source that allows LIMIT requests per WINDOW (scaled down from
 * 60 per minute so the test takes seconds; the sliding-window arithmetic is the same).
 *
 * Crash-and-restart loop: each "life" of the worker is what a restarted process has: a fresh HTTP client (its
 * in-memory pacer starts empty) and a fresh gate, sending as fast as its budget lets it. A life ends like a kill -9:
 * its in-flight request is abandoned and its slot is never given back. With only the in-memory pacer, the loop
 * overruns the source (the figure is printed); with the store-backed budget, no WINDOW of the source's arrival
 * times ever holds more than LIMIT requests. Then two connections to one account share one budget.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createHttpClient, withRequestGate, type RequestGate } from "@gtm-clarity/core";
import type { Store } from "@gtm-clarity/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBudgetGate, createBudgetScope } from "../../src/budgets/gate.js";
import { createEngineDatabase, engines, reportSkip, type EngineDatabase } from "../support/engines.js";
import { z } from "zod";

const LIMIT = 10;
const WINDOW = 2_000;
const Ok = z.object({ ok: z.boolean() });

interface Source {
  url: string;
  arrivals: number[];
  close(): Promise<void>;
}

async function startSource(): Promise<Source> {
  const arrivals: number[] = [];
  const server: Server = createServer((_req, res) => {
    arrivals.push(Date.now());
    // A little latency, so kills land with requests in flight.
    setTimeout(() => res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}'), 5);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrivals,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The most arrivals any WINDOW-long interval holds. */
function busiestWindow(arrivals: readonly number[]): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i += 1) {
    while ((sorted[i] ?? 0) - (sorted[j] ?? 0) >= WINDOW) j += 1;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

/** A gate whose slots are never given back once the life is killed (what kill -9 leaves behind). */
function killable(gate: RequestGate, life: { killed: boolean }): RequestGate {
  return { acquire: async (request) => {
    const done = await gate.acquire(request);
    return () => {
      if (!life.killed) done();
    };
  } };
}

/** One life: sends through a fresh client until `ms` have passed, then dies mid-request. */
async function live(source: Source, ms: number, gate: ((life: { killed: boolean }) => RequestGate) | undefined): Promise<void> {
  const life = { killed: false };
  const stop = new AbortController();
  const http = createHttpClient({ baseUrl: source.url, name: "hammer", rateLimit: { requests: LIMIT, windowMs: WINDOW }, retry: { maxAttempts: 1 } });
  const timer = setTimeout(() => {
    life.killed = true;
    stop.abort(new Error("killed"));
  }, ms);
  const loop = async () => {
    while (!stop.signal.aborted) await http.getJson("/x", Ok, { signal: stop.signal });
  };
  try {
    await (gate ? withRequestGate(gate(life), loop) : loop());
  } catch {
    // the kill
  } finally {
    clearTimeout(timer);
  }
}

async function restartLoop(source: Source, totalMs: number, gate: ((life: { killed: boolean }) => RequestGate) | undefined): Promise<number> {
  const started = Date.now();
  let lives = 0;
  while (Date.now() - started < totalMs) {
    await live(source, 100 + Math.floor(Math.random() * 300), gate);
    lives += 1;
  }
  return lives;
}

describe.each(engines)("vendor budgets in the store on $name", (engine) => {
  if (reportSkip(engine)) return;
  let db: EngineDatabase;
  let store: Store;
  const sources: Source[] = [];

  beforeAll(async () => {
    db = await createEngineDatabase(engine, { memory: true });
    store = await db.open();
    await store.createTenant({ tenantId: "budget" });
  }, 120_000);
  afterAll(async () => {
    await Promise.all(sources.map((s) => s.close()));
    await store?.close();
    await db?.dispose();
  });

  it("a crash-and-restart loop stays within the source's window; the in-memory pacer alone does not", { timeout: 120_000 }, async () => {
    const unguarded = await startSource();
    sources.push(unguarded);
    const livesWithout = await restartLoop(unguarded, 3 * WINDOW, undefined);
    const overrun = busiestWindow(unguarded.arrivals);

    const guarded = await startSource();
    sources.push(guarded);
    const spec = { key: "hammer:account", requests: LIMIT, windowMs: WINDOW };
    const gate = (life: { killed: boolean }) => killable(createBudgetGate({ budgets: store.budgets, tenantId: "budget", spec, maxRequestMs: 500 }), life);
    const lives = await restartLoop(guarded, 3 * WINDOW, gate);
    const busiest = busiestWindow(guarded.arrivals);
    console.log(
      `[budgets ${engine.name}] source allows ${LIMIT}/${WINDOW} ms. In-memory pacer only: ${livesWithout} lives, ${unguarded.arrivals.length} requests, busiest window ${overrun}. ` +
        `Store budget: ${lives} lives, ${guarded.arrivals.length} requests, busiest window ${busiest}.`,
    );
    expect(overrun).toBeGreaterThan(LIMIT);
    expect(busiest).toBeLessThanOrEqual(LIMIT);
    expect(guarded.arrivals.length).toBeGreaterThanOrEqual(LIMIT);
  });

  it("two connections to one account share its budget; a connection to another account has its own", { timeout: 120_000 }, async () => {
    const shared = await startSource();
    const other = await startSource();
    sources.push(shared, other);
    const connection = async (org: string) =>
      (
        await store.createConnection({
          tenantId: "budget",
          connectorId: "salesforce",
          connectorVersion: "0.1.0",
          settings: { organizationId: org },
          credentials: { refreshToken: "not-a-real-token" },
        })
      ).id;
    const [a, b, c] = [await connection("00D000000000AAA"), await connection("00D000000000AAA"), await connection("00D000000000BBB")];
    const scope = createBudgetScope({
      budgets: store.budgets,
      getConnection: (ref) => store.getConnection(ref),
      getCredentials: (ref) => store.getConnectionCredentials(ref),
      windows: { salesforce: { requests: LIMIT, windowMs: WINDOW } },
      maxRequestMs: 500,
    });
    const hammer = async (connectionId: string, source: Source) => {
      const http = createHttpClient({ baseUrl: source.url, name: "hammer", retry: { maxAttempts: 1 } });
      const until = Date.now() + 2 * WINDOW;
      let sent = 0;
      await scope({ tenantId: "budget", connectionId }, async () => {
        while (Date.now() < until) {
          await http.getJson("/x", Ok);
          sent += 1;
        }
      });
      return sent;
    };
    const [sentA, sentB, sentC] = await Promise.all([hammer(a, shared), hammer(b, shared), hammer(c, other)]);
    console.log(`[budgets ${engine.name}] shared org: ${sentA} + ${sentB} requests, busiest window ${busiestWindow(shared.arrivals)}; other org: ${sentC}`);
    expect(busiestWindow(shared.arrivals)).toBeLessThanOrEqual(LIMIT);
    expect(sentA).toBeGreaterThan(0);
    expect(sentB).toBeGreaterThan(0);
    // The other org's budget is untouched by the first: it gets a full allowance of its own.
    expect(sentC).toBeGreaterThanOrEqual(LIMIT);
  });
});
