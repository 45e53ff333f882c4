/**
 * The Salesforce objects the connector syncs, in the order a run reads them (Accounts before the people and
 * activities that point at them; Contacts before Leads, so a Lead page can be matched against Contacts).
 */
import type { CanonicalKind } from "@gtm-clarity/core";
import { ACCOUNT_FIELDS } from "./account.js";
import { CONTACT_FIELDS } from "./contact.js";
import { EVENT_FIELDS } from "./event.js";
import { LEAD_FIELDS } from "./lead.js";
import { OPPORTUNITY_FIELDS } from "./opportunity.js";
import { TASK_FIELDS } from "./task.js";

export const SOBJECT_NAMES = ["Account", "Contact", "Lead", "Opportunity", "Task", "Event"] as const;
export type SObjectName = (typeof SOBJECT_NAMES)[number];

export interface SObjectDefinition {
  readonly name: SObjectName;
  /** The canonical kind its records become. */
  readonly kind: CanonicalKind;
  /** The SELECT list. Never `Description` or any other body field: they can hold email text. */
  readonly fields: readonly string[];
}

export const SOBJECTS: Readonly<Record<SObjectName, SObjectDefinition>> = {
  Account: { name: "Account", kind: "account", fields: ACCOUNT_FIELDS },
  Contact: { name: "Contact", kind: "person", fields: CONTACT_FIELDS },
  Lead: { name: "Lead", kind: "person", fields: LEAD_FIELDS },
  Opportunity: { name: "Opportunity", kind: "activity", fields: OPPORTUNITY_FIELDS },
  Task: { name: "Task", kind: "activity", fields: TASK_FIELDS },
  Event: { name: "Event", kind: "activity", fields: EVENT_FIELDS },
};

/** Fields that may carry message bodies; a test holds every SELECT list to leaving them out. */
export const BODY_FIELDS: readonly string[] = ["Description", "Body", "HtmlBody", "TextBody", "Comments"];
