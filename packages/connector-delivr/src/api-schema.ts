/**
 * Zod schemas of Delivr.ai's envelopes. Delivr publishes no example response (vendor-apis.md §5.2), so these accept
 * the shapes its docs describe in prose and nothing stricter: unknown fields are stripped, rows stay `unknown` until
 * the transform validates each on its own (one malformed row is quarantined, its page goes through).
 */
import { z } from "zod";

/**
 * An Events API page. The docs name the rows but not the envelope key, so `data`, `events`, `results` and a bare
 * array are all read; `total`, when sent, lets paging stop without one more request.
 */
export const DelivrEventsPageSchema = z.union([
  z.array(z.unknown()).transform((rows) => ({ rows, total: undefined })),
  z
    .object({
      data: z.array(z.unknown()).optional(),
      events: z.array(z.unknown()).optional(),
      results: z.array(z.unknown()).optional(),
      total: z.number().int().nonnegative().optional(),
      total_count: z.number().int().nonnegative().optional(),
    })
    .refine((page) => page.data ?? page.events ?? page.results, "no rows: expected data, events or results")
    .transform((page) => ({
      rows: page.data ?? page.events ?? page.results ?? [],
      total: page.total ?? page.total_count,
    })),
]);
export type DelivrEventsPage = z.output<typeof DelivrEventsPageSchema>;

/** `GET /api/v1/events_schema`: the field list. The cheapest authenticated call, used to validate credentials. */
export const DelivrEventsSchemaSchema = z.union([
  z.array(z.unknown()),
  z.object({ fields: z.array(z.unknown()) }).loose(),
  z.object({ data: z.array(z.unknown()) }).loose(),
]);

/** Errors: Delivr documents none beyond `404 "User not found."`; `{ error | message | detail }` is read if present. */
export const DelivrErrorSchema = z.union([
  z.object({
    error: z.union([z.string(), z.object({ code: z.string().optional(), message: z.string().optional() })]).optional(),
    message: z.string().optional(),
    detail: z.string().optional(),
    code: z.union([z.string(), z.number()]).optional(),
  }),
  z.string(),
]);
export type DelivrErrorBody = z.output<typeof DelivrErrorSchema>;

export function readDelivrError(body: DelivrErrorBody): { code?: string; message?: string } {
  if (typeof body === "string") return { message: body };
  const nested = typeof body.error === "object" ? body.error : undefined;
  const code = nested?.code ?? (body.code === undefined ? undefined : String(body.code));
  const message = nested?.message ?? (typeof body.error === "string" ? body.error : undefined) ?? body.message ?? body.detail;
  return { ...(code === undefined ? {} : { code }), ...(message === undefined ? {} : { message }) };
}

/** `GET {taxonomyUrl}/taxonomy/topics` (quoted in vendor-apis.md §5.2). */
export const DelivrTopicSchema = z.object({
  topic_id: z.union([z.string(), z.number()]).transform(String),
  name: z.string().nullish(),
  category_name: z.string().nullish(),
  subcategory_name: z.string().nullish(),
  status: z.string().nullish(),
  topic_type: z.string().nullish(),
});
export const DelivrTaxonomySchema = z.object({
  response: z.object({ topics: z.array(z.unknown()) }),
});

/** `GET /api/v1/audiences`: audiences with their build status (Pending, Processing, Completed, Failed). */
export const DelivrAudiencesPageSchema = z.union([
  z.array(z.unknown()).transform((rows) => ({ rows })),
  z
    .object({ data: z.array(z.unknown()).optional(), audiences: z.array(z.unknown()).optional() })
    .refine((page) => page.data ?? page.audiences, "no rows: expected data or audiences")
    .transform((page) => ({ rows: page.data ?? page.audiences ?? [] })),
]);
