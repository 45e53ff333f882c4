/**
 * The canonical model every connector produces: people, accounts and activities, discriminated by `kind`.
 * Normalisation (trimmed lower-case emails and bare domains) lives in the schema itself, so every path
 * that validates a record also normalises it.
 */
import { z } from "zod";

/** Trims and lower-cases an email (blank values are turned into `undefined` by the schemas, not here). */
export function normalizeEmail(value: string): string {
  return value.trim().toLowerCase();
}

/** `https://www.Example.com/path` -> `example.com`. Also strips a trailing dot and a port. */
export function normalizeDomain(value: string): string {
  let domain = value.trim().toLowerCase();
  domain = domain.replace(/^[a-z][a-z0-9+.-]*:\/\//, "");
  domain = domain.replace(/^[^@/]*@/, "");
  domain = domain.split(/[/?#]/)[0] ?? "";
  domain = domain.replace(/:\d+$/, "").replace(/\.$/, "").replace(/^www\./, "");
  return domain;
}

/** The part after the `@`, normalised; undefined when `email` has none. */
export function domainOfEmail(email: string): string | undefined {
  const at = email.lastIndexOf("@");
  if (at < 0) return undefined;
  const domain = normalizeDomain(email.slice(at + 1));
  return domain === "" ? undefined : domain;
}

const emptyToUndefined = (value: unknown) =>
  value === null || (typeof value === "string" && value.trim() === "") ? undefined : value;

const optionalText = (max: number) => z.preprocess(emptyToUndefined, z.string().trim().max(max).optional());

export const EmailSchema = z.string().transform(normalizeEmail).pipe(z.email({ message: "invalid email" }));
export const DomainSchema = z
  .string()
  .transform(normalizeDomain)
  .pipe(
    z
      .string()
      .min(1, "empty domain")
      .max(253)
      .regex(/^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/, "invalid domain"),
  );

/**
 * Accepts a Date, epoch milliseconds or a date string. Not `z.coerce.date()`: it turns `null` and `true` into
 * 1970-01-01, so a record with no date would be stored with a wrong one instead of being quarantined.
 */
const toDate = (value: unknown): unknown => {
  if (typeof value === "number") return Number.isFinite(value) ? new Date(value) : value;
  if (typeof value === "string" && value.trim() !== "") return new Date(value.trim());
  return value;
};
const dateValue = z.preprocess(
  toDate,
  z.date({ error: "invalid date: expected an ISO-8601 string, epoch milliseconds or a Date" }),
);

const optionalEmail = z.preprocess(emptyToUndefined, EmailSchema.optional());
const optionalDomain = z.preprocess(emptyToUndefined, DomainSchema.optional());
const optionalDate = z.preprocess(emptyToUndefined, dateValue.optional());
const externalId = z.string().trim().min(1, "externalId is required").max(512);
const optionalRef = z.preprocess(emptyToUndefined, externalId.optional());

/** Fields every canonical record carries. */
export const canonicalEnvelope = {
  externalId,
  /** Source-specific extras that have no canonical field. JSON-serialisable. */
  properties: z.record(z.string(), z.unknown()).default({}),
  remoteCreatedAt: optionalDate,
  remoteUpdatedAt: optionalDate,
  /** True when the source says the record was deleted; the store keeps it as a tombstone. */
  isDeleted: z.boolean().default(false),
  /**
   * True when the record carries only some of its fields (a webhook's subscription change names the person by id
   * and email alone): the store merges it over the stored record, the fields it carries winning and properties
   * merging key by key, instead of replacing what other fields it holds. Absent on whole records.
   */
  partial: z.literal(true).optional(),
};

export const CanonicalPersonSchema = z.object({
  kind: z.literal("person"),
  ...canonicalEnvelope,
  email: optionalEmail,
  firstName: optionalText(200),
  lastName: optionalText(200),
  fullName: optionalText(400),
  title: optionalText(300),
  phone: optionalText(64),
  accountExternalId: optionalRef,
  /** Whether the person is outside the tenant's own organisation, where the source knows. */
  isExternal: z.boolean().optional(),
});

export const CanonicalAccountSchema = z.object({
  kind: z.literal("account"),
  ...canonicalEnvelope,
  name: optionalText(400),
  domain: optionalDomain,
  industry: optionalText(200),
  /** Employee count. */
  size: z.number().int().nonnegative().optional(),
  website: optionalText(2048),
});

export const CanonicalActivitySchema = z.object({
  kind: z.literal("activity"),
  ...canonicalEnvelope,
  /** What happened: meeting, email_sent, email_opened, page_view, form_submit, ... */
  type: z.string().trim().min(1).max(100),
  /** Where it happened: video, email, web, phone, ... */
  channel: z.string().trim().min(1).max(100),
  occurredAt: dateValue,
  durationSeconds: z.number().nonnegative().optional(),
  subject: optionalText(1000),
  direction: z.enum(["inbound", "outbound", "internal"]).optional(),
  personExternalId: optionalRef,
  accountExternalId: optionalRef,
});

export const CanonicalRecordSchema = z.discriminatedUnion("kind", [
  CanonicalPersonSchema,
  CanonicalAccountSchema,
  CanonicalActivitySchema,
]);

export type CanonicalPerson = z.output<typeof CanonicalPersonSchema>;
export type CanonicalAccount = z.output<typeof CanonicalAccountSchema>;
export type CanonicalActivity = z.output<typeof CanonicalActivitySchema>;
export type CanonicalRecord = z.output<typeof CanonicalRecordSchema>;
export type CanonicalRecordInput = z.input<typeof CanonicalRecordSchema>;
export type CanonicalKind = CanonicalRecord["kind"];

export const CANONICAL_KINDS = ["person", "account", "activity"] as const satisfies readonly CanonicalKind[];

const schemaByKind = {
  person: CanonicalPersonSchema,
  account: CanonicalAccountSchema,
  activity: CanonicalActivitySchema,
} as const;

/** Field names of a kind's schema, `kind` excluded. Used to check that field mappings target real fields. */
export function canonicalFieldNames(kind: CanonicalKind): readonly string[] {
  return Object.keys(schemaByKind[kind].shape).filter((name) => name !== "kind");
}

export type CanonicalValidation =
  | { ok: true; record: CanonicalRecord }
  | { ok: false; reasons: { path: string; message: string }[] };

/** Validates and normalises one record. Never throws: invalid input comes back with its reasons for quarantine. */
export function validateCanonicalRecord(input: unknown): CanonicalValidation {
  const result = CanonicalRecordSchema.safeParse(input);
  if (result.success) return { ok: true, record: result.data };
  return {
    ok: false,
    reasons: result.error.issues.map((issue) => ({
      path: issue.path.map((part) => String(part)).join("."),
      message: issue.message,
    })),
  };
}
