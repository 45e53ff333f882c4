/**
 * The sync cursor, on core's watermark cursor: per stream, the newest `updated_at` a complete run has seen and the
 * API's `next_cursor` of a run in progress. The next run asks for `updated_since = watermark` (no lookback): the
 * records updated at exactly that instant are read again on purpose, and the store's upserts keyed by externalId
 * absorb them, so nothing updated in the same second is lost. Streams take turns page by page.
 *
 * A cursor this code did not write is a SchemaError, never a silent full resync. Bump `version` (and add a `legacy`
 * reader) when the state changes.
 */
import { defineWatermarkCursor } from "@gtm-clarity/core";
import { z } from "zod";
import { STREAM_KINDS } from "./streams.js";

export const delivrCursor = defineWatermarkCursor({
  name: "Delivr.ai",
  version: 1,
  streams: STREAM_KINDS,
  lookbackMs: 0,
  /** The API's `next_cursor`. */
  positionSchema: z.string().min(1),
});
