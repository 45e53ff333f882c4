/** People: `GET /v1/people`. */
import { z } from "zod";
import { defineStream, recordTimestamps } from "./stream.js";

export const CustomerioPersonSchema = z.object({
  id: z.string().min(1),
  email: z.string().nullish(),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  title: z.string().nullish(),
  phone: z.string().nullish(),
  account_id: z.string().nullish(),
  lifecycle_stage: z.string().nullish(),
  ...recordTimestamps,
});
export type CustomerioPerson = z.output<typeof CustomerioPersonSchema>;
/** The wire shape, as the API (and the sandbox) sends it. */
export type CustomerioPersonInput = z.input<typeof CustomerioPersonSchema>;

export const personStream = defineStream({
  kind: "person",
  path: "/v1/people",
  schema: CustomerioPersonSchema,
  mappings: [
    { kind: "person", sourceField: "id", targetField: "externalId", transform: "none", required: true },
    { kind: "person", sourceField: "email", targetField: "email", transform: "lowercase", required: false },
    { kind: "person", sourceField: "first_name", targetField: "firstName", transform: "trim", required: false },
    { kind: "person", sourceField: "last_name", targetField: "lastName", transform: "trim", required: false },
    { kind: "person", sourceField: "title", targetField: "title", transform: "trim", required: false },
    { kind: "person", sourceField: "phone", targetField: "phone", transform: "trim", required: false },
    { kind: "person", sourceField: "account_id", targetField: "accountExternalId", transform: "none", required: false },
    { kind: "person", sourceField: "created_at", targetField: "remoteCreatedAt", transform: "none", required: false },
    { kind: "person", sourceField: "updated_at", targetField: "remoteUpdatedAt", transform: "none", required: true },
    { kind: "person", sourceField: "deleted", targetField: "isDeleted", transform: "none", required: false },
  ],
});
