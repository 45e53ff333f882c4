/**
 * What each record kind contributes to a generated connector: the fake API's endpoint and record shape, the default
 * field mappings, and the canonical type it becomes. Templates loop over the chosen kinds with these.
 */
import type { RecordKind } from "../options.js";

type Transform = "none" | "lowercase" | "trim";

export interface KindSpec {
  kind: RecordKind;
  /** `Person`: for type and function names. */
  title: string;
  /** `people`: the endpoint's resource name. */
  plural: string;
  /** Prefix of the fake API's ids: `per_0001`. */
  idPrefix: string;
  /** Lines of the zod object for the fake API's record (inside `z.object({ ... })`). */
  sourceFields: readonly string[];
  /** Default mappings: source field, canonical field, transform, required. */
  mappings: readonly (readonly [string, string, Transform, boolean])[];
  /** A source field with no canonical home, which travels in `properties`. */
  extraField: string;
}

const ENVELOPE_FIELDS = [
  "created_at: isoDateTime,",
  "updated_at: isoDateTime,",
  "deleted: z.boolean().default(false),",
];

const ENVELOPE_MAPPINGS = [
  ["created_at", "remoteCreatedAt", "none", false],
  ["updated_at", "remoteUpdatedAt", "none", true],
  ["deleted", "isDeleted", "none", false],
] as const;

export const KIND_SPECS: Record<RecordKind, KindSpec> = {
  person: {
    kind: "person",
    title: "Person",
    plural: "people",
    idPrefix: "per",
    sourceFields: [
      "id: z.string().min(1),",
      "email: z.string().nullish(),",
      "first_name: z.string().nullish(),",
      "last_name: z.string().nullish(),",
      "title: z.string().nullish(),",
      "phone: z.string().nullish(),",
      "account_id: z.string().nullish(),",
      "lifecycle_stage: z.string().nullish(),",
      ...ENVELOPE_FIELDS,
    ],
    mappings: [
      ["id", "externalId", "none", true],
      ["email", "email", "lowercase", false],
      ["first_name", "firstName", "trim", false],
      ["last_name", "lastName", "trim", false],
      ["title", "title", "trim", false],
      ["phone", "phone", "trim", false],
      ["account_id", "accountExternalId", "none", false],
      ...ENVELOPE_MAPPINGS,
    ],
    extraField: "lifecycle_stage",
  },
  account: {
    kind: "account",
    title: "Account",
    plural: "accounts",
    idPrefix: "acc",
    sourceFields: [
      "id: z.string().min(1),",
      "name: z.string().nullish(),",
      "domain: z.string().nullish(),",
      "industry: z.string().nullish(),",
      "employee_count: z.number().int().nonnegative().nullish(),",
      "website: z.string().nullish(),",
      "plan: z.string().nullish(),",
      ...ENVELOPE_FIELDS,
    ],
    mappings: [
      ["id", "externalId", "none", true],
      ["name", "name", "trim", false],
      ["domain", "domain", "lowercase", false],
      ["industry", "industry", "trim", false],
      ["employee_count", "size", "none", false],
      ["website", "website", "trim", false],
      ...ENVELOPE_MAPPINGS,
    ],
    extraField: "plan",
  },
  activity: {
    kind: "activity",
    title: "Activity",
    plural: "activities",
    idPrefix: "act",
    sourceFields: [
      "id: z.string().min(1),",
      "type: z.string().min(1),",
      "channel: z.string().min(1),",
      "occurred_at: isoDateTime,",
      "subject: z.string().nullish(),",
      "/** Seconds. */",
      "duration: z.number().nonnegative().nullish(),",
      'direction: z.enum(["inbound", "outbound", "internal"]).nullish(),',
      "person_id: z.string().nullish(),",
      "account_id: z.string().nullish(),",
      "url: z.string().nullish(),",
      ...ENVELOPE_FIELDS,
    ],
    mappings: [
      ["id", "externalId", "none", true],
      ["type", "type", "none", true],
      ["channel", "channel", "none", true],
      ["occurred_at", "occurredAt", "none", true],
      ["subject", "subject", "trim", false],
      ["duration", "durationSeconds", "none", false],
      ["direction", "direction", "none", false],
      ["person_id", "personExternalId", "none", false],
      ["account_id", "accountExternalId", "none", false],
      ...ENVELOPE_MAPPINGS,
    ],
    extraField: "url",
  },
};

export function specsOf(kinds: readonly RecordKind[]): KindSpec[] {
  return kinds.map((kind) => KIND_SPECS[kind]);
}
