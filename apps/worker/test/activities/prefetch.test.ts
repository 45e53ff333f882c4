import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { prefetch } from "../../src/activities/prefetch.js";

interface P {
  cursor: string | null;
  hasMore: boolean;
}

/** A source of `pages` pages whose fetches take `fetchMs`; records what was asked and how far ahead it ran. */
function source(pages: number, fetchMs = 0, failAt?: number) {
  const asked: (string | null)[] = [];
  const fetch = async (cursor: string | null, index: number): Promise<P> => {
    asked.push(cursor);
    if (fetchMs > 0) await sleep(fetchMs);
    if (index === failAt) throw new Error(`page ${index} failed`);
    return { cursor: `c${index + 1}`, hasMore: index + 1 < pages };
  };
  return { asked, fetch };
}

const more = (page: P) => page.hasMore;
const cursorOf = (page: P) => page.cursor;

describe("prefetch: a bounded run-ahead of page fetches", () => {
  it("hands back every page in order, each fetched from the cursor of the one before", async () => {
    const src = source(5);
    const ahead = prefetch<P>("start", { depth: 2, fetch: src.fetch, more, cursorOf });
    const got: (string | null)[] = [];
    for (let page = await ahead.next(); page; page = await ahead.next()) got.push(page.cursor);
    expect(got).toEqual(["c1", "c2", "c3", "c4", "c5"]);
    expect(src.asked).toEqual(["start", "c1", "c2", "c3", "c4"]);
  });

  it("never holds more than `depth` pages that are not taken", async () => {
    for (const depth of [1, 3]) {
      const src = source(20);
      const ahead = prefetch<P>(null, { depth, fetch: src.fetch, more, cursorOf });
      await ahead.next(); // taken: being "committed"
      await sleep(50); // a slow commit: the chain runs as far as it may
      expect(src.asked).toHaveLength(1 + depth);
      ahead.stop();
    }
  });

  it("a failed fetch surfaces in its turn, after the pages fetched before it", async () => {
    const src = source(10, 1, 2);
    const ahead = prefetch<P>(null, { depth: 3, fetch: src.fetch, more, cursorOf });
    expect((await ahead.next())?.cursor).toBe("c1");
    expect((await ahead.next())?.cursor).toBe("c2");
    await expect(ahead.next()).rejects.toThrow("page 2 failed");
    expect(src.asked).toHaveLength(3); // nothing after the failure
  });

  it("stop starts no further fetch; `more` ends the chain", async () => {
    const src = source(100, 5);
    const ahead = prefetch<P>(null, { depth: 2, fetch: src.fetch, more, cursorOf });
    await ahead.next();
    ahead.stop();
    await sleep(50);
    expect(src.asked.length).toBeLessThanOrEqual(3);

    const capped = source(100);
    const three = prefetch<P>(null, { depth: 2, fetch: capped.fetch, more: (_p, count) => count < 3, cursorOf });
    const got = [];
    for (let page = await three.next(); page; page = await three.next()) got.push(page);
    expect(got).toHaveLength(3);
    expect(capped.asked).toHaveLength(3);
  });
});
