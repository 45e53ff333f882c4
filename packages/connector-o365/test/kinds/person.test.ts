import { mergeFieldMappings } from "@gtm-clarity/core";
import { describe, expect, it } from "vitest";
import { o365FieldMappings } from "../../src/schema.js";
import { transformRecord } from "../../src/sync/transform.js";
import { quarantined, record } from "../support.js";

const transform = (raw: unknown, mappings?: Parameters<typeof transformRecord>[2]) => transformRecord("person", raw, mappings);

describe("the person transform", () => {
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
    expect(record(transform(input))).toEqual({
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
    const result = quarantined(transform({ ...input, email: "not-an-email" }));
    expect(result.externalId).toBe(input.id);
    expect(result.reasons.map((reason) => reason.path)).toContain("email");
  });

  it("quarantines a record without an id", () => {
    const result = quarantined(transform({ ...input, id: "" }));
    expect(result.externalId).toBeUndefined();
    expect(result.reasons.length).toBeGreaterThan(0);
  });

  it("marks records the source deleted", () => {
    expect(record(transform({ ...input, deleted: true })).isDeleted).toBe(true);
  });

  it("applies a tenant override of one mapping", () => {
    const mappings = mergeFieldMappings(o365FieldMappings, [
      {
        kind: "person",
        sourceField: "last_name",
        targetField: "lastName",
        transform: "uppercase",
        required: false,
      },
    ]);
    expect(record(transform(input, mappings))).toMatchObject({
      lastName: "LOVELACE",
    });
  });
});
