/**
 * DPA gating: until the tenant has accepted the data processing agreement, nothing reaches Microsoft: not
 * authenticate, not the health check, not a sync, not any OAuth step. The sandbox counts every request it receives.
 */
import { createOAuthBinding, isDpaRequiredError } from "@gtm-clarity/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACCEPTED, harness, type Harness } from "./support.js";

describe("DPA gate", () => {
  let h: Harness;
  let before: number;
  beforeAll(async () => {
    h = await harness();
    // Starting the sandbox signed its first user in; from here on, nothing may arrive.
    before = h.sandbox.stats().requests;
  });
  afterAll(() => h.sandbox.close());

  const notAccepted: { label: string; value: Date | null | undefined }[] = [
    { label: "absent", value: undefined },
    { label: "null", value: null },
    { label: "an invalid date", value: new Date(Number.NaN) },
  ];

  for (const { label, value } of notAccepted) {
    describe(`with dpaAcceptedAt ${label}`, () => {
      it("refuses authenticate, sync and every OAuth step with a DpaRequiredError", async () => {
        const gate = value === undefined ? {} : { dpaAcceptedAt: value };
        await expect(h.connector.authenticate({ tenantId: "t1", connectionId: "c1", settings: h.settings, secrets: h.credentials, ...gate })).rejects.toSatisfy(isDpaRequiredError);
        await expect(h.connector.sync(h.credentials, null, { settings: h.settings, ...gate })).rejects.toSatisfy(isDpaRequiredError);
        const binding = createOAuthBinding().cookieValue;
        await expect(
          h.connector.oauth.authorizationUrl({ tenantId: "t1", connectionId: "c1", redirectUri: "http://127.0.0.1/cb", sessionBinding: binding }, gate),
        ).rejects.toSatisfy(isDpaRequiredError);
        await expect(
          h.connector.oauth.exchangeCode({ code: "c", state: "s", codeVerifier: "v", redirectUri: "http://127.0.0.1/cb", sessionBinding: binding, tenantId: "t1" }, gate),
        ).rejects.toSatisfy(isDpaRequiredError);
        await expect(h.connector.oauth.refresh(h.credentials, gate)).rejects.toSatisfy(isDpaRequiredError);
      });

      it("reports the health check unhealthy, naming the agreement", async () => {
        const status = await h.connector.healthCheck(h.credentials, { settings: h.settings, ...(value === undefined ? {} : { dpaAcceptedAt: value }) });
        expect(status.healthy).toBe(false);
        expect(status.error).toMatch(/data processing agreement/);
      });
    });
  }

  it("let no request reach the sandbox (Entra ID or Graph)", () => {
    expect(h.sandbox.stats().requests).toBe(before);
    expect(h.sent).toHaveLength(0);
  });

  it("lets everything through once the agreement is accepted", async () => {
    const status = await h.connector.healthCheck(h.credentials, { settings: h.settings, dpaAcceptedAt: ACCEPTED });
    expect(status).toMatchObject({ healthy: true });
    expect(h.sandbox.stats().requests).toBe(before + 1);
  });
});
