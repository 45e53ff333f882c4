/**
 * The sync cursor, on core's watermark cursor: per stream, the end of the last complete run (the watermark) and the
 * position of a run in progress. A visits run reads [since, until) window by window (`windowStartMs`, `offset`); its
 * watermark becomes `until`, so the next run starts exactly there (less the lookback setting, whose overlap the
 * store's upserts by stable id absorb). An intent run reads the audiences completed since the watermark, one after
 * the other. A cursor this code did not write is a SchemaError, never a silent full resync.
 */
import { defineWatermarkCursor } from "@gtm-clarity/core";
import { z } from "zod";
import { STREAM_NAMES } from "./settings.js";

const AudienceRefSchema = z.object({
  id: z.string().min(1).max(200),
  name: z.string().max(400).nullable(),
  updatedAtMs: z.number().int(),
  topicIds: z.array(z.string().max(100)).max(500),
});
export type AudienceRef = z.output<typeof AudienceRefSchema>;

export const VisitsPositionSchema = z.object({
  stream: z.literal("visits"),
  windowStartMs: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  /** The previous page's first-row fingerprint, to catch a server that ignores `offset`. */
  previous: z.string().max(64).nullable().optional(),
});
export const IntentPositionSchema = z.object({
  stream: z.literal("intent"),
  audiences: z.array(AudienceRefSchema).max(1000),
  index: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  /** Set when the run could not hold every new audience: its watermark stops at the last one read. */
  endAtMs: z.number().int().nullable().optional(),
});
export type VisitsPosition = z.output<typeof VisitsPositionSchema>;
export type IntentPosition = z.output<typeof IntentPositionSchema>;

export const delivrCursor = defineWatermarkCursor({
  name: "Delivr.ai",
  version: 1,
  streams: STREAM_NAMES,
  // The lookback is a setting, applied when a run starts (connector.ts).
  lookbackMs: 0,
  positionSchema: z.discriminatedUnion("stream", [VisitsPositionSchema, IntentPositionSchema]),
});
export type DelivrCursorState = ReturnType<typeof delivrCursor.parse>;
