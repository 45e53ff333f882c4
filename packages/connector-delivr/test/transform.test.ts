import type { CanonicalRecord } from "@gtm-clarity/core";
import { describe, expect, it } from "vitest";
import { readEmployeeCount, readEpochMs, normaliseEventType } from "../src/events/values.js";
import { transformIntentRow } from "../src/sync/intent.js";
import { transformVisitorEvent } from "../src/sync/transform.js";
import { v1Anonymous, v1CompanyOnly, v1Resolved, v2Resolved } from "./fixtures/events.js";

const SCOPE = "px_configured";
const byKind = (records: readonly CanonicalRecord[], kind: CanonicalRecord["kind"]) => records.filter((r) => r.kind === kind);
function only<K extends CanonicalRecord["kind"]>(records: readonly CanonicalRecord[], kind: K): Extract<CanonicalRecord, { kind: K }> {
  const found = records.filter((record): record is Extract<CanonicalRecord, { kind: K }> => record.kind === kind);
  expect(found).toHaveLength(1);
  const [record] = found;
  if (record === undefined) throw new Error(`no ${kind}`);
  return record;
}

describe("transformVisitorEvent", () => {
  it("turns a resolved visit into a person with a buying role, linked to its account, and a page_view", () => {
    const { records, quarantined } = transformVisitorEvent(v1Resolved, SCOPE);
    expect(quarantined).toEqual([]);
    const account = only(records, "account");
    const person = only(records, "person");
    const visit = only(records, "activity");
    expect(account).toMatchObject({
      externalId: "acme-fixture.example",
      name: "Acme Fixture",
      domain: "acme-fixture.example",
      industry: "Software",
      size: 51,
      properties: { employeeRange: "51-200", source: "delivr" },
    });
    expect(person).toMatchObject({
      email: "ada.lane@acme-fixture.example",
      firstName: "Ada",
      lastName: "Lane",
      title: "VP of Marketing",
      accountExternalId: "acme-fixture.example",
      properties: { buyingRole: "decision_maker", seniority: "VP", department: "Marketing" },
    });
    expect(person.externalId).toMatch(/^hem:[0-9a-f]{64}$/);
    expect(visit).toMatchObject({
      type: "page_view",
      channel: "web",
      occurredAt: new Date("2026-01-01T00:00:00.000Z"),
      personExternalId: person.externalId,
      accountExternalId: "acme-fixture.example",
      subject: "Pricing",
      properties: { url: "https://www.vendor-site.example/pricing", resolved: true, pixelId: "px_fixture" },
    });
    expect(visit.externalId).toMatch(/^dlvr_evt_[0-9a-f]{40}$/);
  });

  it("reads v2 field names into the same records, with the same ids", () => {
    const v1 = transformVisitorEvent(v1Resolved, SCOPE).records;
    const v2 = transformVisitorEvent(v2Resolved, SCOPE).records;
    expect(v2.map((r) => `${r.kind}:${r.externalId}`)).toEqual(v1.map((r) => `${r.kind}:${r.externalId}`));
    expect(only(v2, "person")).toEqual(only(v1, "person"));
    expect(only(v2, "account")).toEqual(only(v1, "account"));
  });

  it("gives an unresolved visit to the account alone, and an unmatched one to nobody", () => {
    const company = transformVisitorEvent(v1CompanyOnly, SCOPE).records;
    expect(byKind(company, "person")).toEqual([]);
    expect(only(company, "activity")).toMatchObject({ accountExternalId: "acme-fixture.example", occurredAt: new Date(1_767_225_660_000) });
    expect(only(company, "activity").personExternalId).toBeUndefined();
    const anonymous = transformVisitorEvent(v1Anonymous, SCOPE).records;
    expect(anonymous.map((r) => r.kind)).toEqual(["activity"]);
    expect(only(anonymous, "activity")).toMatchObject({ type: "page_view", channel: "web" });
  });

  it("builds the event id from pixel, time, type, visitor and URL: stable, and different when any differs", () => {
    const id = (row: Record<string, unknown>, scope = SCOPE) => only(transformVisitorEvent(row, scope).records, "activity").externalId;
    const base = id(v1Resolved);
    expect(id({ ...v1Resolved })).toBe(base);
    // Enrichment is not identity: a later read with more fields is the same event.
    expect(id({ ...v1Resolved, job_title: "CMO", city: null })).toBe(base);
    // The row's pixel wins over the configured scope (pixel, project and org reads agree).
    expect(id(v1Resolved, "org_other")).toBe(base);
    for (const change of [{ timestamp: v1Resolved.timestamp + 1 }, { visitor_id: "vis_other" }, { page_url: "https://x.example/" }, { pixel_id: "px_2" }, { event_type: "click" }]) {
      expect(id({ ...v1Resolved, ...change })).not.toBe(base);
    }
    // Without a pixel in the row, the configured scope stands in.
    expect(id(v1Anonymous, "px_a")).not.toBe(id(v1Anonymous, "px_b"));
  });

  it("quarantines a row whose time is missing or unreadable, whole, with the reason", () => {
    for (const timestamp of [undefined, "yesterday", -5, 1e20, "2026-01-01T00:00:00"]) {
      const { records, quarantined } = transformVisitorEvent({ ...v1Anonymous, timestamp }, SCOPE);
      expect(records).toEqual([]);
      expect(quarantined).toHaveLength(1);
      expect(quarantined[0]?.reasons[0]?.path).toBe("timestamp");
    }
    expect(transformVisitorEvent("not an object", SCOPE).quarantined[0]?.reasons[0]?.message).toMatch(/object/);
  });

  it("keeps the visit when the person is invalid, and quarantines the person part by event id", () => {
    const { records, quarantined } = transformVisitorEvent({ ...v1Resolved, business_email: "not-an-email" }, SCOPE);
    expect(byKind(records, "person")).toEqual([]);
    const visit = only(records, "activity");
    expect(visit.personExternalId).toBeUndefined();
    expect(visit.accountExternalId).toBe("acme-fixture.example");
    expect(quarantined).toEqual([
      { externalId: `${visit.externalId}:person`, raw: expect.anything(), reasons: [expect.objectContaining({ path: "person.email" })] },
    ]);
  });

  it("keeps the visit when the company domain is invalid, without an account link", () => {
    const { records, quarantined } = transformVisitorEvent({ ...v1CompanyOnly, company_domain: "not a domain" }, SCOPE);
    expect(byKind(records, "account")).toEqual([]);
    expect(only(records, "activity").accountExternalId).toBeUndefined();
    expect(quarantined[0]?.reasons[0]?.path).toBe("account.domain");
  });

  it("gives the same output with a page's validation memo as without", () => {
    const memo = new Map();
    const rows = [v1Resolved, { ...v1Resolved, timestamp: v1Resolved.timestamp + 1 }, v2Resolved, { ...v1Resolved, business_email: "bad" }];
    for (const row of rows) expect(transformVisitorEvent(row, SCOPE, memo)).toEqual(transformVisitorEvent(row, SCOPE));
    expect(memo.size).toBeGreaterThan(0);
  });

  it("is pure: the same input gives the same output and is not changed", () => {
    const input = structuredClone(v1Resolved);
    expect(transformVisitorEvent(input, SCOPE)).toEqual(transformVisitorEvent(input, SCOPE));
    expect(input).toEqual(v1Resolved);
  });
});

describe("value readers", () => {
  it.each([
    [1_767_225_600_000, 1_767_225_600_000],
    ["1767225600000", 1_767_225_600_000],
    [1_767_225_600, 1_767_225_600_000],
    ["2026-01-01T00:00:00Z", 1_767_225_600_000],
    ["2026-01-01T01:00:00+01:00", 1_767_225_600_000],
    ["2026-01-01", undefined],
    [true, undefined],
    [Number.NaN, undefined],
  ])("reads the time %j as %j", (input, expected) => {
    expect(readEpochMs(input)).toBe(expected);
  });

  it.each([
    [250, 250],
    ["51-200", 51],
    ["1,000+", 1000],
    ["10K+", 10_000],
    ["unknown", undefined],
    [-3, undefined],
  ])("reads the employee count %j as %j", (input, expected) => {
    expect(readEmployeeCount(input)).toBe(expected);
  });

  it.each([
    [undefined, "page_view"],
    ["Page View", "page_view"],
    ["PageView", "page_view"],
    ["pageview", "page_view"],
    ["Form Submit", "form_submit"],
  ])("normalises the event type %j to %j", (input, expected) => {
    expect(normaliseEventType(input)).toBe(expected);
  });
});

describe("transformIntentRow", () => {
  const audience = { id: "aud_1", name: "In-market: martech", updatedAtMs: Date.UTC(2026, 0, 10, 12), topicIds: ["t_1", "t_2"] };
  const topics = new Map([
    ["t_1", { name: "Marketing Automation", category: "Marketing", subcategory: "Automation" }],
    ["t_2", { name: "Intent Data", category: "Marketing", subcategory: null }],
  ]);
  const member = { company_name: "Acme Fixture", company_domain: "acme-fixture.example", intent_score: 82 };

  it("gives one intent_signal per audience topic, named from the taxonomy, with the strength", () => {
    const { records, quarantined } = transformIntentRow(member, audience, topics);
    expect(quarantined).toEqual([]);
    expect(only(records, "account").externalId).toBe("acme-fixture.example");
    const signals = byKind(records, "activity");
    expect(signals).toHaveLength(2);
    expect(signals[0]).toMatchObject({
      type: "intent_signal",
      channel: "intent",
      accountExternalId: "acme-fixture.example",
      occurredAt: new Date(audience.updatedAtMs),
      subject: "Marketing Automation",
      properties: { topicId: "t_1", topic: "Marketing Automation", category: "Marketing", strength: 82, audienceId: "aud_1" },
    });
    expect(signals[1]?.properties).toMatchObject({ topicId: "t_2", topic: "Intent Data" });
  });

  it("uses the row's own topic, keeps an unknown topic's id, and reads a textual strength", () => {
    const { records } = transformIntentRow({ ...member, topic_id: "t_404", intent_score: "High" }, audience, topics);
    const [signal, ...rest] = byKind(records, "activity");
    expect(rest).toEqual([]);
    expect(signal?.properties).toMatchObject({ topicId: "t_404", strength: "High" });
    expect(signal?.properties).not.toHaveProperty("topic");
  });

  it("has stable ids per audience, account, topic and day", () => {
    const ids = (row: Record<string, unknown>, aud = audience) =>
      byKind(transformIntentRow(row, aud, topics).records, "activity").map((r) => r.externalId);
    expect(ids(member)).toEqual(ids({ ...member, intent_score: 10 }));
    expect(ids(member)).not.toEqual(ids(member, { ...audience, updatedAtMs: audience.updatedAtMs + 86_400_000 }));
  });

  it("quarantines a member with neither company nor person", () => {
    const { records, quarantined } = transformIntentRow({ intent_score: 5 }, audience, topics);
    expect(records).toEqual([]);
    expect(quarantined[0]?.reasons[0]?.message).toMatch(/company/);
  });
});
