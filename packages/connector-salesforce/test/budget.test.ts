import { describe, expect, it } from "vitest";
import { SalesforceConnector } from "../src/index.js";

describe("Salesforce's vendor budget", () => {
  const { budget } = new SalesforceConnector();
  it("names the org; no per-window limit of its own (the daily allocation is tracked from Sforce-Limit-Info)", () => {
    expect(budget.accountKey({ settings: { organizationId: "00D5g000004ABCD" }, credentials: {} })).toBe("salesforce:org:00D5g000004ABCD");
    expect(budget.accountKey({ settings: {}, credentials: {} })).toBeUndefined();
    expect(budget.window).toBeUndefined();
  });
});
