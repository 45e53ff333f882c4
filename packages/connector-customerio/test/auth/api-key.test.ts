import { isAuthError, isConfigError } from "@gtm-clarity/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  authHeaders,
  createCustomerioAuth,
  parseCustomerioCredentials,
  CustomerioSecretsSchema,
} from "../../src/auth/api-key.js";
import { createSandboxAuth, type ApiKeySandboxAuth } from "../../src/sandbox/auth/api-key.js";
import { startCustomerioSandbox, type CustomerioSandbox } from "../../src/sandbox/index.js";
import { caught, verifyWith } from "./support.js";

describe("Customer.io API-key credentials", () => {
  let sandbox: CustomerioSandbox;
  let auth: ApiKeySandboxAuth;
  const verify = verifyWith(
    () => sandbox.url,
    (credentials) => authHeaders(parseCustomerioCredentials(credentials)),
  );

  beforeAll(async () => {
    auth = createSandboxAuth();
    sandbox = await startCustomerioSandbox({ auth, rateLimitOnRequests: [] });
  });

  afterAll(async () => {
    await sandbox.close();
  });

  it("declares what a person types in to connect: the key, described for the connect form", () => {
    expect(createCustomerioAuth().secretsSchema).toBe(CustomerioSecretsSchema);
    expect(CustomerioSecretsSchema.parse({ apiKey: " fake_key_0123456789 " })).toEqual({ apiKey: "fake_key_0123456789" });
    expect(CustomerioSecretsSchema.shape.apiKey.description).toBeTruthy();
  });

  it("authenticates against the API and returns the key alone as the credentials (no settings in them)", async () => {
    await expect(createCustomerioAuth().authenticate({ apiKey: auth.apiKey }, verify)).resolves.toEqual({
      credentials: { apiKey: auth.apiKey },
    });
    // Anything else given with the key (a base URL, say) stays out of the credentials.
    const extra = await createCustomerioAuth().authenticate({ apiKey: auth.apiKey, baseUrl: sandbox.url }, verify);
    expect(extra.credentials).toEqual({ apiKey: auth.apiKey });
  });

  it("refuses missing or empty secrets with a ConfigError that never repeats them", async () => {
    await expect(createCustomerioAuth().authenticate(undefined, verify)).rejects.toSatisfy(isConfigError);
    const error: unknown = await createCustomerioAuth()
      .authenticate({ apiKey: "   ", key: "sk_misplaced_0123456789" }, verify)
      .catch((caught: unknown) => caught);
    expect(error).toSatisfy(isConfigError);
    expect(String(error)).not.toContain("sk_misplaced_0123456789");
  });

  it("rejects a key the API does not accept with an AuthError", async () => {
    await expect(createCustomerioAuth().authenticate({ apiKey: "sk_revoked_0123456789" }, verify)).rejects.toSatisfy(
      isAuthError,
    );
  });

  it("gives the sandbox's credentials as the key only", () => {
    expect(auth.credentials()).toEqual({ apiKey: auth.apiKey });
    expect(Object.keys(auth.badCredentials())).toEqual(["apiKey"]);
  });

  it("sends the key in the X-Api-Key header", () => {
    const credentials = parseCustomerioCredentials({ apiKey: "fake_key_0123456789" });
    expect(authHeaders(credentials)).toEqual({ "X-Api-Key": "fake_key_0123456789" });
  });

  it("treats credentials without a key as needing reconnection", () => {
    expect(caught(() => parseCustomerioCredentials({}))).toSatisfy(isAuthError);
  });

  it("has no OAuth flow", () => {
    expect(createCustomerioAuth().oauth).toBeUndefined();
  });
});
