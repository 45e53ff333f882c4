/**
 * The quality pipeline for one page of one object, pure: dedupe by Id the way the store does (the last copy wins),
 * transform and normalise each record, link converted Leads to their Contact and flag Leads whose email belongs to a
 * Contact, then validate with core's canonical schema. Invalid records go to quarantine with their reasons; the
 * page's counts feed the run's quality figures (`SyncStats.counts`).
 */
import { validateCanonicalRecord, type CanonicalRecord, type QuarantinedRecord, type WatermarkSeen } from "@gtm-clarity/core";
import type { SObjectName } from "../objects/index.js";
import { transformRecord, type CanonicalInput } from "../sync/transform.js";

export const QUALITY_COUNTS = {
  normalised: "quality.normalised",
  duplicates: "quality.duplicates",
  leadMatchesContact: "quality.leadMatchesContact",
  convertedLeadsLinked: "quality.convertedLeadsLinked",
  quarantined: "quality.quarantined",
} as const;

export interface PageContext {
  /** Normalised emails of Contacts, for flagging Leads (absent: no flagging). */
  contactEmails?: ReadonlyMap<string, string>;
}

export interface ProcessedPage {
  records: CanonicalRecord[];
  quarantined: QuarantinedRecord[];
  counts: Record<string, number>;
  /** `SystemModstamp` and `Id` of every record read (quarantined ones too), for the watermark. */
  seen: WatermarkSeen[];
}

function field(raw: unknown, name: string): unknown {
  return raw !== null && typeof raw === "object" ? (raw as Record<string, unknown>)[name] : undefined;
}

function idOf(raw: unknown): string | undefined {
  const id = field(raw, "Id");
  return typeof id === "string" && id !== "" ? id : undefined;
}

/** A Salesforce datetime as an instant the watermark can read (`+0000` → `+00:00`), or null. */
function modstampOf(raw: unknown): string | null {
  const value = field(raw, "SystemModstamp");
  if (typeof value !== "string") return null;
  const ms = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, "$1:$2"));
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** The raw records with duplicates by Id removed, the last copy kept in its place; and how many were removed. */
export function dedupeById(raws: readonly unknown[]): { unique: unknown[]; duplicates: number } {
  const lastIndex = new Map<string, number>();
  raws.forEach((raw, index) => {
    const id = idOf(raw);
    if (id !== undefined) lastIndex.set(id, index);
  });
  const unique = raws.filter((raw, index) => {
    const id = idOf(raw);
    return id === undefined || lastIndex.get(id) === index;
  });
  return { unique, duplicates: raws.length - unique.length };
}

export function processPage(object: SObjectName, raws: readonly unknown[], context: PageContext = {}): ProcessedPage {
  const counts: Record<string, number> = Object.fromEntries(Object.values(QUALITY_COUNTS).map((name) => [name, 0]));
  const bump = (name: string) => (counts[name] = (counts[name] ?? 0) + 1);
  const seen: WatermarkSeen[] = [];
  for (const raw of raws) seen.push({ at: modstampOf(raw) ?? "", id: idOf(raw) ?? null });
  const { unique, duplicates } = dedupeById(raws);
  counts[QUALITY_COUNTS.duplicates] = duplicates;

  const records: CanonicalRecord[] = [];
  const derived = new Map<string, CanonicalRecord>();
  const quarantined: QuarantinedRecord[] = [];
  const quarantine = (raw: unknown, reasons: QuarantinedRecord["reasons"]) => {
    const externalId = idOf(raw);
    quarantined.push({ ...(externalId === undefined ? {} : { externalId }), raw, reasons });
    bump(QUALITY_COUNTS.quarantined);
  };

  for (const raw of unique) {
    const result = transformRecord(object, raw);
    if (!result.ok) {
      quarantine(raw, result.reasons);
      continue;
    }
    if (result.normalised) bump(QUALITY_COUNTS.normalised);
    const input = object === "Lead" ? flagLead(result.record, context, bump) : result.record;
    const validation = validateCanonicalRecord(input);
    if (!validation.ok) {
      quarantine(raw, validation.reasons);
      continue;
    }
    records.push(validation.record);
    for (const extra of result.derived) {
      const checked = validateCanonicalRecord(extra);
      // A derived account that does not validate is not worth a quarantine entry of its own: the Lead went through.
      if (checked.ok) derived.set(checked.record.externalId, checked.record);
    }
  }
  return { records: [...records, ...derived.values()], quarantined, counts, seen };
}

function flagLead(record: CanonicalInput, context: PageContext, bump: (name: string) => void): CanonicalInput {
  const properties = { ...(record["properties"] as Record<string, unknown>) };
  if (typeof properties["convertedContactId"] === "string") bump(QUALITY_COUNTS.convertedLeadsLinked);
  const email = record["email"];
  const matchable = properties["isConverted"] !== true && record["isDeleted"] !== true;
  const contactId = matchable && typeof email === "string" ? context.contactEmails?.get(email) : undefined;
  if (contactId === undefined) return { ...record, properties };
  bump(QUALITY_COUNTS.leadMatchesContact);
  return { ...record, properties: { ...properties, emailMatchesContactId: contactId } };
}
