/**
 * Connecting Salesforce through OAuth against its sandbox: the authorize route, the provider's consent page, and
 * every way the callback can go wrong. Whatever fails, nothing is stored.
 */
import { describe, expect, it } from "vitest";
import { connectorRegistry } from "@gtm-clarity/core";
import { handleDisconnect } from "../src/handlers/connection-actions.js";
import { handleAuthorize, handleCallback, OAUTH_BINDING_COOKIE } from "../src/handlers/oauth.js";
import { BASE, formPost, get, location, sessionCookieFor, setCookies, uniqueTenant, useRuntime } from "./support.js";
import { consent } from "./consent.js";

const h = useRuntime();

interface Started {
  tenantId: string;
  session: string;
  binding: string;
  authorizeUrl: URL;
  state: string;
}

async function start(tenantId = uniqueTenant(), connector = "salesforce", fields: Record<string, string> = {}): Promise<Started> {
  const session = sessionCookieFor(h.rt, tenantId);
  const response = await handleAuthorize(h.rt, formPost(`/api/oauth/${connector}/authorize`, { cookie: session, fields }), { connector });
  expect(response.status).toBe(303);
  const authorizeUrl = location(response);
  const cookie = setCookies(response).find((c) => c.startsWith(`${OAUTH_BINDING_COOKIE}=`)) ?? "";
  expect(cookie).toContain("HttpOnly");
  expect(cookie).toContain("SameSite=Lax");
  expect(cookie).toContain("Path=/api/oauth");
  const binding = cookie.split(";")[0] ?? "";
  return { tenantId, session, binding, authorizeUrl, state: authorizeUrl.searchParams.get("state") ?? "" };
}

function callback(started: Started, back: URL, cookies = `${started.session}; ${started.binding}`): Promise<Response> {
  return handleCallback(h.rt, get(`/api/oauth/salesforce/callback${back.search}`, cookies), { connector: "salesforce" });
}

async function connections(tenantId: string) {
  return h.rt.store.listConnections({ tenantId });
}

async function pendingFlows(tenantId: string): Promise<number> {
  const { rows } = await h.rt.driver.query<{ n: number }>("SELECT count(*)::int AS n FROM oauth_flows WHERE tenant_id = $1", [tenantId]);
  return rows[0]?.n ?? -1;
}

describe("OAuth connect", () => {
  it("redirects to the provider with a redirect URI on the public base URL and PKCE, keeping the verifier server-side", async () => {
    const started = await start();
    const params = started.authorizeUrl.searchParams;
    expect(params.get("redirect_uri")).toBe(`${BASE}/api/oauth/salesforce/callback`);
    expect(params.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get("code_verifier")).toBeNull();
    expect(started.authorizeUrl.toString()).not.toContain("localhost");
    expect(await pendingFlows(started.tenantId)).toBe(1);
  });

  it("connects after consent: tokens stored encrypted, connection active, flow used up", async () => {
    const started = await start();
    const back = await consent(started.authorizeUrl.toString(), "allow");
    expect(back.searchParams.get("code")).toBeTruthy();
    const response = await callback(started, back);
    const target = location(response);
    expect(target.searchParams.get("notice")).toBe("connected");
    expect(setCookies(response).some((c) => c.startsWith(`${OAUTH_BINDING_COOKIE}=;`))).toBe(true);
    const [connection] = await connections(started.tenantId);
    expect(connection).toMatchObject({ connectorId: "salesforce", status: "active" });
    expect(target.pathname).toBe(`/connections/${connection?.id}`);
    expect(await pendingFlows(started.tenantId)).toBe(0);
    const credentials = await h.rt.store.getConnectionCredentials({ tenantId: started.tenantId, connectionId: connection?.id ?? "" });
    expect(credentials["accessToken"]).toBeTruthy();

    // The same callback again: the flow is gone, nothing more is stored.
    const replay = await callback(started, back);
    expect(location(replay).searchParams.get("error")).toBe("oauth_bad_state");
    expect(await connections(started.tenantId)).toHaveLength(1);
  });

  it("disconnecting revokes the tokens at the provider, then deletes the connection", async () => {
    const started = await start();
    await callback(started, await consent(started.authorizeUrl.toString(), "allow"));
    const [connection] = await connections(started.tenantId);
    const connectionId = connection?.id ?? "";
    const credentials = await h.rt.store.getConnectionCredentials({ tenantId: started.tenantId, connectionId });
    const response = await handleDisconnect(h.rt, formPost(`/api/connections/${connectionId}/disconnect`, { cookie: started.session }), {
      id: connectionId,
    });
    expect(location(response).searchParams.get("notice")).toBe("disconnected_revoked");
    expect(await connections(started.tenantId)).toEqual([]);
    await expect(connectorRegistry.get("salesforce").oauth?.refresh(credentials)).rejects.toThrow();
  });

  it("reconnects a connection that needs it in place: same connection, active again, new tokens", async () => {
    const started = await start();
    await callback(started, await consent(started.authorizeUrl.toString(), "allow"));
    const [connection] = await connections(started.tenantId);
    const connectionId = connection?.id ?? "";
    await h.rt.store.setConnectionStatus({ tenantId: started.tenantId, connectionId, status: "needs_reauth", lastError: "refresh token revoked" });
    const before = await h.rt.store.getConnectionCredentials({ tenantId: started.tenantId, connectionId });

    const again = await start(started.tenantId, "salesforce", { connectionId });
    const response = await callback(again, await consent(again.authorizeUrl.toString(), "allow"));
    expect(location(response).pathname).toBe(`/connections/${connectionId}`);
    const after = await connections(started.tenantId);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: connectionId, status: "active" });
    const credentials = await h.rt.store.getConnectionCredentials({ tenantId: started.tenantId, connectionId });
    expect(credentials["accessToken"]).not.toBe(before["accessToken"]);
  });

  it("stores nothing when consent is denied", async () => {
    const started = await start();
    // RFC 6749 4.1.2.1, as a provider sends the browser back after "Deny".
    const back = new URL(`${BASE}/api/oauth/salesforce/callback`);
    back.searchParams.set("error", "access_denied");
    back.searchParams.set("error_description", "end-user denied authorization");
    back.searchParams.set("state", started.state);
    const response = await callback(started, back);
    expect(location(response).searchParams.get("error")).toBe("oauth_denied");
    expect(await connections(started.tenantId)).toEqual([]);
    expect(await pendingFlows(started.tenantId)).toBe(0);
  });

  it("refuses a callback from another browser (no or a different binding cookie)", async () => {
    const started = await start();
    const back = await consent(started.authorizeUrl.toString(), "allow");
    const other = await start(started.tenantId);
    const response = await callback(started, back, `${started.session}; ${other.binding}`);
    expect(location(response).searchParams.get("error")).toBe("oauth_bad_state");
    const bare = await start();
    const bareBack = await consent(bare.authorizeUrl.toString(), "allow");
    expect(location(await callback(bare, bareBack, bare.session)).searchParams.get("error")).toBe("oauth_bad_state");
    expect(await connections(started.tenantId)).toEqual([]);
    expect(await connections(bare.tenantId)).toEqual([]);
  });

  it("refuses a state started by another tenant, and leaves that tenant's flow usable", async () => {
    const victim = await start();
    const back = await consent(victim.authorizeUrl.toString(), "allow");
    const attacker = uniqueTenant();
    const response = await callback(victim, back, `${sessionCookieFor(h.rt, attacker)}; ${victim.binding}`);
    expect(location(response).searchParams.get("error")).toBe("oauth_bad_state");
    expect(await connections(attacker)).toEqual([]);
    expect(await pendingFlows(victim.tenantId)).toBe(1);
    expect(location(await callback(victim, back)).searchParams.get("notice")).toBe("connected");
  });

  it("refuses a forged or missing state and an expired flow", async () => {
    const started = await start();
    const back = await consent(started.authorizeUrl.toString(), "allow");
    const forged = new URL(back);
    forged.searchParams.set("state", `${started.state.slice(0, -4)}AAAA`);
    expect(location(await callback(started, forged)).searchParams.get("error")).toBe("oauth_bad_state");
    const missing = new URL(back);
    missing.searchParams.delete("state");
    expect(location(await callback(started, missing)).searchParams.get("error")).toBe("oauth_bad_state");
    await h.rt.driver.query("UPDATE oauth_flows SET expires_at = now() - interval '1 second' WHERE tenant_id = $1", [started.tenantId]);
    expect(location(await callback(started, back)).searchParams.get("error")).toBe("oauth_expired");
    expect(await connections(started.tenantId)).toEqual([]);
  });

  it("stores nothing when the provider refuses the code", async () => {
    const started = await start();
    const back = await consent(started.authorizeUrl.toString(), "allow");
    back.searchParams.set("code", "not-a-code-the-provider-issued");
    const response = await callback(started, back);
    expect(location(response).searchParams.get("error")).toBe("oauth_exchange_failed");
    expect(await connections(started.tenantId)).toEqual([]);
  });

  it("sends a callback without a session to sign-in, storing nothing", async () => {
    const started = await start();
    const back = await consent(started.authorizeUrl.toString(), "allow");
    const response = await callback(started, back, started.binding);
    expect(location(response).pathname).toBe("/sign-in");
    expect(await connections(started.tenantId)).toEqual([]);
  });

  it("guards the authorize route: session, Origin, deployed OAuth connector, the tenant's own connection", async () => {
    const tenantId = uniqueTenant();
    const cookie = sessionCookieFor(h.rt, tenantId);
    const anonymous = await handleAuthorize(h.rt, formPost("/api/oauth/salesforce/authorize"), { connector: "salesforce" });
    const crossSite = await handleAuthorize(h.rt, formPost("/api/oauth/salesforce/authorize", { cookie, origin: "https://evil.test" }), { connector: "salesforce" });
    const keyConnector = await handleAuthorize(h.rt, formPost("/api/oauth/fathom/authorize", { cookie }), { connector: "fathom" });
    const foreign = await handleAuthorize(
      h.rt,
      formPost("/api/oauth/salesforce/authorize", { cookie, fields: { connectionId: "00000000-0000-4000-8000-000000000000" } }),
      { connector: "salesforce" },
    );
    expect(anonymous.status).toBe(401);
    expect(crossSite.status).toBe(403);
    expect(location(keyConnector).searchParams.get("error")).toBe("unknown_connector");
    expect(location(foreign).searchParams.get("error")).toBe("unknown_connection");
    expect(await pendingFlows(tenantId)).toBe(0);
  });

  it("connects Microsoft 365 through its consent page once the DPA is accepted", async () => {
    const tenantId = uniqueTenant();
    await h.rt.store.createTenant({ tenantId });
    await h.rt.store.acceptDpa({ tenantId });
    const started = await start(tenantId, "o365");
    expect(started.authorizeUrl.searchParams.get("redirect_uri")).toBe(`${BASE}/api/oauth/o365/callback`);
    const back = await consent(started.authorizeUrl.toString(), "allow");
    const response = await handleCallback(h.rt, get(`/api/oauth/o365/callback${back.search}`, `${started.session}; ${started.binding}`), {
      connector: "o365",
    });
    expect(location(response).searchParams.get("notice")).toBe("connected");
    const [connection] = await connections(tenantId);
    expect(connection).toMatchObject({ connectorId: "o365", status: "active" });
  });

  it("stores nothing when the person presses Deny on Microsoft 365's consent page", async () => {
    const tenantId = uniqueTenant();
    await h.rt.store.createTenant({ tenantId });
    await h.rt.store.acceptDpa({ tenantId });
    const started = await start(tenantId, "o365");
    const back = await consent(started.authorizeUrl.toString(), "deny");
    expect(back.searchParams.get("error")).toBe("access_denied");
    const response = await handleCallback(h.rt, get(`/api/oauth/o365/callback${back.search}`, `${started.session}; ${started.binding}`), {
      connector: "o365",
    });
    expect(location(response).searchParams.get("error")).toBe("oauth_denied");
    expect(await connections(tenantId)).toEqual([]);
  });

  it("asks for the DPA before Microsoft 365 can be connected", async () => {
    const tenantId = uniqueTenant();
    const cookie = sessionCookieFor(h.rt, tenantId);
    const response = await handleAuthorize(h.rt, formPost("/api/oauth/o365/authorize", { cookie }), { connector: "o365" });
    expect(location(response).searchParams.get("error")).toBe("dpa_required");
    expect(await pendingFlows(tenantId)).toBe(0);
  });
});
