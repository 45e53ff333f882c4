/** Activities (meetings, emails, calls): `GET /v1/activities`. */
import { z } from "zod";
import { defineStream, isoDateTime, recordTimestamps } from "./stream.js";

export const CustomerioActivitySchema = z.object({
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
  ...recordTimestamps,
});
export type CustomerioActivity = z.output<typeof CustomerioActivitySchema>;
/** The wire shape, as the API (and the sandbox) sends it. */
export type CustomerioActivityInput = z.input<typeof CustomerioActivitySchema>;

export const activityStream = defineStream({
  kind: "activity",
  path: "/v1/activities",
  schema: CustomerioActivitySchema,
  mappings: [
    { kind: "activity", sourceField: "id", targetField: "externalId", transform: "none", required: true },
    { kind: "activity", sourceField: "type", targetField: "type", transform: "none", required: true },
    { kind: "activity", sourceField: "channel", targetField: "channel", transform: "none", required: true },
    { kind: "activity", sourceField: "occurred_at", targetField: "occurredAt", transform: "none", required: true },
    { kind: "activity", sourceField: "subject", targetField: "subject", transform: "trim", required: false },
    { kind: "activity", sourceField: "duration", targetField: "durationSeconds", transform: "none", required: false },
    { kind: "activity", sourceField: "direction", targetField: "direction", transform: "none", required: false },
    { kind: "activity", sourceField: "person_id", targetField: "personExternalId", transform: "none", required: false },
    { kind: "activity", sourceField: "account_id", targetField: "accountExternalId", transform: "none", required: false },
    { kind: "activity", sourceField: "created_at", targetField: "remoteCreatedAt", transform: "none", required: false },
    { kind: "activity", sourceField: "updated_at", targetField: "remoteUpdatedAt", transform: "none", required: true },
    { kind: "activity", sourceField: "deleted", targetField: "isDeleted", transform: "none", required: false },
  ],
});
