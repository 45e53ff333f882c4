/** test/auth.test.ts, test/oauth.test.ts and test/webhook.test.ts. */
import { specifiers, str, type TemplateContext } from "./context.js";
import { specsOf } from "./kinds.js";

const ENCRYPTION_KEY_SETUP = `    // Core encrypts with the deployment's key (CONNECTOR_ENCRYPTION_KEY); the tests bring their own.
    vi.stubEnv("CONNECTOR_ENCRYPTION_KEY", randomBytes(32).toString("hex"));`;

const CAUGHT = `/** The error \`run\` throws (synchronous code). */
function caught(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}`;

export function authTestTs(ctx: TemplateContext): string {
  const { pascal: p, displayName: d } = ctx;
  if (ctx.oauth) {
    return `import { isAuthError, isConfigError, isCryptoError } from "@gtm-clarity/core";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
${specifiers(
  "import",
  ["authHeaders", `decrypt${p}Tokens`, `encrypt${p}Tokens`, `parse${p}Credentials`],
  "../src/auth.js",
)}
import { ${p}Connector } from "../src/connector.js";
import { start${p}Sandbox, type ${p}Sandbox } from "../src/sandbox/index.js";

const binding = { tenantId: "tenant-a", connectionId: "connection-1" };

${CAUGHT}

describe(${str(`${d} auth`)}, () => {
  let sandbox: ${p}Sandbox;
  let connector: ${p}Connector;

  beforeAll(async () => {
${ENCRYPTION_KEY_SETUP}
    sandbox = await start${p}Sandbox({ rateLimitOnRequests: [] });
    connector = new ${p}Connector({
      oauth: {
        baseUrl: sandbox.url,
        clientId: sandbox.clientId,
        clientSecret: sandbox.clientSecret,
        stateSecret: randomBytes(32).toString("hex"),
      },
    });
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await sandbox.close();
  });

  it("stores the tokens encrypted by core, readable only by the same tenant and connection", () => {
    const tokens = { accessToken: "at_0123456789", refreshToken: "rt_0123456789" };
    const encryptedTokens = encrypt${p}Tokens(tokens, binding);
    expect(encryptedTokens).not.toContain("rt_0123456789");
    expect(decrypt${p}Tokens({ ...binding, settings: { encryptedTokens } })).toEqual(tokens);
    const elsewhere = { tenantId: "tenant-b", connectionId: "connection-1", settings: { encryptedTokens } };
    expect(caught(() => decrypt${p}Tokens(elsewhere))).toSatisfy(isCryptoError);
  });

  it("refuses a connection without stored tokens", () => {
    expect(caught(() => decrypt${p}Tokens({ ...binding, settings: {} }))).toSatisfy(isConfigError);
  });

  it("authenticates by refreshing the stored tokens, and hands back the rotated pair", async () => {
    const stored = { accessToken: sandbox.accessToken, refreshToken: sandbox.refreshToken };
    const settings = { encryptedTokens: encrypt${p}Tokens(stored, binding), baseUrl: sandbox.url };
    const result = await connector.authenticate({ ...binding, settings });
    expect(result.credentials["accessToken"]).not.toBe(sandbox.accessToken);
    expect(result.credentials["refreshToken"]).not.toBe(sandbox.refreshToken);
    expect(result.credentials["baseUrl"]).toBe(sandbox.url);
    expect(result.expiresAt?.getTime()).toBeGreaterThan(Date.now());
    await expect(connector.healthCheck(result.credentials)).resolves.toMatchObject({ healthy: true });
  });

  it("rejects a revoked refresh token with an AuthError", async () => {
    const stored = { accessToken: "at_revoked_0123456789", refreshToken: "rt_revoked_0123456789" };
    const settings = { encryptedTokens: encrypt${p}Tokens(stored, binding), baseUrl: sandbox.url };
    await expect(connector.authenticate({ ...binding, settings })).rejects.toSatisfy(isAuthError);
  });

  it("sends the access token as a Bearer token", () => {
    const credentials = parse${p}Credentials({ accessToken: "at_0123456789" });
    expect(authHeaders(credentials)).toEqual({ Authorization: "Bearer at_0123456789" });
  });

  it("treats credentials without an access token as needing reconnection", () => {
    expect(caught(() => parse${p}Credentials({}))).toSatisfy(isAuthError);
  });
});
`;
  }
  return `import { isAuthError, isConfigError, isCryptoError } from "@gtm-clarity/core";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
${specifiers(
  "import",
  ["authHeaders", `decrypt${p}ApiKey`, `encrypt${p}ApiKey`, `parse${p}Credentials`],
  "../src/auth.js",
)}
import { ${p}Connector } from "../src/connector.js";
import { start${p}Sandbox, type ${p}Sandbox } from "../src/sandbox/index.js";

const binding = { tenantId: "tenant-a", connectionId: "connection-1" };

${CAUGHT}

describe(${str(`${d} auth`)}, () => {
  let sandbox: ${p}Sandbox;

  beforeAll(async () => {
${ENCRYPTION_KEY_SETUP}
    sandbox = await start${p}Sandbox({ rateLimitOnRequests: [] });
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await sandbox.close();
  });

  it("stores the key encrypted by core, readable only by the same tenant and connection", () => {
    const encryptedApiKey = encrypt${p}ApiKey(" fake_key_0123456789 ", binding);
    expect(encryptedApiKey).not.toContain("fake_key_0123456789");
    expect(decrypt${p}ApiKey({ ...binding, settings: { encryptedApiKey } })).toBe("fake_key_0123456789");
    const elsewhere = { tenantId: "tenant-b", connectionId: "connection-1", settings: { encryptedApiKey } };
    expect(caught(() => decrypt${p}ApiKey(elsewhere))).toSatisfy(isCryptoError);
  });

  it("refuses a connection without a stored key", () => {
    expect(caught(() => decrypt${p}ApiKey({ ...binding, settings: {} }))).toSatisfy(isConfigError);
  });

  it("authenticates against the API and returns the credentials sync takes", async () => {
    const settings = { encryptedApiKey: encrypt${p}ApiKey(sandbox.apiKey, binding), baseUrl: sandbox.url };
    await expect(new ${p}Connector().authenticate({ ...binding, settings })).resolves.toEqual({
      credentials: { apiKey: sandbox.apiKey, baseUrl: sandbox.url },
    });
  });

  it("rejects a key the API does not accept with an AuthError", async () => {
    const settings = { encryptedApiKey: encrypt${p}ApiKey("sk_revoked_0123456789", binding), baseUrl: sandbox.url };
    await expect(new ${p}Connector().authenticate({ ...binding, settings })).rejects.toSatisfy(isAuthError);
  });

  it("sends the key in the X-Api-Key header", () => {
    const credentials = parse${p}Credentials({ apiKey: "fake_key_0123456789" });
    expect(authHeaders(credentials)).toEqual({ "X-Api-Key": "fake_key_0123456789" });
  });

  it("treats credentials without a key as needing reconnection", () => {
    expect(caught(() => parse${p}Credentials({}))).toSatisfy(isAuthError);
  });
});
`;
}

export function oauthTestTs(ctx: TemplateContext): string {
  const { pascal: p, displayName: d, constant: c } = ctx;
  return `import {
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
import { ${p}OAuth } from "../src/oauth.js";
import { ${p}Connector } from "../src/connector.js";
import { start${p}Sandbox, type ${p}Sandbox } from "../src/sandbox/index.js";

const REDIRECT_URI = "https://app.example.com/api/connectors/${ctx.name}/callback";
const TENANT = "tenant-a";

/** A SignatureError for \`reason\`: what core's verifyOAuthState throws. */
const rejectedFor = (reason: string) => ({ code: "SIGNATURE", details: { reason } });

/** What the app does when a user of TENANT clicks "connect": a fresh binding cookie for this browser. */
function startRequest() {
  const { cookieValue } = createOAuthBinding();
  return { tenantId: TENANT, connectionId: "connection-1", redirectUri: REDIRECT_URI, sessionBinding: cookieValue };
}

describe(${str(`${d} OAuth`)}, () => {
  const stateSecret = randomBytes(32).toString("hex");
  let sandbox: ${p}Sandbox;
  let oauth: ${p}OAuth;

  beforeAll(async () => {
    sandbox = await start${p}Sandbox({ rateLimitOnRequests: [] });
    const { url: baseUrl, clientId, clientSecret } = sandbox;
    oauth = new ${p}OAuth({ baseUrl, clientId, clientSecret, stateSecret });
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
    expect(\`\${callback.origin}\${callback.pathname}\`).toBe(REDIRECT_URI);
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
    expect(\`\${url.origin}\${url.pathname}\`).toBe(\`\${sandbox.url}/oauth/authorize\`);
    expect(url.searchParams.get("client_id")).toBe(sandbox.clientId);
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
    const health = await new ${p}Connector().healthCheck({ ...tokens.credentials, baseUrl: sandbox.url });
    expect(health).toMatchObject({ healthy: true });
  });

  it("accepts each state once: a replayed callback is a SignatureError", async () => {
    const { callback } = await approvedFlow();
    await oauth.exchangeCode(callback);
    await expect(oauth.exchangeCode(callback)).rejects.toMatchObject(rejectedFor("replayed"));
  });

  it("rejects a callback from another browser (wrong or no binding cookie) before any token request", async () => {
    const { callback } = await approvedFlow();
    const before = sandbox.stats().tokenRequests;
    const otherBrowser = { ...callback, sessionBinding: createOAuthBinding().cookieValue };
    await expect(oauth.exchangeCode(otherBrowser)).rejects.toMatchObject(rejectedFor("binding_mismatch"));
    const noCookie = { ...callback, sessionBinding: undefined };
    await expect(oauth.exchangeCode(noCookie)).rejects.toMatchObject(rejectedFor("binding_mismatch"));
    expect(sandbox.stats().tokenRequests).toBe(before);
    // The rejected attempts did not use up the state: the browser that started the flow still finishes it.
    await expect(oauth.exchangeCode(callback)).resolves.toHaveProperty("credentials");
  });

  it("rejects a callback in another tenant's session before any token request", async () => {
    const { callback } = await approvedFlow();
    const before = sandbox.stats().tokenRequests;
    const otherTenant = { ...callback, tenantId: "tenant-b" };
    await expect(oauth.exchangeCode(otherTenant)).rejects.toMatchObject(rejectedFor("tenant_mismatch"));
    expect(sandbox.stats().tokenRequests).toBe(before);
  });

  it("rejects a forged state before sending the code anywhere", async () => {
    const before = sandbox.stats().tokenRequests;
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
    expect(sandbox.stats().tokenRequests).toBe(before);
  });

  it("rejects a code presented with another PKCE verifier as an AuthError", async () => {
    const { callback } = await approvedFlow();
    const otherVerifier = { ...callback, codeVerifier: createPkcePair().codeVerifier };
    await expect(oauth.exchangeCode(otherVerifier)).rejects.toSatisfy(isAuthError);
  });

  it("refreshes and rotates the refresh token; the old one stops working", async () => {
    const refreshed = await oauth.refresh({ refreshToken: sandbox.refreshToken });
    expect(refreshed.rotated).toBe(true);
    expect(refreshed.credentials["refreshToken"]).not.toBe(sandbox.refreshToken);
    await expect(oauth.refresh({ refreshToken: sandbox.refreshToken })).rejects.toSatisfy(isAuthError);
  });

  it("says what is missing when OAuth is not configured", async () => {
    vi.stubEnv("${c}_CLIENT_ID", "");
    vi.stubEnv("OAUTH_STATE_SECRET", "");
    const unconfigured = new ${p}OAuth({ baseUrl: sandbox.url });
    await expect(unconfigured.authorizationUrl(startRequest())).rejects.toSatisfy(isConfigError);
  });

  it("refuses a state lifetime over 15 minutes as a ConfigError", async () => {
    const { url: baseUrl, clientId, clientSecret } = sandbox;
    const tooLong = new ${p}OAuth({ baseUrl, clientId, clientSecret, stateSecret, stateTtlSeconds: 901 });
    await expect(tooLong.authorizationUrl(startRequest())).rejects.toSatisfy(isConfigError);
  });
});
`;
}

export function webhookTestTs(ctx: TemplateContext): string {
  const { pascal: p, displayName: d } = ctx;
  const first = specsOf(ctx.kinds)[0];
  if (first === undefined) throw new Error("a connector syncs at least one kind");
  const t = first.title;
  return `import { isSchemaError, isSignatureError, signStandardWebhook } from "@gtm-clarity/core";
import { describe, expect, it } from "vitest";
${specifiers(
  "import",
  ["createWebhookSecret", `malformed${t}`, `sandbox${t}`, `sign${p}Webhook`],
  "../src/sandbox/index.js",
)}
import { transform${t} } from "../src/sync/transform.js";
import { ${p}Webhooks } from "../src/webhook.js";

describe(${str(`${d} webhooks`)}, () => {
  const secret = createWebhookSecret();
  const webhooks = new ${p}Webhooks();

  it("verifies the signature and transforms the record exactly like a pull", async () => {
    const body = { type: "${first.kind}.updated", data: sandbox${t}(0) };
    const delivery = sign${p}Webhook(body, { secret, id: "msg_0001" });
    const event = await webhooks.handle({ headers: delivery.headers, rawBody: delivery.rawBody, secret });
    expect(event.eventId).toBe("msg_0001");
    const pulled = transform${t}(sandbox${t}(0));
    expect(event.records).toEqual(pulled.ok ? [pulled.record] : ["the pulled record was quarantined"]);
    expect(event.quarantined).toEqual([]);
  });

  it("accepts the raw body as bytes", async () => {
    const body = { type: "${first.kind}.created", data: sandbox${t}(1) };
    const delivery = sign${p}Webhook(body, { secret });
    const rawBody = new TextEncoder().encode(delivery.rawBody);
    const event = await webhooks.handle({ headers: delivery.headers, rawBody, secret });
    expect(event.records).toHaveLength(1);
  });

  it("marks the record deleted on a .deleted event", async () => {
    const body = { type: "${first.kind}.deleted", data: sandbox${t}(2) };
    const delivery = sign${p}Webhook(body, { secret });
    const event = await webhooks.handle({ headers: delivery.headers, rawBody: delivery.rawBody, secret });
    expect(event.records[0]?.isDeleted).toBe(true);
  });

  it("rejects a tampered body, a wrong secret and a stale timestamp with a SignatureError", async () => {
    const body = { type: "${first.kind}.updated", data: sandbox${t}(0) };
    const delivery = sign${p}Webhook(body, { secret });
    const tampered = { headers: delivery.headers, rawBody: \`\${delivery.rawBody} \`, secret };
    await expect(webhooks.handle(tampered)).rejects.toSatisfy(isSignatureError);
    const wrongSecret = { headers: delivery.headers, rawBody: delivery.rawBody, secret: createWebhookSecret() };
    await expect(webhooks.handle(wrongSecret)).rejects.toSatisfy(isSignatureError);
    const hourAgo = Math.floor(Date.now() / 1000) - 3600;
    const stale = sign${p}Webhook(body, { secret, timestamp: hourAgo });
    await expect(webhooks.handle({ ...stale, secret })).rejects.toSatisfy(isSignatureError);
  });

  it("quarantines a signed but malformed record instead of throwing", async () => {
    const body = { type: "${first.kind}.updated", data: malformed${t}() };
    const delivery = sign${p}Webhook(body, { secret });
    const event = await webhooks.handle({ headers: delivery.headers, rawBody: delivery.rawBody, secret });
    expect(event.records).toEqual([]);
    expect(event.quarantined.map((item) => item.externalId)).toEqual(["${first.idPrefix}_malformed"]);
  });

  it("rejects a signed body that is not JSON with a SchemaError", async () => {
    const id = "msg_0002";
    const timestamp = Math.floor(Date.now() / 1000);
    const rawBody = "not json";
    const headers = {
      "webhook-id": id,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": signStandardWebhook({ id, timestamp, body: rawBody, secret }),
    };
    await expect(webhooks.handle({ headers, rawBody, secret })).rejects.toSatisfy(isSchemaError);
  });

  it("acknowledges events it does not handle, and quarantines a body that is not an event", async () => {
    const other = sign${p}Webhook({ type: "invoice.paid", data: {} }, { secret });
    expect(await webhooks.handle({ ...other, secret })).toMatchObject({ records: [], quarantined: [] });
    const odd = sign${p}Webhook({ type: "", data: null }, { secret });
    expect((await webhooks.handle({ ...odd, secret })).quarantined).toHaveLength(1);
  });
});
`;
}
