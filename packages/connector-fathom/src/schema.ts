/**
 * Default field mappings: which Fathom field feeds which canonical field. `sourceField` is a dotted path into the
 * Meeting object; for people and accounts it is relative to one entry of `calendar_invitees` (or `recorded_by`).
 * These describe what `sync/transform.ts` does, and a tenant may override single mappings by `targetField`.
 */
import type { FieldMapping } from "@gtm-clarity/core";

export const fathomFieldMappings: FieldMapping[] = [
  // activity (one per meeting)
  { kind: "activity", sourceField: "recording_id", targetField: "externalId", transform: "none", required: true },
  { kind: "activity", sourceField: "recording_start_time", targetField: "occurredAt", transform: "none", required: true },
  { kind: "activity", sourceField: "title", targetField: "subject", transform: "trim", required: false },
  { kind: "activity", sourceField: "recorded_by.email", targetField: "personExternalId", transform: "lowercase", required: false },
  { kind: "activity", sourceField: "created_at", targetField: "remoteCreatedAt", transform: "none", required: false },
  { kind: "activity", sourceField: "action_items", targetField: "properties", transform: "none", required: false },
  // person (one per calendar invitee with an email, plus the recorder)
  { kind: "person", sourceField: "calendar_invitees.email", targetField: "externalId", transform: "lowercase", required: true },
  { kind: "person", sourceField: "calendar_invitees.email", targetField: "email", transform: "lowercase", required: true },
  { kind: "person", sourceField: "calendar_invitees.name", targetField: "fullName", transform: "trim", required: false },
  { kind: "person", sourceField: "calendar_invitees.is_external", targetField: "isExternal", transform: "none", required: false },
  { kind: "person", sourceField: "calendar_invitees.email_domain", targetField: "accountExternalId", transform: "lowercase", required: false },
  // account (one per external invitee domain)
  { kind: "account", sourceField: "calendar_invitees.email_domain", targetField: "externalId", transform: "lowercase", required: true },
  { kind: "account", sourceField: "calendar_invitees.email_domain", targetField: "domain", transform: "lowercase", required: true },
];
