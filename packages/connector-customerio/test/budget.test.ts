import { describe, expect, it } from "vitest";
import { CustomerioConnector } from "../src/index.js";

describe("Customer.io's vendor budget", () => {
  const { budget } = new CustomerioConnector();
  it("names the workspace by region and a hash of its App API key, at 10 requests a second", () => {
    const eu = budget.accountKey({ settings: { region: "eu" }, credentials: { apiKey: "cio-not-real" } });
    expect(eu).toMatch(/^customerio:eu:key:[0-9a-f]{32}$/);
    expect(eu).not.toContain("cio-not-real");
    expect(budget.accountKey({ settings: {}, credentials: { apiKey: "cio-not-real" } })).toMatch(/^customerio:us:key:/);
    expect(budget.window).toEqual({ requests: 10, windowMs: 1_000 });
  });
});
