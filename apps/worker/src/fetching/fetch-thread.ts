/**
 * The body of a fetch thread: loads the connectors (the module the main thread names), then runs `sync` for each
 * page it is asked for and posts it back prepared for the store (./page-fetcher.ts), running ahead along the cursor
 * chain as far as the request allows (./run-ahead.ts). Requests inside a vendor budget ask the main thread for their
 * slot (the budget's store lives there); logs go to the main thread's logger; an abort from the main thread aborts the
 * page's requests.
 */
import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import { errorFromData, errorToData, withRequestGate, type CanonicalRecord, type Connector, type GatedRequest, type Logger, type LogFields, type LogLevel, type RequestGate } from "@gtm-clarity/core";
import type { FetchRequest, FromThread, ThreadData, ToThread } from "./messages.js";
import { fetchedPage, type FetchedPage } from "./page-fetcher.js";
import { RunAhead } from "./run-ahead.js";

/** What the module's export must offer: the worker's registry does, and so does any test lookup. */
interface Lookup {
  get(id: string): Connector<CanonicalRecord>;
  has(id: string): boolean;
  list?(): { id: string; version: string }[];
}

function isLookup(value: unknown): value is Lookup {
  const candidate = value as Partial<Lookup> | null;
  return typeof candidate?.get === "function" && typeof candidate.has === "function";
}

const port = parentPort;
if (!port) throw new Error("fetch-thread.ts runs only as a worker thread");
const data = workerData as ThreadData;

function post(message: FromThread): void {
  port?.postMessage(message);
}

/** What each page in flight needs when the main thread answers: its abort and its pending budget slots. */
interface InFlight {
  abort(reason: string): void;
  gates: Map<number, { resolve(release: () => void): void; reject(error: Error): void }>;
}
const inFlight = new Map<number, InFlight>();
let nextGateId = 1;

function threadLogger(id: number): Logger {
  const send = (level: LogLevel) => (message: string, fields: LogFields = {}) => {
    try {
      post({ type: "log", id, level, message, fields });
    } catch {
      post({ type: "log", id, level, message, fields: { note: "log fields could not cross threads" } });
    }
  };
  return { debug: send("debug"), info: send("info"), warn: send("warn"), error: send("error") };
}

/** Each request the connector's HTTP client sends takes its slot from the main thread's gate. */
function remoteGate(id: number, flight: InFlight): RequestGate {
  return {
    acquire(request: GatedRequest) {
      const gateId = nextGateId++;
      return new Promise<() => void>((resolve, reject) => {
        const onAbort = () => {
          flight.gates.delete(gateId);
          post({ type: "cancel-acquire", id, gateId });
          reject(request.signal.reason instanceof Error ? request.signal.reason : new Error("request abandoned"));
        };
        if (request.signal.aborted) return onAbort();
        request.signal.addEventListener("abort", onAbort, { once: true });
        flight.gates.set(gateId, {
          resolve: (release) => {
            request.signal.removeEventListener("abort", onAbort);
            resolve(release);
          },
          reject: (error) => {
            request.signal.removeEventListener("abort", onAbort);
            reject(error);
          },
        });
        post({ type: "acquire", id, gateId, client: request.client, method: request.method, url: request.url.href });
      });
    },
  };
}

/** Runs the connector's `sync` for one page and prepares it for the store, inside `gate` when given. */
async function fetchPage(lookup: Lookup, request: FetchRequest, signal: AbortSignal, logger: Logger, gate?: RequestGate): Promise<FetchedPage> {
  const connector: Connector<CanonicalRecord> = lookup.get(request.connectorId);
  const call = () =>
    connector.sync(request.credentials, request.cursor, {
      fullSync: request.fullSync,
      settings: request.settings,
      dpaAcceptedAt: request.dpaAcceptedAt,
      signal,
      logger,
    });
  const result = await (gate ? withRequestGate(gate, call) : call());
  // Prepared for the store here too: the main thread receives strings, not object graphs, and only writes them.
  return fetchedPage(result, request.limits);
}

async function runFetch(lookup: Lookup, ahead: RunAhead<FetchedPage>, request: FetchRequest): Promise<void> {
  const { id } = request;
  const flight: InFlight = { abort: () => undefined, gates: new Map() };
  inFlight.set(id, flight);
  try {
    let page: FetchedPage;
    if (request.gated) {
      const abort = new AbortController();
      flight.abort = (reason) => abort.abort(new Error(reason));
      page = await fetchPage(lookup, request, abort.signal, threadLogger(id), remoteGate(id, flight));
    } else {
      const taken = ahead.take(request, threadLogger(id));
      flight.abort = taken.abort;
      page = await taken.result;
    }
    try {
      post({ type: "result", id, page });
    } catch (error) {
      post({ type: "uncloneable", id, message: error instanceof Error ? error.message : String(error) });
    }
  } catch (error) {
    post({ type: "error", id, error: errorToData(error) });
  } finally {
    inFlight.delete(id);
  }
}

function onMessage(lookup: Lookup, ahead: RunAhead<FetchedPage>, message: ToThread): void {
  if (message.type === "fetch") {
    void runFetch(lookup, ahead, message);
    return;
  }
  const flight = inFlight.get(message.id);
  if (!flight) return; // the page already ended
  if (message.type === "abort") {
    flight.abort(message.reason);
    return;
  }
  const waiting = flight.gates.get(message.gateId);
  flight.gates.delete(message.gateId);
  if (!waiting) {
    // The request gave up before its slot came: hand the slot straight back.
    if (message.granted) post({ type: "release", id: message.id, gateId: message.gateId });
    return;
  }
  if (message.granted) {
    let released = false;
    waiting.resolve(() => {
      if (released) return;
      released = true;
      post({ type: "release", id: message.id, gateId: message.gateId });
    });
  } else {
    waiting.reject(errorFromData(message.error));
  }
}

// The fetches run ahead of the commits, so they have slack and the commits set the pace: when the cores are
// contended the commits go first. On Linux this lowers this thread's priority only (a nice value is per thread);
// where it cannot be changed nothing else depends on it.
try {
  setPriority(data.niceness ?? 0);
} catch {
  // not permitted here: run at the process's priority
}

try {
  const loaded = (await import(data.connectorsModule)) as Record<string, unknown>;
  const lookup = loaded[data.exportName];
  if (!isLookup(lookup)) throw new Error(`${data.connectorsModule} has no connector lookup exported as "${data.exportName}"`);
  const ahead = new RunAhead<FetchedPage>({
    run: (request, signal, logger) => fetchPage(lookup, request, signal, logger),
    next: (page) => (page.hasMore ? page.cursor : undefined),
  });
  port.on("message", (message: ToThread) => onMessage(lookup, ahead, message));
  const connectors = lookup.list?.() ?? [];
  post({ type: "ready", connectors: connectors.map(({ id, version }) => ({ id, version })) });
} catch (error) {
  post({ type: "load-failed", error: errorToData(error) });
}
