import { describe, expect, it } from "vitest";
import { O365Connector } from "../src/index.js";

describe("Microsoft 365's vendor budget", () => {
  const { budget } = new O365Connector();
  it("names the Microsoft tenant from MSAL's home account id (<object id>.<tenant id>)", () => {
    expect(budget.accountKey({ settings: {}, credentials: { homeAccountId: "5d1f0a3b-oid.72f988bf-tid", tokenCache: "{}" } })).toBe("o365:tenant:72f988bf-tid");
    expect(budget.accountKey({ settings: {}, credentials: { homeAccountId: "no-tenant-part" } })).toBeUndefined();
    expect(budget.window).toBeUndefined();
  });
});
