import {
  connectorRegistry,
  describeSettings,
  invalidMappingTargets,
  isConfigError,
  isSchemaError,
  type CanonicalActivity,
  type CanonicalRecord,
} from "@gtm-clarity/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pkg from "../package.json" with { type: "json" };
import { DelivrConnector } from "../src/connector.js";
import { delivrCursor } from "../src/cursor.js";
import { delivrSandbox, SANDBOX_PIXEL, startDelivrSandbox, type DelivrSandbox } from "../src/sandbox/index.js";
import { DELIVR_BASE_URL, DelivrSettingsSchema } from "../src/settings.js";
import { FAST, stored, syncAll } from "./support.js";

const binding = { tenantId: "t", connectionId: "c" };
const HOUR = 3_600_000;
const of = <K extends CanonicalRecord["kind"]>(records: readonly CanonicalRecord[], kind: K) =>
  records.filter((record): record is Extract<CanonicalRecord, { kind: K }> => record.kind === kind);

describe("DelivrConnector", () => {
  let sandbox: DelivrSandbox;
  const T = Date.UTC(2026, 0, 20, 12);
  const connector = new DelivrConnector({ ...FAST, now: () => new Date(T) });

  beforeAll(async () => {
    sandbox = await startDelivrSandbox({ anchorMs: T, rateLimitOnRequests: [] });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it("registers itself under 'delivr' when its entry module is imported, with the package's version", async () => {
    await import("../src/index.js");
    expect(connectorRegistry.get("delivr")).toBeInstanceOf(DelivrConnector);
    expect(connector.version).toBe(pkg.version);
  });

  it("has settings that parse from nothing, point at Delivr's data API and describe themselves", () => {
    const settings = DelivrSettingsSchema.parse({});
    expect(settings).toMatchObject({ baseUrl: DELIVR_BASE_URL, eventsApi: "v1", backfillDays: 90, windowHours: 25, pageSize: 300 });
    expect(settings.streams).toEqual(["visits", "intent"]);
    expect(describeSettings(connector.settingsSchema).map((field) => field.name)).toContain("pixelId");
  });

  it("ships field mappings that target real canonical fields", () => {
    expect(invalidMappingTargets(connector.getSchema())).toEqual([]);
  });

  it("syncs visits and intent: the sandbox's whole data set, valid records, each key once per page", async () => {
    const run = await syncAll(connector, sandbox.credentials, sandbox.settings(binding));
    const keys = stored(run.records);
    const quarantineIds = new Set(run.quarantined.map((q) => q.externalId ?? JSON.stringify(q.raw)));
    expect(keys.size + quarantineIds.size).toBe(sandbox.expectedRecords);
    for (const page of run.pages) {
      const pageKeys = page.records.map((r) => `${r.kind}:${r.externalId}`);
      expect(new Set(pageKeys).size).toBe(pageKeys.length);
    }
    const activities = of(run.records, "activity");
    expect(new Set(activities.map((a) => a.type))).toEqual(new Set(["page_view", "intent_signal"]));
    expect(run.quarantined.map((q) => q.reasons[0]?.path).sort()).toEqual(["person.email", "timestamp"]);
    // Run stats count windows and events for the run's record.
    const windows = run.pages.reduce((sum, page) => sum + (page.stats.counts?.["windows"] ?? 0), 0);
    expect(windows).toBe(Math.ceil((7 * 24) / 25));
  });

  it("resolves intent topic names through the taxonomy and keeps the strength", async () => {
    const run = await syncAll(connector, sandbox.credentials, { ...sandbox.settings(binding), streams: ["intent"] });
    const signals = of(run.records, "activity").filter((a: CanonicalActivity) => a.type === "intent_signal");
    expect(signals.length).toBeGreaterThan(0);
    expect(new Set(signals.map((s) => s.properties["topic"]))).toEqual(
      new Set(["Marketing Automation", "Intent Data", "Cloud Security", "Data Warehousing"]),
    );
    expect(signals.every((s) => s.properties["strength"] !== undefined && s.accountExternalId !== undefined)).toBe(true);
    // Audiences still building or failed are not read.
    expect(signals.some((s) => s.properties["audienceId"] === "aud_pending")).toBe(false);
  });

  it("returns nothing new from the final cursor, then picks up a new visit", async () => {
    const full = await syncAll(connector, sandbox.credentials, sandbox.settings(binding));
    const later = new DelivrConnector({ ...FAST, now: () => new Date(T + HOUR) });
    const again = await syncAll(later, sandbox.credentials, { ...sandbox.settings(binding), lookbackMinutes: 0 }, full.cursor);
    expect(again.records).toEqual([]);
    sandbox.put({ timestamp: T + HOUR + 5, pixel_id: SANDBOX_PIXEL, visitor_id: "vis_new", resolved: false });
    const newer = new DelivrConnector({ ...FAST, now: () => new Date(T + 2 * HOUR) });
    const fresh = await syncAll(newer, sandbox.credentials, { ...sandbox.settings(binding), lookbackMinutes: 0 }, again.cursor);
    expect(of(fresh.records, "activity").map((a) => a.properties["visitorId"])).toEqual(["vis_new"]);
  });

  it("re-reads the lookback on an incremental run, emitting the same ids (the store keeps them once)", async () => {
    const full = await syncAll(connector, sandbox.credentials, sandbox.settings(binding));
    const later = new DelivrConnector({ ...FAST, now: () => new Date(T + 10 * 60_000) });
    const again = await syncAll(later, sandbox.credentials, sandbox.settings(binding), full.cursor);
    const before = stored(full.records);
    for (const record of again.records) expect(before.get(`${record.kind}:${record.externalId}`)).toEqual(record);
  });

  it("ends one call after its request budget, with a cursor to resume from", async () => {
    const small = new DelivrConnector({ ...FAST, now: () => new Date(T), requestsPerPage: 2 });
    const page = await small.sync(sandbox.credentials, null, { settings: { ...sandbox.settings(binding), pageSize: 1000 } });
    expect(page.hasMore).toBe(true);
    expect(page.stats.requests).toBeLessThanOrEqual(3); // two steps, plus the taxonomy when intent's turn reads members
    const state = delivrCursor.parse(page.cursor);
    expect(Object.keys(state.streams).length).toBeGreaterThan(0);
  });

  it("needs a pixel, project or organisation for visits (ConfigError), but not for intent alone", async () => {
    const settings = { ...sandbox.settings(binding), pixelId: undefined, projectId: undefined };
    await expect(connector.sync(sandbox.credentials, null, { settings })).rejects.toSatisfy(isConfigError);
    await expect(connector.sync(sandbox.credentials, null, { settings: { ...settings, streams: ["intent"] } })).resolves.toBeDefined();
  });

  it("refuses a cursor it did not write with a SchemaError, never a silent resync", async () => {
    await expect(connector.sync(sandbox.credentials, "not-a-cursor", { settings: sandbox.settings(binding) })).rejects.toSatisfy(
      isSchemaError,
    );
  });

  it("starts from the descriptor the worker and the conformance suite use, with seed-stable credentials", async () => {
    const a = await delivrSandbox.start({ seed: 7, rateLimit: false });
    const b = await delivrSandbox.start({ seed: 7, rateLimit: false });
    try {
      expect(a.credentials).toEqual(b.credentials);
      expect(a.credentials["apiKey"]).toMatch(/^dlvr_/);
      expect(a.expectedRecords).toBeGreaterThan(100);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
