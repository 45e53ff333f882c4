/** src/sync/pull.ts and src/sync/transform.ts. */
import { lines, signature, specifiers, str, type TemplateContext } from "./context.js";
import { specsOf } from "./kinds.js";

export function pullTs(ctx: TemplateContext): string {
  const { pascal: p, displayName: d } = ctx;
  return `/**
 * Reads the ${d} API page by page through core's HTTP client: pacing under the rate-limit policy (client.ts),
 * Retry-After and RateLimit-* on a 429, backoff on 5xx, AuthError on 401, SchemaError on a body that is not a page.
 * Items stay \`unknown\` here; the transform validates them one by one, so one malformed record cannot sink its page.
 */
import { SchemaError, type HttpClient } from "@gtm-clarity/core";
import { ${p}PageSchema } from "../api-schema.js";
import { STREAM_PATHS, type StreamKind } from "../streams.js";

/** The largest page the API serves. It may send fewer; \`next_cursor\` says whether more follow. */
export const PAGE_SIZE = 100;

export interface StreamQuery {
  /** ISO-8601: only records updated at or after it. Null or absent: everything. */
  updatedSince?: string | null;
  pageSize?: number;
}

export interface StreamPage {
  kind: StreamKind;
  items: unknown[];
  /** Where the next page starts; null after the last page. */
  nextCursor: string | null;
}

/** One page of one stream. Throws SchemaError when the body is not a page, or when paging would loop. */
export async function fetchPage(
  client: HttpClient,
  kind: StreamKind,
  query: StreamQuery,
  cursor: string | null,
  signal?: AbortSignal,
): Promise<StreamPage> {
  const page = await client.getJson(STREAM_PATHS[kind], ${p}PageSchema, {
    searchParams: {
      limit: query.pageSize ?? PAGE_SIZE,
      updated_since: query.updatedSince ?? undefined,
      cursor: cursor ?? undefined,
    },
    ...(signal === undefined ? {} : { signal }),
  });
  if (page.next_cursor !== null && page.next_cursor === cursor) {
    throw new SchemaError("${d} returned the cursor it was given as next_cursor: paging would loop", [
      { path: "next_cursor", message: "repeats the request's cursor" },
    ]);
  }
  return { kind, items: page.data, nextCursor: page.next_cursor };
}

/**
 * Every page of one stream from \`startCursor\` (or the first) to the end, lazily: the caller can stop after any page
 * and resume later from that page's \`nextCursor\`. \`sync\` reads one page per call; backfills and the benchmark
 * read whole streams.
 */
export async function* pullStream(
  client: HttpClient,
  kind: StreamKind,
  query: StreamQuery = {},
  options: { startCursor?: string | null; signal?: AbortSignal } = {},
): AsyncGenerator<StreamPage, void, undefined> {
  let cursor = options.startCursor ?? null;
  for (;;) {
    const page = await fetchPage(client, kind, query, cursor, options.signal);
    yield page;
    if (page.nextCursor === null) return;
    cursor = page.nextCursor;
  }
}
`;
}

export function transformTs(ctx: TemplateContext): string {
  const { pascal: p, camel, displayName: d } = ctx;
  const specs = specsOf(ctx.kinds);
  return lines(
    "/**",
    ` * Pure transforms: one raw ${d} record becomes one canonical record, or a quarantined record with the reasons.`,
    " * The field mappings (schema.ts, or a tenant's overrides) say which field goes where; fields no mapping reads",
    " * travel along in `properties`. Every record is validated (and normalised) by core's canonical schema before it",
    " * leaves. No I/O, no clock, no randomness: the same input always gives the same output.",
    " */",
    "import {",
    "  applyFieldMappings,",
    "  toSchemaIssues,",
    "  validateCanonicalRecord,",
    "  type CanonicalRecord,",
    "  type FieldMapping,",
    "  type QuarantinedRecord,",
    "  type SchemaIssue,",
    '} from "@gtm-clarity/core";',
    'import type { z } from "zod";',
    specifiers(
      "import",
      specs.map((spec) => `${p}${spec.title}Schema`),
      "../api-schema.js",
    ),
    `import { ${camel}FieldMappings } from "../schema.js";`,
    'import type { StreamKind } from "../streams.js";',
    "",
    "export type TransformResult = { ok: true; record: CanonicalRecord } | { ok: false; quarantined: QuarantinedRecord };",
    "",
    "/** The API's schema for each stream's records. */",
    "const SOURCE_SCHEMAS: Record<StreamKind, z.ZodType<Record<string, unknown>>> = {",
    specs.map((spec) => `  ${spec.kind}: ${p}${spec.title}Schema,`),
    "};",
    "",
    "/** One raw record of `kind` (a page item or a webhook body) to a canonical record, or to quarantine. */",
    signature(
      "export function transformRecord",
      ["kind: StreamKind", "raw: unknown", `mappings: readonly FieldMapping[] = ${camel}FieldMappings`],
      ": TransformResult {",
    ),
    "  const parsed = SOURCE_SCHEMAS[kind].safeParse(raw);",
    "  if (!parsed.success) return quarantine(raw, toSchemaIssues(parsed.error.issues));",
    "  const source = parsed.data;",
    "  const kindMappings = mappings.filter((mapping) => mapping.kind === kind);",
    "  const { values, missing } = applyFieldMappings(source, kindMappings);",
    "  if (missing.length > 0) {",
    '    const reasons = missing.map((field) => ({ path: field, message: "required field is missing or empty" }));',
    "    return quarantine(raw, reasons);",
    "  }",
    '  const read = new Set(kindMappings.map((mapping) => mapping.sourceField.split(".")[0]));',
    "  const extras = Object.fromEntries(",
    "    Object.entries(source).filter(([key, value]) => !read.has(key) && value !== null && value !== undefined),",
    "  );",
    "  const validation = validateCanonicalRecord({ properties: extras, ...values, kind });",
    "  return validation.ok ? { ok: true, record: validation.record } : quarantine(raw, validation.reasons);",
    "}",
    "",
    specs.map((spec) =>
      lines(
        `/** One ${spec.kind} from the ${d} API. */`,
        signature(
          `export function transform${spec.title}`,
          ["raw: unknown", `mappings: readonly FieldMapping[] = ${camel}FieldMappings`],
          ": TransformResult {",
        ),
        `  return transformRecord(${str(spec.kind)}, raw, mappings);`,
        "}",
        "",
      ),
    ),
    "/** A record's `updated_at` as ISO-8601, or null when it has none that parses (then it does not move the watermark). */",
    "export function updatedAtOf(raw: unknown): string | null {",
    '  if (raw === null || typeof raw !== "object") return null;',
    '  const value = (raw as Record<string, unknown>)["updated_at"];',
    '  if (typeof value !== "string") return null;',
    "  const time = Date.parse(value);",
    "  return Number.isNaN(time) ? null : new Date(time).toISOString();",
    "}",
    "",
    "function quarantine(raw: unknown, reasons: SchemaIssue[]): TransformResult {",
    "  const externalId = idOf(raw);",
    "  return { ok: false, quarantined: { ...(externalId === undefined ? {} : { externalId }), raw, reasons } };",
    "}",
    "",
    "/** The record's `id`, when it has a usable one, so that a quarantined record can be traced. */",
    "function idOf(raw: unknown): string | undefined {",
    '  if (raw === null || typeof raw !== "object") return undefined;',
    '  const id = (raw as Record<string, unknown>)["id"];',
    '  return typeof id === "string" && id !== "" ? id : undefined;',
    "}",
    "",
  );
}
