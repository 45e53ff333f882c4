import { currentRequestGate, isConfigError } from "@gtm-clarity/core";
import { describe, expect, it } from "vitest";
import { budgetKeyFor, budgetWindows, vendorBudgetFor } from "../../src/budgets/accounts.js";
import { budgeted, type BudgetScope } from "../../src/budgets/gate.js";
import { connectorRegistry, deployedConnectors } from "../../src/connectors.js";

const conn = (connectorId: string, settings: Record<string, unknown> = {}) => ({ id: "7c1e0c4e-8a7b-4f0e-9a55-3f1a2b3c4d5e", connectorId, settings });
/** The deployed connector of an id, as the app looks it up (undefined: not deployed). */
const of = (id: string) => (connectorRegistry.has(id) ? connectorRegistry.get(id) : undefined);
const keyOf = (connectorId: string, settings: Record<string, unknown>, credentials: Record<string, string>) =>
  budgetKeyFor(of(connectorId), conn(connectorId, settings), credentials);
const deployed = deployedConnectors().map(({ id }) => connectorRegistry.get(id));

describe("vendor account keys, as the deployed connectors declare them", () => {
  it("names the account each connector draws on, never with a secret in the key", () => {
    const key = "fathom-api-key-not-real-0123456789";
    const fathom = keyOf("fathom", {}, { apiKey: key });
    expect(fathom).toMatch(/^fathom:key:[0-9a-f]{32}$/);
    expect(fathom).not.toContain(key);
    expect(keyOf("fathom", {}, { apiKey: key })).toBe(fathom);
    expect(keyOf("customerio", { region: "eu" }, { apiKey: "cio-key" })).toMatch(/^customerio:eu:key:[0-9a-f]{32}$/);
    expect(keyOf("salesforce", { organizationId: "00D5g000004ABCD" }, {})).toBe("salesforce:org:00D5g000004ABCD");
    expect(keyOf("o365", {}, { homeAccountId: "5d1f0a3b-oid.72f988bf-tid", tokenCache: "{}" })).toBe("o365:tenant:72f988bf-tid");
    const delivr = keyOf("delivr", { pixelId: "px-1" }, { apiKey: "dlvr_not_real_key", apiSecret: "s" });
    expect(delivr).toMatch(/^delivr:key:[0-9a-f]{32}$/);
    expect(keyOf("delivr", { projectId: "pr-9" }, { apiKey: "dlvr_not_real_key", apiSecret: "s" })).toBe(delivr);
    // Without what identifies the account, or without a connector that says, a connection is its own.
    expect(keyOf("salesforce", {}, {})).toBe("connection:7c1e0c4e-8a7b-4f0e-9a55-3f1a2b3c4d5e");
    expect(keyOf("something-else", {}, {})).toBe("connection:7c1e0c4e-8a7b-4f0e-9a55-3f1a2b3c4d5e");
  });

  it("uses the windows the connectors document, with VENDOR_BUDGETS adding, overriding or turning one off", () => {
    expect(budgetWindows({}, deployed)).toEqual({ fathom: { requests: 60, windowMs: 60_000 }, customerio: { requests: 10, windowMs: 1_000 } });
    expect(vendorBudgetFor(of("fathom"), conn("fathom"), { apiKey: "k" }, budgetWindows({}, deployed))).toMatchObject({ requests: 60, windowMs: 60_000 });
    expect(vendorBudgetFor(of("salesforce"), conn("salesforce"), {}, budgetWindows({}, deployed))).toBeUndefined();
    const windows = budgetWindows({ VENDOR_BUDGETS: '{"salesforce":{"requests":100,"windowMs":60000},"fathom":null}' }, deployed);
    expect(vendorBudgetFor(of("salesforce"), conn("salesforce", { organizationId: "00D1" }), {}, windows)).toEqual({ key: "salesforce:org:00D1", requests: 100, windowMs: 60_000 });
    expect(vendorBudgetFor(of("fathom"), conn("fathom"), { apiKey: "k" }, windows)).toBeUndefined();
    expect(() => budgetWindows({ VENDOR_BUDGETS: "{" }, deployed)).toThrow(/not JSON/);
    let error: unknown;
    try {
      budgetWindows({ VENDOR_BUDGETS: '{"fathom":{"requests":0,"windowMs":1}}' }, deployed);
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
