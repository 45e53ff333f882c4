/**
 * Durable, shared vendor budgets against a loopback source that allows LIMIT requests per WINDOW (scaled down from
 * 60 per minute so the test takes seconds; the sliding-window arithmetic is the same, and every duration below is a
 * multiple of WINDOW).
 *
 * Crash-and-restart loop: each "life" of the worker is what a restarted process has: a fresh HTTP client (its
 * in-memory pacer starts empty) and a fresh gate, sending as fast as its budget lets it. A life ends like a kill -9:
 * the moment its PER_LIFE-th request reaches the source (or once it has lived LIFE_MS, waiting for a slot), with that
 * request in flight and its slot never given back. With only the in-memory pacer, the loop overruns the source (the
 * figure is printed); with the store-backed budget, no WINDOW of the source's arrival times ever holds more than
 * LIMIT requests. Then two connections to one account share one budget.
 *
 * Why the bound holds however loaded the machine is: the source records an arrival between the moment its slot was
 * taken in the store and the moment it was given back (the store then holds it one more WINDOW), and the source and
 * the store read the same clock. A slow machine only sends fewer requests.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createHttpClient, withRequestGate, type RequestGate } from "@gtm-clarity/core";
import type { Store } from "@gtm-clarity/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBudgetGate, createBudgetScope } from "../../src/budgets/gate.js";
import { connectorRegistry } from "../../src/connectors.js";
import { createEngineDatabase, engines, reportSkip, type EngineDatabase } from "../support/engines.js";
import { z } from "zod";

const LIMIT = 10;
const WINDOW = 1_000;
/** A life is killed when this many of its requests have reached the source: more than half the limit, so two fresh lives overrun it. */
const PER_LIFE = 6;
/** ...or when it has lived this long (a guarded life may wait for a slot). */
const LIFE_MS = WINDOW / 4;
/** The longest a request may take, for a slot never given back (the store holds it this long plus WINDOW). */
const MAX_REQUEST_MS = WINDOW / 2;
const Ok = z.object({ ok: z.boolean() });

interface Source {
  url: string;
  arrivals: number[];
  /** Called at each arrival, before it is answered (the request is then in flight). */
  onArrival: (() => void) | undefined;
  close(): Promise<void>;
}

async function startSource(): Promise<Source> {
  const source: Omit<Source, "url" | "close"> = { arrivals: [], onArrival: undefined };
  const server: Server = createServer((_req, res) => {
    source.arrivals.push(Date.now());
    source.onArrival?.();
    // A little latency, so a request is in flight for a while.
    setTimeout(() => res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}'), 5);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return Object.assign(source, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
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

type GateForLife = (life: { killed: boolean }) => RequestGate;

/**
 * One life: sends through a fresh client until its PER_LIFE-th request arrives (or, with a gate to wait on, LIFE_MS
 * pass), then dies mid-request. Without a gate nothing holds a life back (its pacer allows LIMIT), so only the count
 * ends it, however slow the machine.
 */
async function live(source: Source, gate: GateForLife | undefined): Promise<void> {
  const life = { killed: false };
  const stop = new AbortController();
  const kill = () => {
    life.killed = true;
    stop.abort(new Error("killed"));
  };
  const http = createHttpClient({ baseUrl: source.url, name: "hammer", rateLimit: { requests: LIMIT, windowMs: WINDOW }, retry: { maxAttempts: 1 } });
  let arrived = 0;
  source.onArrival = () => {
    arrived += 1;
    if (arrived === PER_LIFE) kill();
  };
  const timer = gate ? setTimeout(kill, LIFE_MS) : undefined;
  const loop = async () => {
    while (!stop.signal.aborted) await http.getJson("/x", Ok, { signal: stop.signal });
  };
  try {
    await (gate ? withRequestGate(gate(life), loop) : loop());
  } catch {
    // the kill
  } finally {
    clearTimeout(timer);
    source.onArrival = undefined;
  }
}

async function restartLoop(source: Source, until: () => boolean, gate: GateForLife | undefined): Promise<number> {
  let lives = 0;
  while (!until()) {
    await live(source, gate);
    lives += 1;
  }
  return lives;
}

const sources: Source[] = [];
afterAll(async () => {
  await Promise.all(sources.map((s) => s.close()));
});

describe("the in-memory pacer alone (no store: engine-independent)", () => {
  it("lets a crash-and-restart loop overrun the source's window", { timeout: 60_000 }, async () => {
    const unguarded = await startSource();
    sources.push(unguarded);
    // Three lives, each killed at its PER_LIFE-th arrival: its fresh pacer never held it back.
    const lives = await restartLoop(unguarded, () => unguarded.arrivals.length >= 3 * PER_LIFE, undefined);
    const overrun = busiestWindow(unguarded.arrivals);
    console.log(`[budgets] source allows ${LIMIT}/${WINDOW} ms. In-memory pacer only: ${lives} lives, ${unguarded.arrivals.length} requests, busiest window ${overrun}.`);
    expect(lives).toBe(3);
    expect(overrun).toBeGreaterThan(LIMIT);
  });
});

describe.each(engines)("vendor budgets in the store on $name", (engine) => {
  if (reportSkip(engine)) return;
  let db: EngineDatabase;
  let store: Store;

  beforeAll(async () => {
    db = await createEngineDatabase(engine);
    store = await db.open();
    await store.createTenant({ tenantId: "budget" });
  });
  afterAll(async () => {
    await store?.close();
    await db?.dispose();
  });

  it("a crash-and-restart loop stays within the source's window", { timeout: 120_000 }, async () => {
    const guarded = await startSource();
    sources.push(guarded);
    const spec = { key: "hammer:account", requests: LIMIT, windowMs: WINDOW };
    const gate: GateForLife = (life) => killable(createBudgetGate({ budgets: store.budgets, tenantId: "budget", spec, maxRequestMs: MAX_REQUEST_MS }), life);
    // Long enough for the window to slide past the first LIMIT slots (killed lives' ones included) and admit more.
    const until = Date.now() + 2.5 * WINDOW;
    const lives = await restartLoop(guarded, () => Date.now() >= until, gate);
    const busiest = busiestWindow(guarded.arrivals);
    console.log(`[budgets ${engine.name}] Store budget: ${lives} lives, ${guarded.arrivals.length} requests, busiest window ${busiest}.`);
    expect(busiest).toBeLessThanOrEqual(LIMIT);
    // It held the lives back rather than stopping them: more than one window's allowance got through, by more than one life.
    expect(guarded.arrivals.length).toBeGreaterThan(LIMIT);
    expect(lives).toBeGreaterThan(LIMIT / PER_LIFE);
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
      connectorOf: (id) => (connectorRegistry.has(id) ? connectorRegistry.get(id) : undefined),
      maxRequestMs: MAX_REQUEST_MS,
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
