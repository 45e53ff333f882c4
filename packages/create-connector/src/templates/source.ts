/** src/streams.ts, src/api-schema.ts and src/schema.ts: what the API serves and where each field goes. */
import { lines, str, type TemplateContext } from "./context.js";
import { specsOf } from "./kinds.js";

export function streamsTs(ctx: TemplateContext): string {
  const specs = specsOf(ctx.kinds);
  return lines(
    "/**",
    ` * The record kinds the ${ctx.displayName} connector syncs, in the order a sync run reads them, and the endpoint that`,
    " * lists each. Adding a kind here (with its schema, mappings and transform) is all a new stream needs.",
    " */",
    `export const STREAM_KINDS = [${specs.map((spec) => str(spec.kind)).join(", ")}] as const;`,
    "export type StreamKind = (typeof STREAM_KINDS)[number];",
    "",
    "export const STREAM_PATHS: Record<StreamKind, string> = {",
    specs.map((spec) => `  ${spec.kind}: "/v1/${spec.plural}",`),
    "};",
    "",
  );
}

export function apiSchemaTs(ctx: TemplateContext): string {
  const specs = specsOf(ctx.kinds);
  const p = ctx.pascal;
  return lines(
    "/**",
    ` * Zod schemas for the ${ctx.displayName} API: what the sandbox serves and what the connector validates. Replace them`,
    " * with the real API's shapes. Unknown fields are stripped, so the API adding a field never breaks a sync.",
    " *",
    " * A page is validated in two steps: the envelope here, with `data` as `unknown[]`, then each record on its own in",
    " * `sync/transform.ts`, so one malformed record is quarantined while the rest of its page goes through.",
    " */",
    'import { z } from "zod";',
    "",
    "const isoDateTime = z.iso.datetime({ offset: true });",
    "",
    specs.map((spec) =>
      lines(
        `export const ${p}${spec.title}Schema = z.object({`,
        spec.sourceFields.map((field) => `  ${field}`),
        "});",
        "",
      ),
    ),
    "/** Every list endpoint: `{ data, next_cursor }`, with `next_cursor: null` on the last page. */",
    `export const ${p}PageSchema = z.object({`,
    "  data: z.array(z.unknown()),",
    "  next_cursor: z.string().min(1).nullable(),",
    "});",
    "",
    "/** `GET /v1/me`: who the credentials belong to. The cheapest authenticated call, used by the health check. */",
    `export const ${p}MeSchema = z.object({`,
    "  id: z.string(),",
    "  name: z.string(),",
    "});",
    "",
    specs.map((spec) =>
      lines(
        `export type ${p}${spec.title} = z.output<typeof ${p}${spec.title}Schema>;`,
        `/** The wire shape, as the API (and the sandbox) sends it. */`,
        `export type ${p}${spec.title}Input = z.input<typeof ${p}${spec.title}Schema>;`,
      ),
    ),
    `export type ${p}Page = z.output<typeof ${p}PageSchema>;`,
    "",
  );
}

export function schemaTs(ctx: TemplateContext): string {
  const specs = specsOf(ctx.kinds);
  return lines(
    "/**",
    ` * Default field mappings: which ${ctx.displayName} field feeds which canonical field, per record kind.`,
    " * `sync/transform.ts` applies exactly these, so a tenant override of one mapping (same kind and targetField)",
    " * changes what a sync produces. Fields no mapping reads travel along in `properties`.",
    " */",
    'import type { FieldMapping } from "@gtm-clarity/core";',
    "",
    `export const ${ctx.camel}FieldMappings: FieldMapping[] = [`,
    specs.flatMap((spec) => [
      `  // ${spec.kind}`,
      ...spec.mappings.map(
        ([source, target, transform, required]) =>
          `  { kind: ${str(spec.kind)}, sourceField: ${str(source)}, targetField: ${str(target)}, transform: ${str(
            transform,
          )}, required: ${String(required)} },`,
      ),
    ]),
    "];",
    "",
  );
}
