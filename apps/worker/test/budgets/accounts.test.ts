import { currentRequestGate, isConfigError } from "@gtm-clarity/core";
import { describe, expect, it } from "vitest";
import { budgetKeyFor, budgetWindows, vendorBudgetFor } from "../../src/budgets/accounts.js";
import { budgeted, type BudgetScope } from "../../src/budgets/gate.js";

const conn = (connectorId: string, settings: Record<string, unknown> = {}) => ({ id: "7c1e0c4e-8a7b-4f0e-9a55-3f1a2b3c4d5e", connectorId, settings });

describe("vendor account keys", () => {
  it("names the account each connector draws on, never with a secret in the key", () => {
    const key = "fathom-api-key-not-real-0123456789";
    const fathom = budgetKeyFor(conn("fathom"), { apiKey: key });
    expect(fathom).toMatch(/^fathom:key:[0-9a-f]{32}$/);
    expect(fathom).not.toContain(key);
    expect(budgetKeyFor(conn("fathom"), { apiKey: key })).toBe(fathom);
    expect(budgetKeyFor(conn("customerio", { region: "eu" }), { apiKey: "cio-key" })).toMatch(/^customerio:eu:key:[0-9a-f]{32}$/);
    expect(budgetKeyFor(conn("salesforce", { organizationId: "00D5g000004ABCD" }), {})).toBe("salesforce:org:00D5g000004ABCD");
    expect(budgetKeyFor(conn("o365"), { homeAccountId: "5d1f0a3b-oid.72f988bf-tid", tokenCache: "{}" })).toBe("o365:tenant:72f988bf-tid");
    const delivr = budgetKeyFor(conn("delivr", { pixelId: "px-1" }), { apiKey: "dlvr_not_real_key", apiSecret: "s" });
    expect(delivr).toMatch(/^delivr:key:[0-9a-f]{32}$/);
    expect(budgetKeyFor(conn("delivr", { projectId: "pr-9" }), { apiKey: "dlvr_not_real_key", apiSecret: "s" })).toBe(delivr);
    // Without what identifies the account, a connection is its own.
    expect(budgetKeyFor(conn("salesforce"), {})).toBe("connection:7c1e0c4e-8a7b-4f0e-9a55-3f1a2b3c4d5e");
    expect(budgetKeyFor(conn("something-else"), {})).toBe("connection:7c1e0c4e-8a7b-4f0e-9a55-3f1a2b3c4d5e");
  });

  it("uses the documented windows, with VENDOR_BUDGETS adding, overriding or turning one off", () => {
    expect(vendorBudgetFor(conn("fathom"), { apiKey: "k" }, budgetWindows({}))).toMatchObject({ requests: 60, windowMs: 60_000 });
    expect(vendorBudgetFor(conn("salesforce"), {}, budgetWindows({}))).toBeUndefined();
    const windows = budgetWindows({ VENDOR_BUDGETS: '{"salesforce":{"requests":100,"windowMs":60000},"fathom":null}' });
    expect(vendorBudgetFor(conn("salesforce", { organizationId: "00D1" }), {}, windows)).toEqual({ key: "salesforce:org:00D1", requests: 100, windowMs: 60_000 });
    expect(vendorBudgetFor(conn("fathom"), { apiKey: "k" }, windows)).toBeUndefined();
    expect(() => budgetWindows({ VENDOR_BUDGETS: "{" })).toThrow(/not JSON/);
    let error: unknown;
    try {
      budgetWindows({ VENDOR_BUDGETS: '{"fathom":{"requests":0,"windowMs":1}}' });
    } catch (caught) {
      error = caught;
    }
    expect(isConfigError(error)).toBe(true);
  });

  it("puts only the vendor-calling activities in their connection's budget scope", async () => {
    const scoped: string[] = [];
    const scope: BudgetScope = (ref, fn) => {
      scoped.push(ref.connectionId);
      return fn();
    };
    const seen = async (_input: { tenantId: string; connectionId: string }) => currentRequestGate() === undefined;
    const activities = budgeted({ syncPages: seen, finishRun: seen, drainWritebackBatch: seen }, scope);
    const ref = { tenantId: "t", connectionId: "c" };
    await activities.syncPages(ref);
    await activities.finishRun(ref);
    await activities.drainWritebackBatch(ref);
    expect(scoped).toEqual(["c", "c"]);
  });
});
