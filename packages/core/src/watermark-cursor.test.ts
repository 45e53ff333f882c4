import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError, SchemaError } from "./errors.js";
import { defineWatermarkCursor, type WatermarkCursorState } from "./watermark-cursor.js";

const MINUTE = 60_000;
const now = new Date("2025-01-06T09:00:00.000Z");
const later = new Date("2025-01-06T09:30:00.000Z");

const salesforce = defineWatermarkCursor({
  name: "Salesforce",
  version: 1,
  streams: ["Contact", "Account", "Task"],
  lookbackMs: 5 * MINUTE,
  positionSchema: z.string(),
});
type SfState = WatermarkCursorState<"Contact" | "Account" | "Task", string>;

/** Runs one stream to its end with the given pages of timestamps, the last page ending the run. */
function runStream(state: SfState, stream: "Contact" | "Account" | "Task", pages: string[][], fullSync = false) {
  let current = state;
  let hasMore = true;
  pages.forEach((seen, index) => {
    const window = salesforce.begin(current, stream, { fullSync, now });
    const next = index === pages.length - 1 ? null : `/services/data/v66.0/query/01g-${index + 1}`;
    ({ state: current, hasMore } = salesforce.advance(current, window, { next, seen, enabled: [stream] }));
  });
  return { state: current, hasMore };
}

describe("defineWatermarkCursor: watermark and lookback", () => {
  it("a first run reads everything; the next starts at the run's highest timestamp minus the lookback", () => {
    const first = salesforce.begin(salesforce.initial, "Contact", { now });
    expect(first).toEqual({ stream: "Contact", full: false, since: null, watermark: null, until: now.toISOString(), position: null });
    const { state } = runStream(salesforce.initial, "Contact", [["2025-01-05T10:00:00.000Z"], ["2025-01-05T12:00:00.000Z"]]);
    const next = salesforce.begin(state, "Contact", { now });
    expect(next.since).toBe("2025-01-05T11:55:00.000Z");
    expect(next.watermark).toEqual({ at: "2025-01-05T12:00:00.000Z", id: null });
    expect(next.position).toBeNull();
  });

  it("orders timestamps as instants, whatever their order on the page or their zone notation", () => {
    const { state } = runStream(salesforce.initial, "Contact", [
      ["2025-01-05T10:00:00.000+0200", "2025-01-05T09:30:00Z", "2025-01-05T08:59:59.999Z"],
    ]);
    // As strings "…10:00:00.000+0200" sorts last; as an instant it is 08:00Z, the earliest.
    expect(state.streams.Contact?.watermark).toEqual({ at: "2025-01-05T09:30:00.000Z", id: null });
  });

  it("ignores what is not a timestamp, and a page without any leaves the watermark where it was", () => {
    const done = runStream(salesforce.initial, "Contact", [["2025-01-05T12:00:00Z"]]).state;
    const { state } = runStream(done, "Contact", [[]]);
    expect(state.streams.Contact?.watermark?.at).toBe("2025-01-05T12:00:00.000Z");
    const junk = runStream(done, "Contact", [["garbage", "1", "2025-01-05", "", "+275760-09-13T00:00:00.000Z"]]).state;
    expect(junk.streams.Contact?.watermark?.at).toBe("2025-01-05T12:00:00.000Z");
  });

  it("never moves a watermark backwards, full runs included", () => {
    const done = runStream(salesforce.initial, "Contact", [["2025-01-05T12:00:00Z"]]).state;
    const older = runStream(done, "Contact", [["2025-01-01T00:00:00Z"]], true).state;
    expect(older.streams.Contact?.watermark?.at).toBe("2025-01-05T12:00:00.000Z");
  });

  it("keeps since and until fixed for the whole run while time passes", () => {
    const done = runStream(salesforce.initial, "Contact", [["2025-01-05T12:00:00Z"]]).state;
    const page1 = salesforce.begin(done, "Contact", { now });
    const { state } = salesforce.advance(done, page1, { next: "/p2", seen: ["2025-01-06T08:00:00Z"], enabled: ["Contact"] });
    const page2 = salesforce.begin(state, "Contact", { now: later });
    expect(page2).toMatchObject({ since: page1.since, until: page1.until, position: "/p2" });
    // The watermark moves only when the run ends.
    expect(state.streams.Contact?.watermark?.at).toBe("2025-01-05T12:00:00.000Z");
  });

  it("does not let a watermark in the future stop the stream", () => {
    const future = runStream(salesforce.initial, "Contact", [["2099-01-01T00:00:00Z"]]).state;
    expect(salesforce.begin(future, "Contact", { now }).since).toBe("2025-01-06T08:55:00.000Z");
  });
});

describe("defineWatermarkCursor: Id tiebreak", () => {
  it("keeps the highest (timestamp, id) so records sharing a timestamp can be resumed exactly", () => {
    const keyset = defineWatermarkCursor({
      name: "Salesforce",
      version: 1,
      streams: ["Contact"],
      lookbackMs: 0,
      positionSchema: z.string(),
    });
    const window = keyset.begin(keyset.initial, "Contact", { now });
    const at = "2025-01-05T12:00:00.000+0000";
    const { state } = keyset.advance(keyset.initial, window, {
      next: null,
      seen: [
        { at, id: "003A0000000002" },
        { at, id: "003A0000000009" },
        { at, id: "003A0000000005" },
        { at: "2025-01-05T11:00:00Z", id: "003Z" },
      ],
    });
    const next = keyset.begin(state, "Contact", { now });
    expect(next.watermark).toEqual({ at: "2025-01-05T12:00:00.000Z", id: "003A0000000009" });
    expect(next.since).toBe("2025-01-05T12:00:00.000Z");
  });
});

describe("defineWatermarkCursor: fullSync", () => {
  it("starts a full run over an incremental run in progress, then resumes the full run's own position", () => {
    const done = runStream(salesforce.initial, "Contact", [["2025-01-05T12:00:00Z"]]).state;
    const incremental = salesforce.begin(done, "Contact", { now });
    const midIncremental = salesforce.advance(done, incremental, { next: "/inc-2", seen: [], enabled: ["Contact"] }).state;

    const fullStart = salesforce.begin(midIncremental, "Contact", { fullSync: true, now });
    expect(fullStart).toMatchObject({ full: true, since: null, watermark: null, position: null });
    const midFull = salesforce.advance(midIncremental, fullStart, { next: "/full-2", seen: ["2025-01-02T00:00:00Z"], enabled: ["Contact"] }).state;

    // The worker passes fullSync on every page of the full run: page two continues, it does not start over.
    const fullResume = salesforce.begin(midFull, "Contact", { fullSync: true, now: later });
    expect(fullResume).toMatchObject({ full: true, since: null, position: "/full-2", until: now.toISOString() });
    const end = salesforce.advance(midFull, fullResume, { next: null, seen: ["2025-01-03T00:00:00Z"], enabled: ["Contact"] });
    expect(end.hasMore).toBe(false);
    expect(end.state.streams.Contact).toEqual({ watermark: { at: "2025-01-05T12:00:00.000Z", id: null }, run: null });
  });

  it("an incremental call finishes a full run that was cut short", () => {
    const fullStart = salesforce.begin(salesforce.initial, "Contact", { fullSync: true, now });
    const midFull = salesforce.advance(salesforce.initial, fullStart, { next: "/full-2", seen: [], enabled: ["Contact"] }).state;
    expect(salesforce.begin(midFull, "Contact", { now })).toMatchObject({ full: true, since: null, position: "/full-2" });
  });

  it("a first page starts its high water afresh instead of inheriting an abandoned run's", () => {
    const inc = salesforce.begin(salesforce.initial, "Contact", { now });
    const abandoned = salesforce.advance(salesforce.initial, inc, { next: "/x", seen: ["2025-01-05T23:00:00Z"], enabled: ["Contact"] }).state;
    const full = salesforce.begin(abandoned, "Contact", { fullSync: true, now });
    const end = salesforce.advance(abandoned, full, { next: null, seen: ["2025-01-05T01:00:00Z"], enabled: ["Contact"] });
    expect(end.state.streams.Contact?.watermark?.at).toBe("2025-01-05T01:00:00.000Z");
  });
});

describe("defineWatermarkCursor: streams take turns", () => {
  it("visits streams round-robin page by page, skips finished ones, and ends the pass when all are done", () => {
    const pagesLeft: Record<string, number> = { Contact: 2, Account: 1, Task: 3 };
    let state = salesforce.initial;
    const order: string[] = [];
    const hasMore: boolean[] = [];
    for (let page = 0; page < 6; page += 1) {
      const stream = salesforce.nextStream(state);
      order.push(stream);
      const window = salesforce.begin(state, stream, { now });
      pagesLeft[stream] = (pagesLeft[stream] ?? 0) - 1;
      const result = salesforce.advance(state, window, { next: pagesLeft[stream] === 0 ? null : `${stream}-${page}`, seen: [] });
      state = result.state;
      hasMore.push(result.hasMore);
    }
    expect(order).toEqual(["Contact", "Account", "Task", "Contact", "Task", "Task"]);
    expect(hasMore).toEqual([true, true, true, true, true, false]);
    expect(state.pass).toEqual({ done: [], last: null });
    expect(salesforce.nextStream(state)).toBe("Contact");
  });

  it("counts only the enabled streams (a connection that syncs a subset)", () => {
    const enabled = ["Account"] as const;
    const stream = salesforce.nextStream(salesforce.initial, enabled);
    expect(stream).toBe("Account");
    const window = salesforce.begin(salesforce.initial, stream, { now });
    expect(salesforce.advance(salesforce.initial, window, { next: null, seen: [], enabled }).hasMore).toBe(false);
    expect(() => salesforce.nextStream(salesforce.initial, [])).toThrow(ConfigError);
  });
});

describe("defineWatermarkCursor: the stored form", () => {
  it("round-trips through serialize and parse, and null parses as the initial state", () => {
    const { state } = runStream(salesforce.initial, "Contact", [["2025-01-05T12:00:00Z"], []]);
    const mid = salesforce.advance(state, salesforce.begin(state, "Task", { now }), { next: "/t2", seen: [] }).state;
    expect(salesforce.parse(salesforce.serialize(mid))).toEqual(mid);
    expect(salesforce.parse(null)).toEqual(salesforce.initial);
  });

  it("drops streams this code no longer knows and refuses a malformed position", () => {
    const stored = JSON.stringify({
      v: 1,
      streams: { Lead: { watermark: null, run: null }, Contact: { watermark: null, run: null } },
      pass: { done: ["Lead"], last: "Lead" },
    });
    expect(salesforce.parse(stored)).toEqual({
      v: 1,
      streams: { Contact: { watermark: null, run: null } },
      pass: { done: [], last: null },
    });
    const badPosition = JSON.stringify({
      v: 1,
      streams: { Contact: { watermark: null, run: { full: false, since: null, until: now.toISOString(), position: 7, highWater: null } } },
      pass: { done: [], last: null },
    });
    expect(() => salesforce.parse(badPosition)).toThrow(SchemaError);
  });

  it("migrates a connector's earlier cursor through `legacy`", () => {
    const FathomV1 = z.object({ v: z.literal(1), phase: z.literal("idle"), watermark: z.iso.datetime().nullable() });
    const fathom = defineWatermarkCursor({
      name: "Fathom",
      version: 2,
      streams: ["meetings"],
      lookbackMs: 5 * MINUTE,
      positionSchema: z.string(),
      legacy: {
        schema: FathomV1,
        migrate: (old) => {
          const { watermark } = FathomV1.parse(old);
          return {
            v: 2,
            streams: { meetings: { watermark: watermark === null ? null : { at: watermark, id: null }, run: null } },
            pass: { done: [], last: null },
          };
        },
      },
    });
    const state = fathom.parse(JSON.stringify({ v: 1, phase: "idle", watermark: "2025-01-05T12:00:00.000Z" }));
    expect(fathom.begin(state, "meetings", { now }).since).toBe("2025-01-05T11:55:00.000Z");
    expect(() => fathom.parse(JSON.stringify({ v: 1, phase: "paging" }))).toThrow(SchemaError);
  });

  it("refuses a definition without streams or with a negative lookback", () => {
    expect(() => defineWatermarkCursor({ name: "X", version: 1, streams: [], lookbackMs: 0, positionSchema: z.string() })).toThrow(ConfigError);
    expect(() => defineWatermarkCursor({ name: "X", version: 1, streams: ["a"], lookbackMs: -1, positionSchema: z.string() })).toThrow(
      ConfigError,
    );
  });
});
