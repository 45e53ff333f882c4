/**
 * What one record kind of the Salesforce API is: where it is listed, the schema of its records and which field feeds
 * which canonical field. A kind is one file in this folder; `streams.ts` lists the ones the connector syncs.
 */
import type { FieldMapping, CanonicalKind } from "@gtm-clarity/core";
import { z } from "zod";

export interface StreamDefinition<K extends CanonicalKind = CanonicalKind> {
  readonly kind: K;
  /** The list endpoint, paged by `sync/pull.ts`. */
  readonly path: string;
  /** One record as the API sends it. Unknown fields are stripped, so the API adding one never breaks a sync. */
  readonly schema: z.ZodType<Record<string, unknown>>;
  /** Applied by `sync/transform.ts`; fields no mapping reads travel along in `properties`. */
  readonly mappings: readonly FieldMapping[];
}

export const isoDateTime = z.iso.datetime({ offset: true });

/** Every record carries these; `updated_at` drives the watermark. */
export const recordTimestamps = {
  created_at: isoDateTime,
  updated_at: isoDateTime,
  deleted: z.boolean().default(false),
};

/** Types a kind's definition (its mappings as core's FieldMapping) while keeping its `kind` literal. */
export function defineStream<const K extends CanonicalKind>(definition: StreamDefinition<K>): StreamDefinition<K> {
  return definition;
}
