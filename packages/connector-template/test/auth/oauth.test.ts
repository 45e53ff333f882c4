import { isAuthError, isConfigError, isCryptoError } from "@gtm-clarity/core";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  authHeaders,
  createTemplateAuth,
  decryptTemplateTokens,
  encryptTemplateTokens,
  parseTemplateCredentials,
  TemplateOAuth,
} from "../../src/auth/oauth.js";
import { createSandboxAuth, type OAuthSandboxAuth } from "../../src/sandbox/auth/oauth.js";
import { startTemplateSandbox, type TemplateSandbox } from "../../src/sandbox/index.js";
import { binding, caught, verifyWith } from "./support.js";

describe("Template OAuth credentials", () => {
  let sandbox: TemplateSandbox;
  let auth: OAuthSandboxAuth;
  const verify = verifyWith((credentials) => authHeaders(parseTemplateCredentials(credentials)));

  beforeAll(async () => {
    // Core encrypts with the deployment's key (CONNECTOR_ENCRYPTION_KEY); the tests bring their own.
    vi.stubEnv("CONNECTOR_ENCRYPTION_KEY", randomBytes(32).toString("hex"));
    auth = createSandboxAuth();
    sandbox = await startTemplateSandbox({ auth, rateLimitOnRequests: [] });
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await sandbox.close();
  });

  const connect = () =>
    createTemplateAuth({
      oauth: {
        baseUrl: sandbox.url,
        clientId: auth.clientId,
        clientSecret: auth.clientSecret,
        stateSecret: randomBytes(32).toString("hex"),
      },
    });

  it("stores the tokens encrypted by core, readable only by the same tenant and connection", () => {
    const tokens = { accessToken: "at_0123456789", refreshToken: "rt_0123456789" };
    const encryptedTokens = encryptTemplateTokens(tokens, binding);
    expect(encryptedTokens).not.toContain("rt_0123456789");
    expect(decryptTemplateTokens({ ...binding, settings: { encryptedTokens } })).toEqual(tokens);
    const elsewhere = { tenantId: "tenant-b", connectionId: "connection-1", settings: { encryptedTokens } };
    expect(caught(() => decryptTemplateTokens(elsewhere))).toSatisfy(isCryptoError);
  });

  it("gives the sandbox's connection settings the tokens sealed for their binding", () => {
    const settings = auth.settings(sandbox.url, binding);
    const { accessToken, refreshToken } = auth.initial;
    expect(decryptTemplateTokens({ ...binding, settings })).toEqual({ accessToken, refreshToken });
  });

  it("refuses a connection without stored tokens", () => {
    expect(caught(() => decryptTemplateTokens({ ...binding, settings: {} }))).toSatisfy(isConfigError);
  });

  it("authenticates by refreshing the stored tokens, and hands back the rotated pair", async () => {
    const stored = { accessToken: auth.initial.accessToken, refreshToken: auth.initial.refreshToken };
    const settings = { encryptedTokens: encryptTemplateTokens(stored, binding), baseUrl: sandbox.url };
    const result = await connect().authenticate({ ...binding, settings }, verify);
    expect(result.credentials["accessToken"]).not.toBe(stored.accessToken);
    expect(result.credentials["refreshToken"]).not.toBe(stored.refreshToken);
    expect(result.credentials["baseUrl"]).toBe(sandbox.url);
    expect(result.expiresAt?.getTime()).toBeGreaterThan(Date.now());
    await expect(verify(result.credentials)).resolves.toBeUndefined();
  });

  it("rejects a revoked refresh token with an AuthError", async () => {
    const stored = { accessToken: "at_revoked_0123456789", refreshToken: "rt_revoked_0123456789" };
    const settings = { encryptedTokens: encryptTemplateTokens(stored, binding), baseUrl: sandbox.url };
    await expect(connect().authenticate({ ...binding, settings }, verify)).rejects.toSatisfy(isAuthError);
  });

  it("sends the access token as a Bearer token", () => {
    const credentials = parseTemplateCredentials({ accessToken: "at_0123456789" });
    expect(authHeaders(credentials)).toEqual({ Authorization: "Bearer at_0123456789" });
  });

  it("treats credentials without an access token as needing reconnection", () => {
    expect(caught(() => parseTemplateCredentials({}))).toSatisfy(isAuthError);
  });

  it("offers the OAuth flow as the connector's oauth capability", () => {
    expect(connect().oauth).toBeInstanceOf(TemplateOAuth);
  });
});
