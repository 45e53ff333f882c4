/** The example connector and its sandbox on their own: transforms, the sandbox's API contract, and sync details. */
import { randomBytes } from "node:crypto";
import {
  encryptApiKey,
  isAuthError,
  isConfigError,
  isCryptoError,
  validateCanonicalRecord,
  type CanonicalRecord,
  type CanonicalRecordInput,
} from "@gtm-clarity/core";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ExampleConnector } from "./connector.js";
import { rawAccount, rawActivity, rawPerson } from "./fixtures.js";
import { startExampleSandbox, type ExampleSandbox } from "./sandbox.js";
import { transformAccount, transformActivity, transformPerson } from "./transform.js";

function valid(input: CanonicalRecordInput): CanonicalRecord {
  const result = validateCanonicalRecord(input);
  if (!result.ok) throw new Error(`invalid: ${JSON.stringify(result.reasons)}`);
  return result.record;
}

describe("example transforms", () => {
  it("maps an account, normalising its domain from the website", () => {
    expect(valid(transformAccount(rawAccount))).toEqual({
      kind: "account",
      externalId: "acc_0001",
      name: "Acme",
      domain: "acme.com",
      website: "https://www.Acme.com/",
      industry: "Software",
      size: 250,
      remoteCreatedAt: new Date("2024-01-01T09:00:00.000Z"),
      remoteUpdatedAt: new Date("2024-02-01T09:00:00.000Z"),
      isDeleted: false,
      properties: { source: "example" },
    });
  });

  it("maps a person with a normalised email, full name and account reference", () => {
    expect(valid(transformPerson(rawPerson))).toMatchObject({
      kind: "person",
      externalId: "per_0001",
      email: "ada.lovelace@acme.com",
      firstName: "Ada",
      lastName: "Lovelace",
      fullName: "Ada Lovelace",
      title: "VP Sales",
      accountExternalId: "acc_0001",
      isDeleted: false,
    });
    expect(valid(transformPerson(rawPerson))).not.toHaveProperty("phone");
  });

  it("carries a source-side deletion as isDeleted", () => {
    expect(valid(transformPerson({ ...rawPerson, deleted: true })).isDeleted).toBe(true);
  });

  it("maps an activity with its channel and direction", () => {
    expect(valid(transformActivity(rawActivity))).toMatchObject({
      kind: "activity",
      externalId: "act_0001",
      type: "meeting",
      channel: "video",
      subject: "Discovery call",
      occurredAt: new Date("2023-12-31T15:00:00.000Z"),
      durationSeconds: 1800,
      personExternalId: "per_0001",
      accountExternalId: "acc_0001",
    });
    expect(valid(transformActivity({ ...rawActivity, type: "email_sent" }))).toMatchObject({ channel: "email", direction: "outbound" });
  });

  it("honours a tenant's mapping override", () => {
    const person = transformPerson(rawPerson, [
      { kind: "person", sourceField: "id", targetField: "externalId", transform: "none", required: true },
      { kind: "person", sourceField: "last_name", targetField: "title", transform: "uppercase", required: false },
    ]);
    expect(valid(person)).toMatchObject({ title: "LOVELACE" });
  });

  it("leaves a malformed email for validation to quarantine", () => {
    expect(validateCanonicalRecord(transformPerson({ ...rawPerson, email: "not-an-email" }))).toMatchObject({
      ok: false,
      reasons: [{ path: "email", message: "invalid email" }],
    });
  });
});

describe("example sandbox", () => {
  let sandbox: ExampleSandbox;
  beforeAll(async () => {
    sandbox = await startExampleSandbox({ defaultPageSize: 10 });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  const get = (path: string, apiKey: string = sandbox.apiKey) =>
    fetch(`${sandbox.baseUrl}${path}`, { headers: { authorization: `Bearer ${apiKey}` } });

  it("answers 401 with a WWW-Authenticate header and without echoing the key", async () => {
    const response = await get("/people", "exk_test_wrong_key_123456");
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await response.text()).not.toContain("exk_test_wrong_key_123456");
    expect((await fetch(`${sandbox.baseUrl}/me`)).status).toBe(401);
  });

  it("pages with opaque cursors and answers one 429 with a fractional Retry-After", async () => {
    const first = (await (await get("/people")).json()) as { data: { id: string }[]; next_cursor: string };
    expect(first.data).toHaveLength(10);
    const limited = await get(`/people?cursor=${first.next_cursor}`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("0.05");
    const second = (await (await get(`/people?cursor=${first.next_cursor}`)).json()) as { data: { id: string }[] };
    expect(second.data[0]?.id).toBe("per_0011");
    expect(sandbox.rateLimited).toBe(1);
  });

  it("filters by updated_after, exclusively", async () => {
    const all = (await (await get("/accounts?limit=100")).json()) as { data: { updated_at: string }[] };
    const pivot = all.data[4]?.updated_at ?? "";
    const after = (await (await get(`/accounts?limit=100&updated_after=${pivot}`)).json()) as { data: unknown[] };
    expect(after.data).toHaveLength(all.data.length - 5);
  });

  it("rejects bad parameters with 400 and unknown routes with 404", async () => {
    expect((await get("/people?limit=0")).status).toBe(400);
    expect((await get("/people?limit=101")).status).toBe(400);
    expect((await get("/people?updated_after=yesterday")).status).toBe(400);
    expect((await get("/people?cursor=%%%")).status).toBe(400);
    const first = (await (await get("/activities")).json()) as { next_cursor: string };
    // A cursor issued for one filter may not be used with another.
    expect((await get(`/activities?cursor=${first.next_cursor}&updated_after=2024-01-01T00:00:00Z`)).status).toBe(400);
    expect((await get("/opportunities")).status).toBe(404);
    expect((await fetch(`${sandbox.baseUrl}/people`, { method: "POST", headers: { authorization: `Bearer ${sandbox.apiKey}` } })).status).toBe(405);
  });
});

describe("ExampleConnector", () => {
  let sandbox: ExampleSandbox;
  beforeAll(async () => {
    sandbox = await startExampleSandbox();
  });
  afterAll(async () => {
    await sandbox.close();
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  async function syncAll(connector: ExampleConnector, cursor: string | null = null, credentials = sandbox.credentials) {
    const pages = [];
    let next = cursor;
    for (let i = 0; i < 100; i += 1) {
      const page = await connector.sync(credentials, next);
      pages.push(page);
      next = page.cursor;
      if (!page.hasMore) return { pages, cursor: next, records: pages.flatMap((p) => p.records) };
    }
    throw new Error("did not finish");
  }

  it("retries the sandbox's 429 inside one page and counts the retry in stats.requests", async () => {
    const limited = await startExampleSandbox({ rateLimitOnce: { stream: "people", page: 2 } });
    const calm = await startExampleSandbox({ rateLimitOnce: false });
    try {
      const requestsOf = (run: Awaited<ReturnType<typeof syncAll>>) => run.pages.reduce((sum, page) => sum + (page.stats.requests ?? 0), 0);
      const limitedRun = await syncAll(new ExampleConnector(), null, limited.credentials);
      const calmRun = await syncAll(new ExampleConnector(), null, calm.credentials);
      expect(limited.rateLimited).toBe(1);
      expect(requestsOf(limitedRun)).toBe(limited.requests);
      expect(requestsOf(limitedRun)).toBe(requestsOf(calmRun) + 1);
      expect(limitedRun.records).toEqual(calmRun.records);
    } finally {
      await Promise.all([limited.close(), calm.close()]);
    }
  });

  it("resumes from a mid-run cursor as if it had never stopped", async () => {
    const full = await syncAll(new ExampleConnector());
    const interrupted = new ExampleConnector();
    const firstPages = [await interrupted.sync(sandbox.credentials, null)];
    const second = await interrupted.sync(sandbox.credentials, firstPages[0]?.cursor ?? null);
    // A new process picks up the committed cursor.
    const rest = await syncAll(new ExampleConnector(), second.cursor);
    const resumed = [...(firstPages[0]?.records ?? []), ...second.records, ...rest.records];
    expect(resumed.map((r) => `${r.kind}:${r.externalId}`)).toEqual(full.records.map((r) => `${r.kind}:${r.externalId}`));
  });

  it("picks up only what changed on an incremental sync, and everything again on fullSync", async () => {
    const own = await startExampleSandbox({ rateLimitOnce: false });
    try {
      const connector = new ExampleConnector({ pageSize: 50 });
      const full = await syncAll(connector, null, own.credentials);
      own.updatePerson("per_0003", { job_title: "CEO" });
      own.addActivity({ type: "page_view", subject: "/demo" });
      const incremental = await syncAll(connector, full.cursor, own.credentials);
      expect(incremental.records.map((r) => `${r.kind}:${r.externalId}`)).toEqual(["person:per_0003", "activity:act_0091"]);
      expect(incremental.records[0]).toMatchObject({ title: "CEO" });
      expect(incremental.pages.reduce((sum, page) => sum + (page.stats.updated ?? 0), 0)).toBe(1);

      const again = await connector.sync(own.credentials, incremental.cursor, { fullSync: true });
      expect(again.records.length).toBeGreaterThan(0);
      expect(again.records[0]).toMatchObject({ kind: "account", externalId: "acc_0001" });
    } finally {
      await own.close();
    }
  });

  it("rejects a cursor it cannot read with a ConfigError", async () => {
    await expect(new ExampleConnector().sync(sandbox.credentials, "garbage")).rejects.toSatisfy(isConfigError);
  });

  it("authenticates from an encrypted key bound to its tenant and connection", async () => {
    vi.stubEnv("CONNECTOR_ENCRYPTION_KEY", randomBytes(32).toString("hex"));
    const binding = { tenantId: "tenant-1", connectionId: "conn-1" };
    const config = { ...binding, settings: { encryptedApiKey: encryptApiKey(sandbox.apiKey, binding), baseUrl: sandbox.baseUrl } };
    await expect(new ExampleConnector().authenticate(config)).resolves.toEqual({ credentials: sandbox.credentials });

    await expect(new ExampleConnector().authenticate({ ...config, tenantId: "tenant-2" })).rejects.toSatisfy(isCryptoError);
    const revoked = { ...config, settings: { ...config.settings, encryptedApiKey: encryptApiKey("exk_test_revoked_key", binding) } };
    await expect(new ExampleConnector().authenticate(revoked)).rejects.toSatisfy(isAuthError);
    await expect(new ExampleConnector().authenticate({ ...binding, settings: {} })).rejects.toSatisfy(isConfigError);
  });

  it("reports an unreachable API as unhealthy instead of throwing", async () => {
    const closed = await startExampleSandbox();
    await closed.close();
    const status = await new ExampleConnector({ retry: { maxAttempts: 1 } }).healthCheck(closed.credentials);
    expect(status).toMatchObject({ healthy: false, error: expect.any(String) as unknown });
  });
});
