/**
 * Pure transforms: one raw Delivr.ai record becomes one canonical record, or a quarantined record with the reasons.
 * The field mappings (schema.ts, or a tenant's overrides) say which field goes where; fields no mapping reads
 * travel along in `properties`. Every record is validated (and normalised) by core's canonical schema before it
 * leaves. No I/O, no clock, no randomness: the same input always gives the same output.
 */
import {
  applyFieldMappings,
  toSchemaIssues,
  validateCanonicalRecord,
  type CanonicalRecord,
  type FieldMapping,
  type QuarantinedRecord,
  type SchemaIssue,
} from "@gtm-clarity/core";
import { delivrFieldMappings } from "../schema.js";
import { streamOf, type StreamKind } from "../streams.js";

export type TransformResult = { ok: true; record: CanonicalRecord } | { ok: false; quarantined: QuarantinedRecord };

/** One raw record of `kind` (a page item or a webhook body) to a canonical record, or to quarantine. */
export function transformRecord(
  kind: StreamKind,
  raw: unknown,
  mappings: readonly FieldMapping[] = delivrFieldMappings,
): TransformResult {
  const parsed = streamOf(kind).schema.safeParse(raw);
  if (!parsed.success) return quarantine(raw, toSchemaIssues(parsed.error.issues));
  const source = parsed.data;
  const kindMappings = mappings.filter((mapping) => mapping.kind === kind);
  const { values, missing } = applyFieldMappings(source, kindMappings);
  if (missing.length > 0) {
    const reasons = missing.map((field) => ({ path: field, message: "required field is missing or empty" }));
    return quarantine(raw, reasons);
  }
  const read = new Set(kindMappings.map((mapping) => mapping.sourceField.split(".")[0]));
  const extras = Object.fromEntries(
    Object.entries(source).filter(([key, value]) => !read.has(key) && value !== null && value !== undefined),
  );
  const validation = validateCanonicalRecord({ properties: extras, ...values, kind });
  return validation.ok ? { ok: true, record: validation.record } : quarantine(raw, validation.reasons);
}

/** A record's `updated_at` as ISO-8601, or null when it has none that parses (then it does not move the watermark). */
export function updatedAtOf(raw: unknown): string | null {
  if (raw === null || typeof raw !== "object") return null;
  const value = (raw as Record<string, unknown>)["updated_at"];
  if (typeof value !== "string") return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

function quarantine(raw: unknown, reasons: SchemaIssue[]): TransformResult {
  const externalId = idOf(raw);
  return { ok: false, quarantined: { ...(externalId === undefined ? {} : { externalId }), raw, reasons } };
}

/** The record's `id`, when it has a usable one, so that a quarantined record can be traced. */
function idOf(raw: unknown): string | undefined {
  if (raw === null || typeof raw !== "object") return undefined;
  const id = (raw as Record<string, unknown>)["id"];
  return typeof id === "string" && id !== "" ? id : undefined;
}
