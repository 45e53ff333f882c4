import { describe, expect, it } from "vitest";
import { secretsBeyondCredentials, type ConformanceSandbox } from "./suite.js";

describe("secretsBeyondCredentials", () => {
  const sandbox: ConformanceSandbox = { credentials: {}, badCredentials: {}, close: async () => undefined };

  it("adds a kit sandbox's webhook secret to the extra secrets", () => {
    expect(secretsBeyondCredentials({ extraSecrets: ["a"] }, { ...sandbox, webhooks: { secret: "whsec_x" } })).toEqual(["a", "whsec_x"]);
    expect(secretsBeyondCredentials({}, sandbox)).toEqual([]);
  });
});
