/**
 * A bounded run-ahead of page fetches. Each fetch needs the cursor of the one before, so fetches form a chain; this
 * keeps the chain going while the caller commits, up to `depth` fetched pages that are not taken yet. With one page
 * of room the fetcher idles whenever a fetch ends before the commit it overlaps; with two or three, a slow commit
 * and a quick fetch (or the other way round) even out, and a sync runs at the speed of its slower half on average
 * rather than page by page.
 *
 * Memory holds at most `depth` fetched pages, one being fetched and the one the caller is committing.
 */

export interface PrefetchOptions<P> {
  /** Fetched pages held at most before the chain waits for the caller to take one. At least 1. */
  depth: number;
  /** Fetches the page after `cursor`; `index` counts the pages of this chain from 0. */
  fetch(cursor: string | null, index: number): Promise<P>;
  /** Whether to fetch another page after `fetched`, the `count`th of this chain. */
  more(fetched: P, count: number): boolean;
  cursorOf(fetched: P): string | null;
}

export interface Prefetch<P> {
  /** The next page in order, or undefined when the chain has ended; a failed fetch rejects here, in its turn. */
  next(): Promise<P | undefined>;
  /** Starts no further fetch (the caller aborts the one in flight through its own signal). */
  stop(): void;
}

type Outcome<P> = { ok: true; page: P } | { ok: false; error: unknown };

export function prefetch<P>(start: string | null, options: PrefetchOptions<P>): Prefetch<P> {
  const depth = Math.max(1, Math.floor(options.depth));
  const buffer: Outcome<P>[] = [];
  let ended = false;
  let stopped = false;
  let taker: (() => void) | undefined;
  let room: (() => void) | undefined;

  const wakeTaker = () => {
    const wake = taker;
    taker = undefined;
    wake?.();
  };

  async function chain(): Promise<void> {
    let cursor = start;
    try {
      for (let index = 0; ; index += 1) {
        while (buffer.length >= depth && !stopped) await new Promise<void>((resolve) => (room = resolve));
        if (stopped) return;
        const page = await options.fetch(cursor, index);
        buffer.push({ ok: true, page });
        wakeTaker();
        if (stopped || !options.more(page, index + 1)) return;
        cursor = options.cursorOf(page);
      }
    } catch (error) {
      buffer.push({ ok: false, error });
    } finally {
      ended = true;
      wakeTaker();
    }
  }
  void chain();

  return {
    async next() {
      while (buffer.length === 0 && !ended) await new Promise<void>((resolve) => (taker = resolve));
      const outcome = buffer.shift();
      const wake = room;
      room = undefined;
      wake?.();
      if (outcome === undefined) return undefined;
      if (!outcome.ok) throw outcome.error;
      return outcome.page;
    },
    stop() {
      stopped = true;
      const wake = room;
      room = undefined;
      wake?.();
    },
  };
}
