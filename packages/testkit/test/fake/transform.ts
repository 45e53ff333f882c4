/**
 * Pure transforms from the fake source's rows to canonical record input. Validation (and so normalisation and
 * quarantine) happens in the connector, through core's schema; these functions only reshape data.
 */
import { applyFieldMappings, type CanonicalKind, type CanonicalRecordInput, type FieldMapping } from "@gtm-clarity/core";
import type { FakeAccount, FakeActivity, FakePerson } from "./rows.js";
import { fakeFieldMappings } from "./schema.js";

const CHANNEL_BY_TYPE: Record<FakeActivity["type"], string> = {
  email_sent: "email",
  email_opened: "email",
  meeting: "video",
  page_view: "web",
};

const DIRECTION_BY_TYPE: Partial<Record<FakeActivity["type"], "inbound" | "outbound">> = {
  email_sent: "outbound",
  email_opened: "inbound",
  page_view: "inbound",
};

function mapped(kind: CanonicalKind, raw: object, mappings: readonly FieldMapping[]): Record<string, unknown> {
  return applyFieldMappings(
    raw,
    mappings.filter((mapping) => mapping.kind === kind),
  ).values;
}

export function transformAccount(raw: FakeAccount, mappings: readonly FieldMapping[] = fakeFieldMappings): CanonicalRecordInput {
  return {
    ...mapped("account", raw, mappings),
    kind: "account",
    externalId: raw.id,
    properties: { source: "fake" },
  };
}

export function transformPerson(raw: FakePerson, mappings: readonly FieldMapping[] = fakeFieldMappings): CanonicalRecordInput {
  const values = mapped("person", raw, mappings);
  const names = [raw.first_name, raw.last_name].map((part) => part?.trim() ?? "").filter((part) => part !== "");
  return {
    ...values,
    kind: "person",
    externalId: raw.id,
    ...(names.length > 0 ? { fullName: names.join(" ") } : {}),
    isDeleted: raw.deleted,
    properties: { source: "fake" },
  };
}

export function transformActivity(
  raw: FakeActivity,
  mappings: readonly FieldMapping[] = fakeFieldMappings,
): CanonicalRecordInput {
  const direction = DIRECTION_BY_TYPE[raw.type];
  return {
    type: raw.type,
    occurredAt: raw.occurred_at,
    ...mapped("activity", raw, mappings),
    kind: "activity",
    externalId: raw.id,
    channel: CHANNEL_BY_TYPE[raw.type],
    ...(direction ? { direction } : {}),
    properties: { source: "fake" },
  };
}
