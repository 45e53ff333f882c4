/**
 * Default field mappings: which Microsoft 365 field feeds which canonical field, per record kind (each kind's file in
 * `kinds/` holds its own). `sync/transform.ts` applies exactly these, so a tenant override of one mapping (same kind
 * and targetField) changes what a sync produces.
 */
import type { FieldMapping } from "@gtm-clarity/core";
import { STREAMS } from "./streams.js";

export const o365FieldMappings: FieldMapping[] = STREAMS.flatMap((stream) => stream.mappings);
