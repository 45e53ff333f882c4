import { describe, expect, it } from "vitest";
import { transformRecord } from "../../src/sync/transform.js";
import { quarantined, record } from "../support.js";

const transform = (raw: unknown, mappings?: Parameters<typeof transformRecord>[2]) => transformRecord("account", raw, mappings);

describe("the account transform", () => {
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
    expect(record(transform(input))).toEqual({
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
    const result = quarantined(transform({ ...input, domain: "not a domain" }));
    expect(result.externalId).toBe(input.id);
    expect(result.reasons.map((reason) => reason.path)).toContain("domain");
  });

  it("quarantines a record without an id", () => {
    const result = quarantined(transform({ ...input, id: "" }));
    expect(result.externalId).toBeUndefined();
    expect(result.reasons.length).toBeGreaterThan(0);
  });

  it("marks records the source deleted", () => {
    expect(record(transform({ ...input, deleted: true })).isDeleted).toBe(true);
  });
});
