import { isNotFoundError, isValidationError } from "@gtm-clarity/core";
import { describe, expect, it } from "vitest";
import { activity, engines, reportSkip, setupConnection, uniqueTenant, useStore } from "./helpers.js";

describe.each(engines)("tenants and connections on $name", (engine) => {
  if (reportSkip(engine)) return;
  const h = useStore(engine);

  it("creates tenants idempotently and records DPA acceptance", async () => {
    const { store } = h;
    const tenantId = uniqueTenant();
    const created = await store.createTenant({ tenantId, name: "Acme" });
    expect(created).toMatchObject({ id: tenantId, name: "Acme", dpaAcceptedAt: null });
    const again = await store.createTenant({ tenantId, name: "Other name" });
    expect(again).toEqual(created);
    const acceptedAt = new Date("2025-05-01T12:00:00.000Z");
    const accepted = await store.acceptDpa({ tenantId, acceptedAt, version: "2025-01" });
    expect(accepted).toMatchObject({ dpaAcceptedAt: acceptedAt, dpaVersion: "2025-01" });
    expect(await store.getTenant({ tenantId })).toEqual(accepted);
    await expect(store.acceptDpa({ tenantId: uniqueTenant() })).rejects.toSatisfy(isNotFoundError);
    await expect(store.getTenant({ tenantId: uniqueTenant() })).rejects.toSatisfy(isNotFoundError);
  });

  it("creates, lists, updates and deletes connections", async () => {
    const { store } = h;
    const tenantId = uniqueTenant();
    await store.createTenant({ tenantId });
    const salesforce = await store.createConnection({
      tenantId,
      connectorId: "salesforce",
      connectorVersion: "2.0.0",
      settings: { instanceUrl: "https://acme.my.salesforce.com" },
      credentials: { accessToken: "at", refreshToken: "rt" },
    });
    expect(salesforce).toMatchObject({
      tenantId,
      connectorId: "salesforce",
      connectorVersion: "2.0.0",
      settings: { instanceUrl: "https://acme.my.salesforce.com" },
      status: "active",
      lastError: null,
    });
    expect(salesforce.credentialsKeyId).toMatch(/^[0-9a-f]{12}$/);
    expect(Object.keys(salesforce)).not.toContain("credentials");
    const fathom = await store.createConnection({ tenantId, connectorId: "fathom", connectorVersion: "1.0.0", credentials: {} });

    expect((await store.listConnections({ tenantId })).map((c) => c.id)).toEqual([salesforce.id, fathom.id]);
    expect((await store.listConnections({ tenantId, connectorId: "fathom" })).map((c) => c.id)).toEqual([fathom.id]);

    const reauth = await store.setConnectionStatus({
      tenantId,
      connectionId: salesforce.id,
      status: "needs_reauth",
      lastError: "refresh token revoked",
    });
    expect(reauth).toMatchObject({ status: "needs_reauth", lastError: "refresh token revoked" });
    expect((await store.listConnections({ tenantId, status: "needs_reauth" })).map((c) => c.id)).toEqual([salesforce.id]);
    const disabled = await store.setConnectionStatus({ tenantId, connectionId: salesforce.id, status: "disabled" });
    expect(disabled).toMatchObject({ status: "disabled", lastError: "refresh token revoked" });

    const reconnected = await store.updateCredentials({
      tenantId,
      connectionId: salesforce.id,
      credentials: { accessToken: "at2", refreshToken: "rt2" },
    });
    expect(reconnected).toMatchObject({ status: "active", lastError: null });
    expect(await store.getConnectionCredentials({ tenantId, connectionId: salesforce.id })).toEqual({
      accessToken: "at2",
      refreshToken: "rt2",
    });

    const pinned = await store.updateConnection({ tenantId, connectionId: salesforce.id, connectorVersion: "2.1.0" });
    expect(pinned).toMatchObject({ connectorVersion: "2.1.0", settings: { instanceUrl: "https://acme.my.salesforce.com" } });
    const resettled = await store.updateConnection({ tenantId, connectionId: salesforce.id, settings: { sandbox: true } });
    expect(resettled).toMatchObject({ connectorVersion: "2.1.0", settings: { sandbox: true } });
    expect((await store.startRun({ tenantId, connectionId: salesforce.id })).connectorVersion).toBe("2.1.0");

    await store.deleteConnection({ tenantId, connectionId: fathom.id });
    await expect(store.getConnection({ tenantId, connectionId: fathom.id })).rejects.toSatisfy(isNotFoundError);
    await expect(store.deleteConnection({ tenantId, connectionId: fathom.id })).rejects.toSatisfy(isNotFoundError);
  });

  it("deletes a connection's records, documents, quarantine, cursors, runs and webhook events with it", async () => {
    const { store } = h;
    const { tenantId, connectionId } = await setupConnection(store);
    const run = await store.startRun({ tenantId, connectionId });
    await store.commitPage({
      tenantId,
      connectionId,
      runId: run.id,
      records: [activity("a1"), { kind: "bad" }],
      cursor: "c",
      webhookEventId: "evt",
    });
    await store.deleteConnection({ tenantId, connectionId });
    for (const table of ["records", "quarantine", "sync_state", "sync_runs", "webhook_events", "documents"]) {
      const { rows } = await h.driver.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${table} WHERE connection_id = $1`,
        [connectionId],
      );
      expect({ table, n: rows[0]?.n }).toEqual({ table, n: 0 });
    }
  });

  it("stores credentials only as ciphertext: no secret appears anywhere in the raw table", async () => {
    const { store } = h;
    const secret = "fake-api-key-stored-encrypted-7dc";
    const refresh = "rt-9f8e7d6c5b4a";
    const { tenantId, connectionId } = await setupConnection(store, undefined, { apiKey: secret, refreshToken: refresh });
    await store.updateCredentials({ tenantId, connectionId, credentials: { apiKey: secret, refreshToken: refresh } });
    const { rows } = await h.driver.query<{ row: string }>("SELECT row_to_json(c)::text AS row FROM connections c");
    const dump = rows.map((row) => row.row).join("\n");
    expect(dump).toContain(connectionId);
    expect(dump).not.toContain(secret);
    expect(dump).not.toContain(refresh);
    expect(dump).not.toContain(Buffer.from(secret).toString("base64"));
    const stored = await h.driver.query<{ credentials_ciphertext: string; credentials_key_id: string }>(
      "SELECT credentials_ciphertext, credentials_key_id FROM connections WHERE id = $1",
      [connectionId],
    );
    expect(stored.rows[0]?.credentials_ciphertext).toMatch(/^gcv1\.[0-9a-f]{12}\./);
    expect(stored.rows[0]?.credentials_ciphertext.split(".")[1]).toBe(stored.rows[0]?.credentials_key_id);
    expect(await store.getConnectionCredentials({ tenantId, connectionId })).toEqual({ apiKey: secret, refreshToken: refresh });
  });

  it("answers bad input with typed errors", async () => {
    const { store } = h;
    const { tenantId, connectionId } = await setupConnection(store);
    const invalid: (() => Promise<unknown>)[] = [
      () => store.createTenant({ tenantId: "" }),
      () => store.createTenant({ tenantId: "bad\nid" }),
      () => store.createConnection({ tenantId, connectorId: "", connectorVersion: "1", credentials: {} }),
      () => store.createConnection({ tenantId, connectorId: "x", connectorVersion: "1", credentials: { n: 1 } as never }),
      () => store.getConnection({ tenantId, connectionId: "42" }),
      () => store.setConnectionStatus({ tenantId, connectionId, status: "paused" as never }),
      () => store.listRuns({ tenantId, connectionId, limit: 0 }),
      () => store.withTenant("", async () => 1),
    ];
    for (const call of invalid) await expect(call()).rejects.toSatisfy(isValidationError);
    await expect(
      store.createConnection({ tenantId, connectionId, connectorId: "x", connectorVersion: "1", credentials: {} }),
    ).rejects.toSatisfy(isValidationError);
  });
});
