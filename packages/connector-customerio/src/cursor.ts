/**
 * The sync cursor, on core's watermark cursor, with two streams that take turns page by page:
 *
 * - `activities`: the watermark is the newest activity timestamp a complete run has seen. The log is newest first
 *   and has no "since" filter, so a run reads from the top until an entry is older than `watermark - lookback`, then
 *   ends. The 10-minute lookback re-reads entries that became visible late; upserts by externalId absorb the overlap.
 *   The paging position is the API's `next` token.
 * - `people`: the App API cannot ask "changed since", so every run reads every person; the store's content hash makes
 *   an unchanged person a no-op. Its watermark stays null.
 *
 * A cursor this code did not write is a SchemaError, never a silent full resync.
 */
import { defineWatermarkCursor } from "@gtm-clarity/core";
import { z } from "zod";

export const STREAMS = ["activities", "people"] as const;
export type CustomerioStream = (typeof STREAMS)[number];

export const ACTIVITY_LOOKBACK_MS = 10 * 60 * 1000;

export const customerioCursor = defineWatermarkCursor({
  name: "Customer.io",
  version: 2,
  streams: STREAMS,
  lookbackMs: ACTIVITY_LOOKBACK_MS,
  positionSchema: z.string().min(1),
});
