/**
 * The default field mappings: which Delivr event field (its v1 name; `events/fields.ts` lists the v2 names and
 * synonyms read alongside) feeds which canonical field. Delivr's rows have no ids, so the `externalId` rows name the
 * fields the stable ids are hashed from (`events/identity.ts`) with `transform: "custom"`.
 */
import type { FieldMapping } from "@gtm-clarity/core";
import { v1Name, type EventField } from "./events/fields.js";

const map = (
  kind: NonNullable<FieldMapping["kind"]>,
  field: EventField,
  targetField: string,
  transform: FieldMapping["transform"] = "trim",
  required = false,
): FieldMapping => ({ kind, sourceField: v1Name(field), targetField, transform, required });

export const delivrFieldMappings: FieldMapping[] = [
  { kind: "activity", sourceField: "pixel_id+timestamp+event_type+visitor_id+page_url", targetField: "externalId", transform: "custom", customTransform: "delivrEventId", required: true },
  map("activity", "timestamp", "occurredAt", "none", true),
  map("activity", "eventType", "type", "none"),
  map("activity", "pageTitle", "subject"),
  { kind: "person", sourceField: "hem|business_email", targetField: "externalId", transform: "custom", customTransform: "delivrPersonId", required: true },
  map("person", "email", "email", "lowercase"),
  map("person", "firstName", "firstName"),
  map("person", "lastName", "lastName"),
  map("person", "title", "title"),
  map("person", "phone", "phone"),
  map("person", "companyDomain", "accountExternalId", "lowercase"),
  { kind: "account", sourceField: "company_domain|company_name", targetField: "externalId", transform: "custom", customTransform: "delivrAccountId", required: true },
  map("account", "companyName", "name"),
  map("account", "companyDomain", "domain", "lowercase"),
  map("account", "companyIndustry", "industry"),
  map("account", "companySize", "size", "none"),
];
