import {
  describeSettings,
  invalidMappingTargets,
  isAuthError,
  isConfigError,
  isSchemaError,
  type CanonicalRecord,
  type Credentials,
  type QuarantinedRecord,
} from "@gtm-clarity/core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import pkg from "../package.json" with { type: "json" };
import { CUSTOMERIO_BASE_URL } from "../src/client.js";
import { CustomerioConnector } from "../src/connector.js";
import {
  createSandboxAuth,
  SANDBOX_KINDS,
  sandboxData,
  sandboxRecords,
  startCustomerioSandbox,
  customerioSandbox,
  type CustomerioSandbox,
} from "../src/sandbox/index.js";
import { CustomerioSettingsSchema, type CustomerioSettings } from "../src/settings.js";
import { STREAM_KINDS } from "../src/streams.js";

const binding = { tenantId: "tenant-a", connectionId: "connection-1" };

/** A sandbox record's `id`, which every kind has. */
function idOf(record: unknown): string {
  return recordOf(record).id;
}

function recordOf(record: unknown): { id: string; updated_at: string } {
  const { id, updated_at } = z.object({ id: z.string(), updated_at: z.string() }).parse(record);
  return { ...z.record(z.string(), z.unknown()).parse(record), id, updated_at };
}

interface Run {
  records: CanonicalRecord[];
  quarantined: QuarantinedRecord[];
  pages: number;
  cursor: string | null;
}

/** What the worker does: call `sync` until `hasMore` is false, carrying the cursor. */
async function syncAll(
  connector: CustomerioConnector,
  credentials: Credentials,
  settings: CustomerioSettings,
  cursor: string | null = null,
  fullSync = false,
): Promise<Run> {
  const run: Run = { records: [], quarantined: [], pages: 0, cursor };
  for (;;) {
    const page = await connector.sync(credentials, run.cursor, { fullSync, settings });
    run.pages += 1;
    run.records.push(...page.records);
    run.quarantined.push(...(page.quarantined ?? []));
    run.cursor = page.cursor;
    if (!page.hasMore) return run;
    if (run.pages >= 100) throw new Error("sync did not finish within 100 pages");
  }
}

describe("CustomerioConnector", () => {
  let sandbox: CustomerioSandbox;
  let settings: CustomerioSettings;
  const connector = new CustomerioConnector();

  beforeAll(async () => {
    sandbox = await startCustomerioSandbox();
    settings = sandbox.settings(binding);
  });

  afterAll(async () => {
    await sandbox.close();
  });

  it("has its id, its name and the version from package.json", () => {
    expect(connector.id).toBe("customerio");
    expect(connector.name).toBe("Customer.io");
    expect(connector.version).toBe(pkg.version);
  });

  it("ships default mappings for every kind it syncs, all targeting real canonical fields", () => {
    const mappings = connector.getSchema();
    expect(invalidMappingTargets(mappings)).toEqual([]);
    for (const kind of STREAM_KINDS) {
      expect(mappings.some((mapping) => mapping.kind === kind && mapping.targetField === "externalId")).toBe(true);
    }
    mappings[0]!.sourceField = "changed by a caller";
    expect(connector.getSchema()[0]?.sourceField).not.toBe("changed by a caller");
  });

  it("syncs every stream to completion, quarantines malformed records and waits out a 429", async () => {
    const run = await syncAll(connector, sandbox.credentials, settings);
    for (const kind of STREAM_KINDS) {
      // One record per kind is malformed on purpose: it is quarantined, never emitted and never dropped.
      expect(run.records.filter((record) => record.kind === kind)).toHaveLength(sandboxRecords(kind).length - 1);
    }
    const quarantinedIds = run.quarantined.map((item) => item.externalId).sort();
    expect(quarantinedIds).toEqual(STREAM_KINDS.map((kind) => idOf(SANDBOX_KINDS[kind].malformed())).sort());
    expect(run.pages).toBeGreaterThan(1);
    expect(sandbox.stats().rateLimited).toBe(1);
  });

  it("finishes an incremental sync with nothing new in one call, then picks up a change", async () => {
    const full = await syncAll(connector, sandbox.credentials, settings);
    const again = await connector.sync(sandbox.credentials, full.cursor, { settings });
    expect(again.hasMore).toBe(false);
    // At most the records at each stream's watermark come back, unchanged: the store's upsert absorbs them.
    expect(again.records.length).toBeLessThanOrEqual(STREAM_KINDS.length);

    const [kind] = STREAM_KINDS;
    const changed = { ...recordOf(SANDBOX_KINDS[kind].make(0)), updated_at: "2030-01-01T00:00:00.000Z" };
    sandbox.put(kind, changed);
    const next = await syncAll(connector, sandbox.credentials, settings, again.cursor);
    expect(next.records.find((record) => record.externalId === changed.id)?.remoteUpdatedAt).toEqual(
      new Date(changed.updated_at),
    );
  });

  it("re-reads everything with fullSync, even from an up-to-date cursor", async () => {
    const { cursor } = await syncAll(connector, sandbox.credentials, settings);
    const full = await syncAll(connector, sandbox.credentials, settings, cursor, true);
    expect(full.records.length + full.quarantined.length).toBe(sandbox.recordCount());
  });

  it("rejects a cursor it did not write", async () => {
    await expect(connector.sync(sandbox.credentials, "not a cursor", { settings })).rejects.toSatisfy(isSchemaError);
  });

  it("rejects bad credentials with an AuthError, and reports them unhealthy without echoing them", async () => {
    await expect(connector.sync(sandbox.badCredentials, null, { settings })).rejects.toSatisfy(isAuthError);
    const health = await connector.healthCheck(sandbox.badCredentials, { settings });
    expect(health.healthy).toBe(false);
    for (const value of Object.values(sandbox.badCredentials)) expect(health.error).not.toContain(value);
    await expect(connector.healthCheck(sandbox.credentials, { settings })).resolves.toMatchObject({ healthy: true });
  });

  it("refuses settings that do not parse with a ConfigError naming the field, never its value", async () => {
    const bad = { baseUrl: "ftp://sk_misplaced_0123456789" } as unknown as CustomerioSettings;
    const error: unknown = await connector.sync(sandbox.credentials, null, { settings: bad }).catch((e: unknown) => e);
    expect(error).toSatisfy(isConfigError);
    expect(String(error)).toContain("baseUrl");
    expect(String(error)).not.toContain("sk_misplaced_0123456789");
    await expect(
      connector.authenticate({ ...binding, settings: bad, secrets: sandbox.credentials }),
    ).rejects.toSatisfy(isConfigError);
  });
});

describe("Customer.io settings and secrets", () => {
  const connector = new CustomerioConnector();

  it("parses {} to the defaults, and drops keys that are not settings (a secret included)", () => {
    expect(CustomerioSettingsSchema.parse({})).toEqual({ baseUrl: CUSTOMERIO_BASE_URL });
    expect(CustomerioSettingsSchema.parse({ baseUrl: "http://127.0.0.1:1234", apiKey: "sk_0123456789" })).toEqual({
      baseUrl: "http://127.0.0.1:1234",
    });
    expect(connector.settingsSchema).toBe(CustomerioSettingsSchema);
  });

  it("describes every setting, for the connect form and the CLI's flags", () => {
    const fields = describeSettings(CustomerioSettingsSchema);
    expect(fields.map((field) => field.name)).toEqual(Object.keys(CustomerioSettingsSchema.shape));
    for (const field of fields) expect(field.description).toBeTruthy();
  });

  it("goes to the production API when sync and healthCheck get no settings", async () => {
    const urls: string[] = [];
    const fetchMock = vi.fn<typeof fetch>(async (input) => {
      urls.push(input instanceof Request ? input.url : String(input));
      return new Response("{}", { status: 401, headers: { "content-type": "application/json" } });
    });
    const offline = new CustomerioConnector({ fetch: fetchMock, retry: { maxAttempts: 1 } });
    const credentials = createSandboxAuth().credentials();
    await expect(offline.sync(credentials, null)).rejects.toSatisfy(isAuthError);
    await expect(offline.healthCheck(credentials)).resolves.toMatchObject({ healthy: false });
    expect(urls.length).toBeGreaterThanOrEqual(2);
    for (const url of urls) expect(url.startsWith(CUSTOMERIO_BASE_URL)).toBe(true);
  });
});

describe("the sandbox descriptor", () => {
  it("seeds its data: the same seed gives the same records, another seed others", () => {
    expect(sandboxData({}, 7)).toEqual(sandboxData({}, 7));
    expect(sandboxData({}, 7)).not.toEqual(sandboxData({}, 8));
  });

  it("starts a sandbox with settings pointing at it, secrets-only credentials, and data that grows on addNewData", async () => {
    const sandbox = await customerioSandbox.start({ size: 3, rateLimit: false });
    try {
      // Settings hold no secret: only where the API is.
      expect(sandbox.settings(binding)).toEqual({ baseUrl: sandbox.url });
      expect(Object.keys(sandbox.credentials)).not.toContain("baseUrl");
      const settings = sandbox.settings(binding);
      await expect(new CustomerioConnector().healthCheck(sandbox.credentials, { settings })).resolves.toMatchObject({
        healthy: true,
      });
      const before = sandbox.expectedRecords;
      expect(before).toBe(STREAM_KINDS.length * 4);
      await expect(sandbox.addNewData(2)).resolves.toBe(2);
      expect(sandbox.expectedRecords).toBe(before + 2);
    } finally {
      await sandbox.close();
    }
  });
});
