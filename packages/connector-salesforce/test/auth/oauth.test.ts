import { isAuthError, isConfigError } from "@gtm-clarity/core";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  authHeaders,
  createSalesforceAuth,
  parseSalesforceCredentials,
  SalesforceOAuth,
} from "../../src/auth/oauth.js";
import { createSandboxAuth, type OAuthSandboxAuth } from "../../src/sandbox/auth/oauth.js";
import { startSalesforceSandbox, type SalesforceSandbox } from "../../src/sandbox/index.js";
import { caught, verifyWith } from "./support.js";

describe("Salesforce OAuth credentials", () => {
  let sandbox: SalesforceSandbox;
  let auth: OAuthSandboxAuth;
  const verify = verifyWith(
    () => sandbox.url,
    (credentials) => authHeaders(parseSalesforceCredentials(credentials)),
  );

  beforeAll(async () => {
    auth = createSandboxAuth();
    sandbox = await startSalesforceSandbox({ auth, rateLimitOnRequests: [] });
  });

  afterAll(async () => {
    await sandbox.close();
  });

  const connect = () =>
    createSalesforceAuth({
      oauth: {
        baseUrl: sandbox.url,
        clientId: auth.clientId,
        clientSecret: auth.clientSecret,
        stateSecret: randomBytes(32).toString("hex"),
      },
    });

  it("declares no secretsSchema: the tokens come from the OAuth flow, nobody types them in", () => {
    expect(connect().secretsSchema).toBeUndefined();
  });

  it("authenticates by refreshing the flow's tokens, and hands back the rotated pair as tokens only", async () => {
    const stored = { accessToken: auth.initial.accessToken, refreshToken: auth.initial.refreshToken };
    const result = await connect().authenticate(stored, verify);
    expect(Object.keys(result.credentials).sort()).toEqual(["accessToken", "refreshToken"]);
    expect(result.credentials["accessToken"]).not.toBe(stored.accessToken);
    expect(result.credentials["refreshToken"]).not.toBe(stored.refreshToken);
    expect(result.expiresAt?.getTime()).toBeGreaterThan(Date.now());
    await expect(verify(result.credentials)).resolves.toBeUndefined();
  });

  it("refuses to authenticate without the flow's tokens", async () => {
    await expect(connect().authenticate(undefined, verify)).rejects.toSatisfy(isConfigError);
  });

  it("rejects a revoked refresh token with an AuthError", async () => {
    const stored = { accessToken: "at_revoked_0123456789", refreshToken: "rt_revoked_0123456789" };
    await expect(connect().authenticate(stored, verify)).rejects.toSatisfy(isAuthError);
  });

  it("gives the sandbox's credentials as the tokens only", () => {
    const { accessToken, refreshToken } = auth.initial;
    expect(auth.credentials()).toEqual({ accessToken, refreshToken });
    expect(Object.keys(auth.badCredentials()).sort()).toEqual(["accessToken", "refreshToken"]);
  });

  it("sends the access token as a Bearer token", () => {
    const credentials = parseSalesforceCredentials({ accessToken: "at_0123456789" });
    expect(authHeaders(credentials)).toEqual({ Authorization: "Bearer at_0123456789" });
  });

  it("treats credentials without an access token as needing reconnection", () => {
    expect(caught(() => parseSalesforceCredentials({}))).toSatisfy(isAuthError);
  });

  it("offers the OAuth flow as the connector's oauth capability", () => {
    expect(connect().oauth).toBeInstanceOf(SalesforceOAuth);
  });
});
