/**
 * Pure transforms: one raw Salesforce record (already validated by its object's schema) becomes canonical input,
 * normalised on the way (quality/normalise.ts). No I/O, no clock, no randomness: the same input always gives the
 * same output, so re-reading a record (the watermark's overlap) changes nothing downstream.
 */
import { toSchemaIssues, type SchemaIssue } from "@gtm-clarity/core";
import type { z } from "zod";
import { AccountRecordSchema, type AccountRecord } from "../objects/account.js";
import { ContactRecordSchema, type ContactRecord } from "../objects/contact.js";
import { EventRecordSchema, type EventRecord } from "../objects/event.js";
import type { SObjectName } from "../objects/index.js";
import { LeadRecordSchema, type LeadRecord } from "../objects/lead.js";
import { OpportunityRecordSchema, type OpportunityRecord } from "../objects/opportunity.js";
import { TaskRecordSchema, type TaskRecord } from "../objects/task.js";
import { completeness } from "../quality/completeness.js";
import {
  cleanText,
  normaliseCountry,
  normaliseEmail,
  normaliseName,
  normalisePhone,
  websiteToDomain,
} from "../quality/normalise.js";

/** Canonical input before core's validation: `kind`, `externalId` and the kind's fields. */
export type CanonicalInput = Record<string, unknown> & { kind: "person" | "account" | "activity"; externalId: string };

export type TransformResult =
  | { ok: true; record: CanonicalInput; derived: CanonicalInput[]; normalised: boolean }
  | { ok: false; reasons: SchemaIssue[] };

const SCHEMAS: { [K in SObjectName]: z.ZodType } = {
  Account: AccountRecordSchema,
  Contact: ContactRecordSchema,
  Lead: LeadRecordSchema,
  Opportunity: OpportunityRecordSchema,
  Task: TaskRecordSchema,
  Event: EventRecordSchema,
};

function isNil(value: unknown): value is null | undefined {
  return value === null || value === undefined;
}

/** Records point at Accounts by these prefixes (vendor-apis.md §1.4). */
const ACCOUNT_PREFIX = "001";
const OPPORTUNITY_PREFIX = "006";

export function transformRecord(object: SObjectName, raw: unknown): TransformResult {
  const parsed = SCHEMAS[object].safeParse(raw);
  if (!parsed.success) return { ok: false, reasons: toSchemaIssues(parsed.error.issues) };
  const tracker = new ChangeTracker();
  switch (object) {
    case "Account":
      return finish(account(parsed.data as AccountRecord, tracker), [], tracker);
    case "Contact":
      return person(contact(parsed.data as ContactRecord, tracker), tracker);
    case "Lead":
      return leadRecords(parsed.data as LeadRecord, tracker);
    case "Opportunity":
      return finish(opportunity(parsed.data as OpportunityRecord), [], tracker);
    case "Task":
      return finish(task(parsed.data as TaskRecord), [], tracker);
    case "Event":
      return finish(event(parsed.data as EventRecord), [], tracker);
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

function person(record: CanonicalInput | Invalid, tracker: ChangeTracker): TransformResult {
  return finish(record, [], tracker);
}

function envelope(raw: { Id: string; SystemModstamp: string; CreatedDate?: string | null | undefined; IsDeleted?: boolean | null | undefined }) {
  return {
    externalId: raw.Id,
    remoteUpdatedAt: raw.SystemModstamp,
    ...(isNil(raw.CreatedDate) ? {} : { remoteCreatedAt: raw.CreatedDate }),
    isDeleted: raw.IsDeleted === true,
  };
}

/** Drops null and undefined values, so properties hold only what the source said. */
function compact(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== null && value !== undefined));
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

function opportunity(raw: OpportunityRecord): CanonicalInput {
  return {
    kind: "activity",
    ...envelope(raw),
    type: "opportunity",
    channel: "crm",
    // When the deal was opened; stage, amount and close date change in place under the same externalId.
    occurredAt: raw.CreatedDate ?? raw.SystemModstamp,
    ...compact({ subject: cleanText(raw.Name), accountExternalId: raw.AccountId }),
    properties: compact({
      object: "Opportunity",
      stage: raw.StageName,
      amount: raw.Amount,
      closeDate: raw.CloseDate,
      probability: raw.Probability,
      isClosed: raw.IsClosed === true,
      isWon: raw.IsWon === true,
      forecastCategory: raw.ForecastCategory,
      type: raw.Type,
      leadSource: raw.LeadSource,
      ownerId: raw.OwnerId,
    }),
  };
}

type ActivityShape = { type: string; channel: string; direction?: "inbound" | "outbound" | "internal" };

/** Type and channel from `TaskSubtype` first (set by Salesforce itself), then the editable `Type` picklist. */
export function taskShape(subtype: string | null | undefined, type: string | null | undefined, callType?: string | null): ActivityShape {
  const direction = callDirection(callType);
  switch (subtype) {
    case "Email":
      return { type: "email", channel: "email" };
    case "ListEmail":
      return { type: "email", channel: "email", direction: "outbound" };
    case "Call":
      return { type: "call", channel: "phone", ...direction };
    case "LinkedIn":
      return { type: "task", channel: "social" };
    default:
      break;
  }
  const typed = type?.trim().toLowerCase() ?? "";
  if (typed.includes("call")) return { type: "call", channel: "phone", ...direction };
  if (typed.includes("email")) return { type: "email", channel: "email" };
  if (typed.includes("meeting")) return { type: "meeting", channel: "meeting" };
  return { type: "task", channel: "task", ...direction };
}

function callDirection(callType: string | null | undefined): { direction?: "inbound" | "outbound" | "internal" } {
  switch (callType) {
    case "Inbound":
      return { direction: "inbound" };
    case "Outbound":
      return { direction: "outbound" };
    case "Internal":
      return { direction: "internal" };
    default:
      return {};
  }
}

/** `WhatId` names an Account or an Opportunity (or anything else); `AccountId` is Salesforce's own derivation. */
function links(raw: { WhoId?: string | null | undefined; WhatId?: string | null | undefined; AccountId?: string | null | undefined }) {
  const what = raw.WhatId ?? undefined;
  return {
    personExternalId: raw.WhoId ?? undefined,
    accountExternalId: raw.AccountId ?? (what?.startsWith(ACCOUNT_PREFIX) === true ? what : undefined),
    opportunityId: what?.startsWith(OPPORTUNITY_PREFIX) === true ? what : undefined,
  };
}

function dateAt(date: string | null | undefined): string | undefined {
  return isNil(date) ? undefined : `${date}T00:00:00.000Z`;
}

function task(raw: TaskRecord): CanonicalInput {
  const { opportunityId, ...linked } = links(raw);
  return {
    kind: "activity",
    ...envelope(raw),
    ...taskShape(raw.TaskSubtype, raw.Type, raw.CallType),
    occurredAt: raw.CompletedDateTime ?? dateAt(raw.ActivityDate) ?? raw.CreatedDate ?? raw.SystemModstamp,
    ...compact({
      subject: cleanText(raw.Subject),
      durationSeconds: isNil(raw.CallDurationInSeconds) || raw.CallDurationInSeconds < 0 ? undefined : raw.CallDurationInSeconds,
      ...linked,
    }),
    properties: compact({
      object: "Task",
      subtype: raw.TaskSubtype,
      taskType: raw.Type,
      status: raw.Status,
      priority: raw.Priority,
      callDisposition: raw.CallDisposition,
      isClosed: raw.IsClosed,
      isArchived: raw.IsArchived,
      dueDate: raw.ActivityDate,
      opportunityId,
      ownerId: raw.OwnerId,
    }),
  };
}

function event(raw: EventRecord): CanonicalInput {
  const { opportunityId, ...linked } = links(raw);
  return {
    kind: "activity",
    ...envelope(raw),
    type: "meeting",
    channel: "meeting",
    occurredAt: raw.StartDateTime ?? raw.ActivityDateTime ?? dateAt(raw.ActivityDate) ?? raw.CreatedDate ?? raw.SystemModstamp,
    ...compact({
      subject: cleanText(raw.Subject),
      durationSeconds: isNil(raw.DurationInMinutes) || raw.DurationInMinutes < 0 ? undefined : raw.DurationInMinutes * 60,
      ...linked,
    }),
    properties: compact({
      object: "Event",
      subtype: raw.EventSubtype,
      eventType: raw.Type,
      endsAt: raw.EndDateTime,
      isAllDay: raw.IsAllDayEvent,
      location: cleanText(raw.Location),
      showAs: raw.ShowAs,
      isArchived: raw.IsArchived,
      opportunityId,
      ownerId: raw.OwnerId,
    }),
  };
}
