import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AuthError } from "./errors.js";
import { checkHealth, describeErrorWithout, type HealthProbeContext } from "./health.js";

const SettingsSchema = z.object({ baseUrl: z.url().default("https://api.acme.example") });
type Settings = z.output<typeof SettingsSchema>;
const acme = { id: "acme", name: "Acme", settingsSchema: SettingsSchema };
const gated = { ...acme, requiresDpa: true };

/** A clock that moves 25 ms each time it is read. */
function steppingClock(): () => number {
  let now = 1_000;
  return () => {
    now += 25;
    return now;
  };
}

describe("checkHealth", () => {
  it("reports a passing probe healthy, with the time it took, and hands it the parsed settings", async () => {
    const seen: HealthProbeContext<Settings>[] = [];
    const status = await checkHealth(
      acme,
      { apiKey: "key-123456" },
      { settings: { baseUrl: "http://127.0.0.1:9" } },
      async (context) => {
        seen.push(context);
        return { anything: true };
      },
      { now: steppingClock() },
    );
    expect(status).toEqual({ healthy: true, lastSync: null, latencyMs: 25 });
    expect(seen).toEqual([{ settings: { baseUrl: "http://127.0.0.1:9" }, request: {} }]);
  });

  it("gives the probe the schema's defaults without settings, and the caller's signal for its request", async () => {
    const controller = new AbortController();
    const seen: HealthProbeContext<Settings>[] = [];
    await checkHealth(acme, {}, { signal: controller.signal }, async (context) => {
      seen.push(context);
    });
    expect(seen[0]?.settings).toEqual({ baseUrl: "https://api.acme.example" });
    expect(seen[0]?.request.signal).toBe(controller.signal);
  });

  it("reports a throwing probe unhealthy, naming the error with every credential scrubbed", async () => {
    const credentials = { apiKey: "key-123456", refreshToken: "refresh-abcdef" };
    const status = await checkHealth(
      acme,
      credentials,
      {},
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

  it("reports invalid settings unhealthy without calling the probe", async () => {
    let probed = false;
    const status = await checkHealth(acme, {}, { settings: { baseUrl: "not a url" } }, async () => {
      probed = true;
    });
    expect(status.healthy).toBe(false);
    expect(status.error).toMatch(/^ConfigError: acme settings are invalid: baseUrl/);
    expect(probed).toBe(false);
  });

  it("refuses before the probe when the connector requires a DPA the tenant has not accepted", async () => {
    let probed = 0;
    const probe = async (): Promise<void> => {
      probed += 1;
    };
    const refused = await checkHealth(gated, {}, { dpaAcceptedAt: null }, probe);
    expect(refused.healthy).toBe(false);
    expect(refused.error).toMatch(/^DpaRequiredError: Acme needs the tenant's data processing agreement/);
    expect(probed).toBe(0);
    const accepted = await checkHealth(gated, {}, { dpaAcceptedAt: new Date("2026-01-01T00:00:00Z") }, probe);
    expect(accepted.healthy).toBe(true);
    expect(probed).toBe(1);
  });

  it("turns a synchronous throw inside the probe into a status too", async () => {
    const status = await checkHealth(acme, {}, {}, () => {
      throw new TypeError("no client for this");
    });
    expect(status.healthy).toBe(false);
    expect(status.error).toBe("TypeError: no client for this");
    expect(status.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it("leaves credential values shorter than minSecretLength in place", async () => {
    const status = await checkHealth(
      acme,
      { region: "eu", apiVersion: "v60.0", token: "token-abcdefgh" },
      {},
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
