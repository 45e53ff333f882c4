/**
 * Zod schemas of the Template API's envelopes (each kind's record schema is in `kinds/`). Replace them with the
 * real API's shapes. Unknown fields are stripped, so the API adding a field never breaks a sync.
 *
 * A page is validated in two steps: the envelope here, with `data` as `unknown[]`, then each record on its own in
 * `sync/transform.ts`, so one malformed record is quarantined while the rest of its page goes through.
 */
import { z } from "zod";

/** Every list endpoint: `{ data, next_cursor }`, with `next_cursor: null` on the last page. */
export const TemplatePageSchema = z.object({
  data: z.array(z.unknown()),
  next_cursor: z.string().min(1).nullable(),
});

/** `GET /v1/me`: who the credentials belong to. The cheapest authenticated call, used by the health check. */
export const TemplateMeSchema = z.object({
  id: z.string(),
  name: z.string(),
});

/** Every error: `{ error: { code, message } }`. The HTTP client puts both on the errors it throws. */
export const TemplateErrorSchema = z.object({
  error: z.object({ code: z.string().optional(), message: z.string().optional() }),
});

export type TemplatePage = z.output<typeof TemplatePageSchema>;
export type TemplateError = z.output<typeof TemplateErrorSchema>;
