import {
  connectorRegistry,
  createMemoryLogger,
  invalidMappingTargets,
  isSchemaError,
  mergeFieldMappings,
  validateCanonicalRecord,
} from "@gtm-clarity/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pkg from "../package.json" with { type: "json" };
import { FathomConnector } from "../src/connector.js";
import { CURSOR_VERSION, migrateV1, readCursorForSync, serializeCursor } from "../src/cursor.js";
import { startFathomSandbox, type FathomSandbox } from "../src/sandbox/index.js";
import { activityIds, parseCursor, sandboxConnection, syncPage, syncToEnd } from "./helpers.js";

let sandbox: FathomSandbox;
beforeAll(async () => {
  sandbox = await startFathomSandbox({ meetings: 25, rateLimit: { requests: 600, heavyRequests: 600, windowMs: 60_000 } });
});
afterAll(async () => {
  await sandbox.close();
});

describe("identity and registration", () => {
  it("reports id, name and the version from package.json", () => {
    const connector = new FathomConnector();
    expect(connector.id).toBe("fathom");
    expect(connector.name).toBe("Fathom");
    expect(connector.version).toBe(pkg.version);
    expect(connector.webhooks).toBeDefined();
  });

  it("registers itself when the entry module is imported", async () => {
    await import("../src/index.js");
    expect(connectorRegistry.has("fathom")).toBe(true);
    const registered = connectorRegistry.get("fathom");
    expect(registered).toBeInstanceOf(FathomConnector);
    expect(registered.version).toBe(pkg.version);
  });
});

describe("getSchema", () => {
  it("ships mappings for activities, people and accounts that target real canonical fields", () => {
    const mappings = new FathomConnector().getSchema();
    expect(invalidMappingTargets(mappings)).toEqual([]);
    expect(new Set(mappings.map((mapping) => mapping.kind))).toEqual(new Set(["activity", "person", "account"]));
    // Unique per (kind, targetField), so a tenant override replaces exactly one default.
    expect(mergeFieldMappings(mappings)).toHaveLength(mappings.length);
  });

  it("returns copies: a caller cannot change the defaults", () => {
    const connector = new FathomConnector();
    const first = connector.getSchema();
    const mapping = first[0];
    if (mapping) mapping.targetField = "tampered";
    expect(connector.getSchema()[0]?.targetField).not.toBe("tampered");
  });
});

describe("sync", () => {
  it("emits valid canonical records, and transcripts/summaries as separate documents", async () => {
    const connector = new FathomConnector();
    const { pages } = await syncToEnd(
      connector,
      sandboxConnection(sandbox, { includeTranscript: true, includeSummary: true, includeActionItems: true }),
    );
    const records = pages.flatMap((page) => page.records);
    for (const record of records) expect(validateCanonicalRecord(record).ok).toBe(true);
    const activities = activityIds(pages);
    expect(activities).toHaveLength(25);

    const documents = pages.flatMap((page) => page.documents ?? []);
    expect(documents).toHaveLength(50);
    for (const document of documents) {
      expect(activities).toContain(document.activityExternalId);
      expect(document.externalId).toBe(`${document.activityExternalId}:${document.type}`);
      expect(document.byteSize).toBe(Buffer.byteLength(document.text));
      expect(document.contentHash).toMatch(/^[0-9a-f]{64}$/);
    }
    for (const record of records) {
      if (record.kind === "activity") {
        expect(JSON.stringify(record)).not.toContain(documents.find((d) => d.type === "transcript")?.text ?? "?");
        expect(record.properties["actionItems"]).toBeInstanceOf(Array);
      }
    }
  });

  it("emits each person and account once per page", async () => {
    const page = await syncPage(new FathomConnector(), sandboxConnection(sandbox), null);
    const keys = page.records.map((record) => `${record.kind}:${record.externalId}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(page.syncedAt).toBeInstanceOf(Date);
    expect(page.stats).toEqual({ records: page.records.length, quarantined: 0, errors: 0, requests: 1 });
  });

  it("rejects a cursor it did not write with a SchemaError, before any request", async () => {
    sandbox.resetStats();
    const connector = new FathomConnector();
    for (const cursor of ["not json", "{}", '{"v":1,"phase":"paging"}', '{"v":9,"phase":"idle","watermark":null}']) {
      const error: unknown = await syncPage(connector, sandboxConnection(sandbox), cursor).catch((caught: unknown) => caught);
      expect(isSchemaError(error)).toBe(true);
    }
    expect(sandbox.stats().requests).toBe(0);
  });

  it("logs page summaries through the caller's logger, never the key", async () => {
    const logger = createMemoryLogger();
    await syncToEnd(new FathomConnector(), sandboxConnection(sandbox), null, { logger });
    expect(logger.entries.length).toBeGreaterThan(0);
    expect(JSON.stringify(logger.entries)).not.toContain(sandbox.apiKey);
  });

  it("stops when the caller aborts", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(syncPage(new FathomConnector(), sandboxConnection(sandbox), null, { signal: controller.signal })).rejects.toThrow();
  });
});

describe("cursor", () => {
  it("starts empty and round-trips the watermark cursor's state", () => {
    const { state } = readCursorForSync(null, false);
    expect(state).toEqual({ v: CURSOR_VERSION, streams: {}, pass: { done: [], last: null } });
    expect(parseCursor(null)).toEqual({ v: 1, phase: "idle", watermark: null });
    const paging = migrateV1({
      v: 1,
      phase: "paging",
      watermark: "2025-01-01T00:00:00Z",
      createdAfter: "2024-12-31T23:00:00.000Z",
      pageCursor: "abc",
      highWater: "2025-01-02T00:00:00Z",
    });
    expect(readCursorForSync(serializeCursor(paging), false).state).toEqual(paging);
  });

  it("reads version 1 cursors stored before the watermark cursor: the watermark and a run in progress carry over", () => {
    const idle = '{"v":1,"phase":"idle","watermark":"2025-01-01T00:00:00Z"}';
    expect(readCursorForSync(idle, false).state.streams.meetings).toEqual({
      watermark: { at: "2025-01-01T00:00:00.000Z", id: null },
      run: null,
    });
    const paging = JSON.stringify({
      v: 1,
      phase: "paging",
      watermark: "2025-01-01T00:00:00Z",
      createdAfter: "2024-12-31T23:00:00.000Z",
      pageCursor: "abc",
      highWater: "2025-01-02T00:00:00Z",
    });
    expect(readCursorForSync(paging, false).state.streams.meetings).toEqual({
      watermark: { at: "2025-01-01T00:00:00.000Z", id: null },
      run: expect.objectContaining({
        full: false,
        since: "2024-12-31T23:00:00.000Z",
        position: "abc",
        highWater: { at: "2025-01-02T00:00:00.000Z", id: null },
      }),
    });
    // Seen as version 1 saw it (the tests' parseCursor), the migrated cursor is the same paging position.
    expect(parseCursor(paging)).toMatchObject({ phase: "paging", pageCursor: "abc", createdAfter: "2024-12-31T23:00:00.000Z" });
  });

  it("rejects a malformed cursor of either version with a SchemaError", () => {
    for (const raw of ['{"v":1,"phase":"idle","watermark":"last week"}', '{"v":2,"streams":{"meetings":{}},"pass":{}}']) {
      expect(() => readCursorForSync(raw, false), raw).toThrow(expect.objectContaining({ name: "SchemaError" }));
    }
  });
});

describe("healthCheck", () => {
  it("is healthy with good credentials", async () => {
    const { credentials, settings } = sandboxConnection(sandbox);
    const status = await new FathomConnector().healthCheck(credentials, { settings });
    expect(status).toMatchObject({ healthy: true, lastSync: null });
    expect(status.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it("is unhealthy, without throwing or echoing the key, for a wrong key", async () => {
    const { settings } = sandboxConnection(sandbox);
    const status = await new FathomConnector().healthCheck({ apiKey: "wrong-key-789" }, { settings });
    expect(status.healthy).toBe(false);
    expect(status.error).toMatch(/AuthError/);
    expect(status.error).not.toContain("wrong-key-789");
  });

  it("never throws, not even for garbage credentials or an unreachable server", async () => {
    const connector = new FathomConnector({ retry: { maxAttempts: 1 } });
    const garbage = await connector.healthCheck({});
    expect(garbage).toMatchObject({ healthy: false, error: expect.stringMatching(/ConfigError/) });
    const closed = await startFathomSandbox();
    const url = closed.url;
    await closed.close();
    const unreachable = await connector.healthCheck({ apiKey: "some-key-000" }, { settings: { baseUrl: url } });
    expect(unreachable).toMatchObject({ healthy: false, error: expect.stringMatching(/TransientError/) });
  });
});
