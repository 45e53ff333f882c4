import { isCryptoError, isNotFoundError } from "@gtm-clarity/core";
import { describe, expect, it } from "vitest";
import { sqlState } from "../src/index.js";
import { activity, engines, reportSkip, setupConnection, useStore } from "./helpers.js";

describe.each(engines)("tenant isolation on $name", (engine) => {
  if (reportSkip(engine)) return;
  const h = useStore(engine);

  async function twoTenants() {
    const a = await setupConnection(h.store, undefined, { apiKey: "key-of-a" });
    const b = await setupConnection(h.store, undefined, { apiKey: "key-of-b" });
    await h.store.commitPage({ tenantId: a.tenantId, connectionId: a.connectionId, records: [activity("a1")], cursor: "ca" });
    await h.store.commitPage({
      tenantId: b.tenantId,
      connectionId: b.connectionId,
      records: [activity("b1"), activity("b2")],
      cursor: "cb",
      documents: [],
      quarantined: [{ raw: { secret: "b" }, reasons: [{ path: "", message: "x" }] }],
    });
    await h.store.startRun({ tenantId: b.tenantId, connectionId: b.connectionId });
    await h.store.recordWebhookEvent({ tenantId: b.tenantId, connectionId: b.connectionId, eventId: "evt-b" });
    return { a, b };
  }

  /** Expects a statement to be refused by row-level security (SQLSTATE 42501). */
  async function expectRefused(promise: Promise<unknown>) {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(sqlState(error), String(error)).toBe("42501");
  }

  it("runs tenant transactions as gtm_app, a role that cannot bypass row-level security and owns nothing", async () => {
    const { a } = await twoTenants();
    const role = await h.store.withTenant(a.tenantId, async (tx) => {
      const { rows } = await tx.query<{ current_user: string; rolbypassrls: boolean; rolsuper: boolean; owns: number }>(
        `SELECT current_user, r.rolbypassrls, r.rolsuper,
                (SELECT count(*)::int FROM pg_tables WHERE tableowner = current_user) AS owns
         FROM pg_roles r WHERE r.rolname = current_user`,
      );
      return rows[0];
    });
    expect(role).toEqual({ current_user: "gtm_app", rolbypassrls: false, rolsuper: false, owns: 0 });
    const { rows } = await h.driver.query<{ relname: string; relrowsecurity: boolean }>(
      `SELECT relname, relrowsecurity FROM pg_class
       WHERE relname IN ('tenants','connections','sync_state','sync_runs','records','quarantine','documents','webhook_events',
                         'sync_run_cursors')`,
    );
    expect(rows).toHaveLength(9);
    expect(rows.every((row) => row.relrowsecurity)).toBe(true);
  });

  it("lets tenant A read none of tenant B's rows, even with raw SQL", async () => {
    const { a, b } = await twoTenants();
    const seen = await h.store.withTenant(a.tenantId, async (tx) => {
      const count = async (sql: string, params: unknown[] = []) =>
        (await tx.query<{ n: number }>(sql, params)).rows[0]?.n;
      return {
        tenants: await count("SELECT count(*)::int AS n FROM tenants"),
        connections: await count("SELECT count(*)::int AS n FROM connections"),
        bConnection: await count("SELECT count(*)::int AS n FROM connections WHERE id = $1", [b.connectionId]),
        records: await count("SELECT count(*)::int AS n FROM records"),
        bRecords: await count("SELECT count(*)::int AS n FROM records WHERE tenant_id = $1", [b.tenantId]),
        syncState: await count("SELECT count(*)::int AS n FROM sync_state"),
        syncRuns: await count("SELECT count(*)::int AS n FROM sync_runs"),
        quarantine: await count("SELECT count(*)::int AS n FROM quarantine"),
        webhookEvents: await count("SELECT count(*)::int AS n FROM webhook_events"),
      };
    });
    expect(seen).toEqual({
      tenants: 1,
      connections: 1,
      bConnection: 0,
      records: 1,
      bRecords: 0,
      syncState: 1,
      syncRuns: 0,
      quarantine: 0,
      webhookEvents: 0,
    });
  });

  it("lets tenant A change none of tenant B's rows, even with raw SQL", async () => {
    const { a, b } = await twoTenants();
    await h.store.withTenant(a.tenantId, async (tx) => {
      const updated = await tx.query("UPDATE records SET data = '{}'::jsonb WHERE tenant_id = $1", [b.tenantId]);
      expect(updated.rowCount).toBe(0);
      const deleted = await tx.query("DELETE FROM records WHERE tenant_id = $1", [b.tenantId]);
      expect(deleted.rowCount).toBe(0);
      const cursor = await tx.query("UPDATE sync_state SET cursor = 'hijacked' WHERE connection_id = $1", [b.connectionId]);
      expect(cursor.rowCount).toBe(0);
      const connection = await tx.query("UPDATE connections SET status = 'disabled' WHERE id = $1", [b.connectionId]);
      expect(connection.rowCount).toBe(0);
      const tenant = await tx.query("DELETE FROM tenants WHERE id = $1", [b.tenantId]);
      expect(tenant.rowCount).toBe(0);
    });
    // Writing a row that belongs to B, or moving A's row to B, is refused outright.
    await expectRefused(
      h.store.withTenant(a.tenantId, (tx) =>
        tx.query(
          `INSERT INTO records (tenant_id, connection_id, kind, external_id, content_hash, data)
           VALUES ($1, $2, 'activity', 'planted', 'x', '{}')`,
          [b.tenantId, b.connectionId],
        ),
      ),
    );
    await expectRefused(
      h.store.withTenant(a.tenantId, (tx) => tx.query("UPDATE records SET tenant_id = $1", [b.tenantId])),
    );
    await expectRefused(
      h.store.withTenant(a.tenantId, (tx) =>
        tx.query("INSERT INTO webhook_events (tenant_id, connection_id, event_id) VALUES ($1, $2, 'e')", [
          b.tenantId,
          b.connectionId,
        ]),
      ),
    );

    const bRecords = await h.store.listRecords({ tenantId: b.tenantId });
    expect(bRecords.map((r) => [r.externalId, r.data["subject"]])).toEqual([
      ["b1", "Meeting b1"],
      ["b2", "Meeting b2"],
    ]);
    expect(await h.store.getCursor({ tenantId: b.tenantId, connectionId: b.connectionId })).toBe("cb");
    expect((await h.store.getConnection({ tenantId: b.tenantId, connectionId: b.connectionId })).status).toBe("active");
  });

  it("refuses every API call that names another tenant's connection", async () => {
    const { a, b } = await twoTenants();
    const ref = { tenantId: a.tenantId, connectionId: b.connectionId };
    const calls: (() => Promise<unknown>)[] = [
      () => h.store.getConnection(ref),
      () => h.store.getConnectionCredentials(ref),
      () => h.store.updateCredentials({ ...ref, credentials: { apiKey: "mine now" } }),
      () => h.store.setConnectionStatus({ ...ref, status: "disabled" }),
      () => h.store.deleteConnection(ref),
      () => h.store.getCursor(ref),
      () => h.store.setCursor({ ...ref, cursor: "x" }),
      () => h.store.startRun(ref),
      () => h.store.recordWebhookEvent({ ...ref, eventId: "evt" }),
      () => h.store.commitPage({ ...ref, records: [activity("x")], cursor: "x" }),
    ];
    for (const call of calls) await expect(call()).rejects.toSatisfy(isNotFoundError);
    expect(await h.store.getRecord({ ...ref, kind: "activity", externalId: "b1" })).toBeNull();
    expect(await h.store.listQuarantine(ref)).toEqual([]);
    expect(await h.store.getConnectionCredentials({ tenantId: b.tenantId, connectionId: b.connectionId })).toEqual({
      apiKey: "key-of-b",
    });
  });

  it("sees nothing when no tenant is set (fails closed)", async () => {
    await twoTenants();
    const count = await h.driver.transaction(async (tx) => {
      await tx.query("SET LOCAL ROLE gtm_app");
      return (await tx.query<{ n: number }>("SELECT count(*)::int AS n FROM records")).rows[0]?.n;
    });
    expect(count).toBe(0);
  });

  it("binds credentials to their tenant and connection: ciphertext copied into another row does not decrypt", async () => {
    const { a, b } = await twoTenants();
    // Owner path, as an attacker with table access would: copy B's ciphertext into A's row.
    await h.driver.query(
      "UPDATE connections SET credentials_ciphertext = (SELECT credentials_ciphertext FROM connections WHERE id = $2) WHERE id = $1",
      [a.connectionId, b.connectionId],
    );
    await expect(h.store.getConnectionCredentials({ tenantId: a.tenantId, connectionId: a.connectionId })).rejects.toSatisfy(
      isCryptoError,
    );
  });
});
