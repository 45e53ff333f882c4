/** The drain against the loopback CRM, in one process on an in-memory store: batching, outcomes, errors. */
import { isAuthError, isConfigError } from "@gtm-clarity/core";
import type { Store } from "@gtm-clarity/store";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { storePort } from "../../src/activities/store-port.js";
import { createWritebackDrainer } from "../../src/writeback/activities.js";
import type { WritebackPolicy } from "../../src/writeback/policy.js";
import { fastFathom, lookup, memoryStore } from "../support/fixtures.js";
import { CRM_TOKEN, LoopbackCrmConnector, startLoopbackCrm, type LoopbackCrm } from "./loopback-crm.js";

let store: Store;
const open: LoopbackCrm[] = [];
beforeAll(async () => {
  store = await memoryStore();
});
afterAll(() => store.close());
afterEach(async () => {
  await Promise.all(open.splice(0).map((crm) => crm.close()));
});

async function setup(options: Parameters<typeof startLoopbackCrm>[0] = {}, policy: Partial<WritebackPolicy> = {}) {
  const crm = await startLoopbackCrm(options);
  open.push(crm);
  const tenantId = `wb-${Math.random().toString(36).slice(2)}`;
  await store.createTenant({ tenantId });
  const connector = new LoopbackCrmConnector();
  const connection = await store.createConnection({
    tenantId,
    connectorId: connector.id,
    connectorVersion: connector.version,
    settings: { baseUrl: crm.url },
    credentials: { token: CRM_TOKEN },
  });
  const target = { tenantId, connectionId: connection.id };
  const drainer = createWritebackDrainer({
    store: storePort(store),
    outbox: store.outbox,
    connectors: lookup(connector, fastFathom()),
    policy: { initialBackoffMs: 1, maxBackoffMs: 5, ...policy },
  });
  const enqueue = async (...ids: string[]) => {
    for (const externalId of ids) await store.outbox.enqueue({ ...target, record: { kind: "account", externalId, name: `Account ${externalId}` } });
  };
  return { crm, connector, target, drainer, enqueue };
}

describe("writeback drain", () => {
  it("pushes in batches of at most 200 (the connector's cap), oldest first, and confirms each change", async () => {
    const { crm, connector, target, drainer, enqueue } = await setup();
    await enqueue(...Array.from({ length: 450 }, (_, i) => `a${i}`));
    const totals = await drainer.drain(target);
    expect(totals).toEqual({ batches: 3, claimed: 450, confirmed: 450, retried: 0, failed: 0, stale: 0 });
    expect(connector.pushes).toEqual([200, 200, 50]);
    expect(crm.applied.map((w) => w.externalId)).toEqual(Array.from({ length: 450 }, (_, i) => `a${i}`));
    expect(await store.outbox.counts(target)).toEqual({ queued: 0, sent: 0, confirmed: 450, failed: 0 });
    // Nothing due: a second drain pushes nothing.
    expect((await drainer.drain(target)).batches).toBe(0);
    expect(crm.requests).toBe(3);
  });

  it("fails refused changes with the source's reason, retries retryable ones with backoff until they succeed", async () => {
    const { target, drainer, enqueue } = await setup({ lockedOnce: ["a2"] }, { initialBackoffMs: 60_000, maxBackoffMs: 60_000 });
    await enqueue("a1", "bad-1", "a2");
    const first = await drainer.drain(target);
    expect(first).toMatchObject({ confirmed: 1, failed: 1, retried: 1 });
    const [queued] = await store.outbox.list({ ...target, status: "queued" });
    expect(queued).toMatchObject({ externalId: "a2", attempts: 1, error: "UNABLE_TO_LOCK_ROW" });
    expect(queued?.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 30_000);
    // Skip the wait: the backoff has passed.
    await store.withTenant(target.tenantId, (tx) => tx.query("UPDATE writeback_outbox SET next_attempt_at = now() WHERE status = 'queued'"));
    await drainer.drain(target);
    expect(await store.outbox.counts(target)).toEqual({ queued: 0, sent: 0, confirmed: 2, failed: 1 });
    const [failed] = await store.outbox.list({ ...target, status: "failed" });
    expect(failed?.error).toBe("FIELD_CUSTOM_VALIDATION_EXCEPTION: Title is not allowed");
  });

  it("gives a change up after maxAttempts of a failing source, with the last reason", async () => {
    const { crm, target, drainer, enqueue } = await setup({}, { maxAttempts: 2 });
    await enqueue("a1");
    crm.failNext(503, 2);
    await drainer.drain(target);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await drainer.drain(target);
    const [row] = await store.outbox.list(target);
    expect(row).toMatchObject({ status: "failed", attempts: 2, error: "gave up after 2 attempts: TransientError: loopback CRM answered 503" });
  });

  it("a refused credential stops the drain with an AuthError and leaves the changes queued, their attempts uncounted", async () => {
    const { crm, target, drainer, enqueue } = await setup();
    await enqueue("a1", "a2");
    crm.failNext(401);
    await expect(drainer.drain(target)).rejects.toSatisfy(isAuthError);
    const rows = await store.outbox.list(target);
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([
      ["queued", 0],
      ["queued", 0],
    ]);
    expect(rows[0]?.error).toMatch(/^AuthError: /);
    expect(crm.applied).toEqual([]);
  });

  it("a rate limit releases the batch for the wait the source asked for", async () => {
    const { crm, target, drainer, enqueue } = await setup();
    await enqueue("a1");
    crm.failNext(429);
    expect(await drainer.drain(target)).toMatchObject({ claimed: 1, retried: 1 });
    const [row] = await store.outbox.list(target);
    expect(row).toMatchObject({ status: "queued", attempts: 0 });
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await drainer.drain(target)).toMatchObject({ confirmed: 1 });
  });

  it("claims nothing for a connection that cannot write back: blocked, or a connector without writeback", async () => {
    const { target, drainer, enqueue } = await setup();
    await enqueue("a1");
    await store.setConnectionStatus({ ...target, status: "needs_reauth", lastError: "token revoked" });
    await expect(drainer.drain(target)).rejects.toSatisfy(isAuthError);
    const fathom = fastFathom();
    const other = await store.createConnection({
      tenantId: target.tenantId,
      connectorId: fathom.id,
      connectorVersion: fathom.version,
      settings: {},
      credentials: { apiKey: "test-key-not-real" },
    });
    await store.outbox.enqueue({ tenantId: target.tenantId, connectionId: other.id, record: { kind: "account", externalId: "x" } });
    await expect(drainer.drain({ tenantId: target.tenantId, connectionId: other.id })).rejects.toSatisfy(isConfigError);
    expect(drainer.supports(fathom.id)).toBe(false);
    const rows = await store.outbox.list({ tenantId: target.tenantId });
    expect(rows.every((r) => r.status === "queued" && r.attempts === 0)).toBe(true);
  });
});
