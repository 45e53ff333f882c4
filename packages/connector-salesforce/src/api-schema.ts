/**
 * Zod schemas of what Salesforce's REST API sends back (vendor-apis.md §1.2, §1.6, §1.7). Unknown fields are
 * stripped. A query page is validated in two steps: the envelope here, with `records` as `unknown[]`, then each
 * record on its own (`objects/`), so one malformed record is quarantined while the rest of its page goes through.
 */
import { z } from "zod";

/** `GET …/query` and `…/queryAll`: `nextRecordsUrl` only while `done` is false; `totalSize` counts every page. */
export const QueryPageSchema = z.object({
  totalSize: z.number().int().nonnegative(),
  done: z.boolean(),
  nextRecordsUrl: z
    .string()
    .regex(/^\/services\/data\/v\d+\.\d+\/query\/[A-Za-z0-9-]+$/, "must be a /services/data/vXX.X/query/… locator")
    .optional(),
  records: z.array(z.unknown()),
});
export type QueryPage = z.output<typeof QueryPageSchema>;

const ErrorItem = z.object({
  message: z.string().optional(),
  errorCode: z.string().optional(),
  fields: z.array(z.string()).optional(),
});
/** Non-2xx bodies are an array `[{message, errorCode, fields?}]`; a few doc pages print a bare object. Both parse. */
export const SalesforceErrorSchema = z.union([z.array(ErrorItem).min(1), ErrorItem]);
export type SalesforceErrorBody = z.output<typeof SalesforceErrorSchema>;

export function firstError(body: SalesforceErrorBody): { code?: string; message?: string } {
  const item = Array.isArray(body) ? body[0] : body;
  return {
    ...(item?.errorCode === undefined ? {} : { code: item.errorCode }),
    ...(item?.message === undefined ? {} : { message: item.message }),
  };
}

/** The identity URL (`id` of the token response): names the org and the user. */
export const IdentitySchema = z.object({
  user_id: z.string().min(1),
  organization_id: z.string().min(1),
  username: z.string().optional(),
  display_name: z.string().optional(),
});
export type Identity = z.output<typeof IdentitySchema>;

/** One element of a Collections answer: errors use `statusCode`, not `errorCode` (vendor-apis.md §1.6). */
export const SaveResultSchema = z.object({
  id: z.string().nullish(),
  success: z.boolean(),
  created: z.boolean().optional(),
  errors: z
    .array(z.object({ statusCode: z.string(), message: z.string().optional(), fields: z.array(z.string()).optional() }))
    .default([]),
});
export const SaveResultsSchema = z.array(SaveResultSchema);
export type SaveResult = z.output<typeof SaveResultSchema>;
