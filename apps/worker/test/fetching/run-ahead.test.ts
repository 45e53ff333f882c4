/**
 * The fetch thread's run-ahead, driven without a thread: a chain of pages whose cursors say which page comes next,
 * and a fetch that records what it was asked and can be held, failed or aborted.
 */
import { createMemoryLogger } from "@gtm-clarity/core";
import { DEFAULT_LIMITS } from "@gtm-clarity/store";
import { describe, expect, it } from "vitest";
import type { FetchRequest } from "../../src/fetching/messages.js";
import { RunAhead } from "../../src/fetching/run-ahead.js";

interface Page {
  n: number;
  last: boolean;
}

/** Pages 1..`pages`: cursor null is page 1, cursor "k" is page k. */
function chain(pages: number, options: { failAt?: number; now?: () => number; maxUnclaimed?: number; ttlMs?: number } = {}) {
  const asked: string[] = [];
  /** Each fetch's signal, by what it was asked ("page:token"). */
  const signals = new Map<string, AbortSignal>();
  const held = new Map<number, () => void>();
  let hold = false;
  const ahead = new RunAhead<Page>({
    async run(request, signal, logger) {
      const n = request.cursor === null ? 1 : Number(request.cursor);
      const what = `${n}:${String(request.credentials["token"])}`;
      asked.push(what);
      signals.set(what, signal);
      logger.info("fetched", { n });
      if (hold) await new Promise<void>((resolve) => held.set(n, resolve));
      if (n === options.failAt) throw new Error(`page ${n} failed`);
      return { n, last: n >= pages };
    },
    next: (page) => (page.last ? undefined : String(page.n + 1)),
    ...(options.now ? { now: options.now } : {}),
    ...(options.maxUnclaimed === undefined ? {} : { maxUnclaimed: options.maxUnclaimed }),
    ...(options.ttlMs === undefined ? {} : { ttlMs: options.ttlMs }),
  });
  return {
    ahead,
    asked,
    signals,
    held,
    holdFetches(value: boolean) {
      hold = value;
    },
  };
}

let nextId = 1;
function request(cursor: string | null, pages: number, extra: Partial<FetchRequest> = {}): FetchRequest {
  return {
    type: "fetch",
    id: nextId++,
    connectorId: "probe",
    credentials: { token: "t1" },
    cursor,
    fullSync: false,
    settings: { region: "eu" },
    dpaAcceptedAt: null,
    limits: DEFAULT_LIMITS,
    gated: false,
    runAhead: { pages, forMs: 60_000 },
    ...extra,
  };
}

/** Lets every fetch started so far run (the fake fetches settle in microtasks). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("run-ahead along a cursor chain", () => {
  it("fetches as many pages ahead as allowed, and a request for one of them fetches nothing again", async () => {
    const { ahead, asked } = chain(10);
    expect(await ahead.take(request(null, 2), createMemoryLogger()).result).toEqual({ n: 1, last: false });
    await settle();
    expect(asked).toEqual(["1:t1", "2:t1", "3:t1"]);
    expect(ahead.waiting).toBe(2);
    // Claiming page 2 moves the window: page 4 is now allowed, and page 2 is not fetched twice.
    expect((await ahead.take(request("2", 2), createMemoryLogger()).result).n).toBe(2);
    await settle();
    expect(asked).toEqual(["1:t1", "2:t1", "3:t1", "4:t1"]);
    expect(ahead.waiting).toBe(2);
  });

  it("runs nothing ahead with no allowance, inside a vendor budget, after the last page, or past its time", async () => {
    const none = chain(10);
    await none.ahead.take(request(null, 0), createMemoryLogger()).result;
    await none.ahead.take(request("2", 3, { gated: true }), createMemoryLogger()).result;
    await settle();
    expect(none.asked).toEqual(["1:t1", "2:t1"]);

    const short = chain(2);
    await short.ahead.take(request(null, 5), createMemoryLogger()).result;
    await settle();
    expect(short.asked).toEqual(["1:t1", "2:t1"]);

    let clock = 0;
    const late = chain(10, { now: () => clock });
    const first = late.ahead.take(request(null, 3, { runAhead: { pages: 3, forMs: 1_000 } }), createMemoryLogger());
    clock = 1_000;
    await first.result;
    await settle();
    expect(late.asked).toEqual(["1:t1"]);
  });

  it("a request that differs (refreshed credentials) is fetched as asked, not answered from the page fetched ahead", async () => {
    const { ahead, asked, signals } = chain(10, { ttlMs: 20 });
    await ahead.take(request(null, 1), createMemoryLogger()).result;
    await settle();
    expect(asked).toEqual(["1:t1", "2:t1"]);
    await ahead.take(request("2", 0, { credentials: { token: "t2" } }), createMemoryLogger()).result;
    expect(asked).toEqual(["1:t1", "2:t1", "2:t2"]);
    // The page nobody claimed is dropped once its time is up.
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(ahead.waiting).toBe(0);
    expect(signals.get("2:t1")?.aborted).toBe(true);
  });

  it("a page claimed while still in flight is awaited, and its logs reach the caller that claimed it", async () => {
    const { ahead, held, holdFetches } = chain(10);
    holdFetches(true);
    const first = ahead.take(request(null, 1), createMemoryLogger());
    await settle();
    held.get(1)?.();
    await first.result;
    await settle();
    expect([...held.keys()]).toEqual([1, 2]); // page 2 started ahead and is held
    const logger = createMemoryLogger();
    const second = ahead.take(request("2", 0), logger);
    held.get(2)?.();
    expect((await second.result).n).toBe(2);
    expect(logger.entries.map((entry) => [entry.message, entry.fields?.["n"]])).toEqual([["fetched", 2]]);
  });

  it("aborting a page aborts the pages fetched ahead of it", async () => {
    const { ahead, signals, held, holdFetches } = chain(10);
    holdFetches(true);
    const first = ahead.take(request(null, 2), createMemoryLogger());
    await settle();
    held.get(1)?.();
    await first.result;
    await settle();
    held.get(2)?.();
    await settle();
    expect([...signals.keys()]).toEqual(["1:t1", "2:t1", "3:t1"]);
    first.abort("the commit before failed");
    expect(signals.get("2:t1")?.aborted).toBe(true);
    expect(signals.get("3:t1")?.aborted).toBe(true);
    expect(ahead.waiting).toBe(0);
  });

  it("a page fetched ahead that failed fails its claimer, and nothing is fetched after it", async () => {
    const { ahead, asked } = chain(10, { failAt: 2 });
    await ahead.take(request(null, 3), createMemoryLogger()).result;
    await settle();
    expect(asked).toEqual(["1:t1", "2:t1"]);
    await expect(ahead.take(request("2", 3), createMemoryLogger()).result).rejects.toThrow("page 2 failed");
  });

  it("holds at most maxUnclaimed pages fetched ahead, across chains", async () => {
    const { ahead, asked } = chain(100, { maxUnclaimed: 3 });
    await ahead.take(request(null, 10), createMemoryLogger()).result;
    await settle();
    expect(ahead.waiting).toBe(3);
    expect(asked).toHaveLength(4);
    // Another connection's chain gets nothing ahead until pages are claimed.
    await ahead.take(request(null, 10, { credentials: { token: "other" } }), createMemoryLogger()).result;
    await settle();
    expect(asked).toHaveLength(5);
  });
});
