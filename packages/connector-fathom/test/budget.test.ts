import { describe, expect, it } from "vitest";
import { FathomConnector } from "../src/index.js";

describe("Fathom's vendor budget", () => {
  const { budget } = new FathomConnector();
  it("names the account by a hash of its API key, with the documented 60 calls a minute", () => {
    const key = budget.accountKey({ settings: {}, credentials: { apiKey: "fathom-not-real-0123" } });
    expect(key).toMatch(/^fathom:key:[0-9a-f]{32}$/);
    expect(key).not.toContain("fathom-not-real");
    expect(budget.accountKey({ settings: {}, credentials: {} })).toBeUndefined();
    expect(budget.window).toEqual({ requests: 60, windowMs: 60_000 });
  });
});
