import { isAuthError, isConfigError, isCryptoError } from "@gtm-clarity/core";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  authHeaders,
  createTemplateAuth,
  decryptTemplateApiKey,
  encryptTemplateApiKey,
  parseTemplateCredentials,
} from "../../src/auth/api-key.js";
import { createSandboxAuth, type ApiKeySandboxAuth } from "../../src/sandbox/auth/api-key.js";
import { startTemplateSandbox, type TemplateSandbox } from "../../src/sandbox/index.js";
import { binding, caught, verifyWith } from "./support.js";

describe("Template API-key credentials", () => {
  let sandbox: TemplateSandbox;
  let auth: ApiKeySandboxAuth;
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

  it("stores the key encrypted by core, readable only by the same tenant and connection", () => {
    const encryptedApiKey = encryptTemplateApiKey(" fake_key_0123456789 ", binding);
    expect(encryptedApiKey).not.toContain("fake_key_0123456789");
    expect(decryptTemplateApiKey({ ...binding, settings: { encryptedApiKey } })).toBe("fake_key_0123456789");
    const elsewhere = { tenantId: "tenant-b", connectionId: "connection-1", settings: { encryptedApiKey } };
    expect(caught(() => decryptTemplateApiKey(elsewhere))).toSatisfy(isCryptoError);
  });

  it("gives the sandbox's connection settings the key sealed for their binding", () => {
    expect(decryptTemplateApiKey({ ...binding, settings: auth.settings(sandbox.url, binding) })).toBe(auth.apiKey);
  });

  it("refuses a connection without a stored key", () => {
    expect(caught(() => decryptTemplateApiKey({ ...binding, settings: {} }))).toSatisfy(isConfigError);
  });

  it("authenticates against the API and returns the credentials sync takes", async () => {
    const settings = { encryptedApiKey: encryptTemplateApiKey(auth.apiKey, binding), baseUrl: sandbox.url };
    await expect(createTemplateAuth().authenticate({ ...binding, settings }, verify)).resolves.toEqual({
      credentials: { apiKey: auth.apiKey, baseUrl: sandbox.url },
    });
  });

  it("rejects a key the API does not accept with an AuthError", async () => {
    const settings = { encryptedApiKey: encryptTemplateApiKey("sk_revoked_0123456789", binding), baseUrl: sandbox.url };
    await expect(createTemplateAuth().authenticate({ ...binding, settings }, verify)).rejects.toSatisfy(isAuthError);
  });

  it("sends the key in the X-Api-Key header", () => {
    const credentials = parseTemplateCredentials({ apiKey: "fake_key_0123456789" });
    expect(authHeaders(credentials)).toEqual({ "X-Api-Key": "fake_key_0123456789" });
  });

  it("has no OAuth flow", () => {
    expect(createTemplateAuth().oauth).toBeUndefined();
  });
});
