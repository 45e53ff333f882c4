/**
 * Declarative source-field -> canonical-field mappings. A connector ships defaults in its `schema.ts`;
 * a tenant may override single mappings (matched by targetField) without touching the connector.
 */
import { canonicalFieldNames, type CanonicalKind } from "./canonical.js";
import { ConfigError } from "./errors.js";

export type FieldTransform = "none" | "lowercase" | "uppercase" | "trim" | "custom";

export interface FieldMapping {
  /** Dotted path into the source object: `recorded_by.email`. */
  sourceField: string;
  /** A canonical field name of `kind` (checked by the conformance suite). */
  targetField: string;
  transform: FieldTransform;
  required: boolean;
  /** Which canonical kind the target belongs to; defaults to any kind that has the field. */
  kind?: CanonicalKind;
  /** For `transform: "custom"`: the name of a registered custom transform. */
  customTransform?: string;
}

export type CustomTransform = (value: unknown) => unknown;

export interface ApplyMappingOptions {
  /** Tenant overrides, replacing the default mapping with the same targetField (and kind). */
  overrides?: readonly FieldMapping[];
  customTransforms?: Readonly<Record<string, CustomTransform>>;
}

export interface MappingResult {
  values: Record<string, unknown>;
  /** Required source fields that were missing or empty. */
  missing: string[];
}

export function readPath(source: unknown, path: string): unknown {
  let current: unknown = source;
  for (const part of path.split(".")) {
    // Own properties only: a source field named "constructor" or "toString" must not read Object.prototype.
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function customTransformFor(mapping: FieldMapping, custom: ApplyMappingOptions["customTransforms"]): CustomTransform {
  const name = mapping.customTransform;
  const fn = name === undefined || custom === undefined || !Object.hasOwn(custom, name) ? undefined : custom[name];
  if (!fn) {
    throw new ConfigError(`Field mapping for "${mapping.targetField}" names unknown custom transform "${name ?? ""}"`);
  }
  return fn;
}

function applyTransform(mapping: FieldMapping, value: unknown, custom: ApplyMappingOptions["customTransforms"]): unknown {
  if (value === undefined || value === null) return value;
  switch (mapping.transform) {
    case "none":
      return value;
    case "lowercase":
      return typeof value === "string" ? value.toLowerCase() : value;
    case "uppercase":
      return typeof value === "string" ? value.toUpperCase() : value;
    case "trim":
      return typeof value === "string" ? value.trim() : value;
    case "custom":
      return customTransformFor(mapping, custom)(value);
  }
}

/** Merges tenant overrides over defaults: an override replaces the default with the same (kind, targetField). */
export function mergeFieldMappings(defaults: readonly FieldMapping[], overrides: readonly FieldMapping[] = []): FieldMapping[] {
  const key = (m: FieldMapping) => `${m.kind ?? "*"}:${m.targetField}`;
  const merged = new Map(defaults.map((m) => [key(m), m]));
  for (const override of overrides) merged.set(key(override), override);
  return [...merged.values()];
}

/** Applies mappings to one source object. Pure: same input, same output. */
export function applyFieldMappings(
  source: unknown,
  mappings: readonly FieldMapping[],
  options: ApplyMappingOptions = {},
): MappingResult {
  const values: Record<string, unknown> = {};
  const missing: string[] = [];
  const merged = mergeFieldMappings(mappings, options.overrides);
  // A misconfigured mapping fails on every record, not only on those where the source field happens to be set.
  for (const mapping of merged) {
    if (mapping.transform === "custom") customTransformFor(mapping, options.customTransforms);
  }
  for (const mapping of merged) {
    const raw = readPath(source, mapping.sourceField);
    const value = applyTransform(mapping, raw, options.customTransforms);
    if (value === undefined || value === null || value === "") {
      if (mapping.required) missing.push(mapping.sourceField);
      continue;
    }
    values[mapping.targetField] = value;
  }
  return { values, missing };
}

/** Mappings whose targetField is not a field of any (or of the declared) canonical kind. */
export function invalidMappingTargets(mappings: readonly FieldMapping[]): FieldMapping[] {
  const kinds: CanonicalKind[] = ["person", "account", "activity"];
  return mappings.filter((mapping) => {
    const candidates = mapping.kind ? [mapping.kind] : kinds;
    return !candidates.some((kind) => canonicalFieldNames(kind).includes(mapping.targetField));
  });
}
