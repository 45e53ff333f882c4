/**
 * The OAuth web-server flow against the sandbox's login host, as a browser and the web app drive it: the authorize
 * page (Allow and Deny), the code exchange with PKCE, the identity URL, refresh with and without rotation,
 * `invalid_grant`, revoke; and what a hostile or broken login host cannot do.
 */
import { AuthError, ConfigError, createOAuthBinding } from "@gtm-clarity/core";
import { describe, expect, it } from "vitest";
import { SalesforceOAuth } from "../src/auth/oauth-flow.js";
import { connectionSettingsFrom } from "../src/auth/oauth.js";
import { BINDING, start, STATE_SECRET } from "./support.js";

const REDIRECT = "http://127.0.0.1:9/callback";

/** Opens the authorize page, checks its buttons, and submits the form as a click on `decision` would. */
async function decide(authorizeUrl: string, decision: "allow" | "deny"): Promise<URL> {
  const page = await fetch(authorizeUrl);
  expect(page.status).toBe(200);
  const body = await page.text();
  expect(body).toMatch(/<button[^>]*value="allow"[^>]*>Allow<\/button>/);
  expect(body).toMatch(/<button[^>]*value="deny"[^>]*>Deny<\/button>/);
  const form = new URLSearchParams();
  for (const match of body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    form.set(match[1] ?? "", (match[2] ?? "").replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))));
  }
  form.set("decision", decision);
  const answer = await fetch(new URL("/services/oauth2/authorize", authorizeUrl), { method: "POST", body: form, redirect: "manual" });
  expect(answer.status).toBe(302);
  return new URL(answer.headers.get("location") ?? "");
}

async function connect() {
  const started = await start();
  const { connector, settings } = started;
  const binding = createOAuthBinding();
  const request = { ...BINDING, redirectUri: REDIRECT, sessionBinding: binding.cookieValue };
  const authorization = await connector.oauth.authorizationUrl(request, { settings });
  return { ...started, binding, authorization };
}

describe("authorization", () => {
  it("sends the browser to the connection's login host with PKCE, signed state and the scopes for a refresh token", async () => {
    const { authorization, sandbox } = await connect();
    const url = new URL(authorization.url);
    expect(`${url.origin}${url.pathname}`).toBe(`${sandbox.url}/services/oauth2/authorize`);
    expect(url.searchParams.get("response_type")).toBe("code");
    expect(url.searchParams.get("scope")).toBe("api refresh_token id");
    expect(url.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get("state")).toBe(authorization.state);
    expect(authorization.url).not.toContain(authorization.codeVerifier);
  });

  it("uses production, test.salesforce.com or a My Domain as the login host", async () => {
    const oauth = new SalesforceOAuth({ clientId: "cid", clientSecret: "secret", stateSecret: STATE_SECRET });
    const request = { ...BINDING, redirectUri: REDIRECT, sessionBinding: createOAuthBinding().cookieValue };
    expect((await oauth.authorizationUrl(request)).url).toMatch(/^https:\/\/login\.salesforce\.com\/services\/oauth2\/authorize\?/);
    for (const loginUrl of ["https://test.salesforce.com", "https://acme.my.salesforce.com"]) {
      expect((await oauth.authorizationUrl(request, { settings: { loginUrl } })).url.startsWith(`${loginUrl}/services/oauth2/authorize?`)).toBe(true);
    }
  });

  it("exchanges an allowed code for tokens, the instance URL and the org and user from the identity URL", async () => {
    const { connector, sandbox, binding, authorization, settings } = await connect();
    const back = await decide(authorization.url, "allow");
    expect(back.searchParams.get("state")).toBe(authorization.state);
    const tokens = await connector.oauth.exchangeCode(
      {
        code: back.searchParams.get("code") ?? "",
        state: back.searchParams.get("state") ?? "",
        codeVerifier: authorization.codeVerifier,
        redirectUri: REDIRECT,
        sessionBinding: binding.cookieValue,
        tenantId: BINDING.tenantId,
      },
      { settings },
    );
    // No expires_in: the worker learns of an expired session from a 401.
    expect(tokens.expiresAt).toBeUndefined();
    expect(tokens.credentials).toMatchObject({
      instanceUrl: sandbox.url,
      loginUrl: sandbox.url,
      organizationId: sandbox.oauth.organizationId,
      userId: sandbox.oauth.userId,
    });
    expect(tokens.credentials["issuedAt"]).toMatch(/^\d{13}$/);
    expect(tokens.credentials["refreshToken"]).toBeTruthy();
    const learned = { loginUrl: sandbox.url, organizationId: sandbox.oauth.organizationId, userId: sandbox.oauth.userId };
    expect(tokens.settings).toEqual(learned);
    expect(connectionSettingsFrom(tokens.credentials)).toEqual(learned);
    const page = await connector.sync(tokens.credentials, null, { settings });
    expect(page.records.length).toBeGreaterThan(0);
  });

  it("redirects a denial back with error=access_denied and no code", async () => {
    const { authorization } = await connect();
    const back = await decide(authorization.url, "deny");
    expect(back.searchParams.get("error")).toBe("access_denied");
    expect(back.searchParams.get("code")).toBeNull();
    expect(back.searchParams.get("state")).toBe(authorization.state);
  });

  it("refuses a code with the wrong PKCE verifier, and a code used twice, as AuthErrors", async () => {
    const { connector, binding, authorization, settings } = await connect();
    const back = await decide(authorization.url, "allow");
    const callback = {
      code: back.searchParams.get("code") ?? "",
      state: authorization.state,
      codeVerifier: "x".repeat(64),
      redirectUri: REDIRECT,
      sessionBinding: binding.cookieValue,
      tenantId: BINDING.tenantId,
    };
    await expect(connector.oauth.exchangeCode(callback, { settings })).rejects.toBeInstanceOf(AuthError);
  });

  it("refuses a callback for another tenant or from another browser before any request", async () => {
    const { connector, binding, authorization, settings, sandbox } = await connect();
    const callback = {
      code: "aPrxanything",
      state: authorization.state,
      codeVerifier: authorization.codeVerifier,
      redirectUri: REDIRECT,
      sessionBinding: binding.cookieValue,
      tenantId: "tenant-b",
    };
    await expect(connector.oauth.exchangeCode(callback, { settings })).rejects.toThrow();
    await expect(
      connector.oauth.exchangeCode({ ...callback, tenantId: BINDING.tenantId, sessionBinding: createOAuthBinding().cookieValue }, { settings }),
    ).rejects.toThrow();
    expect(sandbox.oauth.tokenRequests).toBe(0);
  });
});

describe("refresh and revoke", () => {
  it("keeps the refresh token when Salesforce sends none (no rotation)", async () => {
    const { connector, sandbox } = await start();
    const tokens = await connector.oauth.refresh(sandbox.credentials);
    expect(tokens.rotated).toBeUndefined();
    expect(tokens.credentials["refreshToken"]).toBe(sandbox.credentials.refreshToken);
    expect(tokens.credentials["accessToken"]).not.toBe(sandbox.credentials.accessToken);
    expect(tokens.credentials["instanceUrl"]).toBe(sandbox.url);
  });

  it("says rotated when Salesforce rotates, and the old refresh token is then invalid_grant (reconnect needed)", async () => {
    const { connector, sandbox } = await start({ rotateRefreshTokens: true });
    const tokens = await connector.oauth.refresh(sandbox.credentials);
    expect(tokens.rotated).toBe(true);
    expect(tokens.credentials["refreshToken"]).not.toBe(sandbox.credentials.refreshToken);
    const again = connector.oauth.refresh(sandbox.credentials);
    await expect(again).rejects.toBeInstanceOf(AuthError);
    await expect(again).rejects.toThrow(/invalid_grant/);
    // Sent once: a refused refresh is never retried.
    expect(sandbox.oauth.tokenRequests).toBe(2);
  });

  it("revokes the refresh token on disconnect; every token from it stops working, and disconnecting twice is fine", async () => {
    const { connector, sandbox, settings } = await start();
    await connector.disconnect(sandbox.credentials);
    expect(sandbox.oauth.revocations).toBe(1);
    await expect(connector.oauth.refresh(sandbox.credentials)).rejects.toBeInstanceOf(AuthError);
    await expect(connector.sync(sandbox.credentials, null, { settings })).rejects.toBeInstanceOf(AuthError);
    await expect(connector.disconnect(sandbox.credentials)).resolves.toBeUndefined();
  });
});

describe("what a login host may not do", () => {
  const tokenResponse = (overrides: Record<string, unknown> = {}) => ({
    // The published example's shape (vendor-apis.md §1.1): no expires_in, issued_at a string.
    access_token: "00DB0000000TfcR!AQQAQ",
    signature: "d/SxeYBxH0GSVko0HMgcUxuZy0PA2cDDz1u7g7JtDHw=",
    scope: "web openid",
    instance_url: "https://mycompany.my.salesforce.com",
    id: "https://login.salesforce.com/id/00DB0000000TfcRMAS/005B0000005Bk90IAC",
    token_type: "Bearer",
    issued_at: "1558553873237",
    ...overrides,
  });
  const credentials = {
    accessToken: "00Dold!token",
    refreshToken: "5Aep-refresh",
    instanceUrl: "https://mycompany.my.salesforce.com",
    loginUrl: "https://login.salesforce.com",
  };

  it("never sends the client secret to a login URL that is not Salesforce's", async () => {
    const calls: string[] = [];
    const fetch: typeof globalThis.fetch = async (input) => {
      calls.push(String(input instanceof Request ? input.url : input));
      return new Response("{}");
    };
    const oauth = new SalesforceOAuth({ clientId: "cid", clientSecret: "secret", stateSecret: STATE_SECRET, fetch });
    await expect(oauth.refresh({ ...credentials, loginUrl: "https://login.salesforce.com.evil.example" })).rejects.toBeInstanceOf(ConfigError);
    await expect(oauth.refresh({ ...credentials, loginUrl: "http://login.salesforce.com" })).rejects.toBeInstanceOf(ConfigError);
    expect(calls).toEqual([]);
  });

  it("rejects a token response whose signature was not made with the client secret", async () => {
    const fetch: typeof globalThis.fetch = async () => Response.json(tokenResponse());
    const oauth = new SalesforceOAuth({ clientId: "cid", clientSecret: "not-the-one", stateSecret: STATE_SECRET, fetch });
    await expect(oauth.refresh(credentials)).rejects.toThrow(/signature does not match/);
  });

  it("rejects an instance URL off Salesforce, so the access token never goes there", async () => {
    const fetch: typeof globalThis.fetch = async () =>
      Response.json(tokenResponse({ instance_url: "https://attacker.example", signature: undefined }));
    const oauth = new SalesforceOAuth({ clientId: "cid", clientSecret: "secret", stateSecret: STATE_SECRET, fetch });
    await expect(oauth.refresh(credentials)).rejects.toBeInstanceOf(ConfigError);
  });

  it("parses the documented response (issued_at a string, no expires_in, no refresh token) and keeps the refresh token", async () => {
    const fetch: typeof globalThis.fetch = async () => Response.json(tokenResponse({ signature: undefined }));
    const oauth = new SalesforceOAuth({ clientId: "cid", clientSecret: "secret", stateSecret: STATE_SECRET, fetch });
    const tokens = await oauth.refresh(credentials);
    expect(tokens).toEqual({
      credentials: {
        accessToken: "00DB0000000TfcR!AQQAQ",
        refreshToken: "5Aep-refresh",
        instanceUrl: "https://mycompany.my.salesforce.com",
        loginUrl: "https://login.salesforce.com",
        identityUrl: "https://login.salesforce.com/id/00DB0000000TfcRMAS/005B0000005Bk90IAC",
        issuedAt: "1558553873237",
      },
    });
  });

  it("maps invalid_grant from the token endpoint to an AuthError whose message never holds the token", async () => {
    const fetch: typeof globalThis.fetch = async () =>
      Response.json({ error: "invalid_grant", error_description: "expired access/refresh token" }, { status: 400 });
    const oauth = new SalesforceOAuth({ clientId: "cid", clientSecret: "secret", stateSecret: STATE_SECRET, fetch });
    const error: unknown = await oauth.refresh(credentials).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthError);
    expect(String(error)).toContain("invalid_grant");
    expect(String(error)).not.toContain("5Aep-refresh");
  });
});
