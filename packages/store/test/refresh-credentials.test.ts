/**
 * refreshCredentials: a token refresh under a row lock on the connection. Against a fake provider that rotates
 * refresh tokens (an old one is revoked once used), concurrent refreshers must cause exactly one provider call.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { AuthError, isAuthError, isTransientError, type Credentials } from "@gtm-clarity/core";
import { describe, expect, it } from "vitest";
import { engines, reportSkip, setupConnection, useStore } from "./helpers.js";

/** A provider with refresh-token rotation: each refresh token works once; reuse is `invalid_grant`. */
function rotatingProvider(delayMs = 40) {
  let generation = 1;
  const calls: string[] = [];
  return {
    calls,
    async refresh(credentials: Credentials): Promise<Credentials> {
      calls.push("refresh");
      await sleep(delayMs);
      if (credentials["refreshToken"] !== `rt-${generation}`) {
        throw new AuthError("token endpoint: invalid_grant (refresh token revoked)");
      }
      generation += 1;
      return { accessToken: `at-${generation}`, refreshToken: `rt-${generation}` };
    },
  };
}

const stale = (credentials: Credentials) => credentials["accessToken"] === "at-1";

describe.each(engines)("refreshCredentials on $name", (engine) => {
  if (reportSkip(engine)) return;
  const h = useStore(engine);
  const expired = { accessToken: "at-1", refreshToken: "rt-1" };

  it("ten concurrent refreshers of an expired connection: one provider call, everyone gets the new tokens", async () => {
    const ref = await setupConnection(h.store, undefined, expired);
    const provider = rotatingProvider();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => h.store.refreshCredentials({ ...ref, isStale: stale, refresh: (c) => provider.refresh(c) })),
    );
    expect(provider.calls).toHaveLength(1);
    expect(results.filter((result) => result.refreshed)).toHaveLength(1);
    expect(new Set(results.map((result) => result.credentials["accessToken"]))).toEqual(new Set(["at-2"]));
    expect(await h.store.getConnectionCredentials(ref)).toEqual({ accessToken: "at-2", refreshToken: "rt-2" });
    expect((await h.store.getConnection(ref)).status).toBe("active");
  });

  it("does not call the provider when the credentials are no longer stale once the lock is held", async () => {
    const ref = await setupConnection(h.store, undefined, { accessToken: "at-9", refreshToken: "rt-9" });
    const provider = rotatingProvider();
    const before = await h.store.getConnection(ref);
    const result = await h.store.refreshCredentials({ ...ref, isStale: stale, refresh: (c) => provider.refresh(c) });
    expect(result).toEqual({ credentials: { accessToken: "at-9", refreshToken: "rt-9" }, refreshed: false });
    expect(provider.calls).toHaveLength(0);
    expect((await h.store.getConnection(ref)).updatedAt).toEqual(before.updatedAt);
  });

  it("a refused refresh (invalid_grant) marks needs_reauth; queued refreshers fail without calling the provider", async () => {
    const ref = await setupConnection(h.store, undefined, { accessToken: "at-1", refreshToken: "rt-revoked" });
    const provider = rotatingProvider();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 5 }, () => h.store.refreshCredentials({ ...ref, isStale: stale, refresh: (c) => provider.refresh(c) })),
    );
    expect(provider.calls).toHaveLength(1);
    expect(outcomes.every((outcome) => outcome.status === "rejected" && isAuthError(outcome.reason))).toBe(true);
    const connection = await h.store.getConnection(ref);
    expect(connection).toMatchObject({ status: "needs_reauth" });
    expect(connection.lastError).toMatch(/^token refresh refused: .*invalid_grant/);
    expect(connection.lastError).not.toContain("rt-revoked");
    expect(await h.store.getConnectionCredentials(ref)).toEqual({ accessToken: "at-1", refreshToken: "rt-revoked" });
  });

  it("any other failure rolls back: credentials and status unchanged, the lock released", async () => {
    const ref = await setupConnection(h.store, undefined, expired);
    await expect(
      h.store.refreshCredentials({ ...ref, isStale: stale, refresh: async () => Promise.reject(new Error("socket hang up")) }),
    ).rejects.toThrow("socket hang up");
    expect(await h.store.getConnectionCredentials(ref)).toEqual(expired);
    expect((await h.store.getConnection(ref)).status).toBe("active");
    // Credentials that are not strings are refused before anything is written.
    await expect(
      h.store.refreshCredentials({ ...ref, isStale: stale, refresh: async () => ({ accessToken: 7 }) as unknown as Credentials }),
    ).rejects.toThrow(/invalid refreshed credentials/);
    const provider = rotatingProvider();
    await h.store.refreshCredentials({ ...ref, isStale: stale, refresh: (c) => provider.refresh(c) });
    expect(await h.store.getConnectionCredentials(ref)).toMatchObject({ accessToken: "at-2" });
  });

  it("a provider that hangs is cut off after timeoutMs (TransientError, aborted signal) and releases the lock", async () => {
    const ref = await setupConnection(h.store, undefined, expired);
    let aborted = false;
    const started = Date.now();
    const error = await h.store
      .refreshCredentials({
        ...ref,
        timeoutMs: 300,
        isStale: stale,
        refresh: (_c, signal) =>
          new Promise<Credentials>(() => {
            signal.addEventListener("abort", () => (aborted = true));
          }),
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(isTransientError(error)).toBe(true);
    expect(aborted).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
    const provider = rotatingProvider(1);
    await expect(h.store.refreshCredentials({ ...ref, isStale: stale, refresh: (c) => provider.refresh(c) })).resolves.toMatchObject({
      refreshed: true,
    });
  });

  it("is tenant-scoped: another tenant's connection is not found and nothing is called", async () => {
    const ref = await setupConnection(h.store, undefined, expired);
    const other = await setupConnection(h.store);
    const provider = rotatingProvider();
    await expect(
      h.store.refreshCredentials({ tenantId: other.tenantId, connectionId: ref.connectionId, isStale: () => true, refresh: (c) => provider.refresh(c) }),
    ).rejects.toThrow(/not found/);
    expect(provider.calls).toHaveLength(0);
  });
});
