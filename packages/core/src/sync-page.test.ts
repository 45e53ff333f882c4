import { describe, expect, it } from "vitest";
import type { CanonicalRecord } from "./canonical.js";
import type { QuarantinedRecord } from "./connector.js";
import { createMemoryLogger } from "./logger.js";
import { buildSyncPage } from "./sync-page.js";

const apiKey = "fake-api-key-that-must-never-be-logged";
const syncedAt = new Date("2025-01-06T09:00:00.000Z");

const records: CanonicalRecord[] = [
  { kind: "person", externalId: "p1", email: "ada@example.com", properties: { note: `key ${apiKey}` }, isDeleted: false },
  { kind: "person", externalId: "p2", properties: {}, isDeleted: false },
  { kind: "account", externalId: "example.com", domain: "example.com", properties: {}, isDeleted: false },
  {
    kind: "activity",
    externalId: "m1",
    type: "meeting",
    channel: "video",
    occurredAt: syncedAt,
    subject: `Renewal (token ${apiKey})`,
    properties: {},
    isDeleted: false,
  },
];
const quarantined: QuarantinedRecord[] = [
  { externalId: "m2", raw: { id: "m2", secret: apiKey }, reasons: [{ path: "occurredAt", message: "invalid date" }] },
  { raw: { title: apiKey }, reasons: [{ path: "externalId", message: "externalId is required" }] },
];

describe("buildSyncPage", () => {
  it("returns the page with stats holding only what the connector knows", () => {
    const page = buildSyncPage({ connectorId: "fathom", records, quarantined, cursor: "c2", hasMore: true, requests: 3, now: syncedAt });
    expect(page).toEqual({
      records,
      cursor: "c2",
      hasMore: true,
      syncedAt,
      stats: { records: 4, quarantined: 2, errors: 2, requests: 3 },
      documents: [],
      quarantined,
    });
    expect(page.stats).not.toHaveProperty("created");
    expect(page.stats).not.toHaveProperty("updated");
    expect(page.records).not.toBe(records);
  });

  it("carries a connector's named counts and notices into the stats and its counts into the log line", () => {
    const logger = createMemoryLogger();
    const page = buildSyncPage({
      connectorId: "salesforce",
      records,
      cursor: null,
      hasMore: false,
      counts: { "quality.normalised": 3, "quality.duplicates": 1 },
      notices: ["history starts 30 days back"],
      logger,
    });
    expect(page.stats.counts).toEqual({ "quality.normalised": 3, "quality.duplicates": 1 });
    expect(page.stats.notices).toEqual(["history starts 30 days back"]);
    expect(logger.entries[0]?.fields).toMatchObject({ counts: { "quality.normalised": 3 } });
    const plain = buildSyncPage({ connectorId: "salesforce", records, cursor: null, hasMore: false, notices: [] });
    expect(plain.stats).not.toHaveProperty("counts");
    expect(plain.stats).not.toHaveProperty("notices");
  });

  it("logs one info line per page with the same fields for every connector, and a warn line naming quarantined ids", () => {
    const logger = createMemoryLogger();
    const document = {
      externalId: "m1:transcript",
      activityExternalId: "m1",
      type: "transcript",
      text: `said ${apiKey}`,
      byteSize: 40,
      contentHash: "0".repeat(64),
    };
    buildSyncPage({
      connectorId: "fathom",
      stream: "meetings",
      records,
      quarantined,
      documents: [document],
      cursor: null,
      hasMore: false,
      requests: 1,
      logger,
    });
    expect(logger.entries).toEqual([
      {
        level: "info",
        message: "fathom: synced a page",
        fields: {
          connector: "fathom",
          stream: "meetings",
          records: 4,
          recordsByKind: { person: 2, account: 1, activity: 1 },
          documents: 1,
          quarantined: 2,
          requests: 1,
          hasMore: false,
        },
      },
      {
        level: "warn",
        message: "fathom: quarantined 2 source record(s)",
        fields: { connector: "fathom", stream: "meetings", count: 2, externalIds: ["m2", null] },
      },
    ]);
    // The memory logger keeps entries unredacted: nothing a record, document or quarantined raw held got in.
    const logged = JSON.stringify(logger.entries);
    expect(logged).not.toContain(apiKey);
    expect(logged).not.toContain("ada@example.com");
    expect(logged).not.toContain("Renewal");
  });

  it("logs no warn line for a clean page, and caps the ids a warn line lists", () => {
    const clean = createMemoryLogger();
    buildSyncPage({ connectorId: "delivr", records: [], cursor: null, hasMore: false, logger: clean });
    expect(clean.entries.map((entry) => entry.level)).toEqual(["info"]);
    expect(clean.entries[0]?.fields).not.toHaveProperty("requests");

    const many = createMemoryLogger();
    const lots = Array.from({ length: 120 }, (_, i) => ({ externalId: `r${i}`, raw: {}, reasons: [] }));
    buildSyncPage({ connectorId: "delivr", records: [], quarantined: lots, cursor: null, hasMore: false, logger: many });
    expect(many.entries[1]?.fields).toMatchObject({ count: 120 });
    expect(many.entries[1]?.fields["externalIds"]).toHaveLength(50);
  });
});
