/**
 * One Events API row, read under its v1 or v2 names into what the connector needs: when, where, who (the visitor's
 * identifiers), and, for a resolved visitor, the person and company Delivr matched. Pure.
 */
import { normalizeDomain, normalizeEmail, type SchemaIssue } from "@gtm-clarity/core";
import { z } from "zod";
import { readField, type EventField } from "./fields.js";
import { normaliseEventType, readEmployeeCount, readEpochMs, readFlag, readText } from "./values.js";

export interface VisitorPerson {
  email?: string;
  hem?: string;
  firstName?: string;
  lastName?: string;
  title?: string;
  seniority?: string;
  department?: string;
  phone?: string;
  linkedinUrl?: string;
}

export interface VisitorCompany {
  name?: string;
  domain?: string;
  industry?: string;
  employeeCount?: number;
  employeeRange?: string;
  revenue?: string;
}

export interface VisitorEvent {
  occurredAtMs: number;
  eventType: string;
  pixelId?: string;
  projectId?: string;
  url?: string;
  referrer?: string;
  pageTitle?: string;
  visitorId?: string;
  sessionId?: string;
  ip?: string;
  userAgent?: string;
  /** Delivr's flag when sent; otherwise whether any person field came with the row. */
  resolved: boolean;
  person: VisitorPerson;
  company: VisitorCompany;
  geo: { city?: string; region?: string; country?: string };
}

export const RowSchema = z.record(z.string(), z.unknown());

type Defined<T> = { [K in keyof T]: Exclude<T[K], undefined> };

/** Drops undefined values, so optional fields stay absent (exactOptionalPropertyTypes). */
function compact<T extends Record<string, unknown>>(value: T): Partial<Defined<T>> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<Defined<T>>;
}

export type ReadResult = { ok: true; event: VisitorEvent } | { ok: false; reasons: SchemaIssue[] };

export function readVisitorEvent(raw: unknown): ReadResult {
  const parsed = RowSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reasons: [{ path: "", message: "an event row must be a JSON object" }] };
  const row = parsed.data;
  const text = (field: EventField, max?: number) => readText(readField(row, field), max);

  const rawTime = readField(row, "timestamp");
  const occurredAtMs = readEpochMs(rawTime);
  if (occurredAtMs === undefined) {
    const message =
      rawTime === undefined
        ? "required: the event time (timestamp / Timestamp)"
        : "not a time: expected epoch milliseconds or ISO-8601 with a zone, 2000-9999";
    return { ok: false, reasons: [{ path: "timestamp", message }] };
  }

  const rawEmail = text("email", 320);
  const rawDomain = text("companyDomain", 253);
  const rawSize = readField(row, "companySize");
  const person = compact({
    email: rawEmail === undefined ? undefined : normalizeEmail(rawEmail),
    hem: text("hem", 128)?.toLowerCase(),
    firstName: text("firstName", 200),
    lastName: text("lastName", 200),
    title: text("title", 300),
    seniority: text("seniority", 100),
    department: text("department", 200),
    phone: text("phone", 64),
    linkedinUrl: text("linkedinUrl"),
  });
  const company = compact({
    name: text("companyName", 400),
    domain: rawDomain === undefined ? undefined : normalizeDomain(rawDomain) || undefined,
    industry: text("companyIndustry", 200),
    employeeCount: readEmployeeCount(rawSize),
    employeeRange: typeof rawSize === "string" ? readText(rawSize, 100) : undefined,
    revenue: text("companyRevenue", 100),
  });
  const identified = person.email !== undefined || person.hem !== undefined || person.firstName !== undefined;
  const event: VisitorEvent = {
    occurredAtMs,
    eventType: normaliseEventType(readField(row, "eventType")),
    resolved: readFlag(readField(row, "resolved")) ?? identified,
    person,
    company,
    geo: compact({ city: text("city", 200), region: text("region", 200), country: text("country", 100) }),
    ...compact({
      pixelId: text("pixelId", 200),
      projectId: text("projectId", 200),
      url: text("url"),
      referrer: text("referrer"),
      pageTitle: text("pageTitle", 1000),
      visitorId: text("visitorId", 200),
      sessionId: text("sessionId", 200),
      ip: text("ip", 64),
      userAgent: text("userAgent", 1000),
    }),
  };
  return { ok: true, event };
}
