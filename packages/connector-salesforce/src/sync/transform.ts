/**
 * Pure transforms: one raw Salesforce record (already validated by its object's schema) becomes canonical input,
 * normalised on the way (quality/normalise.ts). No I/O, no clock, no randomness: the same input always gives the
 * same output, so re-reading a record (the watermark's overlap) changes nothing downstream.
 */
import { toSchemaIssues, type SchemaIssue } from "@gtm-clarity/core";
import type { z } from "zod";
import { AccountRecordSchema, type AccountRecord } from "../objects/account.js";
import { ContactRecordSchema, type ContactRecord } from "../objects/contact.js";
import { EventRecordSchema } from "../objects/event.js";
import type { SObjectName } from "../objects/index.js";
import { LeadRecordSchema, type LeadRecord } from "../objects/lead.js";
import { OpportunityRecordSchema } from "../objects/opportunity.js";
import { TaskRecordSchema } from "../objects/task.js";
import { completeness } from "../quality/completeness.js";
import {
  cleanText,
  normaliseCountry,
  normaliseEmail,
  normaliseName,
  normalisePhone,
  websiteToDomain,
} from "../quality/normalise.js";
import { event, opportunity, task } from "./activities.js";
import { compact, envelope, isNil, type CanonicalInput } from "./shared.js";

export type { CanonicalInput } from "./shared.js";
export { taskShape } from "./activities.js";

export type TransformResult =
  | { ok: true; record: CanonicalInput; derived: CanonicalInput[]; normalised: boolean }
  | { ok: false; reasons: SchemaIssue[] };

/** Parses `raw` with `schema`, then transforms it; a record that does not parse goes to quarantine with the reasons. */
function parsedWith<T>(schema: z.ZodType<T>, raw: unknown, then: (record: T, tracker: ChangeTracker) => TransformResult): TransformResult {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { ok: false, reasons: toSchemaIssues(parsed.error.issues) };
  const tracker = new ChangeTracker();
  return then(parsed.data, tracker);
}

export function transformRecord(object: SObjectName, raw: unknown): TransformResult {
  switch (object) {
    case "Account":
      return parsedWith(AccountRecordSchema, raw, (record, tracker) => finish(account(record, tracker), [], tracker));
    case "Contact":
      return parsedWith(ContactRecordSchema, raw, (record, tracker) => finish(contact(record, tracker), [], tracker));
    case "Lead":
      return parsedWith(LeadRecordSchema, raw, leadRecords);
    case "Opportunity":
      return parsedWith(OpportunityRecordSchema, raw, (record, tracker) => finish(opportunity(record), [], tracker));
    case "Task":
      return parsedWith(TaskRecordSchema, raw, (record, tracker) => finish(task(record), [], tracker));
    case "Event":
      return parsedWith(EventRecordSchema, raw, (record, tracker) => finish(event(record), [], tracker));
  }
}

/** Counts whether normalisation changed any value of a record (for the run's `quality.normalised`). */
class ChangeTracker {
  changed = false;

  track<T>(original: string | null | undefined, value: T): T {
    const before = original ?? undefined;
    if (before !== undefined && before !== value) this.changed = true;
    return value;
  }
}

type Invalid = { invalid: SchemaIssue[] };

function isInvalid(value: CanonicalInput | Invalid): value is Invalid {
  return !("kind" in value);
}

function finish(
  record: CanonicalInput | Invalid,
  derived: CanonicalInput[],
  tracker: ChangeTracker,
): TransformResult {
  if (isInvalid(record)) return { ok: false, reasons: record.invalid };
  return { ok: true, record, derived, normalised: tracker.changed };
}

function account(raw: AccountRecord, tracker: ChangeTracker): CanonicalInput {
  const country = tracker.track(raw.BillingCountry, normaliseCountry(raw.BillingCountry));
  const fields = {
    name: tracker.track(raw.Name, cleanText(raw.Name)),
    domain: websiteToDomain(raw.Website),
    industry: cleanText(raw.Industry),
    website: cleanText(raw.Website),
    ...(isNil(raw.NumberOfEmployees) || raw.NumberOfEmployees < 0
      ? {}
      : { size: Math.round(raw.NumberOfEmployees) }),
  };
  if (fields.domain !== undefined && !isNil(raw.Website)) tracker.changed = true;
  return {
    kind: "account",
    ...envelope(raw),
    ...compact(fields),
    properties: compact({
      object: "Account",
      type: raw.Type,
      annualRevenue: raw.AnnualRevenue,
      phone: normalisePhone(raw.Phone, country),
      country,
      parentAccountId: raw.ParentId,
      ownerId: raw.OwnerId,
      completeness: completeness([fields.name, fields.domain, fields.industry, fields.size, country]),
    }),
  };
}

function emailOf(raw: string | null | undefined, tracker: ChangeTracker): string | undefined | Invalid {
  const email = normaliseEmail(raw);
  if (email.invalid !== undefined) return { invalid: [{ path: "Email", message: email.invalid }] };
  return tracker.track(raw, email.value);
}

function contact(raw: ContactRecord, tracker: ChangeTracker): CanonicalInput | Invalid {
  const email = emailOf(raw.Email, tracker);
  if (typeof email === "object") return email;
  const country = tracker.track(raw.MailingCountry, normaliseCountry(raw.MailingCountry));
  const fields = {
    email,
    firstName: tracker.track(raw.FirstName, normaliseName(raw.FirstName)),
    lastName: tracker.track(raw.LastName, normaliseName(raw.LastName)),
    title: cleanText(raw.Title),
    phone: tracker.track(raw.Phone, normalisePhone(raw.Phone, country)),
    accountExternalId: raw.AccountId ?? undefined,
  };
  return {
    kind: "person",
    ...envelope(raw),
    ...compact(fields),
    ...fullName(fields.firstName, fields.lastName),
    properties: compact({
      object: "Contact",
      department: cleanText(raw.Department),
      mobilePhone: normalisePhone(raw.MobilePhone, country),
      leadSource: raw.LeadSource,
      hasOptedOutOfEmail: raw.HasOptedOutOfEmail,
      doNotCall: raw.DoNotCall,
      country,
      ownerId: raw.OwnerId,
      completeness: completeness(Object.values(fields)),
    }),
  };
}

function fullName(first: string | undefined, last: string | undefined): { fullName?: string } {
  const name = [first, last].filter((part) => part !== undefined).join(" ");
  return name === "" ? {} : { fullName: name };
}

/**
 * The account a Lead without one belongs to, made from its Company and Website: keyed by the website's domain (so
 * Leads of one company share it), else by the company name. Converted Leads point at their real Account instead.
 */
export function leadAccountId(domain: string | undefined, company: string | undefined): string | undefined {
  if (domain !== undefined) return `lead-domain:${domain}`;
  const name = company?.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  return name === undefined || name === "" ? undefined : `lead-company:${name}`;
}

function leadRecords(raw: LeadRecord, tracker: ChangeTracker): TransformResult {
  const email = emailOf(raw.Email, tracker);
  if (typeof email === "object") return { ok: false, reasons: email.invalid };
  const country = tracker.track(raw.Country, normaliseCountry(raw.Country));
  const company = cleanText(raw.Company);
  const domain = websiteToDomain(raw.Website);
  const converted = raw.IsConverted === true;
  const derivedId = converted && !isNil(raw.ConvertedAccountId) ? undefined : leadAccountId(domain, company);
  const accountExternalId = converted && !isNil(raw.ConvertedAccountId) ? raw.ConvertedAccountId : derivedId;
  const fields = {
    email,
    firstName: tracker.track(raw.FirstName, normaliseName(raw.FirstName)),
    lastName: tracker.track(raw.LastName, normaliseName(raw.LastName)),
    title: cleanText(raw.Title),
    phone: tracker.track(raw.Phone, normalisePhone(raw.Phone, country)),
    accountExternalId,
  };
  const person: CanonicalInput = {
    kind: "person",
    ...envelope(raw),
    ...compact(fields),
    ...fullName(fields.firstName, fields.lastName),
    properties: compact({
      object: "Lead",
      company,
      status: raw.Status,
      leadSource: raw.LeadSource,
      isConverted: raw.IsConverted,
      convertedDate: raw.ConvertedDate,
      // A converted Lead is read-only at the source: its person lives on as this Contact.
      convertedContactId: converted ? raw.ConvertedContactId : undefined,
      convertedAccountId: converted ? raw.ConvertedAccountId : undefined,
      hasOptedOutOfEmail: raw.HasOptedOutOfEmail,
      country,
      ownerId: raw.OwnerId,
      completeness: completeness(Object.values(fields)),
    }),
  };
  // The derived account is not deleted with the Lead: other Leads of the company may still point at it.
  const derived: CanonicalInput[] =
    derivedId === undefined || raw.IsDeleted === true
      ? []
      : [
          {
            kind: "account",
            externalId: derivedId,
            remoteUpdatedAt: raw.SystemModstamp,
            ...compact({
              name: company,
              domain,
              industry: cleanText(raw.Industry),
              website: cleanText(raw.Website),
              size:
                isNil(raw.NumberOfEmployees) || raw.NumberOfEmployees < 0 ? undefined : Math.round(raw.NumberOfEmployees),
            }),
            properties: compact({ object: "Lead", derivedFrom: "Lead.Company", country }),
          },
        ];
  return { ok: true, record: person, derived, normalised: tracker.changed };
}

