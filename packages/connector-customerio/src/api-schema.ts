/**
 * Zod schemas of the App API's envelopes. Items stay `unknown` here and are validated one by one by the transforms,
 * so one malformed item is quarantined while the rest of its page goes through. Unknown fields are stripped.
 *
 * Paging: the cursor is the `next` property, sent back as `start=<next>`; an empty string or no `next` means done.
 */
import { z } from "zod";

const nextToken = z
  .string()
  .nullish()
  .transform((next) => (next === undefined || next === null || next === "" ? null : next));

/** `GET /v1/activities`: the workspace activity log, newest first. */
export const ActivitiesPageSchema = z.object({
  activities: z.array(z.unknown()),
  next: nextToken,
});
export type ActivitiesPage = z.output<typeof ActivitiesPageSchema>;

/** One entry of a search's `identifiers`: `id` may be empty in email-first workspaces; `cio_id` never is. */
export const CustomerIdentifiersSchema = z.object({
  id: z.string().nullish(),
  email: z.string().nullish(),
  cio_id: z.string().nullish(),
});
export type CustomerIdentifiers = z.output<typeof CustomerIdentifiersSchema>;

/** `POST /v1/customers`: identifiers only; attributes come from `/v1/customers/attributes`. */
export const CustomerSearchPageSchema = z.object({
  identifiers: z.array(z.unknown()).default([]),
  ids: z.array(z.unknown()).optional(),
  next: nextToken,
});
export type CustomerSearchPage = z.output<typeof CustomerSearchPageSchema>;

/** `POST /v1/customers/attributes`: up to 100 people. */
export const CustomerAttributesPageSchema = z.object({
  customers: z.array(z.unknown()),
});

/**
 * Errors are `{"meta":{"error":"…"}}` or `{"errors":[{"detail","status"}]}` depending on the endpoint (not verified
 * against a live workspace, so both are read and neither is required).
 */
export const CustomerioErrorSchema = z.union([
  z.object({ meta: z.object({ error: z.string() }) }),
  z.object({ errors: z.array(z.object({ detail: z.string().optional(), status: z.union([z.string(), z.number()]).optional() })).min(1) }),
]);
export type CustomerioErrorBody = z.output<typeof CustomerioErrorSchema>;

export function readCustomerioError(body: CustomerioErrorBody): { code?: string; message?: string } {
  if ("meta" in body) return { message: body.meta.error };
  const [first] = body.errors;
  return {
    ...(first?.status === undefined ? {} : { code: String(first.status) }),
    ...(first?.detail === undefined ? {} : { message: first.detail }),
  };
}
