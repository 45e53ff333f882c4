/** Accounts (companies): `GET /v1/accounts`. */
import { z } from "zod";
import { defineStream, recordTimestamps } from "./stream.js";

export const DelivrAccountSchema = z.object({
  id: z.string().min(1),
  name: z.string().nullish(),
  domain: z.string().nullish(),
  industry: z.string().nullish(),
  employee_count: z.number().int().nonnegative().nullish(),
  website: z.string().nullish(),
  plan: z.string().nullish(),
  ...recordTimestamps,
});
export type DelivrAccount = z.output<typeof DelivrAccountSchema>;
/** The wire shape, as the API (and the sandbox) sends it. */
export type DelivrAccountInput = z.input<typeof DelivrAccountSchema>;

export const accountStream = defineStream({
  kind: "account",
  path: "/v1/accounts",
  schema: DelivrAccountSchema,
  mappings: [
    { kind: "account", sourceField: "id", targetField: "externalId", transform: "none", required: true },
    { kind: "account", sourceField: "name", targetField: "name", transform: "trim", required: false },
    { kind: "account", sourceField: "domain", targetField: "domain", transform: "lowercase", required: false },
    { kind: "account", sourceField: "industry", targetField: "industry", transform: "trim", required: false },
    { kind: "account", sourceField: "employee_count", targetField: "size", transform: "none", required: false },
    { kind: "account", sourceField: "website", targetField: "website", transform: "trim", required: false },
    { kind: "account", sourceField: "created_at", targetField: "remoteCreatedAt", transform: "none", required: false },
    { kind: "account", sourceField: "updated_at", targetField: "remoteUpdatedAt", transform: "none", required: true },
    { kind: "account", sourceField: "deleted", targetField: "isDeleted", transform: "none", required: false },
  ],
});
