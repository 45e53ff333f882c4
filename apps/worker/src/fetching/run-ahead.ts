/**
 * A fetch thread's run-ahead along a cursor chain. Each page's cursor comes from the page before, and the main thread
 * asks for page n+1 only once page n has reached it, which is late whenever it is busy committing (PGlite runs the
 * whole database on that thread). So after a page the thread goes on by itself: it fetches the pages after it, as many
 * as the request allows (`runAhead.pages`) and none after `runAhead.forMs`, with the same connector, credentials and
 * settings, and keeps them. A later request with the same parameters and cursor claims the page fetched ahead, done or
 * still in flight; any other request is fetched as asked. What the caller decides stays with the caller: it still asks
 * for every page, in order, and decides from each answer (page limits, token refresh, stop) whether to ask again.
 *
 * Pages nobody claims (the caller stopped, or its token was refreshed) are dropped after `ttlMs`, and no page is
 * fetched ahead while `maxUnclaimed` wait. Requests inside a vendor budget are not run ahead: their slots are the
 * budget's, and a request nobody may need must not take one.
 */
import type { Logger, LogFields, LogLevel } from "@gtm-clarity/core";
import type { FetchRequest } from "./messages.js";

export interface RunAheadOptions<P> {
  /** Fetches the page `request` names. */
  run(request: FetchRequest, signal: AbortSignal, logger: Logger): Promise<P>;
  /** The cursor of the page after `page`, or undefined when `page` is the last. */
  next(page: P): string | null | undefined;
  /** How long a page fetched ahead waits to be claimed. Default 30 s. */
  ttlMs?: number;
  /** Pages fetched ahead and not claimed, at most, across chains. Default 16. */
  maxUnclaimed?: number;
  now?: () => number;
}

export interface RunAheadTake<P> {
  /** The page, or its error. */
  result: Promise<P>;
  /** Aborts the page and every page fetched ahead of it. */
  abort(reason: string): void;
}

type Outcome<P> = { ok: true; page: P } | { ok: false };

interface Task<P> {
  key: string;
  request: FetchRequest;
  abort: AbortController;
  /** Pages after this one the thread may fetch, and until when it may start one. */
  allowance: number;
  until: number;
  result: Promise<P>;
  outcome?: Outcome<P>;
  next?: Task<P>;
  /** Where its logs go: the claiming caller's logger, or a buffer until it is claimed. */
  logger?: Logger;
  buffered: { level: LogLevel; message: string; fields: LogFields | undefined }[];
  expiry?: NodeJS.Timeout;
}

const MAX_BUFFERED_LOGS = 100;

/** What makes two requests the same page: everything the connector receives. */
export function runAheadKey(request: FetchRequest): string {
  return JSON.stringify([
    request.connectorId,
    request.cursor,
    request.fullSync,
    request.settings,
    request.dpaAcceptedAt?.getTime() ?? null,
    request.limits,
    request.credentials,
  ]);
}

export class RunAhead<P> {
  readonly #options: RunAheadOptions<P>;
  readonly #ttlMs: number;
  readonly #maxUnclaimed: number;
  readonly #now: () => number;
  /** Pages fetched ahead, by key, not claimed yet. */
  readonly #unclaimed = new Map<string, Task<P>>();

  constructor(options: RunAheadOptions<P>) {
    this.#options = options;
    this.#ttlMs = options.ttlMs ?? 30_000;
    this.#maxUnclaimed = options.maxUnclaimed ?? 16;
    this.#now = options.now ?? Date.now;
  }

  /** Pages fetched ahead and waiting to be claimed. */
  get waiting(): number {
    return this.#unclaimed.size;
  }

  /** The page `request` asks for: claimed when it was fetched ahead, else fetched now. Then runs ahead of it. */
  take(request: FetchRequest, logger: Logger): RunAheadTake<P> {
    const key = runAheadKey(request);
    let task = this.#unclaimed.get(key);
    if (task) {
      this.#unclaimed.delete(key);
      clearTimeout(task.expiry);
      task.logger = logger;
      for (const line of task.buffered.splice(0)) logger[line.level](line.message, line.fields);
    } else {
      task = this.#start(key, request, logger);
    }
    this.#allow(task, request.gated ? 0 : request.runAhead.pages, this.#now() + request.runAhead.forMs);
    const claimed = task;
    return { result: claimed.result, abort: (reason) => this.#drop(claimed, reason) };
  }

  #start(key: string, request: FetchRequest, logger?: Logger): Task<P> {
    const abort = new AbortController();
    const task: Task<P> = { key, request, abort, allowance: 0, until: 0, result: Promise.resolve() as Promise<P>, buffered: [] };
    if (logger) task.logger = logger;
    task.result = this.#options.run(request, abort.signal, this.#taskLogger(task)).then(
      (page) => {
        task.outcome = { ok: true, page };
        this.#extend(task);
        return page;
      },
      (error: unknown) => {
        task.outcome = { ok: false };
        throw error;
      },
    );
    // Unclaimed pages fail quietly: the caller that claims one sees its error through `result`.
    task.result.catch(() => undefined);
    return task;
  }

  /** Sets how far the thread may run ahead of `task`, down its chain, and fetches what that now allows. */
  #allow(task: Task<P>, pages: number, until: number): void {
    let allowance = pages;
    for (let current: Task<P> | undefined = task; current; current = current.next, allowance -= 1) {
      current.allowance = Math.max(0, allowance);
      current.until = until;
      this.#extend(current);
    }
  }

  /** Starts the page after `task` when its allowance, the time and the cap on unclaimed pages let it. */
  #extend(task: Task<P>): void {
    if (task.next || task.abort.signal.aborted || task.outcome?.ok !== true) return;
    if (task.allowance < 1 || this.#now() >= task.until || this.#unclaimed.size >= this.#maxUnclaimed) return;
    const cursor = this.#options.next(task.outcome.page);
    if (cursor === undefined) return;
    const request: FetchRequest = { ...task.request, cursor };
    const key = runAheadKey(request);
    if (this.#unclaimed.has(key)) return; // another chain already holds that page
    const next = this.#start(key, request);
    next.allowance = task.allowance - 1;
    next.until = task.until;
    next.expiry = setTimeout(() => this.#drop(next, "not claimed in time"), this.#ttlMs);
    next.expiry.unref();
    this.#unclaimed.set(key, next);
    task.next = next;
  }

  #drop(task: Task<P>, reason: string): void {
    for (let current: Task<P> | undefined = task; current; current = current.next) {
      current.abort.abort(new Error(reason));
      clearTimeout(current.expiry);
      if (this.#unclaimed.get(current.key) === current) this.#unclaimed.delete(current.key);
    }
  }

  #taskLogger(task: Task<P>): Logger {
    const send = (level: LogLevel) => (message: string, fields?: LogFields) => {
      if (task.logger) task.logger[level](message, fields);
      else if (task.buffered.length < MAX_BUFFERED_LOGS) task.buffered.push({ level, message, fields });
    };
    return { debug: send("debug"), info: send("info"), warn: send("warn"), error: send("error") };
  }
}
