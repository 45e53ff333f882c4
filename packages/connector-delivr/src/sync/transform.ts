/**
 * Pure transforms of Delivr rows into canonical records. A visitor event gives a `page_view` activity (channel `web`)
 * and, when resolved, the person (with a buying role) and the company as an account; an unresolved visit belongs to
 * the account alone (or to nothing when Delivr did not match a company). Every record passes core's canonical schema
 * before it leaves: a row whose time is unreadable is quarantined whole; a visit whose person or company data is
 * invalid is still stored, and the invalid part is quarantined with its reasons. No I/O, no clock.
 */
import {
  inferBuyingRole,
  validateCanonicalRecord,
  type CanonicalRecord,
  type QuarantinedRecord,
  type SchemaIssue,
} from "@gtm-clarity/core";
import { accountExternalId, eventExternalId, personExternalId } from "../events/identity.js";
import { readVisitorEvent, type VisitorCompany, type VisitorEvent, type VisitorPerson } from "../events/visitor.js";

export interface TransformOutput {
  records: CanonicalRecord[];
  quarantined: QuarantinedRecord[];
}

/** Drops undefined values: canonical input and properties carry only what the source said. */
function defined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

export function personRecord(
  person: VisitorPerson,
  externalId: string,
  accountId: string | undefined,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const buyingRole = inferBuyingRole({ title: person.title, seniority: person.seniority, department: person.department });
  return defined({
    kind: "person",
    externalId,
    email: person.email,
    firstName: person.firstName,
    lastName: person.lastName,
    title: person.title,
    phone: person.phone,
    accountExternalId: accountId,
    isExternal: true,
    properties: defined({
      source: "delivr",
      buyingRole,
      seniority: person.seniority,
      department: person.department,
      linkedinUrl: person.linkedinUrl,
      ...extra,
    }),
  });
}

export function accountRecord(company: VisitorCompany, externalId: string): Record<string, unknown> {
  return defined({
    kind: "account",
    externalId,
    name: company.name,
    domain: company.domain,
    industry: company.industry,
    size: company.employeeCount,
    website: company.domain === undefined ? undefined : `https://${company.domain}`,
    properties: defined({ source: "delivr", employeeRange: company.employeeRange, revenue: company.revenue }),
  });
}

function visitRecord(event: VisitorEvent, externalId: string, personId?: string, accountId?: string) {
  return defined({
    kind: "activity",
    externalId,
    type: event.eventType,
    channel: "web",
    occurredAt: new Date(event.occurredAtMs).toISOString(),
    subject: event.pageTitle ?? event.url,
    direction: "inbound",
    personExternalId: personId,
    accountExternalId: accountId,
    properties: defined({
      source: "delivr",
      url: event.url,
      referrer: event.referrer,
      resolved: event.resolved,
      pixelId: event.pixelId,
      projectId: event.projectId,
      visitorId: event.visitorId,
      sessionId: event.sessionId,
      city: event.geo.city,
      region: event.geo.region,
      country: event.geo.country,
    }),
  });
}

/**
 * Validations already made, by the record's input as JSON: a company's account and a visitor's person come with
 * every visit, identical, and validating them once per page is enough. Pass one per page; the output is the same
 * with or without it.
 */
export type ValidationMemo = Map<string, ReturnType<typeof validateCanonicalRecord>>;

function validate(input: Record<string, unknown>, memo: ValidationMemo | undefined) {
  if (memo === undefined) return validateCanonicalRecord(input);
  const key = JSON.stringify(input);
  let result = memo.get(key);
  if (result === undefined) {
    result = validateCanonicalRecord(input);
    memo.set(key, result);
  }
  return result;
}

/** Validates `input`; an invalid record becomes a quarantine entry naming its part of the row. */
function emit(
  output: TransformOutput,
  input: Record<string, unknown>,
  raw: unknown,
  eventId: string,
  part: string,
  memo?: ValidationMemo,
): boolean {
  const result = validate(input, memo);
  if (result.ok) {
    output.records.push(result.record);
    return true;
  }
  output.quarantined.push({
    externalId: `${eventId}:${part}`,
    raw,
    reasons: result.reasons.map((reason: SchemaIssue) => ({ path: `${part}.${reason.path}`, message: reason.message })),
  });
  return false;
}

/**
 * One Events API row. `scopeId` (the configured pixel, project or organisation) stands in for the row's pixel in
 * the event id when the row has none.
 */
export function transformVisitorEvent(raw: unknown, scopeId: string, memo?: ValidationMemo): TransformOutput {
  const output: TransformOutput = { records: [], quarantined: [] };
  const read = readVisitorEvent(raw);
  if (!read.ok) {
    output.quarantined.push({ raw, reasons: read.reasons });
    return output;
  }
  const { event } = read;
  const eventId = eventExternalId(event, scopeId);
  let accountId = accountExternalId(event.company);
  if (accountId !== undefined && !emit(output, accountRecord(event.company, accountId), raw, eventId, "account", memo)) {
    accountId = undefined;
  }
  let personId = event.resolved ? personExternalId(event) : undefined;
  if (personId !== undefined && !emit(output, personRecord(event.person, personId, accountId), raw, eventId, "person", memo)) {
    personId = undefined;
  }
  emit(output, visitRecord(event, eventId, personId, accountId), raw, eventId, "activity");
  return output;
}
