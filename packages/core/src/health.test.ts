import { describe, expect, it } from "vitest";
import { AuthError } from "./errors.js";
import { checkHealth, describeErrorWithout } from "./health.js";

/** A clock that moves 25 ms each time it is read. */
function steppingClock(): () => number {
  let now = 1_000;
  return () => {
    now += 25;
    return now;
  };
}

describe("checkHealth", () => {
  it("reports a passing probe healthy, with the time it took", async () => {
    let probed = 0;
    const status = await checkHealth({ apiKey: "key-123456" }, async () => {
      probed += 1;
      return { anything: true };
    }, { now: steppingClock() });
    expect(status).toEqual({ healthy: true, lastSync: null, latencyMs: 25 });
    expect(probed).toBe(1);
  });

  it("reports a throwing probe unhealthy, naming the error with every credential scrubbed", async () => {
    const credentials = { apiKey: "key-123456", refreshToken: "refresh-abcdef" };
    const status = await checkHealth(
      credentials,
      () => Promise.reject(new AuthError("the server echoed key-123456 and refresh-abcdef")),
      { now: steppingClock() },
    );
    expect(status).toEqual({
      healthy: false,
      lastSync: null,
      latencyMs: 25,
      error: "AuthError: the server echoed [redacted] and [redacted]",
    });
  });

  it("turns a synchronous throw inside the probe into a status too", async () => {
    const status = await checkHealth({}, () => {
      throw new TypeError("settings are invalid");
    });
    expect(status.healthy).toBe(false);
    expect(status.error).toBe("TypeError: settings are invalid");
    expect(status.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it("leaves credential values shorter than minSecretLength in place", async () => {
    const status = await checkHealth(
      { region: "eu", apiVersion: "v60.0", token: "token-abcdefgh" },
      () => Promise.reject(new Error("eu v60.0 token-abcdefgh")),
      { minSecretLength: 8 },
    );
    expect(status.error).toBe("Error: eu v60.0 [redacted]");
  });
});

describe("describeErrorWithout", () => {
  it("says 'unknown error' for a thrown non-error, which may be anything", () => {
    expect(describeErrorWithout("secret-string-thrown", ["secret-string-thrown"])).toBe("unknown error");
  });

  it("scrubs values of four characters or more by default", () => {
    expect(describeErrorWithout(new Error("abc abcd"), ["abc", "abcd"])).toBe("Error: abc [redacted]");
  });
});
