/**
 * Pages fetched in worker threads, so a sync runs at the speed of its slower half: while the main thread commits
 * page n (the store's SQL, or PGlite's whole database engine, runs there), a fetch thread receives, parses,
 * validates and transforms page n+1. Without it the two take turns on one thread however much they overlap in time.
 *
 * Each thread loads the connectors from the module it is given (the worker's own ./connectors.ts by default) and
 * is used only for a connector it holds at the same version as this thread; any other connector, or a page that
 * cannot cross threads, is fetched here. Errors come back with their core class (an AuthError still refreshes the
 * token, a RateLimitError still says how long to wait); a request inside a vendor budget still takes its slot from
 * the gate of the calling scope; logs reach the caller's logger; an abort reaches the page's requests. A thread
 * that dies fails the pages it had with a retryable TransientError and is replaced on the next fetch.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import {
  currentRequestGate,
  errorFromData,
  errorToData,
  TransientError,
  type Logger,
  type RequestGate,
} from "@gtm-clarity/core";
import type { FromThread, ThreadData, ToThread } from "./messages.js";
import { inThreadFetcher, type FetchedPage, type PageFetcher, type PageFetchOptions } from "./page-fetcher.js";

export interface ThreadFetcherOptions {
  /** Threads to run; 0 fetches in this thread. Default: one per spare core, at least 1, at most 4. */
  threads?: number;
  /** Module whose export `exportName` is the connector lookup the threads use. Default: ../connectors.ts. */
  connectorsModule?: URL;
  /** Default "connectorRegistry". The export needs `get`, `has` and `list` (ids and versions). */
  exportName?: string;
  /**
   * The threads' nice value. Default 10: fetches run ahead and have slack, commits set the pace, so when the cores
   * are contended the commits on the main thread go first (measured: a few percent more throughput on 2 cores).
   */
  niceness?: number;
  logger: Logger;
}

export const FETCH_THREADS_ENV = "FETCH_THREADS";
export const DEFAULT_FETCH_NICENESS = 10;

/** `FETCH_THREADS` when set to a whole number (0 = no threads), else one per spare core, within 1..4. */
export function fetchThreadsFrom(env: Record<string, string | undefined>): number {
  const raw = env[FETCH_THREADS_ENV]?.trim();
  if (raw !== undefined && /^\d+$/.test(raw)) return Math.min(16, Number(raw));
  return Math.min(4, Math.max(1, availableParallelism() - 1));
}

/** The thread could not take or send back this page: the caller fetches it itself, in its own async context. */
const FETCH_HERE = Symbol("fetch here");

interface Pending {
  resolve(result: FetchedPage | typeof FETCH_HERE): void;
  reject(error: Error): void;
  logger: Logger;
  gate: RequestGate | undefined;
  signal: AbortSignal;
  /** Slots this page holds from the gate, by the thread's id for them. */
  slots: Map<number, { release?: () => void; cancel: AbortController }>;
}

interface FetchThread {
  worker: Worker;
  ready: Promise<Map<string, string>>;
  pending: Map<number, Pending>;
}

const BOOT = new URL("./thread-boot.mjs", import.meta.url);
const ENTRY = new URL("./fetch-thread.ts", import.meta.url);
const DEFAULT_CONNECTORS = new URL("../connectors.ts", import.meta.url);

export function createThreadFetcher(options: ThreadFetcherOptions): PageFetcher {
  const size = options.threads ?? fetchThreadsFrom(process.env);
  if (size <= 0) return inThreadFetcher;
  const data: ThreadData & { entry: string } = {
    entry: ENTRY.href,
    connectorsModule: (options.connectorsModule ?? DEFAULT_CONNECTORS).href,
    exportName: options.exportName ?? "connectorRegistry",
    niceness: options.niceness ?? DEFAULT_FETCH_NICENESS,
  };
  const threads: FetchThread[] = [];
  const warned = new Set<string>();
  /** Connectors whose pages could not cross threads: fetched here from then on. */
  const fetchedHere = new Set<string>();
  let nextId = 1;
  let closed = false;
  /** The threads could not load the connectors: every page is fetched here, after one warning. */
  let broken = false;

  function settle(thread: FetchThread, id: number): Pending | undefined {
    const entry = thread.pending.get(id);
    thread.pending.delete(id);
    // Slots still held (a thread that died mid-request) go back; waits for one stop.
    for (const slot of entry?.slots.values() ?? []) {
      slot.cancel.abort();
      slot.release?.();
    }
    if (thread.pending.size === 0) thread.worker.unref();
    return entry;
  }

  function acquire(thread: FetchThread, message: Extract<FromThread, { type: "acquire" }>): void {
    const entry = thread.pending.get(message.id);
    const answer = (reply: ToThread) => thread.worker.postMessage(reply);
    if (!entry?.gate) {
      answer({ type: "gate", id: message.id, gateId: message.gateId, granted: true });
      return;
    }
    const cancel = new AbortController();
    const slot: { release?: () => void; cancel: AbortController } = { cancel };
    entry.slots.set(message.gateId, slot);
    entry.gate
      .acquire({ client: message.client, method: message.method, url: new URL(message.url), signal: AbortSignal.any([cancel.signal, entry.signal]) })
      .then(
        (release) => {
          if (cancel.signal.aborted || !entry.slots.has(message.gateId)) return release();
          slot.release = release;
          answer({ type: "gate", id: message.id, gateId: message.gateId, granted: true });
        },
        (error: unknown) => {
          entry.slots.delete(message.gateId);
          if (!cancel.signal.aborted) answer({ type: "gate", id: message.id, gateId: message.gateId, granted: false, error: errorToData(error) });
        },
      );
  }

  function onMessage(thread: FetchThread, message: FromThread): void {
    switch (message.type) {
      case "ready":
      case "load-failed":
        return; // handled by `ready`
      case "result":
        settle(thread, message.id)?.resolve(message.page);
        return;
      case "error":
        settle(thread, message.id)?.reject(errorFromData(message.error));
        return;
      case "uncloneable":
        settle(thread, message.id)?.resolve(FETCH_HERE);
        return;
      case "log":
        thread.pending.get(message.id)?.logger[message.level](message.message, message.fields);
        return;
      case "acquire":
        acquire(thread, message);
        return;
      case "cancel-acquire":
      case "release": {
        const slots = thread.pending.get(message.id)?.slots;
        const slot = slots?.get(message.gateId);
        slots?.delete(message.gateId);
        slot?.cancel.abort();
        slot?.release?.();
        return;
      }
    }
  }

  function start(): FetchThread {
    const worker = new Worker(BOOT, { workerData: data, stdout: false, stderr: false });
    const thread: FetchThread = { worker, pending: new Map(), ready: Promise.resolve(new Map()) };
    thread.ready = new Promise<Map<string, string>>((resolve, reject) => {
      worker.on("message", (message: FromThread) => {
        if (message.type === "ready") resolve(new Map(message.connectors.map((c) => [c.id, c.version])));
        else if (message.type === "load-failed") reject(errorFromData(message.error));
        else onMessage(thread, message);
      });
      const died = (error: Error) => {
        reject(error);
        const index = threads.indexOf(thread);
        if (index >= 0) threads.splice(index, 1);
        for (const id of [...thread.pending.keys()]) settle(thread, id)?.reject(error);
      };
      worker.on("error", (error) => died(new TransientError(`fetch thread failed: ${error.message}`, { cause: error })));
      worker.on("exit", (code) => died(new TransientError(`fetch thread exited with code ${code}`)));
    });
    // Held while it boots: a caller awaiting `ready` (warm, or a first fetch) may be all that is left to do, and an
    // unreferenced thread would let the process exit with that await unsettled (exit code 13). Once ready, an idle
    // thread keeps nobody alive.
    thread.ready.then(
      () => {
        if (thread.pending.size === 0) worker.unref();
      },
      () => worker.unref(),
    );
    threads.push(thread);
    return thread;
  }

  /** The least busy thread, starting another while there are fewer than `size`. */
  function pick(): FetchThread {
    const idle = threads.find((t) => t.pending.size === 0);
    if (idle) return idle;
    if (threads.length < size) return start();
    return threads.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
  }

  function fetchInThread(
    thread: FetchThread,
    connector: Parameters<PageFetcher["fetch"]>[0],
    credentials: Parameters<PageFetcher["fetch"]>[1],
    cursor: string | null,
    fetchOptions: PageFetchOptions,
  ): Promise<FetchedPage | typeof FETCH_HERE> {
    const id = nextId++;
    const gate = currentRequestGate();
    return new Promise((resolve, reject) => {
      const onAbort = () => thread.worker.postMessage({ type: "abort", id, reason: String(fetchOptions.signal.reason ?? "aborted") } satisfies ToThread);
      const done = () => fetchOptions.signal.removeEventListener("abort", onAbort);
      thread.pending.set(id, {
        resolve: (result) => (done(), resolve(result)),
        reject: (error) => (done(), reject(error)),
        logger: fetchOptions.logger,
        gate,
        signal: fetchOptions.signal,
        slots: new Map(),
      });
      thread.worker.ref();
      try {
        thread.worker.postMessage({
          type: "fetch",
          id,
          connectorId: connector.id,
          credentials,
          cursor,
          fullSync: fetchOptions.fullSync,
          settings: fetchOptions.settings,
          dpaAcceptedAt: fetchOptions.dpaAcceptedAt,
          limits: fetchOptions.limits,
          gated: gate !== undefined,
          runAhead: fetchOptions.runAhead ?? { pages: 0, forMs: 0 },
        } satisfies ToThread);
      } catch {
        // Settings that cannot be cloned: this page is fetched here.
        settle(thread, id)?.resolve(FETCH_HERE);
        return;
      }
      if (fetchOptions.signal.aborted) onAbort();
      else fetchOptions.signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  function warnOnce(connectorId: string, why: string): void {
    if (warned.has(connectorId)) return;
    warned.add(connectorId);
    options.logger.warn(`connector "${connectorId}": ${why}`, { connectorId });
  }

  return {
    async fetch(connector, credentials, cursor, fetchOptions) {
      if (closed || broken || fetchedHere.has(connector.id)) return inThreadFetcher.fetch(connector, credentials, cursor, fetchOptions);
      const thread = pick();
      let held: Map<string, string>;
      try {
        held = await thread.ready;
      } catch (error) {
        if (!broken) {
          broken = true;
          options.logger.error("fetch threads could not load the connectors; fetching every page in the main thread", {
            error: error instanceof Error ? error.message : String(error),
          });
        }
        return inThreadFetcher.fetch(connector, credentials, cursor, fetchOptions);
      }
      if (held.get(connector.id) !== connector.version) {
        warnOnce(connector.id, `the fetch threads do not hold version ${connector.version}; fetching in the main thread`);
        return inThreadFetcher.fetch(connector, credentials, cursor, fetchOptions);
      }
      const result = await fetchInThread(thread, connector, credentials, cursor, fetchOptions);
      if (result !== FETCH_HERE) return result;
      // Back in the caller's async context, so the page still runs inside its vendor budget's request gate.
      fetchedHere.add(connector.id);
      warnOnce(connector.id, "its pages cannot cross threads; fetching them in the main thread");
      return inThreadFetcher.fetch(connector, credentials, cursor, fetchOptions);
    },
    async warm() {
      while (threads.length < size && !closed) start();
      await Promise.allSettled(threads.map((t) => t.ready));
    },
    async close() {
      closed = true;
      await Promise.all(threads.splice(0).map((t) => t.worker.terminate()));
    },
  };
}
