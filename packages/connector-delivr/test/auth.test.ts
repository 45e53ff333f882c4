import { AuthError, isAuthError, isConfigError } from "@gtm-clarity/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authHeaders, createDelivrAuth, DelivrSecretsSchema, parseDelivrCredentials } from "../src/auth.js";
import { DelivrConnector } from "../src/connector.js";
import { startDelivrSandbox, type DelivrSandbox } from "../src/sandbox/index.js";
import { FAST } from "./support.js";

const binding = { tenantId: "t", connectionId: "c" };

describe("Delivr.ai API key + secret", () => {
  let sandbox: DelivrSandbox;
  const connector = new DelivrConnector(FAST);

  beforeAll(async () => {
    sandbox = await startDelivrSandbox({ rateLimitOnRequests: [] });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it("asks for both the key and the secret, each described for the connect form", () => {
    expect(connector.secretsSchema).toBe(DelivrSecretsSchema);
    expect(DelivrSecretsSchema.shape.apiKey.description).toContain("dlvr_");
    expect(DelivrSecretsSchema.shape.apiSecret.description).toBeTruthy();
    expect(DelivrSecretsSchema.parse({ apiKey: " dlvr_fake_1 ", apiSecret: " abc123 " })).toEqual({
      apiKey: "dlvr_fake_1",
      apiSecret: "abc123",
    });
  });

  it("validates the pair with one cheap call and returns both as the credentials (nothing else)", async () => {
    const before = sandbox.stats().requests;
    const result = await connector.authenticate({
      ...binding,
      settings: sandbox.settings({ tenantId: "t", connectionId: "c" }),
      secrets: { ...sandbox.credentials, baseUrl: "https://elsewhere.example" },
    });
    expect(result).toEqual({ credentials: sandbox.credentials });
    expect(sandbox.stats().requests - before).toBe(1);
  });

  it("sends both headers on every request", () => {
    expect(authHeaders(parseDelivrCredentials({ apiKey: "dlvr_fake_1", apiSecret: "beef" }))).toEqual({
      "X-Api-Key": "dlvr_fake_1",
      "X-Api-Secret": "beef",
    });
  });

  it.each([
    ["a wrong secret", (s: DelivrSandbox) => s.badCredentials],
    ["a wrong key", (s: DelivrSandbox) => ({ ...s.credentials, apiKey: "dlvr_revoked_0000" })],
  ])("refuses %s with a non-retryable AuthError that does not repeat it", async (_label, pick) => {
    const secrets = pick(sandbox);
    const error: unknown = await connector
      .authenticate({ ...binding, settings: sandbox.settings(binding), secrets })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ retryable: false });
    for (const value of Object.values(secrets)) expect(String(error)).not.toContain(value);
  });

  it("treats a 403 as an auth error too (a key without access to the organisation)", async () => {
    const error: unknown = await connector
      .sync(sandbox.credentials, null, {
        settings: { ...sandbox.settings({ tenantId: "t", connectionId: "c" }), pixelId: undefined, projectId: undefined, organizationId: "org_not_mine", streams: ["visits"] },
      })
      .catch((caught: unknown) => caught);
    expect(isAuthError(error)).toBe(true);
  });

  it("refuses missing, blank or multi-line secrets with a ConfigError naming fields, never values", async () => {
    const auth = createDelivrAuth();
    const verify = () => Promise.resolve();
    await expect(auth.authenticate(undefined, verify)).rejects.toSatisfy(isConfigError);
    const error: unknown = await auth
      .authenticate({ apiKey: "dlvr_ok_123", apiSecret: "line1\nX-Injected: yes" }, verify)
      .catch((caught: unknown) => caught);
    expect(error).toSatisfy(isConfigError);
    expect(String(error)).toContain("apiSecret");
    expect(String(error)).not.toContain("line1");
    expect(String(error)).not.toContain("dlvr_ok_123");
  });

  it("treats stored credentials without a secret as needing a reconnect", () => {
    expect(() => parseDelivrCredentials({ apiKey: "dlvr_fake_1" })).toThrow(AuthError);
  });

  it("reports health through the same call, unhealthy (not thrown) with a wrong secret, secrets scrubbed", async () => {
    const settings = sandbox.settings({ tenantId: "t", connectionId: "c" });
    await expect(connector.healthCheck(sandbox.credentials, { settings })).resolves.toMatchObject({ healthy: true });
    const bad = await connector.healthCheck(sandbox.badCredentials, { settings });
    expect(bad.healthy).toBe(false);
    expect(bad.error).toMatch(/AuthError/);
    expect(bad.error).not.toContain(sandbox.badCredentials["apiSecret"]);
  });
});
