/**
 * The incremental-sync cursor most connectors need, once: per stream (Salesforce object, Graph mail folder, Delivr
 * event source, ...) a watermark of the newest change a COMPLETE run has seen, a lookback so the next run re-reads a
 * little before it (late-visible and same-timestamp records are not lost; upserts absorb the overlap), and the
 * paging position of a run in progress. Streams take turns page by page, so one large backfill does not hold the
 * others back; the connection's `hasMore` turns false once every stream has finished a run in this pass.
 *
 * The rules that are easy to get wrong live here, as pure functions over a state serialised by defineCursorCodec:
 *   - the watermark moves only when a stream's run ends, and never backwards;
 *   - timestamps compare as instants (Date values), not as strings ("…+0000" and "…Z" order correctly);
 *   - a run's lower bound (`since`) and start time (`until`) are fixed for the whole run, so offsets stay valid;
 *   - `fullSync` ignores the watermark but continues a full run's own paging position (the worker passes `fullSync`
 *     on every page of a full run, and clears the stored cursor when a full run starts).
 *
 *   const cursor = defineWatermarkCursor({ name: "Salesforce", version: 1, streams: ["Contact", "Account"],
 *     lookbackMs: 60_000, positionSchema: z.string() });
 *   const state = cursor.parse(lastSyncCursor);
 *   const window = cursor.begin(state, cursor.nextStream(state), { fullSync, now: new Date() });
 *   ... fetch the page at window.position, reading from window.since ...
 *   const { state: next, hasMore } = cursor.advance(state, window, { next: nextRecordsUrl, seen: modstampsAndIds });
 *   return { cursor: cursor.serialize(next), hasMore, ... };
 */
import { z } from "zod";
import { type CursorCodec, type CursorSchema, defineCursorCodec } from "./cursor-codec.js";
import { ConfigError } from "./errors.js";

/** A point in a stream's change order: a timestamp, and the record id that breaks ties between equal timestamps. */
export interface WatermarkMark {
  /** ISO-8601 UTC, normalised to milliseconds (`toISOString`). */
  at: string;
  /** The id of the last record at `at`, in the order the connector queries (e.g. `ORDER BY SystemModstamp, Id`). */
  id: string | null;
}

export interface WatermarkRun<P> {
  full: boolean;
  since: string | null;
  until: string;
  position: P;
  /** The highest mark seen so far in this run. */
  highWater: WatermarkMark | null;
}

export interface WatermarkStreamState<P> {
  /** Highest mark of the last complete run; null before one completes. */
  watermark: WatermarkMark | null;
  /** The run in progress, between two pages; null between runs. */
  run: WatermarkRun<P> | null;
}

export interface WatermarkCursorState<Stream extends string, P> {
  v: number;
  streams: Partial<Record<Stream, WatermarkStreamState<P>>>;
  /** Streams that finished a run in this pass, and the stream of the last page (for taking turns). */
  pass: { done: Stream[]; last: Stream | null };
}

/** What one page of one stream reads. */
export interface WatermarkWindow<Stream extends string, P> {
  stream: Stream;
  /** A full run: ignore the watermark, read everything. */
  full: boolean;
  /** Read changes at or after this instant (watermark minus lookback); null: from the beginning. */
  since: string | null;
  /**
   * The exact mark the last complete run reached (null on a full run): with `lookbackMs: 0` a keyset query
   * `(ts, id) > (watermark.at, watermark.id)` resumes exactly after it; with a lookback, it tells the overlap apart.
   */
  watermark: WatermarkMark | null;
  /** When the run started, fixed for the run: the upper bound for APIs that take a time window. */
  until: string;
  /** The paging position to fetch; null for the run's first page. */
  position: P | null;
}

/** A timestamp as the connector read it (ISO-8601 with a zone, or a Date), optionally with its record id. */
export type WatermarkSeen = string | Date | { at: string | Date; id?: string | null } | null | undefined;

export interface WatermarkAdvance<Stream extends string, P> {
  state: WatermarkCursorState<Stream, P>;
  /** False once every enabled stream has finished a run in this pass (the connection is caught up). */
  hasMore: boolean;
}

export interface WatermarkCursor<Stream extends string, P> extends CursorCodec<WatermarkCursorState<Stream, P>> {
  readonly streams: readonly Stream[];
  /** The stream whose turn it is: the next one after the last page's stream that has not finished this pass. */
  nextStream(state: WatermarkCursorState<Stream, P>, enabled?: readonly Stream[]): Stream;
  /** The window of the page to fetch for `stream`. */
  begin(
    state: WatermarkCursorState<Stream, P>,
    stream: Stream,
    options: { fullSync?: boolean; now: Date },
  ): WatermarkWindow<Stream, P>;
  /**
   * The state after the page fetched for `window`: `next` is where the stream's paging continues, or null when its
   * run ended (the watermark then moves up to the run's high water); `seen` are the page's change timestamps.
   */
  advance(
    state: WatermarkCursorState<Stream, P>,
    window: WatermarkWindow<Stream, P>,
    page: { next: P | null; seen: Iterable<WatermarkSeen>; enabled?: readonly Stream[] },
  ): WatermarkAdvance<Stream, P>;
}

export interface WatermarkCursorOptions<Stream extends string, PS extends z.ZodType> {
  /** Who the cursor belongs to, for messages. */
  name: string;
  version: number;
  /** Every stream the connector knows, in the order they take turns. */
  streams: readonly Stream[];
  /** How far before the watermark each incremental run starts reading. */
  lookbackMs: number;
  /** A stream's paging position (a cursor string, an offset, a next link, ...): JSON-serialisable. */
  positionSchema: PS;
  /** Reads cursors of an earlier version (a connector's own cursor before it moved to this one). */
  legacy?: { schema: CursorSchema; migrate(old: unknown): WatermarkCursorState<Stream, z.output<PS>> };
}

/** Years 0000-9999 only: `toISOString` writes others with a sign, which is not an ISO timestamp a vendor accepts. */
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;
const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const MIN_MS = Date.parse("0000-01-01T00:00:00.000Z");

export function defineWatermarkCursor<const Stream extends string, PS extends z.ZodType>(
  options: WatermarkCursorOptions<Stream, PS>,
): WatermarkCursor<Stream, z.output<PS>> {
  type P = z.output<PS>;
  type State = WatermarkCursorState<Stream, P>;
  const { name, version, streams, lookbackMs } = options;
  if (streams.length === 0) throw new ConfigError(`${name} watermark cursor needs at least one stream`);
  if (!Number.isFinite(lookbackMs) || lookbackMs < 0) {
    throw new ConfigError(`${name} watermark cursor lookbackMs must be a finite number >= 0`);
  }
  const known = new Set<string>(streams);
  const isStream = (value: string): value is Stream => known.has(value);

  const instant = z.iso.datetime({ offset: true });
  const Mark = z.object({ at: instant, id: z.string().nullable() });
  const StreamStateSchema = z.object({
    watermark: Mark.nullable(),
    run: z
      .object({
        full: z.boolean(),
        since: instant.nullable(),
        until: instant,
        position: options.positionSchema,
        highWater: Mark.nullable(),
      })
      .nullable(),
  });
  // Streams this code no longer knows are dropped rather than failing every cursor that still mentions them.
  const CurrentSchema = z.object({
    v: z.literal(version),
    streams: z.record(z.string(), StreamStateSchema).transform((all) => {
      const kept: Partial<Record<Stream, WatermarkStreamState<P>>> = {};
      for (const [stream, value] of Object.entries(all)) {
        // zod cannot tell from a generic position schema that `position` is a required key; it is (no default).
        if (isStream(stream)) kept[stream] = value as WatermarkStreamState<P>;
      }
      return kept;
    }),
    pass: z.object({
      done: z.array(z.string()).transform((done) => done.filter(isStream)),
      last: z
        .string()
        .nullable()
        .transform((last) => (last !== null && isStream(last) ? last : null)),
    }),
  });
  const initial: State = { v: version, streams: {}, pass: { done: [], last: null } };
  const { legacy } = options;
  const codec = defineCursorCodec({
    name,
    version,
    schema: legacy === undefined ? CurrentSchema : z.union([CurrentSchema, legacy.schema]),
    initial,
    migrate: (state): State => {
      const current = CurrentSchema.safeParse(state);
      if (current.success) return current.data;
      // Not the current shape, so the legacy schema is what accepted it (without one the codec refused it already).
      if (legacy === undefined) return initial;
      return legacy.migrate(state);
    },
  });

  const streamState = (state: State, stream: Stream): WatermarkStreamState<P> =>
    state.streams[stream] ?? { watermark: null, run: null };

  return {
    ...codec,
    streams,
    nextStream(state, enabled = streams) {
      const first = enabled[0];
      if (first === undefined) throw new ConfigError(`${name} sync has no stream enabled`);
      const last = state.pass.last === null ? -1 : enabled.indexOf(state.pass.last);
      for (let turn = 1; turn <= enabled.length; turn += 1) {
        const candidate = enabled[(last + turn) % enabled.length];
        if (candidate !== undefined && !state.pass.done.includes(candidate)) return candidate;
      }
      return first;
    },
    begin(state, stream, { fullSync = false, now }) {
      const { watermark, run } = streamState(state, stream);
      // An incremental call finishes a full run in progress too: it reads a superset of what it would read itself.
      if (run !== null && (!fullSync || run.full)) {
        const { full, since, until, position } = run;
        return { stream, full, since, until, position, watermark: full ? null : watermark };
      }
      const until = now.toISOString();
      if (fullSync || watermark === null) {
        return { stream, full: fullSync, since: null, watermark: null, until, position: null };
      }
      // A watermark in the future (a vendor's clock or bad data) must not stop the stream: read from now at most.
      const from = Math.min(Date.parse(watermark.at), now.getTime());
      return { stream, full: false, since: new Date(from - lookbackMs).toISOString(), watermark, until, position: null };
    },
    advance(state, window, { next, seen, enabled = streams }) {
      const { stream } = window;
      const current = streamState(state, stream);
      // A first page starts the run's high water afresh; later pages continue the stored run's.
      let highWater = window.position === null ? null : (current.run?.highWater ?? null);
      for (const item of seen) highWater = laterMark(highWater, toMark(item));
      const streamsAfter = { ...state.streams };
      if (next !== null) {
        const run = { full: window.full, since: window.since, until: window.until, position: next, highWater };
        streamsAfter[stream] = { watermark: current.watermark, run };
        const pass = { done: [...state.pass.done], last: stream };
        return { state: { ...state, streams: streamsAfter, pass }, hasMore: true };
      }
      streamsAfter[stream] = { watermark: laterMark(current.watermark, highWater), run: null };
      const done = state.pass.done.includes(stream) ? [...state.pass.done] : [...state.pass.done, stream];
      if (enabled.every((s) => done.includes(s))) {
        return { state: { ...state, streams: streamsAfter, pass: { done: [], last: null } }, hasMore: false };
      }
      return { state: { ...state, streams: streamsAfter, pass: { done, last: stream } }, hasMore: true };
    },
  };
}

/** A valid timestamp as a mark; anything unreadable (absent, not ISO with a zone, out of range) is ignored. */
function toMark(item: WatermarkSeen): WatermarkMark | null {
  if (item === null || item === undefined) return null;
  const [at, id] = typeof item === "string" || item instanceof Date ? [item, null] : [item.at, item.id ?? null];
  const ms = at instanceof Date ? at.getTime() : ISO_WITH_ZONE.test(at) ? Date.parse(at) : Number.NaN;
  if (!Number.isFinite(ms) || ms < MIN_MS || ms > MAX_MS) return null;
  return { at: new Date(ms).toISOString(), id };
}

/** The later of two marks, by instant and then by id (null before any id); null is earlier than everything. */
function laterMark(a: WatermarkMark | null, b: WatermarkMark | null): WatermarkMark | null {
  if (a === null) return b;
  if (b === null) return a;
  const delta = Date.parse(b.at) - Date.parse(a.at);
  if (delta !== 0) return delta > 0 ? b : a;
  if (b.id === null) return a;
  return a.id === null || b.id > a.id ? b : a;
}
