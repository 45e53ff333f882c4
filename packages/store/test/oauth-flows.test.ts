import { randomUUID } from "node:crypto";
import { createPkcePair, isValidationError } from "@gtm-clarity/core";
import { describe, expect, it } from "vitest";
import { engines, reportSkip, uniqueTenant, useStore } from "./helpers.js";

describe.each(engines)("pending OAuth flows on $name", (engine) => {
  if (reportSkip(engine)) return;
  const h = useStore(engine);

  async function started(tenantId = uniqueTenant(), expiresAt = new Date(Date.now() + 600_000)) {
    await h.store.createTenant({ tenantId });
    const connectionId = randomUUID();
    const { codeVerifier } = createPkcePair();
    const state = `state-${randomUUID()}`;
    await h.store.saveOAuthFlow({
      tenantId,
      connectionId,
      connectorId: "salesforce",
      state,
      codeVerifier,
      redirectUri: "https://app.example.test/api/oauth/salesforce/callback",
      expiresAt,
    });
    return { tenantId, connectionId, codeVerifier, state };
  }

  it("gives the flow back once, with its verifier, and never again", async () => {
    const flow = await started();
    const first = await h.store.takeOAuthFlow({ tenantId: flow.tenantId, state: flow.state });
    expect(first).toEqual({
      status: "ok",
      flow: expect.objectContaining({
        tenantId: flow.tenantId,
        connectionId: flow.connectionId,
        connectorId: "salesforce",
        codeVerifier: flow.codeVerifier,
      }),
    });
    expect(await h.store.takeOAuthFlow({ tenantId: flow.tenantId, state: flow.state })).toEqual({ status: "unknown" });
  });

  it("lets exactly one of many concurrent takers have it", async () => {
    const flow = await started();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => h.store.takeOAuthFlow({ tenantId: flow.tenantId, state: flow.state })),
    );
    expect(results.filter((result) => result.status === "ok")).toHaveLength(1);
  });

  it("keeps the verifier encrypted at rest", async () => {
    const flow = await started();
    const { rows } = await h.driver.query<{ verifier_ciphertext: string }>(
      "SELECT verifier_ciphertext FROM oauth_flows WHERE tenant_id = $1",
      [flow.tenantId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.verifier_ciphertext).not.toContain(flow.codeVerifier);
  });

  it("says expired for a flow past its time, and removes it", async () => {
    const flow = await started(uniqueTenant(), new Date(Date.now() - 1000));
    expect(await h.store.takeOAuthFlow({ tenantId: flow.tenantId, state: flow.state })).toEqual({ status: "expired" });
    expect(await h.store.takeOAuthFlow({ tenantId: flow.tenantId, state: flow.state })).toEqual({ status: "unknown" });
  });

  it("hides a tenant's flow from another tenant, which cannot consume it either", async () => {
    const flow = await started();
    const other = uniqueTenant();
    await h.store.createTenant({ tenantId: other });
    expect(await h.store.takeOAuthFlow({ tenantId: other, state: flow.state })).toEqual({ status: "unknown" });
    expect((await h.store.takeOAuthFlow({ tenantId: flow.tenantId, state: flow.state })).status).toBe("ok");
  });

  it("refuses a malformed verifier", async () => {
    const tenantId = uniqueTenant();
    await h.store.createTenant({ tenantId });
    await expect(
      h.store.saveOAuthFlow({
        tenantId,
        connectionId: randomUUID(),
        connectorId: "salesforce",
        state: "s",
        codeVerifier: "short",
        redirectUri: "https://app.example.test/cb",
        expiresAt: new Date(Date.now() + 60_000),
      }),
    ).rejects.toSatisfy(isValidationError);
  });
});
