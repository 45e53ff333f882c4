/**
 * Which Salesforce object a canonical record is written to, and with which fields. Only fields that hold a value
 * are sent: writeback never blanks a field in Salesforce because the canonical record lacks it.
 */
import type { CanonicalRecord } from "@gtm-clarity/core";
import type { SObjectName } from "../objects/index.js";

/** Key prefixes of the objects writeback updates by Id (vendor-apis.md §1.4). */
const PREFIXES: Readonly<Record<string, SObjectName>> = {
  "001": "Account",
  "003": "Contact",
  "00Q": "Lead",
  "006": "Opportunity",
  "00T": "Task",
  "00U": "Event",
};

const ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

/** The record's Salesforce Id (its externalId, when that is one) and object; undefined for records born elsewhere. */
export function salesforceTarget(record: CanonicalRecord): { object: SObjectName; id: string } | undefined {
  if (!ID.test(record.externalId)) return undefined;
  const object = PREFIXES[record.externalId.slice(0, 3)];
  return object === undefined ? undefined : { object, id: record.externalId };
}

/** The object for a record without a Salesforce Id (upsert by external id): `properties.object`, else by kind. */
export function upsertObject(record: CanonicalRecord): SObjectName | undefined {
  const named = record.properties["object"];
  if (named === "Account" || named === "Contact" || named === "Lead" || named === "Opportunity" || named === "Task" || named === "Event") {
    return named;
  }
  if (record.kind === "account") return "Account";
  if (record.kind === "person") return "Contact";
  return undefined;
}

function compact(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined && value !== null && value !== ""));
}

function prop(record: CanonicalRecord, name: string): unknown {
  return record.properties[name];
}

/** The sObject fields a canonical record sets on `object`. */
export function sObjectFields(object: SObjectName, record: CanonicalRecord): Record<string, unknown> {
  switch (record.kind) {
    case "account":
      return compact({ Name: record.name, Website: record.website ?? record.domain, Industry: record.industry, NumberOfEmployees: record.size });
    case "person":
      return compact({
        FirstName: record.firstName,
        LastName: record.lastName,
        Email: record.email,
        Title: record.title,
        Phone: record.phone,
        ...(object === "Lead" ? { Company: prop(record, "company") } : {}),
      });
    case "activity":
      if (object === "Opportunity") {
        return compact({
          Name: record.subject,
          StageName: prop(record, "stage"),
          Amount: prop(record, "amount"),
          CloseDate: prop(record, "closeDate"),
        });
      }
      return compact({ Subject: record.subject });
  }
}
