/**
 * MSAL against the fake Entra ID: the authorize page, code + PKCE with core's signed state, refresh with rotation,
 * invalid_grant as reconnect-needed, one token cache per connection (two tenants, nothing crosses), the cache
 * encrypted by core, and no request to any Microsoft host.
 */
import {
  createKeyRing,
  createOAuthBinding,
  decryptCredentials,
  encryptCredentials,
  isAuthError,
  isCryptoError,
  isSignatureError,
  type Credentials,
} from "@gtm-clarity/core";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { O365OAuth, parseO365Credentials } from "../src/auth.js";
import { startO365Sandbox, type O365Sandbox } from "../src/sandbox/index.js";
import { ACCEPTED } from "./support.js";

const gate = { dpaAcceptedAt: ACCEPTED };
const REDIRECT = "http://127.0.0.1:3000/oauth/o365/callback";

let sandbox: O365Sandbox;
let oauth: O365OAuth;
beforeAll(async () => {
  sandbox = await startO365Sandbox({ tenants: 2, usersPerTenant: 3 });
  oauth = new O365OAuth(sandbox.oauthOptions());
});
afterAll(() => sandbox.close());
afterEach(() => vi.restoreAllMocks());

/** Opens the authorize page and clicks a button, as a browser would; returns the redirect back to the app. */
async function clickOnAuthorizePage(url: string, decision: "allow" | "deny"): Promise<URL> {
  const page = await fetch(url);
  const html = await page.text();
  expect(html).toContain(">Allow</button>");
  expect(html).toContain(">Deny</button>");
  const form = new URLSearchParams();
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    form.set(match[1] ?? "", (match[2] ?? "").replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))));
  }
  form.set("decision", decision);
  const answer = await fetch(url, { method: "POST", body: form, redirect: "manual" });
  expect(answer.status).toBe(302);
  return new URL(answer.headers.get("location") ?? "");
}

async function connect(tenantId = "tenant-a"): Promise<{ tokens: Awaited<ReturnType<O365OAuth["exchangeCode"]>>; binding: string }> {
  const binding = createOAuthBinding().cookieValue;
  const started = await oauth.authorizationUrl({ tenantId, connectionId: "conn-1", redirectUri: REDIRECT, sessionBinding: binding }, gate);
  const back = await clickOnAuthorizePage(started.url, "allow");
  const tokens = await oauth.exchangeCode({
    code: back.searchParams.get("code") ?? "",
    state: back.searchParams.get("state") ?? "",
    codeVerifier: started.codeVerifier,
    redirectUri: REDIRECT,
    sessionBinding: binding,
    tenantId,
  }, gate);
  return { tokens, binding };
}

describe("authorization URL", () => {
  it("points at the authority's authorize endpoint with S256 PKCE, signed state and metadata-only scopes, sending nothing", async () => {
    const before = sandbox.stats().requests;
    const started = await oauth.authorizationUrl({ tenantId: "t", connectionId: "c", redirectUri: REDIRECT, sessionBinding: createOAuthBinding().cookieValue }, gate);
    const url = new URL(started.url);
    expect(url.origin).toBe(new URL(sandbox.url).origin);
    expect(url.pathname).toBe("/organizations/oauth2/v2.0/authorize");
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("state")).toBe(started.state);
    const scopes = (url.searchParams.get("scope") ?? "").split(" ");
    expect(scopes).toEqual(expect.arrayContaining(["Mail.ReadBasic", "Calendars.ReadBasic", "User.ReadBasic.All", "offline_access"]));
    expect(scopes.some((scope) => /^(Mail|Calendars)\.Read$/.test(scope))).toBe(false);
    expect(sandbox.stats().requests).toBe(before);
  });
});

describe("code exchange", () => {
  it("completes the dance through the Allow button; the refresh token lives only inside the MSAL cache", async () => {
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    const { tokens } = await connect();
    const credentials = parseO365Credentials(tokens.credentials);
    expect(Object.keys(tokens.credentials).sort()).toEqual(["accessToken", "homeAccountId", "tokenCache"]);
    expect(credentials.homeAccountId).toMatch(/^[0-9a-f-]+\.[0-9a-f-]+$/);
    expect(JSON.parse(credentials.tokenCache)).toHaveProperty("RefreshToken");
    expect(tokens.expiresAt?.getTime()).toBeGreaterThan(Date.now());
    // MSAL made its token call to the loopback fake and nowhere else: no discovery, no Microsoft host.
    const hosts = fetchSpy.mock.calls.map(([input]) => new URL(input instanceof Request ? input.url : String(input)).hostname);
    expect(hosts.length).toBeGreaterThan(0);
    expect(new Set(hosts)).toEqual(new Set(["127.0.0.1"]));
  });

  it("Deny brings the user back with access_denied and no code", async () => {
    const started = await oauth.authorizationUrl({ tenantId: "t", connectionId: "c", redirectUri: REDIRECT, sessionBinding: createOAuthBinding().cookieValue }, gate);
    const back = await clickOnAuthorizePage(started.url, "deny");
    expect(back.searchParams.get("error")).toBe("access_denied");
    expect(back.searchParams.get("code")).toBeNull();
    expect(back.searchParams.get("state")).toBe(started.state);
  });

  it("refuses a callback from another browser or for another tenant before the code goes anywhere", async () => {
    const binding = createOAuthBinding().cookieValue;
    const started = await oauth.authorizationUrl({ tenantId: "tenant-a", connectionId: "c", redirectUri: REDIRECT, sessionBinding: binding }, gate);
    const back = await clickOnAuthorizePage(started.url, "allow");
    const tokenRequests = sandbox.entra.tokenRequests;
    const callback = { code: back.searchParams.get("code") ?? "", state: back.searchParams.get("state") ?? "", codeVerifier: started.codeVerifier, redirectUri: REDIRECT };
    await expect(oauth.exchangeCode({ ...callback, sessionBinding: createOAuthBinding().cookieValue, tenantId: "tenant-a" }, gate)).rejects.toSatisfy(isSignatureError);
    await expect(oauth.exchangeCode({ ...callback, sessionBinding: binding, tenantId: "tenant-b" }, gate)).rejects.toSatisfy(isSignatureError);
    expect(sandbox.entra.tokenRequests).toBe(tokenRequests);
  });

  it("turns a wrong PKCE verifier (invalid_grant) into an AuthError", async () => {
    const binding = createOAuthBinding().cookieValue;
    const started = await oauth.authorizationUrl({ tenantId: "t", connectionId: "c", redirectUri: REDIRECT, sessionBinding: binding }, gate);
    const back = await clickOnAuthorizePage(started.url, "allow");
    const error: unknown = await oauth
      .exchangeCode({ code: back.searchParams.get("code") ?? "", state: back.searchParams.get("state") ?? "", codeVerifier: "x".repeat(64), redirectUri: REDIRECT, sessionBinding: binding, tenantId: "t" }, gate)
      .catch((caught: unknown) => caught);
    expect(isAuthError(error)).toBe(true);
    expect(String(error)).toContain("invalid_grant");
  });
});

describe("refresh", () => {
  it("rotates the refresh token inside the cache and says so; the old cache is then refused as reconnect-needed", async () => {
    const { tokens } = await connect();
    const refreshed = await oauth.refresh(tokens.credentials, gate);
    expect(refreshed.rotated).toBe(true);
    const next = parseO365Credentials(refreshed.credentials);
    expect(next.accessToken).not.toBe(tokens.credentials["accessToken"]);
    expect(next.tokenCache).not.toBe(tokens.credentials["tokenCache"]);
    // The old refresh token was revoked by the rotation: Entra answers invalid_grant, a plain ServerError in MSAL.
    await expect(oauth.refresh(tokens.credentials, gate)).rejects.toSatisfy(isAuthError);
    // The rotated one works.
    await expect(oauth.refresh(refreshed.credentials, gate)).resolves.toMatchObject({ rotated: true });
  });

  it("reports revoked sessions as an AuthError, never retried", async () => {
    const user = sandbox.users[1];
    if (user === undefined) throw new Error("no user");
    const credentials = await sandbox.connect(user);
    sandbox.entra.revokeSessions(user.id);
    const error: unknown = await oauth.refresh(credentials, gate).catch((caught: unknown) => caught);
    expect(isAuthError(error)).toBe(true);
    expect(String(error)).not.toContain(credentials["accessToken"] ?? "?");
  });

  it("refuses credentials without a cache, or a cache without the connection's account, as reconnect-needed", async () => {
    await expect(oauth.refresh({ accessToken: "x" }, gate)).rejects.toSatisfy(isAuthError);
    const credentials = await sandbox.connect();
    await expect(oauth.refresh({ ...credentials, homeAccountId: "someone.else" }, gate)).rejects.toSatisfy(isAuthError);
  });
});

describe("one cache per connection", () => {
  it("two connections in two tenants refreshed together: each cache holds its own account and tokens only", async () => {
    const [a, b] = [sandbox.users.find((u) => u.tenantId === sandbox.tenants[0]?.id), sandbox.users.find((u) => u.tenantId === sandbox.tenants[1]?.id)];
    if (a === undefined || b === undefined) throw new Error("two tenants expected");
    const [credA, credB] = [await sandbox.connect(a), await sandbox.connect(b)];
    const [nextA, nextB] = await Promise.all([oauth.refresh(credA, gate), oauth.refresh(credB, gate)]);
    const cacheA = parseO365Credentials(nextA.credentials);
    const cacheB = parseO365Credentials(nextB.credentials);
    expect(cacheA.homeAccountId).toBe(`${a.id}.${a.tenantId}`);
    expect(cacheB.homeAccountId).toBe(`${b.id}.${b.tenantId}`);
    expect(cacheA.tokenCache).not.toContain(b.id);
    expect(cacheA.tokenCache).not.toContain(cacheB.accessToken);
    expect(cacheB.tokenCache).not.toContain(a.id);
    expect(cacheB.tokenCache).not.toContain(cacheA.accessToken);
    // Each access token is the right user's at Graph.
    for (const [credentials, user] of [[cacheA, a], [cacheB, b]] as const) {
      const me = await fetch(`${sandbox.url}/me`, { headers: { authorization: `Bearer ${credentials.accessToken}` } });
      expect(await me.json()).toMatchObject({ id: user.id });
    }
  });

  it("the stored form is core's AES-GCM bound to tenant and connection: the refresh token is not readable, nor portable", () => {
    const keyRing = createKeyRing("ab".repeat(32));
    const credentials: Credentials = sandbox.credentials;
    const secret = Object.values((JSON.parse(credentials["tokenCache"] ?? "{}") as { RefreshToken: Record<string, { secret: string }> }).RefreshToken)[0]?.secret ?? "";
    expect(secret.length).toBeGreaterThan(10);
    const sealed = encryptCredentials(credentials, { tenantId: "t1", connectionId: "c1" }, keyRing);
    expect(sealed).not.toContain(secret);
    expect(decryptCredentials(sealed, { tenantId: "t1", connectionId: "c1" }, keyRing)).toEqual(credentials);
    expect(() => decryptCredentials(sealed, { tenantId: "t2", connectionId: "c1" }, keyRing)).toThrow();
    let moved: unknown;
    try {
      decryptCredentials(sealed, { tenantId: "t1", connectionId: "c2" }, keyRing);
    } catch (error) {
      moved = error;
    }
    expect(isCryptoError(moved)).toBe(true);
  });
});

describe("configuration from the environment", () => {
  it("the registered connector's OAuth reaches the sandbox with only the sandbox's environment variables", async () => {
    const env = sandbox.oauthEnv();
    const saved = Object.fromEntries([...Object.keys(env), "OAUTH_STATE_SECRET"].map((name) => [name, process.env[name]]));
    Object.assign(process.env, env, { OAUTH_STATE_SECRET: "env-state-secret-0123456789abcdef0123456789" });
    try {
      const fromEnv = new O365OAuth();
      const started = await fromEnv.authorizationUrl({ tenantId: "t", connectionId: "c", redirectUri: REDIRECT, sessionBinding: createOAuthBinding().cookieValue }, gate);
      expect(new URL(started.url).origin).toBe(new URL(sandbox.url).origin);
      await expect(fromEnv.refresh(await sandbox.connect(), gate)).resolves.toMatchObject({ rotated: true });
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) Reflect.deleteProperty(process.env, name);
        else process.env[name] = value;
      }
    }
  });
});
