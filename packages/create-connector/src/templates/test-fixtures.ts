/**
 * Known inputs and expected outputs per record kind, for the generated transform, connector and webhook tests.
 * Written as source lines, because they are pasted into test files.
 */
import type { RecordKind } from "../options.js";

export interface KindFixture {
  /** Lines of an object literal (without braces): one raw API record. */
  input: readonly string[];
  /** Lines of the canonical record it must become. */
  expected: readonly string[];
  /** The same record made invalid, and the reason path the quarantine must name. */
  malformed: { field: string; value: string; path: string };
  /** A tenant override: this source field, uppercased into this canonical field, gives this value. */
  override: { sourceField: string; targetField: string; value: string };
  /** A field to change at the source, the canonical field it lands in, and the new value. */
  change: { field: string; canonical: string; value: string };
}

const CREATED = '"2025-01-06T09:00:00Z"';
const UPDATED = '"2025-01-06T09:30:00Z"';

export const KIND_FIXTURES: Record<RecordKind, KindFixture> = {
  person: {
    input: [
      'id: "per_0001",',
      'email: "  Ada.Lovelace@Globex.Example ",',
      'first_name: " Ada ",',
      'last_name: "Lovelace",',
      'title: "CTO",',
      'phone: "+44 20 7946 0000",',
      'account_id: "acc_0001",',
      'lifecycle_stage: "customer",',
      `created_at: ${CREATED},`,
      `updated_at: ${UPDATED},`,
    ],
    expected: [
      'kind: "person",',
      'externalId: "per_0001",',
      'email: "ada.lovelace@globex.example",',
      'firstName: "Ada",',
      'lastName: "Lovelace",',
      'title: "CTO",',
      'phone: "+44 20 7946 0000",',
      'accountExternalId: "acc_0001",',
      `remoteCreatedAt: new Date(${CREATED}),`,
      `remoteUpdatedAt: new Date(${UPDATED}),`,
      "isDeleted: false,",
      'properties: { lifecycle_stage: "customer" },',
    ],
    malformed: { field: "email", value: '"not-an-email"', path: "email" },
    override: { sourceField: "last_name", targetField: "lastName", value: "LOVELACE" },
    change: { field: "title", canonical: "title", value: "Chief Scientist" },
  },
  account: {
    input: [
      'id: "acc_0001",',
      'name: " Globex ",',
      'domain: "WWW.Globex.Example",',
      'industry: "Software",',
      "employee_count: 250,",
      'website: "https://www.globex.example",',
      'plan: "team",',
      `created_at: ${CREATED},`,
      `updated_at: ${UPDATED},`,
    ],
    expected: [
      'kind: "account",',
      'externalId: "acc_0001",',
      'name: "Globex",',
      'domain: "globex.example",',
      'industry: "Software",',
      "size: 250,",
      'website: "https://www.globex.example",',
      `remoteCreatedAt: new Date(${CREATED}),`,
      `remoteUpdatedAt: new Date(${UPDATED}),`,
      "isDeleted: false,",
      'properties: { plan: "team" },',
    ],
    malformed: { field: "domain", value: '"not a domain"', path: "domain" },
    override: { sourceField: "name", targetField: "name", value: "GLOBEX" },
    change: { field: "name", canonical: "name", value: "Globex International" },
  },
  activity: {
    input: [
      'id: "act_0001",',
      'type: "meeting",',
      'channel: "video",',
      'occurred_at: "2025-01-06T10:00:00Z",',
      'subject: " Kickoff ",',
      "duration: 1800,",
      'direction: "outbound",',
      'person_id: "per_0001",',
      'account_id: "acc_0001",',
      'url: "https://app.sandbox.example/activities/act_0001",',
      `created_at: ${CREATED},`,
      `updated_at: ${UPDATED},`,
    ],
    expected: [
      'kind: "activity",',
      'externalId: "act_0001",',
      'type: "meeting",',
      'channel: "video",',
      'occurredAt: new Date("2025-01-06T10:00:00Z"),',
      'subject: "Kickoff",',
      "durationSeconds: 1800,",
      'direction: "outbound",',
      'personExternalId: "per_0001",',
      'accountExternalId: "acc_0001",',
      `remoteCreatedAt: new Date(${CREATED}),`,
      `remoteUpdatedAt: new Date(${UPDATED}),`,
      "isDeleted: false,",
      'properties: { url: "https://app.sandbox.example/activities/act_0001" },',
    ],
    malformed: { field: "occurred_at", value: '"yesterday"', path: "occurred_at" },
    override: { sourceField: "subject", targetField: "subject", value: "KICKOFF" },
    change: { field: "subject", canonical: "subject", value: "Renewal call" },
  },
};
