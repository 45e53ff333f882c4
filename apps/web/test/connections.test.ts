/**
 * Connecting with a key, sync now, disconnect, the DPA, and tenant isolation: each handler called as the browser
 * calls it, against the real sandboxes and an in-memory PGlite.
 */
import { describe, expect, it } from "vitest";
import { handleConnectWithKey } from "../src/handlers/connect-key.js";
import { handleAcceptDpa, handleDisconnect, handleRotateWebhookSecret, handleSyncNow } from "../src/handlers/connection-actions.js";
import { connectionsView, listAccounts, quarantineView } from "../src/views.js";
import { formPost, location, sessionCookieFor, uniqueTenant, useRuntime } from "./support.js";

const h = useRuntime();

function fathomKey(): string {
  return h.rt.sandboxes.get("fathom")?.credentials["apiKey"] ?? "";
}

async function connectFathom(tenantId: string, apiKey = fathomKey()): Promise<Response> {
  const cookie = sessionCookieFor(h.rt, tenantId);
  return handleConnectWithKey(h.rt, formPost("/api/connections", { cookie, fields: { connector: "fathom", "secret.apiKey": apiKey } }));
}

async function connectionCount(tenantId: string): Promise<number> {
  return (await h.rt.store.listConnections({ tenantId })).length;
}

describe("connect with a key", () => {
  it("validates the key with the vendor, then stores the connection with its credentials encrypted", async () => {
    const tenantId = uniqueTenant();
    const response = await connectFathom(tenantId);
    expect(response.status).toBe(303);
    const target = location(response);
    expect(target.searchParams.get("notice")).toBe("connected");
    const connectionId = target.pathname.split("/").at(-1) ?? "";
    const connection = await h.rt.store.getConnection({ tenantId, connectionId });
    expect(connection).toMatchObject({ connectorId: "fathom", status: "active" });
    const { rows } = await h.rt.driver.query<{ credentials_ciphertext: string }>("SELECT credentials_ciphertext FROM connections WHERE id = $1", [connectionId]);
    expect(rows[0]?.credentials_ciphertext).not.toContain(fathomKey());
  });

  it("stores nothing for a key the vendor refuses, and says so", async () => {
    const tenantId = uniqueTenant();
    const response = await connectFathom(tenantId, `${fathomKey()}-wrong`);
    expect(location(response).searchParams.get("error")).toBe("key_refused");
    expect(await connectionCount(tenantId)).toBe(0);
  });

  it("stores nothing for a missing key", async () => {
    const tenantId = uniqueTenant();
    const response = await connectFathom(tenantId, "");
    expect(location(response).searchParams.get("error")).toBe("invalid_key");
    expect(await connectionCount(tenantId)).toBe(0);
  });

  it("refuses an unknown connector, an OAuth-only one, no session and a foreign Origin", async () => {
    const tenantId = uniqueTenant();
    const cookie = sessionCookieFor(h.rt, tenantId);
    const unknown = await handleConnectWithKey(h.rt, formPost("/api/connections", { cookie, fields: { connector: "nope" } }));
    const oauthOnly = await handleConnectWithKey(h.rt, formPost("/api/connections", { cookie, fields: { connector: "salesforce" } }));
    const anonymous = await handleConnectWithKey(h.rt, formPost("/api/connections", { fields: { connector: "fathom", "secret.apiKey": fathomKey() } }));
    const crossSite = await handleConnectWithKey(
      h.rt,
      formPost("/api/connections", { cookie, origin: "https://evil.test", fields: { connector: "fathom", "secret.apiKey": fathomKey() } }),
    );
    expect(location(unknown).searchParams.get("error")).toBe("unknown_connector");
    expect(location(oauthOnly).searchParams.get("error")).toBe("unknown_connector");
    expect(anonymous.status).toBe(401);
    expect(crossSite.status).toBe(403);
    expect(await connectionCount(tenantId)).toBe(0);
  });

  it("never takes the tenant from the form: a tenant field is ignored", async () => {
    const tenantId = uniqueTenant();
    const victim = uniqueTenant();
    await h.rt.store.createTenant({ tenantId: victim });
    const cookie = sessionCookieFor(h.rt, tenantId);
    await handleConnectWithKey(
      h.rt,
      formPost("/api/connections", { cookie, fields: { connector: "fathom", "secret.apiKey": fathomKey(), tenant: victim, tenantId: victim } }),
    );
    expect(await connectionCount(tenantId)).toBe(1);
    expect(await connectionCount(victim)).toBe(0);
  });
});

describe("sync now, views and disconnect", () => {
  it("syncs in-process, shows counts and runs, and disconnecting removes the connection", async () => {
    const tenantId = uniqueTenant();
    const cookie = sessionCookieFor(h.rt, tenantId);
    const connectionId = location(await connectFathom(tenantId)).pathname.split("/").at(-1) ?? "";
    const started = await handleSyncNow(h.rt, formPost(`/api/connections/${connectionId}/sync`, { cookie }), { id: connectionId });
    expect(location(started).searchParams.get("notice")).toBe("sync_started");
    const again = await handleSyncNow(h.rt, formPost(`/api/connections/${connectionId}/sync`, { cookie }), { id: connectionId });
    expect(location(again).searchParams.get("notice")).toBe("sync_running");
    await h.rt.syncs.idle();

    const { summaries } = await connectionsView(h.rt.store, tenantId);
    expect(summaries).toHaveLength(1);
    const [summary] = summaries;
    expect(summary?.lastRun?.status).toBe("succeeded");
    expect(summary?.connection.connectorVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect((summary?.records.person ?? 0) + (summary?.records.activity ?? 0)).toBeGreaterThan(0);
    expect(await quarantineView(h.rt.store, tenantId, connectionId)).toEqual(expect.any(Array));
    expect(await listAccounts(h.rt.store, tenantId)).toEqual(expect.any(Array));

    const gone = await handleDisconnect(h.rt, formPost(`/api/connections/${connectionId}/disconnect`, { cookie }), { id: connectionId });
    expect(location(gone).searchParams.get("notice")).toBe("disconnected");
    expect(await connectionCount(tenantId)).toBe(0);
    const { rows } = await h.rt.driver.query<{ n: number }>("SELECT count(*)::int AS n FROM records WHERE connection_id = $1", [connectionId]);
    expect(rows[0]?.n).toBe(0);
  });

  it("accepts the DPA for the session's tenant only", async () => {
    const tenantId = uniqueTenant();
    const other = uniqueTenant();
    await h.rt.store.createTenant({ tenantId: other });
    const response = await handleAcceptDpa(h.rt, formPost("/api/dpa", { cookie: sessionCookieFor(h.rt, tenantId) }));
    expect(location(response).searchParams.get("notice")).toBe("dpa_accepted");
    expect((await h.rt.store.getTenant({ tenantId })).dpaAcceptedAt).not.toBeNull();
    expect((await h.rt.store.getTenant({ tenantId: other })).dpaAcceptedAt).toBeNull();
  });
});

describe("tenant isolation", () => {
  it("lets tenant B neither see nor sync, rotate or disconnect tenant A's connection, nor read its records", async () => {
    const a = uniqueTenant("a");
    const b = uniqueTenant("b");
    const connectionId = location(await connectFathom(a)).pathname.split("/").at(-1) ?? "";
    await handleSyncNow(h.rt, formPost(`/api/connections/${connectionId}/sync`, { cookie: sessionCookieFor(h.rt, a) }), { id: connectionId });
    await h.rt.syncs.idle();
    const cookieB = sessionCookieFor(h.rt, b);
    const params = { id: connectionId };
    expect((await handleSyncNow(h.rt, formPost(`/api/connections/${connectionId}/sync`, { cookie: cookieB }), params)).status).toBe(404);
    expect((await handleDisconnect(h.rt, formPost(`/api/connections/${connectionId}/disconnect`, { cookie: cookieB }), params)).status).toBe(404);
    expect((await handleRotateWebhookSecret(h.rt, formPost(`/api/connections/${connectionId}/webhook-secret`, { cookie: cookieB }), params)).status).toBe(404);

    const viewB = await connectionsView(h.rt.store, b);
    expect(viewB.summaries).toEqual([]);
    expect(await listAccounts(h.rt.store, b)).toEqual([]);
    await expect(h.rt.store.listRuns({ tenantId: b, connectionId })).rejects.toThrow(/not found/);
    expect(await quarantineView(h.rt.store, b, connectionId).catch(() => [])).toEqual([]);
    expect(await h.rt.store.listRecords({ tenantId: b, connectionId })).toEqual([]);
    await expect(h.rt.store.getConnectionCredentials({ tenantId: b, connectionId })).rejects.toThrow(/not found/);
    // A's connection is untouched and still has its synced records.
    const viewA = await connectionsView(h.rt.store, a);
    expect(viewA.summaries).toHaveLength(1);
    expect(viewA.summaries[0]?.lastRun?.status).toBe("succeeded");
  });
});
