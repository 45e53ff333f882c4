/**
 * The sync cursor: a typed, versioned state serialised to a string. The caller stores it opaquely and hands it back.
 *
 * A run lists `GET /meetings` newest first, page by page (`phase: "paging"`, Fathom's `next_cursor` in `pageCursor`).
 * When the last page is read the run's highest `created_at` becomes the `watermark` (`phase: "idle"`), and the next
 * run asks for `created_after = watermark - lookback`. The overlap re-reads a few meetings on purpose: upserts keyed
 * by externalId with a content hash absorb them, and a meeting that became visible late is not lost.
 *
 * `parseCursor` accepts every version it knows and migrates it to the current one; anything else is a SchemaError,
 * never a silent full resync (core's `defineCursorCodec` does the parsing, version check and validation).
 *
 * The one exception is a full sync, which is a request to start from scratch: `readCursorForSync` lets it start
 * over from a cursor that cannot be read (not JSON, malformed, a version this code no longer reads) instead of
 * failing every run until someone clears the cursor by hand. A cursor written by a newer version still fails:
 * the remedy there is to upgrade, not to discard another worker's progress.
 */
import { SchemaError, defineCursorCodec, isSchemaError } from "@gtm-clarity/core";
import { z } from "zod";

export const CURSOR_VERSION = 1;

const isoDateTime = z.iso.datetime({ offset: true });

const IdleV1 = z.object({
  v: z.literal(1),
  phase: z.literal("idle"),
  /** Highest `created_at` of the last completed run; null before the first one completes. */
  watermark: isoDateTime.nullable(),
});

const PagingV1 = z.object({
  v: z.literal(1),
  phase: z.literal("paging"),
  watermark: isoDateTime.nullable(),
  /** The run's lower bound, fixed for the whole run: the watermark minus the lookback, or null for a full sync. */
  createdAfter: isoDateTime.nullable(),
  /** Fathom's `next_cursor` for the next page of this run. */
  pageCursor: z.string().min(1),
  /** Highest `created_at` seen so far in this run. */
  highWater: isoDateTime.nullable(),
});

export const CursorStateV1Schema = z.discriminatedUnion("phase", [IdleV1, PagingV1]);
export type CursorState = z.output<typeof CursorStateV1Schema>;
export type IdleCursor = z.output<typeof IdleV1>;
export type PagingCursor = z.output<typeof PagingV1>;

/** Any cursor version this code can read. Add `V2` here, and a step in `migrateCursor`, when the state changes. */
const AnyVersionSchema = CursorStateV1Schema;
type AnyVersionCursor = z.output<typeof AnyVersionSchema>;

/** Upgrades an older cursor to the current version. Version 1 is current, so this is the identity for now. */
export function migrateCursor(state: AnyVersionCursor): CursorState {
  switch (state.v) {
    case 1:
      return state;
  }
}

export const INITIAL_CURSOR: IdleCursor = { v: 1, phase: "idle", watermark: null };

const codec = defineCursorCodec({
  name: "Fathom",
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

export interface CursorForSync {
  state: CursorState;
  /** Set when a full sync started over because the stored cursor could not be read: why it could not. */
  discarded?: SchemaError;
}

/**
 * The cursor a `sync` call starts from. An unreadable cursor is a SchemaError that says a full sync starts over;
 * with `fullSync` it is that fresh start (unless a newer version of the connector wrote it).
 */
export function readCursorForSync(raw: string | null, fullSync: boolean): CursorForSync {
  try {
    return { state: parseCursor(raw) };
  } catch (error) {
    if (!isSchemaError(error)) throw error;
    const newer = writtenByNewerVersion(raw);
    if (fullSync && !newer) return { state: INITIAL_CURSOR, discarded: error };
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

/** The later of two ISO instants (either may be null). */
export function laterOf(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return Date.parse(b) > Date.parse(a) ? b : a;
}

/** `watermark - lookbackMs` as ISO, or null when there is no watermark (full sync). */
export function createdAfterFor(watermark: string | null, lookbackMs: number): string | null {
  if (watermark === null) return null;
  return new Date(Date.parse(watermark) - lookbackMs).toISOString();
}
