/**
 * The last step every transform shares: field mappings over a flat view, then core's canonical validation (which also
 * normalises). A record that cannot be built is quarantined with the reasons, never dropped.
 */
import {
  applyFieldMappings,
  toSchemaIssues,
  validateCanonicalRecord,
  type CanonicalKind,
  type CanonicalRecord,
  type FieldMapping,
  type QuarantinedRecord,
  type SchemaIssue,
} from "@gtm-clarity/core";
import type { z } from "zod";

export type TransformResult = { ok: true; record: CanonicalRecord } | { ok: false; quarantined: QuarantinedRecord };

export function buildRecord(
  kind: CanonicalKind,
  view: Record<string, unknown>,
  properties: Record<string, unknown>,
  mappings: readonly FieldMapping[],
  raw: unknown,
  /** `{ partial: true }` for an update that carries only some fields: the store merges it over what it holds. */
  envelope: { partial?: true } = {},
): TransformResult {
  const kindMappings = mappings.filter((mapping) => mapping.kind === undefined || mapping.kind === kind);
  const { values, missing } = applyFieldMappings(view, kindMappings);
  if (missing.length > 0) {
    const reasons = missing.map((field) => ({ path: field, message: "required field is missing or empty" }));
    return quarantine(raw, reasons, view["external_id"]);
  }
  const validation = validateCanonicalRecord({ ...values, properties, kind, ...envelope });
  return validation.ok ? { ok: true, record: validation.record } : quarantine(raw, validation.reasons, values["externalId"]);
}

export function quarantine(raw: unknown, reasons: SchemaIssue[], externalId?: unknown): TransformResult {
  const id = typeof externalId === "string" && externalId !== "" ? { externalId } : {};
  return { ok: false, quarantined: { ...id, raw, reasons } };
}

export function schemaQuarantine(raw: unknown, error: z.ZodError, externalId?: unknown): TransformResult {
  return quarantine(raw, toSchemaIssues(error.issues), externalId);
}
