/**
 * The sync cursor: core's watermark cursor over one stream, `meetings`. A run lists `GET /meetings` newest first,
 * page by page (the run's position is Fathom's `next_cursor`); when its last page is read the run's highest
 * `created_at` becomes the watermark, and the next run asks for `created_after = watermark - lookback`. The overlap
 * re-reads a few meetings on purpose: upserts keyed by externalId absorb them, and a late-visible meeting is not lost.
 *
 * Version 1 (this connector's own `{v: 1, phase: "idle" | "paging", ...}`) is still read and migrated, so cursors
 * stored before the move keep working, a run in progress included.
 *
 * A full sync is a request to start from scratch: `readCursorForSync` lets it start over from a cursor that cannot
 * be read instead of failing every run until someone clears it by hand. A cursor written by a newer version still
 * fails: the remedy there is to upgrade, not to discard another worker's progress.
 */
import {
  defineWatermarkCursor,
  isSchemaError,
  SchemaError,
  type WatermarkCursor,
  type WatermarkCursorState,
} from "@gtm-clarity/core";
import { z } from "zod";

export const CURSOR_VERSION = 2;
export const MEETINGS_STREAM = "meetings";
type Stream = typeof MEETINGS_STREAM;

export type FathomCursorState = WatermarkCursorState<Stream, string>;
export type FathomCursor = WatermarkCursor<Stream, string>;

// ---- version 1 ---------------------------------------------------------------------------------------------------

const isoDateTime = z.iso.datetime({ offset: true });
const IdleV1 = z.object({ v: z.literal(1), phase: z.literal("idle"), watermark: isoDateTime.nullable() });
const PagingV1 = z.object({
  v: z.literal(1),
  phase: z.literal("paging"),
  watermark: isoDateTime.nullable(),
  /** The run's lower bound: the watermark minus the lookback, or null for a full run. */
  createdAfter: isoDateTime.nullable(),
  pageCursor: z.string().min(1),
  highWater: isoDateTime.nullable(),
});
const CursorV1Schema = z.discriminatedUnion("phase", [IdleV1, PagingV1]);
export type CursorV1 = z.output<typeof CursorV1Schema>;

const mark = (at: string | null) => (at === null ? null : { at: new Date(at).toISOString(), id: null });

/** A version 1 cursor as the watermark cursor's state: the same watermark, and a run in progress continues. */
export function migrateV1(old: unknown): FathomCursorState {
  const v1 = CursorV1Schema.parse(old);
  const run =
    v1.phase === "idle"
      ? null
      : {
          full: v1.createdAfter === null,
          since: v1.createdAfter,
          // Version 1 had no upper bound and Fathom's listing needs none; the run's start is the best stand-in.
          until: v1.highWater ?? v1.watermark ?? v1.createdAfter ?? new Date(0).toISOString(),
          position: v1.pageCursor,
          highWater: mark(v1.highWater),
        };
  const stream = { watermark: mark(v1.watermark), run };
  return { v: CURSOR_VERSION, streams: { [MEETINGS_STREAM]: stream }, pass: { done: [], last: null } };
}

// ---- the cursor ----------------------------------------------------------------------------------------------------

const cursors = new Map<number, FathomCursor>();

/** The cursor for a connection's lookback (one per lookback value, built once). */
export function fathomCursor(lookbackMinutes: number): FathomCursor {
  let cursor = cursors.get(lookbackMinutes);
  if (cursor === undefined) {
    cursor = defineWatermarkCursor({
      name: "Fathom",
      version: CURSOR_VERSION,
      streams: [MEETINGS_STREAM],
      lookbackMs: lookbackMinutes * 60_000,
      positionSchema: z.string().min(1),
      legacy: { schema: CursorV1Schema, migrate: migrateV1 },
    });
    cursors.set(lookbackMinutes, cursor);
  }
  return cursor;
}

/** Parsing and writing do not depend on the lookback. */
const codec = fathomCursor(0);

export interface CursorForSync {
  state: FathomCursorState;
  /** Set when a full sync started over because the stored cursor could not be read: why it could not. */
  discarded?: SchemaError;
}

/**
 * The cursor a `sync` call starts from. An unreadable cursor is a SchemaError that says a full sync starts over;
 * with `fullSync` it is that fresh start (unless a newer version of the connector wrote it).
 */
export function readCursorForSync(raw: string | null, fullSync: boolean): CursorForSync {
  try {
    return { state: codec.parse(raw) };
  } catch (error) {
    if (!isSchemaError(error)) throw error;
    const newer = writtenByNewerVersion(raw);
    if (fullSync && !newer) return { state: codec.initial, discarded: error };
    const remedy = newer
      ? "upgrade this connector to the version that wrote it"
      : "a full sync (fullSync: true) starts this connection over from scratch";
    throw new SchemaError(`${error.message}; ${remedy}`, error.issues, { cause: error });
  }
}

function writtenByNewerVersion(raw: string | null): boolean {
  if (raw === null) return false;
  try {
    const json: unknown = JSON.parse(raw);
    const v = json !== null && typeof json === "object" ? (json as Record<string, unknown>)["v"] : undefined;
    return typeof v === "number" && v > CURSOR_VERSION;
  } catch {
    return false;
  }
}

/** The state as a string (a state that is not a valid cursor is a SchemaError). */
export function serializeCursor(state: FathomCursorState): string {
  return codec.serialize(state);
}
