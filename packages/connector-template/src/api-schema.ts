/**
 * Zod schemas for the Template API: what the sandbox serves and what the connector validates. Replace them
 * with the real API's shapes. Unknown fields are stripped, so the API adding a field never breaks a sync.
 *
 * A page is validated in two steps: the envelope here, with `data` as `unknown[]`, then each record on its own in
 * `sync/transform.ts`, so one malformed record is quarantined while the rest of its page goes through.
 */
import { z } from "zod";

const isoDateTime = z.iso.datetime({ offset: true });

export const TemplatePersonSchema = z.object({
  id: z.string().min(1),
  email: z.string().nullish(),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  title: z.string().nullish(),
  phone: z.string().nullish(),
  account_id: z.string().nullish(),
  lifecycle_stage: z.string().nullish(),
  created_at: isoDateTime,
  updated_at: isoDateTime,
  deleted: z.boolean().default(false),
});

export const TemplateAccountSchema = z.object({
  id: z.string().min(1),
  name: z.string().nullish(),
  domain: z.string().nullish(),
  industry: z.string().nullish(),
  employee_count: z.number().int().nonnegative().nullish(),
  website: z.string().nullish(),
  plan: z.string().nullish(),
  created_at: isoDateTime,
  updated_at: isoDateTime,
  deleted: z.boolean().default(false),
});

export const TemplateActivitySchema = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  channel: z.string().min(1),
  occurred_at: isoDateTime,
  subject: z.string().nullish(),
  /** Seconds. */
  duration: z.number().nonnegative().nullish(),
  direction: z.enum(["inbound", "outbound", "internal"]).nullish(),
  person_id: z.string().nullish(),
  account_id: z.string().nullish(),
  url: z.string().nullish(),
  created_at: isoDateTime,
  updated_at: isoDateTime,
  deleted: z.boolean().default(false),
});

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

export type TemplatePerson = z.output<typeof TemplatePersonSchema>;
/** The wire shape, as the API (and the sandbox) sends it. */
export type TemplatePersonInput = z.input<typeof TemplatePersonSchema>;
export type TemplateAccount = z.output<typeof TemplateAccountSchema>;
/** The wire shape, as the API (and the sandbox) sends it. */
export type TemplateAccountInput = z.input<typeof TemplateAccountSchema>;
export type TemplateActivity = z.output<typeof TemplateActivitySchema>;
/** The wire shape, as the API (and the sandbox) sends it. */
export type TemplateActivityInput = z.input<typeof TemplateActivitySchema>;
export type TemplatePage = z.output<typeof TemplatePageSchema>;
