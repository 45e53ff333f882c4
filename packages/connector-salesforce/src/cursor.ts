/**
 * The sync cursor, on core's watermark cursor: per object, the highest (`SystemModstamp`, `Id`) a complete run has
 * read, and the `nextRecordsUrl` of a run in progress. Objects take turns page by page.
 *
 * A cursor this code did not write is a SchemaError, never a silent full resync. Bump `version` (and add a `legacy`
 * reader) when the state changes.
 */
import { defineWatermarkCursor } from "@gtm-clarity/core";
import { z } from "zod";
import { SOBJECT_NAMES } from "./objects/index.js";

export const salesforceCursor = defineWatermarkCursor({
  name: "Salesforce",
  version: 1,
  streams: SOBJECT_NAMES,
  // The query itself overlaps (`>=` on the watermark's timestamp, the Id breaking ties): no time lookback.
  lookbackMs: 0,
  /** The run's `nextRecordsUrl`. */
  positionSchema: z.string().min(1),
});
