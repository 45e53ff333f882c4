/**
 * The sync cursor: a typed, versioned state serialised to a string, stored opaquely by the caller and handed back.
 *
 * A run reads the streams in order (`STREAM_KINDS`), each page by page (`pageCursor` is the API's `next_cursor`).
 * When a stream's last page is read, the highest `updated_at` seen becomes that stream's watermark, and the next run
 * asks for `updated_since = watermark`: the records updated at exactly that instant are read again on purpose, and
 * the store's upserts keyed by externalId absorb them, so nothing updated in the same second is lost.
 *
 * `parseCursor` accepts every version it knows and migrates it; anything else is a SchemaError, never a silent
 * full resync (core's `defineCursorCodec` does the parsing, version check and validation).
 */
import { defineCursorCodec } from "@gtm-clarity/core";
import { z } from "zod";
import { STREAM_KINDS, type StreamKind } from "./streams.js";

export const CURSOR_VERSION = 1;

const isoDateTime = z.iso.datetime({ offset: true });
const StreamSchema = z.enum(STREAM_KINDS);

export const CursorStateV1Schema = z.object({
  v: z.literal(1),
  /** The stream the next page comes from. */
  stream: StreamSchema,
  /** The API's `next_cursor` within that stream; null at the start of the stream. */
  pageCursor: z.string().min(1).nullable(),
  /** Per stream: the highest `updated_at` of its last completed pass. Absent until a pass completes. */
  watermarks: z.partialRecord(StreamSchema, isoDateTime),
  /** The highest `updated_at` seen so far in the current stream's pass. */
  highWater: isoDateTime.nullable(),
});

export type CursorState = z.output<typeof CursorStateV1Schema>;

/** Any cursor version this code can read. Add `V2` here, and a step in `migrateCursor`, when the state changes. */
const AnyVersionSchema = CursorStateV1Schema;

export function migrateCursor(state: z.output<typeof AnyVersionSchema>): CursorState {
  switch (state.v) {
    case 1:
      return state;
  }
}

export const INITIAL_CURSOR: CursorState = {
  v: 1,
  stream: STREAM_KINDS[0],
  pageCursor: null,
  watermarks: {},
  highWater: null,
};

const codec = defineCursorCodec({
  name: "Template",
  version: CURSOR_VERSION,
  schema: AnyVersionSchema,
  initial: INITIAL_CURSOR,
  migrate: migrateCursor,
});

/** The state as a string; a state that is not a valid cursor is a SchemaError. */
export function serializeCursor(state: CursorState): string {
  return codec.serialize(state);
}

/** `null` (never synced) gives the initial state. A string that is not a cursor we wrote is a SchemaError. */
export function parseCursor(raw: string | null): CursorState {
  return codec.parse(raw);
}

/** The later of two ISO instants (either may be null). */
export function laterOf(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return Date.parse(b) > Date.parse(a) ? b : a;
}

export interface CursorStep {
  state: CursorState;
  /** True when the page was the last of the last stream: the run is complete. */
  finished: boolean;
}

/**
 * The state after reading one page of the current stream: the stream's next page, or the next stream, or, after
 * the last stream, the start of the next run (with every watermark moved forward).
 */
export function advanceCursor(
  state: CursorState,
  nextPageCursor: string | null,
  pageHighWater: string | null,
): CursorStep {
  const highWater = laterOf(state.highWater, pageHighWater);
  if (nextPageCursor !== null) return { state: { ...state, pageCursor: nextPageCursor, highWater }, finished: false };
  const watermark = laterOf(state.watermarks[state.stream] ?? null, highWater);
  const watermarks = watermark === null ? state.watermarks : { ...state.watermarks, [state.stream]: watermark };
  const next: StreamKind | undefined = STREAM_KINDS[STREAM_KINDS.indexOf(state.stream) + 1];
  return {
    state: { v: 1, stream: next ?? STREAM_KINDS[0], pageCursor: null, watermarks, highWater: null },
    finished: next === undefined,
  };
}
