import { isAuthError, isConfigError, parseConnectorSettings } from "@gtm-clarity/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCustomerioCredentials } from "../src/auth.js";
import { CustomerioConnector } from "../src/connector.js";
import { startCustomerioSandbox, type CustomerioSandbox } from "../src/sandbox/index.js";
import { binding } from "./support.js";

let sandbox: CustomerioSandbox;
beforeAll(async () => {
  sandbox = await startCustomerioSandbox({ seed: 2, size: 5 });
});
afterAll(() => sandbox.close());

/** A fetch that records each request and answers with an empty activity page. */
function recordingFetch() {
  const seen: { url: string; authorization: string | null }[] = [];
  const fetcher: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    seen.push({ url: request.url, authorization: request.headers.get("authorization") });
    return Response.json({ activities: [], next: "" });
  };
  return { seen, fetcher };
}

describe("App API key auth", () => {
  it("checks the key against the App API and stores nothing but the key", async () => {
    const connector = new CustomerioConnector();
    const result = await connector.authenticate({ ...binding, settings: sandbox.settings(binding), secrets: { apiKey: ` ${sandbox.apiKey} ` } });
    expect(result).toEqual({ credentials: { apiKey: sandbox.apiKey } });
    const [check] = sandbox.requests();
    expect(check).toMatchObject({ method: "GET", path: "/v1/activities", status: 200, query: { limit: ["1"] } });
  });

  it("is an AuthError for a key the API refuses, and the key appears nowhere in it", async () => {
    const connector = new CustomerioConnector();
    const error: unknown = await connector
      .authenticate({ ...binding, settings: sandbox.settings(binding), secrets: sandbox.badCredentials })
      .catch((caught: unknown) => caught);
    expect(isAuthError(error)).toBe(true);
    expect(`${String(error)} ${JSON.stringify(error)}`).not.toContain(sandbox.badCredentials["apiKey"] ?? "unreachable");
  });

  it("is a ConfigError naming the field, never a value, when the secrets hold no key", async () => {
    const connector = new CustomerioConnector();
    for (const secrets of [undefined, {}, { apiKey: "   " }, { site_id: "abc", api_key: "secret-track-key" }]) {
      const error: unknown = await connector.authenticate({ ...binding, settings: {}, ...(secrets === undefined ? {} : { secrets }) }).catch((caught: unknown) => caught);
      expect(isConfigError(error)).toBe(true);
      expect(String(error)).toMatch(/apiKey/);
      expect(String(error)).not.toContain("secret-track-key");
    }
  });

  it("sends Authorization: Bearer <App API key> (not Basic, not X-Api-Key)", async () => {
    const { seen, fetcher } = recordingFetch();
    const connector = new CustomerioConnector({ fetch: fetcher });
    await connector.healthCheck({ apiKey: "app-key-1234" });
    expect(seen[0]?.authorization).toBe("Bearer app-key-1234");
  });

  it("goes to the US or EU App API by region, and to the override when one is set", async () => {
    const { seen, fetcher } = recordingFetch();
    const connector = new CustomerioConnector({ fetch: fetcher });
    await connector.healthCheck({ apiKey: "k-us-0001" });
    await connector.healthCheck({ apiKey: "k-eu-0001" }, { settings: { region: "eu" } });
    await connector.healthCheck({ apiKey: "k-sb-0001" }, { settings: { region: "eu", baseUrl: "http://127.0.0.1:9/" } });
    expect(seen.map((request) => new URL(request.url).origin)).toEqual([
      "https://api.customer.io",
      "https://api-eu.customer.io",
      "http://127.0.0.1:9",
    ]);
    expect(new URL(seen[1]?.url ?? "").pathname).toBe("/v1/activities");
  });

  it("keeps secrets out of settings, and refuses an unknown region", () => {
    const connector = new CustomerioConnector();
    const settings = parseConnectorSettings(connector, { apiKey: "leaked", region: "eu" });
    expect(settings).toEqual({ region: "eu", syncPeople: true });
    expect(() => parseConnectorSettings(connector, { region: "ap" })).toThrow(/region/);
  });

  it("treats stored credentials without a key as a reconnect (AuthError), naming the field only", () => {
    const error: unknown = (() => {
      try {
        return parseCustomerioCredentials({ token: "abcd-secret" });
      } catch (caught) {
        return caught;
      }
    })();
    expect(isAuthError(error)).toBe(true);
    expect(String(error)).toMatch(/apiKey/);
    expect(String(error)).not.toContain("abcd-secret");
  });
});
