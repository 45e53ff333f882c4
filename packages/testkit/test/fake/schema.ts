/** Default field mappings of the fake source: raw API field -> canonical field, per kind. */
import type { FieldMapping } from "@gtm-clarity/core";

export const fakeFieldMappings: FieldMapping[] = [
  { kind: "account", sourceField: "id", targetField: "externalId", transform: "none", required: true },
  { kind: "account", sourceField: "name", targetField: "name", transform: "trim", required: false },
  { kind: "account", sourceField: "website", targetField: "domain", transform: "trim", required: false },
  { kind: "account", sourceField: "website", targetField: "website", transform: "trim", required: false },
  { kind: "account", sourceField: "industry", targetField: "industry", transform: "trim", required: false },
  { kind: "account", sourceField: "employees", targetField: "size", transform: "none", required: false },
  { kind: "account", sourceField: "created_at", targetField: "remoteCreatedAt", transform: "none", required: false },
  { kind: "account", sourceField: "updated_at", targetField: "remoteUpdatedAt", transform: "none", required: true },

  { kind: "person", sourceField: "id", targetField: "externalId", transform: "none", required: true },
  { kind: "person", sourceField: "email", targetField: "email", transform: "lowercase", required: false },
  { kind: "person", sourceField: "first_name", targetField: "firstName", transform: "trim", required: false },
  { kind: "person", sourceField: "last_name", targetField: "lastName", transform: "trim", required: false },
  { kind: "person", sourceField: "job_title", targetField: "title", transform: "trim", required: false },
  { kind: "person", sourceField: "phone", targetField: "phone", transform: "trim", required: false },
  { kind: "person", sourceField: "company_id", targetField: "accountExternalId", transform: "none", required: false },
  { kind: "person", sourceField: "created_at", targetField: "remoteCreatedAt", transform: "none", required: false },
  { kind: "person", sourceField: "updated_at", targetField: "remoteUpdatedAt", transform: "none", required: true },

  { kind: "activity", sourceField: "id", targetField: "externalId", transform: "none", required: true },
  { kind: "activity", sourceField: "type", targetField: "type", transform: "lowercase", required: true },
  { kind: "activity", sourceField: "person_id", targetField: "personExternalId", transform: "none", required: false },
  { kind: "activity", sourceField: "company_id", targetField: "accountExternalId", transform: "none", required: false },
  { kind: "activity", sourceField: "subject", targetField: "subject", transform: "trim", required: false },
  { kind: "activity", sourceField: "occurred_at", targetField: "occurredAt", transform: "none", required: true },
  { kind: "activity", sourceField: "duration_seconds", targetField: "durationSeconds", transform: "none", required: false },
  { kind: "activity", sourceField: "created_at", targetField: "remoteCreatedAt", transform: "none", required: false },
  { kind: "activity", sourceField: "updated_at", targetField: "remoteUpdatedAt", transform: "none", required: true },
];
