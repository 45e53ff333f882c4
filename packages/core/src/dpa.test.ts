import { describe, expect, it } from "vitest";
import { assertDpaAccepted } from "./dpa.js";
import { isDpaRequiredError } from "./errors.js";

describe("assertDpaAccepted", () => {
  it("passes for an acceptance date", () => {
    expect(() => assertDpaAccepted("Microsoft 365", new Date("2026-01-01T00:00:00Z"))).not.toThrow();
  });

  it.each([
    ["absent", undefined],
    ["null (never accepted or withdrawn)", null],
    ["an invalid date", new Date("nope")],
  ])("refuses with a non-retryable DpaRequiredError when acceptance is %s", (_label, acceptedAt) => {
    let caught: unknown;
    try {
      assertDpaAccepted("Microsoft 365", acceptedAt);
    } catch (error) {
      caught = error;
    }
    expect(isDpaRequiredError(caught)).toBe(true);
    expect(caught).toMatchObject({ retryable: false });
    expect(String(caught)).toContain("Microsoft 365");
  });
});
