import type { Migration } from "./types.js";

/**
 * Indexes for `getBuyingGroup`, which reads records by fields inside `data`: accounts by domain, people by account
 * link and by email domain, activities by person and by account. Partial per kind, so each index stays the size of
 * the records it serves. Without them an account page scans every record of the tenant.
 */
export const buyingGroupIndexes: Migration = {
  version: 4,
  name: "buying_group_indexes",
  sql: /* sql */ `
CREATE INDEX records_account_domain ON records (tenant_id, (data->>'domain')) WHERE kind = 'account';
CREATE INDEX records_person_account ON records (tenant_id, connection_id, (data->>'accountExternalId')) WHERE kind = 'person';
CREATE INDEX records_person_email_domain ON records (tenant_id, (split_part(data->>'email', '@', 2))) WHERE kind = 'person';
CREATE INDEX records_activity_person ON records (tenant_id, connection_id, (data->>'personExternalId')) WHERE kind = 'activity';
CREATE INDEX records_activity_account ON records (tenant_id, connection_id, (data->>'accountExternalId')) WHERE kind = 'activity';
`,
};
