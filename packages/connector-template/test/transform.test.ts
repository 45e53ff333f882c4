import { mergeFieldMappings, type CanonicalRecord, type QuarantinedRecord } from "@gtm-clarity/core";
import { describe, expect, it } from "vitest";
import { templateFieldMappings } from "../src/schema.js";
import {
  transformPerson,
  transformAccount,
  transformActivity,
  updatedAtOf,
  type TransformResult,
} from "../src/sync/transform.js";

function record(result: TransformResult): CanonicalRecord {
  if (!result.ok) throw new Error(`quarantined: ${JSON.stringify(result.quarantined.reasons)}`);
  return result.record;
}

function quarantined(result: TransformResult): QuarantinedRecord {
  if (result.ok) throw new Error("expected the record to be quarantined");
  return result.quarantined;
}

describe("transformPerson", () => {
  const input = {
    id: "per_0001",
    email: "  Ada.Lovelace@Globex.Example ",
    first_name: " Ada ",
    last_name: "Lovelace",
    title: "CTO",
    phone: "+44 20 7946 0000",
    account_id: "acc_0001",
    lifecycle_stage: "customer",
    created_at: "2025-01-06T09:00:00Z",
    updated_at: "2025-01-06T09:30:00Z",
  };

  it("maps every field, normalises it, and keeps unmapped fields in properties", () => {
    expect(record(transformPerson(input))).toEqual({
      kind: "person",
      externalId: "per_0001",
      email: "ada.lovelace@globex.example",
      firstName: "Ada",
      lastName: "Lovelace",
      title: "CTO",
      phone: "+44 20 7946 0000",
      accountExternalId: "acc_0001",
      remoteCreatedAt: new Date("2025-01-06T09:00:00Z"),
      remoteUpdatedAt: new Date("2025-01-06T09:30:00Z"),
      isDeleted: false,
      properties: { lifecycle_stage: "customer" },
    });
  });

  it("quarantines an invalid email with the reason, never drops it", () => {
    const result = quarantined(transformPerson({ ...input, email: "not-an-email" }));
    expect(result.externalId).toBe(input.id);
    expect(result.reasons.map((reason) => reason.path)).toContain("email");
  });

  it("quarantines a record without an id", () => {
    const result = quarantined(transformPerson({ ...input, id: "" }));
    expect(result.externalId).toBeUndefined();
    expect(result.reasons.length).toBeGreaterThan(0);
  });

  it("marks records the source deleted", () => {
    expect(record(transformPerson({ ...input, deleted: true })).isDeleted).toBe(true);
  });
});

describe("transformAccount", () => {
  const input = {
    id: "acc_0001",
    name: " Globex ",
    domain: "WWW.Globex.Example",
    industry: "Software",
    employee_count: 250,
    website: "https://www.globex.example",
    plan: "team",
    created_at: "2025-01-06T09:00:00Z",
    updated_at: "2025-01-06T09:30:00Z",
  };

  it("maps every field, normalises it, and keeps unmapped fields in properties", () => {
    expect(record(transformAccount(input))).toEqual({
      kind: "account",
      externalId: "acc_0001",
      name: "Globex",
      domain: "globex.example",
      industry: "Software",
      size: 250,
      website: "https://www.globex.example",
      remoteCreatedAt: new Date("2025-01-06T09:00:00Z"),
      remoteUpdatedAt: new Date("2025-01-06T09:30:00Z"),
      isDeleted: false,
      properties: { plan: "team" },
    });
  });

  it("quarantines an invalid domain with the reason, never drops it", () => {
    const result = quarantined(transformAccount({ ...input, domain: "not a domain" }));
    expect(result.externalId).toBe(input.id);
    expect(result.reasons.map((reason) => reason.path)).toContain("domain");
  });

  it("quarantines a record without an id", () => {
    const result = quarantined(transformAccount({ ...input, id: "" }));
    expect(result.externalId).toBeUndefined();
    expect(result.reasons.length).toBeGreaterThan(0);
  });

  it("marks records the source deleted", () => {
    expect(record(transformAccount({ ...input, deleted: true })).isDeleted).toBe(true);
  });
});

describe("transformActivity", () => {
  const input = {
    id: "act_0001",
    type: "meeting",
    channel: "video",
    occurred_at: "2025-01-06T10:00:00Z",
    subject: " Kickoff ",
    duration: 1800,
    direction: "outbound",
    person_id: "per_0001",
    account_id: "acc_0001",
    url: "https://app.sandbox.example/activities/act_0001",
    created_at: "2025-01-06T09:00:00Z",
    updated_at: "2025-01-06T09:30:00Z",
  };

  it("maps every field, normalises it, and keeps unmapped fields in properties", () => {
    expect(record(transformActivity(input))).toEqual({
      kind: "activity",
      externalId: "act_0001",
      type: "meeting",
      channel: "video",
      occurredAt: new Date("2025-01-06T10:00:00Z"),
      subject: "Kickoff",
      durationSeconds: 1800,
      direction: "outbound",
      personExternalId: "per_0001",
      accountExternalId: "acc_0001",
      remoteCreatedAt: new Date("2025-01-06T09:00:00Z"),
      remoteUpdatedAt: new Date("2025-01-06T09:30:00Z"),
      isDeleted: false,
      properties: { url: "https://app.sandbox.example/activities/act_0001" },
    });
  });

  it("quarantines an invalid occurred_at with the reason, never drops it", () => {
    const result = quarantined(transformActivity({ ...input, occurred_at: "yesterday" }));
    expect(result.externalId).toBe(input.id);
    expect(result.reasons.map((reason) => reason.path)).toContain("occurred_at");
  });

  it("quarantines a record without an id", () => {
    const result = quarantined(transformActivity({ ...input, id: "" }));
    expect(result.externalId).toBeUndefined();
    expect(result.reasons.length).toBeGreaterThan(0);
  });

  it("marks records the source deleted", () => {
    expect(record(transformActivity({ ...input, deleted: true })).isDeleted).toBe(true);
  });
});

describe("transforms", () => {
  it("apply a tenant override of one mapping", () => {
    const mappings = mergeFieldMappings(templateFieldMappings, [
      {
        kind: "person",
        sourceField: "last_name",
        targetField: "lastName",
        transform: "uppercase",
        required: false,
      },
    ]);
    const input = {
      id: "per_0001",
      email: "  Ada.Lovelace@Globex.Example ",
      first_name: " Ada ",
      last_name: "Lovelace",
      title: "CTO",
      phone: "+44 20 7946 0000",
      account_id: "acc_0001",
      lifecycle_stage: "customer",
      created_at: "2025-01-06T09:00:00Z",
      updated_at: "2025-01-06T09:30:00Z",
    };
    expect(record(transformPerson(input, mappings))).toMatchObject({
      lastName: "LOVELACE",
    });
  });

  it("are pure: the same input gives the same output, and the input is left alone", () => {
    const input = {
      id: "per_0001",
      email: "  Ada.Lovelace@Globex.Example ",
      first_name: " Ada ",
      last_name: "Lovelace",
      title: "CTO",
      phone: "+44 20 7946 0000",
      account_id: "acc_0001",
      lifecycle_stage: "customer",
      created_at: "2025-01-06T09:00:00Z",
      updated_at: "2025-01-06T09:30:00Z",
    };
    const before = structuredClone(input);
    expect(transformPerson(input)).toEqual(transformPerson(input));
    expect(input).toEqual(before);
  });

  it("read updated_at for the watermark, ignoring what does not parse", () => {
    expect(updatedAtOf({ updated_at: "2025-01-06T09:30:00Z" })).toBe("2025-01-06T09:30:00.000Z");
    expect(updatedAtOf({ updated_at: "soon" })).toBeNull();
    expect(updatedAtOf(null)).toBeNull();
  });
});
