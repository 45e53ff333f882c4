import { describe, expect, it } from "vitest";
import { DelivrConnector } from "../src/index.js";

describe("Delivr.ai's vendor budget", () => {
  const { budget } = new DelivrConnector();
  it("names the account by a hash of its API key, whichever pixel or project a connection reads", () => {
    const a = budget.accountKey({ settings: { pixelId: "px-1" }, credentials: { apiKey: "dlvr_not_real_key", apiSecret: "s" } });
    const b = budget.accountKey({ settings: { projectId: "pr-9" }, credentials: { apiKey: "dlvr_not_real_key", apiSecret: "s" } });
    expect(a).toMatch(/^delivr:key:[0-9a-f]{32}$/);
    expect(b).toBe(a);
    expect(a).not.toContain("dlvr_not_real_key");
    expect(budget.window).toBeUndefined();
  });
});
