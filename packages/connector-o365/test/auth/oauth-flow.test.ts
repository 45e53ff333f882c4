import {
  createMemoryNonceStore,
  createOAuthBinding,
  createPkcePair,
  isAuthError,
  isConfigError,
  isSignatureError,
  pkceChallenge,
  verifyOAuthState,
  type OAuthAuthorization,
  type OAuthCallback,
} from "@gtm-clarity/core";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { O365OAuth } from "../../src/auth/oauth-flow.js";
import { createSandboxAuth, type OAuthSandboxAuth } from "../../src/sandbox/auth/oauth.js";
import { O365Connector } from "../../src/connector.js";
import { startO365Sandbox, type O365Sandbox } from "../../src/sandbox/index.js";

const REDIRECT_URI = "https://app.example.com/api/connectors/o365/callback";
const TENANT = "tenant-a";

/** A SignatureError for `reason`: what core's verifyOAuthState throws. */
const rejectedFor = (reason: string) => ({ code: "SIGNATURE", details: { reason } });

/** What the app does when a user of TENANT clicks "connect": a fresh binding cookie for this browser. */
function startRequest() {
  const { cookieValue } = createOAuthBinding();
  return { tenantId: TENANT, connectionId: "connection-1", redirectUri: REDIRECT_URI, sessionBinding: cookieValue };
}

describe("Microsoft 365 OAuth", () => {
  const stateSecret = randomBytes(32).toString("hex");
  let sandbox: O365Sandbox;
  let auth: OAuthSandboxAuth;
  let oauth: O365OAuth;

  beforeAll(async () => {
    auth = createSandboxAuth();
    sandbox = await startO365Sandbox({ auth, rateLimitOnRequests: [] });
    const { clientId, clientSecret } = auth;
    const baseUrl = sandbox.url;
    oauth = new O365OAuth({ baseUrl, clientId, clientSecret, stateSecret });
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await sandbox.close();
  });

  /** What the user's browser does: open the authorization URL; the sandbox approves at once and redirects back. */
  async function approve(url: string): Promise<{ code: string; state: string }> {
    const response = await fetch(url, { redirect: "manual" });
    expect(response.status).toBe(302);
    const callback = new URL(response.headers.get("location") ?? "");
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT_URI);
    return { code: callback.searchParams.get("code") ?? "", state: callback.searchParams.get("state") ?? "" };
  }

  /** A started and approved flow, and the callback the app builds from the browser that started it. */
  async function approvedFlow(): Promise<{ authorization: OAuthAuthorization; callback: OAuthCallback }> {
    const request = startRequest();
    const authorization = await oauth.authorizationUrl(request);
    const { code, state } = await approve(authorization.url);
    const callback: OAuthCallback = {
      code,
      state,
      codeVerifier: authorization.codeVerifier,
      redirectUri: REDIRECT_URI,
      sessionBinding: request.sessionBinding,
      tenantId: TENANT,
    };
    return { authorization, callback };
  }

  it("builds an authorization URL with a signed, session-bound state and an S256 PKCE challenge", async () => {
    const request = startRequest();
    const authorization = await oauth.authorizationUrl({ ...request, scopes: ["write"] });
    const url = new URL(authorization.url);
    expect(`${url.origin}${url.pathname}`).toBe(`${sandbox.url}/oauth/authorize`);
    expect(url.searchParams.get("client_id")).toBe(auth.clientId);
    expect(url.searchParams.get("redirect_uri")).toBe(REDIRECT_URI);
    expect(url.searchParams.get("scope")).toBe("read write");
    expect(url.searchParams.get("state")).toBe(authorization.state);
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("code_challenge")).toBe(pkceChallenge(authorization.codeVerifier));
    // The binding cookie never travels in the URL: the state holds only its hash.
    expect(authorization.url).not.toContain(request.sessionBinding);
    const verified = await verifyOAuthState(authorization.state, {
      secret: stateSecret,
      nonceStore: createMemoryNonceStore(),
      sessionBinding: request.sessionBinding,
      expectedTenantId: TENANT,
    });
    expect(verified).toMatchObject({ tenantId: TENANT, connectionId: "connection-1" });
  });

  it("exchanges the code for tokens the API accepts", async () => {
    const { authorization, callback } = await approvedFlow();
    expect(callback.state).toBe(authorization.state);
    const tokens = await oauth.exchangeCode(callback);
    expect(tokens.credentials["refreshToken"]).toBeTruthy();
    expect(tokens.expiresAt?.getTime()).toBeGreaterThan(Date.now());
    // The tokens are the credentials; where the API is comes from the connection's settings.
    expect(Object.keys(tokens.credentials).sort()).toEqual(["accessToken", "refreshToken"]);
    const health = await new O365Connector().healthCheck(tokens.credentials, { settings: { baseUrl: sandbox.url } });
    expect(health).toMatchObject({ healthy: true });
  });

  it("accepts each state once: a replayed callback is a SignatureError", async () => {
    const { callback } = await approvedFlow();
    await oauth.exchangeCode(callback);
    await expect(oauth.exchangeCode(callback)).rejects.toMatchObject(rejectedFor("replayed"));
  });

  it("rejects a callback from another browser (wrong or no binding cookie) before any token request", async () => {
    const { callback } = await approvedFlow();
    const before = auth.authRequests();
    const otherBrowser = { ...callback, sessionBinding: createOAuthBinding().cookieValue };
    await expect(oauth.exchangeCode(otherBrowser)).rejects.toMatchObject(rejectedFor("binding_mismatch"));
    const noCookie = { ...callback, sessionBinding: undefined };
    await expect(oauth.exchangeCode(noCookie)).rejects.toMatchObject(rejectedFor("binding_mismatch"));
    expect(auth.authRequests()).toBe(before);
    // The rejected attempts did not use up the state: the browser that started the flow still finishes it.
    await expect(oauth.exchangeCode(callback)).resolves.toHaveProperty("credentials");
  });

  it("rejects a callback in another tenant's session before any token request", async () => {
    const { callback } = await approvedFlow();
    const before = auth.authRequests();
    const otherTenant = { ...callback, tenantId: "tenant-b" };
    await expect(oauth.exchangeCode(otherTenant)).rejects.toMatchObject(rejectedFor("tenant_mismatch"));
    expect(auth.authRequests()).toBe(before);
  });

  it("rejects a forged state before sending the code anywhere", async () => {
    const before = auth.authRequests();
    const { codeVerifier } = createPkcePair();
    const forged: OAuthCallback = {
      code: "code_x",
      state: "forged.state",
      codeVerifier,
      redirectUri: REDIRECT_URI,
      sessionBinding: createOAuthBinding().cookieValue,
      tenantId: TENANT,
    };
    await expect(oauth.exchangeCode(forged)).rejects.toSatisfy(isSignatureError);
    expect(auth.authRequests()).toBe(before);
  });

  it("rejects a code presented with another PKCE verifier as an AuthError", async () => {
    const { callback } = await approvedFlow();
    const otherVerifier = { ...callback, codeVerifier: createPkcePair().codeVerifier };
    await expect(oauth.exchangeCode(otherVerifier)).rejects.toSatisfy(isAuthError);
  });

  it("refreshes and rotates the refresh token; the old one stops working", async () => {
    const refreshed = await oauth.refresh({ refreshToken: auth.initial.refreshToken });
    expect(refreshed.rotated).toBe(true);
    expect(refreshed.credentials["refreshToken"]).not.toBe(auth.initial.refreshToken);
    await expect(oauth.refresh({ refreshToken: auth.initial.refreshToken })).rejects.toSatisfy(isAuthError);
  });

  it("says what is missing when OAuth is not configured", async () => {
    vi.stubEnv("O365_CLIENT_ID", "");
    vi.stubEnv("OAUTH_STATE_SECRET", "");
    const unconfigured = new O365OAuth({ baseUrl: sandbox.url });
    await expect(unconfigured.authorizationUrl(startRequest())).rejects.toSatisfy(isConfigError);
  });

  it("refuses a state lifetime over 15 minutes as a ConfigError", async () => {
    const { clientId, clientSecret } = auth;
    const baseUrl = sandbox.url;
    const tooLong = new O365OAuth({ baseUrl, clientId, clientSecret, stateSecret, stateTtlSeconds: 901 });
    await expect(tooLong.authorizationUrl(startRequest())).rejects.toSatisfy(isConfigError);
  });
});
