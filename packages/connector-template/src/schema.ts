/**
 * Default field mappings: which Template field feeds which canonical field, per record kind.
 * `sync/transform.ts` applies exactly these, so a tenant override of one mapping (same kind and targetField)
 * changes what a sync produces. Fields no mapping reads travel along in `properties`.
 */
import type { FieldMapping } from "@gtm-clarity/core";

export const templateFieldMappings: FieldMapping[] = [
  // person
  { kind: "person", sourceField: "id", targetField: "externalId", transform: "none", required: true },
  { kind: "person", sourceField: "email", targetField: "email", transform: "lowercase", required: false },
  { kind: "person", sourceField: "first_name", targetField: "firstName", transform: "trim", required: false },
  { kind: "person", sourceField: "last_name", targetField: "lastName", transform: "trim", required: false },
  { kind: "person", sourceField: "title", targetField: "title", transform: "trim", required: false },
  { kind: "person", sourceField: "phone", targetField: "phone", transform: "trim", required: false },
  { kind: "person", sourceField: "account_id", targetField: "accountExternalId", transform: "none", required: false },
  { kind: "person", sourceField: "created_at", targetField: "remoteCreatedAt", transform: "none", required: false },
  { kind: "person", sourceField: "updated_at", targetField: "remoteUpdatedAt", transform: "none", required: true },
  { kind: "person", sourceField: "deleted", targetField: "isDeleted", transform: "none", required: false },
  // account
  { kind: "account", sourceField: "id", targetField: "externalId", transform: "none", required: true },
  { kind: "account", sourceField: "name", targetField: "name", transform: "trim", required: false },
  { kind: "account", sourceField: "domain", targetField: "domain", transform: "lowercase", required: false },
  { kind: "account", sourceField: "industry", targetField: "industry", transform: "trim", required: false },
  { kind: "account", sourceField: "employee_count", targetField: "size", transform: "none", required: false },
  { kind: "account", sourceField: "website", targetField: "website", transform: "trim", required: false },
  { kind: "account", sourceField: "created_at", targetField: "remoteCreatedAt", transform: "none", required: false },
  { kind: "account", sourceField: "updated_at", targetField: "remoteUpdatedAt", transform: "none", required: true },
  { kind: "account", sourceField: "deleted", targetField: "isDeleted", transform: "none", required: false },
  // activity
  { kind: "activity", sourceField: "id", targetField: "externalId", transform: "none", required: true },
  { kind: "activity", sourceField: "type", targetField: "type", transform: "none", required: true },
  { kind: "activity", sourceField: "channel", targetField: "channel", transform: "none", required: true },
  { kind: "activity", sourceField: "occurred_at", targetField: "occurredAt", transform: "none", required: true },
  { kind: "activity", sourceField: "subject", targetField: "subject", transform: "trim", required: false },
  { kind: "activity", sourceField: "duration", targetField: "durationSeconds", transform: "none", required: false },
  { kind: "activity", sourceField: "direction", targetField: "direction", transform: "none", required: false },
  { kind: "activity", sourceField: "person_id", targetField: "personExternalId", transform: "none", required: false },
  { kind: "activity", sourceField: "account_id", targetField: "accountExternalId", transform: "none", required: false },
  { kind: "activity", sourceField: "created_at", targetField: "remoteCreatedAt", transform: "none", required: false },
  { kind: "activity", sourceField: "updated_at", targetField: "remoteUpdatedAt", transform: "none", required: true },
  { kind: "activity", sourceField: "deleted", targetField: "isDeleted", transform: "none", required: false },
];
