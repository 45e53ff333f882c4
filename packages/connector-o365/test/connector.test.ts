/** The connector's surface: registration, settings, authenticate (refresh + /me), health checks, errors without secrets. */
import { connectorRegistry, isAuthError, isConfigError, isValidationError, parseConnectorSettings } from "@gtm-clarity/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { O365Connector, O365SettingsSchema } from "../src/index.js";
import { ACCEPTED, harness, type Harness } from "./support.js";

let h: Harness;
beforeAll(async () => {
  h = await harness({ messagesPerMailbox: 5 });
});
afterAll(() => h.sandbox.close());

describe("O365Connector", () => {
  it("registers itself as o365, requires the DPA and exposes OAuth", () => {
    const registered = connectorRegistry.get("o365");
    expect(registered).toBeInstanceOf(O365Connector);
    expect(registered.requiresDpa).toBe(true);
    expect(registered.oauth).toBeDefined();
    expect(registered.secretsSchema).toBeUndefined();
  });

  it("settings default to Graph, subjects off, a 30-day window each way", () => {
    expect(O365SettingsSchema.parse({})).toEqual({ baseUrl: "https://graph.microsoft.com/v1.0", includeSubjects: false, calendarPastDays: 30, calendarFutureDays: 30, pageSize: 100 });
    expect(() => parseConnectorSettings(h.connector, { pageSize: 0 })).toThrow();
  });

  it("authenticate refreshes through MSAL, checks /me and returns the rotated cache", async () => {
    const result = await h.connector.authenticate({ tenantId: "t1", connectionId: "c1", settings: h.settings, secrets: h.credentials, dpaAcceptedAt: ACCEPTED });
    expect(result.credentials["tokenCache"]).not.toBe(h.credentials["tokenCache"]);
    expect(result.credentials["homeAccountId"]).toBe(h.credentials["homeAccountId"]);
    expect(result.expiresAt).toBeInstanceOf(Date);
    expect(h.sent.some(({ url }) => url.includes("/v1.0/me?"))).toBe(true);
    h.credentials = result.credentials;
  });

  it("authenticate without the exchanged credentials is a ConfigError", async () => {
    await expect(h.connector.authenticate({ tenantId: "t1", connectionId: "c1", settings: h.settings, dpaAcceptedAt: ACCEPTED })).rejects.toSatisfy(isConfigError);
  });

  it("health: healthy with good credentials, unhealthy without leaking a rejected token", async () => {
    expect(await h.connector.healthCheck(h.credentials, { settings: h.settings, dpaAcceptedAt: ACCEPTED })).toMatchObject({ healthy: true });
    const bad = { ...h.credentials, accessToken: "eyJ-not-a-real-token-0123456789" };
    const status = await h.connector.healthCheck(bad, { settings: h.settings, dpaAcceptedAt: ACCEPTED });
    expect(status.healthy).toBe(false);
    expect(status.error).toMatch(/InvalidAuthenticationToken/);
    expect(status.error).not.toContain(bad.accessToken);
  });

  it("sync with malformed credentials is an AuthError naming fields, not values", async () => {
    const error: unknown = await h.connector.sync({ accessToken: "abc-secret-value" }, null, { settings: h.settings, dpaAcceptedAt: ACCEPTED }).catch((caught: unknown) => caught);
    expect(isAuthError(error)).toBe(true);
    expect(String(error)).toContain("tokenCache");
    expect(String(error)).not.toContain("abc-secret-value");
  });

  it("refuses settings that are not settings", () => {
    expect(() => parseConnectorSettings(h.connector, { baseUrl: "ftp://x" })).toThrow();
    const error: unknown = (() => {
      try {
        return parseConnectorSettings(h.connector, { calendarPastDays: -1 });
      } catch (caught) {
        return caught;
      }
    })();
    expect(isValidationError(error) || isConfigError(error)).toBe(true);
  });
});
