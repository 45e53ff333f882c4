/** Sessions, sign-in and the configuration they depend on. */
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { handleSignIn, handleSignOut } from "../src/handlers/session.js";
import { guard } from "../src/http.js";
import { SESSION_COOKIE, sessionFromRequest, signSession, verifySession } from "../src/session.js";
import { BASE, formPost, location, setCookies, TEST_ENV, useRuntime } from "./support.js";

const SECRET = "k".repeat(40);
const fixedSecret = () => "r".repeat(43);

describe("session cookie", () => {
  const session = { tenantId: "acme", userId: "ana@acme.test", expiresAt: Date.now() + 60_000 };

  it("round-trips a signed session", () => {
    expect(verifySession(signSession(session, SECRET), SECRET)).toEqual(session);
  });

  it("refuses a forged, re-signed, tampered, expired or malformed value", () => {
    const value = signSession(session, SECRET);
    const [payload, mac] = value.split(".");
    const otherTenant = Buffer.from(JSON.stringify({ t: "globex", u: "x", exp: session.expiresAt })).toString("base64url");
    expect(verifySession(signSession(session, "z".repeat(40)), SECRET)).toBeUndefined();
    expect(verifySession(`${otherTenant}.${mac}`, SECRET)).toBeUndefined();
    expect(verifySession(`${payload}.${"0".repeat(64)}`, SECRET)).toBeUndefined();
    expect(verifySession(signSession({ ...session, expiresAt: Date.now() - 1 }, SECRET), SECRET)).toBeUndefined();
    expect(verifySession(`${value}.extra`, SECRET)).toBeUndefined();
    expect(verifySession("", SECRET)).toBeUndefined();
    expect(verifySession(undefined, SECRET)).toBeUndefined();
  });

  it("reads trusted headers only in trusted-header mode", () => {
    const headers = new Headers({ "x-gtm-tenant": "acme", "x-gtm-user": "ana@acme.test" });
    const trusted = loadConfig({ ...TEST_ENV, AUTH_MODE: "trusted-header" }, fixedSecret);
    const dev = loadConfig(TEST_ENV, fixedSecret);
    expect(sessionFromRequest(trusted, headers)).toMatchObject({ tenantId: "acme", userId: "ana@acme.test" });
    expect(sessionFromRequest(dev, headers)).toBeUndefined();
    expect(sessionFromRequest(trusted, new Headers({ "x-gtm-tenant": "acme" }))).toBeUndefined();
    expect(sessionFromRequest(trusted, new Headers({ "x-gtm-tenant": "../etc", "x-gtm-user": "a" }))).toBeUndefined();
  });
});

describe("configuration", () => {
  it("defaults to the embedded mode with development sign-in and sandboxes", () => {
    const config = loadConfig({}, fixedSecret);
    expect(config).toMatchObject({ embedded: true, authMode: "dev", sandboxes: true, temporal: undefined, secureCookies: false });
  });

  it("needs the shared secrets with DATABASE_URL, and names them (never their values)", () => {
    expect(() => loadConfig({ DATABASE_URL: "postgres://db/x" }, fixedSecret)).toThrow(/SESSION_SECRET and OAUTH_STATE_SECRET/);
    expect(() => loadConfig({ SESSION_SECRET: "short-secret-value" }, fixedSecret)).toThrow(/SESSION_SECRET: must be at least 32/);
    expect(() => loadConfig({ SESSION_SECRET: "short-secret-value" }, fixedSecret)).not.toThrow(/short-secret-value/);
    expect(() => loadConfig({ APP_BASE_URL: "not a url" }, fixedSecret)).toThrow(/APP_BASE_URL/);
  });

  it("keeps development sign-in off in production unless enabled on purpose", () => {
    const production = { ...TEST_ENV, DATABASE_URL: "postgres://db/x", NODE_ENV: "production" };
    expect(loadConfig(production, fixedSecret).authMode).toBe("trusted-header");
    expect(() => loadConfig({ ...production, AUTH_MODE: "dev" }, fixedSecret)).toThrow(/off in production/);
    expect(loadConfig({ ...production, AUTH_MODE: "dev", ALLOW_DEV_SIGNIN: "1" }, fixedSecret).authMode).toBe("dev");
  });

  it("marks cookies Secure behind an https base URL", () => {
    expect(loadConfig({ APP_BASE_URL: "https://app.example.test" }, fixedSecret).secureCookies).toBe(true);
  });
});

describe("sign-in and guard", () => {
  const h = useRuntime();

  it("signs in with a workspace and user: an HttpOnly, SameSite=Lax cookie, then the connections page", async () => {
    const response = await handleSignIn(h.rt, formPost("/api/session", { fields: { tenant: "acme", user: "ana@acme.test" } }));
    expect(response.status).toBe(303);
    expect(location(response).toString()).toBe(`${BASE}/connections`);
    const [cookie] = setCookies(response);
    expect(cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=`));
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    const value = cookie?.split(";")[0]?.slice(SESSION_COOKIE.length + 1);
    expect(verifySession(value, h.rt.config.sessionSecret)).toMatchObject({ tenantId: "acme", userId: "ana@acme.test" });
    expect((await h.rt.store.getTenant({ tenantId: "acme" })).id).toBe("acme");
  });

  it("refuses a cross-site sign-in form (login CSRF) and one with no Origin", async () => {
    const crossSite = await handleSignIn(h.rt, formPost("/api/session", { origin: "https://evil.test", fields: { tenant: "x", user: "y" } }));
    const noOrigin = await handleSignIn(h.rt, formPost("/api/session", { origin: null, fields: { tenant: "x", user: "y" } }));
    expect(crossSite.status).toBe(403);
    expect(noOrigin.status).toBe(403);
    expect(setCookies(crossSite)).toEqual([]);
  });

  it("sends a malformed workspace back to the form, setting nothing", async () => {
    const response = await handleSignIn(h.rt, formPost("/api/session", { fields: { tenant: "a b/c", user: "y" } }));
    expect(location(response).pathname).toBe("/sign-in");
    expect(location(response).searchParams.get("error")).toBe("invalid_sign_in");
    expect(setCookies(response)).toEqual([]);
  });

  it("signs out by clearing the cookie", async () => {
    const response = handleSignOut(h.rt, formPost("/api/session/sign-out"));
    expect(setCookies(response)[0]).toMatch(new RegExp(`^${SESSION_COOKIE}=; .*Max-Age=0`));
  });

  it("guards state changes: no session is 401, a foreign Origin is 403", () => {
    expect(guard(h.rt, formPost("/api/dpa"))).toMatchObject({ ok: false, response: { status: 401 } });
    const cookie = `${SESSION_COOKIE}=${signSession({ tenantId: "acme", userId: "u", expiresAt: Date.now() + 60_000 }, h.rt.config.sessionSecret)}`;
    expect(guard(h.rt, formPost("/api/dpa", { cookie, origin: "http://localhost:3999" }))).toMatchObject({ ok: false, response: { status: 403 } });
    expect(guard(h.rt, formPost("/api/dpa", { cookie }))).toMatchObject({ ok: true });
  });
});

describe("sign-in in trusted-header mode", () => {
  const h = useRuntime({ AUTH_MODE: "trusted-header" });

  it("has no development sign-in", async () => {
    const response = await handleSignIn(h.rt, formPost("/api/session", { fields: { tenant: "acme", user: "ana" } }));
    expect(response.status).toBe(404);
  });
});
