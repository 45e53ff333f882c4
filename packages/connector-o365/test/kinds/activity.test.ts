import { describe, expect, it } from "vitest";
import { transformRecord } from "../../src/sync/transform.js";
import { quarantined, record } from "../support.js";

const transform = (raw: unknown, mappings?: Parameters<typeof transformRecord>[2]) => transformRecord("activity", raw, mappings);

describe("the activity transform", () => {
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
    expect(record(transform(input))).toEqual({
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
    const result = quarantined(transform({ ...input, occurred_at: "yesterday" }));
    expect(result.externalId).toBe(input.id);
    expect(result.reasons.map((reason) => reason.path)).toContain("occurred_at");
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
