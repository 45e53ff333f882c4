/**
 * Default field mappings, declared for the connection UI and tenant overrides: which Salesforce field feeds which
 * canonical field. The transforms in `sync/transform.ts` apply them, with the normalisation the quality pipeline adds
 * (emails lower-cased, phones to E.164, websites to domains, names tidied).
 */
import type { FieldMapping } from "@gtm-clarity/core";

const m = (
  kind: NonNullable<FieldMapping["kind"]>,
  sourceField: string,
  targetField: string,
  transform: FieldMapping["transform"] = "none",
  required = false,
  customTransform?: string,
): FieldMapping => ({ kind, sourceField, targetField, transform, required, ...(customTransform === undefined ? {} : { customTransform }) });

export const salesforceFieldMappings: FieldMapping[] = [
  m("account", "Id", "externalId", "none", true),
  m("account", "Name", "name", "trim"),
  m("account", "Website", "domain", "custom", false, "websiteToDomain"),
  m("account", "Website", "website", "trim"),
  m("account", "Industry", "industry", "trim"),
  m("account", "NumberOfEmployees", "size"),
  m("account", "SystemModstamp", "remoteUpdatedAt", "none", true),
  m("account", "IsDeleted", "isDeleted"),
  m("person", "Id", "externalId", "none", true),
  m("person", "Email", "email", "lowercase"),
  m("person", "FirstName", "firstName", "trim"),
  m("person", "LastName", "lastName", "trim"),
  m("person", "Title", "title", "trim"),
  m("person", "Phone", "phone", "custom", false, "e164Phone"),
  m("person", "AccountId", "accountExternalId"),
  m("person", "SystemModstamp", "remoteUpdatedAt", "none", true),
  m("person", "IsDeleted", "isDeleted"),
  m("activity", "Id", "externalId", "none", true),
  m("activity", "TaskSubtype", "type", "custom", true, "taskShape"),
  m("activity", "Subject", "subject", "trim"),
  m("activity", "WhoId", "personExternalId"),
  m("activity", "AccountId", "accountExternalId"),
  m("activity", "CallDurationInSeconds", "durationSeconds"),
  m("activity", "SystemModstamp", "remoteUpdatedAt", "none", true),
  m("activity", "IsDeleted", "isDeleted"),
];
