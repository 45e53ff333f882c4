/**
 * `syncPages` / `syncOnePage` with no Temporal at all: a plain runtime object supplies heartbeats and cancellation.
 * The pipelined call is checked for what it promises: the next page is fetched while the current one commits, a
 * page commits only after the one before it, a failed commit aborts the prefetch and commits nothing after it.
 */
import { randomUUID } from "node:crypto";
import { noopLogger, PagingLoopError } from "@gtm-clarity/core";
import type { Store } from "@gtm-clarity/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConnectionSource } from "../../src/activities/connection-source.js";
import { storePort } from "../../src/activities/store-port.js";
import type { SyncStore } from "../../src/activities/store-port.js";
import { PageCancelledError, syncOnePage, syncPages, type PageHeartbeat, type PageRuntime } from "../../src/activities/sync-page.js";
import { inThreadFetcher, type PageFetcher } from "../../src/fetching/page-fetcher.js";
import { lookup, memoryStore, page, ScriptedConnector, scriptedConnection } from "../support/fixtures.js";

let store: Store;
beforeAll(async () => {
  store = await memoryStore();
});
afterAll(async () => {
  await store.close();
});

async function setup(steps: ConstructorParameters<typeof ScriptedConnector>[1], wrap: (port: SyncStore) => SyncStore = (p) => p) {
  const connector = new ScriptedConnector(`plain-${randomUUID().slice(0, 6)}`, steps);
  const tenantId = `t-${randomUUID().slice(0, 6)}`;
  const connectionId = await scriptedConnection(store, tenantId, connector.id);
  const port = wrap(storePort(store));
  const connections = createConnectionSource({ store: port, connectors: lookup(connector), logger: noopLogger, now: Date.now, connectionCacheMs: 0 });
  const deps = { store: port, connections, fetcher: inThreadFetcher, prefetchDepth: 2, logger: noopLogger, heartbeatIntervalMs: 1_000, maxPagesPerSync: 10, maxCallMs: 60_000, now: Date.now };
  const run = await port.startRun({ tenantId, connectionId, connectorVersion: connector.version, fullRefresh: false });
  const input = { tenantId, connectionId, runId: run.id, cursor: null, page: 1, fullSync: false };
  return { deps, input, port, connector };
}

function plainRuntime(controller = new AbortController()): PageRuntime & { beats: PageHeartbeat[] } {
  const beats: PageHeartbeat[] = [];
  return { beats, heartbeat: (details) => beats.push(details as PageHeartbeat), signal: controller.signal, heartbeatDetails: undefined };
}

describe("syncOnePage without Temporal", () => {
  it("fetches from the stored cursor and commits the page with its cursor, heartbeating through the runtime", async () => {
    const { deps, input, port } = await setup([async () => page("c1", true, ["a", "b"])]);
    const runtime = plainRuntime();
    const result = await syncOnePage(deps, input, runtime);
    expect(result).toEqual({ cursor: "c1", hasMore: true, records: 2, quarantined: 0, documents: 0 });
    expect(await port.getCursor(input)).toBe("c1");
    expect(runtime.beats.map((beat) => beat.phase)).toEqual(["fetching", "committed"]);
  });

  it("a page fetched after the runtime's signal aborted is not committed (PageCancelledError)", async () => {
    const controller = new AbortController();
    const { deps, input, port } = await setup([
      async () => {
        controller.abort("stop");
        return page("c1", true, ["a"]);
      },
    ]);
    await expect(syncOnePage(deps, input, plainRuntime(controller))).rejects.toBeInstanceOf(PageCancelledError);
    expect(await port.getCursor(input)).toBeNull();
  });
});

/** A promise with its resolver, to hold a step of the script until the test lets it go. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open: () => open() };
}

describe("syncPages: the next page is fetched while the current one commits", () => {
  it("starts fetching page 2 before page 1's commit returns, and commits pages in order with their cursors", async () => {
    const events: string[] = [];
    const commitHeld = gate();
    const { deps, input, port } = await setup(
      [
        async () => page("c1", true, ["a"]),
        async () => {
          events.push("fetch 2 started");
          commitHeld.open(); // page 1's commit may finish only once this fetch is under way
          return page("c2", true, ["b"]);
        },
        async () => page("c3", false, ["c"]),
      ],
      (inner) => ({
        ...inner,
        commitPage: async (commit) => {
          events.push(`commit ${commit.cursor ?? "null"} begins`);
          if (commit.cursor === "c1") await commitHeld.promise;
          const result = await inner.commitPage(commit);
          events.push(`commit ${commit.cursor ?? "null"} done`);
          return result;
        },
      }),
    );
    const runtime = plainRuntime();
    const total = await syncPages(deps, { ...input, maxPages: 10 }, runtime);
    expect(total).toMatchObject({ pages: 3, records: 3, cursor: "c3", hasMore: false });
    expect(events.indexOf("fetch 2 started")).toBeLessThan(events.indexOf("commit c1 done"));
    expect(events.filter((e) => e.startsWith("commit"))).toEqual([
      "commit c1 begins",
      "commit c1 done",
      "commit c2 begins",
      "commit c2 done",
      "commit c3 begins",
      "commit c3 done",
    ]);
    expect(await port.getCursor(input)).toBe("c3");
    const committed = runtime.beats.filter((b): b is Extract<PageHeartbeat, { phase: "committed" }> => b.phase === "committed");
    expect(committed.map((b) => [b.page, b.result.cursor, b.total.pages])).toEqual([
      [1, "c1", 1],
      [2, "c2", 2],
      [3, "c3", 3],
    ]);
  });

  it("a failed commit aborts the prefetched page: nothing after the failure commits, the cursor stays put", async () => {
    let prefetchSignal: AbortSignal | undefined;
    const prefetching = gate();
    const { deps, input, port, connector } = await setup(
      [
        async () => page("c1", true, ["a"]),
        async () => page("c2", true, ["b"]),
        () =>
          new Promise((_resolve, reject) => {
            prefetchSignal = connector.calls.at(-1)?.options.signal;
            prefetchSignal?.addEventListener("abort", () => reject(new Error("aborted")));
            prefetching.open();
          }),
      ],
      (inner) => ({
        ...inner,
        commitPage: async (commit) => {
          if (commit.cursor !== "c2") return inner.commitPage(commit);
          await prefetching.promise; // fail only once page 3 is being fetched
          throw new Error("database went away");
        },
      }),
    );
    await expect(syncPages(deps, { ...input, maxPages: 10 }, plainRuntime())).rejects.toThrow(/database went away/);
    expect(prefetchSignal?.aborted).toBe(true);
    expect(await port.getCursor(input)).toBe("c1");
    expect((await store.getRun({ tenantId: input.tenantId, runId: input.runId })).pages).toBe(1);
  });

  it("a later page that fails fails the call after the pages before it committed; the heartbeat says how far", async () => {
    const { deps, input, port } = await setup([
      async () => page("c1", true, ["a"]),
      async () => {
        throw new Error("503 from the source");
      },
    ]);
    const runtime = plainRuntime();
    await expect(syncPages(deps, { ...input, maxPages: 10 }, runtime)).rejects.toThrow(/503/);
    expect(await port.getCursor(input)).toBe("c1");
    expect(runtime.beats.at(-1)).toMatchObject({ phase: "committed", page: 1, total: { pages: 1, cursor: "c1" } });
  });

  it("stops at maxPages, and a graceful stop commits the page in hand and returns", async () => {
    const { deps, input } = await setup([
      async () => page("c1", true, ["a"]),
      async () => page("c2", true, ["b"]),
      async () => page("c3", true, ["c"]),
    ]);
    expect(await syncPages(deps, { ...input, maxPages: 2 }, plainRuntime())).toMatchObject({ pages: 2, cursor: "c2", hasMore: true });

    const stop = new AbortController();
    const stopping = await setup([
      async () => {
        stop.abort();
        return page("s1", true, ["a"]);
      },
      async () => page("s2", true, ["b"]),
    ]);
    const runtime = { ...plainRuntime(), stop: stop.signal };
    expect(await syncPages(stopping.deps, { ...stopping.input, maxPages: 10 }, runtime)).toMatchObject({ pages: 1, cursor: "s1" });
  });

  it("lets a fetcher run ahead only as far as the call may still commit: the prefetch depth, maxPages, the run's page cap", async () => {
    const { deps, input } = await setup(Array.from({ length: 6 }, (_, i) => async () => page(`c${i + 1}`, true, [`r${i}`])));
    const allowed: number[] = [];
    const fetcher: PageFetcher = {
      ...inThreadFetcher,
      fetch: (connector, credentials, cursor, options) => {
        allowed.push(options.runAhead?.pages ?? -1);
        expect(options.runAhead?.forMs).toBeGreaterThan(0);
        return inThreadFetcher.fetch(connector, credentials, cursor, options);
      },
    };
    await syncPages({ ...deps, fetcher }, { ...input, maxPages: 4 }, plainRuntime());
    expect(allowed).toEqual([2, 2, 1, 0]);
    allowed.length = 0;
    // Page 3 of a run capped at 4 pages: one more may follow it, whatever the call allows (page 5 is refused unfetched).
    await expect(syncPages({ ...deps, fetcher, maxPagesPerSync: 4 }, { ...input, page: 3, maxPages: 10 }, plainRuntime())).rejects.toThrow(PagingLoopError);
    expect(allowed).toEqual([1, 0]);
  });

  it("a retried call resumes after the pages its last heartbeat says were committed, re-fetching none", async () => {
    const { deps, input, connector } = await setup([
      async () => page("c1", true, ["a"]),
      async () => {
        throw new Error("worker died here");
      },
      async () => page("c2", false, ["b"]),
    ]);
    const first = plainRuntime();
    await expect(syncPages(deps, { ...input, maxPages: 10 }, first)).rejects.toThrow(/worker died here/);
    const retry = { ...plainRuntime(), heartbeatDetails: first.beats.at(-1) };
    const total = await syncPages(deps, { ...input, maxPages: 10 }, retry);
    expect(total).toMatchObject({ pages: 2, records: 2, cursor: "c2", hasMore: false });
    expect(connector.calls.map((c) => c.cursor)).toEqual([null, "c1", "c1"]);
  });
});
