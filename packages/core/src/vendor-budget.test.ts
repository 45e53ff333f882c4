import { describe, expect, it } from "vitest";
import { accountField, hashedAccountKey } from "./vendor-budget.js";

describe("vendor budget helpers", () => {
  it("names an account by a hash of its key, never the key", () => {
    const key = hashedAccountKey("fathom", " secret-api-key-0123 ");
    expect(key).toMatch(/^fathom:key:[0-9a-f]{32}$/);
    expect(key).not.toContain("secret");
    expect(hashedAccountKey("fathom", "secret-api-key-0123")).toBe(key);
    expect(hashedAccountKey("fathom", "another-key")).not.toBe(key);
    expect(hashedAccountKey("fathom", "")).toBeUndefined();
    expect(hashedAccountKey("fathom", undefined)).toBeUndefined();
  });

  it("reads account fields as trimmed, non-empty strings only", () => {
    expect(accountField(" 00D5g ")).toBe("00D5g");
    expect(accountField("  ")).toBeUndefined();
    expect(accountField(42)).toBeUndefined();
  });
});
