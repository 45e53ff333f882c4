/**
 * The field mappings the transform (`transform/records.ts`) applies, declared for the field-mapping UI and the
 * conformance check. Graph's shapes are nested and some canonical fields are derived (direction from the tenant's
 * domains, the counterpart person), so the transform is code; these rows say which Graph field feeds what.
 */
import type { FieldMapping } from "@gtm-clarity/core";

const row = (kind: NonNullable<FieldMapping["kind"]>, sourceField: string, targetField: string, required = false): FieldMapping => ({
  kind,
  sourceField,
  targetField,
  transform: "none",
  required,
});

export const o365FieldMappings: FieldMapping[] = [
  row("person", "id", "externalId", true),
  row("person", "mail", "email"),
  row("person", "givenName", "firstName"),
  row("person", "surname", "lastName"),
  row("person", "displayName", "fullName"),
  row("person", "jobTitle", "title"),
  row("activity", "id", "externalId", true),
  row("activity", "receivedDateTime", "occurredAt", true),
  row("activity", "start.dateTime", "occurredAt", true),
  row("activity", "subject", "subject"),
  row("activity", "from.emailAddress.address", "personExternalId"),
  row("activity", "lastModifiedDateTime", "remoteUpdatedAt"),
  row("account", "emailAddress.address", "domain", true),
];
