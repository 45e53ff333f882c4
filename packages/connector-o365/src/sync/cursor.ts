/**
 * The sync cursor: per stream, Graph's links (a nextLink inside a round, the deltaLink between rounds), the round's
 * mode, and the ids the stream holds (for id-set reconciliation after an expired token); plus the tenant's verified
 * domains and the streams the current run has left. Validated with zod: a cursor this code did not write is a
 * SchemaError, never a silent full resync. Links and ids only: no secret, no content.
 */
import { SchemaError, toSchemaIssues } from "@gtm-clarity/core";
import { z } from "zod";
import { STREAM_NAMES } from "./streams.js";

const StreamName = z.enum(STREAM_NAMES);

export const StreamStateSchema = z.object({
  nextLink: z.string().min(1).optional(),
  deltaLink: z.string().min(1).optional(),
  /**
   * `delta`: following changes. `resync`: a full read after an expired token (or a full sync), whose end tombstones
   * every known id it did not see. `window`: a full read of a moved calendar window, which replaces the known ids
   * without tombstones (a meeting that left the window still happened).
   */
  mode: z.enum(["delta", "resync", "window"]).default("resync"),
  /**
   * External ids the stream held when its last round ended, space-separated (one string parses far faster than
   * thousands). Rounds only append to `added` and `removed`; they are folded into `known` once, at the round's end.
   */
  known: z.string().default(""),
  /** Ids this round delivered as changes. */
  added: z.string().default(""),
  /** Ids this round delivered as `@removed`. */
  removed: z.string().default(""),
  /** Short hashes of this round's nextLinks: a link Graph hands out twice in one round means paging would loop. */
  links: z.string().default(""),
  window: z.object({ start: z.string(), end: z.string() }).optional(),
});
export type StreamState = z.output<typeof StreamStateSchema>;

export const O365CursorSchema = z.object({
  v: z.literal(1),
  /** The tenant's verified domains (lower case): who is internal. */
  domains: z.array(z.string()).default([]),
  domainsCheckedAt: z.string().optional(),
  /** Streams this run has still to finish, the current one first; empty: the run is done. */
  pending: z.array(StreamName).default([]),
  /** The run was started as a full sync. */
  full: z.boolean().default(false),
  streams: z.partialRecord(StreamName, StreamStateSchema).default({}),
});
export type O365Cursor = z.output<typeof O365CursorSchema>;

export function emptyCursor(): O365Cursor {
  return { v: 1, domains: [], pending: [], full: false, streams: {} };
}

export function parseCursor(cursor: string | null): O365Cursor {
  if (cursor === null) return emptyCursor();
  let raw: unknown;
  try {
    raw = JSON.parse(cursor);
  } catch {
    throw new SchemaError("Microsoft 365 cursor is not JSON", [{ path: "", message: "not JSON" }]);
  }
  const parsed = O365CursorSchema.safeParse(raw);
  if (!parsed.success) {
    throw new SchemaError("Microsoft 365 cursor was not written by this connector", toSchemaIssues(parsed.error.issues));
  }
  return parsed.data;
}

/** External ids contain no whitespace (`user:<guid>`, `msg:<base64url>`, `evt:<base64url>`). */
export function idSet(packed: string): Set<string> {
  return new Set(packed === "" ? [] : packed.split(" "));
}

export function packIds(ids: Iterable<string>): string {
  return [...ids].join(" ");
}

export function serializeCursor(cursor: O365Cursor): string {
  return JSON.stringify(cursor);
}
